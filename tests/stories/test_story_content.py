"""The story analyzer's YAML content validates, and the validators reject bad content."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from pydantic import ValidationError

from bot.core.stories.models import (
    FLAG_IDS,
    PART_NAMES,
    PrincipleSet,
    StoryRules,
    load_story_content,
)
from bot.core.stories.text import stems, tokens

CONTENT = Path(__file__).resolve().parents[2] / "content"

AMAZON = [
    "Customer Obsession",
    "Ownership",
    "Invent and Simplify",
    "Are Right, A Lot",
    "Learn and Be Curious",
    "Hire and Develop the Best",
    "Insist on the Highest Standards",
    "Think Big",
    "Bias for Action",
    "Frugality",
    "Earn Trust",
    "Dive Deep",
    "Have Backbone; Disagree and Commit",
    "Deliver Results",
    "Strive to be Earth's Best Employer",
    "Success and Scale Bring Broad Responsibility",
]


@pytest.fixture(scope="module")
def raw_principles() -> dict:
    return yaml.safe_load((CONTENT / "principles.yaml").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def raw_rules() -> dict:
    return yaml.safe_load((CONTENT / "stories" / "rules.yaml").read_text(encoding="utf-8"))


def test_content_loads():
    content = load_story_content(CONTENT)
    assert len(content.principles) >= 16 + 9 + 4
    assert set(content.rules.parts) == set(PART_NAMES)
    assert set(content.rules.flags) == FLAG_IDS


def test_all_sixteen_leadership_principles_in_order():
    content = load_story_content(CONTENT)
    amazon = [p.name for p in content.principles if p.framework == "amazon"]
    assert amazon == AMAZON


def test_google_attributes_and_staff_signals_present():
    ids = {p.id for p in load_story_content(CONTENT).principles}
    google = {
        "google-general-cognitive-ability",
        "google-role-related-knowledge",
        "google-leadership",
        "google-comfort-with-ambiguity",
        "google-intellectual-humility",
        "google-user-focus",
        "google-respectful-disagreement",
        "google-collaboration",
        "google-bias-to-action",
    }
    staff = {
        "staff-scope",
        "staff-influence-without-authority",
        "staff-long-horizon",
        "staff-multiplier",
    }
    assert google <= ids
    assert staff <= ids


def test_every_signal_and_cue_has_words():
    content = load_story_content(CONTENT)
    phrases = [s for p in content.principles for s in p.signals]
    phrases += [c for rule in content.rules.parts.values() for c in rule.cues]
    assert all(stems(tokens(p)) for p in phrases)


def test_unknown_key_is_rejected(raw_principles):
    raw_principles = {"principles": [dict(raw_principles["principles"][0], colour="red")]}
    with pytest.raises(ValidationError, match="colour"):
        PrincipleSet.model_validate(raw_principles)


def test_related_must_name_a_known_principle(raw_principles):
    first = dict(raw_principles["principles"][0], related=["no-such-principle"])
    with pytest.raises(ValidationError, match="no-such-principle"):
        PrincipleSet.model_validate({"principles": [first]})


def test_duplicate_principle_ids_rejected(raw_principles):
    first = raw_principles["principles"][0]
    with pytest.raises(ValidationError, match="repeat"):
        PrincipleSet.model_validate({"principles": [first, first]})


def test_rules_need_every_flag(raw_rules):
    flags = dict(raw_rules["flags"])
    flags.pop("blame")
    with pytest.raises(ValidationError, match="blame"):
        StoryRules.model_validate(dict(raw_rules, flags=flags))


def test_rules_thresholds_ordered(raw_rules):
    scoring = dict(raw_rules["scoring"], weak=0.9)
    with pytest.raises(ValidationError, match="weak < moderate < strong"):
        StoryRules.model_validate(dict(raw_rules, scoring=scoring))


def test_flag_templates_only_use_known_fields():
    content = load_story_content(CONTENT)
    fields = {
        "parts": "Task",
        "i_share": "40%",
        "count": 2,
        "phrases": '"x"',
        "action_share": "20%",
        "setup_share": "50%",
        "words": 100,
        "minutes": "0.7",
        "min_words": 200,
        "max_words": 400,
        "target": "Ownership",
        "hint": "h",
    }
    for rule in content.rules.flags.values():
        assert rule.message.format_map(fields)
        assert rule.suggestion.format_map(fields)
