"""Answers posted in a checkpoint prompt's thread: one per member per prompt, acknowledged."""

from __future__ import annotations

from datetime import date

from bot.core.commands.registry import handles_thread
from bot.core.context import Context
from bot.core.posts import checkpoint_for
from bot.core.text import cap
from bot.core.types import Reply


@handles_thread("checkpoint")
def checkpoint_answer(ctx: Context, key: str, text: str) -> list[Reply]:
    """Store a member's answer to the prompt keyed ``checkpoint:<date>`` and acknowledge it."""
    text = cap(text, ctx.settings.max_story_chars, "answer")
    if not text:
        return []
    try:
        day = date.fromisoformat(key.split(":", 1)[1])
    except ValueError:
        return []
    cp = checkpoint_for(ctx.g, day, ctx.content)
    member = ctx.member()
    added = ctx.store.add_checkpoint_answer(  # type: ignore[attr-defined]
        ctx.g.id, member.user_id, key, cp.id, ctx.now, text)
    if not added:
        return [Reply(f"{member.display_name}, you already answered this checkpoint; your first "
                      "answer counts.", "thread", thread_key=key)]
    hints = "; ".join(cp.look_for[:3])
    return [Reply(f"✅ Checkpoint done, {member.display_name} — “{cp.title}”. "
                  f"Check your answer against: {hints}.", "thread", thread_key=key)]
