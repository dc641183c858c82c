"""/studybot: help, setup, schedule, pause/resume, away, tz, export and forget."""

from __future__ import annotations

import json
from datetime import date, datetime, time, timedelta
from typing import Any

from bot.core.commands.registry import handles
from bot.core.commands.spec import UsageError
from bot.core.content import check_timezone, parse_hhmm
from bot.core.content_loader import Content
from bot.core.context import Context, calendar_for
from bot.core.member_data import EXPORTERS, FORGETTERS
from bot.core.ports import Checkin, Store
from bot.core.types import Reply
from bot.core.views import day_label


@handles("studybot", "help")
def help_cmd(ctx: Context, args: dict[str, Any]) -> list[Reply]:
    """Every command with its usage."""
    from bot.core.service import help_text

    return [Reply(help_text(), "ephemeral")]


def _classify(content: Content, values: list[str]) -> dict[str, str]:
    """Sort setup words into schedule, timezone, time and track, whatever their order."""
    found: dict[str, str] = {}
    for value in values:
        if ":" in value and value.replace(":", "").isdigit():
            parse_hhmm(value)
            kind = "time"
        elif value in content.schedules:
            kind = "schedule"
        elif value in content.tracks:
            kind = "track"
        elif "/" in value or value.upper() == "UTC":
            try:
                check_timezone(value)
            except ValueError as exc:
                raise UsageError(str(exc)) from None
            kind = "timezone"
        else:
            raise UsageError(
                f"'{value[:40]}' is not a schedule ({', '.join(sorted(content.schedules))}), "
                f"a track ({', '.join(sorted(content.tracks))}), a time zone or a HH:MM time. "
                "Usage: /studybot setup [schedule] [timezone] [HH:MM] [track]"
            )
        if kind in found:
            raise UsageError(f"Two {kind}s given: {found[kind]} and {value}.")
        found[kind] = value
    return found


def first_plan_date(weekdays: frozenset[int], zone: str, post: time, now: datetime) -> date:
    """The first scheduled date whose post is still ahead of ``now``."""
    from zoneinfo import ZoneInfo

    local = now.astimezone(ZoneInfo(zone))
    day = local.date()
    for _ in range(8):
        if day.weekday() in weekdays and datetime.combine(day, post, ZoneInfo(zone)) > now:
            return day
        day += timedelta(days=1)
    return day


@handles("studybot", "setup")
def setup(ctx: Context, args: dict[str, Any]) -> list[Reply]:
    """Create the group in this channel, or change its schedule, zone, time or track."""
    try:
        given = _classify(ctx.content, [v for v in args.values() if v])
    except ValueError as exc:
        raise UsageError(str(exc)) from None
    existing = ctx.group
    schedule_id = given.get("schedule") or (existing.schedule_id if existing
                                            else ctx.settings.default_schedule)
    schedule = ctx.content.schedules[schedule_id]
    zone = given.get("timezone") or (existing.timezone if existing and "schedule" not in given
                                     else schedule.timezone)
    post = (parse_hhmm(given["time"]) if "time" in given
            else existing.daily_time if existing and "schedule" not in given
            else schedule.daily.local_time)
    track_id = given.get("track") or (existing.track_id if existing else ctx.settings.default_track)
    start = (existing.start_date if existing and "track" not in given
             else first_plan_date(schedule.daily.weekdays, zone, post, ctx.now))
    group = ctx.store.save_group(
        ctx.request.group, track_id=track_id, schedule_id=schedule_id, timezone=zone,
        daily_time=post, start_date=start,
        quorum=existing.quorum if existing else ctx.settings.default_quorum,
    )
    cal = calendar_for(group, ctx.content)
    track = ctx.content.track(track_id)
    nxt = cal.next_post(ctx.now)
    upcoming = f"Next: Day {nxt[0]} on {day_label(nxt[1])} at {post:%H:%M}." if nxt else ""
    verb = "updated" if existing else "is set up"
    return [Reply(
        f"Study group {verb}: **{track.name}** ({track.length} days) on the "
        f"**{schedule.name}** schedule ({', '.join(schedule.daily.days)}), daily post at "
        f"{post:%H:%M} {zone}. {upcoming}\nEveryone: /plan to see today's task, /done to check "
        "in, /studybot help for everything else."
    )]


@handles("studybot", "schedule")
def show_schedule(ctx: Context, args: dict[str, Any]) -> list[Reply]:
    """The group's schedule and its next posts."""
    from bot.core.schedule_view import schedule_summary

    return [Reply(schedule_summary(ctx), "ephemeral")]


@handles("studybot", "pause")
def pause(ctx: Context, args: dict[str, Any]) -> list[Reply]:
    """Pause the plan from the next unposted day; nobody's streak breaks."""
    if ctx.g.paused:
        return [Reply("The plan is already paused. /studybot resume restarts it.", "ephemeral")]
    today = ctx.today
    start = today if ctx.calendar.post_at(today) > ctx.now else today + timedelta(days=1)
    ctx.store.start_pause(ctx.g.id, start)
    return [Reply(f"⏸ The plan is paused from {day_label(start)}: no posts, and no streak "
                  "breaks while it is. An admin can /studybot resume it.")]


@handles("studybot", "resume")
def resume(ctx: Context, args: dict[str, Any]) -> list[Reply]:
    """Resume the plan where it stopped."""
    if not ctx.g.paused:
        return [Reply("The plan is not paused.", "ephemeral")]
    ctx.store.end_pause(ctx.g.id, ctx.today)
    group = ctx.store.get_group_by_id(ctx.g.id)
    assert group is not None
    cal = calendar_for(group, ctx.content)
    nxt = cal.next_post(ctx.now)
    current = cal.current_day(ctx.now)
    where = (f"Day {nxt[0]} comes on {day_label(nxt[1])}." if nxt else "")
    return [Reply(f"▶ The plan resumes. It is on Day {current}. {where}")]


@handles("studybot", "away")
def away(ctx: Context, args: dict[str, Any]) -> list[Reply]:
    """Mark the sender away for N days from today (0 ends an absence)."""
    days: int = args["days"]
    member = ctx.member()
    if days == 0:
        ctx.store.add_away(ctx.g.id, member.user_id, ctx.today, ctx.today - timedelta(days=1))
        return [Reply("Welcome back: you count toward the group again.", "ephemeral")]
    end = ctx.today + timedelta(days=days - 1)
    ctx.store.add_away(ctx.g.id, member.user_id, ctx.today, end)
    return [Reply(f"You are away until {day_label(end)} inclusive: you are not counted for the "
                  "group, your streak is kept, and you are left out of mock rounds.", "ephemeral")]


@handles("studybot", "tz")
def set_tz(ctx: Context, args: dict[str, Any]) -> list[Reply]:
    """Set the sender's own time zone."""
    try:
        zone = check_timezone(args["zone"])
    except ValueError as exc:
        raise UsageError(str(exc)) from None
    member = ctx.member()
    ctx.store.set_member_timezone(ctx.g.id, member.user_id, zone)
    return [Reply(f"Your time zone is now {zone}.", "ephemeral")]


def _export_checkins(store: Store, group_id: int, user_id: str) -> dict[str, Any]:
    rows: list[Checkin] = store.member_checkins(group_id, user_id)
    return {"checkins": [{"plan_day": c.plan_day, "at": c.at.isoformat(), "note": c.note}
                         for c in rows]}


@handles("studybot", "export")
def export(ctx: Context, args: dict[str, Any]) -> list[Reply]:
    """Everything kept about the sender in this group, as a JSON file."""
    member = ctx.member()
    data: dict[str, Any] = {
        "member": {"user_id": member.user_id, "display_name": member.display_name,
                   "joined_on": member.joined_on.isoformat(), "timezone": member.timezone},
        **_export_checkins(ctx.store, ctx.g.id, member.user_id),
    }
    for name, exporter in sorted(EXPORTERS.items()):
        data[name] = exporter(ctx.store, ctx.g.id, member.user_id)
    return [Reply("Here is everything studybot keeps about you in this group.", "direct",
                  to_user=member.user_id, file_name="studybot-export.json",
                  file_text=json.dumps(data, indent=2, ensure_ascii=False))]


@handles("studybot", "forget")
def forget(ctx: Context, args: dict[str, Any]) -> list[Reply]:
    """Delete everything kept about the sender in this group."""
    user_id = ctx.request.member.user_id
    removed = 0
    for _, forgetter in sorted(FORGETTERS.items()):
        removed += forgetter(ctx.store, ctx.g.id, user_id)
    removed += ctx.store.forget_member(ctx.g.id, user_id)
    return [Reply(f"Done: {removed} record(s) about you were deleted from this group.",
                  "ephemeral")]
