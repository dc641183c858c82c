"""The text of /studybot schedule: the group's schedule and its next posts."""

from __future__ import annotations

from datetime import timedelta

from bot.core.context import Context
from bot.core.views import day_label


def schedule_summary(ctx: Context, days: int = 7) -> str:
    """Schedule settings and the daily posts of the next ``days`` days."""
    s = ctx.schedule
    cal = ctx.calendar
    lines = [
        f"**Schedule: {s.name}** — {s.description}",
        f"Time zone {ctx.g.timezone}; daily task at {cal.post_time:%H:%M} on "
        f"{', '.join(s.daily.days)}.",
    ]
    for label, post in (("Checkpoint prompt", s.checkpoint), ("Weekly digest", s.digest),
                        ("Mock pairing round", s.mock_round)):
        if post is not None:
            lines.append(f"{label}: {post.time} on {', '.join(post.days)}.")
    if ctx.g.paused:
        lines.append("The plan is paused: nothing is posted until it resumes.")
    lines.append("Next daily posts:")
    for offset in range(days):
        day = ctx.today + timedelta(days=offset)
        n = cal.plan_day_on(day)
        if n is not None and cal.post_at(day) > ctx.now:
            lines.append(f"  {day_label(day)} {cal.post_time:%H:%M} — Day {n}")
    return "\n".join(lines)
