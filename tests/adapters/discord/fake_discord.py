"""A local fake Discord for the real discord.py client: HTTP API and gateway, on 127.0.0.1.

It serves what studybot's adapter uses (login, app info, command sync, interaction
callbacks and webhook follow-ups, channel messages, threads, DMs) and a gateway that says
HELLO, answers IDENTIFY with READY and GUILD_CREATE, acknowledges heartbeats, and lets a
test dispatch INTERACTION_CREATE and MESSAGE_CREATE. Everything sent to it is recorded.
"""

from __future__ import annotations

import asyncio
import itertools
import json
from collections.abc import Callable
from typing import Any

from aiohttp import web

APP_ID = 900000000000000001
GUILD_ID = 800000000000000001
STUDY_CHANNEL = 700000000000000001
OTHER_CHANNEL = 700000000000000002
ADMIN_ROLE_ID = 600000000000000001
TIMESTAMP = "2026-01-05T09:00:00+00:00"
MANAGE_GUILD = 1 << 5


def user(uid: int, name: str, *, bot: bool = False) -> dict[str, Any]:
    """A user payload."""
    return {"id": str(uid), "username": name, "discriminator": "0", "avatar": None,
            "global_name": name.title(), "bot": bot, "public_flags": 0, "flags": 0}


BOT_USER = user(APP_ID, "studybot", bot=True)
ADA = user(100000000000000001, "ada")
BOB = user(100000000000000002, "bob")


def _json(data: Any, status: int = 200) -> web.Response:
    # discord.py decodes JSON only when the content type is exactly application/json
    return web.Response(body=json.dumps(data).encode(), status=status,
                        headers={"Content-Type": "application/json"})


class FakeDiscord:
    """The fake server; ``start()`` it, point discord.py at ``api_url``/``gateway_url``."""

    def __init__(self) -> None:
        self._ids = itertools.count(500000000000000001)
        self._seq = 0
        self.sockets: list[web.WebSocketResponse] = []
        self.identifies: list[dict[str, Any]] = []
        self.command_puts: list[dict[str, Any]] = []
        self.commands: dict[str, list[dict[str, Any]]] = {}
        self.callbacks: list[dict[str, Any]] = []
        self.followups: list[dict[str, Any]] = []
        self.original_edits: list[dict[str, Any]] = []
        self.original_deletes: list[str] = []
        self.messages: list[dict[str, Any]] = []
        self.threads: list[dict[str, Any]] = []
        self.unhandled: list[str] = []
        self.channels: dict[str, dict[str, Any]] = {
            str(c): {"id": str(c), "type": 0, "guild_id": str(GUILD_ID), "name": name,
                     "position": i, "permission_overwrites": [], "nsfw": False,
                     "parent_id": None, "topic": None, "last_message_id": None,
                     "rate_limit_per_user": 0}
            for i, (c, name) in enumerate(((STUDY_CHANNEL, "study"), (OTHER_CHANNEL, "random")))
        }
        self._runner: web.AppRunner | None = None
        self.port = 0
        self.client_task: asyncio.Task[Any] | None = None  # its failure fails wait_for

    # life cycle ---------------------------------------------------------------------

    async def start(self) -> None:
        """Listen on 127.0.0.1, on a free port."""
        app = web.Application()
        app.router.add_get("/gateway", self._gateway)
        app.router.add_route("*", "/api/v10/{path:.*}", self._api)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self.port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]

    async def stop(self) -> None:
        """Close every socket and the server."""
        for ws in list(self.sockets):
            await ws.close()
        if self._runner is not None:
            await self._runner.cleanup()

    @property
    def api_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/api/v10"

    @property
    def gateway_url(self) -> str:
        return f"ws://127.0.0.1:{self.port}/gateway"

    def next_id(self) -> str:
        return str(next(self._ids))

    # gateway ------------------------------------------------------------------------

    async def _gateway(self, request: web.Request) -> web.WebSocketResponse:
        ws = web.WebSocketResponse()
        await ws.prepare(request)
        self.sockets.append(ws)
        await ws.send_str(json.dumps({"op": 10, "d": {"heartbeat_interval": 45000},
                                      "s": None, "t": None}))
        try:
            async for msg in ws:
                data = json.loads(msg.data)
                if data["op"] == 1:
                    await ws.send_str(json.dumps({"op": 11, "d": None}))
                elif data["op"] == 2:
                    self.identifies.append(data["d"])
                    shard = data["d"].get("shard") or [0, 1]
                    await self._send(ws, "READY", {
                        "v": 10, "user": BOT_USER, "session_id": f"session{len(self.identifies)}",
                        "resume_gateway_url": self.gateway_url, "shard": shard,
                        "guilds": [{"id": str(GUILD_ID), "unavailable": True}],
                        "application": {"id": str(APP_ID), "flags": 0},
                    })
                    await self._send(ws, "GUILD_CREATE", self.guild())
        finally:
            self.sockets.remove(ws)
        return ws

    async def _send(self, ws: web.WebSocketResponse, event: str, data: dict[str, Any]) -> None:
        self._seq += 1
        await ws.send_str(json.dumps({"op": 0, "t": event, "s": self._seq, "d": data}))

    async def dispatch(self, event: str, data: dict[str, Any]) -> None:
        """Send a gateway event to every connected client."""
        for ws in list(self.sockets):
            await self._send(ws, event, data)

    def guild(self) -> dict[str, Any]:
        """The GUILD_CREATE payload: two text channels, @everyone and an admin role."""
        role = {"hoist": False, "managed": False, "mentionable": False, "color": 0,
                "icon": None, "unicode_emoji": None, "flags": 0}
        return {
            "id": str(GUILD_ID), "name": "Study Guild", "unavailable": False,
            "member_count": 3, "owner_id": str(BOB["id"]), "large": False,
            "roles": [
                {**role, "id": str(GUILD_ID), "name": "@everyone", "permissions": "3072",
                 "position": 0},
                {**role, "id": str(ADMIN_ROLE_ID), "name": "Study Admin", "permissions": "0",
                 "position": 1},
            ],
            "channels": [c for c in self.channels.values() if c["type"] == 0],
            "threads": [], "members": [], "emojis": [], "stickers": [], "features": [],
            "voice_states": [], "presences": [], "stage_instances": [],
            "guild_scheduled_events": [], "soundboard_sounds": [],
        }

    # test hooks ---------------------------------------------------------------------

    def member(self, who: dict[str, Any], *, permissions: int = 0,
               roles: tuple[int, ...] = ()) -> dict[str, Any]:
        return {"user": who, "roles": [str(r) for r in roles], "permissions": str(permissions),
                "joined_at": TIMESTAMP, "deaf": False, "mute": False, "nick": None, "flags": 0}

    def interaction(self, kind: int, data: dict[str, Any], *, who: dict[str, Any] = ADA,
                    channel: int | str = STUDY_CHANNEL, permissions: int = 0,
                    roles: tuple[int, ...] = (), guild: bool = True,
                    message: dict[str, Any] | None = None) -> dict[str, Any]:
        """An INTERACTION_CREATE payload (2 command, 3 component, 5 modal submit)."""
        iid = self.next_id()
        payload: dict[str, Any] = {
            "id": iid, "application_id": str(APP_ID), "type": kind, "data": data,
            "token": f"token-{iid}", "version": 1, "locale": "en-US",
            "channel_id": str(channel), "channel": self.channels[str(channel)],
            "app_permissions": "309237763072", "entitlements": [], "context": 0,
            "attachment_size_limit": 10 * 1024 * 1024,
            "authorizing_integration_owners": {},
        }
        if guild:
            payload["guild_id"] = str(GUILD_ID)
            payload["guild_locale"] = "en-US"
            payload["member"] = self.member(who, permissions=permissions, roles=roles)
        else:
            payload["user"] = who
        if message is not None:
            payload["message"] = message
        return payload

    def command(self, name: str, options: list[dict[str, Any]] | None = None,
                **kwargs: Any) -> dict[str, Any]:
        """A slash-command interaction."""
        data = {"id": self.next_id(), "name": name, "type": 1, "options": options or []}
        return self.interaction(2, data, **kwargs)

    def click(self, message: dict[str, Any], custom_id: str, **kwargs: Any) -> dict[str, Any]:
        """A button click on ``message``."""
        return self.interaction(3, {"custom_id": custom_id, "component_type": 2},
                                message=message, **kwargs)

    def modal_submit(self, custom_id: str, values: dict[str, str],
                     **kwargs: Any) -> dict[str, Any]:
        """A modal submission with one text input per value."""
        rows = [{"type": 1, "components": [{"type": 4, "custom_id": k, "value": v}]}
                for k, v in values.items()]
        return self.interaction(5, {"custom_id": custom_id, "components": rows}, **kwargs)

    async def interact(self, payload: dict[str, Any], timeout: float = 5.0) -> dict[str, Any]:
        """Dispatch an interaction and return the callback the bot answered with."""
        await self.dispatch("INTERACTION_CREATE", payload)
        await self.wait_for(lambda: self.callback(payload["id"]) is not None, timeout)
        found = self.callback(payload["id"])
        assert found is not None
        return found

    def callback(self, interaction_id: str) -> dict[str, Any] | None:
        return next((c for c in self.callbacks if c["interaction_id"] == interaction_id), None)

    def followups_of(self, payload: dict[str, Any]) -> list[dict[str, Any]]:
        return [f for f in self.followups if f["token"] == payload["token"]]

    def in_channel(self, channel_id: int | str) -> list[dict[str, Any]]:
        return [m for m in self.messages if m["channel_id"] == str(channel_id)]

    async def wait_for(self, condition: Callable[[], bool], timeout: float = 5.0) -> None:
        """Poll ``condition`` until true; fail the test after ``timeout`` seconds."""
        loop = asyncio.get_running_loop()
        end = loop.time() + timeout
        while not condition():
            task = self.client_task
            if task is not None and task.done() and not task.cancelled() and task.exception():
                raise AssertionError("the client stopped") from task.exception()
            if loop.time() > end:
                raise AssertionError(f"timed out; unhandled requests: {self.unhandled}")
            await asyncio.sleep(0.01)

    # HTTP API -----------------------------------------------------------------------

    async def _body(self, request: web.Request) -> dict[str, Any]:
        if request.content_type.startswith("multipart/"):
            body: dict[str, Any] = {"files": []}
            reader = await request.multipart()
            async for part in reader:
                if part.name == "payload_json":
                    body.update(json.loads(await part.text()))
                else:
                    body["files"].append({"filename": part.filename,
                                          "text": (await part.read()).decode()})
            return body
        if request.can_read_body:
            data = await request.json()
            return data if isinstance(data, dict) else {"__list__": data}
        return {}

    def message(self, channel_id: str, body: dict[str, Any],
                author: dict[str, Any] = BOT_USER) -> dict[str, Any]:
        """A message object as Discord returns it."""
        return {
            "id": self.next_id(), "channel_id": channel_id, "author": author,
            "content": body.get("content") or "", "timestamp": TIMESTAMP,
            "edited_timestamp": None, "tts": False, "mention_everyone": False,
            "mentions": [], "mention_roles": [], "embeds": [], "pinned": False, "type": 0,
            "attachments": [{"id": self.next_id(), "filename": f["filename"], "size": 1,
                             "url": "http://x/f", "proxy_url": "http://x/f"}
                            for f in body.get("files", [])],
            "components": body.get("components", []), "flags": body.get("flags", 0),
            "allowed_mentions": body.get("allowed_mentions"), "files": body.get("files", []),
        }

    async def _api(self, request: web.Request) -> web.StreamResponse:
        path, method = request.match_info["path"], request.method
        parts = path.split("/")
        body = await self._body(request) if method in ("POST", "PUT", "PATCH") else {}
        if method == "GET" and path == "users/@me":
            return _json(BOT_USER)
        if method == "GET" and path == "oauth2/applications/@me":
            return _json({"id": str(APP_ID), "name": "studybot", "icon": None,
                          "description": "", "bot_public": True, "bot_require_code_grant": False,
                          "owner": BOB, "verify_key": "0" * 64, "flags": 0, "team": None})
        if method == "GET" and path in ("gateway", "gateway/bot"):
            return _json({"url": self.gateway_url, "shards": 1, "session_start_limit": {
                "total": 1000, "remaining": 1000, "reset_after": 0, "max_concurrency": 1}})
        if parts[0] == "applications" and parts[-1] == "commands":
            scope = parts[3] if len(parts) == 5 else "global"
            if method == "PUT":
                self.command_puts.append({"scope": scope, "body": body})
                self.commands[scope] = [
                    {**c, "id": self.next_id(), "application_id": str(APP_ID), "version": "1",
                     "default_member_permissions": None}
                    for c in body.get("__list__", [])]
            return _json(self.commands.get(scope, []))
        if parts[0] == "interactions" and parts[-1] == "callback":
            self.callbacks.append({"interaction_id": parts[1], "token": parts[2], **body})
            flags = (body.get("data") or {}).get("flags", 0)
            return _json({"interaction": {"id": parts[1], "type": 2,
                                          "response_message_loading": body["type"] == 5,
                                          "response_message_ephemeral": bool(flags & 64)},
                          "resource": {"type": body["type"]}})
        if parts[0] == "webhooks":
            token = parts[2]
            if len(parts) == 3 and method == "POST":
                msg = self.message("followup", body)
                self.followups.append({"token": token, **msg, "body": body})
                return _json(msg)
            if len(parts) == 5 and method == "PATCH":
                self.original_edits.append({"token": token, "body": body})
                return _json(self.message("original", body))
            if len(parts) == 5 and method == "DELETE":
                self.original_deletes.append(token)
                return web.Response(status=204)
        if parts[0] == "channels" and len(parts) == 2 and method == "GET":
            found = self.channels.get(parts[1])
            return _json(found) if found else _json({"message": "Unknown Channel",
                                                     "code": 10003}, 404)
        if parts[0] == "channels" and parts[2:] == ["messages"] and method == "GET":
            newest_first = list(reversed(self.in_channel(parts[1])))
            return _json(newest_first[: int(request.query.get("limit", "50"))])
        if parts[0] == "channels" and parts[2:] == ["messages"] and method == "POST":
            nonce = body.get("nonce") if body.get("enforce_nonce") else None
            twin = next((m for m in self.messages if nonce and m.get("nonce") == nonce), None)
            if twin is not None:  # Discord answers a repeated enforced nonce with the original
                return _json(twin)
            msg = {**self.message(parts[1], body), "nonce": nonce}
            self.messages.append(msg)
            return _json(msg)
        if parts[0] == "channels" and parts[-1] == "threads" and method == "POST":
            from_message = len(parts) > 4  # such a thread has its starter message's id
            thread = {"id": parts[3] if from_message else self.next_id(), "type": 11,
                      "guild_id": str(GUILD_ID), "parent_id": parts[1], "owner_id": str(APP_ID),
                      "name": body.get("name", ""), "message_count": 0, "member_count": 1,
                      "rate_limit_per_user": 0, "last_message_id": None, "flags": 0,
                      "thread_metadata": {"archived": False, "auto_archive_duration": 1440,
                                          "archive_timestamp": TIMESTAMP, "locked": False}}
            self.channels[thread["id"]] = thread
            self.threads.append({**thread, "message_id": parts[3] if from_message else None})
            await self.dispatch("THREAD_CREATE", {**thread, "newly_created": True})
            return _json(thread)
        if method == "POST" and path == "users/@me/channels":
            recipient = next(u for u in (ADA, BOB) if u["id"] == str(body["recipient_id"]))
            dm = {"id": self.next_id(), "type": 1, "recipients": [recipient],
                  "last_message_id": None}
            self.channels[dm["id"]] = dm
            return _json(dm)
        self.unhandled.append(f"{method} {path}")
        return _json({"message": "Unknown", "code": 0}, 404)
