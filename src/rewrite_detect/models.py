"""Typed records that flow through the pipeline: documents in, comparisons out.

All records are frozen, slotted, keyword-only dataclasses. Results have ``to_dict``; the JSON
carries a ``schema_version`` so that a consumer can tell which shape it holds.
"""

from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from rewrite_detect.errors import InputError

__all__ = [
    "SCHEMA_VERSION",
    "AlignedPair",
    "Candidate",
    "Change",
    "Cluster",
    "Comparison",
    "Coverage",
    "Document",
    "Evidence",
    "Label",
    "PassageMatch",
    "Sentence",
    "Skipped",
    "Verdict",
]

SCHEMA_VERSION = 1
"""Version of the JSON shape written by :meth:`Comparison.to_dict`."""

Span = tuple[int, int]


class Label(StrEnum):
    """How an aligned sentence pair reuses its source."""

    VERBATIM = "verbatim"
    """Same words, up to punctuation, case, quote style and trivial edits."""
    PARAPHRASE = "paraphrase"
    """Same proposition, reworded."""
    DIVERGENT = "divergent"
    """Same topic and frame, but the facts differ (numbers, names, dates, negation, quotes)."""

    @property
    def rank(self) -> int:
        """Strength of reuse: verbatim 2, paraphrase 1, divergent 0."""
        return _LABEL_RANK[self]


_LABEL_RANK = {Label.VERBATIM: 2, Label.PARAPHRASE: 1, Label.DIVERGENT: 0}


class Verdict(StrEnum):
    """How a target document as a whole reuses a source document."""

    VERBATIM_COPY = "verbatim-copy"
    REWRITE = "rewrite"
    PARTIAL_REUSE = "partial-reuse"
    INDEPENDENT = "independent"


@dataclass(frozen=True, slots=True, kw_only=True)
class Document:
    """One article.

    Parameters
    ----------
    id : str
        Caller's identifier (a path, a URL, a database key). Must not be empty.
    text : str
        The article text. For HTML input, the extracted main text: every character offset
        rewrite_detect reports points into this string.
    outlet, url, title : str or None
        Where the article was published.
    date : str or None
        Publication date or datetime in ISO 8601 (``2022-03-13`` or ``2022-03-13T18:08:00``).
    """

    id: str
    text: str
    outlet: str | None = None
    url: str | None = None
    date: str | None = None
    title: str | None = None

    def __post_init__(self) -> None:
        if not isinstance(self.id, str) or not self.id:
            msg = "Document.id must be a non-empty string: pass id='…' (a path or a key)"
            raise InputError(msg)
        if not isinstance(self.text, str):
            msg = (
                f"Document {self.id!r}: text must be str, not {type(self.text).__name__}; "
                "decode bytes first or use rewrite_detect.load_document"
            )
            raise InputError(msg)
        if self.date is not None:
            try:
                _dt.datetime.fromisoformat(self.date)
            except (TypeError, ValueError):
                msg = (
                    f"Document {self.id!r}: date {self.date!r} is not ISO 8601; "
                    "write it as YYYY-MM-DD or YYYY-MM-DDTHH:MM:SS"
                )
                raise InputError(msg) from None

    def to_dict(self) -> dict[str, Any]:
        """Return the document's fields as a plain dict."""
        return {
            "id": self.id,
            "outlet": self.outlet,
            "url": self.url,
            "date": self.date,
            "title": self.title,
            "text": self.text,
        }


@dataclass(frozen=True, slots=True, kw_only=True)
class Sentence:
    """A sentence of a document; ``document.text[start:end] == text`` always holds."""

    index: int
    start: int
    end: int
    text: str


@dataclass(frozen=True, slots=True, kw_only=True)
class Skipped:
    """A stretch of page furniture left out of alignment, with the reason."""

    start: int
    end: int
    text: str
    reason: str

    def to_dict(self) -> dict[str, Any]:
        """Return ``{"span": [start, end], "text": …, "reason": …}``."""
        return {"span": [self.start, self.end], "text": self.text, "reason": self.reason}


@dataclass(frozen=True, slots=True, kw_only=True)
class Change:
    """Facts of one kind that differ between the two sides of a pair."""

    source: tuple[str, ...]
    target: tuple[str, ...]

    def to_dict(self) -> dict[str, list[str]]:
        """Return ``{"source": [...], "target": [...]}``."""
        return {"source": list(self.source), "target": list(self.target)}


@dataclass(frozen=True, slots=True, kw_only=True)
class Evidence:
    """Why an aligned pair got its label.

    Attributes
    ----------
    similarity : float
        The blended similarity the aligner used (also :attr:`AlignedPair.score`).
    content_overlap : float
        Rarity-weighted Dice overlap of content-word lemmas.
    token_similarity : float
        ``token_set_ratio`` over content lemmas, in ``[0, 1]``.
    char_similarity : float
        ``ratio`` over the normalised strings, in ``[0, 1]``.
    numbers, names, dates, negation, quotes : Change or None
        Changed facts, when there are any: numbers and dates substituted, a proper name
        replaced in place by another, negation cues whose count differs in parity, and
        quotations with a few words edited inside the quote marks.
    reworded_quotes : Change or None
        Quotations rewritten throughout (not a changed fact on its own).
    swapped_roles : Change or None
        Words that traded places around words that stayed put ("Ramsey commissioned her and
        Gedge replaced him" -> "Gedge commissioned her and Ramsey replaced him"): who did what
        to whom changed although the words are the same. A changed fact.
    swapped_words : tuple of (str, str)
        Word substitutions found by a word-level diff (source words, target words).
    reasons : tuple of str
        Short human-readable reasons for the label, most important first.
    """

    similarity: float
    content_overlap: float
    token_similarity: float
    char_similarity: float
    numbers: Change | None = None
    names: Change | None = None
    dates: Change | None = None
    negation: Change | None = None
    quotes: Change | None = None
    reworded_quotes: Change | None = None
    swapped_roles: Change | None = None
    swapped_words: tuple[tuple[str, str], ...] = ()
    reasons: tuple[str, ...] = ()

    @property
    def changed_facts(self) -> tuple[str, ...]:
        """Names of the fact kinds that differ (``"numbers"``, ``"names"``, …)."""
        kinds = ("numbers", "dates", "names", "negation", "quotes", "swapped_roles")
        return tuple(k for k in kinds if getattr(self, k) is not None)

    def to_dict(self) -> dict[str, Any]:
        """Return the evidence as a JSON-ready dict (absent changes are omitted)."""
        out: dict[str, Any] = {
            "similarity": round(self.similarity, 4),
            "content_overlap": round(self.content_overlap, 4),
            "token_similarity": round(self.token_similarity, 4),
            "char_similarity": round(self.char_similarity, 4),
        }
        for kind in (
            "numbers",
            "dates",
            "names",
            "negation",
            "quotes",
            "reworded_quotes",
            "swapped_roles",
        ):
            change: Change | None = getattr(self, kind)
            if change is not None:
                out[kind] = change.to_dict()
        out["swapped_words"] = [list(pair) for pair in self.swapped_words]
        out["reasons"] = list(self.reasons)
        return out


@dataclass(frozen=True, slots=True, kw_only=True)
class AlignedPair:
    """One alignment: one or more source sentences against one or more target sentences.

    ``source_sentences`` and ``target_sentences`` are sentence indices (consecutive when there
    is more than one: a split or a merge). Spans are character offsets ``[start, end)`` into the
    documents' text, from the first sentence's start to the last one's end.
    """

    label: Label
    score: float
    source_sentences: tuple[int, ...]
    target_sentences: tuple[int, ...]
    source_span: Span
    target_span: Span
    source_text: str
    target_text: str
    evidence: Evidence

    def to_dict(self) -> dict[str, Any]:
        """Return the pair in the documented JSON shape."""
        return {
            "label": self.label.value,
            "score": round(self.score, 4),
            "source_span": list(self.source_span),
            "target_span": list(self.target_span),
            "source_sentences": list(self.source_sentences),
            "target_sentences": list(self.target_sentences),
            "source_text": self.source_text,
            "target_text": self.target_text,
            "evidence": self.evidence.to_dict(),
        }


@dataclass(frozen=True, slots=True, kw_only=True)
class Coverage:
    """Share of each side's sentences that take part in a reused (verbatim or paraphrase) pair.

    ``source`` is the share of the source's sentences reused in the target; ``target`` is the
    share of the target's sentences taken from the source. Skipped boilerplate is not counted.
    """

    source: float
    target: float


@dataclass(frozen=True, slots=True, kw_only=True)
class Comparison:
    """The result of comparing a target document against a source document."""

    source: Document
    target: Document
    verdict: Verdict
    coverage: Coverage
    pairs: tuple[AlignedPair, ...]
    source_sentences: tuple[Sentence, ...]
    target_sentences: tuple[Sentence, ...]
    unmatched_source: tuple[Span, ...]
    unmatched_target: tuple[Span, ...]
    skipped_source: tuple[Skipped, ...]
    skipped_target: tuple[Skipped, ...]
    config_fingerprint: str = field(default="")

    def label_counts(self) -> dict[str, int]:
        """Return how many pairs carry each label (every label present, zero or more)."""
        counts = {label.value: 0 for label in Label}
        for pair in self.pairs:
            counts[pair.label.value] += 1
        return counts

    def to_dict(self) -> dict[str, Any]:
        """Return the comparison in the documented JSON shape (see ``docs/json-schema.md``)."""
        return {
            "schema_version": SCHEMA_VERSION,
            "source": self.source.id,
            "target": self.target.id,
            "verdict": self.verdict.value,
            "coverage": {
                "source": round(self.coverage.source, 4),
                "target": round(self.coverage.target, 4),
            },
            "counts": self.label_counts(),
            "pairs": [pair.to_dict() for pair in self.pairs],
            "unmatched": {
                "source": [list(span) for span in self.unmatched_source],
                "target": [list(span) for span in self.unmatched_target],
            },
            "skipped": {
                "source": [[s.start, s.end] for s in self.skipped_source],
                "target": [[s.start, s.end] for s in self.skipped_target],
            },
            "skipped_details": {
                "source": [s.to_dict() for s in self.skipped_source],
                "target": [s.to_dict() for s in self.skipped_target],
            },
            "documents": {
                "source": _meta(self.source),
                "target": _meta(self.target),
            },
            "config_fingerprint": self.config_fingerprint,
        }


def _meta(doc: Document) -> dict[str, Any]:
    return {
        "id": doc.id,
        "outlet": doc.outlet,
        "url": doc.url,
        "date": doc.date,
        "title": doc.title,
        "length": len(doc.text),
    }


@dataclass(frozen=True, slots=True, kw_only=True)
class PassageMatch:
    """Two passages that fell into the same LSH bucket.

    ``bands`` is how many of the LSH bands they share; ``similarity`` the MinHash estimate of
    the Jaccard similarity of their shingles. Spans are character offsets into each document.
    """

    source_span: Span
    target_span: Span
    bands: int
    similarity: float

    def to_dict(self) -> dict[str, Any]:
        """Return the match as a JSON-ready dict."""
        return {
            "source_span": list(self.source_span),
            "target_span": list(self.target_span),
            "bands": self.bands,
            "similarity": round(self.similarity, 4),
        }


@dataclass(frozen=True, slots=True, kw_only=True)
class Candidate:
    """A document pair worth aligning, with the passages that collided.

    ``source`` is the earlier document when both are dated (otherwise the smaller id), so a
    candidate reads "target may reuse source". ``score`` stays ``None`` until the pair is
    compared: later stages fill in only what is missing.
    """

    source: str
    target: str
    hits: int
    passages: tuple[PassageMatch, ...]
    score: float | None = None

    def to_dict(self) -> dict[str, Any]:
        """Return the candidate as a JSON-ready dict."""
        return {
            "source": self.source,
            "target": self.target,
            "hits": self.hits,
            "score": self.score,
            "passages": [p.to_dict() for p in self.passages],
        }


@dataclass(frozen=True, slots=True, kw_only=True)
class Cluster:
    """Documents that reuse one another, with the probable origin and who copied whom.

    ``edges`` are ``(source, target, verdict)`` triples from the comparisons, pointing from
    the earlier document to the later one. ``origin`` is the earliest dated document (``None``
    when no document of the cluster has a date).
    """

    documents: tuple[str, ...]
    origin: str | None
    edges: tuple[tuple[str, str, str], ...]

    def to_dict(self) -> dict[str, Any]:
        """Return the cluster as a JSON-ready dict."""
        return {
            "documents": list(self.documents),
            "origin": self.origin,
            "edges": [list(edge) for edge in self.edges],
        }
