"""Features register what they keep about a member, for export and for forgetting."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from bot.core.ports import Store

Exporter = Callable[[Store, int, str], dict[str, Any]]
Forgetter = Callable[[Store, int, str], int]

EXPORTERS: dict[str, Exporter] = {}
FORGETTERS: dict[str, Forgetter] = {}


def member_data(name: str, export: Exporter, forget: Forgetter) -> None:
    """Register how feature ``name`` exports and deletes a member's data."""
    EXPORTERS[name] = export
    FORGETTERS[name] = forget
