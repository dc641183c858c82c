"""Exactly once across a crash, on the wire: scheduled posts carry their outbox key as Slack
message metadata, and a post whose worker died after chat.postMessage is found in
conversations.history and marked sent instead of being posted again."""

from __future__ import annotations

from dataclasses import replace
from datetime import time, timedelta

from conftest import GROUP

from bot.core.posts import replies_from_json
from bot.scheduling.dispatcher import Dispatcher, post_key


def _group(app, clock):
    return app.store.save_group(GROUP, track_id="staff-90", schedule_id="default",
                                timezone="UTC", daily_time=time(9, 0),
                                start_date=clock.now().date(), quorum=0.5)


def test_scheduled_post_carries_its_key_as_metadata(slack, clock):
    group = _group(slack.app, clock)
    clock.set(clock.now().replace(hour=9, minute=0, second=1))
    d = Dispatcher(slack.app.store, slack.app.content, clock, slack.messenger, pool_size=1)
    [post] = d.tick(clock.now())
    [call] = slack.fake.of("chat.postMessage")
    key = f"{group.id}:daily:{post.local_date}:0"
    assert call.args["metadata"] == {"event_type": "studybot_post",
                                     "event_payload": {"key": key}}
    assert slack.messenger.find_sent(GROUP, replace(post.replies[0], post_key=key)) == \
        slack.app.store.outbox_items()[0].message_id
    assert slack.messenger.find_sent(GROUP, replace(post.replies[0], post_key="x")) is None
    d.close()


def test_post_sent_by_a_dead_worker_is_reconciled_not_resent(slack, clock):
    _group(slack.app, clock)
    clock.set(clock.now().replace(hour=9, minute=0, second=1))
    store = slack.app.store
    dead = Dispatcher(store, slack.app.content, clock, slack.messenger, worker_id="dead",
                      pool_size=1)
    dead.enqueue_due(clock.now())
    [(item, ref)] = store.outbox_claim_ready("dead", clock.now(), dead.lease)
    reply = replies_from_json(item.payload)[0]
    ts = slack.messenger.send(ref, replace(reply, post_key=post_key(item, 0)))  # then SIGKILL

    clock.advance(dead.lease + timedelta(seconds=1))
    alive = Dispatcher(store, slack.app.content, clock, slack.messenger, pool_size=1)
    assert [p.kind for p in alive.tick(clock.now())] == ["daily"]
    assert len(slack.fake.of("chat.postMessage")) == 1  # not posted a second time
    [history] = slack.fake.of("conversations.history")
    assert history.args["channel"] == GROUP.channel
    [row] = store.outbox_items()
    assert (row.status, row.message_id, row.replies_sent) == ("sent", ts, 1)
    alive.close()
    dead.close()


def test_post_not_on_slack_after_a_crash_is_sent(slack, clock):
    _group(slack.app, clock)
    clock.set(clock.now().replace(hour=9, minute=0, second=1))
    store = slack.app.store
    dead = Dispatcher(store, slack.app.content, clock, slack.messenger, worker_id="dead",
                      pool_size=1)
    dead.enqueue_due(clock.now())
    assert store.outbox_claim_ready("dead", clock.now(), dead.lease)  # died before sending
    clock.advance(dead.lease + timedelta(seconds=1))
    alive = Dispatcher(store, slack.app.content, clock, slack.messenger, pool_size=1)
    assert len(alive.tick(clock.now())) == 1
    assert len(slack.fake.of("conversations.history")) == 1
    assert len(slack.fake.of("chat.postMessage")) == 1
    assert store.outbox_items()[0].status == "sent"
    alive.close()
    dead.close()
