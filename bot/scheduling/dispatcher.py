"""The outbox dispatcher: write due posts once, then claim and send them, exactly once.

One :meth:`Dispatcher.tick` does the whole job for an instant ``now``:

1. for every group, each post whose time falls in ``(now - grace, now]`` is composed and
   written to the outbox under its unique key ``(group, kind, local date)`` — a second
   scheduler, a restart or a retry finds the key taken and writes nothing;
2. every ready row is claimed with one guarded UPDATE (pending -> sending, with a lease),
   sent through the :class:`~bot.core.ports.Messenger` and marked sent. A row marked sent is
   never sent again; a failed send goes back to pending with exponential backoff and is
   marked failed after ``max_attempts`` tries.

Groups are sent concurrently on a small thread pool; posts of one group go in time order.
APScheduler (see :mod:`bot.scheduling.runner`) only decides *when* to tick; tests and the
console demo tick with a simulated clock.
"""

from __future__ import annotations

import logging
import os
import socket
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta
from typing import Any

from bot.core.clock import Clock
from bot.core.content_loader import Content
from bot.core.ports import GroupState, Messenger
from bot.core.posts import (
    KINDS,
    compose,
    replies_from_json,
    replies_to_json,
    should_post,
    slots_between,
)
from bot.core.types import Post
from bot.storage.outbox_repo import OutboxItem

log = logging.getLogger(__name__)


def default_worker_id() -> str:
    """``host:pid``: who holds a claim, for the logs and the outbox row."""
    return f"{socket.gethostname()[:40]}:{os.getpid()}"


class Dispatcher:
    """Turns due schedule slots into outbox rows and sends them once."""

    def __init__(self, store: Any, content: Content, clock: Clock, messenger: Messenger, *,
                 worker_id: str | None = None, grace: timedelta = timedelta(hours=2),
                 lookback: timedelta = timedelta(days=7), max_attempts: int = 5,
                 backoff: timedelta = timedelta(seconds=30),
                 lease: timedelta = timedelta(minutes=5), pool_size: int = 8) -> None:
        self.store = store
        self.content = content
        self.clock = clock
        self.messenger = messenger
        self.worker_id = worker_id or default_worker_id()
        self.grace = grace
        self.lookback = lookback
        self.max_attempts = max_attempts
        self.backoff = backoff
        self.lease = lease
        self._pool = ThreadPoolExecutor(pool_size, "studybot-send") if pool_size > 1 else None
        self._known: set[tuple[int, str, str]] = set()

    # writing the outbox -------------------------------------------------------------------

    def enqueue_due(self, now: datetime, groups: Iterable[GroupState] | None = None,
                    kinds: tuple[str, ...] = KINDS) -> int:
        """Write every post due in ``(now - grace, now]`` (once); return how many were new."""
        new = 0
        if len(self._known) > 100_000:  # a cache only: the outbox key is the real guard
            self._known.clear()
        for group in self.store.list_groups() if groups is None else groups:
            for slot in slots_between(group, self.content, now - self.grace, now, kinds):
                key = (group.id, slot.kind, slot.local_date.isoformat())
                if key in self._known:
                    continue
                if should_post(group, slot.kind, slot.local_date, self.content) and not \
                        self.store.outbox_has(group.id, slot.kind, slot.local_date):
                    post = compose(group, slot.kind, slot.local_date, self.store, self.content)
                    if post is not None and self.store.outbox_enqueue(
                            group.id, slot.kind, slot.local_date, slot.at,
                            replies_to_json(post.replies), now):
                        new += 1
                self._known.add(key)
        return new

    def catch_up(self, now: datetime) -> list[tuple[int, str, str]]:
        """After a start: post what was missed within the grace window, skip older misses.

        Missed posts up to ``lookback`` ago that are older than the grace window get a
        ``skipped`` row (so they are logged once); pending rows that went stale too.
        Returns the skipped ``(group_id, kind, local_date)`` keys.
        """
        skipped: list[tuple[int, str, str]] = []
        groups = self.store.list_groups()
        for group in groups:
            for slot in slots_between(group, self.content, now - self.lookback,
                                      now - self.grace):
                if not should_post(group, slot.kind, slot.local_date, self.content):
                    continue
                if self.store.outbox_enqueue(group.id, slot.kind, slot.local_date, slot.at,
                                             "[]", now, status="skipped"):
                    skipped.append((group.id, slot.kind, slot.local_date.isoformat()))
                    log.warning("skipping missed post: group=%s kind=%s date=%s (due %s, "
                                "more than %s ago)", group.id, slot.kind, slot.local_date,
                                slot.at.isoformat(), self.grace)
        for item in self.store.outbox_skip_stale(now - self.grace):
            skipped.append((item.group_id, item.kind, item.local_date.isoformat()))
            log.warning("skipping stale post: group=%s kind=%s date=%s (due %s, more than %s "
                        "ago)", item.group_id, item.kind, item.local_date,
                        item.due_at.isoformat(), self.grace)
        self.enqueue_due(now, groups)
        return skipped

    # sending --------------------------------------------------------------------------------

    def dispatch(self, now: datetime) -> list[Post]:
        """Claim and send every ready row; return the posts delivered, in time order."""
        ready = self.store.outbox_ready(now)
        if not ready:
            return []
        by_group: dict[int, list[OutboxItem]] = {}
        for item in ready:
            by_group.setdefault(item.group_id, []).append(item)
        batches = list(by_group.values())
        if self._pool is None or len(batches) == 1:
            results = [self._send_batch(b, now) for b in batches]
        else:
            results = list(self._pool.map(lambda b: self._send_batch(b, now), batches))
        sent = [pair for batch in results for pair in batch]
        sent.sort(key=lambda p: (p[0].due_at, KINDS.index(p[0].kind)
                                 if p[0].kind in KINDS else len(KINDS), p[0].id))
        return [post for _, post in sent]

    def tick(self, now: datetime | None = None) -> list[Post]:
        """Write what is due and send what is ready; return the posts delivered."""
        now = now or self.clock.now()
        self.enqueue_due(now)
        return self.dispatch(now)

    def _send_batch(self, items: list[OutboxItem], now: datetime) -> list[tuple[OutboxItem, Post]]:
        group = self.store.get_group_by_id(items[0].group_id)
        if group is None:
            return []
        out = []
        for item in items:
            post = self._send_one(group, item, now)
            if post is not None:
                out.append((item, post))
        return out

    def _send_one(self, group: GroupState, item: OutboxItem, now: datetime) -> Post | None:
        claimed = self.store.outbox_claim(item.id, self.worker_id, now, self.lease)
        if claimed is None:
            return None
        replies = replies_from_json(claimed.payload)
        post = Post(group.ref, claimed.kind, claimed.local_date.isoformat(), replies)
        try:
            for i in range(claimed.replies_sent, len(replies)):
                reply = replies[i]
                message_id = self.messenger.send(group.ref, reply)
                if reply.thread_key and message_id:
                    self.store.bind_thread(group.id, reply.thread_key, message_id)
                self.store.outbox_progress(claimed.id, self.worker_id, i + 1, message_id)
        except Exception as exc:  # any send failure is retried, then failed
            error = f"{type(exc).__name__}: {exc}"
            if claimed.attempts >= self.max_attempts:
                log.error("post failed after %d tries, giving up: group=%s kind=%s date=%s: %s",
                          claimed.attempts, group.id, claimed.kind, claimed.local_date, error)
                self.store.outbox_retry_or_fail(claimed.id, self.worker_id, error, None)
            else:
                delay = self.backoff * 2 ** (claimed.attempts - 1)
                log.warning("post send failed (try %d of %d), retrying in %s: group=%s kind=%s "
                            "date=%s: %s", claimed.attempts, self.max_attempts, delay, group.id,
                            claimed.kind, claimed.local_date, error)
                self.store.outbox_retry_or_fail(claimed.id, self.worker_id, error, now + delay)
            return None
        if not self.store.outbox_sent(claimed.id, self.worker_id, now):
            log.warning("claim lost while sending: group=%s kind=%s date=%s", group.id,
                        claimed.kind, claimed.local_date)
        log.info("posted %s for group %s (%s)", claimed.kind, group.id, claimed.local_date)
        return post

    def close(self) -> None:
        """Stop the send pool."""
        if self._pool is not None:
            self._pool.shutdown(wait=True)
