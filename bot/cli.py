"""The ``studybot`` command line."""

from __future__ import annotations

import argparse
import importlib
import os
import sys
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

from bot.config import Settings, SettingsError
from bot.core.content_loader import ContentError


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="studybot", description=(
        "A study-group bot for staff-level system-design and behavioral interview prep."))
    sub = p.add_subparsers(dest="cmd", metavar="COMMAND")
    demo = sub.add_parser("demo", help="try the bot in the terminal (SQLite, no tokens)")
    demo.add_argument("--start", help="demo start date YYYY-MM-DD (default: the coming Monday)")
    run = sub.add_parser("run", help="run the bot on a platform")
    run.add_argument("platform", choices=("console", "slack", "discord"))
    run.add_argument("--http", action="store_true", help="Slack: HTTP mode instead of Socket Mode")
    run.add_argument("--port", type=int, default=3000, help="Slack HTTP port (default 3000)")
    db = sub.add_parser("db", help="database tasks")
    db.add_argument("action", choices=("upgrade",), help="upgrade: apply every migration")
    content = sub.add_parser("content", help="content tasks")
    content.add_argument("action", choices=("check",), help="check: validate all YAML")
    sched = sub.add_parser("schedule", help="scheduling tasks")
    sched.add_argument("action", choices=("preview",), help="preview: list the coming posts")
    sched.add_argument("--group", help="group id or channel (default: every group)")
    sched.add_argument("--days", type=int, default=7, help="how many days ahead (default 7)")
    story = sub.add_parser("story", help="STAR story tools")
    story.add_argument("action", choices=("analyze",), help="analyze: feedback on a story")
    story.add_argument("file", help="a text file, or - for standard input")
    story.add_argument("--json", action="store_true", help="print JSON")
    discord = sub.add_parser("discord", help="Discord tools")
    discord.add_argument("action", choices=("invite-url",), help="print the bot's invite URL")
    return p


def _feature(module: str, name: str) -> Callable[..., int] | None:
    try:
        return getattr(importlib.import_module(module), name)  # type: ignore[no-any-return]
    except ModuleNotFoundError as exc:
        if exc.name != module:
            raise
        return None


def _content_check(settings: Settings) -> int:
    from bot.core.content_loader import load_content

    c = load_content(settings.content_dir, settings.schedules_dir)
    for t in c.tracks.values():
        print(f"track {t.id}: {t.length} days in {len(t.phases)} phases")
    print(f"checkpoints: {len(c.checkpoints)}")
    print(f"schedules: {', '.join(sorted(c.schedules))}")
    for name, extra in sorted(c.extras.items()):
        summary = getattr(extra, "summary", None)
        print(f"{name}: {summary() if callable(summary) else 'ok'}")
    print("content OK")
    return 0


def dispatch(args: argparse.Namespace, settings: Settings) -> int:
    """Run the chosen command."""
    from bot.logging_setup import configure_logging

    if args.cmd == "demo" and "STUDYBOT_LOG_LEVEL" not in os.environ:
        settings = replace(settings, log_level="WARNING")  # keep the demo's screen clean
    configure_logging(settings)
    if args.cmd == "content":
        return _content_check(settings)
    if args.cmd == "demo" or (args.cmd == "run" and args.platform == "console"):
        from bot.demo import run_demo

        start = None
        if getattr(args, "start", None):
            d = datetime.strptime(args.start, "%Y-%m-%d").replace(hour=9, tzinfo=UTC)
            if d.weekday() > 4:
                raise SettingsError("--start must be a weekday (the default schedule's day 1)")
            start = d
        return run_demo(settings, start)
    if args.cmd == "db":
        from bot.storage.db import Database

        Database(settings.database_url).upgrade()
        print(f"database is up to date ({settings.database_url.split('@')[-1]})")
        return 0
    if args.cmd == "story":
        fn = _feature("bot.core.stories.cli", "analyze_command")
        return _unavailable("story analyze") if fn is None else fn(settings, args.file, args.json)
    targets: dict[tuple[str, str], tuple[str, str]] = {
        ("schedule", "preview"): ("bot.scheduling.preview", "preview_command"),
        ("run", "slack"): ("bot.adapters.slack_adapter", "run_slack"),
        ("run", "discord"): ("bot.adapters.discord_adapter", "run_discord"),
        ("discord", "invite-url"): ("bot.adapters.discord_adapter", "invite_url_command"),
    }
    key = (args.cmd, getattr(args, "platform", None) or getattr(args, "action", ""))
    module, name = targets[key]
    fn = _feature(module, name)
    return _unavailable(" ".join(key)) if fn is None else fn(settings, args)


def _unavailable(what: str) -> int:
    print(f"studybot {what} is not available in this build.", file=sys.stderr)
    return 2


def main(argv: list[str] | None = None) -> int:
    """Entry point of the ``studybot`` console script."""
    parser = _parser()
    args = parser.parse_args(argv)
    if args.cmd is None:
        parser.print_help()
        return 0
    try:
        settings = Settings.from_env()
        return dispatch(args, settings)
    except ContentError as exc:
        print(f"studybot: content is invalid.\n{exc}", file=sys.stderr)
        return 1
    except (SettingsError, ValueError) as exc:
        print(f"studybot: {exc}", file=sys.stderr)
        return 2


def _main_module(*_: Any) -> None:  # pragma: no cover - python -m bot
    raise SystemExit(main())
