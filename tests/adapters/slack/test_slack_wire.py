"""The Slack adapter at the wire: signed Slack payloads into our real Bolt app, every Web
API call recorded by a local fake."""

from __future__ import annotations

import json
import threading
import time
from datetime import timedelta
from typing import Any

import pytest
from conftest import (
    CHANNEL,
    GROUP,
    SlackHarness,
    action_body,
    message_event,
    slash_body,
    view_body,
)

from bot.adapters import slack_render
from bot.adapters.slack_adapter import SlackMessenger
from bot.core.commands.catalog import COMMANDS
from bot.core.commands.registry import HANDLERS, THREAD_HANDLERS
from bot.core.types import Form, FormField, Reply
from bot.core.views import DONE_BUTTON, task_post

MENTIONS = "<!channel> <!here> <!everyone> <@U999> <!subteam^S1|@team> @channel @here"


def setup_group(slack: SlackHarness, clock: Any) -> None:
    """An admin sets up the group; the clock moves into plan day 1."""
    slack.fake.users["UADMIN"] = {"is_admin": True}
    slack.command("studybot", "setup weekdays UTC 10:00", user="UADMIN")
    assert slack.app.store.get_group(GROUP) is not None
    clock.advance(timedelta(hours=2))  # Monday 11:00 UTC: Day 1 was posted at 10:00


def checkins(slack: SlackHarness, user: str = "U1") -> int:
    state = slack.app.store.get_group(GROUP)
    return len(slack.app.store.member_checkins(state.id, user))


def test_every_slash_command_is_acked_at_once_then_answered(slack, clock):
    setup_group(slack, clock)
    for spec in COMMANDS:
        before = len(slack.fake.calls)
        response = slack.command(spec.name, "", user="U1")
        assert response.status == 200 and response.body == ""
        assert slack.ack_seconds < 1.0, spec.name
        replies = [c for c in slack.fake.calls[before:]
                   if c.method in ("chat.postMessage", "chat.postEphemeral", "views.open")]
        assert replies, f"/{spec.name} got no answer"
        assert all(c.args.get("channel") == CHANNEL for c in replies if "channel" in c.args)


def test_ack_does_not_wait_for_slow_work(slack, clock, monkeypatch):
    setup_group(slack, clock)
    real = slack.app.bot.handle

    def slow(request):
        time.sleep(1.5)
        return real(request)

    monkeypatch.setattr(slack.app.bot, "handle", slow)
    response = slack.command("done", wait=False)
    assert response.status == 200 and slack.ack_seconds < 0.5
    assert slack.executor.drain(10)
    assert checkins(slack) == 1


def test_non_admin_setup_is_refused_and_admin_comes_from_users_info(slack):
    slack.command("studybot", "setup", user="U1")
    assert slack.app.store.get_group(GROUP) is None
    [refusal] = slack.fake.of("chat.postEphemeral")
    assert refusal.args["user"] == "U1" and "Only a workspace admin" in refusal.args["text"]

    slack.fake.users["UOWNER"] = {"is_owner": True}
    slack.command("studybot", "setup", user="UOWNER")
    assert slack.app.store.get_group(GROUP) is not None
    slack.command("studybot", "pause", user="UOWNER")
    assert slack.app.store.get_group(GROUP).paused
    # users.info is cached per member: two commands, one lookup
    assert [c.args["user"] for c in slack.fake.of("users.info")].count("UOWNER") == 1


def test_command_in_a_channel_without_a_group_explains_setup(slack):
    slack.command("plan", channel="C_EMPTY")
    [reply] = slack.fake.of("chat.postEphemeral")
    assert reply.args["channel"] == "C_EMPTY"
    assert "no study group yet" in reply.args["text"] and "/studybot setup" in reply.args["text"]


def test_done_button_checks_in_once_even_when_the_click_is_redelivered(slack, clock):
    setup_group(slack, clock)
    track = slack.app.content.tracks["staff-90"]
    ts = slack.messenger.send(GROUP, task_post(track, 1))
    [button] = slack.buttons()
    assert button["action_id"] == DONE_BUTTON.action_id and button["style"] == "primary"

    click = action_body(button, user="U2", message_ts=ts, action_ts="1767600500.123")
    assert slack.dispatch(click).status == 200
    assert slack.dispatch(click).status == 200  # the same action delivered again
    assert checkins(slack, "U2") == 1
    posts = [t for t in slack.fake.posted_texts() if "checked in for Day 1" in t]
    assert len(posts) == 1

    # a real second click (a new action_ts) is answered, privately, with no new check-in
    slack.dispatch(action_body(button, user="U2", message_ts=ts, action_ts="1767600600.5"))
    assert checkins(slack, "U2") == 1
    assert "already checked in" in slack.fake.of("chat.postEphemeral")[-1].args["text"]


def test_story_form_opens_a_modal_and_its_submission_runs_once(slack, clock, monkeypatch):
    setup_group(slack, clock)
    form = Form("Your STAR story", "story", (FormField("situation", "Situation"),
                                             FormField("result", "Result", required=False)))

    def story(ctx, args):
        if not args.get("text"):
            return [Reply("Write your story in the form.", "ephemeral", form=form)]
        return [Reply(f"Story saved: {args['text']}")]

    monkeypatch.setitem(HANDLERS, ("story", ""), story)
    slack.command("story", trigger="13345224609.738474.trig")
    [opened] = slack.fake.of("views.open")
    assert opened.args["trigger_id"] == "13345224609.738474.trig"
    view = opened.args["view"]
    view = json.loads(view) if isinstance(view, str) else view
    assert view["callback_id"] == slack_render.FORM_CALLBACK
    assert [b["block_id"] for b in view["blocks"]] == ["situation", "result"]

    body = view_body(view, {"situation": "Led the migration " + MENTIONS, "result": "On time"})
    assert slack.dispatch(body).status == 200
    assert slack.dispatch(body).status == 200  # redelivered submission
    saved = [t for t in slack.fake.posted_texts() if "Story saved" in t]
    assert len(saved) == 1 and "Led the migration" in saved[0] and "On time" in saved[0]
    assert_no_ping(saved[0])


def assert_no_ping(text: str) -> None:
    for live in ("<!", "<@", "<#"):
        assert live not in text, text
    for word in ("@channel", "@here", "@everyone"):
        assert word not in text, text


def test_mentions_in_a_done_note_are_not_pinged(slack, clock):
    setup_group(slack, clock)
    slack.command("done", "shipped it " + MENTIONS)
    [post] = [c for c in slack.fake.of("chat.postMessage") if "checked in" in c.args["text"]]
    assert post.args["parse"] == "none" and post.args["link_names"] in (False, "false", 0)
    [text] = [t for t in slack.fake.posted_texts() if "shipped it" in t]
    assert_no_ping(text)
    assert "U999" in text and "team" in text  # still readable, just inert


def test_retried_thread_event_has_one_effect(slack, clock, monkeypatch):
    setup_group(slack, clock)
    seen: list[str] = []

    def checkpoint(ctx, key, text):
        seen.append(text)
        return [Reply(f"Answer recorded for {key}: {text}")]

    monkeypatch.setitem(THREAD_HANDLERS, "checkpoint", checkpoint)
    slack.app.bot.bind_thread(GROUP, "checkpoint:7", "1767600000.000050")
    event = message_event("B-tree &amp; LSM", thread_ts="1767600000.000050", event_id="Ev42")
    assert slack.event(event).status == 200
    assert slack.event(event, retry=1).status == 200  # Slack's retry: same event_id
    assert seen == ["B-tree & LSM"]
    [reply] = [c for c in slack.fake.of("chat.postMessage") if "Answer recorded" in c.args["text"]]
    assert reply.args["thread_ts"] == "1767600000.000050"

    # a bot's own message and a message outside any thread are ignored
    slack.event(message_event("x", thread_ts="1767600000.000050", event_id="Ev43", bot_id="B9"))
    slack.event(message_event("y", thread_ts=None, event_id="Ev44"))
    assert seen == ["B-tree & LSM"]


def test_thread_replies_open_the_thread_once(slack, clock, monkeypatch):
    setup_group(slack, clock)

    def mock_now(ctx, args):
        return [Reply("Pairing done", "thread", thread_key="mock:1",
                      thread_title="**Mock** for <!here>")]

    monkeypatch.setitem(HANDLERS, ("mock", "now"), mock_now)
    slack.command("mock", "now")
    slack.command("mock", "now")
    posts = slack.fake.of("chat.postMessage")
    parents = [c for c in posts if "thread_ts" not in c.args and "Mock" in c.args["text"]]
    replies = [c for c in posts if "thread_ts" in c.args]
    assert len(parents) == 1 and parents[0].args["text"].startswith("*Mock* for")
    assert_no_ping(parents[0].args["text"])
    parent_ts = slack.app.bot.thread_ref(GROUP, "mock:1")
    assert parent_ts and [c.args["thread_ts"] for c in replies] == [parent_ts, parent_ts]


def test_export_is_sent_as_a_direct_message(slack, clock):
    setup_group(slack, clock)
    slack.command("done", "first")
    slack.command("studybot", "export me")
    [opened] = slack.fake.of("conversations.open")
    assert opened.args["users"] == "U1"
    [dm] = [c for c in slack.fake.of("chat.postMessage") if c.args["channel"] == "DU1"]
    blocks = json.dumps(dm.args["blocks"])
    uploads = slack.fake.of("files.completeUploadExternal")
    assert "studybot-export.json" in blocks or uploads


def test_large_file_is_uploaded_not_inlined(slack):
    reply = Reply("Your export", "direct", to_user="U1", file_name="big.json",
                  file_text="x" * (slack_render.INLINE_FILE_LIMIT + 1))
    slack.messenger.send(GROUP, reply)
    assert slack.fake.of("files.getUploadURLExternal")
    assert slack.fake.of("files.completeUploadExternal")


@pytest.mark.parametrize("headers", [
    {},  # unsigned
    {"timestamp": int(time.time()) - 600},  # stale: ten minutes old
    {"secret": "not-the-secret"},  # signed with another secret
])
def test_unsigned_stale_or_forged_requests_get_401(slack, headers):
    body = slash_body("done", "x")
    if headers:
        response = slack.dispatch(body, **headers)
    else:
        from slack_bolt.request import BoltRequest

        response = slack.bolt.dispatch(BoltRequest(
            body=body, headers={"content-type": "application/x-www-form-urlencoded"}))
    assert response.status == 401
    assert slack.executor.drain(5)
    assert not slack.fake.of("users.info") and not slack.fake.of("chat.postEphemeral")


def test_scheduled_post_after_a_429_is_retried_and_posted_once(slack):
    slack.fake.fail_once("chat.postMessage", retry_after=1)
    started = time.monotonic()
    ts = slack.messenger.send(GROUP, Reply("**Day 3** is here", buttons=(DONE_BUTTON,)))
    assert time.monotonic() - started >= 1.0  # Retry-After was honoured
    assert len(slack.fake.of("chat.postMessage", ok_only=False)) == 2
    [posted] = slack.fake.of("chat.postMessage")
    assert ts and posted.args["text"] == "*Day 3* is here"
    assert posted.headers["Authorization"].startswith("Bearer xoxb-")


def test_fan_out_to_many_channels_is_not_serialized(slack):
    messenger = SlackMessenger(slack.app.bot, slack.client, min_interval=0.6)
    # one channel: the second post waits for Slack's one-message-per-second pacing
    started = time.monotonic()
    messenger.send(GROUP, Reply("one"))
    messenger.send(GROUP, Reply("two"))
    assert time.monotonic() - started >= 0.6
    # eight channels at once from the scheduler's threads: nobody waits on anybody
    groups = [GROUP.__class__("slack", "T1", f"C{i}") for i in range(10, 18)]
    started = time.monotonic()
    threads = [threading.Thread(target=messenger.send, args=(g, Reply("fan-out")))
               for g in groups]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert time.monotonic() - started < 0.6
    channels = {c.args["channel"] for c in slack.fake.of("chat.postMessage")}
    assert {g.channel for g in groups} <= channels
