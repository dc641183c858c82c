"""The Slack adapter on slack-bolt: slash commands, buttons, modals and thread messages.

Every listener acknowledges at once and does its work in a Bolt lazy listener, so Slack
never waits on the database. Redeliveries carry the same delivery id (the trigger id of
a slash command, the event id of an event, message ts + action ts + user of a click), and
the core's ``claim_delivery`` gives them no second effect. All Block Kit lives in
:mod:`bot.adapters.slack_render`.
"""

from __future__ import annotations

import logging
import os
import re
import signal
import sys
import threading
import time
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from socketserver import ThreadingMixIn
from typing import TYPE_CHECKING, Any
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

from slack_bolt import App as BoltApp
from slack_bolt.adapter.wsgi import SlackRequestHandler
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry.builtin_handlers import (
    ConnectionErrorRetryHandler,
    RateLimitErrorRetryHandler,
)

from bot.adapters import slack_render as render
from bot.config import Settings, SettingsError
from bot.core.commands.catalog import COMMANDS
from bot.core.service import StudyBot
from bot.core.types import CommandRequest, GroupRef, Member, Reply

if TYPE_CHECKING:
    import argparse

    from slack_bolt.oauth.oauth_settings import OAuthSettings

    from bot.app import App

log = logging.getLogger(__name__)

EVENTS_PATH = "/slack/events"
BOT_SCOPES = ("commands", "chat:write", "chat:write.public", "users:read", "im:write",
              "channels:history", "groups:history", "files:write")
_THREAD_SUBTYPES = (None, "thread_broadcast", "file_share")
_FAILED = Reply("Sorry, studybot could not finish that. Please try again in a minute.",
                "ephemeral")


def api_base_url(settings: Settings) -> str:
    """The Web API base URL: SLACK_API_URL (GovSlack, a local fake) or Slack's own."""
    url = settings.slack_api_url or WebClient.BASE_URL
    return url if url.endswith("/") else url + "/"


def make_client(settings: Settings, token: str | None = None) -> WebClient:
    """A Web API client that honours 429 Retry-After and retries dropped connections."""
    return WebClient(
        token=token,
        base_url=api_base_url(settings),
        retry_handlers=[ConnectionErrorRetryHandler(max_retry_count=2),
                        RateLimitErrorRetryHandler(max_retry_count=3)],
    )


def unescape(text: str) -> str:
    """Slack's HTML escapes back to plain text (the core works on plain text)."""
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


class TrackingExecutor(ThreadPoolExecutor):
    """Bolt's listener executor, which can also wait until every listener has finished."""

    def __init__(self, max_workers: int = 16) -> None:
        super().__init__(max_workers, thread_name_prefix="slack-listener")
        self._pending = 0
        self._idle = threading.Condition()

    def submit(self, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Future[Any]:
        """Run ``fn`` on the pool, counting it until it returns."""
        with self._idle:
            self._pending += 1

        def tracked() -> Any:
            try:
                return fn(*args, **kwargs)
            finally:
                with self._idle:
                    self._pending -= 1
                    self._idle.notify_all()

        return super().submit(tracked)

    def drain(self, timeout: float = 10.0) -> bool:
        """Wait until no listener (and no lazy listener) is running; False on timeout."""
        deadline = time.monotonic() + timeout
        with self._idle:
            while self._pending:
                left = deadline - time.monotonic()
                if left <= 0:
                    return False
                self._idle.wait(left)
        return True


class SlackMembers:
    """Who a Slack user is (name, admin), from ``users.info``, cached for a while."""

    def __init__(self, admins: frozenset[str] = frozenset(), ttl: float = 600.0) -> None:
        self.admins = admins
        self.ttl = ttl
        self._cache: dict[tuple[str, str], tuple[float, Member]] = {}
        self._lock = threading.Lock()

    def get(self, client: WebClient, team: str, user_id: str, fallback: str | None) -> Member:
        """The member; workspace admins and owners (or STUDYBOT_ADMINS) are admins."""
        key = (team, user_id)
        with self._lock:
            hit = self._cache.get(key)
        if hit and time.monotonic() - hit[0] < self.ttl:
            return hit[1]
        try:
            user = client.users_info(user=user_id)["user"]
        except SlackApiError as exc:
            log.warning("users.info failed: %s", exc.response.get("error"))
            return Member(user_id, fallback or user_id, user_id in self.admins)
        profile = user.get("profile") or {}
        name = (profile.get("display_name") or profile.get("real_name") or user.get("name")
                or fallback or user_id)
        admin = bool(user.get("is_admin") or user.get("is_owner") or user.get("is_primary_owner"))
        member = Member(user_id, name, admin or user_id in self.admins)
        with self._lock:
            self._cache[key] = (time.monotonic(), member)
        return member


POST_EVENT = "studybot_post"  # message metadata type of a scheduled post (its outbox key)


class SlackMessenger:
    """Posts core replies to Slack; also the scheduler's :class:`Messenger` (thread-safe).

    Posts to one channel are spaced ``min_interval`` seconds apart (Slack allows about one
    message per second per channel); posts to different channels never wait on each other.
    """

    def __init__(self, bot: StudyBot, client: WebClient, *, min_interval: float = 1.0,
                 token_for: Callable[[str], str | None] | None = None) -> None:
        self.bot = bot
        self.client = client
        self.min_interval = min_interval
        self.token_for = token_for
        self._lock = threading.Lock()
        self._channel_locks: dict[str, threading.Lock] = {}
        self._last_post: dict[str, float] = {}
        self._thread_locks: dict[tuple[GroupRef, str], threading.Lock] = {}

    def send(self, group: GroupRef, reply: Reply) -> str | None:
        """Post a scheduled reply into ``group``; the message ts (raises on failure)."""
        return self.deliver(group, reply)

    def find_sent(self, group: GroupRef, reply: Reply) -> str | None:
        """The ts of the message stamped with ``reply.post_key`` among the channel's (or the
        reply's thread's) last 50 messages; None if it is not there (reconciliation)."""
        if reply.post_key is None:
            return None
        client = self._client_for(group.workspace)
        if reply.visibility == "thread" and reply.thread_key:
            ref = self.bot.thread_ref(group, reply.thread_key)
            if ref is None:
                return None
            page = client.conversations_replies(channel=group.channel, ts=ref, limit=50,
                                                include_all_metadata=True)
        else:
            page = client.conversations_history(channel=group.channel, limit=50,
                                                include_all_metadata=True)
        for message in page.get("messages") or []:
            meta = message.get("metadata") or {}
            if meta.get("event_type") == POST_EVENT and \
                    (meta.get("event_payload") or {}).get("key") == reply.post_key:
                return str(message["ts"])
        return None

    def deliver(self, group: GroupRef, reply: Reply, *, user: str | None = None,
                thread: str | None = None, trigger_id: str | None = None,
                client: WebClient | None = None,
                respond: Callable[..., Any] | None = None) -> str | None:
        """Post one reply where its visibility says; the ts of a visible message."""
        client = client or self._client_for(group.workspace)
        if reply.form is not None:
            if trigger_id and self._open_form(client, reply, group, thread, trigger_id):
                return None
            reply = Reply(reply.text or f"Use /{reply.form.command} {reply.form.prefix} <text>.",
                          "ephemeral")
        kwargs = render.message(reply)
        if reply.post_key is not None:  # kept by Slack: find_sent looks for it
            kwargs["metadata"] = {"event_type": POST_EVENT,
                                  "event_payload": {"key": reply.post_key}}
        if reply.visibility == "ephemeral":
            self._ephemeral(client, group.channel, reply.to_user or user, kwargs, thread,
                            respond)
            return None
        if reply.visibility == "direct":
            target = reply.to_user or user
            if target is None:
                log.warning("direct reply without a recipient dropped")
                return None
            channel = client.conversations_open(users=target)["channel"]["id"]
            return self._post(client, channel, reply, kwargs, None)
        if reply.visibility == "thread" and reply.thread_key:
            thread = self._thread(client, group, reply)
        return self._post(client, group.channel, reply, kwargs, thread)

    def _client_for(self, team: str) -> WebClient:
        token = self.token_for(team) if self.token_for else None
        if token is None:
            return self.client
        return WebClient(token=token, base_url=self.client.base_url,
                         retry_handlers=list(self.client.retry_handlers))

    def _open_form(self, client: WebClient, reply: Reply, group: GroupRef,
                   thread: str | None, trigger_id: str) -> bool:
        assert reply.form is not None
        try:
            client.views_open(trigger_id=trigger_id,
                              view=render.modal(reply.form, group, thread))
        except SlackApiError as exc:
            log.warning("views.open failed: %s", exc.response.get("error"))
            return False
        return True

    def _paced(self, channel: str) -> threading.Lock:
        with self._lock:
            return self._channel_locks.setdefault(channel, threading.Lock())

    def _post(self, client: WebClient, channel: str, reply: Reply, kwargs: dict[str, Any],
              thread: str | None) -> str | None:
        with self._paced(channel):
            wait = self._last_post.get(channel, 0.0) + self.min_interval - time.monotonic()
            if wait > 0:
                time.sleep(wait)
            try:
                ts = client.chat_postMessage(channel=channel, thread_ts=thread, **kwargs)["ts"]
            finally:
                self._last_post[channel] = time.monotonic()
        if reply.file_text is not None and render.file_block_text(reply) is None:
            client.files_upload_v2(channel=channel, thread_ts=ts, content=reply.file_text,
                                   filename=reply.file_name or "studybot.txt")
        return str(ts)

    def _ephemeral(self, client: WebClient, channel: str, user: str | None,
                   kwargs: dict[str, Any], thread: str | None,
                   respond: Callable[..., Any] | None) -> None:
        if user is None:
            log.warning("ephemeral reply without a recipient dropped")
            return
        try:
            client.chat_postEphemeral(channel=channel, user=user, thread_ts=thread, **kwargs)
        except SlackApiError as exc:
            # Not in the channel (a private channel, a DM): answer through the response URL.
            if respond is None or exc.response.get("error") not in (
                    "not_in_channel", "channel_not_found"):
                raise
            respond(text=kwargs["text"], blocks=kwargs["blocks"], response_type="ephemeral",
                    replace_original=False)

    def _thread(self, client: WebClient, group: GroupRef, reply: Reply) -> str:
        """The thread of ``reply.thread_key``, opened with its title the first time."""
        assert reply.thread_key is not None
        with self._lock:
            lock = self._thread_locks.setdefault((group, reply.thread_key), threading.Lock())
        with lock:
            ref = self.bot.thread_ref(group, reply.thread_key)
            if ref is None:
                with self._paced(group.channel):
                    ref = str(client.chat_postMessage(channel=group.channel,
                                                      **render.thread_parent(reply))["ts"])
                    self._last_post[group.channel] = time.monotonic()
                self.bot.bind_thread(group, reply.thread_key, ref)
            return ref


class SlackListeners:
    """Bolt listeners: Slack payloads in, core requests through, replies out."""

    def __init__(self, bot: StudyBot, messenger: SlackMessenger, members: SlackMembers) -> None:
        self.bot = bot
        self.messenger = messenger
        self.members = members

    def run(self, request: CommandRequest, client: WebClient, *, trigger_id: str | None = None,
            respond: Callable[..., Any] | None = None) -> None:
        """Handle a request in the core and post its replies in order."""
        try:
            replies = self.bot.handle(request)
        except Exception:
            log.exception("command failed", extra={"command": request.name})
            replies = [_FAILED]
        self.post(request.group, replies, request.member.user_id, request.thread, client,
                  trigger_id, respond)

    def post(self, group: GroupRef, replies: list[Reply], user: str, thread: str | None,
             client: WebClient, trigger_id: str | None = None,
             respond: Callable[..., Any] | None = None) -> None:
        """Deliver replies one after the other; a failed post does not stop the rest."""
        for reply in replies:
            try:
                self.messenger.deliver(group, reply, user=user, thread=thread,
                                       trigger_id=trigger_id, client=client, respond=respond)
            except SlackApiError as exc:
                log.warning("Slack refused a reply: %s", exc.response.get("error"))

    def on_command(self, body: dict[str, Any], client: WebClient,
                   respond: Callable[..., Any]) -> None:
        """A slash command: /plan, /done, /streak, /mock, /story, /studybot."""
        team, user = body.get("team_id", ""), body["user_id"]
        group = GroupRef("slack", team, body["channel_id"])
        member = self.members.get(client, team, user, body.get("user_name"))
        trigger = body.get("trigger_id")
        request = CommandRequest(group, member, body["command"].lstrip("/"),
                                 unescape(body.get("text") or ""),
                                 delivery_id=f"slack:cmd:{trigger}" if trigger else None, raw=body)
        self.run(request, client, trigger_id=trigger, respond=respond)

    def on_action(self, body: dict[str, Any], client: WebClient,
                  respond: Callable[..., Any]) -> None:
        """A button click runs the button's command as the member who clicked."""
        action, container = body["actions"][0], body.get("container") or {}
        channel = container.get("channel_id") or (body.get("channel") or {}).get("id")
        if channel is None:
            return
        user = body["user"]
        team = (body.get("team") or {}).get("id") or user.get("team_id", "")
        command, args = render.parse_button_value(action.get("value", ""))
        member = self.members.get(client, team, user["id"], user.get("username"))
        delivery = f"slack:act:{container.get('message_ts', '')}:{action['action_ts']}:{user['id']}"
        request = CommandRequest(GroupRef("slack", team, channel), member, command, args,
                                 thread=container.get("thread_ts"), delivery_id=delivery,
                                 raw=body)
        self.run(request, client, trigger_id=body.get("trigger_id"), respond=respond)

    def on_view(self, body: dict[str, Any], client: WebClient) -> None:
        """A submitted form runs ``/command prefix fields``."""
        view = body["view"]
        command, text, meta = render.form_submission(view)
        user = body["user"]
        team = meta.get("team") or (body.get("team") or {}).get("id", "")
        member = self.members.get(client, team, user["id"], user.get("username"))
        request = CommandRequest(GroupRef("slack", team, meta.get("channel", "")), member,
                                 command, text, thread=meta.get("thread"),
                                 delivery_id=f"slack:view:{view['id']}:{view.get('hash', '')}",
                                 raw=body)
        self.run(request, client, trigger_id=body.get("trigger_id"))

    def on_message(self, body: dict[str, Any], event: dict[str, Any],
                   client: WebClient) -> None:
        """A member's message in a thread: a checkpoint answer, a reply to a story."""
        thread = event.get("thread_ts")
        if (event.get("bot_id") or event.get("subtype") not in _THREAD_SUBTYPES
                or not thread or thread == event.get("ts") or not event.get("user")):
            return
        team = body.get("team_id") or event.get("team", "")
        group = GroupRef("slack", team, event["channel"])
        member = self.members.get(client, team, event["user"], None)
        try:
            replies = self.bot.handle_thread_message(
                group, member, thread, unescape(event.get("text") or ""),
                delivery_id=f"slack:evt:{body.get('event_id')}" if body.get("event_id") else None)
        except Exception:
            log.exception("thread message failed")
            replies = [_FAILED]
        self.post(group, replies, member.user_id, thread, client)


def _ack(ack: Callable[..., Any]) -> None:
    ack()


def build_slack_app(app: App, client: WebClient, *, signing_secret: str | None = None,
                    executor: TrackingExecutor | None = None,
                    messenger: SlackMessenger | None = None,
                    oauth_settings: OAuthSettings | None = None) -> BoltApp:
    """The Bolt app: request verification on, every listener acks first and works lazily."""
    messenger = messenger or SlackMessenger(app.bot, client)
    bolt = BoltApp(
        client=client,
        signing_secret=signing_secret or "",  # never read from the environment by Bolt
        oauth_settings=oauth_settings,
        listener_executor=executor or TrackingExecutor(),
        process_before_response=False,
        token_verification_enabled=oauth_settings is None,
    )
    listeners = SlackListeners(app.bot, messenger, SlackMembers(app.settings.admins))
    for spec in COMMANDS:
        bolt.command(f"/{spec.name}")(ack=_ack, lazy=[listeners.on_command])
    bolt.action(re.compile("^" + re.escape(render.ACTION_PREFIX)))(
        ack=_ack, lazy=[listeners.on_action])
    bolt.view(render.FORM_CALLBACK)(ack=_ack, lazy=[listeners.on_view])
    bolt.event("message")(ack=_ack, lazy=[listeners.on_message])
    return bolt


class _ThreadingWSGIServer(ThreadingMixIn, WSGIServer):
    daemon_threads = True


class _QuietHandler(WSGIRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        log.debug("http: " + format, *args)


def make_http_server(bolt: BoltApp, port: int, host: str = "0.0.0.0") -> WSGIServer:
    """Serve Bolt at /slack/events (and the OAuth paths when installed per workspace)."""
    return make_server(host, port, SlackRequestHandler(bolt, path=EVENTS_PATH),
                       server_class=_ThreadingWSGIServer, handler_class=_QuietHandler)


def _start_scheduler(app: App, messenger: SlackMessenger) -> Any:
    try:
        from bot.scheduling.runner import start_scheduler
    except ModuleNotFoundError as exc:
        if exc.name not in ("bot.scheduling.runner", "bot.scheduling"):
            raise
        log.info("scheduler not available in this build: no scheduled posts")
        return None
    return start_scheduler(app, messenger)


def _oauth(app: App, env: dict[str, str]) -> tuple[OAuthSettings, Any]:
    """OAuth settings with installations stored in the project's database."""
    from slack_bolt.oauth.oauth_settings import OAuthSettings

    client_id, secret = env.get("SLACK_CLIENT_ID"), env.get("SLACK_CLIENT_SECRET")
    if not client_id or not secret:
        raise SettingsError("SLACK_MULTI_WORKSPACE needs SLACK_CLIENT_ID and SLACK_CLIENT_SECRET")
    try:  # slack_sdk's SQLAlchemy stores import sqlalchemy.ext.asyncio, which needs greenlet
        from slack_sdk.oauth.installation_store.sqlalchemy import SQLAlchemyInstallationStore
        from slack_sdk.oauth.state_store.sqlalchemy import SQLAlchemyOAuthStateStore
    except ImportError as exc:
        raise SettingsError(f"SLACK_MULTI_WORKSPACE needs: pip install 'sqlalchemy[asyncio]' "
                            f"({exc.__class__.__name__}: {str(exc)[:80]})") from None
    store = SQLAlchemyInstallationStore(client_id=client_id, engine=app.db.engine)
    state = SQLAlchemyOAuthStateStore(expiration_seconds=600, engine=app.db.engine)
    store.create_tables()
    state.create_tables()
    return OAuthSettings(client_id=client_id, client_secret=secret, scopes=list(BOT_SCOPES),
                         installation_store=store, state_store=state), store


def run_slack(settings: Settings, args: argparse.Namespace) -> int:
    """``studybot run slack [--http --port P]``: serve until interrupted."""
    from bot.app import build_app, ready_to_serve
    from bot.observability import maybe_start_metrics_server

    http = bool(getattr(args, "http", False))
    multi = settings.slack_multi_workspace
    if not multi and not settings.slack_bot_token:
        raise SettingsError("SLACK_BOT_TOKEN is not set (see docs/slack.md)")
    if multi and not http:
        raise SettingsError("SLACK_MULTI_WORKSPACE installs through OAuth, which needs --http")
    if http and not settings.slack_signing_secret:
        raise SettingsError("SLACK_SIGNING_SECRET is required with --http (see docs/slack.md)")
    if not http and not settings.slack_app_token:
        raise SettingsError("SLACK_APP_TOKEN (xapp-...) is required for Socket Mode; "
                            "or run with --http")
    app = ready_to_serve(build_app(settings))
    metrics = maybe_start_metrics_server(app)
    oauth_settings, token_for = None, None
    if multi:
        oauth_settings, store = _oauth(app, dict(os.environ))

        def token_for(team: str) -> str | None:
            bot = store.find_bot(enterprise_id=None, team_id=team)
            return bot.bot_token if bot else None

    client = make_client(settings, None if multi else settings.slack_bot_token)
    messenger = SlackMessenger(app.bot, client, token_for=token_for)
    bolt = build_slack_app(app, client, signing_secret=settings.slack_signing_secret,
                           messenger=messenger, oauth_settings=oauth_settings)
    scheduler = _start_scheduler(app, messenger)
    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    try:
        if http:
            server = make_http_server(bolt, args.port)
            log.info("studybot serving Slack events on port %s at %s", args.port, EVENTS_PATH)
            server.serve_forever()
        else:
            from slack_bolt.adapter.socket_mode import SocketModeHandler

            log.info("studybot connecting to Slack in Socket Mode")
            SocketModeHandler(bolt, settings.slack_app_token, web_client=client).start()
    except KeyboardInterrupt:
        pass
    finally:
        if scheduler is not None:
            scheduler.shutdown()
        if metrics is not None:
            metrics.stop()
        app.close()
    return 0
