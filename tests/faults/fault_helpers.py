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
