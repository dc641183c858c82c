"""Mock interviews: the waiting queue, sessions with their participants, rounds, settings.

Exactly-once rules are constraints:

* ``mock_queue``: UNIQUE(group_id, user_id) — one waiting entry per member;
* ``mock_participants``: UNIQUE(group_id, user_id, open_flag) — ``open_flag`` is true while
  the session is open and NULL once it closes (NULLs never collide), so a member is in at
  most one open session;
* ``mock_rounds``: UNIQUE(group_id, local_date) — one weekly round per group and date.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    Boolean,
    Date,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from bot.storage.models import Base
from bot.storage.types import UTCDateTime


class MockQueueRow(Base):
    """A member waiting for a peer after ``/mock now``."""

    __tablename__ = "mock_queue"
    __table_args__ = (UniqueConstraint("group_id", "user_id", name="uq_mock_queue_member"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    group_id: Mapped[int] = mapped_column(ForeignKey("groups.id", ondelete="CASCADE"))
    user_id: Mapped[str] = mapped_column(String(64))
    kind: Mapped[str] = mapped_column(String(20))
    level: Mapped[str | None] = mapped_column(String(20), nullable=True)
    joined_at: Mapped[datetime] = mapped_column(UTCDateTime)


class MockRoundRow(Base):
    """A weekly pairing round."""

    __tablename__ = "mock_rounds"
    __table_args__ = (UniqueConstraint("group_id", "local_date", name="uq_mock_rounds_date"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    group_id: Mapped[int] = mapped_column(ForeignKey("groups.id", ondelete="CASCADE"))
    round_index: Mapped[int] = mapped_column(Integer)
    local_date: Mapped[date] = mapped_column(Date)
    summary: Mapped[str | None] = mapped_column(Text, nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class MockSessionRow(Base):
    """One mock interview. ``status``: open, scored, cancelled or noshow."""

    __tablename__ = "mock_sessions"
    __table_args__ = (Index("ix_mock_sessions_group_status", "group_id", "status"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    group_id: Mapped[int] = mapped_column(ForeignKey("groups.id", ondelete="CASCADE"))
    round_id: Mapped[int | None] = mapped_column(
        ForeignKey("mock_rounds.id", ondelete="SET NULL"), nullable=True)
    kind: Mapped[str] = mapped_column(String(20))
    level: Mapped[str] = mapped_column(String(20))
    interviewer_id: Mapped[str] = mapped_column(String(64))
    candidate_id: Mapped[str] = mapped_column(String(64))
    observer_id: Mapped[str | None] = mapped_column(String(64), nullable=True)
    problem_id: Mapped[str | None] = mapped_column(String(64), nullable=True)
    question_ids: Mapped[str] = mapped_column(String(400), default="")
    status: Mapped[str] = mapped_column(String(10), default="open")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    scores: Mapped[str | None] = mapped_column(String(40), nullable=True)
    weighted: Mapped[float | None] = mapped_column(Float, nullable=True)
    band: Mapped[str | None] = mapped_column(String(40), nullable=True)
    feedback: Mapped[str | None] = mapped_column(Text, nullable=True)
    rating: Mapped[int | None] = mapped_column(Integer, nullable=True)
    rating_comment: Mapped[str | None] = mapped_column(Text, nullable=True)
    noshow_against: Mapped[str | None] = mapped_column(String(64), nullable=True)


class MockParticipantRow(Base):
    """A member's seat in a session; ``open_flag`` is true while open, NULL once closed."""

    __tablename__ = "mock_participants"
    __table_args__ = (
        UniqueConstraint("group_id", "user_id", "open_flag", name="uq_mock_participants_open"),
        Index("ix_mock_participants_session", "session_id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    group_id: Mapped[int] = mapped_column(ForeignKey("groups.id", ondelete="CASCADE"))
    session_id: Mapped[int] = mapped_column(ForeignKey("mock_sessions.id", ondelete="CASCADE"))
    user_id: Mapped[str] = mapped_column(String(64))
    role: Mapped[str] = mapped_column(String(12))
    open_flag: Mapped[bool | None] = mapped_column(Boolean, nullable=True)


class MockMemberRow(Base):
    """A member's weekly-round settings and no-show standing."""

    __tablename__ = "mock_members"
    __table_args__ = (UniqueConstraint("group_id", "user_id", name="uq_mock_members_member"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    group_id: Mapped[int] = mapped_column(ForeignKey("groups.id", ondelete="CASCADE"))
    user_id: Mapped[str] = mapped_column(String(64))
    opted_in: Mapped[bool] = mapped_column(Boolean, default=False)
    skip_next: Mapped[bool] = mapped_column(Boolean, default=False)
    noshow_streak: Mapped[int] = mapped_column(Integer, default=0)
    paused: Mapped[bool] = mapped_column(Boolean, default=False)
