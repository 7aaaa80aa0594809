"""The index commands: add, query, scan, clusters, info; inputs, feeds and errors."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from rewrite_detect.cli import ExitCode, main
from tests._corpus import article
from tests._paths import FARM, HILL


def _run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    """A folder with the seed pair, unrelated articles, and a metadata CSV."""
    folder = tmp_path / "articles"
    folder.mkdir()
    shutil.copy(HILL, folder / "hill.txt")
    shutil.copy(FARM, folder / "farm.txt")
    for i in range(20):
        (folder / f"other{i:02d}.txt").write_text(article(100 + i), encoding="utf-8")
    meta = tmp_path / "meta.csv"
    rows = ["path,outlet,date", "hill.txt,The Hill,2022-03-14", "farm.txt,farm.example,2022-03-15"]
    rows += [f"other{i:02d}.txt,outlet-{i},2022-03-{i + 1:02d}" for i in range(20)]
    meta.write_text("\n".join(rows) + "\n", encoding="utf-8")
    return folder


class TestIndexCommands:
    def test_add_scan_clusters_info(
        self, capsys: pytest.CaptureFixture[str], tmp_path: Path, corpus: Path
    ) -> None:
        """The seed pair comes out of add + scan as partial reuse, hill as origin."""
        db = str(tmp_path / "i.db")
        code, out, _ = _run(
            capsys, "index", "add", db, str(corpus), "--meta", str(tmp_path / "meta.csv")
        )
        assert code == ExitCode.OK
        assert out.startswith("added 22, replaced 0 documents")
        code, out, _ = _run(capsys, "index", "scan", db, "--workers", "1")
        assert code == ExitCode.OK
        assert out.splitlines()[0].startswith("partial-reuse")
        assert "hill.txt -> " in out
        code, out, _ = _run(capsys, "index", "scan", db, "--format", "jsonl", "--workers", "1")
        (record,) = [json.loads(line) for line in out.splitlines()]
        assert record["source"].endswith("hill.txt")
        assert record["comparison"]["verdict"] == "partial-reuse"
        assert record["passages"]
        code, out, _ = _run(capsys, "index", "clusters", db, "--format", "json", "--workers", "1")
        (cluster,) = json.loads(out)
        assert cluster["origin"].endswith("hill.txt")
        code, out, _ = _run(capsys, "index", "info", db)
        assert "documents: 22" in out
        assert "s=0.5" in out

    def test_query(self, capsys: pytest.CaptureFixture[str], tmp_path: Path, corpus: Path) -> None:
        """query lists the indexed article a new one reuses, and compares it on request."""
        db = str(tmp_path / "i.db")
        (corpus / "farm.txt").unlink()
        _run(capsys, "index", "add", db, str(corpus), "--outlet", "wire")
        code, out, _ = _run(
            capsys, "index", "query", db, str(FARM), "--outlet", "farm", "--compare"
        )
        assert code == ExitCode.OK
        assert "hill.txt -> " in out
        assert "partial-reuse" in out

    def test_jsonl_feed_with_a_bad_line(
        self, capsys: pytest.CaptureFixture[str], tmp_path: Path
    ) -> None:
        """A bad line in a feed is reported with its number; the other lines go in."""
        feed = tmp_path / "feed.jsonl"
        lines = [
            json.dumps({"id": "a", "outlet": "X", "text": article(1)}),
            "{not json",
            json.dumps({"id": "b", "outlet": "Y", "text": article(2), "colour": "red"}),
            json.dumps({"id": "c", "outlet": "Z", "text": article(3)}),
        ]
        feed.write_text("\n".join(lines) + "\n", encoding="utf-8")
        db = str(tmp_path / "i.db")
        code, out, err = _run(capsys, "index", "add", db, str(feed))
        assert code == ExitCode.OK
        assert "added 2," in out
        assert "skipped 2 inputs" in out
        assert f"{feed}:2: not valid JSON" in err
        assert f"{feed}:3: unknown field(s) ['colour']" in err

    def test_bad_files_are_skipped_and_named(
        self, capsys: pytest.CaptureFixture[str], tmp_path: Path
    ) -> None:
        """Empty and binary files are named on stderr; good ones are added."""
        folder = tmp_path / "in"
        folder.mkdir()
        (folder / "empty.txt").write_text("")
        (folder / "binary.txt").write_bytes(b"%PDF-1.4 ...")
        (folder / "good.txt").write_text(article(5))
        code, out, err = _run(capsys, "index", "add", str(tmp_path / "i.db"), str(folder))
        assert code == ExitCode.OK
        assert "added 1," in out
        assert "empty.txt: is empty" in err
        assert "binary.txt: looks like a PDF document" in err

    def test_nothing_added_is_an_error(
        self, capsys: pytest.CaptureFixture[str], tmp_path: Path
    ) -> None:
        """When every input fails, the exit code says so."""
        code, _, err = _run(capsys, "index", "add", str(tmp_path / "i.db"), str(tmp_path / "nope"))
        assert code == ExitCode.USAGE_ERROR
        assert "does not exist" in err

    def test_missing_index(self, capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
        """Scanning an index that does not exist says how to create one."""
        code, _, err = _run(capsys, "index", "scan", str(tmp_path / "none.db"))
        assert code == ExitCode.USAGE_ERROR
        assert "no such index; create it with 'rewrite-detect index add" in err

    @pytest.mark.parametrize(
        "case",
        [
            ("meta.jsonl", '{"id": "a", "outlet": "X"}\n["not", "an", "object"]\n', "meta.jsonl:2"),
            ("meta.jsonl", '{"id": "a"}\n{"outlet": "X"}\n', "neither 'id' nor 'path'"),
            ("meta.csv", "path,outlet\nhill.txt,The Hill,extra\n", "more values than the header"),
            ("meta.csv", b"path,outlet\nhill.txt,\xff\n", "cannot read metadata"),
        ],
    )
    def test_bad_metadata_file_is_a_usage_error(
        self,
        capsys: pytest.CaptureFixture[str],
        tmp_path: Path,
        corpus: Path,
        case: tuple[str, str | bytes, str],
    ) -> None:
        name, content, expected = case
        meta = tmp_path / name
        if isinstance(content, bytes):
            meta.write_bytes(content)
        else:
            meta.write_text(content, encoding="utf-8")
        db = str(tmp_path / "idx.db")
        code, _, err = _run(capsys, "index", "add", db, str(corpus), "--meta", str(meta))
        assert code == ExitCode.USAGE_ERROR
        assert expected in err
        assert "Traceback" not in err


def test_scan_names_hub_documents(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A story copied by more outlets than max_candidates is capped, and the scan says so."""
    from rewrite_detect import Document, Index, IndexConfig  # noqa: PLC0415

    db = tmp_path / "i.db"
    text = article(6001)
    with Index(db, config=IndexConfig(max_candidates=2)) as index:
        index.add(Document(id=f"c{i}", outlet=f"o{i}", text=text) for i in range(5))
    code, out, err = _run(capsys, "index", "scan", str(db), "--workers", "1")
    assert code == ExitCode.OK
    assert "5 documents had more than max_candidates=2 candidates (hubs)" in err
    pairs = [
        (line.split()[1], line.split()[3].rstrip(":"))
        for line in out.splitlines()
        if line.startswith("verbatim")
    ]
    assert len(pairs) >= 3
    for doc in (f"c{i}" for i in range(5)):
        assert sum(doc in pair for pair in pairs) <= 2
