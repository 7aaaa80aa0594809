"""Role swaps: the same words, but who did what to whom changed (PAWS-style word swaps)."""

from __future__ import annotations

import pytest

from rewrite_detect import Label, compare


def _pair(a: str, b: str):
    (pair,) = compare(a, b).pairs
    return pair


@pytest.mark.parametrize(
    ("a", "b"),
    [
        (
            "Lieutenant Robert Ramsey commissioned her in May 1805, and Lieutenant John Gedge "
            "replaced him in 1806.",
            "Lieutenant John Gedge commissioned her in May 1805, and Lieutenant Robert Ramsey "
            "replaced him in 1806.",
        ),
        (
            "The Taunton Castle was in Rio de Janeiro on August 1 and in Penang on October 31.",
            "The Taunton Castle was in Penang on August 1 and in Rio de Janeiro on October 31.",
        ),
    ],
)
def test_exchanged_roles_are_divergent(a: str, b: str) -> None:
    pair = _pair(a, b)
    assert pair.label is Label.DIVERGENT
    assert pair.evidence.swapped_roles is not None
    assert "roles swapped" in pair.evidence.reasons[0]
    assert "swapped_roles" in pair.evidence.to_dict()


@pytest.mark.parametrize(
    ("a", "b"),
    [
        # A clause moved to the front keeps every role.
        (
            "Higgins left Southampton in August after the end of the war in June 1902.",
            "After the end of the war in June 1902, Higgins left Southampton in August.",
        ),
        # One word moved: no block stays between two swapped ones.
        (
            "Big Band Specials is a 1962 album by Bob Cooper, with tracks arranged by Bill Holman.",
            "Big Band Specials is a 1962 album by Bob Cooper, with tracks by Bill Holman arranged.",
        ),
        # The reporting clause went to the front; the speaker stays between what was said and
        # the clause's adjunct, which only looks like an exchange.
        (
            "Revenue rose 26 percent, the company said in a statement on Monday.",
            "In a statement on Monday, the company said revenue rose 26 percent.",
        ),
        # The speaker's title moved around the name, beside the speech verb on both sides.
        (
            '"We are making these commitments because it is the right thing to do," said '
            "Michael Mudd, spokesman for the company.",
            '"We are making these commitments because it is the right thing to do," company '
            "spokesman Michael Mudd said.",
        ),
    ],
)
def test_moved_clause_is_not_a_role_swap(a: str, b: str) -> None:
    pair = _pair(a, b)
    assert pair.evidence.swapped_roles is None
    assert pair.label is not Label.DIVERGENT


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Smith told the committee Jones lied.", "Jones told the committee Smith lied."),
        (
            "Arsenal beat Chelsea 2-0 on Sunday, the club said.",
            "Chelsea beat Arsenal 2-0 on Sunday, the club said.",
        ),
    ],
)
def test_exchange_around_a_speech_verb_stays_a_role_swap(a: str, b: str) -> None:
    pair = _pair(a, b)
    assert pair.evidence.swapped_roles is not None
    assert pair.label is Label.DIVERGENT
