"""CI regression guard: accuracy on fixed-seed subsets of the labelled corpora.

Runs ``benchmarks/evaluate.py`` on small subsets (the same seed and sizes as the committed
``benchmarks/results/accuracy_subset.json``) and fails when a headline figure drops more than
0.02 below the committed one. The corpora are not in the repository: they are read from
``$REWRITE_DETECT_DATA`` or ``<project root>/../shared/data``; without them the test skips.
Refresh the committed figures, after a deliberate change, with::

    python benchmarks/evaluate.py --subset 300 --pan-subset 120 --workers 1
"""

from __future__ import annotations

import importlib.util
import json
import os
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parent.parent
COMMITTED = ROOT / "benchmarks" / "results" / "accuracy_subset.json"
TOLERANCE = 0.02


def _data_dir() -> Path:
    env = os.environ.get("REWRITE_DETECT_DATA")
    return Path(env) if env else ROOT.parent / "shared" / "data"


@pytest.fixture(scope="module")
def committed() -> dict[str, Any]:
    return json.loads(COMMITTED.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def measured(committed: dict[str, Any]) -> dict[str, float]:
    data = _data_dir()
    if not (data / "mrpc" / "train.tsv").exists():
        pytest.skip(
            f"labelled corpora not found at {data}: set REWRITE_DETECT_DATA to the folder "
            "holding pan13/, mrpc/, paws/ and clough-stevenson/ to run the accuracy guard"
        )
    spec = importlib.util.spec_from_file_location("evaluate", ROOT / "benchmarks" / "evaluate.py")
    assert spec is not None
    assert spec.loader is not None
    evaluate = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(evaluate)
    results = evaluate.evaluate(
        ["pan", "clough", "mrpc", "paws"],
        subset=committed["subset"],
        pan_subset=committed["pan_subset"],
        seed=committed["seed"],
        workers=1,
        baselines=False,
        log=lambda _: None,
    )
    return evaluate.headline(results)


def test_committed_figures_cover_every_corpus(committed: dict[str, Any]) -> None:
    assert set(committed["headline"]) >= {
        "pan.plagdet",
        "clough.accuracy",
        "mrpc.accuracy",
        "paws.accuracy",
    }


@pytest.mark.parametrize(
    "metric",
    [
        "pan.plagdet",
        "pan.precision",
        "pan.recall",
        "clough.accuracy",
        "mrpc.accuracy",
        "mrpc.f1_paraphrase",
        "paws.accuracy",
        "paws.f1_paraphrase",
    ],
)
def test_no_metric_drops(
    metric: str, measured: dict[str, float], committed: dict[str, Any]
) -> None:
    before = committed["headline"][metric]
    assert measured[metric] >= before - TOLERANCE, (
        f"{metric} fell from {before:.4f} to {measured[metric]:.4f} on the CI subset; "
        "if the change is deliberate, rerun benchmarks/evaluate.py with the subset options "
        "and commit the new figures"
    )
