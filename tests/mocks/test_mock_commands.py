"""/mock end to end through the core, on SQLite and PostgreSQL."""

from __future__ import annotations

import json
import shutil
import threading
from datetime import date, timedelta
from pathlib import Path

import pytest
from sqlalchemy import text

from bot.app import build_app
from bot.core.content_loader import ContentError, load_content
from bot.core.posts import compose
from tests.conftest import ROOT, make_settings
from tests.integration.helpers import Driver

ROUND_DAY = date(2026, 1, 12)  # a Monday: the default schedule's mock_round day


@pytest.fixture
def bot(any_app):
    d = Driver(any_app)
    assert "set up" in d.text("admin", "/studybot setup default UTC 09:00", admin=True)
    return d


def pair(bot, first: str, second: str, extra: str = ""):
    """``first`` waits, ``second`` completes the pair; returns second's replies."""
    queued = bot(first, f"/mock now {extra}".strip())
    assert queued[0].visibility == "channel" and "looking for" in queued[0].text
    return bot(second, f"/mock now {extra}".strip())


def session_of(replies):
    [thread] = [r for r in replies if r.visibility == "thread"]
    return thread, int(thread.thread_key.split(":")[1])


def test_pairing_opens_a_thread_naming_both_and_a_private_guide(bot):
    replies = pair(bot, "alice", "bob")
    thread, sid = session_of(replies)
    assert thread.thread_key == f"mock:{sid}"
    assert thread.thread_title == f"Mock #{sid}: Bob (interviewer) × Alice (candidate)"
    assert "Interviewer: **Bob**" in thread.text and "Candidate: **Alice**" in thread.text
    for part in ("**Problem:", "Requirements to clarify", "Capacity numbers", "Deep dives",
                 "min)", "Follow-ups", "Staff dimensions", "Agenda (60 min)"):
        assert part in thread.text, part
    assert "strong answer" not in thread.text.lower()
    [guide] = [r for r in replies if r.visibility == "direct"]
    assert guide.to_user == "bob" and "strong answer" in guide.text.lower()
    assert "listen for" in guide.text
    assert {b.args for b in thread.buttons} >= {"help", "noshow", "cancel"}
    assert not [r for r in replies if r.visibility == "direct" and r.to_user == "alice"]


def test_interviewer_scores_weighted_band_in_thread(bot, any_app):
    _, sid = session_of(pair(bot, "alice", "bob"))
    [refused] = bot("alice", "/mock score 4 3 3 2 4")
    assert refused.visibility == "ephemeral" and "Only the interviewer (Bob)" in refused.text
    [bad] = bot("bob", "/mock score 4 3 3 2")
    assert bad.visibility == "ephemeral" and "Technical architecture" in bad.text
    assert "Communication & leadership" in bad.text and "got 4 value(s)" in bad.text
    [bad] = bot("bob", "/mock score 4 3 3 2 9")
    assert "Communication & leadership got '9'" in bad.text
    [scored] = bot("bob", "/mock score 4 3 3 2 4")
    assert scored.visibility == "thread" and scored.thread_key == f"mock:{sid}"
    assert "3.25" in scored.text and "hire" in scored.text and "no hire" not in scored.text
    assert "already scored (3.25, hire)" in bot.text("bob", "/mock score 4 4 4 4 4")
    group = any_app.store.get_group(bot.group)
    assert any_app.store.count_mocks_done(group.id) == 1
    [fb] = bot("bob", "/mock feedback Great numbers; tie them to the design <!channel>")
    assert fb.visibility == "thread" and "Great numbers" in fb.text and "<!channel>" not in fb.text
    assert "Only the interviewer" in bot.text("alice", "/mock feedback nope")
    [rated] = bot("alice", "/mock rate 4 clear and kind")
    assert rated.thread_key == f"mock:{sid}" and "4/4" in rated.text
    assert "already rated" in bot.text("alice", "/mock rate 3")
    stored = any_app.store.mock_session(group.id, sid)
    assert stored.status == "scored" and stored.scores == (4, 3, 3, 2, 4)
    assert stored.feedback.startswith("Great numbers") and stored.rating == 4


def test_behavioral_mock_has_three_questions_with_principles(bot, any_app):
    replies = pair(bot, "alice", "bob", "behavioral senior")
    thread, sid = session_of(replies)
    assert "Behavioral (senior level)" in thread.text
    questions = [line for line in thread.text.splitlines() if line[:2] in ("1.", "2.", "3.")]
    assert len(questions) >= 3 and all("probes:" in q for q in questions[:3])
    group = any_app.store.get_group(bot.group)
    asked = any_app.store.mock_session(group.id, sid).question_ids
    assert len(set(asked)) == 3
    [scored] = bot("bob", "/mock score 4 4 4 4 4")
    assert "4.00" in scored.text and "strong hire" in scored.text and "STAR structure" in \
        scored.text
    # Alice interviews next (roles alternate); her next candidate mock repeats no question.
    _, sid2 = session_of(pair(bot, "carol", "alice", "behavioral"))
    assert any_app.store.mock_session(group.id, sid2).interviewer == "alice"
    bot("alice", "/mock score 3 3 3 3 3")
    _, sid3 = session_of(pair(bot, "alice", "dan", "behavioral"))
    third = any_app.store.mock_session(group.id, sid3)
    assert third.candidate == "alice" and not set(asked) & set(third.question_ids)


def test_level_is_the_stricter_and_kinds_do_not_mix(bot):
    bot("alice", "/mock now system-design senior")
    [queued] = bot("bob", "/mock now behavioral")
    assert "looking for" in queued.text  # different kind: bob waits too
    thread, _ = session_of(bot("carol", "/mock now system-design staff"))
    assert "(staff level)" in thread.text and "Alice (candidate)" in thread.thread_title


def test_roles_alternate_on_the_next_session(bot):
    pair(bot, "alice", "bob")
    bot("bob", "/mock score 3 3 3 3 3")
    thread, _ = session_of(pair(bot, "alice", "bob"))
    assert "Alice (interviewer) × Bob (candidate)" in thread.thread_title
    assert "Only the interviewer (Alice)" in bot.text("bob", "/mock score 3 3 3 3 3")
    assert "scored" in bot.text("alice", "/mock score 3 3 3 3 3")


def test_queue_rules_busy_waiting_cancel_and_expiry(bot, clock):
    assert "looking for" in bot.text("alice", "/mock now")
    assert "already waiting" in bot.text("alice", "/mock now")
    assert "left the /mock now queue" in bot.text("alice", "/mock cancel")
    pair(bot, "alice", "bob")
    assert "already in Mock #" in bot.text("alice", "/mock now")
    [cancelled] = bot("alice", "/mock cancel")
    assert cancelled.visibility == "thread" and "cancelled by Alice" in cancelled.text
    assert "nothing to cancel" in bot.text("alice", "/mock cancel")
    bot("carol", "/mock now")
    clock.advance(timedelta(minutes=31))
    replies = bot("dan", "/mock now")
    assert any("looking for" in r.text for r in replies)  # carol's wait had expired
    [notice] = [r for r in replies if r.visibility == "direct"]
    assert notice.to_user == "carol" and "expired after 30 minutes" in notice.text


def test_noshow_three_times_pauses_from_rounds(bot, any_app, content):
    for partner in ("bob", "carol", "dan"):
        pair(bot, "alice", partner)  # alice waits, so she is the candidate
        replies = bot(partner, "/mock noshow")
        assert any("Alice did not show up" in r.text for r in replies)
    assert any(r.to_user == "alice" and "paused" in r.text for r in replies)
    assert any(r.visibility == "channel" and "missed 3 mocks" in r.text for r in replies)
    group = any_app.store.get_group(bot.group)
    assert any_app.store.mock_member(group.id, "alice").paused
    bot("bob", "/mock optin")
    bot("carol", "/mock optin")
    post = compose(group, "mock_round", ROUND_DAY, any_app.store, content)
    assert "Alice" not in post.replies[0].text  # never opted in: not mentioned
    bot("alice", "/mock optin")  # opting in lifts the pause
    assert not any_app.store.mock_member(group.id, "alice").paused


def test_paused_member_is_named_in_the_round(bot, any_app, content):
    for who in ("alice", "bob", "carol"):
        bot(who, "/mock optin")
    for partner in ("bob", "carol", "bob"):
        pair(bot, "alice", partner)
        bot(partner, "/mock noshow")
    group = any_app.store.get_group(bot.group)
    post = compose(group, "mock_round", ROUND_DAY, any_app.store, content)
    assert "Alice: paused after 3 no-shows" in post.replies[0].text
    [session] = any_app.store.mock_sessions(group.id)[-1:]
    assert set(session.members) == {"bob", "carol"}


def test_weekly_round_follows_the_rules(bot, any_app, content):
    for who in ("alice", "bob", "carol", "dan", "erin", "fay"):
        assert "weekly mock round" in bot.text(who, "/mock optin")
    bot("fay", "/studybot away 30")
    assert "sit out" in bot.text("erin", "/mock skip")
    bot("gus", "/plan")  # a member who never opted in
    group = any_app.store.get_group(bot.group)
    post = compose(group, "mock_round", ROUND_DAY, any_app.store, content)
    summary = post.replies[0]
    assert summary.visibility == "channel" and "Weekly mock round 1" in summary.text
    assert "Erin: skipping this round" in summary.text and "Fay: away" in summary.text
    assert "Gus" not in summary.text
    threads = [r for r in post.replies if r.visibility == "thread"]
    directs = [r for r in post.replies if r.visibility == "direct"]
    assert len(threads) == 2 and len(directs) == 2  # alice, bob, carol and dan: two pairs
    sessions = any_app.store.mock_sessions(group.id)
    placed = [u for s in sessions for u in s.members]
    assert sorted(placed) == ["alice", "bob", "carol", "dan"]
    assert {d.to_user for d in directs} == {s.interviewer for s in sessions}
    # Every eligible member is placed or named: nobody silently left out.
    for who in ("Alice", "Bob", "Carol", "Dan"):
        assert who in summary.text
    again = compose(group, "mock_round", ROUND_DAY, any_app.store, content)
    assert again == post and len(any_app.store.mock_sessions(group.id)) == len(sessions)


def test_odd_round_makes_a_trio_and_skips_are_spent(bot, any_app, content):
    for who in ("alice", "bob", "carol"):
        bot(who, "/mock optin")
    group = any_app.store.get_group(bot.group)
    post = compose(group, "mock_round", ROUND_DAY, any_app.store, content)
    [session] = any_app.store.mock_sessions(group.id)
    assert session.observer is not None and len(set(session.members)) == 3
    assert "observing" in post.replies[0].text and "Not paired" not in post.replies[0].text
    assert any_app.store.mock_member(group.id, "alice").skip_next is False


def test_round_with_one_eligible_member_says_why(bot, any_app, content):
    bot("alice", "/mock optin")
    bot("bob", "/mock optin")
    bot("bob", "/mock skip")
    group = any_app.store.get_group(bot.group)
    post = compose(group, "mock_round", ROUND_DAY, any_app.store, content)
    text_ = post.replies[0].text
    assert "Alice: only member opted in" in text_ and "Bob: skipping" in text_
    assert any_app.store.mock_sessions(group.id) == []


def test_round_history_avoids_repeat_pairs(bot, any_app, content):
    for who in ("alice", "bob", "carol", "dan"):
        bot(who, "/mock optin")
    group = any_app.store.get_group(bot.group)
    pairs = []
    for week in range(3):
        compose(group, "mock_round", ROUND_DAY + timedelta(weeks=week), any_app.store, content)
        for s in any_app.store.mock_sessions(group.id):
            if s.status == "open":
                pairs.append(frozenset(s.members))
                any_app.store.mock_cancel_session(group.id, s.id, s.created_at)
    assert len(pairs) == 6 and len(set(pairs)) == 6  # three rounds, no pair met twice


def test_history_shows_progress_toward_eight(bot):
    assert "0 of 8" in bot.text("alice", "/mock history")
    pair(bot, "alice", "bob")
    bot("bob", "/mock score 4 3 3 2 4")
    pair(bot, "bob", "alice")  # roles alternate: alice interviews now
    bot("alice", "/mock score 2 2 2 2 2")
    pair(bot, "alice", "bob")
    bot("bob", "/mock score 4 4 4 3 4")
    out = bot.text("alice", "/mock history")
    assert "2 of 8 done as candidate" in out
    assert "Roles: interviewer 1 · candidate 2" in out
    assert "Technical architecture: 4 → 4" in out and "Production readiness: 2 → 3" in out
    assert "Overall: 3.25 → 3.85" in out


def test_help_explains_scoring(bot):
    out = bot.text("alice", "/mock help")
    assert "Technical architecture 30%" in out and "3.25, hire" in out


def test_export_and_forget(bot, any_app):
    pair(bot, "alice", "bob")
    bot("bob", "/mock score 4 3 3 2 4")
    bot("bob", "/mock feedback solid")
    pair(bot, "bob", "alice")
    bot("alice", "/mock score 3 3 3 3 3")
    bot("alice", "/mock optin")
    [export] = bot("alice", "/studybot export me")
    data = json.loads(export.file_text)["mocks"]
    assert data["settings"]["opted_in"] is True
    assert data["sessions"][0]["role"] == "candidate" and data["sessions"][0]["weighted"] == 3.25
    assert data["sessions"][0]["feedback"] == "solid"
    assert data["sessions"][1]["role"] == "interviewer"
    assert "deleted" in bot.text("alice", "/studybot forget me")
    group = any_app.store.get_group(bot.group)
    assert any_app.store.mock_sessions(group.id, "alice") == []
    assert any_app.store.mock_member(group.id, "alice").opted_in is False
    # Alice's own mock (as candidate) is gone; bob's mock as candidate stays, anonymized.
    [kept] = any_app.store.mock_sessions(group.id, "bob")
    assert kept.candidate == "bob" and kept.interviewer == "(forgotten)"
    assert any_app.store.count_mocks_done(group.id) == 1


def test_mock_content_errors_name_file_and_line(tmp_path: Path):
    content = tmp_path / "content"
    shutil.copytree(ROOT / "content", content)
    rubrics = content / "mock" / "rubrics.yaml"
    rubrics.write_text(rubrics.read_text().replace("weight: 0.30", "weight: 0.35", 1))
    with pytest.raises(ContentError) as err:
        load_content(content, ROOT / "schedules")
    [problem] = err.value.problems
    assert problem.file == "content/mock/rubrics.yaml" and problem.line is not None
    assert "weights must sum to 1.0" in problem.message


def test_content_has_mocks(content):
    assert content.extras["mocks"].rubrics.system_design.dimensions


@pytest.mark.postgres
def test_concurrent_mock_now_never_gives_a_member_two_sessions(tmp_path, clock, content,
                                                              fresh_pg_url):
    app = build_app(make_settings(tmp_path, fresh_pg_url), clock=clock, content=content)
    try:
        bot = Driver(app)
        bot("admin", "/studybot setup default UTC 09:00", admin=True)
        members = [f"m{i}" for i in range(10)]
        for _ in range(4):
            barrier = threading.Barrier(len(members))
            errors: list[BaseException] = []

            def join(who: str, barrier: threading.Barrier = barrier,
                     errors: list[BaseException] = errors) -> None:
                try:
                    barrier.wait()
                    bot(who, "/mock now")
                    bot(who, "/mock now")
                except BaseException as exc:  # pragma: no cover - reported below
                    errors.append(exc)

            threads = [threading.Thread(target=join, args=(m,)) for m in members]
            for t in threads:
                t.start()
            for t in threads:
                t.join()
            assert not errors
            with app.db.engine.connect() as conn:
                open_seats = conn.execute(text(
                    "SELECT user_id, count(*) FROM mock_participants WHERE open_flag "
                    "GROUP BY user_id")).all()
                queued = conn.execute(text("SELECT count(*) FROM mock_queue")).scalar()
                sessions = conn.execute(text(
                    "SELECT count(*) FROM mock_sessions WHERE status = 'open'")).scalar()
            assert all(n == 1 for _, n in open_seats)
            assert len(open_seats) == len(members) and queued == 0 and sessions == 5
            group = app.store.get_group(bot.group)
            for s in app.store.mock_sessions(group.id):
                if s.status == "open":
                    app.store.mock_cancel_session(group.id, s.id, clock.now())
    finally:
        app.close()
