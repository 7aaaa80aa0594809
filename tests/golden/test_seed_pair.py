"""Golden end-to-end test on the seed pair, written from reading both articles.

The Hill's report (source) and a content farm's reworded copy of the Washington Post's story
(target) cover the same report. The target reworded the quotations of Jake Sullivan, Anton
Siluanov and Eric Sayers and the Chinese embassy's denial; it copies nothing word for word.
"""

from __future__ import annotations

import pytest

from rewrite_detect import Comparison, Document, Label, Verdict, compare
from tests._paths import FARM, HILL

pytestmark = pytest.mark.golden


@pytest.fixture(scope="module")
def result() -> Comparison:
    source = Document(id=HILL.name, outlet="The Hill", text=HILL.read_text(encoding="utf-8"))
    target = Document(id=FARM.name, outlet="content farm", text=FARM.read_text(encoding="utf-8"))
    return compare(source, target)


def _pair_with(result: Comparison, source_words: str):
    found = [p for p in result.pairs if source_words in p.source_text]
    assert len(found) == 1, f"expected one pair whose source has {source_words!r}: {found}"
    return found[0]


class TestSeedPair:
    def test_verdict_is_partial_reuse(self, result: Comparison) -> None:
        """The target reuses a part of the source, not all of it."""
        assert result.verdict is Verdict.PARTIAL_REUSE
        assert 0.1 < result.coverage.target < 0.5
        assert 0.3 < result.coverage.source < 0.8

    def test_nothing_is_verbatim(self, result: Comparison) -> None:
        """No sentence is copied word for word between the two articles."""
        assert [p for p in result.pairs if p.label is Label.VERBATIM] == []

    @pytest.mark.parametrize(
        ("source_words", "target_words"),
        [
            ("We are communicating directly", "We are speaking directly"),  # Sullivan
            ("We see what pressure", "We also see what pressure"),  # Siluanov
            ("But I think that our partnership", "However, I believe that our partnership"),
            ("Anton Siluanov shared", "Anton Siluanov said in a televised appearance"),
            ("spillover effects", "The spillover consequences"),  # Sayers
            ("Chinese Embassy in Washington said", "Liu Pengyu, a spokesman"),
        ],
    )
    def test_reworded_reported_speech_is_paraphrase(
        self, result: Comparison, source_words: str, target_words: str
    ) -> None:
        """Reworded quotations and reported speech are found and labelled paraphrase."""
        pair = _pair_with(result, source_words)
        assert target_words in pair.target_text
        assert pair.label is Label.PARAPHRASE

    def test_reworded_quotations_carry_quote_evidence(self, result: Comparison) -> None:
        """Sullivan's quotation was reworded inside the quote marks: the evidence says so."""
        pair = _pair_with(result, "We are communicating directly")
        assert pair.evidence.reworded_quotes is not None
        assert "communicating" in pair.evidence.reworded_quotes.source[0]
        assert "speaking" in pair.evidence.reworded_quotes.target[0]
        # Rewritten throughout, not a few words edited: not an altered (changed) quotation.
        assert pair.evidence.quotes is None

    def test_sullivan_meeting_has_a_changed_day(self, result: Comparison) -> None:
        """Source: he warned China on Sunday; target: he meets Yang Jiechi on Monday."""
        pair = _pair_with(result, "Jake Sullivan, who is planning to meet")
        assert pair.label is Label.DIVERGENT
        assert pair.evidence.dates is not None
        assert pair.evidence.dates.source == ("sunday",)
        assert pair.evidence.dates.target == ("monday",)

    def test_most_reported_speech_is_found(self, result: Comparison) -> None:
        """Most of the source's reported-speech sentences have a paraphrase pair."""
        speech_words = ("said", "told", "added", "shared", "according", "noted", "warned", "“")
        speech = [
            s.index for s in result.source_sentences if any(word in s.text for word in speech_words)
        ]
        paraphrased = {
            i for p in result.pairs if p.label is Label.PARAPHRASE for i in p.source_sentences
        }
        found = paraphrased & set(speech)
        assert len(speech) == 10
        assert len(found) >= 6, f"{len(found)} of {len(speech)} reported-speech sentences"

    @pytest.mark.parametrize(
        "source_words",
        [
            "We will not allow that to go forward",
            "The Times reported that Moscow also requested",
            "Since starting its invasion of Ukraine",
        ],
    )
    def test_sentences_the_target_never_reworded_stay_unmatched(
        self, result: Comparison, source_words: str
    ) -> None:
        """Source sentences with no counterpart in the target are not forced into a pair."""
        assert not [p for p in result.pairs if source_words in p.source_text]
        unmatched = [result.source.text[a:b] for a, b in result.unmatched_source]
        assert any(source_words in text for text in unmatched)

    def test_boilerplate_is_skipped_and_reported(self, result: Comparison) -> None:
        """Page furniture is set aside with a reason and never takes part in a pair."""
        source_skipped = {s.text: s.reason for s in result.skipped_source}
        target_skipped = {s.text: s.reason for s in result.skipped_target}
        assert source_skipped["Update: 6:08 p.m."] == "timestamp"
        assert any(t.startswith("Copyright 2023 Nexstar") for t in source_skipped)
        assert target_skipped["top of page"] == "navigation"
        assert target_skipped["0 views0 comments"] == "engagement counter"
        for pair in result.pairs:
            for skip in result.skipped_source:
                assert pair.source_span[1] <= skip.start or pair.source_span[0] >= skip.end
            for skip in result.skipped_target:
                assert pair.target_span[1] <= skip.start or pair.target_span[0] >= skip.end

    def test_direction_matters(self) -> None:
        """Swapping source and target swaps the two coverages."""
        forward = compare(HILL.read_text(encoding="utf-8"), FARM.read_text(encoding="utf-8"))
        backward = compare(FARM.read_text(encoding="utf-8"), HILL.read_text(encoding="utf-8"))
        assert forward.coverage.source == pytest.approx(backward.coverage.target)
        assert forward.coverage.target == pytest.approx(backward.coverage.source)

    def test_json_shape(self, result: Comparison) -> None:
        """The JSON output has the documented keys and spans slice back to the texts."""
        data = result.to_dict()
        assert data["source"] == HILL.name
        assert data["target"] == FARM.name
        assert data["verdict"] == "partial-reuse"
        assert set(data["coverage"]) == {"source", "target"}
        assert set(data["unmatched"]) == {"source", "target"}
        assert set(data["skipped"]) == {"source", "target"}
        for pair in data["pairs"]:
            assert pair["label"] in {"verbatim", "paraphrase", "divergent"}
            assert isinstance(pair["score"], float)
            a, b = pair["source_span"]
            assert result.source.text[a:b] == pair["source_text"]
            a, b = pair["target_span"]
            assert result.target.text[a:b] == pair["target_text"]
            assert isinstance(pair["evidence"], dict)
