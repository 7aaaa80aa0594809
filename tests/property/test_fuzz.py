"""Fuzzing: arbitrary bytes and text never raise anything but RewriteDetectError.

Each entry point gets ``FUZZ_EXAMPLES`` examples (50 by default, in CI); for a long run set
``REWRITE_DETECT_FUZZ_EXAMPLES``, e.g. ``REWRITE_DETECT_FUZZ_EXAMPLES=10000 python -m pytest
tests/property/test_fuzz.py``.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from rewrite_detect import Document, Index, RewriteDetectError, compare, segment
from rewrite_detect.cli import main
from rewrite_detect.ingest import decode, load_document, read_jsonl

from .strategies import tricky_text

pytestmark = pytest.mark.property

FUZZ_EXAMPLES = int(os.environ.get("REWRITE_DETECT_FUZZ_EXAMPLES", "50"))
FUZZ = settings(
    max_examples=FUZZ_EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

# Bytes that look like the start of something: magic numbers, byte-order marks, HTML, JSON.
_PREFIXES = st.sampled_from(
    [b"", b"%PDF-", b"\x89PNG\r\n\x1a\n", b"\x1f\x8b", b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff",
     b"<html><body><p>", b"<!DOCTYPE html>", b'{"id": "x", "text": "', b"PK\x03\x04"]
)  # fmt: skip
_BYTES = st.builds(lambda p, b: p + b, _PREFIXES, st.binary(max_size=3000))
_TEXT = st.one_of(st.text(max_size=2000), tricky_text())


def _only_our_errors(run: object) -> None:
    """Run ``run``; our errors are answers, anything else fails the test."""
    assert callable(run)
    with contextlib.suppress(RewriteDetectError):
        run()


@FUZZ
@given(data=_BYTES, html=st.sampled_from([None, True, False]))
def test_loaders(data: bytes, html: bool | None) -> None:
    """decode() and load_document() on arbitrary bytes: a Document or our error."""
    _only_our_errors(lambda: decode(data))
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "x.html"
        path.write_bytes(data)
        _only_our_errors(lambda: load_document(path, html=html))


@FUZZ
@given(lines=st.lists(st.one_of(_TEXT, st.just('{"id": "a", "text": "Some text here."}'))))
def test_jsonl_reader(lines: list[str]) -> None:
    """read_jsonl() reports bad lines and yields good ones; nothing else escapes."""
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "feed.jsonl"
        path.write_text("\n".join(lines), encoding="utf-8", errors="surrogatepass")
        errors: list[str] = []
        _only_our_errors(
            lambda: list(read_jsonl(path, on_error=lambda _where, msg: errors.append(msg)))
        )


@FUZZ
@given(text=_TEXT)
def test_segmenter(text: str) -> None:
    """segment() on any text: offsets slice back to every sentence."""
    try:
        seg = segment(text)
    except RewriteDetectError:
        return
    for sentence in seg.sentences:
        assert text[sentence.start : sentence.end] == sentence.text


@FUZZ
@given(source=_TEXT, target=_TEXT)
def test_aligner(source: str, target: str) -> None:
    """compare() on any two texts: a result or our error."""
    _only_our_errors(lambda: compare(source, target))


@FUZZ
@given(texts=st.lists(_TEXT, min_size=1, max_size=6), probe=_TEXT)
def test_index(texts: list[str], probe: str) -> None:
    """Index add, candidates and query on any texts: results or our error."""

    def run() -> None:
        with Index() as index:
            index.add(Document(id=f"d{k}", outlet=f"o{k % 2}", text=t) for k, t in enumerate(texts))
            index.candidates()
            index.query(Document(id="q", text=probe))

    _only_our_errors(run)


@FUZZ
@given(source=_BYTES, target=_BYTES, fmt=st.sampled_from(["text", "json"]))
def test_cli(source: bytes, target: bytes, fmt: str) -> None:
    """The command line on any two files: exit 0 or 2, never a traceback (exit 3)."""
    with tempfile.TemporaryDirectory() as tmp:
        a, b = Path(tmp) / "a.txt", Path(tmp) / "b.txt"
        a.write_bytes(source)
        b.write_bytes(target)
        assert main(["compare", str(a), str(b), "--format", fmt]) in {0, 2}
