"""What the core needs from storage, as small protocols and plain records.

The SQLAlchemy implementation lives in :mod:`bot.storage`; the core never imports it.
Every call is scoped to one group id: one group never sees another's data.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Protocol

from bot.core.streaks import RunSummary
from bot.core.types import GroupRef, Reply


@dataclass(frozen=True)
class Pause:
    """The plan was paused from ``start`` (inclusive) until ``end`` (exclusive, None = still)."""

    start: date
    end: date | None

    def covers(self, day: date) -> bool:
        """True if ``day`` falls inside the pause."""
        return self.start <= day and (self.end is None or day < self.end)


@dataclass(frozen=True)
class GroupState:
    """A study group's settings as stored."""

    id: int
    ref: GroupRef
    track_id: str
    schedule_id: str
    timezone: str
    daily_time: time
    start_date: date
    quorum: float
    pauses: tuple[Pause, ...] = ()

    @property
    def paused(self) -> bool:
        """True while a pause is open."""
        return any(p.end is None for p in self.pauses)


@dataclass(frozen=True)
class MemberState:
    """A member of one group."""

    group_id: int
    user_id: str
    display_name: str
    joined_on: date
    timezone: str | None = None


@dataclass(frozen=True)
class Away:
    """A member is away from ``start`` to ``end`` inclusive (local dates)."""

    user_id: str
    start: date
    end: date


@dataclass(frozen=True)
class Checkin:
    """One member's check-in for one plan day."""

    user_id: str
    plan_day: int
    at: datetime
    note: str | None = None


class GroupStore(Protocol):
    """Groups, their pauses and members."""

    def get_group(self, ref: GroupRef) -> GroupState | None: ...
    def get_group_by_id(self, group_id: int) -> GroupState | None: ...
    def list_groups(self) -> list[GroupState]: ...
    def save_group(
        self,
        ref: GroupRef,
        *,
        track_id: str,
        schedule_id: str,
        timezone: str,
        daily_time: time,
        start_date: date,
        quorum: float,
    ) -> GroupState: ...
    def start_pause(self, group_id: int, start: date) -> None: ...
    def end_pause(self, group_id: int, end: date) -> None: ...

    def ensure_member(
        self, group_id: int, user_id: str, display_name: str, joined_on: date
    ) -> MemberState: ...
    def get_member(self, group_id: int, user_id: str) -> MemberState | None: ...
    def list_members(self, group_id: int) -> list[MemberState]: ...
    def set_member_timezone(self, group_id: int, user_id: str, timezone: str) -> None: ...
    def add_away(self, group_id: int, user_id: str, start: date, end: date) -> None: ...
    def list_away(self, group_id: int) -> list[Away]: ...
    def forget_member(self, group_id: int, user_id: str) -> int: ...


class CheckinStore(Protocol):
    """Check-ins: one per member per plan day, enforced by a unique key."""

    def add_checkin(
        self, group_id: int, user_id: str, plan_day: int, at: datetime, note: str | None,
        run_from: int | None = None,
    ) -> bool: ...
    def member_checkins(self, group_id: int, user_id: str) -> list[Checkin]: ...
    def all_checkins(self, group_id: int) -> list[tuple[str, int]]: ...
    def checkin_counts(self, group_id: int) -> dict[int, int]: ...
    def streak_summaries(self, group_id: int) -> dict[str, RunSummary]: ...
    def rebuild_streak(
        self, group_id: int, user_id: str, compute: Callable[[set[int]], RunSummary]
    ) -> RunSummary: ...
    def checkin_tallies(
        self, group_id: int, spans: Sequence[tuple[int, int]]
    ) -> dict[str, tuple[int, ...]]: ...


class DeliveryStore(Protocol):
    """Platform deliveries already handled, so a redelivery has no second effect."""

    def claim_delivery(self, key: str, at: datetime) -> bool: ...


class ThreadStore(Protocol):
    """Links between the core's thread keys and platform thread ids."""

    def bind_thread(self, group_id: int, key: str, platform_ref: str) -> None: ...
    def thread_ref(self, group_id: int, key: str) -> str | None: ...
    def thread_key(self, group_id: int, platform_ref: str) -> str | None: ...


class Store(GroupStore, CheckinStore, DeliveryStore, ThreadStore, Protocol):
    """Everything the foundation needs; features add their own protocols."""


class Messenger(Protocol):
    """An adapter's outgoing side, used for scheduled posts (sync; thread-safe).

    ``send`` posts one reply into ``group`` and returns the platform id of the message
    (Slack ``ts``, Discord message id), which is also the thread id of a reply opened
    under it. It raises on failure so the caller can retry.

    A scheduled reply carries ``reply.post_key``; the adapter stamps it on the message in a
    form the platform keeps (Slack message metadata, a Discord enforced nonce). An adapter that can
    also *look it up* implements :class:`ReconcilingMessenger`; without that, a post sent at
    the instant a worker dies may go out twice (at-least-once).
    """

    def send(self, group: GroupRef, reply: Reply) -> str | None: ...


class ReconcilingMessenger(Messenger, Protocol):
    """A Messenger that can tell whether a stamped reply is already on the platform.

    ``find_sent`` returns the id ``send`` would have returned for the message carrying
    ``reply.post_key`` (searching the group's recent messages), or None if there is none.
    The dispatcher asks before re-sending a post whose earlier attempt may have gone out, so
    a worker killed between the platform call and the outbox update posts exactly once.
    """

    def find_sent(self, group: GroupRef, reply: Reply) -> str | None: ...
