"""Small deterministic corpora of real English words for index tests."""

from __future__ import annotations

import random

from wordfreq import top_n_list

from rewrite_detect import Document

_WORDS = top_n_list("en", 30000)[500:]


def article(seed: int, sentences: int = 20) -> str:
    """A paragraph-per-sentence article of random real words (seeded)."""
    rng = random.Random(seed)
    out = []
    for _ in range(sentences):
        words = [rng.choice(_WORDS) for _ in range(rng.randint(12, 24))]
        out.append(" ".join(words).capitalize() + ".")
    return "\n\n".join(out)


def unrelated(n: int, *, seed: int = 0, outlets: int = 10) -> list[Document]:
    """``n`` unrelated articles spread over ``outlets`` outlets."""
    return [
        Document(
            id=f"u{seed}-{i:04d}", outlet=f"outlet-{i % outlets}", text=article(seed * 10_000 + i)
        )
        for i in range(n)
    ]
