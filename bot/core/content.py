"""Typed models for the study content under ``content/`` and ``schedules/``.

Every YAML file is validated into one of these models at start-up; see
:mod:`bot.core.content_loader` for how files map to models and how errors are reported.
"""

from __future__ import annotations

import re
from datetime import time
from typing import Annotated, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    field_validator,
    model_validator,
)

Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]
Slug = Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9-]*$")]

WEEKDAYS: tuple[str, ...] = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


class Model(BaseModel):
    """Base for content models: unknown keys are errors, instances are immutable."""

    model_config = ConfigDict(extra="forbid", frozen=True)


class PlanDay(Model):
    """One day of a study track."""

    day: int = Field(ge=1)
    phase: int = Field(ge=1)
    title: Text
    study: Text
    produce: Text
    staff_question: Text
    revisit: int | None = Field(default=None, ge=1, description="an earlier day to review")
    tags: tuple[Slug, ...] = ()


class Phase(Model):
    """A contiguous block of days with a theme and milestones to reach by its end."""

    number: int = Field(ge=1)
    name: Text
    first_day: int = Field(ge=1)
    last_day: int = Field(ge=1)
    milestones: tuple[Text, ...] = ()


class Milestone(Model):
    """A countable goal of a track (e.g. 8 mock interviews); shown in digests."""

    id: Slug
    name: Text
    target: int = Field(ge=1)


class Track(Model):
    """A study track: numbered days grouped in phases."""

    id: Slug
    name: Text
    description: Text
    phases: tuple[Phase, ...] = Field(min_length=1)
    days: tuple[PlanDay, ...] = Field(min_length=1)
    milestones: tuple[Milestone, ...] = ()

    @model_validator(mode="after")
    def _days_are_consistent(self) -> Track:
        numbers = [d.day for d in self.days]
        expected = list(range(1, len(self.days) + 1))
        if numbers != expected:
            raise ValueError(f"days must be numbered 1..{len(self.days)} in order, got {numbers}")
        titles = [d.title.casefold() for d in self.days]
        dupes = sorted({t for t in titles if titles.count(t) > 1})
        if dupes:
            raise ValueError(f"day titles repeat: {dupes}")
        covered: set[int] = set()
        for phase in self.phases:
            if phase.first_day > phase.last_day:
                raise ValueError(f"phase {phase.number}: first_day is after last_day")
            covered.update(range(phase.first_day, phase.last_day + 1))
        if covered != set(expected):
            raise ValueError("phases must cover every day exactly once")
        by_number = {p.number: p for p in self.phases}
        for d in self.days:
            phase = by_number.get(d.phase)
            if phase is None or not phase.first_day <= d.day <= phase.last_day:
                raise ValueError(f"day {d.day}: phase {d.phase} does not contain it")
            if d.revisit is not None and d.revisit >= d.day:
                raise ValueError(f"day {d.day}: revisit must name an earlier day")
        return self

    def day(self, number: int) -> PlanDay:
        """The task of plan day ``number`` (1-based)."""
        return self.days[number - 1]

    def phase_of(self, number: int) -> Phase:
        """The phase that contains plan day ``number``."""
        return next(p for p in self.phases if p.first_day <= number <= p.last_day)

    @property
    def length(self) -> int:
        """Number of days in the track."""
        return len(self.days)


class Checkpoint(Model):
    """A drill that asks a member to produce something concrete."""

    id: Slug
    title: Text
    skill: Text
    prompt: Text
    look_for: tuple[Text, ...] = Field(min_length=1, description="what a good answer contains")


class CheckpointSet(Model):
    """The ``content/checkpoints.yaml`` file."""

    checkpoints: tuple[Checkpoint, ...] = Field(min_length=1)

    @field_validator("checkpoints")
    @classmethod
    def _unique_ids(cls, value: tuple[Checkpoint, ...]) -> tuple[Checkpoint, ...]:
        ids = [c.id for c in value]
        dupes = sorted({i for i in ids if ids.count(i) > 1})
        if dupes:
            raise ValueError(f"checkpoint ids repeat: {dupes}")
        return value


_HHMM = re.compile(r"^([01]\d|2[0-3]):([0-5]\d)$")


def parse_hhmm(value: str) -> time:
    """Parse ``HH:MM`` (24-hour) into a :class:`datetime.time`."""
    match = _HHMM.match(value.strip())
    if not match:
        raise ValueError(f"time must be HH:MM (24-hour), got {value!r}")
    return time(int(match.group(1)), int(match.group(2)))


def check_timezone(value: str) -> str:
    """Return ``value`` if it names an IANA time zone, else raise ``ValueError``."""
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise ValueError(f"unknown IANA time zone {value!r} (e.g. Europe/Berlin)") from exc
    return value


class PostTime(Model):
    """When one kind of post goes out, in the schedule's time zone."""

    time: str
    days: tuple[Literal["mon", "tue", "wed", "thu", "fri", "sat", "sun"], ...] = Field(min_length=1)

    @field_validator("time")
    @classmethod
    def _valid_time(cls, value: str) -> str:
        parse_hhmm(value)
        return value

    @property
    def local_time(self) -> time:
        """The post time as a :class:`datetime.time`."""
        return parse_hhmm(self.time)

    @property
    def weekdays(self) -> frozenset[int]:
        """Days as ``date.weekday()`` numbers (Monday is 0)."""
        return frozenset(WEEKDAYS.index(d) for d in self.days)


class Schedule(Model):
    """A group's posting schedule: time zone, and when each kind of post goes out."""

    id: Slug
    name: Text
    description: Text
    timezone: str
    daily: PostTime
    checkpoint: PostTime | None = None
    digest: PostTime | None = None
    mock_round: PostTime | None = None

    @field_validator("timezone")
    @classmethod
    def _valid_zone(cls, value: str) -> str:
        return check_timezone(value)
