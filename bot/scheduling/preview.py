"""``studybot schedule preview``: the coming posts of every group (or one), with UTC times."""

from __future__ import annotations

import argparse
from collections.abc import Iterable
from datetime import UTC, datetime, timedelta

from bot.config import Settings
from bot.core.content_loader import Content
from bot.core.context import calendar_for
from bot.core.ports import GroupState
from bot.core.posts import should_post, slots_between
from bot.core.types import GroupRef


def sample_group(content: Content, now: datetime) -> GroupState:
    """A group on the default schedule starting the coming Monday, for an empty database."""
    schedule = content.schedules["default"]
    today = now.date()
    monday = today + timedelta(days=(7 - today.weekday()) % 7 or 7)
    return GroupState(id=0, ref=GroupRef("sample", "-", "study-group"),
                      track_id=next(iter(content.tracks)), schedule_id=schedule.id,
                      timezone=schedule.timezone, daily_time=schedule.daily.local_time,
                      start_date=monday, quorum=0.5)


def preview_lines(groups: Iterable[GroupState], content: Content, now: datetime,
                  days: int) -> list[str]:
    """One line per coming post: group, kind, plan day, local time and UTC time."""
    lines = [f"{'group':<32} {'kind':<11} {'day':>4}  {'local time':<27} utc time"]
    for group in groups:
        cal = calendar_for(group, content)
        for slot in slots_between(group, content, now, now + timedelta(days=days)):
            if not should_post(group, slot.kind, slot.local_date, content):
                continue
            n = cal.plan_day_on(slot.local_date) if slot.kind == "daily" else None
            local = f"{slot.at:%a %Y-%m-%d %H:%M} {group.timezone}"
            lines.append(f"{str(group.ref)[:32]:<32} {slot.kind:<11} {n or '-':>4}  "
                         f"{local:<27} {slot.at.astimezone(UTC):%Y-%m-%d %H:%M}Z")
    return lines


def _matches(group: GroupState, wanted: str) -> bool:
    return wanted in (str(group.id), group.ref.channel, str(group.ref))


def preview_command(settings: Settings, args: argparse.Namespace) -> int:
    """Print the posts of the next ``--days`` days for ``--group`` (default: every group)."""
    from bot.app import build_app

    app = build_app(settings)
    try:
        now = app.clock.now()
        days = max(1, min(int(getattr(args, "days", 7) or 7), 366))
        groups = app.store.list_groups()
        wanted = getattr(args, "group", None)
        if wanted:
            groups = [g for g in groups if _matches(g, wanted)]
            if not groups:
                print(f"No group matches {wanted!r} (give its id or channel).")
                return 1
        if not groups:
            print("No groups yet; this is what a group on the default schedule would get "
                  "(set one up in a channel with /studybot setup).")
            groups = [sample_group(app.content, now)]
        for line in preview_lines(groups, app.content, now, days):
            print(line)
        return 0
    finally:
        app.close()
