"""Adapter key/value state; mixed into the store by :func:`bot.storage.store.make_store`."""

from __future__ import annotations

from sqlalchemy import select, update

from bot.storage.db import Database
from bot.storage.models_platform import PlatformStateRow
from bot.storage.sql_insert import insert_ignore


class PlatformRepo:
    """``get_state``/``set_state`` for small values adapters keep between runs."""

    db: Database

    def get_state(self, key: str) -> str | None:
        """The value stored under ``key``, if any."""
        with self.db.session() as s:
            return s.scalars(select(PlatformStateRow.value)
                             .where(PlatformStateRow.key == key)).first()

    def set_state(self, key: str, value: str) -> None:
        """Store ``value`` under ``key`` (insert or replace)."""
        with self.db.session() as s:
            if not insert_ignore(s, PlatformStateRow, key=key, value=value):
                s.execute(update(PlatformStateRow).where(PlatformStateRow.key == key)
                          .values(value=value))
