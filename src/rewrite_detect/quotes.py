"""Quotations: who said what, and what a rewrite did to the words inside the quote marks.

Extraction (:func:`extract_quotes`) is a scanner over quote marks, one paragraph (line) at a
time:

- ``“`` and ``«`` always open, ``”`` and ``»`` always close; a straight ``"`` opens or closes
  by what stands around it (space before and a word after: opening). Single quotes
  (``‘ ’ '``) count only inside a double quotation, as nested quotations; a single mark
  between two letters is an apostrophe.
- A quotation left open at the end of a paragraph continues only when the next paragraph
  starts with an opening mark (the convention for quotations over several paragraphs);
  otherwise it was an unbalanced mark and is dropped. An opening mark met while a quotation
  of the same kind is open also means the first one was unbalanced: scanning starts again
  from the new mark. So a stray mark never swallows the rest of the document.
- Two quotations separated only by a short attribution (``"We…," he said, "and…"``) are one.

The speaker comes from the attribution next to the quotation (``said``, ``told``,
``added``, ``according to`` and other speech verbs, before or after it), else from a speech
verb in the same sentence, else from the nearest named speaker just before it (a quotation
that continues someone's statement). Pronouns resolve to the nearest named speaker before
them, surnames to the full name used earlier in the text, and titles ("the national security
adviser") to the person the text introduced with that title.

Comparison (:func:`compare_quotes`) matches every target quotation with the most similar
source quotation and tells what became of it (:class:`~rewrite_detect.models.QuoteStatus`).
"""

from __future__ import annotations

import bisect
import difflib
import functools
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field, replace

from rapidfuzz import fuzz, process

from rewrite_detect.align import pair_similarity
from rewrite_detect.classify import decide_label
from rewrite_detect.config import DetectorConfig
from rewrite_detect.models import (
    AlignedPair,
    Change,
    Evidence,
    Label,
    Quote,
    QuoteFinding,
    QuoteStatus,
)
from rewrite_detect.normalize import (
    features,
    fold,
    normalize_for_match,
    stopwords,
    strip_invisible,
    unconfuse,
    zipf,
)

__all__ = [
    "CLOSING_MARKS",
    "OPENING_MARKS",
    "QuoteContext",
    "compare_quotes",
    "extract_quotes",
]

Span = tuple[int, int]

OPENING_MARKS = '"\u201c\u00ab'
"""Characters a quotation can start with: ``"``, ``“`` and ``«``."""
CLOSING_MARKS = '"\u201d\u00bb'
"""Characters a quotation can end with: ``"``, ``”`` and ``»``."""

_CURLY_OPEN = "\u201c\u00ab"
_CURLY_CLOSE = "\u201d\u00bb"
_STRAIGHT = '"'
_SINGLE_OPEN = "\u2018'"
_SINGLE_CLOSE = "\u2019'"
_MARK_RE = re.compile("[\"\u201c\u201d\u00ab\u00bb\u2018\u2019']")
_PARAGRAPH_RE = re.compile("[^\n\r\u2028\u2029]+")
_OPEN_BEFORE = "([{\u2014\u2013-/" + _CURLY_OPEN + "\u2018"
_CLOSE_AFTER = ".,;:!?)]}\u2014\u2013-\u2026" + _CURLY_CLOSE + "\u2019'\""
_MAX_PART = 3000
"""Longest stretch (characters) between an opening and a closing mark taken as one piece."""
_MAX_ATTRIBUTION = 80
_CONTINUATION_REACH = 400
"""An unattributed quotation continues the statement of a named speaker this close before."""

_VERBS = (
    "said|says|say|told|tells|added|adds|noted|notes|stated|states|explained|explains|wrote|"
    "writes|asked|asks|replied|replies|responded|responds|remarked|remarks|declared|warned|"
    "warns|insisted|insists|argued|argues|continued|recalled|acknowledged|admitted|announced|"
    "claimed|claims|commented|emphasized|emphasised|stressed|observed|conceded|tweeted|posted|"
    "shared|suggested|predicted|cautioned|urged|concluded|maintained|confirmed|testified|"
    "reiterated"
)
_VERB = rf"(?:{_VERBS})\b"
_SPEECH_LEMMAS = frozenset(
    {
        *_VERBS.replace(" ", "|").split("|"),
        "say",
        "tell",
        "add",
        "note",
        "state",
        "explain",
        "write",
        "accord",
        "according",
        "interview",
    }
)
_STOP = r"[^,.;:!?\"\u201c\u201d\u00ab\u00bb\n]"
_TAIL_SUBJECT_RE = re.compile(
    rf"[\s,\u2014\u2013-]*(?P<who>{_STOP}{{1,100}}?)\s+(?:(?:also|then|later|again)\s+)?{_VERB}"
)
_TAIL_INVERTED_RE = re.compile(
    rf"[\s,\u2014\u2013-]*(?:{_VERB})\s+(?P<who>{_STOP}{{1,100}})", re.IGNORECASE
)
_ACCORDING_RE = re.compile(rf"[\s,\u2014\u2013-]*according to\s+(?P<who>{_STOP}{{1,100}})", re.I)
_LEAD_RE = re.compile(
    rf"(?<![\w'\u2019])(?P<who>{_STOP}{{1,100}}?)\s+(?:(?:also|then|later|again)\s+)?"
    rf"{_VERB}[^.;!?\"\u201c\u201d\u00ab\u00bb\n]{{0,80}}$"
)
_LEAD_ACCORDING_RE = re.compile(
    rf"according to\s+(?P<who>{_STOP}{{1,100}}?)\s*,[^.;!?\"\u201c\u201d\u00ab\u00bb\n]{{0,80}}$",
    re.IGNORECASE,
)
_VERB_LIST = (*_VERBS.split("|"), "according")
_ACCORDING_TO_RE = re.compile(r"\s+to\b", re.IGNORECASE)
_CLAUSE_REACH = 100
_WORD_CHARS = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_'\u2019-"
_ACCORDING_REST_RE = re.compile(r"\s+(?P<who>[^,.;:!?\"\u201c\u201d\u00ab\u00bb\n]{1,100})")
_STOP_CHARS = ',.;:!?"\u201c\u201d\u00ab\u00bb\n'
_TRAILING_ADVERB_RE = re.compile(r"\s(?:also|then|later|again)$")
_APPOSITIVE_HEAD_RE = re.compile(r"\s+(?:a|an|the)\s+\S")
_MAX_NAME_CHARS = 60
_POSSESSIVE_RE = re.compile(r"['\u2019]s?$")
_WORD_BEFORE_RE = re.compile(r"([A-Za-z]+)\s+$")
_APPOSED_RE = re.compile(r",\s+(?:a|an|the)\s+(?:former\s+)?[a-z]")
_APPOSITION_RE = re.compile(r"^(?P<name>.+?),\s+(?:a|an|the)\s+.+,\s*$")
_ATTRIBUTION_RE = re.compile(
    rf"\s*,?\s*(?P<attr>[^.!?;\"\u201c\u201d\u00ab\u00bb\n]{{1,{_MAX_ATTRIBUTION}}}?)\s*[,:]\s*"
)
_SENTENCE_END_RE = re.compile(r"(?<![A-Z])(?<!\b(?:Mr|Ms|Dr|St|Jr|Sr|Lt|No|vs))(?<!\bMrs)[.!?]\s")

_CAP = r"(?:[A-Z]\.|[A-Z\u00c0-\u00de][\w\-]*(?:['\u2019][\w\-]+)?)"
_PARTICLE = r"(?:de|van|von|der|den|al|bin|da|di|du|le|la|del|ibn)"
_NAME_RUN_RE = re.compile(rf"{_CAP}(?:[ \t]+(?:{_PARTICLE}[ \t]+)?{_CAP})*")
_AFTER_TITLE_RE = re.compile(rf"\s+(?P<run>{_NAME_RUN_RE.pattern})")
_BEFORE_TITLE_RE = re.compile(rf"(?P<run>{_NAME_RUN_RE.pattern}),\s+(?i:(?:the|a|an)\s+)?$")
_PRONOUNS = frozenset({"he", "she"})
_SKIP_PRONOUNS = frozenset({"they", "it", "we", "i", "you", "who", "which", "that", "this"})
_LEADING_JUNK = re.compile(r"^(?:and|but|while|as|so|then|also|,|\s)+", re.IGNORECASE)
_TITLE_WORDS = frozenset(
    {
        "mr",
        "mrs",
        "ms",
        "miss",
        "dr",
        "prof",
        "professor",
        "sir",
        "dame",
        "gen",
        "general",
        "sen",
        "senator",
        "rep",
        "representative",
        "gov",
        "governor",
        "president",
        "minister",
        "secretary",
        "director",
        "adviser",
        "advisor",
        "spokesman",
        "spokeswoman",
        "spokesperson",
        "chairman",
        "chairwoman",
        "chair",
        "ceo",
        "chief",
        "commander",
        "ambassador",
        "mayor",
        "judge",
        "justice",
        "officer",
        "prime",
        "vice",
        "deputy",
        "former",
        "king",
        "queen",
        "prince",
        "pope",
        "premier",
        "chancellor",
        "leader",
        "lt",
        "col",
        "capt",
        "sgt",
        "the",
    }
)
_PERSON_TITLES = _TITLE_WORDS - {"the"}
_ASCII_LOWER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")
_MAX_DESCRIPTION_WORDS = 12
_MAX_TITLE_WORDS = 5
_TITLE_REACH = 5000
"""How far back (characters) a title is looked for: a person is introduced near the quote."""
_GENERIC_ZIPF = 5.0
"""A lone capitalised word this common ("Officials", "Police") is a description, not a name."""


# --------------------------------------------------------------------------- scanning


@dataclass(slots=True)
class _Open:
    pos: int
    kind: str  # "straight", "curly" or "single"


@dataclass(slots=True)
class _Raw:
    pieces: list[Span]  # mark-inclusive; the last piece of a paragraph may lack its close
    nested: list[Span] = field(default_factory=list)


def _role(text: str, i: int) -> str:
    """``"open"``, ``"close"`` or ``"either"`` for a straight mark, from its neighbours."""
    before = text[i - 1] if i > 0 else "\n"
    after = text[i + 1] if i + 1 < len(text) else "\n"
    opens = (before.isspace() or before in _OPEN_BEFORE) and not after.isspace()
    closes = not before.isspace() and before not in _OPEN_BEFORE
    closes = closes and (after.isspace() or after in _CLOSE_AFTER)
    if opens and not closes:
        return "open"
    if closes and not opens:
        return "close"
    return "either"


def _scan(text: str) -> list[_Raw]:
    """Balanced double quotations (with their pieces over paragraphs) and nested quotes."""
    scanner = _Scanner(text)
    for para in _PARAGRAPH_RE.finditer(text):
        scanner.paragraph(*para.span())
    return scanner.found


class _Scanner:
    """State of the scan.

    The open marks of the current paragraph, and a quotation left open at the end of the
    previous paragraph that the next one may continue.
    """

    def __init__(self, text: str) -> None:
        self.text = text
        self.found: list[_Raw] = []
        self.pending: _Raw | None = None
        self.stack: list[_Open] = []
        self.nested: list[Span] = []

    def paragraph(self, start: int, end: int) -> None:
        head = self.text[start:end].lstrip()
        if self.pending is not None and not (head and head[0] in OPENING_MARKS):
            self.pending = None  # left open, and the next paragraph does not continue it
        self.stack = []
        self.nested = []
        for m in _MARK_RE.finditer(self.text, start, end):
            i = m.start()
            c = self.text[i]
            if c in _CURLY_OPEN:
                self._curly_open(i)
            elif c in _CURLY_CLOSE:
                self._curly_close(i)
            elif c == _STRAIGHT:
                self._straight(i)
            elif self.stack:
                _single(self.text, i, self.stack, self.nested)
        if self.stack:
            bottom = self.stack[0].pos
            while end > bottom + 1 and self.text[end - 1].isspace():
                end -= 1
            if self.pending is None:
                self.pending = _Raw(pieces=[])
            self.pending.pieces.append((bottom, end))
            self.pending.nested.extend(self.nested)
        else:
            self.pending = None

    def _kinds(self) -> list[str]:
        return [o.kind for o in self.stack]

    def _curly_open(self, i: int) -> None:
        if "curly" in self._kinds():
            self._restart(i, "curly")  # the open one was never closed
        else:
            self.stack.append(_Open(i, "curly"))  # maybe nested in a straight quotation

    def _curly_close(self, i: int) -> None:
        kinds = self._kinds()
        if "curly" in kinds and kinds.index("curly") > 0:
            _pop_to(self.stack, kinds.index("curly"), self.nested, i)
        elif self.stack:
            self._close(i)  # also mixed styles: "Hello,” he said

    def _straight(self, i: int) -> None:
        role = _role(self.text, i)
        kinds = self._kinds()
        if not kinds:
            if role != "close":
                self.stack.append(_Open(i, "straight"))
        elif "straight" in kinds:
            if role == "open":
                self._restart(i, "straight")
            elif kinds.index("straight") == 0:
                self._close(i)
            else:
                _pop_to(self.stack, kinds.index("straight"), self.nested, i)
        elif role == "open":
            self.stack.append(_Open(i, "straight"))  # nested inside a curly quotation
        elif role == "close" and kinds == ["curly"]:
            self._close(i)  # mixed styles: “Hello," he said

    def _restart(self, at: int, kind: str) -> None:
        self.pending = None
        self.nested = []
        self.stack = [_Open(at, kind)]

    def _close(self, at: int) -> None:
        """Close the outermost quotation at ``at``."""
        bottom = self.stack[0]
        self.stack = []
        nested, self.nested = self.nested, []
        raw, self.pending = self.pending, None
        if at + 1 - bottom.pos > _MAX_PART:
            return  # too long for one piece: a stray mark far before
        if raw is None:
            raw = _Raw(pieces=[])
        raw.pieces.append((bottom.pos, at + 1))
        raw.nested.extend(nested)
        self.found.append(raw)


def _pop_to(stack: list[_Open], k: int, nested: list[Span], at: int) -> None:
    """Close the entry ``k`` of the stack (not the bottom): a nested quotation ends at ``at``."""
    if k <= 0:
        return
    nested.append((stack[k].pos, at + 1))
    del stack[k:]


def _single(text: str, i: int, stack: list[_Open], nested: list[Span]) -> None:
    """Open or close a nested single quotation at ``i``, or let an apostrophe pass."""
    before = text[i - 1] if i > 0 else "\n"
    after = text[i + 1] if i + 1 < len(text) else "\n"
    if before.isalnum() and after.isalnum():
        return  # an apostrophe: don't, Russia's
    c = text[i]
    opens = c in _SINGLE_OPEN and (
        before.isspace() or before in _OPEN_BEFORE or before in OPENING_MARKS
    )
    if opens and not after.isspace():
        stack.append(_Open(i, "single"))
        return
    closes = after.isspace() or after in _CLOSE_AFTER
    if c in _SINGLE_CLOSE and not before.isspace() and stack[-1].kind == "single" and closes:
        nested.append((stack[-1].pos, i + 1))
        stack.pop()


# --------------------------------------------------------------------------- speakers


@dataclass(slots=True)
class _Speaker:
    name: str
    span: Span
    is_name: bool


def _mask(text: str, raws: Sequence[_Raw]) -> str:
    """Blank every quotation's words (marks kept), leaving offsets unchanged."""
    chars = list(text)
    for raw in raws:
        for a, b in raw.pieces:
            for k in range(a + 1, b - 1):
                if chars[k] not in "\n\r":
                    chars[k] = "_"
    return "".join(chars)


def _sentence_bounds(masked: str, start: int, end: int) -> Span:
    """Start and end of the sentence (of the masked text) around ``[start, end)``."""
    para_start = max(masked.rfind("\n", 0, start), masked.rfind("\r", 0, start)) + 1
    para_end_n = [p for p in (masked.find("\n", end), masked.find("\r", end)) if p >= 0]
    para_end = min(para_end_n) if para_end_n else len(masked)
    s = para_start
    for m in _SENTENCE_END_RE.finditer(masked, para_start, start):
        s = m.end()
    e_match = _SENTENCE_END_RE.search(masked, end, para_end)
    e = e_match.start() + 1 if e_match else para_end
    return s, e


@functools.lru_cache(maxsize=8192)
def _name_from_run(run: str) -> str | None:
    """Return the personal name that ends a run of capitalised words.

    "CIA Director William J. Burns" gives "William J. Burns"; a run of titles gives ``None``.
    """
    tokens = [_POSSESSIVE_RE.sub("", t.rstrip(",")) for t in run.split()]
    while tokens and tokens[-1].rstrip(".").casefold() in _TITLE_WORDS:
        tokens.pop()
    if not tokens:
        return None
    name = [tokens[-1]]
    k = len(tokens) - 2
    while k >= 0 and len([t for t in name if not _is_initial(t)]) < 2:
        tok = tokens[k]
        if tok.rstrip(".").casefold() in _TITLE_WORDS:
            break
        name.insert(0, tok)
        k -= 1
    return " ".join(name).rstrip(".") if not _is_initial(name[-1]) else " ".join(name)


def _is_full(name: str) -> bool:
    """Tell whether a name has a first name and a surname (initials aside)."""
    return len([t for t in name.split() if not _is_initial(t)]) >= 2


def _is_initial(token: str) -> bool:
    return len(token) == 2 and token[0].isupper() and token[1] == "."


def _is_name(speaker: str) -> bool:
    tokens = speaker.split()
    return 0 < len(tokens) <= 4 and all(
        t[0].isupper() or re.fullmatch(_PARTICLE, t) for t in tokens
    )


class _Resolver:
    """Turns the words of an attribution into a speaker, with the document as context."""

    def __init__(self, text: str, masked: str) -> None:
        self.text = text
        self.masked = masked
        self.lower = masked.translate(_ASCII_LOWER)  # same offsets as ``masked``
        self.runs = [(m, _name_from_run(m.group(0))) for m in _NAME_RUN_RE.finditer(masked)]
        # Full names by surname, in text order, to expand a lone surname.
        self.full_names: dict[str, list[tuple[int, str]]] = {}
        for m, name in self.runs:
            if name and _is_full(name):
                self.full_names.setdefault(_last(name), []).append((m.start(), name))
        self.events: list[tuple[int, str, Span]] = []  # named speakers, sorted by position
        self.mentions = self._person_mentions()
        self._mention_pos = [m[0] for m in self.mentions]

    def add_event(self, event: tuple[int, str, Span]) -> None:
        """Record a named speaker at a position."""
        bisect.insort(self.events, event)

    def _person_mentions(self) -> list[tuple[int, str, Span]]:
        """Return every mention of a person.

        A person is a full name the text introduces with a title ("city engineer Farid
        Osei", "Mayor Elena Vasquez") or an apposition ("Liu Pengyu, a spokesman"); later
        mentions by surname count too. Places and outlets have neither.
        """
        people: set[str] = set()
        stop = stopwords("en")
        for m, name in self.runs:
            if not name or not _is_full(name):
                continue  # a person introduced by the text has a first name and a surname
            prefix = m.group(0).split()[: -len(name.split())]
            titled = any(t.casefold().rstrip(".") in _PERSON_TITLES for t in prefix)
            word = _WORD_BEFORE_RE.search(self.masked, max(0, m.start() - 40), m.start())
            before = word.group(1) if word else ""
            after_title = before.islower() and before not in stop
            apposed = _APPOSED_RE.match(self.masked, m.end()) is not None
            if titled or after_title or apposed:
                people.add(self.canonical(name, m.start()))
        mentions = []
        for m, name in self.runs:
            if name:
                full = self.canonical(name, m.start())
                if full in people:
                    start = m.start() + m.group(0).rfind(name.split()[0])
                    mentions.append((m.start(), full, (start, m.end())))
        return mentions

    def canonical(self, name: str, before: int) -> str:
        """Return the full name the text used for a lone surname, the nearest before first."""
        if len(name.split()) > 1:
            return name
        candidates = self.full_names.get(_last(name), [])
        if not candidates:
            return name
        k = bisect.bisect_left(candidates, (before, ""))
        return candidates[k - 1][1] if k else candidates[0][1]

    def nearest_named(self, before: int, reach: int | None = None) -> tuple[str, Span] | None:
        """Return the named speaker mentioned last before ``before`` (within ``reach``)."""
        k = bisect.bisect_left(self.events, (before, ""))
        if not k:
            return None
        pos, name, span = self.events[k - 1]
        if reach is not None and before - pos > reach:
            return None
        return name, span

    def nearest_person(self, before: int) -> str | None:
        """Return the person named last before ``before``: a speaker or a mention."""
        k = bisect.bisect_left(self._mention_pos, before)
        mention = self.mentions[k - 1] if k else None
        j = bisect.bisect_left(self.events, (before, ""))
        event = self.events[j - 1] if j else None
        best = max((e for e in (mention, event) if e is not None), key=lambda e: e[0], default=None)
        return best[1] if best else None

    def title_holder(self, description: str, before: int) -> str | None:
        """Return the named person the text introduced with ``description``.

        "national security adviser Jake Sullivan" and "Jake Sullivan, the national security
        adviser" both give "Jake Sullivan" for "national security adviser".
        """
        key = " ".join(description.split()).translate(_ASCII_LOWER)
        if not key:
            return None
        holder: tuple[int, str] | None = None
        lo = max(0, before - _TITLE_REACH)
        at = self.lower.find(key, lo, before)
        while at >= 0:
            end = at + len(key)
            edges = (self.lower[at - 1 : at], self.lower[end : end + 1])
            if not any(c.isalnum() for c in edges[0] + edges[1]):
                follows = _AFTER_TITLE_RE.match(self.masked, end)
                precedes = _BEFORE_TITLE_RE.search(self.masked[max(lo, at - 80) : at])
                for run, stop in ((follows, follows.end() if follows else 0), (precedes, end)):
                    name = _name_from_run(run.group("run")) if run else None
                    if name and stop <= before and (holder is None or stop >= holder[0]):
                        holder = (stop, name)
            at = self.lower.find(key, at + 1, before)
        return holder[1] if holder else None

    def parse(self, who: str, offset: int) -> _Speaker | None:
        """Read the words naming the speaker; ``offset`` is where ``who`` starts in the text."""
        stripped = _LEADING_JUNK.sub("", who)
        offset += len(who) - len(stripped)
        stripped = stripped.rstrip()
        if not stripped:
            return None
        span = (offset, offset + len(stripped))
        lower = stripped.casefold()
        if lower in _PRONOUNS:
            named = self.nearest_person(offset)
            return _Speaker(named, span, True) if named else None
        if lower in _SKIP_PRONOUNS or "_" in stripped:
            return None
        apposition = _APPOSITION_RE.match(stripped)
        if apposition:
            return self.parse(apposition.group("name"), offset)
        return self._named_or_described(stripped, span)

    def _named_or_described(self, words: str, span: Span) -> _Speaker | None:
        """Return the speaker that words name: a name, a title's holder, or a description.

        A name ends the words ("Russian Finance Minister Anton Siluanov"); a title names the
        person the text introduced with it ("the national security adviser"); anything else
        is kept as the description it is ("a spokesperson for the embassy").
        """
        tokens = words.split()
        tail = _take_capitalised(tokens[::-1])[::-1]
        if tail and (len(tail) == len(tokens) or tokens[-len(tail) - 1][0].islower()):
            name = _name_from_run(" ".join(tail))
            if name and not self._generic(name):
                start = span[0] + words.rfind(name.split()[0])
                return _Speaker(self.canonical(name, span[0]), (start, span[1]), True)
        if len(tokens) > _MAX_DESCRIPTION_WORDS:
            return None
        description = re.sub(r"^(?:the|a|an)\s+", "", words, flags=re.IGNORECASE)
        short = len(description.split()) <= _MAX_TITLE_WORDS
        holder = self.title_holder(description, span[0]) if short else None
        if holder:
            return _Speaker(holder, span, True)
        if tokens[0].casefold() in {"the", "a", "an"}:
            words = words[0].lower() + words[1:]
        return _Speaker(words, span, False)

    def _generic(self, name: str) -> bool:
        return " " not in name and zipf(name.casefold(), "en") >= _GENERIC_ZIPF


def _take_capitalised(tokens: Sequence[str]) -> list[str]:
    out: list[str] = []
    for tok in tokens:
        if tok[:1].isupper() or re.fullmatch(_PARTICLE, tok):
            out.append(tok)
        else:
            break
    while out and re.fullmatch(_PARTICLE, out[-1]):
        out.pop()
    return out


def _last(name: str) -> str:
    return name.rsplit(maxsplit=1)[-1].casefold().rstrip(".")


# --------------------------------------------------------------------------- extraction


def extract_quotes(text: str) -> tuple[Quote, ...]:
    """Return the direct quotations of ``text``, in order, with their speakers.

    Parameters
    ----------
    text : str
        Article text. Offsets of the result point into it.

    Returns
    -------
    tuple of Quote
        Each quotation starts at an opening mark and ends at a closing mark; unbalanced marks
        are skipped, never extended to the end of the text.

    Examples
    --------
    >>> q = extract_quotes('"We are ready," Jake Sullivan said. "We will act," he added.')
    >>> [(x.text, x.speaker) for x in q]
    [('We are ready,', 'Jake Sullivan'), ('We will act,', 'Jake Sullivan')]
    >>> [(x.text, x.speaker) for x in extract_quotes('"We…," he said, "and…" Smith added.')]
    [('We…, and…', 'Smith')]
    """
    raws = _scan(text)
    masked = _mask(text, raws)
    raws, joints = _join_broken(text, masked, raws)
    resolver = _Resolver(text, masked)
    quotes: list[Quote] = []
    event_iter = _events(resolver, masked)
    upcoming = next(event_iter, None)
    for raw, joint in zip(raws, joints, strict=True):
        start, end = raw.pieces[0][0], raw.pieces[-1][1]
        while upcoming is not None and upcoming[0] < start:
            resolver.add_event(upcoming)
            upcoming = next(event_iter, None)
        speaker = _attribute(resolver, masked, start, end, joint)
        parts = tuple(_inside(text, a, b) for a, b in raw.pieces)
        parts = tuple(p for p in parts if p[1] > p[0])
        if not parts:
            continue
        if speaker is not None and speaker.is_name:
            resolver.add_event((end, speaker.name, speaker.span))
        quotes.append(
            Quote(
                start=start,
                end=end,
                parts=parts,
                text=" ".join(text[a:b] for a, b in parts),
                nested=tuple(raw.nested),
                speaker=speaker.name if speaker else None,
                speaker_span=speaker.span if speaker else None,
            )
        )
    return tuple(quotes)


def _inside(text: str, a: int, b: int) -> Span:
    """Return the span of a piece's words, without marks and outer spaces."""
    lo = a + 1
    hi = b - 1 if b - 1 > a and text[b - 1] in CLOSING_MARKS else b
    while lo < hi and text[lo].isspace():
        lo += 1
    while hi > lo and text[hi - 1].isspace():
        hi -= 1
    if not any(ch.isalnum() for ch in text[lo:hi]):
        return (lo, lo)
    return lo, hi


def _events(resolver: _Resolver, masked: str) -> Iterator[tuple[int, str, Span]]:
    """Named speakers of speech verbs outside quotations, in text order."""
    for who, at in _speech_clauses(masked, 0, len(masked)):
        speaker = resolver.parse(who, at)
        if speaker is not None and speaker.is_name:
            yield at, speaker.name, speaker.span


def _verbs(masked: str, start: int, end: int) -> list[tuple[int, int, bool]]:
    """Return the spans of speech verbs in ``masked[start:end]``, in order.

    The third item tells "according" (before "to"). Each verb is looked for with
    ``str.find``: one pattern with every verb as an alternative would try them all at every
    character, several times slower on a long article.
    """
    lower = masked[start:end].translate(_ASCII_LOWER)
    hits: list[tuple[int, int, bool]] = []
    for verb in _VERB_LIST:
        at = lower.find(verb)
        while at >= 0:
            stop = at + len(verb)
            before = lower[at - 1] if at else " "
            after = lower[stop] if stop < len(lower) else " "
            if not (before.isalnum() or before in "_'\u2019" or after.isalnum() or after == "_"):
                according = verb == "according"
                if not according or _ACCORDING_TO_RE.match(lower, stop):
                    hits.append((start + at, start + stop, according))
            at = lower.find(verb, at + 1)
    return sorted(hits)


def _last_stop(text: str, lo: int, hi: int) -> int:
    """Position just after the last clause-ending character in ``text[lo:hi]`` (or ``lo``)."""
    return max(text.rfind(c, lo, hi) for c in _STOP_CHARS) + 1 or lo


def _without_adverb(text: str, lo: int, hi: int) -> int:
    """End of ``text[lo:hi]`` without trailing space and one adverb ("Smith also said")."""
    while hi > lo and text[hi - 1].isspace():
        hi -= 1
    m = _TRAILING_ADVERB_RE.search(text, lo, hi)
    return m.start() if m else hi


def _clause_before(text: str, lo: int, hi: int) -> tuple[str, int] | None:
    """Return the clause before a verb at ``hi``: from the last punctuation to the verb."""
    if hi <= lo or not text[hi - 1].isspace():
        return None
    end = _without_adverb(text, lo, hi)
    start = max(_last_stop(text, lo, end), lo)
    return (text[start:end], start) if end > start else None


def _apposed_before(text: str, lo: int, hi: int) -> tuple[str, int] | None:
    """Return the name before an apposition that ends just before a verb at ``hi``.

    "Liu Pengyu, a spokesman for the embassy, said" gives "Liu Pengyu".
    """
    end = _without_adverb(text, lo, hi)
    if end <= lo or text[end - 1] != ",":
        return None
    comma = text.rfind(",", lo, end - 1)
    if comma < 0 or _last_stop(text, comma + 1, end - 1) > comma + 1:
        return None
    if not _APPOSITIVE_HEAD_RE.match(text, comma + 1, end - 1):
        return None
    start = max(_last_stop(text, lo, comma), lo)
    while start < comma and text[start].isspace():
        start += 1
    if start >= comma or not text[start].isupper() or comma - start > _MAX_NAME_CHARS:
        return None
    if start > 0 and (text[start - 1].isalnum() or text[start - 1] in "'\u2019"):
        return None
    return text[start:comma], start


def _speech_clauses(masked: str, start: int, end: int) -> list[tuple[str, int]]:
    """Return who speaks, and where those words start, for each speech verb in a stretch.

    The speaker is the clause before the verb ("Anton Siluanov said"), the name before an
    apposition ("Liu Pengyu, a spokesman for the embassy, said"), or what follows "according
    to". Verbs are found first and the clause read backwards from each, which is linear in
    the text (a pattern for the whole clause would try every starting point).
    """
    found: list[tuple[str, int]] = []
    floor = start
    for verb_start, verb_end, according in _verbs(masked, start, end):
        if according:
            to = _ACCORDING_TO_RE.match(masked, verb_end, end)
            rest = _ACCORDING_REST_RE.match(masked, to.end() if to else verb_end, end)
            if rest:
                found.append((rest.group("who"), rest.start("who")))
            floor = verb_end
            continue
        apposed = _apposed_before(masked, max(floor, verb_start - 2 * _CLAUSE_REACH), verb_start)
        lo = max(floor, verb_start - _CLAUSE_REACH)
        cut_word = lo > floor and masked[lo - 1].isalnum()
        floor = verb_end
        if apposed:
            found.append(apposed)
            continue
        clause = _clause_before(masked, lo, verb_start)
        if clause is None:
            continue
        who, at = clause
        if cut_word and at == lo:  # the window began inside a word
            skip = len(who) - len(who.lstrip(_WORD_CHARS).lstrip())
            who, at = who[skip:], at + skip
        if who.strip():
            found.append((who, at))
    return found


def _join_broken(text: str, masked: str, raws: list[_Raw]) -> tuple[list[_Raw], list[Span | None]]:
    """Join quotations broken by an attribution; also return each one's attribution span."""
    out: list[_Raw] = []
    joints: list[Span | None] = []
    for raw in raws:
        if out and len(out[-1].pieces) >= 1 and len(raw.pieces) >= 1:
            prev = out[-1]
            a = prev.pieces[-1][1]
            b = raw.pieces[0][0]
            between = masked[a:b]
            m = _ATTRIBUTION_RE.fullmatch(between) if "\n" not in between else None
            words = text[prev.pieces[-1][0] + 1 : a - 1].rstrip()
            broken = words.endswith((",", "\u2014", "\u2013", "-", "\u2026", "...")) or (
                between.lstrip().startswith(",")
            )
            if m and broken and re.search(_VERB, m.group("attr"), re.IGNORECASE):
                prev.pieces.extend(raw.pieces)
                prev.nested.extend(raw.nested)
                if joints[-1] is None:
                    joints[-1] = (a + m.start("attr"), a + m.end("attr"))
                continue
        out.append(raw)
        joints.append(None)
    return out, joints


def _attribute(
    resolver: _Resolver, masked: str, start: int, end: int, joint: Span | None
) -> _Speaker | None:
    if joint is not None:
        found = _from_tail(resolver, masked, joint[0], joint[1] + 1)
        if found is not None:
            return found
    s_start, s_end = _sentence_bounds(masked, start, end)
    found = _from_tail(resolver, masked, end, s_end)
    if found is not None:
        return found
    lead = masked[s_start:start]
    m = _LEAD_RE.search(lead) or _LEAD_ACCORDING_RE.search(lead)
    if m:
        found = resolver.parse(m.group("who"), s_start + m.start("who"))
        if found is not None:
            return found
    # A speech verb elsewhere in the sentence ("… if China gives "support", he said.").
    best: _Speaker | None = None
    best_distance = len(masked) + 1
    for who, at in _speech_clauses(masked, s_start, s_end):
        distance = abs(at - start)
        if distance < best_distance:
            found = resolver.parse(who, at)
            if found is not None:
                best, best_distance = found, distance
    if best is not None:
        return best
    named = resolver.nearest_named(start, _CONTINUATION_REACH)
    return _Speaker(named[0], named[1], True) if named else None


def _from_tail(resolver: _Resolver, masked: str, a: int, b: int) -> _Speaker | None:
    tail = masked[a:b]
    if tail[:1] not in {"", " ", ",", "\u2014", "\u2013", "-", ":"} and not tail[:1].isspace():
        return None
    m = _TAIL_SUBJECT_RE.match(tail)
    if m and len(m.group("who").split()) <= 10:
        found = resolver.parse(m.group("who"), a + m.start("who"))
        if found is not None:
            return found
    m = _TAIL_INVERTED_RE.match(tail) or _ACCORDING_RE.match(tail)
    if m:
        who = m.group("who")
        cut = re.search(r"\s(?:on|in|at|during|after|before|to|of|who|that|when)\s", who)
        if cut and not who.casefold().startswith(("the ", "a ", "an ")):
            who = who[: cut.start()]
        found = resolver.parse(who, a + m.start("who"))
        if found is not None and (found.is_name or who.split()[0].casefold() in _ARTICLES):
            return found
    return None


_ARTICLES = frozenset({"the", "a", "an", "he", "she"})


# --------------------------------------------------------------------------- comparison


@functools.lru_cache(maxsize=4096)
def _folded_words(text: str) -> tuple[str, ...]:
    return tuple(normalize_for_match(text).split())


def _words(quote: Quote) -> tuple[str, ...]:
    return _folded_words(quote.text)


def _contiguous(part: Sequence[str], whole: Sequence[str]) -> bool:
    return 0 < len(part) <= len(whole) and f" {' '.join(part)} " in f" {' '.join(whole)} "


def _same_speaker(a: str | None, b: str | None) -> bool | None:
    if a is None or b is None:
        return None
    # Look-alike letters and zero-width padding do not make another speaker.
    a, b = unconfuse(strip_invisible(a)), unconfuse(strip_invisible(b))
    if _is_name(a) and _is_name(b):
        if _last(a) == _last(b):
            return True
        return bool(fuzz.ratio(_last(a), _last(b)) >= 85.0)
    if not _is_name(a) and not _is_name(b) and a.casefold() == b.casefold():
        return True
    return None


_RELATED = 0.5
_SHARED_CONTENT = 3


def _shares_content(ws: Sequence[str], wt: Sequence[str]) -> bool:
    """Tell whether two quotations share enough content words to be compared as word sets.

    Reworded quotations reorder words, which the character ratio punishes; the word-set
    ratio (weighted 0.9) is used instead when at least three content words are shared.
    """
    stop = stopwords("en")
    shared = {w for w in ws if w not in stop} & {w for w in wt if w not in stop}
    return len(shared) >= _SHARED_CONTENT


def _changes(ws: Sequence[str], wt: Sequence[str]) -> Change | None:
    """Return runs of words replaced, added, or cut from the middle (end cuts are trims)."""
    matcher = difflib.SequenceMatcher(a=ws, b=wt, autojunk=False)
    gone: list[str] = []
    added: list[str] = []
    opcodes = matcher.get_opcodes()
    for k, (op, i1, i2, j1, j2) in enumerate(opcodes):
        if op == "equal":
            continue
        if op == "delete" and (k == 0 or k == len(opcodes) - 1):
            continue
        if i2 > i1:
            gone.append(" ".join(ws[i1:i2]))
        if j2 > j1:
            added.append(" ".join(wt[j1:j2]))
    if not gone and not added:
        return None
    return Change(source=tuple(gone), target=tuple(added))


def _match_all(targets: Sequence[Quote], sources: Sequence[Quote]) -> list[QuoteFinding]:
    """Match every target quotation with its most similar source quotation."""
    if not targets:
        return []
    joined_s = [" ".join(_words(q)) for q in sources]
    joined_t = [" ".join(_words(q)) for q in targets]
    ratios = process.cdist(joined_t, joined_s, scorer=fuzz.ratio, workers=1)
    sets = process.cdist(joined_t, joined_s, scorer=fuzz.token_set_ratio, workers=1)
    return [
        _match_one(t, sources, ratios[k] / 100.0, sets[k] / 100.0) for k, t in enumerate(targets)
    ]


def _match_one(
    target: Quote, sources: Sequence[Quote], ratios: Sequence[float], sets: Sequence[float]
) -> QuoteFinding:
    wt = _words(target)
    span = (target.start, target.end)
    best: tuple[float, Quote, tuple[str, ...]] | None = None
    for source, ratio, word_set in zip(sources, ratios, sets, strict=True):
        ws = _words(source)
        if not ws or not wt:
            continue
        if ws == wt:
            score = 3.0
        elif _contiguous(wt, ws):
            score = 2.0 + len(wt) / len(ws)
        else:
            score = float(ratio)
            if 0.9 * word_set > max(score, best[0] if best else 0.0) and _shares_content(ws, wt):
                score = 0.9 * float(word_set)
        if best is None or score > best[0]:
            best = (score, source, ws)
    if best is None or best[0] < _RELATED:
        return QuoteFinding(status=QuoteStatus.NEW, target=target, source=None, target_span=span)
    score, source, ws = best
    similarity = fuzz.ratio(" ".join(ws), " ".join(wt)) / 100.0
    same = _same_speaker(source.speaker, target.speaker)
    if score >= 2.0:
        status = QuoteStatus.EXACT if ws == wt else QuoteStatus.TRIMMED
        if same is False:
            status = QuoteStatus.MISATTRIBUTED
        return QuoteFinding(
            status=status,
            target=target,
            source=source,
            target_span=span,
            similarity=similarity,
            same_speaker=same,
        )
    return QuoteFinding(
        status=QuoteStatus.ALTERED,
        target=target,
        source=source,
        target_span=span,
        similarity=similarity,
        changed=_changes(ws, wt),
        same_speaker=same,
    )


def _overlaps(a: Span, b: Span) -> bool:
    return a[0] < b[1] and b[0] < a[1]


class _SpanIndex:
    """Which of many disjoint spans (the aligned pairs' sides) overlap a span, by bisection."""

    def __init__(self, spans: Sequence[Span]) -> None:
        self.order = sorted(range(len(spans)), key=lambda k: spans[k])
        self.starts = [spans[k][0] for k in self.order]
        self.ends = [spans[k][1] for k in self.order]

    def overlapping(self, span: Span) -> list[int]:
        lo = bisect.bisect_right(self.ends, span[0])
        hi = bisect.bisect_left(self.starts, span[1])
        return sorted(self.order[lo:hi])


def compare_quotes(
    source_quotes: Sequence[Quote],
    target_quotes: Sequence[Quote],
    *,
    pairs: Sequence[AlignedPair] = (),
) -> tuple[QuoteFinding, ...]:
    """Tell what became of each target quotation, against the source's quotations.

    Parameters
    ----------
    source_quotes, target_quotes : sequence of Quote
        From :func:`extract_quotes` on the source's and the target's text.
    pairs : sequence of AlignedPair, optional
        The aligned pairs of the two documents. With them, each finding names the pair
        holding its quotation, and a source quotation whose aligned target text reports the
        words without quote marks gives a ``paraphrased`` finding.

    Returns
    -------
    tuple of QuoteFinding
        One finding per target quotation, in order, then the ``paraphrased`` ones.

    Examples
    --------
    >>> src = extract_quotes('"We will win this war," Smith said.')
    >>> tgt = extract_quotes('"We shall win this war," Smith said.')
    >>> f = compare_quotes(src, tgt)[0]
    >>> f.status.value, f.changed.source, f.changed.target, f.same_speaker
    ('altered', ('will',), ('shall',), True)
    """
    findings = _match_all(target_quotes, source_quotes)
    return _with_pairs(findings, source_quotes, target_quotes, pairs)


def _with_pairs(
    findings: Sequence[QuoteFinding],
    source_quotes: Sequence[Quote],
    target_quotes: Sequence[Quote],
    pairs: Sequence[AlignedPair],
) -> tuple[QuoteFinding, ...]:
    """Name each finding's aligned pair; add the source quotations reported without marks."""
    out = list(findings)
    if not pairs:
        return tuple(out)
    by_target = _SpanIndex([p.target_span for p in pairs])
    by_source = _SpanIndex([p.source_span for p in pairs])
    for k, finding in enumerate(out):
        hits = by_target.overlapping(finding.target_span)
        if hits:
            out[k] = replace(finding, pair=hits[0])
    quoting = {i for t in target_quotes for i in by_target.overlapping((t.start, t.end))}
    matched = {id(f.source) for f in out if f.source is not None}
    for source in source_quotes:
        if id(source) in matched or len(_words(source)) < _PARAPHRASED_MIN_WORDS:
            continue
        for index in by_source.overlapping((source.start, source.end)):
            pair = pairs[index]
            if pair.label is Label.DIVERGENT or index in quoting:
                continue  # not the same statement, or the target quotes other words here
            out.append(
                QuoteFinding(
                    status=QuoteStatus.PARAPHRASED,
                    target=None,
                    source=source,
                    target_span=pair.target_span,
                    similarity=pair.score,
                    pair=index,
                )
            )
            break
    return tuple(out)


_SHARED_NOTE = "only a shared quotation in common: no evidence of reuse on its own"
_PARAPHRASED_MIN_WORDS = 4
"""Shorter source quotations (a scare-quoted phrase) are not looked for as reported speech."""


@dataclass(frozen=True, slots=True)
class QuoteContext:
    """The quotations of a compared pair of documents, for the compare stage.

    :func:`~rewrite_detect.compare` builds one, adds quotation facts to the aligned pairs'
    evidence (:meth:`relabel`) and keeps the final findings (:meth:`finish`).
    """

    source_text: str
    target_text: str
    source_quotes: tuple[Quote, ...]
    target_quotes: tuple[Quote, ...]
    findings: tuple[QuoteFinding, ...]

    @classmethod
    def build(cls, source_text: str, target_text: str) -> QuoteContext:
        """Extract both documents' quotations and match the target's against the source's."""
        source_quotes = extract_quotes(source_text)
        target_quotes = extract_quotes(target_text)
        return cls(
            source_text=source_text,
            target_text=target_text,
            source_quotes=source_quotes,
            target_quotes=target_quotes,
            findings=tuple(_match_all(target_quotes, source_quotes)),
        )

    def relabel(self, pairs: Sequence[AlignedPair], config: DetectorConfig) -> list[AlignedPair]:
        """Add quotation facts to each pair's evidence and label it again.

        A quotation with the same words and another speaker is a changed fact
        (``misattributed``: the pair becomes ``divergent``). A reused pair whose only common
        ground is a shared quotation is marked ``shared_quotation`` (see
        :meth:`_shared_only`) and keeps its label.
        """
        by_target = _SpanIndex([p.target_span for p in pairs])
        found: dict[int, list[QuoteFinding]] = {}
        for f in self.findings:
            if f.source is not None and f.status is not QuoteStatus.ALTERED:
                for index in by_target.overlapping(f.target_span):
                    found.setdefault(index, []).append(f)
        out = []
        for index, pair in enumerate(pairs):
            evidence = self._evidence(pair, found.get(index, []), config)
            if evidence is pair.evidence:
                out.append(pair)
                continue
            label, reasons = decide_label(evidence, config)
            if evidence.shared_quotation and label is not Label.DIVERGENT:
                reasons = (*reasons, _SHARED_NOTE)
            else:
                evidence = replace(evidence, shared_quotation=False)
            out.append(replace(pair, label=label, evidence=replace(evidence, reasons=reasons)))
        return out

    def _evidence(
        self, pair: AlignedPair, findings: Sequence[QuoteFinding], config: DetectorConfig
    ) -> Evidence:
        if not findings:
            return pair.evidence
        speakers: tuple[list[str], list[str]] = ([], [])
        # The same sentence on both sides (up to invisible characters and look-alikes) cannot
        # put a quotation in another mouth: a different speaker there is a misreading.
        same_text = fold(pair.source_text) == fold(pair.target_text)
        for f in findings:
            if (
                not same_text
                and f.status is QuoteStatus.MISATTRIBUTED
                and f.source is not None
                and f.target is not None
                and _overlaps((f.source.start, f.source.end), pair.source_span)
            ):
                speakers[0].append(f.source.speaker or "-")
                speakers[1].append(f.target.speaker or "-")
        shared = self._shared_only(pair, findings, config)
        if not speakers[1] and not shared:
            return pair.evidence
        return replace(
            pair.evidence,
            misattributed=(
                Change(source=tuple(speakers[0]), target=tuple(speakers[1]))
                if speakers[1]
                else None
            ),
            shared_quotation=shared,
        )

    def _shared_only(
        self, pair: AlignedPair, findings: Sequence[QuoteFinding], config: DetectorConfig
    ) -> bool:
        """Tell whether the two sides of ``pair`` have only a shared quotation in common.

        True when the target side holds a quotation that is ``exact`` or ``trimmed`` against
        a quotation of the source side, and outside the quote marks — leaving aside the
        speakers' names and speech verbs — the two sides either have fewer than three content
        words to compare or are not similar enough to be a paraphrase of each other.
        """
        shared = [
            f
            for f in findings
            if f.status in {QuoteStatus.EXACT, QuoteStatus.TRIMMED}
            and f.source is not None
            and _overlaps((f.source.start, f.source.end), pair.source_span)
        ]
        if not shared:
            return False
        ignore = set(_SPEECH_LEMMAS)
        for f in shared:
            for quote in (f.source, f.target):
                if quote is not None and quote.speaker:
                    ignore.update(normalize_for_match(quote.speaker).split())
        fa = features(
            _outside(self.source_text, pair.source_span, self.source_quotes), config.language
        )
        fb = features(
            _outside(self.target_text, pair.target_span, self.target_quotes), config.language
        )
        left_a = fa.lemmas - ignore
        left_b = fb.lemmas - ignore
        if len(left_a) < _SHARED_CONTENT or len(left_b) < _SHARED_CONTENT:
            return True
        return pair_similarity(fa, fb, config)[0] < config.paraphrase_threshold

    def finish(self, pairs: Sequence[AlignedPair]) -> tuple[QuoteFinding, ...]:
        """Return the findings, each naming its aligned pair, and the ``paraphrased`` ones."""
        return _with_pairs(self.findings, self.source_quotes, self.target_quotes, pairs)


def _outside(text: str, span: Span, quotes: Sequence[Quote]) -> str:
    """Return the text of ``span`` with every quotation in it blanked out."""
    a, b = span
    chars = list(text[a:b])
    for quote in quotes:
        for p, q in ((quote.start, quote.end),):
            for k in range(max(p, a), min(q, b)):
                chars[k - a] = " "
    return "".join(chars)
