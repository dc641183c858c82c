"""CronTrigger fire times across spring-forward and fall-back, and slots that agree with them."""

from __future__ import annotations

from datetime import UTC, date, datetime, time

import pytest

from bot.core.ports import GroupState
from bot.core.posts import slots_between
from bot.core.types import GroupRef
from bot.scheduling.runner import cron_for, job_id


def group(zone: str, at: time, schedule: str = "every-day") -> GroupState:
    return GroupState(1, GroupRef("t", "w", "c"), "staff-90", schedule, zone, at,
                      date(2026, 1, 1), 0.5)


def fires(trigger, start: datetime, n: int) -> list[datetime]:
    out, prev, now = [], None, start
    for _ in range(n):
        prev = trigger.get_next_fire_time(prev, now)
        out.append(prev)
        now = prev
    return out


@pytest.mark.parametrize(("zone", "start", "before", "after"), [
    ("America/New_York", datetime(2026, 3, 6, tzinfo=UTC), "12:00", "11:00"),  # spring 8 Mar
    ("America/New_York", datetime(2026, 10, 30, tzinfo=UTC), "11:00", "12:00"),  # fall 1 Nov
    ("Europe/Berlin", datetime(2026, 3, 27, tzinfo=UTC), "06:00", "05:00"),  # spring 29 Mar
    ("Europe/Berlin", datetime(2026, 10, 23, tzinfo=UTC), "05:00", "06:00"),  # fall 25 Oct
])
def test_daily_trigger_keeps_local_time_across_dst(content, zone, start, before, after):
    g = group(zone, time(7, 0))
    trigger = cron_for(g, "daily", content)
    times = fires(trigger, start, 5)
    assert [t.astimezone(trigger.timezone).time() for t in times] == [time(7, 0)] * 5
    assert [t.date() for t in times] == sorted({t.date() for t in times})  # one per day
    utc = [t.astimezone(UTC).strftime("%H:%M") for t in times]
    assert utc[0] == before and utc[-1] == after
    # our own slot computation agrees with the trigger, instant for instant
    slots = slots_between(g, content, start, times[-1], ("daily",))
    assert [s.at for s in slots] == times


def test_trigger_uses_schedule_days_and_group_zone(content):
    g = group("Asia/Kolkata", time(19, 30), "three-a-week")
    times = fires(cron_for(g, "daily", content), datetime(2026, 3, 2, tzinfo=UTC), 3)
    assert [t.strftime("%a %H:%M") for t in times] == ["Mon 19:30", "Wed 19:30", "Fri 19:30"]
    checkpoint = fires(cron_for(g, "checkpoint", content), datetime(2026, 3, 2, tzinfo=UTC), 1)
    assert checkpoint[0].strftime("%a %H:%M") == "Wed 20:30"
    assert job_id(g.id, "daily") == "1:daily"


def test_fall_back_double_fire_still_posts_once(any_app, clock, messenger, make_group):
    """01:30 happens twice on 1 Nov in New York: the trigger fires twice, the post goes once."""
    from bot.scheduling.dispatcher import Dispatcher

    clock.set(datetime(2026, 10, 31, 12, 0, tzinfo=UTC))
    g = make_group(any_app.store, "ny", schedule="every-day", zone="America/New_York",
                   daily=time(1, 30), start=date(2026, 10, 1))
    trigger = cron_for(g, "daily", any_app.content)
    times = [t for t in fires(trigger, clock.now(), 3) if t.date() == date(2026, 11, 1)]
    assert len(times) == 2, "APScheduler fires the repeated hour twice"
    d = Dispatcher(any_app.store, any_app.content, clock, messenger, pool_size=1)
    for t in times:
        clock.set(t.astimezone(UTC))
        d.enqueue_due(clock.now(), [g], ("daily",))
        d.dispatch(clock.now())
    assert [r.buttons != () for _, r, _ in messenger.sent] == [True]
