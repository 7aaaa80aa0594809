"""MinHash stage: passages with spans, deterministic signatures, LSH helpers, oracle Jaccard."""

from __future__ import annotations

import numpy as np
import pytest

from rewrite_detect import ConfigError, IndexConfig, choose_bands, lsh_probability, lsh_threshold
from rewrite_detect.minhash import _shingles, band_keys, estimated_jaccard, sketch

CONFIG = IndexConfig()


class TestPassages:
    def test_spans_cover_sentence_windows(self, hill_text: str) -> None:
        """Each passage span starts and ends on sentence text of its document."""
        found = sketch([hill_text], CONFIG)
        assert len(found.doc) > 3
        for start, end in found.spans:
            assert 0 <= start < end <= len(hill_text)
            assert hill_text[start].strip()
            assert hill_text[end - 1].strip()

    def test_documents_are_kept_apart(self, hill_text: str, farm_text: str) -> None:
        """Passages know their document; none spans two documents."""
        found = sketch([hill_text, farm_text], CONFIG)
        assert set(found.doc.tolist()) == {0, 1}
        assert np.all(np.diff(found.doc) >= 0)

    def test_short_or_common_text_gives_no_passage(self) -> None:
        """A text with too few rare words is not indexed."""
        found = sketch(["The man said that it was a good day.", ""], CONFIG)
        assert len(found.doc) == 0

    def test_no_texts_or_only_white_space(self) -> None:
        """No texts, or texts of white space and marks alone, give no passage and no error."""
        for texts in ([], [""], ["   ", "\n\r\n"], [". . .", '." .) ']):
            found = sketch(texts, CONFIG)
            assert found.signatures.shape == (0, CONFIG.num_perm)
            assert found.spans.shape == (0, 2)

    def test_same_seed_same_signatures(self, hill_text: str) -> None:
        """Signatures depend only on the text and the seed."""
        one = sketch([hill_text], CONFIG).signatures
        two = sketch([hill_text], CONFIG).signatures
        other = sketch([hill_text], IndexConfig(seed=2)).signatures
        assert np.array_equal(one, two)
        assert not np.array_equal(one, other)

    def test_estimate_tracks_exact_jaccard(self, hill_text: str, farm_text: str) -> None:
        """MinHash estimates agree with exact Jaccard of the shingle sets (the oracle)."""
        config = IndexConfig(num_perm=256, bands=64, rows=4, window=1, stride=1)
        texts = [hill_text, farm_text]
        found = sketch(texts, config)
        shingles = [
            _shingles(texts[d][s:e], config)
            for d, (s, e) in zip(found.doc, found.spans, strict=True)
        ]
        errors = []
        for i in range(len(shingles)):
            for j in range(i + 1, len(shingles)):
                exact = len(shingles[i] & shingles[j]) / len(shingles[i] | shingles[j])
                estimate = estimated_jaccard(found.signatures[i], found.signatures[j])
                errors.append(abs(exact - estimate))
        # Standard error at 256 permutations is at most 0.031.
        assert np.mean(errors) < 0.03
        assert np.max(errors) < 0.2


class TestLshHelpers:
    def test_probability_curve(self) -> None:
        """The S-curve rises from 0 to 1 and is 1 - (1 - s^r)^b."""
        assert lsh_probability(0.0, 32, 4) == 0.0
        assert lsh_probability(1.0, 32, 4) == 1.0
        assert lsh_probability(0.5, 32, 4) == pytest.approx(1 - (1 - 0.5**4) ** 32)
        values = [lsh_probability(s / 10, 32, 4) for s in range(11)]
        assert values == sorted(values)

    def test_threshold_and_choice(self) -> None:
        """choose_bands picks the banding whose threshold is nearest the target."""
        assert lsh_threshold(32, 4) == pytest.approx((1 / 32) ** (1 / 4))
        for target, num_perm in ((0.3, 128), (0.5, 120), (0.8, 126)):
            bands, rows = choose_bands(target, num_perm)
            assert bands * rows == num_perm
            best = min(
                abs(lsh_threshold(num_perm // r, r) - target)
                for r in range(1, num_perm + 1)
                if num_perm % r == 0
            )
            assert abs(lsh_threshold(bands, rows) - target) == best

    def test_bad_values(self) -> None:
        """Out-of-range similarities and thresholds are configuration errors."""
        with pytest.raises(ConfigError, match=r"similarity=1\.5"):
            lsh_probability(1.5, 32, 4)
        with pytest.raises(ConfigError, match="threshold=0"):
            choose_bands(0, 128)

    def test_band_keys_are_murmur3_of_the_rows(self) -> None:
        """A band key is MurmurHash3 x86_32 of the band's values, seeded with the band."""
        # The published vector: four zero bytes, seed 0.
        assert band_keys(np.zeros((1, 1), dtype=np.uint32), 1, 1).tolist() == [[0x2362F9DE]]
        rng = np.random.default_rng(3)
        signatures = rng.integers(0, 2**32, size=(20, 12), dtype=np.uint64).astype(np.uint32)
        keys = band_keys(signatures, 3, 4)
        assert keys.dtype == np.uint32
        for passage in range(20):
            for band in range(3):
                words = signatures[passage, 4 * band : 4 * band + 4].tolist()
                assert int(keys[passage, band]) == _murmur3_words(words, band)

    def test_band_keys_are_per_band(self) -> None:
        """Equal band values in different bands give different keys."""
        signatures = np.zeros((1, 8), dtype=np.uint32)
        keys = band_keys(signatures, 4, 2)
        assert len(set(keys[0].tolist())) == 4


class TestIndexConfig:
    def test_bands_times_rows(self) -> None:
        """bands * rows must equal num_perm."""
        with pytest.raises(ConfigError, match="bands\\*rows=120 differs from num_perm=128"):
            IndexConfig(bands=30, rows=4)

    def test_wrong_types_are_named(self) -> None:
        """A string or boolean where a number is due names the field and the type wanted."""
        with pytest.raises(ConfigError, match=r"IndexConfig\.max_zipf='5' has the wrong type"):
            IndexConfig(max_zipf="5")  # type: ignore[arg-type]
        with pytest.raises(ConfigError, match=r"IndexConfig\.seed=True has the wrong type"):
            IndexConfig(seed=True)
        with pytest.raises(ConfigError, match=r"IndexConfig\.window=0: use a whole number of at"):
            IndexConfig(window=0)

    def test_stride_not_above_window(self) -> None:
        """A stride longer than the window would skip sentences."""
        with pytest.raises(ConfigError, match="stride=4 exceeds window=3"):
            IndexConfig(stride=4)


def _murmur3_words(words: list[int], seed: int) -> int:
    """MurmurHash3 x86_32 of little-endian 32-bit words, one word at a time (the reference)."""

    def rotl(x: int, r: int) -> int:
        return ((x << r) | (x >> (32 - r))) & 0xFFFFFFFF

    h = seed
    for w in words:
        k = rotl((w * 0xCC9E2D51) & 0xFFFFFFFF, 15) * 0x1B873593 & 0xFFFFFFFF
        h = (rotl(h ^ k, 13) * 5 + 0xE6546B64) & 0xFFFFFFFF
    h ^= 4 * len(words)
    h ^= h >> 16
    h = (h * 0x85EBCA6B) & 0xFFFFFFFF
    h ^= h >> 13
    h = (h * 0xC2B2AE35) & 0xFFFFFFFF
    return h ^ (h >> 16)
