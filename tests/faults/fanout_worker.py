"""A scheduler worker for the kill test: ticks the real dispatcher against a database and
records every message it sends in a file (one line per send, appended and flushed).

The file is the "platform": each line keeps the post key stamped on the message, and
``find_sent`` searches it the way the Slack adapter searches a channel's metadata."""

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
    """Appends ``channel post_key`` per message; a short delay stands in for the network."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.found = 0
        self.fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
        self.lock = threading.Lock()

    def send(self, group: GroupRef, reply: Reply) -> str | None:
        time.sleep(0.002)
        with self.lock:
            os.write(self.fd, f"{group.channel} {reply.post_key}\n".encode())
        return f"{group.channel}:1"

    def find_sent(self, group: GroupRef, reply: Reply) -> str | None:
        """The message id if a message in ``group`` carries ``reply.post_key``."""
        with self.lock, open(self.path) as f:
            wanted = f"{group.channel} {reply.post_key}"
            if any(line.strip() == wanted for line in f):
                self.found += 1
                return f"{group.channel}:1"
            return None


def main(url: str, out: str, now: str) -> None:
    settings = Settings.from_env({"DATABASE_URL": url, "STUDYBOT_DATA_DIR": str(Path(out).parent),
                                  "STUDYBOT_CONTENT_DIR": str(ROOT / "content"),
                                  "STUDYBOT_SCHEDULES_DIR": str(ROOT / "schedules")})
    at = datetime.fromisoformat(now)
    app = build_app(settings, clock=FakeClock(at), migrate=False)
    messenger = FileMessenger(Path(out))
    dispatcher = Dispatcher(app.store, app.content, app.clock, messenger)
    print("started", flush=True)
    dispatcher.enqueue_due(at)
    while dispatcher.dispatch(at):
        pass
    dispatcher.close()
    print(f"finished reconciled={messenger.found}", flush=True)


if __name__ == "__main__":
    main(*sys.argv[1:4])
