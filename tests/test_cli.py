"""The studybot command as a user runs it."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def studybot(args, stdin="", tmp_path=None, env=None):
    full_env = {**os.environ, "STUDYBOT_DATA_DIR": str(tmp_path), **(env or {})}
    full_env.pop("DATABASE_URL", None)
    return subprocess.run([sys.executable, "-m", "bot", *args], input=stdin, text=True,
                          capture_output=True, cwd=ROOT, env=full_env, timeout=120)


def test_readme_demo_session(tmp_path):
    out = studybot(["demo"], "/plan\n/done\n/streak\n", tmp_path)
    assert out.returncode == 0, out.stderr
    assert "Day 1 of 90" in out.stdout
    assert "checked in for Day 1" in out.stdout
    assert "streak 1 day(s)" in out.stdout


def test_demo_is_fresh_each_run_and_switches_members(tmp_path):
    studybot(["demo"], "/done\n", tmp_path)
    out = studybot(["demo"], "/done\n/as bob\n/done\n/as !!\n/clock tomorrow\n", tmp_path)
    assert out.stdout.count("checked in for Day 1") == 2
    assert "Usage: /as NAME" in out.stdout and "Usage: /clock" in out.stdout


def test_content_check_prints_a_summary(tmp_path):
    out = studybot(["content", "check"], "", tmp_path)
    assert out.returncode == 0, out.stderr
    assert "track staff-90: 90 days" in out.stdout and "content OK" in out.stdout


def test_broken_content_fails_start_up_naming_file_and_line(tmp_path):
    import shutil

    shutil.copytree(ROOT / "content", tmp_path / "content")
    bad = tmp_path / "content" / "checkpoints.yaml"
    bad.write_text(bad.read_text() + "  - id: broken\n    title: [oops\n")
    out = studybot(["demo"], "/quit\n", tmp_path,
                   env={"STUDYBOT_CONTENT_DIR": str(tmp_path / "content")})
    assert out.returncode == 1
    assert "checkpoints.yaml:" in out.stderr and "not valid YAML" in out.stderr


def test_db_upgrade(tmp_path):
    out = studybot(["db", "upgrade"], "", tmp_path)
    assert out.returncode == 0, out.stderr
    assert (tmp_path / "studybot.sqlite3").exists()
