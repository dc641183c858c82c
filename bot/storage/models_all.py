"""Imports every models module so ``Base.metadata`` knows every table."""

from __future__ import annotations

import importlib

from bot.storage.models import Base

FEATURE_MODELS = (
    "bot.storage.models_outbox",
    "bot.storage.models_mocks",
    "bot.storage.models_stories",
    "bot.storage.models_platform",
)

for _module in FEATURE_MODELS:
    try:
        importlib.import_module(_module)
    except ModuleNotFoundError as _exc:
        if _exc.name != _module:
            raise

__all__ = ["Base"]
