"""Accuracy on labelled corpora: PAN 2013, Clough & Stevenson, MRPC, PAWS, with baselines.

What is measured
    * **PAN 2013 text alignment** (training corpus): each pair is compared (source document
      against suspicious document) and its reused passages (``rewrite_detect.passages``) are
      the detections. PAN's character-level precision, recall, granularity and plagdet overall
      and per folder (no-plagiarism, none, random, translation, summary), and the detections
      on pairs without a case (false detections).
    * **Clough & Stevenson**: each answer against its task's source; plagiarised (cut, light,
      heavy) when the document verdict is not ``independent``. Accuracy and the four classes.
    * **MRPC train** and **PAWS dev**: each sentence pair labelled as one aligned pair
      (``evaluation.sentence_pair_label``); 1 is predicted when the label is verbatim or
      paraphrase. Accuracy, precision/recall/F1 per label, reliability of the similarity.
    * **Baselines**, in the same run, each with one threshold chosen by 5-fold
      cross-validation (fixed seed) on the same data: ``rapidfuzz.fuzz.ratio`` of the
      lowercased texts, and the MinHash estimate (datasketch, 128 permutations, seed 1) of
      the Jaccard similarity of word 3-gram shingles. On PAN the baselines work sentence by
      sentence: a suspicious sentence is detected when its best source sentence passes the
      threshold (ratio over all sentence pairs; for Jaccard, the exact value the MinHash
      estimates, since sketching every sentence of 5,185 pairs is needlessly slow).

The thresholds of the detector itself were fitted on these training splits by
``benchmarks/fit_config.py`` (see ``docs/accuracy.md``); MRPC and PAWS figures are therefore
training-set figures for the few fitted numbers.

Data: ``$REWRITE_DETECT_DATA`` or ``<project root>/../shared/data`` (never copied into the
repository). A missing corpus is skipped with a message.

Usage
-----
    python benchmarks/evaluate.py [--corpora pan,clough,mrpc,paws] [--subset N]
                                  [--pan-subset M] [--seed 5] [--workers 2] [--no-plots]
                                  [--output PATH]

``--subset N`` samples N items of Clough & Stevenson, MRPC and PAWS, ``--pan-subset M`` M PAN
pairs, with the seed (the CI guard uses ``--subset 300 --pan-subset 120``); the results then
go to ``benchmarks/results/accuracy_subset.json`` unless ``--output`` is given.
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import time
from collections import defaultdict
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

import numpy as np
from datasketch import MinHash
from rapidfuzz import fuzz, process

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import RESULTS_DIR, machine_info, print_table, write_json
from rewrite_detect import DetectorConfig, compare
from rewrite_detect.evaluation import (
    Annotation,
    PanPair,
    confusion_matrix,
    label_scores,
    load_clough_stevenson,
    load_pan,
    load_sentence_pairs,
    pan_detections,
    pan_scores,
    read_text,
    reliability,
    sentence_pair_label,
)
from rewrite_detect.segmentation import segment

REPO_ROOT = Path(__file__).resolve().parent.parent
PAN_FOLDERS = {
    "01-no-plagiarism": "no-plagiarism",
    "02-no-obfuscation": "none",
    "03-random-obfuscation": "random",
    "04-translation-obfuscation": "translation",
    "05-summary-obfuscation": "summary",
}


def data_dir() -> Path:
    """``$REWRITE_DETECT_DATA`` or ``<project root>/../shared/data``."""
    env = os.environ.get("REWRITE_DETECT_DATA")
    return Path(env) if env else REPO_ROOT.parent / "shared" / "data"


def sample(items: Sequence[Any], n: int | None, seed: int) -> list[Any]:
    """A fixed-seed sample of ``n`` items in their original order (all when ``n`` is None)."""
    if n is None or n >= len(items):
        return list(items)
    keep = sorted(random.Random(seed).sample(range(len(items)), n))
    return [items[i] for i in keep]


# --------------------------------------------------------------------------------------------
# Baseline scorers
# --------------------------------------------------------------------------------------------


def _shingles(text: str, n: int = 3) -> set[str]:
    words = text.lower().split()
    if len(words) < n:
        return {" ".join(words)} if words else set()
    return {" ".join(words[i : i + n]) for i in range(len(words) - n + 1)}


def minhash_jaccard(a: str, b: str) -> float:
    """MinHash (datasketch, 128 permutations, seed 1) estimate of word 3-gram Jaccard."""
    sa, sb = _shingles(a), _shingles(b)
    if not sa or not sb:
        return 0.0
    ma = MinHash(num_perm=128, seed=1)
    mb = MinHash(num_perm=128, seed=1)
    ma.update_batch([s.encode() for s in sa])
    mb.update_batch([s.encode() for s in sb])
    return float(ma.jaccard(mb))


def exact_jaccard(a: str, b: str) -> float:
    sa, sb = _shingles(a), _shingles(b)
    return len(sa & sb) / len(sa | sb) if sa and sb else 0.0


def ratio(a: str, b: str) -> float:
    return fuzz.ratio(a.lower(), b.lower()) / 100.0


def cv_threshold(
    scores: Sequence[float], gold: Sequence[bool], *, folds: int = 5, seed: int = 5
) -> dict[str, Any]:
    """Accuracy of one threshold chosen on the other folds, per fold; and the full-data pick."""
    s = np.asarray(scores, dtype=float)
    g = np.asarray(gold, dtype=bool)
    grid = np.unique(np.round(s, 3))
    grid = np.concatenate(([0.0], grid, [1.01]))

    def best(idx: np.ndarray) -> float:
        accs = [((s[idx] >= t) == g[idx]).mean() for t in grid]
        return float(grid[int(np.argmax(accs))])

    order = np.random.default_rng(seed).permutation(len(s))
    pred = np.zeros(len(s), dtype=bool)
    for k in range(folds):
        test = order[k::folds]
        train = np.setdiff1d(order, test)
        pred[test] = s[test] >= best(train)
    tp = int((pred & g).sum())
    f1 = 2 * tp / (pred.sum() + g.sum()) if pred.sum() + g.sum() else 0.0
    return {
        "accuracy": round(float((pred == g).mean()), 4),
        "f1": round(float(f1), 4),
        "threshold_all_data": best(np.arange(len(s))),
    }


# --------------------------------------------------------------------------------------------
# PAN
# --------------------------------------------------------------------------------------------


def _pan_one(pair: PanPair) -> tuple[list[Annotation], list[Annotation], list[Annotation]]:
    """Detector passages, and the two sentence-level baselines' detections (best per sentence)."""
    detections = pan_detections(pair)
    src_text, susp_text = read_text(pair.source_path), read_text(pair.susp_path)
    src = segment(src_text).sentences
    susp = segment(susp_text).sentences
    base_ratio: list[Annotation] = []
    base_jac: list[Annotation] = []
    if src and susp:
        mat = process.cdist(
            [s.text.lower() for s in susp],
            [s.text.lower() for s in src],
            scorer=fuzz.ratio,
            dtype=np.uint8,
            workers=1,
        )
        jac = _jaccard_matrix([_shingles(s.text) for s in susp], [_shingles(s.text) for s in src])
        for j, sent in enumerate(susp):
            i = int(np.argmax(mat[j]))
            base_ratio.append(_ann(pair, sent, src[i], mat[j, i] / 100.0))
            k = int(np.argmax(jac[j]))
            base_jac.append(_ann(pair, sent, src[k], float(jac[j, k])))
    return detections, base_ratio, base_jac


def _pan_detector_only(
    pair: PanPair,
) -> tuple[list[Annotation], list[Annotation], list[Annotation]]:
    return pan_detections(pair), [], []


def _jaccard_matrix(a: list[set[str]], b: list[set[str]]) -> np.ndarray:
    """Exact Jaccard similarity of every set in ``a`` with every set in ``b``."""
    vocab: dict[str, int] = {}
    for sets in (a, b):
        for s in sets:
            for x in s:
                vocab.setdefault(x, len(vocab))
    ma = np.zeros((len(a), len(vocab)), dtype=np.float32)
    mb = np.zeros((len(b), len(vocab)), dtype=np.float32)
    for m, sets in ((ma, a), (mb, b)):
        for row, s in enumerate(sets):
            m[row, [vocab[x] for x in s]] = 1.0
    inter = ma @ mb.T
    union = ma.sum(axis=1)[:, None] + mb.sum(axis=1)[None, :] - inter
    return np.divide(inter, union, out=np.zeros_like(inter), where=union > 0)


def _ann(pair: PanPair, susp: Any, src: Any, score: float) -> Annotation:
    # The score rides in ``obfuscation`` so that one list serves every threshold.
    return Annotation(
        susp=pair.susp,
        susp_offset=susp.start,
        susp_length=susp.end - susp.start,
        source=pair.source,
        source_offset=src.start,
        source_length=src.end - src.start,
        obfuscation=f"{score:.4f}",
    )


def _per_folder(
    pairs: Sequence[PanPair], detections: Sequence[Sequence[Annotation]]
) -> dict[str, Any]:
    cases: dict[str, list[Annotation]] = defaultdict(list)
    dets: dict[str, list[Annotation]] = defaultdict(list)
    for pair, found in zip(pairs, detections, strict=True):
        name = PAN_FOLDERS.get(pair.folder, pair.folder)
        cases[name].extend(pair.cases)
        dets[name].extend(found)
    out: dict[str, Any] = {
        "overall": pan_scores(
            [c for v in cases.values() for c in v], [d for v in dets.values() for d in v]
        ).to_dict()
    }
    for name in PAN_FOLDERS.values():
        if name in cases or name in dets:
            out[name] = pan_scores(cases[name], dets[name]).to_dict()
    no_case = [found for pair, found in zip(pairs, detections, strict=True) if not pair.cases]
    out["pairs_without_case"] = {
        "pairs": len(no_case),
        "pairs_with_a_detection": sum(1 for f in no_case if f),
        "detections": sum(len(f) for f in no_case),
        "detected_chars_suspicious": sum(d.susp_length for f in no_case for d in f),
    }
    return out


def _baseline_at(found: Sequence[Sequence[Annotation]], threshold: float) -> list[list[Annotation]]:
    return [[d for d in f if float(d.obfuscation) >= threshold] for f in found]


def run_pan(
    root: Path, subset: int | None, seed: int, workers: int, *, baselines: bool = True
) -> dict[str, Any]:
    pairs = sample(load_pan(root), subset, seed)
    t0 = time.perf_counter()
    one = _pan_one if baselines else _pan_detector_only
    if workers == 1:
        results = [one(p) for p in pairs]
    else:
        with ProcessPoolExecutor(workers) as pool:
            results = list(pool.map(one, pairs, chunksize=8))
    elapsed = time.perf_counter() - t0
    ours = _per_folder(pairs, [r[0] for r in results])
    base = {}
    for name, idx in (("rapidfuzz_ratio", 1), ("jaccard_3gram", 2)):
        if not baselines:
            break
        found = [r[idx] for r in results]
        # One threshold, chosen on these pairs for the best overall plagdet (an optimistic
        # baseline: it sees the data it is scored on).
        best = max(
            (
                (_per_folder(pairs, _baseline_at(found, t))["overall"]["plagdet"], t)
                for t in np.arange(0.3, 0.96, 0.05)
            ),
        )
        scores = _per_folder(pairs, _baseline_at(found, best[1]))
        base[name] = {"threshold": round(float(best[1]), 2), **scores}
    return {
        "pairs": len(pairs),
        "subset": subset,
        "seconds": round(elapsed, 1),
        "seconds_per_pair": round(elapsed / max(1, len(pairs)) * workers, 4),
        "detector": ours,
        "baselines": base,
    }


# --------------------------------------------------------------------------------------------
# Clough & Stevenson
# --------------------------------------------------------------------------------------------


def run_clough(
    root: Path, subset: int | None, seed: int, *, baselines: bool = True
) -> dict[str, Any]:
    answers = sample(load_clough_stevenson(root), subset, seed)
    verdicts = [compare(a.source_text, a.text).verdict.value for a in answers]
    gold = ["plagiarised" if a.plagiarised else "non" for a in answers]
    pred = ["non" if v == "independent" else "plagiarised" for v in verdicts]
    cats = ["cut", "light", "heavy", "non"]
    verdict_names = ["verbatim-copy", "rewrite", "partial-reuse", "independent"]
    by_cat = {
        c: {
            v: sum(1 for a, x in zip(answers, verdicts, strict=True) if a.category == c and x == v)
            for v in verdict_names
        }
        for c in cats
    }
    scores = label_scores(gold, pred)
    base = {}
    for name, fn in (("rapidfuzz_ratio", ratio), ("minhash_jaccard_3gram", minhash_jaccard)):
        if not baselines:
            break
        s = [fn(a.source_text, a.text) for a in answers]
        base[name] = cv_threshold(s, [a.plagiarised for a in answers], seed=seed)
    return {
        "answers": len(answers),
        "accuracy": round(float(scores["_all"]["accuracy"]), 4),
        "per_label": _rounded(scores),
        "verdicts_by_category": by_cat,
        "confusion": {
            "labels": ["plagiarised", "non"],
            "matrix": confusion_matrix(gold, pred, ["plagiarised", "non"]),
        },
        "baselines": base,
    }


def _rounded(scores: dict[str, dict[str, float | int]]) -> dict[str, dict[str, float | int]]:
    return {
        k: {m: round(v, 4) if isinstance(v, float) else v for m, v in d.items()}
        for k, d in scores.items()
    }


# --------------------------------------------------------------------------------------------
# Sentence pairs
# --------------------------------------------------------------------------------------------


def run_sentences(
    path: Path,
    kind: str,
    subset: int | None,
    seed: int,
    config: DetectorConfig | None = None,
    *,
    baselines: bool = True,
) -> dict[str, Any]:
    items = sample(load_sentence_pairs(path, kind), subset, seed)
    t0 = time.perf_counter()
    labelled = [sentence_pair_label(p.a, p.b, config) for p in items]
    per_pair_ms = (time.perf_counter() - t0) / max(1, len(items)) * 1000
    gold = ["paraphrase" if p.label else "divergent" for p in items]
    three = [label.value for label, _ in labelled]
    pred = ["divergent" if x == "divergent" else "paraphrase" for x in three]
    scores = label_scores(gold, pred)
    bins, ece = reliability([s for _, s in labelled], [p.label == 1 for p in items])
    base = {}
    for name, fn in (("rapidfuzz_ratio", ratio), ("minhash_jaccard_3gram", minhash_jaccard)):
        if not baselines:
            break
        s = [fn(p.a, p.b) for p in items]
        base[name] = cv_threshold(s, [p.label == 1 for p in items], seed=seed)
    return {
        "pairs": len(items),
        "subset": subset,
        "accuracy": round(float(scores["_all"]["accuracy"]), 4),
        "f1_paraphrase": round(float(scores["paraphrase"]["f1"]), 4),
        "per_label": _rounded(scores),
        "predicted_labels": {x: three.count(x) for x in ("verbatim", "paraphrase", "divergent")},
        "ms_per_pair": round(per_pair_ms, 3),
        "reliability": {
            "ece": round(ece, 4),
            "bins": [
                {
                    "low": b.low,
                    "high": b.high,
                    "count": b.count,
                    "mean_score": round(b.mean_score, 4),
                    "positive_rate": round(b.positive_rate, 4),
                }
                for b in bins
            ],
        },
        "_scores": [s for _, s in labelled],
        "_gold": [p.label for p in items],
        "baselines": base,
    }


# --------------------------------------------------------------------------------------------
# Output
# --------------------------------------------------------------------------------------------


def plots(results: dict[str, Any], out_dir: Path) -> list[str]:
    """Precision-recall curves of the similarity and reliability diagrams (PNG)."""
    try:
        # Optional (the [eval] extra): the evaluation runs without it, only the plots need it.
        import matplotlib  # noqa: PLC0415

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt  # noqa: PLC0415
    except ImportError:
        print("matplotlib missing: no plots (pip install -e '.[eval]')")
        return []
    written = []
    sent = {k: v for k, v in results.items() if k in {"mrpc", "paws"} and "_scores" in v}
    if sent:
        fig, axes = plt.subplots(1, 2, figsize=(10, 4.2))
        for name, r in sent.items():
            s = np.asarray(r["_scores"])
            g = np.asarray(r["_gold"], dtype=bool)
            order = np.argsort(-s)
            tp = np.cumsum(g[order])
            precision = tp / np.arange(1, len(s) + 1)
            recall = tp / max(1, g.sum())
            axes[0].plot(recall, precision, label=f"{name} (paraphrase)")
            bins = r["reliability"]["bins"]
            axes[1].plot(
                [b["mean_score"] for b in bins],
                [b["positive_rate"] for b in bins],
                marker="o",
                label=f"{name} (ECE {r['reliability']['ece']:.3f})",
            )
        axes[0].set(xlabel="recall", ylabel="precision", title="Similarity as paraphrase score")
        axes[1].plot([0, 1], [0, 1], color="grey", linestyle=":")
        axes[1].set(
            xlabel="mean similarity in bin",
            ylabel="share labelled paraphrase",
            title="Reliability of the similarity",
        )
        for ax in axes:
            ax.legend(loc="lower left")
            ax.grid(alpha=0.3)
        fig.tight_layout()
        path = out_dir / "accuracy_sentences.png"
        fig.savefig(path, dpi=110)
        plt.close(fig)
        written.append(str(path.relative_to(REPO_ROOT)))
    if "pan" in results:
        det = results["pan"]["detector"]
        names = [n for n in ("none", "random", "translation", "summary") if n in det]
        fig, ax = plt.subplots(figsize=(7, 4))
        width = 0.2
        for k, metric in enumerate(("precision", "recall", "plagdet")):
            ax.bar(
                np.arange(len(names)) + (k - 1) * width,
                [det[n][metric] for n in names],
                width,
                label=metric,
            )
        ax.set_xticks(np.arange(len(names)), names)
        ax.set_ylim(0, 1)
        ax.set_title(f"PAN 2013 training: plagdet {det['overall']['plagdet']:.3f} overall")
        ax.legend()
        ax.grid(axis="y", alpha=0.3)
        fig.tight_layout()
        path = out_dir / "accuracy_pan.png"
        fig.savefig(path, dpi=110)
        plt.close(fig)
        written.append(str(path.relative_to(REPO_ROOT)))
    return written


def evaluate(
    corpora: Sequence[str],
    *,
    subset: int | None = None,
    pan_subset: int | None = None,
    seed: int = 5,
    workers: int = 2,
    baselines: bool = True,
    log: Callable[[str], None] = print,
) -> dict[str, Any]:
    """Run the chosen corpora; a corpus whose files are missing is reported as skipped."""
    root = data_dir()
    results: dict[str, Any] = {
        "data_dir": str(root),
        "seed": seed,
        "subset": subset,
        "pan_subset": pan_subset,
    }
    paths = {
        "pan": root / "pan13" / "train",
        "clough": root / "clough-stevenson",
        "mrpc": root / "mrpc" / "train.tsv",
        "paws": root / "paws" / "dev.tsv",
    }
    for name in corpora:
        if not paths[name].exists():
            log(f"skipped {name}: {paths[name]} not found (set REWRITE_DETECT_DATA)")
            results[name] = {"skipped": f"{paths[name]} not found"}
            continue
        t0 = time.perf_counter()
        if name == "pan":
            results[name] = run_pan(paths[name], pan_subset, seed, workers, baselines=baselines)
        elif name == "clough":
            results[name] = run_clough(paths[name], subset, seed, baselines=baselines)
        else:
            results[name] = run_sentences(paths[name], name, subset, seed, baselines=baselines)
        log(f"{name}: {time.perf_counter() - t0:.1f} s")
    return results


def headline(results: dict[str, Any]) -> dict[str, float]:
    """The figures the CI guard holds the line on."""
    out: dict[str, float] = {}
    if "detector" in results.get("pan", {}):
        det = results["pan"]["detector"]
        out["pan.plagdet"] = det["overall"]["plagdet"]
        out["pan.precision"] = det["overall"]["precision"]
        out["pan.recall"] = det["overall"]["recall"]
    if "accuracy" in results.get("clough", {}):
        out["clough.accuracy"] = results["clough"]["accuracy"]
    for name in ("mrpc", "paws"):
        if "accuracy" in results.get(name, {}):
            out[f"{name}.accuracy"] = results[name]["accuracy"]
            out[f"{name}.f1_paraphrase"] = results[name]["f1_paraphrase"]
    return out


def print_summary(results: dict[str, Any]) -> None:
    rows = []
    if "detector" in results.get("pan", {}):
        pan = results["pan"]
        for system, scores in (
            ("rewrite_detect", pan["detector"]),
            *((f"baseline {k}", v) for k, v in pan["baselines"].items()),
        ):
            for part in ("overall", "none", "random", "translation", "summary"):
                if part in scores:
                    s = scores[part]
                    rows.append(
                        [
                            f"PAN {part}",
                            system,
                            f"{s['precision']:.3f}",
                            f"{s['recall']:.3f}",
                            f"{s['granularity']:.3f}",
                            f"{s['plagdet']:.3f}",
                        ]
                    )
        print_table(["corpus", "system", "precision", "recall", "granularity", "plagdet"], rows)
        fp = pan["detector"]["pairs_without_case"]
        print(
            f"\nPAN pairs without a case: {fp['pairs_with_a_detection']} of {fp['pairs']} "
            f"with a detection ({fp['detections']} detections)\n"
        )
    rows = []
    for name in ("clough", "mrpc", "paws"):
        r = results.get(name, {})
        if "accuracy" not in r:
            continue
        f1 = r.get("f1_paraphrase")
        rows.append([name, "rewrite_detect", f"{r['accuracy']:.3f}", f"{f1:.3f}" if f1 else "-"])
        for base, b in r["baselines"].items():
            rows.append([name, f"baseline {base}", f"{b['accuracy']:.3f}", f"{b['f1']:.3f}"])
    if rows:
        print_table(["corpus", "system", "accuracy", "F1 (positive)"], rows)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpora", default="pan,clough,mrpc,paws")
    parser.add_argument("--subset", type=int, default=None, help="items per corpus (fixed seed)")
    parser.add_argument("--pan-subset", type=int, default=None, help="PAN pairs (fixed seed)")
    parser.add_argument("--seed", type=int, default=5)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--no-plots", action="store_true")
    parser.add_argument("--output", type=Path, default=None)
    args = parser.parse_args(argv)
    corpora = [c.strip() for c in args.corpora.split(",") if c.strip()]
    unknown = set(corpora) - {"pan", "clough", "mrpc", "paws"}
    if unknown:
        parser.error(f"unknown corpora {sorted(unknown)}: use pan, clough, mrpc, paws")
    results = evaluate(
        corpora,
        subset=args.subset,
        pan_subset=args.pan_subset,
        seed=args.seed,
        workers=args.workers,
    )
    print()
    print_summary(results)
    partial = args.subset is not None or args.pan_subset is not None
    if not args.no_plots and not partial:
        results["plots"] = plots(results, RESULTS_DIR)
    for r in results.values():
        if isinstance(r, dict):
            r.pop("_scores", None)
            r.pop("_gold", None)
    results["headline"] = {k: round(v, 4) for k, v in headline(results).items()}
    results["machine"] = machine_info()
    default = "accuracy_subset.json" if partial else "accuracy.json"
    write_json(args.output or RESULTS_DIR / default, results)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
