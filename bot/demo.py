"""``studybot demo``: a study group in the terminal, on SQLite, with a simulated clock."""

from __future__ import annotations

import sys
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta

from bot.adapters.console_adapter import CONSOLE_HELP, DEMO_GROUP, DEMO_MEMBERS, ConsoleAdapter
from bot.app import App, build_app, ready_to_serve
from bot.config import Settings
from bot.core.clock import FakeClock
from bot.scheduling.console import make_console_ticker


def demo_start(today: date) -> datetime:
    """09:00 UTC on the coming Monday (today if it is Monday): plan day 1 is due at once."""
    monday = today + timedelta(days=(7 - today.weekday()) % 7)
    return datetime(monday.year, monday.month, monday.day, 9, 0, tzinfo=UTC)


def build_demo(settings: Settings, start: datetime, fresh: bool = True) -> tuple[App, FakeClock]:
    """A wired app on a demo database with one group and four members set up."""
    url = settings.database_url
    if url.startswith("sqlite:///") and settings.database_url.endswith("studybot.sqlite3"):
        path = settings.data_dir / "demo.sqlite3"
        if fresh:
            for suffix in ("", "-wal", "-shm"):
                path.with_name(path.name + suffix).unlink(missing_ok=True)
        settings = replace(settings, database_url=f"sqlite:///{path}")
    clock = FakeClock(start)
    app = ready_to_serve(build_app(settings, clock=clock))
    schedule = app.content.schedules["default"]
    if app.store.get_group(DEMO_GROUP) is None:
        group = app.store.save_group(
            DEMO_GROUP, track_id="staff-90", schedule_id="default", timezone=schedule.timezone,
            daily_time=schedule.daily.local_time, start_date=start.date(), quorum=0.5)
        for name in DEMO_MEMBERS:
            app.store.ensure_member(group.id, name, name, start.date())
    return app, clock


def run_demo(settings: Settings, start: datetime | None = None) -> int:
    """Run the interactive (or piped) demo until /quit or end of input."""
    start = start or demo_start(datetime.now(UTC).date())
    app, clock = build_demo(settings, start)
    ticker = make_console_ticker
    adapter = ConsoleAdapter(app.bot, clock, ticker=ticker(app) if ticker else None)
    interactive = sys.stdin.isatty()
    adapter.say(
        f"studybot demo — group #study-group on the 90-day staff track; members "
        f"{', '.join(DEMO_MEMBERS)}. It is {start:%a %d %b %Y %H:%M} UTC, plan day 1.\n"
        f"You are {adapter.user}. {CONSOLE_HELP}"
    )
    if interactive:
        adapter.prompt()
    try:
        adapter.run(sys.stdin, interactive)
    except KeyboardInterrupt:
        adapter.say("")
    finally:
        app.close()
    return 0
