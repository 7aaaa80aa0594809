"""MinHash: passages of a document, their shingles, and their signatures, in bulk.

A document is cut into overlapping **passages**, windows of ``window`` sentences moved by
``stride``, each with its character span. A passage's shingles are the set of its **rare
content lemmas**: words folded (case, quotes, acronym dots), lemmatised, stop words dropped,
and common words (wordfreq Zipf frequency at or above ``max_zipf``) dropped. Order-free
unigrams of rare words survive what spinners do — synonyms for a third of the words, clauses
moved about — far better than word n-grams (``docs/index-design.md`` has the measurement),
and dropping common words keeps unrelated passages from colliding.

Signatures are computed for many passages at once with numpy: every lemma is hashed once
(blake2b, 32 bits, the same on every machine), each of ``num_perm`` seeded universal hash
functions ``(a·h + b) mod 2**32`` is applied to all tokens of a batch in one vectorised step,
minima are taken per sentence (``np.minimum.reduceat``) and then per window (the MinHash of a
union is the element-wise minimum of the MinHashes). No Python loop runs per shingle and
permutation.
"""

from __future__ import annotations

import functools
import hashlib
import itertools
import re
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from rewrite_detect.config import IndexConfig
from rewrite_detect.errors import ConfigError
from rewrite_detect.normalize import QUOTE_FOLD, TOKEN_RE, lemmatize, stopwords, zipf

__all__ = [
    "NORMALIZER_VERSION",
    "Passages",
    "band_keys",
    "choose_bands",
    "estimated_jaccard",
    "lsh_probability",
    "lsh_threshold",
    "sketch",
]

NORMALIZER_VERSION = 1
"""Bump when tokenisation, lemmas or shingle selection change: stored signatures go stale."""

# Pseudo-sentences for passages: cheap, C-speed, and only used to place window edges.
_SENTENCE_END_RE = re.compile(r"([.!?…][\"”’')\]]*)\s+|\n\s*")
_BAND_MIX = np.array(
    [0x9E3779B97F4A7C15, 0xC2B2AE3D27D4EB4F, 0x165667B19E3779F9, 0xD6E8FEB86659FD93,
     0xFF51AFD7ED558CCD, 0xC4CEB9FE1A85EC53, 0x94D049BB133111EB, 0xBF58476D1CE4E5B9],
    dtype=np.uint64,
)  # fmt: skip


def lsh_probability(similarity: float, bands: int, rows: int) -> float:
    """Probability that two sets of Jaccard ``similarity`` share at least one LSH bucket.

    ``1 - (1 - s**rows)**bands``: the S-curve of banded MinHash.

    Examples
    --------
    >>> round(lsh_probability(0.5, 25, 5), 3)
    0.548
    """
    if not 0.0 <= similarity <= 1.0:
        msg = f"similarity={similarity} is out of range: use a value in [0, 1]"
        raise ConfigError(msg)
    return 1.0 - (1.0 - similarity**rows) ** bands


def lsh_threshold(bands: int, rows: int) -> float:
    """Return the similarity at the S-curve's steepest point, ``(1 / bands) ** (1 / rows)``."""
    return float((1.0 / bands) ** (1.0 / rows))


def choose_bands(threshold: float, num_perm: int) -> tuple[int, int]:
    """Pick ``(bands, rows)`` with ``bands * rows == num_perm`` whose threshold is nearest.

    Examples
    --------
    >>> choose_bands(0.5, 128)
    (32, 4)
    """
    if not 0.0 < threshold < 1.0:
        msg = f"threshold={threshold} is out of range: use a value strictly between 0 and 1"
        raise ConfigError(msg)
    options = [(num_perm // r, r) for r in range(1, num_perm + 1) if num_perm % r == 0]
    return min(options, key=lambda br: (abs(lsh_threshold(*br) - threshold), br[1]))


@functools.lru_cache(maxsize=500_000)
def _hash32(token: str) -> int:
    return int.from_bytes(hashlib.blake2b(token.encode(), digest_size=4).digest(), "little")


@functools.lru_cache(maxsize=8)
def _permutations(num_perm: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.Generator(np.random.PCG64(seed))
    a = rng.integers(1, 2**32, size=num_perm, dtype=np.uint64) | np.uint64(1)  # odd
    b = rng.integers(0, 2**32, size=num_perm, dtype=np.uint64)
    return a.astype(np.uint32), b.astype(np.uint32)


@dataclass(frozen=True, slots=True)
class Passages:
    """The passages of a batch of documents.

    Attributes
    ----------
    doc : ndarray of int64, shape (P,)
        Index into the batch of the document each passage belongs to.
    spans : ndarray of int64, shape (P, 2)
        Character span ``[start, end)`` of each passage in its document's text.
    signatures : ndarray of uint32, shape (P, num_perm)
        MinHash signatures.
    sizes : ndarray of int64, shape (P,)
        Number of distinct shingles in each passage.
    """

    doc: np.ndarray
    spans: np.ndarray
    signatures: np.ndarray
    sizes: np.ndarray


def _sentences(text: str) -> list[tuple[int, int]]:
    spans = []
    start = 0
    for match in _SENTENCE_END_RE.finditer(text):
        end = match.end(1) if match.group(1) else match.start()
        if end > start:
            spans.append((start, end))
        start = match.end()
    if start < len(text) and text[start:].strip():
        spans.append((start, len(text)))
    return spans


_MARKER_WORD = "qxsentencebreakxq"
_MARKER_RE_TOKEN = f" {_MARKER_WORD} "
_MARKER = -2
_UNKNOWN = -3


class _Shingler:
    """Token → shingle hash, learnt once per distinct token: one dict look-up per token.

    Keys are white-space tokens as they stand in lower-cased, quote-folded text, punctuation
    and all ("china," and "china" are two keys with one value).
    """

    def __init__(self, language: str, max_zipf: float) -> None:
        self.language = language
        self.max_zipf = max_zipf
        self.stop = stopwords(language)
        self.known: dict[str, int] = {_MARKER_WORD: _MARKER}
        self.cores: dict[str, int] = {}

    def learn(self, token: str) -> int:
        """Shingle hash of one white-space token, or -1 when it is no shingle; remembered."""
        parts = TOKEN_RE.findall(token)
        core = " ".join(parts)
        # "china", "china," and "(china" share one learnt core.
        value_of_core = self.cores.get(core)
        if value_of_core is not None:
            self.known[token] = value_of_core
            return value_of_core
        if not parts:
            value = -1
        else:
            # "U.S." -> "us"; "well-known" -> "well-known"; "Russia's" -> "russia".
            word = "".join(parts) if all(len(p) == 1 for p in parts) else "-".join(parts)
            word = word.removesuffix("'s")
            if word in self.stop or (len(word) <= 1 and not word[:1].isdigit()):
                value = -1
            else:
                lemma = lemmatize(word, self.language)
                rare = lemma[0].isdigit() or zipf(lemma, self.language) < self.max_zipf
                value = _hash32(lemma) if rare else -1
        self.known[token] = value
        self.cores[core] = value
        return value

    def batch(self, sentences: list[str]) -> tuple[np.ndarray, np.ndarray]:
        """Shingle hashes of many folded sentences at once, and the sentence of each.

        All sentences are split on white space by one ``str.split`` (a marker word between
        them), and the tokens are mapped through the learnt dictionary in C
        (``map(dict.get, …)``); only tokens never seen before take the slow path. Five times
        faster than a word regular expression, which dominated the stage.
        """
        known = self.known
        found = _MARKER_RE_TOKEN.join(sentences).split()
        ids = np.fromiter(
            map(known.get, found, itertools.repeat(_UNKNOWN)), dtype=np.int64, count=len(found)
        )
        for position in np.flatnonzero(ids == _UNKNOWN).tolist():
            token = found[position]
            value = known.get(token)
            ids[position] = self.learn(token) if value is None else value
        sentence = np.cumsum(ids == _MARKER)
        keep = ids >= 0
        # A shingle repeated within a sentence changes no MinHash; it is left in, so the
        # per-sentence counts are token counts (an upper bound on distinct shingles).
        return ids[keep].astype(np.uint32), sentence[keep]


@functools.lru_cache(maxsize=4)
def _shingler(language: str, max_zipf: float) -> _Shingler:
    """One learnt token dictionary per setting, shared by every batch of the process."""
    return _Shingler(language, max_zipf)


def _shingles(sentence: str, config: IndexConfig) -> set[int]:
    """Shingles of one piece of text (the reference the bulk path must agree with)."""
    hashes, _ = _shingler(config.language, config.max_zipf).batch([_light_fold(sentence)])
    return set(hashes.tolist())


def _light_fold(text: str) -> str:
    """Quote-fold and lower-case without moving any character (offsets stay valid)."""
    folded = text.translate(QUOTE_FOLD).lower()
    if len(folded) == len(text):
        return folded
    # A few characters lower-case to two ("İ"); keep those as they are.
    return "".join(c if len(c.lower()) != 1 else c.lower() for c in text.translate(QUOTE_FOLD))


def sketch(texts: Sequence[str], config: IndexConfig) -> Passages:
    """Cut documents into passages and compute their MinHash signatures in bulk.

    Parameters
    ----------
    texts : sequence of str
        Document texts.
    config : IndexConfig
        Window, stride, shingle filter, ``num_perm`` and seed.

    Returns
    -------
    Passages
        Passages with fewer than ``config.min_shingles`` shingles are left out: they hold too
        little to tell reuse from chance.
    """
    shingler = _shingler(config.language, config.max_zipf)
    pieces: list[str] = []
    spans: list[tuple[int, int]] = []
    doc_of_sentence: list[int] = []
    for doc, text in enumerate(texts):
        folded = _light_fold(text)
        for start, end in _sentences(text):
            pieces.append(folded[start:end])
            spans.append((start, end))
            doc_of_sentence.append(doc)
    hashes, sentence_of = shingler.batch(pieces)
    # Sentences without a shingle drop out; the rest keep their order.
    sizes_all = np.bincount(sentence_of, minlength=len(pieces))
    kept = np.flatnonzero(sizes_all > 0)
    sentence_spans = [spans[i] for i in kept.tolist()]
    sentence_sizes = sizes_all[kept].tolist()
    sentence_starts = np.concatenate(([0], np.cumsum(sizes_all[kept])[:-1])).astype(np.int64)
    doc_kept = np.array(doc_of_sentence, dtype=np.int64)[kept]
    bounds = np.searchsorted(doc_kept, np.arange(len(texts) + 1))
    doc_sentences = list(zip(bounds[:-1].tolist(), bounds[1:].tolist(), strict=True))
    tokens = hashes

    windows: list[tuple[int, int, int]] = []  # (doc, first sentence, last sentence exclusive)
    for doc, (first, stop) in enumerate(doc_sentences):
        if stop == first:
            continue
        last_start = max(first, stop - config.window)
        starts = list(range(first, last_start + 1, config.stride))
        if starts[-1] != last_start:
            starts.append(last_start)
        windows.extend((doc, s, min(s + config.window, stop)) for s in starts)
    num_perm = config.num_perm
    if not windows:
        return Passages(
            doc=np.zeros(0, dtype=np.int64),
            spans=np.zeros((0, 2), dtype=np.int64),
            signatures=np.zeros((0, num_perm), dtype=np.uint32),
            sizes=np.zeros(0, dtype=np.int64),
        )

    per_sentence = _sentence_signatures(tokens, sentence_starts, config)
    win = np.array(windows, dtype=np.int64)
    signatures = per_sentence[win[:, 1]]
    for offset in range(1, config.window):
        rows = np.minimum(win[:, 1] + offset, win[:, 2] - 1)
        np.minimum(signatures, per_sentence[rows], out=signatures)
    spans_arr = np.array(sentence_spans, dtype=np.int64)
    sizes_arr = np.array(sentence_sizes, dtype=np.int64)
    cumulative = np.concatenate(([0], np.cumsum(sizes_arr)))
    # Shingles may repeat across a window's sentences: this counts an upper bound, enough to
    # drop passages that are nearly empty.
    sizes = cumulative[win[:, 2]] - cumulative[win[:, 1]]
    keep = sizes >= config.min_shingles
    return Passages(
        doc=win[keep, 0],
        spans=np.stack((spans_arr[win[keep, 1], 0], spans_arr[win[keep, 2] - 1, 1]), axis=1),
        signatures=signatures[keep],
        sizes=sizes[keep],
    )


def _sentence_signatures(tokens: np.ndarray, starts: np.ndarray, config: IndexConfig) -> np.ndarray:
    """MinHash of each sentence's shingles: shape (sentences, num_perm), uint32."""
    a, b = _permutations(config.num_perm, config.seed)
    out = np.empty((len(starts), config.num_perm), dtype=np.uint32)
    # A few permutations at a time keeps the (permutations × tokens) block in cache-sized
    # memory for large batches.
    step = max(1, min(config.num_perm, 2**24 // max(1, len(tokens))))
    for lo in range(0, config.num_perm, step):
        hi = min(lo + step, config.num_perm)
        # uint32 arithmetic wraps: (a·h + b) mod 2**32 without a mask.
        values = a[lo:hi, None] * tokens[None, :]
        values += b[lo:hi, None]
        out[:, lo:hi] = np.minimum.reduceat(values, starts, axis=1).T
    return out


def band_keys(signatures: np.ndarray, bands: int, rows: int) -> np.ndarray:
    """Hash each band of each signature to one uint64 key, distinct per band.

    Returns an array of shape ``(passages, bands)``; two passages share a bucket in band ``j``
    when their keys in column ``j`` are equal.
    """
    if signatures.shape[1] != bands * rows:
        msg = f"signatures have {signatures.shape[1]} values, not bands*rows={bands * rows}"
        raise ConfigError(msg)
    blocks = signatures.reshape(len(signatures), bands, rows).astype(np.uint64)
    mix = np.resize(_BAND_MIX, rows)
    with np.errstate(over="ignore"):
        keys = (blocks * mix[None, None, :]).sum(axis=2, dtype=np.uint64)
        keys ^= (np.arange(bands, dtype=np.uint64) + np.uint64(1)) * _BAND_MIX[0]
        # A final multiply-xorshift spreads the sum's bits (splitmix64 finaliser).
        keys ^= keys >> np.uint64(31)
        keys *= _BAND_MIX[4]
        keys ^= keys >> np.uint64(29)
    return np.asarray(keys, dtype=np.uint64)


def estimated_jaccard(a: np.ndarray, b: np.ndarray) -> float:
    """Share of equal MinHash values: an unbiased estimate of the Jaccard similarity."""
    return float(np.count_nonzero(a == b)) / max(1, len(a))
