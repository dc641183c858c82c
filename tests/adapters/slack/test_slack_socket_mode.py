"""Socket Mode: a local fake WebSocket server hands Slack envelopes to our Bolt app."""

from __future__ import annotations

import asyncio
import json
import threading
import time
from collections.abc import Iterator
from typing import Any
from urllib.parse import parse_qsl

import pytest
from aiohttp import web
from conftest import SlackHarness, slash_body
from slack_bolt.adapter.socket_mode import SocketModeHandler


class FakeSocketMode:
    """Serves one WebSocket at /link; sends envelopes, collects the app's acks."""

    def __init__(self) -> None:
        self.loop = asyncio.new_event_loop()
        self.acks: list[dict[str, Any]] = []
        self.sockets: list[web.WebSocketResponse] = []
        self.port = 0
        ready = threading.Event()
        threading.Thread(target=self._serve, args=(ready,), daemon=True).start()
        assert ready.wait(10)

    def _serve(self, ready: threading.Event) -> None:
        asyncio.set_event_loop(self.loop)
        app = web.Application()
        app.router.add_get("/link", self._link)
        runner = web.AppRunner(app)
        self.loop.run_until_complete(runner.setup())
        site = web.TCPSite(runner, "127.0.0.1", 0)
        self.loop.run_until_complete(site.start())
        self.port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        ready.set()
        self.loop.run_forever()

    async def _link(self, request: web.Request) -> web.WebSocketResponse:
        ws = web.WebSocketResponse()
        await ws.prepare(request)
        self.sockets.append(ws)
        await ws.send_str(json.dumps({"type": "hello", "num_connections": 1}))
        async for msg in ws:
            if msg.type == web.WSMsgType.TEXT:
                self.acks.append(json.loads(msg.data))
        return ws

    def send(self, envelope: dict[str, Any]) -> None:
        asyncio.run_coroutine_threadsafe(self.sockets[-1].send_str(json.dumps(envelope)),
                                         self.loop).result(5)

    def close(self) -> None:
        for ws in self.sockets:
            asyncio.run_coroutine_threadsafe(ws.close(), self.loop).result(5)
        self.loop.call_soon_threadsafe(self.loop.stop)


@pytest.fixture
def socket_mode(slack: SlackHarness) -> Iterator[FakeSocketMode]:
    fake = FakeSocketMode()
    original = slack.fake.answer

    def answer(method: str, args: dict[str, Any]) -> dict[str, Any]:
        if method == "apps.connections.open":
            return {"ok": True, "url": f"ws://127.0.0.1:{fake.port}/link"}
        return original(method, args)

    slack.fake.answer = answer  # type: ignore[method-assign]
    yield fake
    fake.close()


def test_socket_mode_envelope_is_acked_and_answered(slack, socket_mode):
    handler = SocketModeHandler(slack.bolt, "xapp-1-test", web_client=slack.client)
    handler.connect()
    try:
        deadline = time.monotonic() + 10
        while not socket_mode.sockets and time.monotonic() < deadline:
            time.sleep(0.05)
        payload = dict(parse_qsl(slash_body("plan", channel="C_EMPTY")))
        socket_mode.send({"envelope_id": "env-1", "type": "slash_commands",
                          "payload": payload, "accepts_response_payload": True})
        while time.monotonic() < deadline and not (
                socket_mode.acks and slack.fake.of("chat.postEphemeral")):
            time.sleep(0.05)
        assert socket_mode.acks[0]["envelope_id"] == "env-1"
        [reply] = slack.fake.of("chat.postEphemeral")
        assert reply.args["channel"] == "C_EMPTY" and "no study group" in reply.args["text"]
        assert slack.fake.of("apps.connections.open")[0].headers["Authorization"] == \
            "Bearer xapp-1-test"
    finally:
        handler.close()
