"""Metrics and health: commands are counted, /metrics and /healthz answer while running."""

from __future__ import annotations

import json
import urllib.error
import urllib.request

from prometheus_client import REGISTRY

from bot.core.types import CommandRequest, GroupRef, Member
from bot.observability import (
    record_post,
    set_scheduler_leader,
    start_metrics_server,
)


def _get(port: int, path: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=5) as r:
            return r.status, r.read().decode()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read().decode()


def _value(name: str, **labels: str) -> float:
    return REGISTRY.get_sample_value(name, labels) or 0.0


def test_commands_are_counted_and_timed(sqlite_app):
    group = GroupRef("test", "W", "C")
    before = _value("studybot_commands_total", command="plan", outcome="ok")
    timed = _value("studybot_command_seconds_count", command="plan")
    sqlite_app.bot.handle(CommandRequest(group, Member("U1", "Ada", True), "studybot", "setup"))
    sqlite_app.bot.handle(CommandRequest(group, Member("U1", "Ada"), "plan", "day 2"))
    sqlite_app.bot.handle(CommandRequest(group, Member("U1", "Ada"), "nosuch", ""))
    assert _value("studybot_commands_total", command="plan", outcome="ok") == before + 1
    assert _value("studybot_command_seconds_count", command="plan") == timed + 1
    assert _value("studybot_commands_total", command="unknown", outcome="ok") >= 1


def test_metrics_and_healthz_endpoints(sqlite_app):
    server = start_metrics_server(sqlite_app, 0, host="127.0.0.1")
    try:
        set_scheduler_leader(True)
        record_post("daily", sent=True)
        code, body = _get(server.port, "/healthz")
        assert code == 200
        assert json.loads(body) == {"status": "ok", "database": "ok", "scheduler_leader": True}
        code, text = _get(server.port, "/metrics")
        assert code == 200
        assert "studybot_scheduler_leader 1.0" in text
        assert 'studybot_posts_sent_total{kind="daily"}' in text
        assert _get(server.port, "/nope")[0] == 404
        set_scheduler_leader(False)
    finally:
        server.stop()


def test_healthz_reports_a_database_error(sqlite_app, tmp_path):
    from bot.storage.db import Database

    sqlite_app.db = Database(f"sqlite:///{tmp_path}/missing/dir/x.sqlite3")
    server = start_metrics_server(sqlite_app, 0, host="127.0.0.1")
    try:
        code, body = _get(server.port, "/healthz")
        assert code == 503
        assert json.loads(body)["database"] == "error"
    finally:
        server.stop()
