"""The hostile-input table of docs/robustness.md: one test per row.

Each row feeds one kind of broken or hostile input to the command line and checks the
documented outcome: a one-line error naming the file and what to do (exit 2), or a documented
result. None may raise a traceback.
"""

from __future__ import annotations

import gzip
import os
from collections.abc import Callable
from pathlib import Path

import pytest

from rewrite_detect import Index, load_document
from rewrite_detect.cli import ExitCode, main
from tests._paths import FARM, HILL

ARTICLE = (
    "The finance minister said on Monday that the plan would cost 40 million dollars. "
    "Officials in the capital disagreed with his estimate and asked for an audit.\n\n"
    "The opposition called the figure a fantasy and promised to vote against the budget. "
    "A final vote is expected before the end of the month, the speaker's office said.\n"
) * 3

Maker = Callable[[Path], Path]


def _write(name: str, data: bytes) -> Maker:
    def make(tmp: Path) -> Path:
        path = tmp / name
        path.write_bytes(data)
        return path

    return make


def _huge(tmp: Path) -> Path:
    path = tmp / "huge.txt"
    with path.open("wb") as handle:
        handle.truncate(200 * 1024 * 1024)  # sparse: 200 MB on paper, no disk used
    return path


def _nested_html(tmp: Path) -> Path:
    path = tmp / "nested.html"
    body = "<div>" * 20_000 + "<p>" + ARTICLE + "</p>" + "</div>" * 10 + "<p><b>unclosed <i>x &"
    path.write_text(f"<html><body>{body}", encoding="utf-8")
    return path


_UTF8 = ARTICLE.encode("utf-8")
_NAV_HTML = (
    b"<html><body><nav><a href='/'>Home</a> | <a>News</a> | <a>Sport</a></nav>"
    b"<footer>Copyright 2024 X</footer></body></html>"
)
_CP1252_TEXT = ARTICLE.replace("minister", "ministre café") + "“Quoted,” he said — again.\n"

# (row, make the file, expected exit code, text the one-line error or output must contain)
ROWS: list[tuple[str, Maker, int, str]] = [
    ("empty file", _write("empty.txt", b""), 2, "is empty or only white space"),
    ("whitespace only", _write("ws.txt", b"  \n\t \r\n"), 2, "is empty or only white space"),
    ("PDF", _write("a.pdf", b"%PDF-1.4\n%\xe2\xe3\n" + os.urandom(500)), 2, "looks like a PDF"),
    ("PNG", _write("a.png", b"\x89PNG\r\n\x1a\n" + os.urandom(500)), 2, "looks like a PNG"),
    ("gzip", _write("a.gz", gzip.compress(_UTF8)), 2, "looks like a gzip archive"),
    (
        "UTF-16 without BOM",
        _write("u16.txt", ARTICLE.encode("utf-16-le")),
        2,
        "pass --encoding utf-16-le",
    ),
    ("200 MB file", _huge, 2, "larger than 52,428,800 bytes"),
    (
        "one 5 MB line without punctuation",
        _write("line.txt", b"word " * 1_000_000),
        2,
        "more than max_sentences=5,000",
    ),
    (
        "100,000 one-word sentences",
        _write("words.txt", b"Word.\n" * 100_000),
        2,
        "more than max_sentences=5,000",
    ),
    (
        "HTML that is all navigation",
        _write(
            "nav.html",
            b"<html><body><nav><a href='/'>Home</a> | <a>News</a> | "
            b"<a>Sport</a></nav><footer>Copyright 2024 X</footer></body></html>",
        ),
        2,
        "no sentences to compare",
    ),
]


class TestRejectedWithOneLine:
    @pytest.mark.parametrize("case", ROWS, ids=[r[0] for r in ROWS])
    def test_row(
        self,
        tmp_path: Path,
        capsys: pytest.CaptureFixture[str],
        case: tuple[str, Maker, int, str],
    ) -> None:
        """The input gives exit 2 and one line on stderr naming the file and the fix."""
        row, make, code, needle = case
        path = make(tmp_path)
        assert main(["compare", str(HILL), str(path)]) == code, row
        out, err = capsys.readouterr()
        assert out == ""
        assert err.count("\n") == 1
        assert err.startswith(f"rewrite-detect: error: {path}")
        assert needle in err


class TestDecodedAndCompared:
    def _target(self, tmp: Path, data: bytes, name: str = "t.txt") -> str:
        path = tmp / name
        path.write_bytes(data)
        return str(path)

    def _verdict(self, capsys: pytest.CaptureFixture[str], source: str, target: str) -> str:
        assert main(["compare", source, target]) == ExitCode.OK
        out, err = capsys.readouterr()
        assert err == ""
        return out.split(":", 1)[0]

    @pytest.mark.parametrize(
        "data",
        [ARTICLE.encode("utf-16"), b"\xef\xbb\xbf" + _UTF8],
        ids=["UTF-16 with BOM", "UTF-8 with BOM"],
    )
    def test_byte_order_marks(
        self, tmp_path: Path, capsys: pytest.CaptureFixture[str], data: bytes
    ) -> None:
        """Text behind a byte-order mark is decoded: the same article is a verbatim copy."""
        source = self._target(tmp_path, _UTF8, "s.txt")
        assert self._verdict(capsys, source, self._target(tmp_path, data)) == "VERBATIM-COPY"

    def test_utf16_without_bom_with_encoding(
        self, tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        """The error's advice works: --encoding utf-16-le reads the file."""
        source = self._target(tmp_path, ARTICLE.encode("utf-16-le"), "s.txt")
        target = self._target(tmp_path, ARTICLE.encode("utf-16-le"))
        assert main(["compare", source, target, "--encoding", "utf-16-le"]) == 0
        assert capsys.readouterr().out.startswith("VERBATIM-COPY")

    def test_invalid_utf8_bytes(self, tmp_path: Path) -> None:
        """UTF-8 with a few damaged bytes stays UTF-8, the damage replaced by U+FFFD."""
        text = ARTICLE.replace("capital", "capitàl")
        data = text.encode("utf-8")
        broken = data[:100] + b"\xff\xc3" + data[100:]
        doc = load_document(self._target(tmp_path, broken))
        assert "capitàl" in doc.text
        assert doc.text.count("\ufffd") == 2

    def test_windows_1252(self, tmp_path: Path) -> None:
        """A Windows-1252 file is detected and decoded exactly."""
        doc = load_document(self._target(tmp_path, _CP1252_TEXT.encode("cp1252")))
        assert doc.text == _CP1252_TEXT

    def test_mojibake_is_repaired(self, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
        """UTF-8 once decoded as Windows-1252 ("cafÃ©") is repaired, and found as a copy."""
        # Bytes Windows-1252 leaves undefined (0x9D in "”") pass through as Latin-1 does.
        mojibake = "".join(
            bytes([b]).decode("cp1252", errors="ignore") or chr(b)
            for b in _CP1252_TEXT.encode("utf-8")
        )
        assert "Ã©" in mojibake
        target = self._target(tmp_path, mojibake.encode("utf-8"))
        assert load_document(target).text == _CP1252_TEXT
        source = self._target(tmp_path, _CP1252_TEXT.encode("utf-8"), "s.txt")
        assert self._verdict(capsys, source, target) == "VERBATIM-COPY"

    def test_deeply_nested_malformed_html(
        self, tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        """20,000 nested divs and unclosed tags: an answer (text or a one-line error), no crash."""
        path = _nested_html(tmp_path)
        code = main(["compare", str(HILL), str(path)])
        out, err = capsys.readouterr()
        assert code in {ExitCode.OK, ExitCode.USAGE_ERROR}
        if code == ExitCode.USAGE_ERROR:
            assert err.count("\n") == 1
            assert "no main article text" in err
        else:
            assert out.startswith("INDEPENDENT")


class TestDirectoriesAndFeeds:
    def test_directory_with_broken_entries(
        self, tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        """Links that loop or dangle, pipes, other file kinds and bad files are each reported;
        the good articles are added."""
        root = tmp_path / "in"
        (root / "sub").mkdir(parents=True)
        (root / "hill.txt").write_text(HILL.read_text("utf-8"), encoding="utf-8")
        (root / "sub" / "farm.txt").write_text(FARM.read_text("utf-8"), encoding="utf-8")
        (root / "sub" / "loop").symlink_to(root)
        (root / "dangling.txt").symlink_to(tmp_path / "nowhere.txt")
        os.mkfifo(root / "pipe.txt")
        (root / "photo.png").write_bytes(b"\x89PNG\r\n\x1a\n")
        (root / "empty.txt").write_bytes(b"")
        db = tmp_path / "i.db"
        assert main(["index", "add", str(db), str(root), "--outlet", "x", "--workers", "1"]) == 0
        out, err = capsys.readouterr()
        assert out.startswith("added 2, replaced 0 documents")
        assert "skipped 5 inputs" in out
        for needle in (
            "sub/loop: symbolic link to a directory: not followed",
            "dangling.txt: broken symbolic link",
            "pipe.txt: not a regular file",
            "not .txt, .md, .html or .jsonl, skipped: photo.png",
            "empty.txt: is empty or only white space",
        ):
            assert needle in err
        with Index(db) as index:
            assert len(index) == 2

    def test_jsonl_with_a_bad_line_in_the_middle(
        self, tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        """The other lines are added; the bad one is reported with its line number."""
        feed = tmp_path / "feed.jsonl"
        good = '{"id": "%s", "outlet": "o", "text": "The minister said the plan was over."}\n'
        feed.write_text(good % "a" + '{"id": "b", "text": \n' + good % "c", encoding="utf-8")
        db = tmp_path / "i.db"
        assert main(["index", "add", str(db), str(feed), "--workers", "1"]) == 0
        _, err = capsys.readouterr()
        assert f"skipped {feed}:2: not valid JSON" in err
        with Index(db) as index:
            assert "a" in index
            assert "c" in index


class TestOutputSafety:
    def test_terminal_escapes_in_text_and_names_are_not_printed(
        self, tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        """ESC sequences and bidi overrides in article text or file names never reach stdout."""
        evil = "The minister \x1b]0;pwned\x07said \x1b[2J the plan would cost \u202e40 million."
        source = tmp_path / "s.txt"
        source.write_text(ARTICLE + evil, encoding="utf-8")
        target = tmp_path / "t\x1b[31m.txt"
        target.write_text(ARTICLE + evil, encoding="utf-8")
        assert main(["compare", str(source), str(target), "--colour", "never"]) == 0
        out, _ = capsys.readouterr()
        assert "\x1b" not in out
        assert "\u202e" not in out
        assert "\x07" not in out
        (tmp_path / "empty\x1b[2J.txt").write_bytes(b"")
        assert main(["compare", str(source), str(tmp_path / "empty\x1b[2J.txt")]) == 2
        _, err = capsys.readouterr()
        assert "\x1b" not in err
