"""Property tests for rewrite_detect: invariants that must hold for any input."""

from __future__ import annotations

import pytest
from hypothesis import assume, example, given, settings
from hypothesis import strategies as st

from rewrite_detect import DetectorConfig, Label, RewriteDetectError, Verdict, compare, segment
from rewrite_detect.classify import decide_label
from rewrite_detect.models import Change, Evidence
from rewrite_detect.normalize import fold, normalize_for_match

from .strategies import (
    VOCAB_A,
    VOCAB_B,
    Article,
    any_text,
    articles,
    build_article,
    content_key,
    reported_number,
    sentences,
    tricky_text,
)

pytestmark = pytest.mark.property

FAST = settings(max_examples=40, deadline=None)
QUICK = settings(max_examples=100, deadline=None)


# --------------------------------------------------------------------------------------------
# Helpers
# --------------------------------------------------------------------------------------------


def _one_per_line(article: Article) -> str:
    return "\n".join(s.text for s in article.sentences)


@st.composite
def edited_pairs(draw: st.DrawFn) -> tuple[str, list[str]]:
    """A source article and the lines of a target built from it.

    Each source sentence is kept, has its number changed, or is dropped; sentences from the
    other half of the vocabulary (unrelated to the source) are added. One sentence per line.
    """
    source = draw(articles(VOCAB_A, max_sentences=8))
    used = {s.reported for s in source.sentences if s.reported}
    lines: list[str] = []
    for sent in source.sentences:
        action = draw(st.sampled_from(("keep", "keep", "number", "drop")))
        if action == "keep" or (action == "number" and sent.number is None):
            lines.append(sent.text)
        elif action == "number":
            new = draw(
                st.integers(2, 99_999)
                .map(str)
                .filter(lambda x, s=sent: reported_number(x, s.scale) not in used)
            )
            used.add(reported_number(new, sent.scale))
            lines.append(sent.with_number(new).text)
    extra = draw(st.lists(sentences(VOCAB_B), max_size=3, unique_by=content_key))
    lines.extend(s.text for s in extra)
    if not lines:
        lines.append(source.sentences[0].text)
    return source.text, lines


# --------------------------------------------------------------------------------------------
# 1. Segmentation offsets
# --------------------------------------------------------------------------------------------


@FAST
@given(any_text())
def test_segment_offsets_slice_back(text: str) -> None:
    """Sentences slice back from the text, are ordered, disjoint, and avoid skipped spans."""
    seg = segment(text)
    previous_end = 0
    for k, s in enumerate(seg.sentences):
        assert s.index == k
        assert 0 <= s.start < s.end <= len(text)
        assert text[s.start : s.end] == s.text
        assert s.start >= previous_end, "sentences overlap or are out of order"
        previous_end = s.end
        for sk in seg.skipped:
            assert text[sk.start : sk.end] == sk.text
            assert s.end <= sk.start or sk.end <= s.start, f"{s.text!r} overlaps {sk.text!r}"


# --------------------------------------------------------------------------------------------
# 2–4. Identity, shuffle, changed number
# --------------------------------------------------------------------------------------------


@FAST
@given(articles())
def test_identity_is_verbatim_copy(article: Article) -> None:
    """An article compared with itself is a verbatim copy, every sentence paired verbatim."""
    result = compare(article.text, article.text)
    assert result.pairs
    assert all(p.label is Label.VERBATIM for p in result.pairs), [
        (p.label, p.source_text, p.target_text) for p in result.pairs
    ]
    assert result.coverage.source == result.coverage.target == 1.0
    assert result.verdict is Verdict.VERBATIM_COPY
    assert result.unmatched_source == result.unmatched_target == ()


@FAST
@given(articles(one_per_line=True), st.randoms(use_true_random=False))
def test_shuffled_lines_stay_verbatim(article: Article, rnd) -> None:
    """Shuffling an article's one-sentence lines keeps every pair verbatim and coverage full."""
    lines = [s.text for s in article.sentences]
    shuffled = lines[:]
    rnd.shuffle(shuffled)
    result = compare("\n".join(lines), "\n".join(shuffled))
    assert all(p.label is Label.VERBATIM for p in result.pairs), [
        (p.label, p.source_text, p.target_text) for p in result.pairs
    ]
    assert result.coverage.source == result.coverage.target == 1.0
    assert {p.source_text for p in result.pairs} == {p.target_text for p in result.pairs}


@FAST
@given(st.data())
def test_changed_number_is_divergent(data: st.DataObject) -> None:
    """Changing one sentence's number makes that pair divergent; the others stay verbatim."""
    article = data.draw(articles())
    index = data.draw(st.sampled_from(article.numbered))
    old = article.sentences[index]
    used = {s.reported for s in article.sentences if s.reported}
    new_digits = data.draw(
        st.integers(2, 99_999).map(str).filter(lambda x: reported_number(x, old.scale) not in used)
    )
    new = old.with_number(new_digits)
    changed = article.replace(index, new)

    result = compare(article.text, changed.text)
    start = changed.offsets[index]
    end = start + len(changed.sentences[index].text)
    hit = [p for p in result.pairs if p.target_span[0] < end and start < p.target_span[1]]
    assert len(hit) == 1, [(p.label, p.target_text) for p in result.pairs]
    pair = hit[0]
    assert pair.label is Label.DIVERGENT
    assert pair.evidence.numbers is not None
    assert old.reported in pair.evidence.numbers.source
    assert new.reported in pair.evidence.numbers.target
    others = [p for p in result.pairs if p is not pair]
    assert all(p.label is Label.VERBATIM for p in others), [
        (p.label, p.source_text, p.target_text) for p in others
    ]
    assert not result.unmatched_source
    assert not result.unmatched_target


# --------------------------------------------------------------------------------------------
# 5. Unrelated articles
# --------------------------------------------------------------------------------------------


@FAST
@given(articles(VOCAB_A), articles(VOCAB_B))
def test_unrelated_articles_are_independent(a: Article, b: Article) -> None:
    """Articles with disjoint vocabularies are independent and share no pair."""
    result = compare(a.text, b.text)
    assert result.pairs == ()
    assert result.verdict is Verdict.INDEPENDENT
    assert result.coverage.source == result.coverage.target == 0.0


# --------------------------------------------------------------------------------------------
# 6. Input order
# --------------------------------------------------------------------------------------------


@FAST
@given(edited_pairs(), st.randoms(use_true_random=False))
def test_target_line_order_does_not_change_findings(pair, rnd) -> None:
    """Shuffling the target's lines gives the same (source, target, label) findings."""
    source, lines = pair
    shuffled = lines[:]
    rnd.shuffle(shuffled)
    first = compare(source, "\n".join(lines))
    second = compare(source, "\n".join(shuffled))

    def findings(result) -> set[tuple[str, str, str]]:
        return {(p.source_text, p.target_text, p.label.value) for p in result.pairs}

    assert findings(first) == findings(second)
    assert first.verdict is second.verdict
    assert first.coverage == second.coverage


# --------------------------------------------------------------------------------------------
# 7. Label monotone in similarity
# --------------------------------------------------------------------------------------------

_CONFIG = DetectorConfig()
_EPS = 1e-6
# Values on and just around every threshold, where a label can flip.
_EDGES = sorted(
    {
        min(1.0, max(0.0, t + d))
        for t in (
            0.0,
            1.0,
            _CONFIG.match_threshold,
            _CONFIG.paraphrase_threshold,
            _CONFIG.verbatim_char_similarity,
        )
        for d in (-0.01, -_EPS, 0.0, _EPS, 0.01)
    }
)
_unit = st.one_of(st.sampled_from(_EDGES), st.floats(0.0, 1.0, allow_nan=False))
_KINDS = ("numbers", "dates", "names", "negation", "quotes")
_SOME_CHANGE = st.builds(
    Change,
    source=st.lists(
        st.sampled_from(["5", "sullivan", "monday", "not", "we will win"]), max_size=2
    ).map(tuple),
    target=st.lists(
        st.sampled_from(["7", "siluanov", "friday", "never", "we shall win"]), max_size=2
    ).map(tuple),
)
# Few changed kinds at a time, so that each kind meets every threshold often.
_facts = st.sets(st.sampled_from(_KINDS), max_size=2).flatmap(
    lambda kinds: st.fixed_dictionaries(dict.fromkeys(kinds, _SOME_CHANGE))
)


def _raised(x: float) -> st.SearchStrategy[float]:
    """A value at least ``x``: ``x`` itself, a threshold edge above it, or any float above it."""
    return st.one_of(
        st.just(x),
        st.sampled_from([e for e in _EDGES if e >= x]),
        st.floats(x, 1.0, allow_nan=False),
    )


def _evidence(
    content: float,
    token: float,
    char: float,
    facts: dict,
    *,
    rest: float | None = None,
    score: float | None = None,
) -> Evidence:
    c = _CONFIG
    similarity = c.weight_content * content + c.weight_token * token + c.weight_char * char
    return Evidence(
        similarity=min(1.0, similarity),
        content_overlap=content,
        token_similarity=token,
        char_similarity=char,
        rest_similarity=rest,
        paraphrase_score=score,
        **facts,
    )


_low_high = st.tuples(_unit, _unit, _unit).flatmap(
    lambda low: st.tuples(st.just(low), st.tuples(*(_raised(x) for x in low)))
)
_SOFT = ("numbers", "dates", "names", "negation")


@settings(max_examples=300, deadline=None)
@given(_low_high, _facts, _unit)
@example(((1.0, 1.0, 0.79), (1.0, 1.0, 0.8)), {"names": Change(source=("a",), target=("b",))}, 0.5)
def test_label_monotone_in_similarity(low_high, facts, rest) -> None:
    """Raising the similarities never lowers the label's rank, below verbatim likeness.

    The same facts differ on both sides and the words around them are as alike
    (``rest_similarity`` fixed). Once the characters are verbatim-alike, a differing fact
    makes the pair divergent (never verbatim), on purpose: that is the copied-then-edited case.
    """
    low, high = low_high
    has_soft = any(k in facts for k in _SOFT)
    assume(not has_soft or high[2] < _CONFIG.verbatim_char_similarity)
    label_low, _ = decide_label(_evidence(*low, facts, rest=rest), _CONFIG)
    label_high, _ = decide_label(_evidence(*high, facts, rest=rest), _CONFIG)
    assert label_high.rank >= label_low.rank, (low, high, label_low, label_high, facts)


@settings(max_examples=300, deadline=None)
@given(_unit, _unit, _facts)
def test_label_monotone_in_paraphrase_score(low: float, high: float, facts) -> None:
    """With the same facts and similarities, a higher paraphrase score never lowers the label."""
    low, high = min(low, high), max(low, high)
    sims = (0.7, 0.7, 0.7)
    label_low, _ = decide_label(_evidence(*sims, facts, rest=0.3, score=low), _CONFIG)
    label_high, _ = decide_label(_evidence(*sims, facts, rest=0.3, score=high), _CONFIG)
    assert label_high.rank >= label_low.rank, (low, high, label_low, label_high, facts)


@settings(max_examples=300, deadline=None)
@given(st.tuples(_unit, _unit, _unit), _facts.filter(bool), st.one_of(st.none(), _unit), _unit)
def test_a_differing_fact_is_never_verbatim(sims, facts, rest, score) -> None:
    """A pair with a differing fact is never verbatim, and is divergent when it was copied.

    Copied: the words around the facts at least ``fact_in_place_similarity`` alike, or the
    characters verbatim-alike. Swapped roles and altered quotations are divergent always.
    """
    label, reasons = decide_label(_evidence(*sims, facts, rest=rest, score=score), _CONFIG)
    assert label is not Label.VERBATIM
    around = sims[2] if rest is None else rest
    copied = (
        around >= _CONFIG.fact_in_place_similarity or sims[2] >= _CONFIG.verbatim_char_similarity
    )
    if copied or any(k not in _SOFT for k in facts):
        assert label is Label.DIVERGENT, (sims, facts, rest, reasons)


# --------------------------------------------------------------------------------------------
# 8. Normalisation idempotent
# --------------------------------------------------------------------------------------------


@QUICK
@given(st.one_of(st.text(), tricky_text()))
@example("A\u200b\u0300")  # invisible character between a letter and its combining accent
def test_fold_and_normalize_idempotent(text: str) -> None:
    """fold and normalize_for_match are idempotent."""
    once = fold(text)
    assert fold(once) == once
    norm = normalize_for_match(text)
    assert normalize_for_match(norm) == norm


# --------------------------------------------------------------------------------------------
# 9. Pair spans
# --------------------------------------------------------------------------------------------


@FAST
@given(
    st.one_of(
        edited_pairs().map(lambda p: (p[0], "\n".join(p[1]))),
        st.tuples(any_text(), any_text()),
        articles().map(lambda a: (a.text, a.text)),
    )
)
def test_pair_spans_slice_back(texts: tuple[str, str]) -> None:
    """Pair texts slice back from their spans; no sentence is in two pairs."""
    source, target = texts
    result = compare(source, target)
    seen_src: set[int] = set()
    seen_tgt: set[int] = set()
    for p in result.pairs:
        assert p.source_text == source[p.source_span[0] : p.source_span[1]]
        assert p.target_text == target[p.target_span[0] : p.target_span[1]]
        src = [result.source_sentences[i] for i in p.source_sentences]
        tgt = [result.target_sentences[j] for j in p.target_sentences]
        assert p.source_span == (src[0].start, src[-1].end)
        assert p.target_span == (tgt[0].start, tgt[-1].end)
        assert list(p.source_sentences) == list(
            range(p.source_sentences[0], p.source_sentences[-1] + 1)
        )
        assert list(p.target_sentences) == list(
            range(p.target_sentences[0], p.target_sentences[-1] + 1)
        )
        assert seen_src.isdisjoint(p.source_sentences)
        assert seen_tgt.isdisjoint(p.target_sentences)
        seen_src.update(p.source_sentences)
        seen_tgt.update(p.target_sentences)
    n_src = len(result.source_sentences)
    n_tgt = len(result.target_sentences)
    assert len(result.unmatched_source) == n_src - len(seen_src)
    assert len(result.unmatched_target) == n_tgt - len(seen_tgt)


# --------------------------------------------------------------------------------------------
# 10. Robustness
# --------------------------------------------------------------------------------------------


@QUICK
@given(st.one_of(st.text(), tricky_text()), st.one_of(st.text(), tricky_text()))
def test_compare_never_raises(source: str, target: str) -> None:
    """compare accepts any pair of strings, raising only its own errors."""
    try:
        result = compare(source, target)
    except RewriteDetectError:
        return
    assert 0.0 <= result.coverage.source <= 1.0
    assert 0.0 <= result.coverage.target <= 1.0
    for p in result.pairs:
        assert 0.0 <= p.score <= 1.0 + 1e-9


@FAST
@given(articles())
def test_generated_offsets_are_exact(article: Article) -> None:
    """Generator self-check: recorded sentence offsets and number positions are exact."""
    for sent, start in zip(article.sentences, article.offsets, strict=True):
        assert article.text[start : start + len(sent.text)] == sent.text
        if sent.number is not None:
            assert sent.number[0].isdigit()
    rebuilt = build_article(list(article.sentences), [1] * len(article.sentences), ["\n"])
    assert rebuilt.text == _one_per_line(article)
