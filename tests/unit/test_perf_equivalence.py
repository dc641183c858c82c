"""The fast calendar and standings give the same answers as the plain definitions."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from hypothesis import given, settings
from hypothesis import strategies as st

from bot.core.handlers.progress import active_by_day
from bot.core.plan import PlanCalendar
from bot.core.ports import Away, MemberState, Pause

START = date(2026, 1, 5)
days = st.integers(0, 120).map(lambda n: START + timedelta(days=n))


@st.composite
def calendars(draw) -> PlanCalendar:
    pauses = []
    for _ in range(draw(st.integers(0, 2))):
        a = draw(days)
        length = draw(st.one_of(st.none(), st.integers(1, 20)))
        pauses.append(Pause(a, None if length is None else a + timedelta(days=length)))
    return PlanCalendar(START, frozenset(draw(st.sets(st.integers(0, 6), min_size=1))),
                        ZoneInfo(draw(st.sampled_from(["UTC", "Europe/Berlin", "Asia/Tokyo"]))),
                        time(draw(st.integers(0, 23))), draw(st.integers(1, 60)), tuple(pauses))


def naive_dates(cal: PlanCalendar) -> list[tuple[int, date]]:
    out, day = [], cal.start
    while len(out) < cal.length and day <= cal.start + timedelta(days=3660):
        if cal.is_plan_date(day):
            out.append((len(out) + 1, day))
        day += timedelta(days=1)
    return out


@settings(max_examples=60, deadline=None)
@given(calendars(), days, st.integers(0, 23))
def test_calendar_matches_its_definition(cal, day, hour):
    dates = naive_dates(cal)
    assert list(cal.dates()) == dates
    assert cal.plan_day_on(day) == next((n for n, d in dates if d == day), None)
    now = datetime.combine(day, time(hour), tzinfo=cal.zone)
    posted = [n for n, d in dates if cal.post_at(d) <= now]
    assert cal.current_day(now) == (posted[-1] if posted else 0)
    assert cal.next_post(now) == next(((n, d) for n, d in dates if cal.post_at(d) > now), None)
    assert cal.plan_days_between(day, day + timedelta(days=9)) == {
        n for n, d in dates if day <= d <= day + timedelta(days=9)}
    for n, d in dates[:5]:
        assert cal.date_of(n) == d


@settings(max_examples=60, deadline=None)
@given(calendars(), st.lists(st.tuples(days, st.integers(0, 3)), max_size=6),
       st.lists(st.tuples(st.integers(0, 5), days, st.integers(0, 9)), max_size=6),
       st.integers(0, 70))
def test_active_by_day_matches_its_definition(cal, joins, aways, current):
    members = [MemberState(1, f"u{i}", f"U{i}", d, None) for i, (d, _) in enumerate(joins)]
    away = [Away(f"u{i}", a, a + timedelta(days=k)) for i, a, k in aways]
    expected = {}
    for n, d in naive_dates(cal):
        if n > current:
            break
        expected[n] = sum(1 for m in members if m.joined_on <= d and not any(
            a.user_id == m.user_id and a.start <= d <= a.end for a in away))
    assert active_by_day(cal, members, away, current) == expected
