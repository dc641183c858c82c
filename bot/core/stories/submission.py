"""Split a submitted story into the story itself and its options.

Options come first: ``--private`` (or ``private:``) keeps the feedback to the sender, a line
``Q: <question>`` names the interview question and ``target: <principle>`` the principle to
show. On one line (a slash command) the question ends at its ``?`` and the target is one
word. A last line that is ``target: X`` or exactly a principle's id or name is also taken as
the target (forms append their optional target field after the story).

A one-line story with inline headers (``Situation: … Action: I … Result: …``, as typed in a
slash command) gets a line break before each capitalized header, so the analyzer sees them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.core.stories.models import StoryContent

_PRIVATE = re.compile(r"^(?:--private\b|private:)\s*", re.IGNORECASE)
_QUESTION = re.compile(r"^(?:q|question)\s*:\s*", re.IGNORECASE)
_TARGET = re.compile(r"^target\s*:\s*", re.IGNORECASE)


@dataclass(frozen=True)
class Submission:
    """A story and the options given with it."""

    text: str
    question: str | None = None
    target: str | None = None
    private: bool = False


def parse_submission(raw: str, content: StoryContent) -> Submission:
    """Take the options off ``raw``; the rest is the story (possibly empty)."""
    text = raw.strip()
    private = False
    question: str | None = None
    target: str | None = None
    while text:
        if m := _PRIVATE.match(text):
            private, text = True, text[m.end():]
        elif (m := _QUESTION.match(text)) and question is None:
            question, text = _take_question(text[m.end():])
        elif (m := _TARGET.match(text)) and target is None:
            target, text = _take_target(text[m.end():])
        else:
            break
        text = text.lstrip()
    if target is None:
        target, text = _trailing_target(text, content)
    return Submission(break_headers(text.strip(), content), question or None, target or None,
                      private)


def break_headers(text: str, content: StoryContent) -> str:
    """Start a new line at each capitalized STAR header inside a line (``… Action: I …``)."""
    headers = sorted({h for rule in content.rules.parts.values() for h in rule.headers},
                     key=len, reverse=True)
    words = "|".join(f"{re.escape(h[0].upper())}(?i:{re.escape(h[1:])})"
                     for h in headers if len(h) > 1)
    letters = "".join(h.upper() for h in headers if len(h) == 1)
    pattern = rf"[ \t]+(?=(?:{words})[ \t]*:)"
    if letters:
        pattern += rf"|(?<=[.!?])[ \t]+(?=[{letters}]:)"
    return re.sub(pattern, "\n", text)


def _take_question(rest: str) -> tuple[str, str]:
    line, newline, after = rest.partition("\n")
    mark = line.find("?")
    if mark >= 0 and line[mark + 1:].strip():
        return line[: mark + 1].strip(), line[mark + 1:] + newline + after
    return line.strip(), after


def _take_target(rest: str) -> tuple[str, str]:
    line, _, after = rest.partition("\n")
    if after.strip():
        return line.strip(), after
    word, _, tail = line.strip().partition(" ")
    return word.strip(",.;"), tail


def _trailing_target(text: str, content: StoryContent) -> tuple[str | None, str]:
    head, _, last = text.rstrip().rpartition("\n")
    if not head.strip():
        return None, text
    line = last.strip()
    if m := _TARGET.match(line):
        return line[m.end():].strip() or None, head
    names = {p.id.casefold() for p in content.principles}
    names |= {p.name.casefold() for p in content.principles}
    if line.casefold() in names:
        return line, head
    return None, text
