"""Streak figures computed from stored check-ins, shared by /done, /streak and digests."""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from dataclasses import dataclass
from datetime import date, timedelta
from itertools import islice

from bot.core.plan import PlanCalendar
from bot.core.ports import Away, MemberState, Store
from bot.core.streaks import Streak, group_streak, member_streak, quorum_needed


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


def streak_of(store: Store, cal: PlanCalendar, group_id: int, user_id: str, current: int) -> Streak:
    """A member's streak now."""
    checked = {c.plan_day for c in store.member_checkins(group_id, user_id)}
    return member_streak(checked, current, away_days(cal, store.list_away(group_id), user_id))


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
                   current: int) -> tuple[Streak, int, int]:
    """The group streak, and today's check-ins against the number needed."""
    members = store.list_members(group_id)
    aways = store.list_away(group_id)
    counts = store.checkin_counts(group_id)
    active = active_by_day(cal, members, aways, current)
    streak = group_streak(counts, active, quorum, current)
    needed = quorum_needed(active.get(current, 0), quorum) if active.get(current) else 0
    return streak, counts.get(current, 0), needed


def checkin_days(store: Store, group_id: int) -> dict[str, set[int]]:
    """Every member's check-in plan days (one grouped query where the store offers it)."""
    grouped = getattr(store, "checkin_days_by_member", None)
    if callable(grouped):
        return grouped(group_id)  # type: ignore[no-any-return]
    by_member: dict[str, set[int]] = {}
    for user_id, day in store.all_checkins(group_id):
        by_member.setdefault(user_id, set()).add(day)
    return by_member


def leaderboard(store: Store, cal: PlanCalendar, group_id: int, current: int,
                today: date) -> list[Standing]:
    """Everyone ranked by current streak, then best streak, then name."""
    members = store.list_members(group_id)
    by_user = aways_by_member(store.list_away(group_id))
    by_member = checkin_days(store, group_id)
    week_start = today - timedelta(days=today.weekday())
    month_start = today.replace(day=1)
    # Plan days dated within this week / this month, up to today (a few days each).
    week = range(min(cal.plan_days_between(week_start, today), default=1),
                 max(cal.plan_days_between(week_start, today), default=0) + 1)
    month = range(min(cal.plan_days_between(month_start, today), default=1),
                  max(cal.plan_days_between(month_start, today), default=0) + 1)
    rows = []
    for m in members:
        days = by_member.get(m.user_id, set())
        away = away_days(cal, by_user.get(m.user_id, []), m.user_id)
        rows.append(Standing(m, member_streak(days, current, away),
                             sum(1 for d in week if d in days),
                             sum(1 for d in month if d in days)))
    rows.sort(key=lambda s: (-s.streak.current, -s.streak.best, s.member.display_name.lower()))
    return rows
