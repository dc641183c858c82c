"""The text of /studybot schedule: the group's schedule and its next posts."""

from __future__ import annotations

from datetime import timedelta

from bot.core.context import Context
from bot.core.posts import should_post, slots_between
from bot.core.views import day_label


def schedule_summary(ctx: Context, days: int = 7) -> str:
    """Schedule settings and every post of the next ``days`` days, in the group's zone."""
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
    labels = {"daily": "task", "checkpoint": "checkpoint prompt", "digest": "weekly digest",
              "mock_round": "mock pairing round"}
    lines.append("Next posts:")
    for slot in slots_between(ctx.g, ctx.content, ctx.now, ctx.now + timedelta(days=days)):
        if not should_post(ctx.g, slot.kind, slot.local_date, ctx.content):
            continue
        n = cal.plan_day_on(slot.local_date) if slot.kind == "daily" else None
        what = f"Day {n}" if n else labels.get(slot.kind, slot.kind)
        lines.append(f"  {day_label(slot.local_date)} {slot.at:%H:%M} — {what}")
    if lines[-1] == "Next posts:":
        lines.append("  none in the next week.")
    return "\n".join(lines)
