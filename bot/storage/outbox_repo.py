"""The outbox repository: scheduled posts claimed atomically, and checkpoint answers."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import and_, func, or_, select, update

from bot.storage.db import Database
from bot.storage.models_outbox import CheckpointAnswerRow, OutboxRow
from bot.storage.sql_insert import insert_ignore


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


def _item(r: OutboxRow) -> OutboxItem:
    return OutboxItem(r.id, r.group_id, r.kind, r.local_date, r.due_at, r.payload, r.status,
                      r.attempts, r.replies_sent, r.message_id, r.last_error)


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

    def outbox_ready(self, now: datetime, limit: int = 200) -> list[OutboxItem]:
        """Rows that may be claimed now: pending and due, or sending with a lapsed lease."""
        with self.db.session() as s:
            rows = s.scalars(select(OutboxRow).where(or_(
                and_(OutboxRow.status == "pending", OutboxRow.next_attempt_at <= now),
                and_(OutboxRow.status == "sending", OutboxRow.lease_until < now),
            )).order_by(OutboxRow.due_at, OutboxRow.id).limit(limit))
            return [_item(r) for r in rows]

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

    def outbox_sent(self, row_id: int, worker: str, now: datetime) -> bool:
        """Mark the row sent (final); False if the claim had been lost."""
        with self.db.session() as s:
            result = s.execute(update(OutboxRow).where(self._owned(row_id, worker))  # type: ignore[arg-type]
                               .values(status="sent", sent_at=now, lease_until=None,
                                       last_error=None))
            return result.rowcount == 1

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
