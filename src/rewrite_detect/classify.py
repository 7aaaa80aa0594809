"""Classification: a label with evidence for each aligned pair, and a verdict for the document.

The rule order is the point of this module: **facts first, similarity second**. A pair whose
numbers or dates were substituted is ``divergent`` however similar its strings are; a
near-identical pair with a changed name, a flipped negation or an edited quotation is
``divergent`` too (copied, then a fact was changed). Only then does similarity decide between
``verbatim``, ``paraphrase`` and ``divergent``.
"""

from __future__ import annotations

import difflib
from collections import Counter
from collections.abc import Sequence

from rapidfuzz import fuzz

from rewrite_detect.config import DetectorConfig
from rewrite_detect.models import AlignedPair, Change, Coverage, Evidence, Label, Verdict
from rewrite_detect.normalize import SentenceFeatures, normalize_for_match

__all__ = ["decide_label", "document_verdict", "gather_evidence"]

_MAX_SWAPS = 20
_MAX_SWAP_LEN = 4
_QUOTE_SAME = 95.0
_QUOTE_RELATED = 50.0


def _substitution(a: Sequence[str], b: Sequence[str]) -> Change | None:
    """Items present only on each side, when both sides have some (a substitution)."""
    if not a or not b or sorted(a) == sorted(b):
        return None
    only_a = Counter(a) - Counter(b)
    only_b = Counter(b) - Counter(a)
    if only_a and only_b:
        return Change(
            source=tuple(sorted(only_a.elements())), target=tuple(sorted(only_b.elements()))
        )
    return None


def _negation(a: SentenceFeatures, b: SentenceFeatures) -> Change | None:
    if len(a.negations) % 2 != len(b.negations) % 2:
        return Change(source=a.negations, target=b.negations)
    return None


def _altered_quotes(a: SentenceFeatures, b: SentenceFeatures) -> Change | None:
    """Quotations on both sides that are clearly the same quote but not the same words."""
    changed_a: list[str] = []
    changed_b: list[str] = []
    for qb in b.quotes:
        best = max(a.quotes, key=lambda qa: fuzz.ratio(qa, qb), default=None)
        if best is None:
            continue
        score = fuzz.ratio(normalize_for_match(best), normalize_for_match(qb))
        if _QUOTE_RELATED <= score < _QUOTE_SAME:
            changed_a.append(best)
            changed_b.append(qb)
    if changed_b:
        return Change(source=tuple(changed_a), target=tuple(changed_b))
    return None


def _swaps(a: SentenceFeatures, b: SentenceFeatures) -> tuple[tuple[str, str], ...]:
    matcher = difflib.SequenceMatcher(a=a.tokens, b=b.tokens, autojunk=False)
    out = []
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "replace" and i2 - i1 <= _MAX_SWAP_LEN and j2 - j1 <= _MAX_SWAP_LEN:
            out.append((" ".join(a.tokens[i1:i2]), " ".join(b.tokens[j1:j2])))
            if len(out) == _MAX_SWAPS:
                break
    return tuple(out)


def gather_evidence(
    a: SentenceFeatures,
    b: SentenceFeatures,
    *,
    similarity: float,
    content: float,
    token: float,
    char: float,
) -> Evidence:
    """Collect scores and fact differences of an aligned pair (no label decision yet)."""
    return Evidence(
        similarity=similarity,
        content_overlap=content,
        token_similarity=token,
        char_similarity=char,
        numbers=_substitution(a.numbers, b.numbers),
        dates=_substitution(a.dates, b.dates),
        names=_substitution(sorted(a.names), sorted(b.names)),
        negation=_negation(a, b),
        quotes=_altered_quotes(a, b),
        swapped_words=_swaps(a, b) if char < 1.0 else (),
    )


def decide_label(evidence: Evidence, config: DetectorConfig) -> tuple[Label, tuple[str, ...]]:
    """Return the label of a pair and the reasons behind it, from its evidence alone.

    Monotone in similarity: with the same fact changes, raising any similarity never lowers
    the label's rank (divergent < paraphrase < verbatim).
    """
    near_identical = evidence.char_similarity >= config.near_identical_char_similarity
    reasons: list[str] = []
    if evidence.numbers is not None:
        reasons.append(_describe("numbers changed", evidence.numbers))
    if evidence.dates is not None:
        reasons.append(_describe("dates changed", evidence.dates))
    if reasons:
        return Label.DIVERGENT, tuple(reasons)
    if near_identical or evidence.similarity >= config.paraphrase_threshold:
        for kind, change in (
            ("negation changed", evidence.negation),
            ("names changed", evidence.names if near_identical else None),
            ("quotation altered", evidence.quotes if near_identical else None),
        ):
            if change is not None:
                reasons.append(_describe(kind, change))
        if reasons:
            return Label.DIVERGENT, tuple(reasons)
    if evidence.char_similarity >= config.verbatim_char_similarity:
        return Label.VERBATIM, (
            f"same words (character similarity {evidence.char_similarity:.2f})",
        )
    if evidence.similarity >= config.paraphrase_threshold:
        notes = [f"reworded (similarity {evidence.similarity:.2f})"]
        if evidence.quotes is not None:
            notes.append(_describe("quotation reworded", evidence.quotes))
        return Label.PARAPHRASE, tuple(notes)
    return Label.DIVERGENT, (
        f"same topic, different content (similarity {evidence.similarity:.2f} < "
        f"{config.paraphrase_threshold})",
    )


def _describe(kind: str, change: Change) -> str:
    return f"{kind}: {', '.join(change.source) or '-'} -> {', '.join(change.target) or '-'}"


def document_verdict(
    pairs: Sequence[AlignedPair], n_source: int, n_target: int, config: DetectorConfig
) -> tuple[Verdict, Coverage]:
    """Verdict and coverage for a target document against its source.

    Coverage counts sentences in verbatim or paraphrase pairs: ``source`` is the share of
    the source reused, ``target`` the share of the target taken from the source. The verdict
    reads the target side, since the question is how much of the new article is reused.
    """
    reused = [p for p in pairs if p.label is not Label.DIVERGENT]
    src = {i for p in reused for i in p.source_sentences}
    tgt = {j for p in reused for j in p.target_sentences}
    verbatim_tgt = {j for p in reused if p.label is Label.VERBATIM for j in p.target_sentences}
    coverage = Coverage(
        source=len(src) / n_source if n_source else 0.0,
        target=len(tgt) / n_target if n_target else 0.0,
    )
    verbatim_share = len(verbatim_tgt) / n_target if n_target else 0.0
    if reused and verbatim_share >= config.verbatim_copy_coverage:
        return Verdict.VERBATIM_COPY, coverage
    if reused and coverage.target >= config.rewrite_coverage:
        return Verdict.REWRITE, coverage
    if len(reused) >= config.partial_min_pairs:
        return Verdict.PARTIAL_REUSE, coverage
    return Verdict.INDEPENDENT, coverage
