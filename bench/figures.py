"""The shared shape of a benchmark result and the table printer."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class Figure:
    """One measured figure; ``passed`` is None when the figure has no target."""

    name: str
    measured: str
    target: str = "-"
    passed: bool | None = None


Part = Callable[[], Iterable[Figure]]


def print_table(part: str, figures: Iterable[Figure]) -> bool:
    """Print figures as a table under a heading; return False if any failed its target."""
    rows = list(figures)
    print(f"\n== {part}")
    width = max((len(f.name) for f in rows), default=10)
    print(f"{'figure':<{width}}  {'target':<16}  {'measured':<24}  result")
    ok = True
    for f in rows:
        verdict = "-" if f.passed is None else ("pass" if f.passed else "FAIL")
        ok = ok and f.passed is not False
        print(f"{f.name:<{width}}  {f.target:<16}  {f.measured:<24}  {verdict}")
    return ok
