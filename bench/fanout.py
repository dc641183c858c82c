"""Daily fan-out: 1,000 groups' posts through the real outbox dispatcher.

A fake platform enforces Slack-like limits with token buckets on a *virtual* clock: one
message per second per channel and 50 requests per second overall. It never sleeps; it
records when each message could have gone out, so the enforced waiting (1,000 posts at
50/s = 20 s) is reported apart from our own overhead (wall time of composing, writing the
outbox, claiming and marking sent, per group). Lateness = virtual send time - due time.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterable
from datetime import UTC, date, datetime, timedelta
from datetime import time as dtime

from sqlalchemy import insert

from bench._seed import (
    load_year_content,
    pg_reachable,
    progress,
    quantiles_ms,
    scratch_app,
)
from bench.figures import Figure
from bot.core.types import GroupRef, Reply
from bot.scheduling.dispatcher import Dispatcher
from bot.storage.models import GroupRow

GROUPS = 1_000
TARGET_MS = 1.0
DAY = date(2026, 6, 2)  # a Tuesday: daily posts only (no digest)
DUE = datetime.combine(DAY, dtime(8, 0), tzinfo=UTC)


class RateLimitedPlatform:
    """A Messenger with per-channel and global token buckets on virtual time."""

    def __init__(self, start: datetime, per_channel: float = 1.0, overall: float = 50.0) -> None:
        self.start = start
        self.channel_gap = 1.0 / per_channel
        self.global_gap = 1.0 / overall
        self._lock = threading.Lock()
        self._channel_free: dict[str, float] = {}
        self._global_free = 0.0
        self.sent: list[tuple[GroupRef, float]] = []
        self.waited = 0.0

    def send(self, group: GroupRef, reply: Reply) -> str | None:
        """Post at the earliest virtual instant both buckets allow."""
        with self._lock:
            at = max(self._channel_free.get(group.channel, 0.0), self._global_free)
            self.waited += at
            self._channel_free[group.channel] = at + self.channel_gap
            self._global_free = at + self.global_gap
            self.sent.append((group, at))
            return f"{group.channel}:{len(self.sent)}"


def run() -> Iterable[Figure]:
    """Yield overhead, enforced waiting and lateness figures."""
    backend = "postgresql" if pg_reachable() is None else "sqlite"
    content = load_year_content()
    with scratch_app(backend, DUE, content) as app:
        rows = [dict(platform="bench", workspace="W", channel=f"C{i:04d}", track_id="staff-90",
                     schedule_id="default", timezone="UTC", daily_time="08:00",
                     start_date=DAY - timedelta(days=14), quorum=0.5, created_at=DUE)
                for i in range(GROUPS)]
        with app.db.session() as s:
            s.execute(insert(GroupRow), rows)
        platform = RateLimitedPlatform(DUE)
        dispatcher = Dispatcher(app.store, app.content, app.clock, platform)
        now = DUE + timedelta(seconds=1)
        progress(f"fan-out of {GROUPS} groups on {backend}")
        t0 = time.perf_counter()
        written = dispatcher.enqueue_due(now)
        t1 = time.perf_counter()
        posts = []
        while True:  # outbox_ready hands out 200 rows at a time
            batch = dispatcher.dispatch(now)
            if not batch:
                break
            posts += batch
        t2 = time.perf_counter()
        dispatcher.close()
        late = [at + (now - DUE).total_seconds() for _, at in platform.sent]
        per_group = (t2 - t0) / GROUPS * 1000
        channels = {g.channel for g, _ in platform.sent}
        progress(f"wrote {written}, sent {len(posts)} to {len(channels)} channels; "
                 f"compose+outbox {t1 - t0:.2f} s, claim+send {t2 - t1:.2f} s")
        p50, p99 = quantiles_ms(late)
        yield Figure(f"fan-out overhead per group ({backend})", f"{per_group:.2f} ms",
                     f"< {TARGET_MS:.0f} ms", per_group < TARGET_MS)
        yield Figure("  compose + write outbox", f"{(t1 - t0) / GROUPS * 1000:.2f} ms/group")
        yield Figure("  claim + send + mark sent", f"{(t2 - t1) / GROUPS * 1000:.2f} ms/group")
        yield Figure("posts sent exactly once", f"{len(posts)} posts, {len(channels)} groups",
                     f"{GROUPS}", len(posts) == GROUPS == len(channels))
        yield Figure("enforced platform wait (virtual)",
                     f"{max((a for _, a in platform.sent), default=0):.1f} s to drain")
        yield Figure("post lateness p50 (virtual)", f"{p50 / 1000:.1f} s")
        yield Figure("post lateness p99 (virtual)", f"{p99 / 1000:.1f} s",
                     f"<= {GROUPS / 50 + 1:.0f} s (drain+tick)", p99 / 1000 <= GROUPS / 50 + 1)
