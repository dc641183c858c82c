"""A worker killed with SIGKILL in the middle of a 1,000-group fan-out, then restarted:
every group is posted exactly once. Posts caught between the platform call and the outbox
update at the instant of the kill are claimed again after their lease and reconciled: the
restarted worker finds their key on the "platform" (``FileMessenger.find_sent``) and marks
them sent instead of posting them twice."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections import Counter
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from sqlalchemy import insert, select

from bot.app import build_app
from bot.config import Settings
from bot.storage.models import GroupRow
from bot.storage.models_outbox import OutboxRow

ROOT = Path(__file__).resolve().parents[2]
WORKER = Path(__file__).with_name("fanout_worker.py")
GROUPS = 1_000
DAY = date(2026, 6, 2)  # a Tuesday: one daily post per group
DUE = datetime(2026, 6, 2, 8, 0, tzinfo=UTC)


def _worker(url: str, out: Path, now: datetime) -> subprocess.Popen[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.Popen([sys.executable, str(WORKER), url, str(out), now.isoformat()],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)


def _lines(path: Path) -> list[str]:
    """The channel of every message sent so far."""
    return [line.split()[0] for line in path.read_text().splitlines() if line.strip()] \
        if path.exists() else []


def test_sigkill_mid_fanout_then_restart_posts_every_group_once(fresh_pg_url, tmp_path):
    settings = Settings.from_env({"DATABASE_URL": fresh_pg_url,
                                  "STUDYBOT_DATA_DIR": str(tmp_path),
                                  "STUDYBOT_CONTENT_DIR": str(ROOT / "content"),
                                  "STUDYBOT_SCHEDULES_DIR": str(ROOT / "schedules")})
    app = build_app(settings)
    with app.db.session() as s:
        s.execute(insert(GroupRow), [
            dict(platform="test", workspace="W", channel=f"C{i:04d}", track_id="staff-90",
                 schedule_id="default", timezone="UTC", daily_time="08:00",
                 start_date=DAY - timedelta(days=14), quorum=0.5, created_at=DUE)
            for i in range(GROUPS)])
    out = tmp_path / "sent.txt"

    first = _worker(fresh_pg_url, out, DUE + timedelta(seconds=5))
    deadline = time.monotonic() + 40
    while len(_lines(out)) < 150 and first.poll() is None and time.monotonic() < deadline:
        time.sleep(0.01)
    assert first.poll() is None, f"worker ended before the kill: {first.communicate()}"
    os.kill(first.pid, signal.SIGKILL)
    first.wait()
    sent_before = len(_lines(out))
    assert 0 < sent_before < GROUPS

    # The restart comes after the 5-minute claim lease, still within the 2-hour grace.
    second = _worker(fresh_pg_url, out, DUE + timedelta(minutes=7))
    stdout, stderr = second.communicate(timeout=60)
    assert second.returncode == 0, stderr[-2000:]

    counts = Counter(_lines(out))
    assert set(counts) == {f"C{i:04d}" for i in range(GROUPS)}  # every group posted
    twice = [c for c, n in counts.items() if n > 1]
    assert twice == []  # exactly once: in-flight posts were reconciled, not resent
    assert len(_lines(out)) == GROUPS
    with app.db.session() as s:
        statuses = Counter(s.scalars(select(OutboxRow.status)))
    assert statuses == {"sent": GROUPS}
    reconciled = stdout.split("reconciled=")[-1].strip()
    print(f"killed after {sent_before} sends; {reconciled} in-doubt post(s) reconciled")
    app.close()
