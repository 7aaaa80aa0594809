"""Quotation extraction, speakers, and quotation comparison."""

from __future__ import annotations

import pytest

from rewrite_detect import (
    Comparison,
    Label,
    Quote,
    QuoteStatus,
    Verdict,
    compare,
    compare_quotes,
    extract_quotes,
)
from rewrite_detect.quotes import CLOSING_MARKS, OPENING_MARKS


def _one(text: str) -> Quote:
    quotes = extract_quotes(text)
    assert len(quotes) == 1, quotes
    return quotes[0]


def _check_spans(text: str, quotes: tuple[Quote, ...]) -> None:
    for q in quotes:
        assert text[q.start] in OPENING_MARKS
        assert text[q.end - 1] in CLOSING_MARKS
        assert q.text == " ".join(text[a:b] for a, b in q.parts)
        assert all(q.start < a <= b < q.end for a, b in q.parts)


class TestMarks:
    @pytest.mark.parametrize(
        "text",
        [
            '"We will act," Smith said.',
            "\u201cWe will act,\u201d Smith said.",
            "\u00abWe will act,\u00bb Smith said.",
            '"We will act,\u201d Smith said.',  # mixed styles, as typed by hand
        ],
    )
    def test_double_quote_styles(self, text: str) -> None:
        q = _one(text)
        assert q.text == "We will act,"
        assert (q.start, q.end) == (0, 14)
        assert q.speaker == "Smith"
        _check_spans(text, (q,))

    def test_multi_sentence_quotation(self) -> None:
        text = 'She said: "Prices rose. Wages did not. We are worried." Then she left.'
        q = _one(text)
        assert q.text == "Prices rose. Wages did not. We are worried."
        assert q.speaker is None  # "She" with no named person before it

    def test_quotation_over_paragraphs(self) -> None:
        """An open quotation continues when the next paragraph opens with a quote mark."""
        text = (
            "Mayor Ana Ruiz spoke first.\n"
            '"We have found corrosion in the cables.\n'
            '"Nobody will drive a truck across that bridge," she said.\n'
            "The council met later."
        )
        q = _one(text)
        assert len(q.parts) == 2
        assert q.text == (
            "We have found corrosion in the cables. Nobody will drive a truck across that bridge,"
        )
        assert q.speaker == "Ana Ruiz"
        _check_spans(text, (q,))

    def test_open_quotation_not_continued_is_dropped(self) -> None:
        text = 'He said "we will see.\nThe next paragraph has no marks at all.\nNor this one.'
        assert extract_quotes(text) == ()

    def test_broken_by_attribution_is_one_quotation(self) -> None:
        text = '"We are ready," Jake Sullivan said, "and we will act."'
        q = _one(text)
        assert q.text == "We are ready, and we will act."
        assert len(q.parts) == 2
        assert q.speaker == "Jake Sullivan"
        assert text[slice(*q.speaker_span)] == "Jake Sullivan"

    def test_two_sentences_are_not_joined(self) -> None:
        quotes = extract_quotes('"We are ready." Smith said it twice. "We will act."')
        assert [q.text for q in quotes] == ["We are ready.", "We will act."]

    def test_nested_single_quotes(self) -> None:
        text = "\u201cHe called it \u2018a lifeline,\u2019 and he meant it,\u201d Ruiz said."
        q = _one(text)
        assert q.text == "He called it \u2018a lifeline,\u2019 and he meant it,"
        assert [text[a:b] for a, b in q.nested] == ["\u2018a lifeline,\u2019"]
        assert q.speaker == "Ruiz"

    def test_straight_nested_single_quotes_and_apostrophes(self) -> None:
        text = "\"Don't call it 'a deal' yet,\" Ruiz said."
        q = _one(text)
        assert [text[a:b] for a, b in q.nested] == ["'a deal'"]
        assert q.text == "Don't call it 'a deal' yet,"

    def test_nested_curly_in_straight(self) -> None:
        text = '"He said \u201cno\u201d to me," Ruiz said.'
        q = _one(text)
        assert q.text == "He said \u201cno\u201d to me,"
        assert [text[a:b] for a, b in q.nested] == ["\u201cno\u201d"]

    def test_stray_mark_does_not_swallow_the_text(self) -> None:
        """An opening mark met while one is open restarts the scan at the new mark."""
        text = (
            '"On this topic, we differ... "I believe that Russia does not need arms," '
            "Hua Chunying said."
        )
        q = _one(text)
        assert q.text == "I believe that Russia does not need arms,"
        assert q.speaker == "Hua Chunying"

    def test_stray_closing_mark_is_ignored(self) -> None:
        text = '"China is concerned," he said. "All help is welcome." The aim is calm."'
        assert [q.text for q in extract_quotes(text)] == [
            "China is concerned,",
            "All help is welcome.",
        ]

    def test_lone_mark_gives_nothing(self) -> None:
        text = 'A lone " mark here, ' + "and many words after it. " * 200
        assert extract_quotes(text) == ()
        assert extract_quotes(text + '\n"A real quotation," Ruiz said.')[0].speaker == "Ruiz"

    def test_inch_marks_and_plural_possessives(self) -> None:
        text = 'He is 6\'2" tall. The workers\' union said "no strike today," he added.'
        q = _one(text)
        assert q.text == "no strike today,"

    def test_empty_quotes_are_not_quotations(self) -> None:
        assert extract_quotes('He wrote "" and " " here.') == ()


class TestSpeakers:
    @pytest.mark.parametrize(
        ("text", "speaker", "mention"),
        [
            ('"We act," Sullivan told CNN.', "Sullivan", "Sullivan"),
            ('"We act," said Eric Sayers, a former adviser.', "Eric Sayers", "Eric Sayers"),
            ('"We act," according to Michael Kofman, director of CNA.', "Michael Kofman", None),
            ('Director Avril Haines said, "It continues."', "Avril Haines", "Avril Haines"),
            ('In an email, Liu Pengyu responded, "I never heard of that."', "Liu Pengyu", None),
            ('"We act," she added.', None, None),
            ('"We act," the embassy said.', "the embassy", "the embassy"),
            ('"We act," a spokesperson said.', "a spokesperson", "a spokesperson"),
            (
                "\u201cWe act,\u201d former U.S. adviser Eric Sayers told the Post.",
                "Eric Sayers",
                None,
            ),
            ('CIA Director William J. Burns stated, "It grew."', "William J. Burns", None),
        ],
    )
    def test_attribution(self, text: str, speaker: str | None, mention: str | None) -> None:
        q = _one(text)
        assert q.speaker == speaker
        if mention is not None:
            assert q.speaker_span is not None
            assert text[slice(*q.speaker_span)] == mention

    def test_surname_resolves_to_full_name(self) -> None:
        text = 'Jake Sullivan spoke on Sunday. "We act," Sullivan told CNN.'
        assert _one(text).speaker == "Jake Sullivan"

    def test_pronoun_resolves_to_nearest_named_speaker(self) -> None:
        text = (
            '"We see pressure," Anton Siluanov said. "We will cope," he added.\n'
            '"We act," Sullivan said. "We will not allow it," he added.'
        )
        assert [q.speaker for q in extract_quotes(text)] == [
            "Anton Siluanov",
            "Anton Siluanov",
            "Sullivan",
            "Sullivan",
        ]

    def test_pronoun_resolves_to_a_person_named_without_a_speech_verb(self) -> None:
        text = (
            "Mayor Elena Vasquez opened the meeting. City engineer Farid Osei blamed salt. "
            '"Salt eats the steel," he said.'
        )
        assert _one(text).speaker == "Farid Osei"

    def test_title_resolves_to_the_person_introduced_with_it(self) -> None:
        text = (
            "National security adviser Jake Sullivan met Yang Jiechi in Rome.\n"
            '"There will be consequences," the national security adviser said.'
        )
        q = _one(text)
        assert q.speaker == "Jake Sullivan"
        assert text[slice(*q.speaker_span)] == "the national security adviser"

    def test_apposed_title_resolves_too(self) -> None:
        text = (
            "Jake Sullivan, the national security adviser, met Yang Jiechi.\n"
            '"We talked," the national security adviser told reporters.'
        )
        assert _one(text).speaker == "Jake Sullivan"

    def test_unattributed_quotation_continues_the_last_speaker(self) -> None:
        text = (
            "Anton Siluanov said on Sunday that reserves were in yuan. "
            '"We see what pressure is exerted on China."\n'
            '"But our partnership will allow us to keep cooperating."'
        )
        quotes = extract_quotes(text)
        assert [q.speaker for q in quotes] == ["Anton Siluanov", "Anton Siluanov"]
        assert all(text[slice(*q.speaker_span)] == "Anton Siluanov" for q in quotes)

    def test_scare_quotes_take_the_sentence_speaker(self) -> None:
        text = "An embassy spokesperson said they had \u201cnever heard of\u201d the request."
        assert _one(text).speaker == "An embassy spokesperson".replace("An", "an")


class TestCompareQuotes:
    def _findings(self, source: str, target: str):
        return compare_quotes(extract_quotes(source), extract_quotes(target))

    def test_exact(self) -> None:
        (f,) = self._findings('"We will win," Smith said.', "\u201cWe will WIN!\u201d said Smith.")
        assert f.status is QuoteStatus.EXACT
        assert f.same_speaker is True
        assert f.changed is None

    def test_trimmed(self) -> None:
        (f,) = self._findings(
            '"We will win this war, and we will rebuild," Smith said.',
            '"we will rebuild," Smith said.',
        )
        assert f.status is QuoteStatus.TRIMMED

    def test_altered_lists_changed_words(self) -> None:
        (f,) = self._findings(
            '"We are communicating directly, privately to Beijing," Sullivan said.',
            '"We are speaking directly and privately with Beijing," Sullivan said.',
        )
        assert f.status is QuoteStatus.ALTERED
        assert f.changed is not None
        assert "communicating" in f.changed.source
        assert "speaking" in f.changed.target
        assert f.same_speaker is True

    def test_trimmed_and_edited_is_altered_without_the_trims(self) -> None:
        (f,) = self._findings(
            '"We will win this war because our cause is just," Smith said.',
            '"We will win this war because our cause is right," Smith said.',
        )
        assert f.status is QuoteStatus.ALTERED
        assert f.changed is not None
        assert (f.changed.source, f.changed.target) == (("just",), ("right",))

    def test_misattributed(self) -> None:
        (f,) = self._findings(
            '"Salt eats the steel from the inside," Farid Osei said.',
            '"Salt eats the steel from the inside," Elena Vasquez said.',
        )
        assert f.status is QuoteStatus.MISATTRIBUTED
        assert f.same_speaker is False
        assert f.source is not None
        assert f.target is not None
        assert (f.source.speaker, f.target.speaker) == ("Farid Osei", "Elena Vasquez")

    def test_new(self) -> None:
        (f,) = self._findings(
            '"We will win," Smith said.', '"The weather is lovely today," Jones said.'
        )
        assert f.status is QuoteStatus.NEW
        assert f.source is None

    def test_description_speakers_are_not_compared(self) -> None:
        (f,) = self._findings(
            '"We have never heard of it," a spokesperson said.',
            '"We have never heard of it," Liu Pengyu said.',
        )
        assert f.status is QuoteStatus.EXACT
        assert f.same_speaker is None


class TestInCompare:
    def test_misattributed_quotation_makes_the_pair_divergent(self) -> None:
        result = compare(
            'Mayor Ana Ruiz spoke. "Salt eats the steel from the inside of the cables," '
            "Farid Osei said on Tuesday.",
            'Mayor Ana Ruiz spoke. "Salt eats the steel from the inside of the cables," '
            "Ana Ruiz said on Tuesday.",
        )
        pair = next(p for p in result.pairs if "Salt" in p.target_text)
        assert pair.label is Label.DIVERGENT
        assert pair.evidence.misattributed is not None
        assert pair.evidence.misattributed.target == ("Ana Ruiz",)
        assert "misattributed" in pair.evidence.changed_facts
        assert any(r.startswith("quotation misattributed") for r in pair.evidence.reasons)
        assert pair.evidence.to_dict()["misattributed"] == {
            "source": ["Farid Osei"],
            "target": ["Ana Ruiz"],
        }

    def test_paraphrased_reported_speech_is_noted(self) -> None:
        result = compare(
            'Ruiz warned on Tuesday: "The bridge will close to all trucks from Monday."',
            "Ruiz warned on Tuesday that the bridge will close to all trucks from Monday.",
        )
        (f,) = result.quotes
        assert f.status is QuoteStatus.PARAPHRASED
        assert f.target is None
        assert f.source is not None
        assert f.source.speaker == "Ruiz"
        assert f.pair == 0
        assert f.target_span == result.pairs[0].target_span

    def test_quotes_in_json(self) -> None:
        result = compare('"We will win," Smith said.', '"We shall win," Smith said.')
        data = result.to_dict()
        (entry,) = data["quotes"]
        assert entry["status"] == "altered"
        assert entry["target"]["speaker"] == "Smith"
        assert entry["changed"] == {"source": ["will"], "target": ["shall"]}
        a, b = entry["target"]["span"]
        assert result.target.text[a:b] == '"We shall win,"'
        assert entry["pair"] == 0

    def test_copied_article_with_quotations_stays_a_copy(self) -> None:
        """Quotations copied with the rest of an article count: the copy is still a copy."""
        text = (
            "Port Harlow will close the Marsh Street Bridge to heavy vehicles from Monday.\n"
            '"Nobody will drive a truck across that bridge," Mayor Ana Ruiz said.\n'
            "Cars and cyclists may still use the crossing during the repairs.\n"
            '"Salt eats the steel from the inside," he added.\n'
            "The city has not said how long the repairs will take."
        )
        result = compare(text, text)
        assert result.verdict is Verdict.VERBATIM_COPY
        assert result.coverage.target == 1.0
        assert any(p.evidence.shared_quotation for p in result.pairs)

    def test_only_shared_quotations_do_not_make_reuse(self) -> None:
        source = (
            "The council voted on the budget late on Thursday evening after a long debate.\n"
            '"Nobody will drive a truck across that bridge until the cables are replaced," '
            "Mayor Ana Ruiz said.\n"
            '"Salt gets under the wraps and eats the steel from the inside," Ruiz added.'
        )
        target = (
            "Engineers want nine million dollars for new cables, a city report shows.\n"
            '"Nobody will drive a truck across that bridge until the cables are replaced," '
            "she told reporters.\n"
            '"Salt gets under the wraps and eats the steel from the inside," said Ruiz.'
        )
        result: Comparison = compare(source, target)
        shared = [p for p in result.pairs if p.evidence.shared_quotation]
        assert len(shared) == 2
        assert all(p.label is not Label.DIVERGENT for p in shared)
        assert result.verdict is Verdict.INDEPENDENT
        assert result.coverage.target == 0.0
        assert all(f.status is QuoteStatus.EXACT for f in result.quotes)
