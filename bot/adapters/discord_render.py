"""Core declarations and replies in Discord's shapes: app-command payloads, text, modals.

Pure translation, no I/O: the app commands are built from the core's single command
catalog (typed options, min/max, choices), and their options are turned back into the
core's text form (``/plan day 5`` -> ``"day 5"``).
"""

from __future__ import annotations

import hashlib
import io
import json
from typing import Any

import discord

from bot.core.commands.catalog import COMMANDS
from bot.core.commands.spec import CommandSpec, Param, Subcommand
from bot.core.text import split_text
from bot.core.types import Button, Form, Reply

MESSAGE_LIMIT = 2000
BARE_SUBCOMMAND = "submit"  # Discord cannot mix a bare form with subcommands: name it
_SUB_COMMAND, _STRING, _INTEGER = 1, 3, 4
_STYLES = {"primary": discord.ButtonStyle.primary, "danger": discord.ButtonStyle.danger,
           "default": discord.ButtonStyle.secondary}
# view channel, send messages, send in threads, create public threads, embed links,
# attach files, read message history.
BOT_PERMISSIONS = discord.Permissions(
    view_channel=True, send_messages=True, send_messages_in_threads=True,
    create_public_threads=True, embed_links=True, attach_files=True, read_message_history=True,
)
INVITE_SCOPES = ("bot", "applications.commands")


def _describe(text: str) -> str:
    return (text[:97] + "...") if len(text) > 100 else text or "-"


def _option(param: Param) -> dict[str, Any]:
    option: dict[str, Any] = {"name": param.name, "description": _describe(param.help),
                              "required": param.required}
    if param.kind == "int":
        option["type"] = _INTEGER
        if param.minimum is not None:
            option["min_value"] = param.minimum
        if param.maximum is not None:
            option["max_value"] = param.maximum
    else:
        option["type"] = _STRING
        option["max_length"] = 4000 if param.kind == "text" else 100
    if param.kind == "choice":
        option["choices"] = [{"name": c, "value": c} for c in param.choices]
    return option


def _sub_name(sub: Subcommand) -> str:
    return sub.name or BARE_SUBCOMMAND


def command_payload(spec: CommandSpec) -> dict[str, Any]:
    """One chat-input command: options for a bare-only command, else one subcommand each."""
    payload: dict[str, Any] = {"name": spec.name, "description": _describe(spec.help),
                               "type": 1, "dm_permission": False}
    if len(spec.subcommands) == 1 and spec.subcommands[0].name == "":
        payload["options"] = [_option(p) for p in spec.subcommands[0].params]
    else:
        payload["options"] = [
            {"type": _SUB_COMMAND, "name": _sub_name(s), "description": _describe(s.help),
             "options": [_option(p) for p in s.params]}
            for s in spec.subcommands
        ]
    return payload


def command_payloads() -> list[dict[str, Any]]:
    """Every app command, in catalog order."""
    return [command_payload(spec) for spec in COMMANDS]


def commands_hash(payloads: list[dict[str, Any]]) -> str:
    """A stable hash of the command tree: sync only when it changes."""
    canonical = json.dumps(payloads, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


def options_to_text(spec: CommandSpec, options: list[dict[str, Any]]) -> str:
    """The core's text form of an app command's options, e.g. ``day 5``."""
    words: list[str] = []
    if options and options[0].get("type") == _SUB_COMMAND:
        name = options[0]["name"]
        sub = spec.sub("" if name == BARE_SUBCOMMAND and spec.sub(name) is None else name)
        if sub is None:
            return name
        words.append(sub.name)
        values = {o["name"]: o.get("value") for o in options[0].get("options", [])}
    else:
        sub = spec.sub("")
        values = {o["name"]: o.get("value") for o in options}
    if sub is not None:
        words.extend(str(values[p.name]).strip() for p in sub.params
                     if values.get(p.name) not in (None, ""))
    return " ".join(w for w in words if w)


def chunks(text: str, limit: int = MESSAGE_LIMIT) -> list[str]:
    """Split ``text`` at line breaks into messages Discord accepts."""
    return [c for c in split_text(text, limit) if c.strip()] or ["\u200b"]


def button_item(button: Button) -> discord.ui.Button[Any]:
    """A persistent button whose custom id is the core's action id."""
    return discord.ui.Button(label=button.label[:80], custom_id=button.action_id[:100],
                             style=_STYLES.get(button.style, discord.ButtonStyle.secondary))


def file_for(reply: Reply) -> discord.File | None:
    """The reply's text attachment, if any."""
    if reply.file_text is None:
        return None
    data = io.BytesIO(reply.file_text.encode())
    return discord.File(data, filename=reply.file_name or "studybot.txt")


def text_inputs(form: Form) -> list[discord.ui.TextInput[Any]]:
    """One text input per form field (Discord allows five)."""
    return [
        discord.ui.TextInput(
            label=f.label[:45], custom_id=f.name[:100], required=f.required,
            style=discord.TextStyle.paragraph if f.multiline else discord.TextStyle.short,
            max_length=min(f.max_length, 4000), placeholder=f.placeholder[:100] or None,
        )
        for f in form.fields[:5]
    ]


def form_text(form: Form, values: list[str]) -> str:
    """The text the form's command runs with: ``prefix`` and the fields, one per line."""
    body = "\n".join(v.strip() for v in values if v and v.strip())
    return f"{form.prefix} {body}".strip() if form.prefix else body


def invite_url(client_id: str) -> str:
    """The OAuth2 URL that adds the bot with exactly the scopes and permissions it needs."""
    scopes = "%20".join(INVITE_SCOPES)
    return (f"https://discord.com/oauth2/authorize?client_id={client_id}"
            f"&scope={scopes}&permissions={BOT_PERMISSIONS.value}")
