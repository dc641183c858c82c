"""Fixtures for scheduling tests: recording and failing messengers, group factories."""

from __future__ import annotations

import itertools
import threading
from datetime import date, time

import pytest

from bot.core.types import GroupRef, Reply


class RecordingMessenger:
    """A thread-safe Messenger that records every reply with the clock time it was sent."""

    def __init__(self, clock=None) -> None:
        self.clock = clock
        self.sent: list[tuple[GroupRef, Reply, object]] = []
        self._lock = threading.Lock()
        self._ids = itertools.count(1)

    def send(self, group: GroupRef, reply: Reply) -> str:
        with self._lock:
            self.sent.append((group, reply, self.clock.now() if self.clock else None))
            return f"m{next(self._ids)}"


class FlakyMessenger(RecordingMessenger):
    """Fails the first ``failures`` sends, then records."""

    def __init__(self, failures: int, clock=None) -> None:
        super().__init__(clock)
        self.failures = failures
        self.calls = 0

    def send(self, group: GroupRef, reply: Reply) -> str:
        self.calls += 1
        if self.calls <= self.failures:
            raise ConnectionError(f"platform down (call {self.calls})")
        return super().send(group, reply)


@pytest.fixture
def messenger(clock) -> RecordingMessenger:
    return RecordingMessenger(clock)


def add_group(store, channel: str, *, schedule: str = "default", zone: str = "UTC",
              daily: time = time(9, 0), start: date = date(2026, 1, 5)):
    """Create a group directly in the store."""
    return store.save_group(GroupRef("test", "w", channel), track_id="staff-90",
                            schedule_id=schedule, timezone=zone, daily_time=daily,
                            start_date=start, quorum=0.5)


@pytest.fixture
def make_group():
    return add_group


@pytest.fixture
def recording():
    """The recording messenger class."""
    return RecordingMessenger


@pytest.fixture
def flaky():
    """The failing-then-recording messenger class."""
    return FlakyMessenger


@pytest.fixture
def open_app(tmp_path, content):
    """Build an app (a process, in effect) on SQLite in tmp_path, or on ``url``."""
    from dataclasses import replace
    from pathlib import Path

    from bot.app import build_app
    from bot.config import Settings

    root = Path(__file__).resolve().parents[2]
    opened = []

    def build(clock, url=None):
        env = {"STUDYBOT_DATA_DIR": str(tmp_path)}
        if url:
            env["DATABASE_URL"] = url
        settings = replace(Settings.from_env(env), content_dir=root / "content",
                           schedules_dir=root / "schedules")
        app = build_app(settings, clock=clock, content=content)
        opened.append(app)
        return app

    yield build
    for app in opened:
        app.close()


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def db_url(request):
    """None for SQLite (a file in tmp_path), or a fresh PostgreSQL database URL."""
    return None if request.param == "sqlite" else request.getfixturevalue("fresh_pg_url")
