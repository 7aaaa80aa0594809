"""Property tests for the index's vectorised collision search, against brute force."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rewrite_detect.index import _bucket_pairs
from rewrite_detect.minhash import _KeyTable, _sentences_by_str, _Shingler

pytestmark = pytest.mark.property


@settings(max_examples=200, deadline=None)
@given(
    keys=st.lists(st.integers(min_value=0, max_value=6), min_size=0, max_size=40),
    max_bucket=st.integers(min_value=2, max_value=8),
)
def test_bucket_pairs_match_brute_force(keys: list[int], max_bucket: int) -> None:
    """Every pair of passages with equal keys, from buckets no larger than the cap, once."""
    count = len(keys)
    bits = max(1, (count - 1).bit_length())
    packed = np.sort(
        (np.array(keys, dtype=np.uint64) << np.uint64(bits)) | np.arange(count, dtype=np.uint64)
    )
    found = _bucket_pairs(packed, bits, max_bucket).tolist()
    sizes = {k: keys.count(k) for k in keys}
    expected = sorted(
        i * count + j
        for i, j in itertools.combinations(range(count), 2)
        if keys[i] == keys[j] and sizes[keys[i]] <= max_bucket
    )
    assert sorted(found) == expected


_SHINGLER = _Shingler("en", 4.0)
# Every kind of white space str.split() cuts at, some that it does not (NUL, zero-width
# space), lone surrogates, accents and CJK, around ordinary words.
_PIECES = st.sampled_from(
    [" ", "\t", "\n", "\x0b", "\x0c", "\r", "\x1c", "\x1f", "\x85", "\xa0", "\u2003",
     "\u2028", "\u3000", "\x00", "\u200b", "\ud800", "é", "日本", "x" * 40, "'s", ".",
     "china", "chinese", "the", "u.s.", "well-known", "2024", "naïve"]
)  # fmt: skip
# Sentence ends and near misses: marks before a plain space end a sentence, before any other
# white space they do not.
_ENDS = st.sampled_from(
    [". ", '." ', ".' ", ".) ", ".\xa0", ".\t", '"." ', "..  ", ". . ", ",) ", "a. ", " .", "."]
)  # fmt: skip


@settings(max_examples=300, deadline=None)
@given(st.lists(st.one_of(_PIECES, st.text(max_size=12)), max_size=30))
def test_vectorised_token_ids_match_split(pieces: list[str]) -> None:
    """The byte-level token look-up gives what str.split() and the dictionary give."""
    text = "".join(pieces)
    assert _SHINGLER.ids(text).tolist() == _SHINGLER.ids_by_split(text).tolist()


@settings(max_examples=100, deadline=None)
@given(
    rounds=st.lists(
        st.lists(st.integers(min_value=1, max_value=2**64 - 1), max_size=60), max_size=6
    ),
    crowd=st.booleans(),
)
def test_key_table_matches_a_dict(rounds: list[list[int]], crowd: bool) -> None:
    """Keys put in rounds (the table growing on the way) come back; others are missing."""
    table, expected = _KeyTable(bits=2), {}
    for drawn in rounds:
        # Equal high bits: every key probes from one home slot.
        keys = [k & 0xFFFF or 1 for k in drawn] if crowd else drawn
        new = sorted(set(keys) - expected.keys())
        values = [k % 1000 - 500 for k in new]
        table.put(np.array(new, dtype=np.uint64), np.array(values, dtype=np.int64))
        expected.update(zip(new, values, strict=True))
        probe = np.array([*expected, *keys, 12345], dtype=np.uint64)
        found, hit = table.get(probe)
        assert hit.tolist() == [int(k) in expected for k in probe.tolist()]
        assert found[hit].tolist() == [expected[int(k)] for k in probe[hit].tolist()]


@settings(max_examples=200, deadline=None)
@given(st.lists(st.one_of(_PIECES, st.text(max_size=12)), max_size=30))
def test_pieces_are_the_ids_of_each_nul_separated_piece(pieces: list[str]) -> None:
    """NUL cuts the text into pieces; each token's piece and id are those of str.split."""
    text = "".join(pieces)
    ids, piece = _SHINGLER.pieces(text)
    expected = [(j, v) for j, part in enumerate(text.split("\0"))
                for v in _SHINGLER.ids_by_split(part).tolist()]  # fmt: skip
    assert list(zip(piece.tolist(), ids.tolist(), strict=True)) == expected


@settings(max_examples=300, deadline=None)
@given(st.lists(st.one_of(_PIECES, _ENDS, st.text(max_size=12)), max_size=30))
def test_sentences_in_bytes_match_the_str_way(pieces: list[str]) -> None:
    """Sentence ends found in the bytes cut as str.replace and str.split cut; spans agree."""
    text = "".join(pieces)
    ids, piece, spans = _SHINGLER.sentences(text)
    expected_ids, expected_piece, expected_spans = _sentences_by_str(text, text, _SHINGLER)
    assert ids.tolist() == expected_ids.tolist()
    assert piece.tolist() == expected_piece.tolist()
    # Spans are defined for pieces that hold a token; they slice out the stripped piece.
    for j in sorted(set(piece.tolist())):
        assert spans[j].tolist() == expected_spans[j].tolist()
        start, end = spans[j].tolist()
        assert text[start:end] == text[start:end].strip()
