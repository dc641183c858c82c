"""What a handler gets: the request, its group, and the injected services."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from functools import cached_property
from typing import Any
from zoneinfo import ZoneInfo

from bot.core.clock import Clock
from bot.core.content import Schedule, Track
from bot.core.content_loader import Content
from bot.core.plan import PlanCalendar
from bot.core.ports import GroupState, MemberState, Store
from bot.core.types import CommandRequest


@dataclass(frozen=True)
class CoreSettings:
    """Limits and defaults of the core, set once by the composition root."""

    default_track: str = "staff-90"
    default_schedule: str = "default"
    default_quorum: float = 0.5
    max_note_chars: int = 500
    max_story_chars: int = 12_000
    max_feedback_chars: int = 4_000
    admin_user_ids: frozenset[str] = frozenset()


def calendar_for(group: GroupState, content: Content) -> PlanCalendar:
    """The plan calendar of ``group`` (its schedule's days, its zone and daily time)."""
    schedule = content.schedules.get(group.schedule_id) or content.schedules["default"]
    track = content.tracks.get(group.track_id) or next(iter(content.tracks.values()))
    return PlanCalendar(
        start=group.start_date,
        weekdays=schedule.daily.weekdays,
        zone=ZoneInfo(group.timezone),
        post_time=group.daily_time,
        length=track.length,
        pauses=group.pauses,
    )


@dataclass
class Context:
    """One command being handled."""

    request: CommandRequest
    group: GroupState | None
    store: Store
    clock: Clock
    content: Content
    settings: CoreSettings
    services: dict[str, Any]

    @cached_property
    def now(self) -> datetime:
        """The instant this command is handled at."""
        return self.clock.now()

    @property
    def g(self) -> GroupState:
        """The group, for handlers that are only called when one exists."""
        assert self.group is not None, "handler needs a group"
        return self.group

    @cached_property
    def calendar(self) -> PlanCalendar:
        """The group's plan calendar."""
        return calendar_for(self.g, self.content)

    @property
    def track(self) -> Track:
        """The group's track."""
        return self.content.tracks.get(self.g.track_id) or next(iter(self.content.tracks.values()))

    @property
    def schedule(self) -> Schedule:
        """The group's schedule."""
        return self.content.schedules.get(self.g.schedule_id) or self.content.schedules["default"]

    @property
    def today(self) -> date:
        """The group's local date now."""
        return self.calendar.local_date(self.now)

    def member(self) -> MemberState:
        """The member who sent the command, registered in the group on first contact."""
        m = self.request.member
        return self.store.ensure_member(self.g.id, m.user_id, m.display_name, self.today)
