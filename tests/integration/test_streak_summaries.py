"""The kept streak summaries and day counts give the answers of the plain definitions.

Seeded random scenarios (check-ins, absences from today, forgetting a member, a bulk
backfill) on SQLite and PostgreSQL compare every figure with ``member_streak`` and
``group_streak`` over the raw check-ins; a race on PostgreSQL checks no update is lost.
"""

from __future__ import annotations

import random
import threading
from collections import Counter
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.app import App
from bot.core.handlers.progress import (
    active_by_day,
    away_days,
    group_standing,
    leaderboard,
)
from bot.core.plan import PlanCalendar
from bot.core.streaks import group_streak, member_streak, run_from, summarize
from bot.core.types import GroupRef
from bot.storage.streak_backfill import backfill_streaks

START = date(2026, 1, 5)
MEMBERS = [f"u{i}" for i in range(8)]


def _setup(app: App, quorum: float = 0.5) -> tuple[int, PlanCalendar]:
    g = app.store.save_group(GroupRef("test", "T1", "C1"), track_id="staff-90",
                             schedule_id="weekdays", timezone="UTC", daily_time=time(9),
                             start_date=START, quorum=quorum)
    cal = PlanCalendar(START, frozenset({0, 1, 2, 3, 4}), ZoneInfo("UTC"), time(9), 90)
    return g.id, cal


def _check(app: App, gid: int, cal: PlanCalendar, current: int) -> None:
    store = app.store
    today = cal.date_of(current) or START
    aways = store.list_away(gid)
    checked: dict[str, set[int]] = {}
    for user, day in store.all_checkins(gid):
        checked.setdefault(user, set()).add(day)
    rows = {r.member.user_id: r for r in leaderboard(store, cal, gid, current, today)}
    week = cal.plan_days_between(today - timedelta(days=today.weekday()), today)
    month = cal.plan_days_between(today.replace(day=1), today)
    for user, row in rows.items():
        days = checked.get(user, set())
        assert row.streak == member_streak(days, current, away_days(cal, aways, user)), user
        assert (row.this_week, row.this_month) == (len(days & week), len(days & month)), user
    counts = Counter(d for days in checked.values() for d in days)
    assert store.checkin_counts(gid) == dict(counts)
    members = store.list_members(gid)
    active = active_by_day(cal, members, aways, current)
    streak, today_count, _ = group_standing(store, cal, gid, 0.5, current)
    assert streak == group_streak(counts, active, 0.5, current)
    assert today_count == counts.get(current, 0)


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_summaries_match_the_definitions(any_app, seed):
    rng = random.Random(seed)
    store = any_app.store
    gid, cal = _setup(any_app)
    rates = {u: rng.uniform(0.3, 0.95) for u in MEMBERS}
    for day in range(1, 41):
        today = cal.date_of(day)
        assert today is not None
        at = datetime.combine(today, time(12), tzinfo=UTC)
        for user in MEMBERS:
            store.ensure_member(gid, user, user.upper(), START)
            if rng.random() < 0.06:  # away from today, as /studybot away does (0 ends it)
                n = rng.choice([0, 1, 2, 3, 6])
                store.add_away(gid, user, today, today + timedelta(days=n - 1))
        _check(any_app, gid, cal, day)  # the open day, before anyone checked in
        for user in MEMBERS:
            if rng.random() < rates[user]:
                away = away_days(cal, store.list_away(gid), user)
                for _ in range(rng.choice([1, 1, 2])):  # a retry changes nothing
                    store.add_checkin(gid, user, day, at, None, run_from(day, away))
        if day % 13 == 0:
            store.forget_member(gid, rng.choice(MEMBERS))
        _check(any_app, gid, cal, day)
    # A bulk backfill (migration 0006) marks members with absences stale; the leaderboard
    # rebuilds them with the calendar and stores the result.
    with any_app.db.session() as s:
        backfill_streaks(s.connection(), gid)
    assert any(s.stale for s in store.streak_summaries(gid).values())
    _check(any_app, gid, cal, 40)
    assert not any(s.stale for s in store.streak_summaries(gid).values())
    aways = store.list_away(gid)
    for user, days in {u: {d for v, d in store.all_checkins(gid) if v == u}
                       for u, _ in store.all_checkins(gid)}.items():
        assert store.streak_summaries(gid)[user] == summarize(days, away_days(cal, aways, user))


def test_a_check_in_behind_the_summary_marks_it_stale_and_is_rebuilt(any_app):
    store = any_app.store
    gid, cal = _setup(any_app)
    store.ensure_member(gid, "ann", "Ann", START)
    at = datetime.combine(START, time(12), tzinfo=UTC)
    for day in (1, 2, 5):
        store.add_checkin(gid, "ann", day, at, None, run_from(day, set()))
    store.add_checkin(gid, "ann", 3, at, None, run_from(3, set()))  # out of order
    assert store.streak_summaries(gid)["ann"].stale
    _check(any_app, gid, cal, 6)
    assert store.streak_summaries(gid)["ann"] == summarize({1, 2, 3, 5}, set())


def test_concurrent_check_ins_lose_no_update(any_app):
    """20 threads a day: 10 check in one member for the same day, 10 check in others."""
    app = any_app
    gid, _ = _setup(app)
    users = [f"m{i}" for i in range(10)]
    for u in ["same", *users]:
        app.store.ensure_member(gid, u, u, START)
    errors: list[BaseException] = []
    for day in range(1, 6):
        barrier = threading.Barrier(20)

        def go(user: str, day: int = day, barrier: threading.Barrier = barrier) -> None:
            try:
                barrier.wait()
                at = datetime.combine(START, time(12), tzinfo=UTC)
                app.store.add_checkin(gid, user, day, at, None, day - 1)
            except BaseException as exc:  # pragma: no cover - reported below
                errors.append(exc)

        threads = [threading.Thread(target=go, args=("same",)) for _ in range(10)]
        threads += [threading.Thread(target=go, args=(u,)) for u in users]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    assert errors == []
    summaries = app.store.streak_summaries(gid)
    assert summaries["same"] == summarize(set(range(1, 6)), set())
    assert all(summaries[u] == summarize(set(range(1, 6)), set()) for u in users)
    assert app.store.checkin_counts(gid) == {d: 11 for d in range(1, 6)}
