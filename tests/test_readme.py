"""README's first lines stay true: set-up + main job, and the test command CI runs."""

from __future__ import annotations

import shlex
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _commands() -> list[str]:
    lines = (ROOT / "README.md").read_text(encoding="utf-8").splitlines()
    start = lines.index("```sh")
    end = lines.index("```", start + 1)
    return lines[start + 1 : end]


def test_two_commands_first() -> None:
    """The first code block holds exactly the set-up command and the test command."""
    setup, tests = _commands()
    assert "pip install -e '.[dev]'" in setup
    assert "rewrite-detect compare" in setup
    assert "pytest" in tests


def test_bundled_example_exists() -> None:
    """The files the set-up command compares are committed."""
    setup, _ = _commands()
    words = shlex.split(setup.split("rewrite-detect compare", 1)[1])
    assert len(words) == 2
    for word in words:
        assert (ROOT / word).is_file(), word


def test_ci_runs_the_readme_test_command() -> None:
    """.ci/run ends with the README's test command."""
    _, tests = _commands()
    ci_lines = [line for line in (ROOT / ".ci" / "run").read_text().splitlines() if line.strip()]
    assert ci_lines[-1] == tests
