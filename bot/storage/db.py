"""Engine, sessions and migrations: one :class:`Database` per process."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from sqlalchemy import Connection, Engine, create_engine, event
from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError
from sqlalchemy.orm import Session, sessionmaker

from bot.core.service import TryAgainLater

log = logging.getLogger(__name__)

MIGRATIONS = Path(__file__).with_name("migrations")


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=5000")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def make_engine(url: str) -> Engine:
    """An engine for ``url``; SQLite gets WAL, foreign keys and a busy timeout."""
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"check_same_thread": False})
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url.removeprefix("postgresql://")
    elif url.startswith("postgres://"):
        url = "postgresql+psycopg://" + url.removeprefix("postgres://")
    return create_engine(url, pool_pre_ping=True, pool_size=10, max_overflow=10)


class Database:
    """Owns the engine and hands out sessions (one unit of work each)."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.engine = make_engine(url)
        self._sessions = sessionmaker(self.engine, expire_on_commit=False)

    @property
    def dialect(self) -> str:
        """``sqlite`` or ``postgresql``."""
        return self.engine.dialect.name

    @contextmanager
    def session(self) -> Iterator[Session]:
        """A session that commits on success and rolls back on error.

        A lost or refused database connection raises :class:`TryAgainLater`, which the core
        turns into a "try again" reply; nothing of the unit of work was committed.
        """
        try:
            with self._sessions() as s, s.begin():
                yield s
        except DBAPIError as exc:
            if not is_unavailable(exc):
                raise
            log.warning("database unavailable: %s", type(exc.orig).__name__)
            raise TryAgainLater(str(type(exc.orig).__name__)) from exc

    @contextmanager
    def transaction(self) -> Iterator[Connection]:
        """A plain connection in a transaction (no ORM session): for hot single statements.

        Commits on success, rolls back on error; connection losses raise
        :class:`TryAgainLater` as in :meth:`session`.
        """
        try:
            with self.engine.begin() as conn:
                yield conn
        except DBAPIError as exc:
            if not is_unavailable(exc):
                raise
            log.warning("database unavailable: %s", type(exc.orig).__name__)
            raise TryAgainLater(str(type(exc.orig).__name__)) from exc

    def upgrade(self) -> None:
        """Apply every Alembic migration (all heads)."""
        with self.engine.begin() as conn:
            cfg = alembic_config(self.url)
            cfg.attributes["connection"] = conn
            command.upgrade(cfg, "heads")

    def dispose(self) -> None:
        """Close every pooled connection."""
        self.engine.dispose()


_SQLITE_TRANSIENT = ("database is locked", "unable to open", "disk i/o error")


def is_unavailable(exc: DBAPIError) -> bool:
    """True if ``exc`` means the database cannot be reached now (not a bug in a query).

    PostgreSQL: a dropped or refused connection (psycopg's OperationalError covers
    ``pg_terminate_backend``, a restart and "connection refused"). SQLite: a locked or
    unreadable file; "no such table" and other OperationalErrors stay errors.
    """
    if exc.connection_invalidated:
        return True
    if not isinstance(exc, OperationalError | InterfaceError):
        return False
    module = type(exc.orig).__module__
    if module.startswith("sqlite3"):
        return any(m in str(exc.orig).lower() for m in _SQLITE_TRANSIENT)
    return True


def alembic_config(url: str) -> Config:
    """An Alembic config pointing at the packaged migrations."""
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return cfg
