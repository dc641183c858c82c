"""Our round cost equals the exact optimum: brute force for tiny groups, networkx beyond.

networkx is the reference only; the pairing code itself is standard library.
"""

from __future__ import annotations

import random
from collections.abc import Iterator

import networkx as nx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.core.mocks.pairing import PairingProblem, pair_round, prepare
from tests.mocks.mock_instances import random_instance


def perfect_matchings(nodes: list[int]) -> Iterator[list[tuple[int, int]]]:
    """Every perfect matching of ``nodes`` (even length)."""
    if not nodes:
        yield []
        return
    first, rest = nodes[0], nodes[1:]
    for k, partner in enumerate(rest):
        for tail in perfect_matchings(rest[:k] + rest[k + 1:]):
            yield [(first, partner), *tail]


def as_mate(size: int, pairs: list[tuple[int, int]]) -> list[int]:
    mate = [-1] * size
    for a, b in pairs:
        mate[a], mate[b] = b, a
    return mate


def brute_force_best(problem: PairingProblem) -> tuple[tuple[int, ...], int]:
    """Best lexicographic cost key, and the best scalar cost, over all perfect matchings."""
    best_key = best_scalar = None
    for pairs in perfect_matchings(list(range(problem.size))):
        mate = as_mate(problem.size, pairs)
        key = problem.breakdown(mate).key()
        scalar = sum(problem.cost(a, b) for a, b in pairs)
        best_key = key if best_key is None else min(best_key, key)
        best_scalar = scalar if best_scalar is None else min(best_scalar, scalar)
    assert best_key is not None and best_scalar is not None
    return best_key, best_scalar


def networkx_best(problem: PairingProblem) -> tuple[int, ...]:
    """Exact optimum via networkx max-weight perfect matching on the same costs."""
    graph = nx.Graph()
    costs = {(i, j): problem.cost(i, j)
             for i in range(problem.size) for j in range(i + 1, problem.size)}
    top = max(costs.values()) + 1
    graph.add_weighted_edges_from((i, j, top - c) for (i, j), c in costs.items())
    matching = nx.max_weight_matching(graph, maxcardinality=True)
    return problem.breakdown(as_mate(problem.size, list(matching))).key()


@settings(max_examples=80, deadline=None)
@given(n=st.integers(2, 9), rounds=st.integers(0, 6), seed=st.integers(0, 10_000))
def test_matches_brute_force_on_tiny_groups(n: int, rounds: int, seed: int) -> None:
    group, history = random_instance(n, rounds, seed)
    best_key, best_scalar = brute_force_best(prepare(group, history))
    # The integer weights encode the lexicographic order: both optima agree.
    lexicographic = prepare(group, history)
    assert best_scalar == min(
        sum(lexicographic.cost(a, b) for a, b in pairs)
        for pairs in perfect_matchings(list(range(lexicographic.size)))
        if lexicographic.breakdown(as_mate(lexicographic.size, pairs)).key() == best_key)
    assert pair_round(group, history, seed=seed).cost.key() == best_key
    assert lexicographic.min_role_violations() == min(
        lexicographic.breakdown(as_mate(lexicographic.size, pairs)).role_violations
        for pairs in perfect_matchings(list(range(lexicographic.size))))


@pytest.mark.parametrize("seed", range(40))
def test_matches_networkx_on_small_groups(seed: int) -> None:
    rng = random.Random(seed)
    n = rng.randint(10, 48)
    group, history = random_instance(n, rng.randint(0, 8), 1000 + seed)
    expected = networkx_best(prepare(group, history))
    assert pair_round(group, history, seed=seed).cost.key() == expected


@pytest.mark.parametrize("seed", range(4))
def test_no_more_repeats_than_optimum_at_two_hundred(seed: int) -> None:
    group, history = random_instance(200, 20, 50 + seed)
    expected = networkx_best(prepare(group, history))
    got = pair_round(group, history, seed=seed).cost.key()
    assert got[:3] == expected[:3]
