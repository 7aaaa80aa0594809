"""Sentence alignment: which target sentences say what which source sentences say.

The aligner scores every source sentence against every target sentence at once, then matches
them greedily, best pair first, so order does not matter (content farms move paragraphs):

1. **Cheap matrix, all cells at once.** Rarity-weighted Dice overlap of content-word lemmas
   for every (source, target) cell, built with numpy from the postings of shared lemmas (no
   Python work per cell).
2. **Exact scores, few cells.** The best ``candidates_per_sentence`` cells of each row and
   each column get ``fuzz.ratio`` over the normalised strings and ``fuzz.token_set_ratio``
   over content lemmas, pairwise in C (``rapidfuzz.process.cpdist``); the blend of the three
   is the pair's similarity. A full ``cdist`` of either scorer over two 1,000-sentence
   documents costs more than the whole compare may (``benchmarks/bench_compare.py``).
3. **Matching.** Cells are taken in descending similarity; a cell below ``match_threshold`` or
   whose sentences are taken is skipped, so a sentence with no counterpart stays unmatched.
4. **Splits and merges.** A matched pair absorbs an adjacent unmatched sentence whose content
   lies mostly inside the other side (one source sentence rewritten as two, or two as one)
   when the joined text scores higher; two adjacent sentences that only together match one
   sentence are grouped the same way.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
from rapidfuzz import fuzz, process

from rewrite_detect.config import DetectorConfig
from rewrite_detect.normalize import SentenceFeatures, word_weight

__all__ = ["Alignment", "align_features", "pair_similarity"]

# One thread: the cells of one document pair are a few hundred short strings, for which
# starting rapidfuzz's thread pool costs more than the work (measured: 27 -> 19 ms a pair),
# and a scan already runs one process per core.
_CPDIST_WORKERS = 1


@dataclass(frozen=True, slots=True)
class Alignment:
    """One aligned group: consecutive source indices against consecutive target indices."""

    source: tuple[int, ...]
    target: tuple[int, ...]
    similarity: float
    content: float
    token: float
    char: float


def pair_similarity(
    a: SentenceFeatures, b: SentenceFeatures, config: DetectorConfig
) -> tuple[float, float, float, float]:
    """Return ``(blend, content, token, char)`` similarities of two sentences, each in [0, 1]."""
    char = fuzz.ratio(a.norm, b.norm) / 100.0
    if a.weight == 0 and b.weight == 0:
        # Only function words on both sides: the characters are all there is to compare.
        return char, char, char, char
    content = _dice(a, b, config.language)
    token = fuzz.token_set_ratio(a.lemma_text, b.lemma_text) / 100.0 if a.lemmas else 0.0
    return _blend(content, token, char, config), content, token, char


def _blend(content: float, token: float, char: float, config: DetectorConfig) -> float:
    return config.weight_content * content + config.weight_token * token + config.weight_char * char


def _dice(a: SentenceFeatures, b: SentenceFeatures, language: str) -> float:
    total = a.weight + b.weight
    if total == 0:
        return 0.0
    return 2.0 * sum(word_weight(lemma, language) for lemma in a.lemmas & b.lemmas) / total


def _intersections(
    source: Sequence[SentenceFeatures], target: Sequence[SentenceFeatures], language: str
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Weighted lemma intersections for every cell, and each sentence's total weight."""
    n, m = len(source), len(target)
    vocab: dict[str, int] = {}
    for feats in target:
        for lemma in feats.lemmas:
            vocab.setdefault(lemma, len(vocab))
    weights = np.array([word_weight(lemma, language) for lemma in vocab], dtype=np.float64)
    t_terms = np.fromiter(
        (vocab[lemma] for feats in target for lemma in feats.lemmas), dtype=np.int64
    )
    t_sents = np.repeat(np.arange(m), [len(f.lemmas) for f in target])
    s_pairs = [(vocab[lem], i) for i, f in enumerate(source) for lem in f.lemmas if lem in vocab]
    source_w = np.array([f.weight for f in source], dtype=np.float64)
    target_w = (
        np.zeros(m)
        if not len(t_terms)
        else np.bincount(t_sents, weights=weights[t_terms], minlength=m)
    )
    if not s_pairs or not len(t_terms):
        return np.zeros((n, m)), source_w, target_w
    s_terms, s_sents = (np.array(col, dtype=np.int64) for col in zip(*s_pairs, strict=True))
    # Postings join: every (source sentence, target sentence) that share a lemma, vectorised.
    order = np.argsort(t_terms, kind="stable")
    t_terms, t_sents = t_terms[order], t_sents[order]
    counts = np.bincount(t_terms, minlength=len(vocab))
    starts = np.concatenate(([0], np.cumsum(counts)[:-1]))
    reps = counts[s_terms]
    total = int(reps.sum())
    rep_terms = np.repeat(s_terms, reps)
    rep_sents = np.repeat(s_sents, reps)
    within = np.arange(total) - np.repeat(np.cumsum(reps) - reps, reps)
    other = t_sents[starts[rep_terms] + within]
    flat = np.bincount(rep_sents * m + other, weights=weights[rep_terms], minlength=n * m)
    return flat.reshape(n, m), source_w, target_w


def align_features(
    source: Sequence[SentenceFeatures],
    target: Sequence[SentenceFeatures],
    config: DetectorConfig,
) -> list[Alignment]:
    """Align two documents' sentences, given their features.

    Parameters
    ----------
    source, target : sequence of SentenceFeatures
        One entry per sentence, in document order.
    config : DetectorConfig
        Weights and thresholds.

    Returns
    -------
    list of Alignment
        Sorted by first source sentence. Every sentence index appears in at most one
        alignment; sentences with no counterpart appear in none.
    """
    n, m = len(source), len(target)
    if n == 0 or m == 0:
        return []
    inter, source_w, target_w = _intersections(source, target, config.language)
    denom = source_w[:, None] + target_w[None, :]
    content = np.divide(2.0 * inter, denom, out=np.zeros_like(inter), where=denom > 0)
    # Relative distance from the diagonal breaks ties between equal cells (repeated
    # sentences): each copy keeps its counterpart in place instead of all rows shortlisting
    # the same few columns, which left most of a repeated text unmatched.
    offset = np.abs(np.arange(n)[:, None] / max(1, n - 1) - np.arange(m)[None, :] / max(1, m - 1))
    rows, cols = _shortlist(content - 1e-9 * offset, config.candidates_per_sentence)
    rows, cols = _with_contentless_copies(source, target, rows, cols)
    # Exact scorers on the shortlisted cells only, pairwise in C (cpdist), all cores.
    char = _pairwise([source[i].norm for i in rows], [target[j].norm for j in cols], fuzz.ratio)
    token = _pairwise(
        [source[i].lemma_text for i in rows],
        [target[j].lemma_text for j in cols],
        fuzz.token_set_ratio,
    )
    cont = content[rows, cols]
    contentless = (source_w[rows] == 0) & (target_w[cols] == 0)
    cont = np.where(contentless, char, cont)
    token = np.where(contentless, char, token)
    blend = config.weight_content * cont + config.weight_token * token + config.weight_char * char
    keep = blend >= config.match_threshold
    rows, cols, blend = rows[keep], cols[keep], blend[keep]
    # Best first; ties broken by position so the result never depends on the order of cells.
    order = np.lexsort((cols, rows, offset[rows, cols], -blend))

    source_taken: set[int] = set()
    target_taken: set[int] = set()
    groups: list[tuple[list[int], list[int]]] = []
    for i, j in zip(rows[order].tolist(), cols[order].tolist(), strict=True):
        if i in source_taken or j in target_taken:
            continue
        source_taken.add(i)
        target_taken.add(j)
        groups.append(([i], [j]))

    contain_t = np.divide(
        inter, target_w[None, :], out=np.zeros_like(inter), where=target_w[None, :] > 0
    )
    contain_s = np.divide(
        inter, source_w[:, None], out=np.zeros_like(inter), where=source_w[:, None] > 0
    )
    grouper = _Grouper(groups, source, target, contain_s, contain_t, config)
    grouper.grow()
    grouper.pair_leftovers()

    out = []
    for src, tgt in groups:
        fa = _joined(source, src, config.language)
        fb = _joined(target, tgt, config.language)
        sim, c, tok, ch = pair_similarity(fa, fb, config)
        out.append(Alignment(tuple(src), tuple(tgt), sim, c, tok, ch))
    out.sort(key=lambda al: (al.source[0], al.target[0]))
    return out


def _shortlist(content: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
    """Best ``k`` cells of every row and every column that share at least one content word.

    Returns the cells as two index arrays (rows, columns) in row-major order.
    """
    n, m = content.shape
    mask = np.zeros((n, m), dtype=bool)
    kr = min(k, m)
    best_in_row = np.argpartition(-content, kr - 1, axis=1)[:, :kr]
    mask[np.arange(n)[:, None], best_in_row] = True
    kc = min(k, n)
    best_in_col = np.argpartition(-content, kc - 1, axis=0)[:kc, :]
    mask[best_in_col, np.arange(m)[None, :]] = True
    mask &= content > 0
    rows, cols = np.nonzero(mask)
    return rows, cols


def _with_contentless_copies(
    source: Sequence[SentenceFeatures],
    target: Sequence[SentenceFeatures],
    rows: np.ndarray,
    cols: np.ndarray,
) -> tuple[np.ndarray, np.ndarray]:
    """Add cells for identical sentences made only of function words ("He said so.").

    They share no content word, so the overlap matrix never proposes them.
    """
    by_text: dict[str, list[int]] = {}
    for j, feats in enumerate(target):
        if feats.weight == 0 and feats.norm:
            by_text.setdefault(feats.norm, []).append(j)
    extra = [
        (i, j)
        for i, feats in enumerate(source)
        if feats.weight == 0 and feats.norm
        for j in by_text.get(feats.norm, ())
    ]
    if not extra:
        return rows, cols
    extra_rows, extra_cols = (np.array(col, dtype=rows.dtype) for col in zip(*extra, strict=True))
    return np.concatenate((rows, extra_rows)), np.concatenate((cols, extra_cols))


def _pairwise(a: list[str], b: list[str], scorer: Callable[..., float]) -> np.ndarray:
    if not a:
        return np.zeros(0)
    scores = process.cpdist(a, b, scorer=scorer, dtype=np.float32, workers=_CPDIST_WORKERS)
    return np.asarray(scores, dtype=np.float64) / 100.0


def _joined(feats: Sequence[SentenceFeatures], idx: list[int], language: str) -> SentenceFeatures:
    if len(idx) == 1:
        return feats[idx[0]]
    return _join_features([feats[i] for i in idx], language)


def _join_features(parts: Sequence[SentenceFeatures], language: str) -> SentenceFeatures:
    lemmas = frozenset().union(*(p.lemmas for p in parts))
    return SentenceFeatures(
        norm=" ".join(p.norm for p in parts),
        tokens=tuple(t for p in parts for t in p.tokens),
        lemmas=lemmas,
        lemma_text=" ".join(sorted(lemmas)),
        numbers=tuple(x for p in parts for x in p.numbers),
        dates=tuple(x for p in parts for x in p.dates),
        names=frozenset().union(*(p.names for p in parts)),
        negations=tuple(x for p in parts for x in p.negations),
        quotes=tuple(x for p in parts for x in p.quotes),
        weight=sum(word_weight(lemma, language) for lemma in lemmas),
    )


class _Grouper:
    """Splits and merges on top of the one-to-one matching."""

    def __init__(  # noqa: PLR0917 - private, called once
        self,
        groups: list[tuple[list[int], list[int]]],
        source: Sequence[SentenceFeatures],
        target: Sequence[SentenceFeatures],
        contain_s: np.ndarray,
        contain_t: np.ndarray,
        config: DetectorConfig,
    ) -> None:
        self.groups = groups
        self.source, self.target = source, target
        # contain_s[i, j]: share of source i's content inside target j; contain_t the reverse.
        self.contain_s, self.contain_t = contain_s, contain_t
        self.config = config
        self.source_taken = {i for src, _ in groups for i in src}
        self.target_taken = {j for _, tgt in groups for j in tgt}

    def score(self, src: list[int], tgt: list[int]) -> float:
        return pair_similarity(
            _joined(self.source, src, self.config.language),
            _joined(self.target, tgt, self.config.language),
            self.config,
        )[0]

    def grow(self) -> None:
        """Let each matched pair absorb adjacent unmatched sentences while its score rises."""
        for src, tgt in self.groups:
            best = self.score(src, tgt)
            while True:
                step = self._best_step(src, tgt, best)
                if step is None:
                    break
                best, on_target, cand = step
                if on_target:
                    tgt[:] = sorted([*tgt, cand])
                    self.target_taken.add(cand)
                else:
                    src[:] = sorted([*src, cand])
                    self.source_taken.add(cand)

    def _best_step(
        self, src: list[int], tgt: list[int], best: float
    ) -> tuple[float, bool, int] | None:
        found: tuple[float, bool, int] | None = None
        limit = self.config.max_group_size
        if len(tgt) < limit:
            for cand in (tgt[0] - 1, tgt[-1] + 1):
                if 0 <= cand < len(self.target) and cand not in self.target_taken:
                    inside = max(float(self.contain_t[i, cand]) for i in src)
                    if inside >= self.config.group_containment:
                        score = self.score(src, sorted([*tgt, cand]))
                        if score > (found[0] if found else best):
                            found = (score, True, cand)
        if len(src) < limit:
            for cand in (src[0] - 1, src[-1] + 1):
                if 0 <= cand < len(self.source) and cand not in self.source_taken:
                    inside = max(float(self.contain_s[cand, j]) for j in tgt)
                    if inside >= self.config.group_containment:
                        score = self.score(sorted([*src, cand]), tgt)
                        if score > (found[0] if found else best):
                            found = (score, False, cand)
        return found

    def pair_leftovers(self) -> None:
        """Group an unmatched sentence with two adjacent unmatched ones that together match it."""
        if self.config.max_group_size < 2:
            return
        threshold = self.config.group_containment
        # Only cells whose sentences are all still free: a text of repeated sentences has
        # n * m cells over the threshold, and trying each was quadratic in Python.
        free_s = np.ones(len(self.source), dtype=bool)
        free_s[list(self.source_taken)] = False
        free_t = np.ones(len(self.target), dtype=bool)
        free_t[list(self.target_taken)] = False
        both_t = np.minimum(self.contain_t[:, :-1], self.contain_t[:, 1:]) >= threshold
        both_t &= free_s[:, None] & (free_t[:-1] & free_t[1:])[None, :]
        for i, j in zip(*np.nonzero(both_t), strict=True):
            src, tgt = [int(i)], [int(j), int(j) + 1]
            self._try_new(src, tgt)
        both_s = np.minimum(self.contain_s[:-1, :], self.contain_s[1:, :]) >= threshold
        both_s &= (free_s[:-1] & free_s[1:])[:, None] & free_t[None, :]
        for i, j in zip(*np.nonzero(both_s), strict=True):
            src, tgt = [int(i), int(i) + 1], [int(j)]
            self._try_new(src, tgt)

    def _try_new(self, src: list[int], tgt: list[int]) -> None:
        if any(i in self.source_taken for i in src) or any(j in self.target_taken for j in tgt):
            return
        if self.score(src, tgt) >= self.config.match_threshold:
            self.groups.append((src, tgt))
            self.source_taken.update(src)
            self.target_taken.update(tgt)
