"""The weekly mock round: who is eligible, pairing, sessions and the summary post.

:func:`compose_round` is the ``mock_round`` post composer. It is idempotent: the round is
stored once per group and local date, and a second call (another scheduler, a retry)
rebuilds the same post from what was stored.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, datetime, time
from typing import Any
from zoneinfo import ZoneInfo

from bot.core.content_loader import Content
from bot.core.mocks.content import MockContent
from bot.core.mocks.pairing import MockMember, Pairing, PastRound, pair_round
from bot.core.mocks.ports import MockRound, MockSession, MockStore
from bot.core.mocks.session import KIND_NAMES, plan_for, session_replies
from bot.core.ports import GroupState
from bot.core.types import Post, Reply

HISTORY_ROUNDS = 4  # pairs who met in the last K rounds are avoided
ROUND_LEVEL = "staff"
_COUNTED = ("open", "scored")


def round_kind(index: int) -> str:
    """Rounds alternate: system design on even rounds, behavioral on odd ones."""
    return "system-design" if index % 2 == 0 else "behavioral"


def _mock_member(user_id: str, zone: str, sessions: Sequence[MockSession]) -> MockMember:
    mine = [s for s in sessions if s.status in _COUNTED
            and s.role_of(user_id) in ("interviewer", "candidate")]
    last = max(mine, key=lambda s: s.id).role_of(user_id) if mine else None
    interviewed = sum(1 for s in mine if s.interviewer == user_id)
    return MockMember(user_id, zone=zone, interviewer_count=interviewed,
                      candidate_count=len(mine) - interviewed,
                      last_role=last)  # type: ignore[arg-type]


def history(rounds: Sequence[MockRound], sessions: Sequence[MockSession]) -> list[PastRound]:
    """Past rounds with their pairings, for :func:`pair_round`."""
    by_round: dict[int, list[Pairing]] = {}
    for s in sessions:
        if s.round_id is not None:
            by_round.setdefault(s.round_id, []).append(
                Pairing(s.interviewer, s.candidate, s.observer))
    return [PastRound(r.index, tuple(by_round.get(r.id, ()))) for r in rounds]


def _line(session: MockSession, names: Mapping[str, str]) -> str:
    n = names.get
    watch = f" + {n(session.observer, session.observer)} observing" if session.observer else ""
    return (f"- Mock #{session.id}: {n(session.interviewer, session.interviewer)} (interviewer)"
            f" × {n(session.candidate, session.candidate)} (candidate){watch}")


def compose_round(group: GroupState, local_date: date, store: Any,
                  content: Content) -> Post | None:
    """Pair the eligible opted-in members, open their sessions and post the summary."""
    mc: MockContent | None = content.extras.get("mocks")
    mocks: MockStore = store
    if mc is None:
        return None
    names = {m.user_id: m.display_name for m in store.list_members(group.id)}
    existing = mocks.mock_round(group.id, local_date)
    if existing is not None:
        return _rebuild(group, existing, mocks, mc, names)
    settings = [m for m in mocks.mock_members(group.id) if m.opted_in and m.user_id in names]
    if not settings:
        return None
    aways = store.list_away(group.id)
    sessions = mocks.mock_sessions(group.id)
    rounds = mocks.mock_rounds(group.id)
    index = len(rounds)
    kind = round_kind(index)
    left: list[tuple[str, str]] = []
    eligible: list[MockMember] = []
    zones = {m.user_id: m.timezone for m in store.list_members(group.id)}
    for m in settings:
        open_session = mocks.mock_open_session(group.id, m.user_id)
        if any(a.user_id == m.user_id and a.start <= local_date <= a.end for a in aways):
            left.append((m.user_id, "away"))
        elif m.skip_next:
            left.append((m.user_id, "skipping this round"))
        elif m.paused:
            left.append((m.user_id, "paused after 3 no-shows in a row (/mock optin to return)"))
        elif open_session is not None:
            left.append((m.user_id, f"still in Mock #{open_session.id}"))
        else:
            eligible.append(_mock_member(m.user_id, zones.get(m.user_id) or group.timezone,
                                         sessions))
    at = datetime.combine(local_date, time(12), tzinfo=ZoneInfo(group.timezone))
    paired = pair_round(eligible, history(rounds, sessions), k=HISTORY_ROUNDS,
                        seed=group.id * 7919 + index, at=at, round_index=index)
    left += [(x.member, x.reason) for x in paired.left_out]
    plans = [plan_for(mc, p.interviewer, p.candidate, kind, ROUND_LEVEL, sessions,
                      observer=p.observer, salt=index + i)
             for i, p in enumerate(paired.pairings)]
    started = mocks.mock_start_round(group.id, local_date, plans, at)
    if started is None:  # another worker made it first
        made = mocks.mock_round(group.id, local_date)
        return _rebuild(group, made, mocks, mc, names) if made else None
    made_round, opened = started
    for plan, session in zip(plans, opened, strict=True):
        if session is None:
            for user in (plan.interviewer, plan.candidate, plan.observer):
                if user:
                    left.append((user, "joined another mock while the round was made"))
    created = [s for s in opened if s is not None]
    summary = _summary(made_round, kind, created, left, names)
    mocks.mock_set_round_summary(made_round.id, summary)
    return _post(group, local_date, summary, created, mc, names)


def _summary(rnd: MockRound, kind: str, sessions: Sequence[MockSession],
             left: Sequence[tuple[str, str]], names: Mapping[str, str]) -> str:
    lines = [f"🗓 **Weekly mock round {rnd.index + 1}** — {KIND_NAMES[kind]} "
             f"({ROUND_LEVEL} level)"]
    if sessions:
        lines += ["Pairs (each mock has its own thread; roles follow who is due):",
                  *(_line(s, names) for s in sessions)]
    else:
        lines.append("No pairs this round.")
    if left:
        lines.append("Not paired this round:")
        lines += [f"- {names.get(u, u)}: {why}" for u, why in left]
    lines.append("/mock optin to join the next round, /mock skip to sit one out.")
    return "\n".join(lines)


def _post(group: GroupState, local_date: date, summary: str, sessions: Sequence[MockSession],
          mc: MockContent, names: Mapping[str, str]) -> Post:
    replies: list[Reply] = [Reply(summary)]
    for s in sessions:
        replies += session_replies(mc, s, names)
    return Post(group.ref, "mock_round", local_date.isoformat(), tuple(replies))


def _rebuild(group: GroupState, rnd: MockRound, store: MockStore, mc: MockContent,
             names: Mapping[str, str]) -> Post:
    sessions = [s for s in store.mock_sessions(group.id) if s.round_id == rnd.id]
    summary = rnd.summary or _summary(rnd, sessions[0].kind if sessions else "system-design",
                                      sessions, (), names)
    return _post(group, rnd.local_date, summary, sessions, mc, names)


__all__ = ["compose_round", "history", "round_kind"]
