"""Outbox of scheduled posts and the answers to checkpoint prompts.

``outbox`` holds one row per (group, kind, local date): the unique key is what makes a
post exactly-once across schedulers, restarts and retries.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from bot.storage.models import Base
from bot.storage.types import UTCDateTime


class OutboxRow(Base):
    """A scheduled post: composed once, claimed by one sender, sent once.

    ``status``: ``pending`` (to send at ``next_attempt_at``), ``sending`` (claimed by
    ``claimed_by`` until ``lease_until``), ``sent``, ``failed`` (out of tries) or
    ``skipped`` (missed by more than the grace window). ``replies_sent`` counts the replies
    of the post already delivered, so a retry resumes after them.
    """

    __tablename__ = "outbox"
    __table_args__ = (
        UniqueConstraint("group_id", "kind", "local_date"),
        Index("ix_outbox_status_next", "status", "next_attempt_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    group_id: Mapped[int] = mapped_column(ForeignKey("groups.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(20))
    local_date: Mapped[date] = mapped_column(Date)
    due_at: Mapped[datetime] = mapped_column(UTCDateTime)
    payload: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(10), default="pending")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    replies_sent: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime)
    claimed_by: Mapped[str | None] = mapped_column(String(64), nullable=True)
    lease_until: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    message_id: Mapped[str | None] = mapped_column(String(100), nullable=True)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    last_error: Mapped[str | None] = mapped_column(Text, nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class CheckpointAnswerRow(Base):
    """A member's answer in a checkpoint prompt's thread: one per member per prompt."""

    __tablename__ = "checkpoint_answers"
    __table_args__ = (UniqueConstraint("group_id", "prompt_key", "user_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    group_id: Mapped[int] = mapped_column(ForeignKey("groups.id", ondelete="CASCADE"))
    prompt_key: Mapped[str] = mapped_column(String(100))
    user_id: Mapped[str] = mapped_column(String(64))
    checkpoint_id: Mapped[str] = mapped_column(String(64))
    at: Mapped[datetime] = mapped_column(UTCDateTime)
    text: Mapped[str] = mapped_column(Text)
