"""Shared fixtures for mock-interview tests."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from tests.mocks.mock_instances import Instance, random_instance


@pytest.fixture
def make_instance() -> Callable[[int, int, int], Instance]:
    """Factory for :func:`random_instance`."""
    return random_instance
