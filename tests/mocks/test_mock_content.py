"""The shipped ``content/mock`` files validate, and the models reject bad content."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from pydantic import ValidationError

from bot.core.mocks.content import (
    PRINCIPLES,
    REQUIRED_STAFF_DIMENSIONS,
    MockContentError,
    Problem,
    Rubric,
    RubricSet,
    load_mock_content,
)
from bot.core.mocks.scoring import score_mock

CONTENT = Path(__file__).resolve().parents[2] / "content"


@pytest.fixture(scope="module")
def content():
    return load_mock_content(CONTENT)


def test_problems_cover_the_required_scenarios(content) -> None:
    ids = {p.id for p in content.problems.problems}
    assert len(ids) >= 8
    assert {"social-feed", "payment-processing", "realtime-analytics", "url-shortener",
            "rate-limiter", "view-counter", "checkout"} <= ids
    for p in content.problems.problems:
        assert sum(d.minutes for d in p.deep_dives) == 25, p.id
    assert content.problem("social-feed").capacity_numbers[0].value == 500_000_000
    assert content.problems_for("staff")


def test_staff_dimensions_present(content) -> None:
    assert {d.id for d in content.problems.staff_dimensions} >= REQUIRED_STAFF_DIMENSIONS


def test_behavioral_questions(content) -> None:
    questions = content.behavioral.questions
    assert len(questions) >= 30
    assert {q.category for q in questions} == {"bar-raiser", "staff-leadership", "googleyness"}
    used = {p for q in questions for p in q.principles}
    assert used <= set(PRINCIPLES)
    assert {"influence-without-authority", "multiplying-others"} <= used
    assert content.questions_for("ownership")


def test_rubrics_weights_and_agenda(content) -> None:
    sd = content.rubrics.system_design
    assert [d.weight for d in sd.dimensions] == [0.30, 0.25, 0.20, 0.15, 0.10]
    assert [(b.name, b.min_score) for b in sd.bands] == [
        ("strong hire", 3.5), ("hire", 2.8), ("no hire", 2.0), ("strong no hire", 0)]
    assert abs(sum(d.weight for d in content.rubrics.behavioral.dimensions) - 1) < 1e-9
    assert [p.minutes for p in content.rubrics.agenda] == [5, 10, 15, 25, 5]
    result = score_mock("4 3 3 2 4", sd.weighted_dimensions, sd.band_table)
    assert (result.weighted, result.band) == (3.25, "hire")


def _rubric(**changes: object) -> dict:
    dims = [{"id": f"d{i}", "name": f"D{i}", "weight": w,
             "anchors": {1: "a", 2: "b", 3: "c", 4: "d"}} for i, w in enumerate((0.5, 0.5))]
    data = {"id": "r", "name": "R", "dimensions": dims,
            "bands": [{"name": "good", "min_score": 2.5}, {"name": "bad", "min_score": 0}]}
    data.update(changes)
    return data


def test_rubric_rejects_bad_weights_bands_and_anchors() -> None:
    Rubric.model_validate(_rubric())
    bad = _rubric()
    bad["dimensions"][0]["weight"] = 0.6
    with pytest.raises(ValidationError, match="weights must sum to 1.0"):
        Rubric.model_validate(bad)
    with pytest.raises(ValidationError, match="best first"):
        Rubric.model_validate(_rubric(bands=[{"name": "bad", "min_score": 0},
                                             {"name": "good", "min_score": 2.5}]))
    bad = _rubric()
    del bad["dimensions"][1]["anchors"][4]
    with pytest.raises(ValidationError, match="anchors"):
        Rubric.model_validate(bad)


def test_models_forbid_unknown_keys_and_freeze(content) -> None:
    data = yaml.safe_load((CONTENT / "mock" / "problems.yaml").read_text())["problems"][0]
    with pytest.raises(ValidationError, match="Extra inputs"):
        Problem.model_validate({**data, "surprise": 1})
    with pytest.raises(ValidationError, match="25 minutes"):
        Problem.model_validate({**data, "deep_dives": [{"area": "x", "minutes": 20}]})
    with pytest.raises(ValidationError):
        content.problems.problems[0].title = "changed"  # type: ignore[misc]


def test_agenda_must_fill_sixty_minutes() -> None:
    data = yaml.safe_load((CONTENT / "mock" / "rubrics.yaml").read_text())
    data["agenda"][0]["minutes"] = 6
    with pytest.raises(ValidationError, match="60 minutes"):
        RubricSet.model_validate(data)


def test_loader_reports_every_bad_file(tmp_path: Path) -> None:
    (tmp_path / "problems.yaml").write_text("problems: []\nstaff_dimensions: []\n")
    (tmp_path / "behavioral.yaml").write_text("questions: [\n")
    with pytest.raises(MockContentError) as info:
        load_mock_content(tmp_path)
    text = "\n".join(info.value.problems)
    assert "problems.yaml" in text
    assert "behavioral.yaml: not valid YAML" in text
    assert "rubrics.yaml: cannot read" in text
