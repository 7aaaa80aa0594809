"""Ingest: read an article from a file, stdin or bytes into a :class:`Document`.

Plain text and HTML are accepted. HTML goes through trafilatura's main-text extraction (page
navigation, related links and comments are left out) and its metadata (title, date, site
name, canonical URL) fill the document's fields where the caller gave none. Offsets reported
for an HTML document point into the *extracted* text, which is ``Document.text``.

Bytes are decoded with the explicit ``encoding`` when given; otherwise a byte-order mark wins,
then strict UTF-8, then charset-normalizer's best guess. Binary files and empty texts are
refused with an :class:`~rewrite_detect.errors.InputError` that says what to do.
"""

from __future__ import annotations

import codecs
import datetime as dt
import logging
import re
import sys
from pathlib import Path

from rewrite_detect.errors import DocumentNotFoundError, InputError
from rewrite_detect.models import Document

__all__ = ["MAX_BYTES", "decode", "load_document"]

MAX_BYTES = 50 * 1024 * 1024
"""Largest input accepted by default (50 MiB); an article is a few tens of kilobytes."""

_MAGIC = (
    (b"%PDF", "a PDF document"),
    (b"\x89PNG", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF8", "a GIF image"),
    (b"\x1f\x8b", "a gzip archive"),
    (b"PK\x03\x04", "a ZIP archive (or a .docx/.xlsx file)"),
    (b"\x7fELF", "an executable"),
    (b"SQLite format 3", "an SQLite database"),
)
_HTML_SNIFF = re.compile(
    rb"^\s*(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html|head|body)\b", re.I | re.S
)
_MIN_HTML_WORDS = 5
_HTML_SUFFIXES = frozenset({".html", ".htm", ".xhtml", ".shtml"})


def decode(data: bytes, *, name: str = "<bytes>", encoding: str | None = None) -> str:
    """Decode article bytes to text.

    Parameters
    ----------
    data : bytes
        Raw file content.
    name : str
        Used in error messages (a path, ``<stdin>``).
    encoding : str, optional
        Decode strictly with this codec. When omitted: byte-order mark, then UTF-8, then the
        best guess of charset-normalizer.

    Raises
    ------
    InputError
        If the data is binary, cannot be decoded, or the encoding name is unknown.
    """
    for magic, what in _MAGIC:
        if data.startswith(magic):
            msg = f"{name}: looks like {what}, not text or HTML; extract its text first"
            raise InputError(msg)
    if encoding is not None:
        try:
            codecs.lookup(encoding)
        except LookupError:
            msg = f"{name}: unknown encoding {encoding!r}; use a codec name such as utf-8 or cp1252"
            raise InputError(msg) from None
        try:
            return data.decode(encoding)
        except UnicodeDecodeError as exc:
            msg = (
                f"{name}: not valid {encoding} at byte {exc.start}; "
                "check --encoding or leave it out to detect the encoding"
            )
            raise InputError(msg) from None
    for bom, codec in (
        (codecs.BOM_UTF8, "utf-8-sig"),
        (codecs.BOM_UTF32_LE, "utf-32"),
        (codecs.BOM_UTF32_BE, "utf-32"),
        (codecs.BOM_UTF16_LE, "utf-16"),
        (codecs.BOM_UTF16_BE, "utf-16"),
    ):
        if data.startswith(bom):
            try:
                return data.decode(codec)
            except UnicodeDecodeError:
                msg = f"{name}: starts with a {codec} byte-order mark but is not valid {codec}"
                raise InputError(msg) from None
    if b"\x00" in data[:8192]:
        msg = (
            f"{name}: contains NUL bytes, so it is binary or UTF-16 without a byte-order mark; "
            "pass --encoding utf-16-le (or -be) if it is text"
        )
        raise InputError(msg)
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    from charset_normalizer import from_bytes  # noqa: PLC0415 - only needed for non-UTF-8 input

    best = from_bytes(data).best()
    if best is None:
        msg = f"{name}: cannot detect the text encoding; pass --encoding (e.g. cp1252, latin-1)"
        raise InputError(msg)
    return str(best)


def _looks_like_html(text: str, path: Path | None) -> bool:
    if path is not None and path.suffix.lower() in _HTML_SUFFIXES:
        return True
    return bool(_HTML_SNIFF.match(text[:4096].encode("utf-8", "ignore")))


def _extract_html(html: str, name: str) -> tuple[str, dict[str, str | None]]:
    # trafilatura logs extraction failures at ERROR level; our caller reports them instead.
    logging.getLogger("trafilatura").setLevel(logging.CRITICAL)
    import trafilatura  # noqa: PLC0415 - slow import, only needed for HTML

    result = trafilatura.bare_extraction(
        html, with_metadata=True, include_comments=False, include_tables=False
    )
    text = getattr(result, "text", None) if result is not None else None
    # A page of navigation only comes back as a few link labels ("Home"): not an article.
    if not text or len(text.split()) < _MIN_HTML_WORDS:
        msg = (
            f"{name}: HTML page has no main article text (only navigation or scripts); "
            "check that the page is an article, or pass its text instead"
        )
        raise InputError(msg)
    meta = {
        "title": getattr(result, "title", None),
        "date": getattr(result, "date", None),
        "outlet": getattr(result, "sitename", None),
        "url": getattr(result, "url", None),
    }
    return text, meta


def load_document(
    path: str | Path,
    *,
    id: str | None = None,
    outlet: str | None = None,
    url: str | None = None,
    date: str | None = None,
    title: str | None = None,
    encoding: str | None = None,
    html: bool | None = None,
    max_bytes: int = MAX_BYTES,
) -> Document:
    """Read one article from a file (``"-"`` for standard input).

    Parameters
    ----------
    path : str or Path
        A text or HTML file, or ``"-"`` to read standard input.
    id : str, optional
        Document id; the path as given by default.
    outlet, url, date, title : str, optional
        Metadata. For HTML, missing values are taken from the page's metadata.
    encoding : str, optional
        Decode with this codec instead of detecting it.
    html : bool, optional
        Force (``True``) or forbid (``False``) HTML extraction; detected when omitted.
    max_bytes : int
        Refuse larger inputs.

    Returns
    -------
    Document

    Raises
    ------
    DocumentNotFoundError
        If the path does not exist or is not a file.
    InputError
        If the file is too large, binary, undecodable, or has no text.
    """
    name = str(path)
    file_path: Path | None = None
    if name == "-":
        data = sys.stdin.buffer.read(max_bytes + 1)
        name = "<stdin>"
    else:
        file_path = Path(path)
        if not file_path.is_file():
            what = "is a directory" if file_path.is_dir() else "does not exist"
            msg = f"{name}: {what}; give the path of a text or HTML file"
            raise DocumentNotFoundError(msg)
        try:
            with file_path.open("rb") as handle:
                data = handle.read(max_bytes + 1)
        except OSError as exc:
            msg = f"{name}: cannot read ({exc.strerror}); check the file's permissions"
            raise InputError(msg) from None
    if len(data) > max_bytes:
        msg = (
            f"{name}: larger than {max_bytes:,} bytes; an article should be far smaller — "
            "split the file or raise max_bytes"
        )
        raise InputError(msg)
    text = decode(data, name=name, encoding=encoding)
    meta: dict[str, str | None] = {}
    if html if html is not None else _looks_like_html(text, file_path):
        text, meta = _extract_html(text, name)
    if not text.strip():
        msg = f"{name}: is empty or only white space; nothing to compare"
        raise InputError(msg)
    date = date or _iso_or_none(meta.get("date"))
    return Document(
        id=id or name,
        text=text,
        outlet=outlet or meta.get("outlet"),
        url=url or meta.get("url"),
        date=date,
        title=title or meta.get("title"),
    )


def _iso_or_none(value: str | None) -> str | None:
    if not value:
        return None
    try:
        dt.datetime.fromisoformat(value)
    except ValueError:
        return None
    return value
