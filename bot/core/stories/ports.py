"""What /story needs from storage: a small protocol and plain records (no SQL here)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal, Protocol

StoryVisibility = Literal["thread", "ephemeral"]


@dataclass(frozen=True)
class StoredStory:
    """One member's story with the feedback it got when submitted.

    ``number`` is the member's own story number (1, 2, ...), unique per member and group and
    never reused for another story while this one exists. ``feedback`` holds the analysis as
    JSON data plus the text it was rendered to.
    """

    id: int
    group_id: int
    user_id: str
    number: int
    text: str
    question: str | None
    target: str | None
    visibility: StoryVisibility
    principles: tuple[tuple[str, float], ...]
    flags: tuple[str, ...]
    word_count: int
    feedback: dict[str, Any]
    created_at: datetime

    @property
    def thread_key(self) -> str:
        """The core thread key of the story's review thread."""
        return f"story:{self.id}"


@dataclass(frozen=True)
class NewStory:
    """A story to store; the repository assigns its id and number."""

    text: str
    question: str | None
    target: str | None
    visibility: StoryVisibility
    principles: tuple[tuple[str, float], ...]
    flags: tuple[str, ...]
    word_count: int
    feedback: dict[str, Any]
    created_at: datetime


@dataclass(frozen=True)
class StoryReply:
    """A message a member posted in a story's review thread."""

    id: int
    story_id: int
    user_id: str
    display_name: str
    text: str
    created_at: datetime


class StoryStore(Protocol):
    """Stories and their thread replies; every call is scoped to one group."""

    def add_story(self, group_id: int, user_id: str, story: NewStory) -> StoredStory: ...
    def list_stories(self, group_id: int, user_id: str) -> list[StoredStory]: ...
    def get_story(self, group_id: int, user_id: str, number: int) -> StoredStory | None: ...
    def get_story_by_id(self, group_id: int, story_id: int) -> StoredStory | None: ...
    def delete_story(self, group_id: int, user_id: str, number: int) -> bool: ...
    def add_story_reply(
        self, group_id: int, story_id: int, user_id: str, display_name: str, text: str,
        at: datetime,
    ) -> StoryReply: ...
    def story_replies(self, group_id: int, story_id: int) -> list[StoryReply]: ...
    def replies_by(self, group_id: int, user_id: str) -> list[StoryReply]: ...
    def forget_stories(self, group_id: int, user_id: str) -> int: ...
    def count_stories(self, group_id: int) -> int: ...
