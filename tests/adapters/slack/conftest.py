"""Wire-level Slack fixtures: the real Bolt app from our factory, a fake Web API, signed
requests with Slack's real payload shapes."""

from __future__ import annotations

import itertools
import json
import time
from collections.abc import Iterator
from dataclasses import replace
from typing import Any
from urllib.parse import urlencode

import pytest
from fake_slack import TEAM, FakeSlack, start_fake_slack, stop_fake_slack
from slack_bolt.request import BoltRequest
from slack_bolt.response import BoltResponse
from slack_sdk.signature import SignatureVerifier

from bot.adapters.slack_adapter import (
    SlackMessenger,
    TrackingExecutor,
    build_slack_app,
    make_client,
)
from bot.app import App
from bot.core.types import GroupRef

SECRET = "test-signing-secret"
TOKEN = "xoxb-test-0000-token"
CHANNEL = "C1"
GROUP = GroupRef("slack", TEAM, CHANNEL)


def signed_headers(body: str, content_type: str, *, secret: str = SECRET,
                   timestamp: int | None = None, retry: int | None = None) -> dict[str, str]:
    """Headers of a request signed the way Slack signs (v0 HMAC-SHA256 over ts and body)."""
    ts = str(int(time.time()) if timestamp is None else timestamp)
    sig = SignatureVerifier(secret).generate_signature(timestamp=ts, body=body)
    headers = {"content-type": content_type, "x-slack-request-timestamp": ts,
               "x-slack-signature": sig}
    if retry is not None:
        headers.update({"x-slack-retry-num": str(retry), "x-slack-retry-reason": "http_timeout"})
    return headers


_ids = itertools.count(1)


# response_url points at a closed loopback port: if a reply ever fell back to it, the
# request would fail here instead of leaving the machine.
def slash_body(command: str, text: str = "", *, user: str = "U1", channel: str = CHANNEL,
               trigger: str | None = None) -> str:
    """A slash command as Slack posts it (form-encoded)."""
    n = next(_ids)
    return urlencode({
        "token": "legacy", "team_id": TEAM, "team_domain": "fake", "channel_id": channel,
        "channel_name": "study", "user_id": user, "user_name": user.lower(),
        "command": f"/{command}", "text": text, "api_app_id": "A1",
        "is_enterprise_install": "false",
        "response_url": "http://127.0.0.1:9/commands/T1/1/x",
        "trigger_id": trigger or f"{n}.1.trigger{n}",
    })


def action_body(button: dict[str, Any], *, user: str = "U1", channel: str = CHANNEL,
                message_ts: str = "1767600000.000001", action_ts: str = "1767600500.1") -> str:
    """A block_actions payload for a click on ``button`` (a Block Kit button element)."""
    payload = {
        "type": "block_actions",
        "user": {"id": user, "username": user.lower(), "name": user.lower(), "team_id": TEAM},
        "api_app_id": "A1", "token": "legacy",
        "container": {"type": "message", "message_ts": message_ts, "channel_id": channel,
                      "is_ephemeral": False},
        "trigger_id": f"{next(_ids)}.1.click", "team": {"id": TEAM, "domain": "fake"},
        "enterprise": None, "is_enterprise_install": False,
        "channel": {"id": channel, "name": "study"},
        "message": {"type": "message", "ts": message_ts, "text": "Day 1", "user": "UBOT"},
        "state": {"values": {}},
        "response_url": "http://127.0.0.1:9/actions/T1/1/x",
        "actions": [{**button, "block_id": "studybot:buttons", "action_ts": action_ts}],
    }
    return urlencode({"payload": json.dumps(payload)})


def view_body(view: dict[str, Any], values: dict[str, str], *, user: str = "U1",
              view_id: str = "V1") -> str:
    """A view_submission payload for the modal ``view`` (as we opened it) with answers."""
    state = {name: {name: {"type": "plain_text_input", "value": value}}
             for name, value in values.items()}
    payload = {
        "type": "view_submission", "team": {"id": TEAM, "domain": "fake"},
        "user": {"id": user, "username": user.lower(), "name": user.lower(), "team_id": TEAM},
        "api_app_id": "A1", "token": "legacy", "trigger_id": f"{next(_ids)}.1.view",
        "view": {**view, "id": view_id, "team_id": TEAM, "hash": "h1",
                 "state": {"values": state}},
        "response_urls": [], "is_enterprise_install": False, "enterprise": None,
    }
    return urlencode({"payload": json.dumps(payload)})


def message_event(text: str, *, thread_ts: str | None, user: str = "U1",
                  event_id: str = "Ev1", channel: str = CHANNEL, **extra: Any) -> str:
    """An event_callback carrying a channel message."""
    event = {"type": "message", "channel": channel, "user": user, "text": text,
             "ts": "1767600900.000100", "event_ts": "1767600900.000100",
             "channel_type": "channel", "team": TEAM, **extra}
    if thread_ts:
        event["thread_ts"] = thread_ts
    return json.dumps({
        "token": "legacy", "team_id": TEAM, "api_app_id": "A1", "event": event,
        "type": "event_callback", "event_id": event_id, "event_time": 1767600900,
        "authorizations": [{"enterprise_id": None, "team_id": TEAM, "user_id": "UBOT",
                            "is_bot": True, "is_enterprise_install": False}],
        "is_ext_shared_channel": False,
    })


class SlackHarness:
    """Our Bolt app wired to a fake Web API; requests are signed and dispatched in."""

    def __init__(self, app: App, fake: FakeSlack) -> None:
        self.app = app
        self.fake = fake
        settings = replace(app.settings, slack_api_url=fake.url, slack_bot_token=TOKEN,
                           slack_signing_secret=SECRET)
        self.client = make_client(settings, TOKEN)
        self.executor = TrackingExecutor()
        self.messenger = SlackMessenger(app.bot, self.client, min_interval=0.0)
        self.bolt = build_slack_app(app, self.client, signing_secret=SECRET,
                                    executor=self.executor, messenger=self.messenger)

    def dispatch(self, body: str, content_type: str = "application/x-www-form-urlencoded",
                 *, wait: bool = True, **sign: Any) -> BoltResponse:
        """Sign ``body``, dispatch it into Bolt, and (by default) wait for the lazy work."""
        started = time.monotonic()
        response = self.bolt.dispatch(
            BoltRequest(body=body, headers=signed_headers(body, content_type, **sign)))
        self.ack_seconds = time.monotonic() - started
        if wait:
            assert self.executor.drain(15), "lazy listeners did not finish"
        return response

    def command(self, name: str, text: str = "", *, wait: bool = True,
                **kw: Any) -> BoltResponse:
        """Run a slash command."""
        return self.dispatch(slash_body(name, text, **kw), wait=wait)

    def event(self, body: str, **sign: Any) -> BoltResponse:
        """Deliver an Events API request."""
        return self.dispatch(body, "application/json", **sign)

    def buttons(self) -> list[dict[str, Any]]:
        """Every button element posted so far."""
        found = []
        for call in self.fake.of("chat.postMessage") + self.fake.of("chat.postEphemeral"):
            blocks = call.args.get("blocks") or []
            for block in json.loads(blocks) if isinstance(blocks, str) else blocks:
                found.extend(block.get("elements", []) if block["type"] == "actions" else [])
        return found


@pytest.fixture
def fake_slack() -> Iterator[FakeSlack]:
    """The fake Web API, serving on 127.0.0.1."""
    fake = start_fake_slack()
    yield fake
    stop_fake_slack(fake)


@pytest.fixture
def slack(sqlite_app: App, fake_slack: FakeSlack) -> Iterator[SlackHarness]:
    """The Bolt app on a fresh SQLite database, talking to the fake."""
    harness = SlackHarness(sqlite_app, fake_slack)
    yield harness
    harness.executor.shutdown(wait=True)
