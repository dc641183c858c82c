"""The composition root: settings, database, content, clock and core, wired in one place."""

from __future__ import annotations

import gc
import logging
from dataclasses import dataclass, field
from typing import Any

from bot.config import Settings
from bot.core.clock import Clock, SystemClock
from bot.core.content_loader import Content, load_content
from bot.core.context import CoreSettings
from bot.core.service import StudyBot
from bot.observability import instrument_database, instrument_handle
from bot.storage.db import Database
from bot.storage.store import make_store

log = logging.getLogger(__name__)


@dataclass
class App:
    """A wired application. Adapters and the scheduler take what they need from it."""

    settings: Settings
    db: Database
    store: Any
    content: Content
    clock: Clock
    bot: StudyBot
    services: dict[str, Any] = field(default_factory=dict)

    def close(self) -> None:
        """Release the database."""
        self.db.dispose()


def build_app(
    settings: Settings,
    *,
    clock: Clock | None = None,
    content: Content | None = None,
    migrate: bool = True,
) -> App:
    """Build the app; tests pass fakes (clock, content) through the same door."""
    content = content or load_content(settings.content_dir, settings.schedules_dir)
    if settings.database_url.startswith("sqlite:///"):
        settings.data_dir.mkdir(parents=True, exist_ok=True)
    db = Database(settings.database_url)
    instrument_database(db)
    if migrate:
        db.upgrade()
    store = make_store(db)
    clock = clock or SystemClock()
    services: dict[str, Any] = {}
    core = StudyBot(store, clock, content, CoreSettings(admin_user_ids=settings.admins), services)
    # Metrics and the database-outage reply wrap the core here, so bot.core stays free of them.
    core.handle = instrument_handle(core.handle)  # type: ignore[method-assign]
    return App(settings, db, store, content, clock, core, services)


def ready_to_serve(app: App) -> App:
    """Prepare a long-running worker once wiring is done.

    Start-up leaves ~100k long-lived objects (content models, library modules, SQLAlchemy
    mappers). Left in the collector's oldest generation, each full collection walks them
    all and stalls a command for ~50 ms on a small machine. ``gc.freeze()`` moves them to
    the permanent generation, so full collections only look at what requests create.
    """
    gc.collect()
    gc.freeze()
    return app
