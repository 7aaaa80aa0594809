"""Other languages, and spinners' tricks (look-alike letters, zero-width padding)."""

from __future__ import annotations

import random

import pytest

from rewrite_detect import (
    ConfigError,
    DetectorConfig,
    Document,
    Index,
    IndexConfig,
    Label,
    Verdict,
    compare,
)
from rewrite_detect.normalize import fold, unconfuse
from tests._corpus import unrelated
from tests._paths import FARM, FIXTURES, HILL

LANGUAGES = ("ru", "zh", "de", "fr", "es", "ar")


def _text(lang: str) -> str:
    return (FIXTURES / "languages" / f"{lang}.txt").read_text(encoding="utf-8")


def _edited_copy(text: str) -> str:
    """A syndicated copy: the last paragraph dropped, a credit line added."""
    paragraphs = text.strip().split("\n\n")
    return "\n\n".join(paragraphs[:-1]) + "\n\nCopyright 2022 Example Wire."


class TestOtherLanguages:
    @pytest.mark.parametrize("lang", LANGUAGES)
    def test_copy_is_found_by_compare(self, lang: str) -> None:
        """A copied article in another language is a verbatim copy, with its language's config."""
        text = _text(lang)
        for config in (DetectorConfig(), DetectorConfig(language=lang)):
            result = compare(text, _edited_copy(text), config=config)
            assert result.verdict is Verdict.VERBATIM_COPY, (lang, config.language)
            assert {p.label for p in result.pairs} == {Label.VERBATIM}

    @pytest.mark.parametrize("lang", LANGUAGES)
    def test_copy_is_found_by_the_index(self, lang: str) -> None:
        """The index pairs the copy with its origin among unrelated articles, and query finds it."""
        text = _text(lang)
        original = Document(id="orig", outlet="A", date="2022-03-13", text=text)
        copy = Document(id="copy", outlet="B", date="2022-03-14", text=_edited_copy(text))
        with Index() as index:
            index.add([*unrelated(40), original, copy])
            assert [(c.source, c.target) for c in index.candidates()] == [("orig", "copy")]
            index.remove("copy")
            (found,) = index.query(copy)
            assert found.source == "orig"

    def test_different_articles_do_not_pair(self) -> None:
        """Two articles on the same story in two languages share no passages."""
        with Index() as index:
            index.add([
                Document(id=lang, outlet=lang, text=_text(lang)) for lang in LANGUAGES
            ])  # fmt: skip
            assert index.candidates() == []

    def test_unsupported_language_is_a_clear_error(self) -> None:
        """A language without lemmas or frequencies is refused with the ones that work."""
        with pytest.raises(ConfigError, match="'xx' is not supported"):
            DetectorConfig(language="xx")
        with pytest.raises(ConfigError, match="'xx' is not supported"):
            IndexConfig(language="xx")


_LOOKALIKES = {"a": "\u0430", "e": "\u0435", "o": "\u043e", "c": "\u0441", "p": "\u0440"}


def _homoglyph_spun(text: str, seed: int) -> str:
    """A spinner's trick: about half of the a, e, o, c, p letters made Cyrillic."""
    rng = random.Random(seed)
    return "".join(
        _LOOKALIKES[ch] if ch in _LOOKALIKES and rng.random() < 0.5 else ch for ch in text
    )


def _zero_width_padded(text: str, seed: int) -> str:
    """Zero-width spaces, joiners and bidi marks inside a third of the words."""
    rng = random.Random(seed)
    marks = ("\u200b", "\u200c", "\u200d", "\u2060", "\u200e", "\ufeff")
    out = []
    for word in text.split(" "):
        if len(word) > 3 and rng.random() < 0.33:
            cut = rng.randrange(1, len(word) - 1)
            out.append(word[:cut] + rng.choice(marks) + word[cut:])
        else:
            out.append(word)
    return " ".join(out)


class TestSpinnerTricks:
    @pytest.mark.parametrize("trick", [_homoglyph_spun, _zero_width_padded])
    def test_tricked_copy_of_the_seed_is_still_a_copy(self, trick: object) -> None:
        """A look-alike-spun or zero-width-padded copy of the seed article is found as a copy."""
        assert callable(trick)
        text = FARM.read_text("utf-8")
        tricked = trick(text, 1)
        assert tricked != text
        result = compare(text, tricked)
        assert result.verdict is Verdict.VERBATIM_COPY
        assert result.coverage.target > 0.95
        origin = Document(id="farm", outlet="farm", date="2022-03-15", text=text)
        copy = Document(id="copy", outlet="copier", date="2022-03-16", text=tricked)
        hill = Document(id="hill", outlet="hill", date="2022-03-14", text=HILL.read_text("utf-8"))
        with Index() as index:
            index.add([*unrelated(60), origin, copy, hill])
            pairs = {(c.source, c.target) for c in index.candidates()}
        assert ("farm", "copy") in pairs

    def test_unconfuse_leaves_other_scripts_alone(self) -> None:
        """Only words that mix Latin with look-alikes change; Russian stays Russian."""
        russian = _text("ru")
        assert unconfuse(russian) == russian
        assert unconfuse("W\u0430shingt\u043en Post") == "Washington Post"
        assert fold("Sulliv\u0430n") == fold("Sullivan")
