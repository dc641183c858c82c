"""Two workers on one PostgreSQL database: exactly one leads the scheduler; when the
leader dies (its process stops, its session ends) the other takes over."""

from __future__ import annotations

import contextlib
import time

import psycopg
import pytest
from fault_helpers import settings_for

from bot.app import build_app
from bot.core.types import GroupRef, Reply

runner = pytest.importorskip("bot.scheduling.runner")


class Recorder:
    def __init__(self) -> None:
        self.sent: list[tuple[GroupRef, Reply]] = []

    def send(self, group: GroupRef, reply: Reply) -> str | None:
        self.sent.append((group, reply))
        return None


def _wait(predicate, seconds: float = 10.0) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.05)
    return predicate()


def test_one_leader_and_failover(fresh_pg_url, tmp_path):
    apps = [build_app(settings_for(tmp_path / str(i), fresh_pg_url)) for i in range(2)]
    handles = [runner.start_scheduler(a, Recorder(), leader_retry_seconds=0.2) for a in apps]
    try:
        assert _wait(lambda: any(h.leader for h in handles))
        time.sleep(0.8)  # several retry rounds: still exactly one leader
        assert sum(h.leader for h in handles) == 1
        leader = next(h for h in handles if h.leader)
        follower = next(h for h in handles if not h.leader)

        # The leader dies: its scheduler stops and PostgreSQL ends its session.
        leader.scheduler.shutdown(wait=False)
        admin_url = fresh_pg_url.rsplit("/", 1)[0] + "/postgres"
        with psycopg.connect(admin_url, autocommit=True) as admin:
            killed = admin.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                "WHERE datname = %s AND application_name = 'studybot-leader'",
                (fresh_pg_url.rsplit("/", 1)[1],)).fetchall()
        assert len(killed) == 1
        assert _wait(lambda: follower.leader), "the follower never took over"
    finally:
        for h in handles:
            with contextlib.suppress(Exception):  # the dead leader's scheduler is down
                h.shutdown()
        for a in apps:
            a.close()
