"""/story: submit a STAR story for feedback, keep a private library, see principle coverage.

Feedback goes into the story's review thread (``story:<id>``) where peers can reply, or
privately with ``--private``. Everything else (list, show, delete, coverage) is ephemeral and
only ever touches the sender's own stories.
"""

from __future__ import annotations

import re
from typing import Any, cast
from zoneinfo import ZoneInfo

from bot.core.commands.registry import handles, handles_thread
from bot.core.context import Context
from bot.core.member_data import member_data
from bot.core.ports import Store
from bot.core.stories.analyzer import Analysis, StoryInputError, UnknownPrinciple, analyze
from bot.core.stories.models import StoryContent
from bot.core.stories.ports import NewStory, StoredStory, StoryStore
from bot.core.stories.render import render_text, to_json_dict
from bot.core.stories.submission import parse_submission
from bot.core.text import cap
from bot.core.types import Form, FormField, Reply
from bot.core.views import day_label

PLAN_TARGET = 15
"""Stories the plan asks for when the track names no ``star-stories`` milestone."""

_SLACK_HEADING = re.compile(r"^\*([^*\n]+)\*", re.MULTILINE)
_FRAMEWORK_TAG = re.compile(r"\s*\((?:google|staff)\)$", re.IGNORECASE)
_FRAMEWORKS = {"amazon": "Amazon", "google": "Google", "staff": "Staff"}


def _store(ctx: Context) -> StoryStore:
    return cast(StoryStore, ctx.store)


def _content(ctx: Context) -> StoryContent | None:
    return ctx.content.extras.get("stories")


def _private(text: str) -> list[Reply]:
    return [Reply(text, "ephemeral")]


def _unavailable() -> list[Reply]:
    return _private("Story feedback is not available: the story content did not load.")


def _chat(text: str) -> str:
    """The analyzer's ``*heading*`` lines in the core's ``**bold**`` form."""
    return _SLACK_HEADING.sub(r"**\1**", text)


def _plan_target(ctx: Context) -> int:
    milestones = {m.id: m.target for m in ctx.track.milestones}
    return milestones.get("star-stories", PLAN_TARGET)


def _snippet(text: str, words: int = 8, chars: int = 60) -> str:
    """The first words of a story's first line, without its header, for titles and lists."""
    lines = [re.sub(r"^(?:situation|context|background|s)\s*[:\-]\s*", "", ln.strip(),
                    flags=re.IGNORECASE) for ln in text.splitlines()]
    flat = next((ln for ln in lines if ln), "")
    head = " ".join(flat.split()[:words])
    if len(head) > chars:
        head = head[: chars - 1].rstrip()
    return head + ("…" if len(head) < len(" ".join(flat.split())) else "")


def _form_reply(limit: int) -> list[Reply]:
    form = Form(
        title="Submit a STAR story",
        command="story",
        fields=(
            FormField("story", "Your STAR story", multiline=True, max_length=limit,
                      placeholder="Situation: … Task: … Action: I … Result: …"),
            FormField("target", "Principle to show (optional)", multiline=False,
                      max_length=80, required=False, placeholder="e.g. ownership"),
        ),
    )
    return [Reply(
        "Paste a STAR story for feedback. In the console type /story followed by the story, "
        "e.g. /story Situation: … Action: I … Result: …\n"
        "Options go first: --private keeps the feedback to you; a first line "
        "'Q: <question>' or 'target: ownership' checks the story against them.",
        "ephemeral", form=form)]


def _summary(analysis: Analysis) -> tuple[tuple[tuple[str, float], ...], tuple[str, ...]]:
    return (tuple((m.id, round(m.score, 3)) for m in analysis.principles), analysis.flag_ids)


@handles("story", "")
def submit(ctx: Context, args: dict[str, Any]) -> list[Reply]:
    """Analyze a story, keep it with its feedback, and answer in its review thread."""
    content = _content(ctx)
    if content is None:
        return _unavailable()
    limit = min(ctx.settings.max_story_chars, content.rules.max_chars)
    raw = cap(args.get("text") or "", limit, "story")
    sub = parse_submission(raw, content)
    if not sub.text:
        return _form_reply(limit)
    try:
        analysis = analyze(sub.text, content, sub.question, sub.target)
    except UnknownPrinciple as exc:
        ids = ", ".join(p.id for p in content.principles)
        return _private(f"I don't know the principle '{exc.target[:60]}'. Use one of: {ids}.")
    except StoryInputError as exc:
        return _private(f"Nothing was saved: {exc}.")
    rendered = render_text(analysis)
    principles, flags = _summary(analysis)
    feedback = {**to_json_dict(analysis), "targets": list(analysis.targets),
                "rendered": rendered}
    member = ctx.member()
    story = _store(ctx).add_story(ctx.g.id, member.user_id, NewStory(
        text=sub.text, question=sub.question, target=sub.target,
        visibility="ephemeral" if sub.private else "thread", principles=principles,
        flags=flags, word_count=analysis.word_count, feedback=feedback, created_at=ctx.now,
    ))
    n, goal = len(_store(ctx).list_stories(ctx.g.id, member.user_id)), _plan_target(ctx)
    saved = (f"Story #{story.number} saved ({n} of {goal} for the plan). "
             f"/story show {story.number} brings it back; /story delete {story.number} "
             "removes it.")
    if sub.private:
        return _private(f"{_chat(rendered)}\n\n🔒 Only you see this feedback. {saved}")
    return [Reply(
        f"{_chat(rendered)}\n\n{saved}\nPeers: reply in this thread with your feedback.",
        "thread", thread_key=story.thread_key,
        thread_title=f"STAR review for {member.display_name}: {_snippet(sub.text)}",
    )]


def _line(story: StoredStory, content: StoryContent | None) -> str:
    names = [_principle_name(content, pid) for pid, _ in story.principles[:3]]
    shown = ", ".join(names) if names else "no clear principle"
    flags = f" · {len(story.flags)} flag{'s' if len(story.flags) != 1 else ''}" \
        if story.flags else ""
    lock = " 🔒" if story.visibility == "ephemeral" else ""
    return (f"#{story.number}{lock} {_snippet(story.text, 7, 50)} — {story.word_count} words · "
            f"{shown}{flags}")


def _principle_name(content: StoryContent | None, pid: str) -> str:
    if content is None:
        return pid
    try:
        return content.principle(pid).name
    except KeyError:
        return pid


@handles("story", "list")
def list_stories(ctx: Context, args: dict[str, Any]) -> list[Reply]:
    """The sender's stories, by number."""
    stories = _store(ctx).list_stories(ctx.g.id, ctx.request.member.user_id)
    if not stories:
        return _private("You have no stories yet. Send one with /story Situation: … Task: … "
                        "Action: … Result: …")
    lines = [f"**Your stories** ({len(stories)} of {_plan_target(ctx)} for the plan)"]
    lines += [_line(s, _content(ctx)) for s in stories]
    lines.append("/story show N for one story and its feedback; /story coverage for gaps.")
    return _private("\n".join(lines))


def _missing(n: int) -> list[Reply]:
    return _private(f"You have no story #{n}. /story list shows your stories.")


@handles("story", "show")
def show(ctx: Context, args: dict[str, Any]) -> list[Reply]:
    """One of the sender's stories with the feedback it got and the replies in its thread."""
    n: int = args["n"]
    story = _store(ctx).get_story(ctx.g.id, ctx.request.member.user_id, n)
    if story is None:
        return _missing(n)
    local = story.created_at.astimezone(ZoneInfo(ctx.g.timezone)).date()
    where = "private" if story.visibility == "ephemeral" else "shared in its review thread"
    lines = [f"**Story #{story.number}** — {day_label(local)}, {story.word_count} words, {where}"]
    if story.question:
        lines.append(f"Question: {story.question}")
    if story.target:
        lines.append(f"Target: {story.target}")
    lines += ["", *(f"> {line}" if line else ">" for line in story.text.splitlines()), ""]
    lines.append(_chat(str(story.feedback.get("rendered", ""))))
    replies = _store(ctx).story_replies(ctx.g.id, story.id)
    if replies:
        lines += ["", f"**Replies ({len(replies)})**"]
        lines += [f"- {r.display_name}: {r.text}" for r in replies]
    return _private("\n".join(lines))


@handles("story", "delete")
def delete(ctx: Context, args: dict[str, Any]) -> list[Reply]:
    """Delete one of the sender's stories and the replies to it, for good."""
    n: int = args["n"]
    store = _store(ctx)
    story = store.get_story(ctx.g.id, ctx.request.member.user_id, n)
    if story is None:
        return _missing(n)
    replies = len(store.story_replies(ctx.g.id, story.id))
    store.delete_story(ctx.g.id, story.user_id, n)
    also = f" and its {replies} repl{'y' if replies == 1 else 'ies'}" if replies else ""
    return _private(f"🗑 Story #{n}{also} deleted for good. Your other stories keep their "
                    "numbers.")


@handles("story", "coverage")
def coverage(ctx: Context, args: dict[str, Any]) -> list[Reply]:
    """The sender's stories against every principle: covered by which stories, and gaps."""
    content = _content(ctx)
    if content is None:
        return _unavailable()
    stories = _store(ctx).list_stories(ctx.g.id, ctx.request.member.user_id)
    goal = _plan_target(ctx)
    moderate = content.rules.scoring.moderate
    by_principle: dict[str, list[str]] = {}
    for s in stories:
        for pid, score in s.principles:
            label = f"#{s.number}" + ("" if score >= moderate else " (weak)")
            by_principle.setdefault(pid, []).append(label)
    covered = [p for p in content.principles if p.id in by_principle]
    gaps = [p for p in content.principles if p.id not in by_principle]
    bar = "▓" * min(len(stories), goal) + "░" * max(goal - len(stories), 0)
    lines = [f"**Your story coverage** — {len(stories)} of {goal} stories {bar}",
             f"{len(covered)} of {len(content.principles)} principles shown."]
    if covered:
        lines += ["", "**Covered**"]
        lines += [f"- {p.name}: {', '.join(by_principle[p.id])}" for p in covered]
    if gaps:
        lines += ["", f"**Gaps ({len(gaps)})**"]
        for key, label in _FRAMEWORKS.items():
            names = [_FRAMEWORK_TAG.sub("", p.name) for p in gaps if p.framework == key]
            if names:
                lines.append(f"- {label}: {' · '.join(names)}")
        first = gaps[0]
        lines += ["", f"Next: a story for {first.name} — {first.description}"]
    if not stories:
        lines.append("Send your first with /story Situation: … Action: I … Result: …")
    return _private("\n".join(lines))


@handles_thread("story")
def story_reply(ctx: Context, key: str, text: str) -> list[Reply]:
    """Keep a message posted in a story's review thread with the story; ack privately."""
    try:
        story_id = int(key.split(":", 1)[1])
    except (IndexError, ValueError):
        return []
    text = text.strip()
    if not text:
        return []
    store = _store(ctx)
    if store.get_story_by_id(ctx.g.id, story_id) is None:
        return _private("This story was deleted by its author, so your reply was not kept.")
    limit = ctx.settings.max_feedback_chars
    clipped = len(text) > limit
    member = ctx.member()
    store.add_story_reply(ctx.g.id, story_id, member.user_id, member.display_name,
                          text[:limit], ctx.now)
    note = f" (the first {limit:,} characters)" if clipped else ""
    return _private(f"💬 Your reply{note} is kept with this story for its author.")


def _export(store: Store, group_id: int, user_id: str) -> dict[str, Any]:
    stories = cast(StoryStore, store)
    own = stories.list_stories(group_id, user_id)
    return {
        "stories": [{
            "number": s.number,
            "created_at": s.created_at.isoformat(),
            "text": s.text,
            "question": s.question,
            "target": s.target,
            "visibility": s.visibility,
            "word_count": s.word_count,
            "principles": [{"id": p, "score": score} for p, score in s.principles],
            "flags": list(s.flags),
            "feedback": s.feedback,
            "replies": [{"user_id": r.user_id, "display_name": r.display_name, "text": r.text,
                         "at": r.created_at.isoformat()}
                        for r in stories.story_replies(group_id, s.id)],
        } for s in own],
        "replies_written": [{"text": r.text, "at": r.created_at.isoformat()}
                            for r in stories.replies_by(group_id, user_id)],
    }


def _forget(store: Store, group_id: int, user_id: str) -> int:
    return cast(StoryStore, store).forget_stories(group_id, user_id)


member_data("stories", _export, _forget)
