from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from bot.core.plan import PlanCalendar
from bot.core.ports import Pause
from bot.core.streaks import group_streak, member_streak, quorum_needed

WEEKDAYS = frozenset(range(5))
UTC = ZoneInfo("UTC")


def cal(**kw) -> PlanCalendar:
    base = dict(start=date(2026, 1, 5), weekdays=WEEKDAYS, zone=UTC, post_time=time(9),
                length=90)
    base.update(kw)
    return PlanCalendar(**base)


def at(d: date, hour: int, minute: int = 0, zone: ZoneInfo = UTC) -> datetime:
    return datetime(d.year, d.month, d.day, hour, minute, tzinfo=zone)


def test_only_scheduled_days_advance_the_plan():
    c = cal()
    assert c.plan_day_on(date(2026, 1, 5)) == 1          # Monday
    assert c.plan_day_on(date(2026, 1, 9)) == 5          # Friday
    assert c.plan_day_on(date(2026, 1, 10)) is None      # Saturday: day off
    assert c.plan_day_on(date(2026, 1, 12)) == 6         # next Monday
    assert c.date_of(90) == date(2026, 5, 8)             # 18 weeks of weekdays


def test_a_day_becomes_current_when_posted_and_stays_until_the_next_post():
    c = cal()
    assert c.current_day(at(date(2026, 1, 5), 8, 59)) == 0
    assert c.current_day(at(date(2026, 1, 5), 9)) == 1
    assert c.current_day(at(date(2026, 1, 6), 8, 59)) == 1   # late check-in still counts for day 1
    assert c.current_day(at(date(2026, 1, 10), 23)) == 5     # weekend: Friday's day stays open
    assert c.current_day(at(date(2026, 1, 12), 9)) == 6


def test_post_time_is_local_to_the_group():
    tokyo = ZoneInfo("Asia/Tokyo")
    c = cal(zone=tokyo)
    # 09:00 in Tokyo is 00:00 UTC: day 1 is current at 00:00 UTC, not at 09:00 UTC.
    assert c.current_day(datetime(2026, 1, 5, 0, 0, tzinfo=UTC)) == 1
    assert c.current_day(datetime(2026, 1, 4, 23, 59, tzinfo=UTC)) == 0


def test_paused_dates_do_not_advance_the_plan():
    c = cal(pauses=(Pause(date(2026, 1, 7), date(2026, 1, 12)),))
    assert c.plan_day_on(date(2026, 1, 6)) == 2
    assert c.plan_day_on(date(2026, 1, 7)) is None
    assert c.plan_day_on(date(2026, 1, 12)) == 3
    open_pause = cal(pauses=(Pause(date(2026, 1, 7), None),))
    assert open_pause.current_day(at(date(2026, 3, 1), 12)) == 2


def test_the_track_ends():
    c = cal(length=3)
    assert c.current_day(at(date(2026, 2, 1), 12)) == 3
    assert c.finished(at(date(2026, 2, 1), 12))
    assert c.next_post(at(date(2026, 2, 1), 12)) is None


def test_member_streak_counts_runs_and_skips_away_and_the_open_day():
    assert member_streak({1, 2, 3}, 3, set()).current == 3
    assert member_streak({1, 2, 3}, 4, set()).current == 3          # day 4 still open
    assert member_streak({1, 2, 3}, 5, set()) .current == 0         # day 4 missed
    assert member_streak({1, 2, 3, 5}, 5, {4}).current == 4         # away on day 4
    s = member_streak({1, 2, 3, 4, 6, 7}, 8, set())
    assert (s.current, s.best) == (2, 4)


def test_group_streak_needs_the_quorum_of_active_members():
    active = {1: 4, 2: 4, 3: 4, 4: 2}
    assert quorum_needed(4, 0.5) == 2 and quorum_needed(3, 0.5) == 2 and quorum_needed(0, .5) == 1
    assert group_streak({1: 2, 2: 2, 3: 1, 4: 1}, active, 0.5, 4).current == 1
    s = group_streak({1: 2, 2: 2, 3: 2, 4: 1}, active, 0.5, 5)
    assert (s.current, s.best) == (4, 4)
    assert group_streak({1: 2}, {1: 4, 2: 0, 3: 4}, 0.5, 3).current == 1  # empty day skipped


def test_weekday_math_over_a_long_range():
    c = cal(length=90)
    days = list(c.dates())
    assert len(days) == 90 and all(d.weekday() < 5 for _, d in days)
    assert all(b - a >= timedelta(days=1) for (_, a), (_, b) in zip(days, days[1:], strict=False))
