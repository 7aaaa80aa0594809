"""Fit the detector's thresholds and weights on the training splits; write the fitted defaults.

Five stages, each on training or development data only (the test splits are held back):

1. **Sentence similarity** on MRPC train: the blend weights (content, token, char; steps of
   0.1, summing to 1) and ``paraphrase_threshold`` (steps of 0.02) that maximise accuracy of
   "paraphrase or verbatim" against MRPC's label with every fact rule applied first. Five
   folds (seed 5): each fold's pick is scored on the held-out fold (the cross-validated
   figure); the shipped values are the pick on all of MRPC train.
1b. **Paraphrase model** on MRPC train: a logistic regression over
   ``classify.PARAPHRASE_FEATURES`` (n-gram overlaps both ways, similarities, BLEU, METEOR,
   edit rate, synonym-aware overlaps and unmatched information, which facts differ; overlaps
   and similarities also squared), by Newton's
   method with the strongest L2 penalty whose cross-validated accuracy is within one
   standard error of the best, fitted on the pairs that no fact or verbatim rule decides,
   and the ``paraphrase_probability`` threshold with the best accuracy over all of MRPC
   train with the rules applied; five folds as above. Written to ``fitted.json`` at once,
   since the next stages compare documents with it.
1c. **Semantic blend** (only with the ``semantic`` extra installed) on MRPC train: the
   logit of the lexical model's probability and the embedding cosine, blended by a logistic
   regression, its bias moved so that ``paraphrase_probability`` applies unchanged.
2. **Alignment and verdict** on Clough & Stevenson (95 answers): ``match_threshold`` and
   ``partial_min_pairs`` that maximise plagiarised-vs-non accuracy, with stage 1's values;
   five folds as above. ``match_threshold`` is capped at ``paraphrase_threshold``; when
   several match thresholds tie (the verdict barely depends on it), the middle one is taken.
3. **Passages** on a fixed-seed sample of 2,000 PAN 2013 training pairs (of 5,185): the
   ``reused_passages`` options with the best overall plagdet, with stages 1 and 2's
   configuration, in three grids one after the other: how pairs chain (gaps, which pairs
   count), then, from its best, the options of the content-word bags (seeds, the check of
   whole passages, summaries) and ``min_chars``, then source-edge growth and joining. The
   plagdet surface is flat near its top; on 800 pairs the picks drifted between refits by
   settings worth 0.001 on the sample and 0.002 on the rest of the corpus, so the sample
   is 2,000 pairs (about 8 minutes with 2 workers). ``--only-passages`` refits this stage
   alone, keeping the rest of the file.

Writes ``src/rewrite_detect/fitted.json`` (versioned; ``tests/unit/test_fitted.py`` checks
that ``DetectorConfig()`` and ``reused_passages`` use these values) and prints each stage.

Usage
-----
    python benchmarks/fit_config.py [--pan-pairs 2000] [--seed 5] [--workers 2] [--dry-run]
                                    [--only-passages]
"""

from __future__ import annotations

import argparse
import datetime as _dt
import itertools
import json
import sys
import time
from collections import defaultdict
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from evaluate import data_dir, sample
from rewrite_detect import DetectorConfig, classify, compare
from rewrite_detect.align import pair_similarity
from rewrite_detect.classify import PARAPHRASE_FEATURES, decided_by_rules, gather_evidence
from rewrite_detect.config import load_fitted
from rewrite_detect.errors import ConfigError
from rewrite_detect.evaluation import (
    Annotation,
    load_clough_stevenson,
    load_pan,
    load_sentence_pairs,
    pan_scores,
    read_text,
)
from rewrite_detect.models import Label, Verdict
from rewrite_detect.normalize import features
from rewrite_detect.passages import _Bags, _passages
from rewrite_detect.semantic import SemanticScorer

FITTED = Path(__file__).resolve().parent.parent / "src" / "rewrite_detect" / "fitted.json"
VERSION = 2
FOLDS = 5


def _folds(n: int, seed: int) -> list[np.ndarray]:
    order = np.random.default_rng(seed).permutation(n)
    return [order[k::FOLDS] for k in range(FOLDS)]


def fit_sentences(seed: int) -> tuple[dict[str, float], dict[str, Any]]:
    items = load_sentence_pairs(data_dir() / "mrpc" / "train.tsv", "mrpc")
    rows = []
    for p in items:
        fa, fb = features(p.a), features(p.b)
        _, content, token, char = pair_similarity(fa, fb, DetectorConfig())
        ev = gather_evidence(fa, fb, similarity=0.0, content=content, token=token, char=char)
        rows.append((content, token, char, bool(ev.changed_facts), p.label))
    x = np.array([r[:3] for r in rows])
    facts = np.array([r[3] for r in rows])
    gold = np.array([r[4] for r in rows], dtype=bool)
    weights = [
        (round(wc, 1), round(wt, 1), round(1 - wc - wt, 1))
        for wc in np.arange(0, 1.01, 0.1)
        for wt in np.arange(0, 1.01 - wc + 1e-9, 0.1)
    ]
    thresholds = np.round(np.arange(0.40, 0.86, 0.02), 2)
    # correct[w, t, item]: is the item right under weights w and threshold t?
    sims = x @ np.array(weights).T  # items × weights
    pred = (sims.T[:, None, :] >= thresholds[None, :, None]) & ~facts[None, None, :]
    correct = pred == gold[None, None, :]

    def pick(idx: np.ndarray) -> tuple[int, int]:
        acc = correct[:, :, idx].mean(axis=2)
        w, t = np.unravel_index(int(np.argmax(acc)), acc.shape)
        return int(w), int(t)

    cv_pred = np.zeros(len(rows), dtype=bool)
    picks = []
    for test in _folds(len(rows), seed):
        train = np.setdiff1d(np.arange(len(rows)), test)
        w, t = pick(train)
        picks.append({"weights": weights[w], "paraphrase_threshold": float(thresholds[t])})
        cv_pred[test] = pred[w, t, test]
    w, t = pick(np.arange(len(rows)))
    tp = int((cv_pred & gold).sum())
    report = {
        "data": "MRPC train, 4,076 pairs",
        "cv_accuracy": round(float((cv_pred == gold).mean()), 4),
        "cv_f1": round(2 * tp / (int(cv_pred.sum()) + int(gold.sum())), 4),
        "fold_picks": picks,
        "train_accuracy": round(float(correct[w, t].mean()), 4),
    }
    chosen = {
        "weight_content": weights[w][0],
        "weight_token": weights[w][1],
        "weight_char": weights[w][2],
        "paraphrase_threshold": float(thresholds[t]),
    }
    return chosen, report


_L2_GRID = (1e-4, 1e-3, 1e-2)
# The similarity features (up to the machine-translation metrics) also enter squared: the
# chance of a paraphrase is not linear in them (very high overlap with much added is "content
# added"). The MT metrics (BLEU, METEOR, fragmentation, edit rate) enter linearly: squared as
# well, they gave a pair far outside MRPC's range (a short sentence against a long one that
# adds a different story) a higher probability the more the lengths differ.
_SQUARED = PARAPHRASE_FEATURES.index("bleu_low")
_Logit = tuple[np.ndarray, np.ndarray, np.ndarray, float]


def _expanded(x: np.ndarray) -> np.ndarray:
    return np.hstack([x, x[:, :_SQUARED] ** 2])


def _logistic(x: np.ndarray, y: np.ndarray, l2: float) -> _Logit:
    """L2-regularised logistic regression on standardised inputs, by Newton's method.

    Deterministic and converged (the same data give the same weights on every machine).
    Returns ``(mean, scale, weights, bias)``.
    """
    mean = x.mean(axis=0)
    scale = x.std(axis=0)
    scale[scale == 0] = 1.0
    z = np.hstack([(x - mean) / scale, np.ones((len(x), 1))])
    w = np.zeros(z.shape[1])
    penalty = np.eye(z.shape[1]) * l2 * len(y)
    penalty[-1, -1] = 0.0  # the bias is not shrunk
    for _ in range(50):
        p = 1.0 / (1.0 + np.exp(-(z @ w)))
        gradient = z.T @ (p - y) + penalty @ w
        hessian = (z * (p * (1 - p))[:, None]).T @ z + penalty
        step = np.linalg.solve(hessian, gradient)
        w -= step
        if np.abs(step).max() < 1e-9:
            break
    return mean, scale, w[:-1], float(w[-1])


def _probabilities(model: _Logit, x: np.ndarray) -> np.ndarray:
    mean, scale, w, b = model
    return 1.0 / (1.0 + np.exp(-(((x - mean) / scale) @ w + b)))


def _mrpc_rows(config: DetectorConfig) -> tuple[np.ndarray, np.ndarray, np.ndarray, list[Any]]:
    """Model inputs, rule decisions (-1: none, 0/1: divergent/reused) and gold of MRPC train."""
    items = load_sentence_pairs(data_dir() / "mrpc" / "train.tsv", "mrpc")
    xs, ruled, gold = [], [], []
    for p in items:
        fa, fb = features(p.a), features(p.b)
        similarity, content, token, char = pair_similarity(fa, fb, config)
        ev = gather_evidence(fa, fb, similarity=similarity, content=content, token=token, char=char)
        facts = [getattr(ev, k) is not None for k in ("numbers", "dates", "names", "negation")]
        xs.append(
            classify.paraphrase_features(
                fa, fb, content=content, token=token, char=char, facts=facts
            )
        )
        label = decided_by_rules(ev, config)
        ruled.append(-1 if label is None else int(label is not Label.DIVERGENT))
        gold.append(p.label)
    return _expanded(np.array(xs)), np.array(ruled), np.array(gold, dtype=np.float64), items


def _logit(p: np.ndarray) -> np.ndarray:
    q = np.clip(p, 1e-9, 1 - 1e-9)
    return np.log(q / (1 - q))


def fit_semantic_blend(
    sentence: dict[str, float], lexical: dict[str, Any], seed: int
) -> tuple[dict[str, Any], dict[str, Any]] | None:
    """Stage 1c: blend the lexical model with the embedding cosine, on MRPC train.

    Only when the ``semantic`` extra is installed (otherwise ``None``). Inputs: the logit of
    the lexical model's probability and the cosine; a logistic regression on the pairs no rule
    decides, its threshold chosen on accuracy as in stage 1b, then its bias shifted so that
    the shipped ``paraphrase_probability`` applies unchanged. Five folds (each with its own
    lexical model and blend) give the cross-validated figures.
    """
    try:
        scorer = SemanticScorer()
    except ConfigError as exc:
        print(f"stage 1c skipped: {exc}")
        return None
    config = DetectorConfig(**sentence)
    x, rule, y, items = _mrpc_rows(config)
    t0 = time.perf_counter()
    cosine = scorer.similarity([(p.a, p.b) for p in items]).astype(np.float64)
    ms_per_pair = (time.perf_counter() - t0) / len(items) * 1000
    truth = y == 1
    free = rule < 0
    thresholds = np.round(np.arange(0.30, 0.71, 0.02), 2)
    l2 = float(lexical["l2"])

    def blend_fit(idx: np.ndarray, lex_probs: np.ndarray) -> tuple[_Logit, float]:
        z = np.column_stack([_logit(lex_probs), cosine])
        model = _logistic(z[idx[free[idx]]], y[idx[free[idx]]], 1e-4)
        probs = _probabilities(model, z[idx])
        acc = [
            float((np.where(free[idx], probs >= t, rule[idx] == 1) == truth[idx]).mean())
            for t in thresholds
        ]
        return model, float(thresholds[int(np.argmax(acc))])

    cv_pred = np.zeros(len(y), dtype=bool)
    for test in _folds(len(y), seed):
        train = np.setdiff1d(np.arange(len(y)), test)
        lex = _probabilities(_logistic(x[train[free[train]]], y[train[free[train]]], l2), x)
        model, t = blend_fit(train, lex)
        z = np.column_stack([_logit(lex), cosine])
        cv_pred[test] = np.where(free[test], _probabilities(model, z[test]) >= t, rule[test] == 1)
    shipped = (
        np.array(lexical["mean"]),
        np.array(lexical["scale"]),
        np.array(lexical["weights"]),
        float(lexical["bias"]),
    )
    model, t = blend_fit(np.arange(len(y)), _probabilities(shipped, x))
    mean, scale, w, b = model
    # Undo the standardisation, and move the bias so that the shipped threshold applies.
    target = float(sentence["paraphrase_probability"])
    a_lex, a_cos = w / scale
    bias = b - float((w * mean / scale).sum()) - float(_logit(np.array([t]))[0])
    bias += float(_logit(np.array([target]))[0])
    tp = int((cv_pred & truth).sum())
    fitted = {
        "data": "MRPC train, 4,076 pairs (the pairs no rule decides)",
        "model": SemanticScorer.model_name,
        "lexical": round(float(a_lex), 10),
        "cosine": round(float(a_cos), 10),
        "bias": round(bias, 10),
    }
    report = {
        "data": "MRPC train, 4,076 pairs",
        "cv_accuracy": round(float((cv_pred == truth).mean()), 4),
        "cv_f1": round(2 * tp / (int(cv_pred.sum()) + int(truth.sum())), 4),
        "threshold_before_shift": t,
        "ms_per_pair": round(ms_per_pair, 2),
    }
    return fitted, report


def fit_paraphrase_model(
    sentence: dict[str, float], seed: int
) -> tuple[dict[str, Any], dict[str, float], dict[str, Any]]:
    """Stage 1b: the paraphrase model and its probability threshold, on MRPC train.

    The model sees only the pairs the fact and verbatim rules leave to it (reworded pairs);
    the threshold is the one (steps of 0.02) with the best accuracy over all of MRPC train
    with those rules applied. Five folds give the cross-validated figures.
    """
    x, rule, y, _ = _mrpc_rows(DetectorConfig(**sentence))
    truth = y == 1
    free = rule < 0
    thresholds = np.round(np.arange(0.30, 0.71, 0.02), 2)

    def fit(idx: np.ndarray, l2: float) -> tuple[_Logit, float]:
        model = _logistic(x[idx[free[idx]]], y[idx[free[idx]]], l2)
        probs = _probabilities(model, x[idx])
        acc = [
            float((np.where(free[idx], probs >= t, rule[idx] == 1) == truth[idx]).mean())
            for t in thresholds
        ]
        return model, float(thresholds[int(np.argmax(acc))])

    def cross_validated(l2: float) -> tuple[np.ndarray, list[float]]:
        pred = np.zeros(len(y), dtype=bool)
        picks = []
        for test in _folds(len(y), seed):
            model, t = fit(np.setdiff1d(np.arange(len(y)), test), l2)
            picks.append(t)
            pred[test] = np.where(free[test], _probabilities(model, x[test]) >= t, rule[test] == 1)
        return pred, picks

    by_l2 = {l2: cross_validated(l2) for l2 in _L2_GRID}
    # The one-standard-error rule: the strongest penalty whose cross-validated accuracy is
    # within one standard error of the best. Weakly penalised weights grow large and cancel
    # on MRPC's pairs, and then add up to nonsense on pairs unlike any of them (an aligned
    # pair of documents can be far less alike than any MRPC pair: "PR(A) = PR(B) + PR(C)"
    # against a sentence on PageRank scored 0.64 with the 10^-4 penalty, 0.03 with 10^-2).
    cv_acc = {v: float((by_l2[v][0] == truth).mean()) for v in _L2_GRID}
    best = max(cv_acc.values())
    standard_error = float(np.sqrt(best * (1 - best) / len(y)))
    l2 = max(v for v in _L2_GRID if cv_acc[v] >= best - standard_error)
    cv_pred, picks = by_l2[l2]
    model, t = fit(np.arange(len(y)), l2)
    tp = int((cv_pred & truth).sum())
    mean, scale, w, b = model
    fitted = {
        "data": "MRPC train, 4,076 pairs (the pairs no rule decides)",
        "features": list(PARAPHRASE_FEATURES),
        # Rounded: the last digits of a linear solve differ from run to run (BLAS threads).
        "mean": [round(float(v), 10) for v in mean],
        "scale": [round(float(v), 10) for v in scale],
        "weights": [round(float(v), 10) for v in w],
        "bias": round(float(b), 10),
        "squared": _SQUARED,
        "l2": l2,
    }
    report = {
        "data": "MRPC train, 4,076 pairs",
        "pairs_decided_by_rules": int((~free).sum()),
        "cv_accuracy": round(float((cv_pred == truth).mean()), 4),
        "cv_f1": round(2 * tp / (int(cv_pred.sum()) + int(truth.sum())), 4),
        "fold_thresholds": picks,
        "cv_accuracy_by_l2": {
            str(v): round(float((by_l2[v][0] == truth).mean()), 4) for v in _L2_GRID
        },
    }
    return fitted, {"paraphrase_probability": t}, report


def _clough_verdicts(args: tuple[dict[str, Any], str, str]) -> str:
    config, source, text = args
    return compare(source, text, config=DetectorConfig(**config)).verdict.value


def fit_verdict(base: dict[str, Any], seed: int, workers: int) -> tuple[dict[str, Any], dict]:
    answers = load_clough_stevenson(data_dir() / "clough-stevenson")
    gold = np.array([a.plagiarised for a in answers])
    grid = [
        (mt, pmp)
        for mt in np.round(np.arange(0.40, base["paraphrase_threshold"] + 1e-9, 0.02), 2)
        for pmp in (1, 2, 3)
    ]
    correct = np.zeros((len(grid), len(answers)), dtype=bool)
    with ProcessPoolExecutor(workers) as pool:
        for g, (mt, pmp) in enumerate(grid):
            config = {**base, "match_threshold": float(mt), "partial_min_pairs": pmp}
            verdicts = list(
                pool.map(_clough_verdicts, [(config, a.source_text, a.text) for a in answers])
            )
            pred = np.array([v != Verdict.INDEPENDENT.value for v in verdicts])
            correct[g] = pred == gold

    def pick(idx: np.ndarray) -> int:
        # Ties (the verdict often does not depend on match_threshold at all) go to the
        # middle of the tied match thresholds of the best partial_min_pairs: the setting
        # farthest from both ends of what the data cannot tell apart.
        acc = correct[:, idx].mean(axis=1)
        best_pmp = grid[int(np.argmax(acc))][1]
        tied = [g for g, (_, pmp) in enumerate(grid) if pmp == best_pmp and acc[g] == acc.max()]
        return tied[len(tied) // 2]

    cv_right = np.zeros(len(answers), dtype=bool)
    picks = []
    for test in _folds(len(answers), seed):
        train = np.setdiff1d(np.arange(len(answers)), test)
        g = pick(train)
        picks.append({"match_threshold": float(grid[g][0]), "partial_min_pairs": grid[g][1]})
        cv_right[test] = correct[g, test]
    g = pick(np.arange(len(answers)))
    chosen = {"match_threshold": float(grid[g][0]), "partial_min_pairs": grid[g][1]}
    report = {
        "data": "Clough & Stevenson, 95 answers (plagiarised vs non)",
        "cv_accuracy": round(float(cv_right.mean()), 4),
        "fold_picks": picks,
        "train_accuracy": round(float(correct[g].mean()), 4),
    }
    return chosen, report


# Stage 3 starts from these values of the options the first grid does not vary.
_PASSAGE_START = {
    "min_pairs": 2,
    "single_pair_score": 0.85,
    "trim": True,
    "min_chars": 50,
    "seed_similarity": 0.4,
    "seed_gap": 2,
    "seed_window": 3,
    "window_similarity": 0.32,
    "fragment_similarity": 0.3,
    "summary_ratio": 2.5,
    "summary_similarity": 0.15,
    "summary_gap": 40,
    "edge_similarity": 0.3,
    "edge_sentences": 1,
    "join_target_chars": 250,
    "join_source_chars": 50,
}


def _chaining_grid() -> list[dict[str, Any]]:
    """First grid: how pairs chain and which pairs count (new options at their start)."""
    return [
        {
            **_PASSAGE_START,
            "target_gap": tg,
            "source_gap": sg,
            "single_pair_chars": spc,
            "divergent_score": ds,
            "edge_score": es,
            "short_chars": sc,
        }
        for tg, sg, spc, ds, es, sc in itertools.product(
            (1, 3), (4, 12, 20, 40, 80), (150, 250, 400), (0.5, 0.6), (0.0, 0.6), (0, 20, 30)
        )
    ]


def _bag_grid(best: dict[str, Any]) -> list[dict[str, Any]]:
    """Second grid, from the first grid's best: seeds, fragment check, summaries, min_chars.

    ``min_chars`` stops at 50: PAN's cases are all longer than that, and a larger floor would
    learn the corpus's case lengths rather than what a reused passage is.
    """
    return [
        {
            **best,
            "seed_similarity": ss,
            "seed_window": sw,
            "window_similarity": ws,
            "fragment_similarity": fs,
            "summary_ratio": sr,
            "summary_similarity": 0.15,
            "min_chars": mc,
        }
        for ss, (sw, ws), fs, sr, mc in itertools.product(
            (0.33, 0.4, 2.0),
            ((1, 0.32), (3, 0.32), (3, 0.4)),
            (0.25, 0.3, 0.35),
            (0.0, 2.5, 4.0),
            (0, 50),
        )
    ]


def _edge_grid(best: dict[str, Any]) -> list[dict[str, Any]]:
    """Third grid, from the second grid's best: summaries' seed floor, source-edge growth and
    the joining of neighbouring passages (target, source characters; on a tie the first, the
    tighter one, is kept).

    ``summary_similarity`` stops at 0.05: at 0 every source sentence within ``summary_gap``
    would join a summary, whether or not it shares a word with it.
    """
    return [
        {
            **best,
            "summary_similarity": ss,
            "edge_similarity": es,
            "join_target_chars": jt,
            "join_source_chars": js,
        }
        for ss, es, (jt, js) in itertools.product(
            (0.05, 0.08, 0.1, 0.15),
            (0.2, 0.25, 0.3, 0.35, 0.4, 2.0),
            ((250, 50), (600, 100), (0, 0)),
        )
    ]


def _pan_detections(
    args: tuple[dict[str, Any], Any, list[dict[str, Any]]],
) -> list[list[Annotation]]:
    """One PAN pair's detections under every passage setting (one compare, one set of bags)."""
    config, pair, grid = args
    c = compare(
        read_text(pair.source_path), read_text(pair.susp_path), config=DetectorConfig(**config)
    )
    bags = _Bags(c.source_sentences, c.target_sentences, "en") if c.pairs else None
    return [
        [
            Annotation(
                susp=pair.susp,
                susp_offset=x.target_span[0],
                susp_length=x.target_span[1] - x.target_span[0],
                source=pair.source,
                source_offset=x.source_span[0],
                source_length=x.source_span[1] - x.source_span[0],
            )
            for x in _passages(c, bags, **options)
        ]
        for options in grid
    ]


def _best_passages(
    config: dict[str, Any], pairs: list[Any], grid: list[dict[str, Any]], workers: int
) -> list[tuple[float, dict[str, Any]]]:
    with ProcessPoolExecutor(workers) as pool:
        per_pair = list(pool.map(_pan_detections, [(config, p, grid) for p in pairs], chunksize=8))
    cases = [c for p in pairs for c in p.cases]
    results = [
        (pan_scores(cases, [d for found in per_pair for d in found[k]]).plagdet, options)
        for k, options in enumerate(grid)
    ]
    results.sort(key=lambda r: -r[0])
    return results


def fit_passages(
    config: dict[str, Any], n_pairs: int, seed: int, workers: int
) -> tuple[dict[str, Any], dict]:
    """Stage 3: three grids in turn (chaining, bag options, edges), best overall plagdet."""
    pairs = sample(load_pan(data_dir() / "pan13" / "train"), n_pairs, seed)
    first = _best_passages(config, pairs, _chaining_grid(), workers)
    second = _best_passages(config, pairs, _bag_grid(first[0][1]), workers)
    results = _best_passages(config, pairs, _edge_grid(second[0][1]), workers)
    by_folder: dict[str, int] = defaultdict(int)
    for p in pairs:
        by_folder[p.folder] += 1
    best = {k: v for k, v in results[0][1].items() if k != "trim"}
    report = {
        "data": f"PAN 2013 training, {len(pairs)} pairs sampled with seed {seed}",
        "folders": dict(by_folder),
        "best_plagdet_first_grid": round(first[0][0], 4),
        "best_plagdet_second_grid": round(second[0][0], 4),
        "best_plagdet": round(results[0][0], 4),
        "runner_up": [
            {"plagdet": round(s, 4), **{k: v for k, v in o.items() if k != "trim"}}
            for s, o in results[1:4]
        ],
    }
    return best, report


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pan-pairs", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=5)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--dry-run", action="store_true", help="print, do not write")
    parser.add_argument(
        "--only-passages",
        action="store_true",
        help="refit stage 3 only, with the detector values already in fitted.json",
    )
    args = parser.parse_args()
    if not (data_dir() / "mrpc").exists():
        print(f"no data at {data_dir()}: set REWRITE_DETECT_DATA")
        return 2
    if args.only_passages:
        return _refit_passages(args)
    sentence, rep1 = fit_sentences(args.seed)
    print("stage 1 (MRPC):", json.dumps({**sentence, **rep1}))
    model, probability, rep1b = fit_paraphrase_model(sentence, args.seed)
    print("stage 1b (MRPC, paraphrase model):", json.dumps({**probability, **rep1b}))
    sentence = {**sentence, **probability}
    # Later stages compare documents with the new model: it must be in the package's file
    # before they start (their worker processes read it).
    previous = FITTED.read_text(encoding="utf-8")
    FITTED.write_text(
        json.dumps({**json.loads(previous), "paraphrase_model": model}, indent=2) + "\n",
        encoding="utf-8",
    )
    load_fitted.cache_clear()
    classify._model.cache_clear()
    semantic = fit_semantic_blend(sentence, model, args.seed)
    if semantic is not None:
        print("stage 1c (MRPC, semantic blend):", json.dumps(semantic[1]))
    verdict, rep2 = fit_verdict(sentence, args.seed, args.workers)
    print("stage 2 (Clough & Stevenson):", json.dumps({**verdict, **rep2}))
    detector = {**sentence, **verdict}
    passages, rep3 = fit_passages(detector, args.pan_pairs, args.seed, args.workers)
    print("stage 3 (PAN):", json.dumps({**passages, **rep3}))
    payload = {
        "version": VERSION,
        "fitted_by": "benchmarks/fit_config.py",
        "date": _dt.date.today().isoformat(),
        "seed": args.seed,
        "detector": detector,
        "passages": passages,
        "paraphrase_model": model,
        **({"semantic_model": semantic[0]} if semantic is not None else {}),
        "report": {
            "sentences": rep1,
            "paraphrase_model": rep1b,
            **({"semantic_model": semantic[1]} if semantic is not None else {}),
            "verdict": rep2,
            "passages": rep3,
        },
    }
    if args.dry_run:
        FITTED.write_text(previous, encoding="utf-8")
    else:
        FITTED.write_text(json.dumps(payload, indent=2) + "\n", encoding="utf-8")
        print(f"wrote {FITTED}")
    return 0


def _refit_passages(args: argparse.Namespace) -> int:
    """Stage 3 alone: every other value and report of fitted.json is kept as it is."""
    fitted = json.loads(FITTED.read_text(encoding="utf-8"))
    passages, rep3 = fit_passages(fitted["detector"], args.pan_pairs, args.seed, args.workers)
    print("stage 3 (PAN):", json.dumps({**passages, **rep3}))
    fitted["passages"] = passages
    fitted["report"]["passages"] = rep3
    fitted["passages_date"] = _dt.date.today().isoformat()
    if not args.dry_run:
        FITTED.write_text(json.dumps(fitted, indent=2) + "\n", encoding="utf-8")
        print(f"wrote {FITTED}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
