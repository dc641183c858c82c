"""A tiny driver that sends commands to the core as named members."""

from __future__ import annotations

from bot.app import App
from bot.core.types import CommandRequest, GroupRef, Member, Reply


class Driver:
    """Sends commands into ``app.bot`` for one group."""

    def __init__(self, app: App, group: GroupRef | None = None) -> None:
        self.app = app
        self.group = group or GroupRef("test", "T1", "C1")

    def __call__(self, who: str, line: str, admin: bool = False,
                 delivery: str | None = None) -> list[Reply]:
        name, _, text = line.lstrip("/").partition(" ")
        request = CommandRequest(self.group, Member(who, who.title(), is_admin=admin), name,
                                 text, delivery_id=delivery)
        return self.app.bot.handle(request)

    def text(self, who: str, line: str, admin: bool = False) -> str:
        return "\n".join(r.text for r in self(who, line, admin))
