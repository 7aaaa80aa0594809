"""Check benchmark: 1,000 new articles against an index of 100,000 (target: under 2 minutes).

Generates the synthetic corpus of ``corpus.py`` (planted verbatim, spun and partial copies),
indexes all but 1,000 articles with ``Index.add``, then runs ``run_check`` (the code behind
``rewrite-detect check --index``) on the 1,000 held-out articles: half planted copies whose
origin is in the index, half articles that copy nothing. Timed separately, in the same run:

- ``index build``: ``Index.add`` of the archive (set-up, not part of the check);
- ``first query``: the first ``Index.query``, which loads the banding table from SQLite;
- ``check``: the whole ``run_check`` (queries, every comparison, every rule), with the
  table already loaded, as a CI job that opens the index once would see it.

Recall is the share of held-out copies for which the check compared the copy with its origin
and found reuse (a verdict other than ``independent``). Prints a table and writes
``benchmarks/results/check.json``. Each size runs in a fresh subprocess so that peak memory
belongs to that size alone.

Usage: ``python benchmarks/bench_check.py [--sizes 10000,100000] [--new 1000] [--workers 2]``
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

BUDGET_S = 120.0


def _max_rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def measure(size: int, new: int, seed: int, workers: int) -> dict[str, Any]:
    """Index ``size`` articles and check ``new`` held-out ones against it, in this process."""
    from corpus import generate  # noqa: PLC0415
    from rewrite_detect import Document, Index  # noqa: PLC0415
    from rewrite_detect.check import Article, run_check  # noqa: PLC0415
    from rewrite_detect.policy import Policy  # noqa: PLC0415

    corpus = generate(size + new, seed=seed)
    docs = {
        a["id"]: Document(id=a["id"], outlet=a["outlet"], date=a["date"], text=a["text"])
        for a in corpus.articles
    }
    origins = {o for o, _, _ in corpus.planted}
    copies = [(o, c, k) for o, c, k in corpus.planted if c not in origins]
    per_kind = new // 2 // 3
    held_copies = [
        item for kind in ("verbatim", "spun", "partial")
        for item in [x for x in copies if x[2] == kind][:per_kind]
    ]  # fmt: skip
    held = {c for _, c, _ in held_copies}
    involved = origins | {c for _, c, _ in corpus.planted}
    plain = [d for d in docs if d not in involved][: new - len(held)]
    held |= set(plain)
    archive = [doc for doc_id, doc in docs.items() if doc_id not in held]
    fresh = [docs[d] for d in sorted(held)]
    row: dict[str, Any] = {
        "indexed": len(archive),
        "new": len(fresh),
        "new_copies": len(held_copies),
        "workers": workers,
    }
    with tempfile.TemporaryDirectory() as tmp, Index(Path(tmp) / "archive.db") as index:
        t0 = time.perf_counter()
        index.add(archive, batch_size=1000, workers=workers)
        row["index_build_s"] = time.perf_counter() - t0
        t0 = time.perf_counter()
        index.query(fresh[0])
        row["first_query_s"] = time.perf_counter() - t0
        articles = [Article(document=doc, path=f"new/{doc.id}.txt") for doc in fresh]
        t0 = time.perf_counter()
        result = run_check(articles, policy=Policy.default(), index=index, workers=workers)
        row["check_s"] = time.perf_counter() - t0
    found = {
        (c.source.id, c.target.id)
        for c, _ in result.comparisons
        if c.verdict.value != "independent"
    }
    by_kind: dict[str, list[bool]] = {}
    for origin, copy, kind in held_copies:
        by_kind.setdefault(kind, []).append((origin, copy) in found)
    row["recall"] = {k: sum(v) / len(v) for k, v in sorted(by_kind.items())}
    row["comparisons_kept"] = len(result.comparisons)
    row["findings"] = len(result.findings)
    row["check_plus_first_query_s"] = row["check_s"] + row["first_query_s"]
    row["per_article_ms"] = 1000 * row["check_s"] / max(1, len(fresh))
    row["max_rss_mib"] = _max_rss_mib()
    return row


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10000,100000")
    parser.add_argument("--new", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--one", type=int, help=argparse.SUPPRESS)  # child process
    args = parser.parse_args(argv)
    if args.one:
        row = measure(args.one, args.new, args.seed, args.workers)
        sys.stdout.write(json.dumps(row) + "\n")
        return 0

    rows = []
    for size in (int(s) for s in args.sizes.split(",")):
        print(f"measuring {args.new:,} new articles against {size:,} ...", flush=True)
        child_args = ["--new", str(args.new), "--seed", str(args.seed)]
        rows.append(measure_in_child(__file__, size, [*child_args, "--workers", str(args.workers)]))
    table = [
        [
            f"{r['indexed']:,}",
            f"{r['new']:,}",
            f"{r['index_build_s']:.1f}",
            f"{r['first_query_s']:.1f}",
            f"{r['check_s']:.1f}",
            f"{r['per_article_ms']:.0f}",
            f"{r['check_plus_first_query_s'] / BUDGET_S:.2f}",
            " ".join(f"{k[:4]} {v:.2f}" for k, v in r["recall"].items()),
            f"{r['max_rss_mib']:,.0f}",
        ]
        for r in rows
    ]
    print()
    print_table(
        [
            "indexed", "new", "build s", "1st query s", "check s", "ms/article", "of 2 min",
            "recall", "peak MiB",
        ],
        table,
    )  # fmt: skip
    write_json(
        RESULTS_DIR / "check.json",
        {
            "benchmark": "check",
            "machine": machine_info(),
            "seed": args.seed,
            "budget_s": BUDGET_S,
            "sizes": rows,
        },
    )
    print(f"wrote {RESULTS_DIR / 'check.json'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
