"""Imports every models module so ``Base.metadata`` knows every table (for Alembic)."""

from __future__ import annotations

from bot.storage import models_mocks, models_outbox, models_platform, models_stories  # noqa: F401
from bot.storage.models import Base

__all__ = ["Base"]
