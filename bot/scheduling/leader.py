"""Scheduler leadership: exactly one process posts, held by a PostgreSQL advisory lock.

The lock lives on a dedicated connection (not a pooled one), so it is held exactly as long
as that session: if the leader dies, PostgreSQL ends the session (TCP keepalives find a
dead peer within about half a minute) and a contender retrying every few seconds takes
over. On SQLite one process is assumed and the lock always wins.
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import threading
from typing import Any, Protocol

from bot.storage.db import Database

log = logging.getLogger(__name__)

LOCK_KEY = int.from_bytes(hashlib.sha256(b"studybot:scheduler").digest()[:8], "big",
                          signed=True)


class LeaderLock(Protocol):
    """Who may run the scheduler."""

    def try_acquire(self) -> bool:
        """Take leadership if free; True if this process holds it now."""
        ...

    def is_held(self) -> bool:
        """True while this process still holds it (checks the connection)."""
        ...

    def release(self) -> None:
        """Give leadership up."""
        ...


class NoopLeaderLock:
    """SQLite: a single process is assumed, so it always leads."""

    def __init__(self) -> None:
        self._held = False

    def try_acquire(self) -> bool:
        """Always wins."""
        self._held = True
        return True

    def is_held(self) -> bool:
        """True after :meth:`try_acquire` until :meth:`release`."""
        return self._held

    def release(self) -> None:
        """Forget leadership."""
        self._held = False


class PgAdvisoryLock:
    """``pg_try_advisory_lock`` on a dedicated autocommit connection."""

    def __init__(self, conninfo: str, key: int = LOCK_KEY) -> None:
        self.conninfo = conninfo
        self.key = key
        self._conn: Any = None
        self._held = False
        self._mutex = threading.Lock()

    def _connect(self) -> Any:
        import psycopg

        return psycopg.connect(self.conninfo, autocommit=True, connect_timeout=5,
                               keepalives=1, keepalives_idle=10, keepalives_interval=5,
                               keepalives_count=3, application_name="studybot-leader")

    def try_acquire(self) -> bool:
        """Try the lock once (never blocks); reconnect first if the session was lost."""
        with self._mutex:
            if self._held and self._alive():
                return True
            self._drop()
            try:
                self._conn = self._connect()
                row = self._conn.execute("SELECT pg_try_advisory_lock(%s)", (self.key,)).fetchone()
            except Exception as exc:  # a contender simply tries again later
                log.warning("leader lock: cannot reach PostgreSQL: %s", type(exc).__name__)
                self._drop()
                return False
            self._held = bool(row and row[0])
            if not self._held:
                self._drop()
            return self._held

    def is_held(self) -> bool:
        """True while the lock's session is alive."""
        with self._mutex:
            if self._held and not self._alive():
                log.warning("leader lock: session lost, stepping down")
                self._drop()
            return self._held

    def release(self) -> None:
        """Unlock and close the session."""
        with self._mutex:
            if self._held and self._conn is not None:
                # closing the session releases it anyway
                with contextlib.suppress(Exception):
                    self._conn.execute("SELECT pg_advisory_unlock(%s)", (self.key,))
            self._drop()

    def _alive(self) -> bool:
        try:
            self._conn.execute("SELECT 1")
        except Exception:  # any error means the session is gone
            return False
        return True

    def _drop(self) -> None:
        self._held = False
        if self._conn is not None:
            with contextlib.suppress(Exception):
                self._conn.close()
        self._conn = None


def leader_lock_for(db: Database) -> LeaderLock:
    """The lock that fits the database: advisory on PostgreSQL, a no-op on SQLite."""
    if db.dialect != "postgresql":
        return NoopLeaderLock()
    conninfo = db.engine.url.set(drivername="postgresql").render_as_string(hide_password=False)
    return PgAdvisoryLock(conninfo)
