"""Operations: Prometheus metrics and a ``/healthz`` endpoint for a running worker.

The metric objects live here so the composition root, the scheduler and the adapters can
count without the core ever importing ``prometheus_client``:

* ``COMMANDS.labels(command=..., outcome=...)`` — commands handled (``ok``, ``empty``,
  ``try_again``, ``error``); ``COMMAND_SECONDS`` — handling latency by command;
* ``POSTS_SENT`` / ``POSTS_FAILED`` / ``POSTS_LATE`` ``.labels(kind=...)`` — scheduled posts
  (the scheduler calls :func:`record_post`);
* ``SCHEDULER_LEADER`` — 1 while this process holds the scheduler lock
  (:func:`set_scheduler_leader`);
* ``DATABASE_ERRORS.labels(kind=...)`` — errors raised by the database driver.

:func:`start_metrics_server` serves ``/metrics`` and ``/healthz`` on one port from a daemon
thread. Nothing here starts at import time.
"""

from __future__ import annotations

import functools
import json
import logging
import threading
import time
from collections.abc import Callable
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import TYPE_CHECKING, Any

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    generate_latest,
)
from sqlalchemy import event, text

from bot.core.commands.catalog import BY_NAME
from bot.core.service import TryAgainLater
from bot.core.types import CommandRequest, Reply

if TYPE_CHECKING:
    from bot.storage.db import Database

log = logging.getLogger(__name__)

TRY_AGAIN_TEXT = ("The database is not answering right now; nothing was saved. "
                  "Please try again in a minute.")

COMMANDS = Counter("studybot_commands", "Commands handled, by command and outcome.",
                   ["command", "outcome"])
COMMAND_SECONDS = Histogram(
    "studybot_command_seconds", "Time to handle one command, by command.", ["command"],
    buckets=(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0))
POSTS_SENT = Counter("studybot_posts_sent", "Scheduled posts sent, by kind.", ["kind"])
POSTS_FAILED = Counter("studybot_posts_failed", "Scheduled posts given up on, by kind.",
                       ["kind"])
POSTS_LATE = Counter("studybot_posts_late",
                     "Scheduled posts sent more than a minute after they were due.", ["kind"])
SCHEDULER_LEADER = Gauge("studybot_scheduler_leader",
                         "1 while this process holds the scheduler leadership.")
DATABASE_ERRORS = Counter("studybot_database_errors", "Errors raised by the database driver.",
                          ["kind"])

LATE_AFTER = timedelta(minutes=1)

_leader = threading.Event()


def command_label(request: CommandRequest) -> str:
    """The command name as a bounded label (unknown names share one)."""
    name = request.name.lstrip("/").lower()
    return name if name in BY_NAME else "unknown"


def set_scheduler_leader(held: bool) -> None:
    """The scheduler reports whether it leads (gauge and ``/healthz``)."""
    if held:
        _leader.set()
    else:
        _leader.clear()
    SCHEDULER_LEADER.set(1 if held else 0)


def is_scheduler_leader() -> bool:
    """What the scheduler last reported."""
    return _leader.is_set()


def record_post(kind: str, *, sent: bool, lateness: timedelta | None = None) -> None:
    """Count one scheduled post: sent (late if ``lateness`` exceeds a minute) or failed."""
    if not sent:
        POSTS_FAILED.labels(kind=kind).inc()
        return
    POSTS_SENT.labels(kind=kind).inc()
    if lateness is not None and lateness > LATE_AFTER:
        POSTS_LATE.labels(kind=kind).inc()


def instrument_handle(handle: Callable[[CommandRequest], list[Reply]]
                      ) -> Callable[[CommandRequest], list[Reply]]:
    """Wrap ``StudyBot.handle``: count and time every command; a database outage anywhere in
    the handling (not only inside the handler) becomes a clear "try again" reply."""

    @functools.wraps(handle)
    def handle_instrumented(request: CommandRequest) -> list[Reply]:
        label = command_label(request)
        start = time.perf_counter()
        outcome = "error"
        try:
            replies = handle(request)
            if any(r.text == TRY_AGAIN_TEXT for r in replies):
                outcome = "try_again"
            else:
                outcome = "ok" if replies else "empty"
            return replies
        except TryAgainLater:
            outcome = "try_again"
            log.warning("database unavailable while handling /%s", label)
            return [Reply(TRY_AGAIN_TEXT, visibility="ephemeral")]
        finally:
            COMMAND_SECONDS.labels(command=label).observe(time.perf_counter() - start)
            COMMANDS.labels(command=label, outcome=outcome).inc()

    return handle_instrumented


def instrument_database(db: Database) -> None:
    """Count every error the database driver raises (connection losses included)."""

    def on_error(context: Any) -> None:
        exc = context.original_exception
        DATABASE_ERRORS.labels(kind=type(exc).__name__[:60]).inc()

    event.listen(db.engine, "handle_error", on_error)


def database_ok(db: Database) -> bool:
    """True if the database answers ``SELECT 1``."""
    try:
        with db.engine.connect() as conn:
            conn.execute(text("SELECT 1"))
    except Exception as exc:
        log.warning("health check: database error %s", type(exc).__name__)
        return False
    return True


def health(app: Any) -> dict[str, Any]:
    """``{status, database, scheduler_leader}`` for ``/healthz``."""
    db_ok = database_ok(app.db)
    return {
        "status": "ok" if db_ok else "degraded",
        "database": "ok" if db_ok else "error",
        "scheduler_leader": is_scheduler_leader(),
    }


class MetricsServer:
    """A running ``/metrics`` + ``/healthz`` server; :meth:`stop` shuts it down."""

    def __init__(self, server: ThreadingHTTPServer, thread: threading.Thread) -> None:
        self.server = server
        self.thread = thread

    @property
    def port(self) -> int:
        """The bound port (useful when started on port 0)."""
        return int(self.server.server_address[1])

    def stop(self) -> None:
        """Stop serving and close the socket."""
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(timeout=5)


def start_metrics_server(app: Any, port: int, *, host: str = "0.0.0.0",
                         registry: CollectorRegistry = REGISTRY) -> MetricsServer:
    """Serve ``/metrics`` (Prometheus text) and ``/healthz`` (JSON) on ``port``."""

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            path = self.path.split("?", 1)[0]
            if path == "/metrics":
                self._send(200, CONTENT_TYPE_LATEST, generate_latest(registry))
            elif path == "/healthz":
                body = health(app)
                code = 200 if body["database"] == "ok" else 503
                self._send(code, "application/json", json.dumps(body).encode())
            else:
                self._send(404, "text/plain", b"not found: try /metrics or /healthz\n")

        def _send(self, code: int, ctype: str, body: bytes) -> None:
            self.send_response(code)
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: Any) -> None:
            log.debug("metrics server: " + format, *args)

    server = ThreadingHTTPServer((host, port), Handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, name="studybot-metrics", daemon=True)
    thread.start()
    log.info("metrics and health on port %s (/metrics, /healthz)", server.server_address[1])
    return MetricsServer(server, thread)


def maybe_start_metrics_server(app: Any) -> MetricsServer | None:
    """Start the server if ``STUDYBOT_METRICS_PORT`` is set (for the ``run`` commands)."""
    port = app.settings.metrics_port
    return None if port is None else start_metrics_server(app, port)
