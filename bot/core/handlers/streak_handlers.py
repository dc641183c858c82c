"""/streak: yours, the group's, and the leaderboard."""

from __future__ import annotations

from typing import Any

from bot.core.commands.registry import handles
from bot.core.context import Context
from bot.core.handlers.progress import group_standing, leaderboard, streak_of
from bot.core.types import Reply

LEADERBOARD_SIZE = 10


@handles("streak", "me")
def streak_me(ctx: Context, args: dict[str, Any]) -> list[Reply]:
    """The sender's current and best streak."""
    member = ctx.member()
    current = ctx.calendar.current_day(ctx.now)
    s = streak_of(ctx.store, ctx.calendar, ctx.g.id, member.user_id, current)
    flame = "🔥 " if s.current >= 3 else ""
    return [Reply(f"{flame}{member.display_name}: streak {s.current} day(s), best {s.best}. "
                  f"The plan is on Day {current} of {ctx.track.length}.", "ephemeral")]


@handles("streak", "group")
def streak_group(ctx: Context, args: dict[str, Any]) -> list[Reply]:
    """The group streak and today's progress toward the quorum."""
    current = ctx.calendar.current_day(ctx.now)
    s, today_count, needed = group_standing(ctx.store, ctx.calendar, ctx.g.id, ctx.g.quorum,
                                            current)
    pct = round(ctx.g.quorum * 100)
    text = (f"Group streak: {s.current} day(s), best {s.best}. A day counts when at least "
            f"{pct}% of active members check in.")
    if needed:
        text += f"\nDay {current}: {today_count} checked in, {needed} needed."
    return [Reply(text)]


@handles("streak", "top")
def streak_top(ctx: Context, args: dict[str, Any]) -> list[Reply]:
    """The leaderboard: current streak, best, check-ins this week and this month."""
    current = ctx.calendar.current_day(ctx.now)
    rows = leaderboard(ctx.store, ctx.calendar, ctx.g.id, current, ctx.today)
    if not rows:
        return [Reply("No one has checked in yet. Be the first: /done", "ephemeral")]
    lines = ["**Leaderboard** (streak · best · this week · this month)"]
    for rank, r in enumerate(rows[:LEADERBOARD_SIZE], start=1):
        lines.append(f"{rank}. {r.member.display_name} — {r.streak.current} · {r.streak.best} · "
                     f"{r.this_week} · {r.this_month}")
    if len(rows) > LEADERBOARD_SIZE:
        lines.append(f"…and {len(rows) - LEADERBOARD_SIZE} more.")
    return [Reply("\n".join(lines))]
