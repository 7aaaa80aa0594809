"""Shared fixtures: the seed pair, the check demo, the test servers."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests._paths import DEMO, FARM, HILL


@pytest.fixture(scope="session")
def hill_text() -> str:
    return HILL.read_text(encoding="utf-8")


@pytest.fixture(scope="session")
def farm_text() -> str:
    return FARM.read_text(encoding="utf-8")


@pytest.fixture
def demo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A private copy of the check demo (examples/ci/demo), as the working directory."""
    where = tmp_path / "demo"
    shutil.copytree(DEMO, where)
    monkeypatch.chdir(where)
    return where


# Session servers for tests/scale (Redis, Spark); imported so that pytest finds them.
from tests._servers import redis_server, redis_url, spark  # noqa: E402, F401
