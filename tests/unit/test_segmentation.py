"""Segmentation: boilerplate rules and sentences with exact offsets."""

from __future__ import annotations

import pytest

from rewrite_detect import segment
from rewrite_detect.segmentation import MAX_SENTENCE_CHARS


def _texts(text: str) -> list[str]:
    return [s.text for s in segment(text).sentences]


class TestSentences:
    def test_abbreviations_do_not_end_sentences(self) -> None:
        """U.S., Feb. and Mr. stay inside their sentence."""
        text = "The U.S. Army said on Feb. 3 that Mr. Smith had left. He did not return."
        assert _texts(text) == [
            "The U.S. Army said on Feb. 3 that Mr. Smith had left.",
            "He did not return.",
        ]

    def test_quotation_spanning_a_sentence_end_stays_whole(self) -> None:
        """A quote of two sentences is one sentence with its attribution."""
        text = 'He said: "We will win. We always win." Then he left.'
        assert _texts(text) == ['He said: "We will win. We always win."', "Then he left."]

    def test_curly_quotation_spanning_a_sentence_end_stays_whole(self) -> None:
        """The same holds with typographic quotes."""
        text = "“We will win. We always win,” he said. Then he left."
        assert _texts(text) == ["“We will win. We always win,” he said.", "Then he left."]

    def test_lower_case_attribution_joins_its_quote(self) -> None:
        """'"Is it over?" she asked.' is one sentence."""
        assert _texts('"Is it over?" she asked. "No!" he said.') == [
            '"Is it over?" she asked.',
            '"No!" he said.',
        ]

    def test_headline_without_punctuation_is_its_own_sentence(self) -> None:
        """A headline line is not glued to the first paragraph."""
        text = "Russia seeking military equipment from China: report\nRussian officials asked."
        assert _texts(text) == [
            "Russia seeking military equipment from China: report",
            "Russian officials asked.",
        ]

    def test_bullets_are_sentences_without_their_marker(self) -> None:
        """Each bullet item is a sentence; the marker is not part of it."""
        text = "Key points:\n- Prices rose\n- Wages fell\n* Rents stayed flat"
        assert _texts(text) == ["Key points:", "Prices rose", "Wages fell", "Rents stayed flat"]

    def test_hard_wrapped_prose_is_joined(self) -> None:
        """Lines broken mid-sentence (as in plain-text corpora) are one sentence."""
        text = (
            "The committee met on Tuesday to discuss the\n"
            "budget and agreed that the new plan would\n"
            "be published next month. Members then left\n"
            "the building."
        )
        sentences = segment(text).sentences
        assert [s.text.replace("\n", " ") for s in sentences] == [
            "The committee met on Tuesday to discuss the budget and agreed that the new plan "
            "would be published next month.",
            "Members then left the building.",
        ]

    def test_headline_subheading_and_body_stay_apart(self) -> None:
        """Three capitalised lines, two without final punctuation, are not wrapped prose."""
        text = (
            "Storm batters the coast\n"
            "Thousands without power as winds reach 120 km/h\n"
            "A storm swept across the northern coast on Monday."
        )
        assert _texts(text) == text.split("\n")

    def test_run_on_line_is_cut_into_bounded_pieces(self) -> None:
        """A long line with no sentence end becomes pieces of at most MAX_SENTENCE_CHARS."""
        text = " ".join(f"word{i}" for i in range(40_000))
        sentences = segment(text).sentences
        assert len(sentences) > 200
        assert max(len(s.text) for s in sentences) <= MAX_SENTENCE_CHARS
        assert " ".join(s.text for s in sentences) == text

    def test_offsets_slice_back(self, farm_text: str) -> None:
        """Every sentence's offsets slice its text out of the document."""
        for sentence in segment(farm_text).sentences:
            assert farm_text[sentence.start : sentence.end] == sentence.text

    @pytest.mark.parametrize("text", ["", "   \n\n\t ", "\x00\x01", "...", "a"])
    def test_degenerate_input_does_not_crash(self, text: str) -> None:
        """Empty, blank and junk text give few or no sentences and no exception."""
        seg = segment(text)
        for sentence in seg.sentences:
            assert text[sentence.start : sentence.end] == sentence.text


class TestBoilerplate:
    @pytest.mark.parametrize(
        ("line", "reason"),
        [
            ("top of page", "navigation"),
            ("bottom of page", "navigation"),
            ("0 views0 comments", "engagement counter"),
            ("12 Comments", "engagement counter"),
            ("Update: 6:08 p.m.", "timestamp"),
            ("Updated 10:15 a.m. EST", "timestamp"),
            ("Copyright 2023 Nexstar Media Inc. All rights reserved.", "copyright"),
            ("© 2024 The Example Times", "copyright"),
            ("Regular the hill posts", "share/subscribe"),
            ("Share this article", "share/subscribe"),
            ("Subscribe to our newsletter for more", "share/subscribe"),
            ("Sign up for our morning briefing", "share/subscribe"),
            ("By Jane Doe and John Smith", "byline"),
            ("By Jane Doe, Staff Writer", "byline"),
            ("By Jane Doe | Reuters", "byline"),
            ("BY MARIA GARCIA", "byline"),
            ("Advertisement", "share/subscribe"),
            ("* * *", "separator"),
        ],
    )
    def test_furniture_lines_are_skipped_with_a_reason(self, line: str, reason: str) -> None:
        """Known page furniture is set aside and the rule that matched is reported."""
        text = f"The minister resigned on Monday after a long dispute.\n{line}\nShe left."
        seg = segment(text)
        assert [s.text for s in seg.sentences] == [
            "The minister resigned on Monday after a long dispute.",
            "She left.",
        ]
        assert [(s.text, s.reason) for s in seg.skipped] == [(line, reason)]

    def test_source_prefix_is_cut_from_its_paragraph(self) -> None:
        """'Wahington Post | In the weeks…' keeps the sentence and skips the prefix."""
        text = "Wahington Post | In the weeks after it began its invasion, Russia turned to China."
        seg = segment(text)
        assert seg.sentences[0].text.startswith("In the weeks")
        assert seg.skipped[0].text == "Wahington Post |"
        assert seg.skipped[0].reason == "source prefix"

    def test_dateline_is_cut(self) -> None:
        """'WASHINGTON (AP) — ' is furniture, the sentence after it is not."""
        seg = segment("WASHINGTON (AP) — The Senate passed the bill on Friday by a wide margin.")
        assert seg.sentences[0].text == "The Senate passed the bill on Friday by a wide margin."
        assert seg.skipped[0].reason == "dateline"

    def test_photo_credit_inside_a_paragraph(self) -> None:
        """A parenthesised credit between sentences is skipped, the sentences are kept."""
        text = (
            "Russian missiles struck military facilities near the border. "
            "(The Washington Post/Blair Guild) China said it was concerned. (AP Photo/Jane Doe)"
        )
        seg = segment(text)
        assert [s.text for s in seg.sentences] == [
            "Russian missiles struck military facilities near the border.",
            "China said it was concerned.",
        ]
        assert [(s.text, s.reason) for s in seg.skipped] == [
            ("(The Washington Post/Blair Guild)", "photo credit"),
            ("(AP Photo/Jane Doe)", "photo credit"),
        ]

    def test_mixed_case_dateline_is_cut(self) -> None:
        """'KYIV, Ukraine — ' is a dateline too."""
        seg = segment("KYIV, Ukraine — Air raid sirens sounded across the capital overnight.")
        assert seg.sentences[0].text == "Air raid sirens sounded across the capital overnight."
        assert seg.skipped[0].text == "KYIV, Ukraine —"

    @pytest.mark.parametrize(
        "line",
        [
            "Copyright lawsuits against AI companies rose sharply this year",
            "Sign up rates for the program fell by a third",
            "By Tuesday, troops had withdrawn",
            "By Monday Night The Roads Were Closed",
            "Subscribers to the service complained about the outage",
            "Share prices fell sharply on Monday",
        ],
    )
    def test_prose_that_looks_like_furniture_is_kept(self, line: str) -> None:
        """Headlines that start like furniture lines are article text."""
        seg = segment(f"{line}\nThe minister resigned on Monday after a long dispute.")
        assert seg.skipped == ()
        assert seg.sentences[0].text == line

    def test_ordinary_sentences_are_not_boilerplate(self) -> None:
        """Sentences that mention sharing, copyright or updates in prose are kept."""
        text = (
            "The company said it would share the data with regulators.\n"
            "By the end of the year, prices had doubled.\n"
            "The update to the law took effect on 6 May.\n"
            "(The court later reversed the ruling.)"
        )
        seg = segment(text)
        assert len(seg.sentences) == 4
        assert seg.skipped == ()
