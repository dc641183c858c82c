"""/plan: today's task, the week ahead, any day."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from bot.core.commands.registry import handles
from bot.core.context import Context
from bot.core.types import Reply
from bot.core.views import DONE_BUTTON, day_label, task_text


@handles("plan", "today")
def plan_today(ctx: Context, args: dict[str, Any]) -> list[Reply]:
    """Today's task, or when the next one comes."""
    cal = ctx.calendar
    if ctx.g.paused:
        return [Reply("The plan is paused. An admin can /studybot resume it.", "ephemeral")]
    today_day = cal.plan_day_on(ctx.today)
    if today_day is not None:
        note = ""
        if cal.post_at(ctx.today) > ctx.now:
            note = f"\n(Posts at {cal.post_time:%H:%M} {ctx.g.timezone}.)"
        return [Reply(task_text(ctx.track, today_day) + note, "ephemeral", buttons=(DONE_BUTTON,))]
    upcoming = cal.next_post(ctx.now)
    current = cal.current_day(ctx.now)
    if upcoming is None:
        return [Reply(f"The {ctx.track.name} track is complete: all {ctx.track.length} days "
                      "are done. 🎉", "ephemeral")]
    n, when = upcoming
    text = f"No task today — it is a day off. Next: Day {n} on {day_label(when)} at " \
           f"{cal.post_time:%H:%M}."
    if current:
        text += f"\nDay {current} is still open for check-ins until then."
    return [Reply(text, "ephemeral")]


@handles("plan", "week")
def plan_week(ctx: Context, args: dict[str, Any]) -> list[Reply]:
    """The next seven local days with their tasks (or days off)."""
    cal = ctx.calendar
    lines = [f"**The week ahead ({ctx.track.name})**"]
    for offset in range(7):
        day = ctx.today + timedelta(days=offset)
        n = cal.plan_day_on(day)
        label = day_label(day)
        if n is None:
            lines.append(f"{label}: day off")
        else:
            lines.append(f"{label}: Day {n} — {ctx.track.day(n).title}")
    if ctx.g.paused:
        lines.append("(The plan is paused: nothing is posted until it resumes.)")
    return [Reply("\n".join(lines), "ephemeral")]


@handles("plan", "day")
def plan_day(ctx: Context, args: dict[str, Any]) -> list[Reply]:
    """The task of any plan day."""
    n: int = args["n"]
    length = ctx.track.length
    if not 1 <= n <= length:
        return [Reply(f"Day must be between 1 and {length} (the {ctx.track.name} track has "
                      f"{length} days); you asked for {n}. Usage: /plan day <N>", "ephemeral")]
    when = ctx.calendar.date_of(n)
    suffix = f"\nScheduled for {day_label(when)}." if when else ""
    return [Reply(task_text(ctx.track, n) + suffix, "ephemeral")]
