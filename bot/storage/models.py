"""SQLAlchemy models of the foundation: groups, members, check-ins, deliveries, threads.

Features keep their tables in their own modules (``models_*.py``) on the same Base.
Uniqueness rules live here as constraints, never in application code alone.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    Date,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from bot.storage.types import UTCDateTime

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    """Declarative base with stable constraint names (for Alembic)."""

    metadata = MetaData(naming_convention=NAMING)


class GroupRow(Base):
    """A study group: one channel of one workspace or guild."""

    __tablename__ = "groups"
    __table_args__ = (UniqueConstraint("platform", "workspace", "channel"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    platform: Mapped[str] = mapped_column(String(20))
    workspace: Mapped[str] = mapped_column(String(64))
    channel: Mapped[str] = mapped_column(String(64))
    track_id: Mapped[str] = mapped_column(String(64))
    schedule_id: Mapped[str] = mapped_column(String(64))
    timezone: Mapped[str] = mapped_column(String(64))
    daily_time: Mapped[str] = mapped_column(String(5))
    start_date: Mapped[date] = mapped_column(Date)
    quorum: Mapped[float] = mapped_column(Float, default=0.5)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class PauseRow(Base):
    """A pause of a group's plan: [start, end) in local dates; end is null while paused."""

    __tablename__ = "group_pauses"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    group_id: Mapped[int] = mapped_column(ForeignKey("groups.id", ondelete="CASCADE"), index=True)
    start_date: Mapped[date] = mapped_column(Date)
    end_date: Mapped[date | None] = mapped_column(Date, nullable=True)


class MemberRow(Base):
    """A member of one group."""

    __tablename__ = "members"
    __table_args__ = (UniqueConstraint("group_id", "user_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    group_id: Mapped[int] = mapped_column(ForeignKey("groups.id", ondelete="CASCADE"))
    user_id: Mapped[str] = mapped_column(String(64))
    display_name: Mapped[str] = mapped_column(String(80))
    joined_on: Mapped[date] = mapped_column(Date)
    timezone: Mapped[str | None] = mapped_column(String(64), nullable=True)


class AwayRow(Base):
    """A member's absence, inclusive local dates."""

    __tablename__ = "member_away"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    group_id: Mapped[int] = mapped_column(ForeignKey("groups.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[str] = mapped_column(String(64))
    start_date: Mapped[date] = mapped_column(Date)
    end_date: Mapped[date] = mapped_column(Date)


class CheckinRow(Base):
    """A check-in: one per member per plan day (the unique key makes retries harmless)."""

    __tablename__ = "checkins"
    __table_args__ = (
        UniqueConstraint("group_id", "user_id", "plan_day"),
        Index("ix_checkins_group_day", "group_id", "plan_day"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    group_id: Mapped[int] = mapped_column(ForeignKey("groups.id", ondelete="CASCADE"))
    user_id: Mapped[str] = mapped_column(String(64))
    plan_day: Mapped[int] = mapped_column(Integer)
    at: Mapped[datetime] = mapped_column(UTCDateTime)
    note: Mapped[str | None] = mapped_column(Text, nullable=True)


class MemberStreakRow(Base):
    """A member's streak summary, kept in the check-in's transaction (see ``RunSummary``)."""

    __tablename__ = "member_streaks"
    __table_args__ = (UniqueConstraint("group_id", "user_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    group_id: Mapped[int] = mapped_column(ForeignKey("groups.id", ondelete="CASCADE"))
    user_id: Mapped[str] = mapped_column(String(64))
    last_day: Mapped[int] = mapped_column(Integer)
    run: Mapped[int] = mapped_column(Integer)
    best: Mapped[int] = mapped_column(Integer)


class GroupDayCountRow(Base):
    """How many members checked in on one plan day, kept in the check-in's transaction."""

    __tablename__ = "group_day_counts"
    __table_args__ = (UniqueConstraint("group_id", "plan_day"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    group_id: Mapped[int] = mapped_column(ForeignKey("groups.id", ondelete="CASCADE"))
    plan_day: Mapped[int] = mapped_column(Integer)
    checkins: Mapped[int] = mapped_column(Integer)


class DeliveryRow(Base):
    """A platform delivery already handled (Slack retry, Discord interaction id)."""

    __tablename__ = "deliveries"

    key: Mapped[str] = mapped_column(String(200), primary_key=True)
    seen_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)


class ThreadRow(Base):
    """Binds a core thread key (``mock:12``) to the platform's thread id in a group."""

    __tablename__ = "threads"
    __table_args__ = (
        UniqueConstraint("group_id", "key"),
        Index("ix_threads_group_ref", "group_id", "platform_ref"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    group_id: Mapped[int] = mapped_column(ForeignKey("groups.id", ondelete="CASCADE"))
    key: Mapped[str] = mapped_column(String(100))
    platform_ref: Mapped[str] = mapped_column(String(100))
