"""Leader lock on PostgreSQL, and the APScheduler runner's jobs."""

from __future__ import annotations

import time as real_time
from datetime import time

import psycopg
import pytest

from bot.scheduling.leader import NoopLeaderLock, PgAdvisoryLock, leader_lock_for
from bot.scheduling.runner import DISPATCH_JOB, SYNC_JOB, start_scheduler


def wait_for(predicate, seconds: float = 5.0) -> bool:
    deadline = real_time.monotonic() + seconds
    while real_time.monotonic() < deadline:
        if predicate():
            return True
        real_time.sleep(0.02)
    return predicate()


@pytest.mark.postgres
def test_second_contender_waits_until_the_first_releases(fresh_pg_url):
    first, second = PgAdvisoryLock(fresh_pg_url), PgAdvisoryLock(fresh_pg_url)
    try:
        assert first.try_acquire() and first.is_held()
        assert not second.try_acquire() and not second.is_held()
        first.release()
        assert second.try_acquire()
        assert not first.try_acquire()
    finally:
        first.release()
        second.release()


@pytest.mark.postgres
def test_dead_leader_is_replaced(fresh_pg_url):
    """The leader's session dies (process killed): the lock frees, a contender takes it."""
    first, second = PgAdvisoryLock(fresh_pg_url), PgAdvisoryLock(fresh_pg_url)
    try:
        assert first.try_acquire()
        assert not second.try_acquire()
        with psycopg.connect(fresh_pg_url, autocommit=True) as admin:
            killed = admin.execute(
                "SELECT pg_terminate_backend(l.pid) FROM pg_locks l "
                "WHERE l.locktype = 'advisory' AND l.granted "
                "AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())"
            ).fetchall()
        assert killed == [(True,)]
        assert not first.is_held()  # the old leader notices and steps down
        assert second.try_acquire()
    finally:
        first.release()
        second.release()


def test_sqlite_uses_a_lock_that_always_wins(sqlite_app):
    lock = leader_lock_for(sqlite_app.db)
    assert isinstance(lock, NoopLeaderLock) and lock.try_acquire() and lock.is_held()


def test_runner_syncs_one_job_per_group_and_kind(sqlite_app, make_group, recording):
    g1 = make_group(sqlite_app.store, "a", zone="Europe/Berlin", daily=time(8, 30))
    handle = start_scheduler(sqlite_app, recording(sqlite_app.clock))
    try:
        assert wait_for(lambda: handle.leader and handle.job_ids)
        assert handle.job_ids == [f"{g1.id}:{k}" for k in
                                  ("checkpoint", "daily", "digest", "mock_round")]
        job = handle.scheduler.get_job(f"{g1.id}:daily")
        assert str(job.trigger.timezone) == "Europe/Berlin"
        assert "hour='8', minute='30'" in str(job.trigger)
        assert handle.scheduler.get_job(SYNC_JOB) and handle.scheduler.get_job(DISPATCH_JOB)
        g2 = make_group(sqlite_app.store, "b", schedule="weekdays")
        make_group(sqlite_app.store, "a", zone="Europe/Berlin", daily=time(7, 0))  # changed
        handle.sync_jobs()
        assert f"{g2.id}:daily" in handle.job_ids
        assert "hour='7', minute='0'" in str(handle.scheduler.get_job(f"{g1.id}:daily").trigger)
    finally:
        handle.shutdown()


@pytest.mark.postgres
def test_only_one_runner_leads_and_a_successor_takes_over(fresh_pg_url, open_app, clock,
                                                          make_group, recording):
    apps = [open_app(clock, fresh_pg_url) for _ in range(2)]
    make_group(apps[0].store, "a")
    first = start_scheduler(apps[0], recording(clock), leader_retry_seconds=0.1)
    assert wait_for(lambda: first.leader)
    second = start_scheduler(apps[1], recording(clock), leader_retry_seconds=0.1)
    try:
        real_time.sleep(0.3)
        assert not second.leader and second.job_ids == []
        first.shutdown()  # the leader goes away
        assert wait_for(lambda: second.leader)
        assert wait_for(lambda: bool(second.job_ids))
    finally:
        second.shutdown()
