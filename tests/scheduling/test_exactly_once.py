"""Exactly once: racing schedulers, restarts inside and outside the grace window, retries."""

from __future__ import annotations

import logging
import threading
from collections import Counter
from datetime import UTC, date, datetime, time, timedelta

import pytest

from bot.core.clock import FakeClock
from bot.scheduling.dispatcher import Dispatcher

MON = datetime(2026, 1, 5, 8, 0, tzinfo=UTC)


@pytest.mark.postgres
def test_two_schedulers_race_on_postgres(fresh_pg_url, open_app, content, make_group,
                                        recording):
    """Two workers, each with its own engine, tick the same instants: every post goes once."""
    clock = FakeClock(MON)
    apps = [open_app(clock, fresh_pg_url) for _ in range(2)]
    for i in range(6):
        make_group(apps[0].store, f"c{i}", start=MON.date())
    messenger = recording(clock)
    workers = [Dispatcher(a.store, content, clock, messenger, worker_id=f"w{i}", pool_size=3)
               for i, a in enumerate(apps)]
    try:
        def work(d: Dispatcher, barrier: threading.Barrier) -> None:
            barrier.wait()
            d.tick(clock.now())

        for _ in range(7 * 12):  # a week, two hours a step; both race at every instant
            clock.advance(timedelta(hours=2))
            barrier = threading.Barrier(2)
            threads = [threading.Thread(target=work, args=(w, barrier)) for w in workers]
            for t in threads:
                t.start()
            for t in threads:
                t.join()
        keys = Counter((g.channel, r.text.splitlines()[0]) for g, r, _ in messenger.sent)
        assert keys and max(keys.values()) == 1
        dailies = [1 for _, r, _ in messenger.sent if r.buttons]
        assert len(dailies) == 6 * 5  # six groups, Monday to Friday
        rows = apps[1].store.outbox_items()
        assert len(rows) == len(messenger.sent) and {r.status for r in rows} == {"sent"}
    finally:
        for w in workers:
            w.close()


def test_restart_inside_grace_neither_duplicates_nor_loses(db_url, open_app, content, caplog,
                                                          make_group, recording):
    clock = FakeClock(MON)
    first = open_app(clock, db_url)
    make_group(first.store, "c", start=MON.date())
    messenger = recording(clock)
    d = Dispatcher(first.store, content, clock, messenger, pool_size=1)
    d.catch_up(clock.now())
    assert d.tick(clock.now()) == []  # 08:00, nothing due yet
    # the process stops here, before the 09:00 post

    clock.set(MON + timedelta(hours=2, minutes=30))  # 10:30, inside the 2 h grace
    second = open_app(clock, db_url)
    d2 = Dispatcher(second.store, content, clock, messenger, pool_size=1)
    caplog.set_level(logging.WARNING)
    assert d2.catch_up(clock.now()) == []
    posts = d2.tick(clock.now())
    assert [p.kind for p in posts] == ["daily"]

    clock.advance(timedelta(minutes=10))  # and again: a restart right after the send
    third = open_app(clock, db_url)
    d3 = Dispatcher(third.store, content, clock, messenger, pool_size=1)
    d3.catch_up(clock.now())
    assert d3.tick(clock.now()) == []
    assert len(messenger.sent) == 1 and "skipping" not in caplog.text


def test_restart_after_grace_skips_with_a_log_line(db_url, open_app, content, caplog,
                                                  make_group, recording):
    clock = FakeClock(MON)
    app = open_app(clock, db_url)
    g = make_group(app.store, "c", start=MON.date())
    clock.set(MON + timedelta(hours=3, minutes=30))  # 11:30: the 09:00 post is 2.5 h late
    messenger = recording(clock)
    d = Dispatcher(app.store, content, clock, messenger, pool_size=1)
    caplog.set_level(logging.WARNING, logger="bot.scheduling.dispatcher")
    skipped = d.catch_up(clock.now())
    assert skipped == [(g.id, "daily", "2026-01-05")]
    assert f"group={g.id} kind=daily date=2026-01-05" in caplog.text
    assert d.tick(clock.now()) == [] and messenger.sent == []
    caplog.clear()
    assert d.catch_up(clock.now()) == []  # logged once, recorded as skipped
    assert [r.status for r in app.store.outbox_items()] == ["skipped"]
    clock.set(MON + timedelta(days=1, hours=1))  # Tuesday 09:00 goes out as usual
    assert [p.local_date for p in d.tick(clock.now())] == ["2026-01-06"]


def test_crash_while_sending_resumes_after_the_lease(sqlite_app, clock, make_group, recording):
    """A worker that claimed a row and died: after its lease another worker sends it."""
    make_group(sqlite_app.store, "c", start=clock.now().date())
    dead = Dispatcher(sqlite_app.store, sqlite_app.content, clock, recording(clock),
                      worker_id="dead", pool_size=1)
    dead.enqueue_due(clock.now())
    [item] = sqlite_app.store.outbox_ready(clock.now())
    assert sqlite_app.store.outbox_claim(item.id, "dead", clock.now(), dead.lease)
    messenger = recording(clock)
    alive = Dispatcher(sqlite_app.store, sqlite_app.content, clock, messenger, pool_size=1)
    assert alive.tick(clock.now()) == []  # leased by the dead worker
    clock.advance(alive.lease + timedelta(seconds=1))
    assert len(alive.tick(clock.now())) == 1
    clock.advance(timedelta(hours=1))
    assert alive.tick(clock.now()) == [] and len(messenger.sent) == 1


def test_failed_send_is_retried_with_backoff(any_app, clock, make_group, flaky):
    make_group(any_app.store, "c", start=clock.now().date())
    messenger = flaky(failures=2, clock=clock)
    d = Dispatcher(any_app.store, any_app.content, clock, messenger, pool_size=1,
                   backoff=timedelta(seconds=30))
    assert d.tick(clock.now()) == []  # try 1 fails
    clock.advance(timedelta(seconds=29))
    assert d.tick(clock.now()) == [] and messenger.calls == 1  # still backing off
    clock.advance(timedelta(seconds=1))
    assert d.tick(clock.now()) == [] and messenger.calls == 2  # try 2 fails, wait 60 s
    clock.advance(timedelta(seconds=59))
    assert d.tick(clock.now()) == [] and messenger.calls == 2
    clock.advance(timedelta(seconds=1))
    assert [p.kind for p in d.tick(clock.now())] == ["daily"]
    [row] = any_app.store.outbox_items()
    assert (row.status, row.attempts) == ("sent", 3)


def test_send_that_keeps_failing_is_marked_failed(any_app, clock, make_group, caplog, flaky):
    make_group(any_app.store, "c", start=clock.now().date())
    messenger = flaky(failures=100, clock=clock)
    d = Dispatcher(any_app.store, any_app.content, clock, messenger, pool_size=1,
                   max_attempts=5, backoff=timedelta(seconds=10))
    caplog.set_level(logging.WARNING, logger="bot.scheduling.dispatcher")
    for _ in range(20):
        d.tick(clock.now())
        clock.advance(timedelta(minutes=1))
    [row] = any_app.store.outbox_items()
    assert (row.status, row.attempts, messenger.calls) == ("failed", 5, 5)
    assert "platform down" in row.last_error
    assert "post failed after 5 tries" in caplog.text


def test_paused_group_and_days_off_get_nothing(sqlite_app, clock, messenger, make_group):
    g = make_group(sqlite_app.store, "c", start=clock.now().date())
    sqlite_app.store.start_pause(g.id, date(2026, 1, 7))
    d = Dispatcher(sqlite_app.store, sqlite_app.content, clock, messenger, pool_size=1)
    for _ in range(7 * 24):
        d.tick(clock.now())
        clock.advance(timedelta(hours=1))
    dates = sorted({r.local_date for r in sqlite_app.store.outbox_items()})
    assert dates == [date(2026, 1, 5), date(2026, 1, 6)]


def test_group_daily_time_overrides_schedule(sqlite_app, clock, messenger, make_group):
    make_group(sqlite_app.store, "c", zone="Asia/Kolkata", daily=time(6, 15),
               start=date(2026, 1, 6))
    d = Dispatcher(sqlite_app.store, sqlite_app.content, clock, messenger, pool_size=1)
    clock.set(datetime(2026, 1, 6, 0, 44, tzinfo=UTC))  # 06:14 in Kolkata
    assert d.tick(clock.now()) == []
    clock.advance(timedelta(minutes=1))
    assert [p.local_date for p in d.tick(clock.now())] == ["2026-01-06"]
