"""Benchmark: pairing a /mock round for 200, 2,000 and 10,000 members with 20 rounds of history.

For 200 members the same problem is also solved exactly with networkx's max-weight matching,
and the two are shown side by side. All figures are measured on each run.
"""

from __future__ import annotations

import random
import sys
import time
from collections.abc import Iterable, Iterator
from dataclasses import replace
from datetime import time as clock

from bench.figures import Figure
from bot.core.mocks.pairing import (
    MockMember,
    Pairing,
    PairingProblem,
    PastRound,
    RoundCost,
    pair_round,
    prepare,
)

SIZES = (200, 2_000, 10_000)
HISTORY_ROUNDS = 20
TIME_TARGET_S = 2.0
#: Offsets (minutes east of UTC) where members cluster: Americas, Europe, India, East Asia.
ZONES = (-480, -420, -360, -300, -180, 0, 60, 120, 330, 480, 540, 600)


def members_and_history(n: int, seed: int) -> tuple[list[MockMember], list[PastRound]]:
    """``n`` members in common time zones with mixed role records, and random past rounds."""
    rng = random.Random(seed)
    members = []
    for i in range(n):
        done = rng.randint(0, HISTORY_ROUNDS // 2)
        start = rng.choice((7, 8, 9, 10))
        members.append(MockMember(
            id=f"u{i:05d}", zone=rng.choice(ZONES), work_start=clock(start),
            work_end=clock(start + rng.choice((7, 8, 9))), interviewer_count=done,
            candidate_count=max(0, done + rng.choice((-1, 0, 1))),
            last_role=rng.choice(("interviewer", "candidate")),
        ))
    ids = [m.id for m in members]
    history = []
    for r in range(HISTORY_ROUNDS):
        rng.shuffle(ids)
        pairs = [Pairing(ids[2 * j], ids[2 * j + 1]) for j in range(n // 2)]
        if n % 2:
            pairs[0] = replace(pairs[0], observer=ids[-1])
        history.append(PastRound(r, tuple(pairs)))
    return members, history


def networkx_optimum(problem: PairingProblem) -> list[int]:
    """Exact minimum-cost perfect matching of ``problem`` via networkx (reference only)."""
    import networkx as nx

    graph = nx.Graph()
    size = problem.size
    costs = [(i, j, problem.cost(i, j)) for i in range(size) for j in range(i + 1, size)]
    top = max(c for _, _, c in costs) + 1
    graph.add_weighted_edges_from((i, j, top - c) for i, j, c in costs)
    mate = [-1] * size
    for i, j in nx.max_weight_matching(graph, maxcardinality=True):
        mate[i], mate[j] = j, i
    return mate


def _quality(label: str, cost: RoundCost) -> Iterator[Figure]:
    yield Figure(f"{label} repeats", str(cost.repeats))
    yield Figure(f"{label} role violations", str(cost.role_violations))
    yield Figure(f"{label} tz shortfall (min)", str(cost.tz_shortfall_minutes))


def _timed_round(members: list[MockMember], history: list[PastRound]) -> tuple[float, RoundCost]:
    started = time.perf_counter()
    result = pair_round(members, history, seed=1)
    return time.perf_counter() - started, result.cost


def run() -> Iterable[Figure]:
    """Measure our pairing at each size, and networkx beside it at the smallest."""
    figures: list[Figure] = []
    for n in SIZES:
        print(f"  pairing {n} members ...", file=sys.stderr, flush=True)
        members, history = members_and_history(n, seed=n)
        elapsed, cost = _timed_round(members, history)
        target = f"< {TIME_TARGET_S:g} s" if n == max(SIZES) else "-"
        passed = elapsed < TIME_TARGET_S if n == max(SIZES) else None
        figures.append(Figure(f"{n:,} time", f"{elapsed:.3f} s", target, passed))
        figures.extend(_quality(f"{n:,}", cost))
        floor = prepare(members, history).min_role_violations()
        figures.append(Figure(f"{n:,} role violations floor", str(floor), "= violations",
                              cost.role_violations == floor))
        if n == min(SIZES):
            figures.extend(_versus_networkx(members, history, cost))
    print("  pairing 10,000 members all due the same role ...", file=sys.stderr, flush=True)
    members, history = members_and_history(max(SIZES), seed=7)
    same = [replace(m, interviewer_count=1, candidate_count=1, last_role="interviewer")
            for m in members]
    elapsed, cost = _timed_round(same, history)
    figures.append(Figure("10,000 one-role time", f"{elapsed:.3f} s", f"< {TIME_TARGET_S:g} s",
                          elapsed < TIME_TARGET_S))
    figures.append(Figure("10,000 one-role repeats", str(cost.repeats)))
    return figures


def _versus_networkx(members: list[MockMember], history: list[PastRound],
                     ours: RoundCost) -> list[Figure]:
    print("  networkx max_weight_matching on the same 200 ...", file=sys.stderr, flush=True)
    n = len(members)
    started = time.perf_counter()
    problem = prepare(members, history)
    exact = problem.breakdown(networkx_optimum(problem))
    elapsed = time.perf_counter() - started
    return [
        Figure(f"{n} networkx time", f"{elapsed:.3f} s"),
        *_quality(f"{n} networkx", exact),
        Figure(f"{n} repeats vs exact", f"{ours.repeats} vs {exact.repeats}",
               "<= exact", ours.repeats <= exact.repeats),
        Figure(f"{n} cost key vs exact", "equal" if ours.key() == exact.key() else
               f"{ours.key()} vs {exact.key()}"),
    ]
