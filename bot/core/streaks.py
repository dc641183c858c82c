"""Streak arithmetic over plan days: pure functions, no storage."""

from __future__ import annotations

import math
from collections.abc import Collection, Mapping
from dataclasses import dataclass


@dataclass(frozen=True)
class Streak:
    """A current run and the best run ever."""

    current: int
    best: int


def member_streak(checked: Collection[int], current_day: int, away: Collection[int]) -> Streak:
    """A member's streak over plan days ``1..current_day``.

    Days away are neither counted nor break the run; the current day is still open, so
    missing it does not break the run yet.
    """
    run = best = 0
    for day in range(1, current_day + 1):
        if day in checked:
            run += 1
            best = max(best, run)
        elif day in away or day == current_day:
            continue
        else:
            run = 0
    return Streak(run, best)


def quorum_needed(active: int, quorum: float) -> int:
    """Check-ins needed for a group day to count: at least one, at least the quorum."""
    return max(1, math.ceil(active * quorum - 1e-9))


def group_streak(
    counts: Mapping[int, int], active: Mapping[int, int], quorum: float, current_day: int
) -> Streak:
    """Consecutive plan days on which at least ``quorum`` of active members checked in.

    ``active[d]`` is the number of members present (joined, not away) on plan day ``d``;
    a day with no active member is skipped, and the open current day never breaks.
    """
    run = best = 0
    for day in range(1, current_day + 1):
        present = active.get(day, 0)
        if present == 0:
            continue
        if counts.get(day, 0) >= quorum_needed(present, quorum):
            run += 1
            best = max(best, run)
        elif day != current_day:
            run = 0
    return Streak(run, best)
