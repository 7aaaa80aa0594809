"""Text normalisation shared by the alignment and classification stages.

Folds Unicode (NFKC, case, quote and dash styles, acronym dots), tokenises, lemmatises content
words with simplemma and weighs them by rarity with wordfreq. Also pulls out the facts that a
rewrite must not change: numbers, dates, proper names, negation cues and quotations.
"""

from __future__ import annotations

import functools
import gzip
import math
import re
import unicodedata
from dataclasses import dataclass
from importlib import resources

import simplemma
from wordfreq import available_languages, get_frequency_dict, zipf_frequency

__all__ = [
    "QUOTE_FOLD",
    "TOKEN_RE",
    "SentenceFeatures",
    "date_words",
    "features",
    "fold",
    "has_word_frequencies",
    "is_negation",
    "is_supported_language",
    "lemmatize",
    "normalize_for_match",
    "stopwords",
    "strip_invisible",
    "synonym_table_bytes",
    "synsets",
    "unconfuse",
    "word_weight",
    "zipf",
]

_QUOTE_FOLD = str.maketrans(
    {
        "\u2018": "'",
        "\u2019": "'",
        "\u201a": "'",
        "\u201b": "'",
        "\u2032": "'",
        "\u00b4": "'",
        "`": "'",
        "\u201c": '"',
        "\u201d": '"',
        "\u201e": '"',
        "\u201f": '"',
        "\u00ab": '"',
        "\u00bb": '"',
        "\u2033": '"',
        "\u2010": "-",
        "\u2011": "-",
        "\u2012": "-",
        "\u2013": "-",
        "\u2014": "-",
        "\u2015": "-",
        "\u2212": "-",
        "\u00a0": " ",
    }
)
# Zero-width and bidi control characters carry no text and are a known way to defeat matching.
_INVISIBLE_RE = re.compile("[\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff\u00ad]")
# Not after a letter or a combining mark: "İA.A." must read the same before and after case
# folding turns "İ" into "i" and a combining dot.
_ACRONYM_RE = re.compile(r"(?<![\w\u0300-\u036f])(?:[A-Za-z]\.){2,}")
# Cyrillic and Greek letters that look like Latin ones: spinners swap a few into English
# words to defeat copy detection ("Sullivаn" with a Cyrillic "а"). One character for one.
_CONFUSABLES = {
    "а": "a", "в": "b", "е": "e", "о": "o", "р": "p", "с": "c", "у": "y", "х": "x",
    "і": "i", "ј": "j", "ѕ": "s", "һ": "h", "ԁ": "d", "ԛ": "q", "ԝ": "w", "ӏ": "l",
    "А": "A", "В": "B", "Е": "E", "К": "K", "М": "M", "Н": "H", "О": "O", "Р": "P",
    "С": "C", "Т": "T", "Х": "X", "У": "Y", "І": "I", "Ј": "J", "Ѕ": "S", "Ԁ": "D",
    "ο": "o", "ν": "v", "ρ": "p", "ϲ": "c", "ι": "i", "κ": "k", "τ": "t", "υ": "u",
    "Α": "A", "Β": "B", "Ε": "E", "Ζ": "Z", "Η": "H", "Ι": "I", "Κ": "K", "Μ": "M",
    "Ν": "N", "Ο": "O", "Ρ": "P", "Τ": "T", "Υ": "Y", "Χ": "X",
}  # fmt: skip
_CONFUSABLE_TABLE = str.maketrans(_CONFUSABLES)
_CONFUSABLE_RE = re.compile("[" + "".join(_CONFUSABLES) + "]")
_LATIN_WORD_RE = re.compile(r"\w*[A-Za-z]\w*")
_TOKEN_RE = re.compile(r"\d+(?:[.,:/]\d+)*|[^\W\d_]+(?:'[^\W\d_]+)*")
_PUNCT_RE = re.compile(r"[^\w\s]+")
_POSSESSIVE_RE = re.compile(r"'s\b")
_POSSESSIVE_ANY_RE = re.compile(r"['’]s$")
_SPACE_RE = re.compile(r"\s+")
_QUOTED_RE = re.compile(r'"([^"]{3,})"')

_STOPWORDS_EN = frozenset(
    [
        "a",
        "about",
        "above",
        "after",
        "again",
        "against",
        "all",
        "am",
        "an",
        "and",
        "any",
        "are",
        "aren't",
        "as",
        "at",
        "be",
        "because",
        "been",
        "before",
        "being",
        "below",
        "between",
        "both",
        "but",
        "by",
        "can",
        "can't",
        "cannot",
        "could",
        "couldn't",
        "did",
        "didn't",
        "do",
        "does",
        "doesn't",
        "doing",
        "don't",
        "down",
        "during",
        "each",
        "few",
        "for",
        "from",
        "further",
        "had",
        "hadn't",
        "has",
        "hasn't",
        "have",
        "haven't",
        "having",
        "he",
        "he'd",
        "he'll",
        "he's",
        "her",
        "here",
        "here's",
        "hers",
        "herself",
        "him",
        "himself",
        "his",
        "how",
        "how's",
        "i",
        "i'd",
        "i'll",
        "i'm",
        "i've",
        "if",
        "in",
        "into",
        "is",
        "isn't",
        "it",
        "it's",
        "its",
        "itself",
        "let's",
        "me",
        "more",
        "most",
        "mustn't",
        "my",
        "myself",
        "no",
        "nor",
        "not",
        "of",
        "off",
        "on",
        "once",
        "only",
        "or",
        "other",
        "ought",
        "our",
        "ours",
        "ourselves",
        "out",
        "over",
        "own",
        "same",
        "shan't",
        "she",
        "she'd",
        "she'll",
        "she's",
        "should",
        "shouldn't",
        "so",
        "some",
        "such",
        "than",
        "that",
        "that's",
        "the",
        "their",
        "theirs",
        "them",
        "themselves",
        "then",
        "there",
        "there's",
        "these",
        "they",
        "they'd",
        "they'll",
        "they're",
        "they've",
        "this",
        "those",
        "through",
        "to",
        "too",
        "under",
        "until",
        "up",
        "very",
        "was",
        "wasn't",
        "we",
        "we'd",
        "we'll",
        "we're",
        "we've",
        "were",
        "weren't",
        "what",
        "what's",
        "when",
        "when's",
        "where",
        "where's",
        "which",
        "while",
        "who",
        "who's",
        "whom",
        "why",
        "why's",
        "with",
        "won't",
        "would",
        "wouldn't",
        "you",
        "you'd",
        "you'll",
        "you're",
        "you've",
        "your",
        "yours",
        "yourself",
        "yourselves",
        "also",
        "said",
        "says",
        "say",
        "told",
        "according",
        "just",
        "will",
        "may",
        "might",
        "must",
        "shall",
        "per",
        "via",
        "s",
        "t",
    ]
)

_NEGATION_CUES = frozenset(
    [
        "not",
        "no",
        "never",
        "none",
        "nobody",
        "nothing",
        "nowhere",
        "neither",
        "nor",
        "without",
        "cannot",
        "can't",
        "won't",
        "don't",
        "doesn't",
        "didn't",
        "isn't",
        "aren't",
        "wasn't",
        "weren't",
        "hasn't",
        "haven't",
        "hadn't",
        "shouldn't",
        "wouldn't",
        "couldn't",
        "mustn't",
        # The same contractions typed without the apostrophe ("I dont know"); "cant" and
        # "wont" are left out, being words of their own.
        "dont",
        "doesnt",
        "didnt",
        "isnt",
        "arent",
        "wasnt",
        "werent",
        "hasnt",
        "havent",
        "hadnt",
        "shouldnt",
        "wouldnt",
        "couldnt",
        "mustnt",
        "unaware",
        "unable",
        "unlikely",
        "unknown",
        "deny",
        "denies",
        "denied",
        "denying",
        "refuse",
        "refuses",
        "refused",
        "refusing",
        "fail",
        "fails",
        "failed",
        "failing",
        "lack",
        "lacks",
        "lacked",
    ]
)

_MONTHS = frozenset(
    [
        "january",
        "february",
        "march",
        "april",
        "may",
        "june",
        "july",
        "august",
        "september",
        "october",
        "november",
        "december",
        "jan",
        "feb",
        "mar",
        "apr",
        "jun",
        "jul",
        "aug",
        "sep",
        "sept",
        "oct",
        "nov",
        "dec",
    ]
)
_WEEKDAYS = frozenset(
    [
        "monday",
        "tuesday",
        "wednesday",
        "thursday",
        "friday",
        "saturday",
        "sunday",
        "today",
        "yesterday",
        "tomorrow",
    ]
)
_MONTH_NAMES = {
    "jan": "january", "feb": "february", "mar": "march", "apr": "april", "jun": "june",
    "jul": "july", "aug": "august", "sep": "september", "sept": "september", "oct": "october",
    "nov": "november", "dec": "december",
}  # fmt: skip
# "may" and "march" are also ordinary words; they count as dates only when capitalised.
_AMBIGUOUS_DATE_WORDS = frozenset({"may", "march", "jan", "mar", "sept", "dec"})

_UNITS = {
    "zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13,
    "fourteen": 14, "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18,
    "nineteen": 19, "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60,
    "seventy": 70, "eighty": 80, "ninety": 90, "hundred": 100, "thousand": 1000,
    "million": 1_000_000, "billion": 1_000_000_000, "trillion": 1_000_000_000_000,
    "dozen": 12, "half": 0.5,
}  # fmt: skip
_COMMON_ZIPF = 5.3
_NUMBERISH_RE = re.compile(
    r"\d|\b(?:zero|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|"
    r"thirteen|fourteen|fifteen|sixteen|seventeen|eighteen|nineteen|twenty|thirty|forty|"
    r"fifty|sixty|seventy|eighty|ninety|hundred|thousand|million|billion|trillion|dozen)"
)
_SCALES = {"hundred", "thousand", "million", "billion", "trillion"}


def unconfuse(text: str) -> str:
    """Replace Cyrillic and Greek look-alikes inside words that also hold Latin letters.

    ``"Sullivаn"`` with a Cyrillic ``а`` becomes ``"Sullivan"``; a word written wholly in
    Cyrillic or Greek (Russian or Greek text) is left alone. One character for one, so
    offsets hold.

    Examples
    --------
    >>> unconfuse("Sulliv\u0430n met \u0432\u0430\u0441")
    'Sullivan met \u0432\u0430\u0441'
    """
    if not _CONFUSABLE_RE.search(text):
        return text
    return _LATIN_WORD_RE.sub(_unconfuse_word, text)


def _unconfuse_word(match: re.Match[str]) -> str:
    return match.group(0).translate(_CONFUSABLE_TABLE)


def strip_invisible(text: str) -> str:
    """Remove zero-width, bidi-control and soft-hyphen characters."""
    return _INVISIBLE_RE.sub("", text)


def _clean(text: str) -> str:
    """NFKC, no invisible characters or look-alikes, acronyms without dots; case untouched."""
    # Invisible characters go first: removing one can join a letter to a combining mark.
    text = unicodedata.normalize("NFKC", unconfuse(_INVISIBLE_RE.sub("", text)))
    return _ACRONYM_RE.sub(lambda m: m.group(0).replace(".", ""), text)


def fold(text: str) -> str:
    """Return ``text`` in a canonical form: NFKC, case-folded, quotes and dashes unified.

    Zero-width and bidi control characters are removed and acronyms lose their dots
    (``U.S.`` → ``us``). The result is idempotent: ``fold(fold(t)) == fold(t)``.
    """
    # Case folding can leave a decomposed sequence behind, or a new look-alike ("ͅ" folds
    # to "ι"); NFKC and look-alike mapping again make the result stable.
    return unconfuse(unicodedata.normalize("NFKC", _clean(text).translate(_QUOTE_FOLD).casefold()))


def normalize_for_match(text: str) -> str:
    """Return the string compared character by character: folded, no punctuation, one space."""
    folded = _POSSESSIVE_RE.sub("", fold(text))
    return _SPACE_RE.sub(" ", _PUNCT_RE.sub(" ", folded)).strip()


@dataclass(frozen=True, slots=True)
class SentenceFeatures:
    """Everything the aligner and classifier need to know about one sentence (or group)."""

    norm: str
    tokens: tuple[str, ...]
    lemmas: frozenset[str]
    lemma_text: str
    numbers: tuple[str, ...]
    dates: tuple[str, ...]
    names: frozenset[str]
    negations: tuple[str, ...]
    quotes: tuple[str, ...]
    weight: float
    """Sum of the rarity weights of ``lemmas``."""


@functools.lru_cache(maxsize=64)
def _has_lemmas(language: str) -> bool:
    try:
        simplemma.lemmatize("a", lang=language)
    except ValueError:
        return False
    return True


@functools.lru_cache(maxsize=64)
def _has_frequencies(language: str) -> bool:
    return language in available_languages()


def has_word_frequencies(language: str) -> bool:
    """Tell whether wordfreq has frequencies for ``language`` (else :func:`zipf` is 0)."""
    return _has_frequencies(language)


def is_supported_language(language: str) -> bool:
    """Tell whether lemmas (simplemma) or word frequencies (wordfreq) exist for ``language``."""
    return _has_lemmas(language) or _has_frequencies(language)


@functools.lru_cache(maxsize=200_000)
def _lemma(token: str, language: str) -> str:
    if token[0].isdigit() or not _has_lemmas(language):
        return token
    # A word wordfreq has never seen (a name, a coinage) is taken as it stands: its lemma
    # could only be guessed, and simplemma's guessing rules are slowest on such words.
    if _has_frequencies(language) and _zipf(token, language) == 0:
        return token
    return str(simplemma.lemmatize(token, lang=language)).casefold()


@functools.lru_cache(maxsize=200_000)
def _zipf(word: str, language: str) -> float:
    # One dictionary look-up; wordfreq.zipf_frequency re-tokenises the word on every call
    # (about 27 µs), which dominated the first comparison of new text.
    freq = _frequencies(language).get(word)
    if freq is not None:
        return round(math.log10(freq) + 9.0, 2)
    if word.isalpha() or not _has_frequencies(language):
        # A plain word missing from the list is unseen (Zipf 0); only words wordfreq would
        # split or normalise ("well-known", digits) need its slower look-up.
        return 0.0
    return float(zipf_frequency(word, language))


@functools.lru_cache(maxsize=8)
def _frequencies(language: str) -> dict[str, float]:
    if not _has_frequencies(language):
        return {}
    return dict(get_frequency_dict(language))


@functools.lru_cache(maxsize=200_000)
def word_weight(lemma: str, language: str) -> float:
    """Rarity weight of a lemma: 1 for very common words up to 8 for unseen ones (names)."""
    if lemma[0].isdigit() or not _has_frequencies(language):
        return 4.0
    zipf = _zipf(lemma, language)
    return float(min(8.0, max(1.0, 8.0 - zipf)))


@functools.lru_cache(maxsize=8)
def _stopwords(language: str) -> frozenset[str]:
    if language == "en":
        return _STOPWORDS_EN
    return frozenset()


def _number_value(token: str) -> str | None:
    if token[0].isdigit():
        cleaned = token.replace(",", "") if re.fullmatch(r"\d{1,3}(,\d{3})+", token) else token
        return cleaned.rstrip(".")
    return None


def _numbers(tokens: tuple[str, ...]) -> list[str]:
    """Normalised numbers: digits as written, number words turned into digits.

    ``thirty-five`` and ``35`` agree, and so do ``1.5 million`` and ``1500000``.
    """
    out: list[str] = []
    i = 0
    n = len(tokens)
    while i < n:
        tok = tokens[i]
        value = _number_value(tok)
        if value is not None:
            scale = tokens[i + 1] if i + 1 < n else ""
            if scale in _SCALES and scale != "hundred":
                try:
                    total = float(value.replace(",", "")) * _UNITS[scale]
                    out.append(_fmt_number(total))
                    i += 2
                    continue
                except ValueError:
                    pass
            out.append(value)
            i += 1
            continue
        if tok in _UNITS and tok != "half":
            total = 0.0
            current = 0.0
            while i < n and tokens[i] in _UNITS:
                word = tokens[i]
                if word in _SCALES:
                    current = max(current, 1.0) * _UNITS[word]
                    if _UNITS[word] >= 1000:
                        total += current
                        current = 0.0
                else:
                    current += _UNITS[word]
                i += 1
            if tok != "one" or total + current != 1:
                out.append(_fmt_number(total + current))
            continue
        i += 1
    return out


def _fmt_number(value: float) -> str:
    return str(int(value)) if value == int(value) else f"{value:g}"


def zipf(word: str, language: str) -> float:
    """Zipf frequency of a word (wordfreq): 7 for "the", about 3 for rare words, 0 if unseen."""
    return _zipf(word, language)


def synsets(token: str, language: str) -> frozenset[int]:
    """WordNet synsets of a folded token or its lemma (English; empty for other languages).

    Two words that share a synset are synonyms in one of their senses ("bill" and
    "legislation" do not, "bill" and "measure" do). The table ships in the package
    (``data/wordnet-synsets.txt.gz``, built from WordNet 3.0 by
    ``benchmarks/build_synonyms.py``).
    """
    if language != "en" or not token or not token[0].isalpha():
        return _NO_SYNSETS
    return _synsets(token)


_NO_SYNSETS: frozenset[int] = frozenset()


@functools.lru_cache(maxsize=200_000)
def _synsets(token: str) -> frozenset[int]:
    table = _synset_table()
    found = table.get(token, _NO_SYNSETS)
    lemma = _lemma(token, "en")
    if lemma == token or lemma not in table:
        return found  # most words: no second set built and cached
    return found | table[lemma]


@functools.cache
def synonym_table_bytes() -> bytes:
    """Return the shipped synonym table as stored (gzipped).

    :func:`synsets` reads it, and ``DetectorConfig.fingerprint`` hashes it.
    """
    return resources.files("rewrite_detect").joinpath("data", "wordnet-synsets.txt.gz").read_bytes()


@functools.cache
def _synset_table() -> dict[str, frozenset[int]]:
    groups: dict[str, list[int]] = {}
    text = gzip.decompress(synonym_table_bytes()).decode("utf-8")
    for number, line in enumerate(text.split("\n")):
        for word in line.split():
            groups.setdefault(word, []).append(number)
    return {word: frozenset(numbers) for word, numbers in groups.items()}


def lemmatize(token: str, language: str) -> str:
    """Lemma of one folded token (cached); numbers and unsupported languages pass through."""
    return _lemma(token, language)


def is_negation(token: str) -> bool:
    """Tell whether a folded token is a negation cue ("not", "never", "don't", …)."""
    return token in _NEGATION_CUES or token.endswith("n't")


def date_words(token: str) -> bool:
    """Tell whether a folded token names a weekday, a month or a relative day."""
    return token in _WEEKDAYS or token in _MONTHS


def stopwords(language: str) -> frozenset[str]:
    """Return the function words left out of content words (English only for now)."""
    return _stopwords(language)


TOKEN_RE = _TOKEN_RE
"""Word and number tokens of folded text."""
QUOTE_FOLD = _QUOTE_FOLD
"""``str.translate`` table unifying quote and dash styles, one character for one."""


def features(text: str, language: str = "en") -> SentenceFeatures:
    """Compute the :class:`SentenceFeatures` of one sentence's raw text."""
    clean = _clean(text)
    folded = clean.translate(_QUOTE_FOLD).casefold()
    unpossessed = _POSSESSIVE_RE.sub("", folded)
    norm = _SPACE_RE.sub(" ", _PUNCT_RE.sub(" ", unpossessed)).strip()
    raw_tokens = tuple(_TOKEN_RE.findall(unpossessed))
    # Hyphenated number words ("thirty-five") are split so that the number reader sees them.
    tokens = (
        tuple(part for tok in raw_tokens for part in tok.split("-") if part)
        if "-" in unpossessed
        else raw_tokens
    )
    stop = _stopwords(language)
    lemmas = [
        _lemma(t, language) for t in tokens if (t not in stop and len(t) > 1) or t[0].isdigit()
    ]
    lemma_set = frozenset(lemmas)
    numbers = _numbers(tokens) if _NUMBERISH_RE.search(unpossessed) else []
    dates = _dates(text, tokens)
    negations = (
        tuple(t for t in tokens if t in _NEGATION_CUES or t.endswith("n't"))
        if "n't" in unpossessed or not _NEGATION_CUES.isdisjoint(tokens)
        else ()
    )
    quotes = tuple(q.strip(" ,.;:") for q in _QUOTED_RE.findall(folded))
    return SentenceFeatures(
        norm=norm,
        tokens=tokens,
        lemmas=lemma_set,
        lemma_text=" ".join(sorted(lemma_set)),
        numbers=tuple(numbers),
        dates=dates,
        names=_names(clean, language),
        weight=sum(word_weight(lemma, language) for lemma in lemma_set),
        negations=negations,
        quotes=quotes,
    )


_WORD_EDGES = "\"'“”‘’«»()[]{}<>,.;:!?…-–—/"


def _names(clean: str, language: str) -> frozenset[str]:
    """Capitalised words that are not function words, dates or a common sentence-initial word."""
    out = set()
    stop = _stopwords(language)
    for number, raw in enumerate(clean.split()):
        if raw[0].islower():  # most words: no name, whatever the edges
            continue
        word = raw.strip(_WORD_EDGES)
        if not word or not word[0].isupper():
            continue
        base = _POSSESSIVE_ANY_RE.sub("", word).casefold()
        if base in stop or base in _MONTHS or base in _WEEKDAYS or base in _UNITS:
            continue
        if number == 0 and _ordinary_first_word(_POSSESSIVE_ANY_RE.sub("", word), language):
            continue
        out.add(base)
    return frozenset(out)


@functools.lru_cache(maxsize=50_000)
def _ordinary_first_word(word: str, language: str) -> bool:
    """Whether a capitalised first word is just the start of the sentence, not a name.

    Very common words are ("However"); so is a word the lemmatiser's dictionary knows in
    lower case ("Emergency crews" -> ``emergency``), while it keeps proper nouns capitalised
    ("China", "Monday") and leaves unknown words as they are ("Marlow"). Acronyms ("US")
    stay names.
    """
    if len(word) > 1 and word.isupper():
        return False
    base = word.casefold()
    if _zipf(base, language) >= _COMMON_ZIPF:
        return True
    if not word[1:].islower() or not _has_lemmas(language):
        return False
    return str(simplemma.lemmatize(word, lang=language))[:1].islower()


def _dates(text: str, tokens: tuple[str, ...]) -> tuple[str, ...]:
    candidates = [tok for tok in tokens if tok in _WEEKDAYS or tok in _MONTHS]
    if not candidates:
        return ()
    capitalised = {w.casefold() for w in re.findall(r"\b[A-Z][a-z]+\b", text)}
    # "Nov." and "November" name one month.
    return tuple(
        _MONTH_NAMES.get(tok, tok)
        for tok in candidates
        if tok in _WEEKDAYS or tok not in _AMBIGUOUS_DATE_WORDS or tok in capitalised
    )
