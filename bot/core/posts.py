"""Scheduled posts: when each kind falls due for a group, and what it says (pure, no I/O).

Kinds: ``daily`` (the plan task), ``checkpoint`` (a drill answered in its thread),
``digest`` (the weekly summary) and ``mock_round`` (a hook the mocks feature fills).
Every kind posts in the group's time zone; the daily post uses the group's own daily
time, the others the times of the group's schedule. A post is keyed by
``(group, kind, local date)``; the scheduler stores it once under that key.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import asdict, dataclass
from datetime import date, datetime, time, timedelta
from typing import Any, Protocol
from zoneinfo import ZoneInfo

from bot.core.content import Checkpoint, Schedule, Track
from bot.core.content_loader import Content
from bot.core.context import calendar_for
from bot.core.handlers.progress import group_standing, leaderboard
from bot.core.ports import GroupState, Store
from bot.core.types import Button, Form, FormField, Post, Reply
from bot.core.views import day_label, task_post

KINDS: tuple[str, ...] = ("daily", "checkpoint", "digest", "mock_round")
LEADERBOARD_TOP = 5
QUIET_DAYS = 3
AFTER_TRACK_DAYS = 7  # checkpoints, digests and mock rounds stop a week after the last day

PostComposer = Callable[[GroupState, date, Any, Content], "Post | None"]
"""A feature's composer: ``(group, local_date, store, content) -> Post | None``."""

POST_COMPOSERS: dict[str, PostComposer] = {}
"""Feature hooks by kind. The mocks feature sets ``POST_COMPOSERS["mock_round"]`` at import
(from a module listed in ``bot.core.service.HANDLER_MODULES``); without it no mock-round
post is made. A hook here also replaces the built-in composer of its kind."""


class CheckpointAnswerStore(Protocol):
    """Checkpoint answers: one per member per prompt, enforced by a unique key."""

    def add_checkpoint_answer(self, group_id: int, user_id: str, prompt_key: str,
                              checkpoint_id: str, at: datetime, text: str) -> bool: ...
    def count_checkpoint_answers(self, group_id: int, prompt_key: str) -> int: ...


@dataclass(frozen=True)
class Slot:
    """One scheduled occurrence: a kind of post for one group on one local date."""

    group_id: int
    kind: str
    local_date: date
    at: datetime


@dataclass(frozen=True)
class PostTiming:
    """When one kind of post goes out for one group."""

    at: time
    weekdays: frozenset[int]
    zone: ZoneInfo


def schedule_of(group: GroupState, content: Content) -> Schedule:
    """The group's schedule (the default one if its schedule was removed)."""
    return content.schedules.get(group.schedule_id) or content.schedules["default"]


def track_of(group: GroupState, content: Content) -> Track:
    """The group's track (the first one if its track was removed)."""
    return content.tracks.get(group.track_id) or next(iter(content.tracks.values()))


def timing(group: GroupState, kind: str, content: Content) -> PostTiming | None:
    """When ``kind`` posts for ``group``; None if its schedule has no such post."""
    schedule = schedule_of(group, content)
    post = getattr(schedule, kind, None) if kind in KINDS else None
    if post is None:
        return None
    at = group.daily_time if kind == "daily" else post.local_time
    return PostTiming(at, post.weekdays, ZoneInfo(group.timezone))


def slots_between(group: GroupState, content: Content, start: datetime, end: datetime,
                  kinds: tuple[str, ...] = KINDS) -> list[Slot]:
    """Occurrences of ``kinds`` with ``start < at <= end``, in time order.

    Occurrences only: whether a post is made (pause, days off, track over) is
    :func:`should_post`'s call.
    """
    slots = []
    for kind in kinds:
        t = timing(group, kind, content)
        if t is None:
            continue
        day = start.astimezone(t.zone).date() - timedelta(days=1)
        last = end.astimezone(t.zone).date() + timedelta(days=1)
        while day <= last:
            if day.weekday() in t.weekdays:
                at = datetime.combine(day, t.at, tzinfo=t.zone)
                if start < at <= end:
                    slots.append(Slot(group.id, kind, day, at))
            day += timedelta(days=1)
    slots.sort(key=lambda s: (s.at, KINDS.index(s.kind)))
    return slots


def should_post(group: GroupState, kind: str, day: date, content: Content) -> bool:
    """True if ``kind`` is posted for ``group`` on local date ``day`` (cheap, no store)."""
    t = timing(group, kind, content)
    if t is None or day.weekday() not in t.weekdays or day < group.start_date:
        return False
    if any(p.covers(day) for p in group.pauses):
        return False
    cal = calendar_for(group, content)
    if kind == "daily":
        return cal.plan_day_on(day) is not None
    last = cal.date_of(cal.length)
    if last is not None and day > last + timedelta(days=AFTER_TRACK_DAYS):
        return False
    if kind == "mock_round":
        return "mock_round" in POST_COMPOSERS
    return kind != "checkpoint" or bool(content.checkpoints)


def compose(group: GroupState, kind: str, day: date, store: Store, content: Content) -> Post | None:
    """The post of ``kind`` for ``group`` on local date ``day``, or None if none is due."""
    if not should_post(group, kind, day, content):
        return None
    hook = POST_COMPOSERS.get(kind)
    if hook is not None:
        return hook(group, day, store, content)
    if kind == "daily":
        n = calendar_for(group, content).plan_day_on(day)
        assert n is not None
        replies: tuple[Reply, ...] = (task_post(track_of(group, content), n),)
    elif kind == "checkpoint":
        replies = (checkpoint_prompt(group, day, content),)
    elif kind == "digest":
        replies = (Reply(digest_text(group, day, store, content)),)
    else:
        return None
    return Post(group.ref, kind, day.isoformat(), replies)


# checkpoints ------------------------------------------------------------------------------

def checkpoint_key(day: date) -> str:
    """The thread key of the checkpoint prompt posted on ``day``."""
    return f"checkpoint:{day.isoformat()}"


def checkpoint_for(group: GroupState, day: date, content: Content) -> Checkpoint:
    """The drill of the checkpoint on ``day``: the group's checkpoints rotate in order.

    The n-th checkpoint date since the group's start (paused dates not counted) gets
    drill ``n mod len(checkpoints)``, so every worker picks the same one.
    """
    t = timing(group, "checkpoint", content)
    weekdays = t.weekdays if t else frozenset(range(7))
    n, d = 0, group.start_date
    while d < day:
        if d.weekday() in weekdays and not any(p.covers(d) for p in group.pauses):
            n += 1
        d += timedelta(days=1)
    return content.checkpoints[n % len(content.checkpoints)]


def checkpoint_prompt(group: GroupState, day: date, content: Content) -> Reply:
    """The prompt, posted as the opening of its own thread where members answer."""
    cp = checkpoint_for(group, day, content)
    return Reply(
        f"🧩 **Checkpoint — {cp.title}** ({cp.skill})\n{cp.prompt}\n"
        "Answer in this thread; your answer counts as this checkpoint done.",
        visibility="thread",
        thread_key=checkpoint_key(day),
        thread_title=f"Checkpoint {day_label(day)}: {cp.title}",
    )


# digest -----------------------------------------------------------------------------------

def milestone_target(track: Track, milestone_id: str, default: int) -> int:
    """The target of a track milestone, or ``default`` if the track has none."""
    return next((m.target for m in track.milestones if m.id == milestone_id), default)


def _count(store: Any, method: str, group_id: int) -> int:
    fn = getattr(store, method, None)
    return int(fn(group_id)) if callable(fn) else 0


def digest_text(group: GroupState, day: date, store: Store, content: Content) -> str:
    """The weekly digest: group streak, top 5, who has been quiet, milestone progress."""
    cal = calendar_for(group, content)
    track = track_of(group, content)
    end_of_day = datetime.combine(day, time(23, 59), tzinfo=cal.zone)
    current = cal.current_day(end_of_day)
    streak, _, _ = group_standing(store, cal, group.id, group.quorum, current)
    lines = [f"📬 **Weekly digest — week of {day_label(day - timedelta(days=6))}**",
             f"Plan: Day {current} of {track.length}. Group streak: {streak.current} "
             f"day(s), best {streak.best}."]
    rows = [r for r in leaderboard(store, cal, group.id, current, day) if r.streak.best > 0]
    if not rows:
        lines.append("No check-ins yet — the first /done starts the leaderboard.")
    else:
        lines.append("**Top streaks:**")
        lines += [f"{i}. {r.member.display_name} — {r.streak.current} (best {r.streak.best}, "
                  f"{r.this_week} this week)" for i, r in enumerate(rows[:LEADERBOARD_TOP], 1)]
    quiet = quiet_members(group, day, store)
    if quiet:
        lines.append(f"💤 Quiet for {QUIET_DAYS}+ days: {', '.join(quiet)} — we miss you!")
    mocks = _count(store, "count_mocks_done", group.id)
    stories = _count(store, "count_stories", group.id)
    lines.append(f"🏁 Milestones: mocks {mocks} of {milestone_target(track, 'mock-interviews', 8)}"
                 f" · STAR stories {stories} of {milestone_target(track, 'star-stories', 15)}")
    return "\n".join(lines)


def quiet_members(group: GroupState, day: date, store: Store) -> list[str]:
    """Members (not away) with no check-in in the last ``QUIET_DAYS`` days up to ``day``."""
    zone = ZoneInfo(group.timezone)
    aways = store.list_away(group.id)
    quiet = []
    for m in store.list_members(group.id):
        if any(a.user_id == m.user_id and a.start <= day <= a.end for a in aways):
            continue
        dates = [c.at.astimezone(zone).date() for c in store.member_checkins(group.id, m.user_id)]
        last = max((d for d in dates if d <= day), default=m.joined_on)
        if (day - last).days >= QUIET_DAYS:
            quiet.append(m.display_name)
    return quiet


# storage codec ----------------------------------------------------------------------------

def replies_to_json(replies: tuple[Reply, ...]) -> str:
    """Serialize replies for the outbox."""
    return json.dumps([asdict(r) for r in replies], ensure_ascii=False)


def replies_from_json(text: str) -> tuple[Reply, ...]:
    """Read replies back from :func:`replies_to_json`."""
    out = []
    for d in json.loads(text):
        d["buttons"] = tuple(Button(**b) for b in d.get("buttons", ()))
        form = d.get("form")
        if form is not None:
            form["fields"] = tuple(FormField(**f) for f in form["fields"])
            d["form"] = Form(**form)
        out.append(Reply(**d))
    return tuple(out)
