"""Scoring math for mock interviews: weighted rubric score and hiring band.

Pure functions over plain numbers, so the same code scores a system-design mock
(five dimensions) and a behavioral mock (any weighted rubric from ``rubrics.yaml``).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

SCORE_MIN = 1
SCORE_MAX = 4

#: (minimum two-decimal score, band name), best band first.
DEFAULT_BANDS: tuple[tuple[float, str], ...] = (
    (3.5, "strong hire"),
    (2.8, "hire"),
    (2.0, "no hire"),
    (0.0, "strong no hire"),
)


class ScoreError(ValueError):
    """Raised when score input is malformed; the message is safe to show to a member."""


@dataclass(frozen=True)
class MockScore:
    """Validated per-dimension scores, their weighted average and the band it falls in."""

    scores: tuple[int, ...]
    weighted: float
    band: str


def parse_scores(raw: str | Sequence[int | str], dimensions: Sequence[str]) -> tuple[int, ...]:
    """Validate exactly ``len(dimensions)`` integers from 1 to 4, given in dimension order.

    ``raw`` is either text such as ``"4 3 3 2 4"`` / ``"4,3,3,2,4"`` or a sequence.
    Raises :class:`ScoreError` whose message names the dimensions in order.
    """
    if isinstance(raw, str):
        tokens: list[int | str] = [t for t in re.split(r"[\s,;/]+", raw.strip()) if t]
    else:
        tokens = list(raw)
    order = ", ".join(f"{i}) {name}" for i, name in enumerate(dimensions, start=1))
    expected = (
        f"expected {len(dimensions)} whole scores from {SCORE_MIN} to {SCORE_MAX},"
        f" in this order: {order}"
    )
    if len(tokens) != len(dimensions):
        raise ScoreError(f"{expected}; got {len(tokens)} value(s)")
    scores: list[int] = []
    for name, token in zip(dimensions, tokens, strict=True):
        value = _as_int(token)
        if value is None or not SCORE_MIN <= value <= SCORE_MAX:
            raise ScoreError(f"{expected}; {name} got {token!r}")
        scores.append(value)
    return tuple(scores)


def _as_int(token: int | str) -> int | None:
    if isinstance(token, bool):
        return None
    if isinstance(token, int):
        return token
    text = str(token).strip()
    return int(text) if re.fullmatch(r"[+-]?\d+", text) else None


def weighted_score(scores: Sequence[int], weights: Sequence[float]) -> float:
    """Weighted average of ``scores``, rounded half-up to two decimals (4 3 3 2 4 → 3.25)."""
    if len(scores) != len(weights):
        raise ValueError(f"{len(scores)} scores for {len(weights)} weights")
    total = sum(Decimal(str(w)) * s for w, s in zip(weights, scores, strict=True))
    weight_sum = sum(Decimal(str(w)) for w in weights)
    if weight_sum <= 0:
        raise ValueError("weights must sum to a positive number")
    return float((total / weight_sum).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))


def band_for(score: float, bands: Sequence[tuple[float, str]] = DEFAULT_BANDS) -> str:
    """The first band whose minimum the two-decimal ``score`` reaches (bands best first)."""
    rounded = Decimal(str(score)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    for minimum, name in bands:
        if rounded >= Decimal(str(minimum)):
            return name
    return bands[-1][1]


def score_mock(
    raw: str | Sequence[int | str],
    dimensions: Sequence[tuple[str, float]],
    bands: Sequence[tuple[float, str]] = DEFAULT_BANDS,
) -> MockScore:
    """Validate ``raw`` against ``(name, weight)`` dimensions and return score and band."""
    scores = parse_scores(raw, [name for name, _ in dimensions])
    weighted = weighted_score(scores, [weight for _, weight in dimensions])
    return MockScore(scores=scores, weighted=weighted, band=band_for(weighted, bands))
