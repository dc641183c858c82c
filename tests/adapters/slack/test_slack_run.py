"""`run_slack` refuses to start with settings it cannot use, naming what is missing."""

from __future__ import annotations

from argparse import Namespace
from dataclasses import replace

import pytest
from conftest import SECRET, TOKEN

from bot.adapters.slack_adapter import api_base_url, run_slack
from bot.config import Settings, SettingsError


@pytest.mark.parametrize(("changes", "http", "words"), [
    ({}, False, "SLACK_BOT_TOKEN"),
    ({"slack_bot_token": TOKEN}, False, "SLACK_APP_TOKEN"),
    ({"slack_bot_token": TOKEN}, True, "SLACK_SIGNING_SECRET"),
    ({"slack_multi_workspace": True, "slack_signing_secret": SECRET}, False, "--http"),
])
def test_missing_settings_are_named(tmp_path, changes, http, words):
    settings = replace(Settings.from_env({"STUDYBOT_DATA_DIR": str(tmp_path)}), **changes)
    with pytest.raises(SettingsError, match=words.replace("-", r"\-")):
        run_slack(settings, Namespace(http=http, port=0))


def test_api_url_override_keeps_a_trailing_slash():
    settings = Settings.from_env({"SLACK_API_URL": "https://api.slack-gov.com/api"})
    assert api_base_url(settings) == "https://api.slack-gov.com/api/"
    assert api_base_url(Settings.from_env({})) == "https://slack.com/api/"
