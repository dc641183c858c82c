"""What ``/mock`` needs from storage: plain records and the :class:`MockStore` protocol.

The SQLAlchemy implementation is :class:`bot.storage.mock_repo.MockRepo`; the core never
imports it. Exactly-once rules live in the database (one queue entry per member, one open
session per member, one round per group and local date); the store claims a match and
opens its session in one transaction.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Literal, Protocol

Kind = Literal["system-design", "behavioral"]
Status = Literal["open", "scored", "cancelled", "noshow"]
JoinOutcome = Literal["queued", "waiting", "paired", "busy", "conflict"]


@dataclass(frozen=True)
class QueueEntry:
    """A member waiting for a peer (``/mock now``)."""

    user_id: str
    kind: str
    level: str | None
    joined_at: datetime


@dataclass(frozen=True)
class SessionPlan:
    """A session to open: who does what, and the problem or questions."""

    interviewer: str
    candidate: str
    kind: str
    level: str
    problem_id: str | None = None
    question_ids: tuple[str, ...] = ()
    observer: str | None = None


@dataclass(frozen=True)
class MockSession:
    """One mock interview as stored."""

    id: int
    group_id: int
    kind: str
    level: str
    interviewer: str
    candidate: str
    observer: str | None
    problem_id: str | None
    question_ids: tuple[str, ...]
    round_id: int | None
    status: str
    created_at: datetime
    closed_at: datetime | None = None
    scores: tuple[int, ...] | None = None
    weighted: float | None = None
    band: str | None = None
    feedback: str | None = None
    rating: int | None = None
    rating_comment: str | None = None
    noshow_against: str | None = None

    @property
    def members(self) -> tuple[str, ...]:
        """Everyone in the session."""
        return (self.interviewer, self.candidate) + ((self.observer,) if self.observer else ())

    def role_of(self, user_id: str) -> str | None:
        """``interviewer``, ``candidate``, ``observer`` or None."""
        if user_id == self.interviewer:
            return "interviewer"
        if user_id == self.candidate:
            return "candidate"
        return "observer" if user_id == self.observer else None


@dataclass(frozen=True)
class MockMemberState:
    """A member's weekly-round settings and no-show standing."""

    user_id: str
    opted_in: bool = False
    skip_next: bool = False
    noshow_streak: int = 0
    paused: bool = False


@dataclass(frozen=True)
class MockRound:
    """A weekly round: one per group per local date."""

    id: int
    group_id: int
    index: int
    local_date: date
    summary: str | None


@dataclass(frozen=True)
class JoinResult:
    """What ``/mock now`` did: queued, still waiting, paired (with the session), or busy."""

    outcome: JoinOutcome
    session: MockSession | None = None
    entry: QueueEntry | None = None
    expired: tuple[str, ...] = ()


#: Called inside the matching transaction with (waiting entry, joining entry, past
#: sessions of both): returns the session to open.
Planner = Callable[[QueueEntry, QueueEntry, Sequence[MockSession]], SessionPlan]


class MockStore(Protocol):
    """Queue, sessions, rounds and member settings for ``/mock``."""

    def mock_expire_queue(self, group_id: int, before: datetime) -> list[QueueEntry]: ...
    def mock_join(self, group_id: int, user_id: str, kind: str, level: str | None,
                  now: datetime, expire_before: datetime, plan: Planner) -> JoinResult: ...
    def mock_leave_queue(self, group_id: int, user_id: str) -> bool: ...
    def mock_open_session(self, group_id: int, user_id: str) -> MockSession | None: ...
    def mock_session(self, group_id: int, session_id: int) -> MockSession | None: ...
    def mock_sessions(self, group_id: int, user_id: str | None = None) -> list[MockSession]: ...
    def mock_score(self, group_id: int, session_id: int, scores: tuple[int, ...],
                   weighted: float, band: str, now: datetime) -> bool: ...
    def mock_feedback(self, group_id: int, session_id: int, text: str) -> bool: ...
    def mock_rate(self, group_id: int, session_id: int, rating: int,
                  comment: str | None) -> bool: ...
    def mock_noshow(self, group_id: int, session_id: int, against: str,
                    now: datetime) -> int | None: ...
    def mock_cancel_session(self, group_id: int, session_id: int, now: datetime) -> bool: ...
    def mock_member(self, group_id: int, user_id: str) -> MockMemberState: ...
    def mock_members(self, group_id: int) -> list[MockMemberState]: ...
    def mock_set_optin(self, group_id: int, user_id: str, opted_in: bool) -> None: ...
    def mock_set_skip(self, group_id: int, user_id: str, skip: bool) -> None: ...
    def mock_round(self, group_id: int, local_date: date) -> MockRound | None: ...
    def mock_rounds(self, group_id: int) -> list[MockRound]: ...
    def mock_start_round(self, group_id: int, local_date: date, plans: Sequence[SessionPlan],
                         now: datetime) -> tuple[MockRound, list[MockSession | None]] | None: ...
    def mock_set_round_summary(self, round_id: int, summary: str) -> None: ...
    def count_mocks_done(self, group_id: int) -> int: ...
    def mock_export(self, group_id: int, user_id: str) -> dict[str, Any]: ...
    def mock_forget(self, group_id: int, user_id: str) -> int: ...
