"""The one store object the core talks to, composed of per-feature repositories."""

from __future__ import annotations

import importlib

from bot.storage.db import Database
from bot.storage.group_repo import GroupRepo

FEATURE_REPOS = (
    ("bot.storage.outbox_repo", "OutboxRepo"),
    ("bot.storage.mock_repo", "MockRepo"),
    ("bot.storage.story_repo", "StoryRepo"),
    ("bot.storage.platform_repo", "PlatformRepo"),
)


def _feature_bases() -> tuple[type, ...]:
    bases: list[type] = []
    for module_name, class_name in FEATURE_REPOS:
        try:
            module = importlib.import_module(module_name)
        except ModuleNotFoundError as exc:
            if exc.name != module_name:
                raise
            continue
        bases.append(getattr(module, class_name))
    return tuple(bases)


def make_store(db: Database) -> GroupRepo:
    """A store on ``db`` with every feature repository that is installed."""
    cls = type("SqlStore", (GroupRepo, *_feature_bases()), {})
    store = cls()
    store.db = db
    return store
