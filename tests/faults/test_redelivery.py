"""The same delivery five times has one effect: through the core, and through real Bolt."""

from __future__ import annotations

from datetime import timedelta

import pytest
from fault_helpers import load_slack_harness

from bot.core.types import CommandRequest, GroupRef, Member

harness = load_slack_harness()


def _setup(app, group: GroupRef, clock) -> int:
    app.bot.handle(CommandRequest(group, Member("UADMIN", "Admin", True), "studybot",
                                  "setup weekdays UTC 10:00"))
    clock.advance(timedelta(hours=2))  # Monday 11:00 UTC: Day 1 is current
    state = app.store.get_group(group)
    assert state is not None
    return state.id


def test_core_delivery_id_five_times_one_checkin(any_app, clock):
    group = GroupRef("test", "T1", "C1")
    gid = _setup(any_app, group, clock)
    request = CommandRequest(group, Member("U1", "Ann"), "done", "note", delivery_id="ev-1")
    replies = [any_app.bot.handle(request) for _ in range(5)]
    assert "checked in for Day 1" in replies[0][0].text
    assert replies[1:] == [[]] * 4
    assert any_app.store.checkin_counts(gid) == {1: 1}


@pytest.mark.skipif(harness is None, reason="Slack adapter not installed")
def test_slack_slash_command_delivered_five_times_one_effect(sqlite_app, clock):
    fake = harness.start_fake_slack()
    slack = harness.SlackHarness(sqlite_app, fake)
    try:
        gid = _setup(sqlite_app, harness.GROUP, clock)
        body = harness.slash_body("done", "wrote the doc", user="U7", trigger="77.1.same")
        for attempt in range(5):
            response = slack.dispatch(body, retry=attempt or None)
            assert response.status == 200
        assert sqlite_app.store.checkin_counts(gid) == {1: 1}
        said = [t for t in fake.posted_texts() if "checked in" in t]
        assert len(said) == 1, said
    finally:
        slack.executor.shutdown(wait=True)
        harness.stop_fake_slack(fake)


@pytest.mark.skipif(harness is None, reason="Slack adapter not installed")
def test_slack_event_delivered_five_times_one_effect(sqlite_app, clock, monkeypatch):
    from bot.core.commands.registry import THREAD_HANDLERS
    from bot.core.types import Reply

    fake = harness.start_fake_slack()
    slack = harness.SlackHarness(sqlite_app, fake)
    seen: list[str] = []

    def answer(ctx, key, text):
        seen.append(text)
        return [Reply(f"Answer recorded: {text}")]

    monkeypatch.setitem(THREAD_HANDLERS, "checkpoint", answer)
    try:
        _setup(sqlite_app, harness.GROUP, clock)
        sqlite_app.bot.bind_thread(harness.GROUP, "checkpoint:1", "1767600000.000050")
        event = harness.message_event("consistent hashing", thread_ts="1767600000.000050",
                                      event_id="EvSame")
        for attempt in range(5):
            assert slack.event(event, retry=attempt or None).status == 200
        assert seen == ["consistent hashing"]
        assert len([c for c in fake.of("chat.postMessage")
                    if "Answer recorded" in c.args["text"]]) == 1
    finally:
        slack.executor.shutdown(wait=True)
        harness.stop_fake_slack(fake)
