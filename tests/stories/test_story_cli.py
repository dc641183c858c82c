"""``studybot story analyze``: text and JSON output, stdin, and clear errors."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path

import pytest

from bot.cli import main

STUDYBOT = Path(sys.executable).with_name("studybot")
STORY = (
    "Situation: Our deploy process had fourteen manual steps and a release took an afternoon.\n"
    "Task: My goal for the quarter was to make deploys boring.\n"
    "Action: I mapped every step with the two people who deployed most, deleted nine steps "
    "that only worked around fixed problems, and replaced the manual checks with one CI "
    "script. 🚀\n"
    "Result: A deploy went from three hours to twelve minutes and we release daily.\n"
)


def _stdin(monkeypatch: pytest.MonkeyPatch, data: bytes) -> None:
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(data), encoding="utf-8"))


def test_json_on_a_sample_file(tmp_path, capsys):
    path = tmp_path / "story.txt"
    path.write_text(STORY, encoding="utf-8")
    assert main(["story", "analyze", str(path), "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert {"parts", "principles", "red_flags", "suggestions", "word_count"} <= set(data)
    assert all(data["parts"][p]["present"] for p in ("situation", "task", "action", "result"))
    assert data["principles"] and data["word_count"] > 40
    assert any("🚀" in s for s in data["parts"]["action"]["sentences"])


def test_text_from_stdin(monkeypatch, capsys):
    _stdin(monkeypatch, STORY.encode())
    assert main(["story", "analyze", "-"]) == 0
    out = capsys.readouterr().out
    assert "*STAR story check*" in out and "- Action:" in out and "*Principles shown*" in out


def test_one_line_story_with_inline_headers_finds_the_parts(monkeypatch, capsys):
    _stdin(monkeypatch, STORY.replace("\n", " ").encode())
    assert main(["story", "analyze", "-", "--json"]) == 0
    parts = json.loads(capsys.readouterr().out)["parts"]
    assert all(parts[p]["present"] for p in ("situation", "task", "action", "result"))


def test_invalid_utf8_is_replaced_not_a_traceback(monkeypatch, capsys):
    _stdin(monkeypatch, STORY.encode() + b"\xff\xfe broken bytes.")
    assert main(["story", "analyze", "-"]) == 0
    assert "STAR story check" in capsys.readouterr().out


@pytest.mark.parametrize("data", [b"", b"   \n\t\n", b"... !!! ---"])
def test_empty_input_is_a_clear_error(monkeypatch, capsys, data):
    _stdin(monkeypatch, data)
    assert main(["story", "analyze", "-"]) == 1
    captured = capsys.readouterr()
    assert "empty story" in captured.err and "Traceback" not in captured.err
    assert captured.out == ""


def test_empty_input_as_json_has_an_error_field(monkeypatch, capsys):
    _stdin(monkeypatch, b"")
    assert main(["story", "analyze", "-", "--json"]) == 1
    assert "empty story" in json.loads(capsys.readouterr().out)["error"]


@pytest.mark.parametrize("size", [12_001, 2_000_000])
def test_huge_input_names_the_limit(tmp_path, capsys, size):
    path = tmp_path / "huge.txt"
    path.write_text("I did it. " * (size // 10 + 1), encoding="utf-8")
    assert main(["story", "analyze", str(path)]) == 1
    err = capsys.readouterr().err
    assert "story too long" in err and "the limit is 12,000" in err


def test_missing_file_is_a_clear_error(tmp_path, capsys):
    assert main(["story", "analyze", str(tmp_path / "nope.txt")]) == 1
    assert "cannot read" in capsys.readouterr().err


@pytest.mark.skipif(not STUDYBOT.exists(), reason="studybot console script not installed")
def test_console_script_with_emoji_on_stdin():
    result = subprocess.run([str(STUDYBOT), "story", "analyze", "-", "--json"],
                            input=STORY.encode(), capture_output=True, timeout=60, check=False,
                            env={"PATH": "/usr/bin:/bin", "LANG": "C"})
    assert result.returncode == 0, result.stderr.decode()
    data = json.loads(result.stdout.decode("utf-8"))
    assert any("🚀" in s for s in data["parts"]["action"]["sentences"])
