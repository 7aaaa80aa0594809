"""Synthetic news corpus with planted reuse and ground truth, for the index benchmarks.

Fast and deterministic: one ``numpy.random.Generator`` seeded by ``seed`` draws every word
id of the corpus at once; articles are assembled from slices of that id stream and turned
into text with one ``str.join`` per article over a pre-built word array. 100,000 articles
take seconds, not minutes (run this file to time it).

Vocabulary (fixed, independent of ``seed``)
    * about 130 real English function words (the, of, and, to, in, a, said, ...), about 45%
      of the tokens, with Zipfian weights within the group;
    * 50,000 made-up but English-looking content words (syllables plus suffixes such as
      -ing, -ion, -ment; shorter words are more frequent), 49% of the tokens, with
      frequency proportional to ``(100 + rank) ** -1.1``: rank 0 follows the function words
      in an overall Zipf ranking;
    * 3,000 capitalised name-like words (4%) and 1,000 numbers (2%: 7, 1998, 4,500, 3.5).

Articles
    25-35 sentences of 12-30 words (about 630 words), first word capitalised, last word
    ending in '.', paragraphs of 1-4 sentences separated by blank lines. Each has an id
    (``a000001``... in date order), an outlet (one of 200, ``outlet-017``, Zipfian sizes) and
    an ISO date in March 2024.

Planted reuse (each kind ``reuse_share`` of the corpus; copies in another outlet than their
origin, dated 1-3 days later; every origin is an original article, copied once)
    * ``verbatim``: the origin with 2% of its words replaced by random words, one sentence
      dropped, and a line "Copyright 2024 outlet-017. All rights reserved." added;
    * ``spun``: a third of the content words swapped for a "synonym" (the content word of
      rank k is paired with one of rank k+-1..3, a fixed involution), and in a third of the
      sentences the words after a split point in the middle third moved to the front;
      function words, names and numbers kept;
    * ``partial``: a contiguous run of a third of the origin's sentences pasted at a random
      place into an otherwise new article (which gives up as many of its own sentences).

Ground truth is ``Corpus.planted``: ``(origin_id, copy_id, kind)`` triples.

Usage
-----
    python benchmarks/corpus.py [--articles 100000] [--seed 7] [--reuse-share 0.05]
                                [--output PATH.jsonl]
"""

from __future__ import annotations

import argparse
import functools
import json
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

KINDS = ("verbatim", "spun", "partial")

N_CONTENT = 50_000
N_NAMES = 3_000
N_NUMBERS = 1_000
N_OUTLETS = 200
N_DAYS = 31  # March 2024
SHARES = {"function": 0.45, "content": 0.49, "name": 0.04, "number": 0.02}

VERBATIM_EDIT_RATE = 0.02
SPUN_SWAP_RATE = 1 / 3
SPUN_REORDER_RATE = 1 / 3
PARTIAL_FRACTION = 1 / 3

_VOCAB_SEED = 20240301

# Roughly in order of frequency in news English.
FUNCTION_WORDS = (
    "the of and to a in said that for on is was with by at as it from he she they has have "
    "be not but his her their its an are were had who will would which this been more than "
    "after about also up one two or we when out over into there can all first other our so "
    "no if what some just them only most could new before while against three under since "
    "between during where because these those should may many much such very being did do "
    "does how any then both each through until off down again him us me my your you it's "
    "there's according per among still even though however around those within without "
    "another last next least like until whose"
).split()
FUNCTION_WORDS = list(dict.fromkeys(FUNCTION_WORDS))

_ONSETS = [
    *["", ""],
    *"b c d f g h j k l m n p r s t v w y z br cr dr fr gr pr tr bl cl fl gl pl".split(),
    *"sl sh ch th st sp sc sk sm sn sw wh qu str".split(),
]
_VOWELS = "a e i o u a e i o ea ee ai oo ou oa ie".split()
_CODAS = [
    *["", "", "", ""],
    *"n r s t l m nd nt st rt ck ng ll ss ct rd rm sk mp nk ft x th sh".split(),
]
_SUFFIXES = [
    *["", "", "", "", "", ""],
    *"s s ed ing er ion ly ment ness ity al ous ive ure ance able ist ate".split(),
]
_NAME_SUFFIXES = ["", "", "", "son", "ton", "ville", "berg", "ez", "ov", "ski", "ia", "ford"]


@dataclass(frozen=True)
class Vocabulary:
    """All word forms and the token distribution; ids are ``form * size + word``."""

    words: list[str]  # function words, content words, names, numbers, in that order
    n_function: int
    n_content: int
    probs: np.ndarray  # token probabilities over ``words``
    alias_keep: np.ndarray  # alias-method tables for O(1) sampling from ``probs``
    alias_other: np.ndarray
    synonym: np.ndarray  # word id -> word id (identity except for content words)
    forms: np.ndarray  # object array: plain words, Capitalised, "with-period.", then "\n"

    @property
    def size(self) -> int:
        return len(self.words)

    @property
    def para(self) -> int:
        """Id of the paragraph-break token."""
        return 3 * self.size

    def is_content(self, ids: np.ndarray) -> np.ndarray:
        return (ids >= self.n_function) & (ids < self.n_function + self.n_content)

    def draw(self, rng: np.random.Generator, n: int, chunk: int = 4_000_000) -> np.ndarray:
        """``n`` word ids (int32) drawn from the token distribution (alias method)."""
        out = np.empty(n, dtype=np.int32)
        for start in range(0, n, chunk):
            stop = min(n, start + chunk)
            x = rng.random(stop - start) * self.size
            i = x.astype(np.int32)
            x -= i  # uniform in [0, 1) again, independent of i
            out[start:stop] = np.where(x < self.alias_keep[i], i, self.alias_other[i])
        return out


def _made_up_words(rng: np.random.Generator, n: int, suffixes: Sequence[str]) -> list[str]:
    syllables = rng.choice([1, 2, 3], size=(n,), p=[0.3, 0.5, 0.2])
    onset = rng.integers(0, len(_ONSETS), size=(n, 3))
    vowel = rng.integers(0, len(_VOWELS), size=(n, 3))
    coda = rng.integers(0, len(_CODAS), size=(n, 3))
    suffix = rng.integers(0, len(suffixes), size=n)
    words = []
    for i in range(n):
        parts = []
        for j in range(syllables[i]):
            parts += (_ONSETS[onset[i, j]], _VOWELS[vowel[i, j]], _CODAS[coda[i, j]])
        words.append("".join(parts) + suffixes[suffix[i]])
    return words


def _numbers(rng: np.random.Generator, n: int) -> list[str]:
    pool = [str(i) for i in range(2, 100)] + [str(y) for y in range(1990, 2026)]
    pool += [f"{x:,}" for x in rng.integers(100, 100_000, size=400)]
    pool += [f"{x / 10:.1f}" for x in rng.integers(11, 500, size=300)]
    pool += [f"{x}%" for x in range(1, 100)]
    pool += [f"${x:,}" for x in rng.integers(10, 50_000, size=200)]
    return list(dict.fromkeys(pool))[:n]


def _alias_tables(probs: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Vose's alias tables: draw i uniformly, keep it with ``keep[i]``, else ``other[i]``."""
    n = len(probs)
    scaled = (probs * n).tolist()
    keep = [1.0] * n
    other = list(range(n))
    small = [i for i, p in enumerate(scaled) if p < 1.0]
    large = [i for i, p in enumerate(scaled) if p >= 1.0]
    while small and large:
        s, g = small.pop(), large.pop()
        keep[s], other[s] = scaled[s], g
        scaled[g] -= 1.0 - scaled[s]
        (small if scaled[g] < 1.0 else large).append(g)
    return np.array(keep), np.array(other, dtype=np.int32)


def _zipf(n: int, offset: float, exponent: float) -> np.ndarray:
    weights = (np.arange(n, dtype=np.float64) + offset) ** -exponent
    return weights / weights.sum()


@functools.cache
def vocabulary() -> Vocabulary:
    """The fixed vocabulary, built once per process (about 0.3 s)."""
    rng = np.random.default_rng(_VOCAB_SEED)
    function = FUNCTION_WORDS
    taken = set(function)

    names: list[str] = []
    for word in _made_up_words(rng, 3 * N_NAMES, _NAME_SUFFIXES):
        if len(word) >= 3 and word not in taken:
            taken.add(word)
            names.append(word.capitalize())
        if len(names) == N_NAMES:
            break

    candidates = [
        w for w in dict.fromkeys(_made_up_words(rng, 3 * N_CONTENT, _SUFFIXES)) if len(w) >= 2
    ]
    candidates = [w for w in candidates if w not in taken]
    # Shorter words are more frequent, as in English: rank by length plus noise.
    key = np.array([len(w) for w in candidates]) + rng.normal(0.0, 2.0, len(candidates))
    content = [candidates[i] for i in np.argsort(key, kind="stable")[:N_CONTENT]]
    if len(content) < N_CONTENT:
        raise RuntimeError("not enough distinct made-up words")
    numbers = _numbers(rng, N_NUMBERS)

    words = function + content + names + numbers
    probs = np.concatenate(
        [
            SHARES["function"] * _zipf(len(function), 1.0, 1.0),
            SHARES["content"] * _zipf(N_CONTENT, 100.0, 1.1),
            SHARES["name"] * _zipf(N_NAMES, 20.0, 1.0),
            SHARES["number"] * _zipf(len(numbers), 5.0, 1.0),
        ]
    )
    probs /= probs.sum()
    keep, other = _alias_tables(probs)

    # Synonyms: content ranks in blocks of four, paired by one of three matchings, so rank
    # k is paired with rank k+-1, k+-2 or k+-3; a fixed involution.
    partner = np.array([[1, 0, 3, 2], [2, 3, 0, 1], [3, 2, 1, 0]])
    n_blocks = N_CONTENT // 4
    matching = rng.integers(0, 3, size=n_blocks)
    ranks = (np.arange(n_blocks)[:, None] * 4 + partner[matching]).ravel()
    synonym = np.arange(len(words), dtype=np.int32)
    synonym[len(function) : len(function) + 4 * n_blocks] = len(function) + ranks

    capitalised = [w[:1].upper() + w[1:] for w in words]
    with_period = [w + "." for w in words]
    forms = np.array([*words, *capitalised, *with_period, "\n"], dtype=object)
    return Vocabulary(words, len(function), N_CONTENT, probs, keep, other, synonym, forms)


@dataclass
class Corpus:
    """Articles (dicts with id, outlet, date, text) and planted (origin, copy, kind)."""

    articles: list[dict[str, str]]
    planted: list[tuple[str, str, str]]
    seed: int = 7
    reuse_share: float = 0.05
    stats: dict[str, Any] = field(default_factory=dict)

    def __len__(self) -> int:
        return len(self.articles)


def _spin(rng: np.random.Generator, voc: Vocabulary, tok: np.ndarray, slen: np.ndarray):
    tok = tok.copy()
    swap = voc.is_content(tok) & (rng.random(len(tok)) < SPUN_SWAP_RATE)
    tok[swap] = voc.synonym[tok[swap]]
    # Clause reordering: rotate the sentence so the words after the split point come first.
    low, high = slen // 3, (2 * slen) // 3
    split = low + (rng.random(len(slen)) * (high - low + 1)).astype(np.int64)
    rot = np.where(rng.random(len(slen)) < SPUN_REORDER_RATE, split, 0)
    starts = np.cumsum(slen) - slen
    start_t = np.repeat(starts, slen)
    len_t = np.repeat(slen, slen)
    offset = np.arange(len(tok)) - start_t
    return tok[start_t + (offset + np.repeat(rot, slen)) % len_t], slen


def generate(n_articles: int, seed: int = 7, reuse_share: float = 0.05) -> Corpus:
    """A synthetic news corpus of ``n_articles`` with planted reuse (see the module doc)."""
    if not 0 <= reuse_share < 1 / 3:
        raise ValueError("reuse_share must be in [0, 1/3)")
    started = time.perf_counter()
    voc = vocabulary()
    rng = np.random.default_rng(seed)
    n = n_articles

    # Fresh material for every article slot: sentences, their lengths, all word ids.
    nsent = rng.integers(25, 36, size=n)
    sent_off = np.concatenate([[0], np.cumsum(nsent)])
    slen = rng.integers(12, 31, size=int(sent_off[-1]))
    tok_off = np.concatenate([[0], np.cumsum(slen)])
    tok = voc.draw(rng, int(tok_off[-1]))

    # Roles: k copies of each kind, with distinct origins among the remaining articles.
    k = round(n * reuse_share)
    perm = rng.permutation(n)
    copies = perm[: 3 * k]
    pool = perm[3 * k :]
    origins = pool[: 3 * k] if len(pool) >= 3 * k else rng.choice(pool, 3 * k)
    kind_of = np.full(n, -1, dtype=np.int64)
    origin_of = np.full(n, -1, dtype=np.int64)
    kind_of[copies] = np.repeat(np.arange(3), k)
    origin_of[copies] = origins

    outlet_p = _zipf(N_OUTLETS, 1.0, 0.8)
    outlet = rng.choice(N_OUTLETS, size=n, p=outlet_p)
    same = outlet[copies] == outlet[origins]
    outlet[copies[same]] = (outlet[origins[same]] + rng.integers(1, N_OUTLETS, same.sum())) % (
        N_OUTLETS
    )
    day = rng.integers(0, N_DAYS, size=n)
    day[origins] = np.minimum(day[origins], N_DAYS - 2)
    day[copies] = np.minimum(day[origins] + rng.integers(1, 4, size=3 * k), N_DAYS - 1)

    def sentences(a: int, first: int = 0, stop: int | None = None):
        s0 = int(sent_off[a])
        s1 = int(sent_off[a + 1]) if stop is None else s0 + stop
        s0 += first
        return tok[tok_off[s0] : tok_off[s1]], slen[s0:s1]

    # Article slots in date order (random order within a day): ids follow this order.
    order = np.lexsort((rng.random(n), day))
    chunks_tok: list[np.ndarray] = []
    chunks_len: list[np.ndarray] = []
    for a in order.tolist():
        kind = kind_of[a]
        if kind < 0:
            t, lengths = sentences(a)
        elif kind == 0:  # verbatim: drop one sentence, edit 2% of the words
            o = int(origin_of[a])
            t, lengths = sentences(o)
            d = int(rng.integers(0, len(lengths)))
            cut0, cut1 = int(lengths[:d].sum()), int(lengths[: d + 1].sum())
            t = np.concatenate([t[:cut0], t[cut1:]])
            lengths = np.delete(lengths, d)
            edit = np.flatnonzero(rng.random(len(t)) < VERBATIM_EDIT_RATE)
            t[edit] = voc.draw(rng, len(edit))
        elif kind == 1:
            t, lengths = _spin(rng, voc, *sentences(int(origin_of[a])))
        else:  # partial: a run of the origin's sentences pasted into the article's own
            o = int(origin_of[a])
            n_o, n_c = int(nsent[o]), int(nsent[a])
            run = max(1, round(n_o * PARTIAL_FRACTION))
            q = int(rng.integers(0, n_o - run + 1))
            p = int(rng.integers(0, n_c - run + 1))
            head_t, head_l = sentences(a, 0, p)
            tail_t, tail_l = sentences(a, p, n_c - run)
            run_t, run_l = sentences(o, q, q + run)
            t = np.concatenate([head_t, run_t, tail_t])
            lengths = np.concatenate([head_l, run_l, tail_l])
        chunks_tok.append(t)
        chunks_len.append(lengths)

    ids = [f"a{i + 1:06d}" for i in range(n)]
    rank = np.empty(n, dtype=np.int64)
    rank[order] = np.arange(n)  # article slot -> position in the corpus
    planted = [
        (ids[rank[o]], ids[rank[c]], KINDS[kind_of[c]])
        for c, o in zip(copies.tolist(), origins.tolist(), strict=True)
    ]
    planted.sort(key=lambda p: (KINDS.index(p[2]), p[1]))

    texts = _render(rng, voc, chunks_tok, chunks_len)
    outlets = [f"outlet-{o:03d}" for o in outlet[order].tolist()]
    dates = [f"2024-03-{d + 1:02d}" for d in day[order].tolist()]
    verbatim = kind_of[order] == 0
    for i in np.flatnonzero(verbatim).tolist():
        texts[i] += f"\n\nCopyright 2024 {outlets[i]}. All rights reserved."
    articles = [
        {"id": i, "outlet": o, "date": d, "text": t}
        for i, o, d, t in zip(ids, outlets, dates, texts, strict=True)
    ]
    n_tokens = sum(len(t) for t in chunks_tok)
    stats = {
        "articles": n,
        "tokens": n_tokens,
        "tokens_per_article": n_tokens / max(n, 1),
        "planted_per_kind": k,
        "generate_s": time.perf_counter() - started,
    }
    return Corpus(articles, planted, seed, reuse_share, stats)


def _render(
    rng: np.random.Generator,
    voc: Vocabulary,
    chunks_tok: list[np.ndarray],
    chunks_len: list[np.ndarray],
    block: int = 5_000,
) -> list[str]:
    """Texts of the articles: capitalisation, full stops and paragraph breaks added."""
    texts: list[str] = []
    para_p = [0.3, 0.35, 0.2, 0.15]  # paragraphs of 1, 2, 3, 4 sentences
    for b0 in range(0, len(chunks_tok), block):
        tok = np.concatenate(chunks_tok[b0 : b0 + block]).astype(np.int64)
        slen = np.concatenate(chunks_len[b0 : b0 + block])
        nsent = np.array([len(x) for x in chunks_len[b0 : b0 + block]])
        ends = np.cumsum(slen) - 1
        tok[ends - slen + 1] += voc.size  # capitalised first word
        tok[ends] += 2 * voc.size  # last word with a full stop
        # Paragraph breaks after sentences, cut at article ends (no break after the last).
        sizes = rng.choice(4, size=len(slen), p=para_p) + 1
        brk = np.cumsum(sizes) - 1
        brk = brk[brk < len(slen)]
        brk = np.setdiff1d(brk, np.cumsum(nsent) - 1, assume_unique=True)
        at = ends[brk] + 1
        tok = np.insert(tok, at, voc.para)
        art_end = np.cumsum([len(x) for x in chunks_tok[b0 : b0 + block]])
        art_end = art_end + np.searchsorted(at, art_end, side="left")
        words = voc.forms[tok].tolist()
        start = 0
        for end in art_end.tolist():
            texts.append(" ".join(words[start:end]).replace(" \n ", "\n\n"))
            start = end
    return texts


def write_jsonl(corpus: Corpus, path: str | Path) -> None:
    """Write the articles as JSON lines ``{id, outlet, date, text}``."""
    with Path(path).open("w", encoding="utf-8") as f:
        for art in corpus.articles:
            record = {"id": art["id"], "outlet": art["outlet"], "date": art["date"]}
            record["text"] = art["text"]
            f.write(json.dumps(record, ensure_ascii=False) + "\n")


def read_jsonl(path: str | Path) -> list[dict[str, str]]:
    """The articles written by :func:`write_jsonl`."""
    with Path(path).open(encoding="utf-8") as f:
        return [json.loads(line) for line in f]


def describe(corpus: Corpus) -> dict[str, Any]:
    """Token shares by word class, article length and planted counts (for sanity checks)."""
    voc = vocabulary()
    function = set(voc.words[: voc.n_function])
    sample = corpus.articles[: min(len(corpus), 2_000)]
    tokens = [w for a in sample for w in a["text"].lower().split()]
    stripped = [w.rstrip(".") for w in tokens]
    counts: dict[str, int] = {}
    for _, _, kind in corpus.planted:
        counts[kind] = counts.get(kind, 0) + 1
    return {
        "articles": len(corpus),
        "words_per_article": len(tokens) / max(len(sample), 1),
        "function_word_share": sum(w in function for w in stripped) / max(len(tokens), 1),
        "distinct_words_in_sample": len(set(stripped)),
        "planted": counts,
    }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--reuse-share", type=float, default=0.05)
    parser.add_argument("--output", type=Path, help="write the articles here as JSON lines")
    args = parser.parse_args(argv)

    t0 = time.perf_counter()
    vocabulary()
    t1 = time.perf_counter()
    corpus = generate(args.articles, args.seed, args.reuse_share)
    t2 = time.perf_counter()
    print(f"vocabulary: {t1 - t0:.2f} s (once per process)")
    print(f"generate({args.articles:,}): {t2 - t1:.2f} s")
    print(json.dumps(describe(corpus), indent=2))
    if args.output:
        write_jsonl(corpus, args.output)
        print(f"write_jsonl: {time.perf_counter() - t2:.2f} s -> {args.output}")


if __name__ == "__main__":
    main()
