"""A scheduler worker for the kill test: ticks the real dispatcher against a database and
records every message it sends in a file (one line per send, appended and flushed)."""

from __future__ import annotations

import os
import sys
import threading
import time
from datetime import datetime
from pathlib import Path

from bot.app import build_app
from bot.config import Settings
from bot.core.clock import FakeClock
from bot.core.types import GroupRef, Reply
from bot.scheduling.dispatcher import Dispatcher

ROOT = Path(__file__).resolve().parents[2]


class FileMessenger:
    """Appends ``channel kind`` per message; a short delay stands in for the network."""

    def __init__(self, path: Path) -> None:
        self.fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
        self.lock = threading.Lock()

    def send(self, group: GroupRef, reply: Reply) -> str | None:
        time.sleep(0.002)
        with self.lock:
            os.write(self.fd, f"{group.channel}\n".encode())
        return f"{group.channel}:1"


def main(url: str, out: str, now: str) -> None:
    settings = Settings.from_env({"DATABASE_URL": url, "STUDYBOT_DATA_DIR": str(Path(out).parent),
                                  "STUDYBOT_CONTENT_DIR": str(ROOT / "content"),
                                  "STUDYBOT_SCHEDULES_DIR": str(ROOT / "schedules")})
    at = datetime.fromisoformat(now)
    app = build_app(settings, clock=FakeClock(at), migrate=False)
    dispatcher = Dispatcher(app.store, app.content, app.clock, FileMessenger(Path(out)))
    print("started", flush=True)
    dispatcher.enqueue_due(at)
    while dispatcher.dispatch(at):
        pass
    dispatcher.close()
    print("finished", flush=True)


if __name__ == "__main__":
    main(*sys.argv[1:4])
