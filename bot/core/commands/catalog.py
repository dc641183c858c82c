"""Every command studybot understands, declared once for all adapters."""

from __future__ import annotations

from bot.core.commands.spec import CommandSpec, Param, Subcommand

MOCK_KINDS = ("system-design", "behavioral")
MOCK_LEVELS = ("senior", "staff")

PLAN = CommandSpec(
    name="plan",
    help="Show the study plan: today's task, the coming week, or any day.",
    default="today",
    subcommands=(
        Subcommand("today", "today's task (the default)"),
        Subcommand("week", "the tasks of the next seven days"),
        Subcommand(
            "day",
            "the task of plan day N",
            (Param("n", "plan day number", kind="int", minimum=None),),
        ),
    ),
    examples=("/plan", "/plan week", "/plan day 46"),
)

DONE = CommandSpec(
    name="done",
    help="Check in: you did today's task (a note is optional).",
    subcommands=(
        Subcommand("", "check in for the current plan day", (
            Param("note", "what you did (optional)", kind="text", required=False),
        )),
    ),
    examples=("/done", "/done sketched the feed fan-out"),
)

STREAK = CommandSpec(
    name="streak",
    help="Streaks: yours, the group's, or the leaderboard.",
    default="me",
    subcommands=(
        Subcommand("me", "your current and best streak (the default)"),
        Subcommand("group", "the group's streak: days on which enough members checked in"),
        Subcommand("top", "the leaderboard"),
    ),
    examples=("/streak", "/streak group", "/streak top"),
)

STUDYBOT = CommandSpec(
    name="studybot",
    help="Set up and manage the study group in this channel.",
    default="help",
    subcommands=(
        Subcommand("help", "list every command", needs_group=False),
        Subcommand(
            "setup",
            "start (or change) the group in this channel: schedule, time zone, daily time, track",
            (
                Param("schedule", "schedule id, e.g. default or weekdays", required=False),
                Param("timezone", "IANA time zone, e.g. Europe/Berlin", required=False),
                Param("time", "daily post time HH:MM", required=False),
                Param("track", "track id: staff-90 or calibration", required=False),
            ),
            admin=True,
            needs_group=False,
        ),
        Subcommand("schedule", "show this group's schedule and its next posts"),
        Subcommand("pause", "pause the plan: no posts, no streaks broken", admin=True),
        Subcommand("resume", "resume a paused plan", admin=True),
        Subcommand(
            "away",
            "you are away for N days: not counted, streak kept, no mock rounds",
            (Param("days", "number of days", kind="int", minimum=0, maximum=60),),
        ),
        Subcommand("tz", "set your own time zone (for mock pairing)", (
            Param("zone", "IANA time zone, e.g. America/New_York"),
        )),
        Subcommand("export", "get everything studybot keeps about you as a file", (
            Param("who", "me", kind="choice", choices=("me",)),
        )),
        Subcommand("forget", "delete everything studybot keeps about you", (
            Param("who", "me", kind="choice", choices=("me",)),
        )),
    ),
    examples=("/studybot setup weekdays Europe/Berlin 08:30", "/studybot away 3"),
)

MOCK = CommandSpec(
    name="mock",
    help="Peer mock interviews: pair up, run the session in a thread, score it.",
    default="help",
    subcommands=(
        Subcommand("help", "how mocks work", needs_group=False),
        Subcommand("now", "pair with the next peer who is waiting", (
            Param("kind", "interview kind", kind="choice", choices=MOCK_KINDS, required=False),
            Param("level", "target level", kind="choice", choices=MOCK_LEVELS, required=False),
        )),
        Subcommand("optin", "join the weekly pairing round"),
        Subcommand("optout", "leave the weekly pairing round"),
        Subcommand("skip", "sit out the next weekly round"),
        Subcommand("score", "interviewer: score the five rubric dimensions 1-4", (
            Param("scores", "five scores 1-4, e.g. 4 3 3 2 4", kind="text"),
        )),
        Subcommand("feedback", "interviewer: written feedback for the candidate", (
            Param("text", "your feedback", kind="text"),
        )),
        Subcommand("rate", "candidate: rate your interviewer 1-4", (
            Param("score", "1 to 4", kind="int", minimum=1, maximum=4),
            Param("comment", "a comment (optional)", kind="text", required=False),
        )),
        Subcommand("noshow", "your partner did not show up"),
        Subcommand("cancel", "leave the queue or cancel your open session"),
        Subcommand("history", "your sessions, scores over time and progress to 8 mocks"),
    ),
    examples=("/mock now system-design staff", "/mock score 4 3 3 2 4"),
)

STORY = CommandSpec(
    name="story",
    help="STAR stories: submit one for feedback, keep a library, see principle coverage.",
    subcommands=(
        Subcommand("", "submit a STAR story for feedback (no text opens a form)", (
            Param("text", "the story", kind="text", required=False),
        )),
        Subcommand("list", "your stories"),
        Subcommand("show", "one of your stories with its feedback", (
            Param("n", "story number", kind="int", minimum=1),
        )),
        Subcommand("delete", "delete one of your stories for good", (
            Param("n", "story number", kind="int", minimum=1),
        )),
        Subcommand("coverage", "your stories against the principles, with gaps"),
    ),
    examples=("/story Situation: ... Task: ... Action: ... Result: ...", "/story coverage"),
)

COMMANDS: tuple[CommandSpec, ...] = (PLAN, DONE, STREAK, MOCK, STORY, STUDYBOT)
BY_NAME: dict[str, CommandSpec] = {c.name: c for c in COMMANDS}
