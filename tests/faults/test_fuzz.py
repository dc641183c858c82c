"""Property-based fuzzing: the command parser, the content loader and the story analyzer
never crash; bad input always gets a clear, specific error."""

from __future__ import annotations

import random
import shutil
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.core.commands.catalog import COMMANDS
from bot.core.commands.spec import Invocation, UsageError, parse
from bot.core.content_loader import ContentError, load_content

ROOT = Path(__file__).resolve().parents[2]

words = st.one_of(
    st.sampled_from([s.name for c in COMMANDS for s in c.subcommands if s.name]
                    + ["0", "-1", "99999999999999999999", "me", "staff", "behavioral", "",
                       "<@U1>", "@here", "<!channel>", "\u200b", "💥", "\x00", "\n", "\t"]),
    st.text(max_size=12))
lines = st.lists(words, max_size=8).map(" ".join) | st.text(max_size=300)


@settings(max_examples=300, deadline=None)
@given(spec=st.sampled_from(COMMANDS), text=lines)
def test_parser_returns_an_invocation_or_a_usage_error(spec, text):
    try:
        inv = parse(spec, text)
    except UsageError as exc:
        message = str(exc)
        assert f"/{spec.name}" in message and len(message) < 3000
        return
    assert isinstance(inv, Invocation) and inv.command == spec.name
    sub = spec.sub(inv.sub)
    assert sub is not None
    for param in sub.params:
        value = inv.args.get(param.name)
        if value is None:
            assert not param.required
        elif param.kind == "int":
            assert isinstance(value, int)
            assert param.minimum is None or value >= param.minimum
            assert param.maximum is None or value <= param.maximum
        elif param.kind == "choice":
            assert value in param.choices


# content ------------------------------------------------------------------------------------

def _mutate(data: object, rng: random.Random, junk: object) -> object:
    """Replace, drop or retype one value somewhere in a YAML document."""
    if isinstance(data, dict) and data:
        key = rng.choice(list(data))
        action = rng.randrange(4)
        if action == 0:
            return {k: v for k, v in data.items() if k != key}
        if action == 1:
            return {**data, key: junk}
        if action == 2:
            return {**data, f"{key}_typo": data[key]}
        return {**data, key: _mutate(data[key], rng, junk)}
    if isinstance(data, list) and data:
        i = rng.randrange(len(data))
        action = rng.randrange(3)
        if action == 0:
            return data[:i] + data[i + 1:]
        if action == 1:
            return data[:i] + [junk] + data[i + 1:]
        return data[:i] + [_mutate(data[i], rng, junk)] + data[i + 1:]
    return junk


@pytest.fixture(scope="module")
def content_copy(tmp_path_factory) -> tuple[Path, Path, list[Path]]:
    base = tmp_path_factory.mktemp("content")
    shutil.copytree(ROOT / "content", base / "content")
    shutil.copytree(ROOT / "schedules", base / "schedules")
    files = sorted(p for p in base.rglob("*.yaml"))
    return base / "content", base / "schedules", files


junk_values = st.one_of(st.none(), st.integers(-10**6, 10**6), st.floats(allow_nan=True),
                        st.text(max_size=20), st.lists(st.integers(), max_size=3),
                        st.dictionaries(st.text(max_size=5), st.integers(), max_size=2),
                        st.booleans())


@settings(max_examples=25, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(which=st.integers(0, 10_000), seed=st.integers(0, 2**32), junk=junk_values,
       raw=st.one_of(st.none(), st.sampled_from(["{", ": : :", "- [", "\t\x00", "", "%%%"])))
def test_mutated_content_gives_content_error_never_a_crash(content_copy, which, seed, junk, raw):
    content_dir, schedules_dir, files = content_copy
    path = files[which % len(files)]
    original = path.read_text()
    try:
        if raw is not None:
            path.write_text(original[: seed % max(1, len(original))] + raw)
        else:
            mutated = _mutate(yaml.safe_load(original), random.Random(seed), junk)
            path.write_text(yaml.safe_dump(mutated, allow_unicode=True))
        try:
            load_content(content_dir, schedules_dir)
        except ContentError as exc:
            assert exc.problems and str(exc).strip()
    finally:
        path.write_text(original)


# stories ------------------------------------------------------------------------------------

story_words = st.sampled_from(["I", "we", "led", "the", "migration", "Situation:", "Task:",
                               "Action:", "Result:", "latency", "dropped", "40%", "because",
                               "learned", ".", "\n", "customers", "team", "💡", "<@U1>"])
stories = st.lists(story_words, max_size=200).map(" ".join) | st.text(max_size=2000)


@pytest.fixture(scope="module")
def story_content():
    models = pytest.importorskip("bot.core.stories.models")
    return models.load_story_content(ROOT / "content")


@settings(max_examples=150, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=stories)
def test_story_analyzer_never_crashes(story_content, text):
    from bot.core.stories.analyzer import StoryInputError, analyze

    try:
        result = analyze(text, story_content)
    except StoryInputError as exc:
        assert str(exc).strip()  # a clear message: empty or too long
        return
    assert result is not None


def test_story_analyzer_rejects_huge_input_clearly(story_content):
    from bot.core.stories.analyzer import StoryInputError, analyze

    with pytest.raises(StoryInputError, match=r"(?i)long"):
        analyze("word " * 200_000, story_content)
