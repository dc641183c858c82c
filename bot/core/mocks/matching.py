"""Minimum-cost perfect matching search used by :mod:`bot.core.mocks.pairing`.

Works on nodes ``0..m-1`` (``m`` even) and an integer ``cost(i, j)``; knows nothing about
members. Two engines:

* :func:`exact_matching` — bitmask dynamic programme, exact, for small ``m``;
* :func:`improve` — local search over a start matching. 2-opt: for a costly pair ``(a, b)``
  and a candidate ``c`` (paired with ``d``), re-pair as ``(a, c), (b, d)``; 3-opt: also try
  ``(a, c), (d, e), (f, b)`` with ``e`` a candidate of ``d`` (paired with ``f``).
"""

from __future__ import annotations

import random
from collections.abc import Callable, Sequence
from functools import cache

Cost = Callable[[int, int], int]

#: How many of each node's candidates the 3-opt move tries (it is quadratic in this).
THREE_OPT_WIDTH = 12

#: Largest node count solved exactly; 2**14 states at most, well under 0.1 s.
EXACT_LIMIT = 14


def exact_matching(m: int, cost: Cost) -> list[int]:
    """Return ``mate`` (``mate[i]`` is ``i``'s partner) of a minimum-cost perfect matching."""
    if m % 2:
        raise ValueError("exact_matching needs an even number of nodes")
    full = (1 << m) - 1

    @cache
    def best(mask: int) -> tuple[int, tuple[tuple[int, int], ...]]:
        if mask == full:
            return 0, ()
        i = (~mask & (mask + 1)).bit_length() - 1  # lowest unmatched node
        choice: tuple[int, tuple[tuple[int, int], ...]] | None = None
        for j in range(i + 1, m):
            if mask >> j & 1:
                continue
            sub_cost, sub_pairs = best(mask | 1 << i | 1 << j)
            total = cost(i, j) + sub_cost
            if choice is None or total < choice[0]:
                choice = (total, ((i, j), *sub_pairs))
        assert choice is not None
        return choice

    mate = [-1] * m
    for i, j in best(0)[1]:
        mate[i], mate[j] = j, i
    return mate


def matching_cost(mate: Sequence[int], cost: Cost) -> int:
    """Total cost of the perfect matching ``mate``."""
    return sum(cost(i, j) for i, j in enumerate(mate) if i < j)


def improve(
    mate: list[int],
    cost: Cost,
    candidates: Callable[[int], Sequence[int]],
    *,
    slack: Cost | None = None,
    max_passes: int = 20,
) -> list[int]:
    """Local search in place (2-opt, then 3-opt when 2-opt is stuck); returns ``mate``.

    Only pairs with positive ``slack`` (default: ``cost``) are worked on; pass a slack that
    subtracts a known-unavoidable part of the cost so the search skips hopeless pairs. Each
    pass tries every node from ``candidates(end)`` for both ends of such a pair and applies
    the first improving swap. Stops when a pass improves nothing or after ``max_passes``.
    """
    slack = slack or cost
    for _ in range(max_passes):
        improved = False
        for a in range(len(mate)):
            if a < mate[a] and slack(a, mate[a]) > 0:
                improved = _improve_pair(mate, cost, slack, candidates, a) or improved
        if not improved:
            for a in range(len(mate)):
                if a < mate[a] and slack(a, mate[a]) > 0:
                    improved = _rotate_three(mate, cost, candidates, a) or improved
        if not improved:
            break
    return mate


def _improve_pair(mate: list[int], cost: Cost, slack: Cost,
                  candidates: Callable[[int], Sequence[int]], a: int) -> bool:
    """Try to lower the cost of the pair holding ``a``; True if any swap was applied."""
    changed = False
    for end in (a, mate[a]):
        other = mate[end]
        if slack(end, other) == 0:
            return changed
        here = cost(end, other)
        for c in candidates(end):
            if c in (end, other):
                continue
            d = mate[c]
            delta = cost(end, c) + cost(other, d) - here - cost(c, d)
            if delta < 0:
                mate[end], mate[c], mate[other], mate[d] = c, end, d, other
                changed = True
                other = c
                if slack(end, c) == 0:
                    return changed
                here = cost(end, c)
    return changed


def _rotate_three(mate: list[int], cost: Cost, candidates: Callable[[int], Sequence[int]],
                  a: int) -> bool:
    """Try ``(a,b),(c,d),(e,f) → (a,c),(d,e),(f,b)``; apply the first improving rotation."""
    b = mate[a]
    ab = cost(a, b)
    for c in candidates(a)[:THREE_OPT_WIDTH]:
        d = mate[c]
        if c in (a, b):
            continue
        gain_c = cost(a, c) - ab - cost(c, d)
        for e in candidates(d)[:THREE_OPT_WIDTH]:
            f = mate[e]
            if e in (a, b, c, d):
                continue
            delta = gain_c + cost(d, e) + cost(f, b) - cost(e, f)
            if delta < 0:
                mate[a], mate[c], mate[d], mate[e], mate[f], mate[b] = c, a, e, d, b, f
                return True
    return False


def perturb_and_improve(
    mate: list[int],
    cost: Cost,
    candidates: Callable[[int], Sequence[int]],
    rng: random.Random,
    *,
    kicks: int,
    slack: Cost | None = None,
) -> list[int]:
    """Iterated local search: improve, then ``kicks`` times re-pair a few pairs at random
    (one pair with slack among them), improve again, and keep the result if it is no worse."""
    slack = slack or cost
    best = improve(list(mate), cost, candidates, slack=slack)
    best_cost = matching_cost(best, cost)
    for _ in range(kicks):
        costly = [i for i in range(len(best)) if i < best[i] and slack(i, best[i]) > 0]
        if not costly:
            break
        trial = list(best)
        pairs = {rng.choice(costly)}
        while len(pairs) < min(3, len(trial) // 2):
            i = rng.randrange(len(trial))
            pairs.add(min(i, trial[i]))
        nodes = [x for p in pairs for x in (p, trial[p])]
        rng.shuffle(nodes)
        for x, y in zip(nodes[::2], nodes[1::2], strict=True):
            trial[x], trial[y] = y, x
        improve(trial, cost, candidates, slack=slack)
        trial_cost = matching_cost(trial, cost)
        if trial_cost <= best_cost:
            best, best_cost = trial, trial_cost
    return best
