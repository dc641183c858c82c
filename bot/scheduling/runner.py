"""APScheduler wiring: leadership, one cron job per group and kind, catch-up and dispatch.

Every process starts a :class:`~apscheduler.schedulers.background.BackgroundScheduler`
(UTC) whose only standing job retries leadership every few seconds. The leader adds:

* ``{group_id}:{kind}`` — a :class:`CronTrigger` in the group's time zone for each kind of
  post (the trigger handles daylight-saving changes); it ticks the dispatcher for that post;
* ``studybot:sync`` — every 60 s, re-reads groups and adds, replaces or removes their jobs;
* ``studybot:dispatch`` — every 15 s, writes anything due within the grace window that a
  cron job missed and sends rows waiting for a retry.

Non-leaders keep serving commands; they only keep trying the lock.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger

from bot.core.content import WEEKDAYS
from bot.core.content_loader import Content
from bot.core.ports import GroupState, Messenger
from bot.core.posts import KINDS, timing
from bot.observability import set_scheduler_leader
from bot.scheduling.dispatcher import Dispatcher
from bot.scheduling.leader import LeaderLock, leader_lock_for

log = logging.getLogger(__name__)

LEADER_JOB = "studybot:leader"
SYNC_JOB = "studybot:sync"
DISPATCH_JOB = "studybot:dispatch"


def cron_for(group: GroupState, kind: str, content: Content) -> CronTrigger | None:
    """The trigger of ``kind`` for ``group`` in the group's zone; None if it has none."""
    t = timing(group, kind, content)
    if t is None or not t.weekdays:
        return None
    days = ",".join(WEEKDAYS[d] for d in sorted(t.weekdays))
    return CronTrigger(day_of_week=days, hour=t.at.hour, minute=t.at.minute, timezone=t.zone)


def job_id(group_id: int, kind: str) -> str:
    """The stable id of a group's job for ``kind``."""
    return f"{group_id}:{kind}"


@dataclass
class SchedulerHandle:
    """A running scheduler; :meth:`shutdown` stops it and gives leadership up."""

    scheduler: BackgroundScheduler
    dispatcher: Dispatcher
    lock: LeaderLock
    app: Any
    leader: bool = False
    _jobs: dict[str, str] = field(default_factory=dict)
    _mutex: threading.Lock = field(default_factory=threading.Lock)

    def leadership(self) -> None:
        """Take leadership if it is free; step down if the lock's session was lost."""
        with self._mutex:
            if self.leader:
                if not self.lock.is_held():
                    self._step_down()
                return
            if not self.lock.try_acquire():
                return
            self.leader = True
            set_scheduler_leader(True)
            log.info("scheduler leadership taken by %s", self.dispatcher.worker_id)
            now = self.app.clock.now()
            self.dispatcher.catch_up(now)
            self.sync_jobs()
            self.scheduler.add_job(self.sync_jobs, IntervalTrigger(seconds=60), id=SYNC_JOB,
                                   replace_existing=True)
            self.scheduler.add_job(self.tick, IntervalTrigger(seconds=15), id=DISPATCH_JOB,
                                   replace_existing=True)
            self.dispatcher.dispatch(now)

    def _step_down(self) -> None:
        self.leader = False
        set_scheduler_leader(False)
        for jid in [SYNC_JOB, DISPATCH_JOB, *self._jobs]:
            if self.scheduler.get_job(jid) is not None:
                self.scheduler.remove_job(jid)
        self._jobs.clear()
        log.warning("scheduler leadership lost by %s", self.dispatcher.worker_id)

    def sync_jobs(self) -> None:
        """Make the cron jobs match the groups: add new, replace changed, remove gone."""
        if not self.leader:
            return
        wanted: dict[str, CronTrigger] = {}
        for group in self.app.store.list_groups():
            for kind in KINDS:
                trigger = cron_for(group, kind, self.app.content)
                if trigger is not None:
                    wanted[job_id(group.id, kind)] = trigger
        for jid in set(self._jobs) - set(wanted):
            if self.scheduler.get_job(jid) is not None:
                self.scheduler.remove_job(jid)
            del self._jobs[jid]
        for jid, trigger in wanted.items():
            signature = str(trigger)
            if self._jobs.get(jid) == signature:
                continue
            group_id, kind = jid.split(":", 1)
            self.scheduler.add_job(self.fire, trigger, args=(int(group_id), kind), id=jid,
                                   replace_existing=True)
            self._jobs[jid] = signature

    def fire(self, group_id: int, kind: str) -> None:
        """A group's cron job: write its post if due, then send what is ready."""
        if not self.leader:
            return
        group = self.app.store.get_group_by_id(group_id)
        now = self.app.clock.now()
        if group is not None:
            self.dispatcher.enqueue_due(now, [group], (kind,))
        self.dispatcher.dispatch(now)

    def tick(self) -> None:
        """The periodic pass: anything due within the grace window, and retries."""
        if self.leader:
            self.dispatcher.tick(self.app.clock.now())

    @property
    def job_ids(self) -> list[str]:
        """Ids of the group jobs now scheduled."""
        return sorted(self._jobs)

    def shutdown(self) -> None:
        """Stop the scheduler, release leadership and the send pool."""
        self.scheduler.shutdown(wait=False)
        with self._mutex:
            if self.leader:
                set_scheduler_leader(False)
            self.leader = False
            self.lock.release()
        self.dispatcher.close()


def start_scheduler(app: Any, messenger: Messenger, *, lock: LeaderLock | None = None,
                    leader_retry_seconds: float = 5.0) -> SchedulerHandle:
    """Start the background scheduler for ``app`` posting through ``messenger``.

    Returns at once; leadership, job sync and catch-up happen on the scheduler's thread.
    """
    grace = timedelta(hours=app.settings.grace_hours)
    scheduler = BackgroundScheduler(timezone="UTC", job_defaults={
        "coalesce": True, "max_instances": 1,
        "misfire_grace_time": max(1, int(grace.total_seconds())),
    })
    dispatcher = Dispatcher(app.store, app.content, app.clock, messenger, grace=grace)
    handle = SchedulerHandle(scheduler, dispatcher, lock or leader_lock_for(app.db), app)
    scheduler.add_job(handle.leadership, IntervalTrigger(seconds=leader_retry_seconds),
                      id=LEADER_JOB, replace_existing=True,
                      next_run_time=datetime.now(UTC))
    scheduler.start()
    return handle
