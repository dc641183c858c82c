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


@dataclass(frozen=True)
class RunSummary:
    """A member's check-ins folded into three numbers (kept by the store on every check-in).

    ``run`` is the member's run as of ``last_day`` (their latest checked-in plan day) and
    ``best`` the best run up to it. ``last_day`` 0 means no check-in yet; -1 marks a summary
    that must be rebuilt from the check-ins (see :func:`summarize`).
    """

    last_day: int
    run: int
    best: int

    @property
    def stale(self) -> bool:
        """True if the summary must be rebuilt from the member's check-ins."""
        return self.last_day < 0


def run_from(day: int, away: Collection[int]) -> int:
    """The latest plan day before ``day`` that the member was not away (0 if none).

    A check-in on ``day`` continues the run iff the previous check-in is on or after it:
    every plan day strictly between them is then an away day.
    """
    k = day - 1
    while k >= 1 and k in away:
        k -= 1
    return k


def advance(summary: RunSummary, day: int, away: Collection[int]) -> RunSummary:
    """The summary after a new check-in on ``day`` (later than ``summary.last_day``)."""
    run = summary.run + 1 if summary.last_day >= run_from(day, away) else 1
    return RunSummary(day, run, max(summary.best, run))


def summarize(checked: Collection[int], away: Collection[int]) -> RunSummary:
    """The summary of a member's check-ins, from scratch."""
    s = RunSummary(0, 0, 0)
    for day in sorted(checked):
        s = advance(s, day, away)
    return s


def streak_from_summary(summary: RunSummary, current_day: int, away: Collection[int]) -> Streak:
    """:func:`member_streak` from a summary with ``0 <= last_day <= current_day``.

    The run is still current if every plan day after ``last_day`` and before the open
    current day is an away day.
    """
    alive = summary.last_day >= run_from(current_day, away) or summary.last_day == current_day
    return Streak(summary.run if alive else 0, summary.best)
