"""Shared fixtures: a wired app on a fresh SQLite file, and PostgreSQL databases.

PostgreSQL tests use a database of their own, created and dropped per test session.
They run when a server answers at ``STUDYBOT_TEST_PG_URL`` (default
``postgresql://postgres@127.0.0.1:5432/postgres``) and skip with instructions otherwise.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.app import App, build_app
from bot.config import Settings
from bot.core.clock import FakeClock
from bot.core.content_loader import Content, load_content

ROOT = Path(__file__).resolve().parent.parent
PG_ADMIN_URL = os.environ.get(
    "STUDYBOT_TEST_PG_URL", "postgresql://postgres@127.0.0.1:5432/postgres"
)
PG_HOWTO = (
    "PostgreSQL not reachable at {url} ({err}). To run these tests, start PostgreSQL "
    "(trust auth) on 127.0.0.1:5432 or set STUDYBOT_TEST_PG_URL to an admin URL."
)


@pytest.fixture(scope="session")
def content() -> Content:
    """The real content, loaded once."""
    return load_content(ROOT / "content", ROOT / "schedules")


def make_settings(tmp_path: Path, url: str | None = None) -> Settings:
    """Settings for a test: its own data dir, SQLite file unless ``url`` is given."""
    env = {"STUDYBOT_DATA_DIR": str(tmp_path)}
    if url:
        env["DATABASE_URL"] = url
    return replace(Settings.from_env(env), content_dir=ROOT / "content",
                   schedules_dir=ROOT / "schedules")


@pytest.fixture
def clock() -> FakeClock:
    """A clock at 09:00 UTC on Monday 5 January 2026."""
    return FakeClock(datetime(2026, 1, 5, 9, 0, tzinfo=UTC))


@pytest.fixture
def sqlite_app(tmp_path: Path, clock: FakeClock, content: Content) -> Iterator[App]:
    """A wired app on a fresh SQLite file."""
    app = build_app(make_settings(tmp_path), clock=clock, content=content)
    yield app
    app.close()


def _pg_admin() -> tuple[object, str]:
    try:
        import psycopg
    except ImportError as exc:  # pragma: no cover
        pytest.skip(PG_HOWTO.format(url=PG_ADMIN_URL, err=exc))
    try:
        conn = psycopg.connect(PG_ADMIN_URL, autocommit=True, connect_timeout=3)
    except Exception as exc:
        message = PG_HOWTO.format(url=PG_ADMIN_URL, err=type(exc).__name__)
        if os.environ.get("STUDYBOT_REQUIRE_PG") == "1":
            pytest.fail("STUDYBOT_REQUIRE_PG=1 but " + message)
        pytest.skip(message)
    return conn, PG_ADMIN_URL


@contextmanager
def pg_database() -> Iterator[str]:
    """Create a PostgreSQL database of its own; drop it afterwards (skip if no server)."""
    conn, admin = _pg_admin()
    name = f"studybot_test_{uuid.uuid4().hex[:10]}"
    conn.execute(f'CREATE DATABASE "{name}"')  # type: ignore[attr-defined]
    try:
        yield f"{admin.rsplit('/', 1)[0]}/{name}"
    finally:
        conn.execute(  # type: ignore[attr-defined]
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s", (name,))
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')  # type: ignore[attr-defined]
        conn.close()  # type: ignore[attr-defined]


@pytest.fixture
def fresh_pg_url() -> Iterator[str]:
    """A PostgreSQL database of its own for one test (for races and restarts)."""
    with pg_database() as url:
        yield url


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def any_app(request: pytest.FixtureRequest, tmp_path: Path, clock: FakeClock,
            content: Content) -> Iterator[App]:
    """The same test on SQLite and on PostgreSQL (a fresh database each)."""
    if request.param == "sqlite":
        app = build_app(make_settings(tmp_path), clock=clock, content=content)
        yield app
        app.close()
        return
    with pg_database() as url:
        app = build_app(make_settings(tmp_path, url), clock=clock, content=content)
        try:
            yield app
        finally:
            app.close()
