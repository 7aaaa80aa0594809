"""Index benchmark: candidate recall and speed on a synthetic news corpus with planted reuse.

Generates a corpus (``corpus.py``: Zipfian vocabulary, ~600-word articles, fixed seed) with
planted verbatim copies (small edits), spun copies (a third of the content words swapped for
synonyms, clauses reordered) and partial copies (a third of an article pasted into another),
then runs, in the same process and on the same articles:

- rewrite_detect: ``Index.add`` (passages, MinHash, band keys, SQLite) + ``candidates()``
  (the candidate stage), then ``scan()`` over the candidates (alignment and labels); then the
  candidate stage once more on an in-memory index (``Index(":memory:")``, no file, as the
  baselines run), which must find the same candidates;
- the baselines of ``bench_baselines.py``: plain datasketch (``MinHash.update`` per shingle +
  ``MinHashLSH``; measured on 10,000 articles and scaled linearly above that, as the table
  says), datasketch ``MinHash.bulk`` + ``MinHashLSH``, and rensa.

Prints a table and writes ``benchmarks/results/index.json``. Each size runs in a fresh
subprocess so that peak memory (max RSS) belongs to that size alone.

Usage: ``python benchmarks/bench_index.py [--sizes 10000,30000,100000] [--no-baselines]``
"""

from __future__ import annotations

import argparse
import json
import resource
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from _common import RESULTS_DIR, machine_info, measure_in_child, print_table, write_json

KINDS = ("verbatim", "spun", "partial")


def _max_rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def _max_child_rss_mib() -> float:
    """Peak RSS of the largest finished worker process (sketching and scan workers)."""
    return resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024.0


def measure(size: int, seed: int, workers: int, baselines: bool) -> dict[str, Any]:
    """Run rewrite_detect (and the baselines) on one corpus size, in this process."""
    from bench_baselines import BASELINES, run_baseline  # noqa: PLC0415
    from corpus import generate  # noqa: PLC0415
    from rewrite_detect import Document, Index  # noqa: PLC0415

    t0 = time.perf_counter()
    corpus = generate(size, seed=seed)
    generate_s = time.perf_counter() - t0
    docs = [
        Document(id=a["id"], outlet=a["outlet"], date=a["date"], text=a["text"])
        for a in corpus.articles
    ]
    planted = {(o, c): k for o, c, k in corpus.planted}
    row: dict[str, Any] = {"articles": size, "planted": len(planted), "generate_s": generate_s}
    with tempfile.TemporaryDirectory() as tmp:
        with Index(Path(tmp) / "bench.db") as index:
            t0 = time.perf_counter()
            summary = index.add(docs, batch_size=1000, workers=workers)
            add_s = time.perf_counter() - t0
            t0 = time.perf_counter()
            candidates = index.candidates()
            candidates_s = time.perf_counter() - t0
            found = {(c.source, c.target) for c in candidates}
            found |= {(t, s) for s, t in found}
            t0 = time.perf_counter()
            results = index.scan(candidates=candidates, workers=workers)
            scan_s = time.perf_counter() - t0
        db_mib = (Path(tmp) / "bench.db").stat().st_size / 2**20
    file_rss_mib = _max_rss_mib()
    # The same stage in memory, as the baselines run: no file, no write-ahead log, no
    # checkpoint; it must find the same candidates.
    with Index(":memory:") as index:
        t0 = time.perf_counter()
        index.add(docs, batch_size=1000, workers=workers)
        memory_add_s = time.perf_counter() - t0
        t0 = time.perf_counter()
        in_memory = index.candidates()
        memory_candidates_s = time.perf_counter() - t0
    same_in_memory = [c.to_dict() for c in in_memory] == [c.to_dict() for c in candidates]
    recall = {
        kind: _share([pair in found for pair, k in planted.items() if k == kind]) for kind in KINDS
    }
    reused = {(c.source, c.target) for c, r in results if r.verdict.value != "independent"}
    reused |= {(t, s) for s, t in reused}
    end_to_end = {
        kind: _share([pair in reused for pair, k in planted.items() if k == kind]) for kind in KINDS
    }
    row["rewrite_detect"] = {
        "passages": summary.passages,
        "add_s": add_s,
        "candidates_s": candidates_s,
        "candidate_stage_s": add_s + candidates_s,
        "in_memory": {
            "add_s": memory_add_s,
            "candidates_s": memory_candidates_s,
            "candidate_stage_s": memory_add_s + memory_candidates_s,
            "same_candidates": same_in_memory,
            "max_rss_mib": _max_rss_mib(),
        },
        "scan_s": scan_s,
        "total_s": add_s + candidates_s + scan_s,
        "candidates": len(candidates),
        "candidates_per_planted": len(candidates) / max(1, len(planted)),
        "recall": recall,
        "recall_after_compare": end_to_end,
        "db_mib": db_mib,
        "max_rss_mib": file_rss_mib,
        "max_worker_rss_mib": _max_child_rss_mib(),
    }
    if baselines:
        row["baselines"] = {name: run_baseline(name, corpus) for name in BASELINES}
    row["max_rss_mib"] = _max_rss_mib()
    return row


def _share(flags: list[bool]) -> float | None:
    return sum(flags) / len(flags) if flags else None


def _fmt(x: float | None, digits: int = 3) -> str:
    return "-" if x is None else f"{x:.{digits}f}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10000,30000,100000")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--no-baselines", action="store_true")
    parser.add_argument("--one", type=int, help=argparse.SUPPRESS)  # child process
    args = parser.parse_args(argv)
    if args.one:
        row = measure(args.one, args.seed, args.workers, not args.no_baselines)
        sys.stdout.write(json.dumps(row) + "\n")
        return 0

    rows = []
    for size in (int(s) for s in args.sizes.split(",")):
        print(f"measuring {size:,} articles ...", flush=True)
        child_args = ["--seed", str(args.seed), "--workers", str(args.workers)]
        child_args += ["--no-baselines"] if args.no_baselines else []
        rows.append(measure_in_child(__file__, size, child_args))

    table = []
    for row in rows:
        ours = row["rewrite_detect"]
        plain = row.get("baselines", {}).get("datasketch", {})
        speedup = (
            plain.get("total_s", 0) / ours["candidate_stage_s"] if plain.get("total_s") else None
        )
        memory = ours.get("in_memory", {})
        memory_speedup = (
            plain["total_s"] / memory["candidate_stage_s"]
            if plain.get("total_s") and memory
            else None
        )
        table.append(
            [
                f"{row['articles']:,}",
                f"{ours['add_s']:.1f}",
                f"{ours['candidates_s']:.1f}",
                f"{ours['scan_s']:.1f}",
                f"{ours['total_s']:.1f}",
                f"{ours['max_rss_mib']:,.0f}",
                *(_fmt(ours["recall"][k]) for k in KINDS),
                f"{ours['candidates_per_planted']:.2f}",
                "-" if speedup is None else f"{speedup:.1f}x",
                f"{memory['candidate_stage_s']:.1f}" if memory else "-",
                "-" if memory_speedup is None else f"{memory_speedup:.1f}x",
            ]
        )
    print()
    print_table(
        [
            "articles", "add s", "cand s", "scan s", "total s", "peak MiB",
            "rec verb", "rec spun", "rec part", "cand/planted", "vs plain",
            "in-memory stage s", "in-memory vs plain",
        ],
        table,
    )  # fmt: skip
    for row in rows:
        for name, base in row.get("baselines", {}).items():
            if base.get("skipped"):
                print(f"{row['articles']:,} {name}: skipped ({base['skipped']})")
                continue
            extra = (
                f" (extrapolated from {base['extrapolated_from']:,})"
                if base.get("extrapolated_from")
                else ""
            )
            print(
                f"{row['articles']:,} {name}: {base.get('total_s', 0):.1f} s{extra}, "
                f"recall {json.dumps(base.get('recall'))}"
            )
    write_json(
        RESULTS_DIR / "index.json",
        {"benchmark": "index", "machine": machine_info(), "seed": args.seed, "sizes": rows},
    )
    print(f"wrote {RESULTS_DIR / 'index.json'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
