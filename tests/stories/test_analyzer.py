"""Rule tests and the labelled evaluation of the STAR story analyzer."""

from __future__ import annotations

import ast
import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.core.stories import (
    EmptyStory,
    StoryContent,
    StoryTooLong,
    UnknownPrinciple,
    analyze,
    load_story_content,
)
from bot.core.stories.evaluation import (
    analyzer_parts,
    analyzer_ranker,
    evaluate,
    load_eval_stories,
    tfidf_parts,
    tfidf_ranker,
)
from bot.core.stories.render import render_text, to_json_dict

ROOT = Path(__file__).resolve().parents[2]
CONTENT: StoryContent = load_story_content(ROOT / "content")
STORIES = load_eval_stories(Path(__file__).with_name("eval_stories.yaml"))

SITUATION = (
    "At my last company our nightly billing job failed about twice a week, "
    "and nobody owned it after a reorganization."
)
TASK = "My task was to make the job reliable before the end of the quarter."
ACTION_WE = (
    "We dug into the logs and we found a lock held by a reporting query. "
    "We moved the reports to a read replica and we added alerts for failures. "
    "We wrote a runbook and we trained the support team to use it."
)
ACTION_I = (
    "I dug into the logs and I found a lock held by a reporting query. "
    "I moved the reports to a read replica and I added alerts for failures. "
    "I wrote a runbook and I trained the support team to use it."
)
RESULT_QUAL = "As a result the job became much more reliable and the finance team was happier."
RESULT_METRIC = (
    "As a result failures dropped from eight a month to zero and saved 20 hours a month."
)
LEARNING = "I learned that a job without an owner will fail again."


def story(*parts: str) -> str:
    return "\n".join(parts)


def flags(text: str, **kwargs: str) -> tuple[str, ...]:
    return analyze(text, CONTENT, **kwargs).flag_ids


# ---------------------------------------------------------------- first person and results


def test_i_instead_of_we_raises_i_share():
    we = analyze(story(SITUATION, TASK, ACTION_WE, RESULT_METRIC), CONTENT)
    me = analyze(story(SITUATION, TASK, ACTION_I, RESULT_METRIC), CONTENT)
    assert we.i_share is not None and me.i_share is not None
    assert me.i_share > we.i_share
    assert "low-i-share" in we.flag_ids
    assert "low-i-share" not in me.flag_ids


def test_metric_in_result_clears_no_metric_flag():
    unmeasured = story(SITUATION, TASK, ACTION_I, "In the end the work was handed over.")
    measured = story(SITUATION, TASK, ACTION_I, RESULT_METRIC)
    assert "no-metric" in flags(unmeasured)
    assert "no-metric" not in flags(measured)
    assert analyze(measured, CONTENT).result_kind == "quantitative"


def test_year_is_not_a_metric():
    text = story(SITUATION, TASK, ACTION_I, "In the end the work was handed over in 2019.")
    analysis = analyze(text, CONTENT)
    assert analysis.result_kind != "quantitative"
    assert "no-metric" in analysis.flag_ids


def test_qualitative_result_is_named_as_qualitative():
    analysis = analyze(story(SITUATION, TASK, ACTION_I, RESULT_QUAL), CONTENT)
    assert analysis.result_kind == "qualitative"
    assert "qualitative-result" in analysis.flag_ids
    assert "no-metric" not in analysis.flag_ids


def test_hypothetical_action_flagged_but_not_in_learning():
    hypothetical = story(
        SITUATION,
        "I would first read the logs. Then I would move the reports to a replica.",
        "I would also add alerts, and I usually write a runbook.",
    )
    assert "hypothetical" in flags(hypothetical)
    reflective = story(
        SITUATION, TASK, ACTION_I, RESULT_METRIC, "Next time I would name an owner on day one."
    )
    assert "hypothetical" not in flags(reflective)


def test_blame_flagged():
    text = story(SITUATION, "It was their fault; the other team dropped the ball.", ACTION_I)
    assert "blame" in flags(text)


def test_length_flags():
    assert "too-short" in flags(story(SITUATION, ACTION_I))
    long_story = story(SITUATION, TASK, *[ACTION_I] * 12, RESULT_METRIC, LEARNING)
    assert "too-long" in flags(long_story)


def test_missing_parts_named():
    analysis = analyze(ACTION_I, CONTENT)
    flag = next(f for f in analysis.red_flags if f.id == "missing-parts")
    assert "Situation" in flag.message


# ---------------------------------------------------------------- structure


def test_headers_are_honoured():
    text = (
        "**Situation:** Our deploys took three hours.\n"
        "T: I had to make them faster.\n"
        "**Action**\n"
        "I deleted nine manual steps. I moved the checks into CI.\n"
        "## Result\n"
        "Deploys now take twelve minutes.\n"
        "Lessons learned: automate the boring parts first."
    )
    analysis = analyze(text, CONTENT)
    expected = {
        "situation": ("Our deploys took three hours.",),
        "task": ("I had to make them faster.",),
        "action": ("I deleted nine manual steps.", "I moved the checks into CI."),
        "result": ("Deploys now take twelve minutes.",),
        "learning": ("automate the boring parts first.",),
    }
    for name, sentences in expected.items():
        part = analysis.part(name)  # type: ignore[arg-type]
        assert part.sentences == sentences
        assert part.source == "header"


def test_headers_override_position():
    text = "Result: Latency fell by half.\nSituation: Our API was slow at peak."
    analysis = analyze(text, CONTENT)
    assert analysis.part("result").sentences == ("Latency fell by half.",)
    assert analysis.part("situation").sentences == ("Our API was slow at peak.",)


def test_unheaded_prose_is_segmented_in_order():
    analysis = analyze(story(SITUATION, TASK, ACTION_I, RESULT_METRIC, LEARNING), CONTENT)
    assert [p.name for p in analysis.parts if p.present] == [
        "situation",
        "task",
        "action",
        "result",
        "learning",
    ]
    action = analysis.part("action")
    assert action.share == max(p.share for p in analysis.parts)
    assert abs(sum(p.share for p in analysis.parts) - 1) < 0.01


# ---------------------------------------------------------------- principles


def principle_names(content: StoryContent) -> list[str]:
    return [p.name for p in content.principles] + [
        s for p in content.principles for s in p.signals[:2]
    ]


def test_keyword_list_is_never_strong():
    names = principle_names(CONTENT)
    for text in (", ".join(names) + ".", "\n".join(names), "\n".join(f"- {n}" for n in names)):
        analysis = analyze(text, CONTENT)
        assert all(m.strength != "strong" for m in analysis.principles)
        assert "no-clear-principle" in analysis.flag_ids


@settings(max_examples=60, deadline=None)
@given(
    words=st.lists(st.sampled_from(principle_names(CONTENT)), min_size=1, max_size=40),
    joiner=st.sampled_from([", ", "\n", ". ", " and ", "\n- "]),
    prefix=st.sampled_from(["", "I showed ", "We demonstrated ", "Keywords: "]),
)
def test_keyword_stuffing_is_never_strong(words, joiner, prefix):
    text = prefix + joiner.join(words) + "."
    analysis = analyze(text, CONTENT)
    assert all(m.strength != "strong" for m in analysis.principles), analysis.principles


def test_real_story_beats_its_keywords():
    strong = next(s for s in STORIES if s.id == "mentor-to-promotion")
    analysis = analyze(strong.text, CONTENT)
    assert analysis.principles[0].id in strong.principles
    assert analysis.principles[0].strength == "strong"
    stuffed = analyze(", ".join(CONTENT.principle(i).name for i in strong.principles), CONTENT)
    assert not stuffed.principles or stuffed.principles[0].score < analysis.principles[0].score


def test_principles_carry_their_evidence():
    analysis = analyze(story(SITUATION, TASK, ACTION_I, RESULT_METRIC, LEARNING), CONTENT)
    assert analysis.principles
    sentences = {s for p in analysis.parts for s in p.sentences}
    for match in analysis.principles:
        assert match.evidence and set(match.evidence) <= sentences
    scores = [m.score for m in analysis.principles]
    assert scores == sorted(scores, reverse=True)


def test_target_not_shown_and_unknown_target():
    text = story(SITUATION, TASK, ACTION_I, RESULT_METRIC)
    assert "target-not-shown" in flags(text, target="Frugality")
    assert analyze(text, CONTENT, target="frugality").targets == ("frugality",)
    with pytest.raises(UnknownPrinciple, match="no-such"):
        analyze(text, CONTENT, target="no-such")


def test_question_names_targets():
    analysis = analyze(
        story(SITUATION, TASK, ACTION_I, RESULT_METRIC),
        CONTENT,
        question="Tell me about a time you disagreed with your manager.",
    )
    assert "have-backbone-disagree-and-commit" in analysis.targets


def test_suggestions_at_most_three_most_important_first():
    weak = next(s for s in STORIES if s.id == "vague-project")
    analysis = analyze(weak.text, CONTENT)
    assert 1 <= len(analysis.suggestions) <= 3
    priorities = [CONTENT.rules.flags[f].priority for f in analysis.flag_ids]
    assert priorities == sorted(priorities)
    first = CONTENT.rules.flags[analysis.flag_ids[0]]
    assert analysis.suggestions[0] == first.suggestion.format_map(
        {"parts": analysis.red_flags[0].message.split(": ")[-1].rstrip(".")}
    ) or analysis.suggestions[0].startswith(first.suggestion.split("{")[0])


def test_also_fits_excludes_principles_already_shown():
    analysis = analyze(STORIES[0].text, CONTENT)
    shown = {m.id for m in analysis.principles if m.strength != "weak"}
    assert analysis.also_fits
    assert not shown & {a.id for a in analysis.also_fits}


# ---------------------------------------------------------------- input handling


def test_same_input_same_output():
    text = STORIES[3].text
    fresh = load_story_content(ROOT / "content")
    first = analyze(text, CONTENT, question="a hard decision")
    assert analyze(text, CONTENT, question="a hard decision") == first
    assert analyze(text, fresh, question="a hard decision") == first
    assert json.dumps(to_json_dict(first)) == json.dumps(to_json_dict(analyze(text, fresh)))


@pytest.mark.parametrize("text", ["", "   \n\t", "🎉🚀", "--- *** ---"])
def test_empty_story_is_an_error(text):
    with pytest.raises(EmptyStory, match="empty story"):
        analyze(text, CONTENT)


def test_huge_story_rejected_with_limit():
    limit = CONTENT.rules.max_chars
    with pytest.raises(StoryTooLong, match=str(limit)) as info:
        analyze("I fixed it. " * (limit // 10), CONTENT)
    assert isinstance(info.value, ValueError)
    assert info.value.limit == limit


def test_story_at_the_limit_is_accepted():
    limit = CONTENT.rules.max_chars
    text = ("I fixed the build. " * limit)[:limit]
    assert analyze(text, CONTENT).word_count > 0


def test_emoji_do_not_crash():
    text = story("🔥 " + SITUATION + " 😅", TASK + " 🎯", ACTION_I + " 🚀", RESULT_METRIC + " 📉✅")
    analysis = analyze(text, CONTENT)
    assert analysis.part("action").present
    assert "🚀" in render_text(analysis)
    json.dumps(to_json_dict(analysis), ensure_ascii=False)


@settings(max_examples=80, deadline=None)
@given(st.text(max_size=400))
def test_any_text_gives_analysis_or_input_error(text):
    try:
        analysis = analyze(text, CONTENT)
    except EmptyStory:
        return
    assert analysis.word_count > 0
    assert render_text(analysis)


# ---------------------------------------------------------------- rendering


def test_json_shape():
    data = to_json_dict(analyze(story(SITUATION, TASK, ACTION_I, RESULT_METRIC), CONTENT))
    assert set(data) == {"parts", "principles", "red_flags", "suggestions", "word_count"}
    assert set(data["parts"]) == {"situation", "task", "action", "result", "learning"}
    for principle in data["principles"]:
        assert set(principle) == {"id", "name", "score", "evidence"}
    scores = [p["score"] for p in data["principles"]]
    assert scores == sorted(scores, reverse=True)
    assert data["parts"]["action"]["i_share"] == 1.0
    assert json.loads(json.dumps(data)) == data


def test_render_text_sections():
    text = render_text(analyze(story(SITUATION, TASK, ACTION_WE, RESULT_QUAL), CONTENT))
    for heading in ("*Structure*", "*Principles shown*", "*Red flags*", "*Suggestions*"):
        assert heading in text
    assert "I-share" in text


def test_core_imports_stay_platform_free():
    banned = {"sqlalchemy", "slack_bolt", "slack_sdk", "discord", "apscheduler"}
    for path in (ROOT / "bot" / "core" / "stories").glob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            names = []
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            assert not {n.split(".")[0] for n in names} & banned, (path, names)


# ---------------------------------------------------------------- evaluation

# Floors sit below the figures measured when the analyzer was tuned (top-1 97.5%, top-3 75%,
# parts 93%; `python -m bench stories` prints the current ones) so small content edits do not
# break the build, but a real regression does.
TOP1_FLOOR = 0.8
TOP3_FLOOR = 0.65
PARTS_FLOOR = 0.85


def test_eval_set_covers_every_principle():
    labelled = {p for s in STORIES for p in s.principles}
    assert len(STORIES) >= 40
    assert labelled == {p.id for p in CONTENT.principles}


def test_eval_recall_above_floor_and_baseline():
    ours = evaluate(STORIES, analyzer_ranker(CONTENT), analyzer_parts(CONTENT))
    base = evaluate(STORIES, tfidf_ranker(CONTENT), tfidf_parts(CONTENT))
    assert ours.top1 >= TOP1_FLOOR, ours
    assert ours.top3 >= TOP3_FLOOR, ours
    assert ours.parts >= PARTS_FLOOR, ours
    assert ours.top3 > base.top3, (ours, base)


def test_eval_expected_flags_raised():
    expected = [(s, f) for s in STORIES for f in s.flags]
    raised = sum(f in analyze(s.text, CONTENT).flag_ids for s, f in expected)
    assert raised == len(expected)


def test_eval_strong_stories_score_above_weak_ones():
    def best(text: str) -> float:
        matches = analyze(text, CONTENT).principles
        return matches[0].score if matches else 0.0

    strong = [best(s.text) for s in STORIES if s.quality == "strong"]
    weak = [best(s.text) for s in STORIES if s.quality == "weak"]
    assert sum(strong) / len(strong) > sum(weak) / len(weak)
