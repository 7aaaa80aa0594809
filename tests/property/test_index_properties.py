"""Property tests for the index's vectorised collision search, against brute force."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rewrite_detect.index import _bucket_pairs

pytestmark = pytest.mark.property


@settings(max_examples=200, deadline=None)
@given(
    keys=st.lists(st.integers(min_value=0, max_value=6), min_size=0, max_size=40),
    max_bucket=st.integers(min_value=2, max_value=8),
)
def test_bucket_pairs_match_brute_force(keys: list[int], max_bucket: int) -> None:
    """Every pair of passages with equal keys, from buckets no larger than the cap, once."""
    count = len(keys)
    bits = max(1, (count - 1).bit_length())
    packed = np.sort(
        (np.array(keys, dtype=np.uint64) << np.uint64(bits)) | np.arange(count, dtype=np.uint64)
    )
    found = _bucket_pairs(packed, bits, max_bucket).tolist()
    sizes = {k: keys.count(k) for k in keys}
    expected = sorted(
        i * count + j
        for i, j in itertools.combinations(range(count), 2)
        if keys[i] == keys[j] and sizes[keys[i]] <= max_bucket
    )
    assert sorted(found) == expected
