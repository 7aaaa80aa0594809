"""Ingest: files, stdin, encodings, HTML extraction and clear errors on bad input."""

from __future__ import annotations

import gzip
import io
import sys
from pathlib import Path

import pytest

from rewrite_detect import Document, DocumentNotFoundError, InputError, load_document
from rewrite_detect.ingest import decode

ARTICLE = "Russian officials have reportedly contacted Chinese counterparts. Talks went on."

HTML = """<!DOCTYPE html>
<html><head><title>Russia seeks aid</title>
<meta property="og:site_name" content="The Example Post">
<meta name="date" content="2022-03-13"></head>
<body><nav><a href="/">Home</a> <a href="/s">Subscribe</a></nav>
<article><h1>Russia seeks aid</h1>
<p>Russian officials have reportedly contacted Chinese counterparts about obtaining military
equipment from the country amid the ongoing invasion of Ukraine, officials said on Sunday.</p>
<p>U.S. officials told The Washington Post and The New York Times of the potential arms deal
but did not disclose any details on what type of weaponry had been requested.</p>
</article><footer>Copyright 2022 The Example Post</footer></body></html>"""


class TestLoadText:
    def test_utf8_file(self, tmp_path: Path) -> None:
        """A UTF-8 file loads with its path as id."""
        path = tmp_path / "a.txt"
        path.write_text(ARTICLE, encoding="utf-8")
        doc = load_document(path, outlet="The Hill")
        assert doc == Document(id=str(path), text=ARTICLE, outlet="The Hill")

    def test_cp1252_is_detected(self, tmp_path: Path) -> None:
        """A Windows-1252 file with curly quotes decodes without --encoding."""
        text = (
            "\u201cWe will not allow that,\u201d he added. Officials\u2019 talks went on for hours."
        )
        path = tmp_path / "a.txt"
        path.write_bytes(text.encode("cp1252"))
        assert load_document(path).text == text

    def test_explicit_encoding(self, tmp_path: Path) -> None:
        """--encoding decodes strictly with the named codec."""
        path = tmp_path / "a.txt"
        path.write_bytes("Ça coûte 5 €.".encode("iso8859-15"))
        assert load_document(path, encoding="iso8859-15").text == "Ça coûte 5 €."

    def test_wrong_explicit_encoding_names_the_byte(self, tmp_path: Path) -> None:
        """A file that is not valid in the given encoding says where and what to do."""
        path = tmp_path / "a.txt"
        path.write_bytes(b"caf\xe9 ok")
        with pytest.raises(InputError, match=r"not valid utf-8 at byte 3.*--encoding"):
            load_document(path, encoding="utf-8")

    def test_unknown_encoding(self, tmp_path: Path) -> None:
        """An unknown codec name is an input error, not a LookupError."""
        path = tmp_path / "a.txt"
        path.write_text(ARTICLE)
        with pytest.raises(InputError, match="unknown encoding 'klingon'"):
            load_document(path, encoding="klingon")

    @pytest.mark.parametrize("bom_codec", ["utf-8-sig", "utf-16", "utf-32"])
    def test_byte_order_marks(self, tmp_path: Path, bom_codec: str) -> None:
        """UTF-8, UTF-16 and UTF-32 files with a byte-order mark decode by it."""
        path = tmp_path / "a.txt"
        path.write_bytes(ARTICLE.encode(bom_codec))
        assert load_document(path).text == ARTICLE

    def test_stdin(self, monkeypatch: pytest.MonkeyPatch) -> None:
        """'-' reads standard input."""
        fake = io.TextIOWrapper(io.BytesIO(ARTICLE.encode()), encoding="utf-8")
        monkeypatch.setattr(sys, "stdin", fake)
        doc = load_document("-")
        assert (doc.id, doc.text) == ("<stdin>", ARTICLE)


class TestLoadHtml:
    def test_main_text_and_metadata(self, tmp_path: Path) -> None:
        """HTML goes through main-text extraction; navigation and footer are gone."""
        path = tmp_path / "a.html"
        path.write_text(HTML, encoding="utf-8")
        doc = load_document(path)
        assert "Russian officials have reportedly contacted" in doc.text
        assert "Subscribe" not in doc.text
        assert "Copyright" not in doc.text
        assert doc.title == "Russia seeks aid"
        assert doc.outlet == "The Example Post"
        assert doc.date == "2022-03-13"

    def test_html_sniffed_without_suffix(self, tmp_path: Path) -> None:
        """A page saved without .html is still recognised by its doctype."""
        path = tmp_path / "page"
        path.write_text(HTML, encoding="utf-8")
        assert "Subscribe" not in load_document(path).text

    def test_caller_metadata_wins(self, tmp_path: Path) -> None:
        """Metadata given by the caller is not overwritten by the page's."""
        path = tmp_path / "a.html"
        path.write_text(HTML, encoding="utf-8")
        assert load_document(path, outlet="Mine").outlet == "Mine"

    def test_navigation_only_page(self, tmp_path: Path) -> None:
        """A page with no article text is a clear error."""
        path = tmp_path / "nav.html"
        path.write_text("<html><body><nav><a>Home</a></nav></body></html>")
        with pytest.raises(InputError, match="no main article text"):
            load_document(path)


class TestBadInput:
    def test_missing_file(self, tmp_path: Path) -> None:
        """A missing path names itself and is also a FileNotFoundError."""
        with pytest.raises(DocumentNotFoundError, match="does not exist"):
            load_document(tmp_path / "nope.txt")
        with pytest.raises(FileNotFoundError):
            load_document(tmp_path / "nope.txt")

    def test_directory(self, tmp_path: Path) -> None:
        """A directory is refused with a hint."""
        with pytest.raises(DocumentNotFoundError, match="is a directory"):
            load_document(tmp_path)

    @pytest.mark.parametrize("text", ["", "  \n\t\n "])
    def test_empty(self, tmp_path: Path, text: str) -> None:
        """An empty or blank file says there is nothing to compare."""
        path = tmp_path / "a.txt"
        path.write_text(text)
        with pytest.raises(InputError, match="empty or only white space"):
            load_document(path)

    @pytest.mark.parametrize(
        ("data", "what"),
        [
            (b"%PDF-1.7\n%\xe2\xe3", "a PDF document"),
            (b"\x89PNG\r\n\x1a\n\x00\x00", "a PNG image"),
            (gzip.compress(b"hello"), "a gzip archive"),
        ],
    )
    def test_binary(self, tmp_path: Path, data: bytes, what: str) -> None:
        """Binary files are named for what they look like."""
        path = tmp_path / "a.txt"
        path.write_bytes(data)
        with pytest.raises(InputError, match=what):
            load_document(path)

    def test_nul_bytes(self) -> None:
        """Text with NUL bytes and no BOM is refused with a hint about UTF-16."""
        with pytest.raises(InputError, match="utf-16"):
            decode("hello".encode("utf-16-le"), name="x")

    def test_too_large(self, tmp_path: Path) -> None:
        """Inputs over max_bytes are refused before being decoded."""
        path = tmp_path / "a.txt"
        path.write_text("word " * 100)
        with pytest.raises(InputError, match="larger than 100 bytes"):
            load_document(path, max_bytes=100)

    def test_bad_date(self) -> None:
        """A date that is not ISO 8601 is an input error with the expected format."""
        with pytest.raises(InputError, match="YYYY-MM-DD"):
            Document(id="a", text="x", date="13/03/2022")

    def test_empty_id(self) -> None:
        """A document needs an id."""
        with pytest.raises(InputError, match="non-empty"):
            Document(id="", text="x")
