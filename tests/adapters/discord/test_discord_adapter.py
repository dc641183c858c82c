"""The Discord adapter end to end: the real discord.py client against a local fake Discord.

Interactions and messages are dispatched over the fake gateway as real payloads; what the
bot sends back (interaction callbacks, follow-ups, channel and thread messages, DMs) is
read from the fake's records.
"""

from __future__ import annotations

import asyncio
import time
from dataclasses import replace
from datetime import timedelta
from typing import Any

import pytest
from conftest import DiscordEnv, run
from fake_discord import (
    ADA,
    ADMIN_ROLE_ID,
    APP_ID,
    BOB,
    GUILD_ID,
    MANAGE_GUILD,
    OTHER_CHANNEL,
    STUDY_CHANNEL,
)

from bot.adapters import discord_render as render
from bot.adapters.discord_adapter import (
    DiscordAdapter,
    DiscordMessenger,
    client_id_from_token,
    invite_url_command,
)
from bot.core.commands.registry import HANDLERS, THREAD_HANDLERS
from bot.core.types import Form, FormField, GroupRef, Reply
from bot.core.views import task_post

EPHEMERAL = 64
GROUP = GroupRef("discord", str(GUILD_ID), str(STUDY_CHANNEL))


def sub(name: str, **values: Any) -> list[dict[str, Any]]:
    """Options of a subcommand invocation, typed as Discord sends them."""
    return [{"type": 1, "name": name, "options": [
        {"name": k, "type": 4 if isinstance(v, int) else 3, "value": v}
        for k, v in values.items()]}]


def content_of(callback: dict[str, Any]) -> str:
    return str(callback["data"]["content"])


def flags_of(callback: dict[str, Any]) -> int:
    return int(callback["data"].get("flags", 0))


async def setup_group(env: DiscordEnv) -> None:
    fake = env.fake
    answer = await fake.interact(fake.command("studybot", sub("setup"), permissions=MANAGE_GUILD))
    assert "set up" in content_of(answer)
    env.clock.advance(timedelta(days=2))  # into the plan


def test_each_command_runs_with_its_typed_options(env: DiscordEnv) -> None:
    async def scenario() -> None:
        await env.start()
        async with env.bot():
            fake = env.fake
            await setup_group(env)
            plan = await fake.interact(fake.command("plan", sub("day", n=3)))
            assert content_of(plan).startswith("**Day 3 of 90")
            assert flags_of(plan) == EPHEMERAL and plan["type"] == 4
            done = await fake.interact(fake.command("done", [
                {"name": "note", "type": 3, "value": "sketched the fan-out"}]))
            assert "Day" in content_of(done) and flags_of(done) == 0  # visible in the channel
            streak = await fake.interact(fake.command("streak", sub("me")))
            assert "streak 1 day" in content_of(streak)
            help_ = await fake.interact(fake.command("studybot", sub("help")))
            assert "/plan" in content_of(help_)
            for name, verb in (("mock", "help"), ("story", "list")):
                answer = await fake.interact(fake.command(name, sub(verb)))
                assert content_of(answer).strip(), name
            wrong = await fake.interact(fake.command("studybot", sub("away", days=99)))
            assert "from 0 to 60" in content_of(wrong) and flags_of(wrong) == EPHEMERAL
            assert fake.unhandled == []

    run(scenario())


def test_commands_are_built_from_the_catalog() -> None:
    by_name = {p["name"]: p for p in render.command_payloads()}
    assert set(by_name) == {"plan", "done", "streak", "mock", "story", "studybot"}
    away = next(o for o in by_name["studybot"]["options"] if o["name"] == "away")
    assert away["options"][0] | {"description": ""} == {
        "name": "days", "description": "", "type": 4, "required": True,
        "min_value": 0, "max_value": 60}
    now = next(o for o in by_name["mock"]["options"] if o["name"] == "now")
    assert [c["value"] for c in now["options"][0]["choices"]] == ["system-design", "behavioral"]
    assert [o["name"] for o in by_name["done"]["options"]] == ["note"]  # bare: plain options
    assert by_name["done"]["options"][0]["required"] is False
    assert "submit" in [o["name"] for o in by_name["story"]["options"]]


def test_commands_sync_only_when_the_declarations_change(env: DiscordEnv,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    async def scenario() -> None:
        app = await env.start()
        async with env.bot():
            pass
        assert [p["scope"] for p in env.fake.command_puts] == [str(GUILD_ID)]
        names = [c["name"] for c in env.fake.command_puts[0]["body"]["__list__"]]
        assert names == ["plan", "done", "streak", "mock", "story", "studybot"]
        async with env.bot():  # restart: same tree, no sync
            pass
        assert len(env.fake.command_puts) == 1
        changed = render.command_payloads()
        changed[0]["description"] = "a new description"
        monkeypatch.setattr(render, "command_payloads", lambda: changed)
        async with env.bot():
            pass
        assert len(env.fake.command_puts) == 2
        assert env.fake.command_puts[1]["body"]["__list__"][0]["description"] == (
            "a new description")
        key = f"discord:commands:{APP_ID}:{GUILD_ID}"
        assert app.store.get_state(key) == render.commands_hash(changed)

    run(scenario())


def test_without_a_guild_id_commands_sync_globally(env: DiscordEnv) -> None:
    async def scenario() -> None:
        await env.start(discord_guild_id=None)
        async with env.bot():
            pass
        assert [p["scope"] for p in env.fake.command_puts] == ["global"]

    run(scenario())


def test_persistent_button_works_after_a_restart(env: DiscordEnv) -> None:
    async def scenario() -> None:
        app = await env.start()
        async with env.bot() as client:
            await setup_group(env)
            adapter: DiscordAdapter = client.adapter  # type: ignore[attr-defined]
            messenger = DiscordMessenger(adapter, asyncio.get_running_loop())
            message_id = await asyncio.to_thread(
                messenger.send, GROUP, task_post(app.content.track("staff-90"), 3))
        [post] = env.fake.in_channel(STUDY_CHANNEL)
        assert post["id"] == message_id
        button = post["components"][0]["components"][0]
        assert button["custom_id"] == "studybot:done" and button["style"] == 1
        async with env.bot():  # a new process: the view is rebuilt from the custom id
            click = await env.fake.interact(env.fake.click(post, "studybot:done", who=BOB))
            assert "Bob" in content_of(click) and "Day" in content_of(click)

    run(scenario())


def test_scheduled_thread_posts_return_the_thread_id(env: DiscordEnv) -> None:
    async def scenario() -> None:
        app = await env.start()
        async with env.bot() as client:
            await setup_group(env)
            messenger = DiscordMessenger(client.adapter,  # type: ignore[attr-defined]
                                         asyncio.get_running_loop())
            prompt = Reply("🧩 **Checkpoint** answer here", "thread",
                           thread_key="checkpoint:2026-01-07", thread_title="Checkpoint Wed")
            first = await asyncio.to_thread(messenger.send, GROUP, prompt)
            again = await asyncio.to_thread(messenger.send, GROUP, prompt)
            [thread] = env.fake.threads
            assert first == again == thread["id"] == thread["message_id"]
            assert app.bot.thread_ref(GROUP, "checkpoint:2026-01-07") == first
            assert len(env.fake.in_channel(first)) == 2
            # a key bound to a plain channel post (Slack-style) gets its thread on that post
            post = await asyncio.to_thread(messenger.send, GROUP, Reply("a daily post"))
            app.bot.bind_thread(GROUP, "daily:1", post)
            reply = Reply("discuss here", "thread", thread_key="daily:1", thread_title="Daily")
            assert await asyncio.to_thread(messenger.send, GROUP, reply) == post
            assert env.fake.threads[-1]["message_id"] == post

    run(scenario())


def test_story_without_text_opens_a_modal_and_its_submission_runs(
        env: DiscordEnv, monkeypatch: pytest.MonkeyPatch) -> None:
    form = Form("Your STAR story", "story", (FormField("story", "Situation, task, action, "
                                                                 "result"),))

    def story(ctx: Any, args: dict[str, Any]) -> list[Reply]:
        text = args.get("text")
        return [Reply(f"Got your story: {text}", "ephemeral")] if text else [Reply("", form=form)]

    monkeypatch.setitem(HANDLERS, ("story", ""), story)

    async def scenario() -> None:
        await env.start()
        async with env.bot():
            fake = env.fake
            await setup_group(env)
            modal = await fake.interact(fake.command("story", sub("submit")))
            assert modal["type"] == 9
            assert modal["data"]["title"] == "Your STAR story"
            custom_id = modal["data"]["custom_id"]
            [row] = modal["data"]["components"]
            field = row["components"][0] if row["type"] == 1 else row["component"]
            assert field["custom_id"] == "story" and field["style"] == 2
            submitted = await fake.interact(fake.modal_submit(
                custom_id, {"story": "We shipped it. Result: p99 halved."}))
            assert content_of(submitted) == "Got your story: We shipped it. Result: p99 halved."

    run(scenario())


def test_slow_work_is_deferred_then_followed_up(env: DiscordEnv,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    def slow_top(ctx: Any, args: dict[str, Any]) -> list[Reply]:
        time.sleep(0.4)
        return [Reply("**Leaderboard** (slow)"), Reply("just for you", "ephemeral")]

    monkeypatch.setitem(HANDLERS, ("streak", "top"), slow_top)

    async def scenario() -> None:
        await env.start()
        async with env.bot(respond_within=0.1):
            fake = env.fake
            await setup_group(env)
            payload = fake.command("streak", sub("top"))
            deferred = await fake.interact(payload)
            assert deferred["type"] == 5 and flags_of(deferred) == EPHEMERAL
            await fake.wait_for(lambda: fake.followups_of(payload))
            [followup] = fake.followups_of(payload)
            assert followup["content"] == "just for you" and followup["flags"] == EPHEMERAL
            assert fake.in_channel(STUDY_CHANNEL)[-1]["content"] == "**Leaderboard** (slow)"
        async with env.bot(respond_within=0):  # always defer
            payload = fake.command("plan", sub("day", n=2))
            deferred = await fake.interact(payload)
            assert deferred["type"] == 5
            await fake.wait_for(lambda: fake.followups_of(payload))
            assert fake.followups_of(payload)[0]["content"].startswith("**Day 2 of 90")

    run(scenario())


def test_a_channel_without_a_group_explains_the_setup(env: DiscordEnv) -> None:
    async def scenario() -> None:
        await env.start()
        async with env.bot():
            answer = await env.fake.interact(env.fake.command("plan", channel=OTHER_CHANNEL))
            assert "/studybot setup" in content_of(answer) and flags_of(answer) == EPHEMERAL

    run(scenario())


def test_only_admins_can_set_up(env: DiscordEnv) -> None:
    async def scenario() -> None:
        await env.start()
        async with env.bot():
            fake = env.fake
            refused = await fake.interact(fake.command("studybot", sub("setup"), who=BOB))
            assert content_of(refused).startswith("Only a workspace admin")
            assert env.app is not None and env.app.store.get_group(GROUP) is None
            by_role = await fake.interact(fake.command("studybot", sub("setup"), who=BOB,
                                                       roles=(ADMIN_ROLE_ID,)))
            assert "set up" in content_of(by_role)

    run(scenario())


def test_mentions_are_neutralized_and_never_parsed(env: DiscordEnv) -> None:
    async def scenario() -> None:
        await env.start()
        async with env.bot():
            fake = env.fake
            await setup_group(env)
            note = "@everyone look <@100000000000000002> and <@&600000000000000001>"
            done = await fake.interact(fake.command("done", [
                {"name": "note", "type": 3, "value": note}]))
            assert done["data"]["allowed_mentions"] == {"parse": []}
            text = content_of(done)
            assert "@everyone" not in text and "@\u200beveryone" in text
            assert "<@1000" not in text and "<@&" not in text

    run(scenario())


def test_thread_replies_and_answers_typed_in_the_thread(
        env: DiscordEnv, monkeypatch: pytest.MonkeyPatch) -> None:
    def open_thread(ctx: Any, args: dict[str, Any]) -> list[Reply]:
        return [Reply("Reply here with your answer.", "thread", thread_key="story:7",
                      thread_title="Story 7 @everyone")]

    def answer(ctx: Any, key: str, text: str) -> list[Reply]:
        return [Reply(f"{key} got: {text}")]

    monkeypatch.setitem(HANDLERS, ("story", "coverage"), open_thread)
    monkeypatch.setitem(THREAD_HANDLERS, "story", answer)

    async def scenario() -> None:
        await env.start()
        async with env.bot():
            fake = env.fake
            await setup_group(env)
            ack = await fake.interact(fake.command("story", sub("coverage")))
            assert "Posted in the thread" in content_of(ack) and flags_of(ack) == EPHEMERAL
            [thread] = fake.threads
            assert thread["parent_id"] == str(STUDY_CHANNEL)
            parent = fake.in_channel(STUDY_CHANNEL)[-1]
            assert parent["content"] == "**Story 7 @\u200beveryone**"
            assert parent["allowed_mentions"] == {"parse": []}
            assert fake.in_channel(thread["id"])[0]["content"] == "Reply here with your answer."
            assert env.app is not None and env.app.bot.thread_ref(GROUP, "story:7") == thread["id"]
            await fake.interact(fake.command("story", sub("coverage")))  # reuses the thread
            assert len(fake.threads) == 1
            await fake.dispatch("MESSAGE_CREATE", {
                **fake.message(thread["id"], {"content": "my answer"}, author=ADA),
                "guild_id": str(GUILD_ID), "member": fake.member(ADA)})
            await fake.wait_for(lambda: len(fake.in_channel(thread["id"])) == 3)
            assert fake.in_channel(thread["id"])[-1]["content"] == "story:7 got: my answer"

    run(scenario())


def test_export_arrives_as_a_direct_message_with_a_file(env: DiscordEnv) -> None:
    async def scenario() -> None:
        await env.start()
        async with env.bot():
            fake = env.fake
            await setup_group(env)
            ack = await fake.interact(fake.command("studybot", sub("export", who="me")))
            assert "direct message" in content_of(ack)
            [dm] = [m for m in fake.messages if fake.channels[m["channel_id"]]["type"] == 1]
            assert dm["files"] and dm["files"][0]["text"].strip()

    run(scenario())


def test_sharded_client_connects_and_answers(env: DiscordEnv) -> None:
    async def scenario() -> None:
        await env.start(discord_sharded=True)
        async with env.bot():
            answer = await env.fake.interact(env.fake.command("studybot", sub("help")))
            assert "/plan" in content_of(answer)
        assert env.fake.identifies[0]["shard"] == [0, 1]

    run(scenario())


def test_invite_url_has_exactly_the_needed_scopes_and_permissions(capsys) -> None:
    from dataclasses import replace

    from bot.config import Settings

    settings = replace(Settings.from_env({}), discord_token=None)
    assert invite_url_command(settings, None, env={"DISCORD_CLIENT_ID": "42"}) == 0
    url = capsys.readouterr().out.strip()
    assert url == ("https://discord.com/oauth2/authorize?client_id=42"
                   "&scope=bot%20applications.commands&permissions=309237763072")
    token = replace(settings, discord_token="OTAwMDAwMDAwMDAwMDAwMDAx.GfAkE.x")
    assert client_id_from_token(token.discord_token) == "900000000000000001"
    assert invite_url_command(token, None, env={}) == 0
    assert "client_id=900000000000000001" in capsys.readouterr().out
    assert invite_url_command(settings, None, env={}) == 2
    assert "DISCORD_CLIENT_ID" in capsys.readouterr().err


def test_a_stamped_post_is_found_after_a_crash_and_not_sent_twice(env: DiscordEnv) -> None:
    async def scenario() -> None:
        app = await env.start()
        async with env.bot() as client:
            await setup_group(env)
            messenger = DiscordMessenger(client.adapter,  # type: ignore[attr-defined]
                                         asyncio.get_running_loop())
            post = replace(task_post(app.content.track("staff-90"), 4),
                           post_key="1:daily:2026-01-08:0")
            other = replace(task_post(app.content.track("staff-90"), 5),
                            post_key="1:daily:2026-01-09:0")
            assert await asyncio.to_thread(messenger.find_sent, GROUP, post) is None
            sent = await asyncio.to_thread(messenger.send, GROUP, post)
            # the worker "dies" before marking the row sent; the next one reconciles first
            assert await asyncio.to_thread(messenger.find_sent, GROUP, post) == sent
            assert await asyncio.to_thread(messenger.find_sent, GROUP, other) is None
            # and a blind re-send inside Discord's nonce window returns the same message
            assert await asyncio.to_thread(messenger.send, GROUP, post) == sent
        assert len(env.fake.in_channel(STUDY_CHANNEL)) == 1

    run(scenario())
