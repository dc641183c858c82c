"""Text helpers for the story analyzer: normalizing, tokens, stems, phrases, sentences.

Everything here is deterministic and standard-library only.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

_QUOTES = str.maketrans(
    {"\u2019": "'", "\u2018": "'", "\u201c": '"', "\u201d": '"', "\u2014": " - "}
)
_TOKEN = re.compile(r"[a-z0-9]+(?:'[a-z]+)*|[%$\u20ac\u00a3]")
_WORD = re.compile(r"\w+(?:'\w+)*")
_BULLET = re.compile(r"^\s*(?:[-*\u2022>]+|\d{1,2}[.)])\s+")
_SENTENCE_END = re.compile(r"(?<=[.!?])[\"')\]]*\s+(?=[\"'(\[]?[A-Z0-9])")
_MARKUP = re.compile(r"(\*\*|__|(?<!\w)[*_](?=\w)|(?<=\w)[*_](?!\w))")
_HEADER_COLON = re.compile(
    r"^[\s>#\-\u2022]*(?:\*\*|__|\*|_)?\s*([A-Za-z][A-Za-z' ]{0,30}?)\s*(?:\*\*|__|\*|_)?"
    r"\s*[:\uff1a]\s*(?:\*\*|__|\*|_)?\s*(.*)$"
)
_HEADER_BARE = re.compile(r"^\s*(#{1,6}|\*\*|__)?\s*([A-Za-z][A-Za-z' ]{1,30}?)\s*(?:\*\*|__)?\s*$")


def normalize(text: str) -> str:
    """Unicode-normalize, straighten quotes and unify line ends."""
    text = unicodedata.normalize("NFKC", text).translate(_QUOTES)
    return text.replace("\r\n", "\n").replace("\r", "\n")


def tokens(text: str) -> list[str]:
    """Lower-case word tokens (with apostrophes kept) plus ``%`` and currency signs."""
    return _TOKEN.findall(text.casefold().replace("-", " "))


def word_count(text: str) -> int:
    """Number of words as a reader counts them (emoji and punctuation are not words)."""
    return len(_WORD.findall(text))


def stem(word: str) -> str:
    """A light suffix-stripping stem, so "mentored", "mentoring" and "mentors" meet."""
    if len(word) <= 3 or not word.isalpha():
        return word
    if word.endswith(("ies", "ied")):
        return word[:-3] + "y"
    for suffix in ("ing", "ed"):
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            base = word[: -len(suffix)]
            if len(base) > 3 and base[-1] == base[-2] and base[-1] not in "lsz":
                base = base[:-1]
            return base.rstrip("e") or base
    if word.endswith("sses"):
        return word[:-2]
    if word.endswith(("ches", "shes", "xes")):
        return word[:-2]
    if word.endswith("s") and not word.endswith(("ss", "us", "is")):
        word = word[:-1]
    if word.endswith("ly") and len(word) > 5:
        word = word[:-2]
    return word.rstrip("e") if len(word) > 3 else word


def stems(words: Iterable[str]) -> tuple[str, ...]:
    """Stem every token."""
    return tuple(stem(w) for w in words)


class PhraseIndex:
    """Finds labelled phrases (sequences of stems) in a stemmed sentence."""

    def __init__(self, phrases: Iterable[tuple[str, str]]) -> None:
        self._by_first: dict[str, list[tuple[tuple[str, ...], str, str]]] = {}
        seen: set[tuple[tuple[str, ...], str]] = set()
        for label, phrase in phrases:
            key = stems(tokens(phrase))
            if not key or (key, label) in seen:
                continue
            seen.add((key, label))
            self._by_first.setdefault(key[0], []).append((key, label, phrase))

    def find(self, sentence_stems: tuple[str, ...]) -> dict[str, list[str]]:
        """Map each label to the distinct phrases of it found, in first-seen order."""
        found: dict[str, list[str]] = {}
        for i, first in enumerate(sentence_stems):
            for key, label, phrase in self._by_first.get(first, ()):
                if sentence_stems[i : i + len(key)] == key:
                    hits = found.setdefault(label, [])
                    if phrase not in hits:
                        hits.append(phrase)
        return found

    def starts(self, sentence_stems: tuple[str, ...]) -> list[int]:
        """Positions where any phrase begins."""
        return [
            i
            for i, first in enumerate(sentence_stems)
            if any(
                sentence_stems[i : i + len(key)] == key
                for key, _, _ in self._by_first.get(first, ())
            )
        ]

    def count(self, sentence_stems: tuple[str, ...]) -> int:
        """Number of phrase occurrences (all labels together)."""
        total = 0
        for i, first in enumerate(sentence_stems):
            for key, _label, _phrase in self._by_first.get(first, ()):
                if sentence_stems[i : i + len(key)] == key:
                    total += 1
        return total


@dataclass(frozen=True, slots=True)
class RawSentence:
    """A sentence as split from the story, with the part its header named (if any)."""

    text: str
    header: str | None


def header_of(line: str, headers: Mapping[str, str]) -> tuple[str, str] | None:
    """If ``line`` starts with a STAR header, return (part, rest of the line)."""
    match = _HEADER_COLON.match(line)
    if match:
        part = headers.get(" ".join(match.group(1).casefold().split()))
        if part is not None:
            return part, match.group(2)
    match = _HEADER_BARE.match(line)
    if match:
        label = " ".join(match.group(2).casefold().split())
        part = headers.get(label)
        if part is not None and (len(label) > 1 or match.group(1)):
            return part, ""
    return None


def split_sentences(text: str, headers: Mapping[str, str]) -> list[RawSentence]:
    """Split a story into sentences, honouring header lines ("Situation:", "**Task**")."""
    out: list[RawSentence] = []
    current: str | None = None
    chunk: list[str] = []

    def flush() -> None:
        if chunk:
            out.extend(RawSentence(s, current) for s in _sentences(" ".join(chunk)))
            chunk.clear()

    for line in text.split("\n"):
        found = header_of(line, headers)
        if found is not None:
            flush()
            current, line = found
        if not line.strip():
            flush()
            continue
        if _BULLET.match(line):
            flush()
            line = _BULLET.sub("", line)
        chunk.append(line.strip())
    flush()
    return out


def _sentences(paragraph: str) -> list[str]:
    clean = _MARKUP.sub("", paragraph)
    parts = (" ".join(p.split()) for p in _SENTENCE_END.split(clean))
    return [p for p in parts if _WORD.search(p)]
