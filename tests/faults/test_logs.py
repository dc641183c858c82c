"""Logs are JSON lines (by setting) and never carry tokens or the text of a story."""

from __future__ import annotations

import json
import logging
from datetime import timedelta

from fault_helpers import settings_for

from bot.app import build_app
from bot.core.commands.registry import HANDLERS
from bot.core.service import load_handlers
from bot.core.types import CommandRequest, GroupRef, Member
from bot.logging_setup import configure_logging

BOT_TOKEN = "xoxb-1234567890-0987654321-AbCdEfGhIjKlMnOpQrStUvWx"
APP_TOKEN = "xapp-1-A0123456789-1234567890123-abcdef0123456789abcdef"
SECRET_STORY = (
    "Situation: our checkout service in the Zanzibar-Quokka region timed out at peak. "
    "Task: I owned the fix. Action: I profiled the payment calls, added a circuit breaker "
    "and led the rollout with the team. Result: p99 latency dropped 60 percent and I "
    "learned to load test before launches."
)


def test_json_logs_hold_no_token_and_no_story_text(tmp_path, clock, capsys):
    settings = settings_for(tmp_path, STUDYBOT_LOG_FORMAT="json", STUDYBOT_LOG_LEVEL="DEBUG",
                            SLACK_BOT_TOKEN=BOT_TOKEN, SLACK_APP_TOKEN=APP_TOKEN,
                            SLACK_SIGNING_SECRET="s3cr3t-signing")
    root = logging.getLogger()
    saved = (root.handlers[:], root.level)
    configure_logging(settings)
    app = build_app(settings, clock=clock)
    try:
        group = GroupRef("slack", "T1", "C1")
        load_handlers()
        run = [("studybot", "setup weekdays UTC 10:00"), ("plan", ""), ("done", "a note"),
               ("streak", "top"), ("nosuch", BOT_TOKEN)]
        if ("story", "") in HANDLERS:
            run.append(("story", SECRET_STORY))
        for i, (name, text) in enumerate(run):
            if i == 1:
                clock.advance(timedelta(hours=2))
            app.bot.handle(CommandRequest(group, Member("U1", "Ann", is_admin=True), name,
                                          text, delivery_id=f"ev-{i}"))
        # Code that carelessly logs secrets or settings is still scrubbed.
        log = logging.getLogger("test.careless")
        log.info("connecting with %s and %s", BOT_TOKEN, APP_TOKEN)
        log.info("settings: %r", settings)
        try:
            raise RuntimeError(f"auth failed for {BOT_TOKEN}")
        except RuntimeError:
            log.exception("boom")
    finally:
        app.close()
        for h in root.handlers:
            h.flush()
        root.handlers[:], _ = saved
        root.setLevel(saved[1])
    err = capsys.readouterr().err
    lines = [line for line in err.splitlines() if line.strip()]
    assert len(lines) >= 3
    records = [json.loads(line) for line in lines]  # every line is one JSON object
    assert all({"time", "level", "logger", "message"} <= set(r) for r in records)
    for secret in (BOT_TOKEN, APP_TOKEN, "s3cr3t-signing", "Zanzibar-Quokka",
                   "circuit breaker and led the rollout"):
        assert secret not in err, f"{secret!r} leaked into the logs"
    assert "[redacted]" in err
