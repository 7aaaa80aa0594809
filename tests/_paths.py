"""Paths of the committed test fixtures."""

from __future__ import annotations

from pathlib import Path

FIXTURES = Path(__file__).parent / "fixtures"
SEEDS = FIXTURES / "seeds"
HILL = SEEDS / "004_e9fc72fd02330fd2.txt"  # The Hill's write-up: the source
FARM = SEEDS / "000_6d78614b7348ec9e.txt"  # a content farm's reworded copy: the target
DEMO = Path(__file__).resolve().parent.parent / "examples" / "ci" / "demo"  # the check demo
