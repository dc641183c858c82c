"""/done: check in for the current plan day, once."""

from __future__ import annotations

from typing import Any

from bot.core.commands.registry import handles
from bot.core.context import Context
from bot.core.handlers.progress import away_days, group_standing, streak_of
from bot.core.streaks import run_from
from bot.core.text import cap
from bot.core.types import Reply
from bot.core.views import day_label


@handles("done", "")
def done(ctx: Context, args: dict[str, Any]) -> list[Reply]:
    """Record a check-in for the plan day that is current now."""
    note = cap(args["note"], ctx.settings.max_note_chars, "note") if args.get("note") else None
    cal = ctx.calendar
    if ctx.g.paused:
        return [Reply("The plan is paused, so there is nothing to check in for. "
                      "An admin can /studybot resume it.", "ephemeral")]
    current = cal.current_day(ctx.now)
    if current == 0:
        first = cal.next_post(ctx.now)
        when = f" on {day_label(first[1])} at {cal.post_time:%H:%M}" if first else ""
        return [Reply(f"The plan has not started yet; Day 1 is posted{when}.", "ephemeral")]
    member = ctx.member()
    aways = ctx.store.list_away(ctx.g.id)
    away = away_days(cal, aways, member.user_id)
    added = ctx.store.add_checkin(ctx.g.id, member.user_id, current, ctx.now, note,
                                  run_from(current, away))
    streak = streak_of(ctx.store, cal, ctx.g.id, member.user_id, current, aways)
    if not added:
        return [Reply(f"You already checked in for Day {current}; your streak is unchanged "
                      f"at {streak.current} (best {streak.best}).", "ephemeral")]
    group, today_count, needed = group_standing(ctx.store, cal, ctx.g.id, ctx.g.quorum, current,
                                                aways)
    title = ctx.track.day(current).title if current <= ctx.track.length else ""
    text = (f"✅ {member.display_name} checked in for Day {current} ({title}). "
            f"Streak {streak.current} · best {streak.best}.")
    if note:
        text += f"\n📝 {note}"
    if needed:
        met = "✔ quorum met" if today_count >= needed else f"{needed - today_count} more for quorum"
        text += f"\nGroup: {today_count} checked in today ({met}); group streak {group.current}."
    return [Reply(text)]
