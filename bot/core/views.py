"""Platform-neutral message texts (Markdown-ish: **bold**, one idea per line)."""

from __future__ import annotations

from datetime import date

from bot.core.content import Track
from bot.core.types import Button, Reply

DONE_BUTTON = Button("Done ✅", "done", style="primary")


def day_label(day: date) -> str:
    """``Mon 3 Mar``."""
    return f"{day:%a} {day.day} {day:%b}"


def task_text(track: Track, n: int) -> str:
    """The full text of plan day ``n``."""
    task = track.day(n)
    phase = track.phase_of(n)
    lines = [
        f"**Day {n} of {track.length} · Phase {phase.number}: {phase.name}**",
        f"**{task.title}**",
        f"📖 Study: {task.study}",
        f"🛠 Produce: {task.produce}",
        f"🎯 Staff lens: {task.staff_question}",
    ]
    if task.revisit is not None:
        lines.append(f"↩ Revisit: Day {task.revisit} — {track.day(task.revisit).title}")
    if n == phase.last_day and phase.milestones:
        lines.append("🏁 End of phase — milestones: " + "; ".join(phase.milestones))
    return "\n".join(lines)


def task_post(track: Track, n: int) -> Reply:
    """The daily post: the task with a Done button."""
    return Reply(
        task_text(track, n) + "\nCheck in with the button or /done when you have done it.",
        buttons=(DONE_BUTTON,),
    )
