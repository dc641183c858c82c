"""Pair members for a round of mock interviews. Standard library only.

Call :func:`pair_round` with the opted-in :class:`MockMember` list and past
:class:`PastRound` records; it returns a :class:`Round` of :class:`Pairing` (interviewer,
candidate, and one observer when the count is odd), the members left out with a reason, and
the :class:`RoundCost` breakdown.

Round quality is one explicit cost, compared lexicographically (see :class:`RoundCost`):

1. repeats — pairs who already met in the last ``k`` rounds (count first, then recency);
2. role violations — members put in the role they are not due (due = the role they have done
   less; on a tie, the opposite of their last role);
3. observer recency — the observer should be whoever observed least recently;
4. time-zone shortfall — minutes a pair lacks for a shared one-hour slot in working hours.

The lexicographic order is encoded as one integer with weights large enough that no sum of a
lower component can outweigh one unit of a higher one (:class:`PairingProblem`), so the search
can use plain integer costs. Small rounds are solved exactly (bitmask DP); larger ones by a
greedy matcher over time-zone buckets followed by 2-opt local search.
"""

from __future__ import annotations

import random
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, time
from typing import Literal
from zoneinfo import ZoneInfo

from bot.core.mocks.matching import (
    EXACT_LIMIT,
    exact_matching,
    improve,
    matching_cost,
    perturb_and_improve,
)

Role = Literal["interviewer", "candidate"]

DAY = 1440
SESSION_MINUTES = 60
#: Largest possible time-zone shortfall: no overlap and windows half a day apart.
MAX_SHORTFALL = SESSION_MINUTES + DAY // 2
BIN_MINUTES = 30
BINS = DAY // BIN_MINUTES

FLEX, DUE_INTERVIEWER, DUE_CANDIDATE = 0, 1, 2


@dataclass(frozen=True)
class MockMember:
    """A member opted in to this round.

    ``zone`` is an IANA name (``"Europe/Berlin"``) or a fixed offset in minutes east of UTC.
    Working hours are local; an end before the start wraps past midnight.
    """

    id: str
    zone: str | int = 0
    work_start: time = time(9)
    work_end: time = time(17)
    interviewer_count: int = 0
    candidate_count: int = 0
    last_role: Role | None = None


@dataclass(frozen=True)
class Pairing:
    """One mock: ``interviewer`` interviews ``candidate``; ``observer`` watches (trio only)."""

    interviewer: str
    candidate: str
    observer: str | None = None

    @property
    def members(self) -> tuple[str, ...]:
        """Everyone in this pairing."""
        return (self.interviewer, self.candidate) + ((self.observer,) if self.observer else ())


@dataclass(frozen=True)
class PastRound:
    """A finished round: its index (rounds count up from 0) and its pairings."""

    index: int
    pairings: tuple[Pairing, ...]


@dataclass(frozen=True)
class LeftOut:
    """A member who could not be placed this round, and why."""

    member: str
    reason: str


@dataclass(frozen=True, order=True)
class RoundCost:
    """Cost breakdown; field order is priority order, so tuples compare lexicographically."""

    repeats: int = 0
    repeat_recency: int = 0
    role_violations: int = 0
    observer_recency: int = 0
    tz_shortfall_minutes: int = 0

    def key(self) -> tuple[int, int, int, int, int]:
        """The lexicographic key (lower is better)."""
        return (self.repeats, self.repeat_recency, self.role_violations,
                self.observer_recency, self.tz_shortfall_minutes)


@dataclass(frozen=True)
class Round:
    """The result of :func:`pair_round`."""

    index: int
    pairings: tuple[Pairing, ...]
    left_out: tuple[LeftOut, ...]
    cost: RoundCost


@dataclass
class PairingProblem:
    """A prepared round: members as nodes ``0..n-1`` plus an observer slot ``n`` when odd.

    ``cost(i, j)`` is the integer weight of putting nodes ``i`` and ``j`` together; pairing a
    member with the observer slot makes them the observer. Tests and benchmarks feed the same
    cost to an exact solver.
    """

    members: list[MockMember]
    round_index: int
    k: int
    window: list[tuple[int, int]] = field(default_factory=list)  # UTC start, length (minutes)
    due: list[int] = field(default_factory=list)
    recent: list[dict[int, int]] = field(default_factory=list)  # partner → last round met
    observed: list[int] = field(default_factory=list)  # observer-recency cost
    w_obs: int = 0
    w_role: int = 0
    w_rec: int = 0
    w_rep: int = 0

    @property
    def n(self) -> int:
        """Number of members."""
        return len(self.members)

    @property
    def size(self) -> int:
        """Number of nodes (members plus the observer slot when ``n`` is odd)."""
        return self.n + self.n % 2

    def cost(self, i: int, j: int) -> int:
        """Weight of pairing nodes ``i`` and ``j`` (lower is better)."""
        n = self.n
        if i == n or j == n:
            return self.w_obs * self.observed[j if i == n else i]
        total = 0
        met = self.recent[i].get(j)
        if met is not None:
            total += self.w_rep + self.w_rec * (self.k - (self.round_index - 1 - met))
        total += self.w_role * _ROLE_PENALTY[self.due[i]][self.due[j]]
        return total + self.shortfall(i, j)

    def shortfall(self, i: int, j: int) -> int:
        """Minutes short of a shared ``SESSION_MINUTES`` slot (gap counts when no overlap)."""
        s1, l1 = self.window[i]
        s2, l2 = self.window[j]
        overlap = 0
        gap = DAY
        for shift in (-DAY, 0, DAY):
            lo = max(s1, s2 + shift)
            hi = min(s1 + l1, s2 + shift + l2)
            if hi > lo:
                overlap += hi - lo
            else:
                gap = min(gap, lo - hi)
        if overlap >= SESSION_MINUTES:
            return 0
        return SESSION_MINUTES - overlap if overlap else SESSION_MINUTES + gap

    def orient(self, i: int, j: int) -> tuple[int, int]:
        """``(interviewer, candidate)`` for members ``i``, ``j`` with the fewest role violations."""
        di, dj = self.due[i], self.due[j]
        keep = (di == DUE_CANDIDATE) + (dj == DUE_INTERVIEWER)
        swap = (di == DUE_INTERVIEWER) + (dj == DUE_CANDIDATE)
        return (j, i) if swap < keep else (i, j)

    def cost_above_role_floor(self, i: int, j: int) -> int:
        """``cost`` without its role part (used once role violations are at their minimum)."""
        if i == self.n or j == self.n:
            return self.cost(i, j)
        return self.cost(i, j) - self.w_role * _ROLE_PENALTY[self.due[i]][self.due[j]]

    def min_role_violations(self) -> int:
        """The least possible number of role violations for this round.

        With ``p`` pairs, ``p`` members interview and ``p`` are interviewed; flexible members
        fit either side. With an odd count, the best choice of observer is assumed.
        """
        counts = [self.due.count(c) for c in (FLEX, DUE_INTERVIEWER, DUE_CANDIDATE)]
        pairs = self.n // 2
        options = [counts] if self.n % 2 == 0 else [
            [c - (k == drop) for k, c in enumerate(counts)] for drop in range(3) if counts[drop]]
        return min(max(0, pairs - i - f, pairs - c - f) for f, i, c in options)

    def breakdown(self, mate: Sequence[int]) -> RoundCost:
        """The :class:`RoundCost` of the perfect matching ``mate`` over the nodes."""
        repeats = recency = roles = obs = tz = 0
        n = self.n
        for i, j in enumerate(mate):
            if i > j:
                continue
            if j == n:
                obs += self.observed[i]
                continue
            met = self.recent[i].get(j)
            if met is not None:
                repeats += 1
                recency += self.k - (self.round_index - 1 - met)
            roles += _ROLE_PENALTY[self.due[i]][self.due[j]]
            tz += self.shortfall(i, j)
        return RoundCost(repeats, recency, roles, obs, tz)


# _ROLE_PENALTY[due_a][due_b]: role violations of the best orientation of a pair.
_ROLE_PENALTY = [[0, 0, 0], [0, 1, 0], [0, 0, 1]]


def prepare(
    members: Sequence[MockMember],
    history: Iterable[PastRound] = (),
    *,
    k: int = 4,
    at: datetime | None = None,
    round_index: int | None = None,
) -> PairingProblem:
    """Validate input and build the :class:`PairingProblem` (nodes in ``members`` order)."""
    ids = [m.id for m in members]
    if len(set(ids)) != len(ids):
        raise ValueError(f"member ids repeat: {sorted({i for i in ids if ids.count(i) > 1})}")
    if k < 0:
        raise ValueError("k must be >= 0")
    rounds = sorted(history, key=lambda r: r.index)
    index = round_index if round_index is not None else (rounds[-1].index + 1 if rounds else 0)
    first = rounds[0].index if rounds else 0
    node = {m: i for i, m in enumerate(ids)}
    problem = PairingProblem(members=list(members), round_index=index, k=k)
    problem.window = [_utc_window(m, at) for m in members]
    problem.due = [_due_role(m) for m in members]
    problem.recent = [{} for _ in members]
    problem.observed = [0] * len(members)
    for past in rounds:
        recent = index - past.index <= k
        for p in past.pairings:
            a, b = node.get(p.interviewer), node.get(p.candidate)
            if recent and a is not None and b is not None:
                problem.recent[a][b] = problem.recent[b][a] = past.index
            o = node.get(p.observer) if p.observer else None
            if o is not None:
                problem.observed[o] = past.index - first + 1
    pairs = problem.size // 2 + 1
    problem.w_obs = pairs * MAX_SHORTFALL + 1
    problem.w_role = problem.w_obs * (max(problem.observed, default=0) + 1)
    problem.w_rec = problem.w_role * (problem.size + 1)
    problem.w_rep = problem.w_rec * (pairs * max(k, 1) + 1)
    return problem


def _utc_window(member: MockMember, at: datetime | None) -> tuple[int, int]:
    """The member's working window as (UTC start minute of day, length in minutes)."""
    if isinstance(member.zone, int):
        offset = member.zone
    else:
        if at is None or at.tzinfo is None:
            raise ValueError(f"{member.id}: an aware `at` datetime is needed to resolve "
                             f"IANA zone {member.zone!r}")
        delta = at.astimezone(ZoneInfo(member.zone)).utcoffset()
        offset = int(delta.total_seconds() // 60) if delta is not None else 0
    start = member.work_start.hour * 60 + member.work_start.minute
    end = member.work_end.hour * 60 + member.work_end.minute
    length = (end - start) % DAY or DAY
    return (start - offset) % DAY, length


def _due_role(member: MockMember) -> int:
    """The role a member should take now: the one done less, else the opposite of the last."""
    if member.interviewer_count < member.candidate_count:
        return DUE_INTERVIEWER
    if member.candidate_count < member.interviewer_count:
        return DUE_CANDIDATE
    if member.last_role == "interviewer":
        return DUE_CANDIDATE
    if member.last_role == "candidate":
        return DUE_INTERVIEWER
    return FLEX


def pair_round(
    members: Sequence[MockMember],
    history: Iterable[PastRound] = (),
    *,
    k: int = 4,
    seed: int = 0,
    at: datetime | None = None,
    round_index: int | None = None,
) -> Round:
    """Pair the opted-in ``members`` for the next round.

    ``history`` holds past rounds (any order); pairs met within the last ``k`` rounds count
    as repeats. ``at`` (time-zone aware) resolves IANA zones; ``round_index`` defaults to one
    past the latest history round. The same input and ``seed`` always give the same round.
    Every member ends up in exactly one pairing or in ``left_out``.
    """
    ordered = sorted(members, key=lambda m: m.id)
    random.Random(seed).shuffle(ordered)  # the seed decides ties
    problem = prepare(ordered, history, k=k, at=at, round_index=round_index)
    if problem.n < 2:
        left = tuple(LeftOut(m.id, "only member opted in; nobody to pair with") for m in ordered)
        return Round(problem.round_index, (), left, RoundCost())
    mate = solve(problem, seed=seed)
    return build_round(problem, mate)


def solve(problem: PairingProblem, *, seed: int = 0) -> list[int]:
    """A low-cost perfect matching over ``problem``'s nodes (exact when small)."""
    if problem.size <= EXACT_LIMIT:
        return exact_matching(problem.size, problem.cost)
    from bot.core.mocks.greedy import Buckets, greedy_matching

    buckets = Buckets.build(problem)
    mate = greedy_matching(problem, buckets, random.Random(seed))
    slack = problem.cost
    if problem.breakdown(mate).role_violations == problem.min_role_violations():
        slack = problem.cost_above_role_floor  # role cost is already optimal: skip it
    if problem.size <= FULL_SEARCH_LIMIT:
        cheapest = [sorted((j for j in range(problem.size) if j != i),
                           key=lambda j, i=i: problem.cost(i, j)) for i in range(problem.size)]
        return perturb_and_improve(mate, problem.cost, cheapest.__getitem__,
                                   random.Random(seed), kicks=KICKS, slack=slack)
    return improve(mate, problem.cost, buckets.near, slack=slack, max_passes=4)


#: Up to this many nodes the local search tries every node as a swap partner and the
#: search is restarted from ``KICKS`` random perturbations (iterated local search).
FULL_SEARCH_LIMIT = 400
KICKS = 40


def build_round(problem: PairingProblem, mate: Sequence[int]) -> Round:
    """Turn a node matching into a :class:`Round` (roles oriented, observer attached)."""
    n = problem.n
    ids = [m.id for m in problem.members]
    pairs = [problem.orient(i, j) for i, j in enumerate(mate) if i < j and j < n]
    pairings = [Pairing(ids[a], ids[b]) for a, b in pairs]
    if n % 2:
        o = mate[n]
        best = min(range(len(pairs)), key=lambda p: (
            problem.shortfall(o, pairs[p][0]) + problem.shortfall(o, pairs[p][1]), p))
        pairings[best] = Pairing(pairings[best].interviewer, pairings[best].candidate, ids[o])
    pairings.sort(key=lambda p: p.interviewer)
    return Round(problem.round_index, tuple(pairings), (), problem.breakdown(mate))


def round_cost(problem: PairingProblem, mate: Sequence[int]) -> RoundCost:
    """Cost breakdown of any perfect matching ``mate`` (for comparing with other solvers)."""
    if sorted(mate) != list(range(problem.size)) or any(mate[mate[i]] != i for i in mate):
        raise ValueError("mate is not a perfect matching over the problem's nodes")
    return problem.breakdown(mate)


__all__ = [
    "LeftOut", "MockMember", "Pairing", "PairingProblem", "PastRound", "Round", "RoundCost",
    "matching_cost", "pair_round", "prepare", "round_cost", "solve",
]
