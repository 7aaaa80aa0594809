"""Alignment: reordering, splits, merges, unmatched sentences, and a brute-force oracle."""

from __future__ import annotations

import itertools

import pytest

from rewrite_detect import DetectorConfig, compare
from rewrite_detect.align import align_features, pair_similarity
from rewrite_detect.normalize import features

CONFIG = DetectorConfig()

SOURCE = [
    "The city council approved a new budget of 4 million euros on Monday evening.",
    "Mayor Anna Keller said the money would pay for three new schools and a library.",
    "Opposition members criticised the plan as too expensive for a small town.",
    "Construction of the first school is expected to begin in the spring.",
]


def _feats(sentences: list[str]):
    return [features(s) for s in sentences]


class TestAlign:
    def test_reordering_is_allowed(self) -> None:
        """Moved sentences are still matched to their counterparts."""
        target = [SOURCE[3], SOURCE[0], SOURCE[2], SOURCE[1]]
        pairs = {
            (a.source, a.target) for a in align_features(_feats(SOURCE), _feats(target), CONFIG)
        }
        assert pairs == {((0,), (1,)), ((1,), (3,)), ((2,), (2,)), ((3,), (0,))}

    def test_split_one_source_sentence_into_two(self) -> None:
        """One long source sentence rewritten as two target sentences is one group."""
        source = [
            "Mayor Anna Keller said the money would pay for three new schools and that the old "
            "post office near the station would become a public library.",
            "Opposition members criticised the plan as too expensive for a small town.",
        ]
        target = [
            "Mayor Anna Keller said the money would pay for three new schools.",
            "The old post office near the station would become a public library, she said.",
            "Opposition members criticised the plan as too expensive for a small town.",
        ]
        result = compare("\n".join(source), "\n".join(target))
        groups = {(p.source_sentences, p.target_sentences) for p in result.pairs}
        assert ((0,), (0, 1)) in groups
        assert ((1,), (2,)) in groups

    def test_merge_two_source_sentences_into_one(self) -> None:
        """Two source sentences joined into one target sentence form one group."""
        source = [
            "Mayor Anna Keller said the money would pay for three new schools.",
            "The old post office near the station would become a public library.",
        ]
        target = [
            "Mayor Anna Keller said the money would pay for three new schools and that the old "
            "post office near the station would become a public library.",
        ]
        result = compare("\n".join(source), "\n".join(target))
        assert [(p.source_sentences, p.target_sentences) for p in result.pairs] == [((0, 1), (0,))]

    def test_no_forced_matches(self) -> None:
        """A target sentence with no counterpart stays unmatched."""
        target = [*SOURCE, "Heavy snow closed mountain roads across the Alps overnight."]
        result = compare("\n".join(SOURCE), "\n".join(target))
        assert len(result.pairs) == 4
        assert [result.target.text[a:b] for a, b in result.unmatched_target] == [target[-1]]

    def test_sentences_without_content_words_align_when_identical(self) -> None:
        """'He was there.' has no content word but is still found as a copy of itself."""
        result = compare("He was there. It is so.", "He was there. It is so.")
        assert [p.label.value for p in result.pairs] == ["verbatim", "verbatim"]

    def test_empty_sides(self) -> None:
        """No sentences on a side means no alignments."""
        assert align_features([], _feats(SOURCE), CONFIG) == []
        assert align_features(_feats(SOURCE), [], CONFIG) == []

    def test_one_to_one_matches_brute_force_oracle(self) -> None:
        """Without groups, the greedy result equals an O(n·m) greedy over exact scores."""
        target = [
            SOURCE[2],
            "Heavy snow closed roads.",
            SOURCE[0],
            SOURCE[3].replace("spring", "summer"),
        ]
        src, tgt = _feats(SOURCE), _feats(target)
        config = DetectorConfig(max_group_size=1)
        fast = {(a.source, a.target) for a in align_features(src, tgt, config)}
        cells = sorted(
            (
                (-pair_similarity(src[i], tgt[j], config)[0], i, j)
                for i, j in itertools.product(range(len(src)), range(len(tgt)))
            ),
        )
        used_i: set[int] = set()
        used_j: set[int] = set()
        oracle = set()
        for neg, i, j in cells:
            if -neg >= config.match_threshold and i not in used_i and j not in used_j:
                used_i.add(i)
                used_j.add(j)
                oracle.add(((i,), (j,)))
        assert fast == oracle

    @pytest.mark.parametrize("n", [1, 2, 4])
    def test_shortlist_smaller_than_candidates(self, n: int) -> None:
        """Fewer sentences than candidates_per_sentence still work."""
        feats = _feats(SOURCE[:n])
        assert len(align_features(feats, feats, CONFIG)) == n
