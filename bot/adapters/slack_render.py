"""Core replies as Slack messages: mrkdwn text, Block Kit blocks, buttons and modals.

Every piece of Block Kit the Slack adapter sends is built here; the adapter only calls
the Web API with what these functions return.
"""

from __future__ import annotations

import json
import re
from typing import Any

from bot.core.commands.spec import CommandSpec
from bot.core.text import split_text
from bot.core.types import Button, Form, GroupRef, Reply

ACTION_PREFIX = "studybot:"
FORM_CALLBACK = "studybot:form"
INLINE_FILE_LIMIT = 2_800  # a file smaller than this is shown inline in a code block
_SECTION_LIMIT = 2_900  # Block Kit section text is limited to 3,000 characters
_BOLD = re.compile(r"\*\*(.+?)\*\*", re.DOTALL)


def usage_hint(spec: CommandSpec, limit: int = 100) -> str:
    """The slash command's usage hint for the app manifest: ``today | week | day <n>``."""
    parts = [" ".join(w for w in [s.name, *(p.usage() for p in s.params)] if w)
             for s in spec.subcommands]
    hint = ""
    for part in parts:
        candidate = f"{hint} | {part}" if hint else part
        if len(candidate) > limit - 4:
            return hint + " | …"
        hint = candidate
    return hint


def escape(text: str) -> str:
    """Escape the three characters Slack treats as markup (``&``, ``<``, ``>``).

    Core text never contains Slack markup, so after this no ``<!channel>`` or ``<@U1>``
    typed by a member can become a mention, whatever the core did before.
    """
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def mrkdwn(text: str) -> str:
    """Core Markdown-ish text (``**bold**``) as escaped Slack mrkdwn (``*bold*``)."""
    return _BOLD.sub(lambda m: f"*{m.group(1)}*", escape(text))


def _chunks(text: str, limit: int = _SECTION_LIMIT) -> list[str]:
    """Split ``text`` at line breaks into pieces of at most ``limit`` characters."""
    return split_text(text, limit)


def button_value(button: Button) -> str:
    """What a button carries: the command and its arguments, ``done`` or ``mock rate 4``."""
    return f"{button.command} {button.args}".strip()[:2000]


def parse_button_value(value: str) -> tuple[str, str]:
    """The command and arguments carried by a clicked button."""
    command, _, args = value.strip().partition(" ")
    return command.lstrip("/"), args.strip()


def button_element(button: Button) -> dict[str, Any]:
    """One Block Kit button."""
    element: dict[str, Any] = {
        "type": "button",
        "text": {"type": "plain_text", "text": button.label[:75] or "…", "emoji": True},
        "action_id": button.action_id[:255],
        "value": button_value(button),
    }
    if button.style in ("primary", "danger"):
        element["style"] = button.style
    return element


def file_block_text(reply: Reply) -> str | None:
    """A small attached file as an inline code block; None if too large (upload it)."""
    if reply.file_text is None or len(reply.file_text) > INLINE_FILE_LIMIT:
        return None
    body = reply.file_text.replace("```", "'''")
    return f"*{escape(reply.file_name or 'file')}*\n```{escape(body)}```"


def blocks(reply: Reply) -> list[dict[str, Any]]:
    """The blocks of a reply: its text in sections, a small file inline, its buttons."""
    out: list[dict[str, Any]] = [
        {"type": "section", "text": {"type": "mrkdwn", "text": chunk, "verbatim": True}}
        for chunk in _chunks(mrkdwn(reply.text))
        if chunk.strip()
    ]
    inline = file_block_text(reply)
    if inline is not None:
        out.append({"type": "section", "text": {"type": "mrkdwn", "text": inline,
                                                "verbatim": True}})
    if reply.buttons:
        out.append({"type": "actions", "block_id": "studybot:buttons",
                    "elements": [button_element(b) for b in reply.buttons[:25]]})
    return out[:50]


def message(reply: Reply) -> dict[str, Any]:
    """Keyword arguments for ``chat.postMessage``/``chat.postEphemeral`` (no channel).

    ``parse: none`` and ``link_names: false`` keep Slack from turning names into mentions.
    """
    return {
        "text": mrkdwn(reply.text)[:3_000],  # the notification fallback
        "blocks": blocks(reply),
        "parse": "none",
        "link_names": False,
        "unfurl_links": False,
        "unfurl_media": False,
    }


def thread_parent(reply: Reply) -> dict[str, Any]:
    """Keyword arguments for the message that opens a reply's thread."""
    title = reply.thread_title or reply.thread_key or "Thread"
    return {"text": mrkdwn(title)[:3_000], "parse": "none", "link_names": False,
            "unfurl_links": False, "unfurl_media": False}


def modal(form: Form, group: GroupRef, thread: str | None = None) -> dict[str, Any]:
    """A modal for ``form``; ``private_metadata`` remembers the group and the command."""
    meta = {"command": form.command, "prefix": form.prefix, "team": group.workspace,
            "channel": group.channel, "thread": thread}
    inputs = []
    for f in form.fields:
        element: dict[str, Any] = {
            "type": "plain_text_input",
            "action_id": f.name,
            "multiline": f.multiline,
            "max_length": min(f.max_length, 3_000),
        }
        if f.placeholder:
            element["placeholder"] = {"type": "plain_text", "text": f.placeholder[:150]}
        inputs.append({"type": "input", "block_id": f.name, "optional": not f.required,
                       "label": {"type": "plain_text", "text": f.label[:2000]},
                       "element": element})
    return {
        "type": "modal",
        "callback_id": FORM_CALLBACK,
        "title": {"type": "plain_text", "text": form.title[:24] or "studybot"},
        "submit": {"type": "plain_text", "text": "Submit"},
        "close": {"type": "plain_text", "text": "Cancel"},
        "private_metadata": json.dumps(meta)[:3_000],
        "blocks": inputs,
    }


def form_submission(view: dict[str, Any]) -> tuple[str, str, dict[str, Any]]:
    """From a submitted modal: the command, the text to run it with, and the metadata."""
    meta = json.loads(view.get("private_metadata") or "{}")
    values = view.get("state", {}).get("values", {})
    parts = []
    for block in view.get("blocks", []):
        field = values.get(block.get("block_id", ""), {})
        for answer in field.values():
            if answer.get("value"):
                parts.append(str(answer["value"]).strip())
    body = "\n\n".join(p for p in parts if p)
    text = f"{meta.get('prefix', '')} {body}".strip()
    return str(meta.get("command", "")), text, meta
