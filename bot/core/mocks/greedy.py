"""Greedy start matching for large rounds, with members bucketed by role and time zone.

Members sit in buckets keyed by (due role, half-hour bin of their UTC working-window
midpoint). A member looks for a partner of the complementary role in its own bin, then in
bins further away, stopping at the first zero-cost partner or after ``SCAN_LIMIT`` looks, so
each member costs O(1) on average instead of O(n).
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field

from bot.core.mocks.pairing import (
    BIN_MINUTES,
    BINS,
    DUE_CANDIDATE,
    DUE_INTERVIEWER,
    FLEX,
    PairingProblem,
)

SCAN_LIMIT = 24
NEAR_PER_CLASS = 12

#: Partner classes to try first, by a member's due role.
_PREFERENCE = {
    DUE_INTERVIEWER: (DUE_CANDIDATE, FLEX, DUE_INTERVIEWER),
    DUE_CANDIDATE: (DUE_INTERVIEWER, FLEX, DUE_CANDIDATE),
    FLEX: (DUE_INTERVIEWER, DUE_CANDIDATE, FLEX),
}
_OUTWARD = [0] + [d for step in range(1, BINS // 2 + 1) for d in (step, -step)][: BINS - 1]


@dataclass
class Buckets:
    """Unmatched members by (role class, bin) with O(1) removal, plus static neighbour lists."""

    problem: PairingProblem
    bin_of: list[int]
    live: dict[tuple[int, int], list[int]] = field(default_factory=dict)
    pos: list[int] = field(default_factory=list)
    static: dict[tuple[int, int], list[int]] = field(default_factory=dict)
    _near: dict[int, list[int]] = field(default_factory=dict)

    @classmethod
    def build(cls, problem: PairingProblem) -> Buckets:
        """Bucket every member of ``problem``."""
        bin_of = [((s + length // 2) % 1440) // BIN_MINUTES for s, length in problem.window]
        live: dict[tuple[int, int], list[int]] = {
            (c, b): [] for c in (FLEX, DUE_INTERVIEWER, DUE_CANDIDATE) for b in range(BINS)
        }
        pos = [0] * problem.n
        for i in range(problem.n):
            bucket = live[(problem.due[i], bin_of[i])]
            pos[i] = len(bucket)
            bucket.append(i)
        static = {key: list(nodes) for key, nodes in live.items()}
        return cls(problem, bin_of, live, pos, static)

    def remove(self, i: int) -> None:
        """Mark member ``i`` as matched."""
        bucket = self.live[(self.problem.due[i], self.bin_of[i])]
        last = bucket.pop()
        if last != i:
            bucket[self.pos[i]] = last
            self.pos[last] = self.pos[i]

    def best_partner(self, i: int) -> int:
        """The cheapest unmatched partner found near ``i`` (see module docstring)."""
        cost = self.problem.cost
        best, best_cost, looked = -1, 0, 0
        home = self.bin_of[i]
        for cls in _PREFERENCE[self.problem.due[i]]:
            for d in _OUTWARD:
                for j in self.live[(cls, (home + d) % BINS)]:
                    c = cost(i, j)
                    if best < 0 or c < best_cost:
                        best, best_cost = j, c
                        if c == 0:
                            return j
                    looked += 1
                    if looked >= SCAN_LIMIT:
                        return best
        if best < 0:
            raise ValueError(f"no unmatched partner left for node {i}")
        return best

    def near(self, i: int) -> list[int]:
        """Swap candidates for local search: nearby members of each class, and the observer."""
        cached = self._near.get(i)
        if cached is not None:
            return cached
        problem = self.problem
        out: list[int] = []
        if i == problem.n:  # observer slot: members who observed least recently
            out = sorted(range(problem.n), key=lambda j: problem.observed[j])[: 4 * NEAR_PER_CLASS]
        else:
            home = self.bin_of[i]
            for cls in _PREFERENCE[problem.due[i]]:
                taken = 0
                for d in _OUTWARD:
                    nodes = self.static[(cls, (home + d) % BINS)]
                    out.extend(nodes[: NEAR_PER_CLASS - taken])
                    taken = min(NEAR_PER_CLASS, taken + len(nodes))
                    if taken >= NEAR_PER_CLASS:
                        break
            if problem.n % 2:
                out.append(problem.n)
        self._near[i] = out
        return out


def greedy_matching(problem: PairingProblem, buckets: Buckets, rng: random.Random) -> list[int]:
    """A perfect matching built greedily; ``rng`` only breaks ties in the visiting order."""
    n, size = problem.n, problem.size
    mate = [-1] * size
    due = problem.due
    counts = {c: due.count(c) for c in (FLEX, DUE_INTERVIEWER, DUE_CANDIDATE)}
    if n % 2:
        surplus = (DUE_INTERVIEWER if counts[DUE_INTERVIEWER] > counts[DUE_CANDIDATE]
                   else DUE_CANDIDATE if counts[DUE_CANDIDATE] > counts[DUE_INTERVIEWER]
                   else FLEX)
        o = min(range(n), key=lambda i: (due[i] != surplus, problem.observed[i], i))
        mate[o], mate[n] = n, o
        buckets.remove(o)
        counts[due[o]] -= 1
    scarce = (DUE_CANDIDATE if counts[DUE_INTERVIEWER] >= counts[DUE_CANDIDATE]
              else DUE_INTERVIEWER)
    rank = {scarce: 0, FLEX: 1, DUE_INTERVIEWER + DUE_CANDIDATE - scarce: 2}
    order = list(range(n))
    rng.shuffle(order)
    order.sort(key=lambda i: rank[due[i]])
    for i in order:
        if mate[i] != -1:
            continue
        buckets.remove(i)
        j = buckets.best_partner(i)
        buckets.remove(j)
        mate[i], mate[j] = j, i
    return mate
