"""Streak figures computed from stored check-ins, shared by /done, /streak and digests."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

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


def streak_of(store: Store, cal: PlanCalendar, group_id: int, user_id: str, current: int) -> Streak:
    """A member's streak now."""
    checked = {c.plan_day for c in store.member_checkins(group_id, user_id)}
    return member_streak(checked, current, away_days(cal, store.list_away(group_id), user_id))


def active_by_day(cal: PlanCalendar, members: list[MemberState], aways: list[Away],
                  current: int) -> dict[int, int]:
    """How many members were present (joined, not away) on each plan day up to ``current``."""
    active: dict[int, int] = {}
    for n, d in cal.dates():
        if n > current:
            break
        active[n] = sum(
            1 for m in members
            if m.joined_on <= d and not any(
                a.user_id == m.user_id and a.start <= d <= a.end for a in aways)
        )
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


def leaderboard(store: Store, cal: PlanCalendar, group_id: int, current: int,
                today: date) -> list[Standing]:
    """Everyone ranked by current streak, then best streak, then name."""
    members = store.list_members(group_id)
    aways = store.list_away(group_id)
    by_member: dict[str, set[int]] = {}
    for user_id, day in store.all_checkins(group_id):
        by_member.setdefault(user_id, set()).add(day)
    dates = dict(cal.dates())
    week_start = today - timedelta(days=today.weekday())
    month_start = today.replace(day=1)
    rows = []
    for m in members:
        days = by_member.get(m.user_id, set())
        away = away_days(cal, aways, m.user_id)
        past = [dates[d] for d in days if d in dates and dates[d] <= today]
        week = sum(1 for d in past if d >= week_start)
        month = sum(1 for d in past if d >= month_start)
        rows.append(Standing(m, member_streak(days, current, away), week, month))
    rows.sort(key=lambda s: (-s.streak.current, -s.streak.best, s.member.display_name.lower()))
    return rows
