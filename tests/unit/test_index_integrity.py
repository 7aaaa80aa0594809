"""Index integrity: damaged files, busy writers, two processes adding, export and import."""

from __future__ import annotations

import hashlib
import sqlite3
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from rewrite_detect import Document, Index, IndexBusyError, IndexConfig, IndexCorruptError
from rewrite_detect.cli import main
from tests._corpus import article, unrelated

ROOT = Path(__file__).resolve().parents[2]


def _build(path: Path, n: int = 40) -> None:
    with Index(path) as index:
        index.add([*unrelated(n), Document(id="copy", outlet="C", text=article(5005))])
        index.add([Document(id="orig", outlet="O", text=article(5005))])


class TestDamage:
    def test_truncated_file_is_refused_on_open(self, tmp_path: Path) -> None:
        """A file cut short is an IndexCorruptError when it is opened, saying what to do."""
        path = tmp_path / "i.db"
        _build(path)
        with sqlite3.connect(path) as conn:
            conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        data = path.read_bytes()
        path.write_bytes(data[: len(data) // 2])
        with pytest.raises(IndexCorruptError, match=r"truncated .* restore it from an export"):
            Index(path)

    def test_damaged_passages_are_detected(self, tmp_path: Path) -> None:
        """Bytes flipped in a stored segment fail its checksum on load and in check()."""
        path = tmp_path / "i.db"
        _build(path)
        with sqlite3.connect(path) as conn:
            (segment, bands) = conn.execute("SELECT id, bands FROM segments LIMIT 1").fetchone()
            broken = bytes([bands[0] ^ 0xFF]) + bands[1:]
            conn.execute("UPDATE segments SET bands = ? WHERE id = ?", (broken, segment))
        with Index(path) as index:
            with pytest.raises(IndexCorruptError, match=f"segment {segment} are damaged"):
                index.candidates()
            assert any(f"segment {segment}" in p for p in index.check())

    def test_segments_with_the_older_blake2b_checksum_still_load(self, tmp_path: Path) -> None:
        """Files written with blake2b segment digests open, verify, and still catch damage."""
        path = tmp_path / "i.db"
        _build(path)
        with Index(path) as index:
            expected = [(c.source, c.target) for c in index.candidates()]
        with sqlite3.connect(path) as conn:
            rows = conn.execute("SELECT id, rowids, spans, bands FROM segments").fetchall()
            for segment, *buffers in rows:
                digest = hashlib.blake2b(digest_size=16)
                for buffer in buffers:
                    digest.update(buffer)
                conn.execute(
                    "UPDATE segments SET checksum = ? WHERE id = ?", (digest.hexdigest(), segment)
                )
        with Index(path) as index:
            assert index.check() == []
            assert [(c.source, c.target) for c in index.candidates()] == expected
        with sqlite3.connect(path) as conn:
            conn.execute(
                "UPDATE segments SET checksum = "
                "iif(substr(checksum, 1, 1) = '0', '1', '0') || substr(checksum, 2)"
            )
        with Index(path) as index:
            assert any("damaged" in p for p in index.check())

    def test_altered_text_is_found_by_check(self, tmp_path: Path) -> None:
        """A stored text that no longer matches its passages is named by check()."""
        path = tmp_path / "i.db"
        _build(path)
        with Index(path) as index:
            assert index.check() == []
        with sqlite3.connect(path) as conn:
            conn.execute("UPDATE documents SET text = ? WHERE id = 'orig'", (article(5006),))
        with Index(path) as index:
            assert index.check() == [
                "document 'orig': stored passages do not match its text (re-add it to repair)"
            ]

    def test_cli_check(self, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
        """'index check' says ok and exits 0, or lists the damage and exits 1."""
        path = tmp_path / "i.db"
        _build(path)
        assert main(["index", "check", str(path)]) == 0
        assert capsys.readouterr().out.startswith("ok: 42 documents,")
        with sqlite3.connect(path) as conn:
            conn.execute("UPDATE segments SET checksum = 'x'")
        assert main(["index", "check", str(path)]) == 1
        assert "damaged: passages of segment" in capsys.readouterr().out

    def test_sqlite_file_of_another_program(self, tmp_path: Path) -> None:
        """A SQLite file that is not an index is refused, and left untouched."""
        path = tmp_path / "other.db"
        with sqlite3.connect(path) as conn:
            conn.execute("CREATE TABLE t (x)")
        before = path.read_bytes()
        with pytest.raises(IndexCorruptError, match="not a rewrite_detect index"):
            Index(path)
        assert path.read_bytes() == before


class TestWriters:
    def test_busy_writer_is_a_clear_error(self, tmp_path: Path) -> None:
        """While another connection holds the write lock, add() waits, then says why it gave up."""
        path = tmp_path / "i.db"
        _build(path)
        holder = sqlite3.connect(path, isolation_level=None)
        holder.execute("BEGIN IMMEDIATE")
        try:
            with (
                Index(path, timeout=0.2) as index,
                pytest.raises(IndexBusyError, match="another process has been writing"),
            ):
                index.add(unrelated(2))
        finally:
            holder.execute("ROLLBACK")
            holder.close()

    def test_two_processes_adding_at_once(self, tmp_path: Path) -> None:
        """Two processes add disjoint batches to one index at the same time: both land."""
        path = tmp_path / "i.db"
        Index(path).close()
        script = textwrap.dedent(
            f"""
            import sys
            sys.path.insert(0, {str(ROOT)!r})
            from rewrite_detect import Document, Index
            from tests._corpus import article
            part = int(sys.argv[1])
            docs = [
                Document(id=f"p{{part}}-{{i}}", outlet=f"o{{part}}", text=article(part * 100 + i))
                for i in range(60)
            ]
            with Index({str(path)!r}) as index:
                for lo in range(0, 60, 10):
                    index.add(docs[lo:lo + 10])
            """
        )
        procs = [
            subprocess.Popen([sys.executable, "-c", script, str(part)], cwd=ROOT) for part in (1, 2)
        ]
        assert [p.wait(timeout=120) for p in procs] == [0, 0]
        with Index(path) as index:
            assert len(index) == 120
            assert all(f"p{part}-{i}" in index for part in (1, 2) for i in range(60))
            assert index.check() == []


class TestExport:
    def test_round_trip_is_exact(self, tmp_path: Path) -> None:
        """Export, import and export again: the same bytes, documents and candidates."""
        config = IndexConfig(min_hits=2, seed=3)
        docs = [
            *unrelated(30),
            Document(id="orig", outlet="O", date="2024-01-02", title="T", text=article(5008)),
            Document(id="copy", outlet="C", url="https://c.example/x", text=article(5008)),
            Document(id="odd", outlet="", text="Tab\t, NUL \x00, \u2028 and \U0001f600 kept."),
        ]
        with Index(tmp_path / "a.db", config=config) as index:
            index.add(docs)
            assert index.export(tmp_path / "a.jsonl") == len(docs)
            candidates = index.candidates()
        with Index.restore(tmp_path / "a.jsonl", tmp_path / "b.db") as restored:
            assert restored.config == config
            assert restored.candidates() == candidates
            for doc in docs:
                assert restored.get(doc.id) == doc
            restored.export(tmp_path / "b.jsonl")
        assert (tmp_path / "a.jsonl").read_bytes() == (tmp_path / "b.jsonl").read_bytes()

    def test_cli_export_import(self, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
        """'index export' and 'index import' round-trip; import refuses an existing file."""
        path = tmp_path / "i.db"
        _build(path)
        out = tmp_path / "e.jsonl"
        assert main(["index", "export", str(path), "-o", str(out)]) == 0
        assert main(["index", "import", str(tmp_path / "n.db"), str(out), "--workers", "1"]) == 0
        assert "imported 42 documents" in capsys.readouterr().out
        assert main(["index", "import", str(path), str(out)]) == 2
        assert "already exists" in capsys.readouterr().err

    def test_lone_surrogate_is_refused_up_front(self) -> None:
        """Text no file can store is an InputError when the Document is made, not mid-add."""
        with pytest.raises(ValueError, match="lone surrogate at position 5"):
            Document(id="x", text="Lone \ud800 surrogate.")

    def test_not_an_export(self, tmp_path: Path) -> None:
        """A JSONL feed without the export header is refused with what to do."""
        feed = tmp_path / "feed.jsonl"
        feed.write_text('{"id": "a", "text": "Some text."}\n', encoding="utf-8")
        with pytest.raises(ValueError, match="not an index export"):
            Index.restore(feed, tmp_path / "x.db")
