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
import csv
import datetime as dt
import io
import json
import logging
import os
import re
import sys
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

import ftfy

from rewrite_detect.errors import DocumentNotFoundError, InputError, RewriteDetectError
from rewrite_detect.models import Document

__all__ = [
    "MAX_BYTES",
    "decode",
    "iter_documents",
    "load_document",
    "read_jsonl",
    "read_metadata",
    "repair_mojibake",
]

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
    # UTF-8 with a few damaged bytes (a truncated character, a stray byte) stays UTF-8, the
    # damage replaced by U+FFFD: it holds well-formed multi-byte characters, which a file in
    # a one-byte encoding such as Windows-1252 almost never does.
    replaced = data.decode("utf-8", errors="replace")
    damaged = replaced.count("\ufffd")
    well_formed = sum(1 for ch in replaced if ch > "\x7f") - damaged
    if well_formed > 0 and damaged <= max(1, len(replaced) // 200):
        return replaced
    from charset_normalizer import from_bytes  # noqa: PLC0415 - only needed for non-UTF-8 input

    best = from_bytes(data).best()
    if best is None:
        msg = f"{name}: cannot detect the text encoding; pass --encoding (e.g. cp1252, latin-1)"
        raise InputError(msg)
    return str(best)


# A UTF-8 lead byte read as Windows-1252 or Latin-1 ("Ã", "Â", "â"), followed by a
# continuation byte read the same way: the mark of mojibake, cheap to look for.
_MOJIBAKE_HINT_RE = re.compile(
    "[\u00c2-\u00f4][\u0080-\u00bf\u20ac\u201a\u0192\u201e\u2026\u2020\u2021\u02c6"
    "\u2030\u0160\u2039\u0152\u017d\u2018\u2019\u201c\u201d\u2022\u2013\u2014\u02dc"
    "\u2122\u0161\u203a\u0153\u017e\u0178]"
)


def repair_mojibake(text: str) -> str:
    r"""Undo UTF-8 text that was decoded as Windows-1252 on its way here ("cafÃ©" → "café").

    ftfy decides, and only changes what it is confident about; it runs only when a cheap
    pattern finds the mark of mojibake (it costs about 5 ms per article otherwise).

    Examples
    --------
    >>> repair_mojibake("The cafÃ© owner said â€œitâ€™s overâ€\x9d.")
    'The café owner said “it’s over”.'
    >>> repair_mojibake("Plain text stays as it is.")
    'Plain text stays as it is.'
    """
    if _MOJIBAKE_HINT_RE.search(text) is None:
        return text
    return str(ftfy.fix_encoding(text))


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
            if file_path.is_dir():
                what = "is a directory"
            elif file_path.is_symlink() and not file_path.exists():
                what = "is a broken symbolic link"
            elif file_path.exists():
                what = "is not a regular file (a pipe, socket or device)"
            else:
                what = "does not exist"
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
    text = repair_mojibake(decode(data, name=name, encoding=encoding))
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


_JSONL_FIELDS = frozenset({"id", "outlet", "url", "date", "title", "text", "html"})
_ARTICLE_SUFFIXES = frozenset({".txt", ".text", ".md", ".jsonl", *_HTML_SUFFIXES})

ErrorHandler = Callable[[str, str], None]
"""Called with (where, message) for an input that is skipped; the rest goes on."""


def read_jsonl(path: str | Path, *, on_error: ErrorHandler) -> Iterator[Document]:
    """Read articles from a JSON Lines file, one object per line.

    Each object has ``id`` and ``text`` or ``html``, and optionally ``outlet``, ``url``,
    ``date`` and ``title``. A bad line is reported through ``on_error`` with its line number
    and skipped; the other lines are read.
    """
    name = str(path)
    try:
        handle = Path(path).open(encoding="utf-8-sig", errors="strict")  # noqa: SIM115
    except OSError as exc:
        on_error(name, f"cannot read ({exc.strerror})")
        return
    with handle:
        line_no = 0
        while True:
            line_no += 1
            try:
                line = handle.readline()
            except UnicodeDecodeError:
                on_error(f"{name}:{line_no}", "not valid UTF-8; the rest of the file is skipped")
                return
            if not line:
                return
            if not line.strip():
                continue
            if line_no == 1 and line.startswith('{"config"') and "rewrite_detect_export" in line:
                continue  # the header line of an index export ('rewrite-detect index export')
            try:
                yield _from_json(line, f"{name}:{line_no}")
            except RewriteDetectError as exc:
                on_error(f"{name}:{line_no}", str(exc))


def _from_json(line: str, where: str) -> Document:
    try:
        record = json.loads(line)
    except json.JSONDecodeError as exc:
        msg = f"not valid JSON ({exc.msg} at column {exc.colno})"
        raise InputError(msg) from None
    if not isinstance(record, dict):
        msg = "each line must be a JSON object with 'id' and 'text' or 'html'"
        raise InputError(msg)
    unknown = sorted(set(record) - _JSONL_FIELDS)
    if unknown:
        msg = f"unknown field(s) {unknown}; use {sorted(_JSONL_FIELDS)}"
        raise InputError(msg)
    for key, value in record.items():
        if value is not None and not isinstance(value, str):
            msg = f"field {key!r} must be a string, not {type(value).__name__}"
            raise InputError(msg)
    if not record.get("id"):
        msg = "missing 'id'"
        raise InputError(msg)
    meta: dict[str, str | None] = {}
    if record.get("html"):
        text, meta = _extract_html(record["html"], where)
    else:
        text = repair_mojibake(record.get("text") or "")
    if not text.strip():
        msg = "no 'text' (or 'html') to index"
        raise InputError(msg)
    return Document(
        id=record["id"],
        text=text,
        outlet=record.get("outlet") or meta.get("outlet"),
        url=record.get("url") or meta.get("url"),
        date=record.get("date") or _iso_or_none(meta.get("date")),
        title=record.get("title") or meta.get("title"),
    )


def _metadata_records(name: str, raw: str) -> list[tuple[str, dict[Any, Any]]]:
    """Return the records of a metadata file, each with where it is (``file:line``)."""
    records: list[tuple[str, dict[Any, Any]]] = []
    if name.endswith(".jsonl"):
        for line_no, line in enumerate(raw.splitlines(), 1):
            if not line.strip():
                continue
            try:
                record = json.loads(line)
            except json.JSONDecodeError as exc:
                msg = f"{name}:{line_no}: not valid JSON ({exc.msg})"
                raise InputError(msg) from None
            if not isinstance(record, dict):
                msg = f"{name}:{line_no}: each line must be a JSON object"
                raise InputError(msg)
            records.append((f"{name}:{line_no}", record))
    else:
        try:
            rows = list(csv.DictReader(io.StringIO(raw)))
        except csv.Error as exc:
            msg = f"{name}: not a readable CSV file ({exc})"
            raise InputError(msg) from None
        for row_no, row in enumerate(rows, 2):
            if None in row:
                msg = f"{name}:{row_no}: more values than the header has columns"
                raise InputError(msg)
            records.append((f"{name}:{row_no}", row))
    return records


_META_FIELDS = frozenset({"outlet", "url", "date", "title"})


def read_metadata(
    path: str | Path,
    *,
    fields: frozenset[str] = _META_FIELDS,
    strict: bool = False,
) -> dict[str, dict[str, str]]:
    """Read per-document metadata from CSV (with a header) or JSON Lines.

    Each record names a document by ``id`` or ``path`` and gives any of ``fields`` (by
    default ``outlet``, ``url``, ``date``, ``title``). Returns a mapping from id/path to its
    non-empty fields. Other fields are ignored, or, with ``strict``, refused with a message
    naming them.
    """
    name = str(path)
    try:
        raw = Path(path).read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        msg = f"{name}: cannot read metadata ({exc}); give a UTF-8 CSV or JSONL file"
        raise InputError(msg) from None
    records = _metadata_records(name, raw)
    allowed = fields | {"id", "path"}
    out: dict[str, dict[str, str]] = {}
    for where, record in records:
        unknown = sorted(str(k) for k in set(record) - allowed)
        if strict and unknown:
            msg = f"{where}: unknown field(s) {unknown}; use {sorted(allowed)}"
            raise InputError(msg)
        key = record.get("id") or record.get("path")
        if not key:
            msg = f"{where}: the record has neither 'id' nor 'path'"
            raise InputError(msg)
        out[str(key)] = {
            k: str(v) for k, v in record.items() if k in fields and v not in (None, "")
        }
    return out


def iter_documents(
    paths: Iterable[str | Path],
    *,
    on_error: ErrorHandler,
    outlet: str | None = None,
    metadata: dict[str, dict[str, str]] | None = None,
    encoding: str | None = None,
) -> Iterator[Document]:
    """Read articles from files, directories (recursively) and ``.jsonl`` feeds.

    Unreadable or empty inputs are reported through ``on_error`` and skipped; the rest are
    read. Metadata is matched by document id, path as given, or file name.
    """
    metadata = metadata or {}
    for item in paths:
        path = Path(item)
        files = list(_walk(path, on_error)) if path.is_dir() else [path]
        for file in files:
            if file.suffix.lower() == ".jsonl":
                for doc in read_jsonl(file, on_error=on_error):
                    yield _with_meta(doc, metadata, outlet)
                continue
            try:
                doc = load_document(file, outlet=outlet, encoding=encoding)
            except RewriteDetectError as exc:
                on_error(str(file), str(exc).removeprefix(f"{file}: "))
                continue
            yield _with_meta(doc, metadata, outlet, file)


def _walk(root: Path, on_error: ErrorHandler) -> Iterator[Path]:
    """Article files under ``root``, sorted; everything left out is reported, never lost.

    Symbolic links to directories are not followed (a link back up would loop forever);
    broken links, pipes and sockets, unreadable directories and files of other kinds are
    reported through ``on_error``.
    """
    found = 0
    for folder, dirs, names in os.walk(root, onerror=lambda exc: _walk_error(exc, on_error)):
        base = Path(folder)
        dirs.sort()
        for name in [d for d in dirs if (base / d).is_symlink()]:
            on_error(str(base / name), "symbolic link to a directory: not followed")
            dirs.remove(name)
        other = []
        for name in sorted(names):
            file = base / name
            if file.suffix.lower() not in _ARTICLE_SUFFIXES:
                other.append(name)
            elif not file.is_file():
                what = "broken symbolic link" if not file.exists() else "not a regular file"
                on_error(str(file), f"{what}; skipped")
            else:
                found += 1
                yield file
        if other:
            shown = ", ".join(other[:5]) + (f" and {len(other) - 5} more" if len(other) > 5 else "")
            on_error(
                str(base),
                f"{len(other)} file(s) not .txt, .md, .html or .jsonl, skipped: {shown}",
            )
    if not found:
        on_error(str(root), "directory holds no .txt, .md, .html or .jsonl files")


def _walk_error(exc: OSError, on_error: ErrorHandler) -> None:
    on_error(str(exc.filename), f"cannot list ({exc.strerror}); skipped")


def _with_meta(
    doc: Document,
    metadata: dict[str, dict[str, str]],
    outlet: str | None,
    path: Path | None = None,
) -> Document:
    keys = [doc.id] + ([str(path), path.name] if path is not None else [])
    fields = next((metadata[k] for k in keys if k in metadata), {})
    if not fields and not (outlet and doc.outlet is None):
        return doc
    return Document(
        id=doc.id,
        text=doc.text,
        outlet=fields.get("outlet") or doc.outlet or outlet,
        url=fields.get("url") or doc.url,
        date=fields.get("date") or doc.date,
        title=fields.get("title") or doc.title,
    )
