"""The Spark scan (local mode) finds what the local index finds."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from rewrite_detect import Index, IndexConfig
from rewrite_detect import spark as spark_scan
from tests._reuse_corpus import reuse_corpus


def test_spark_scan_matches_the_local_index(tmp_path: Path, spark: Any) -> None:
    """Same corpus: identical candidates, hubs, findings and labels as Index.scan().

    One Spark job only (Spark is slow to start work): scan with every candidate written.
    """
    docs = reuse_corpus()
    feed = tmp_path / "corpus.jsonl"
    with feed.open("w", encoding="utf-8") as out:
        for d in docs:
            record = {"id": d.id, "outlet": d.outlet, "date": d.date, "text": d.text}
            out.write(json.dumps(record) + "\n")
    config = IndexConfig(max_candidates=4)  # small, so that the syndicated story is a hub
    with Index(tmp_path / "i.db", config=config) as index:
        index.add(docs)
        expected = index.candidates()
        capped = index.capped
        local = [
            {**c.to_dict(), "comparison": r.to_dict()} for c, r in index.scan(candidates=expected)
        ]
    assert len(expected) >= 15
    assert capped
    found = spark_scan.scan(
        str(feed), config=config, spark=spark, partitions=3, include_independent=True,
        output=tmp_path / "out",
    )  # fmt: skip
    lines = [
        json.loads(line)
        for part in sorted((tmp_path / "out").glob("part-*"))
        for line in part.read_text(encoding="utf-8").splitlines()
    ]
    # Every candidate, in the same order, with the same evidence, score and labels.
    assert lines == local
    assert (found.candidates, found.findings, found.capped) == (len(expected), len(local), capped)
