"""Typed content for the STAR story analyzer: principles and analysis rules.

``content/principles.yaml`` holds the principles a story can show (Amazon's Leadership
Principles, Google's hiring attributes, staff-level signals); ``content/stories/rules.yaml``
holds STAR cues, red-flag rules and thresholds. Both are validated here; unknown keys are errors.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

import yaml
from pydantic import Field, model_validator

from bot.core.content import Model, Slug, Text

PartName = Literal["situation", "task", "action", "result", "learning"]
PART_NAMES: tuple[PartName, ...] = ("situation", "task", "action", "result", "learning")
Framework = Literal["amazon", "google", "staff"]
Severity = Literal["high", "medium", "low"]

FLAG_IDS: frozenset[str] = frozenset(
    {
        "missing-parts",
        "no-metric",
        "low-i-share",
        "hypothetical",
        "blame",
        "action-too-small",
        "too-long",
        "too-short",
        "vague",
        "no-clear-principle",
        "target-not-shown",
        "setup-too-long",
        "qualitative-result",
        "no-learning",
    }
)
"""Every red flag the analyzer can raise; rules.yaml must describe each one."""

Share = float


class Principle(Model):
    """A principle a story can show, with the phrases that signal it."""

    id: Slug
    name: Text
    framework: Framework
    description: Text
    signals: tuple[Text, ...] = Field(min_length=3)
    related: tuple[Slug, ...] = ()
    hint: Text
    question_cues: tuple[Text, ...] = ()


class PrincipleSet(Model):
    """The ``content/principles.yaml`` file."""

    principles: tuple[Principle, ...] = Field(min_length=1)

    @model_validator(mode="after")
    def _consistent(self) -> PrincipleSet:
        ids = [p.id for p in self.principles]
        dupes = sorted({i for i in ids if ids.count(i) > 1})
        if dupes:
            raise ValueError(f"principle ids repeat: {dupes}")
        known = set(ids)
        for p in self.principles:
            unknown = sorted(set(p.related) - known)
            if unknown:
                raise ValueError(f"{p.id}: related names unknown principles {unknown}")
            if p.id in p.related:
                raise ValueError(f"{p.id}: a principle cannot be related to itself")
        return self


class LengthRule(Model):
    """Spoken-length limits in words."""

    min_words: int = Field(ge=1)
    max_words: int = Field(ge=1)
    words_per_minute: int = Field(ge=60, le=250)

    @model_validator(mode="after")
    def _ordered(self) -> LengthRule:
        if self.min_words >= self.max_words:
            raise ValueError("length.min_words must be below max_words")
        return self


class PartRule(Model):
    """How to recognize one STAR part: headers, cue phrases and a position prior."""

    headers: tuple[Text, ...] = Field(min_length=1)
    cues: tuple[Text, ...] = Field(min_length=1)
    center: float = Field(ge=0, le=1)
    width: float = Field(gt=0, le=1)
    prior: float = Field(ge=0)
    base: float = 0.0
    cue_boost: float = Field(default=1.0, gt=0, description="multiplies cue scores of this part")


class Segmentation(Model):
    """Weights for assigning unheaded sentences to parts."""

    cue_weight: float = Field(gt=0)
    cue_cap: float = Field(gt=0)
    first_person_action: float = Field(ge=0)
    metric_result: float = Field(ge=0)


class Lexicon(Model):
    """Word lists the analyzer uses for pronouns, verbs, metrics and red flags."""

    singular_pronouns: tuple[Text, ...] = Field(min_length=1)
    plural_pronouns: tuple[Text, ...] = Field(min_length=1)
    past_verbs: tuple[Text, ...] = ()
    plain_verbs: tuple[Text, ...] = ()
    metric_units: tuple[Text, ...] = Field(min_length=1)
    number_words: tuple[Text, ...] = ()
    metric_words: tuple[Text, ...] = ()
    qualitative_words: tuple[Text, ...] = ()
    blame_phrases: tuple[Text, ...] = ()
    hypothetical_phrases: tuple[Text, ...] = ()
    vague_phrases: tuple[Text, ...] = ()


class Thresholds(Model):
    """Limits that raise red flags."""

    action_min_share: Share = Field(ge=0, le=1)
    setup_max_share: Share = Field(ge=0, le=1)
    min_i_share: Share = Field(ge=0, le=1)
    min_pronouns: int = Field(ge=0)
    hypothetical_max: int = Field(ge=0)
    vague_max: int = Field(ge=0)


class Scoring(Model):
    """How sentence evidence adds up to a principle score in 0..1."""

    part_weights: dict[PartName, float]
    signal_weight: float = Field(gt=0)
    sentence_cap: float = Field(gt=0)
    dilution_after: int = Field(ge=1)
    fragment_factor: float = Field(ge=0, le=1)
    hypothetical_factor: float = Field(ge=0, le=1)
    min_sentence_words: int = Field(ge=1)
    first_person_bonus: float = Field(ge=1)
    no_action_factor: float = Field(ge=0, le=1)
    thin_action_factor: float = Field(ge=0, le=1)
    no_result_factor: float = Field(ge=0, le=1)
    scale: float = Field(gt=0)
    strong: float = Field(gt=0, lt=1)
    moderate: float = Field(gt=0, lt=1)
    weak: float = Field(gt=0, lt=1)
    max_principles: int = Field(ge=1)
    max_evidence: int = Field(ge=1)
    max_also_fits: int = Field(ge=0)

    @model_validator(mode="after")
    def _ordered(self) -> Scoring:
        if not self.weak < self.moderate < self.strong:
            raise ValueError("scoring thresholds must satisfy weak < moderate < strong")
        missing = sorted(set(PART_NAMES) - set(self.part_weights))
        if missing:
            raise ValueError(f"scoring.part_weights lacks {missing}")
        return self


class FlagRule(Model):
    """A red flag's importance and its message and suggestion templates."""

    priority: int
    severity: Severity
    message: Text
    suggestion: Text


class StoryRules(Model):
    """The ``content/stories/rules.yaml`` file."""

    max_chars: int = Field(ge=100)
    length: LengthRule
    parts: dict[PartName, PartRule]
    segmentation: Segmentation
    lexicon: Lexicon
    thresholds: Thresholds
    scoring: Scoring
    max_suggestions: int = Field(ge=1, le=10)
    flags: dict[str, FlagRule]

    @model_validator(mode="after")
    def _complete(self) -> StoryRules:
        missing_parts = [p for p in PART_NAMES if p not in self.parts]
        if missing_parts:
            raise ValueError(f"parts lacks {missing_parts}")
        headers = [h.casefold() for rule in self.parts.values() for h in rule.headers]
        dupes = sorted({h for h in headers if headers.count(h) > 1})
        if dupes:
            raise ValueError(f"a header names two parts: {dupes}")
        missing = sorted(FLAG_IDS - set(self.flags))
        extra = sorted(set(self.flags) - FLAG_IDS)
        if missing or extra:
            raise ValueError(f"flags: missing {missing}, unknown {extra}")
        return self


class StoryContent(Model):
    """Everything the analyzer needs: principles and rules."""

    principles: tuple[Principle, ...]
    rules: StoryRules

    def principle(self, principle_id: str) -> Principle:
        """The principle with this id; ``KeyError`` if there is none."""
        for p in self.principles:
            if p.id == principle_id:
                return p
        raise KeyError(principle_id)

    def summary(self) -> str:
        """One line for ``studybot content check``, e.g. ``30 principles, 14 red flags``."""
        return f"{len(self.principles)} principles, {len(self.rules.flags)} red flags"


def load_story_content(content_dir: Path) -> StoryContent:
    """Read and validate ``principles.yaml`` and ``stories/rules.yaml`` under ``content_dir``."""
    principles = PrincipleSet.model_validate(_read_yaml(content_dir / "principles.yaml"))
    rules = StoryRules.model_validate(_read_yaml(content_dir / "stories" / "rules.yaml"))
    return StoryContent(principles=principles.principles, rules=rules)


def _read_yaml(path: Path) -> object:
    with path.open(encoding="utf-8") as handle:
        return yaml.safe_load(handle)
