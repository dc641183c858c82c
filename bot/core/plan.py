"""Plan progression: which local date is which plan day, and which day is current.

Only the group's scheduled weekdays advance the plan; paused dates do not count. Plan
day N becomes current when its task is posted (the daily post time on its date), and
stays current until the next plan day's post, so a late check-in still counts.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from bot.core.ports import Pause


@dataclass(frozen=True)
class PlanCalendar:
    """The calendar of one group's plan."""

    start: date
    weekdays: frozenset[int]
    zone: ZoneInfo
    post_time: time
    length: int
    pauses: tuple[Pause, ...] = ()

    def is_plan_date(self, day: date) -> bool:
        """True if ``day`` is a scheduled, unpaused date on or after the start."""
        return (
            day >= self.start
            and day.weekday() in self.weekdays
            and not any(p.covers(day) for p in self.pauses)
        )

    def dates(self) -> Iterator[tuple[int, date]]:
        """Yield ``(plan_day, date)`` for every plan day of the track, in order."""
        if not self.weekdays:
            return
        n, day = 0, self.start
        while n < self.length:
            if self.is_plan_date(day):
                n += 1
                yield n, day
            day += timedelta(days=1)
            if day > self.start + timedelta(days=3660):  # a pause left open for ten years
                return

    def plan_day_on(self, day: date) -> int | None:
        """The plan day that falls on ``day``, or None if it is a day off."""
        if not self.is_plan_date(day):
            return None
        for n, d in self.dates():
            if d == day:
                return n
            if d > day:
                break
        return None

    def date_of(self, plan_day: int) -> date | None:
        """The date of ``plan_day``; None if it lies beyond an open pause."""
        for n, d in self.dates():
            if n == plan_day:
                return d
        return None

    def post_at(self, day: date) -> datetime:
        """The instant of the daily post on ``day``, in the group's zone."""
        return datetime.combine(day, self.post_time, tzinfo=self.zone)

    def local_date(self, instant: datetime) -> date:
        """The group's local date at ``instant``."""
        return instant.astimezone(self.zone).date()

    def current_day(self, now: datetime) -> int:
        """The latest plan day whose task has been posted by ``now`` (0 before day 1)."""
        current = 0
        for n, d in self.dates():
            if self.post_at(d) > now:
                break
            current = n
        return current

    def next_post(self, now: datetime) -> tuple[int, date] | None:
        """The next plan day still to be posted after ``now``, with its date."""
        for n, d in self.dates():
            if self.post_at(d) > now:
                return n, d
        return None

    def plan_days_between(self, first: date, last: date) -> set[int]:
        """Plan days whose dates fall in ``[first, last]``."""
        return {n for n, d in self.dates() if first <= d <= last}

    def finished(self, now: datetime) -> bool:
        """True once the last day of the track has been posted."""
        return self.current_day(now) >= self.length
