"""What the ``semantic`` extra adds, and what it costs: MRPC, PAWS and PAN, with and without.

Needs the extra (``pip install torch==2.13.0`` on a CPU machine, then
``pip install -e '.[semantic]'``). In one run, on the same items, with and without
:class:`rewrite_detect.SemanticScorer`:

* **MRPC train**: the cross-validated figures of ``fit_config.py`` stages 1b and 1c (each fold
  with its own lexical model and blend), and the shipped model applied to all pairs;
* **PAWS dev**: the shipped labels, all 8,000 pairs (never used for fitting the blend);
* **PAN 2013 training, translation and summary obfuscations**: plagdet of the passages on a
  fixed-seed sample of each folder (``--pan-pairs`` each, seed 5);
* **cost**: model load time, and milliseconds per aligned pair (both sides encoded).

Prints a table and writes ``benchmarks/results/semantic.json``.

Usage: ``python benchmarks/evaluate_semantic.py [--pan-pairs 120] [--seed 5]``
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import RESULTS_DIR, machine_info, print_table, write_json
from evaluate import _per_folder, data_dir, sample
from rewrite_detect import ConfigError, SemanticScorer
from rewrite_detect.evaluation import (
    label_scores,
    load_pan,
    load_sentence_pairs,
    pan_detections,
    sentence_pair_label,
)

FITTED = Path(__file__).resolve().parent.parent / "src" / "rewrite_detect" / "fitted.json"
PAN_PARTS = ("04-translation-obfuscation", "05-summary-obfuscation")


def _sentences(kind: str, path: Path, scorer: SemanticScorer) -> dict[str, Any]:
    items = load_sentence_pairs(path, kind)
    gold = ["paraphrase" if p.label else "divergent" for p in items]
    t0 = time.perf_counter()
    cosines = scorer.similarity([(p.a, p.b) for p in items]).tolist()
    ms = (time.perf_counter() - t0) / len(items) * 1000
    out: dict[str, Any] = {"pairs": len(items), "encode_ms_per_pair": round(ms, 2)}
    for name, cos in (("without", [None] * len(items)), ("with", cosines)):
        pred = [
            "divergent" if sentence_pair_label(p.a, p.b, cosine=c)[0].value == "divergent"
            else "paraphrase"
            for p, c in zip(items, cos, strict=True)
        ]  # fmt: skip
        scores = label_scores(gold, pred)
        out[name] = {
            "accuracy": round(float(scores["_all"]["accuracy"]), 4),
            "f1_paraphrase": round(float(scores["paraphrase"]["f1"]), 4),
        }
    return out


def _pan(scorer: SemanticScorer, n: int, seed: int) -> dict[str, Any]:
    every = load_pan(data_dir() / "pan13" / "train")
    pairs = [
        p for part in PAN_PARTS for p in sample([q for q in every if q.folder == part], n, seed)
    ]
    out: dict[str, Any] = {"pairs": len(pairs), "per_folder": n}
    for name, sem in (("without", None), ("with", scorer)):
        t0 = time.perf_counter()
        found = [pan_detections(p, semantic=sem) for p in pairs]
        scores = _per_folder(pairs, found)
        out[name] = {
            "seconds": round(time.perf_counter() - t0, 1),
            **{k: scores[k] for k in ("translation", "summary") if k in scores},
        }
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pan-pairs", type=int, default=120, help="PAN pairs per folder")
    parser.add_argument("--seed", type=int, default=5)
    args = parser.parse_args(argv)
    t0 = time.perf_counter()
    try:
        scorer = SemanticScorer()
    except ConfigError as exc:
        print(exc)
        return 2
    load_s = time.perf_counter() - t0
    fitted = json.loads(FITTED.read_text(encoding="utf-8"))
    report = fitted["report"]
    results: dict[str, Any] = {
        "model": SemanticScorer.model_name,
        "load_s": round(load_s, 2),
        "mrpc_cv": {
            "without": {
                "accuracy": report["paraphrase_model"]["cv_accuracy"],
                "f1_paraphrase": report["paraphrase_model"]["cv_f1"],
            },
            "with": {
                "accuracy": report["semantic_model"]["cv_accuracy"],
                "f1_paraphrase": report["semantic_model"]["cv_f1"],
            },
        },
    }
    for kind, rel in (("mrpc", "mrpc/train.tsv"), ("paws", "paws/dev.tsv")):
        results[kind] = _sentences(kind, data_dir() / rel, scorer)
        print(f"{kind} done", flush=True)
    results["pan"] = _pan(scorer, args.pan_pairs, args.seed)
    rows = [
        ["model load", f"{load_s:.1f} s", "", ""],
        ["MRPC train, 5-fold CV", *_pair(results["mrpc_cv"], "accuracy"), ""],
        ["MRPC train, shipped model", *_pair(results["mrpc"], "accuracy"), ""],
        ["MRPC F1, 5-fold CV", *_pair(results["mrpc_cv"], "f1_paraphrase"), ""],
        ["PAWS dev accuracy", *_pair(results["paws"], "accuracy"), ""],
        *[
            [f"PAN {part} plagdet", *(
                f"{results['pan'][w][part]['plagdet']:.3f}" for w in ("without", "with")
            ), ""]
            for part in ("translation", "summary")
        ],
        ["ms per pair (MRPC, encoding)", "", f"{results['mrpc']['encode_ms_per_pair']:.1f}", ""],
    ]  # fmt: skip
    print_table(["measure", "without", "with semantic", ""], rows)
    results["machine"] = machine_info()
    write_json(RESULTS_DIR / "semantic.json", results)
    return 0


def _pair(block: dict[str, Any], key: str) -> list[str]:
    return [f"{block['without'][key]:.3f}", f"{block['with'][key]:.3f}"]


if __name__ == "__main__":
    raise SystemExit(main())
