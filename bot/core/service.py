"""The core's front door: adapters hand it a :class:`CommandRequest`, it returns replies."""

from __future__ import annotations

import importlib
import logging
from dataclasses import replace
from typing import Any

from bot.core.clock import Clock
from bot.core.commands.catalog import BY_NAME, COMMANDS
from bot.core.commands.registry import HANDLERS, THREAD_HANDLERS
from bot.core.commands.spec import UsageError, parse
from bot.core.content_loader import Content
from bot.core.context import Context, CoreSettings
from bot.core.ports import Store
from bot.core.text import InputTooLong, neutralize
from bot.core.types import CommandRequest, GroupRef, Member, Reply

log = logging.getLogger(__name__)

HANDLER_MODULES = (
    "bot.core.handlers.plan_handlers",
    "bot.core.handlers.checkin_handlers",
    "bot.core.handlers.streak_handlers",
    "bot.core.handlers.admin_handlers",
    "bot.core.handlers.checkpoint_handlers",
    "bot.core.mocks.handlers",
    "bot.core.stories.handlers",
)


class TryAgainLater(Exception):
    """Raised by a store when the database is unreachable; the member is asked to retry."""


def load_handlers() -> None:
    """Import every handler module so its decorators register the handlers."""
    for module in HANDLER_MODULES:
        try:
            importlib.import_module(module)
        except ModuleNotFoundError as exc:
            if exc.name != module:
                raise


def private(text: str) -> list[Reply]:
    """A reply only the sender sees."""
    return [Reply(text, visibility="ephemeral")]


class StudyBot:
    """Parses, checks and dispatches commands; makes every reply safe to post."""

    def __init__(
        self,
        store: Store,
        clock: Clock,
        content: Content,
        settings: CoreSettings | None = None,
        services: dict[str, Any] | None = None,
    ) -> None:
        self.store = store
        self.clock = clock
        self.content = content
        self.settings = settings or CoreSettings()
        self.services = services or {}
        load_handlers()

    def handle(self, request: CommandRequest) -> list[Reply]:
        """Handle one command; never raises for bad input, returns what to say."""
        spec = BY_NAME.get(request.name.lstrip("/").lower())
        if spec is None:
            return private(f"Unknown command /{request.name[:30]}. Try /studybot help.")
        try:
            invocation = parse(spec, request.text)
        except UsageError as exc:
            return private(str(exc))
        sub = spec.sub(invocation.sub)
        assert sub is not None
        if request.delivery_id and not self.store.claim_delivery(
            request.delivery_id, self.clock.now()
        ):
            log.info("duplicate delivery ignored", extra={"delivery": request.delivery_id})
            return []
        group = self.store.get_group(request.group)
        if sub.needs_group and group is None:
            return private(
                "This channel has no study group yet. An admin can start one here with "
                "/studybot setup [schedule] [timezone] [HH:MM] — for example "
                "/studybot setup weekdays Europe/Berlin 08:30."
            )
        if sub.admin and not self.is_admin(request):
            verb = f"/{spec.name} {sub.name}".strip()
            return private(
                f"Only a workspace admin (or someone listed in STUDYBOT_ADMINS) can run {verb}."
            )
        handler = HANDLERS.get((spec.name, sub.name))
        if handler is None:
            return private(f"/{spec.name} {sub.name} is not available in this version.")
        ctx = Context(
            request, group, self.store, self.clock, self.content, self.settings, self.services
        )
        try:
            replies = handler(ctx, invocation.args)
        except (UsageError, InputTooLong) as exc:
            return private(str(exc))
        except TryAgainLater:
            return private("The database is not answering right now; nothing was saved. "
                           "Please try again in a minute.")
        return [safe(r) for r in replies]

    def is_admin(self, request: CommandRequest) -> bool:
        """Admins: the platform says so, or the user is in the configured list."""
        return request.member.is_admin or request.member.user_id in self.settings.admin_user_ids

    def help_text(self) -> str:
        """Every command with its subcommands, for ``/studybot help``."""
        return help_text()

    def handle_thread_message(self, group: GroupRef, member: Member, thread: str, text: str,
                              delivery_id: str | None = None) -> list[Reply]:
        """A plain message in a platform thread (a checkpoint answer, a reply to a story).

        The thread's core key picks the handler by its prefix (``checkpoint:``, ``story:``);
        messages in threads the core does not know are ignored.
        """
        state = self.store.get_group(group)
        if state is None:
            return []
        key = self.store.thread_key(state.id, thread)
        handler = THREAD_HANDLERS.get(key.split(":", 1)[0]) if key else None
        if handler is None or key is None:
            return []
        if delivery_id and not self.store.claim_delivery(delivery_id, self.clock.now()):
            return []
        request = CommandRequest(group, member, "", text, thread=thread, delivery_id=delivery_id)
        ctx = Context(request, state, self.store, self.clock, self.content, self.settings,
                      self.services)
        try:
            return [safe(r) for r in handler(ctx, key, text)]
        except InputTooLong as exc:
            return private(str(exc))

    # Thread bookkeeping used by adapters -------------------------------------------------

    def thread_ref(self, group: GroupRef, key: str) -> str | None:
        """The platform thread bound to ``key`` in ``group``, if one was opened."""
        state = self.store.get_group(group)
        return self.store.thread_ref(state.id, key) if state else None

    def bind_thread(self, group: GroupRef, key: str, platform_ref: str) -> None:
        """Remember that ``key`` lives in the platform thread ``platform_ref``."""
        state = self.store.get_group(group)
        if state is not None:
            self.store.bind_thread(state.id, key, platform_ref)


def help_text() -> str:
    """The full command list."""
    blocks = [f"**/{c.name}** — {c.help}\n{c.usage()}" for c in COMMANDS]
    return "studybot commands:\n\n" + "\n\n".join(blocks)


def safe(reply: Reply) -> Reply:
    """Neutralize mentions in everything a reply shows."""
    buttons = tuple(replace(b, label=neutralize(b.label)) for b in reply.buttons)
    return replace(
        reply,
        text=neutralize(reply.text),
        thread_title=neutralize(reply.thread_title) if reply.thread_title else None,
        buttons=buttons,
    )
