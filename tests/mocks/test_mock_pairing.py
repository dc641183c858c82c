"""Pairing rules: repeats, role alternation, trios, nobody dropped, time-zone preference."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime, time

import pytest

from bot.core.mocks.pairing import MockMember, Pairing, PastRound, pair_round


def members(*ids: str, **fields: object) -> list[MockMember]:
    return [MockMember(i, **fields) for i in ids]  # type: ignore[arg-type]


def pair_sets(rnd) -> set[frozenset[str]]:
    return {frozenset((p.interviewer, p.candidate)) for p in rnd.pairings}


def placed(rnd) -> Counter[str]:
    return Counter(m for p in rnd.pairings for m in p.members) + Counter(
        o.member for o in rnd.left_out)


def test_recent_pairs_are_not_repeated() -> None:
    history = [PastRound(0, (Pairing("a", "b"), Pairing("c", "d")))]
    rnd = pair_round(members("a", "b", "c", "d"), history)
    assert rnd.index == 1
    assert not pair_sets(rnd) & {frozenset("ab"), frozenset("cd")}
    assert rnd.cost.repeats == 0


def test_unavoidable_repeat_picks_the_oldest() -> None:
    history = [
        PastRound(0, (Pairing("a", "b"), Pairing("c", "d"))),
        PastRound(1, (Pairing("a", "c"), Pairing("b", "d"))),
        PastRound(2, (Pairing("a", "d"), Pairing("b", "c"))),
    ]
    rnd = pair_round(members("a", "b", "c", "d"), history, k=4)
    assert pair_sets(rnd) == {frozenset("ab"), frozenset("cd")}
    assert rnd.cost.repeats == 2
    # Outside the window of k rounds, nothing counts as a repeat.
    assert pair_round(members("a", "b", "c", "d"), history, k=1).cost.repeats == 0


def test_roles_alternate() -> None:
    group = [
        MockMember("a", interviewer_count=1, candidate_count=1, last_role="interviewer"),
        MockMember("b", interviewer_count=1, candidate_count=1, last_role="candidate"),
    ]
    rnd = pair_round(group)
    assert rnd.pairings == (Pairing("b", "a"),)
    assert rnd.cost.role_violations == 0


def test_counts_stay_balanced_over_last_role() -> None:
    group = [
        MockMember("a", interviewer_count=3, candidate_count=1, last_role="candidate"),
        MockMember("b", interviewer_count=1, candidate_count=3, last_role="interviewer"),
    ]
    assert pair_round(group).pairings == (Pairing("b", "a"),)


def test_roles_alternate_over_many_rounds() -> None:
    ids = [f"m{i}" for i in range(10)]
    counts = {i: [0, 0, None] for i in ids}
    history: list[PastRound] = []
    for r in range(6):
        group = [MockMember(i, interviewer_count=c[0], candidate_count=c[1], last_role=c[2])
                 for i, c in counts.items()]
        rnd = pair_round(group, history, seed=r)
        assert rnd.cost.repeats == 0
        assert rnd.cost.role_violations == 0
        for p in rnd.pairings:
            counts[p.interviewer][0] += 1
            counts[p.interviewer][2] = "interviewer"
            counts[p.candidate][1] += 1
            counts[p.candidate][2] = "candidate"
        history.append(PastRound(rnd.index, rnd.pairings))
    assert all(c[0] == c[1] == 3 for c in counts.values())


def test_odd_count_makes_one_trio_and_places_everyone() -> None:
    rnd = pair_round(members("a", "b", "c", "d", "e"))
    assert len(rnd.pairings) == 2
    assert sum(p.observer is not None for p in rnd.pairings) == 1
    assert placed(rnd) == Counter("abcde")
    assert rnd.left_out == ()


def test_observer_rotates_to_whoever_observed_least_recently() -> None:
    history = [
        PastRound(0, (Pairing("b", "c", observer="a"),)),
        PastRound(1, (Pairing("a", "c", observer="b"),)),
    ]
    rnd = pair_round(members("a", "b", "c"), history, k=1)
    assert rnd.pairings[0].observer == "c"


def test_lone_member_is_left_out_with_a_reason() -> None:
    rnd = pair_round(members("solo"))
    assert rnd.pairings == ()
    assert [o.member for o in rnd.left_out] == ["solo"]
    assert "only member" in rnd.left_out[0].reason
    assert pair_round([]).pairings == ()


def test_prefers_pairs_with_overlapping_hours() -> None:
    group = members("ldn1", "ldn2", zone=0) + members("tyo1", "tyo2", zone=540)
    for seed in range(5):
        rnd = pair_round(group, seed=seed)
        assert pair_sets(rnd) == {frozenset(("ldn1", "ldn2")), frozenset(("tyo1", "tyo2"))}
        assert rnd.cost.tz_shortfall_minutes == 0


def test_time_zone_gives_way_to_repeats() -> None:
    group = members("ldn1", "ldn2", zone=0) + members("tyo1", "tyo2", zone=540)
    history = [PastRound(0, (Pairing("ldn1", "ldn2"), Pairing("tyo1", "tyo2")))]
    rnd = pair_round(group, history)
    assert rnd.cost.repeats == 0
    assert rnd.cost.tz_shortfall_minutes > 0


def test_iana_zones_need_an_aware_instant() -> None:
    group = [MockMember("a", zone="Europe/Berlin"), MockMember("b", zone="America/New_York")]
    with pytest.raises(ValueError, match="aware `at`"):
        pair_round(group)
    rnd = pair_round(group, at=datetime(2024, 7, 1, 12, tzinfo=UTC))
    # Berlin 09-17 is 07-15 UTC in July; New York 09-17 is 13-21 UTC: two hours overlap.
    assert rnd.cost.tz_shortfall_minutes == 0


def test_overnight_working_hours_wrap() -> None:
    group = [MockMember("night", work_start=time(22), work_end=time(6)),
             MockMember("day", zone=-600, work_start=time(12), work_end=time(20))]
    # night: 22:00-06:00 UTC; day (UTC-10): 22:00-06:00 UTC.
    assert pair_round(group).cost.tz_shortfall_minutes == 0


def test_duplicate_ids_are_rejected() -> None:
    with pytest.raises(ValueError, match="repeat"):
        pair_round(members("a", "a"))


@pytest.mark.parametrize("n", [2, 3, 13, 15, 101, 1000, 3001])
def test_nobody_is_silently_dropped(make_instance, n: int) -> None:
    group, history = make_instance(n, 6, n)
    rnd = pair_round(group, history)
    assert placed(rnd) == Counter(m.id for m in group)
    assert sum(p.observer is not None for p in rnd.pairings) == n % 2


def test_same_seed_same_round(make_instance) -> None:
    group, history = make_instance(301, 5, 7)
    assert pair_round(group, history, seed=4) == pair_round(list(reversed(group)), history, seed=4)


def test_large_round_has_no_avoidable_repeats(make_instance) -> None:
    group, history = make_instance(10_000, 20, 1)
    rnd = pair_round(group, history)
    assert rnd.cost.repeats == 0
    assert rnd.cost.role_violations == 0
    assert len(rnd.pairings) == 5000


def test_everyone_due_the_same_role_still_pairs_everyone(make_instance) -> None:
    group, history = make_instance(2001, 20, 3)
    same = [MockMember(m.id, m.zone, m.work_start, m.work_end, 1, 1, "interviewer")
            for m in group]
    rnd = pair_round(same, history)
    assert rnd.cost.role_violations == 1000  # one per pair is unavoidable
    assert rnd.cost.repeats == 0
    assert placed(rnd) == Counter(m.id for m in group)
