"""The WordNet synonym table shipped in the package (``normalize.synsets``)."""

from __future__ import annotations

import gzip
import sys
from importlib import resources
from pathlib import Path

import pytest

from rewrite_detect.normalize import synsets

ROOT = Path(__file__).resolve().parents[2]


def _shares(a: str, b: str) -> bool:
    return not synsets(a, "en").isdisjoint(synsets(b, "en"))


def test_synonyms_share_a_synset() -> None:
    assert _shares("bill", "measure")
    assert _shares("raised", "lifted")  # inflected forms are looked up by their lemma
    assert _shares("purchase", "buy")


def test_unrelated_words_share_none() -> None:
    assert not _shares("bill", "volcano")
    assert not _shares("raised", "cut")


def test_numbers_unknown_words_and_other_languages_have_none() -> None:
    assert synsets("2003", "en") == frozenset()
    assert synsets("qwzxv", "en") == frozenset()
    assert synsets("kaufen", "de") == frozenset()
    assert synsets("bill", "fr") == frozenset()


def test_table_format() -> None:
    """One synset a line: two or more sorted, distinct, all-letter lowercase words."""
    data = resources.files("rewrite_detect").joinpath("data", "wordnet-synsets.txt.gz")
    lines = gzip.decompress(data.read_bytes()).decode("utf-8").splitlines()
    assert len(lines) > 20_000
    for line in lines:
        words = line.split(" ")
        assert len(words) >= 2
        assert words == sorted(set(words))
        assert all(w.isalpha() and w == w.lower() for w in words), line


def test_licence_ships_beside_the_table() -> None:
    folder = resources.files("rewrite_detect").joinpath("data")
    assert "Princeton University" in folder.joinpath("WORDNET-LICENSE").read_text("utf-8")


def test_shipped_table_is_what_wordnet_gives() -> None:
    """The table in the package is ``benchmarks/build_synonyms.py``'s output, word for word."""
    wordnet = Path("/usr/share/wordnet")
    if not (wordnet / "index.noun").is_file():
        pytest.skip(
            "WordNet's database is not in /usr/share/wordnet (apt-get install wordnet-base)"
        )
    sys.path.insert(0, str(ROOT / "benchmarks"))
    try:
        import build_synonyms  # noqa: PLC0415
    finally:
        sys.path.pop(0)
    built = gzip.decompress(build_synonyms.encode(build_synonyms.synsets(wordnet)))
    assert built == gzip.decompress(build_synonyms.TABLE.read_bytes())


def test_empty_and_odd_tokens_have_none() -> None:
    assert synsets("", "en") == frozenset()
    assert synsets("'s", "en") == frozenset()
