"""The outbox repository: scheduled posts claimed atomically, and checkpoint answers."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import and_, bindparam, func, or_, select, update
from sqlalchemy.dialects import postgresql, sqlite

from bot.core.types import GroupRef
from bot.storage.db import Database
from bot.storage.models import GroupRow
from bot.storage.models_outbox import CheckpointAnswerRow, OutboxRow
from bot.storage.sql_insert import insert_ignore

INSERT_CHUNK = 500  # rows per multi-row INSERT (SQLite binds at most 32,766 parameters)


@dataclass(frozen=True)
class OutboxItem:
    """One outbox row as a plain record."""

    id: int
    group_id: int
    kind: str
    local_date: date
    due_at: datetime
    payload: str
    status: str
    attempts: int
    replies_sent: int
    message_id: str | None = None
    last_error: str | None = None


_COLUMNS = (OutboxRow.id, OutboxRow.group_id, OutboxRow.kind, OutboxRow.local_date,
            OutboxRow.due_at, OutboxRow.payload, OutboxRow.status, OutboxRow.attempts,
            OutboxRow.replies_sent, OutboxRow.message_id, OutboxRow.last_error)


def _item(r: OutboxRow) -> OutboxItem:
    return OutboxItem(r.id, r.group_id, r.kind, r.local_date, r.due_at, r.payload, r.status,
                      r.attempts, r.replies_sent, r.message_id, r.last_error)


def _ready(now: datetime) -> Any:
    """Claimable: pending and due, or sending with a lapsed lease (its worker died)."""
    return or_(and_(OutboxRow.status == "pending", OutboxRow.next_attempt_at <= now),
               and_(OutboxRow.status == "sending", OutboxRow.lease_until < now))


class OutboxRepo:
    """Outbox rows keyed (group, kind, local date); every state change is one guarded UPDATE."""

    db: Database

    def outbox_has(self, group_id: int, kind: str, local_date: date) -> bool:
        """True if a row for this post exists, whatever its status."""
        with self.db.session() as s:
            return s.scalar(select(OutboxRow.id).where(
                (OutboxRow.group_id == group_id) & (OutboxRow.kind == kind)
                & (OutboxRow.local_date == local_date))) is not None

    def outbox_enqueue(self, group_id: int, kind: str, local_date: date, due_at: datetime,
                       payload: str, now: datetime, status: str = "pending") -> bool:
        """Write the post once; False if its key is already taken (by anyone)."""
        with self.db.session() as s:
            return insert_ignore(s, OutboxRow, group_id=group_id, kind=kind,
                                 local_date=local_date, due_at=due_at, payload=payload,
                                 status=status, attempts=0, replies_sent=0,
                                 next_attempt_at=due_at, created_at=now)

    def outbox_existing(self, group_ids: set[int], kinds: set[str],
                        dates: set[date]) -> set[tuple[int, str, date]]:
        """The keys among ``group_ids x kinds x dates`` that already have a row (one query)."""
        if not group_ids or not kinds or not dates:
            return set()
        with self.db.session() as s:
            q = select(OutboxRow.group_id, OutboxRow.kind, OutboxRow.local_date).where(
                OutboxRow.kind.in_(kinds) & OutboxRow.local_date.in_(dates))
            if len(group_ids) <= 100:
                q = q.where(OutboxRow.group_id.in_(group_ids))
            return {(g, k, d) for g, k, d in s.execute(q) if g in group_ids}

    def outbox_enqueue_many(self, rows: list[dict[str, Any]], now: datetime,
                            status: str = "pending") -> list[tuple[int, str, date]]:
        """Write many posts (dicts of group_id, kind, local_date, due_at, payload) in one
        transaction of batched INSERTs; return the keys written (taken keys are left alone)."""
        written: list[tuple[int, str, date]] = []
        if not rows:
            return written
        insert = postgresql.insert if self.db.dialect == "postgresql" else sqlite.insert
        stmt = insert(OutboxRow).on_conflict_do_nothing().returning(
            OutboxRow.group_id, OutboxRow.kind, OutboxRow.local_date)
        with self.db.session() as s:
            conn = s.connection()  # executemany: batched "insertmanyvalues", compiled once
            for start in range(0, len(rows), INSERT_CHUNK):
                values = [dict(r, status=status, attempts=0, replies_sent=0,
                               next_attempt_at=r["due_at"], created_at=now)
                          for r in rows[start:start + INSERT_CHUNK]]
                written += [(g, k, d) for g, k, d in conn.execute(stmt, values)]
        return written

    def outbox_ready(self, now: datetime, limit: int = 200) -> list[OutboxItem]:
        """Rows that may be claimed now: pending and due, or sending with a lapsed lease."""
        with self.db.session() as s:
            rows = s.scalars(select(OutboxRow).where(_ready(now))
                             .order_by(OutboxRow.due_at, OutboxRow.id).limit(limit))
            return [_item(r) for r in rows]

    def outbox_claim_ready(self, worker: str, now: datetime, lease: timedelta,
                           limit: int = 100) -> list[tuple[OutboxItem, GroupRef]]:
        """Claim up to ``limit`` ready rows for ``worker`` in one guarded UPDATE ... RETURNING
        (PostgreSQL skips rows another worker is claiming); each with its group's address.

        The returned ``attempts`` counts this claim: above 1, an earlier attempt may have
        reached the platform, and the sender should reconcile before sending again.
        """
        with self.db.session() as s:
            ids = (select(OutboxRow.id).where(_ready(now))
                   .order_by(OutboxRow.due_at, OutboxRow.id).limit(limit))
            if self.db.dialect == "postgresql":
                ids = ids.with_for_update(skip_locked=True)
            stmt = (update(OutboxRow)
                    .where(OutboxRow.id.in_(ids.scalar_subquery()) & _ready(now))
                    .values(status="sending", claimed_by=worker, lease_until=now + lease,
                            attempts=OutboxRow.attempts + 1)
                    .returning(*_COLUMNS)
                    .execution_options(synchronize_session=False))
            items = [OutboxItem(*row) for row in s.execute(stmt)]
            if not items:
                return []
            group_ids = {i.group_id for i in items}
            refs = {gid: GroupRef(p, w, c) for gid, p, w, c in s.execute(
                select(GroupRow.id, GroupRow.platform, GroupRow.workspace, GroupRow.channel)
                .where(GroupRow.id.in_(group_ids)))}
        items.sort(key=lambda i: (i.due_at, i.id))
        return [(i, refs[i.group_id]) for i in items if i.group_id in refs]

    def outbox_claim(self, row_id: int, worker: str, now: datetime,
                     lease: timedelta) -> OutboxItem | None:
        """Atomically take a ready row for ``worker`` (one attempt); None if someone else did."""
        with self.db.session() as s:
            result = s.execute(update(OutboxRow).where(
                (OutboxRow.id == row_id) & or_(
                    and_(OutboxRow.status == "pending", OutboxRow.next_attempt_at <= now),
                    and_(OutboxRow.status == "sending", OutboxRow.lease_until < now)))
                .values(status="sending", claimed_by=worker, lease_until=now + lease,
                        attempts=OutboxRow.attempts + 1)
                .execution_options(synchronize_session=False))
            if result.rowcount != 1:
                return None
            row = s.get(OutboxRow, row_id)
            assert row is not None
            s.refresh(row)
            return _item(row)

    def _owned(self, row_id: int, worker: str) -> object:
        return ((OutboxRow.id == row_id) & (OutboxRow.claimed_by == worker)
                & (OutboxRow.status == "sending"))

    def outbox_progress(self, row_id: int, worker: str, replies_sent: int,
                        message_id: str | None) -> None:
        """Record that the first ``replies_sent`` replies went out."""
        with self.db.session() as s:
            s.execute(update(OutboxRow).where(self._owned(row_id, worker))  # type: ignore[arg-type]
                      .values(replies_sent=replies_sent,
                              message_id=func.coalesce(OutboxRow.message_id, message_id)))

    def outbox_sent(self, row_id: int, worker: str, now: datetime, *,
                    replies_sent: int | None = None, message_id: str | None = None) -> bool:
        """Mark the row sent (final), with its last progress in the same UPDATE; False if
        the claim had been lost."""
        values: dict[str, object] = {"status": "sent", "sent_at": now, "lease_until": None,
                                     "last_error": None}
        if replies_sent is not None:
            values["replies_sent"] = replies_sent
        if message_id is not None:
            values["message_id"] = func.coalesce(OutboxRow.message_id, message_id)
        with self.db.session() as s:
            result = s.execute(update(OutboxRow).where(self._owned(row_id, worker))  # type: ignore[arg-type]
                               .values(**values))
            return result.rowcount == 1

    def outbox_sent_many(self, worker: str, now: datetime,
                         done: list[tuple[int, int, str | None]]) -> int:
        """Mark many rows sent in one transaction: ``(row_id, replies_sent, message_id)``
        each (one executemany of a guarded UPDATE); how many were still ``worker``'s, or -1
        if the driver cannot count an executemany."""
        if not done:
            return 0
        stmt = (update(OutboxRow)
                .where((OutboxRow.id == bindparam("b_id")) & (OutboxRow.claimed_by == worker)
                       & (OutboxRow.status == "sending"))
                .values(status="sent", sent_at=now, lease_until=None, last_error=None,
                        replies_sent=bindparam("b_n"),
                        message_id=func.coalesce(OutboxRow.message_id, bindparam("b_mid"))))
        with self.db.session() as s:
            conn = s.connection()
            result = conn.execute(stmt, [{"b_id": i, "b_n": n, "b_mid": m} for i, n, m in done])
            return result.rowcount if conn.dialect.supports_sane_multi_rowcount else -1

    def outbox_retry_or_fail(self, row_id: int, worker: str, error: str,
                             next_attempt_at: datetime | None) -> None:
        """Put the row back for a retry at ``next_attempt_at``, or mark it failed (None)."""
        values: dict[str, object] = {"last_error": error[:2000], "lease_until": None}
        if next_attempt_at is None:
            values["status"] = "failed"
        else:
            values.update(status="pending", next_attempt_at=next_attempt_at)
        with self.db.session() as s:
            s.execute(update(OutboxRow).where(self._owned(row_id, worker))  # type: ignore[arg-type]
                      .values(**values))

    def outbox_skip_stale(self, before: datetime) -> list[OutboxItem]:
        """Mark pending rows due before ``before`` skipped; return them."""
        with self.db.session() as s:
            rows = list(s.scalars(select(OutboxRow).where(
                (OutboxRow.status == "pending") & (OutboxRow.due_at < before))))
            skipped = []
            for r in rows:
                result = s.execute(update(OutboxRow).where(
                    (OutboxRow.id == r.id) & (OutboxRow.status == "pending"))
                    .values(status="skipped").execution_options(synchronize_session=False))
                if result.rowcount == 1:
                    skipped.append(_item(r))
            return skipped

    def outbox_items(self, group_id: int | None = None) -> list[OutboxItem]:
        """Every outbox row (of one group), by due time."""
        with self.db.session() as s:
            q = select(OutboxRow).order_by(OutboxRow.due_at, OutboxRow.id)
            if group_id is not None:
                q = q.where(OutboxRow.group_id == group_id)
            return [_item(r) for r in s.scalars(q)]

    # checkpoint answers -----------------------------------------------------------------

    def add_checkpoint_answer(self, group_id: int, user_id: str, prompt_key: str,
                              checkpoint_id: str, at: datetime, text: str) -> bool:
        """Store an answer; False if this member already answered this prompt."""
        with self.db.session() as s:
            return insert_ignore(s, CheckpointAnswerRow, group_id=group_id,
                                 prompt_key=prompt_key, user_id=user_id,
                                 checkpoint_id=checkpoint_id, at=at, text=text)

    def count_checkpoint_answers(self, group_id: int, prompt_key: str) -> int:
        """How many members answered the prompt."""
        with self.db.session() as s:
            return int(s.scalar(select(func.count()).select_from(CheckpointAnswerRow).where(
                (CheckpointAnswerRow.group_id == group_id)
                & (CheckpointAnswerRow.prompt_key == prompt_key))) or 0)
