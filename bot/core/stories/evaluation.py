"""Evaluation of the story analyzer against labelled stories, and a TF-IDF baseline.

Used by ``bench/stories.py`` and the evaluation test; figures are always computed from data.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import yaml

from bot.core.stories.analyzer import analyze
from bot.core.stories.models import PART_NAMES, StoryContent
from bot.core.stories.text import normalize, split_sentences, stems, tokens


@dataclass(frozen=True, slots=True)
class LabelledStory:
    """One evaluation story with its expected principles, parts and flags."""

    id: str
    text: str
    quality: str
    principles: tuple[str, ...]
    parts: frozenset[str]
    flags: frozenset[str]


@dataclass(frozen=True, slots=True)
class Scores:
    """Recall of the labelled principles in the top 1 and top 3, and part accuracy."""

    top1: float
    top3: float
    parts: float


Ranker = Callable[[str], Sequence[str]]
PartDetector = Callable[[str], frozenset[str]]


def load_eval_stories(path: Path) -> list[LabelledStory]:
    """Read the labelled stories YAML."""
    with path.open(encoding="utf-8") as handle:
        data = yaml.safe_load(handle)
    return [
        LabelledStory(
            id=s["id"],
            text=s["text"],
            quality=s["quality"],
            principles=tuple(s["principles"]),
            parts=frozenset(s["parts"]),
            flags=frozenset(s.get("flags", ())),
        )
        for s in data["stories"]
    ]


def recall_at(ranked: Sequence[str], labels: Sequence[str], k: int) -> float:
    """Share of the labels (at most k of them count) found in the first k ranked ids."""
    if not labels:
        raise ValueError("recall needs at least one label")
    return len(set(ranked[:k]) & set(labels)) / min(k, len(labels))


def part_accuracy(predicted: frozenset[str], expected: frozenset[str]) -> float:
    """Share of the five STAR parts whose presence was predicted correctly."""
    return sum((p in predicted) == (p in expected) for p in PART_NAMES) / len(PART_NAMES)


def evaluate(stories: Sequence[LabelledStory], rank: Ranker, detect: PartDetector) -> Scores:
    """Mean top-1/top-3 recall over labelled stories and mean part accuracy over all."""
    labelled = [s for s in stories if s.principles]
    rankings = {s.id: list(rank(s.text)) for s in labelled}
    return Scores(
        top1=_mean(recall_at(rankings[s.id], s.principles, 1) for s in labelled),
        top3=_mean(recall_at(rankings[s.id], s.principles, 3) for s in labelled),
        parts=_mean(part_accuracy(detect(s.text), s.parts) for s in stories),
    )


def analyzer_ranker(content: StoryContent) -> Ranker:
    """Rank principles with the analyzer (only those it reports)."""
    return lambda text: [m.id for m in analyze(text, content).principles]


def analyzer_parts(content: StoryContent) -> PartDetector:
    """Detect present STAR parts with the analyzer."""
    return lambda text: frozenset(p.name for p in analyze(text, content).parts if p.present)


# ---------------------------------------------------------------- TF-IDF baseline


class TfIdf:
    """Bag-of-stems TF-IDF over labelled documents; ranks labels by cosine to a text."""

    def __init__(self, documents: Mapping[str, str]) -> None:
        bags = {label: Counter(stems(tokens(doc))) for label, doc in documents.items()}
        df = Counter(term for bag in bags.values() for term in bag)
        n = len(bags)
        self._idf = {t: math.log((1 + n) / (1 + c)) + 1 for t, c in df.items()}
        self._docs = {label: self._vector(bag) for label, bag in bags.items()}

    def _vector(self, bag: Counter[str]) -> dict[str, float]:
        vec = {t: (1 + math.log(c)) * self._idf[t] for t, c in bag.items() if t in self._idf}
        norm = math.sqrt(sum(v * v for v in vec.values())) or 1.0
        return {t: v / norm for t, v in vec.items()}

    def rank(self, text: str) -> list[tuple[str, float]]:
        """Labels with cosine similarity to ``text``, best first (ties by label)."""
        query = self._vector(Counter(stems(tokens(text))))
        scores = [
            (label, sum(w * doc.get(t, 0.0) for t, w in query.items()))
            for label, doc in self._docs.items()
        ]
        return sorted(scores, key=lambda item: (-item[1], item[0]))


def tfidf_ranker(content: StoryContent) -> Ranker:
    """Baseline: principles ranked by TF-IDF cosine to name, description and signals."""
    model = TfIdf({p.id: " ".join((p.name, p.description, *p.signals)) for p in content.principles})
    return lambda text: [label for label, score in model.rank(text) if score > 0]


def tfidf_parts(content: StoryContent) -> PartDetector:
    """Baseline: each sentence goes to the part whose headers and cues are nearest by TF-IDF."""
    rules = content.rules
    model = TfIdf({name: " ".join((*r.headers, *r.cues)) for name, r in rules.parts.items()})
    headers = {h.casefold(): name for name, r in rules.parts.items() for h in r.headers}

    def detect(text: str) -> frozenset[str]:
        found: set[str] = set()
        for sentence in split_sentences(normalize(text), headers):
            ranked = model.rank(sentence.text)
            if ranked and ranked[0][1] > 0:
                found.add(ranked[0][0])
        return frozenset(found)

    return detect


def _mean(values: object) -> float:
    items = list(values)  # type: ignore[call-overload]
    return sum(items) / len(items) if items else 0.0
