"""Format a story :class:`~bot.core.stories.analyzer.Analysis` for chat or as JSON data."""

from __future__ import annotations

from typing import Any

from bot.core.stories.analyzer import Analysis, PartReport

_MAX_QUOTE = 160


def to_json_dict(analysis: Analysis) -> dict[str, Any]:
    """The analysis as plain JSON data: parts, ranked principles, flags, suggestions, words."""
    return {
        "parts": {p.name: _part_dict(analysis, p) for p in analysis.parts},
        "principles": [
            {"id": m.id, "name": m.name, "score": m.score, "evidence": list(m.evidence)}
            for m in analysis.principles
        ],
        "red_flags": [
            {"id": f.id, "severity": f.severity, "message": f.message} for f in analysis.red_flags
        ],
        "suggestions": list(analysis.suggestions),
        "word_count": analysis.word_count,
    }


def _part_dict(analysis: Analysis, part: PartReport) -> dict[str, Any]:
    data: dict[str, Any] = {
        "present": part.present,
        "words": part.words,
        "share": part.share,
        "source": part.source,
        "sentences": list(part.sentences),
    }
    if part.name == "action":
        data["i_share"] = analysis.i_share
    if part.name == "result":
        data["kind"] = analysis.result_kind
        data["metrics"] = list(analysis.metrics)
    return data


def render_text(analysis: Analysis) -> str:
    """The analysis as chat text (``*bold*`` headings, one item a line)."""
    lines = [
        f"*STAR story check* - {analysis.word_count} words, "
        f"about {analysis.spoken_minutes:.1f} min spoken",
        "",
        "*Structure*",
        *(_part_line(analysis, p) for p in analysis.parts),
        "",
        "*Principles shown*",
        *_principle_lines(analysis),
    ]
    if analysis.red_flags:
        lines += ["", "*Red flags*"]
        lines += [f"- [{f.severity}] {f.message}" for f in analysis.red_flags]
    if analysis.suggestions:
        lines += ["", "*Suggestions*"]
        lines += [f"{i}. {s}" for i, s in enumerate(analysis.suggestions, 1)]
    if analysis.also_fits:
        lines += ["", "*With a small change it could also answer*"]
        lines += [f"- {a.name}: {a.hint}" for a in analysis.also_fits]
    return "\n".join(lines)


def _part_line(analysis: Analysis, part: PartReport) -> str:
    name = part.name.capitalize()
    if not part.present:
        return f"- {name}: missing"
    count = len(part.sentences)
    extra = ""
    if part.name == "action" and analysis.i_share is not None:
        extra = f", I-share {analysis.i_share:.0%}"
    if part.name == "result":
        extra = f", {analysis.result_kind}"
    plural = "s" if count != 1 else ""
    return f"- {name}: {part.share:.0%} ({count} sentence{plural}{extra})"


def _principle_lines(analysis: Analysis) -> list[str]:
    if not analysis.principles:
        return ["No clear principle yet."]
    lines = []
    for i, m in enumerate(analysis.principles, 1):
        lines.append(f"{i}. {m.name} - {m.strength} ({m.score:.2f})")
        lines += [f'   > "{_clip(e)}"' for e in m.evidence]
    return lines


def _clip(text: str) -> str:
    return text if len(text) <= _MAX_QUOTE else text[: _MAX_QUOTE - 3].rstrip() + "..."
