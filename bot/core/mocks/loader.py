"""Registers the mock content loader: ``content/mock/*.yaml`` into ``Content.extras["mocks"]``."""

from __future__ import annotations

from pathlib import Path

from pydantic import ValidationError

from bot.core.content_loader import FileValidator, register_extra
from bot.core.mocks.content import BehavioralSet, MockContent, ProblemSet, RubricSet


@register_extra("mocks")
def load_mocks(v: FileValidator, content_dir: Path) -> MockContent | None:
    """Validate each mock file through ``v`` (so errors name file and line); None on failure."""
    folder = content_dir / "mock"
    problems = v.load(folder / "problems.yaml", ProblemSet)
    behavioral = v.load(folder / "behavioral.yaml", BehavioralSet)
    rubrics = v.load(folder / "rubrics.yaml", RubricSet)
    if problems is None or behavioral is None or rubrics is None:
        return None
    try:
        return MockContent(problems=problems, behavioral=behavioral, rubrics=rubrics)
    except ValidationError as exc:
        v.fail(folder, f"mock content is inconsistent: {exc.errors()[0]['msg']}")
        return None
