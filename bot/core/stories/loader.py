"""Load the story content through the shared validator, so a broken file names its line."""

from __future__ import annotations

from pathlib import Path

from bot.core.content_loader import ContentError, FileValidator, register_extra
from bot.core.stories.models import PrincipleSet, StoryContent, StoryRules


@register_extra("stories")
def load_stories(v: FileValidator, content_dir: Path) -> StoryContent | None:
    """Validate ``principles.yaml`` and ``stories/rules.yaml``; None if either is broken."""
    principles = v.load(content_dir / "principles.yaml", PrincipleSet)
    rules = v.load(content_dir / "stories" / "rules.yaml", StoryRules)
    if principles is None or rules is None:
        return None
    return StoryContent(principles=principles.principles, rules=rules)


def load_story_content_checked(content_dir: Path) -> StoryContent:
    """The story content alone, or :class:`ContentError` naming each file and line."""
    v = FileValidator(content_dir.parent)
    content = load_stories(v, content_dir)
    if v.problems or content is None:
        raise ContentError(v.problems)
    return content
