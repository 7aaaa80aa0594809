"""Benchmark sentence segmentation: rewrite_detect against pysbd and raw blingfire.

Two measurements:

Accuracy
    Exact-match sentence precision, recall and F1, and the share of snippets split fully
    right, on the hand-written gold set ``benchmarks/data/segmentation_gold.jsonl`` (tricky
    English news snippets: abbreviations, decimals, quotations across sentence ends,
    lower-case attributions, headlines, bullets, ellipses, parentheses, initials).

Speed
    Sentences per second on the seed articles in ``tests/fixtures/seeds`` repeated to about
    2,000 sentences (median of several runs).

Systems
    ``rewrite_detect``
        ``rewrite_detect.segmentation.segment`` (lines as units, blingfire, quote repair,
        boilerplate set aside).
    ``blingfire``
        ``blingfire.text_to_sentences_and_offsets`` over the whole text.
    ``blingfire/line``
        The same, once per non-blank line (isolates what line units alone buy).
    ``pysbd``
        ``pysbd.Segmenter(language="en", clean=False)`` over the whole text.
    ``pysbd/line``
        The same, once per non-blank line.

Scoring rule
    Every sentence, gold and predicted, is normalised before comparison: surrounding
    white space stripped, inner white space runs (including line breaks of hard-wrapped
    prose) collapsed to one space, and one leading bullet marker (``-``, ``*``, ``•``, ``1.``,
    ``2)`` ...) removed. Sentences are then matched as multisets, so a system is neither
    rewarded nor punished for keeping a bullet marker or a trailing newline.

Usage
-----
    python benchmarks/bench_segmentation.py [--quick] [--repeats N] [--show-errors]
"""

from __future__ import annotations

import argparse
import functools
import json
import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import blingfire
import pysbd

from _common import (
    DATA_DIR,
    REPO_ROOT,
    RESULTS_DIR,
    fmt_ms,
    machine_info,
    print_table,
    summarise,
    time_interleaved,
    write_json,
)
from rewrite_detect.segmentation import segment

GOLD_PATH = DATA_DIR / "segmentation_gold.jsonl"
SEEDS_DIR = REPO_ROOT / "tests" / "fixtures" / "seeds"
_BULLET_RE = re.compile(r"^(?:[-*•·▪◦‣–—]|\d{1,3}[.)])\s+")
_SPACE_RE = re.compile(r"\s+")
_LINE_RE = re.compile(r"[^\n\r]+")

Segmenter = Callable[[str], list[str]]


def normalise(sentence: str) -> str:
    """Canonical form of a sentence for exact matching (see the module's scoring rule)."""
    text = _SPACE_RE.sub(" ", sentence).strip()
    return _BULLET_RE.sub("", text, count=1).strip()


def _nonblank_lines(text: str) -> list[str]:
    return [m.group(0) for m in _LINE_RE.finditer(text) if m.group(0).strip()]


def make_systems() -> dict[str, Segmenter]:
    """Name → function returning raw sentence strings (before normalisation)."""
    sbd = pysbd.Segmenter(language="en", clean=False)

    def ours(text: str) -> list[str]:
        return [s.text for s in segment(text).sentences]

    def bling(text: str) -> list[str]:
        _, offsets = blingfire.text_to_sentences_and_offsets(text)
        return [text[a:b] for a, b in offsets]

    def bling_lines(text: str) -> list[str]:
        return [s for line in _nonblank_lines(text) for s in bling(line)]

    def pysbd_whole(text: str) -> list[str]:
        return [str(s) for s in sbd.segment(text)]

    def pysbd_lines(text: str) -> list[str]:
        return [s for line in _nonblank_lines(text) for s in pysbd_whole(line)]

    return {
        "rewrite_detect": ours,
        "blingfire": bling,
        "blingfire/line": bling_lines,
        "pysbd": pysbd_whole,
        "pysbd/line": pysbd_lines,
    }


@dataclass(frozen=True, slots=True)
class GoldItem:
    """One gold snippet and its correct sentences."""

    text: str
    sentences: tuple[str, ...]


def load_gold(path: Path) -> list[GoldItem]:
    """Read the gold JSONL and check that its sentences appear in order in their text."""
    items = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        record = json.loads(line)
        item = GoldItem(text=record["text"], sentences=tuple(record["sentences"]))
        flat = normalise(item.text)
        pos = 0
        for sentence in item.sentences:
            found = flat.find(normalise(sentence), pos)
            if found < 0:
                msg = f"{path}:{number}: gold sentence not in text (in order): {sentence!r}"
                raise ValueError(msg)
            pos = found + len(normalise(sentence))
        items.append(item)
    return items


@dataclass
class Score:
    """Exact-match counts for one system over the gold set."""

    predicted: int = 0
    gold: int = 0
    correct: int = 0
    snippets: int = 0
    snippets_correct: int = 0

    def as_dict(self) -> dict[str, float | int]:
        precision = self.correct / self.predicted if self.predicted else 0.0
        recall = self.correct / self.gold if self.gold else 0.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        return {
            "precision": precision,
            "recall": recall,
            "f1": f1,
            "snippets_fully_correct": self.snippets_correct / self.snippets
            if self.snippets
            else 0.0,
            "n_snippets": self.snippets,
            "n_gold_sentences": self.gold,
            "n_predicted_sentences": self.predicted,
            "n_correct_sentences": self.correct,
        }


def evaluate(
    systems: dict[str, Segmenter], gold: list[GoldItem]
) -> tuple[dict[str, Score], dict[str, list[dict[str, Any]]]]:
    """Score every system on every gold snippet; also return the snippets each got wrong."""
    scores = {name: Score() for name in systems}
    errors: dict[str, list[dict[str, Any]]] = {name: [] for name in systems}
    for item in gold:
        expected = [normalise(s) for s in item.sentences]
        for name, split in systems.items():
            got = [n for n in (normalise(s) for s in split(item.text)) if n]
            hits = sum((Counter(got) & Counter(expected)).values())
            score = scores[name]
            score.predicted += len(got)
            score.gold += len(expected)
            score.correct += hits
            score.snippets += 1
            if got == expected:
                score.snippets_correct += 1
            else:
                errors[name].append({"text": item.text, "expected": expected, "got": got})
    return scores, errors


def speed_text(target_sentences: int) -> tuple[str, int]:
    """Seed articles repeated until our segmenter finds about ``target_sentences``."""
    seeds = [p.read_text(encoding="utf-8") for p in sorted(SEEDS_DIR.glob("*.txt"))]
    if not seeds:
        msg = f"no seed articles in {SEEDS_DIR}"
        raise FileNotFoundError(msg)
    one_round = "\n\n".join(seeds)
    per_round = len(segment(one_round).sentences)
    rounds = max(1, round(target_sentences / max(per_round, 1)))
    text = "\n\n".join([one_round] * rounds)
    return text, rounds


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="fewer timing runs")
    parser.add_argument("--repeats", type=int, default=None, help="timing runs per system")
    parser.add_argument(
        "--sentences", type=int, default=2000, help="size of the speed text (approx.)"
    )
    parser.add_argument(
        "--show-errors", action="store_true", help="print each system's wrong snippets"
    )
    parser.add_argument("--output", type=Path, default=RESULTS_DIR / "segmentation.json")
    args = parser.parse_args(argv)
    repeats = args.repeats or (3 if args.quick else 7)

    systems = make_systems()
    gold = load_gold(GOLD_PATH)

    # --- accuracy -------------------------------------------------------------------------
    scores, errors = evaluate(systems, gold)
    n_gold = sum(len(g.sentences) for g in gold)
    print(f"Accuracy on {len(gold)} gold snippets ({n_gold} sentences), exact match\n")
    rows = []
    accuracy: dict[str, Any] = {}
    for name, score in scores.items():
        d = score.as_dict()
        accuracy[name] = d
        rows.append(
            [
                name,
                f"{d['precision']:.3f}",
                f"{d['recall']:.3f}",
                f"{d['f1']:.3f}",
                f"{score.snippets_correct}/{score.snippets} ({d['snippets_fully_correct']:.0%})",
            ]
        )
    print_table(["system", "precision", "recall", "F1", "snippets fully correct"], rows)

    if args.show_errors:
        for name, wrong in errors.items():
            print(f"\n== {name}: {len(wrong)} snippet(s) wrong")
            for err in wrong:
                print(f"  text:     {err['text']!r}")
                print(f"  expected: {err['expected']}")
                print(f"  got:      {err['got']}")

    # --- speed ----------------------------------------------------------------------------
    text, rounds = speed_text(args.sentences)
    print(
        f"\nSpeed on the seed articles x{rounds} ({len(text):,} chars), "
        f"median of {repeats} interleaved runs\n"
    )
    funcs: dict[str, Callable[[], list[str]]] = {
        name: functools.partial(split, text) for name, split in systems.items()
    }
    found = {name: len(func()) for name, func in funcs.items()}  # also the warm-up
    times = time_interleaved(funcs, min_runs=repeats)
    speed: dict[str, Any] = {}
    for name, runs in times.items():
        stats = summarise(runs)
        speed[name] = {
            **stats,
            "sentences": found[name],
            "sentences_per_s": found[name] / stats["median_s"],
            "chars_per_s": len(text) / stats["median_s"],
        }
    base = speed["blingfire"]["median_s"]
    rows = [
        [
            name,
            f"{s['sentences']:,}",
            fmt_ms(s["median_s"]),
            fmt_ms(s["best_s"]),
            f"{s['sentences_per_s']:,.0f}",
            f"{s['median_s'] / base:.1f}x",
        ]
        for name, s in speed.items()
    ]
    print_table(
        ["system", "sentences", "median ms", "best ms", "sentences/s", "time vs blingfire"], rows
    )

    write_json(
        args.output,
        {
            "benchmark": "segmentation",
            "mode": "quick" if args.quick else "full",
            "machine": machine_info(),
            "scoring": (
                "exact match of normalised sentences (white space collapsed, one leading "
                "bullet marker stripped), multiset intersection per snippet"
            ),
            "gold": {
                "path": str(GOLD_PATH.relative_to(REPO_ROOT)),
                "snippets": len(gold),
                "sentences": n_gold,
            },
            "accuracy": accuracy,
            "errors": errors,
            "speed": {
                "text_chars": len(text),
                "seed_rounds": rounds,
                "repeats": repeats,
                "baseline": "blingfire",
                "systems": speed,
            },
        },
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
