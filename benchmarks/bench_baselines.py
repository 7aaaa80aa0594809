"""Document-level candidate-stage baselines on the synthetic corpus with planted reuse.

What is measured
    Each baseline finds candidate pairs of articles the way a plain near-duplicate index
    would: word 5-gram shingles of the lowercased whitespace tokens, a 128-permutation
    MinHash per article, an LSH index for Jaccard threshold 0.5; every article is inserted,
    then every article is queried.

    * ``datasketch``: ``MinHash(num_perm=128, seed=1)`` and ``update(shingle.encode())``
      per shingle, then ``MinHashLSH(threshold=0.5, num_perm=128)`` (25 bands of 5 rows).
      About 4 ms per article, so above 10,000 articles it is measured on the first 10,000
      (a date-ordered prefix) and its times are scaled linearly to the corpus size; such
      rows say ``extrapolated_from``, and their recall, candidates and memory are those
      of the sample.
    * ``datasketch-bulk``: ``MinHash.bulk(shingle lists, num_perm=128, seed=1)`` (one
      ``update_batch`` per article on a copy of one initialised sketch), same LSH.
    * ``rensa``: ``rensa.RMinHash.from_token_sets(shingle lists, num_perm=128, seed=1)`` (Rust),
      ``RMinHashLSH(threshold=0.5, num_perm=128, num_bands=32)``, ``insert_many``,
      ``query_all``. rensa needs ``num_bands`` to divide ``num_perm``, so it cannot use
      datasketch's 25 x 5; 32 bands of 4 rows is the nearest (its S-curve crosses 50% at
      J = 0.38, datasketch's at J = 0.49), which lets it catch more low-similarity pairs.
      Its batch calls may use several threads (compare ``cpu_s`` with ``total_s``).

    Per baseline: wall time of shingling, sketching, LSH insert and query (articles are
    processed in batches of 1,000, so shingles of the whole corpus never sit in memory at
    once); CPU time; peak RSS of a fresh process (``VmHWM``, reset after the corpus is
    loaded: ``ru_maxrss`` of a child started by ``subprocess`` inherits the parent's peak),
    and the RSS added over the loaded corpus; recall of the planted pairs per kind (found
    when the LSH returns the pair in either direction); candidate pairs per planted pair;
    and the mean MinHash estimate of the planted pairs' Jaccard similarity (not timed).

    One run per baseline and size; on a shared 2-core machine trust ratios more than
    absolute times.

Usage
-----
    python benchmarks/bench_baselines.py [--articles 10000 | --sizes 10000,30000,100000]
                                         [--baselines datasketch,datasketch-bulk,rensa]
                                         [--seed 7] [--reuse-share 0.05] [--output PATH]

Other scripts can import :func:`run_baseline` (in-process; memory figures then include
whatever that process already holds).
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from importlib import metadata
from pathlib import Path
from typing import Any

from datasketch import MinHash, MinHashLSH

from _common import RESULTS_DIR, machine_info, print_table, write_json
from corpus import KINDS, Corpus, generate, read_jsonl, write_jsonl

try:
    import rensa
except ImportError as _exc:  # optional: the rensa baseline is then skipped
    rensa = None
    _RENSA_ERROR = str(_exc)

BASELINES = ("datasketch", "datasketch-bulk", "rensa")
NUM_PERM = 128
THRESHOLD = 0.5
SHINGLE_WORDS = 5
MINHASH_SEED = 1
RENSA_BANDS = 32
EXTRAPOLATE_ABOVE = 10_000  # plain datasketch is measured on at most this many articles
BATCH = 1_000


def shingles(text: str) -> list[str]:
    """Word 5-grams of the lowercased whitespace tokens, joined by single spaces."""
    w = text.lower().split()
    return list(map(" ".join, zip(w, w[1:], w[2:], w[3:], w[4:], strict=False)))


# -- memory ---------------------------------------------------------------------------------


def _status_mb(key: str) -> float | None:
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith(key + ":"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return None


def _reset_peak_rss() -> bool:
    """Reset the process's peak RSS (``VmHWM``) to its current RSS (Linux 4.0+)."""
    try:
        Path("/proc/self/clear_refs").write_text("5")
    except OSError:
        return False
    return True


def _peak_rss_mb() -> float:
    peak = _status_mb("VmHWM")
    if peak is not None:
        return peak
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _cpu_s() -> float:
    ru = resource.getrusage(resource.RUSAGE_SELF)
    return ru.ru_utime + ru.ru_stime


# -- the baselines ----------------------------------------------------------------------------
# Each takes an iterator over batches of shingle lists and a stopwatch, and returns
# (sketches, candidate pairs (i, j) with i < j, pairwise Jaccard estimator, LSH parameters).


class _Stopwatch:
    def __init__(self) -> None:
        self.totals: dict[str, float] = {}
        self._t = time.perf_counter()

    def lap(self, phase: str) -> None:
        now = time.perf_counter()
        self.totals[phase] = self.totals.get(phase, 0.0) + now - self._t
        self._t = now


def _datasketch_lsh(sketches: list[Any], watch: _Stopwatch) -> tuple[set[tuple[int, int]], Any]:
    watch.lap("sketch")
    lsh = MinHashLSH(threshold=THRESHOLD, num_perm=NUM_PERM)
    for i, m in enumerate(sketches):
        lsh.insert(i, m)
    watch.lap("lsh_insert")
    pairs: set[tuple[int, int]] = set()
    for i, m in enumerate(sketches):
        for j in lsh.query(m):
            if j != i:
                pairs.add((i, j) if i < j else (j, i))
    watch.lap("lsh_query")
    return pairs, lsh


def _run_datasketch(batches: Iterator[list[list[str]]], watch: _Stopwatch) -> tuple:
    sketches = []
    for batch in batches:
        watch.lap("shingle")
        for sh in batch:
            m = MinHash(num_perm=NUM_PERM, seed=MINHASH_SEED)
            for s in sh:
                m.update(s.encode())
            sketches.append(m)
        watch.lap("sketch")
    pairs, lsh = _datasketch_lsh(sketches, watch)
    return sketches, pairs, lambda a, b: a.jaccard(b), {"bands": lsh.b, "rows": lsh.r}


def _run_datasketch_bulk(batches: Iterator[list[list[str]]], watch: _Stopwatch) -> tuple:
    sketches = []
    for batch in batches:
        watch.lap("shingle")
        encoded = [[s.encode() for s in sh] for sh in batch]
        sketches += MinHash.bulk(encoded, num_perm=NUM_PERM, seed=MINHASH_SEED)
        watch.lap("sketch")
    pairs, lsh = _datasketch_lsh(sketches, watch)
    return sketches, pairs, lambda a, b: a.jaccard(b), {"bands": lsh.b, "rows": lsh.r}


def _run_rensa(batches: Iterator[list[list[str]]], watch: _Stopwatch) -> tuple:
    sketches = []
    for batch in batches:
        watch.lap("shingle")
        sketches += rensa.RMinHash.from_token_sets(batch, num_perm=NUM_PERM, seed=MINHASH_SEED)
        watch.lap("sketch")
    lsh = rensa.RMinHashLSH(threshold=THRESHOLD, num_perm=NUM_PERM, num_bands=RENSA_BANDS)
    lsh.insert_many(sketches, 0)
    watch.lap("lsh_insert")
    pairs: set[tuple[int, int]] = set()
    for i, found in enumerate(lsh.query_all(sketches)):
        for j in found:
            if j != i:
                pairs.add((i, j) if i < j else (j, i))
    watch.lap("lsh_query")
    params = {"bands": lsh.get_num_bands(), "rows": NUM_PERM // lsh.get_num_bands()}
    return sketches, pairs, lambda a, b: a.jaccard(b), params


_RUNNERS: dict[str, Callable[[Iterator[list[list[str]]], _Stopwatch], tuple]] = {
    "datasketch": _run_datasketch,
    "datasketch-bulk": _run_datasketch_bulk,
    "rensa": _run_rensa,
}

DESCRIPTIONS = {
    "datasketch": "datasketch MinHash.update per shingle + MinHashLSH",
    "datasketch-bulk": "datasketch MinHash.bulk + MinHashLSH",
    "rensa": "rensa RMinHash.from_token_sets + RMinHashLSH",
}


def _library_version(name: str) -> str | None:
    dist = "rensa" if name == "rensa" else "datasketch"
    try:
        return metadata.version(dist)
    except metadata.PackageNotFoundError:
        return None


def run_baseline(name: str, corpus: Corpus, *, max_articles: int | None = None) -> dict:
    """Run one baseline in this process and return its measurements as a dict.

    ``max_articles`` caps the articles measured (a prefix of the corpus); times are then
    scaled linearly to the whole corpus and the result says ``extrapolated_from``. By
    default only plain ``datasketch`` is capped, at 10,000.
    """
    if name not in _RUNNERS:
        raise ValueError(f"unknown baseline {name!r}; choose from {', '.join(BASELINES)}")
    n_total = len(corpus.articles)
    result: dict[str, Any] = {
        "baseline": name,
        "description": DESCRIPTIONS[name],
        "version": _library_version(name),
        "articles": n_total,
    }
    if name == "rensa" and rensa is None:
        result["skipped"] = f"cannot import rensa: {_RENSA_ERROR}"
        return result

    if max_articles is None and name == "datasketch":
        max_articles = EXTRAPOLATE_ABOVE
    n = n_total if max_articles is None else min(n_total, max_articles)
    articles = corpus.articles[:n]
    index = {a["id"]: i for i, a in enumerate(articles)}
    planted = [(index[o], index[c], k) for o, c, k in corpus.planted if o in index and c in index]

    def batches() -> Iterator[list[list[str]]]:
        for b0 in range(0, n, BATCH):
            yield [shingles(a["text"]) for a in articles[b0 : b0 + BATCH]]

    gc.collect()
    rss_before = _status_mb("VmRSS")
    peak_reset = _reset_peak_rss()
    cpu0 = _cpu_s()
    watch = _Stopwatch()
    started = watch._t
    try:
        sketches, pairs, jaccard, params = _RUNNERS[name](batches(), watch)
    except Exception as exc:  # a broken optional library is recorded, not fatal
        result["skipped"] = f"{type(exc).__name__}: {exc}"
        return result
    wall = time.perf_counter() - started
    cpu = _cpu_s() - cpu0
    peak = _peak_rss_mb()

    scale = n_total / n if n else 1.0
    phases = {f"{k}_s": v * scale for k, v in watch.totals.items()}
    result.update(
        {
            "measured_articles": n,
            "extrapolated_from": n if n < n_total else None,
            "total_s": wall * scale,
            **phases,
            "cpu_s": cpu * scale,
            "articles_per_s": n / wall if wall else None,
            "measured_total_s": wall,
            "peak_rss_mb": peak,
            "rss_before_mb": rss_before,
            "rss_added_mb": None if rss_before is None else peak - rss_before,
            "peak_rss_is_per_run": peak_reset,
            "lsh": {"num_perm": NUM_PERM, "threshold": THRESHOLD, **params},
        }
    )
    result.update(_quality(planted, pairs, sketches, jaccard))
    result["recall_on_sample"] = n < n_total
    return result


def _quality(
    planted: list[tuple[int, int, str]],
    pairs: set[tuple[int, int]],
    sketches: list[Any],
    jaccard: Callable[[Any, Any], float],
) -> dict[str, Any]:
    found: dict[str, int] = dict.fromkeys(KINDS, 0)
    total: dict[str, int] = dict.fromkeys(KINDS, 0)
    est: dict[str, float] = dict.fromkeys(KINDS, 0.0)
    for o, c, kind in planted:
        total[kind] += 1
        found[kind] += (min(o, c), max(o, c)) in pairs
        est[kind] += jaccard(sketches[o], sketches[c])
    recall: dict[str, float | None] = {k: found[k] / total[k] if total[k] else None for k in KINDS}
    recall["all"] = sum(found.values()) / len(planted) if planted else None
    return {
        "planted_evaluated": total,
        "recall": recall,
        "candidate_pairs": len(pairs),
        "candidates_per_planted": len(pairs) / len(planted) if planted else None,
        "mean_estimated_jaccard": {k: est[k] / total[k] if total[k] else None for k in KINDS},
    }


# -- driver --------------------------------------------------------------------------------


def _child(name: str, corpus_path: Path, planted_path: Path, result_path: Path) -> None:
    articles = read_jsonl(corpus_path)
    planted = [tuple(p) for p in json.loads(planted_path.read_text())]
    corpus = Corpus(articles, planted)  # type: ignore[arg-type]
    result = run_baseline(name, corpus)
    result_path.write_text(json.dumps(result))


def _isolated(name: str, tmp: Path) -> dict[str, Any]:
    """Run one baseline in a fresh interpreter, so its peak RSS is its own."""
    out = tmp / f"{name}.json"
    cmd = [sys.executable, str(Path(__file__).resolve()), "--only", name]
    cmd += ["--corpus", str(tmp / "corpus.jsonl"), "--planted", str(tmp / "planted.json")]
    cmd += ["--result", str(out)]
    proc = subprocess.run(cmd, capture_output=True, text=True, check=False)
    if proc.returncode != 0 or not out.exists():
        return {"baseline": name, "skipped": f"subprocess failed: {proc.stderr.strip()[-500:]}"}
    return json.loads(out.read_text())


def _fmt(x: float | None, spec: str = ".2f") -> str:
    return "-" if x is None else format(x, spec)


def _table(runs: list[dict[str, Any]]) -> None:
    headers = ["baseline", "articles", "total s", "shingle", "sketch", "insert", "query"]
    headers += ["art/s", "CPU s", "peak MB", "+MB", "R verb", "R spun", "R part", "cand/pl"]
    rows = []
    for run in runs:
        for r in run["baselines"]:
            if "skipped" in r:
                rows.append([r["baseline"], f"{run['articles']:,}", "skipped", *[""] * 12])
                continue
            label = r["baseline"] + ("*" if r["extrapolated_from"] else "")
            rec = r["recall"]
            rows.append(
                [
                    label,
                    f"{r['articles']:,}",
                    _fmt(r["total_s"], ".1f"),
                    _fmt(r.get("shingle_s"), ".1f"),
                    _fmt(r.get("sketch_s"), ".1f"),
                    _fmt(r.get("lsh_insert_s"), ".2f"),
                    _fmt(r.get("lsh_query_s"), ".2f"),
                    _fmt(r["articles_per_s"], ",.0f"),
                    _fmt(r["cpu_s"], ".1f"),
                    _fmt(r["peak_rss_mb"], ",.0f"),
                    _fmt(r["rss_added_mb"], ",.0f"),
                    _fmt(rec["verbatim"], ".3f"),
                    _fmt(rec["spun"], ".3f"),
                    _fmt(rec["partial"], ".3f"),
                    _fmt(r["candidates_per_planted"], ".3f"),
                ]
            )
    print_table(headers, rows)
    notes = [
        f"* {r['baseline']} at {run['articles']:,}: measured on the first "
        f"{r['extrapolated_from']:,} articles; times scaled linearly, recall, candidates and "
        "memory are the sample's"
        for run in runs
        for r in run["baselines"]
        if r.get("extrapolated_from")
    ]
    for note in notes:
        print(note)
    bands = {
        r["baseline"]: f"{r['lsh']['bands']}x{r['lsh']['rows']}"
        for run in runs
        for r in run["baselines"]
        if "lsh" in r
    }
    print("LSH bands x rows: " + ", ".join(f"{k} {v}" for k, v in bands.items()))
    print("peak MB: process peak during the run (corpus loaded); +MB: over the loaded corpus")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, default=10_000)
    parser.add_argument("--sizes", help="comma-separated corpus sizes, e.g. 10000,30000,100000")
    parser.add_argument("--baselines", default=",".join(BASELINES))
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--reuse-share", type=float, default=0.05)
    parser.add_argument("--output", type=Path, default=RESULTS_DIR / "baselines.json")
    # Internal: run one baseline on a corpus written by the parent process.
    parser.add_argument("--only", help=argparse.SUPPRESS)
    parser.add_argument("--corpus", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--planted", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--result", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)

    if args.only:
        _child(args.only, args.corpus, args.planted, args.result)
        return 0

    sizes = [int(s) for s in args.sizes.split(",")] if args.sizes else [args.articles]
    names = [b.strip() for b in args.baselines.split(",") if b.strip()]
    runs: list[dict[str, Any]] = []
    for size in sizes:
        corpus = generate(size, args.seed, args.reuse_share)
        gen_s = corpus.stats["generate_s"]
        print(f"corpus: {size:,} articles generated in {gen_s:.1f} s", flush=True)
        run: dict[str, Any] = {"articles": size, "corpus": corpus.stats, "baselines": []}
        with tempfile.TemporaryDirectory(prefix="bench_baselines_") as tmp_name:
            tmp = Path(tmp_name)
            write_jsonl(corpus, tmp / "corpus.jsonl")
            (tmp / "planted.json").write_text(json.dumps(corpus.planted))
            del corpus
            gc.collect()
            for name in names:
                print(f"  {name} ...", end=" ", flush=True)
                result = _isolated(name, tmp)
                run["baselines"].append(result)
                print(result.get("skipped") or f"{result['total_s']:.1f} s", flush=True)
        runs.append(run)

    print()
    _table(runs)
    payload = {
        "benchmark": "baselines",
        "machine": machine_info(),
        "library_versions": {
            "datasketch": _library_version("datasketch"),
            "rensa": _library_version("rensa"),
        },
        "settings": {
            "shingle": f"word {SHINGLE_WORDS}-grams of lowercased whitespace tokens",
            "num_perm": NUM_PERM,
            "threshold": THRESHOLD,
            "minhash_seed": MINHASH_SEED,
            "corpus_seed": args.seed,
            "reuse_share_per_kind": args.reuse_share,
            "batch_articles": BATCH,
            "extrapolate_above": EXTRAPOLATE_ABOVE,
            "rayon_num_threads": os.environ.get("RAYON_NUM_THREADS"),
        },
        "runs": runs,
    }
    write_json(args.output, payload)
    return 0


if __name__ == "__main__":
    sys.exit(main())
