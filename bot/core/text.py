"""Text safety: nothing a user typed can ping a channel or a person when echoed back."""

from __future__ import annotations

import re

ZWSP = "\u200b"

# Slack special mentions and user/group/channel references: <!channel>, <!here|here>,
# <!subteam^S123|@team>, <@U123>, <#C123|name>; Discord <@123>, <@!123>, <@&123>.
_ANGLE_MENTION = re.compile(r"<\s*([!@#][^<>]{0,200})>")
_AT_BROADCAST = re.compile(r"@(?=(everyone|here|channel)\b)", re.IGNORECASE)


class InputTooLong(ValueError):
    """User text over the size limit; the message names the limit."""


def neutralize(text: str) -> str:
    """Defuse mentions in user text so that echoing it cannot notify anyone.

    ``@everyone``/``@here``/``@channel`` get a zero-width space after the ``@``; angle
    mentions such as ``<!channel>`` or ``<@U123>`` lose their brackets' meaning.
    """
    text = _ANGLE_MENTION.sub(lambda m: f"<{ZWSP}{_strip_target(m.group(1))}>", text)
    return _AT_BROADCAST.sub("@" + ZWSP, text)


def _strip_target(inner: str) -> str:
    """Keep a readable label of a mention: ``@U1|alice`` -> ``@alice``."""
    if "|" in inner:
        sigil, label = inner[0], inner.split("|", 1)[1]
        return f"{sigil}{label.lstrip('@')}"
    return inner


def cap(text: str, limit: int, what: str = "text") -> str:
    """Return ``text`` stripped, or raise :class:`InputTooLong` naming the limit."""
    text = text.strip()
    if len(text) > limit:
        raise InputTooLong(
            f"That {what} is {len(text):,} characters; the limit is {limit:,}. "
            "Shorten it and send it again."
        )
    return text


def split_text(text: str, limit: int) -> list[str]:
    """Split ``text`` at line breaks into pieces of at most ``limit`` characters.

    Lines longer than ``limit`` are cut; an empty text gives one empty piece.
    """
    pieces: list[str] = []
    current = ""
    for line in text.split("\n"):
        while len(line) > limit:
            if current:
                pieces.append(current)
                current = ""
            pieces.append(line[:limit])
            line = line[limit:]
        candidate = f"{current}\n{line}" if current else line
        if len(candidate) > limit:
            pieces.append(current)
            candidate = line
        current = candidate
    if current or not pieces:
        pieces.append(current)
    return pieces
