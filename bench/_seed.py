"""Shared benchmark helpers: a year-long track, bulk-seeded groups, PostgreSQL scratch
databases and percentiles."""

from __future__ import annotations

import os
import random
import statistics
import sys
import tempfile
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path

from sqlalchemy import insert

from bot.app import App, build_app
from bot.config import Settings
from bot.core.clock import FakeClock
from bot.core.content import Track
from bot.core.content_loader import Content, load_content
from bot.core.types import GroupRef
from bot.storage.models import AwayRow, CheckinRow, MemberRow
from bot.storage.streak_backfill import backfill_streaks

ROOT = Path(__file__).resolve().parent.parent
PG_ADMIN_URL = os.environ.get(
    "STUDYBOT_BENCH_PG_URL",
    os.environ.get("STUDYBOT_TEST_PG_URL", "postgresql://postgres@127.0.0.1:5432/postgres"))
YEAR_TRACK = "staff-year"


def progress(message: str) -> None:
    """One progress line on stderr."""
    print(f"  {message}", file=sys.stderr, flush=True)


def load_year_content() -> Content:
    """The real content plus ``staff-year``: the staff-90 days repeated to 365 days."""
    content = load_content(ROOT / "content", ROOT / "schedules")
    base = content.tracks["staff-90"]
    days = []
    for i in range(365):
        d = base.days[i % len(base.days)]
        days.append(d.model_copy(update={
            "day": i + 1, "phase": 1, "revisit": None,
            "title": f"{d.title} (round {i // len(base.days) + 1})"}))
    phase = base.phases[0].model_copy(update={"first_day": 1, "last_day": 365})
    data = base.model_dump()
    data.update(id=YEAR_TRACK, name="Staff prep, a year", phases=[phase.model_dump()],
                days=[d.model_dump() for d in days], milestones=[])
    year = Track.model_validate(data)
    return replace(content, tracks={**content.tracks, YEAR_TRACK: year})


def settings_for(data_dir: Path, url: str | None = None) -> Settings:
    """Settings on a scratch data dir (SQLite file unless ``url``)."""
    env = {"STUDYBOT_DATA_DIR": str(data_dir)}
    if url:
        env["DATABASE_URL"] = url
    return replace(Settings.from_env(env), content_dir=ROOT / "content",
                   schedules_dir=ROOT / "schedules")


def pg_reachable() -> str | None:
    """None if PostgreSQL answers at the admin URL, else why not."""
    try:
        import psycopg

        psycopg.connect(PG_ADMIN_URL, connect_timeout=3).close()
    except Exception as exc:
        return f"{type(exc).__name__} at {PG_ADMIN_URL.split('@')[-1]}"
    return None


@contextmanager
def pg_database() -> Iterator[str]:
    """A PostgreSQL database of its own, dropped afterwards."""
    import psycopg

    name = f"studybot_bench_{uuid.uuid4().hex[:10]}"
    admin = psycopg.connect(PG_ADMIN_URL, autocommit=True)
    admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield f"{PG_ADMIN_URL.rsplit('/', 1)[0]}/{name}"
    finally:
        admin.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                      "WHERE datname = %s AND pid <> pg_backend_pid()", (name,))
        admin.execute(f'DROP DATABASE IF EXISTS "{name}"')
        admin.close()


@contextmanager
def scratch_app(backend: str, now: datetime, content: Content) -> Iterator[App]:
    """A wired app at ``now`` on a fresh SQLite file or PostgreSQL database."""
    with tempfile.TemporaryDirectory(prefix="studybot-bench-") as tmp:
        if backend == "sqlite":
            app = build_app(settings_for(Path(tmp)), clock=FakeClock(now), content=content)
            try:
                yield app
            finally:
                app.close()
            return
        with pg_database() as url:
            app = build_app(settings_for(Path(tmp), url), clock=FakeClock(now), content=content)
            try:
                yield app
            finally:
                app.close()


def seed_group(app: App, ref: GroupRef, *, members: int, days: int, start: date,
               fresh: int = 0, rng: random.Random | None = None, track: str = YEAR_TRACK,
               schedule: str = "every-day", daily_time: time = time(8, 0)) -> int:
    """Create a group with ``members`` members and ``days`` plan days of check-ins.

    Each member checks in on a day with their own probability (50-99%); one in twenty has
    an absence. Members ``m0000..`` below ``fresh`` have not checked in on day ``days``.
    Rows go in with bulk inserts. Returns the group id.
    """
    rng = rng or random.Random(8)
    group = app.store.save_group(ref, track_id=track, schedule_id=schedule, timezone="UTC",
                                 daily_time=daily_time, start_date=start, quorum=0.5)
    at_base = datetime.combine(start, time(12, 0), tzinfo=UTC)
    member_rows, checkin_rows, away_rows = [], [], []
    for i in range(members):
        user = f"m{i:04d}"
        member_rows.append(dict(group_id=group.id, user_id=user, display_name=f"Member {i}",
                                joined_on=start))
        rate = rng.uniform(0.5, 0.99)
        for day in range(1, days + 1):
            if day == days and i < fresh:
                continue
            if rng.random() < rate:
                checkin_rows.append(dict(group_id=group.id, user_id=user, plan_day=day,
                                         at=at_base + timedelta(days=day - 1), note=None))
        if i % 20 == 7:
            first = start + timedelta(days=rng.randrange(days))
            away_rows.append(dict(group_id=group.id, user_id=user, start_date=first,
                                  end_date=first + timedelta(days=rng.randrange(2, 10))))
    with app.db.session() as s:
        s.execute(insert(MemberRow), member_rows)
        if away_rows:
            s.execute(insert(AwayRow), away_rows)
        for k in range(0, len(checkin_rows), 20_000):
            s.execute(insert(CheckinRow), checkin_rows[k:k + 20_000])
        # The bulk insert bypasses add_checkin: fill the summaries as migration 0006 does.
        backfill_streaks(s.connection(), group.id)
    if app.db.dialect == "postgresql":
        with app.db.engine.connect() as conn:
            conn.exec_driver_sql("ANALYZE")
            conn.commit()
    progress(f"seeded {members} members, {len(checkin_rows):,} check-ins "
             f"({app.db.dialect})")
    return group.id


def quantiles_ms(samples: list[float]) -> tuple[float, float]:
    """p50 and p99 of ``samples`` (seconds), in milliseconds."""
    ms = [s * 1000 for s in samples]
    if len(ms) < 2:
        return (ms[0], ms[0]) if ms else (0.0, 0.0)
    return statistics.median(ms), statistics.quantiles(ms, n=100, method="inclusive")[98]


def fmt_ms(value: float) -> str:
    """``12.3 ms``."""
    return f"{value:.1f} ms" if value >= 10 else f"{value:.2f} ms"


