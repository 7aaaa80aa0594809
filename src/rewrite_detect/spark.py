"""The corpus scan on Apache Spark: archives too large for one machine's index.

:func:`scan` does what ``Index.add`` + ``Index.scan`` do, spread over a Spark cluster (or the
cores of one machine in local mode), and finds the same candidates and labels:

1. documents are sketched on the executors (``mapPartitions`` calling
   :func:`~rewrite_detect.minhash.sketch` and :func:`~rewrite_detect.minhash.band_keys` on
   batches of 1,000): one row per passage, its band keys as an array;
2. band keys are exploded and grouped by ``(band, key)``; buckets of 2 to ``max_bucket``
   passages give passage pairs of different documents, counted over bands (``shared``);
3. passage pairs are grouped by document pair with the rules of ``Index.candidates()``: at
   least ``min_hits`` pairs (fewer for a document with fewer passages), other outlets only
   unless ``same_outlet``, the ten strongest passage pairs kept as evidence;
4. the driver makes the candidates and keeps at most ``max_candidates`` per document (the same
   greedy pass as the local index: it needs the global order, and candidates are few);
5. the executors align each candidate pair (:func:`~rewrite_detect.compare`) and the findings
   are written as JSON Lines part files (the records of ``rewrite-detect index scan --format
   jsonl``) or Parquet (``source``, ``target``, ``verdict``, ``score``, ``hits`` and the same
   record as JSON in ``record``).

Documents are numbered in input order and their passages in sketch order, the order a local
index gives them, so that ties between equally strong passage pairs break the same way.
Install with the extra ``[spark]``; Spark needs Java 17 or later. See ``docs/scaling.md``.
"""

from __future__ import annotations

import json
import os
import sys
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from rewrite_detect.config import DetectorConfig, IndexConfig
from rewrite_detect.errors import ConfigError
from rewrite_detect.index import _MAX_PASSAGES_PER_CANDIDATE, _candidate, _cap_per_document
from rewrite_detect.minhash import band_keys, sketch
from rewrite_detect.models import Candidate, Document, Verdict
from rewrite_detect.pipeline import compare

__all__ = ["SparkScan", "candidates", "scan"]

_PASSAGE_BITS = 20
"""A passage's number is its document's number shifted left by this, plus its own index."""
_BATCH = 1000
_FIELDS = ("id", "outlet", "url", "date", "title", "text")


@dataclass(frozen=True, slots=True, kw_only=True)
class SparkScan:
    """What :func:`scan` found."""

    documents: int
    candidates: int
    findings: int
    """Records written (candidates judged independent are left out unless asked for)."""
    capped: tuple[str, ...]
    """Documents that had more than ``max_candidates`` candidates (hubs)."""
    records: tuple[dict[str, Any], ...] | None
    """The records themselves, when no ``output`` was given; else ``None``."""


def _session(spark: Any) -> Any:
    if spark is not None:
        return spark
    try:
        from pyspark.sql import SparkSession  # noqa: PLC0415
    except ImportError:
        msg = "the Spark scan needs pyspark: pip install 'rewrite-detect[spark]'"
        raise ConfigError(msg) from None
    # Executors in local mode run this interpreter, which has rewrite_detect installed.
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    return SparkSession.builder.appName("rewrite-detect").getOrCreate()


def _documents(data: Any, session: Any, partitions: int | None) -> Any:
    """DataFrame ``(o, id, outlet, url, date, title, text)``: ``o`` numbers the documents."""
    from pyspark.sql import functions as F  # noqa: N812, PLC0415
    from pyspark.sql.types import LongType, StringType, StructField, StructType  # noqa: PLC0415

    if isinstance(data, str | Path):
        schema = StructType([StructField(name, StringType()) for name in _FIELDS])
        frame = session.read.schema(schema).json(str(data))
    else:
        frame = data
    columns = set(frame.columns)
    if not {"id", "text"} <= columns:
        msg = f"documents need 'id' and 'text' columns; got {sorted(columns)}"
        raise ConfigError(msg)
    frame = frame.select(
        *(
            F.col(name).cast("string") if name in columns else F.lit(None).cast("string")
            for name in _FIELDS
        )
    ).where(F.col("id").isNotNull() & F.col("text").isNotNull())
    numbered = frame.rdd.zipWithIndex().map(lambda pair: (pair[1], *pair[0]))
    if partitions:
        numbered = numbered.repartition(partitions)
    schema = StructType(
        [StructField("o", LongType(), False)]
        + [StructField(name, StringType()) for name in _FIELDS]
    )
    return session.createDataFrame(numbered, schema)


def _sketch_partition(rows: Iterable[Any], config: IndexConfig) -> Iterator[tuple[Any, ...]]:
    """``(pid, start, end, keys)`` for every passage of the partition's documents."""
    batch: list[Any] = []

    def flush() -> Iterator[tuple[Any, ...]]:
        found = sketch([row["text"] for row in batch], config)
        keys = band_keys(found.signatures, config.bands, config.rows).astype(np.int64)
        numbers = np.array([row["o"] for row in batch], dtype=np.int64)
        within = np.arange(len(found.doc)) - np.searchsorted(found.doc, found.doc)
        pids = (numbers[found.doc] << _PASSAGE_BITS) + within
        for pid, (start, end), key in zip(
            pids.tolist(), found.spans.tolist(), keys.tolist(), strict=True
        ):
            yield pid, start, end, key

    for row in rows:
        batch.append(row)
        if len(batch) >= _BATCH:
            yield from flush()
            batch = []
    if batch:
        yield from flush()


def _passages(docs: Any, config: IndexConfig) -> Any:
    from pyspark.sql.types import ArrayType, LongType, StructField, StructType  # noqa: PLC0415

    schema = StructType(
        [
            StructField("pid", LongType(), False),
            StructField("start", LongType(), False),
            StructField("end", LongType(), False),
            StructField("keys", ArrayType(LongType(), False), False),
        ]
    )
    rdd = docs.select("o", "text").rdd.mapPartitions(lambda rows: _sketch_partition(rows, config))
    return docs.sparkSession.createDataFrame(rdd, schema)


def _evidence(docs: Any, passages: Any, config: IndexConfig, *, same_outlet: bool) -> list[Any]:
    """Rows of the candidate document pairs' strongest passage pairs, from the cluster."""
    from pyspark.sql import Window  # noqa: PLC0415
    from pyspark.sql import functions as F  # noqa: N812, PLC0415

    bits = _PASSAGE_BITS
    entries = passages.select("pid", F.posexplode("keys").alias("band", "key"))
    buckets = (
        entries.groupBy("band", "key")
        .agg(F.collect_list("pid").alias("pids"))
        .where(F.size("pids").between(2, config.max_bucket))
    )
    pairs = (
        buckets.select(F.explode("pids").alias("a"), "pids")
        .select("a", F.explode("pids").alias("b"))
        .where((F.col("a") < F.col("b")) & (F.shiftright("a", bits) != F.shiftright("b", bits)))
        .groupBy("a", "b")
        .agg(F.count(F.lit(1)).alias("shared"))
        .withColumn("da", F.shiftright("a", bits))
        .withColumn("db", F.shiftright("b", bits))
    )
    sizes = passages.groupBy(F.shiftright("pid", bits).alias("o")).agg(F.count(F.lit(1)).alias("n"))
    meta = docs.select("o", "id", "outlet", "date").join(sizes, "o")
    left = meta.select(*(F.col(c).alias(f"{c}_a") for c in meta.columns))
    right = meta.select(*(F.col(c).alias(f"{c}_b") for c in meta.columns))
    found = pairs.join(left, pairs.da == left.o_a).join(right, pairs.db == right.o_b)
    if not same_outlet:
        both = F.col("outlet_a").isNotNull() & F.col("outlet_b").isNotNull()
        found = found.where(~(both & (F.col("outlet_a") == F.col("outlet_b"))))
    pair = Window.partitionBy("da", "db")
    needed = F.least(F.lit(config.min_hits), F.col("n_a"), F.col("n_b"))
    found = (
        found.withColumn("hits", F.count(F.lit(1)).over(pair))
        .where(F.col("hits") >= needed)
        .withColumn(
            "rank",
            F.row_number().over(pair.orderBy(F.col("shared").desc(), F.col("a"), F.col("b"))),
        )
        .where(F.col("rank") <= _MAX_PASSAGES_PER_CANDIDATE)
    )
    spans = passages.select("pid", "start", "end")
    span_a = spans.select(
        F.col("pid").alias("a"), F.col("start").alias("sa"), F.col("end").alias("ea")
    )
    span_b = spans.select(
        F.col("pid").alias("b"), F.col("start").alias("sb"), F.col("end").alias("eb")
    )
    columns = "da db hits shared a b sa ea sb eb id_a outlet_a date_a id_b outlet_b date_b"
    return list(found.join(span_a, "a").join(span_b, "b").select(*columns.split()).collect())


def _candidates_from(rows: list[Any], config: IndexConfig) -> tuple[list[Candidate], list[str]]:
    """Make the candidates from the evidence rows on the driver, capped per document."""
    grouped: dict[tuple[int, int], list[Any]] = defaultdict(list)
    for row in rows:
        grouped[(row["da"], row["db"])].append(row)
    out = []
    for (da, db), group in grouped.items():
        group.sort(key=lambda r: (-r["shared"], r["a"], r["b"]))
        first = group[0]
        a = (first["outlet_a"], first["date_a"], first["id_a"])
        b = (first["outlet_b"], first["date_b"], first["id_b"])
        matches = [((r["sa"], r["ea"]), (r["sb"], r["eb"]), r["shared"]) for r in group]
        candidate = _candidate(a, b, first["hits"], matches, config, a_is_query=False)
        source_date = (a if candidate.source == a[2] else b)[1]
        out.append((int(da), int(db), candidate, source_date or "~"))
    ids = {row["da"]: row["id_a"] for row in rows} | {row["db"]: row["id_b"] for row in rows}
    kept, capped = _cap_per_document(out, config.max_candidates)
    return kept, sorted(ids[k] for k in capped)


def candidates(
    data: Any,
    *,
    config: IndexConfig | None = None,
    same_outlet: bool = False,
    partitions: int | None = None,
    spark: Any = None,
) -> list[Candidate]:
    """Compute the candidate pairs of a corpus on Spark: what ``Index.candidates()`` gives.

    Parameters are those of :func:`scan`.
    """
    session = _session(spark)
    config = config or IndexConfig()
    docs = _documents(data, session, partitions).cache()
    try:
        passages = _passages(docs, config).cache()
        passages.count()  # sketch once: the evidence query reads the passages three times
        rows = _evidence(docs, passages, config, same_outlet=same_outlet)
        passages.unpersist()
        return _candidates_from(rows, config)[0]
    finally:
        docs.unpersist()


def _compare_partition(
    rows: Iterable[Any], todo: Any, detector: DetectorConfig, include_independent: bool
) -> Iterator[tuple[int, str, str, str, str, float, int]]:
    for row in rows:
        candidate: Candidate = todo.value[row["k"]]
        source, target = (
            Document(**{name: row[f"{name}_{side}"] for name in _FIELDS}) for side in "st"
        )
        result = compare(source, target, config=detector)
        if result.verdict is Verdict.INDEPENDENT and not include_independent:
            continue
        scored = Candidate(
            source=candidate.source,
            target=candidate.target,
            hits=candidate.hits,
            passages=candidate.passages,
            score=result.coverage.target,
        )
        record = {**scored.to_dict(), "comparison": result.to_dict()}
        yield (
            row["k"], json.dumps(record, ensure_ascii=False), candidate.source, candidate.target,
            result.verdict.value, float(result.coverage.target), candidate.hits,
        )  # fmt: skip


def scan(
    data: Any,
    *,
    output: str | Path | None = None,
    format: str = "jsonl",
    config: IndexConfig | None = None,
    detector: DetectorConfig | None = None,
    same_outlet: bool = False,
    include_independent: bool = False,
    partitions: int | None = None,
    spark: Any = None,
) -> SparkScan:
    """Find and align every reuse in a corpus on Spark: ``Index.add`` + ``Index.scan`` at scale.

    Parameters
    ----------
    data : pyspark.sql.DataFrame or str or Path
        Documents: a DataFrame with ``id`` and ``text`` columns (and optionally ``outlet``,
        ``url``, ``date``, ``title``), or a JSON Lines file or folder of them with those
        fields (the ``.jsonl`` format ``rewrite-detect index add`` reads). Ids must be unique.
    output : str or Path, optional
        Folder to write the findings to (Spark part files). Without it the records are
        collected and returned in :attr:`SparkScan.records`.
    format : {"jsonl", "parquet"}
        ``jsonl``: one record per line, as ``rewrite-detect index scan --format jsonl``
        writes; ``parquet``: columns ``source``, ``target``, ``verdict``, ``score``, ``hits``
        and ``record`` (that JSON record).
    config : IndexConfig, optional
        Passage, MinHash and candidate settings (default: ``IndexConfig()``).
    detector : DetectorConfig, optional
        Settings of the comparisons (default: ``DetectorConfig(language=config.language)``).
    same_outlet : bool
        Also pair documents of one outlet.
    include_independent : bool
        Also write candidates judged independent (the CLI's ``--all``).
    partitions : int, optional
        Repartition the documents into this many partitions first (more than the cores).
    spark : pyspark.sql.SparkSession, optional
        The session to use; by default the active one, or a new one with the default master.

    Returns
    -------
    SparkScan
        Counts, the hub documents that were capped, and the records when not written.
    """
    if format not in {"jsonl", "parquet"}:
        msg = f"format {format!r}: use 'jsonl' or 'parquet'"
        raise ConfigError(msg)
    from pyspark.sql.types import (  # noqa: PLC0415
        DoubleType,
        LongType,
        StringType,
        StructField,
        StructType,
    )

    session = _session(spark)
    config = config or IndexConfig()
    detector = detector or DetectorConfig(language=config.language)
    docs = _documents(data, session, partitions).cache()
    try:
        documents = docs.count()
        passages = _passages(docs, config).cache()
        passages.count()  # sketch once: the evidence query reads the passages three times
        rows = _evidence(docs, passages, config, same_outlet=same_outlet)
        found, capped = _candidates_from(rows, config)
        passages.unpersist()
        todo = session.sparkContext.broadcast(found)
        pairs = session.createDataFrame(
            [(k, c.source, c.target) for k, c in enumerate(found)],
            StructType(
                [
                    StructField("k", LongType(), False),
                    StructField("source", StringType(), False),
                    StructField("target", StringType(), False),
                ]
            ),
        )
        side = {
            s: docs.select(*(docs[name].alias(f"{name}_{s}") for name in _FIELDS)) for s in "st"
        }
        joined = pairs.join(side["s"], pairs.source == side["s"].id_s).join(
            side["t"], pairs.target == side["t"].id_t
        )
        if partitions:
            joined = joined.repartition(partitions)
        results = session.createDataFrame(
            joined.rdd.mapPartitions(
                lambda rows: _compare_partition(rows, todo, detector, include_independent)
            ),
            StructType(
                [
                    StructField("k", LongType(), False),
                    StructField("record", StringType(), False),
                    StructField("source", StringType(), False),
                    StructField("target", StringType(), False),
                    StructField("verdict", StringType(), False),
                    StructField("score", DoubleType(), False),
                    StructField("hits", LongType(), False),
                ]
            ),
        ).orderBy("k")
        if output is None:
            records = tuple(json.loads(r["record"]) for r in results.select("record").collect())
            written = len(records)
        else:
            results = results.cache()
            if format == "jsonl":
                results.select(results.record.alias("value")).write.text(str(output))
            else:
                results.drop("k").write.parquet(str(output))
            written = results.count()
            results.unpersist()
            records = None
        todo.destroy()
    finally:
        docs.unpersist()
    return SparkScan(
        documents=documents,
        candidates=len(found),
        findings=written,
        capped=tuple(capped),
        records=records,
    )
