"""Index: add/replace/remove, persistence, config checks, candidates, query, scan, clusters."""

from __future__ import annotations

import gc
import os
import signal
import sqlite3
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from rewrite_detect import (
    Document,
    Index,
    IndexConfig,
    IndexCorruptError,
    IndexMismatchError,
    InputError,
    Label,
    Verdict,
    compare,
)
from tests._corpus import article, unrelated
from tests._paths import FARM, HILL

ROOT = Path(__file__).resolve().parents[2]


def _seeds() -> list[Document]:
    return [
        Document(id="hill", outlet="The Hill", date="2022-03-14", text=HILL.read_text("utf-8")),
        Document(id="farm", outlet="farm.example", date="2022-03-15", text=FARM.read_text("utf-8")),
    ]


class TestAddRemove:
    def test_add_counts_and_replace(self, tmp_path: Path) -> None:
        """Adding reports counts; re-adding an id replaces it."""
        with Index(tmp_path / "i.db") as index:
            first = index.add(unrelated(5))
            assert (first.added, first.replaced) == (5, 0)
            assert first.passages > 5
            again = index.add(unrelated(2))
            assert (again.added, again.replaced) == (0, 2)
            assert len(index) == 5

    def test_remove(self, tmp_path: Path) -> None:
        """remove() deletes a document and says whether it was there."""
        with Index(tmp_path / "i.db") as index:
            index.add(unrelated(3))
            assert index.remove("u0-0001")
            assert not index.remove("u0-0001")
            assert "u0-0001" not in index
            assert len(index) == 2

    def test_replaced_and_removed_passages_are_gone(self, tmp_path: Path) -> None:
        """After replace or remove, the old text's passages no longer collide."""
        text = article(11)
        with Index(tmp_path / "i.db") as index:
            index.add([Document(id="a", outlet="X", text=text), *unrelated(10)])
            index.add([Document(id="b", outlet="Y", text=text)])
            assert [(c.source, c.target) for c in index.candidates()] == [("a", "b")]
            # "a" now holds another text: its old passages must not pair it with "b".
            index.add([Document(id="a", outlet="X", text=article(12))])
            assert index.candidates() == []
            index.add([Document(id="c", outlet="Z", text=text)])
            assert [(c.source, c.target) for c in index.candidates()] == [("b", "c")]
            index.remove("c")
            assert index.candidates() == []
        with Index(tmp_path / "i.db") as index:
            assert index.candidates() == []
            assert index.query(Document(id="q", outlet="Q", text=text))[0].source == "b"

    def test_dead_passages_are_compacted(self, tmp_path: Path) -> None:
        """Re-adding the same documents again and again does not grow the stored passages."""
        path = tmp_path / "i.db"
        with Index(path) as index:
            for _ in range(6):
                index.add(unrelated(30))
            live = index.info()["passages"]
        with sqlite3.connect(path) as conn:
            (stored,) = conn.execute("SELECT sum(passages) FROM segments").fetchone()
        assert stored <= 2 * live

    def test_workers_give_the_same_index(self, tmp_path: Path) -> None:
        """Sketching in worker processes stores exactly what one process stores."""
        hill, farm = _seeds()
        docs = [*unrelated(120), hill, farm]
        found = []
        for workers, name in ((1, "one.db"), (2, "two.db")):
            with Index(tmp_path / name) as index:
                summary = index.add(docs, batch_size=25, workers=workers)
                found.append((summary, index.candidates()))
        assert found[0] == found[1]
        assert [(c.source, c.target) for c in found[0][1]] == [("hill", "farm")]

    def test_document_without_passages_is_stored_and_reported(self) -> None:
        """A text too short to index is kept, and named in the summary."""
        with Index() as index:
            summary = index.add([Document(id="tiny", outlet="x", text="It is.")])
            assert summary.without_passages == ("tiny",)
            assert index.get("tiny") is not None


class TestPersistence:
    def test_reopen_keeps_documents_and_config(self, tmp_path: Path) -> None:
        """An index reopened from its file has its documents and configuration."""
        path = tmp_path / "i.db"
        config = IndexConfig(min_hits=1)
        with Index(path, config=config) as index:
            index.add(_seeds())
        with Index(path) as index:
            assert len(index) == 2
            assert index.config == config
            assert index.get("hill") == _seeds()[0]

    def test_incremental_add(self, tmp_path: Path) -> None:
        """A later day's articles go into an existing index and find earlier ones."""
        path = tmp_path / "i.db"
        hill, farm = _seeds()
        with Index(path) as index:
            index.add([hill, *unrelated(30)])
        with Index(path) as index:
            index.add([farm])
            assert [(c.source, c.target) for c in index.candidates()] == [("hill", "farm")]

    def test_other_config_is_refused(self, tmp_path: Path) -> None:
        """Opening an index with different settings names the settings that differ."""
        path = tmp_path / "i.db"
        Index(path).close()
        with pytest.raises(IndexMismatchError, match="num_perm, rows differ"):
            Index(path, config=IndexConfig(num_perm=64, bands=32, rows=2))

    def test_search_settings_may_differ(self, tmp_path: Path) -> None:
        """min_hits, max_bucket and max_candidates steer the search, not the signatures."""
        path = tmp_path / "i.db"
        Index(path).close()
        with Index(path, config=IndexConfig(min_hits=5, max_candidates=3)) as index:
            assert index.config.min_hits == 5

    def test_not_an_index(self, tmp_path: Path) -> None:
        """A file that is not SQLite is a clear error."""
        path = tmp_path / "i.db"
        path.write_bytes(b"this is not a database" * 100)
        with pytest.raises(IndexCorruptError, match="not a rewrite_detect index or damaged"):
            Index(path)

    def test_no_pickle_in_the_file(self, tmp_path: Path) -> None:
        """The file holds plain columns and numeric buffers, never a pickle."""
        path = tmp_path / "i.db"
        with Index(path) as index:
            index.add(_seeds())
        with sqlite3.connect(path) as conn:
            rows = conn.execute("SELECT passages, rowids, spans, bands FROM segments").fetchall()
        assert rows
        for passages, rowids, spans, bands in rows:
            # Exactly the numbers, nothing else: 8 bytes per row id, 16 per span, 4 per band.
            assert len(rowids) == 8 * passages
            assert len(spans) == 16 * passages
            assert len(bands) == 4 * passages * IndexConfig().bands
            assert not any(blob.startswith(b"\x80") for blob in (rowids, spans, bands))


class TestCandidates:
    def test_the_garbage_collector_is_left_as_found(self) -> None:
        """candidates() pauses the cyclic collector while it builds results, then restores it."""
        with Index() as index:
            index.add([*unrelated(20), *_seeds()])
            assert gc.isenabled()
            assert index.candidates()
            assert gc.isenabled()
            gc.disable()
            try:
                assert index.candidates()
                assert not gc.isenabled()
            finally:
                gc.enable()

    def test_seed_pair_found_among_unrelated_articles(self) -> None:
        """The seed pair under two outlets, among 300 unrelated articles, is the one candidate."""
        with Index() as index:
            index.add([*unrelated(300), *_seeds()])
            candidates = index.candidates()
            assert [(c.source, c.target) for c in candidates] == [("hill", "farm")]
            candidate = candidates[0]
            assert candidate.score is None
            assert candidate.hits >= 2
            for match in candidate.passages:
                assert 0 <= match.source_span[0] < match.source_span[1]
                assert 0 < match.similarity <= 1
            ((scored, comparison),) = index.scan()
        direct = compare(_seeds()[0], _seeds()[1])
        assert comparison.verdict is Verdict.PARTIAL_REUSE
        assert [(p.source_sentences, p.target_sentences, p.label) for p in comparison.pairs] == [
            (p.source_sentences, p.target_sentences, p.label) for p in direct.pairs
        ]
        assert scored.score == pytest.approx(direct.coverage.target)
        assert any(p.label is Label.PARAPHRASE for p in comparison.pairs)

    def test_same_outlet_pairs_are_skipped_unless_asked(self) -> None:
        """Two copies in one outlet are no candidate by default."""
        text = article(42)
        docs = [Document(id="a", outlet="X", text=text), Document(id="b", outlet="X", text=text)]
        with Index() as index:
            index.add(docs)
            assert index.candidates() == []
            assert len(index.candidates(same_outlet=True)) == 1

    def test_direction_follows_dates(self) -> None:
        """The earlier dated document is the source."""
        text = article(7)
        docs = [
            Document(id="b-late", outlet="Y", date="2024-05-02", text=text),
            Document(id="z-early", outlet="X", date="2024-05-01", text=text),
        ]
        with Index() as index:
            index.add(docs)
            (candidate,) = index.candidates()
        assert (candidate.source, candidate.target) == ("z-early", "b-late")

    def test_undated_query_is_the_target(self) -> None:
        """Without dates, a queried article is the target and the indexed one the source."""
        hill, farm = _seeds()
        undated = Document(id="aaa-first-by-id", outlet="farm", text=farm.text)
        with Index() as index:
            index.add([Document(id="zzz", outlet="hill", text=hill.text), *unrelated(20)])
            (found,) = index.query(undated)
        assert (found.source, found.target) == ("zzz", "aaa-first-by-id")

    def test_query_does_not_add(self) -> None:
        """query() finds indexed documents that share passages, without storing the query."""
        hill, farm = _seeds()
        with Index() as index:
            index.add([hill, *unrelated(50)])
            found = index.query(farm)
            assert [c.source for c in found] == ["hill"]
            assert "farm" not in index

    def test_query_agrees_with_candidates(self) -> None:
        """Querying an indexed article's text finds the partners candidates() pairs it with."""
        hill, farm = _seeds()
        with Index() as index:
            index.add([hill, farm, *unrelated(40)])
            (pair,) = index.candidates()
            found_all = index.query(
                Document(id="new", outlet="N", date="2030-01-01", text=farm.text)
            )
        # The farm article itself (same text) and the Hill's, which the farm one rewrites.
        assert {(c.source, c.target) for c in found_all} == {("hill", "new"), ("farm", "new")}
        (found,) = [c for c in found_all if c.source == "hill"]
        assert found.hits == pair.hits
        assert pair.hits <= 10  # all colliding passage pairs are listed, none cut
        assert found.passages == pair.passages

    def test_hub_documents_are_capped_and_named(self) -> None:
        """A story copied by many outlets yields at most max_candidates pairs per document,
        and the capped documents are named."""
        text = article(5009)
        wire = Document(id="wire", outlet="wire", date="2024-01-01", text=text)
        copies = [
            Document(id=f"c{i:02}", outlet=f"o{i}", date="2024-01-02", text=text) for i in range(12)
        ]
        with Index(config=IndexConfig(max_candidates=3, max_bucket=100)) as index:
            index.add([wire, *copies, *unrelated(20)])
            found = index.candidates()
            per_doc: dict[str, int] = {}
            for c in found:
                for doc_id in (c.source, c.target):
                    per_doc[doc_id] = per_doc.get(doc_id, 0) + 1
            assert max(per_doc.values()) == 3
            assert "wire" in index.capped
            assert set(index.capped) <= {"wire", *(d.id for d in copies)}
            index.candidates(same_outlet=False)
            unique = Document(id="new", outlet="n", text=article(5010))
            index.query(unique)
            assert index.capped == ()

    def test_hub_buckets_are_capped(self) -> None:
        """A passage shared by more documents than max_bucket yields no pairs by itself."""
        text = article(3)
        docs = [Document(id=f"c{i}", outlet=f"o{i}", text=text) for i in range(6)]
        with Index(config=IndexConfig(max_bucket=4)) as index:
            index.add(docs)
            assert index.candidates() == []
        with Index(config=IndexConfig(max_bucket=10)) as index:
            index.add(docs)
            assert len(index.candidates()) == 15

    def test_scan_of_a_removed_document_is_a_clear_error(self) -> None:
        """Candidates naming a document removed since are refused with what to do."""
        with Index() as index:
            index.add(_seeds())
            candidates = index.candidates()
            index.remove("farm")
            with pytest.raises(InputError, match=r"no longer in the index; re-run candidates\(\)"):
                index.scan(candidates=candidates)


class TestClusters:
    def test_origin_and_edges(self) -> None:
        """A story copied twice forms one cluster whose origin is the earliest document."""
        text = article(11)
        docs = [
            Document(id="origin", outlet="A", date="2024-01-01", text=text),
            Document(id="copy1", outlet="B", date="2024-01-02", text=text),
            Document(id="copy2", outlet="C", date="2024-01-03", text=text),
            *unrelated(40, seed=5),
        ]
        with Index() as index:
            index.add(docs)
            clusters = index.clusters()
        assert len(clusters) == 1
        assert clusters[0].documents == ("copy1", "copy2", "origin")
        assert clusters[0].origin == "origin"
        assert ("origin", "copy1", "verbatim-copy") in clusters[0].edges


_ADDER = textwrap.dedent(
    """
    import sys
    sys.path.insert(0, {root!r})
    from rewrite_detect import Document, Index
    from tests._corpus import unrelated

    def slow():
        for i, doc in enumerate(unrelated(400, seed=9)):
            if i == 200:
                print("half", flush=True)
            yield doc

    with Index({path!r}) as index:
        index.add(slow(), batch_size=20)
    print("done", flush=True)
    """
)


class TestCrashSafety:
    def test_killed_mid_add_leaves_all_or_nothing(self, tmp_path: Path) -> None:
        """SIGKILL during add() leaves the index as before that add, and it opens intact."""
        path = tmp_path / "i.db"
        with Index(path) as index:
            index.add(unrelated(10, seed=1))
        script = _ADDER.format(root=str(ROOT), path=str(path))
        proc = subprocess.Popen(
            [sys.executable, "-c", script], stdout=subprocess.PIPE, text=True, cwd=ROOT
        )
        assert proc.stdout is not None
        assert proc.stdout.readline().strip() == "half"
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(timeout=30)
        proc.stdout.close()
        assert proc.returncode == -signal.SIGKILL
        with Index(path) as index:
            assert len(index) == 10  # the killed batch is wholly absent
            assert all(f"u1-{i:04d}" in index for i in range(10))
            index.add(unrelated(3, seed=2))
            assert len(index) == 13

    def test_completed_add_is_all_there(self, tmp_path: Path) -> None:
        """The same add, not killed, stores all of its documents."""
        path = tmp_path / "i.db"
        script = _ADDER.format(root=str(ROOT), path=str(path))
        start = time.monotonic()
        out = subprocess.run(
            [sys.executable, "-c", script], capture_output=True, text=True, cwd=ROOT, check=True
        )
        assert out.stdout.split() == ["half", "done"]
        assert time.monotonic() - start < 300
        with Index(path) as index:
            assert len(index) == 400
