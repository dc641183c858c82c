"""Every test under tests/faults is marked ``faults``."""

from __future__ import annotations

import pytest


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Everything under tests/faults is a fault test."""
    for item in items:
        if "tests/faults" in str(item.fspath).replace("\\", "/"):
            item.add_marker(pytest.mark.faults)
