"""Check-in throughput on PostgreSQL: 50 members checking in at once, every attempt twice.

Each of 50 threads is one member checking in for ``DAYS`` plan days through the store
(the same ``add_checkin`` the /done handler calls); every check-in is attempted twice, as a
retried delivery would be. Reports attempts per second and checks that exactly one row
exists per member and day.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterable
from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select

from bench._seed import load_year_content, pg_reachable, progress, scratch_app
from bench.figures import Figure
from bot.core.types import GroupRef
from bot.storage.models import CheckinRow

THREADS = 50
DAYS = 60
TARGET = 1_000.0
NOW = datetime(2026, 6, 1, 12, 0, tzinfo=UTC)


def run() -> Iterable[Figure]:
    """Yield throughput and duplicate figures (skipped without PostgreSQL)."""
    why_not = pg_reachable()
    if why_not is not None:
        yield Figure("check-ins/s (PostgreSQL)", f"skipped: {why_not}")
        return
    with scratch_app("postgresql", NOW, load_year_content()) as app:
        group = app.store.save_group(
            GroupRef("bench", "W1", "C1"), track_id="staff-90", schedule_id="every-day",
            timezone="UTC", daily_time=datetime.min.time(), start_date=NOW.date(), quorum=0.5)
        for i in range(THREADS):
            app.store.ensure_member(group.id, f"m{i:02d}", f"Member {i}", NOW.date())
        added = [0] * THREADS
        errors: list[BaseException] = []
        barrier = threading.Barrier(THREADS + 1)

        def member(i: int) -> None:
            try:
                barrier.wait()
                for day in range(1, DAYS + 1):
                    at = NOW + timedelta(days=day)
                    for _ in range(2):
                        added[i] += app.store.add_checkin(group.id, f"m{i:02d}", day, at, None)
            except BaseException as exc:
                errors.append(exc)

        threads = [threading.Thread(target=member, args=(i,)) for i in range(THREADS)]
        for t in threads:
            t.start()
        progress(f"{THREADS} members x {DAYS} days x 2 attempts on PostgreSQL")
        barrier.wait()
        start = time.perf_counter()
        for t in threads:
            t.join()
        elapsed = time.perf_counter() - start
        with app.db.session() as s:
            rows = s.scalar(select(func.count()).select_from(CheckinRow)
                            .where(CheckinRow.group_id == group.id))
        attempts = THREADS * DAYS * 2
        rate = attempts / elapsed
        expected = THREADS * DAYS
        progress(f"{attempts} attempts in {elapsed:.2f} s: {rate:,.0f}/s; {rows} rows")
        yield Figure("check-in attempts/s (PostgreSQL, 50 threads)", f"{rate:,.0f}/s",
                     f">= {TARGET:,.0f}/s", rate >= TARGET and not errors)
        yield Figure("new check-ins/s", f"{expected / elapsed:,.0f}/s")
        dupes = rows - expected if rows is not None else -1
        yield Figure("duplicate check-ins", f"{dupes} (rows {rows}, accepted {sum(added)})",
                     "0", dupes == 0 and sum(added) == expected and not errors)
        if errors:
            yield Figure("errors", f"{len(errors)}: {type(errors[0]).__name__}")
