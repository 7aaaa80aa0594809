"""Reused passages: aligned pairs merged into spans, weak strays dropped, edges trimmed."""

from __future__ import annotations

from rewrite_detect import DetectorConfig, compare
from rewrite_detect.passages import (
    Passage,
    _Bags,
    _Member,
    _source_grown,
    _without_target_overlap,
    reused_passages,
)
from rewrite_detect.segmentation import segment

COPIED = [
    "The city council approved a new budget of 4 million euros on Monday evening.",
    "Mayor Anna Keller said the money would pay for three new schools and a library.",
    "Opposition members criticised the plan as too expensive for a small town.",
    "Construction of the first school is expected to begin in the spring.",
]
OWN = [
    "Heavy snow closed mountain roads across the Alps overnight.",
    "Skiers were stranded in several resorts until the morning.",
    "Rescue teams brought food and blankets to a blocked train.",
]


def test_copied_paragraph_is_one_passage_with_exact_spans() -> None:
    source = " ".join(["Unrelated opening words about gardening and roses.", *COPIED])
    target = " ".join([*OWN, *COPIED])
    (passage,) = reused_passages(compare(source, target))
    copied = " ".join(COPIED)
    assert target[passage.target_span[0] : passage.target_span[1]] == copied
    assert source[passage.source_span[0] : passage.source_span[1]] == copied
    assert passage.pairs == 4
    assert passage.verbatim_share == 1.0


def test_two_distant_copies_are_two_passages() -> None:
    source = "\n".join([*COPIED, *OWN])
    target = "\n".join(
        [
            COPIED[0],
            COPIED[1],
            "Something else entirely about chess.",
            "A second filler line on knitting patterns.",
            "A third on sailing boats.",
            "A fourth on baking bread at home.",
            "A fifth about kites.",
            OWN[0],
            OWN[1],
        ]
    )
    passages = reused_passages(compare(source, target), target_gap=1, source_gap=1)
    assert len(passages) == 2
    assert passages[0].target_span < passages[1].target_span


def test_single_weak_pair_is_not_a_passage() -> None:
    source = "Mayor Anna Keller said the money would pay for three new schools and a library."
    target = "Anna Keller, the mayor, wants three schools, she told reporters at a fair."
    result = compare(source, target)
    assert result.pairs, "the two sentences should align"
    assert reused_passages(result, min_pairs=2, single_pair_score=0.99) == ()


def test_copy_starting_inside_a_target_sentence_is_trimmed() -> None:
    """The copied text follows own words with no sentence break: the passage starts at the copy."""
    copied = (
        "Opposition members criticised the plan as too expensive for a small town and its people"
    )
    source = f"{copied}."
    target = f"Reporters were waiting in the rain outside the hall for hours and then {copied}."
    (untrimmed,) = reused_passages(compare(source, target), single_pair_score=0.0, trim=False)
    (trimmed,) = reused_passages(compare(source, target), single_pair_score=0.0)
    assert untrimmed.target_span[0] == 0
    start = target.index("Opposition")
    assert abs(trimmed.target_span[0] - start) <= 3
    assert trimmed.target_span[1] == len(target)


def test_no_pairs_no_passages() -> None:
    assert reused_passages(compare("\n".join(COPIED), "\n".join(OWN))) == ()


def test_short_loose_pair_does_not_stretch_a_passage() -> None:
    """A short heading that loosely matches one in the source is not part of the copy."""
    source = "\n".join(["Starbucks Card", *COPIED])
    target = "\n".join([OWN[0], "Make Starbucks tonight!", OWN[1], *COPIED])
    result = compare(source, target)
    heading = [p for p in result.pairs if "Starbucks" in p.target_text]
    assert heading, "the headings should align"
    assert heading[0].label.value != "verbatim"
    (stretched,) = reused_passages(result, short_chars=0, divergent_score=0.0)
    (passage,) = reused_passages(result, short_chars=20, divergent_score=0.0)
    assert stretched.target_span[0] < target.index(OWN[1])
    assert target[passage.target_span[0] : passage.target_span[1]] == "\n".join(COPIED)


# A sentence reworded and reordered past what the aligner pairs (below its threshold in the
# tests that raise it) but sharing most of its content words with COPIED[2].
REWORDED = (
    "Hardly any town so small, grumbled opposition members, could carry such a plan, "
    "calling it wasteful folly."
)
FILLER = "Heavy snow closed mountain roads across the Alps overnight."


def test_seed_extends_a_passage_over_a_sentence_the_aligner_left_unpaired() -> None:
    source = "\n".join([*COPIED[:3], "Construction of the first school is expected to begin."])
    target = "\n".join([FILLER, COPIED[0], COPIED[1], REWORDED, OWN[1]])
    result = compare(source, target, config=DetectorConfig(match_threshold=0.62))
    assert all(REWORDED not in p.target_text for p in result.pairs), "should stay unpaired"
    (without,) = reused_passages(result, seed_similarity=2.0)
    (passage,) = reused_passages(result, seed_similarity=0.33)
    assert target[without.target_span[0] : without.target_span[1]] == "\n".join(COPIED[:2])
    assert target[passage.target_span[0] : passage.target_span[1]].endswith(REWORDED)
    assert source[passage.source_span[0] : passage.source_span[1]] == "\n".join(COPIED[:3])
    assert passage.pairs == 3


def test_pairs_whose_passage_shares_no_content_words_are_dropped() -> None:
    """Two pairs alike in letters only ("cat"/"bat", "mat"/"hat") are not a reused passage."""
    source = "The cat sat on the mat near the door today.\nThe dog ran in the park with the ball."
    target = "The bat sat on the hat near the moor today.\nThe log ran in the bark with the hall."
    result = compare(source, target)
    assert len(result.pairs) == 2
    assert len(reused_passages(result, fragment_similarity=0.0)) == 1
    assert reused_passages(result, fragment_similarity=0.3) == ()


def test_a_few_identical_words_are_not_a_passage() -> None:
    result = compare(f"{FILLER}\nPrices rose.", f"{OWN[1]}\nPrices rose.")
    (tiny,) = reused_passages(result, min_chars=0)
    assert tiny.verbatim_share == 1.0
    assert reused_passages(result, min_chars=50) == ()


STORM = [
    "The storm hit the northern coast of the island early on Tuesday morning.",
    "Winds of up to 180 kilometres an hour tore roofs off hundreds of houses.",
    "Fishermen had brought their boats into the harbour the evening before.",
    "Schools in the capital stayed closed and public transport was suspended.",
    "The national weather service had warned of the storm three days in advance.",
    "Farmers in the valley reported flooded fields and drowned cattle.",
    "The government promised emergency aid of 20 million dollars for the region.",
    "Electricity was cut in most villages and repair crews worked through the night.",
    "Tourists at the beach resorts were moved to hotels further inland.",
    "By Wednesday evening the storm had weakened and moved out to sea.",
]
SUMMARY = [
    "An opening line about a football match that ended in a draw.",
    "The storm hit the northern coast of the island early on Tuesday morning, tearing roofs "
    "off houses.",
    "The government promised emergency aid of 20 million dollars for the region, where "
    "electricity was cut in villages, and the storm had weakened by Wednesday evening.",
    "A closing line about the price of coffee in the shops.",
]


def test_summary_passage_takes_in_the_source_sentences_it_draws_on() -> None:
    source = "\n".join(STORM)
    result = compare(source, "\n".join(SUMMARY))
    (plain,) = reused_passages(result, summary_ratio=0.0)
    (summary,) = reused_passages(result, summary_ratio=2.5)
    assert source[plain.source_span[0] : plain.source_span[1]].endswith(STORM[6])
    assert source[summary.source_span[0] : summary.source_span[1]].endswith(STORM[9])
    assert summary.target_span == plain.target_span
    assert summary.pairs > plain.pairs


RECIPE = [
    "3 eggs and 250 ml of brown sugar for the walnut cake.",
    "150 grams of chopped walnuts and dark chocolate.",
    "3 teaspoons of finely chopped candied ginger.",
    "300 ml of flour, sifted twice before baking.",
]
BAKE = "Bake the cake for forty minutes at 180 degrees and serve it cold with whipped cream."
# One reworded sentence standing for all four short source lines.
ONE_FOR_FOUR = (
    "For the cake take walnuts, chocolate chopped dark, ginger candied and finely chopped, "
    "flour sifted, eggs and brown sugar."
)


def test_window_seed_links_one_sentence_to_several_short_source_lines() -> None:
    source = "\n".join([*RECIPE, BAKE])
    target = "\n".join([FILLER, ONE_FOR_FOUR, BAKE, OWN[1]])
    result = compare(source, target, config=DetectorConfig(match_threshold=0.66))
    assert [p.target_text for p in result.pairs] == [BAKE], "only the copy should align"
    # At a seed floor of 0.4 one recipe line alone agrees with the target sentence; at the
    # fitted 0.33 a single line already reaches the first, so the windows are shown at 0.4.
    (single,) = reused_passages(result, seed_window=1, seed_similarity=0.4)
    (window,) = reused_passages(result, seed_window=3, seed_similarity=0.4)
    assert single.target_span == window.target_span
    assert target[window.target_span[0] : window.target_span[1]] == f"{ONE_FOR_FOUR}\n{BAKE}"
    assert source[single.source_span[0] :].startswith(RECIPE[2])
    assert window.source_span == (0, len(source))
    (default,) = reused_passages(result)
    assert default.source_span == (0, len(source))
    assert default.target_span == window.target_span


def _edge_case(*, verbatim: bool, used: set[int]) -> tuple[int, int]:
    """Grow a passage on source sentences 1-2; sentence 0 shares its words with the target.

    Returns how far the grown source side starts after sentence 0 and ends after sentence 2.
    """
    source = segment(
        "Storm damage closed the harbour bridge and flooded the ferry terminal. "
        "Engineers inspected the cracked pillars on Tuesday morning. "
        "Repairs will cost the port authority two million euros."
    ).sentences
    target = segment(
        "The harbour bridge was shut after the storm flooded the ferry terminal, and "
        "engineers looked at its cracked pillars on Tuesday. "
        "The port authority puts the repairs at two million euros."
    ).sentences
    bags = _Bags(source, target, "en")
    chain = [
        _Member(
            src=(i, i),
            tgt=(j, j),
            source_span=(source[i].start, source[i].end),
            target_span=(target[j].start, target[j].end),
            source_text=source[i].text,
            target_text=target[j].text,
            score=0.7,
            verbatim=verbatim,
            aligned=True,
        )
        for i, j in ((1, 0), (2, 1))
    ]
    span = (source[1].start, source[2].end)
    grown = _source_grown(chain, span, bags, used, threshold=0.3, limit=1)
    return grown[0] - source[0].start, grown[1] - source[2].end


def test_unmatched_source_sentence_next_to_a_reworded_passage_joins_it() -> None:
    start, end = _edge_case(verbatim=False, used={1, 2})
    assert start == 0  # the source side now starts at sentence 0
    assert end == 0  # nothing after the last sentence


def test_source_edge_is_not_grown_at_a_verbatim_end_or_over_a_used_sentence() -> None:
    start, _ = _edge_case(verbatim=True, used={1, 2})
    assert start > 0
    start, _ = _edge_case(verbatim=False, used={0, 1, 2})
    assert start > 0


def _passage(target: tuple[int, int], source: tuple[int, int]) -> Passage:
    return Passage(source_span=source, target_span=target, pairs=2, score=0.6, verbatim_share=0)


def test_neighbours_with_overlapping_source_sides_are_one_passage() -> None:
    cut = [_passage((0, 200), (0, 3000)), _passage((400, 600), (800, 2500))]
    (joined,) = _without_target_overlap(cut, 250, 50)
    assert joined.target_span == (0, 600)
    assert joined.source_span == (0, 3000)
    assert joined.pairs == 4
    assert len(_without_target_overlap(cut, 0, 0)) == 2  # off: only target overlaps join


def test_neighbours_apart_on_either_side_stay_two_passages() -> None:
    far_target = [_passage((0, 200), (0, 300)), _passage((500, 600), (300, 400))]
    far_source = [_passage((0, 200), (0, 300)), _passage((300, 400), (400, 500))]
    assert len(_without_target_overlap(far_target, 250, 50)) == 2
    assert len(_without_target_overlap(far_source, 250, 50)) == 2
