"""The Discord adapter (discord.py 2.x): app commands, buttons, modals, threads, DMs.

Interactions become :class:`CommandRequest` s for the core, which runs in a worker
thread; replies go back as interaction responses, channel or thread posts or DMs. The
client needs the privileged **message content** intent for answers typed in threads
(checkpoint answers, story replies); everything else works through interactions.
"""

from __future__ import annotations

import asyncio
import base64
import binascii
import contextlib
import hashlib
import logging
import os
import re
import signal
import sys
from collections.abc import Mapping
from typing import Any

import discord
import yarl

from bot.adapters import discord_render as render
from bot.config import Settings
from bot.core.commands.catalog import BY_NAME
from bot.core.service import StudyBot
from bot.core.types import Button, CommandRequest, Form, GroupRef, Member, Reply

log = logging.getLogger(__name__)

NO_MENTIONS = discord.AllowedMentions.none()
FORM_PREFIX = "studybot-form:"
NOT_IN_SERVER = "studybot works in server channels: run the command in your study group's channel."
Target = discord.abc.Messageable


def configure_endpoints(settings: Settings) -> None:
    """Point discord.py at DISCORD_API_URL / DISCORD_GATEWAY_URL (a test server, a proxy)."""
    if settings.discord_api_url:
        discord.http.Route.BASE = settings.discord_api_url.rstrip("/")
    if settings.discord_gateway_url:
        discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(settings.discord_gateway_url)


def intents() -> discord.Intents:
    """Guilds (channels, roles), guild messages and message content (for thread answers)."""
    wanted = discord.Intents.none()
    wanted.guilds = wanted.guild_messages = wanted.message_content = True
    return wanted


class StudyButton(discord.ui.DynamicItem[discord.ui.Button[Any]],
                  template=r"studybot:(?P<command>[a-z]+)(?::(?P<args>.*))?"):
    """A persistent button: its custom id is the core's action id, so it works after restarts."""

    def __init__(self, button: Button) -> None:
        super().__init__(render.button_item(button))
        self.button = button

    @classmethod
    async def from_custom_id(cls, interaction: discord.Interaction[Any],
                             item: discord.ui.Item[Any], match: re.Match[str]) -> StudyButton:
        label = getattr(item, "label", None) or match["command"]
        return cls(Button(label, match["command"], match["args"] or ""))

    async def callback(self, interaction: discord.Interaction[Any]) -> None:
        """Run the button's command as the member who clicked."""
        adapter: DiscordAdapter = interaction.client.adapter  # type: ignore[attr-defined]
        await adapter.run(interaction, self.button.command, self.button.args)


def view_for(reply: Reply) -> discord.ui.View | None:
    """A persistent view with the reply's buttons (None when it has none)."""
    if not reply.buttons:
        return None
    view = discord.ui.View(timeout=None)
    for button in reply.buttons[:25]:
        view.add_item(StudyButton(button))
    return view


def modal_for(form: Form) -> discord.ui.Modal:
    """The form as a modal; its submission is handled statelessly by custom id."""
    custom_id = f"{FORM_PREFIX}{form.command}:{form.prefix}"[:100]
    modal = discord.ui.Modal(title=form.title[:45], custom_id=custom_id, timeout=600)
    for text_input in render.text_inputs(form):
        modal.add_item(text_input)
    return modal


def _submitted_values(components: list[dict[str, Any]]) -> list[str]:
    """Text input values of a modal submission, in order (action rows or labels)."""
    values: list[str] = []
    for row in components:
        inner = row.get("components") or ([row["component"]] if "component" in row else [])
        values.extend(str(c.get("value") or "") for c in inner if c.get("type") == 4)
    return values


class DiscordAdapter:
    """Translates interactions and messages for the core and sends its replies."""

    def __init__(self, bot: StudyBot, store: Any, settings: Settings,
                 respond_within: float = 2.0) -> None:
        self.bot = bot
        self.store = store
        self.settings = settings
        self.respond_within = respond_within  # answer directly if the core is this quick
        self.client: discord.Client | None = None

    # who and where ------------------------------------------------------------------

    def member(self, user: discord.abc.User, permissions: discord.Permissions) -> Member:
        """The core's member; admin = Manage Server, the admin role, or STUDYBOT_ADMINS."""
        role = self.settings.discord_admin_role
        roles = getattr(user, "roles", ())
        has_role = role is not None and any(r.name == role or str(r.id) == role for r in roles)
        admin = permissions.manage_guild or has_role or str(user.id) in self.settings.admins
        return Member(str(user.id), user.display_name, is_admin=admin)

    @staticmethod
    def locate(guild_id: int | None, channel: Any) -> tuple[GroupRef, str | None] | None:
        """The group of a channel (a thread belongs to its parent's group) and the thread."""
        if guild_id is None or channel is None:
            return None
        parent = getattr(channel, "parent_id", None)
        if isinstance(channel, discord.Thread) and parent is not None:
            return GroupRef("discord", str(guild_id), str(parent)), str(channel.id)
        return GroupRef("discord", str(guild_id), str(channel.id)), None

    # incoming -----------------------------------------------------------------------

    async def on_interaction(self, interaction: discord.Interaction[Any]) -> None:
        """Slash commands and modal submissions (buttons arrive through StudyButton)."""
        data: dict[str, Any] = dict(interaction.data or {})
        if interaction.type is discord.InteractionType.application_command:
            spec = BY_NAME.get(str(data.get("name", "")))
            if spec is None:
                await interaction.response.send_message(
                    "Unknown command. Try /studybot help.", ephemeral=True)
                return
            text = render.options_to_text(spec, list(data.get("options", [])))
            await self.run(interaction, spec.name, text)
        elif interaction.type is discord.InteractionType.modal_submit:
            custom_id = str(data.get("custom_id", ""))
            if not custom_id.startswith(FORM_PREFIX):
                return
            command, _, prefix = custom_id.removeprefix(FORM_PREFIX).partition(":")
            body = "\n".join(v.strip() for v in _submitted_values(data.get("components", []))
                             if v.strip())
            await self.run(interaction, command, f"{prefix} {body}".strip())

    async def run(self, interaction: discord.Interaction[Any], command: str, text: str) -> None:
        """Run one command for an interaction; defer unless the core answers quickly."""
        where = self.locate(interaction.guild_id, interaction.channel)
        if where is None:
            await interaction.response.send_message(NOT_IN_SERVER, ephemeral=True)
            return
        group, thread = where
        request = CommandRequest(group, self.member(interaction.user, interaction.permissions),
                                 command, text, thread=thread,
                                 delivery_id=f"discord:{interaction.id}", raw=interaction)
        if self.respond_within <= 0:
            await interaction.response.defer(ephemeral=True, thinking=True)
        work = asyncio.ensure_future(asyncio.to_thread(self.bot.handle, request))
        if not interaction.response.is_done():
            done, _ = await asyncio.wait({work}, timeout=self.respond_within)
            if not done:
                await interaction.response.defer(ephemeral=True, thinking=True)
        await self.answer(interaction, group, await work)

    async def on_message(self, message: discord.Message) -> None:
        """Plain messages in threads: checkpoint answers and story replies."""
        channel = message.channel
        if message.author.bot or message.guild is None or not isinstance(channel, discord.Thread):
            return
        where = self.locate(message.guild.id, channel)
        assert where is not None
        perms = getattr(message.author, "guild_permissions", discord.Permissions.none())
        member = self.member(message.author, perms)
        replies = await asyncio.to_thread(
            self.bot.handle_thread_message, where[0], member, str(channel.id), message.content,
            f"discord:{message.id}")
        for reply in replies:
            if reply.visibility in ("channel", "ephemeral"):
                await self.send_to(channel, reply)
            else:
                await self.post(where[0], reply, user=message.author)

    # outgoing -----------------------------------------------------------------------

    async def answer(self, interaction: discord.Interaction[Any], group: GroupRef,
                     replies: list[Reply]) -> None:
        """Send the core's replies for an interaction (answered directly or deferred)."""
        deferred = interaction.response.is_done()
        followed = False
        notes: list[str] = []
        for reply in replies:
            if reply.form is not None and not interaction.response.is_done():
                await interaction.response.send_modal(modal_for(reply.form))
                continue
            if reply.form is not None:  # too late for a modal: offer a button that opens it
                reply = Reply(reply.text or reply.form.title, "ephemeral",
                              buttons=(Button(reply.form.title[:80], reply.form.command),))
            if reply.visibility == "ephemeral" or (reply.visibility == "channel" and not deferred):
                followed |= await self._respond(interaction, reply,
                                                ephemeral=reply.visibility == "ephemeral")
                continue
            if reply.visibility == "direct":
                try:
                    await self.post(group, reply, user=interaction.user)
                    notes.append("I sent you a direct message.")
                except discord.Forbidden:
                    followed |= await self._respond(interaction, reply, ephemeral=True)
                continue
            message = await self.post(group, reply)
            if reply.visibility == "thread":
                notes.append(f"Posted in the thread: {message.jump_url}")
        if not interaction.response.is_done():
            await interaction.response.send_message("\n".join(notes) or "Done.", ephemeral=True,
                                                    allowed_mentions=NO_MENTIONS)
        elif deferred and not followed:
            if notes:
                await interaction.followup.send("\n".join(notes), ephemeral=True,
                                                allowed_mentions=NO_MENTIONS)
            else:
                await interaction.delete_original_response()

    async def _respond(self, interaction: discord.Interaction[Any], reply: Reply, *,
                       ephemeral: bool) -> bool:
        """Answer the interaction itself (initial response or follow-ups); True if followed."""
        parts = render.chunks(reply.text)
        followed = False
        for i, part in enumerate(parts):
            extra = self._extras(reply, last=i == len(parts) - 1)
            if not interaction.response.is_done():
                await interaction.response.send_message(part, ephemeral=ephemeral,
                                                        allowed_mentions=NO_MENTIONS, **extra)
            else:
                await interaction.followup.send(part, ephemeral=ephemeral,
                                                allowed_mentions=NO_MENTIONS, **extra)
                followed = True
        return followed

    @staticmethod
    def _extras(reply: Reply, *, last: bool) -> dict[str, Any]:
        extra: dict[str, Any] = {}
        view = view_for(reply) if last else None
        file = render.file_for(reply) if last else None
        if view is not None:
            extra["view"] = view
        if file is not None:
            extra["file"] = file
        return extra

    async def send_to(self, target: Target, reply: Reply) -> discord.Message:
        """Post ``reply`` into a channel, thread or DM; returns the first message."""
        parts = render.chunks(reply.text)
        first: discord.Message | None = None
        for i, part in enumerate(parts):
            extra = self._extras(reply, last=i == len(parts) - 1)
            if reply.post_key is not None and i == 0:
                extra["nonce"] = post_nonce(reply.post_key)  # Discord enforces it for a while
            sent = await target.send(part, allowed_mentions=NO_MENTIONS, **extra)
            first = first or sent
        assert first is not None
        return first

    async def channel(self, channel_id: str) -> Any:
        """A channel or thread by id, from the cache or the API."""
        assert self.client is not None
        found = self.client.get_channel(int(channel_id))
        return found if found is not None else await self.client.fetch_channel(int(channel_id))

    async def post(self, group: GroupRef, reply: Reply,
                   user: discord.abc.User | None = None) -> discord.Message:
        """Post a reply outside an interaction: channel, keyed thread or DM."""
        assert self.client is not None
        if reply.visibility == "direct":
            target = user if user is not None and (reply.to_user in (None, str(user.id))) \
                else await self.client.fetch_user(int(reply.to_user or 0))
            return await self.send_to(target, reply)
        if reply.visibility == "thread" and reply.thread_key:
            return await self.send_to(await self.thread(group, reply), reply)
        return await self.send_to(await self.channel(group.channel), reply)

    async def thread(self, group: GroupRef, reply: Reply) -> Any:
        """The thread bound to the reply's key, opened under a titled message if needed.

        A key bound to a message (a scheduled post) gets its thread started on that
        message: on Discord such a thread has the message's id.
        """
        key = reply.thread_key or ""
        title = (reply.thread_title or "studybot")[:100]
        ref = await asyncio.to_thread(self.bot.thread_ref, group, key)
        parent = await self.channel(group.channel)
        if ref is not None:
            try:
                return await self.channel(ref)
            except (discord.NotFound, discord.Forbidden):
                try:
                    return await parent.get_partial_message(int(ref)).create_thread(name=title)
                except discord.HTTPException:
                    log.info("thread %s is gone; opening a new one", ref)
        starter = await parent.send(f"**{title}**", allowed_mentions=NO_MENTIONS)
        thread = await starter.create_thread(name=title)
        await asyncio.to_thread(self.bot.bind_thread, group, key, str(thread.id))
        return thread

    # commands -----------------------------------------------------------------------

    async def sync_commands(self, client: discord.Client) -> bool:
        """Upload the app commands when their declarations changed since the last sync."""
        payloads = render.command_payloads()
        digest = render.commands_hash(payloads)
        guild = self.settings.discord_guild_id
        key = f"discord:commands:{client.application_id}:{guild or 'global'}"
        if await asyncio.to_thread(self.store.get_state, key) == digest:
            log.info("app commands unchanged; no sync")
            return False
        if guild:
            await client.http.bulk_upsert_guild_commands(client.application_id, int(guild),
                                                         payloads)
        else:
            await client.http.bulk_upsert_global_commands(client.application_id, payloads)
        await asyncio.to_thread(self.store.set_state, key, digest)
        log.info("app commands synced to %s", f"guild {guild}" if guild else "all guilds")
        return True


class _Hooks:
    """Event handlers shared by the plain and the auto-sharded client."""

    adapter: DiscordAdapter

    async def setup_hook(self) -> None:
        """Register persistent buttons and sync the app commands if they changed."""
        client: discord.Client = self  # type: ignore[assignment]
        client.add_dynamic_items(StudyButton)
        await self.adapter.sync_commands(client)

    async def on_interaction(self, interaction: discord.Interaction[Any]) -> None:
        """Slash commands and modal submissions."""
        await self.adapter.on_interaction(interaction)

    async def on_message(self, message: discord.Message) -> None:
        """Messages in threads."""
        await self.adapter.on_message(message)


class StudyClient(_Hooks, discord.Client):
    """The bot on one gateway connection."""


class ShardedStudyClient(_Hooks, discord.AutoShardedClient):
    """The bot on as many shards as Discord recommends (many guilds)."""


def make_client(adapter: DiscordAdapter, sharded: bool = False,
                **options: Any) -> discord.Client:
    """A client wired to ``adapter``; no mention is ever parsed from what it sends."""
    cls = ShardedStudyClient if sharded else StudyClient
    client = cls(intents=intents(), allowed_mentions=NO_MENTIONS, **options)
    client.adapter = adapter
    adapter.client = client
    return client


def post_nonce(post_key: str) -> str:
    """A Discord nonce (at most 25 characters) that names one scheduled post."""
    return hashlib.sha256(post_key.encode()).hexdigest()[:25]


class DiscordMessenger:
    """The core's Messenger for scheduled posts: sync, thread-safe, one send per call.

    Each call schedules its own coroutine on the client's loop, so a fan-out from several
    scheduler threads is not serialized behind one slow channel; discord.py honours the
    per-route rate limits.
    """

    def __init__(self, adapter: DiscordAdapter, loop: asyncio.AbstractEventLoop,
                 timeout: float = 60.0) -> None:
        self.adapter = adapter
        self.loop = loop
        self.timeout = timeout

    def send(self, group: GroupRef, reply: Reply) -> str | None:
        """Post ``reply`` in ``group``'s channel (buttons persistent).

        Returns the message id, or for a thread reply the thread's id (the key's binding).
        """
        try:
            running: asyncio.AbstractEventLoop | None = asyncio.get_running_loop()
        except RuntimeError:
            running = None
        if running is self.loop:
            raise RuntimeError("DiscordMessenger.send blocks: call it from another thread")
        future = asyncio.run_coroutine_threadsafe(self._send(group, reply), self.loop)
        return future.result(self.timeout)

    def find_sent(self, group: GroupRef, reply: Reply) -> str | None:
        """The id ``send`` returned for this stamped post, if it is among the channel's (or
        the thread's) last 50 messages by the bot (reconciliation after a crash)."""
        if reply.post_key is None:
            return None
        future = asyncio.run_coroutine_threadsafe(self._find(group, reply), self.loop)
        return future.result(self.timeout)

    async def _find(self, group: GroupRef, reply: Reply) -> str | None:
        client = self.adapter.client
        assert client is not None and client.user is not None
        in_thread = reply.visibility == "thread" and reply.thread_key
        if in_thread:
            ref = await asyncio.to_thread(self.adapter.bot.thread_ref, group,
                                          reply.thread_key or "")
            if ref is None:
                return None
            target = await self.adapter.channel(ref)
        else:
            target = await self.adapter.channel(group.channel)
        first = render.chunks(reply.text)[0]
        async for message in target.history(limit=50):
            if message.author.id == client.user.id and message.content == first:
                return str(target.id) if in_thread else str(message.id)
        return None

    async def _send(self, group: GroupRef, reply: Reply) -> str:
        if reply.visibility == "thread" and reply.thread_key:  # the id that names the thread
            thread = await self.adapter.thread(group, reply)
            await self.adapter.send_to(thread, reply)
            return str(thread.id)
        return str((await self.adapter.post(group, reply)).id)


def _start_scheduler(app: Any, messenger: DiscordMessenger) -> Any:
    try:
        from bot.scheduling.runner import start_scheduler
    except ImportError as exc:
        log.warning("scheduler not available (%s): scheduled posts are off", exc)
        return None
    return start_scheduler(app, messenger)


def run_discord(settings: Settings, args: Any = None) -> int:
    """``studybot run discord``: connect with DISCORD_TOKEN and serve until stopped."""
    if not settings.discord_token:
        print("Set DISCORD_TOKEN to your bot's token (see docs/discord.md).", file=sys.stderr)
        return 2
    from bot.app import build_app, ready_to_serve
    from bot.observability import maybe_start_metrics_server

    configure_endpoints(settings)
    app = ready_to_serve(build_app(settings))
    metrics = maybe_start_metrics_server(app)
    adapter = DiscordAdapter(app.bot, app.store, settings)
    client = make_client(adapter, settings.discord_sharded)

    async def main() -> None:
        messenger = DiscordMessenger(adapter, asyncio.get_running_loop())
        scheduler = None
        with contextlib.suppress(NotImplementedError):  # not on Windows
            asyncio.get_running_loop().add_signal_handler(
                signal.SIGTERM, lambda: asyncio.ensure_future(client.close()))
        async with client:
            await client.login(settings.discord_token or "")
            scheduler = await asyncio.to_thread(_start_scheduler, app, messenger)
            try:
                await client.connect()
            finally:
                if scheduler is not None:
                    await asyncio.to_thread(scheduler.shutdown)

    try:
        asyncio.run(main())
    except KeyboardInterrupt:
        pass
    finally:
        if metrics is not None:
            metrics.stop()
        app.close()
    return 0


def client_id_from_token(token: str | None) -> str | None:
    """The application id encoded (base64) in a bot token's first segment."""
    if not token or "." not in token:
        return None
    head = token.split(".", 1)[0]
    try:
        decoded = base64.b64decode(head + "=" * (-len(head) % 4), validate=False).decode()
    except (binascii.Error, UnicodeDecodeError):
        return None
    return decoded if decoded.isdigit() else None


def invite_url_command(settings: Settings, args: Any = None,
                       env: Mapping[str, str] | None = None) -> int:
    """``studybot discord invite-url``: the URL that adds the bot to a server."""
    env = os.environ if env is None else env
    client_id = env.get("DISCORD_CLIENT_ID") or client_id_from_token(settings.discord_token)
    if not client_id or not client_id.isdigit():
        print("Set DISCORD_CLIENT_ID to the Application ID (Developer Portal → General "
              "Information), or DISCORD_TOKEN to the bot token.", file=sys.stderr)
        return 2
    print(render.invite_url(client_id))
    return 0
