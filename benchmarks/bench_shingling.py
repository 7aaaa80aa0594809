"""Which shingles let spun copies collide? Exact passage Jaccard under four shinglings.

For planted pairs of each kind (verbatim, spun, partial) and for random cross-outlet pairs of
the synthetic corpus, every passage of one document is compared with every passage of the
other under each shingling, with *exact* Jaccard (no MinHash noise), and the best passage pair
is kept. From those, with the index's banding (``bands`` × ``rows``), the probability that the
document pair becomes a candidate is computed as ``1 - Π (1 - P(J))`` over its passage pairs,
which gives the expected recall per kind and the expected false candidates per random pair.

Shinglings: rare content lemmas (the index's choice), all content lemmas, content-word
3-grams, character 5-grams. Writes ``benchmarks/results/shingling.json``.
"""

from __future__ import annotations

import argparse
import random
import re
from collections.abc import Callable
from statistics import median
from typing import Any

from _common import RESULTS_DIR, machine_info, print_table, write_json
from corpus import generate
from rewrite_detect import IndexConfig, lsh_probability
from rewrite_detect.minhash import _light_fold, _sentences, _shingles
from rewrite_detect.normalize import TOKEN_RE, fold, lemmatize, stopwords

Shingler = Callable[[str], set[Any]]


def content_lemmas(text: str) -> list[str]:
    """Content-word lemmas of ``text`` in order (stop words and one-letter words out)."""
    stop = stopwords("en")
    return [
        lemmatize(t, "en")
        for t in TOKEN_RE.findall(fold(text))
        if (t not in stop and len(t) > 1) or t[0].isdigit()
    ]


def _rare(config: IndexConfig) -> Shingler:
    return lambda text: _shingles(text, config)


def _all_lemmas(text: str) -> set[Any]:
    return set(content_lemmas(text))


def _word3(text: str) -> set[Any]:
    words = content_lemmas(text)
    return {tuple(words[i : i + 3]) for i in range(len(words) - 2)}


def _char5(text: str) -> set[Any]:
    flat = re.sub(r"\s+", " ", _light_fold(text))
    return {flat[i : i + 5] for i in range(len(flat) - 4)}


def passages(text: str, config: IndexConfig, shingle: Shingler) -> list[set[Any]]:
    """Shingle sets of the windows of ``window`` sentences, one every ``stride``."""
    sets = [shingle(text[a:b]) for a, b in _sentences(text)]
    sets = [s for s in sets if s]
    if not sets:
        return []
    last = max(0, len(sets) - config.window)
    starts = list(range(0, last + 1, config.stride))
    if starts[-1] != last:
        starts.append(last)
    return [set().union(*sets[s : s + config.window]) for s in starts]


def pair_stats(a: list[set[Any]], b: list[set[Any]], config: IndexConfig) -> tuple[float, float]:
    """Best passage Jaccard, and the probability that LSH makes the pair a candidate."""
    best = 0.0
    miss = 1.0
    for x in a:
        for y in b:
            union = len(x | y)
            jac = len(x & y) / union if union else 0.0
            best = max(best, jac)
            miss *= 1.0 - lsh_probability(jac, config.bands, config.rows)
    return best, 1.0 - miss


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=4000)
    parser.add_argument("--pairs", type=int, default=150, help="pairs sampled per kind")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args(argv)
    config = IndexConfig()
    corpus = generate(args.articles, seed=args.seed)
    text = {a["id"]: a["text"] for a in corpus.articles}
    outlet = {a["id"]: a["outlet"] for a in corpus.articles}
    rng = random.Random(args.seed)
    kinds: dict[str, list[tuple[str, str]]] = {}
    for origin, copy, kind in corpus.planted:
        kinds.setdefault(kind, []).append((origin, copy))
    ids = list(text)
    randoms: list[tuple[str, str]] = []
    while len(randoms) < args.pairs:
        a, b = rng.sample(ids, 2)
        if outlet[a] != outlet[b]:
            randoms.append((a, b))
    kinds["random"] = randoms
    schemes = {
        "rare lemmas (index)": _rare(config),
        "all content lemmas": _all_lemmas,
        "content 3-grams": _word3,
        "char 5-grams": _char5,
    }
    results: dict[str, dict[str, Any]] = {}
    for name, shingle in schemes.items():
        cache: dict[str, list[set[Any]]] = {}

        def cached(doc: str, shingle: Shingler = shingle, cache: dict = cache) -> list[set[Any]]:
            if doc not in cache:
                cache[doc] = passages(text[doc], config, shingle)
            return cache[doc]

        row: dict[str, Any] = {}
        for kind, pairs in kinds.items():
            sample = rng.sample(pairs, min(args.pairs, len(pairs)))
            stats = [pair_stats(cached(a), cached(b), config) for a, b in sample]
            row[kind] = {
                "pairs": len(stats),
                "median_best_jaccard": median(s[0] for s in stats),
                "expected_candidate_rate": sum(s[1] for s in stats) / len(stats),
            }
        results[name] = row
        print(f"done: {name}", flush=True)
    table = [
        [
            name,
            *(
                f"{row[k]['median_best_jaccard']:.2f} / {row[k]['expected_candidate_rate']:.3f}"
                for k in ("verbatim", "spun", "partial", "random")
            ),
        ]
        for name, row in results.items()
    ]
    print(
        f"\nbest passage Jaccard (median) / P(candidate), {config.bands}x{config.rows} bands, "
        f"{args.articles:,} articles"
    )
    print_table(["shingling", "verbatim", "spun", "partial", "random"], table)
    write_json(
        RESULTS_DIR / "shingling.json",
        {
            "benchmark": "shingling",
            "machine": machine_info(),
            "articles": args.articles,
            "bands": config.bands,
            "rows": config.rows,
            "window": config.window,
            "stride": config.stride,
            "results": results,
        },
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
