"""Ninety plan days with an injected clock: days off, DST, away members, group streaks."""

import re
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from helpers import Driver

from bot.core.clock import FakeClock

BERLIN = ZoneInfo("Europe/Berlin")
START = date(2026, 1, 5)                      # a Monday
CAT_AWAY = (date(2026, 2, 2), date(2026, 2, 13))  # two weeks: plan days 21..30


@pytest.fixture
def clock():
    return FakeClock(datetime(2026, 1, 1, tzinfo=BERLIN))


def test_ninety_days(any_app, clock):
    bot = Driver(any_app)
    clock.set(datetime(2026, 1, 4, 20, 0, tzinfo=BERLIN))   # Sunday evening
    bot("admin", "/studybot setup weekdays Europe/Berlin 08:30", admin=True)
    day, expected_n, seen = START, 0, []
    while expected_n < 90:
        clock.set(datetime.combine(day, datetime.min.time(), BERLIN).replace(hour=10))
        plan = bot.text("ann", "/plan")
        if day.weekday() >= 5:
            assert "day off" in plan, day
        else:
            expected_n += 1
            assert re.search(rf"Day {expected_n} of 90", plan), (day, plan[:60])
            seen.append(day)
            if expected_n not in (45, 50):
                bot("ann", "/done")
            if expected_n % 10:
                bot("bob", "/done")
            if day == CAT_AWAY[0]:
                bot("cat", "/studybot away 12")
            if expected_n % 2 == 0 and not CAT_AWAY[0] <= day <= CAT_AWAY[1]:
                bot("cat", "/done")
        day += timedelta(days=1)

    assert seen[0] == START and seen[-1] == date(2026, 5, 8)     # 18 weeks, DST crossed
    assert all(d.weekday() < 5 for d in seen)
    # After the last day the plan is complete; the streaks are final.
    clock.set(datetime(2026, 5, 20, 12, tzinfo=BERLIN))
    assert "complete" in bot.text("ann", "/plan")
    assert "streak 40 day(s), best 44" in bot.text("ann", "/streak")
    # Bob misses every 10th day; day 90 is the open last day, so he ends on 81..89.
    assert "streak 9 day(s), best 9" in bot.text("bob", "/streak")
    # Days 45 and 50: one check-in of 3 present (2 needed) -> the group streak breaks.
    assert "Group streak: 40 day(s), best 44" in bot.text("ann", "/streak group")
    group = any_app.store.get_group(bot.group)
    counts = any_app.store.checkin_counts(group.id)
    cat_days = [n for n in range(2, 91, 2) if not 21 <= n <= 30]
    assert sum(counts.values()) == 88 + 81 + len(cat_days)
