"""``studybot story analyze FILE|-``: STAR feedback on a story in the terminal."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Protocol

from bot.core.stories.analyzer import StoryInputError, analyze
from bot.core.stories.loader import load_story_content_checked
from bot.core.stories.render import render_text, to_json_dict
from bot.core.stories.submission import parse_submission

_READ_FACTOR = 4
"""Read at most this many bytes per allowed character (UTF-8 needs up to 4)."""


class _Settings(Protocol):
    @property
    def content_dir(self) -> Path: ...


def analyze_command(settings: _Settings, file: str, as_json: bool) -> int:
    """Print feedback on the story in ``file`` (``-`` reads standard input); 1 on bad input.

    Leading ``Q: <question>`` and ``target: <principle>`` lines work as in chat.
    """
    content = load_story_content_checked(settings.content_dir)
    limit = content.rules.max_chars
    _utf8_out()
    try:
        raw = _read(file, limit * _READ_FACTOR + 1)
    except OSError as exc:
        return _fail(f"cannot read {file}: {exc.strerror or exc}", as_json)
    if len(raw) > limit:
        size = f"{len(raw):,}" if len(raw) <= limit * _READ_FACTOR else f"over {len(raw) - 1:,}"
        return _fail(f"story too long: {size} characters, the limit is {limit:,}", as_json)
    sub = parse_submission(raw, content)
    if not sub.text:
        return _fail("empty story: there are no words to analyze", as_json)
    try:
        analysis = analyze(sub.text, content, sub.question, sub.target)
    except StoryInputError as exc:
        return _fail(str(exc), as_json)
    if as_json:
        print(json.dumps(to_json_dict(analysis), ensure_ascii=False, indent=2))
    else:
        print(render_text(analysis))
    return 0


def _read(file: str, max_bytes: int) -> str:
    if file == "-":
        data = sys.stdin.buffer.read(max_bytes)
    else:
        with Path(file).open("rb") as handle:
            data = handle.read(max_bytes)
    return data.decode("utf-8", errors="replace")


def _fail(message: str, as_json: bool) -> int:
    if as_json:
        print(json.dumps({"error": message}, ensure_ascii=False, indent=2))
    else:
        print(f"studybot story analyze: {message}", file=sys.stderr)
    return 1


def _utf8_out() -> None:
    """Never fail on emoji when the terminal's encoding cannot show them."""
    for stream in (sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)
        if callable(reconfigure):
            reconfigure(errors="replace")
