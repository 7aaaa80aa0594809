"""The Redis backend: same answers as SQLite, concurrent writers, fingerprint on connect."""

from __future__ import annotations

import json
import multiprocessing
import os
from pathlib import Path

import pytest

from rewrite_detect import (
    ConfigError,
    Document,
    Index,
    IndexConfig,
    IndexMismatchError,
    IndexUnavailableError,
)
from rewrite_detect.cli import main
from tests._corpus import article, unrelated
from tests._reuse_corpus import reuse_corpus
from tests._servers import _free_port


def _labels(index: Index) -> list[tuple[str, str, str, tuple[str, ...]]]:
    return [
        (c.source, c.target, r.verdict.value, tuple(p.label.value for p in r.pairs))
        for c, r in index.scan()
    ]


def test_sqlite_and_redis_give_the_same_candidates_and_labels(
    tmp_path: Path, redis_url: str
) -> None:
    """One corpus, two backends: identical candidates, labels, clusters and query answers."""
    docs = reuse_corpus()
    with Index(f"sqlite:///{tmp_path / 'i.db'}") as lite, Index(redis_url) as shared:
        for index in (lite, shared):
            index.add(docs, batch_size=17)
        expected = lite.candidates()
        assert len(expected) >= 15
        pairs = {frozenset((c.source, c.target)) for c in expected}
        for planted in (("hill", "farm"), ("u3-0000", "copy-0"), ("u3-0001", "partial-1")):
            assert frozenset(planted) in pairs
        assert shared.candidates() == expected
        assert shared.candidates(same_outlet=True) == lite.candidates(same_outlet=True)
        assert shared.capped == lite.capped
        scanned = _labels(lite)
        assert {v for _, _, v, _ in scanned} >= {"verbatim-copy", "partial-reuse"}
        assert _labels(shared) == scanned
        assert shared.clusters() == lite.clusters()
        query = Document(id="q", outlet="Q", text=docs[5].text)
        assert shared.query(query) == lite.query(query)
        assert shared.check() == lite.check() == []
        assert [d for _, d in shared._store.documents()] == [d for _, d in lite._store.documents()]


def test_replace_remove_and_compaction(redis_url: str) -> None:
    """Replaced and removed passages stop colliding; dead ones do not pile up."""
    text = article(11)
    with Index(redis_url) as index:
        index.add([Document(id="a", outlet="X", text=text), *unrelated(10)])
        index.add([Document(id="b", outlet="Y", text=text)])
        assert [(c.source, c.target) for c in index.candidates()] == [("a", "b")]
        summary = index.add([Document(id="a", outlet="X", text=article(12))])
        assert (summary.added, summary.replaced) == (0, 1)
        assert index.candidates() == []
        index.add([Document(id="c", outlet="Z", text=text)])
        assert [(c.source, c.target) for c in index.candidates()] == [("b", "c")]
        assert index.remove("c")
        assert not index.remove("c")
        assert index.candidates() == []
        for _ in range(5):
            index.add(unrelated(10))
        store = index._store
        sizes = store._r.hgetall(store._key("segsize"))  # type: ignore[attr-defined]
        assert sum(int(v) for v in sizes.values()) <= 2 * index.info()["passages"]  # type: ignore[operator]
        assert len(index) == 12
        assert index.check() == []


def test_fingerprint_is_checked_on_connect(redis_url: str) -> None:
    """Another configuration is refused; no configuration means the stored one."""
    config = IndexConfig(bands=16, rows=8)
    with Index(redis_url, config=config) as index:
        index.add(unrelated(3))
    with pytest.raises(IndexMismatchError, match="bands"):
        Index(redis_url, config=IndexConfig())
    with Index(redis_url) as index:
        assert index.config == config
        assert len(index) == 3


def _add_part(url: str, part: int) -> None:
    docs = unrelated(40, seed=20 + part)
    # A copy of another writer's document, so that candidates cross writers.
    docs.append(
        Document(id=f"copy-{part}", outlet="copier", text=article(900_000 + (part + 1) % 4))
    )
    docs.append(Document(id=f"orig-{part}", outlet=f"orig-{part}", text=article(900_000 + part)))
    with Index(url) as index:
        index.add(docs, batch_size=7)


def test_four_processes_add_disjoint_batches(redis_url: str) -> None:
    """Four writers at once: every document is there afterwards, and the index is whole."""
    context = multiprocessing.get_context("fork")
    processes = [context.Process(target=_add_part, args=(redis_url, k)) for k in range(4)]
    for process in processes:
        process.start()
    for process in processes:
        process.join(120)
    assert [p.exitcode for p in processes] == [0, 0, 0, 0]
    with Index(redis_url) as index:
        assert len(index) == 4 * 42
        for part in range(4):
            for doc in unrelated(40, seed=20 + part):
                assert index.get(doc.id) == doc
        assert index.check() == []
        pairs = {frozenset((c.source, c.target)) for c in index.candidates()}
        assert pairs == {frozenset((f"orig-{(k + 1) % 4}", f"copy-{k}")) for k in range(4)}


def test_a_reader_sees_other_writers(redis_url: str) -> None:
    """A process's cached banding table is rebuilt after another process wrote."""
    text = article(31)
    with Index(redis_url) as reader, Index(redis_url) as writer:
        reader.add([Document(id="a", outlet="X", text=text), *unrelated(5)])
        assert reader.candidates() == []
        writer.add([Document(id="b", outlet="Y", text=text)])
        assert [(c.source, c.target) for c in reader.candidates()] == [("a", "b")]
        writer.remove("b")
        assert reader.candidates() == []


def test_check_finds_a_damaged_segment(redis_url: str) -> None:
    """A segment whose bytes changed is reported by check()."""
    with Index(redis_url) as index:
        index.add(unrelated(5))
        store = index._store
        (segment,) = store._r.hkeys(store._key("segsize"))  # type: ignore[attr-defined]
        key = store._key(f"seg:{int(segment)}")  # type: ignore[attr-defined]
        spans = store._r.hget(key, "spans")  # type: ignore[attr-defined]
        store._r.hset(key, "spans", bytes([spans[0] ^ 1]) + spans[1:])  # type: ignore[attr-defined]
        assert any("damaged" in problem for problem in index.check())


def test_cli_works_on_a_redis_url(
    tmp_path: Path, redis_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """`index add` and `index scan` take a redis:// URL and answer as with a file."""
    feed = tmp_path / "feed.jsonl"
    with feed.open("w") as out:
        for doc in reuse_corpus(24):
            out.write(json.dumps({"id": doc.id, "outlet": doc.outlet, "text": doc.text}) + "\n")
    outputs = []
    for name in (redis_url, str(tmp_path / "i.db")):
        assert main(["index", "add", name, str(feed), "--workers", "1"]) == 0
        capsys.readouterr()
        assert main(["index", "scan", name, "--format", "jsonl", "--workers", "1"]) == 0
        outputs.append(capsys.readouterr().out)
    assert outputs[0] == outputs[1]
    assert outputs[0].count("\n") >= 3


def test_unreachable_server_is_one_clear_error() -> None:
    """No server at the URL: IndexUnavailableError, saying what to check."""
    pytest.importorskip("redis")
    with pytest.raises(IndexUnavailableError, match="server is running"):
        Index(f"redis://127.0.0.1:{_free_port()}/0", timeout=2)


def test_index_urls(tmp_path: Path) -> None:
    """sqlite:/// URLs name the same file as a plain path; unknown schemes are refused."""
    path = tmp_path / "i.db"
    with Index(path) as index:
        index.add(unrelated(2))
    with Index(f"sqlite:///{path}") as index:
        assert len(index) == 2
    with pytest.raises(ConfigError, match="scheme"):
        Index("mongodb://localhost/x")
    assert os.path.exists(path)
