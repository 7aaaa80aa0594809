"""Detector configuration: every threshold and weight in one frozen object."""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import json
from dataclasses import dataclass
from importlib import resources
from typing import Any

from rewrite_detect.errors import ConfigError
from rewrite_detect.normalize import is_supported_language, synonym_table_bytes

__all__ = ["DetectorConfig", "IndexConfig"]


@functools.cache
def load_fitted() -> dict[str, Any]:
    """Return the fitted defaults and models shipped in ``fitted.json``, parsed once.

    ``benchmarks/fit_config.py`` rewrites the file and then clears this cache.
    """
    text = resources.files("rewrite_detect").joinpath("fitted.json").read_text("utf-8")
    data: dict[str, Any] = json.loads(text)
    return data


@functools.cache
def _model_digest() -> str:
    """SHA-256 of the shipped paraphrase model and the synonym table its inputs read.

    Empty if ``fitted.json`` holds no model.
    """
    model = load_fitted().get("paraphrase_model")
    if not model:
        return ""
    digest = hashlib.sha256(json.dumps(model, sort_keys=True).encode())
    digest.update(synonym_table_bytes())
    return digest.hexdigest()


@functools.cache
def _semantic_digest(model_name: str) -> str:
    """SHA-256 of the embedding model's name and the fitted blend in ``fitted.json``."""
    blend = load_fitted().get("semantic_model") or {}
    blob = json.dumps({"name": model_name, "blend": blend}, sort_keys=True).encode()
    return hashlib.sha256(blob).hexdigest()


def _checked_fields(config: object) -> tuple[dataclasses.Field[Any], ...]:
    """Return the dataclass fields of ``config`` after checking every value's type.

    A field whose default is an int takes an int; one whose default is a float takes an int
    or a float; booleans are neither. The message names the class, field and value.
    """
    fields = dataclasses.fields(config)  # type: ignore[arg-type]
    for field in fields:
        value = getattr(config, field.name)
        expected = type(field.default)
        if expected not in {int, float}:
            continue
        allowed = int if expected is int else (int, float)
        if isinstance(value, bool) or not isinstance(value, allowed):
            wanted = "a whole number" if expected is int else "a number"
            msg = f"{type(config).__name__}.{field.name}={value!r} has the wrong type: use {wanted}"
            raise ConfigError(msg)
    return fields


def _known_keys(cls: type, data: dict[str, Any]) -> dict[str, Any]:
    """Return ``data`` if every key is a field of ``cls``; otherwise name the unknown ones."""
    known = {f.name for f in dataclasses.fields(cls)}
    unknown = sorted(set(data) - known)
    if unknown:
        msg = f"unknown {cls.__name__} key(s) {unknown}: valid keys are {sorted(known)}"
        raise ConfigError(msg)
    return data


@dataclass(frozen=True, slots=True, kw_only=True)
class DetectorConfig:
    """Thresholds and weights for alignment, labelling and the document verdict.

    All similarities are in ``[0, 1]``. The blend weights and the match and paraphrase
    thresholds were fitted on labelled training corpora (``fitted.json`` in this package,
    written by ``benchmarks/fit_config.py``; ``docs/accuracy.md``); the other defaults were
    chosen by hand. See ``docs/tuning.md`` for what each knob does and how to change it.

    Parameters
    ----------
    language : str
        ISO 639-1 code used for lemmatisation and word rarity (``"en"``).
    weight_content, weight_token, weight_char : float
        Blend of the sentence similarity: rarity-weighted content-word overlap (Dice over
        lemmas), ``rapidfuzz.fuzz.token_set_ratio`` over content lemmas, and
        ``rapidfuzz.fuzz.ratio`` over the normalised strings. Must sum to 1.
    match_threshold : float
        A sentence pair whose blended similarity is below this is not aligned at all.
    paraphrase_threshold : float
        Blended similarity at which two sentences say the same thing: the stand-in for the
        paraphrase model where no model score exists, and the line between a shared
        quotation and reused text around it.
    paraphrase_probability : float
        A reworded pair (no fact edited in place) whose paraphrase-model probability is at or
        above this is a paraphrase; below it, the pair shares the topic but not the
        proposition and is ``divergent``.
    fact_in_place_similarity : float
        A number, date, name or negation that differs makes a pair ``divergent`` outright
        when the two sides' other words are at least this alike (word-level): the sentence
        was copied and the fact edited. In a sentence reworded more than that, a differing
        fact is weighed by the paraphrase model instead (and still reported).
    verbatim_char_similarity : float
        Normalised character similarity (case, punctuation, quote style folded) at or above
        which a pair is a verbatim copy, unless a fact changed (a changed fact always makes a
        pair ``divergent``).
    candidates_per_sentence : int
        How many best cells per row and per column of the cheap score matrix get the exact
        (slower) scorers.
    group_containment : float
        Share of a sentence's content words that must lie inside a neighbour's counterpart
        for it to join a one-to-many group (a split or a merge).
    max_group_size : int
        Largest number of sentences on one side of a one-to-many group.
    verbatim_copy_coverage : float
        Target coverage by verbatim pairs at or above which the verdict is ``verbatim-copy``.
    rewrite_coverage : float
        Target coverage by verbatim and paraphrase pairs at or above which the verdict is
        ``rewrite``.
    partial_min_pairs : int
        Fewest reused (verbatim or paraphrase) pairs for ``partial-reuse``; fewer is
        ``independent``.
    max_sentences : int
        Largest number of sentences per document. Alignment memory grows with the product of
        the two documents' sentence counts (about 0.2 GB at 2,000 × 2,000), so a longer
        document is refused with an :class:`~rewrite_detect.errors.InputError` rather than
        exhausting memory; a news article has tens to a few hundred sentences.
    """

    language: str = "en"
    # Fitted on training splits (src/rewrite_detect/fitted.json, benchmarks/fit_config.py).
    weight_content: float = 0.2
    weight_token: float = 0.4
    weight_char: float = 0.4
    match_threshold: float = 0.54
    paraphrase_threshold: float = 0.66
    paraphrase_probability: float = 0.5
    fact_in_place_similarity: float = 0.9
    verbatim_char_similarity: float = 0.95
    candidates_per_sentence: int = 4
    group_containment: float = 0.6
    max_group_size: int = 3
    verbatim_copy_coverage: float = 0.7
    rewrite_coverage: float = 0.5
    partial_min_pairs: int = 2
    max_sentences: int = 5000

    def __post_init__(self) -> None:
        for field in _checked_fields(self):
            value = getattr(self, field.name)
            if isinstance(field.default, float) and not 0.0 <= value <= 1.0:
                msg = (
                    f"DetectorConfig.{field.name}={value!r} is out of range: use a value in [0, 1]"
                )
                raise ConfigError(msg)
        weights = self.weight_content + self.weight_token + self.weight_char
        if abs(weights - 1.0) > 1e-6:
            msg = (
                f"DetectorConfig weights sum to {weights:.3f}: weight_content + weight_token + "
                "weight_char must sum to 1"
            )
            raise ConfigError(msg)
        if self.match_threshold > self.paraphrase_threshold:
            msg = (
                f"DetectorConfig.match_threshold={self.match_threshold} is above "
                f"paraphrase_threshold={self.paraphrase_threshold}: lower match_threshold"
            )
            raise ConfigError(msg)
        if self.candidates_per_sentence < 1:
            msg = "DetectorConfig.candidates_per_sentence must be at least 1"
            raise ConfigError(msg)
        if self.max_group_size < 1:
            msg = "DetectorConfig.max_group_size must be at least 1"
            raise ConfigError(msg)
        if self.max_sentences < 1:
            msg = "DetectorConfig.max_sentences must be at least 1"
            raise ConfigError(msg)
        if self.partial_min_pairs < 1:
            msg = "DetectorConfig.partial_min_pairs must be at least 1"
            raise ConfigError(msg)
        if not self.language.isalpha() or len(self.language) != 2:
            msg = f"DetectorConfig.language={self.language!r}: use a two-letter ISO 639-1 code"
            raise ConfigError(msg)
        if not is_supported_language(self.language):
            msg = (
                f"DetectorConfig.language={self.language!r} is not supported (no lemmas or word "
                "frequencies for it); use a language such as en, de, fr, es or ru"
            )
            raise ConfigError(msg)

    def to_dict(self) -> dict[str, Any]:
        """Return the configuration as a plain JSON-serialisable dict."""
        return dataclasses.asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> DetectorConfig:
        """Build a configuration from a dict, rejecting unknown keys by name."""
        return cls(**_known_keys(cls, data))

    def fingerprint(self, *, semantic_model: str | None = None) -> str:
        """Return a short stable hash of every setting, for caches and stored results.

        The weights of the shipped paraphrase model (``fitted.json``) and the synonym table
        its inputs read are part of it: a refit model labels pairs differently with the same
        settings.

        Parameters
        ----------
        semantic_model : str, optional
            Name of the sentence-embedding model blended into the labels
            (:attr:`rewrite_detect.SemanticScorer.model_name`), if one was; its fitted blend
            then enters the hash, since labels with and without it differ.
        """
        settings: dict[str, Any] = {**self.to_dict(), "model": _model_digest()}
        if semantic_model is not None:
            settings["semantic"] = _semantic_digest(semantic_model)
        blob = json.dumps(settings, sort_keys=True).encode()
        return hashlib.sha256(blob).hexdigest()[:16]


@dataclass(frozen=True, slots=True, kw_only=True)
class IndexConfig:
    """Settings of the candidate stage: passages, shingles, MinHash and LSH banding.

    Everything here decides which signatures a document gets, so it is stored with an index
    (as :meth:`fingerprint`) and an index refuses to be opened with different settings.

    Parameters
    ----------
    language : str
        ISO 639-1 code for lemmas and word frequencies.
    window, stride : int
        A passage is ``window`` consecutive sentences; the next one starts ``stride``
        sentences later.
    max_zipf : float
        Shingles are content lemmas rarer than this wordfreq Zipf frequency (5.0 drops the
        commonest ~1,500 English words: "year", "people", "government").
    min_shingles : int
        Passages with fewer shingles are not indexed (too little to tell reuse from chance).
    num_perm : int
        MinHash permutations.
    bands, rows : int
        LSH banding, ``bands * rows == num_perm``. Two passages of Jaccard similarity ``s``
        become candidates with probability ``1 - (1 - s**rows)**bands``.
    seed : int
        Seed of the permutations: same seed, same signatures, on every machine.
    min_hits : int
        Distinct colliding passage pairs a document pair needs to be a candidate.
    max_bucket : int
        An LSH bucket holding more passages than this (boilerplate, a hub story copied by
        thousands) yields no pairs; such buckets are counted and reported.
    max_candidates : int
        Most candidates kept per document, strongest first.
    """

    language: str = "en"
    window: int = 3
    stride: int = 2
    max_zipf: float = 5.0
    min_shingles: int = 5
    num_perm: int = 128
    bands: int = 32
    rows: int = 4
    seed: int = 1
    min_hits: int = 3
    max_bucket: int = 50
    max_candidates: int = 20

    def __post_init__(self) -> None:
        for field in _checked_fields(self):
            value = getattr(self, field.name)
            if isinstance(field.default, int) and value < 1:
                msg = f"IndexConfig.{field.name}={value!r}: use a whole number of at least 1"
                raise ConfigError(msg)
        if self.bands * self.rows != self.num_perm:
            msg = (
                f"IndexConfig bands*rows={self.bands * self.rows} differs from "
                f"num_perm={self.num_perm}: pick bands and rows whose product is num_perm "
                "(rewrite_detect.choose_bands helps)"
            )
            raise ConfigError(msg)
        if self.stride > self.window:
            msg = (
                f"IndexConfig.stride={self.stride} exceeds window={self.window}: "
                "sentences between windows would never be indexed"
            )
            raise ConfigError(msg)
        if not is_supported_language(self.language):
            msg = f"IndexConfig.language={self.language!r} is not supported; use e.g. en, de, fr"
            raise ConfigError(msg)

    def to_dict(self) -> dict[str, Any]:
        """Return the configuration as a plain JSON-serialisable dict."""
        return dataclasses.asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> IndexConfig:
        """Build a configuration from a dict, rejecting unknown keys by name."""
        return cls(**_known_keys(cls, data))

    def signature_settings(self) -> dict[str, Any]:
        """Return the settings that decide a document's signatures and band keys.

        ``min_hits``, ``max_bucket`` and ``max_candidates`` only steer the search, so an
        index can be searched with other values than it was built with.
        """
        search_only = {"min_hits", "max_bucket", "max_candidates"}
        return {k: v for k, v in self.to_dict().items() if k not in search_only}

    def fingerprint(self, normalizer_version: int) -> str:
        """Stable hash of the signature settings and the normaliser version."""
        blob = json.dumps(
            {**self.signature_settings(), "normalizer_version": normalizer_version},
            sort_keys=True,
        ).encode()
        return hashlib.sha256(blob).hexdigest()[:16]
