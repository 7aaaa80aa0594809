"""The CI examples work: the git pre-commit hook refuses a commit that breaks the policy."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples" / "ci"

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")


def _git(repo: Path, *args: str) -> None:
    subprocess.run(
        ["git", "-c", "user.name=t", "-c", "user.email=t@example.org", *args],
        cwd=repo, check=True, capture_output=True,
    )  # fmt: skip


def test_pre_commit_hook(tmp_path: Path) -> None:
    repo = tmp_path / "newsroom"
    shutil.copytree(EXAMPLES / "demo", repo)
    _git(repo, "init", "-q")
    _git(repo, "add", "rewrite-detect.toml", "meta.csv", "sources")
    _git(repo, "commit", "-qm", "policy and sources")
    env = {**os.environ, "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"}

    def hook() -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            ["bash", str(EXAMPLES / "pre-commit")],
            cwd=repo, env={**env, "REWRITE_DETECT_SARIF": "out.sarif"},
            capture_output=True, text=True, timeout=120, check=False,
        )  # fmt: skip

    assert hook().returncode == 0  # nothing staged
    _git(repo, "add", "articles/wire-copy.txt", "articles/council-budget.txt")
    done = hook()
    assert done.returncode == 0, done.stdout + done.stderr
    assert "passed: 2 articles checked" in done.stdout
    _git(repo, "add", "articles/wire-copy-edited.txt")
    done = hook()
    assert done.returncode == 1
    assert (
        "articles/wire-copy-edited.txt\n  1:98  error      syndicated-must-be-verbatim"
        in done.stdout
    )
    assert "break the policy" in done.stderr
    assert '"ruleId": "syndicated-must-be-verbatim"' in (repo / "out.sarif").read_text()


def test_workflow_runs_the_documented_commands() -> None:
    workflow = (EXAMPLES / "rewrite-detect.yml").read_text()
    assert "rewrite-detect check \\\n            --format sarif -o rewrite-detect.sarif" in workflow
    assert "github/codeql-action/upload-sarif" in workflow
    assert "sarif_file: rewrite-detect.sarif" in workflow
    assert "rewrite-detect check --format github" in workflow
    assert "security-events: write" in workflow
