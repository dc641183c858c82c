"""Typed models for ``content/mock/*.yaml`` and :func:`load_mock_content`.

Three files make up the mock-interview content:

* ``problems.yaml`` — system-design problems plus the staff dimensions added to staff mocks;
* ``behavioral.yaml`` — behavioral questions tagged with the principles they probe, and a guide;
* ``rubrics.yaml`` — the system-design and behavioral rubrics, bands, the 60-minute agenda and
  the system-design interviewer guide.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Literal, TypeVar

import yaml
from pydantic import (
    Field,
    ValidationError,
    model_validator,
)

from bot.core.content import Model, Slug, Text

Level = Literal["senior", "staff", "principal"]

DEEP_DIVE_MINUTES = 25
AGENDA_MINUTES = 60

#: Principle slug → (family, display name). Families: amazon, google, staff.
PRINCIPLES: dict[str, tuple[str, str]] = {
    "customer-obsession": ("amazon", "Customer Obsession"),
    "ownership": ("amazon", "Ownership"),
    "invent-and-simplify": ("amazon", "Invent and Simplify"),
    "are-right-a-lot": ("amazon", "Are Right, A Lot"),
    "learn-and-be-curious": ("amazon", "Learn and Be Curious"),
    "hire-and-develop-the-best": ("amazon", "Hire and Develop the Best"),
    "insist-on-the-highest-standards": ("amazon", "Insist on the Highest Standards"),
    "think-big": ("amazon", "Think Big"),
    "bias-for-action": ("amazon", "Bias for Action"),
    "frugality": ("amazon", "Frugality"),
    "earn-trust": ("amazon", "Earn Trust"),
    "dive-deep": ("amazon", "Dive Deep"),
    "have-backbone": ("amazon", "Have Backbone; Disagree and Commit"),
    "deliver-results": ("amazon", "Deliver Results"),
    "earths-best-employer": ("amazon", "Strive to be Earth's Best Employer"),
    "broad-responsibility": ("amazon", "Success and Scale Bring Broad Responsibility"),
    "general-cognitive-ability": ("google", "General cognitive ability"),
    "role-related-knowledge": ("google", "Role-related knowledge"),
    "google-leadership": ("google", "Leadership (step up, step back)"),
    "comfort-with-ambiguity": ("google", "Comfort with ambiguity"),
    "intellectual-humility": ("google", "Intellectual humility"),
    "user-focus": ("google", "Focus on the user"),
    "respectful-disagreement": ("google", "Challenging the status quo respectfully"),
    "collaboration": ("google", "Collaboration"),
    "google-bias-to-action": ("google", "Bias to action"),
    "scope-across-teams": ("staff", "Scope across teams"),
    "influence-without-authority": ("staff", "Influence without authority"),
    "long-horizon": ("staff", "Multi-quarter horizon and optionality"),
    "multiplying-others": ("staff", "Multiplying others"),
}

#: Staff dimensions every problem set must define (ids in ``problems.yaml``).
REQUIRED_STAFF_DIMENSIONS: frozenset[str] = frozenset(
    {"team-ownership", "migration-plan", "cost-estimate", "slos-error-budgets",
     "disaster-recovery", "evolution-10x"}
)


_M = TypeVar("_M")


def _unique(items: Iterable[_M], key: str, what: str) -> None:
    ids = [getattr(i, key) for i in items]
    dupes = sorted({i for i in ids if ids.count(i) > 1})
    if dupes:
        raise ValueError(f"{what} repeat: {dupes}")


# --- problems.yaml -------------------------------------------------------------------------


class CapacityNumber(Model):
    """One input to a capacity estimate, e.g. 500,000,000 daily active users."""

    label: Text
    value: float = Field(gt=0)
    unit: Text


class DeepDive(Model):
    """An area the interviewer steers into during the deep-dive phase, with its time box."""

    area: Text
    minutes: int = Field(ge=1)
    probe: tuple[Text, ...] = ()


class Problem(Model):
    """A system-design problem for a 60-minute mock."""

    id: Slug
    title: Text
    prompt: Text
    requirements_to_clarify: tuple[Text, ...] = Field(min_length=3)
    capacity_numbers: tuple[CapacityNumber, ...] = Field(min_length=2)
    deep_dives: tuple[DeepDive, ...] = Field(min_length=1)
    follow_ups: tuple[Text, ...] = Field(min_length=3)
    strong_answer: tuple[Text, ...] = Field(min_length=3, description="what a strong answer holds")
    levels: tuple[Level, ...] = Field(min_length=1)

    @model_validator(mode="after")
    def _deep_dives_fill_the_slot(self) -> Problem:
        total = sum(d.minutes for d in self.deep_dives)
        if total != DEEP_DIVE_MINUTES:
            raise ValueError(f"deep_dives must sum to {DEEP_DIVE_MINUTES} minutes, got {total}")
        return self


class StaffDimension(Model):
    """A staff-level lens added to staff mocks, with what the candidate should cover."""

    id: Slug
    name: Text
    why: Text
    checklist: tuple[Text, ...] = Field(min_length=2)


class ProblemSet(Model):
    """The ``content/mock/problems.yaml`` file."""

    problems: tuple[Problem, ...] = Field(min_length=8)
    staff_dimensions: tuple[StaffDimension, ...] = Field(min_length=1)

    @model_validator(mode="after")
    def _consistent(self) -> ProblemSet:
        _unique(self.problems, "id", "problem ids")
        _unique(self.staff_dimensions, "id", "staff dimension ids")
        missing = REQUIRED_STAFF_DIMENSIONS - {d.id for d in self.staff_dimensions}
        if missing:
            raise ValueError(f"staff_dimensions lack {sorted(missing)}")
        return self


# --- behavioral.yaml -----------------------------------------------------------------------


class BehavioralQuestion(Model):
    """A behavioral prompt and the principles a good story for it demonstrates."""

    id: Slug
    text: Text
    category: Literal["bar-raiser", "staff-leadership", "googleyness"]
    principles: tuple[Slug, ...] = Field(min_length=1)
    follow_ups: tuple[Text, ...] = ()

    @model_validator(mode="after")
    def _known_principles(self) -> BehavioralQuestion:
        unknown = [p for p in self.principles if p not in PRINCIPLES]
        if unknown:
            raise ValueError(f"unknown principle ids {unknown}; known: {sorted(PRINCIPLES)}")
        return self


class BehavioralGuide(Model):
    """How to run a behavioral mock: what to probe, follow-ups, red flags."""

    probe: tuple[Text, ...] = Field(min_length=3)
    follow_ups: tuple[Text, ...] = Field(min_length=3)
    red_flags: tuple[Text, ...] = Field(min_length=3)


class BehavioralSet(Model):
    """The ``content/mock/behavioral.yaml`` file."""

    questions: tuple[BehavioralQuestion, ...] = Field(min_length=30)
    guide: BehavioralGuide

    @model_validator(mode="after")
    def _unique_ids(self) -> BehavioralSet:
        _unique(self.questions, "id", "question ids")
        return self


# --- rubrics.yaml --------------------------------------------------------------------------


class RubricDimension(Model):
    """One scored dimension with its weight and an anchor per score 1..4."""

    id: Slug
    name: Text
    weight: float = Field(gt=0, le=1)
    anchors: dict[int, Text]

    @model_validator(mode="after")
    def _anchor_per_score(self) -> RubricDimension:
        if sorted(self.anchors) != [1, 2, 3, 4]:
            raise ValueError(f"{self.id}: anchors must be given for scores 1, 2, 3 and 4")
        return self


class Band(Model):
    """A hiring band: scores at or above ``min_score`` (two decimals) fall in it."""

    name: Text
    min_score: float = Field(ge=0, le=4)


class Rubric(Model):
    """A weighted rubric; weights sum to 1.0 and bands run from best to worst."""

    id: Slug
    name: Text
    dimensions: tuple[RubricDimension, ...] = Field(min_length=1)
    bands: tuple[Band, ...] = Field(min_length=1)

    @model_validator(mode="after")
    def _consistent(self) -> Rubric:
        _unique(self.dimensions, "id", "dimension ids")
        total = sum(d.weight for d in self.dimensions)
        if abs(total - 1.0) > 1e-9:
            raise ValueError(f"{self.id}: weights must sum to 1.0, got {total:g}")
        minimums = [b.min_score for b in self.bands]
        if minimums != sorted(minimums, reverse=True) or len(set(minimums)) != len(minimums):
            raise ValueError(f"{self.id}: bands must be listed best first with falling min_score")
        if minimums[-1] != 0:
            raise ValueError(f"{self.id}: the last band must start at 0 so every score has a band")
        return self

    @property
    def weighted_dimensions(self) -> tuple[tuple[str, float], ...]:
        """``(name, weight)`` pairs in scoring order, for :func:`scoring.score_mock`."""
        return tuple((d.name, d.weight) for d in self.dimensions)

    @property
    def band_table(self) -> tuple[tuple[float, str], ...]:
        """``(min_score, name)`` pairs, best first, for :func:`scoring.band_for`."""
        return tuple((b.min_score, b.name) for b in self.bands)


class AgendaPhase(Model):
    """One time-boxed phase of the 60-minute system-design mock."""

    id: Slug
    name: Text
    minutes: int = Field(ge=1)
    goal: Text


class PhaseSignals(Model):
    """Interviewer guide for one agenda phase: what to listen for, and warning signs."""

    phase: Slug
    listen_for: tuple[Text, ...] = Field(min_length=2)
    red_flags: tuple[Text, ...] = Field(min_length=1)
    nudges: tuple[Text, ...] = ()


class RubricSet(Model):
    """The ``content/mock/rubrics.yaml`` file."""

    system_design: Rubric
    behavioral: Rubric
    agenda: tuple[AgendaPhase, ...] = Field(min_length=1)
    interviewer_guide: tuple[PhaseSignals, ...] = Field(min_length=1)

    @model_validator(mode="after")
    def _consistent(self) -> RubricSet:
        _unique(self.agenda, "id", "agenda phase ids")
        total = sum(p.minutes for p in self.agenda)
        if total != AGENDA_MINUTES:
            raise ValueError(f"agenda must sum to {AGENDA_MINUTES} minutes, got {total}")
        phases = [p.id for p in self.agenda]
        guided = [g.phase for g in self.interviewer_guide]
        if sorted(guided) != sorted(phases):
            raise ValueError(f"interviewer_guide must cover each agenda phase once: {phases}")
        return self


# --- all of it -----------------------------------------------------------------------------


class MockContent(Model):
    """Everything ``/mock`` needs, validated."""

    problems: ProblemSet
    behavioral: BehavioralSet
    rubrics: RubricSet

    def problem(self, problem_id: str) -> Problem:
        """The problem with ``problem_id``; ``KeyError`` if there is none."""
        for p in self.problems.problems:
            if p.id == problem_id:
                return p
        raise KeyError(problem_id)

    def problems_for(self, level: Level) -> tuple[Problem, ...]:
        """Problems suited to ``level``, in file order."""
        return tuple(p for p in self.problems.problems if level in p.levels)

    def questions_for(self, principle: str) -> tuple[BehavioralQuestion, ...]:
        """Behavioral questions that probe ``principle`` (a slug from :data:`PRINCIPLES`)."""
        return tuple(q for q in self.behavioral.questions if principle in q.principles)


class MockContentError(ValueError):
    """One or more mock content files failed to load; ``problems`` lists each failure."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("invalid mock content:\n" + "\n".join(f"- {p}" for p in problems))
        self.problems = problems


_FILES: dict[str, type[Model]] = {
    "problems": ProblemSet,
    "behavioral": BehavioralSet,
    "rubrics": RubricSet,
}


def load_mock_content(content_dir: Path) -> MockContent:
    """Load and validate ``problems.yaml``, ``behavioral.yaml`` and ``rubrics.yaml``.

    ``content_dir`` is the repository's ``content/`` directory (files are read from its
    ``mock/`` folder) or that ``mock/`` folder itself. Every failing file is reported at once
    in a :class:`MockContentError`.
    """
    folder = content_dir / "mock" if (content_dir / "mock").is_dir() else content_dir
    loaded: dict[str, Model] = {}
    errors: list[str] = []
    for name, model in _FILES.items():
        path = folder / f"{name}.yaml"
        try:
            data = yaml.safe_load(path.read_text(encoding="utf-8"))
            loaded[name] = model.model_validate(data)
        except OSError as exc:
            errors.append(f"{path}: cannot read ({exc.strerror or exc})")
        except yaml.YAMLError as exc:
            errors.append(f"{path}: not valid YAML ({exc})")
        except ValidationError as exc:
            for err in exc.errors():
                where = ".".join(str(p) for p in err["loc"]) or "(top level)"
                errors.append(f"{path}: {where}: {err['msg']}")
    if errors:
        raise MockContentError(errors)
    return MockContent.model_validate(loaded)
