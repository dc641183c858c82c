"""Session rules and text: roles, level, problem and question picks, the thread opener.

Pure functions over content and stored sessions; no store, no clock.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from bot.core.mocks.content import BehavioralQuestion, MockContent, Problem, Rubric
from bot.core.mocks.ports import MockSession, QueueEntry, SessionPlan
from bot.core.types import Button, Reply

QUESTIONS_PER_MOCK = 3
LEVEL_ORDER = ("senior", "staff")
DEFAULT_LEVEL = "staff"
KIND_NAMES = {"system-design": "System design", "behavioral": "Behavioral"}
#: The behavioral mock's 60 minutes: (phase, minutes).
BEHAVIORAL_AGENDA: tuple[tuple[str, int], ...] = (
    ("Introductions; the candidate names the level they target", 5),
    ("Question 1, with follow-ups", 15),
    ("Question 2, with follow-ups", 15),
    ("Question 3, with follow-ups", 15),
    ("Wrap-up: scores and spoken feedback", 10),
)
_COUNTED = ("open", "scored")


def thread_key(session: MockSession) -> str:
    """The session's thread key."""
    return f"mock:{session.id}"


def thread_title(session: MockSession, names: Mapping[str, str]) -> str:
    """``Mock #7: Bob (interviewer) × Alice (candidate)``."""
    return (f"Mock #{session.id}: {names.get(session.interviewer, session.interviewer)} "
            f"(interviewer) × {names.get(session.candidate, session.candidate)} (candidate)")


def rubric_for(content: MockContent, kind: str) -> Rubric:
    """The rubric a session of ``kind`` is scored with."""
    return content.rubrics.behavioral if kind == "behavioral" else content.rubrics.system_design


# --- roles and level -------------------------------------------------------------------------


def due_role(user_id: str, past: Sequence[MockSession]) -> str | None:
    """The role ``user_id`` should take next: the one done less, else the opposite of the last.

    Only open and scored sessions count (a no-show or a cancelled mock did not happen).
    """
    mine = [s for s in past if s.status in _COUNTED and s.role_of(user_id) in
            ("interviewer", "candidate")]
    interviewed = sum(1 for s in mine if s.interviewer == user_id)
    candidate = len(mine) - interviewed
    if interviewed != candidate:
        return "interviewer" if interviewed < candidate else "candidate"
    if not mine:
        return None
    last = max(mine, key=lambda s: s.id).role_of(user_id)
    return "candidate" if last == "interviewer" else "interviewer"


def decide_roles(first: str, second: str, past: Sequence[MockSession]) -> tuple[str, str]:
    """``(interviewer, candidate)`` for a pair, ``first`` being the one who waited.

    Roles alternate with history (whoever interviewed last is the candidate now). When
    history does not decide, the member who joined the queue first is the candidate and the
    second the interviewer, so whoever completed the match can score it.
    """
    due_first, due_second = due_role(first, past), due_role(second, past)
    second_interviews = (due_second == "candidate") + (due_first == "interviewer")
    first_interviews = (due_first == "candidate") + (due_second == "interviewer")
    if first_interviews < second_interviews:
        return first, second
    return second, first


def resolve_level(*levels: str | None) -> str:
    """The stricter of the requested levels (staff over senior); staff if none was given."""
    given = [lvl for lvl in levels if lvl in LEVEL_ORDER]
    return max(given, key=LEVEL_ORDER.index) if given else DEFAULT_LEVEL


# --- problem and questions -------------------------------------------------------------------


def pick_problem(content: MockContent, level: str, candidate: str,
                 past: Sequence[MockSession], salt: int) -> Problem:
    """A problem for ``level`` the candidate has not had; else the one they had longest ago.

    ``salt`` rotates the start so different pairs get different problems (deterministic).
    """
    pool = [p for p in content.problems.problems if level in p.levels] or list(
        content.problems.problems)
    last_seen: dict[str, int] = {}
    for s in past:
        if s.candidate == candidate and s.problem_id and s.status in _COUNTED:
            last_seen[s.problem_id] = s.id
    start = salt % len(pool)
    rotated = pool[start:] + pool[:start]
    fresh = [p for p in rotated if p.id not in last_seen]
    if fresh:
        return fresh[0]
    return min(rotated, key=lambda p: last_seen[p.id])


def pick_questions(content: MockContent, candidate: str, past: Sequence[MockSession],
                   salt: int, n: int = QUESTIONS_PER_MOCK) -> tuple[BehavioralQuestion, ...]:
    """``n`` questions the candidate has not been asked, one per category where possible.

    Deterministic for the same history and ``salt``; when fewer than ``n`` are new, the
    ones asked longest ago fill up.
    """
    questions = list(content.behavioral.questions)
    asked: dict[str, int] = {}
    for s in past:
        if s.candidate == candidate and s.status in _COUNTED:
            for q in s.question_ids:
                asked[q] = s.id
    start = (salt * n) % len(questions)
    rotated = questions[start:] + questions[:start]
    fresh = [q for q in rotated if q.id not in asked]
    chosen: list[BehavioralQuestion] = []
    for q in fresh:
        if len(chosen) < n and q.category not in {c.category for c in chosen}:
            chosen.append(q)
    for q in fresh + sorted((q for q in rotated if q.id in asked), key=lambda q: asked[q.id]):
        if len(chosen) < n and q not in chosen:
            chosen.append(q)
    return tuple(chosen)


def plan_session(content: MockContent, waiting: QueueEntry, joiner: QueueEntry,
                 past: Sequence[MockSession]) -> SessionPlan:
    """The session for a queue match: roles, the stricter level, problem or questions."""
    interviewer, candidate = decide_roles(waiting.user_id, joiner.user_id, past)
    return plan_for(content, interviewer, candidate, waiting.kind,
                    resolve_level(waiting.level, joiner.level), past)


def plan_for(content: MockContent, interviewer: str, candidate: str, kind: str, level: str,
             past: Sequence[MockSession], observer: str | None = None,
             salt: int | None = None) -> SessionPlan:
    """A :class:`SessionPlan` with its problem (system design) or questions (behavioral)."""
    salt = len(past) if salt is None else salt
    if kind == "behavioral":
        questions = pick_questions(content, candidate, past, salt)
        return SessionPlan(interviewer, candidate, kind, level,
                           question_ids=tuple(q.id for q in questions), observer=observer)
    problem = pick_problem(content, level, candidate, past, salt)
    return SessionPlan(interviewer, candidate, kind, level, problem_id=problem.id,
                       observer=observer)


# --- text --------------------------------------------------------------------------------------


def _join(items: Sequence[str]) -> str:
    """Items as one sentence list: ``a; b; c`` (their own full stops dropped)."""
    return "; ".join(i.rstrip(". ") for i in items)


def _number(value: float) -> str:
    return f"{value:,.0f}" if value == int(value) else f"{value:,g}"


def _principles(q: BehavioralQuestion) -> str:
    from bot.core.mocks.content import PRINCIPLES

    return ", ".join(PRINCIPLES[p][1] for p in q.principles)


def _questions(content: MockContent, session: MockSession) -> list[BehavioralQuestion]:
    by_id = {q.id: q for q in content.behavioral.questions}
    return [by_id[q] for q in session.question_ids if q in by_id]


def _problem(content: MockContent, session: MockSession) -> Problem | None:
    try:
        return content.problem(session.problem_id) if session.problem_id else None
    except KeyError:
        return None


def opener_text(content: MockContent, session: MockSession, names: Mapping[str, str]) -> str:
    """The thread opener: who does what, the problem or questions, the agenda, how to score."""
    name = names.get
    kind = KIND_NAMES.get(session.kind, session.kind)
    lines = [f"🎤 **Mock #{session.id} — {kind} ({session.level} level)**",
             f"Interviewer: **{name(session.interviewer, session.interviewer)}** · "
             f"Candidate: **{name(session.candidate, session.candidate)}**"
             + (f" · Observer: {name(session.observer, session.observer)}"
                if session.observer else "")]
    problem = _problem(content, session)
    if problem is not None:
        lines += ["", f"**Problem: {problem.title}**", problem.prompt,
                  "", "**Requirements to clarify:**",
                  *(f"- {r}" for r in problem.requirements_to_clarify),
                  "", "**Capacity numbers:**",
                  *(f"- {c.label}: {_number(c.value)} {c.unit}" for c in problem.capacity_numbers),
                  "", "**Deep dives:**",
                  *(f"- {d.area} ({d.minutes} min)" for d in problem.deep_dives),
                  "", "**Follow-ups:**", *(f"- {f}" for f in problem.follow_ups)]
        if session.level == "staff":
            lines += ["", "**Staff dimensions — cover each:**"]
            for dim in content.problems.staff_dimensions:
                lines.append(f"- {dim.name}: {_join(dim.checklist)}.")
        lines += ["", "**Agenda (60 min):**", *(f"{i}. {p.name} — {p.minutes} min: {p.goal}"
                                                 for i, p in enumerate(content.rubrics.agenda, 1))]
    else:
        lines += ["", "**Questions:**"]
        for i, q in enumerate(_questions(content, session), 1):
            lines.append(f"{i}. {q.text} _(probes: {_principles(q)})_")
        lines += ["", "**Agenda (60 min):**",
                  *(f"{i}. {p} — {m} min" for i, (p, m) in enumerate(BEHAVIORAL_AGENDA, 1))]
    rubric = rubric_for(content, session.kind)
    dims = " ".join(f"{d.name} ({d.weight:.0%})" for d in rubric.dimensions)
    order = ", ".join(d.name for d in rubric.dimensions)
    lines += ["", f"**Scoring** ({len(rubric.dimensions)} scores 1–4, in order: {order}): the "
              f"interviewer runs /mock score {' '.join('N' * len(rubric.dimensions))}. "
              "Feedback: /mock feedback TEXT. Candidate: /mock rate 1-4 [comment].",
              f"Weights: {dims}."]
    return "\n".join(lines)


def guide_text(content: MockContent, session: MockSession, names: Mapping[str, str]) -> str:
    """Private notes for the interviewer: what to listen for and what a strong answer holds."""
    cand = names.get(session.candidate, session.candidate)
    lines = [f"🔒 **Interviewer notes for Mock #{session.id}** (only you see these; "
             f"candidate: {cand})"]
    problem = _problem(content, session)
    if problem is not None:
        lines += ["", f"**A strong answer to “{problem.title}”:**",
                  *(f"- {s}" for s in problem.strong_answer)]
        for d in problem.deep_dives:
            if d.probe:
                lines.append(f"Probe in “{d.area}”: " + " / ".join(d.probe))
        lines += ["", "**Phase by phase:**"]
        phases = {p.id: p for p in content.rubrics.agenda}
        for g in content.rubrics.interviewer_guide:
            phase = phases.get(g.phase)
            lines.append(f"- **{phase.name if phase else g.phase}** — listen for: "
                         f"{_join(g.listen_for)}. Red flags: {_join(g.red_flags)}."
                         + (f" Nudges: {_join(g.nudges)}." if g.nudges else ""))
    else:
        guide = content.behavioral.guide
        lines += ["", "**Probe:**", *(f"- {p}" for p in guide.probe),
                  "**Follow-ups:**", *(f"- {f}" for f in guide.follow_ups),
                  "**Red flags:**", *(f"- {r}" for r in guide.red_flags)]
        for i, q in enumerate(_questions(content, session), 1):
            if q.follow_ups:
                lines.append(f"Q{i} follow-ups: " + " / ".join(q.follow_ups))
    rubric = rubric_for(content, session.kind)
    lines += ["", "**Rubric anchors (1 → 4):**"]
    for d in rubric.dimensions:
        lines.append(f"- {d.name} ({d.weight:.0%}): 2 = {d.anchors[2]} 4 = {d.anchors[4]}")
    return "\n".join(lines)


SESSION_BUTTONS = (
    Button("How scoring works", "mock", "help"),
    Button("No-show", "mock", "noshow", "danger"),
    Button("Cancel", "mock", "cancel", "danger"),
)


def session_replies(content: MockContent, session: MockSession,
                    names: Mapping[str, str]) -> list[Reply]:
    """The thread opener for everyone and the private guide for the interviewer."""
    key = thread_key(session)
    return [
        Reply(opener_text(content, session, names), "thread", thread_key=key,
              thread_title=thread_title(session, names), buttons=SESSION_BUTTONS),
        Reply(guide_text(content, session, names), "direct", to_user=session.interviewer,
              buttons=(Button("How scoring works", "mock", "help"),)),
    ]
