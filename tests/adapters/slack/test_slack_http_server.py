"""`studybot run slack --http --port P` as a real process, against the fake Web API."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator

import pytest
from conftest import SECRET, TOKEN, action_body, signed_headers, slash_body

from bot.adapters.slack_render import button_element
from bot.core.views import DONE_BUTTON


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def post(url: str, body: str, headers: dict[str, str]) -> int:
    request = urllib.request.Request(url, data=body.encode(), headers=headers, method="POST")
    try:
        with urllib.request.urlopen(request, timeout=5) as response:
            return int(response.status)
    except urllib.error.HTTPError as exc:
        return exc.code


def wait_for(check: Callable[[], object], timeout: float = 15.0) -> object:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = check()
        if found:
            return found
        time.sleep(0.05)
    raise AssertionError("timed out")


@pytest.fixture
def server(fake_slack, tmp_path) -> Iterator[str]:
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "STUDYBOT_"))}
    env.update(SLACK_API_URL=fake_slack.url, SLACK_BOT_TOKEN=TOKEN,
               SLACK_SIGNING_SECRET=SECRET, STUDYBOT_DATA_DIR=str(tmp_path),
               STUDYBOT_ADMINS="UADMIN", STUDYBOT_LOG_LEVEL="DEBUG")
    env.pop("DATABASE_URL", None)
    log = (tmp_path / "server.log").open("w")
    proc = subprocess.Popen([sys.executable, "-m", "bot", "run", "slack", "--http",
                             "--port", str(port)], env=env, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}/slack/events"

    def listening() -> bool:
        assert proc.poll() is None, (tmp_path / "server.log").read_text()
        with socket.socket() as s:
            return s.connect_ex(("127.0.0.1", port)) == 0

    wait_for(listening, 30)
    yield url
    proc.terminate()
    proc.wait(10)
    log.close()
    output = (tmp_path / "server.log").read_text()
    assert TOKEN not in output and SECRET not in output, "a secret reached the log"


def test_http_mode_serves_signed_commands_and_clicks_end_to_end(server, fake_slack):
    form = "application/x-www-form-urlencoded"
    body = slash_body("studybot", "setup weekdays UTC 10:00", user="UADMIN")
    assert post(server, body, signed_headers(body, form)) == 200
    wait_for(lambda: [c for c in fake_slack.of("chat.postMessage")
                      if "Study group is set up" in c.args.get("text", "")])

    body = slash_body("plan", user="U1")
    assert post(server, body, signed_headers(body, form)) == 200
    wait_for(lambda: [c for c in fake_slack.of("chat.postEphemeral") if c.args["user"] == "U1"])

    click = action_body(button_element(DONE_BUTTON), user="U2")
    assert post(server, click, signed_headers(click, form)) == 200
    reply = wait_for(lambda: [c for c in fake_slack.of("chat.postEphemeral")
                              if c.args["user"] == "U2"])
    assert "Day 1" in json.dumps(reply[0].args)  # nothing to check in for before Day 1

    # unsigned and stale requests never get in
    assert post(server, body, {"content-type": form}) == 401
    assert post(server, body, signed_headers(body, form, timestamp=int(time.time()) - 900)) == 401
    url_404 = server.replace("/slack/events", "/elsewhere")
    assert post(url_404, body, signed_headers(body, form)) == 404
