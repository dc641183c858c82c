"""Shared fixtures for mock-interview tests."""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path

import pytest

# Make ``tests.mocks...`` importable when pytest is run as a script (not ``python -m``).
sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from tests.mocks.mock_instances import Instance, random_instance


@pytest.fixture
def make_instance() -> Callable[[int, int, int], Instance]:
    """Factory for :func:`random_instance`."""
    return random_instance
