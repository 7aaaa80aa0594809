"""A small corpus with planted reuse of every kind, for the backend-equivalence tests."""

from __future__ import annotations

import random

from rewrite_detect import Document
from tests._corpus import article, unrelated
from tests._paths import FARM, HILL


def _edited(text: str, seed: int) -> str:
    """The text with one word in twenty replaced and the second paragraph dropped."""
    rng = random.Random(seed)
    paragraphs = text.split("\n\n")
    del paragraphs[1]
    words = "\n\n".join(paragraphs).split(" ")
    for k in range(0, len(words), 20):
        words[k] = rng.choice(["alpha", "beta", "gamma", "delta"])
    return " ".join(words)


def reuse_corpus(size: int = 60) -> list[Document]:
    """Unrelated articles, the real seed pair, edited copies, partial copies, same-outlet copies.

    Copies are dated after their origins; a third of the documents carry no date.
    """
    base = unrelated(size, seed=3)
    docs = [
        Document(id=d.id, outlet=d.outlet, text=d.text, date=f"2024-03-{1 + i % 9:02d}")
        if i % 3
        else d
        for i, d in enumerate(base)
    ]
    docs.append(Document(id="hill", outlet="The Hill", date="2022-03-14", text=HILL.read_text()))
    docs.append(
        Document(id="farm", outlet="farm.example", date="2022-03-15", text=FARM.read_text())
    )
    for k in range(0, size, 6):
        origin = base[k]
        docs.append(
            Document(
                id=f"copy-{k}", outlet="copier", date="2024-03-20", text=_edited(origin.text, k)
            )
        )
    for k in range(1, size, 10):
        half = "\n\n".join(base[k].text.split("\n\n")[:8])
        docs.append(
            Document(
                id=f"partial-{k}", outlet="paster", date="2024-03-21",
                text=article(900 + k, sentences=14) + "\n\n" + half,
            )
        )  # fmt: skip
    # Copies within one outlet: skipped unless same_outlet=True.
    docs.append(Document(id="self-copy", outlet=base[2].outlet, text=base[2].text))
    # A story syndicated to many outlets: a hub.
    for k in range(6):
        docs.append(Document(id=f"wire-{k}", outlet=f"wire-{k}", text=article(777)))
    return docs
