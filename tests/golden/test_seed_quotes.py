"""Golden tests for quotations: the seed pair, and two independent reports of one briefing.

Seed pair: The Hill (source) quotes Jake Sullivan once and Anton Siluanov twice; the reworded
copy (target) keeps the quote marks but changes the words inside them. Press conference: two
short articles written independently (a local paper and a wire service) about the same
briefing quote the same two sentences; nothing else is shared.
"""

from __future__ import annotations

import pytest

from rewrite_detect import Comparison, Document, Label, QuoteFinding, QuoteStatus, Verdict, compare
from tests._paths import FARM, FIXTURES, HILL

pytestmark = pytest.mark.golden

GAZETTE = FIXTURES / "press_conference" / "gazette.txt"
WIRE = FIXTURES / "press_conference" / "wire.txt"


@pytest.fixture(scope="module")
def seed() -> Comparison:
    source = Document(id=HILL.name, text=HILL.read_text(encoding="utf-8"))
    target = Document(id=FARM.name, text=FARM.read_text(encoding="utf-8"))
    return compare(source, target)


def _finding(result: Comparison, target_words: str) -> QuoteFinding:
    found = [f for f in result.quotes if f.target is not None and target_words in f.target.text]
    assert len(found) == 1, found
    return found[0]


@pytest.mark.parametrize(
    ("target_words", "source_words", "speaker", "gone", "added"),
    [
        ("We are speaking directly", "We are communicating directly", "Jake Sullivan",
         "communicating", "speaking"),
        ("We also see what pressure", "We see what pressure", "Anton Siluanov",
         "is being exerted by", "are putting"),
        ("However, I believe that our partnership", "But I think that our partnership",
         "Anton Siluanov", "think", "believe"),
    ],
)  # fmt: skip
def test_reworded_quotations_are_altered(
    seed: Comparison,
    target_words: str,
    source_words: str,
    *,
    speaker: str,
    gone: str,
    added: str,
) -> None:
    """Sullivan's and both of Siluanov's quotations were altered inside the marks."""
    f = _finding(seed, target_words)
    assert f.status is QuoteStatus.ALTERED
    assert f.source is not None
    assert f.target is not None
    assert f.source.text.startswith(source_words)
    # The speakers are found in both texts: "Sullivan told CNN" / "Siluanov said", "he added"
    # in the source; "Sullivan told CNN", "Anton Siluanov said … " and a continuation in the
    # target.
    assert f.source.speaker == f.target.speaker == speaker
    assert f.same_speaker is True
    assert f.changed is not None
    assert gone in f.changed.source
    assert added in f.changed.target
    # The pair holding the quotation is the paraphrase pair the golden test expects.
    assert f.pair is not None
    assert seed.pairs[f.pair].label is Label.PARAPHRASE


def test_speaker_mentions_point_into_the_texts(seed: Comparison) -> None:
    """Each speaker span slices the source or target text at the attribution."""
    sullivan = _finding(seed, "We are speaking directly")
    assert sullivan.source is not None
    assert sullivan.target is not None
    assert seed.source.text[slice(*sullivan.source.speaker_span)] == "Sullivan"
    assert seed.target.text[slice(*sullivan.target.speaker_span)] == "Sullivan"
    second = _finding(seed, "However, I believe")
    assert second.source is not None
    assert seed.source.text[slice(*second.source.speaker_span)] == "he"


def test_quotations_the_source_lacks_are_new(seed: Comparison) -> None:
    """Fravel, Kofman, Haines and Burns are quoted only in the target."""
    for words in ("As far as I know", "this conflict is costly", "It continues to be the fact"):
        assert _finding(seed, words).status is QuoteStatus.NEW


def test_seed_figures_are_unchanged(seed: Comparison) -> None:
    """Quotation findings add evidence; they change no label of the seed pair."""
    assert seed.verdict is Verdict.PARTIAL_REUSE
    assert seed.label_counts() == {"verbatim": 0, "paraphrase": 7, "divergent": 1}
    assert not any(p.evidence.shared_quotation for p in seed.pairs)


@pytest.mark.parametrize(("source", "target"), [(GAZETTE, WIRE), (WIRE, GAZETTE)])
def test_independent_reports_of_one_briefing_stay_independent(source, target) -> None:
    """Two outlets quoting the same statements did not copy each other."""
    result = compare(source.read_text(encoding="utf-8"), target.read_text(encoding="utf-8"))
    shared = [p for p in result.pairs if p.evidence.shared_quotation]
    # Both quoted sentences align, and they are similar enough to count as reuse...
    assert len(shared) == 2
    assert all(p.label is not Label.DIVERGENT for p in shared)
    # ... but a shared quotation is no evidence of copying on its own.
    assert result.verdict is Verdict.INDEPENDENT
    assert result.coverage.target == 0.0
    assert result.coverage.source == 0.0
    statuses = {f.target.text: f.status for f in result.quotes if f.target is not None}
    nobody = next(t for t in statuses if t.startswith("Nobody will drive"))
    salt = next(t for t in statuses if t.startswith("Salt gets under"))
    assert statuses[nobody] is QuoteStatus.EXACT
    assert statuses[salt] is QuoteStatus.EXACT
    speakers = {f.target.speaker for f in result.quotes if f.status is QuoteStatus.EXACT}
    assert speakers == {"Elena Vasquez", "Farid Osei"}
