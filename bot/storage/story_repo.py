"""Stories and their thread replies; mixed into the store by :func:`make_store`."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, func, select
from sqlalchemy.exc import IntegrityError

from bot.core.stories.ports import NewStory, StoredStory, StoryReply
from bot.storage.db import Database
from bot.storage.models import MemberRow
from bot.storage.models_stories import StoryReplyRow, StoryRow

_NUMBER_TRIES = 5


def _story(row: StoryRow) -> StoredStory:
    return StoredStory(
        id=row.id, group_id=row.group_id, user_id=row.user_id, number=row.number,
        text=row.text, question=row.question, target=row.target,
        visibility="ephemeral" if row.visibility == "ephemeral" else "thread",
        principles=tuple((str(p), float(s)) for p, s in row.principles),
        flags=tuple(str(f) for f in row.flags), word_count=row.word_count,
        feedback=dict(row.feedback), created_at=row.created_at,
    )


def _reply(row: StoryReplyRow) -> StoryReply:
    return StoryReply(row.id, row.story_id, row.user_id, row.display_name, row.text,
                      row.created_at)


class StoryRepo:
    """Implements the core's :class:`~bot.core.stories.ports.StoryStore`."""

    db: Database

    def add_story(self, group_id: int, user_id: str, story: NewStory) -> StoredStory:
        """Store a story as the member's next number (retried if a concurrent submit won)."""
        for attempt in range(_NUMBER_TRIES):
            try:
                with self.db.session() as s:
                    # Serialize one member's submits on PostgreSQL (a no-op on SQLite, where
                    # writers are serialized anyway); the unique key stays the last word.
                    s.execute(select(MemberRow.id).where(
                        (MemberRow.group_id == group_id) & (MemberRow.user_id == user_id))
                        .with_for_update())
                    last = s.scalar(select(func.max(StoryRow.number)).where(
                        (StoryRow.group_id == group_id) & (StoryRow.user_id == user_id)))
                    row = StoryRow(
                        group_id=group_id, user_id=user_id, number=(last or 0) + 1,
                        text=story.text, question=story.question, target=story.target,
                        visibility=story.visibility,
                        principles=[[p, s_] for p, s_ in story.principles],
                        flags=list(story.flags), word_count=story.word_count,
                        feedback=story.feedback, created_at=story.created_at,
                    )
                    s.add(row)
                    s.flush()
                    return _story(row)
            except IntegrityError:
                if attempt == _NUMBER_TRIES - 1:
                    raise
        raise AssertionError("unreachable")

    def list_stories(self, group_id: int, user_id: str) -> list[StoredStory]:
        """The member's stories by number."""
        with self.db.session() as s:
            rows = s.scalars(select(StoryRow).where(
                (StoryRow.group_id == group_id) & (StoryRow.user_id == user_id))
                .order_by(StoryRow.number))
            return [_story(r) for r in rows]

    def get_story(self, group_id: int, user_id: str, number: int) -> StoredStory | None:
        """The member's story number ``number``."""
        with self.db.session() as s:
            row = s.scalars(select(StoryRow).where(
                (StoryRow.group_id == group_id) & (StoryRow.user_id == user_id)
                & (StoryRow.number == number))).first()
            return _story(row) if row else None

    def get_story_by_id(self, group_id: int, story_id: int) -> StoredStory | None:
        """A story of the group by id (for its review thread)."""
        with self.db.session() as s:
            row = s.scalars(select(StoryRow).where(
                (StoryRow.group_id == group_id) & (StoryRow.id == story_id))).first()
            return _story(row) if row else None

    def delete_story(self, group_id: int, user_id: str, number: int) -> bool:
        """Delete the member's story and every reply to it; False if there was none."""
        with self.db.session() as s:
            story_id = s.scalar(select(StoryRow.id).where(
                (StoryRow.group_id == group_id) & (StoryRow.user_id == user_id)
                & (StoryRow.number == number)))
            if story_id is None:
                return False
            s.execute(delete(StoryReplyRow).where(StoryReplyRow.story_id == story_id))
            s.execute(delete(StoryRow).where(StoryRow.id == story_id))
            return True

    def add_story_reply(self, group_id: int, story_id: int, user_id: str, display_name: str,
                        text: str, at: datetime) -> StoryReply:
        """Keep a thread reply with its story."""
        with self.db.session() as s:
            row = StoryReplyRow(story_id=story_id, group_id=group_id, user_id=user_id,
                                display_name=display_name[:80], text=text, created_at=at)
            s.add(row)
            s.flush()
            return _reply(row)

    def story_replies(self, group_id: int, story_id: int) -> list[StoryReply]:
        """The replies to one story, oldest first."""
        with self.db.session() as s:
            rows = s.scalars(select(StoryReplyRow).where(
                (StoryReplyRow.group_id == group_id) & (StoryReplyRow.story_id == story_id))
                .order_by(StoryReplyRow.id))
            return [_reply(r) for r in rows]

    def replies_by(self, group_id: int, user_id: str) -> list[StoryReply]:
        """Every reply the member wrote in the group, oldest first."""
        with self.db.session() as s:
            rows = s.scalars(select(StoryReplyRow).where(
                (StoryReplyRow.group_id == group_id) & (StoryReplyRow.user_id == user_id))
                .order_by(StoryReplyRow.id))
            return [_reply(r) for r in rows]

    def forget_stories(self, group_id: int, user_id: str) -> int:
        """Delete the member's stories (with all their replies) and the member's replies on
        other stories; return the rows removed."""
        with self.db.session() as s:
            own = select(StoryRow.id).where(
                (StoryRow.group_id == group_id) & (StoryRow.user_id == user_id))
            replies = s.execute(delete(StoryReplyRow).where(
                (StoryReplyRow.group_id == group_id)
                & ((StoryReplyRow.user_id == user_id) | StoryReplyRow.story_id.in_(own))))
            stories = s.execute(delete(StoryRow).where(
                (StoryRow.group_id == group_id) & (StoryRow.user_id == user_id)))
            return (replies.rowcount or 0) + (stories.rowcount or 0)

    def count_stories(self, group_id: int) -> int:
        """How many stories the group's members keep."""
        with self.db.session() as s:
            return s.scalar(select(func.count()).select_from(StoryRow)
                            .where(StoryRow.group_id == group_id)) or 0
