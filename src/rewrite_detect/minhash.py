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
import string
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from rewrite_detect.config import IndexConfig
from rewrite_detect.errors import ConfigError
from rewrite_detect.normalize import (
    QUOTE_FOLD,
    TOKEN_RE,
    lemmatize,
    stopwords,
    strip_invisible,
    unconfuse,
    zipf,
)

__all__ = [
    "NORMALIZER_VERSION",
    "Passages",
    "band_keys",
    "choose_bands",
    "estimated_jaccard",
    "jaccard_from_bands",
    "lsh_probability",
    "lsh_threshold",
    "sketch",
]

NORMALIZER_VERSION = 3
"""Bump when tokenisation, lemmas or shingle selection change: stored signatures go stale."""

# Pseudo-sentences for passages, only used to place window edges: a line break, or one of
# these marks (after quote folding) followed by a space, ends one.
# "?", "!" and "…" are folded to "." first (tokens lose their punctuation anyway): fewer
# passes over the batch.
_SENTENCE_ENDS = (".", '."', ".'", ".)")
_BREAK = "\x00"
_ASCII_PUNCTUATION = string.punctuation
_CJK = "\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_CJK_RE = re.compile(f"[{_CJK}]")
_CJK_BIGRAM_RE = re.compile(f"([{_CJK}])(?=([{_CJK}]))")
# Chinese and Japanese full stops, which no space follows, are breaks themselves.
# Line breaks are breaks too, folded here rather than by two more passes of str.replace.
_FOLD = {
    **QUOTE_FOLD, ord("?"): ".", ord("!"): ".", ord("…"): ".",
    ord("。"): _BREAK, ord("！"): _BREAK, ord("？"): _BREAK,
    ord("\n"): _BREAK, ord("\r"): _BREAK,
}  # fmt: skip
_MIX64 = np.array(
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


# White space as str.split() sees it: the ASCII bytes, and the other Unicode spaces, which
# _utf8() turns into the ASCII unit separator (white space to str.split() too, and not the
# plain space that ends a sentence after a full stop) before the UTF-8 bytes are cut.
_SPACE_BYTES = np.zeros(256, dtype=bool)
_SPACE_BYTES[list(b" \t\n\x0b\x0c\r\x1c\x1d\x1e\x1f")] = True
_SPACE_OR_BREAK_BYTES = _SPACE_BYTES.copy()
_SPACE_OR_BREAK_BYTES[0] = True
_HIGHEST_CUT = 0x20
_SPACE, _FULL_STOP, _DOUBLE_QUOTE, _SINGLE_QUOTE, _CLOSE_PAREN = b" .\"')"
_NO_SPANS = np.zeros((1, 2), dtype=np.int64)
_UNICODE_SPACES = dict.fromkeys(
    [0x85, 0xA0, 0x1680, *range(0x2000, 0x200B), 0x2028, 0x2029, 0x202F, 0x205F, 0x3000], "\x1f"
)
# Tokens hashed together in one block of _sentence_signatures.
_SIGNATURE_BLOCK = 2048
# Tokens up to this many bytes are keyed by their bytes, read eight at a time; longer ones (a
# URL, a run of symbols) are looked up by their text.
_KEYED_BYTES = 32
_LOW_BYTES = np.array([(1 << (8 * k)) - 1 for k in range(8)] + [(1 << 64) - 1], dtype=np.uint64)


def _tokens(raw: bytes, cut: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Start and end of every token of ``raw``, the cutting bytes, and the cuts before each.

    Tokens are the runs of bytes that ``cut`` (a table of 256 booleans, marking only bytes
    up to ``0x20``: white space and NUL) does not mark. Returns ``(starts, ends, cuts,
    after)``: ``cuts`` are the positions of the cutting bytes, and ``after[k]`` is how many
    of them come before token ``k``.
    """
    data = np.frombuffer(raw, dtype=np.uint8)
    # One vectorised comparison finds the few bytes that may cut; the table is consulted for
    # those alone (looking every byte up in it took three times as long).
    low = np.flatnonzero(data <= _HIGHEST_CUT)
    cuts = low[cut[data[low]]]
    bounds = np.concatenate(([-1], cuts, [len(raw)]))
    after = np.flatnonzero(bounds[1:] > bounds[:-1] + 1)
    return bounds[after] + 1, bounds[after + 1], cuts, after


def _piece_of(breaks: np.ndarray, after: np.ndarray) -> np.ndarray:
    """Piece of each token: how many of the cuts before it (``after``) are ``breaks``."""
    return np.asarray(np.concatenate(([0], np.cumsum(breaks)))[after])


def _token_keys(raw: bytes, starts: np.ndarray, ends: np.ndarray) -> np.ndarray:
    """64-bit key of each token ``raw[start:end]`` (at most ``_KEYED_BYTES`` long).

    A token's bytes are read as up to four little-endian words (an unaligned view of the
    buffer, one byte apart), the bytes past its end masked off, and mixed with its length
    through splitmix64 steps. Never zero, the hash table's empty mark. Keys never leave the
    process: they only find a token's learnt value again.
    """
    padded = raw + bytes(_KEYED_BYTES + 8)
    words = np.ndarray(shape=(len(raw) + _KEYED_BYTES,), dtype="<u8", buffer=padded, strides=(1,))
    lengths = ends - starts
    with np.errstate(over="ignore"):
        keys = words[starts] & _LOW_BYTES[np.minimum(lengths, 8)]
        keys ^= lengths.astype(np.uint64) * _MIX64[1]
        for at in range(8, _KEYED_BYTES, 8):
            more = np.flatnonzero(lengths > at)
            if not len(more):
                break
            word = words[starts[more] + at] & _LOW_BYTES[np.minimum(lengths[more] - at, 8)]
            word *= _MIX64[at // 8 + 1]
            word ^= word >> np.uint64(29)
            keys[more] = keys[more] * _MIX64[4] ^ word
        keys ^= keys >> np.uint64(31)
        keys *= _MIX64[4]
        keys ^= keys >> np.uint64(29)
    return np.asarray(keys | np.uint64(1))


class _KeyTable:
    """A linear-probing hash table from 64-bit keys (never 0) to int64 values, in numpy.

    Looks up a whole array of keys at once. Key and value sit side by side (one gather
    fetches both), and the table is kept at most half full, so most keys are found at the
    first probe.
    """

    def __init__(self, bits: int = 16) -> None:
        self.bits = bits
        self.slots = np.zeros((1 << bits, 2), dtype=np.uint64)
        self.count = 0

    def _home(self, keys: np.ndarray) -> np.ndarray:
        return (keys >> np.uint64(64 - self.bits)).astype(np.intp)

    def get(self, keys: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Values of ``keys`` and whether each was found (the value of a missing key is 0)."""
        slot = self._home(keys)
        # np.take of whole rows: seven times faster than fancy indexing of the 2-D table.
        entry = np.take(self.slots, slot, axis=0)
        found = entry[:, 0] == keys
        values = np.where(found, entry[:, 1].view(np.int64), 0)
        # Probing goes on past an occupied slot holding another key, and stops at an empty one.
        todo = np.flatnonzero(~found & (entry[:, 0] != 0))
        last = len(self.slots) - 1
        while len(todo):
            slot[todo] = (slot[todo] + 1) & last
            entry = np.take(self.slots, slot[todo], axis=0)
            hit = entry[:, 0] == keys[todo]
            values[todo[hit]] = entry[hit, 1].view(np.int64)
            found[todo[hit]] = True
            todo = todo[~hit & (entry[:, 0] != 0)]
        return values, found

    def put(self, keys: np.ndarray, values: np.ndarray) -> None:
        """Insert distinct keys that are not in the table."""
        if 2 * (self.count + len(keys)) > len(self.slots):
            old = self.slots[self.slots[:, 0] != 0]
            while 2 * (self.count + len(keys)) > (1 << self.bits):
                self.bits += 1
            self.slots = np.zeros((1 << self.bits, 2), dtype=np.uint64)
            self.count = 0
            self._insert(old[:, 0], old[:, 1].view(np.int64))
        self._insert(keys, values)

    def _insert(self, keys: np.ndarray, values: np.ndarray) -> None:
        self.count += len(keys)
        slot = self._home(keys)
        last = len(self.slots) - 1
        while len(keys):
            free = np.flatnonzero(self.slots[slot, 0] == 0)
            # Of the keys probing one free slot, the first takes it; the rest probe on.
            _, first = np.unique(slot[free], return_index=True)
            won = free[first]
            self.slots[slot[won], 0] = keys[won]
            self.slots[slot[won], 1] = values[won].view(np.uint64)
            rest = np.ones(len(keys), dtype=bool)
            rest[won] = False
            keys, values, slot = keys[rest], values[rest], (slot[rest] + 1) & last


def _utf8(text: str) -> bytes:
    """``text`` as UTF-8, its Unicode spaces made unit separators, 0x1F (str.split() cuts at both).

    Every character stays one character, so a byte's character offset is its offset less
    the UTF-8 continuation bytes before it.
    """
    if not text.isascii():
        text = text.translate(_UNICODE_SPACES)
    return text.encode("utf-8", "surrogatepass")


class _Known(dict[str, int]):
    """Token → shingle hash; a token not yet seen is learnt on first look-up."""

    def __init__(self, learn: Callable[[str], int]) -> None:
        super().__init__()
        self._learn = learn

    def __missing__(self, token: str) -> int:
        value = self[token] = self._learn(token)
        return value


class _Shingler:
    """Token → shingle hash, learnt once per distinct token: one dict look-up per token.

    Keys are white-space tokens as they stand in lower-cased, quote-folded text, punctuation
    and all ("china," and "china" are two keys with one value).
    """

    def __init__(self, language: str, max_zipf: float) -> None:
        self.language = language
        self.max_zipf = max_zipf
        self.stop = stopwords(language)
        self.known = _Known(self.learn)
        self.table = _KeyTable()
        self.cores: dict[str, int] = {}

    def learn(self, token: str) -> int:
        """Shingle hash of one white-space token, or -1 when it is no shingle."""
        if token.isascii():
            # Most tokens: ASCII letters with punctuation at the edges ("china,"), for which
            # the regular expression below would find the letters alone.
            core = token.strip(_ASCII_PUNCTUATION).lower()
            if core.isalpha():
                value = self.cores.get(core)
                if value is None:
                    value = self.cores[core] = self._value(core)
                return value
        # Zero-width padding and look-alike letters, spinners' tricks, do not hide a word.
        parts = TOKEN_RE.findall(unconfuse(strip_invisible(token)).lower())
        core = " ".join(parts)
        # "china", "china," and "(china" share one learnt core.
        value = self.cores.get(core)
        if value is not None:
            return value
        if not parts:
            value = -1
        else:
            # "U.S." -> "us"; "well-known" -> "well-known"; "Russia's" -> "russia".
            word = "".join(parts) if all(len(p) == 1 for p in parts) else "-".join(parts)
            value = self._value(word.removesuffix("'s"))
        self.cores[core] = value
        return value

    def _value(self, word: str) -> int:
        if word in self.stop or (len(word) <= 1 and not word[:1].isdigit()):
            return -1
        # A word wordfreq has never seen (a name, a new coinage) is rare whatever its
        # lemma, which could only be guessed: it is taken as it stands, sparing the
        # lemmatiser's guessing rules, which are slowest on exactly such words.
        if zipf(word, self.language) == 0:
            return _hash32(word)
        lemma = lemmatize(word, self.language)
        rare = lemma[0].isdigit() or zipf(lemma, self.language) < self.max_zipf
        return _hash32(lemma) if rare else -1

    def ids(self, text: str) -> np.ndarray:
        """Shingle hash (or -1) of every white-space token of ``text``.

        The same values as :meth:`ids_by_split`, found without making a Python string per
        token: the text's UTF-8 bytes are cut at white space and each token's bytes hashed to
        a 64-bit key in numpy, and the keys are looked up in a numpy hash table of the tokens
        learnt so far. Only tokens never seen before (and rare long ones) are decoded and
        go through the dictionary. Three times faster than ``str.split`` and a dictionary
        look-up per token, which were most of the sketching time.
        """
        raw = _utf8(text)
        starts, ends, _, _ = _tokens(raw, _SPACE_BYTES)
        return self._values(raw, starts, ends)

    def pieces(self, text: str) -> tuple[np.ndarray, np.ndarray]:
        """:meth:`ids`, NUL characters cutting ``text`` into pieces; the piece of each token.

        Token ``k`` is in piece ``j`` when ``j`` NUL characters come before it, so the ids
        are those of the pieces of ``text.split(NUL)``, one after the other.
        """
        raw = _utf8(text)
        starts, ends, cuts, after = _tokens(raw, _SPACE_OR_BREAK_BYTES)
        nul = np.frombuffer(raw, dtype=np.uint8)[cuts] == 0
        return self._values(raw, starts, ends), _piece_of(nul, after)

    def sentences(self, text: str) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """:meth:`pieces` of ``text`` cut at its sentence ends too; the character spans.

        A space that follows ``.``, ``."``, ``.'`` or ``.)`` ends a piece as a NUL character
        does (the marks of ``_SENTENCE_ENDS``, found in the bytes instead of by a pass of
        ``str.replace`` each). Returns the ids, the piece of each token, and each piece's
        character span ``[start, end)`` in ``text`` from its first token's start to its last
        token's end: the piece with its white space stripped (an empty piece's span is
        meaningless).
        """
        raw = _utf8(text)
        data = np.frombuffer(raw, dtype=np.uint8)
        starts, ends, cuts, after = _tokens(raw, _SPACE_OR_BREAK_BYTES)
        # A cut breaks the text when it is NUL, or a space after a sentence-ending mark (the
        # bytes before a cut at 0 or 1 read as the cut itself, which is no full stop).
        at = data[cuts]
        before = data[np.maximum(cuts - 1, 0)]
        quoted = (before == _DOUBLE_QUOTE) | (before == _SINGLE_QUOTE) | (before == _CLOSE_PAREN)
        full_stop = (before == _FULL_STOP) | (
            quoted & (data[np.maximum(cuts - 2, 0)] == _FULL_STOP)
        )
        breaks = (at == 0) | ((at == _SPACE) & full_stop)
        piece_of = _piece_of(breaks, after)
        pieces = np.arange(int(np.count_nonzero(breaks)) + 1)
        first = np.minimum(np.searchsorted(piece_of, pieces), max(0, len(starts) - 1))
        last = np.maximum(np.searchsorted(piece_of, pieces, side="right") - 1, 0)
        spans = np.stack((starts[first], ends[last]), axis=1) if len(starts) else _NO_SPANS
        if not text.isascii():
            # Character offsets: byte offsets less the continuation bytes before them.
            continuation = np.flatnonzero((data & 0xC0) == 0x80)
            spans = spans - np.searchsorted(continuation, spans)
        return self._values(raw, starts, ends), piece_of, spans

    def _values(self, raw: bytes, starts: np.ndarray, ends: np.ndarray) -> np.ndarray:
        values = np.empty(len(starts), dtype=np.int64)
        short = ends - starts <= _KEYED_BYTES
        fast = np.flatnonzero(short)
        keys = _token_keys(raw, starts[fast], ends[fast])
        found, hit = self.table.get(keys)
        values[fast] = found
        new = fast[~hit]
        if len(new):
            new_keys, first, inverse = np.unique(keys[~hit], return_index=True, return_inverse=True)
            spans = zip(starts[new[first]].tolist(), ends[new[first]].tolist(), strict=True)
            tokens = [raw[s:e].decode("utf-8", "surrogatepass") for s, e in spans]
            learnt = np.fromiter(map(self.known.__getitem__, tokens), np.int64, len(tokens))
            self.table.put(new_keys, learnt)
            values[new] = learnt[inverse]
        # A token too long to key safely (a URL, a run of symbols) is looked up by its text.
        for k in np.flatnonzero(~short).tolist():
            values[k] = self.known[raw[starts[k] : ends[k]].decode("utf-8", "surrogatepass")]
        return values

    def ids_by_split(self, text: str) -> np.ndarray:
        """:meth:`ids` the plain way: ``str.split`` and one dictionary look-up per token."""
        found = text.split()
        return np.fromiter(map(self.known.__getitem__, found), dtype=np.int64, count=len(found))


@functools.lru_cache(maxsize=4)
def _shingler(language: str, max_zipf: float) -> _Shingler:
    """One learnt token dictionary per setting, shared by every batch of the process."""
    return _Shingler(language, max_zipf)


def _shingles(sentence: str, config: IndexConfig) -> set[int]:
    """Shingles of one piece of text (the reference the bulk path must agree with)."""
    shingler = _shingler(config.language, config.max_zipf)
    ids = shingler.ids_by_split(_token_text(_light_fold(sentence)))
    return set(ids[ids >= 0].astype(np.uint32).tolist())


def _token_text(text: str) -> str:
    """Text whose white-space tokens are the shingle candidates.

    Chinese and Japanese are written without spaces: a run of their characters becomes its
    overlapping character bigrams ("abcd" -> "ab bc cd d"), the usual unit of copy detection
    in those scripts.
    """
    if text.isascii() or _CJK_RE.search(text) is None:
        return text
    return _CJK_BIGRAM_RE.sub(r"\1\2 ", text)


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
    joined, doc_starts = _join_folded(texts)
    shingler = _shingler(config.language, config.max_zipf)
    token_text = _token_text(joined)
    if token_text is joined:
        ids, piece_of, piece_spans = shingler.sentences(joined)
    else:
        # Chinese or Japanese: the token text has spaces put in, so offsets come from the
        # folded text itself.
        ids, piece_of, piece_spans = _sentences_by_str(joined, token_text, shingler)
    keep = ids >= 0
    tokens = ids[keep].astype(np.uint32)
    # Sentences without a shingle drop out; the rest keep their order. A shingle repeated
    # within a sentence changes no MinHash; it is left in, so sizes count tokens.
    sizes_all = np.bincount(piece_of[keep], minlength=len(piece_spans))
    kept = np.flatnonzero(sizes_all > 0)
    sentence_sizes = sizes_all[kept]
    sentence_spans = piece_spans[kept]
    sentence_doc = np.searchsorted(doc_starts, sentence_spans[:, 0], side="right") - 1
    sentence_spans = sentence_spans - doc_starts[sentence_doc, None]
    sentence_starts = np.concatenate(([0], np.cumsum(sentence_sizes)[:-1])).astype(np.int64)
    bounds = np.searchsorted(sentence_doc, np.arange(len(texts) + 1))
    win = _windows(bounds, config.window, config.stride)
    num_perm = config.num_perm
    if not len(win):
        return Passages(
            doc=np.zeros(0, dtype=np.int64),
            spans=np.zeros((0, 2), dtype=np.int64),
            signatures=np.zeros((0, num_perm), dtype=np.uint32),
            sizes=np.zeros(0, dtype=np.int64),
        )
    cumulative = np.concatenate(([0], np.cumsum(sentence_sizes)))
    # Shingles may repeat across a window's sentences: this counts an upper bound, enough to
    # drop passages that are nearly empty.
    sizes = cumulative[win[:, 2]] - cumulative[win[:, 1]]
    win = win[sizes >= config.min_shingles]
    sizes = sizes[sizes >= config.min_shingles]
    per_sentence = _sentence_signatures(tokens, sentence_starts, config)
    signatures = np.take(per_sentence, win[:, 1], axis=0)
    for offset in range(1, config.window):
        rows = np.minimum(win[:, 1] + offset, win[:, 2] - 1)
        np.minimum(signatures, np.take(per_sentence, rows, axis=0), out=signatures)
    return Passages(
        doc=win[:, 0],
        spans=np.stack((sentence_spans[win[:, 1], 0], sentence_spans[win[:, 2] - 1, 1]), axis=1),
        signatures=signatures,
        sizes=sizes,
    )


def _sentences_by_str(
    joined: str, token_text: str, shingler: _Shingler
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """:meth:`_Shingler.sentences` the plain way, for a token text other than ``joined``.

    Sentence breaks become NUL characters (same length, so offsets hold) and the batch is
    cut with one ``str.split``; the ids come from ``token_text`` with the same breaks.
    """
    for mark in _SENTENCE_ENDS:
        joined = joined.replace(mark + " ", mark + _BREAK)
        token_text = token_text.replace(mark + " ", mark + _BREAK)
    pieces = joined.split(_BREAK)
    lengths = np.fromiter(map(len, pieces), dtype=np.int64, count=len(pieces))
    lead = lengths - np.fromiter(map(len, map(str.lstrip, pieces)), np.int64, len(pieces))
    trail = lengths - np.fromiter(map(len, map(str.rstrip, pieces)), np.int64, len(pieces))
    piece_start = np.cumsum(lengths + 1) - (lengths + 1)
    spans = np.stack((piece_start + lead, piece_start + lengths - trail), axis=1)
    ids, piece_of = shingler.pieces(token_text)
    return ids, piece_of, spans


def _join_folded(texts: Sequence[str]) -> tuple[str, np.ndarray]:
    """All texts folded and joined by breaks, and where each text starts in the result."""
    clean = [text.replace(_BREAK, " ") for text in texts]
    joined = _BREAK.join(clean)
    folded = joined.translate(_FOLD).lower()
    if len(folded) != len(joined):
        folded = _BREAK.join(map(_light_fold, clean)).translate(_FOLD)
    lengths = np.fromiter(map(len, texts), dtype=np.int64, count=len(texts))
    return folded, np.cumsum(lengths + 1) - (lengths + 1)


def _windows(bounds: np.ndarray, window: int, stride: int) -> np.ndarray:
    """Windows ``(doc, first sentence, stop)`` over each document's sentence range."""
    first, stop = bounds[:-1], bounds[1:]
    count = stop - first
    has = count > 0
    # Window starts first, first + stride, … and a last one flush with the end.
    last_start = np.maximum(first, stop - window)
    regular = (last_start - first) // stride + 1
    extra = ((last_start - first) % stride != 0).astype(np.int64)
    n = np.where(has, regular + extra, 0)
    doc = np.repeat(np.arange(len(first)), n)
    within = np.arange(int(n.sum())) - np.repeat(np.cumsum(n) - n, n)
    start = np.minimum(first[doc] + within * stride, last_start[doc])
    return np.stack((doc, start, np.minimum(start + window, stop[doc])), axis=1).astype(np.int64)


def _sentence_signatures(tokens: np.ndarray, starts: np.ndarray, config: IndexConfig) -> np.ndarray:
    """MinHash of each sentence's shingles: shape (sentences, num_perm), uint32.

    Sentences are grouped by length, so that each group's hash values form a regular
    ``(sentences, length, num_perm)`` block whose minimum over axis 1 is one vectorised
    reduction: twice as fast as ``np.minimum.reduceat`` over short, ragged segments.
    """
    a, b = _permutations(config.num_perm, config.seed)
    out = np.empty((len(starts), config.num_perm), dtype=np.uint32)
    lengths = np.diff(np.append(starts, len(tokens)))
    order = np.argsort(lengths, kind="stable")
    sorted_lengths = lengths[order]
    edges = np.flatnonzero(np.diff(sorted_lengths, prepend=-1, append=-1)).tolist()
    # About 2,048 tokens per block keep the block (1 MiB of hash values) in cache, and one
    # buffer reused for every block spares a fresh allocation's page faults: 20 % faster
    # than 4,096-token blocks allocated anew.
    block = _SIGNATURE_BLOCK
    longest = int(sorted_lengths[-1]) if len(sorted_lengths) else 0
    buffer = np.empty(max(block, longest) * config.num_perm, dtype=np.uint32)
    sorted_starts = starts[order]
    for lo, hi in itertools.pairwise(edges):
        length = int(sorted_lengths[lo])
        step = max(1, block // length)
        for first in range(lo, hi, step):
            last = min(first + step, hi)
            # Token position first: the minimum is then taken over whole (sentences,
            # num_perm) slabs, element by element (15 % faster than over a middle axis).
            found = np.take(tokens, np.arange(length)[:, None] + sorted_starts[first:last])
            values = buffer[: found.size * config.num_perm].reshape(length, last - first, -1)
            np.multiply(found[..., None], a, out=values)
            values += b  # uint32 arithmetic wraps: (a·h + b) mod 2**32 without a mask
            np.minimum.reduce(values, axis=0, out=out[first:last])
    # Rows were filled in length order; one gather puts them back in sentence order.
    return np.take(out, np.argsort(order), axis=0)


def band_keys(signatures: np.ndarray, bands: int, rows: int) -> np.ndarray:
    """Hash each band of each signature to one uint32 key, distinct per band.

    Returns an array of shape ``(passages, bands)``; two passages share a bucket in band ``j``
    when their keys in column ``j`` are equal. The key of band ``j`` is MurmurHash3 (x86,
    32-bit) of the band's ``rows`` values, read as little-endian words, seeded with ``j``:
    computed in uint32 arithmetic on all passages at once.

    Thirty-two bits are enough: a pair of documents becomes a candidate only with
    ``min_hits`` colliding passage pairs, and chance collisions (about ``P**2 / 2**33``
    passage pairs a band for ``P`` passages) fall on random document pairs, almost never
    three times on one. Half the bytes of 64-bit keys to write, store and read back.
    """
    if signatures.shape[1] != bands * rows:
        msg = f"signatures have {signatures.shape[1]} values, not bands*rows={bands * rows}"
        raise ConfigError(msg)
    blocks = signatures.reshape(len(signatures), bands, rows).astype(np.uint32, copy=False)
    u32 = np.uint32
    with np.errstate(over="ignore"):
        keys = np.broadcast_to(np.arange(bands, dtype=np.uint32), blocks.shape[:2]).copy()
        for row in range(rows):
            word = blocks[:, :, row] * u32(0xCC9E2D51)
            word = (word << u32(15)) | (word >> u32(17))
            word *= u32(0x1B873593)
            keys ^= word
            keys = (keys << u32(13)) | (keys >> u32(19))
            keys *= u32(5)
            keys += u32(0xE6546B64)
        keys ^= u32(4 * rows)
        keys ^= keys >> u32(16)
        keys *= u32(0x85EBCA6B)
        keys ^= keys >> u32(13)
        keys *= u32(0xC2B2AE35)
        keys ^= keys >> u32(16)
    return np.asarray(keys, dtype=np.uint32)


def jaccard_from_bands(shared: int, bands: int, rows: int) -> float:
    """Estimate a pair's Jaccard similarity from the number of LSH bands it shares.

    A pair of similarity ``s`` shares each band with probability ``s**rows``; the estimate is
    the ``s`` at which ``shared`` of ``bands`` is the expected count. Coarser than comparing
    signatures, but it needs no signature kept.

    Examples
    --------
    >>> jaccard_from_bands(2, 32, 4)
    0.5
    """
    if not 0 <= shared <= bands:
        msg = f"shared={shared} is out of range: use a count in [0, bands={bands}]"
        raise ConfigError(msg)
    return float((shared / bands) ** (1.0 / rows))


def estimated_jaccard(a: np.ndarray, b: np.ndarray) -> float:
    """Share of equal MinHash values: an unbiased estimate of the Jaccard similarity."""
    return float(np.count_nonzero(a == b)) / max(1, len(a))
