"""The scheduler reports to /metrics: posts sent per kind, and its leadership."""

from __future__ import annotations

import re
import urllib.request

from apscheduler.schedulers.background import BackgroundScheduler

from bot.observability import is_scheduler_leader, start_metrics_server
from bot.scheduling.dispatcher import Dispatcher
from bot.scheduling.leader import NoopLeaderLock
from bot.scheduling.runner import SchedulerHandle


def _sent(text: str, kind: str) -> float:
    found = re.search(rf'^studybot_posts_sent_total\{{kind="{kind}"\}} (\S+)$', text, re.M)
    return float(found.group(1)) if found else 0.0


def _metrics(port: int) -> str:
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=5) as response:
        return response.read().decode()


def test_a_dispatch_counts_its_posts_on_metrics(sqlite_app, clock, make_group, messenger):
    make_group(sqlite_app.store, "c1", start=clock.now().date())
    make_group(sqlite_app.store, "c2", start=clock.now().date())
    server = start_metrics_server(sqlite_app, 0, host="127.0.0.1")
    try:
        before = _sent(_metrics(server.port), "daily")
        d = Dispatcher(sqlite_app.store, sqlite_app.content, clock, messenger, pool_size=1)
        assert len(d.tick(clock.now())) == 2
        d.close()
        assert _sent(_metrics(server.port), "daily") == before + 2
    finally:
        server.stop()


def test_leadership_changes_set_the_gauge(sqlite_app, clock, messenger):
    lock = NoopLeaderLock()
    scheduler = BackgroundScheduler(timezone="UTC")
    d = Dispatcher(sqlite_app.store, sqlite_app.content, clock, messenger, pool_size=1)
    handle = SchedulerHandle(scheduler, d, lock, sqlite_app)
    scheduler.start(paused=True)
    handle.leadership()
    assert handle.leader and is_scheduler_leader()
    lock.release()
    handle.leadership()  # the lock was lost: step down
    assert not handle.leader and not is_scheduler_leader()
    handle.shutdown()
