"""Evaluation on labelled corpora: loaders for their formats and the metrics to score them.

Used by ``benchmarks/evaluate.py`` and ``benchmarks/fit_config.py``, and importable by anyone
who wants to score the detector (or another one) on a corpus in one of these layouts:

* **PAN text alignment** (:func:`load_pan`): a ``pairs`` file of ``suspicious source`` file
  names, ``src/`` and ``susp/`` folders, and one XML annotation file per pair, anywhere below
  the corpus folder, holding ``<feature name="plagiarism" this_offset= …/>`` cases.
* **Sentence pairs** (:func:`load_sentence_pairs`): MRPC (``Quality, #1 ID, #2 ID, #1 String,
  #2 String`` with a header) and PAWS (``id, sentence1, sentence2, label``, no header).
* **Clough & Stevenson** short answers (:func:`load_clough_stevenson`): ``file_information.csv``
  plus ``orig_task?.txt`` sources and ``g?p?_task?.txt`` answers.

Metrics:

* PAN's character-level precision, recall, granularity and plagdet (:func:`pan_scores`), as
  defined by Potthast, Stein, Barrón-Cedeño and Rosso, "An Evaluation Framework for
  Plagiarism Detection" (COLING 2010): macro-averaged over cases (recall) and detections
  (precision), a detection *detects* a case when they overlap in both documents.
* Per-label precision, recall and F1, confusion matrix and accuracy (:func:`label_scores`,
  :func:`confusion_matrix`).
* Calibration of scores against binary outcomes (:func:`reliability`): a reliability diagram's
  bins and the expected calibration error.

Nothing here downloads data or knows where a corpus lives; the callers pass paths.
"""

from __future__ import annotations

import csv
import math
import re
import xml.etree.ElementTree as ET
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from rewrite_detect.align import pair_similarity
from rewrite_detect.classify import decide_label, gather_evidence, with_semantic
from rewrite_detect.config import DetectorConfig
from rewrite_detect.errors import InputError
from rewrite_detect.models import Label
from rewrite_detect.normalize import features
from rewrite_detect.passages import reused_passages
from rewrite_detect.pipeline import compare
from rewrite_detect.semantic import SemanticScorer

__all__ = [
    "Annotation",
    "CloughAnswer",
    "PanPair",
    "PanScores",
    "ReliabilityBin",
    "SentencePair",
    "confusion_matrix",
    "label_scores",
    "load_clough_stevenson",
    "load_pan",
    "load_sentence_pairs",
    "pan_detections",
    "pan_scores",
    "read_text",
    "reliability",
    "sentence_pair_label",
]

Interval = tuple[int, int]


# --------------------------------------------------------------------------------------------
# PAN text alignment
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True, kw_only=True)
class Annotation:
    """A plagiarism case or a detection: a passage of a suspicious document and its source.

    Offsets and lengths count characters of the decoded texts (Python ``str`` indices), as in
    the PAN XML files. ``obfuscation`` is the case's obfuscation type (empty for detections).
    """

    susp: str
    susp_offset: int
    susp_length: int
    source: str
    source_offset: int
    source_length: int
    obfuscation: str = ""

    @property
    def susp_span(self) -> Interval:
        """``(start, end)`` in the suspicious document."""
        return self.susp_offset, self.susp_offset + self.susp_length

    @property
    def source_span(self) -> Interval:
        """``(start, end)`` in the source document."""
        return self.source_offset, self.source_offset + self.source_length


@dataclass(frozen=True, slots=True, kw_only=True)
class PanPair:
    """One document pair of a PAN corpus: its files, folder and annotated cases."""

    susp: str
    source: str
    folder: str
    cases: tuple[Annotation, ...]
    susp_path: Path
    source_path: Path


def read_text(path: Path) -> str:
    """Read a corpus file: UTF-8 (a BOM is dropped), falling back to Windows-1252."""
    data = path.read_bytes()
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


def _obfuscation(attrs: dict[str, str], folder: str) -> str:
    if "obfuscation" in attrs:
        return attrs["obfuscation"]
    if attrs.get("type") == "translation-chain":
        return "translation"
    # No attribute: name the type after the folder ("04-translation-obfuscation").
    return re.sub(r"^\d+-|-obfuscation$", "", folder)


def _parse_pan_xml(path: Path, folder: str) -> list[Annotation]:
    try:
        root = ET.parse(path).getroot()
    except ET.ParseError as exc:
        msg = f"{path}: not a PAN annotation file ({exc}); check the corpus folder"
        raise InputError(msg) from None
    susp = root.get("reference", "")
    cases = []
    for feature in root.iter("feature"):
        attrs = dict(feature.attrib)
        if attrs.get("name") != "plagiarism":
            continue  # "about" and "md5" features of the summary part are not cases
        cases.append(
            Annotation(
                susp=susp,
                susp_offset=int(attrs["this_offset"]),
                susp_length=int(attrs["this_length"]),
                source=attrs["source_reference"],
                source_offset=int(attrs["source_offset"]),
                source_length=int(attrs["source_length"]),
                obfuscation=_obfuscation(attrs, folder),
            )
        )
    return cases


def load_pan(root: Path | str) -> list[PanPair]:
    """Load a PAN text-alignment corpus: every pair listed in ``root/pairs``, with its cases.

    Parameters
    ----------
    root : path
        The corpus folder, holding ``pairs``, ``src/``, ``susp/`` and the XML annotations
        (``<susp stem>-<source stem>.xml``) in any sub-folder.

    Returns
    -------
    list of PanPair
        In the order of the ``pairs`` file. ``folder`` is the name of the folder holding the
        pair's XML file (``02-no-obfuscation``), or ``""`` when there is none.

    Raises
    ------
    InputError
        If ``root/pairs`` is missing or malformed, or an annotation file cannot be parsed.
    """
    root = Path(root)
    pairs_file = root / "pairs"
    if not pairs_file.is_file():
        msg = f"{pairs_file} not found: point at a PAN text-alignment corpus folder"
        raise InputError(msg)
    xmls = {p.name: p for p in root.rglob("*.xml")}
    out = []
    for n, line in enumerate(pairs_file.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        parts = line.split()
        if len(parts) != 2:
            msg = f"{pairs_file}:{n}: expected 'suspicious-file source-file', got {line!r}"
            raise InputError(msg)
        susp, source = parts
        xml = xmls.get(f"{Path(susp).stem}-{Path(source).stem}.xml")
        folder = xml.parent.name if xml is not None else ""
        cases = _parse_pan_xml(xml, folder) if xml is not None else []
        out.append(
            PanPair(
                susp=susp,
                source=source,
                folder=folder,
                cases=tuple(c for c in cases if c.source == source),
                susp_path=root / "susp" / susp,
                source_path=root / "src" / source,
            )
        )
    return out


@dataclass(frozen=True, slots=True, kw_only=True)
class PanScores:
    """PAN's character-level measures over a set of cases and detections."""

    precision: float
    recall: float
    granularity: float
    plagdet: float
    cases: int
    detections: int
    detected_cases: int

    def to_dict(self) -> dict[str, float | int]:
        """Return the scores as a plain dict (floats rounded to 4 places)."""
        return {
            "precision": round(self.precision, 4),
            "recall": round(self.recall, 4),
            "granularity": round(self.granularity, 4),
            "plagdet": round(self.plagdet, 4),
            "cases": self.cases,
            "detections": self.detections,
            "detected_cases": self.detected_cases,
        }


def _overlaps(a: Interval, b: Interval) -> bool:
    return a[0] < b[1] and b[0] < a[1]


def _detects(x: Annotation, y: Annotation) -> bool:
    """PAN's ``is_overlapping``: same documents, overlapping passages in both of them."""
    return (
        x.susp == y.susp
        and x.source == y.source
        and _overlaps(x.susp_span, y.susp_span)
        and _overlaps(x.source_span, y.source_span)
    )


def _covered(span: Interval, others: Iterable[Interval]) -> int:
    """Characters of ``span`` inside the union of ``others``."""
    clipped = sorted(
        (max(span[0], a), min(span[1], b)) for a, b in others if a < span[1] and span[0] < b
    )
    total, reach = 0, span[0]
    for a, b in clipped:
        start = max(a, reach)
        if b > start:
            total += b - start
            reach = b
    return total


def _macro_recall(cases: Sequence[Annotation], detections: Sequence[Annotation]) -> float:
    """Mean over cases of the share of each case's characters (both documents) detected."""
    if not cases and not detections:
        return 1.0
    if not cases or not detections:
        return 0.0
    by_pair: dict[tuple[str, str], list[Annotation]] = defaultdict(list)
    for det in detections:
        by_pair[det.susp, det.source].append(det)
    total = 0.0
    for case in cases:
        hits = [d for d in by_pair.get((case.susp, case.source), ()) if _detects(case, d)]
        if not hits:
            continue
        chars = _covered(case.susp_span, (d.susp_span for d in hits)) + _covered(
            case.source_span, (d.source_span for d in hits)
        )
        total += chars / (case.susp_length + case.source_length)
    return total / len(cases)


def pan_scores(cases: Sequence[Annotation], detections: Sequence[Annotation]) -> PanScores:
    """PAN's precision, recall, granularity and plagdet (Potthast et al. 2010).

    * recall: mean over cases ``s`` of ``|s ⊓ ∪R| / |s|``, where ``s ⊓ r`` is the characters
      of ``s`` (suspicious and source passage together) inside a detection ``r`` that detects
      ``s`` (overlaps it in both documents);
    * precision: the same with the roles of cases and detections swapped;
    * granularity: mean number of detections per *detected* case (1 is ideal);
    * plagdet: ``F1 / log2(1 + granularity)``.

    With neither cases nor detections, precision and recall are 1; with only one of the two,
    both are 0 (as in PAN's reference implementation).

    Examples
    --------
    One case of 10 + 10 characters, detected by two halves:

    >>> case = Annotation(susp="s", susp_offset=0, susp_length=10, source="r",
    ...                   source_offset=0, source_length=10)
    >>> halves = [Annotation(susp="s", susp_offset=o, susp_length=5, source="r",
    ...                      source_offset=o, source_length=5) for o in (0, 5)]
    >>> s = pan_scores([case], halves)
    >>> s.recall, s.precision, s.granularity, round(s.plagdet, 4)
    (1.0, 1.0, 2.0, 0.6309)
    """
    recall = _macro_recall(cases, detections)
    precision = _macro_recall(detections, cases)
    by_pair: dict[tuple[str, str], list[Annotation]] = defaultdict(list)
    for det in detections:
        by_pair[det.susp, det.source].append(det)
    per_case = [
        sum(_detects(case, d) for d in by_pair.get((case.susp, case.source), ())) for case in cases
    ]
    detected = [n for n in per_case if n > 0]
    granularity = sum(detected) / len(detected) if detected else 1.0
    if precision + recall == 0:
        plagdet = 0.0
    else:
        f1 = 2 * precision * recall / (precision + recall)
        plagdet = f1 / math.log2(1 + granularity)
    return PanScores(
        precision=precision,
        recall=recall,
        granularity=granularity,
        plagdet=plagdet,
        cases=len(cases),
        detections=len(detections),
        detected_cases=len(detected),
    )


# --------------------------------------------------------------------------------------------
# Sentence pairs and short answers
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True, kw_only=True)
class SentencePair:
    """A labelled sentence pair; ``label`` is 1 for a paraphrase, 0 for a non-paraphrase."""

    id: str
    a: str
    b: str
    label: int


def load_sentence_pairs(path: Path | str, kind: str) -> list[SentencePair]:
    """Load MRPC (``kind="mrpc"``) or PAWS (``kind="paws"``) tab-separated sentence pairs.

    Lines are split on tabs with no quote handling (sentences contain ``"``; a CSV reader
    would merge lines). MRPC has a header row and ``Quality`` first; PAWS has no header and
    ``id, sentence1, sentence2, label``. A BOM and CRLF line ends are accepted.

    Raises
    ------
    InputError
        If ``kind`` is unknown or a row does not have the expected fields.
    """
    path = Path(path)
    if kind not in {"mrpc", "paws"}:
        msg = f"unknown sentence-pair format {kind!r}: use 'mrpc' or 'paws'"
        raise InputError(msg)
    lines = read_text(path).splitlines()
    if kind == "mrpc" and lines and lines[0].startswith("Quality"):
        lines = lines[1:]
    out = []
    for n, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        fields = line.split("\t")
        if len(fields) != (5 if kind == "mrpc" else 4):
            msg = f"{path}:{n}: {len(fields)} tab-separated fields; is this {kind.upper()}?"
            raise InputError(msg)
        if kind == "mrpc":
            label, id1, id2, a, b = fields
            pair_id = f"{id1}-{id2}"
        else:
            pair_id, a, b, label = fields
        if label.strip() not in {"0", "1"}:
            msg = f"{path}:{n}: label {label!r} is not 0 or 1"
            raise InputError(msg)
        out.append(SentencePair(id=pair_id, a=a, b=b, label=int(label)))
    return out


@dataclass(frozen=True, slots=True, kw_only=True)
class CloughAnswer:
    """A Clough & Stevenson answer, its category (cut, light, heavy, non) and task source."""

    file: str
    task: str
    category: str
    text: str
    source_text: str

    @property
    def plagiarised(self) -> bool:
        """True for cut, light and heavy revisions of the source."""
        return self.category != "non"


def load_clough_stevenson(root: Path | str) -> list[CloughAnswer]:
    """Load the answers of the Clough & Stevenson corpus, each with its task's source text.

    Raises
    ------
    InputError
        If ``file_information.csv`` or a listed file is missing.
    """
    root = Path(root)
    info = root / "file_information.csv"
    if not info.is_file():
        msg = f"{info} not found: point at the Clough & Stevenson corpus folder"
        raise InputError(msg)
    sources: dict[str, str] = {}
    out = []
    with info.open(encoding="utf-8-sig", newline="") as fh:
        for row in csv.DictReader(fh):
            task, category = row["Task"], row["Category"]
            if category == "orig":
                continue
            if task not in sources:
                orig = root / f"orig_task{task}.txt"
                if not orig.is_file():
                    msg = f"{orig} not found: the corpus folder is incomplete"
                    raise InputError(msg)
                sources[task] = read_text(orig)
            answer = root / row["File"]
            if not answer.is_file():
                msg = f"{answer} listed in {info.name} but not found"
                raise InputError(msg)
            out.append(
                CloughAnswer(
                    file=row["File"],
                    task=task,
                    category=category,
                    text=read_text(answer),
                    source_text=sources[task],
                )
            )
    return out


# --------------------------------------------------------------------------------------------
# Classification metrics and calibration
# --------------------------------------------------------------------------------------------


def confusion_matrix(
    gold: Sequence[str], predicted: Sequence[str], labels: Sequence[str]
) -> list[list[int]]:
    """Count ``m[i][j]``, the items with gold ``labels[i]`` predicted as ``labels[j]``.

    Examples
    --------
    >>> confusion_matrix(["a", "a", "b"], ["a", "b", "b"], ["a", "b"])
    [[1, 1], [0, 1]]
    """
    if len(gold) != len(predicted):
        msg = f"{len(gold)} gold labels but {len(predicted)} predictions"
        raise InputError(msg)
    index = {label: i for i, label in enumerate(labels)}
    matrix = [[0] * len(labels) for _ in labels]
    for g, p in zip(gold, predicted, strict=True):
        matrix[index[g]][index[p]] += 1
    return matrix


def label_scores(
    gold: Sequence[str], predicted: Sequence[str]
) -> dict[str, dict[str, float | int]]:
    """Precision, recall, F1 and support per label, and overall accuracy under ``"_all"``.

    A label never predicted has precision 0; one never in the gold labels has recall 0.

    Examples
    --------
    >>> s = label_scores(["p", "p", "d", "d"], ["p", "d", "d", "d"])
    >>> s["p"]["precision"], s["p"]["recall"], round(s["d"]["f1"], 4), s["_all"]["accuracy"]
    (1.0, 0.5, 0.8, 0.75)
    """
    if len(gold) != len(predicted):
        msg = f"{len(gold)} gold labels but {len(predicted)} predictions"
        raise InputError(msg)
    tp: Counter[str] = Counter()
    n_pred = Counter(predicted)
    n_gold = Counter(gold)
    for g, p in zip(gold, predicted, strict=True):
        if g == p:
            tp[g] += 1
    out: dict[str, dict[str, float | int]] = {}
    for label in sorted(set(gold) | set(predicted)):
        precision = tp[label] / n_pred[label] if n_pred[label] else 0.0
        recall = tp[label] / n_gold[label] if n_gold[label] else 0.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        out[label] = {"precision": precision, "recall": recall, "f1": f1, "support": n_gold[label]}
    out["_all"] = {"accuracy": sum(tp.values()) / len(gold) if gold else 0.0, "support": len(gold)}
    return out


@dataclass(frozen=True, slots=True, kw_only=True)
class ReliabilityBin:
    """One bin of a reliability diagram: scores in ``[low, high)`` and how often they held."""

    low: float
    high: float
    count: int
    mean_score: float
    positive_rate: float


def reliability(
    scores: Sequence[float], outcomes: Sequence[bool], bins: int = 10
) -> tuple[list[ReliabilityBin], float]:
    """Bin scores in ``[0, 1]`` into equal-width bins; return the bins and the ECE.

    The expected calibration error is ``Σ count/N · |mean_score − positive_rate|`` over the
    non-empty bins. A score of exactly 1 falls in the last bin.

    Examples
    --------
    >>> b, ece = reliability([0.1, 0.2, 0.9, 0.8], [False, True, True, True], bins=2)
    >>> [(x.count, x.mean_score, x.positive_rate) for x in b]
    [(2, 0.15000000000000002, 0.5), (2, 0.8500000000000001, 1.0)]
    >>> round(ece, 4)
    0.25
    """
    if len(scores) != len(outcomes):
        msg = f"{len(scores)} scores but {len(outcomes)} outcomes"
        raise InputError(msg)
    if bins < 1:
        msg = "reliability() needs at least one bin"
        raise InputError(msg)
    members: list[list[tuple[float, bool]]] = [[] for _ in range(bins)]
    for score, outcome in zip(scores, outcomes, strict=True):
        k = min(bins - 1, max(0, int(score * bins)))
        members[k].append((score, outcome))
    out = []
    ece = 0.0
    total = len(scores)
    for k, items in enumerate(members):
        if not items:
            continue
        mean = sum(s for s, _ in items) / len(items)
        rate = sum(o for _, o in items) / len(items)
        out.append(
            ReliabilityBin(
                low=k / bins,
                high=(k + 1) / bins,
                count=len(items),
                mean_score=mean,
                positive_rate=rate,
            )
        )
        ece += len(items) / total * abs(mean - rate)
    return out, ece


# --------------------------------------------------------------------------------------------
# Running the detector on a corpus item
# --------------------------------------------------------------------------------------------


def sentence_pair_label(
    a: str, b: str, config: DetectorConfig | None = None, *, cosine: float | None = None
) -> tuple[Label, float]:
    """Label two sentences as one aligned pair, the way :func:`compare` labels a pair.

    Each text is taken whole (not split into sentences), so a corpus item that happens to
    hold two sentences is still judged as one unit. ``cosine``, the pair's embedding cosine
    (:class:`~rewrite_detect.semantic.SemanticScorer`), is blended in as ``compare`` does with
    a scorer. Returns the label and the similarity.

    Examples
    --------
    >>> sentence_pair_label("Ramsey hired Gedge in 1805.", "Gedge hired Ramsey in 1805.")[0]
    <Label.DIVERGENT: 'divergent'>
    """
    config = config or DetectorConfig()
    fa, fb = features(a, config.language), features(b, config.language)
    similarity, content, token, char = pair_similarity(fa, fb, config)
    evidence = gather_evidence(
        fa,
        fb,
        similarity=similarity,
        content=content,
        token=token,
        char=char,
        language=config.language,
    )
    if cosine is not None:
        evidence = with_semantic(evidence, cosine)
    return decide_label(evidence, config)[0], similarity


def pan_detections(
    pair: PanPair,
    config: DetectorConfig | None = None,
    *,
    semantic: SemanticScorer | None = None,
    **passage_options: Any,
) -> list[Annotation]:
    """Compare a PAN pair (source against suspicious document) and return its passages.

    ``semantic`` goes to :func:`~rewrite_detect.compare`; ``passage_options`` to
    :func:`~rewrite_detect.passages.reused_passages`.
    """
    result = compare(
        read_text(pair.source_path), read_text(pair.susp_path), config=config, semantic=semantic
    )
    return [
        Annotation(
            susp=pair.susp,
            susp_offset=p.target_span[0],
            susp_length=p.target_span[1] - p.target_span[0],
            source=pair.source,
            source_offset=p.source_span[0],
            source_length=p.source_span[1] - p.source_span[0],
        )
        for p in reused_passages(result, **passage_options)
    ]
