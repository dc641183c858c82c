"""Streak figures computed from stored check-ins, shared by /done, /streak and digests."""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from dataclasses import dataclass
from datetime import date, timedelta
from itertools import islice

from bot.core.plan import PlanCalendar
from bot.core.ports import Away, MemberState, Store
from bot.core.streaks import (
    RunSummary,
    Streak,
    group_streak,
    member_streak,
    quorum_needed,
    streak_from_summary,
    summarize,
)


@dataclass(frozen=True)
class Standing:
    """One row of the leaderboard."""

    member: MemberState
    streak: Streak
    this_week: int
    this_month: int


def away_days(cal: PlanCalendar, aways: list[Away], user_id: str) -> set[int]:
    """Plan days on which ``user_id`` is away."""
    days: set[int] = set()
    for a in aways:
        if a.user_id == user_id:
            days |= cal.plan_days_between(a.start, a.end)
    return days


def aways_by_member(aways: list[Away]) -> dict[str, list[Away]]:
    """Absences grouped by member."""
    by: dict[str, list[Away]] = {}
    for a in aways:
        by.setdefault(a.user_id, []).append(a)
    return by


def streak_of(store: Store, cal: PlanCalendar, group_id: int, user_id: str, current: int,
              aways: list[Away] | None = None) -> Streak:
    """A member's streak now (``aways``: the group's absences, if already loaded)."""
    checked = {c.plan_day for c in store.member_checkins(group_id, user_id)}
    aways = store.list_away(group_id) if aways is None else aways
    return member_streak(checked, current, away_days(cal, aways, user_id))


def active_by_day(cal: PlanCalendar, members: list[MemberState], aways: list[Away],
                  current: int) -> dict[int, int]:
    """How many members were present (joined, not away) on each plan day up to ``current``.

    Members joined by a date are counted with a bisection over join dates; each member's
    absences then take away the plan days they cover (once, however many overlap).
    """
    dates = [d for _, d in islice(cal.dates(), max(current, 0))]
    joined = sorted(m.joined_on for m in members)
    active = {i + 1: bisect_right(joined, d) for i, d in enumerate(dates)}
    by_user = aways_by_member(aways)
    for m in members:
        gone: set[int] = set()
        for a in by_user.get(m.user_id, ()):
            first = max(a.start, m.joined_on)
            gone.update(range(bisect_left(dates, first) + 1, bisect_right(dates, a.end) + 1))
        for n in gone:
            active[n] -= 1
    return active


def group_standing(store: Store, cal: PlanCalendar, group_id: int, quorum: float,
                   current: int, aways: list[Away] | None = None) -> tuple[Streak, int, int]:
    """The group streak, and today's check-ins against the number needed."""
    members = store.list_members(group_id)
    aways = store.list_away(group_id) if aways is None else aways
    counts = store.checkin_counts(group_id)
    active = active_by_day(cal, members, aways, current)
    streak = group_streak(counts, active, quorum, current)
    needed = quorum_needed(active.get(current, 0), quorum) if active.get(current) else 0
    return streak, counts.get(current, 0), needed


def span(days: set[int]) -> tuple[int, int]:
    """The first and last of a run of consecutive plan days (``(1, 0)`` if empty)."""
    return (min(days), max(days)) if days else (1, 0)


def summary_streak(store: Store, cal: PlanCalendar, group_id: int, user_id: str,
                   summary: RunSummary | None, current: int, away: set[int]) -> Streak:
    """A member's streak from their kept summary, as :func:`member_streak` defines it.

    A stale summary is rebuilt from the member's check-ins (and stored); a summary ahead of
    the current day (a pause moved the calendar back) is set aside for the definition.
    """
    if summary is None:
        return Streak(0, 0)
    if summary.stale:
        summary = store.rebuild_streak(group_id, user_id, lambda days: summarize(days, away))
    if summary.last_day > current:
        checked = {c.plan_day for c in store.member_checkins(group_id, user_id)}
        return member_streak(checked, current, away)
    return streak_from_summary(summary, current, away)


def leaderboard(store: Store, cal: PlanCalendar, group_id: int, current: int,
                today: date) -> list[Standing]:
    """Everyone ranked by current streak, then best streak, then name.

    Reads the kept streak summaries (one row per member) and one grouped count of this
    week's and this month's check-ins, never the whole history.
    """
    members = store.list_members(group_id)
    by_user = aways_by_member(store.list_away(group_id))
    summaries = store.streak_summaries(group_id)
    week_start = today - timedelta(days=today.weekday())
    month_start = today.replace(day=1)
    # Plan days dated within this week / this month, up to today (a few days each).
    week = span(cal.plan_days_between(week_start, today))
    month = span(cal.plan_days_between(month_start, today))
    tallies = store.checkin_tallies(group_id, [week, month])
    rows = []
    for m in members:
        away = away_days(cal, by_user.get(m.user_id, []), m.user_id)
        streak = summary_streak(store, cal, group_id, m.user_id, summaries.get(m.user_id),
                                current, away)
        this_week, this_month = tallies.get(m.user_id, (0, 0))
        rows.append(Standing(m, streak, this_week, this_month))
    rows.sort(key=lambda s: (-s.streak.current, -s.streak.best, s.member.display_name.lower()))
    return rows
