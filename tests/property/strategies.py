"""Hypothesis strategies for rewrite_detect property tests.

Two families:

* **Realistic news text.** Sentences built from templates over a word list of real English
  news words, capitalised names and places, numbers (some with thousands separators), leading
  date clauses and quotations, with terminal punctuation; articles are paragraphs of one to
  three sentences separated by newlines and sometimes blank lines. Every generated sentence
  carries its own text, where its number sits, and its offset in the article, so tests can edit
  one fact and know exactly what changed.
* **Raw text.** ``st.text()`` and a "tricky" text strategy that glues together the pieces that
  stress segmentation and normalisation: line breaks of every kind, quotes and dashes of every
  style, acronym dots, bullets, page-furniture lines, invisible characters and characters whose
  case folding or NFKC form is unusual.

The vocabulary is split in two halves, ``VOCAB_A`` and ``VOCAB_B``, whose words share no lemma
and whose numbers have different parity, so that two articles drawn from different halves
have nothing in common but function words.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import simplemma
from hypothesis import strategies as st

__all__ = [
    "VOCAB",
    "VOCAB_A",
    "VOCAB_B",
    "Article",
    "GenSentence",
    "Vocab",
    "any_text",
    "articles",
    "build_article",
    "content_key",
    "furnished_articles",
    "numbers",
    "reported_number",
    "sentences",
    "tricky_text",
]

# --------------------------------------------------------------------------------------------
# Word lists. Real English words, no negation cues, no number words, no page-furniture triggers
# ("share", "photo", "copyright", …), so that a generated sentence is plain reportage.
# --------------------------------------------------------------------------------------------

_FIRST_NAMES = (
    "Maria James Aisha Daniel Priya Thomas Elena Marcus Grace Omar Sofia Henry Leila Victor "
    "Nadia Samuel Irene Felix Hannah Tomas Ingrid Kwame Yusuf Clara Dmitri Beatriz Rahul Fiona"
).split()
_LAST_NAMES = (
    "Lopez Okafor Brennan Whitfield Nakamura Castillo Haddad Lindqvist Moreau Patel Kowalski "
    "Adeyemi Fischer Romero Delgado Petrov Ahmed Keller Duarte Halvorsen Mbeki Tanaka Oyelaran "
    "Santoro Virtanen Gallagher Novak Achterberg"
).split()
_TITLES = (
    "Mayor Senator Governor Minister Inspector Judge Director Commissioner Chancellor Sheriff "
    "Councillor Superintendent"
).split()
_PLACES = (
    "Riverside Ashford Millbrook Harlow Eastbrook Kingsport Westfield Oakdale Brampton Lakemont "
    "Dunmore Fairhaven Northgate Stonebridge Calder Penrith Marlow Tarrant Glenwood Bexley"
).split()
_NOUNS = (
    "council budget company hospital school court agency committee union airport railway "
    "factory harbor university ministry board government department regulator bank utility "
    "district museum library stadium clinic parliament tribunal insurer charity"
).split()
_PLURALS = (
    "residents workers students voters farmers officers tenants patients families drivers "
    "homes contracts vehicles tickets acres beds nurses teachers passengers shipments permits "
    "loans flights buses trees houses apartments classrooms prisoners refugees volunteers "
    "engineers soldiers complaints inspections pensions ambulances bridges wells"
).split()
_VERBS = (
    "approved announced rejected delayed expanded reported confirmed opened closed launched "
    "signed proposed reviewed hired cut raised spent recorded promised ordered blocked funded "
    "inspected evacuated relocated suspended restored requested purchased sold built repaired "
    "counted registered defended criticized welcomed investigated received delivered"
).split()
_ADJECTIVES = (
    "new local regional federal annual temporary public private major small early final "
    "emergency coastal rural urban additional former senior young elderly foreign national "
    "municipal remote modern costly controversial"
).split()
_WHEN = (
    "Monday Tuesday Wednesday Thursday Friday Saturday Sunday January February March April "
    "June July August September October November December"
).split()
# Function words only (all are stopwords to rewrite_detect), so both vocabularies may share them.
_PREPOSITIONS = "in at for from with after before during over into through against under".split()


def _lemma(word: str) -> str:
    return str(simplemma.lemmatize(word.casefold(), lang="en")).casefold()


@dataclass(frozen=True)
class Vocab:
    """Words a sentence may use, by part of speech, and the parity of its numbers."""

    first_names: tuple[str, ...]
    last_names: tuple[str, ...]
    titles: tuple[str, ...]
    places: tuple[str, ...]
    nouns: tuple[str, ...]
    plurals: tuple[str, ...]
    verbs: tuple[str, ...]
    adjectives: tuple[str, ...]
    when: tuple[str, ...]
    parity: int | None = None

    def words(self) -> tuple[str, ...]:
        """Every content word of the vocabulary."""
        return (
            self.first_names
            + self.last_names
            + self.titles
            + self.places
            + self.nouns
            + self.plurals
            + self.verbs
            + self.adjectives
            + self.when
        )


_FIELDS = (
    "first_names",
    "last_names",
    "titles",
    "places",
    "nouns",
    "plurals",
    "verbs",
    "adjectives",
    "when",
)
_LISTS = (
    _FIRST_NAMES,
    _LAST_NAMES,
    _TITLES,
    _PLACES,
    _NOUNS,
    _PLURALS,
    _VERBS,
    _ADJECTIVES,
    _WHEN,
)

VOCAB = Vocab(**{name: tuple(words) for name, words in zip(_FIELDS, _LISTS, strict=True)})


def _split_vocab() -> tuple[Vocab, Vocab]:
    """Two halves of the vocabulary that share no lemma, numbers of different parity."""
    half_a = {name: tuple(words[0::2]) for name, words in zip(_FIELDS, _LISTS, strict=True)}
    lemmas_a = {_lemma(w) for words in half_a.values() for w in words}
    half_b = {
        name: tuple(w for w in words[1::2] if _lemma(w) not in lemmas_a)
        for name, words in zip(_FIELDS, _LISTS, strict=True)
    }
    return Vocab(**half_a, parity=0), Vocab(**half_b, parity=1)


VOCAB_A, VOCAB_B = _split_vocab()


# --------------------------------------------------------------------------------------------
# Sentences and articles.
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class GenSentence:
    """A generated sentence; ``text[number_at[0]:number_at[1]]`` is its number, if it has one.

    ``scale`` is ``"million"`` when the number is followed by that word (``$4.5 million``).
    """

    text: str
    number_at: tuple[int, int] | None = None
    scale: str = ""

    @property
    def number(self) -> str | None:
        """The number's digits as written (``"1,250"``, ``"4.5"``), or None."""
        if self.number_at is None:
            return None
        return self.text[self.number_at[0] : self.number_at[1]]

    @property
    def reported(self) -> str | None:
        """The number as rewrite_detect reports it (``"1250"``, ``"4500000"``), or None."""
        return None if self.number is None else reported_number(self.number, self.scale)

    def with_number(self, new: str) -> GenSentence:
        """The same sentence with its number's digits replaced by ``new``."""
        assert self.number_at is not None
        a, b = self.number_at
        return GenSentence(self.text[:a] + new + self.text[b:], (a, a + len(new)), self.scale)


_SCALES = {"": 1, "million": 1_000_000}


def reported_number(digits: str, scale: str = "") -> str:
    """How rewrite_detect reports a number: thousands commas dropped, ``million`` multiplied."""
    plain = digits.replace(",", "") if re.fullmatch(r"\d{1,3}(,\d{3})+", digits) else digits
    if not scale:
        return plain
    value = float(plain) * _SCALES[scale]
    return str(int(value)) if value == int(value) else f"{value:g}"


def content_key(sentence: GenSentence) -> frozenset[str]:
    """Lemmas of a sentence's words, numbers excluded: two sentences must differ in words."""
    return frozenset(_lemma(w) for w in re.findall(r"[A-Za-z]+", sentence.text))


@st.composite
def numbers(draw: st.DrawFn, parity: int | None = None) -> tuple[str, str, str, str]:
    """A number as news writes it: ``(before, digits, after, scale)``.

    ``7``, ``48``, ``2019``, ``12,500``, ``2.4``, ``15%``, ``15 percent``, ``$4.5 million``.
    With ``parity``, the last digit has that parity (so two vocabularies share no number).
    """
    value = draw(
        st.one_of(
            st.integers(2, 99),
            st.integers(100, 999),
            st.integers(1990, 2030),
            st.integers(1000, 250_000),
        )
    )
    if parity is not None and value % 2 != parity:
        value += 1
    form = draw(st.sampled_from(("plain", "plain", "plain", "decimal", "percent", "million")))
    if form == "decimal" or (form == "million" and draw(st.booleans())):
        digits = f"{value // 10}.{value % 10}" if value >= 10 else str(value)
    elif value >= 10_000 or (value >= 1000 and not 1990 <= value <= 2030 and draw(st.booleans())):
        digits = f"{value:,}"
    else:
        digits = str(value)
    if form == "percent":
        return "", digits, draw(st.sampled_from(("%", " percent"))), ""
    if form == "million":
        return "$", digits, " million", "million"
    return "", digits, "", ""


@st.composite
def sentences(
    draw: st.DrawFn, vocab: Vocab = VOCAB, *, with_number: bool | None = None
) -> GenSentence:
    """One news sentence from ``vocab``, with a number when ``with_number`` (drawn if None)."""
    has_number = draw(st.booleans()) if with_number is None else with_number
    number = draw(numbers(vocab.parity)) if has_number else None
    scale = ""

    person = draw(
        st.one_of(
            st.builds(
                lambda first, last: f"{first} {last}",
                *(st.sampled_from(x) for x in (vocab.first_names, vocab.last_names)),
            ),
            st.builds(
                lambda title, last: f"{title} {last}",
                *(st.sampled_from(x) for x in (vocab.titles, vocab.last_names)),
            ),
        )
    )
    subject = draw(
        st.one_of(
            st.just(person),
            st.builds(lambda n: f"The {n}", st.sampled_from(vocab.nouns)),
            st.builds(
                lambda a, n: f"The {a} {n}",
                st.sampled_from(vocab.adjectives),
                st.sampled_from(vocab.nouns),
            ),
        )
    )
    adjective = draw(st.one_of(st.just(""), st.sampled_from(vocab.adjectives)))
    tail = draw(
        st.one_of(
            st.builds(
                lambda p, x: f" {p} {x}",
                st.sampled_from(_PREPOSITIONS),
                st.sampled_from(vocab.places),
            ),
            st.builds(
                lambda p, x: f" {p} the {x}",
                st.sampled_from(_PREPOSITIONS),
                st.sampled_from(vocab.nouns),
            ),
            st.just(""),
        )
    )
    obj_head = f"{adjective} " if adjective else ""
    template = draw(st.sampled_from(("plain", "lead", "quote")))
    verb = draw(st.sampled_from(vocab.verbs))
    plural = draw(st.sampled_from(vocab.plurals))

    # The object ("48 temporary permits") is where the number goes.
    prefix_parts: list[str] = []
    if template == "lead":
        lead = draw(
            st.one_of(
                st.builds(
                    lambda w: f"{'On' if w.endswith('day') else 'In'} {w}",
                    st.sampled_from(vocab.when),
                ),
                st.builds(lambda n: f"After the {n}", st.sampled_from(vocab.nouns)),
            )
        )
        first = (
            subject
            if subject.startswith(tuple(vocab.first_names + vocab.titles))
            else (subject[0].lower() + subject[1:])
        )
        prefix_parts.append(f"{lead}, {first} {verb} ")
    elif template == "quote":
        open_q, close_q = draw(st.sampled_from((('"', '"'), ("\u201c", "\u201d"))))
        prefix_parts.append(f"{open_q}{subject} {verb} ")
    else:
        prefix_parts.append(f"{subject} {verb} ")
    prefix = "".join(prefix_parts)
    number_at = None
    if number is not None:
        before, digits, after, scale = number
        start = len(prefix) + len(before)
        number_at = (start, start + len(digits))
        body = f"{prefix}{before}{digits}{after} {obj_head}{plural}{tail}"
    else:
        body = f"{prefix}the {obj_head}{plural}{tail}"
    if template == "quote":
        speaker = draw(st.one_of(st.just(person), st.sampled_from(vocab.last_names)))
        text = f"{body},{close_q} {speaker} said."
    else:
        text = body + draw(st.sampled_from((".", ".", ".", ".", "!", "?")))
    return GenSentence(text, number_at, scale)


@dataclass(frozen=True)
class Article:
    """A generated article: its text and its sentences with their offsets in the text."""

    text: str
    sentences: tuple[GenSentence, ...]
    offsets: tuple[int, ...]

    @property
    def numbered(self) -> tuple[int, ...]:
        """Indices of the sentences that carry a number."""
        return tuple(i for i, s in enumerate(self.sentences) if s.number is not None)

    def replace(self, index: int, new: GenSentence) -> Article:
        """The article with sentence ``index`` replaced by ``new`` (later offsets shifted)."""
        old = self.sentences[index]
        start = self.offsets[index]
        shift = len(new.text) - len(old.text)
        text = self.text[:start] + new.text + self.text[start + len(old.text) :]
        sents = (*self.sentences[:index], new, *self.sentences[index + 1 :])
        offsets = tuple(o + shift if i > index else o for i, o in enumerate(self.offsets))
        return Article(text, sents, offsets)


def build_article(
    sents: list[GenSentence], paragraph_sizes: list[int], separators: list[str]
) -> Article:
    """Lay sentences out in paragraphs of the given sizes, joined by the given separators."""
    parts: list[str] = []
    offsets: list[int] = []
    pos = 0
    i = 0
    for p, size in enumerate(paragraph_sizes):
        if p:
            sep = separators[(p - 1) % len(separators)]
            parts.append(sep)
            pos += len(sep)
        for k in range(size):
            if k:
                parts.append(" ")
                pos += 1
            offsets.append(pos)
            parts.append(sents[i].text)
            pos += len(sents[i].text)
            i += 1
    return Article("".join(parts), tuple(sents), tuple(offsets))


def _sizes(total: int, wanted: list[int]) -> list[int]:
    out: list[int] = []
    left = total
    for size in wanted:
        if left == 0:
            break
        take = min(size, left)
        out.append(take)
        left -= take
    if left:
        out.extend([1] * left)
    return out


@st.composite
def articles(
    draw: st.DrawFn,
    vocab: Vocab = VOCAB,
    *,
    min_sentences: int = 2,
    max_sentences: int = 10,
    one_per_line: bool = False,
    need_number: bool = True,
) -> Article:
    """A news article: distinct sentences in paragraphs, newline or blank-line separated."""
    n = draw(st.integers(min_sentences, max_sentences))
    numbered_at = draw(st.integers(0, n - 1)) if need_number else -1
    sents = draw(
        st.lists(
            sentences(vocab),
            min_size=n - (1 if need_number else 0),
            max_size=n - (1 if need_number else 0),
            unique_by=content_key,
        )
    )
    if need_number:
        extra = draw(
            sentences(vocab, with_number=True).filter(
                lambda s: content_key(s) not in {content_key(x) for x in sents}
            )
        )
        sents.insert(numbered_at, extra)
    if one_per_line:
        sizes = [1] * n
    else:
        sizes = _sizes(n, draw(st.lists(st.integers(1, 3), min_size=1, max_size=n)))
    seps = draw(st.lists(st.sampled_from(("\n", "\n\n", "\n", "\n \n")), min_size=1, max_size=4))
    return build_article(sents, sizes, seps)


_FURNITURE = (
    "top of page",
    "Copyright 2024 Harbor Media Inc. All rights reserved.",
    "By Maria Lopez and James Okafor",
    "Updated: 6:08 p.m.",
    "0 views0 comments",
    "Share this article",
    "Advertisement",
    "Photo by Elena Moreau",
    "* * *",
    "Related stories:",
)


@st.composite
def furnished_articles(draw: st.DrawFn) -> str:
    """A realistic article with page furniture lines and prefixes put in between paragraphs."""
    article = draw(articles())
    lines = article.text.split("\n")
    n_extra = draw(st.integers(0, 4))
    for _ in range(n_extra):
        at = draw(st.integers(0, len(lines)))
        lines.insert(at, draw(st.sampled_from(_FURNITURE)))
    if draw(st.booleans()) and lines and lines[0]:
        lines[0] = draw(st.sampled_from(("Harbor Post | ", "KINGSPORT (AP) — "))) + lines[0]
    return "\n".join(lines)


# --------------------------------------------------------------------------------------------
# Raw text for robustness properties.
# --------------------------------------------------------------------------------------------

_TRICKY_PIECES = (
    "\n",
    "\n\n",
    "\r\n",
    "\r",
    "\u2028",
    "\u2029",
    " ",
    "\t",
    "\u00a0",
    ".",
    "...",
    "\u2026",
    "?",
    "!",
    ",",
    ";",
    ":",
    '"',
    "'",
    "\u201c",
    "\u201d",
    "\u2018",
    "\u2019",
    "\u00ab",
    "\u00bb",
    "-",
    "\u2013",
    "\u2014",
    "\u2022 ",
    "1. ",
    "| ",
    "(",
    ")",
    "U.S.",
    "a.b.",
    "Mr.",
    "No.",
    "e.g.",
    "By ",
    "Copyright ",
    "top of page",
    "5 views",
    "Update: 6:08 p.m.",
    "WASHINGTON (AP) \u2014 ",
    "All rights reserved",
    "\u200b",
    "\u200f",
    "\ufeff",
    "\u00ad",
    "\u0301",
    "\u0345",
    "\u00df",
    "\u0130",
    "\u017f",
    "\ufb01",
    "\u1e9e",
    "\u1f88",
    "\u2460",
    "\u00bd",
    "\u0663",
    "\u00b2",
    "Ä",
    "ǅ",
    "K",
    "the",
    "The",
    "said",
    "not",
    "never",
    "Monday",
    "May",
    "March",
    "thirty-five",
    "1,250",
    "1.5 million",
    "3:30",
    "Sullivan",
    "officials",
    "China",
    "0",
    "42",
    "x",
)


def tricky_text(max_pieces: int = 40) -> st.SearchStrategy[str]:
    """Text glued from pieces that stress segmentation and normalisation."""
    piece = st.one_of(st.sampled_from(_TRICKY_PIECES), st.text(max_size=3))
    return st.lists(piece, max_size=max_pieces).map("".join)


def any_text() -> st.SearchStrategy[str]:
    """Arbitrary unicode, tricky glued text, or a realistic article (with furniture)."""
    return st.one_of(st.text(), tricky_text(), furnished_articles())
