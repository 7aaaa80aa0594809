"""Property tests for quotation extraction: spans, nesting, unbalanced marks."""

from __future__ import annotations

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from rewrite_detect import extract_quotes
from rewrite_detect.quotes import CLOSING_MARKS, OPENING_MARKS

from .strategies import tricky_text

pytestmark = pytest.mark.property

QUICK = settings(max_examples=200, deadline=None)

_MARKS = "\"\u201c\u201d\u00ab\u00bb\u2018\u2019'"
_WORDS = st.sampled_from(
    "we will act the bridge is safe Lopez said he added according to Smith told "
    "and but not today cables, truck. steel! why? Jones".split()
)
_PIECES = st.one_of(
    _WORDS,
    st.sampled_from(list(_MARKS)),
    st.sampled_from([" ", " ", " ", "\n", "\n\n", ", ", ". ", "\u2014"]),
)
marked_text = st.lists(_PIECES, max_size=80).map("".join)
"""Words, spaces, line breaks and quote marks of every style, in any order (mostly unbalanced)."""

plain_words = st.lists(_WORDS, min_size=1, max_size=30).map(" ".join)


def _check(text: str) -> None:
    quotes = extract_quotes(text)
    previous_end = 0
    for q in quotes:
        assert text[q.start] in OPENING_MARKS
        assert text[q.end - 1] in CLOSING_MARKS
        assert previous_end <= q.start < q.end
        previous_end = q.end
        assert q.parts
        assert all(q.start < a < b < q.end for a, b in q.parts)
        assert all(a >= b2 for (a, _), (_, b2) in zip(q.parts[1:], q.parts, strict=False))
        assert q.text == " ".join(text[a:b] for a, b in q.parts)
        assert all(text[a] in _MARKS and text[b - 1] in _MARKS for a, b in q.nested)
        # A quotation runs over a line break only into a paragraph opened with a quote mark.
        for k in range(q.start, q.end):
            if text[k] == "\n" and text[k + 1 : q.end].strip():
                assert text[k + 1 : q.end].lstrip()[0] in OPENING_MARKS


@QUICK
@given(marked_text)
@example('"a\n"b" "')
@example('\u201c\u201c\u201d\u201d "" \u2018\u2019 \'"\'" \u00ab')
def test_spans_start_and_end_at_quote_marks(text: str) -> None:
    """Any text: no crash; every quotation starts at an opening mark and ends at a closing one,
    its parts lie inside it, in order, and quotations do not overlap."""
    _check(text)


@QUICK
@given(tricky_text())
def test_tricky_text_never_crashes(text: str) -> None:
    """Line breaks, quotes and dashes of every style, invisible characters: still valid spans."""
    _check(text)


@QUICK
@given(plain_words, st.sampled_from(list('"\u201c\u201d\u00ab\u00bb')), plain_words)
def test_one_unbalanced_mark_gives_no_quotation(before: str, mark: str, after: str) -> None:
    """A lone mark never becomes a quotation, let alone one running to the end of the text."""
    assert extract_quotes(f"{before} {mark}{after}") == ()
    assert extract_quotes(f"{before}{mark} {after}") == ()


@QUICK
@given(plain_words, st.sampled_from(list('"\u201c\u00ab')), plain_words, plain_words)
def test_stray_mark_leaves_later_quotations_intact(
    noise: str, mark: str, words: str, rest: str
) -> None:
    """A stray opening mark before a well-formed quotation does not shift or swallow it:
    in an earlier paragraph (not followed by a quoted paragraph) or, for a straight mark,
    earlier in the same paragraph (an opening mark while one is open restarts the scan)."""
    for text in (
        f'{noise} {mark}{rest}\n{rest}\n"{words}," Ruiz said. {rest}',
        f'{noise} "{rest} "{words}," Ruiz said. {rest}',
    ):
        quotes = extract_quotes(text)
        assert [q.text for q in quotes] == [f"{words},"]
        assert quotes[-1].end == text.index(f'{words},"') + len(words) + 2
        assert quotes[-1].speaker == "Ruiz"
        _check(text)


@QUICK
@given(plain_words, plain_words, plain_words, st.booleans())
def test_nested_quotation_stays_inside(outer: str, inner: str, tail: str, curly: bool) -> None:
    """A single-quoted passage inside a double quotation is nested in it, not a quotation."""
    o, c, so, sc = ("\u201c", "\u201d", "\u2018", "\u2019") if curly else ('"', '"', "'", "'")
    text = f"{o}{outer} {so}{inner}{sc} {tail},{c} Ruiz said."
    (q,) = extract_quotes(text)
    assert (q.start, q.end) == (0, text.index(f",{c} Ruiz") + 2)
    assert [text[a:b] for a, b in q.nested] == [f"{so}{inner}{sc}"]
    assert q.speaker == "Ruiz"


@QUICK
@given(st.lists(plain_words, min_size=2, max_size=4))
def test_quotation_over_paragraphs(paragraphs: list[str]) -> None:
    """Each paragraph of a long quotation opens with a mark; only the last one closes."""
    body = "\n".join(f'"{p}' for p in paragraphs)
    text = f'Ruiz spoke.\n{body}," Ruiz said.\nThe end.'
    (q,) = extract_quotes(text)
    assert len(q.parts) == len(paragraphs)
    assert q.text == " ".join(paragraphs) + ","
    assert q.speaker == "Ruiz"
