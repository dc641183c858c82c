"""The foundation commands end to end through the core, on SQLite and PostgreSQL."""

from datetime import timedelta

import pytest
from helpers import Driver

from bot.core.types import GroupRef


@pytest.fixture
def bot(any_app, clock):
    d = Driver(any_app)
    # Monday 09:00 UTC: setting up now starts the plan on the next post (Tuesday).
    assert "set up" in d.text("admin", "/studybot setup default UTC 09:00", admin=True)
    clock.advance(timedelta(days=1))
    return d


def test_commands_need_a_group_first(any_app):
    d = Driver(any_app, GroupRef("test", "T1", "elsewhere"))
    [reply] = d("u1", "/plan")
    assert reply.visibility == "ephemeral" and "/studybot setup" in reply.text


def test_setup_is_admin_only(any_app):
    d = Driver(any_app)
    [reply] = d("u1", "/studybot setup")
    assert "Only a workspace admin" in reply.text
    assert any_app.store.get_group(d.group) is None


def test_done_twice_is_one_checkin(bot, any_app):
    first = bot.text("ann", "/done read the chapter")
    assert "checked in for Day 1" in first and "Streak 1" in first
    again = bot.text("ann", "/done")
    assert "already checked in" in again and "unchanged at 1" in again
    group = any_app.store.get_group(bot.group)
    assert any_app.store.checkin_counts(group.id) == {1: 1}


def test_redelivered_command_has_no_second_effect(bot):
    assert "checked in" in bot.text("ann", "/done")
    assert bot("bob", "/done", delivery="evt-1")
    assert bot("bob", "/done", delivery="evt-1") == []


def test_plan_day_gives_90_distinct_tasks_and_names_the_range(bot):
    texts = {bot.text("ann", f"/plan day {n}") for n in range(1, 91)}
    assert len(texts) == 90
    for bad in (0, 91):
        assert "between 1 and 90" in bot.text("ann", f"/plan day {bad}")


def test_oversized_note_is_rejected_with_the_limit_and_nothing_saved(bot, any_app):
    reply = bot.text("ann", "/done " + "x" * 501)
    assert "limit is 500" in reply
    group = any_app.store.get_group(bot.group)
    assert any_app.store.checkin_counts(group.id) == {}


def test_user_text_cannot_ping(bot):
    reply = bot.text("ann", "/done done! @here <!channel> <@U999> @everyone")
    for bad in ("@here", "<!channel>", "<@U999>", "@everyone"):
        assert bad not in reply


def test_streak_leaderboard_and_group(bot, clock):
    for day in range(3):
        bot("ann", "/done")
        if day != 1:
            bot("bob", "/done")
        clock.advance(timedelta(days=1))
    assert "streak 3 day(s)" in bot.text("ann", "/streak")
    assert "streak 1 day(s), best 2" not in bot.text("bob", "/streak me")
    top = bot.text("ann", "/streak top")
    assert top.index("Ann") < top.index("Bob")
    # Two members, 50% quorum: one check-in a day is enough, so the group streak is 3.
    assert "Group streak: 3" in bot.text("ann", "/streak group")


def test_pause_and_resume_keep_streaks(bot, clock):
    bot("ann", "/done")
    assert "paused" in bot.text("admin", "/studybot pause", admin=True)
    assert "paused" in bot.text("ann", "/done")
    clock.advance(timedelta(days=7))
    assert "resumes" in bot.text("admin", "/studybot resume", admin=True)
    clock.advance(timedelta(hours=1))
    assert "Day 2" in bot.text("ann", "/done")
    assert "streak 2 day(s)" in bot.text("ann", "/streak")


def test_groups_never_see_each_other(any_app, bot):
    other = Driver(any_app, GroupRef("test", "T1", "C2"))
    other.text("admin", "/studybot setup", admin=True)
    bot("ann", "/done")
    top = other.text("zed", "/streak top")
    assert "Ann" not in top


def test_export_and_forget(bot, any_app):
    bot("ann", "/done my note")
    [export] = bot("ann", "/studybot export me")
    assert export.file_name and "my note" in export.file_text
    assert "deleted" in bot.text("ann", "/studybot forget me")
    group = any_app.store.get_group(bot.group)
    assert any_app.store.member_checkins(group.id, "ann") == []


def test_away_members_are_not_counted(bot, clock):
    bot("ann", "/done")
    bot("bob", "/done")
    bot("cat", "/done")
    clock.advance(timedelta(days=1))
    assert "away until" in bot.text("bob", "/studybot away 3")
    bot("cat", "/studybot away 3")
    bot("ann", "/done")       # 1 of 1 present member: the group day counts
    assert "Group streak: 2" in bot.text("ann", "/streak group")


def test_help_lists_every_command(bot):
    text = bot.text("ann", "/studybot help")
    for name in ("/plan", "/done", "/streak", "/mock", "/story", "/studybot"):
        assert name in text
