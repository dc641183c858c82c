"""Weighted scores, hiring bands and score-input validation."""

from __future__ import annotations

import pytest

from bot.core.mocks.scoring import ScoreError, band_for, parse_scores, score_mock, weighted_score

SYSTEM_DESIGN = (
    ("technical architecture", 0.30),
    ("scalability & performance", 0.25),
    ("distributed systems", 0.20),
    ("production readiness", 0.15),
    ("communication & leadership", 0.10),
)


def test_worked_example_is_a_hire() -> None:
    result = score_mock("4 3 3 2 4", SYSTEM_DESIGN)
    assert result.scores == (4, 3, 3, 2, 4)
    assert result.weighted == 3.25
    assert result.band == "hire"


@pytest.mark.parametrize(
    ("score", "band"),
    [
        (4.0, "strong hire"), (3.5, "strong hire"), (3.49, "hire"), (3.45, "hire"),
        (2.8, "hire"), (2.79, "no hire"), (2.0, "no hire"), (1.99, "strong no hire"),
        (1.0, "strong no hire"),
    ],
)
def test_band_edges(score: float, band: str) -> None:
    assert band_for(score) == band


def test_rounding_is_half_up_to_two_decimals() -> None:
    assert weighted_score([3, 3, 3, 3, 4], [w for _, w in SYSTEM_DESIGN]) == 3.1
    assert weighted_score([1, 2], [0.333, 0.667]) == 1.67
    assert weighted_score([4, 4, 4, 4, 4], [w for _, w in SYSTEM_DESIGN]) == 4.0


def test_accepts_commas_and_sequences() -> None:
    names = [n for n, _ in SYSTEM_DESIGN]
    assert parse_scores("4,3, 3;2/4", names) == (4, 3, 3, 2, 4)
    assert parse_scores([4, "3", 3, 2, 4], names) == (4, 3, 3, 2, 4)


@pytest.mark.parametrize(
    ("raw", "detail"),
    [
        ("4 3 3 2", "got 4 value(s)"),
        ("4 3 3 2 4 1", "got 6 value(s)"),
        ("", "got 0 value(s)"),
        ("4 3 3 2 5", "communication & leadership got '5'"),
        ("0 3 3 2 4", "technical architecture got '0'"),
        ("4 3.5 3 2 4", "scalability & performance got '3.5'"),
        ("4 x 3 2 4", "scalability & performance got 'x'"),
    ],
)
def test_bad_input_names_dimensions_in_order(raw: str, detail: str) -> None:
    with pytest.raises(ScoreError) as info:
        score_mock(raw, SYSTEM_DESIGN)
    message = str(info.value)
    assert detail in message
    assert ("1) technical architecture, 2) scalability & performance, 3) distributed systems, "
            "4) production readiness, 5) communication & leadership") in message
    assert "from 1 to 4" in message


def test_booleans_are_not_scores() -> None:
    with pytest.raises(ScoreError):
        parse_scores([True, 3], ["a", "b"])


def test_weights_must_match_scores() -> None:
    with pytest.raises(ValueError, match="2 scores for 3 weights"):
        weighted_score([1, 2], [0.2, 0.3, 0.5])
