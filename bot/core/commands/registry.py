"""Handlers are plain functions; a decorator records which (command, subcommand) they serve."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from bot.core.commands.catalog import BY_NAME

if TYPE_CHECKING:
    from bot.core.context import Context
    from bot.core.types import Reply

Handler = Callable[["Context", dict[str, Any]], "list[Reply]"]

HANDLERS: dict[tuple[str, str], Handler] = {}


def handles(command: str, sub: str) -> Callable[[Handler], Handler]:
    """Record ``fn`` as the handler of ``/command sub``; the declaration must exist."""
    spec = BY_NAME.get(command)
    if spec is None or spec.sub(sub) is None:
        raise LookupError(f"/{command} {sub} is not declared in the catalog")

    def record(fn: Handler) -> Handler:
        HANDLERS[(command, sub)] = fn
        return fn

    return record


ThreadHandler = Callable[["Context", str, str], "list[Reply]"]
THREAD_HANDLERS: dict[str, ThreadHandler] = {}


def handles_thread(prefix: str) -> Callable[[ThreadHandler], ThreadHandler]:
    """Record ``fn`` as the handler of plain messages in threads keyed ``prefix:...``."""

    def record(fn: ThreadHandler) -> ThreadHandler:
        THREAD_HANDLERS[prefix] = fn
        return fn

    return record
