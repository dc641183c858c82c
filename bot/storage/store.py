"""The one store object the core talks to, composed of per-feature repositories."""

from __future__ import annotations

from bot.storage.db import Database
from bot.storage.group_repo import GroupRepo
from bot.storage.mock_repo import MockRepo
from bot.storage.outbox_repo import OutboxRepo
from bot.storage.platform_repo import PlatformRepo
from bot.storage.story_repo import StoryRepo


class SqlStore(GroupRepo, OutboxRepo, MockRepo, StoryRepo, PlatformRepo):
    """Every repository on one database; implements the core's store protocols."""

    def __init__(self, db: Database) -> None:
        self.db = db


def make_store(db: Database) -> SqlStore:
    """The store on ``db``."""
    return SqlStore(db)
