"""Block Kit rendering and the app manifest, checked against the command catalog."""

from __future__ import annotations

from pathlib import Path

import yaml

from bot.adapters import slack_render as render
from bot.adapters.slack_adapter import BOT_SCOPES, unescape
from bot.core.commands.catalog import COMMANDS
from bot.core.types import Button, Reply

MANIFEST = Path(__file__).resolve().parents[3] / "slack" / "manifest.yaml"


def test_bold_becomes_mrkdwn_and_markup_is_escaped():
    assert render.mrkdwn("**Day 1** & <b> <!here>") == "*Day 1* &amp; &lt;b&gt; &lt;!here&gt;"
    assert unescape("a &lt;b&gt; &amp;lt;") == "a <b> &lt;"


def test_long_text_is_split_into_sections_within_the_limit():
    text = "\n".join(f"line {i} " + "x" * 200 for i in range(60))
    sections = [b for b in render.blocks(Reply(text)) if b["type"] == "section"]
    assert len(sections) > 1
    assert all(len(b["text"]["text"]) <= 3000 for b in sections)
    assert "\n".join(b["text"]["text"] for b in sections) == render.mrkdwn(text)


def test_buttons_carry_their_command_and_arguments():
    button = Button("Rate 4", "mock", "rate 4", style="primary")
    [actions] = [b for b in render.blocks(Reply("x", buttons=(button,))) if b["type"] == "actions"]
    [element] = actions["elements"]
    assert element["action_id"] == "studybot:mock:rate 4"
    assert render.parse_button_value(element["value"]) == ("mock", "rate 4")
    assert element["style"] == "primary"


def test_message_never_lets_slack_link_names():
    kwargs = render.message(Reply("hi @channel"))
    assert kwargs["parse"] == "none" and kwargs["link_names"] is False


def test_manifest_matches_the_catalog():
    manifest = yaml.safe_load(MANIFEST.read_text())
    commands = manifest["features"]["slash_commands"]
    assert [c["command"] for c in commands] == [f"/{c.name}" for c in COMMANDS]
    for declared, spec in zip(commands, COMMANDS, strict=True):
        assert declared["description"] == spec.help
        assert declared["usage_hint"] == render.usage_hint(spec)
        assert len(declared["usage_hint"]) <= 100
    assert manifest["oauth_config"]["scopes"]["bot"] == list(BOT_SCOPES)
    settings = manifest["settings"]
    assert settings["socket_mode_enabled"] is True
    assert settings["interactivity"]["is_enabled"] is True
    assert set(settings["event_subscriptions"]["bot_events"]) == {"message.channels",
                                                                  "message.groups"}
