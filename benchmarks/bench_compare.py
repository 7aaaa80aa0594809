"""Benchmark ``compare()`` on synthetic news-like article pairs of growing size.

Targets (on the 2-core development machine)
    * two 1,000-sentence articles compared in under 1 s;
    * two 40-sentence articles compared in under 20 ms.

Inputs
    A seeded generator writes a source article: a headline, then paragraphs of 1-4
    sentences separated by blank lines; sentences of 12-30 words mixing real English function
    words with a Zipfian content vocabulary (real news words at the head, English-looking
    made-up words in the tail), capitalised names, numbers, money, percentages and the odd
    quotation. The target is derived from it like a content farm's rewrite: about 50% of the
    sentences copied verbatim, 30% reworded (words swapped, clauses reordered, a few split in
    two), 20% new, and runs of sentences partly shuffled, so the aligner has real work.

Measurements per size
    * ``compare()`` wall time: median (and best) of several rounds after a warm-up call;
    * a breakdown timed in the same rounds, interleaved with ``compare()``: ``segment`` of
      both texts, sentence ``features``, ``align_features``, and the rest (evidence, labels,
      assembly) as the per-round difference;
    * the first call on that (unseen) pair, after the process-wide warm-up on another pair:
      its new words miss the lemma and word-weight caches;
    * the naive baseline in the same run: ``rapidfuzz.process.cdist`` with
      ``fuzz.token_set_ratio`` over all sentence pairs (all cores; also one core unless
      ``--quick``);
    * peak memory: ``tracemalloc`` peak during one compare, and the process's max RSS.

The cold first call (import plus loading of wordfreq and simplemma data) is measured in
fresh subprocesses. Timings vary on a shared machine; trust ratios within one run more than
absolute times across runs. The exit status is 1 when a target fails.

Usage
-----
    python benchmarks/bench_compare.py [--quick] [--sizes 40 200 1000] [--repeats N]
                                       [--profile SIZE] [--output PATH]
"""

from __future__ import annotations

import argparse
import cProfile
import io
import json
import pstats
import random
import resource
import subprocess
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
from rapidfuzz import fuzz, process, utils

from _common import (
    RESULTS_DIR,
    fmt_ms,
    machine_info,
    print_table,
    summarise,
    time_interleaved,
    time_runs,
    write_json,
)

try:
    from rewrite_detect import compare
except ImportError:
    from rewrite_detect.pipeline import compare
from rewrite_detect.segmentation import segment

SEED = 20240601
TARGET_LIMITS_S = {1000: 1.0, 40: 0.020}

# --------------------------------------------------------------------------------------------
# Synthetic articles
# --------------------------------------------------------------------------------------------

FUNCTION_WORDS = """the of and to a in that for on with as by at from was is has had have were be
been will would it its their they he she which who after before over under into about than more
but not also this an or while during against between some other most many all new first last
could should may can did when where these those there our his her them out up""".split()

NEWS_WORDS = """government officials minister president company market police city state year
people week report country group percent million billion economy election party court law
military forces attack talks deal plan support leaders security health workers price prices
rates bank trade war border crisis agency statement spokesman spokeswoman decision policy
investigation campaign vote voters region capital troops weapons aid sanctions energy oil gas
climate water school students hospital doctors patients vaccine families children women men
officers charges trial judge lawyers prosecutors evidence prison jobs wages inflation growth
budget taxes spending debt investors shares stocks profit revenue sales customers industry
factory plant production exports imports farmers food supply shortage demand record increase
decline rise fall announced reported warned agreed rejected approved confirmed denied expected
estimated increased reduced launched signed called urged accused killed injured arrested
released raised cut opened closed began ended continued remained showed found told asked
major national local federal foreign public private senior former recent annual political
economic financial international regional military nuclear digital human social final key
strong weak high low large small early late likely""".split()

FIRST_NAMES = """James Maria Robert Elena David Sarah Michael Anna Daniel Laura Ahmed Li Carlos
Fatima Peter Olga Kenji Amara Thomas Ines""".split()

_ONSETS = "b br c ch cl d dr f fl g gr h j k l m n p pl pr r s sh st t tr v w".split()
_VOWELS = "a e i o u ai ea ee oa ou".split()
_CODAS = ["", "", "n", "r", "l", "s", "t", "nd", "st", "ck", "m", "rn", "ng"]
_ENDINGS = ["", "", "", "ing", "ed", "er", "ion", "s", "ly", "ment", "ness"]


def _made_up_words(seed: int, count: int) -> list[str]:
    rnd = random.Random(seed)
    words: set[str] = set()
    while len(words) < count:
        syllables = rnd.choices((1, 2, 3), weights=(45, 45, 10))[0]
        word = "".join(
            rnd.choice(_ONSETS) + rnd.choice(_VOWELS) + rnd.choice(_CODAS) for _ in range(syllables)
        )
        word += rnd.choice(_ENDINGS)
        if 4 <= len(word) <= 14:
            words.add(word)
    return sorted(words)


def _cdf(weights: np.ndarray) -> np.ndarray:
    cdf = np.cumsum(weights / weights.sum())
    cdf[-1] = 1.0
    return cdf


@dataclass
class Vocabulary:
    """Zipfian word sampler: real function words, real news words, then made-up words."""

    rng: np.random.Generator
    content: list[str] = field(default_factory=list)
    content_cdf: np.ndarray = field(default_factory=lambda: np.zeros(0))
    function_cdf: np.ndarray = field(default_factory=lambda: np.zeros(0))
    surnames: list[str] = field(default_factory=list)

    @classmethod
    def build(cls, rng: np.random.Generator, made_up: int = 6000) -> Vocabulary:
        invented = _made_up_words(int(rng.integers(2**32)), made_up + 400)
        rng.shuffle(invented)
        content = list(NEWS_WORDS) + invented[:made_up]
        ranks = np.arange(1, len(content) + 1, dtype=np.float64)
        content_p = 1.0 / (ranks + 2.7) ** 1.07
        franks = np.arange(1, len(FUNCTION_WORDS) + 1, dtype=np.float64)
        function_p = 1.0 / franks**1.0
        surnames = [w.capitalize() for w in invented[made_up:]]
        return cls(
            rng=rng,
            content=content,
            content_cdf=_cdf(content_p),
            function_cdf=_cdf(function_p),
            surnames=surnames,
        )

    def content_word(self) -> str:
        return self.content[int(np.searchsorted(self.content_cdf, self.rng.random()))]

    def function_word(self) -> str:
        return FUNCTION_WORDS[int(np.searchsorted(self.function_cdf, self.rng.random()))]

    def name(self) -> str:
        # A small recurring cast, as in a real story: surnames are drawn from the first 60.
        surname = self.surnames[int(self.rng.integers(0, 60))]
        if self.rng.random() < 0.5:
            return surname
        return f"{FIRST_NAMES[int(self.rng.integers(0, len(FIRST_NAMES)))]} {surname}"

    def number(self) -> str:
        r = self.rng.random()
        if r < 0.3:
            return str(int(self.rng.integers(2, 500)))
        if r < 0.5:
            return f"{self.rng.uniform(0.1, 15):.1f} percent"
        if r < 0.7:
            unit = "million" if self.rng.random() < 0.6 else "billion"
            return f"${self.rng.uniform(1, 99):.1f} {unit}"
        if r < 0.85:
            return str(int(self.rng.integers(1990, 2026)))
        return f"{int(self.rng.integers(1, 999)):,},{int(self.rng.integers(0, 999)):03d}"


def _clause(vocab: Vocabulary, length: int) -> list[str]:
    words = [
        vocab.function_word() if vocab.rng.random() < 0.45 else vocab.content_word()
        for _ in range(length)
    ]
    if vocab.rng.random() < 0.35:
        words.insert(int(vocab.rng.integers(0, len(words) + 1)), vocab.name())
    if vocab.rng.random() < 0.3:
        words.insert(int(vocab.rng.integers(0, len(words) + 1)), vocab.number())
    return words


def _finish(words: list[str], end: str = ".") -> str:
    words = list(words)
    while len(words) > 1 and words[-1].rstrip(",") in FUNCTION_WORDS:
        words.pop()  # "... in." reads as an abbreviation to segmenters, and is not news prose
    text = " ".join(words)
    if text[0] in "$0123456789":  # news style spells out or avoids a number at sentence start
        text = "about " + text
    return text[0].upper() + text[1:] + end


def make_sentence(vocab: Vocabulary) -> str:
    """One sentence of 12-30 words, sometimes with a clause comma, attribution or quote."""
    rng = vocab.rng
    length = int(rng.integers(12, 31))
    r = rng.random()
    if r < 0.08:  # quotation with attribution
        inner = _finish(_clause(vocab, length - 3), ",")
        return f'"{inner}" {vocab.name()} said.'
    if r < 0.5:  # two clauses
        cut = int(rng.integers(5, length - 4))
        words = [*_clause(vocab, cut)]
        words[-1] += ","
        words += _clause(vocab, length - cut)
    else:
        words = _clause(vocab, length)
    if rng.random() < 0.12:
        words[-1] += ","
        words += ["officials", "said"]
    return _finish(words, "?" if rng.random() < 0.02 else ".")


def make_headline(vocab: Vocabulary) -> str:
    words = [vocab.content_word() for _ in range(int(vocab.rng.integers(6, 11)))]
    words.insert(1, vocab.name())
    return " ".join(w[0].upper() + w[1:] for w in words)


def reword(sentence: str, vocab: Vocabulary) -> str:
    """A rewrite of ``sentence``: some words swapped, clauses reordered, words dropped/added."""
    rng = vocab.rng
    body, end = sentence[:-1], sentence[-1]
    if body.startswith('"'):  # keep quotations intact, reword the attribution only
        return body.replace(" said", " told reporters", 1) + end
    words = body.split()
    words[0] = words[0][0].lower() + words[0][1:] if words[0][1:].islower() else words[0]
    out = []
    for w in words:
        plain = w.rstrip(",")
        if plain.islower() and plain not in FUNCTION_WORDS and rng.random() < 0.2:
            w = vocab.content_word() + ("," if w.endswith(",") else "")  # noqa: PLW2901
        elif plain in FUNCTION_WORDS and rng.random() < 0.08:
            continue
        out.append(w)
    text = " ".join(out)
    if ", " in text and rng.random() < 0.6:
        first, second = text.split(", ", 1)
        text = f"{second}, {first}".replace(",,", ",")
    elif rng.random() < 0.5 and len(out) > 10:
        k = int(rng.integers(3, 7))
        text = " ".join(out[-k:]) + ", " + " ".join(out[:-k])
    if rng.random() < 0.3:
        extra = [vocab.function_word(), vocab.content_word()]
        parts = text.split()
        pos = int(rng.integers(1, len(parts)))
        text = " ".join([*parts[:pos], *extra, *parts[pos:]])
    return _finish(text.rstrip(",").split(), end)


@dataclass
class ArticlePair:
    """A source article, its derived target, and where each target sentence came from."""

    source: str
    target: str
    # target sentence text -> ("copy" | "reword" | "new", source sentence text or "")
    provenance: dict[str, tuple[str, str]]


def _layout(sentences: list[str], headline: str, rng: np.random.Generator) -> str:
    paragraphs = [headline]
    i = 0
    while i < len(sentences):
        k = int(rng.integers(1, 5))
        paragraphs.append(" ".join(sentences[i : i + k]))
        i += k
    return "\n\n".join(paragraphs) + "\n"


def make_pair(n_sentences: int, seed: int) -> ArticlePair:
    """Source article of ``n_sentences`` (headline included) and a rewritten target."""
    rng = np.random.default_rng(seed)
    vocab = Vocabulary.build(rng)
    headline = make_headline(vocab)
    source = [make_sentence(vocab) for _ in range(n_sentences - 1)]
    derived: list[tuple[str, str, str]] = []  # (target text, kind, source text)
    for sent in source:
        r = rng.random()
        if r < 0.5:
            derived.append((sent, "copy", sent))
        elif r < 0.8:
            new = reword(sent, vocab)
            words = new[:-1].split()
            if rng.random() < 0.1 and len(words) >= 14 and not new.startswith('"'):
                cut = len(words) // 2
                derived.append((_finish(words[:cut]), "reword", sent))
                derived.append((_finish(words[cut:]), "reword", sent))
            else:
                derived.append((new, "reword", sent))
        else:
            derived.append((make_sentence(vocab), "new", ""))
    # Partial shuffle: cut into runs of 2-6 sentences and permute about a quarter of the runs.
    runs: list[list[tuple[str, str, str]]] = []
    i = 0
    while i < len(derived):
        k = int(rng.integers(2, 7))
        runs.append(derived[i : i + k])
        i += k
    moved = [j for j in range(len(runs)) if rng.random() < 0.25]
    for j, src_j in zip(moved, rng.permutation(moved), strict=True):
        runs[j], runs[int(src_j)] = runs[int(src_j)], runs[j]
    ordered = [item for run in runs for item in run]
    target_headline = reword(headline + ".", vocab)[:-1]
    provenance = {text: (kind, src) for text, kind, src in ordered}
    return ArticlePair(
        source=_layout(source, headline, rng),
        target=_layout([t for t, _, _ in ordered], target_headline, rng),
        provenance=provenance,
    )


# --------------------------------------------------------------------------------------------
# Measurements
# --------------------------------------------------------------------------------------------

COLD_SNIPPET = """
import json, sys, time
t0 = time.perf_counter()
try:
    from rewrite_detect import compare
except ImportError:
    from rewrite_detect.pipeline import compare
t1 = time.perf_counter()
src = open(sys.argv[1], encoding="utf-8").read()
tgt = open(sys.argv[2], encoding="utf-8").read()
t2 = time.perf_counter()
compare(src, tgt)
t3 = time.perf_counter()
compare(src, tgt)
t4 = time.perf_counter()
print(json.dumps({"import_s": t1 - t0, "first_compare_s": t3 - t2, "second_compare_s": t4 - t3}))
"""


def measure_cold(pair: ArticlePair) -> dict[str, float]:
    """Import time and first/second compare() in a fresh interpreter (median of 3 processes)."""
    results = []
    with tempfile.TemporaryDirectory() as tmp:
        src, tgt = Path(tmp) / "source.txt", Path(tmp) / "target.txt"
        src.write_text(pair.source, encoding="utf-8")
        tgt.write_text(pair.target, encoding="utf-8")
        for _ in range(3):
            proc = subprocess.run(
                [sys.executable, "-c", COLD_SNIPPET, str(src), str(tgt)],
                capture_output=True,
                text=True,
                check=True,
            )
            results.append(json.loads(proc.stdout.strip().splitlines()[-1]))
    return {key: float(np.median([r[key] for r in results])) for key in results[0]}


def _breakdown_steps(source: str, target: str) -> dict[str, Callable[[], object]] | None:
    """Closures timing the pipeline's stages, or None if the internals have moved."""
    try:
        from rewrite_detect.align import align_features  # noqa: PLC0415
        from rewrite_detect.config import DetectorConfig  # noqa: PLC0415
        from rewrite_detect.normalize import features  # noqa: PLC0415
    except ImportError:
        return None
    config = DetectorConfig()
    src_sents = [s.text for s in segment(source).sentences]
    tgt_sents = [s.text for s in segment(target).sentences]
    src_feats = [features(s, config.language) for s in src_sents]
    tgt_feats = [features(s, config.language) for s in tgt_sents]
    return {
        "segment": lambda: (segment(source), segment(target)),
        "features": lambda: (
            [features(s, config.language) for s in src_sents],
            [features(s, config.language) for s in tgt_sents],
        ),
        "align": lambda: align_features(src_feats, tgt_feats, config),
    }


def alignment_sanity(result: Any, pair: ArticlePair) -> dict[str, float]:
    """Share of copied / reworded target sentences paired with their true source sentence,
    and share of new target sentences (wrongly) paired with anything."""
    src_text = [s.text for s in result.source_sentences]
    tgt_text = [s.text for s in result.target_sentences]
    paired: dict[str, set[str]] = {}
    for p in result.pairs:
        sources = {src_text[i] for i in p.source_sentences}
        for j in p.target_sentences:
            paired.setdefault(tgt_text[j], set()).update(sources)
    found = {"copy": [0, 0], "reword": [0, 0], "new": [0, 0]}
    for text in tgt_text:
        kind, origin = pair.provenance.get(text, ("", ""))
        if not kind:
            continue
        found[kind][1] += 1
        if kind == "new":
            found[kind][0] += text in paired
        else:
            found[kind][0] += origin in paired.get(text, set())
    return {
        "copy_recovered": found["copy"][0] / max(found["copy"][1], 1),
        "reword_recovered": found["reword"][0] / max(found["reword"][1], 1),
        "new_false_match": found["new"][0] / max(found["new"][1], 1),
        "target_sentences_traced": sum(v[1] for v in found.values()) / max(len(tgt_text), 1),
    }


def max_rss_mib() -> float:
    """The process's peak resident set size so far, in MiB (Linux reports KiB)."""
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return rss / 1024.0 if sys.platform != "darwin" else rss / 1024.0 / 1024.0


def measure_size(
    n: int, *, seed: int, min_runs: int, min_seconds: float, memory: bool, one_core: bool
) -> dict[str, Any]:
    pair = make_pair(n, seed + n)
    src_sents = [s.text for s in segment(pair.source).sentences]
    tgt_sents = [s.text for s in segment(pair.target).sentences]

    t0 = time.perf_counter()
    result = compare(pair.source, pair.target)
    first = time.perf_counter() - t0

    # compare() and its stages in turn, round after round, under the same background load.
    funcs: dict[str, Callable[[], object]] = {"compare": lambda: compare(pair.source, pair.target)}
    funcs.update(_breakdown_steps(pair.source, pair.target) or {})
    for func in funcs.values():
        func()  # warm-up
    times = time_interleaved(funcs, min_runs=min_runs, min_seconds=min_seconds)
    compare_times = times.pop("compare")
    total = summarise(compare_times)
    stages: dict[str, Any] = {name: summarise(t) for name, t in times.items()}
    if times:
        # Per round: compare minus its measured stages = evidence, labels, assembly.
        rest = [
            max(0.0, c - sum(t[k] for t in times.values())) for k, c in enumerate(compare_times)
        ]
        stages["rest"] = summarise(rest)

    def naive(workers: int) -> object:
        return process.cdist(
            src_sents,
            tgt_sents,
            scorer=fuzz.token_set_ratio,
            processor=utils.default_process,
            workers=workers,
        )

    naive(-1)
    baseline = summarise(
        time_runs(lambda: naive(-1), min_runs=min_runs, min_seconds=min_seconds, max_seconds=5)
    )
    baseline_1 = (
        summarise(
            time_runs(lambda: naive(1), min_runs=min_runs, min_seconds=min_seconds, max_seconds=5)
        )
        if one_core
        else None
    )

    peak_mib = None
    if memory:
        tracemalloc.start()
        compare(pair.source, pair.target)
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        peak_mib = peak / 2**20

    coverage = result.coverage
    return {
        "size": n,
        "source_sentences": len(result.source_sentences),
        "target_sentences": len(result.target_sentences),
        "source_chars": len(pair.source),
        "target_chars": len(pair.target),
        "pairs": len(result.pairs),
        "verdict": str(result.verdict),
        "coverage": {
            "source": getattr(coverage, "source", None),
            "target": getattr(coverage, "target", None),
        },
        "labels": {
            label: sum(1 for p in result.pairs if str(p.label) == label)
            for label in sorted({str(p.label) for p in result.pairs})
        },
        "sanity": alignment_sanity(result, pair),
        "compare": total,
        "first_call_on_pair_s": first,
        "stages": stages,
        "naive_cdist_all_cores": baseline,
        "naive_cdist_one_core": baseline_1,
        "ratio_vs_naive_all_cores": total["median_s"] / baseline["median_s"],
        "ratio_vs_naive_one_core": total["median_s"] / baseline_1["median_s"]
        if baseline_1
        else None,
        "tracemalloc_peak_mib": peak_mib,
        "max_rss_mib_so_far": max_rss_mib(),
    }


def profile_compare(n: int, seed: int, top: int = 25) -> str:
    """cProfile of one warm compare() on the size-``n`` pair, top functions by own time."""
    pair = make_pair(n, seed + n)
    compare(pair.source, pair.target)
    profiler = cProfile.Profile()
    profiler.enable()
    compare(pair.source, pair.target)
    profiler.disable()
    out = io.StringIO()
    stats = pstats.Stats(profiler, stream=out)
    stats.sort_stats("tottime").print_stats(top)
    stats.sort_stats("cumulative").print_stats(top)
    return out.getvalue()


# --------------------------------------------------------------------------------------------
# Report
# --------------------------------------------------------------------------------------------


def _stage_ms(row: dict[str, Any], name: str) -> str:
    stage = row["stages"].get(name)
    return fmt_ms(stage["median_s"]) if stage else "n/a"


def print_report(rows: list[dict[str, Any]], cold: dict[str, float]) -> list[dict[str, Any]]:
    print("compare() wall time, median after warm-up (ms)\n")
    print_table(
        [
            "size",
            "sents s/t",
            "median",
            "best",
            "1st on pair",
            "segment",
            "features",
            "align",
            "rest",
            "naive cdist",
            "ratio",
            "runs",
        ],
        [
            [
                str(r["size"]),
                f"{r['source_sentences']}/{r['target_sentences']}",
                fmt_ms(r["compare"]["median_s"]),
                fmt_ms(r["compare"]["best_s"]),
                fmt_ms(r["first_call_on_pair_s"]),
                _stage_ms(r, "segment"),
                _stage_ms(r, "features"),
                _stage_ms(r, "align"),
                _stage_ms(r, "rest"),
                fmt_ms(r["naive_cdist_all_cores"]["median_s"]),
                f"{r['ratio_vs_naive_all_cores']:.2f}x",
                str(r["compare"]["runs"]),
            ]
            for r in rows
        ],
    )
    print(
        "\nnaive cdist = rapidfuzz.process.cdist(token_set_ratio, default_process, workers=-1)"
        " over all sentence pairs; ratio = compare median / naive median (same run)."
    )
    print("\nMemory and result sanity\n")
    print_table(
        [
            "size",
            "tracemalloc peak MiB",
            "max RSS MiB",
            "pairs",
            "verdict",
            "cov tgt",
            "copy found",
            "reword found",
            "new matched",
        ],
        [
            [
                str(r["size"]),
                f"{r['tracemalloc_peak_mib']:.1f}" if r["tracemalloc_peak_mib"] else "n/a",
                f"{r['max_rss_mib_so_far']:.0f}",
                str(r["pairs"]),
                r["verdict"],
                f"{r['coverage']['target']:.2f}"
                if isinstance(r["coverage"]["target"], float)
                else "n/a",
                f"{r['sanity']['copy_recovered']:.0%}",
                f"{r['sanity']['reword_recovered']:.0%}",
                f"{r['sanity']['new_false_match']:.0%}",
            ]
            for r in rows
        ],
    )
    print(
        f"\nCold start (fresh process, {cold['size']}-sentence pair): "
        f"import {fmt_ms(cold['import_s'])} ms, first compare {fmt_ms(cold['first_compare_s'])}"
        f" ms (loads wordfreq/simplemma data), second {fmt_ms(cold['second_compare_s'])} ms"
    )
    checks = []
    by_size = {r["size"]: r for r in rows}
    print()
    for size, limit in sorted(TARGET_LIMITS_S.items()):
        row = by_size.get(size)
        if row is None:
            continue
        median = row["compare"]["median_s"]
        passed = median < limit
        checks.append({"size": size, "limit_s": limit, "median_s": median, "pass": passed})
        print(
            f"{'PASS' if passed else 'FAIL'}  {size}-sentence articles: "
            f"{fmt_ms(median)} ms < {fmt_ms(limit)} ms"
        )
    return checks


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="sizes 40 and 1000, fewer runs")
    parser.add_argument("--sizes", type=int, nargs="+", default=None)
    parser.add_argument("--repeats", type=int, default=None, help="minimum runs per timing")
    parser.add_argument("--seed", type=int, default=SEED)
    parser.add_argument("--no-memory", action="store_true", help="skip the tracemalloc run")
    parser.add_argument("--no-cold", action="store_true", help="skip the cold subprocess run")
    parser.add_argument(
        "--profile", type=int, metavar="SIZE", help="print a cProfile of compare() at SIZE"
    )
    parser.add_argument("--output", type=Path, default=None)
    args = parser.parse_args(argv)

    sizes = args.sizes or ([40, 1000] if args.quick else [40, 200, 1000, 2000])
    min_runs = args.repeats or (3 if args.quick else 7)
    min_seconds = 0.3 if args.quick else 1.5
    output = args.output or RESULTS_DIR / ("compare_quick.json" if args.quick else "compare.json")

    cold: dict[str, Any] = {"size": min(sizes)}
    if not args.no_cold:
        cold.update(measure_cold(make_pair(min(sizes), args.seed + min(sizes))))
    # Process-wide warm-up on a pair that is not measured, so that data loading is excluded.
    warm = make_pair(40, args.seed - 1)
    compare(warm.source, warm.target)

    rows = []
    for n in sizes:
        print(f"measuring {n} sentences ...", file=sys.stderr, flush=True)
        rows.append(
            measure_size(
                n,
                seed=args.seed,
                min_runs=min_runs,
                min_seconds=min_seconds,
                memory=not args.no_memory,
                one_core=not args.quick,
            )
        )
    print()
    if args.no_cold:
        cold.update(import_s=float("nan"), first_compare_s=float("nan"))
        cold["second_compare_s"] = float("nan")
    checks = print_report(rows, cold)

    profile_text = None
    if args.profile:
        profile_text = profile_compare(args.profile, args.seed)
        print(f"\ncProfile of one warm compare() at {args.profile} sentences\n")
        print(profile_text)

    write_json(
        output,
        {
            "benchmark": "compare",
            "mode": "quick" if args.quick else "full",
            "machine": machine_info(),
            "seed": args.seed,
            "min_runs": min_runs,
            "min_seconds_per_timing": min_seconds,
            "targets": checks,
            "cold_start": cold,
            "sizes": rows,
            "profile": profile_text,
        },
    )
    return 0 if all(c["pass"] for c in checks) else 1


if __name__ == "__main__":
    raise SystemExit(main())
