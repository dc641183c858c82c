"""Benchmark the STAR story analyzer: principle recall, part detection, speed.

Compares the analyzer with a plain TF-IDF baseline (cosine between the story and each
principle's name, description and signals) on the labelled stories in
``tests/stories/eval_stories.yaml``, and times the analysis of a 600-word story.
"""

from __future__ import annotations

import statistics
import sys
import time
from collections.abc import Iterable
from pathlib import Path

from bench.figures import Figure
from bot.core.stories.analyzer import analyze
from bot.core.stories.evaluation import (
    analyzer_parts,
    analyzer_ranker,
    evaluate,
    load_eval_stories,
    tfidf_parts,
    tfidf_ranker,
)
from bot.core.stories.models import StoryContent, load_story_content

ROOT = Path(__file__).resolve().parent.parent
EVAL = ROOT / "tests" / "stories" / "eval_stories.yaml"
RUNS = 200
TARGET_MS = 50.0


def run() -> Iterable[Figure]:
    """Yield recall, part accuracy and timing figures."""
    content = load_story_content(ROOT / "content")
    stories = load_eval_stories(EVAL)
    labelled = sum(1 for s in stories if s.principles)
    print(f"evaluating {len(stories)} stories ({labelled} labelled)", file=sys.stderr)
    ours = evaluate(stories, analyzer_ranker(content), analyzer_parts(content))
    base = evaluate(stories, tfidf_ranker(content), tfidf_parts(content))
    yield Figure("top-1 principle recall", f"{ours.top1:.1%}", "> tf-idf", ours.top1 > base.top1)
    yield Figure("top-3 principle recall", f"{ours.top3:.1%}", "> tf-idf", ours.top3 > base.top3)
    yield Figure("STAR part accuracy", f"{ours.parts:.1%}", "> tf-idf", ours.parts > base.parts)
    yield Figure("tf-idf top-1 recall", f"{base.top1:.1%}")
    yield Figure("tf-idf top-3 recall", f"{base.top3:.1%}")
    yield Figure("tf-idf part accuracy", f"{base.parts:.1%}")
    yield from _keyword_figure(content)
    yield from _timing(content, stories[0].text)


def _keyword_figure(content: StoryContent) -> Iterable[Figure]:
    names = ", ".join(p.name for p in content.principles)
    top = analyze(names, content).principles
    best = f"{top[0].strength} {top[0].score:.2f}" if top else "none reported"
    ok = not top or top[0].strength != "strong"
    yield Figure("keyword list best principle", best, "not strong", ok)


def _timing(content: StoryContent, seed: str) -> Iterable[Figure]:
    story = _story_of_words(seed, 600)
    print(f"timing {RUNS} analyses of a 600-word story", file=sys.stderr)
    analyze(story, content)  # warm the compiled-content cache
    times = []
    for _ in range(RUNS):
        start = time.perf_counter()
        analyze(story, content)
        times.append((time.perf_counter() - start) * 1000)
    cuts = statistics.quantiles(times, n=100)
    p50, p99 = statistics.median(times), cuts[98]
    yield Figure("analyze 600 words p50", f"{p50:.2f} ms", f"< {TARGET_MS:.0f} ms", p50 < TARGET_MS)
    yield Figure("analyze 600 words p99", f"{p99:.2f} ms", f"< {TARGET_MS:.0f} ms", p99 < TARGET_MS)


def _story_of_words(seed: str, words: int) -> str:
    """Repeat a real story's paragraphs until it has ``words`` words."""
    paragraphs = [p for p in seed.split("\n") if p.strip()]
    out: list[str] = []
    count = 0
    while count < words:
        for p in paragraphs:
            out.append(p)
            count += len(p.split())
            if count >= words:
                break
    text = " ".join(" ".join(out).split()[:words])
    return text if text.endswith(".") else text + "."
