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
    "FACT_NAMES",
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
    "Quote",
    "QuoteFinding",
    "QuoteStatus",
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


def _no_lone_surrogate(doc_id: str, name: str, value: str | None) -> None:
    """Refuse a string no file can store: a lone UTF-16 surrogate (from bad decoding)."""
    if value is None or value.isascii():
        return
    try:
        value.encode("utf-8")
    except UnicodeEncodeError as exc:
        msg = (
            f"Document {doc_id!r}: {name} holds a lone surrogate at position {exc.start}, "
            "which is not text; decode the source with errors='replace'"
        )
        raise InputError(msg) from None


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
        for name in ("outlet", "url", "date", "title"):
            value = getattr(self, name)
            if value is not None and not isinstance(value, str):
                msg = (
                    f"Document {self.id!r}: {name} must be str or None, not {type(value).__name__}"
                )
                raise InputError(msg)
        for name in ("id", "text", "outlet", "url", "title"):
            _no_lone_surrogate(self.id, name, getattr(self, name))
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


FACT_NAMES = {
    "numbers": "number",
    "dates": "date",
    "names": "name",
    "quotes": "quotation",
    "negation": "negation",
    "swapped_roles": "roles",
    "misattributed": "speaker",
}
"""How a changed fact of :class:`Evidence` is named in messages ("number changed: …")."""


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
    misattributed : Change or None
        Quotations with the same words (or a part of them) whose speaker differs: the
        speakers in the source and in the target. A changed fact.
    shared_quotation : bool
        The two sides have only a quotation in common (the same words inside the quote marks,
        the text around them not reused): two outlets quoting the same third party. Such a
        pair does not count as reuse on its own (see :func:`~rewrite_detect.compare`).
    paraphrase_score : float or None
        Probability, from the fitted paraphrase model, that the two sides say the same thing
        (``None`` on evidence built by hand: the similarity then stands in for it).
    trimmed : bool
        The target side is a contiguous stretch of the source side's words (a sentence cut
        short: a clause or a tail left out), long enough not to match by chance.
    expanded : bool
        The source side lies whole, word for word, inside the target side: the sentence
        was copied and added to.
    semantic_similarity : float or None
        Cosine similarity of the two sides' sentence embeddings, when ``compare`` ran with a
        :class:`~rewrite_detect.semantic.SemanticScorer` (the ``semantic`` extra); it is then
        blended into ``paraphrase_score``.
    rest_similarity : float or None
        Word-level similarity of the two sides with their numbers, dates, names and negation
        cues set aside: near 1 when a sentence was copied and a fact edited in place, low when
        it was reworded (``None``: not computed).
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
    misattributed: Change | None = None
    shared_quotation: bool = False
    paraphrase_score: float | None = None
    rest_similarity: float | None = None
    trimmed: bool = False
    expanded: bool = False
    semantic_similarity: float | None = None

    @property
    def changed_facts(self) -> tuple[str, ...]:
        """Names of the fact kinds that differ (``"numbers"``, ``"names"``, …)."""
        kinds = ("numbers", "dates", "names", "negation", "quotes", "swapped_roles")
        return tuple(k for k in (*kinds, "misattributed") if getattr(self, k) is not None)

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
        if self.misattributed is not None:
            out["misattributed"] = self.misattributed.to_dict()
        if self.shared_quotation:
            out["shared_quotation"] = True
        if self.paraphrase_score is not None:
            out["paraphrase_score"] = round(self.paraphrase_score, 4)
        if self.rest_similarity is not None:
            out["rest_similarity"] = round(self.rest_similarity, 4)
        if self.trimmed:
            out["trimmed"] = True
        if self.expanded:
            out["expanded"] = True
        if self.semantic_similarity is not None:
            out["semantic_similarity"] = round(self.semantic_similarity, 4)
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
    quotes: tuple[QuoteFinding, ...] = ()
    """Every quotation of the target compared with the source's, and the source's quotations
    the target reported without quote marks (see :class:`QuoteFinding`)."""

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
            "quotes": [finding.to_dict() for finding in self.quotes],
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


class QuoteStatus(StrEnum):
    """What became of a quotation between the source and the target."""

    EXACT = "exact"
    """The target quotes the same words as the source (up to case, punctuation, quote style)."""
    TRIMMED = "trimmed"
    """The target quotes a contiguous part of the source's quotation, words unchanged."""
    ALTERED = "altered"
    """Inside the quote marks, words differ beyond punctuation: ``changed`` lists them."""
    MISATTRIBUTED = "misattributed"
    """The same words (or a contiguous part of them), put in another speaker's mouth."""
    NEW = "new"
    """The target's quotation matches no quotation of the source."""
    PARAPHRASED = "paraphrased"
    """The source's direct quotation is reported in the target without quote marks."""


@dataclass(frozen=True, slots=True, kw_only=True)
class Quote:
    """A direct quotation found in a document's text.

    Attributes
    ----------
    start, end : int
        Character offsets ``[start, end)``: ``text[start]`` is the opening quote mark and
        ``text[end - 1]`` the closing one. A quotation broken by an attribution (``"We…," he
        said, "and…"``) or running over several paragraphs is one quotation; its span then
        covers the attribution or the paragraph breaks too.
    parts : tuple of (int, int)
        Spans of the quoted words inside the marks, one per piece.
    text : str
        The quoted words: the parts joined by one space.
    nested : tuple of (int, int)
        Spans of quotations inside the quotation (``"He called it 'a lifeline'"``), marks
        included.
    speaker : str or None
        Who the text says spoke the words: a name (``"Jake Sullivan"``; a surname, a pronoun
        or a title is resolved to the nearest named speaker), else the description the text
        gives (``"a spokesperson for the Chinese Embassy"``); ``None`` when unattributed.
    speaker_span : (int, int) or None
        Where the attribution names the speaker (``"he"``, ``"Sullivan"``, ``"the national
        security adviser"``).
    """

    start: int
    end: int
    parts: tuple[Span, ...]
    text: str
    nested: tuple[Span, ...] = ()
    speaker: str | None = None
    speaker_span: Span | None = None

    def to_dict(self) -> dict[str, Any]:
        """Return the quotation as a JSON-ready dict."""
        return {
            "span": [self.start, self.end],
            "parts": [list(part) for part in self.parts],
            "text": self.text,
            "speaker": self.speaker,
            "speaker_span": list(self.speaker_span) if self.speaker_span else None,
        }


@dataclass(frozen=True, slots=True, kw_only=True)
class QuoteFinding:
    """What became of one quotation: a target quotation against the source's quotations.

    Or, for ``paraphrased``, a source quotation the target reported without quote marks.

    Attributes
    ----------
    status : QuoteStatus
        ``exact``, ``trimmed``, ``altered``, ``misattributed``, ``new`` or ``paraphrased``.
    target : Quote or None
        The target's quotation (``None`` for ``paraphrased``).
    source : Quote or None
        The source quotation it was matched with (``None`` for ``new``).
    target_span : (int, int)
        Where to look in the target: the quotation, or for ``paraphrased`` the target text of
        the aligned pair that reports the words without quote marks.
    similarity : float
        ``rapidfuzz`` ratio of the two quotations' folded words, in ``[0, 1]`` (0 for ``new``).
    changed : Change or None
        For ``altered``: the source's words that were replaced or removed inside the marks,
        and the target's words that replaced them or were added (runs of words, folded).
    same_speaker : bool or None
        Whether both texts name the same speaker; ``None`` when one side names nobody or
        only a description that cannot be compared.
    pair : int or None
        Index in :attr:`Comparison.pairs` of the aligned pair holding the target quotation.
    """

    status: QuoteStatus
    target: Quote | None
    source: Quote | None
    target_span: Span
    similarity: float = 0.0
    changed: Change | None = None
    same_speaker: bool | None = None
    pair: int | None = None

    def to_dict(self) -> dict[str, Any]:
        """Return the finding as a JSON-ready dict."""
        return {
            "status": self.status.value,
            "target_span": list(self.target_span),
            "target": self.target.to_dict() if self.target else None,
            "source": self.source.to_dict() if self.source else None,
            "similarity": round(self.similarity, 4),
            "changed": self.changed.to_dict() if self.changed else None,
            "same_speaker": self.same_speaker,
            "pair": self.pair,
        }
