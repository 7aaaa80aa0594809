"""Scale benchmark: Redis insertion from 1 and 4 writer processes; Spark local mode vs local scan.

Redis (a throw-away ``redis-server`` on a free loopback port, no persistence):

- **store writes**: batches of 1,000 documents are sketched first (passages, band keys), then
  written with ``RedisStore.put`` by 1 process, and by 4 processes at once (each a quarter of
  the batches, started together); passages/s is all passages over the wall time of the slowest
  writer. This is the cost a Redis-backed index adds per passage, the number the issue's target
  (>= 20,000 passages/s from 4 workers) is about;
- **end to end**: ``Index.add`` (sketching included, ``workers=2``) into Redis and into a
  SQLite file, one after the other in this run (the SQLite figure is the baseline).

Spark (``--spark-articles N``, 0 to skip): ``rewrite_detect.spark.scan`` in local mode
(``local[2]``) against ``Index.add`` + ``Index.scan(workers=2)`` on the same N articles,
with candidate recall of the planted copies for both.

Prints a table and writes ``benchmarks/results/scale.json``.

Usage: ``python benchmarks/bench_scale.py [--articles 20000] [--spark-articles 100000]``
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from _common import RESULTS_DIR, machine_info, print_table, write_json

HERE = Path(__file__).resolve().parent
KINDS = ("verbatim", "spun", "partial")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class RedisServer:
    """``redis-server`` on loopback in a temporary directory, stopped on exit."""

    def __init__(self) -> None:
        binary = shutil.which("redis-server")
        if binary is None:
            sys.exit("redis-server is not installed (Debian: apt-get install redis-server)")
        self.dir = tempfile.TemporaryDirectory()
        self.port = _free_port()
        self.process = subprocess.Popen(
            [binary, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "",
             "--appendonly", "no", "--dir", self.dir.name],
            stdout=subprocess.DEVNULL,
        )  # fmt: skip
        self.url = f"redis://127.0.0.1:{self.port}/0"
        import redis  # noqa: PLC0415

        client = redis.Redis.from_url(self.url)
        for _ in range(200):
            try:
                client.ping()
                break
            except redis.exceptions.ConnectionError:
                time.sleep(0.05)
        self.client = client
        self.version = client.info()["redis_version"]

    def flush(self) -> None:
        self.client.flushdb()

    def used_mib(self) -> float:
        return float(self.client.info("memory")["used_memory"]) / 2**20

    def close(self) -> None:
        self.client.close()
        self.process.terminate()
        self.process.wait(timeout=30)
        self.dir.cleanup()


def _documents(n: int, seed: int) -> tuple[list[Any], dict[tuple[str, str], str]]:
    from corpus import generate  # noqa: PLC0415
    from rewrite_detect import Document  # noqa: PLC0415

    corpus = generate(n, seed=seed)
    docs = [
        Document(id=a["id"], outlet=a["outlet"], date=a["date"], text=a["text"])
        for a in corpus.articles
    ]
    return docs, {(o, c): k for o, c, k in corpus.planted}


def _sketched(docs: list[Any], batch_size: int) -> list[Any]:
    """Batches ready to store (sketched in this process, not timed as insertion)."""
    from rewrite_detect.config import IndexConfig  # noqa: PLC0415
    from rewrite_detect.index import _sketch_job  # noqa: PLC0415
    from rewrite_detect.storage import Batch  # noqa: PLC0415

    config = IndexConfig()
    chunks = [docs[lo : lo + batch_size] for lo in range(0, len(docs), batch_size)]
    return [Batch(chunk, *_sketch_job(([d.text for d in chunk], config))) for chunk in chunks]


def _writer(url: str, batches: list[Any], start: Any, done: Any) -> None:
    from rewrite_detect.index import _fingerprint  # noqa: PLC0415
    from rewrite_detect.redis_store import RedisStore  # noqa: PLC0415

    store = RedisStore(url, None, _fingerprint)
    start.wait()
    t0 = time.perf_counter()
    store.put(batches)
    done.put(time.perf_counter() - t0)
    store.close()


def _store_writes(server: RedisServer, batches: list[Any], writers: int) -> dict[str, Any]:
    from rewrite_detect.index import _fingerprint  # noqa: PLC0415
    from rewrite_detect.redis_store import RedisStore  # noqa: PLC0415

    server.flush()
    url = server.url + "?prefix=bench:"
    RedisStore(url, None, _fingerprint).close()  # create the index (meta) once
    context = multiprocessing.get_context("fork")
    start = context.Barrier(writers + 1)
    done = context.Queue()
    parts = [batches[k::writers] for k in range(writers)]
    processes = [context.Process(target=_writer, args=(url, part, start, done)) for part in parts]
    for process in processes:
        process.start()
    start.wait()
    t0 = time.perf_counter()
    times = [done.get(timeout=600) for _ in processes]
    wall = time.perf_counter() - t0
    for process in processes:
        process.join()
    passages = sum(len(b.doc) for b in batches)
    documents = sum(len(b.documents) for b in batches)
    with _index(url) as index:
        assert len(index) == documents, (len(index), documents)
        stored = int(index.info()["passages"])  # type: ignore[call-overload]
        assert stored == passages, (stored, passages)
    return {
        "writers": writers,
        "documents": documents,
        "passages": passages,
        "wall_s": wall,
        "writer_s": times,
        "passages_per_s": passages / wall,
        "documents_per_s": documents / wall,
        "redis_used_mib": server.used_mib(),
    }


def _index(path: str) -> Any:
    from rewrite_detect import Index  # noqa: PLC0415

    return Index(path)


def _end_to_end(server: RedisServer, docs: list[Any], workers: int) -> dict[str, Any]:
    server.flush()
    out = {}
    with tempfile.TemporaryDirectory() as tmp:
        for name, path in (("redis", server.url), ("sqlite", str(Path(tmp) / "i.db"))):
            with _index(path) as index:
                t0 = time.perf_counter()
                summary = index.add(docs, workers=workers)
                seconds = time.perf_counter() - t0
            out[name] = {
                "add_s": seconds,
                "passages": summary.passages,
                "passages_per_s": summary.passages / seconds,
            }
    return out


def _recall(pairs: set[tuple[str, str]], planted: dict[tuple[str, str], str]) -> dict[str, float]:
    found = {frozenset(p) for p in pairs}
    out = {}
    for kind in KINDS:
        wanted = [frozenset(p) for p, k in planted.items() if k == kind]
        out[kind] = sum(p in found for p in wanted) / max(1, len(wanted))
    return out


def _spark_vs_local(n: int, seed: int, partitions: int) -> dict[str, Any]:
    from pyspark.sql import SparkSession  # noqa: PLC0415

    from rewrite_detect import Index, spark  # noqa: PLC0415
    from rewrite_detect.models import Verdict  # noqa: PLC0415

    docs, planted = _documents(n, seed)
    result: dict[str, Any] = {"articles": n, "planted": len(planted)}
    with tempfile.TemporaryDirectory() as tmp:
        feed = Path(tmp) / "corpus.jsonl"
        with feed.open("w", encoding="utf-8") as out:
            for d in docs:
                record = {"id": d.id, "outlet": d.outlet, "date": d.date, "text": d.text}
                out.write(json.dumps(record) + "\n")
        t0 = time.perf_counter()
        with Index(str(Path(tmp) / "i.db")) as index:
            index.add(docs, workers=2)
            t_add = time.perf_counter() - t0
            candidates = index.candidates()
            t_cand = time.perf_counter() - t0
            scanned = index.scan(candidates=candidates, workers=2)
        local_s = time.perf_counter() - t0
        local_pairs = {(c.source, c.target) for c in candidates}
        local_reuse = {
            (c.source, c.target) for c, r in scanned if r.verdict is not Verdict.INDEPENDENT
        }
        result["local"] = {
            "add_s": t_add, "candidate_stage_s": t_cand, "total_s": local_s,
            "candidates": len(candidates), "recall": _recall(local_pairs, planted),
            "recall_after_compare": _recall(local_reuse, planted),
        }  # fmt: skip
        os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
        os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")
        session = (
            SparkSession.builder.master("local[2]")
            .appName("bench-scale")
            .config("spark.ui.enabled", "false")
            .config("spark.ui.showConsoleProgress", "false")
            .config("spark.driver.memory", "4g")
            .config("spark.sql.shuffle.partitions", str(partitions))
            .getOrCreate()
        )
        session.sparkContext.setLogLevel("ERROR")
        try:
            t0 = time.perf_counter()
            summary = spark.scan(
                str(feed), output=str(Path(tmp) / "findings"), spark=session,
                partitions=partitions, include_independent=True,
            )  # fmt: skip
            spark_s = time.perf_counter() - t0
            rows = []
            for part in sorted((Path(tmp) / "findings").glob("part-*")):
                rows += [json.loads(line) for line in part.read_text().splitlines()]
        finally:
            session.stop()
    spark_pairs = {(r["source"], r["target"]) for r in rows}
    spark_reuse = {
        (r["source"], r["target"]) for r in rows if r["comparison"]["verdict"] != "independent"
    }
    result["spark"] = {
        "total_s": spark_s, "candidates": summary.candidates, "partitions": partitions,
        "recall": _recall(spark_pairs, planted),
        "recall_after_compare": _recall(spark_reuse, planted),
        "same_candidates_as_local": spark_pairs == local_pairs,
        "same_findings_as_local": spark_reuse == local_reuse,
    }  # fmt: skip
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, default=20_000, help="articles for Redis")
    parser.add_argument("--spark-articles", type=int, default=0, help="0 skips the Spark part")
    parser.add_argument("--partitions", type=int, default=16)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    # Parts run separately (--articles 0 or --spark-articles 0) keep the other part's figures.
    out = RESULTS_DIR / "scale.json"
    results: dict[str, Any] = json.loads(out.read_text()) if out.exists() else {}
    results.update({"benchmark": "scale", "machine": machine_info(), "seed": args.seed})
    if args.articles:
        _redis_part(args, results)
    if args.spark_articles:
        _spark_part(args, results)
    write_json(out, results)


def _redis_part(args: argparse.Namespace, results: dict[str, Any]) -> None:
    rows = []
    server = RedisServer()
    try:
        results["redis_version"] = server.version
        docs, _ = _documents(args.articles, args.seed)
        t0 = time.perf_counter()
        batches = _sketched(docs, 1000)
        sketch_s = time.perf_counter() - t0
        passages = sum(len(b.doc) for b in batches)
        results["sketch"] = {
            "s": sketch_s,
            "passages": passages,
            "passages_per_s": passages / sketch_s,
        }
        results["store_writes"] = [_store_writes(server, batches, w) for w in (1, 4)]
        for r in results["store_writes"]:
            rows.append([
                f"Redis store writes, {r['writers']} writer(s)", f"{r['documents']:,}",
                f"{r['passages']:,}", f"{r['wall_s']:.2f}", f"{r['passages_per_s']:,.0f}",
            ])  # fmt: skip
        rows.append([
            "sketching (1 process, for scale)", f"{len(docs):,}", f"{passages:,}",
            f"{sketch_s:.2f}", f"{passages / sketch_s:,.0f}",
        ])  # fmt: skip
        results["end_to_end"] = _end_to_end(server, docs, workers=2)
        for name, r in results["end_to_end"].items():
            rows.append([
                f"Index.add into {name} (workers=2)", f"{len(docs):,}", f"{r['passages']:,}",
                f"{r['add_s']:.2f}", f"{r['passages_per_s']:,.0f}",
            ])  # fmt: skip
    finally:
        server.close()
    print_table(["what", "articles", "passages", "seconds", "passages/s"], rows)


def _spark_part(args: argparse.Namespace, results: dict[str, Any]) -> None:
    spark_result = _spark_vs_local(args.spark_articles, args.seed, args.partitions)
    results["spark_vs_local"] = spark_result
    srows = []
    for name in ("local", "spark"):
        r = spark_result[name]
        srows.append([
            name, f"{spark_result['articles']:,}", f"{r['total_s']:.1f}",
            f"{r['candidates']:,}",
            " / ".join(f"{r['recall'][k]:.3f}" for k in KINDS),
            " / ".join(f"{r['recall_after_compare'][k]:.3f}" for k in KINDS),
        ])  # fmt: skip
    print_table(["scan", "articles", "seconds", "candidates", "recall v/s/p", "found v/s/p"], srows)
    print(
        f"Spark: same candidates as local: {spark_result['spark']['same_candidates_as_local']}"
        f", same findings: {spark_result['spark']['same_findings_as_local']}"
    )


if __name__ == "__main__":
    main()
