"""Plan progression: which local date is which plan day, and which day is current.

Only the group's scheduled weekdays advance the plan; paused dates do not count. Plan
day N becomes current when its task is posted (the daily post time on its date), and
stays current until the next plan day's post, so a late check-in still counts.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from functools import lru_cache
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
        for i, d in enumerate(self._dates()):
            yield i + 1, d

    def _dates(self) -> tuple[date, ...]:
        """The plan dates in order (date of plan day N at index N-1); computed once."""
        return _plan_dates(self.start, self.weekdays, self.length, self.pauses)

    def plan_day_on(self, day: date) -> int | None:
        """The plan day that falls on ``day``, or None if it is a day off."""
        dates = self._dates()
        i = bisect_left(dates, day)
        return i + 1 if i < len(dates) and dates[i] == day else None

    def date_of(self, plan_day: int) -> date | None:
        """The date of ``plan_day``; None if it lies beyond an open pause."""
        dates = self._dates()
        return dates[plan_day - 1] if 1 <= plan_day <= len(dates) else None

    def post_at(self, day: date) -> datetime:
        """The instant of the daily post on ``day``, in the group's zone."""
        return datetime.combine(day, self.post_time, tzinfo=self.zone)

    def local_date(self, instant: datetime) -> date:
        """The group's local date at ``instant``."""
        return instant.astimezone(self.zone).date()

    def current_day(self, now: datetime) -> int:
        """The latest plan day whose task has been posted by ``now`` (0 before day 1)."""
        return bisect_right(self._dates(), now, key=self.post_at)

    def next_post(self, now: datetime) -> tuple[int, date] | None:
        """The next plan day still to be posted after ``now``, with its date."""
        dates = self._dates()
        n = self.current_day(now)
        return (n + 1, dates[n]) if n < len(dates) else None

    def plan_days_between(self, first: date, last: date) -> set[int]:
        """Plan days whose dates fall in ``[first, last]``."""
        dates = self._dates()
        return set(range(bisect_left(dates, first) + 1, bisect_right(dates, last) + 1))

    def finished(self, now: datetime) -> bool:
        """True once the last day of the track has been posted."""
        return self.current_day(now) >= self.length


@lru_cache(maxsize=4096)
def _plan_dates(start: date, weekdays: frozenset[int], length: int,
                pauses: tuple[Pause, ...]) -> tuple[date, ...]:
    """Every plan date in order: scheduled, unpaused dates from ``start`` on."""
    if not weekdays:
        return ()
    out: list[date] = []
    day = start
    limit = start + timedelta(days=3660)  # a pause left open for ten years
    while len(out) < length:
        if day.weekday() in weekdays and not any(p.covers(day) for p in pauses):
            out.append(day)
        day += timedelta(days=1)
        if day > limit:
            break
    return tuple(out)
