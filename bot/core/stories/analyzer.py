"""Offline, deterministic STAR story analysis.

``analyze(text, content)`` splits a story into sentences, assigns each to a STAR part
(headers first, otherwise cue phrases plus position, in story order), scores the principles
the story shows from signal phrases weighted by where and how they are said, and raises red
flags with up to three suggestions. The same input always gives the same output.

Scoring resists keyword stuffing: a signal only counts fully in a real sentence (a verb and
enough words), one sentence adds at most ``sentence_cap`` to a principle and splits its weight
when it touches many principles, Action sentences with "I" + a past-tense verb weigh most, and a
story with no first-person action or no result is discounted as a whole.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal

from bot.core.stories.models import PART_NAMES, PartName, Principle, StoryContent
from bot.core.stories.text import PhraseIndex, normalize, split_sentences, stems, tokens, word_count

Strength = Literal["strong", "moderate", "weak"]
ResultKind = Literal["quantitative", "qualitative", "unmeasured", "missing"]


class StoryInputError(ValueError):
    """The story cannot be analyzed as given."""


class StoryTooLong(StoryInputError):
    """The story is over the character limit."""

    def __init__(self, length: int, limit: int) -> None:
        super().__init__(f"story too long: {length} characters, the limit is {limit}")
        self.length = length
        self.limit = limit


class EmptyStory(StoryInputError):
    """The story has no words."""

    def __init__(self) -> None:
        super().__init__("empty story: there are no words to analyze")


class UnknownPrinciple(StoryInputError):
    """The target names no known principle."""

    def __init__(self, target: str) -> None:
        super().__init__(f"unknown principle {target!r}; use an id or name from principles.yaml")
        self.target = target


@dataclass(frozen=True, slots=True)
class Sentence:
    """One sentence of the story and what the analyzer found in it."""

    index: int
    text: str
    part: PartName
    from_header: bool
    words: int
    first_person_action: bool
    has_metric: bool
    fragment: bool
    hypothetical: bool
    stems: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class PartReport:
    """One STAR part: presence, size and sentences."""

    name: PartName
    present: bool
    words: int
    share: float
    sentences: tuple[str, ...]
    source: Literal["header", "inferred", "none"]


@dataclass(frozen=True, slots=True)
class PrincipleMatch:
    """A principle the story shows, with its score in 0..1 and the sentences that show it."""

    id: str
    name: str
    framework: str
    score: float
    strength: Strength
    evidence: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class RedFlag:
    """A problem with the story."""

    id: str
    severity: str
    message: str


@dataclass(frozen=True, slots=True)
class AlsoFits:
    """Another principle the story could answer after a small change."""

    id: str
    name: str
    hint: str


@dataclass(frozen=True, slots=True)
class Analysis:
    """The full feedback on one story."""

    word_count: int
    spoken_minutes: float
    parts: tuple[PartReport, ...]
    i_share: float | None
    result_kind: ResultKind
    metrics: tuple[str, ...]
    principles: tuple[PrincipleMatch, ...]
    red_flags: tuple[RedFlag, ...]
    suggestions: tuple[str, ...]
    also_fits: tuple[AlsoFits, ...]
    targets: tuple[str, ...]

    def part(self, name: PartName) -> PartReport:
        """The report of one STAR part."""
        return next(p for p in self.parts if p.name == name)

    @property
    def flag_ids(self) -> tuple[str, ...]:
        """Ids of the red flags raised, most important first."""
        return tuple(f.id for f in self.red_flags)


# ---------------------------------------------------------------- compiled content


@dataclass(frozen=True, slots=True)
class _Compiled:
    headers: dict[str, str]
    cues: PhraseIndex
    signals: PhraseIndex
    questions: PhraseIndex
    blame: PhraseIndex
    hypothetical: PhraseIndex
    vague: PhraseIndex
    singular: frozenset[str]
    plural: frozenset[str]
    past_verbs: frozenset[str]
    plain_verbs: frozenset[str]
    units: frozenset[str]
    number_words: frozenset[str]
    metric_words: frozenset[str]
    qualitative: frozenset[str]


_CACHE: dict[int, tuple[StoryContent, _Compiled]] = {}


def _compiled(content: StoryContent) -> _Compiled:
    hit = _CACHE.get(id(content))
    if hit is not None and hit[0] is content:
        return hit[1]
    rules, lex = content.rules, content.rules.lexicon
    compiled = _Compiled(
        headers={h.casefold(): name for name, r in rules.parts.items() for h in r.headers},
        cues=PhraseIndex((name, c) for name, r in rules.parts.items() for c in r.cues),
        signals=PhraseIndex((p.id, s) for p in content.principles for s in p.signals),
        questions=PhraseIndex(
            (p.id, s) for p in content.principles for s in (*p.question_cues, p.name)
        ),
        blame=PhraseIndex(("blame", p) for p in lex.blame_phrases),
        hypothetical=PhraseIndex(("hyp", p) for p in lex.hypothetical_phrases),
        vague=PhraseIndex(("vague", p) for p in lex.vague_phrases),
        singular=frozenset(lex.singular_pronouns),
        plural=frozenset(lex.plural_pronouns),
        past_verbs=frozenset(lex.past_verbs),
        plain_verbs=frozenset(lex.plain_verbs),
        units=frozenset(u.casefold() for u in lex.metric_units),
        number_words=frozenset(lex.number_words),
        metric_words=frozenset(lex.metric_words),
        qualitative=frozenset(lex.qualitative_words),
    )
    if len(_CACHE) > 8:
        _CACHE.clear()
    _CACHE[id(content)] = (content, compiled)
    return compiled


# ---------------------------------------------------------------- entry point


def analyze(
    text: str,
    content: StoryContent,
    question: str | None = None,
    target: str | None = None,
) -> Analysis:
    """Analyze a STAR story; raise :class:`StoryTooLong` or :class:`EmptyStory` on bad input.

    ``question`` is the interview question the story answers; ``target`` a principle id or
    name the member wants to show. Both only add checks; they never raise scores.
    """
    limit = content.rules.max_chars
    if len(text) > limit:
        raise StoryTooLong(len(text), limit)
    targets = _resolve_targets(content, question, target)
    comp = _compiled(content)
    sentences = _sentences(normalize(text), content, comp)
    if not sentences:
        raise EmptyStory()
    total = sum(s.words for s in sentences)
    parts = _part_reports(sentences, total)
    i_share, pronouns = _i_share(sentences, comp)
    result_kind, metrics = _result_kind(sentences, comp)
    principles, raw = _score_principles(sentences, content, comp)
    flags = _red_flags(
        content, comp, sentences, parts, total, i_share, pronouns, result_kind, principles, targets
    )
    limit_s = content.rules.max_suggestions
    return Analysis(
        word_count=total,
        spoken_minutes=round(total / content.rules.length.words_per_minute, 1),
        parts=parts,
        i_share=i_share,
        result_kind=result_kind,
        metrics=metrics,
        principles=principles,
        red_flags=tuple(f for f, _ in flags),
        suggestions=tuple(s for _, s in flags)[:limit_s],
        also_fits=_also_fits(content, principles, raw),
        targets=targets,
    )


# ---------------------------------------------------------------- sentences and parts


def _sentences(text: str, content: StoryContent, comp: _Compiled) -> list[Sentence]:
    raw = split_sentences(text, comp.headers)
    feats = [_features(r.text, comp, content.rules.scoring.min_sentence_words) for r in raw]
    words = [f[0] for f in feats]
    parts = _assign_parts([r.header for r in raw], feats, words, content, comp)
    return [
        Sentence(
            index=i,
            text=r.text,
            part=parts[i],
            from_header=r.header is not None,
            words=f[0],
            first_person_action=f[1],
            has_metric=bool(f[2]),
            fragment=f[3],
            hypothetical=f[4],
            stems=f[5],
        )
        for i, (r, f) in enumerate(zip(raw, feats, strict=True))
    ]


_Features = tuple[int, bool, tuple[str, ...], bool, bool, tuple[str, ...]]


def _features(text: str, comp: _Compiled, min_words: int) -> _Features:
    """(words, I+past verb, metrics, fragment, hypothetical, stems) of one sentence."""
    toks = tokens(text)
    st = stems(toks)
    n = word_count(text)
    fp = _first_person_verb(toks, comp)
    has_verb = fp or any(_is_verb(t, comp) for t in toks)
    commas = text.count(",") + text.count(";")
    listy = commas >= 3 and commas / max(n, 1) > 0.2
    fragment = n < min_words or not has_verb or listy
    hyp = any(
        not start or st[start - 1] not in _REPORTED_SPEECH for start in comp.hypothetical.starts(st)
    )
    return n, fp and not hyp, _metrics(toks, comp), fragment, hyp, st


def _is_verb(tok: str, comp: _Compiled) -> bool:
    return (
        tok in comp.plain_verbs
        or tok in comp.past_verbs
        or (len(tok) > 4 and tok.endswith("ed"))
        or (len(tok) > 5 and tok.endswith("ing"))
    )


def _first_person_verb(toks: list[str], comp: _Compiled) -> bool:
    """True when "I" is followed within three words by a past-tense verb."""
    for i, tok in enumerate(toks):
        if tok != "i":
            continue
        for nxt in toks[i + 1 : i + 4]:
            if nxt in comp.past_verbs or (len(nxt) > 3 and nxt.endswith("ed")):
                return True
    return False


_REPORTED_SPEECH = frozenset(("how", "that", "what", "whether", "which", "where", "said", "told"))
"""Words before "we would" that make it reported speech about the past, not a hypothetical."""

_NUMBER = re.compile(r"^(\d[\d,.]*)([a-z]*)$")
_YEAR = re.compile(r"^(19|20)\d\d$")
_NOT_METRIC_BEFORE = frozenset(
    ("version", "v", "step", "phase", "day", "sprint", "q", "level", "tier", "no", "number")
    + ("chapter", "section", "page", "release", "january", "february", "march", "april", "may")
    + ("june", "july", "august", "september", "october", "november", "december", "jan", "feb")
    + ("mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec")
)
"""Words before a number that make it a label or a date, not a measurement."""


def _metrics(toks: list[str], comp: _Compiled) -> tuple[str, ...]:
    """Measurable figures in a sentence; a bare year or a date is not one."""
    found: list[str] = []
    for i, tok in enumerate(toks):
        prev = toks[i - 1] if i else ""
        nxt = toks[i + 1] if i + 1 < len(toks) else ""
        match = _NUMBER.match(tok)
        if match:
            number, suffix = match.groups()
            if suffix:
                ok = suffix in comp.units
            elif _YEAR.match(number):
                ok = nxt in comp.units and nxt not in ("years", "days", "months", "weeks")
            else:
                ok = prev not in _NOT_METRIC_BEFORE or nxt in comp.units
            if ok or prev in ("$", "\u20ac", "\u00a3"):
                found.append(f"{tok} {nxt}".strip() if nxt in comp.units else tok)
        elif tok in comp.metric_words:
            found.append(tok)
        elif tok in comp.number_words and nxt in comp.units:
            found.append(f"{tok} {nxt}")
    return tuple(found)


def _assign_parts(
    headers: list[str | None],
    feats: list[_Features],
    words: list[int],
    content: StoryContent,
    comp: _Compiled,
) -> list[PartName]:
    """Headed sentences keep their header; each unheaded run is segmented in story order."""
    total = max(sum(words), 1)
    positions: list[float] = []
    seen = 0
    for w in words:
        positions.append((seen + w / 2) / total)
        seen += w
    parts: list[PartName | None] = [h for h in headers]  # type: ignore[misc]
    i = 0
    while i < len(parts):
        if parts[i] is not None:
            i += 1
            continue
        j = i
        while j < len(parts) and parts[j] is None:
            j += 1
        emissions = [_emission(positions[k], feats[k], content, comp) for k in range(i, j)]
        parts[i:j] = _best_path(emissions)
        i = j
    return [p for p in parts if p is not None]


def _emission(pos: float, feat: _Features, content: StoryContent, comp: _Compiled) -> list[float]:
    """Score of each part for one unheaded sentence: base + position prior + cues."""
    seg = content.rules.segmentation
    cues = comp.cues.find(feat[5])
    scores: list[float] = []
    for name in PART_NAMES:
        rule = content.rules.parts[name]
        score = rule.base + rule.prior * math.exp(-(((pos - rule.center) / rule.width) ** 2))
        score += min(seg.cue_cap, seg.cue_weight * len(cues.get(name, ()))) * rule.cue_boost
        if name == "action" and feat[1] and "learning" not in cues:
            score += seg.first_person_action
        if name == "result" and feat[2]:
            score += seg.metric_result
        scores.append(score)
    return scores


def _best_path(emissions: list[list[float]]) -> list[PartName]:
    """Best assignment of parts that never goes back in STAR order (Viterbi)."""
    n_parts = len(PART_NAMES)
    best = [list(emissions[0])]
    back: list[list[int]] = [[p for p in range(n_parts)]]
    for row in emissions[1:]:
        prev = best[-1]
        cur, ptr = [], []
        for p in range(n_parts):
            q = max(range(p + 1), key=lambda k: (prev[k], -k))
            cur.append(prev[q] + row[p])
            ptr.append(q)
        best.append(cur)
        back.append(ptr)
    p = max(range(n_parts), key=lambda k: (best[-1][k], -k))
    path = [p]
    for ptr in reversed(back[1:]):
        p = ptr[p]
        path.append(p)
    return [PART_NAMES[k] for k in reversed(path)]


def _part_reports(sentences: list[Sentence], total: int) -> tuple[PartReport, ...]:
    reports = []
    for name in PART_NAMES:
        mine = [s for s in sentences if s.part == name]
        words = sum(s.words for s in mine)
        if not mine:
            source: Literal["header", "inferred", "none"] = "none"
        else:
            source = "header" if all(s.from_header for s in mine) else "inferred"
        reports.append(
            PartReport(
                name=name,
                present=bool(mine) and words > 0,
                words=words,
                share=round(words / total, 3) if total else 0.0,
                sentences=tuple(s.text for s in mine),
                source=source,
            )
        )
    return tuple(reports)


def _i_share(sentences: list[Sentence], comp: _Compiled) -> tuple[float | None, int]:
    """Share of "I" among first-person pronouns in the Action (whole story if no Action)."""
    action = [s for s in sentences if s.part == "action"] or sentences
    singular = plural = 0
    for s in action:
        for tok in tokens(s.text):
            singular += tok in comp.singular
            plural += tok in comp.plural
    pronouns = singular + plural
    return (round(singular / pronouns, 3) if pronouns else None), pronouns


def _result_kind(sentences: list[Sentence], comp: _Compiled) -> tuple[ResultKind, tuple[str, ...]]:
    result = [s for s in sentences if s.part == "result"]
    if not result:
        return "missing", ()
    metrics = tuple(m for s in result for m in _metrics(tokens(s.text), comp))
    if metrics:
        return "quantitative", metrics
    if any(t in comp.qualitative for s in result for t in tokens(s.text)):
        return "qualitative", ()
    return "unmeasured", ()


# ---------------------------------------------------------------- principles


def _score_principles(
    sentences: list[Sentence], content: StoryContent, comp: _Compiled
) -> tuple[tuple[PrincipleMatch, ...], dict[str, float]]:
    """Rank principles by capped, weighted sentence evidence; return matches and raw scores."""
    sc = content.rules.scoring
    raw: dict[str, float] = {}
    evidence: dict[str, list[tuple[float, int]]] = {}
    repeats: dict[tuple[str, str], int] = {}
    for s in sentences:
        found = comp.signals.find(s.stems)
        if not found:
            continue
        dilution = min(1.0, sc.dilution_after / len(found))
        weight = sc.part_weights[s.part] * dilution * _sentence_factor(s, content)
        for pid, phrases in found.items():
            # A phrase said again adds less each time: 1, 1/2, 1/3 ...
            fresh = 0.0
            for phrase in phrases:
                seen = repeats.get((pid, phrase), 0)
                repeats[(pid, phrase)] = seen + 1
                fresh += 1 / (1 + seen)
            contrib = min(sc.sentence_cap, sc.signal_weight * fresh) * weight
            raw[pid] = raw.get(pid, 0.0) + contrib
            evidence.setdefault(pid, []).append((contrib, s.index))
    factor = _story_factor(sentences, content)
    order = {p.id: i for i, p in enumerate(content.principles)}
    scored = sorted(
        ((1 - math.exp(-raw[pid] * factor / sc.scale), pid) for pid in raw),
        key=lambda item: (-round(item[0], 6), order[item[1]]),
    )
    matches = [
        _match(content.principle(pid), score, evidence[pid], sentences, content)
        for score, pid in scored
        if score >= sc.weak
    ][: sc.max_principles]
    return tuple(matches), {pid: raw[pid] * factor for pid in raw}


def _sentence_factor(s: Sentence, content: StoryContent) -> float:
    sc = content.rules.scoring
    factor = sc.fragment_factor if s.fragment else 1.0
    if s.hypothetical:
        factor *= sc.hypothetical_factor
    elif s.first_person_action:
        factor *= sc.first_person_bonus
    return factor


def _story_factor(sentences: list[Sentence], content: StoryContent) -> float:
    """Discount for stories with no first-person action or no result at all."""
    sc = content.rules.scoring
    acts = sum(1 for s in sentences if s.first_person_action and not s.fragment)
    factor = sc.no_action_factor if acts == 0 else sc.thin_action_factor if acts == 1 else 1.0
    if not any(s.part == "result" for s in sentences):
        factor *= sc.no_result_factor
    return factor


def _match(
    principle: Principle,
    score: float,
    evidence: list[tuple[float, int]],
    sentences: list[Sentence],
    content: StoryContent,
) -> PrincipleMatch:
    sc = content.rules.scoring
    best = sorted(evidence, key=lambda e: (-e[0], e[1]))[: sc.max_evidence]
    strength: Strength = (
        "strong" if score >= sc.strong else "moderate" if score >= sc.moderate else "weak"
    )
    return PrincipleMatch(
        id=principle.id,
        name=principle.name,
        framework=principle.framework,
        score=round(score, 3),
        strength=strength,
        evidence=tuple(sentences[i].text for _, i in sorted(best, key=lambda e: e[1])),
    )


def _also_fits(
    content: StoryContent, principles: tuple[PrincipleMatch, ...], raw: Mapping[str, float]
) -> tuple[AlsoFits, ...]:
    """Related principles of the top matches, then ones with some evidence, not yet shown."""
    sc = content.rules.scoring
    shown = {m.id for m in principles if m.strength != "weak"}
    candidates: list[str] = []
    for m in principles[:3]:
        candidates.extend(content.principle(m.id).related)
    candidates.extend(sorted(raw, key=lambda pid: (-raw[pid], pid)))
    out: list[AlsoFits] = []
    for pid in candidates:
        if pid in shown or any(a.id == pid for a in out):
            continue
        p = content.principle(pid)
        out.append(AlsoFits(id=p.id, name=p.name, hint=p.hint))
        if len(out) >= sc.max_also_fits:
            break
    return tuple(out)


def _resolve_targets(
    content: StoryContent, question: str | None, target: str | None
) -> tuple[str, ...]:
    """The principle ids the member aims at: the target, else those the question asks for."""
    if target and target.strip():
        wanted = " ".join(target.casefold().replace("_", "-").split())
        for p in content.principles:
            if wanted in (p.id, p.name.casefold(), p.name.casefold().split(" (")[0]):
                return (p.id,)
        raise UnknownPrinciple(target)
    if not question or not question.strip():
        return ()
    found = _compiled(content).questions.find(stems(tokens(normalize(question))))
    if not found:
        return ()
    top = max(len(v) for v in found.values())
    order = [p.id for p in content.principles]
    return tuple(sorted((pid for pid, v in found.items() if len(v) == top), key=order.index))[:3]


# ---------------------------------------------------------------- red flags


def _red_flags(
    content: StoryContent,
    comp: _Compiled,
    sentences: list[Sentence],
    parts: tuple[PartReport, ...],
    total: int,
    i_share: float | None,
    pronouns: int,
    result_kind: ResultKind,
    principles: tuple[PrincipleMatch, ...],
    targets: tuple[str, ...],
) -> list[tuple[RedFlag, str]]:
    """Red flags with their suggestion, most important first."""
    rules, th = content.rules, content.rules.thresholds
    by_name = {p.name: p for p in parts}
    raised: dict[str, dict[str, object]] = {}
    missing = [n for n in PART_NAMES[:4] if not by_name[n].present]
    if missing:
        raised["missing-parts"] = {"parts": ", ".join(n.capitalize() for n in missing)}
    if result_kind == "unmeasured":
        raised["no-metric"] = {}
    elif result_kind == "qualitative":
        raised["qualitative-result"] = {}
    if i_share is not None and pronouns >= th.min_pronouns and i_share < th.min_i_share:
        raised["low-i-share"] = {"i_share": f"{i_share:.0%}"}
    hyp = sum(1 for s in sentences if s.hypothetical and s.part != "learning")
    if hyp > th.hypothetical_max:
        raised["hypothetical"] = {"count": hyp}
    blame = _phrases(comp.blame, sentences)
    if blame:
        raised["blame"] = {"phrases": ", ".join(f'"{b}"' for b in blame[:3])}
    action = by_name["action"]
    if action.present and action.share < th.action_min_share:
        raised["action-too-small"] = {"action_share": f"{action.share:.0%}"}
    setup = by_name["situation"].share + by_name["task"].share
    if setup > th.setup_max_share:
        raised["setup-too-long"] = {"setup_share": f"{setup:.0%}"}
    length = rules.length
    if total > length.max_words:
        raised["too-long"] = {}
    elif total < length.min_words:
        raised["too-short"] = {}
    vague_count = sum(comp.vague.count(s.stems) for s in sentences)
    if vague_count > th.vague_max:
        vague = _phrases(comp.vague, sentences)
        raised["vague"] = {"phrases": ", ".join(f'"{v}"' for v in vague[:4])}
    if not principles or principles[0].strength == "weak":
        raised["no-clear-principle"] = {}
    strong_ids = {m.id for m in principles if m.strength != "weak"}
    if targets and not strong_ids.intersection(targets):
        p = content.principle(targets[0])
        raised["target-not-shown"] = {"target": p.name, "hint": p.hint}
    if not by_name["learning"].present:
        raised["no-learning"] = {}
    common: dict[str, object] = {
        "words": total,
        "minutes": f"{total / length.words_per_minute:.1f}",
        "min_words": length.min_words,
        "max_words": length.max_words,
    }
    out = []
    for flag_id in sorted(raised, key=lambda f: (rules.flags[f].priority, f)):
        rule = rules.flags[flag_id]
        fields = {**common, **raised[flag_id]}
        out.append(
            (
                RedFlag(flag_id, rule.severity, rule.message.format_map(fields)),
                rule.suggestion.format_map(fields),
            )
        )
    return out


def _phrases(index: PhraseIndex, sentences: list[Sentence]) -> list[str]:
    """Distinct phrases of ``index`` found in the story, in order of appearance."""
    found: list[str] = []
    for s in sentences:
        for hits in index.find(s.stems).values():
            found.extend(hits)
    return list(dict.fromkeys(found))
