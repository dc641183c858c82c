"""The console demo's scheduler: the real outbox path, ticked by the simulated clock."""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterable
from datetime import datetime, timedelta
from typing import Any

from bot.core.types import GroupRef, Post, Reply
from bot.scheduling.dispatcher import Dispatcher


class InProcessMessenger:
    """A Messenger that delivers nowhere: the ticker hands the posts to the console."""

    def __init__(self) -> None:
        self._ids = itertools.count(1)

    def send(self, group: GroupRef, reply: Reply) -> str:
        """Accept the reply; return a made-up message id (also used as its thread id)."""
        return f"console-{next(self._ids)}"


def make_console_ticker(app: Any) -> Callable[[datetime], Iterable[Post]]:
    """A ticker for :class:`~bot.adapters.console_adapter.ConsoleAdapter`.

    Called with the simulated now, it writes due posts to the outbox, claims them and
    returns each due post once, in time order. The first call catches up like a restart.
    """
    dispatcher = Dispatcher(app.store, app.content, app.clock, InProcessMessenger(),
                            worker_id="console", grace=timedelta(hours=app.settings.grace_hours),
                            pool_size=1)
    started = False

    def tick(now: datetime) -> list[Post]:
        nonlocal started
        if not started:
            started = True
            dispatcher.catch_up(now)
        return dispatcher.tick(now)

    return tick
