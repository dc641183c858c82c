"""Helpers of the fault tests."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

SLACK_TESTS = Path(__file__).resolve().parent.parent / "adapters" / "slack"


def load_slack_harness():
    """The Slack test harness module, or None if the Slack adapter is not installed."""
    if importlib.util.find_spec("bot.adapters.slack_adapter") is None:
        return None
    if str(SLACK_TESTS) not in sys.path:
        sys.path.insert(0, str(SLACK_TESTS))
    spec = importlib.util.spec_from_file_location("slack_harness", SLACK_TESTS / "conftest.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


ROOT = SLACK_TESTS.parents[2]


def settings_for(tmp_path: Path, url: str | None = None, **extra: str):
    """Settings on ``tmp_path`` with the real content (SQLite unless ``url``)."""
    from bot.config import Settings

    env = {"STUDYBOT_DATA_DIR": str(tmp_path), "STUDYBOT_CONTENT_DIR": str(ROOT / "content"),
           "STUDYBOT_SCHEDULES_DIR": str(ROOT / "schedules"), **extra}
    if url:
        env["DATABASE_URL"] = url
    return Settings.from_env(env)
