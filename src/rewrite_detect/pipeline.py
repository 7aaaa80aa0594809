"""The compare pipeline: segment both documents, align their sentences, label the pairs."""

from __future__ import annotations

import dataclasses

from rewrite_detect.align import align_features
from rewrite_detect.classify import (
    decide_label,
    document_verdict,
    gather_evidence,
    with_semantic,
)
from rewrite_detect.config import DetectorConfig
from rewrite_detect.errors import InputError
from rewrite_detect.models import AlignedPair, Comparison, Document, Evidence, Sentence
from rewrite_detect.normalize import features
from rewrite_detect.quotes import QuoteContext
from rewrite_detect.segmentation import segment
from rewrite_detect.semantic import SemanticScorer

__all__ = ["compare"]


def _as_document(value: Document | str, default_id: str) -> Document:
    if isinstance(value, Document):
        return value
    if isinstance(value, str):
        return Document(id=default_id, text=value)
    msg = (
        f"compare() takes a Document or a str for the {default_id}, not {type(value).__name__}; "
        "load files with rewrite_detect.load_document"
    )
    raise InputError(msg)


def compare(
    source: Document | str,
    target: Document | str,
    *,
    config: DetectorConfig | None = None,
    semantic: SemanticScorer | None = None,
) -> Comparison:
    """Compare a target article against a source article, sentence by sentence.

    Parameters
    ----------
    source : Document or str
        The earlier article, the one that may have been reused.
    target : Document or str
        The article under suspicion. Direction matters: coverage and verdict describe how
        much of the *target* comes from the *source*.
    config : DetectorConfig, optional
        Thresholds and weights; ``DetectorConfig()`` when omitted.
    semantic : SemanticScorer, optional
        Sentence embeddings (the ``semantic`` extra): the aligned pairs' cosine is blended
        into the paraphrase decision. Without it the comparison is purely lexical.

    Returns
    -------
    Comparison
        Aligned pairs with labels and evidence, unmatched and skipped spans, coverage and the
        document verdict.

    Raises
    ------
    InputError
        If an argument is neither a :class:`Document` nor a string, or a document has more
        than ``config.max_sentences`` sentences.

    Examples
    --------
    >>> result = compare("Prices rose 5% in May. Markets fell.", "Prices rose 7% in May.")
    >>> result.pairs[0].label.value, result.pairs[0].evidence.numbers.target
    ('divergent', ('7',))
    """
    config = config or DetectorConfig()
    src_doc = _as_document(source, "source")
    tgt_doc = _as_document(target, "target")
    src_seg = segment(src_doc.text)
    tgt_seg = segment(tgt_doc.text)
    for doc, seg in ((src_doc, src_seg), (tgt_doc, tgt_seg)):
        if len(seg.sentences) > config.max_sentences:
            msg = (
                f"{doc.id}: {len(seg.sentences):,} sentences, more than max_sentences="
                f"{config.max_sentences:,}; split the document or raise "
                "DetectorConfig.max_sentences"
            )
            raise InputError(msg)
    src_feats = [features(s.text, config.language) for s in src_seg.sentences]
    tgt_feats = [features(s.text, config.language) for s in tgt_seg.sentences]
    alignments = align_features(src_feats, tgt_feats, config)

    gathered = []
    for al in alignments:
        src_sents = [src_seg.sentences[i] for i in al.source]
        tgt_sents = [tgt_seg.sentences[j] for j in al.target]
        fa = (
            src_feats[al.source[0]]
            if len(al.source) == 1
            else features(_span_text(src_doc, src_sents), config.language)
        )
        fb = (
            tgt_feats[al.target[0]]
            if len(al.target) == 1
            else features(_span_text(tgt_doc, tgt_sents), config.language)
        )
        evidence = gather_evidence(
            fa,
            fb,
            similarity=al.similarity,
            content=al.content,
            token=al.token,
            char=al.char,
            language=config.language,
        )
        gathered.append((al, src_sents, tgt_sents, evidence))
    if semantic is not None and gathered:
        cosines = semantic.similarity(
            [(_span_text(src_doc, s), _span_text(tgt_doc, t)) for _, s, t, _ in gathered]
        )
        gathered = [
            (al, s, t, with_semantic(ev, float(c)))
            for (al, s, t, ev), c in zip(gathered, cosines.tolist(), strict=True)
        ]
    pairs = []
    for al, src_sents, tgt_sents, found in gathered:
        label, reasons = decide_label(found, config)
        evidence = _with_reasons(found, reasons)
        pairs.append(
            AlignedPair(
                label=label,
                score=al.similarity,
                source_sentences=al.source,
                target_sentences=al.target,
                source_span=(src_sents[0].start, src_sents[-1].end),
                target_span=(tgt_sents[0].start, tgt_sents[-1].end),
                source_text=_span_text(src_doc, src_sents),
                target_text=_span_text(tgt_doc, tgt_sents),
                evidence=evidence,
            )
        )
    # Quotations are compared over whole documents; their facts join each pair's evidence.
    quotes = QuoteContext.build(src_doc.text, tgt_doc.text)
    pairs = quotes.relabel(pairs, config)
    verdict, coverage = document_verdict(
        pairs, len(src_seg.sentences), len(tgt_seg.sentences), config
    )
    used_src = {i for p in pairs for i in p.source_sentences}
    used_tgt = {j for p in pairs for j in p.target_sentences}
    return Comparison(
        source=src_doc,
        target=tgt_doc,
        verdict=verdict,
        coverage=coverage,
        pairs=tuple(pairs),
        source_sentences=src_seg.sentences,
        target_sentences=tgt_seg.sentences,
        unmatched_source=tuple(
            (s.start, s.end) for s in src_seg.sentences if s.index not in used_src
        ),
        unmatched_target=tuple(
            (s.start, s.end) for s in tgt_seg.sentences if s.index not in used_tgt
        ),
        skipped_source=src_seg.skipped,
        skipped_target=tgt_seg.skipped,
        config_fingerprint=config.fingerprint(
            semantic_model=None if semantic is None else semantic.model_name
        ),
        quotes=quotes.finish(pairs),
    )


def _span_text(doc: Document, sentences: list[Sentence]) -> str:
    return doc.text[sentences[0].start : sentences[-1].end]


def _with_reasons(evidence: Evidence, reasons: tuple[str, ...]) -> Evidence:
    return dataclasses.replace(evidence, reasons=reasons)
