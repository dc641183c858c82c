"""Post composition, checkpoint threads, the digest, the mock-round hook, console and preview."""

from __future__ import annotations

import argparse
import io
from datetime import UTC, date, datetime, timedelta

from bot.adapters.console_adapter import ConsoleAdapter
from bot.core.posts import (
    POST_COMPOSERS,
    checkpoint_for,
    compose,
    replies_from_json,
    replies_to_json,
)
from bot.core.types import Member, Post, Reply
from bot.scheduling.console import make_console_ticker
from bot.scheduling.dispatcher import Dispatcher
from bot.scheduling.preview import preview_command

FRI = date(2026, 1, 9)


def test_checkpoint_prompt_opens_a_thread_and_answers_count(any_app, clock, make_group,
                                                             recording):
    g = make_group(any_app.store, "c", start=date(2026, 1, 5))
    messenger = recording(clock)
    d = Dispatcher(any_app.store, any_app.content, clock, messenger, pool_size=1)
    clock.set(datetime(2026, 1, 9, 15, 0, tzinfo=UTC))
    posts = d.tick(clock.now())
    [prompt] = [p for p in posts if p.kind == "checkpoint"]
    reply = prompt.replies[0]
    assert reply.thread_key == "checkpoint:2026-01-09" and reply.thread_title
    message_id = [m for m, (_, r, _) in enumerate(messenger.sent, 1) if r is not None and
                  r.thread_key][0]
    thread = f"m{message_id}"
    assert any_app.bot.thread_ref(g.ref, reply.thread_key) == thread  # bound after sending

    alice = Member("U1", "alice")
    [ack] = any_app.bot.handle_thread_message(g.ref, alice, thread, "Peak 35k rps ...")
    assert ack.visibility == "thread" and "Checkpoint done, alice" in ack.text
    [again] = any_app.bot.handle_thread_message(g.ref, alice, thread, "a second try")
    assert "already answered" in again.text
    any_app.bot.handle_thread_message(g.ref, Member("U2", "bob"), thread, "my answer")
    assert any_app.store.count_checkpoint_answers(g.id, reply.thread_key) == 2
    assert any_app.bot.handle_thread_message(g.ref, alice, "elsewhere", "hi") == []


def test_checkpoints_rotate_deterministically(sqlite_app, make_group):
    g = make_group(sqlite_app.store, "c", start=date(2026, 1, 5))
    cps = sqlite_app.content.checkpoints
    fridays = [FRI + timedelta(weeks=i) for i in range(len(cps) + 1)]
    ids = [checkpoint_for(g, d, sqlite_app.content).id for d in fridays]
    assert ids[:len(cps)] == [c.id for c in cps] and ids[-1] == cps[0].id
    assert ids == [checkpoint_for(g, d, sqlite_app.content).id for d in fridays]


def test_digest_streak_leaderboard_quiet_and_milestones(sqlite_app, clock, make_group):
    g = make_group(sqlite_app.store, "c", start=date(2026, 1, 5))
    for name in ("alice", "bob", "carol"):
        sqlite_app.store.ensure_member(g.id, name, name, date(2026, 1, 5))
    for day in range(1, 6):
        at = datetime(2026, 1, 4 + day, 10, 0, tzinfo=UTC)
        sqlite_app.store.add_checkin(g.id, "alice", day, at, None)
        if day <= 2:
            sqlite_app.store.add_checkin(g.id, "bob", day, at, None)
    sun = date(2026, 1, 11)
    post = compose(g, "digest", sun, sqlite_app.store, sqlite_app.content)
    text = post.replies[0].text
    assert "Group streak: 0 day(s), best 2" in text  # quorum 2 of 3 met on days 1-2 only
    assert text.index("1. alice — 5") < text.index("2. bob — 0")
    assert "Quiet for 3+ days: bob, carol" in text
    assert "mocks 0 of 8 · STAR stories 0 of 15" in text

    class CountingStore:
        def __init__(self, inner):
            self.inner = inner

        def __getattr__(self, name):
            return getattr(self.inner, name)

        def count_mocks_done(self, group_id):
            return 3

        def count_stories(self, group_id):
            return 7

    text = compose(g, "digest", sun, CountingStore(sqlite_app.store),
                   sqlite_app.content).replies[0].text
    assert "mocks 3 of 8 · STAR stories 7 of 15" in text


def test_mock_round_only_with_a_registered_composer(sqlite_app, make_group, monkeypatch):
    g = make_group(sqlite_app.store, "c", start=date(2026, 1, 5))
    monday = date(2026, 1, 12)
    assert compose(g, "mock_round", monday, sqlite_app.store, sqlite_app.content) is None

    def pairing(group, day, store, content):
        return Post(group.ref, "mock_round", day.isoformat(), (Reply("Pairs: a+b"),))

    monkeypatch.setitem(POST_COMPOSERS, "mock_round", pairing)
    post = compose(g, "mock_round", monday, sqlite_app.store, sqlite_app.content)
    assert post.replies[0].text == "Pairs: a+b"
    assert compose(g, "mock_round", monday + timedelta(days=1), sqlite_app.store,
                   sqlite_app.content) is None  # not a mock-round day


def test_no_daily_post_after_the_track_ends(sqlite_app, make_group):
    g = make_group(sqlite_app.store, "c", schedule="every-day", start=date(2026, 1, 1))
    assert compose(g, "daily", date(2026, 3, 31), sqlite_app.store, sqlite_app.content)
    assert compose(g, "daily", date(2026, 4, 1), sqlite_app.store, sqlite_app.content) is None


def test_replies_survive_the_outbox_codec(sqlite_app, make_group):
    g = make_group(sqlite_app.store, "c", start=date(2026, 1, 5))
    for kind, day in (("daily", date(2026, 1, 5)), ("checkpoint", FRI)):
        post = compose(g, kind, day, sqlite_app.store, sqlite_app.content)
        assert replies_from_json(replies_to_json(post.replies)) == post.replies


def test_console_week_shows_each_post_once(sqlite_app, clock, make_group):
    make_group(sqlite_app.store, "study-group", start=date(2026, 1, 5))
    out = io.StringIO()
    group = sqlite_app.store.list_groups()[0].ref
    adapter = ConsoleAdapter(sqlite_app.bot, clock, out=out, group=group,
                             ticker=make_console_ticker(sqlite_app))
    adapter.run(["/clock +7d"], interactive=False)
    heads = [line for line in out.getvalue().splitlines() if line.startswith("⏰")]
    assert heads == [f"⏰ daily post — 2026-01-0{d}" for d in range(5, 10)] + [
        "⏰ checkpoint post — 2026-01-09", "⏰ digest post — 2026-01-11",
        "⏰ daily post — 2026-01-12"]


def test_preview_lists_posts_or_a_sample(capsys, open_app, clock, make_group):
    app = open_app(clock)
    args = argparse.Namespace(group=None, days=7)
    assert preview_command(app.settings, args) == 0
    out = capsys.readouterr().out
    assert "No groups yet" in out and "sample:-/study-group" in out and " daily " in out
    today = datetime.now(UTC).date()  # preview runs on the real clock
    make_group(app.store, "berlin", zone="Europe/Berlin", schedule="weekdays", start=today)
    assert preview_command(app.settings, argparse.Namespace(group="berlin", days=7)) == 0
    out = capsys.readouterr().out
    assert "test:w/berlin" in out and "Europe/Berlin" in out and "No groups" not in out
    assert out.count(" daily ") == 5
