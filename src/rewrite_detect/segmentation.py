"""Segmentation: page furniture out, sentences with exact character offsets in.

Three steps, each keeping offsets into the original text:

1. **Boilerplate.** Lines that are page furniture ("top of page", "0 views0 comments",
   "Update: 6:08 p.m.", copyright notices, share/subscribe prompts, bylines) and furniture
   prefixes ("Washington Post | ", "WASHINGTON (AP) — ") are set aside as :class:`Skipped`
   with the rule that matched, so nothing disappears silently.
2. **Units.** Each remaining line is a unit (headlines and bullet items have no final
   punctuation but are sentences of their own); lines that are hard-wrapped prose are joined.
3. **Sentences.** blingfire finds sentence boundaries inside a unit (fast, C++, offsets); a
   repair pass then re-joins what it cuts inside a quotation (``"We will win. We always win."``)
   or before a lower-case continuation (``"Is it over?" she asked.``). See
   ``benchmarks/bench_segmentation.py`` for the measurement against pysbd behind this choice.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterator
from dataclasses import dataclass

import blingfire

from rewrite_detect.models import Sentence, Skipped
from rewrite_detect.normalize import strip_invisible, unconfuse

__all__ = ["MAX_SENTENCE_CHARS", "Segmentation", "segment"]

_FULL_LINE_RULES: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (reason, re.compile(pattern, re.IGNORECASE))
    for reason, pattern in (
        ("navigation", r"(top|bottom) of (the )?page|back to top|skip to (main )?content"),
        # A menu: three or more items of one to three words, between bars or bullets.
        (
            "navigation",
            r"[^\W\d][\w'&.-]*( [\w'&.-]+){0,2}"
            r"( ?[|•·»] ?[^\W\d][\w'&.-]*( [\w'&.-]+){0,2}){2,} ?[|•·»]?",
        ),
        ("engagement counter", r"(\d[\d,.]*k?\s*(views?|comments?|likes?|shares?)\s*)+"),
        (
            "timestamp",
            r"(last )?(updated?|published|posted)( on| at)?:?\s+[\w ,.:]{0,40}?"
            r"\d{1,2}[:.]\d{2}\s*([ap]\.?m\.?)?( [A-Z]{2,4})?\.?",
        ),
        ("timestamp", r"(last )?(updated?|published|posted)( on)?:?\s+\w+\.? \d{1,2},? \d{4}\.?"),
        # "Copyright 2023 …" or "© …", not a sentence about copyright law.
        ("copyright", r"(copyright\s*)?(©|\(c\)).{0,400}|copyright\s+\d{4}\b.{0,400}"),
        ("copyright", r".{0,200}\ball rights reserved\b.{0,300}"),
        ("copyright", r"this material may not be published.{0,200}"),
        (
            "share/subscribe",
            r"(share( this( article| story)?| on \w+)?|tweet|e-?mail|print|comments?|"
            r"subscribe( to| now| today| for)\b.{0,80}|"
            r"sign up( for| to| now| today| here)\b.{0,80}|follow us\b.{0,60}|click here\b.{0,80}|"
            r"read more\b.{0,80}|advertisement|sponsored( content)?|related( articles?| stories)?:?"
            r"|see also\b.{0,60}|listen to (this|the) (article|story)\b.{0,40}|"
            r"(get|sign up for) (our|the) newsletter\b.{0,60}|regular the \w+ posts"
            r"|(more|latest|popular|trending) (stories|posts|news)( from [\w ]{1,40})?)[.:!]?",
        ),
        ("photo credit", r"\(?(photo|image|file photo|video)( by|:| credit:?)\s.{0,80}"),
        ("separator", r"[\W_]{1,80}"),
    )
)
# Bylines are matched case-sensitively: "By" followed by capitalised names.
_NAME = r"[A-Z][\w.'’-]+(?: [A-Z][\w.'’-]+){0,3}"
_NOT_A_NAME = (
    r"(?!(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday|January|February|March|"
    r"April|May|June|July|August|September|October|November|December|The|Then|Now|Early|Late|"
    r"Last|Next|This|That)\b)"
)
_BYLINE_RE = re.compile(
    rf"(?:By|BY)\s+{_NOT_A_NAME}{_NAME}(?:(?:,| and| &)\s+{_NOT_A_NAME}{_NAME})*"
    rf"(?:\s*[,|–—-]\s*{_NAME})?"
)
_PREFIX_RULES: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("source prefix", re.compile(r"[A-Z][\w.&'’ -]{1,40}?\s+\|\s+(?=\S)")),
    (
        "dateline",
        re.compile(
            r"[A-Z]{2}[A-Z .'’-]{0,30}(?:,\s+[A-Z][\w.]+(?:\s+[A-Z][\w.]+){0,2})?"
            r"(?:\s*\([A-Za-z .]{1,30}\))?(?:\s*(?:—|–|--)|\s+-)\s+(?=\S)"
        ),
    ),
)
# A parenthesised credit inside a paragraph: "(The Washington Post/Blair Guild)", "(AP Photo)".
_CREDIT_RE = re.compile(
    r"\((?:[^()/]{1,60}/[^()/]{1,60}|[^()]{0,40}\b(?:Photo|Photos|Images|Credit|Getty|AP|AFP|"
    r"Reuters)\b[^()]{0,40})\)\.?"
)
_TERMINAL = frozenset(".!?:;\"”’')]…")
_BULLET_RE = re.compile(r"(?:[-*•·▪◦‣–—]|\d{1,3}[.)])\s+")
_MAX_QUOTE_MERGES = 4
MAX_SENTENCE_CHARS = 1000
"""Longest sentence; longer runs of text without a sentence end are cut at white space."""
# A unit without end punctuation followed by a space holds one sentence at most.
# Chinese and Japanese full stops need no space after them.
_POSSIBLE_END_RE = re.compile(r"[.!?…][\"”’')\]]*\s|[。！？]")


@dataclass(frozen=True, slots=True, kw_only=True)
class Segmentation:
    """Sentences and skipped boilerplate of one text, in text order."""

    sentences: tuple[Sentence, ...]
    skipped: tuple[Skipped, ...]


def segment(text: str) -> Segmentation:
    r"""Split ``text`` into sentences with character offsets, setting page furniture aside.

    Parameters
    ----------
    text : str
        The document text.

    Returns
    -------
    Segmentation
        ``sentences[i].text == text[start:end]`` for every sentence, and every skipped
        stretch records the rule that matched it.

    Examples
    --------
    >>> seg = segment("top of page\nThe U.S. Army said so. He left.")
    >>> [s.text for s in seg.sentences]
    ['The U.S. Army said so.', 'He left.']
    >>> seg.skipped[0].reason
    'navigation'
    """
    skipped: list[Skipped] = []
    content_lines: list[tuple[int, int]] = []
    # Rules read a copy with look-alike letters made Latin (same length, same offsets), so
    # that a spinner's "tоp оf pаge" in Cyrillic letters is still page furniture.
    probe = unconfuse(text)
    for line_start, end in _lines(text):
        start = line_start
        line = probe[start:end]
        reason = _full_line_reason(strip_invisible(line))
        if reason is not None:
            skipped.append(Skipped(start=start, end=end, text=line, reason=reason))
            content_lines.append((-1, -1))
            continue
        for prefix_reason, rule in _PREFIX_RULES:
            match = rule.match(line)
            if match and len(line) - match.end() > 20:
                cut = start + match.end()
                kept = text[start:cut].rstrip()
                skipped.append(
                    Skipped(start=start, end=start + len(kept), text=kept, reason=prefix_reason)
                )
                start = cut
                break
        content_lines.append((start, end))
    sentences: list[Sentence] = []
    for unit_start, unit_end in _units(text, content_lines):
        for found_start, s_end in _sentences_in(text, unit_start, unit_end):
            s_start = found_start
            credit = _CREDIT_RE.match(probe, s_start, s_end)
            if credit:
                skipped.append(
                    Skipped(
                        start=s_start,
                        end=credit.end(),
                        text=text[s_start : credit.end()],
                        reason="photo credit",
                    )
                )
                s_start = credit.end()
                while s_start < s_end and text[s_start].isspace():
                    s_start += 1
                if s_start == s_end:
                    continue
            sentences.append(
                Sentence(index=len(sentences), start=s_start, end=s_end, text=text[s_start:s_end])
            )
    skipped.sort(key=lambda skip: skip.start)
    return Segmentation(sentences=tuple(sentences), skipped=tuple(skipped))


def _lines(text: str) -> Iterator[tuple[int, int]]:
    """Yield (start, end) of each non-blank line, trimmed of surrounding white space."""
    for match in re.finditer(r"[^\n\r\u2028\u2029]+", text):
        start, end = match.span()
        while start < end and text[start].isspace():
            start += 1
        while end > start and text[end - 1].isspace():
            end -= 1
        if start < end:
            yield start, end


def _full_line_reason(line: str) -> str | None:
    for reason, rule in _FULL_LINE_RULES:
        if rule.fullmatch(line):
            return reason
    if _BYLINE_RE.fullmatch(line) and len(line) <= 120:
        return "byline"
    return None


def _units(text: str, lines: list[tuple[int, int]]) -> Iterator[tuple[int, int]]:
    """Group content lines into units: a paragraph line, a headline, or wrapped prose.

    A skipped line (``(-1, -1)``) or a blank line ends a unit. A line joins the previous one
    when that one ends without final punctuation and this one starts in lower case, or when
    the whole block is hard-wrapped prose (most of its lines end mid-sentence).
    """
    blocks: list[list[tuple[int, int]]] = [[]]
    previous_end = None
    for start, end in lines:
        blank_between = (
            previous_end is not None and start >= 0 and "\n\n" in _squeeze(text[previous_end:start])
        )
        if start < 0 or blank_between:
            blocks.append([])
        if start >= 0:
            blocks[-1].append((start, end))
            previous_end = end
        else:
            previous_end = None
    for block in blocks:
        if not block:
            continue
        breaks = list(itertools.pairwise(block))
        open_breaks = [
            (line, nxt)
            for line, nxt in breaks
            if text[line[1] - 1] not in _TERMINAL and not _is_bullet(text, line[0])
        ]
        # Hard-wrapped prose: most lines end mid-sentence and at least one line goes on in
        # lower case. A headline over a subheading over body text is not that.
        wrapped = (
            len(block) >= 3
            and len(open_breaks) > len(breaks) / 2
            and any(text[nxt[0]].islower() for _, nxt in open_breaks)
        )
        unit_start, unit_end = block[0]
        for start, end in block[1:]:
            joins = (
                text[unit_end - 1] not in _TERMINAL
                and not _is_bullet(text, start)
                and (wrapped or text[start].islower())
            )
            if joins:
                unit_end = end
            else:
                yield unit_start, unit_end
                unit_start, unit_end = start, end
        yield unit_start, unit_end


def _is_bullet(text: str, start: int) -> bool:
    return _BULLET_RE.match(text, start) is not None


def _squeeze(gap: str) -> str:
    return re.sub(r"[^\S\n]+", "", gap.replace("\r\n", "\n").replace("\r", "\n"))


def _sentences_in(text: str, start: int, end: int) -> Iterator[tuple[int, int]]:
    bullet = _BULLET_RE.match(text, start, end)
    if bullet and end - bullet.end() > 0:
        start = bullet.end()
    unit = text[start:end]
    # blingfire reads one line; a soft line break inside a unit is a space to it.
    flat = re.sub(r"[\n\r\u2028\u2029]", " ", unit)
    spans = [piece for span in _repair(flat, _boundaries(flat)) for piece in _cap(flat, *span)]
    for a, b in spans:
        lo, hi = a, b
        while lo < hi and flat[lo].isspace():
            lo += 1
        while hi > lo and flat[hi - 1].isspace():
            hi -= 1
        if lo < hi:
            yield start + lo, start + hi


def _boundaries(flat: str) -> list[tuple[int, int]]:
    """Sentence spans of one unit (a line of text with no line breaks)."""
    if not _POSSIBLE_END_RE.search(flat):
        return [(0, len(flat))]
    # blingfire's offsets come from a Python loop over every token; its plain sentence
    # splitter is C throughout. Each sentence is found again in the text, in order.
    spans = []
    pos = 0
    for sentence in blingfire.text_to_sentences(flat).split("\n"):
        if not sentence:
            continue
        found = flat.find(sentence, pos)
        if found < 0:  # blingfire changed the characters: fall back to its own offsets
            _, offsets = blingfire.text_to_sentences_and_offsets(flat)
            return [(a, b) for a, b in offsets if b > a] or [(0, len(flat))]
        spans.append((found, found + len(sentence)))
        pos = found + len(sentence)
    return spans or [(0, len(flat))]


def _cap(text: str, start: int, end: int) -> Iterator[tuple[int, int]]:
    """Cut a run-on "sentence" (no punctuation for pages) into pieces at white space.

    Comparing two sentences costs the product of their lengths, so one 5 MB line must not be
    one sentence.
    """
    while end - start > MAX_SENTENCE_CHARS:
        cut = text.rfind(" ", start + MAX_SENTENCE_CHARS // 2, start + MAX_SENTENCE_CHARS)
        if cut <= start:
            cut = start + MAX_SENTENCE_CHARS
        yield start, cut
        start = cut
    yield start, end


def _repair(text: str, spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Re-join cuts made inside an open quotation or before a lower-case continuation."""
    out: list[tuple[int, int]] = []
    merges = 0
    for a, b in spans:
        if out:
            pa, pb = out[-1]
            head = text[a:b].lstrip()
            inside_quote = _quote_open(text[pa:pb]) and merges < _MAX_QUOTE_MERGES
            continues = bool(head) and (head[0].islower() or head[0] in ",;")
            if inside_quote or continues:
                out[-1] = (pa, b)
                merges = merges + 1 if inside_quote else merges
                continue
        merges = 0
        out.append((a, b))
    return out


def _quote_open(sentence: str) -> bool:
    """Tell whether a double quotation opened in ``sentence`` is left open."""
    if sentence.count("\u201c") > sentence.count("\u201d"):
        return True
    return sentence.count('"') % 2 == 1
