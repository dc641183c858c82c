"""The console adapter: the bot in a terminal, with a simulated clock and several members.

Console-only commands: ``/as NAME`` switches who is typing, ``/clock +1d`` (or ``+3h``,
``+30m``) advances the simulated clock and shows the posts that fall due, ``/quit``.
Piped input runs the same commands and ends at EOF.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Callable, Iterable
from datetime import datetime, timedelta
from typing import IO

from bot.adapters.console_render import render
from bot.core.clock import FakeClock
from bot.core.service import StudyBot
from bot.core.types import CommandRequest, GroupRef, Member, Post

DEMO_GROUP = GroupRef("console", "demo", "study-group")
DEMO_MEMBERS = ("alice", "bob", "carol", "dan")
_DELTA = re.compile(r"^\+(\d{1,4})([dhm])$")
_NAME = re.compile(r"^[A-Za-z][A-Za-z0-9_.-]{0,31}$")

Ticker = Callable[[datetime], Iterable[Post]]

CONSOLE_HELP = (
    "Console commands: /as NAME (type as another member), /clock +1d | +3h | +30m "
    "(advance time), /quit. Bot commands: /studybot help."
)


class ConsoleAdapter:
    """Reads lines, runs them through the core and prints the replies."""

    def __init__(self, bot: StudyBot, clock: FakeClock, out: IO[str] = sys.stdout,
                 group: GroupRef = DEMO_GROUP, ticker: Ticker | None = None) -> None:
        self.bot = bot
        self.clock = clock
        self.out = out
        self.group = group
        self.ticker = ticker
        self.user = DEMO_MEMBERS[0]
        self._seq = 0

    def say(self, text: str) -> None:
        """Print one block followed by a blank line."""
        print(text, file=self.out, flush=True)

    def tick(self) -> None:
        """Show the scheduled posts that are due now."""
        if self.ticker is None:
            return
        for post in self.ticker(self.clock.now()):
            for reply in post.replies:
                self.say(f"⏰ {post.kind} post — {post.local_date}\n" + render(reply, self.user))

    def handle_line(self, line: str) -> bool:
        """Handle one input line; False when the session should end."""
        line = line.strip()
        if not line:
            return True
        if line in ("/quit", "/exit"):
            return False
        if line == "/help":
            self.say(CONSOLE_HELP)
            return True
        if line.startswith("/as"):
            self._switch(line[3:].strip())
            return True
        if line.startswith("/clock"):
            self._advance(line[6:].strip())
            return True
        if not line.startswith("/"):
            self.say("Commands start with /. Try /plan, /done, /streak or /studybot help.")
            return True
        name, _, text = line[1:].partition(" ")
        self._seq += 1
        request = CommandRequest(self.group, Member(self.user, self.user, is_admin=True),
                                 name, text.strip(), delivery_id=None)
        for reply in self.bot.handle(request):
            self.say(render(reply, self.user))
        return True

    def _switch(self, name: str) -> None:
        if not _NAME.match(name):
            self.say("Usage: /as NAME (letters, digits, - _ . ; up to 32 characters)")
            return
        self.user = name.lower()
        self.say(f"(you are now {self.user})")

    def _advance(self, arg: str) -> None:
        match = _DELTA.match(arg)
        if not match:
            self.say("Usage: /clock +Nd | +Nh | +Nm  (for example /clock +1d)")
            return
        amount, unit = int(match.group(1)), match.group(2)
        delta = {"d": timedelta(days=amount), "h": timedelta(hours=amount),
                 "m": timedelta(minutes=amount)}[unit]
        if delta > timedelta(days=400):
            self.say("That is too far: advance at most 400 days at a time.")
            return
        end = self.clock.now() + delta
        step = timedelta(minutes=15)
        while self.clock.now() < end:
            self.clock.advance(min(step, end - self.clock.now()))
            self.tick()
        local = self.clock.now()
        self.say(f"(the clock is now {local:%a %d %b %Y %H:%M} UTC)")

    def run(self, lines: Iterable[str], interactive: bool) -> None:
        """The read-eval-print loop."""
        self.tick()
        for line in lines:
            if not self.handle_line(line):
                break
            if interactive:
                self.prompt()

    def prompt(self) -> None:
        """Print the prompt (interactive sessions only)."""
        print(f"{self.user}> ", end="", file=self.out, flush=True)
