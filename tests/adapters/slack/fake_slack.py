"""A local fake of the Slack Web API: records every call, answers like Slack does.

It listens on 127.0.0.1 (port 0) so tests never reach Slack. ``fail_once`` makes the next
call of a method answer HTTP 429 with ``Retry-After``; ``errors`` makes a method answer
``{"ok": false, "error": ...}``.
"""

from __future__ import annotations

import itertools
import json
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, urlsplit

BOT_USER = "UBOT"
TEAM = "T1"


@dataclass
class Call:
    """One request the fake received."""

    method: str
    args: dict[str, Any]
    headers: dict[str, str]
    status: int = 200


@dataclass
class FakeSlack:
    """The fake's state: users, recorded calls, injected failures."""

    users: dict[str, dict[str, Any]] = field(default_factory=dict)
    calls: list[Call] = field(default_factory=list)
    errors: dict[str, str] = field(default_factory=dict)
    rate_limited: dict[str, int] = field(default_factory=dict)  # method -> Retry-After
    lock: threading.Lock = field(default_factory=threading.Lock)
    messages: dict[str, list[dict[str, Any]]] = field(default_factory=dict)  # by channel
    _ts: Any = field(default_factory=lambda: itertools.count(1))
    server: ThreadingHTTPServer | None = None

    @property
    def url(self) -> str:
        """The base URL to give WebClient (``SLACK_API_URL``)."""
        assert self.server is not None
        return f"http://127.0.0.1:{self.server.server_address[1]}/api/"

    def fail_once(self, method: str, retry_after: int = 1) -> None:
        """The next call of ``method`` gets HTTP 429 with ``Retry-After``."""
        self.rate_limited[method] = retry_after

    def of(self, method: str, ok_only: bool = True) -> list[Call]:
        """The recorded calls of one method (by default the ones that were answered 200)."""
        with self.lock:
            return [c for c in self.calls
                    if c.method == method and (c.status == 200 or not ok_only)]

    def posted_texts(self) -> list[str]:
        """Every text shown by chat.postMessage/postEphemeral, with its blocks' texts."""
        out = []
        for call in self.of("chat.postMessage") + self.of("chat.postEphemeral"):
            blocks = call.args.get("blocks") or []
            if isinstance(blocks, str):
                blocks = json.loads(blocks)
            texts = [b.get("text", {}).get("text", "") for b in blocks]
            out.append("\n".join([str(call.args.get("text", "")), *texts]))
        return out

    def answer(self, method: str, args: dict[str, Any]) -> dict[str, Any]:
        """The JSON answer of a Web API method."""
        if method in self.errors:
            return {"ok": False, "error": self.errors[method]}
        if method == "auth.test":
            return {"ok": True, "url": "https://fake-workspace.invalid/", "team": "Fake",
                    "user": "studybot", "team_id": TEAM, "user_id": BOT_USER, "bot_id": "BBOT",
                    "is_enterprise_install": False}
        if method == "chat.postMessage":
            ts = f"1767600000.{next(self._ts):06d}"
            message: dict[str, Any] = {"type": "message", "text": args.get("text"), "ts": ts,
                                       "bot_id": "BBOT"}
            if args.get("thread_ts"):
                message["thread_ts"] = args["thread_ts"]
            if args.get("metadata"):
                meta = args["metadata"]
                message["metadata"] = json.loads(meta) if isinstance(meta, str) else meta
            with self.lock:
                self.messages.setdefault(str(args.get("channel")), []).append(message)
            return {"ok": True, "channel": args.get("channel"), "ts": ts, "message": message}
        if method in ("conversations.history", "conversations.replies"):
            return self._history(method, args)
        if method == "chat.postEphemeral":
            return {"ok": True, "message_ts": f"1767600000.{next(self._ts):06d}"}
        if method == "users.info":
            uid = str(args.get("user"))
            user = {"id": uid, "name": uid.lower(), "is_admin": False, "is_owner": False,
                    "profile": {"display_name": uid.lower(), "real_name": uid}}
            user.update(self.users.get(uid, {}))
            return {"ok": True, "user": user}
        if method == "conversations.open":
            return {"ok": True, "channel": {"id": "D" + str(args.get("users"))}}
        if method == "views.open":
            return {"ok": True, "view": {"id": "V1", **json.loads(args.get("view") or "{}")}
                    if isinstance(args.get("view"), str) else {"id": "V1"}}
        if method == "files.getUploadURLExternal":
            return {"ok": True, "upload_url": self.url.replace("/api/", "/upload/F1"),
                    "file_id": "F1"}
        if method in ("files.completeUploadExternal", "files.info"):
            return {"ok": True, "files": [{"id": "F1", "title": "file"}], "file": {"id": "F1"}}
        return {"ok": True}


    def _history(self, method: str, args: dict[str, Any]) -> dict[str, Any]:
        """Channel messages newest first (top level only), or one thread oldest first;
        metadata only with ``include_all_metadata``, like Slack."""
        with self.lock:
            posted = list(self.messages.get(str(args.get("channel")), []))
        if method == "conversations.history":
            found = [m for m in reversed(posted) if m.get("thread_ts") in (None, m["ts"])]
        else:
            root = str(args.get("ts"))
            found = [m for m in posted if m["ts"] == root or m.get("thread_ts") == root]
        found = found[:int(args.get("limit") or 100)]
        if str(args.get("include_all_metadata")).lower() not in ("true", "1"):
            found = [{k: v for k, v in m.items() if k != "metadata"} for m in found]
        return {"ok": True, "messages": found, "has_more": False}


def _handler(state: FakeSlack) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            self._serve()

        def do_GET(self) -> None:
            self._serve()

        def _serve(self) -> None:
            parts = urlsplit(self.path)
            length = int(self.headers.get("Content-Length") or 0)
            raw = self.rfile.read(length) if length else b""
            args: dict[str, Any] = dict(parse_qsl(parts.query))
            ctype = self.headers.get("Content-Type", "")
            if "json" in ctype and raw:
                args.update(json.loads(raw))
            elif "form-urlencoded" in ctype and raw:
                args.update(parse_qsl(raw.decode()))
            method = parts.path.removeprefix("/api/") if parts.path.startswith("/api/") \
                else parts.path
            call = Call(method, args, dict(self.headers.items()))
            with state.lock:
                retry_after = state.rate_limited.pop(method, None)
                call.status = 429 if retry_after is not None else 200
                state.calls.append(call)
            if retry_after is not None:
                self._send(429, {"ok": False, "error": "ratelimited"},
                           {"Retry-After": str(retry_after)})
                return
            self._send(200, state.answer(method, args) if parts.path.startswith("/api/")
                       else {"ok": True})

        def _send(self, status: int, body: dict[str, Any],
                  headers: dict[str, str] | None = None) -> None:
            data = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json; charset=utf-8")
            self.send_header("Content-Length", str(len(data)))
            for k, v in (headers or {}).items():
                self.send_header(k, v)
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, format: str, *args: Any) -> None:
            return

    return Handler


def start_fake_slack() -> FakeSlack:
    """Start the fake on a free local port, in a daemon thread."""
    state = FakeSlack()
    state.server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(state))
    threading.Thread(target=state.server.serve_forever, daemon=True).start()
    return state


def stop_fake_slack(state: FakeSlack) -> None:
    """Stop serving."""
    if state.server is not None:
        state.server.shutdown()
        state.server.server_close()
