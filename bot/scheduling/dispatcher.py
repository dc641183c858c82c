"""The outbox dispatcher: write due posts once, then claim and send them, exactly once.

One :meth:`Dispatcher.tick` does the whole job for an instant ``now``:

1. for every group, each post whose time falls in ``(now - grace, now]`` is composed and
   written to the outbox under its unique key ``(group, kind, local date)`` — a second
   scheduler, a restart or a retry finds the key taken and writes nothing;
2. ready rows are claimed in batches by one guarded UPDATE ... RETURNING (pending ->
   sending, with a lease), sent through the :class:`~bot.core.ports.Messenger` and marked
   sent by one UPDATE each. A row marked sent is never sent again; a failed send goes back
   to pending with exponential backoff and is marked failed after ``max_attempts`` tries.

Exactly once across a crash: every reply is stamped with its outbox key
(``reply.post_key``), which the adapter keeps on the platform message. A row claimed again
(``attempts > 1``: its worker died while sending, or a send failed after possibly reaching
the platform) first asks the messenger's ``find_sent``; a reply already there is marked
sent with that message id instead of going out twice. A messenger without ``find_sent``
gets at-least-once for the posts in flight at a crash.

Groups are sent concurrently on a small thread pool; posts of one group go in time order.
APScheduler (see :mod:`bot.scheduling.runner`) only decides *when* to tick; tests and the
console demo tick with a simulated clock.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from datetime import datetime, timedelta
from typing import Any

from bot.core.clock import Clock
from bot.core.content_loader import Content
from bot.core.ports import GroupState, Messenger
from bot.core.posts import (
    KINDS,
    Slot,
    compose,
    replies_from_json,
    replies_to_json,
    should_post,
    slots_between,
)
from bot.core.types import GroupRef, Post, Reply
from bot.observability import record_post
from bot.storage.outbox_repo import OutboxItem

log = logging.getLogger(__name__)


def post_key(item: OutboxItem, index: int) -> str:
    """The key stamped on reply ``index`` of an outbox post: ``group:kind:date:index``."""
    return f"{item.group_id}:{item.kind}:{item.local_date.isoformat()}:{index}"


def default_worker_id() -> str:
    """``host:pid``: who holds a claim, for the logs and the outbox row."""
    return f"{socket.gethostname()[:40]}:{os.getpid()}"


class _Marks:
    """Posts sent but not yet marked, written ``mark_batch`` at a time (group commit).

    A crash loses at most the unwritten marks plus the sends in flight; those rows are
    claimed again after their lease and reconciled with ``find_sent`` (see the module doc).
    """

    def __init__(self, dispatcher: Dispatcher, now: datetime) -> None:
        self.d = dispatcher
        self.now = now
        self._lock = threading.Lock()
        self._done: list[tuple[int, int, str | None]] = []

    def add(self, row_id: int, replies_sent: int, message_id: str | None) -> None:
        with self._lock:
            self._done.append((row_id, replies_sent, message_id))
            full = len(self._done) >= self.d.mark_batch
        if full:
            self.flush()

    def flush(self) -> None:
        with self._lock:
            done, self._done = self._done, []
        if not done:
            return
        marked = self.d.store.outbox_sent_many(self.d.worker_id, self.now, done)
        if 0 <= marked < len(done):
            log.warning("claim lost while sending: %d of %d post(s) were taken over",
                        len(done) - marked, len(done))


class Dispatcher:
    """Turns due schedule slots into outbox rows and sends them once."""

    def __init__(self, store: Any, content: Content, clock: Clock, messenger: Messenger, *,
                 worker_id: str | None = None, grace: timedelta = timedelta(hours=2),
                 lookback: timedelta = timedelta(days=7), max_attempts: int = 5,
                 backoff: timedelta = timedelta(seconds=30),
                 lease: timedelta = timedelta(minutes=5), pool_size: int = 8,
                 claim_batch: int = 100, mark_batch: int = 16) -> None:
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
        self.claim_batch = claim_batch
        self.mark_batch = mark_batch
        self._pool = ThreadPoolExecutor(pool_size, "studybot-send") if pool_size > 1 else None
        self._known: set[tuple[int, str, str]] = set()

    # writing the outbox -------------------------------------------------------------------

    def enqueue_due(self, now: datetime, groups: Iterable[GroupState] | None = None,
                    kinds: tuple[str, ...] = KINDS) -> int:
        """Write every post due in ``(now - grace, now]`` (once); return how many were new.

        A handful of queries whatever the number of groups: the groups, the keys already
        written, one multi-row insert (posts that read the store to compose, like the
        digest, add their own reads).
        """
        if len(self._known) > 100_000:  # a cache only: the outbox key is the real guard
            self._known.clear()
        due: list[tuple[GroupState, Slot]] = []
        for group in self.store.list_groups() if groups is None else groups:
            for slot in slots_between(group, self.content, now - self.grace, now, kinds):
                if (group.id, slot.kind, slot.local_date.isoformat()) in self._known:
                    continue
                if should_post(group, slot.kind, slot.local_date, self.content):
                    due.append((group, slot))
                else:
                    self._known.add((group.id, slot.kind, slot.local_date.isoformat()))
        if not due:
            return 0
        taken = self.store.outbox_existing({g.id for g, _ in due}, {s.kind for _, s in due},
                                           {s.local_date for _, s in due})
        rows = []
        for group, slot in due:
            if (group.id, slot.kind, slot.local_date) not in taken:
                post = compose(group, slot.kind, slot.local_date, self.store, self.content)
                if post is not None:
                    rows.append(dict(group_id=group.id, kind=slot.kind,
                                     local_date=slot.local_date, due_at=slot.at,
                                     payload=replies_to_json(post.replies)))
        written = self.store.outbox_enqueue_many(rows, now)
        self._known.update((g.id, s.kind, s.local_date.isoformat()) for g, s in due)
        return len(written)

    def catch_up(self, now: datetime) -> list[tuple[int, str, str]]:
        """After a start: post what was missed within the grace window, skip older misses.

        Missed posts up to ``lookback`` ago that are older than the grace window get a
        ``skipped`` row (so they are logged once); pending rows that went stale too.
        Returns the skipped ``(group_id, kind, local_date)`` keys.
        """
        skipped: list[tuple[int, str, str]] = []
        groups = self.store.list_groups()
        missed = [dict(group_id=group.id, kind=slot.kind, local_date=slot.local_date,
                       due_at=slot.at, payload="[]")
                  for group in groups
                  for slot in slots_between(group, self.content, now - self.lookback,
                                            now - self.grace)
                  if should_post(group, slot.kind, slot.local_date, self.content)]
        written = set(self.store.outbox_enqueue_many(missed, now, status="skipped"))
        for row in missed:
            if (row["group_id"], row["kind"], row["local_date"]) in written:
                skipped.append((row["group_id"], row["kind"], row["local_date"].isoformat()))
                log.warning("skipping missed post: group=%s kind=%s date=%s (due %s, "
                            "more than %s ago)", row["group_id"], row["kind"],
                            row["local_date"], row["due_at"].isoformat(), self.grace)
        for item in self.store.outbox_skip_stale(now - self.grace):
            skipped.append((item.group_id, item.kind, item.local_date.isoformat()))
            log.warning("skipping stale post: group=%s kind=%s date=%s (due %s, more than %s "
                        "ago)", item.group_id, item.kind, item.local_date,
                        item.due_at.isoformat(), self.grace)
        self.enqueue_due(now, groups)
        return skipped

    # sending --------------------------------------------------------------------------------

    def dispatch(self, now: datetime) -> list[Post]:
        """Claim a batch of ready rows (one statement), send them; return the posts
        delivered, in time order. An empty list means nothing was ready."""
        claimed = self.store.outbox_claim_ready(self.worker_id, now, self.lease,
                                                self.claim_batch)
        if not claimed:
            return []
        by_group: dict[int, list[tuple[OutboxItem, GroupRef]]] = {}
        for item, ref in claimed:
            by_group.setdefault(item.group_id, []).append((item, ref))
        batches = list(by_group.values())
        marks = _Marks(self, now)
        try:
            if self._pool is None or len(batches) == 1:
                results = [self._send_batch(b, now, marks) for b in batches]
            else:
                results = list(self._pool.map(lambda b: self._send_batch(b, now, marks),
                                              batches))
        finally:
            marks.flush()
        sent = [pair for batch in results for pair in batch]
        sent.sort(key=lambda p: (p[0].due_at, KINDS.index(p[0].kind)
                                 if p[0].kind in KINDS else len(KINDS), p[0].id))
        return [post for _, post in sent]

    def tick(self, now: datetime | None = None) -> list[Post]:
        """Write what is due and send what is ready; return the posts delivered."""
        now = now or self.clock.now()
        self.enqueue_due(now)
        return self.dispatch(now)

    def _send_batch(self, items: list[tuple[OutboxItem, GroupRef]], now: datetime,
                    marks: _Marks) -> list[tuple[OutboxItem, Post]]:
        out = []
        for item, ref in items:  # one group's posts, in time order
            post = self._send_one(ref, item, now, marks)
            if post is not None:
                out.append((item, post))
        return out

    def _reconcile(self, ref: GroupRef, reply: Reply) -> str | None:
        """The id of ``reply`` if an earlier attempt already posted it (None if not, or if
        the messenger cannot tell: then the post is at-least-once)."""
        find_sent = getattr(self.messenger, "find_sent", None)
        return None if find_sent is None else find_sent(ref, reply)

    def _send_one(self, ref: GroupRef, claimed: OutboxItem, now: datetime,
                  marks: _Marks) -> Post | None:
        replies = tuple(replace(r, post_key=post_key(claimed, i))
                        for i, r in enumerate(replies_from_json(claimed.payload)))
        post = Post(ref, claimed.kind, claimed.local_date.isoformat(), replies)
        first_id: str | None = None
        try:
            for i in range(claimed.replies_sent, len(replies)):
                reply = replies[i]
                message_id = None
                # An earlier attempt (a worker that died, a send that timed out) may have
                # reached the platform with the reply it was on: look before sending again.
                if i == claimed.replies_sent and claimed.attempts > 1:
                    message_id = self._reconcile(ref, reply)
                    if message_id is not None:
                        log.info("reconciled %s for group %s (%s): already posted as %s",
                                 claimed.kind, claimed.group_id, claimed.local_date, message_id)
                if message_id is None:
                    message_id = self.messenger.send(ref, reply)
                if reply.thread_key and message_id:
                    self.store.bind_thread(claimed.group_id, reply.thread_key, message_id)
                first_id = first_id or message_id
                if i + 1 < len(replies):
                    self.store.outbox_progress(claimed.id, self.worker_id, i + 1, message_id)
        except Exception as exc:  # any send failure is retried, then failed
            error = f"{type(exc).__name__}: {exc}"
            if claimed.attempts >= self.max_attempts:
                log.error("post failed after %d tries, giving up: group=%s kind=%s date=%s: %s",
                          claimed.attempts, claimed.group_id, claimed.kind, claimed.local_date,
                          error)
                self.store.outbox_retry_or_fail(claimed.id, self.worker_id, error, None)
                record_post(claimed.kind, sent=False)
            else:
                delay = self.backoff * 2 ** (claimed.attempts - 1)
                log.warning("post send failed (try %d of %d), retrying in %s: group=%s kind=%s "
                            "date=%s: %s", claimed.attempts, self.max_attempts, delay,
                            claimed.group_id, claimed.kind, claimed.local_date, error)
                self.store.outbox_retry_or_fail(claimed.id, self.worker_id, error, now + delay)
            return None
        marks.add(claimed.id, len(replies), first_id)
        record_post(claimed.kind, sent=True, lateness=self.clock.now() - claimed.due_at)
        log.info("posted %s for group %s (%s)", claimed.kind, claimed.group_id,
                 claimed.local_date)
        return post

    def close(self) -> None:
        """Stop the send pool."""
        if self._pool is not None:
            self._pool.shutdown(wait=True)
