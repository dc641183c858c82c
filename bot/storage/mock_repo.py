"""Mock-interview storage; mixed into the store by :func:`bot.storage.store.make_store`.

Every change to the queue or to open sessions first takes the group's row lock
(:func:`_lock_group`), so matching is serialized per group on PostgreSQL and SQLite alike;
the unique constraints of :mod:`bot.storage.models_mocks` are the backstop.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date, datetime
from typing import Any

from sqlalchemy import delete, func, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from bot.core.mocks.ports import (
    JoinResult,
    MockMemberState,
    MockRound,
    MockSession,
    Planner,
    QueueEntry,
    SessionPlan,
)
from bot.storage.db import Database
from bot.storage.models import GroupRow
from bot.storage.models_mocks import (
    MockMemberRow,
    MockParticipantRow,
    MockQueueRow,
    MockRoundRow,
    MockSessionRow,
)
from bot.storage.sql_insert import insert_ignore

NOSHOW_PAUSE = 3
FORGOTTEN = "(forgotten)"


def _lock_group(s: Session, group_id: int) -> None:
    """Serialize mock changes per group: a no-op UPDATE of the group row.

    On PostgreSQL it takes the row lock (FOR NO KEY UPDATE, so member inserts are not
    blocked); on SQLite it starts the write transaction at once.
    """
    s.execute(update(GroupRow).where(GroupRow.id == group_id)
              .values(quorum=GroupRow.quorum).execution_options(synchronize_session=False))


def _entry(r: MockQueueRow) -> QueueEntry:
    return QueueEntry(r.user_id, r.kind, r.level, r.joined_at)


def _session(r: MockSessionRow) -> MockSession:
    return MockSession(
        id=r.id, group_id=r.group_id, kind=r.kind, level=r.level, interviewer=r.interviewer_id,
        candidate=r.candidate_id, observer=r.observer_id, problem_id=r.problem_id,
        question_ids=tuple(q for q in r.question_ids.split(",") if q), round_id=r.round_id,
        status=r.status, created_at=r.created_at, closed_at=r.closed_at,
        scores=tuple(int(x) for x in r.scores.split()) if r.scores else None,
        weighted=r.weighted, band=r.band, feedback=r.feedback, rating=r.rating,
        rating_comment=r.rating_comment, noshow_against=r.noshow_against,
    )


def _round(r: MockRoundRow) -> MockRound:
    return MockRound(r.id, r.group_id, r.round_index, r.local_date, r.summary)


def _member(r: MockMemberRow) -> MockMemberState:
    return MockMemberState(r.user_id, r.opted_in, r.skip_next, r.noshow_streak, r.paused)


class MockRepo:
    """Implements :class:`bot.core.mocks.ports.MockStore`."""

    db: Database

    # queue --------------------------------------------------------------------------------

    @staticmethod
    def _expire(s: Session, group_id: int, before: datetime) -> list[QueueEntry]:
        rows = list(s.scalars(select(MockQueueRow).where(
            (MockQueueRow.group_id == group_id) & (MockQueueRow.joined_at < before))))
        for r in rows:
            s.delete(r)
        return [_entry(r) for r in rows]

    def mock_expire_queue(self, group_id: int, before: datetime) -> list[QueueEntry]:
        """Drop queue entries that joined before ``before``; return them."""
        with self.db.session() as s:
            _lock_group(s, group_id)
            return self._expire(s, group_id, before)

    @staticmethod
    def _open_of(s: Session, group_id: int, user_ids: Iterable[str]) -> set[str]:
        """Which of ``user_ids`` sit in an open session."""
        return set(s.scalars(select(MockParticipantRow.user_id).where(
            (MockParticipantRow.group_id == group_id) & MockParticipantRow.open_flag.is_(True)
            & MockParticipantRow.user_id.in_(list(user_ids)))))

    def mock_join(self, group_id: int, user_id: str, kind: str, level: str | None,
                  now: datetime, expire_before: datetime, plan: Planner) -> JoinResult:
        """Queue ``user_id`` or claim the oldest compatible waiting peer, in one transaction."""
        try:
            with self.db.session() as s:
                _lock_group(s, group_id)
                expired = tuple(e.user_id for e in self._expire(s, group_id, expire_before))
                open_id = self._open_session_id(s, group_id, user_id)
                if open_id is not None:
                    row = s.get(MockSessionRow, open_id)
                    return JoinResult("busy", _session(row) if row else None, expired=expired)
                mine = s.scalars(select(MockQueueRow).where(
                    (MockQueueRow.group_id == group_id) & (MockQueueRow.user_id == user_id))
                ).first()
                if mine is not None:
                    return JoinResult("waiting", entry=_entry(mine), expired=expired)
                joiner = QueueEntry(user_id, kind, level, now)
                peers = list(s.scalars(select(MockQueueRow).where(
                    (MockQueueRow.group_id == group_id) & (MockQueueRow.kind == kind)
                    & (MockQueueRow.user_id != user_id))
                    .order_by(MockQueueRow.joined_at, MockQueueRow.id)))
                busy = self._open_of(s, group_id, [p.user_id for p in peers])
                peer = next((p for p in peers if p.user_id not in busy), None)
                if peer is None:
                    s.add(MockQueueRow(group_id=group_id, user_id=user_id, kind=kind,
                                       level=level, joined_at=now))
                    s.flush()
                    return JoinResult("queued", entry=joiner, expired=expired)
                claimed = s.execute(delete(MockQueueRow).where(MockQueueRow.id == peer.id)
                                    .execution_options(synchronize_session=False))
                if claimed.rowcount != 1:
                    return JoinResult("conflict", expired=expired)
                waiting = _entry(peer)
                past = self._sessions_where(s, group_id, [peer.user_id, user_id])
                session = self._create(s, group_id, plan(waiting, joiner, past), now, None)
                return JoinResult("paired", session, entry=waiting, expired=expired)
        except IntegrityError:
            return JoinResult("conflict")

    def mock_leave_queue(self, group_id: int, user_id: str) -> bool:
        """Remove the member's waiting entry; False if there was none."""
        with self.db.session() as s:
            result = s.execute(delete(MockQueueRow).where(
                (MockQueueRow.group_id == group_id) & (MockQueueRow.user_id == user_id)))
            return (result.rowcount or 0) > 0

    # sessions -----------------------------------------------------------------------------

    @staticmethod
    def _create(s: Session, group_id: int, plan: SessionPlan, now: datetime,
                round_id: int | None) -> MockSession:
        row = MockSessionRow(
            group_id=group_id, round_id=round_id, kind=plan.kind, level=plan.level,
            interviewer_id=plan.interviewer, candidate_id=plan.candidate,
            observer_id=plan.observer, problem_id=plan.problem_id,
            question_ids=",".join(plan.question_ids), status="open", created_at=now)
        s.add(row)
        s.flush()
        seats = [(plan.interviewer, "interviewer"), (plan.candidate, "candidate")]
        if plan.observer:
            seats.append((plan.observer, "observer"))
        for user, role in seats:
            s.add(MockParticipantRow(group_id=group_id, session_id=row.id, user_id=user,
                                     role=role, open_flag=True))
        s.flush()
        return _session(row)

    @staticmethod
    def _open_session_id(s: Session, group_id: int, user_id: str) -> int | None:
        return s.scalars(select(MockParticipantRow.session_id).where(
            (MockParticipantRow.group_id == group_id) & (MockParticipantRow.user_id == user_id)
            & MockParticipantRow.open_flag.is_(True))).first()

    @staticmethod
    def _sessions_where(s: Session, group_id: int, users: Sequence[str]) -> list[MockSession]:
        rows = s.scalars(select(MockSessionRow).where(
            (MockSessionRow.group_id == group_id) & or_(
                MockSessionRow.interviewer_id.in_(users), MockSessionRow.candidate_id.in_(users),
                MockSessionRow.observer_id.in_(users))).order_by(MockSessionRow.id))
        return [_session(r) for r in rows]

    def mock_open_session(self, group_id: int, user_id: str) -> MockSession | None:
        """The member's open session, if any."""
        with self.db.session() as s:
            sid = self._open_session_id(s, group_id, user_id)
            row = s.get(MockSessionRow, sid) if sid is not None else None
            return _session(row) if row else None

    def mock_session(self, group_id: int, session_id: int) -> MockSession | None:
        """One session of the group."""
        with self.db.session() as s:
            row = s.get(MockSessionRow, session_id)
            return _session(row) if row and row.group_id == group_id else None

    def mock_sessions(self, group_id: int, user_id: str | None = None) -> list[MockSession]:
        """Sessions of the group (or those ``user_id`` took part in), oldest first."""
        with self.db.session() as s:
            if user_id is not None:
                return self._sessions_where(s, group_id, [user_id])
            rows = s.scalars(select(MockSessionRow).where(MockSessionRow.group_id == group_id)
                             .order_by(MockSessionRow.id))
            return [_session(r) for r in rows]

    @staticmethod
    def _close(s: Session, group_id: int, session_id: int, now: datetime, status: str,
               **values: Any) -> bool:
        """Move an open session to ``status`` and free its seats; False if not open."""
        result = s.execute(update(MockSessionRow).where(
            (MockSessionRow.id == session_id) & (MockSessionRow.group_id == group_id)
            & (MockSessionRow.status == "open"))
            .values(status=status, closed_at=now, **values)
            .execution_options(synchronize_session=False))
        if result.rowcount != 1:
            return False
        s.execute(update(MockParticipantRow).where(MockParticipantRow.session_id == session_id)
                  .values(open_flag=None).execution_options(synchronize_session=False))
        return True

    @staticmethod
    def _member_row(s: Session, group_id: int, user_id: str) -> MockMemberRow:
        insert_ignore(s, MockMemberRow, group_id=group_id, user_id=user_id, opted_in=False,
                      skip_next=False, noshow_streak=0, paused=False)
        return s.scalars(select(MockMemberRow).where(
            (MockMemberRow.group_id == group_id) & (MockMemberRow.user_id == user_id))).one()

    def mock_score(self, group_id: int, session_id: int, scores: tuple[int, ...],
                   weighted: float, band: str, now: datetime) -> bool:
        """Score an open session (which closes it); False if it is not open."""
        with self.db.session() as s:
            if not self._close(s, group_id, session_id, now, "scored",
                               scores=" ".join(map(str, scores)), weighted=weighted, band=band):
                return False
            row = s.get(MockSessionRow, session_id)
            assert row is not None
            for user in (row.interviewer_id, row.candidate_id):
                self._member_row(s, group_id, user).noshow_streak = 0
            return True

    def mock_feedback(self, group_id: int, session_id: int, text: str) -> bool:
        """Store the interviewer's written feedback (replacing earlier feedback)."""
        with self.db.session() as s:
            result = s.execute(update(MockSessionRow).where(
                (MockSessionRow.id == session_id) & (MockSessionRow.group_id == group_id))
                .values(feedback=text))
            return result.rowcount == 1

    def mock_rate(self, group_id: int, session_id: int, rating: int,
                  comment: str | None) -> bool:
        """Store the candidate's rating of the interviewer, once."""
        with self.db.session() as s:
            result = s.execute(update(MockSessionRow).where(
                (MockSessionRow.id == session_id) & (MockSessionRow.group_id == group_id)
                & MockSessionRow.rating.is_(None))
                .values(rating=rating, rating_comment=comment))
            return result.rowcount == 1

    def mock_noshow(self, group_id: int, session_id: int, against: str,
                    now: datetime) -> int | None:
        """Close the session as a no-show by ``against``; their streak, or None if not open.

        The third no-show in a row pauses the member from weekly rounds.
        """
        with self.db.session() as s:
            _lock_group(s, group_id)
            if not self._close(s, group_id, session_id, now, "noshow", noshow_against=against):
                return None
            member = self._member_row(s, group_id, against)
            member.noshow_streak += 1
            if member.noshow_streak >= NOSHOW_PAUSE:
                member.paused = True
            return member.noshow_streak

    def mock_cancel_session(self, group_id: int, session_id: int, now: datetime) -> bool:
        """Cancel an open session; False if it is not open."""
        with self.db.session() as s:
            _lock_group(s, group_id)
            return self._close(s, group_id, session_id, now, "cancelled")

    def count_mocks_done(self, group_id: int) -> int:
        """Scored sessions in the group (for the weekly digest)."""
        with self.db.session() as s:
            return s.scalar(select(func.count()).select_from(MockSessionRow).where(
                (MockSessionRow.group_id == group_id) & (MockSessionRow.status == "scored"))) or 0

    # members ------------------------------------------------------------------------------

    def mock_member(self, group_id: int, user_id: str) -> MockMemberState:
        """The member's mock settings (defaults if never set)."""
        with self.db.session() as s:
            row = s.scalars(select(MockMemberRow).where(
                (MockMemberRow.group_id == group_id) & (MockMemberRow.user_id == user_id))
            ).first()
            return _member(row) if row else MockMemberState(user_id)

    def mock_members(self, group_id: int) -> list[MockMemberState]:
        """Every member with mock settings."""
        with self.db.session() as s:
            rows = s.scalars(select(MockMemberRow).where(MockMemberRow.group_id == group_id)
                             .order_by(MockMemberRow.id))
            return [_member(r) for r in rows]

    def mock_set_optin(self, group_id: int, user_id: str, opted_in: bool) -> None:
        """Join or leave weekly rounds; opting in lifts a no-show pause."""
        with self.db.session() as s:
            row = self._member_row(s, group_id, user_id)
            row.opted_in = opted_in
            if opted_in:
                row.paused, row.noshow_streak = False, 0

    def mock_set_skip(self, group_id: int, user_id: str, skip: bool) -> None:
        """Sit out (or not) the next weekly round."""
        with self.db.session() as s:
            self._member_row(s, group_id, user_id).skip_next = skip

    # rounds -------------------------------------------------------------------------------

    def mock_round(self, group_id: int, local_date: date) -> MockRound | None:
        """The round of ``local_date``, if it was made."""
        with self.db.session() as s:
            row = s.scalars(select(MockRoundRow).where(
                (MockRoundRow.group_id == group_id) & (MockRoundRow.local_date == local_date))
            ).first()
            return _round(row) if row else None

    def mock_rounds(self, group_id: int) -> list[MockRound]:
        """Every round of the group, oldest first."""
        with self.db.session() as s:
            rows = s.scalars(select(MockRoundRow).where(MockRoundRow.group_id == group_id)
                             .order_by(MockRoundRow.round_index))
            return [_round(r) for r in rows]

    def mock_start_round(self, group_id: int, local_date: date, plans: Sequence[SessionPlan],
                         now: datetime) -> tuple[MockRound, list[MockSession | None]] | None:
        """Create the round and its sessions once; None if the round already exists.

        A plan whose member meanwhile sits in an open session is not opened (None in its
        place). Placed members leave the queue; every skip flag of the group is spent.
        """
        with self.db.session() as s:
            _lock_group(s, group_id)
            index = s.scalar(select(func.count()).select_from(MockRoundRow)
                             .where(MockRoundRow.group_id == group_id)) or 0
            if not insert_ignore(s, MockRoundRow, group_id=group_id, round_index=index,
                                 local_date=local_date, summary=None, created_at=now):
                return None
            row = s.scalars(select(MockRoundRow).where(
                (MockRoundRow.group_id == group_id) & (MockRoundRow.local_date == local_date))
            ).one()
            sessions: list[MockSession | None] = []
            for plan in plans:
                members = [plan.interviewer, plan.candidate] + (
                    [plan.observer] if plan.observer else [])
                if self._open_of(s, group_id, members):
                    sessions.append(None)
                    continue
                sessions.append(self._create(s, group_id, plan, now, row.id))
                s.execute(delete(MockQueueRow).where(
                    (MockQueueRow.group_id == group_id) & MockQueueRow.user_id.in_(members)))
            s.execute(update(MockMemberRow).where(MockMemberRow.group_id == group_id)
                      .values(skip_next=False))
            return _round(row), sessions

    def mock_set_round_summary(self, round_id: int, summary: str) -> None:
        """Keep the round's summary text (to rebuild the post after a retry)."""
        with self.db.session() as s:
            s.execute(update(MockRoundRow).where(MockRoundRow.id == round_id)
                      .values(summary=summary))

    # member data --------------------------------------------------------------------------

    def mock_export(self, group_id: int, user_id: str) -> dict[str, Any]:
        """Everything ``/mock`` keeps about the member."""
        settings = self.mock_member(group_id, user_id)
        sessions = []
        for m in self.mock_sessions(group_id, user_id):
            item: dict[str, Any] = {
                "id": m.id, "kind": m.kind, "level": m.level, "role": m.role_of(user_id),
                "status": m.status, "created_at": m.created_at.isoformat(),
                "problem": m.problem_id, "questions": list(m.question_ids),
            }
            if m.role_of(user_id) in ("interviewer", "candidate"):
                item.update(scores=list(m.scores) if m.scores else None, weighted=m.weighted,
                            band=m.band, feedback=m.feedback, rating=m.rating,
                            rating_comment=m.rating_comment)
            sessions.append(item)
        with self.db.session() as s:
            queued = s.scalars(select(MockQueueRow).where(
                (MockQueueRow.group_id == group_id) & (MockQueueRow.user_id == user_id))).first()
            queue = ({"kind": queued.kind, "level": queued.level,
                      "joined_at": queued.joined_at.isoformat()} if queued else None)
        return {"settings": {"opted_in": settings.opted_in, "skip_next": settings.skip_next,
                             "noshow_streak": settings.noshow_streak, "paused": settings.paused},
                "queue": queue, "sessions": sessions}

    def mock_forget(self, group_id: int, user_id: str) -> int:
        """Delete the member's mock data; return rows removed or anonymized.

        Sessions where they were the candidate (their scores and feedback) are deleted;
        where they interviewed or observed, their id is replaced so the partner keeps
        their own history. Their open session, if any, is cancelled first.
        """
        removed = 0
        with self.db.session() as s:
            _lock_group(s, group_id)
            sid = self._open_session_id(s, group_id, user_id)
            if sid is not None:
                self._close(s, group_id, sid, datetime.now().astimezone(), "cancelled")
            for model in (MockQueueRow, MockMemberRow, MockParticipantRow):
                result = s.execute(delete(model).where(
                    (model.group_id == group_id) & (model.user_id == user_id)))
                removed += result.rowcount or 0
            result = s.execute(delete(MockSessionRow).where(
                (MockSessionRow.group_id == group_id) & (MockSessionRow.candidate_id == user_id)))
            removed += result.rowcount or 0
            for column in ("interviewer_id", "observer_id", "noshow_against"):
                col = getattr(MockSessionRow, column)
                result = s.execute(update(MockSessionRow).where(
                    (MockSessionRow.group_id == group_id) & (col == user_id))
                    .values({column: FORGOTTEN}).execution_options(synchronize_session=False))
                removed += result.rowcount or 0
        return removed
