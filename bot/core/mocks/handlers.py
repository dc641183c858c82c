"""``/mock``: the waiting queue, sessions in threads, scoring, weekly rounds and history.

Importing this module registers the handlers, the ``mock_round`` post composer and the
member-data hooks (export, forget).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta
from typing import Any

from bot.core.commands.registry import handles
from bot.core.context import Context
from bot.core.member_data import member_data
from bot.core.mocks.content import MockContent
from bot.core.mocks.ports import MockSession, MockStore, QueueEntry
from bot.core.mocks.rounds import compose_round
from bot.core.mocks.scoring import ScoreError, score_mock
from bot.core.mocks.session import (
    KIND_NAMES,
    plan_session,
    rubric_for,
    session_replies,
    thread_key,
    thread_title,
)
from bot.core.posts import POST_COMPOSERS, milestone_target
from bot.core.text import cap
from bot.core.types import Button, Reply

WAIT = timedelta(minutes=30)
MAX_COMMENT_CHARS = 500


def _store(ctx: Context) -> MockStore:
    return ctx.store  # type: ignore[return-value]


def _content(ctx: Context) -> MockContent:
    mc = ctx.content.extras.get("mocks")
    if mc is None:
        raise LookupError("mock content is not loaded")
    return mc


def _names(ctx: Context) -> dict[str, str]:
    return {m.user_id: m.display_name for m in ctx.store.list_members(ctx.g.id)}


def _say(text: str) -> list[Reply]:
    return [Reply(text, "ephemeral")]


def _in_thread(ctx: Context, session: MockSession, text: str,
               buttons: tuple[Button, ...] = ()) -> Reply:
    """A reply in the session's thread (titled, in case the thread has to be opened)."""
    return Reply(text, "thread", thread_key=thread_key(session),
                 thread_title=thread_title(session, _names(ctx)), buttons=buttons)


def _expiry_notices(ctx: Context, expired: Sequence[str]) -> list[Reply]:
    """Tell members whose wait ran out: the sender in place, others by direct message."""
    out = []
    minutes = int(WAIT.total_seconds() // 60)
    for user in expired:
        if user == ctx.request.member.user_id:
            out.append(Reply(f"Your earlier /mock now request expired after {minutes} minutes "
                             "without a partner.", "ephemeral"))
        else:
            out.append(Reply(f"Your /mock now request expired after {minutes} minutes without "
                             "a partner. Run /mock now again when you are free.", "direct",
                             to_user=user))
    return out


def _expire(ctx: Context) -> list[Reply]:
    entries: list[QueueEntry] = _store(ctx).mock_expire_queue(ctx.g.id, ctx.now - WAIT)
    return _expiry_notices(ctx, [e.user_id for e in entries])


def _thread_session(ctx: Context) -> MockSession | None:
    """The session whose thread the command was typed in, if any."""
    if not ctx.request.thread:
        return None
    key = ctx.store.thread_key(ctx.g.id, ctx.request.thread)
    if not key or not key.startswith("mock:"):
        return None
    try:
        return _store(ctx).mock_session(ctx.g.id, int(key.split(":", 1)[1]))
    except ValueError:
        return None


def _latest(ctx: Context, user: str, role: str) -> MockSession | None:
    """The member's latest session in ``role`` that took place (open or scored)."""
    sessions = [s for s in _store(ctx).mock_sessions(ctx.g.id, user)
                if s.role_of(user) == role and s.status in ("open", "scored")]
    return sessions[-1] if sessions else None


# --- /mock now ---------------------------------------------------------------------------------


@handles("mock", "now")
def now(ctx: Context, args: dict[str, Any]) -> list[Reply]:
    """Join the queue, or pair with the oldest waiting peer of the same kind."""
    kind: str = args.get("kind") or "system-design"
    level: str | None = args.get("level")
    me = ctx.member()
    mc = _content(ctx)
    result = _store(ctx).mock_join(
        ctx.g.id, me.user_id, kind, level, ctx.now, ctx.now - WAIT,
        lambda waiting, joiner, past: plan_session(mc, waiting, joiner, past))
    notices = _expiry_notices(ctx, result.expired)
    if result.outcome == "busy" and result.session is not None:
        s = result.session
        return notices + _say(f"You are already in Mock #{s.id} as the {s.role_of(me.user_id)}. "
                              "Finish it first (/mock score, /mock noshow or /mock cancel).")
    if result.outcome == "waiting" and result.entry is not None:
        until = result.entry.joined_at + WAIT
        return notices + _say(f"You are already waiting for a {result.entry.kind} partner "
                              f"(until {until:%H:%M} UTC). /mock cancel leaves the queue.")
    if result.outcome == "queued":
        wanted = f"{KIND_NAMES[kind].lower()} mock" + (f" at {level} level" if level else "")
        minutes = int(WAIT.total_seconds() // 60)
        return notices + [Reply(
            f"🙋 {me.display_name} is looking for a {wanted}. Run /mock now {kind} within "
            f"{minutes} minutes to pair up.",
            buttons=(Button("Pair up", "mock", f"now {kind}", "primary"),))]
    if result.outcome != "paired" or result.session is None:
        return notices + _say("Someone paired at the same moment and nothing changed. "
                              "Run /mock now again.")
    return notices + session_replies(mc, result.session, _names(ctx))


# --- scoring, feedback, rating -----------------------------------------------------------------


@handles("mock", "score")
def score(ctx: Context, args: dict[str, Any]) -> list[Reply]:
    """The interviewer scores the rubric; the weighted score and band go to the thread."""
    return _expire(ctx) + _score(ctx, args)


def _score(ctx: Context, args: dict[str, Any]) -> list[Reply]:
    me = ctx.member()
    session = _thread_session(ctx) or _store(ctx).mock_open_session(ctx.g.id, me.user_id)
    if session is None:
        done = _latest(ctx, me.user_id, "interviewer")
        if done is not None and done.status == "scored":
            return _say(f"Mock #{done.id} is already scored ({done.weighted:.2f}, {done.band}).")
        return _say("You have no open mock to score. /mock now pairs you with a peer.")
    names = _names(ctx)
    if session.role_of(me.user_id) != "interviewer":
        who = names.get(session.interviewer, session.interviewer)
        return _say(f"Only the interviewer ({who}) can score Mock #{session.id}.")
    if session.status != "open":
        return _say(f"Mock #{session.id} is already {session.status}.")
    rubric = rubric_for(_content(ctx), session.kind)
    try:
        result = score_mock(args["scores"], rubric.weighted_dimensions, rubric.band_table)
    except ScoreError as exc:
        return _say(f"Mock #{session.id} not scored: {exc}.")
    if not _store(ctx).mock_score(ctx.g.id, session.id, result.scores, result.weighted,
                                  result.band, ctx.now):
        return _say(f"Mock #{session.id} is no longer open; nothing was saved.")
    rows = [f"- {d.name} ({d.weight:.0%}): {v} — {d.anchors[v]}"
            for d, v in zip(rubric.dimensions, result.scores, strict=True)]
    cand = names.get(session.candidate, session.candidate)
    text = "\n".join([
        f"📊 **Mock #{session.id} scored: {result.weighted:.2f} — {result.band}** "
        f"(candidate {cand})", *rows,
        "Interviewer: /mock feedback TEXT adds written feedback. "
        f"{cand}: /mock rate 1-4 [comment] rates the interviewer."])
    return [_in_thread(ctx, session, text, (Button("My history", "mock", "history"),))]


@handles("mock", "feedback")
def feedback(ctx: Context, args: dict[str, Any]) -> list[Reply]:
    """The interviewer's written feedback, posted in the thread and stored."""
    return _expire(ctx) + _feedback(ctx, args)


def _feedback(ctx: Context, args: dict[str, Any]) -> list[Reply]:
    text = cap(args["text"], ctx.settings.max_feedback_chars, "feedback")
    me = ctx.member()
    session = _thread_session(ctx) or _latest(ctx, me.user_id, "interviewer")
    if session is None or session.role_of(me.user_id) != "interviewer":
        return _say("Only the interviewer of a mock can give feedback, and you have not "
                    "interviewed in one yet.")
    _store(ctx).mock_feedback(ctx.g.id, session.id, text)
    names = _names(ctx)
    return [_in_thread(ctx, session, f"📝 Feedback for {names.get(session.candidate, '')} from "
                                f"{me.display_name}:\n{text}")]


@handles("mock", "rate")
def rate(ctx: Context, args: dict[str, Any]) -> list[Reply]:
    """The candidate rates the interviewer 1-4, once per session."""
    return _expire(ctx) + _rate(ctx, args)


def _rate(ctx: Context, args: dict[str, Any]) -> list[Reply]:
    comment = cap(args["comment"], MAX_COMMENT_CHARS, "comment") if args.get("comment") else None
    me = ctx.member()
    session = _thread_session(ctx) or _latest(ctx, me.user_id, "candidate")
    if session is None or session.role_of(me.user_id) != "candidate":
        return _say("Only the candidate of a mock can rate its interviewer, and you have not "
                    "been a candidate yet.")
    if not _store(ctx).mock_rate(ctx.g.id, session.id, args["score"], comment):
        return _say(f"You already rated the interviewer of Mock #{session.id}.")
    who = _names(ctx).get(session.interviewer, session.interviewer)
    extra = f": {comment}" if comment else "."
    return [_in_thread(ctx, session, f"⭐ {me.display_name} rated interviewer {who} "
                                f"{args['score']}/4{extra}")]


# --- no-show and cancel ------------------------------------------------------------------------


@handles("mock", "noshow")
def noshow(ctx: Context, args: dict[str, Any]) -> list[Reply]:
    """Record that the partner in the member's open session did not show up."""
    notices = _expire(ctx)
    me = ctx.member()
    session = _store(ctx).mock_open_session(ctx.g.id, me.user_id)
    if session is None:
        return notices + _say("You have no open mock, so there is nobody to report.")
    role = session.role_of(me.user_id)
    if role == "observer":
        return notices + _say("Only the interviewer or the candidate can report a no-show.")
    against = session.candidate if role == "interviewer" else session.interviewer
    streak = _store(ctx).mock_noshow(ctx.g.id, session.id, against, ctx.now)
    if streak is None:
        return notices + _say(f"Mock #{session.id} is no longer open.")
    who = _names(ctx).get(against, against)
    text = (f"🚫 Mock #{session.id} closed: {me.display_name} reports that {who} did not show "
            f"up (no-show {streak} in a row).")
    replies = [_in_thread(ctx, session, text)]
    if streak >= 3:
        replies.append(Reply(f"⏸ {who} missed 3 mocks in a row and is paused from weekly "
                             "rounds. /mock optin brings them back.", "channel"))
        replies.append(Reply("You missed 3 mocks in a row, so you are paused from weekly mock "
                             "rounds. Run /mock optin when you can make it again.", "direct",
                             to_user=against))
    return notices + replies


@handles("mock", "cancel")
def cancel(ctx: Context, args: dict[str, Any]) -> list[Reply]:
    """Leave the queue, or cancel the member's open session."""
    notices = _expire(ctx)
    me = ctx.member()
    if _store(ctx).mock_leave_queue(ctx.g.id, me.user_id):
        return notices + _say("You left the /mock now queue.")
    session = _store(ctx).mock_open_session(ctx.g.id, me.user_id)
    if session is None:
        return notices + _say("You are not waiting and have no open mock; nothing to cancel.")
    if not _store(ctx).mock_cancel_session(ctx.g.id, session.id, ctx.now):
        return notices + _say(f"Mock #{session.id} is no longer open.")
    return notices + [_in_thread(ctx, session, f"Mock #{session.id} was cancelled by "
                                          f"{me.display_name}.")]


# --- weekly rounds -----------------------------------------------------------------------------


@handles("mock", "optin")
def optin(ctx: Context, args: dict[str, Any]) -> list[Reply]:
    """Join the weekly pairing round (also lifts a no-show pause)."""
    return _expire(ctx) + _optin(ctx, args)


def _optin(ctx: Context, args: dict[str, Any]) -> list[Reply]:
    me = ctx.member()
    _store(ctx).mock_set_optin(ctx.g.id, me.user_id, True)
    return _say("You are in the weekly mock round. /mock skip sits one out, /mock optout "
                "leaves.")


@handles("mock", "optout")
def optout(ctx: Context, args: dict[str, Any]) -> list[Reply]:
    """Leave the weekly pairing round."""
    return _expire(ctx) + _optout(ctx, args)


def _optout(ctx: Context, args: dict[str, Any]) -> list[Reply]:
    me = ctx.member()
    _store(ctx).mock_set_optin(ctx.g.id, me.user_id, False)
    return _say("You left the weekly mock round. /mock optin rejoins; /mock now still works.")


@handles("mock", "skip")
def skip(ctx: Context, args: dict[str, Any]) -> list[Reply]:
    """Sit out the next weekly round."""
    return _expire(ctx) + _skip(ctx, args)


def _skip(ctx: Context, args: dict[str, Any]) -> list[Reply]:
    me = ctx.member()
    if not _store(ctx).mock_member(ctx.g.id, me.user_id).opted_in:
        return _say("You are not in the weekly round, so there is nothing to skip. "
                    "/mock optin joins it.")
    _store(ctx).mock_set_skip(ctx.g.id, me.user_id, True)
    return _say("You will sit out the next weekly mock round; the one after includes you.")


# --- history and help --------------------------------------------------------------------------


@handles("mock", "history")
def history_cmd(ctx: Context, args: dict[str, Any]) -> list[Reply]:
    """The member's sessions, per-dimension scores over time, roles and progress to 8."""
    notices = _expire(ctx)
    me = ctx.member()
    mc = _content(ctx)
    names = _names(ctx)
    sessions = _store(ctx).mock_sessions(ctx.g.id, me.user_id)
    target = milestone_target(ctx.track, "mock-interviews", 8)
    done = [s for s in sessions if s.status == "scored" and s.candidate == me.user_id]
    bar = "▰" * min(len(done), target) + "▱" * max(target - len(done), 0)
    lines = [f"📈 **Your mocks** — {len(done)} of {target} done as candidate {bar}"]
    if not sessions:
        lines.append("No mocks yet. /mock now pairs you with a peer; /mock optin joins the "
                     "weekly round.")
        return notices + [Reply("\n".join(lines), "ephemeral")]
    roles = {r: sum(1 for s in sessions if s.role_of(me.user_id) == r and s.status in
                    ("open", "scored")) for r in ("interviewer", "candidate", "observer")}
    lines.append("Roles: " + " · ".join(f"{r} {n}" for r, n in roles.items()))
    lines.append("**Sessions:**")
    for s in sessions:
        role = s.role_of(me.user_id)
        others = [names.get(u, u) for u in s.members if u != me.user_id]
        result = f" — {s.weighted:.2f} {s.band}" if s.weighted is not None else ""
        lines.append(f"- #{s.id} {s.created_at:%Y-%m-%d} {KIND_NAMES.get(s.kind, s.kind)} "
                     f"({s.level}), {role} with {', '.join(others)}: {s.status}{result}")
    for kind in ("system-design", "behavioral"):
        scored = [s for s in done if s.kind == kind and s.scores]
        if not scored:
            continue
        lines.append(f"**{KIND_NAMES[kind]} scores over time:**")
        rubric = rubric_for(mc, kind)
        for i, d in enumerate(rubric.dimensions):
            trail = " → ".join(str(s.scores[i]) for s in scored if s.scores)
            lines.append(f"- {d.name}: {trail}")
        lines.append("- Overall: " + " → ".join(f"{s.weighted:.2f}" for s in scored))
    return notices + [Reply("\n".join(lines), "ephemeral")]


@handles("mock", "help")
def help_cmd(ctx: Context, args: dict[str, Any]) -> list[Reply]:
    """How mocks work, with the rubric weights and bands."""
    mc: MockContent | None = ctx.content.extras.get("mocks")
    minutes = int(WAIT.total_seconds() // 60)
    lines = [
        "🎤 **Mock interviews**",
        f"- /mock now [system-design|behavioral] [senior|staff]: wait up to {minutes} min for "
        "a peer wanting the same kind; the level is the stricter of the two (staff if neither "
        "says).",
        "- Roles alternate: whoever interviewed last is the candidate next. With no history "
        "the first to wait is the candidate and the one who completes the pair interviews.",
        "- The session opens in its own thread (problem or 3 questions, 60-minute agenda); the "
        "interviewer gets private notes by direct message.",
        "- The interviewer scores with /mock score followed by one score 1-4 per dimension; "
        "then /mock feedback TEXT. The candidate rates the interviewer with /mock rate 1-4.",
        "- Weekly round: /mock optin, /mock skip (sit one out), /mock optout. Rounds alternate "
        "system design and behavioral; members who are away, skipping, paused or in an open "
        "mock are listed with the reason.",
        "- /mock noshow reports an absent partner; 3 in a row pause that member from rounds. "
        "/mock cancel leaves the queue or cancels your open mock. /mock history shows progress.",
    ]
    if mc is not None:
        for kind in ("system-design", "behavioral"):
            rubric = rubric_for(mc, kind)
            dims = ", ".join(f"{d.name} {d.weight:.0%}" for d in rubric.dimensions)
            lines.append(f"**{rubric.name}** (in order): {dims}.")
        bands = ", ".join(f"{name} ≥ {low:.2f}"
                          for low, name in mc.rubrics.system_design.band_table)
        lines.append(f"Bands: {bands}. Example: /mock score 4 3 3 2 4 → 3.25, hire.")
    return [Reply("\n".join(lines), "ephemeral")]


# --- registration ------------------------------------------------------------------------------


def _export(store: Any, group_id: int, user_id: str) -> dict[str, Any]:
    return store.mock_export(group_id, user_id)  # type: ignore[no-any-return]


def _forget(store: Any, group_id: int, user_id: str) -> int:
    return int(store.mock_forget(group_id, user_id))


POST_COMPOSERS["mock_round"] = compose_round
member_data("mocks", _export, _forget)
