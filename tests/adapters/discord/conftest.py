"""The real discord.py client, wired to studybot, connected to the local fake Discord."""

from __future__ import annotations

import asyncio
import base64
import contextlib
from collections.abc import AsyncIterator, Coroutine, Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import discord
import pytest
from fake_discord import APP_ID, GUILD_ID, FakeDiscord

from bot.adapters.discord_adapter import DiscordAdapter, configure_endpoints, make_client
from bot.app import App, build_app
from bot.config import Settings
from bot.core.clock import FakeClock
from bot.core.content_loader import Content

ROOT = Path(__file__).resolve().parents[3]
TOKEN = base64.b64encode(str(APP_ID).encode()).decode().rstrip("=") + ".GfAkE.not-a-secret"


def run(coro: Coroutine[Any, Any, Any], timeout: float = 30.0) -> Any:
    """Run one async scenario (no pytest-asyncio here), failing if it hangs."""
    return asyncio.run(asyncio.wait_for(coro, timeout))


class DiscordEnv:
    """One test's fake Discord, app and settings; ``bot()`` connects a client."""

    def __init__(self, tmp_path: Path, clock: FakeClock, content: Content) -> None:
        self.tmp_path, self.clock, self.content = tmp_path, clock, content
        self.fake = FakeDiscord()
        self.app: App | None = None
        self.settings: Settings | None = None

    async def start(self, **overrides: Any) -> App:
        """Start the fake server and build the app (SQLite in the test's directory)."""
        await self.fake.start()
        self.settings = replace(
            Settings.from_env({"STUDYBOT_DATA_DIR": str(self.tmp_path)}),
            content_dir=ROOT / "content", schedules_dir=ROOT / "schedules", discord_token=TOKEN,
            **{"discord_api_url": self.fake.api_url, "discord_gateway_url": self.fake.gateway_url,
               "discord_guild_id": str(GUILD_ID), "discord_admin_role": "Study Admin",
               **overrides})
        configure_endpoints(self.settings)
        self.app = build_app(self.settings, clock=self.clock, content=self.content)
        return self.app

    @contextlib.asynccontextmanager
    async def bot(self, respond_within: float = 2.0) -> AsyncIterator[discord.Client]:
        """A connected client; closed (a 'restart' when used twice) on exit."""
        assert self.app is not None and self.settings is not None
        adapter = DiscordAdapter(self.app.bot, self.app.store, self.settings, respond_within)
        client = make_client(adapter, self.settings.discord_sharded, guild_ready_timeout=0.05)
        await client.login(TOKEN)
        task = asyncio.create_task(client.connect(reconnect=False))
        self.fake.client_task = task
        try:
            await self.fake.wait_for(client.is_ready)
            yield client
        finally:
            await client.close()
            with contextlib.suppress(Exception, asyncio.CancelledError):
                await asyncio.wait_for(task, 5)

    async def stop(self) -> None:
        await self.fake.stop()


@pytest.fixture
def env(tmp_path: Path, clock: FakeClock, content: Content,
        monkeypatch: pytest.MonkeyPatch) -> Iterator[DiscordEnv]:
    """A Discord test environment; the endpoint overrides are undone afterwards."""
    monkeypatch.setattr(discord.http.Route, "BASE", discord.http.Route.BASE)
    monkeypatch.setattr(discord.gateway.DiscordWebSocket, "DEFAULT_GATEWAY",
                        discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY)
    environment = DiscordEnv(tmp_path, clock, content)
    yield environment
    if environment.app is not None:
        environment.app.close()
