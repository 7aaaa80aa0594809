"""Evaluation metrics against hand-computed examples, and the corpus loaders on tiny files."""

from __future__ import annotations

import math
from pathlib import Path

import pytest

from rewrite_detect.errors import InputError
from rewrite_detect.evaluation import (
    Annotation,
    confusion_matrix,
    label_scores,
    load_clough_stevenson,
    load_pan,
    load_sentence_pairs,
    pan_scores,
    reliability,
    sentence_pair_label,
)
from rewrite_detect.models import Label


def ann(s0: int, s1: int, r0: int, r1: int, *, susp: str = "s", source: str = "r") -> Annotation:
    return Annotation(
        susp=susp,
        susp_offset=s0,
        susp_length=s1 - s0,
        source=source,
        source_offset=r0,
        source_length=r1 - r0,
    )


class TestPanScores:
    def test_perfect_detection(self) -> None:
        s = pan_scores([ann(0, 100, 0, 100)], [ann(0, 100, 0, 100)])
        assert (s.precision, s.recall, s.granularity, s.plagdet) == (1.0, 1.0, 1.0, 1.0)

    def test_split_and_overreaching_detection(self) -> None:
        """Case 200 chars (100 + 100); r1 covers its first half, r2 the rest and 100 more.

        recall = 200/200 = 1; precision = mean(100/100, 100/200) = 0.75; granularity 2;
        plagdet = (2·0.75·1/1.75) / log2(3) = 0.857143 / 1.584963 = 0.540797.
        """
        s = pan_scores([ann(0, 100, 0, 100)], [ann(0, 50, 0, 50), ann(50, 150, 50, 150)])
        assert s.recall == 1.0
        assert s.precision == 0.75
        assert s.granularity == 2.0
        assert s.plagdet == pytest.approx((2 * 0.75 / 1.75) / math.log2(3))
        assert round(s.plagdet, 6) == 0.540797

    def test_missed_case_and_partial_recall(self) -> None:
        """Two cases; the first detected on 60 of 100 suspicious and 40 of 100 source chars.

        recall = mean(100/200, 0) = 0.25; precision = (100/100) = 1 for the one detection.
        """
        cases = [ann(0, 100, 0, 100), ann(0, 50, 0, 50, susp="t")]
        s = pan_scores(cases, [ann(40, 100, 60, 100)])
        assert s.recall == 0.25
        assert s.precision == 1.0
        assert s.detected_cases == 1
        assert s.plagdet == pytest.approx(2 * 0.25 / 1.25)

    def test_overlap_in_one_document_only_detects_nothing(self) -> None:
        """A detection must overlap the case in both documents (and name the same source)."""
        s = pan_scores(
            [ann(0, 100, 0, 100)], [ann(0, 100, 500, 600), ann(0, 100, 0, 100, source="x")]
        )
        assert (s.recall, s.precision, s.plagdet) == (0.0, 0.0, 0.0)

    def test_overlapping_detections_count_characters_once(self) -> None:
        s = pan_scores([ann(0, 100, 0, 100)], [ann(0, 80, 0, 80), ann(20, 100, 20, 100)])
        assert s.recall == 1.0
        assert s.granularity == 2.0

    def test_empty_sets(self) -> None:
        both_empty = pan_scores([], [])
        assert (both_empty.precision, both_empty.recall) == (1.0, 1.0)
        false_alarm = pan_scores([], [ann(0, 10, 0, 10)])
        assert (false_alarm.precision, false_alarm.recall, false_alarm.plagdet) == (0.0, 0.0, 0.0)
        missed = pan_scores([ann(0, 10, 0, 10)], [])
        assert (missed.recall, missed.granularity) == (0.0, 1.0)


class TestLabelMetrics:
    def test_label_scores_by_hand(self) -> None:
        """gold p p p d d, predicted p p d d p: p precision 2/3, recall 2/3; d 1/2, 1/2."""
        s = label_scores(list("pppdd"), list("ppddp"))
        assert s["p"]["precision"] == pytest.approx(2 / 3)
        assert s["p"]["recall"] == pytest.approx(2 / 3)
        assert s["d"]["f1"] == pytest.approx(0.5)
        assert s["_all"]["accuracy"] == pytest.approx(3 / 5)
        assert s["p"]["support"] == 3

    def test_never_predicted_label_has_zero_precision(self) -> None:
        s = label_scores(["a", "b"], ["a", "a"])
        assert s["b"] == {"precision": 0.0, "recall": 0.0, "f1": 0.0, "support": 1}

    def test_confusion_matrix(self) -> None:
        m = confusion_matrix(list("aabbc"), list("abbcc"), ["a", "b", "c"])
        assert m == [[1, 1, 0], [0, 1, 1], [0, 0, 1]]

    def test_length_mismatch_is_an_input_error(self) -> None:
        with pytest.raises(InputError, match="2 gold labels but 1 predictions"):
            label_scores(["a", "b"], ["a"])

    def test_reliability_bins_and_ece(self) -> None:
        """Bins of width 0.5: [0.2, 0.4] -> mean 0.3, 1 of 2 true; [0.6, 1.0] -> 0.8, 2 of 2.

        ECE = 2/4·|0.3 − 0.5| + 2/4·|0.8 − 1.0| = 0.1 + 0.1 = 0.2.
        """
        bins, ece = reliability([0.2, 0.4, 0.6, 1.0], [True, False, True, True], bins=2)
        assert [b.count for b in bins] == [2, 2]
        assert bins[0].mean_score == pytest.approx(0.3)
        assert bins[1].positive_rate == 1.0
        assert ece == pytest.approx(0.2)


PAN_XML = (
    '<document reference="suspicious-document00001.txt">\n'
    '<feature name="about" authors="DUC2001" />\n'
    '<feature name="plagiarism" obfuscation="random" source_length="5" source_offset="2" '
    'source_reference="source-document00009.txt" this_length="4" this_offset="1" />\n'
    "</document>\n"
)
TRANSLATION_XML = (
    '<document reference="suspicious-document00002.txt">\n'
    '<feature name="plagiarism" type="translation-chain" source_length="3" source_offset="0" '
    'source_reference="source-document00009.txt" this_length="3" this_offset="0" />\n'
    "</document>\n"
)


class TestLoaders:
    def test_pan_layout(self, tmp_path: Path) -> None:
        (tmp_path / "pairs").write_text(
            "suspicious-document00001.txt source-document00009.txt\n"
            "suspicious-document00002.txt source-document00009.txt\n"
            "suspicious-document00003.txt source-document00009.txt\n",
            encoding="utf-8",
        )
        (tmp_path / "03-random-obfuscation").mkdir()
        (tmp_path / "04-translation-obfuscation").mkdir()
        (
            tmp_path / "03-random-obfuscation" / "suspicious-document00001-source-document00009.xml"
        ).write_text(PAN_XML)
        (
            tmp_path
            / "04-translation-obfuscation"
            / "suspicious-document00002-source-document00009.xml"
        ).write_text(TRANSLATION_XML)
        pairs = load_pan(tmp_path)
        assert [p.folder for p in pairs] == [
            "03-random-obfuscation",
            "04-translation-obfuscation",
            "",
        ]
        (case,) = pairs[0].cases
        assert (case.susp_span, case.source_span, case.obfuscation) == ((1, 5), (2, 7), "random")
        assert pairs[1].cases[0].obfuscation == "translation"
        assert pairs[2].cases == ()
        assert pairs[0].source_path == tmp_path / "src" / "source-document00009.txt"

    def test_pan_without_pairs_file(self, tmp_path: Path) -> None:
        with pytest.raises(InputError, match="pairs not found"):
            load_pan(tmp_path)

    def test_mrpc_with_bom_header_and_quotes(self, tmp_path: Path) -> None:
        path = tmp_path / "train.tsv"
        path.write_bytes(
            "\ufeffQuality\t#1 ID\t#2 ID\t#1 String\t#2 String\n"
            '1\t1\t2\tHe said "no.\tHe said no.\n'
            "0\t3\t4\tA b.\tC d.\n".encode()
        )
        pairs = load_sentence_pairs(path, "mrpc")
        assert [(p.id, p.a, p.label) for p in pairs] == [
            ("1-2", 'He said "no.', 1),
            ("3-4", "A b.", 0),
        ]

    def test_paws_crlf(self, tmp_path: Path) -> None:
        path = tmp_path / "dev.tsv"
        path.write_bytes(b"7\tA b .\tB a .\t0\r\n8\tC .\tC .\t1\r\n")
        assert [(p.id, p.b, p.label) for p in load_sentence_pairs(path, "paws")] == [
            ("7", "B a .", 0),
            ("8", "C .", 1),
        ]

    def test_wrong_field_count(self, tmp_path: Path) -> None:
        path = tmp_path / "x.tsv"
        path.write_text("only\ttwo\n", encoding="utf-8")
        with pytest.raises(InputError, match="is this PAWS"):
            load_sentence_pairs(path, "paws")

    def test_clough_cp1252_fallback(self, tmp_path: Path) -> None:
        (tmp_path / "file_information.csv").write_text(
            "File,Task,Category\ng0pA_taska.txt,a,cut\norig_taska.txt,a,orig\n", encoding="utf-8"
        )
        (tmp_path / "orig_taska.txt").write_text("Inheritance is a concept.", encoding="utf-8")
        (tmp_path / "g0pA_taska.txt").write_bytes(b"\x93Inheritance\x94 is a concept.")
        (answer,) = load_clough_stevenson(tmp_path)
        assert answer.text == "“Inheritance” is a concept."
        assert answer.plagiarised
        assert answer.source_text == "Inheritance is a concept."


class TestSentencePairLabel:
    def test_same_sentence_is_verbatim(self) -> None:
        assert (
            sentence_pair_label("The vote was held on Monday.", "The vote was held on Monday.")[0]
            is Label.VERBATIM
        )

    def test_exchanged_roles_are_divergent(self) -> None:
        a = "Robert Ramsey commissioned her in May 1805, and John Gedge replaced him in 1806."
        b = "John Gedge commissioned her in May 1805, and Robert Ramsey replaced him in 1806."
        assert sentence_pair_label(a, b)[0] is Label.DIVERGENT
