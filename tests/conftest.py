"""Shared fixtures: the seed pair."""

from __future__ import annotations

import pytest

from tests._paths import FARM, HILL


@pytest.fixture(scope="session")
def hill_text() -> str:
    return HILL.read_text(encoding="utf-8")


@pytest.fixture(scope="session")
def farm_text() -> str:
    return FARM.read_text(encoding="utf-8")


# Session servers for tests/scale (Redis, Spark); imported so that pytest finds them.
from tests._servers import redis_server, redis_url, spark  # noqa: E402, F401
