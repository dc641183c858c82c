"""Command handling time for a big group: 1,000 members with a year of check-ins.

Times ``StudyBot.handle`` end to end (parse, store, reply) for /plan, /done, /streak top and,
where their handlers exist, /story (a 600-word story) and /mock now, on a SQLite file and on
a PostgreSQL database of its own (skipped with a note if PostgreSQL is unreachable).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from datetime import UTC, datetime, timedelta

from bench._seed import (
    ROOT,
    fmt_ms,
    load_year_content,
    pg_reachable,
    progress,
    quantiles_ms,
    scratch_app,
    seed_group,
)
from bench.figures import Figure
from bot.app import App, ready_to_serve
from bot.core.commands.registry import HANDLERS
from bot.core.service import load_handlers
from bot.core.types import CommandRequest, GroupRef, Member

MEMBERS = 1_000
DAYS = 365
SAMPLES = 200
TARGET_MS = 50.0
NOW = datetime(2026, 6, 1, 12, 0, tzinfo=UTC)
START = NOW.date() - timedelta(days=DAYS - 1)  # NOW is plan day 365


def story_text(words: int = 600) -> str:
    """A real labelled story, repeated to ``words`` words."""
    from bot.core.stories.evaluation import load_eval_stories

    seed = load_eval_stories(ROOT / "tests" / "stories" / "eval_stories.yaml")[0].text
    out: list[str] = []
    while len(out) < words:
        out += seed.split()
    return " ".join(out[:words])


def commands() -> list[tuple[str, Callable[[int], tuple[str, str, str]]]]:
    """(label, sample -> (user, command, text)) for every command to time."""
    load_handlers()
    cmds: list[tuple[str, Callable[[int], tuple[str, str, str]]]] = [
        ("/plan", lambda i: (f"m{500 + i % 500:04d}", "plan", "")),
        ("/done", lambda i: (f"m{i:04d}", "done", "")),  # fresh members: a real check-in
        ("/streak top", lambda i: (f"m{500 + i % 500:04d}", "streak", "top")),
    ]
    if ("story", "") in HANDLERS:
        story = story_text()
        cmds.append(("/story (600 words)", lambda i: (f"m{300 + i % 200:04d}", "story", story)))
    else:
        progress("/story handlers not installed: skipped")
    if ("mock", "now") in HANDLERS:
        cmds.append(("/mock now", lambda i: (f"m{600 + i:04d}", "mock", "now")))
    else:
        progress("/mock handlers not installed: skipped")
    return cmds


def time_commands(app: App, ref: GroupRef, samples: int | None = None) -> dict[str, list[float]]:
    """Handle every command ``samples`` times (after one warm-up); seconds per call."""
    samples = SAMPLES if samples is None else samples
    out: dict[str, list[float]] = {}
    for label, make in commands():
        user, name, text = make(samples)  # warm-up with a member not used below
        app.bot.handle(CommandRequest(ref, Member(user, user), name, text))
        times = []
        for i in range(samples):
            user, name, text = make(i)
            request = CommandRequest(ref, Member(user, user), name, text)
            start = time.perf_counter()
            replies = app.bot.handle(request)
            times.append(time.perf_counter() - start)
            assert replies, f"{label} gave no reply"
        out[label] = times
        p50, p99 = quantiles_ms(times)
        progress(f"{app.db.dialect:<10} {label:<20} p50 {fmt_ms(p50)}  p99 {fmt_ms(p99)}")
    return out


def run() -> Iterable[Figure]:
    """Yield p50/p99 per command per database."""
    content = load_year_content()
    backends = ["sqlite"]
    why_not = pg_reachable()
    if why_not is None:
        backends.append("postgresql")
    for backend in backends:
        with scratch_app(backend, NOW, content) as app:
            ref = GroupRef("bench", "W1", "C1")
            seed_group(app, ref, members=MEMBERS, days=DAYS, start=START, fresh=SAMPLES + 1)
            ready_to_serve(app)  # as a serving worker is after start-up
            for label, times in time_commands(app, ref).items():
                p50, p99 = quantiles_ms(times)
                name = f"{label} [{backend}]"
                yield Figure(f"{name} p50", fmt_ms(p50))
                yield Figure(f"{name} p99", fmt_ms(p99), f"< {TARGET_MS:.0f} ms",
                             p99 < TARGET_MS)
    if why_not is not None:
        yield Figure("PostgreSQL figures", f"skipped: {why_not}")
