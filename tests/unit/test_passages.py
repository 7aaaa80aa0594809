"""Reused passages: aligned pairs merged into spans, weak strays dropped, edges trimmed."""

from __future__ import annotations

from rewrite_detect import compare
from rewrite_detect.passages import reused_passages

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
