"""Core replies as terminal text."""

from __future__ import annotations

import re

from bot.core.types import Reply

_BOLD = re.compile(r"\*\*(.+?)\*\*")


def plain(text: str) -> str:
    """Markdown-ish core text as plain terminal text."""
    return _BOLD.sub(r"\1", text)


def render(reply: Reply, speaker: str) -> str:
    """One reply as a block of terminal text, labeled by where it would appear."""
    body = plain(reply.text)
    if reply.visibility == "ephemeral":
        head = f"[only {speaker} sees this]"
    elif reply.visibility == "direct":
        head = f"[direct message to {reply.to_user or speaker}]"
    elif reply.visibility == "thread":
        head = f"[thread: {plain(reply.thread_title or reply.thread_key or '')}]"
    else:
        head = "[#study-group]"
    lines = [head, *body.splitlines()]
    if reply.buttons:
        lines.append("buttons: " + "  ".join(
            f"[{b.label}] (/{b.command}{' ' + b.args if b.args else ''})" for b in reply.buttons))
    if reply.form is not None:
        f = reply.form
        lines.append(f"(on Slack or Discord this opens the form '{f.title}'; here type "
                     f"/{f.command} {f.prefix}<text>)")
    if reply.file_name and reply.file_text is not None:
        lines.append(f"--- file {reply.file_name} ---")
        lines.extend(reply.file_text.splitlines())
        lines.append("--- end of file ---")
    indent = "    " if reply.visibility == "thread" else "  "
    return "\n".join(indent + line if i else line for i, line in enumerate(lines))
