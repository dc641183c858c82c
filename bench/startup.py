"""Start-up time of ``studybot demo`` and the idle memory of a worker with both adapters.

* demo: a subprocess with ``/quit`` piped in; timed to its first line of output (the
  banner printed just before the first prompt) and to its exit;
* RSS: a subprocess imports the Slack (Bolt) and Discord adapters and their client
  classes, builds the app on a SQLite file, and reads ``VmRSS`` from /proc/self/status.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterable

from bench._seed import ROOT, progress
from bench.figures import Figure

RUNS = 3
RSS_TARGET_MB = 150.0
STUDYBOT = [sys.executable, "-m", "bot"]

RSS_PROBE = """
import sys, tempfile
from pathlib import Path
from dataclasses import replace
from slack_bolt import App as BoltApp
import discord
from discord import app_commands
import bot.adapters.slack_adapter, bot.adapters.discord_adapter
from bot.app import build_app
from bot.config import Settings
tmp = tempfile.mkdtemp()
settings = Settings.from_env({"STUDYBOT_DATA_DIR": tmp})
app = build_app(settings)
client = discord.Client(intents=discord.Intents.default())
tree = app_commands.CommandTree(client)
for line in open("/proc/self/status"):
    if line.startswith("VmRSS:"):
        print(int(line.split()[1]) / 1024)
"""


def _demo_once(env: dict[str, str]) -> tuple[float, float]:
    start = time.perf_counter()
    proc = subprocess.Popen(STUDYBOT + ["demo"], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                            stderr=subprocess.DEVNULL, env=env, cwd=ROOT, text=True)
    assert proc.stdin is not None and proc.stdout is not None
    proc.stdin.write("/quit\n")
    proc.stdin.flush()
    proc.stdout.readline()
    first = time.perf_counter() - start
    proc.communicate(timeout=60)
    return first, time.perf_counter() - start


def run() -> Iterable[Figure]:
    """Yield demo start-up and idle RSS figures."""
    if not os.path.exists("/proc/self/status"):
        yield Figure("idle RSS", "skipped: no /proc on this system")
    firsts, exits = [], []
    with tempfile.TemporaryDirectory() as tmp:
        env = {**os.environ, "STUDYBOT_DATA_DIR": tmp}
        _demo_once(env)  # first run creates and migrates the database
        for i in range(RUNS):
            first, done = _demo_once(env)
            progress(f"demo run {i + 1}: first output {first:.2f} s, exit {done:.2f} s")
            firsts.append(first)
            exits.append(done)
    yield Figure("studybot demo to first prompt", f"{statistics.median(firsts):.2f} s")
    yield Figure("studybot demo start + /quit", f"{statistics.median(exits):.2f} s")
    if os.path.exists("/proc/self/status"):
        out = subprocess.run([sys.executable, "-c", RSS_PROBE], capture_output=True, text=True,
                             cwd=ROOT, timeout=120, check=True).stdout.split()
        rss = float(out[-1])
        progress(f"idle RSS with both adapters: {rss:.0f} MB")
        yield Figure("idle RSS, both adapters + app", f"{rss:.0f} MB", f"< {RSS_TARGET_MB:.0f} MB",
                     rss < RSS_TARGET_MB)
