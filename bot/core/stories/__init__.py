"""Offline STAR story analysis: content models, the analyzer and its renderers."""

from bot.core.stories.analyzer import (
    Analysis,
    EmptyStory,
    StoryInputError,
    StoryTooLong,
    UnknownPrinciple,
    analyze,
)
from bot.core.stories.models import StoryContent, load_story_content

__all__ = [
    "Analysis",
    "EmptyStory",
    "StoryContent",
    "StoryInputError",
    "StoryTooLong",
    "UnknownPrinciple",
    "analyze",
    "load_story_content",
]
