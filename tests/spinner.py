"""A deterministic article spinner, the kind content farms run over other outlets' stories.

It rewrites an article sentence by sentence, the way cheap "article rewriter" tools do:

* **Synonym swaps.** About a third of each sentence's content words are replaced from a
  hand-written synonym table of common news words (``said`` → ``stated``, ``officials`` →
  ``authorities``, ``increase`` → ``rise``), inflected forms included, keeping capitalisation
  and fixing ``a``/``an`` before a swapped word.
* **Clause moves.** About a third of the sentences have a leading or trailing clause moved
  around its comma: ``"In March, the council did Y."`` → ``"The council did Y in March."`` and
  ``"X did Y, after Z."`` → ``"After Z, X did Y."``.
* **Names and numbers are left alone**, and so is anything glued to a hyphen or an apostrophe
  (``large-scale``, ``U.S.-China``, ``Moscow's``), and line structure is kept.

Everything is driven by a seeded :class:`random.Random`, so a seed always gives the same copy.
The spinner uses no part of rewrite_detect: it is an independent model of the adversary.
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass, field

__all__ = ["SYNONYMS", "Spinner", "SpunSentence", "spin", "split_sentences"]

# One "word=synonym" per item; inflected forms are listed explicitly, since spinners look words
# up as written. Negation cues (refused, denied, failed …), number words and month names are
# deliberately absent: a spinner that flips those changes the facts, not just the wording.
_TABLE = """
said=stated says=states say=state saying=stating told=informed added=continued
announced=declared announce=declare announces=declares announcing=declaring
announcement=declaration reported=relayed
increase=rise increased=rose increases=rises increasing=rising
rise=increase rose=increased rises=increases rising=increasing
buy=purchase bought=purchased buying=purchasing buys=purchases
help=assist helped=assisted helping=assisting helps=assists
begin=start began=started begins=starts beginning=starting
show=demonstrate showed=demonstrated shows=demonstrates shown=demonstrated
try=attempt tried=attempted tries=attempts trying=attempting
need=require needed=required needs=requires
get=obtain got=obtained gets=obtains getting=obtaining
obtain=acquire obtained=acquired obtaining=acquiring
use=employ used=employed uses=employs using=employing
plan=scheme plans=schemes planned=intended planning=intending
warn=caution warned=cautioned warns=cautions warning=alert
contact=reach contacted=reached
ask=request asked=requested asks=requests requested=sought
seek=pursue seeks=pursues sought=pursued seeking=pursuing
provide=supply provided=supplied provides=supplies providing=supplying
allow=permit allowed=permitted allows=permits allowing=permitting
keep=retain kept=retained maintain=preserve maintained=preserved
cut=slash cuts=reductions raise=lift raised=lifted
close=shut closed=shut closing=shutting
open=launch opened=launched launched=initiated launch=initiate
build=construct built=constructed fix=repair fixed=repaired
hire=recruit hired=recruited hiring=recruiting
win=secure won=secured wins=secures choose=select chose=selected chosen=selected
decided=resolved expect=anticipate expected=anticipated expects=anticipates
believe=consider believed=considered believes=considers
think=believe thinks=believes thought=believed
see=observe sees=observes saw=observed seen=observed
find=discover found=discovered finds=discovers
move=shift moved=shifted moves=shifts stop=halt stopped=halted stops=halts
continue=proceed continued=proceeded continues=proceeds
remain=stay remains=stays remained=stayed
include=feature included=featured includes=features including=featuring
explain=clarify explained=clarified discuss=debate discussed=debated
confirm=verify confirmed=verified confirms=verifies
reveal=disclose revealed=disclosed reveals=discloses
claim=allege claimed=alleged accused=charged
arrest=detain arrested=detained arrests=detentions killed=slain
died=perished injured=hurt damaged=harmed destroyed=wrecked
attack=assault attacked=assaulted attacks=assaults
support=backing supported=backed supports=backs
opposed=resisted approved=sanctioned approve=sanction
rejected=dismissed rejects=dismisses
propose=suggest proposed=suggested proposes=suggests
consider=weigh considered=weighed considering=weighing
expand=broaden expanded=broadened expanding=broadening
reduce=lower reduced=lowered reduces=lowers reducing=lowering
grow=climb grew=climbed growing=climbing grows=climbs
fall=drop fell=dropped falls=drops falling=dropping
spend=expend spent=expended received=obtained
send=dispatch sent=dispatched sending=dispatching delivered=supplied
create=establish created=established required=demanded prepared=readied
face=confront faced=confronted faces=confronts facing=confronting
cope=deal hit=struck shared=revealed
note=remark noted=remarked notes=remarks achieved=attained
limit=restrict limited=restricted
offer=extend offered=extended offering=extending offers=extends
aid=assistance assistance=help communicating=conversing exerted=applied
officials=authorities country=nation countries=nations
government=administration governments=administrations
city=municipality cities=municipalities people=individuals
residents=inhabitants resident=inhabitant
company=firm companies=firms business=enterprise businesses=enterprises
money=funds leader=chief leaders=chiefs police=law_enforcement officers=agents
worker=employee workers=employees employees=staff staff=personnel
job=position jobs=positions children=kids
home=residence homes=residences house=dwelling houses=dwellings
car=vehicle cars=vehicles road=street roads=streets
price=cost prices=costs costs=expenses
problem=issue problems=issues issue=matter issues=matters
war=conflict wars=conflicts crisis=emergency
weapons=arms weaponry=armaments equipment=gear
deal=agreement deals=agreements agreement=accord
meeting=session meetings=sessions
schools=academies hospital=clinic doctor=physician doctors=physicians
student=pupil students=pupils teacher=educator teachers=educators
study=analysis studies=analyses data=figures figures=statistics
result=outcome results=outcomes effect=impact effects=impacts impact=effect
decision=ruling decisions=rulings law=legislation laws=statutes
rule=regulation rules=regulations votes=ballots elections=polls
groups=organizations members=associates security=safety adviser=counselor
spokesperson=representative spokesman=representative spokeswoman=representative
counterpart=equivalent counterparts=equivalents interview=discussion
partnership=alliance ally=supporter trade=commerce markets=marketplaces
sanctions=penalties efforts=endeavors pressure=strain currency=money
reserves=stockpiles imports=shipments powers=states details=specifics
type=kind types=kinds world=globe consequences=repercussions environment=climate
cooperation=collaboration ammunition=munitions policy=strategy
storm=tempest flood=deluge floods=deluges flooding=inundation damage=harm
area=region areas=regions region=zone fire=blaze fires=blazes
building=structure buildings=structures budget=finances funding=financing
rate=level rates=levels growth=expansion economic=financial amount=sum
repairs=renovations crews=teams crew=team
big=large bigger=larger biggest=largest large=substantial small=minor
important=significant significant=considerable new=recent major=principal
key=crucial main=primary recently=lately quickly=rapidly quick=rapid
difficult=hard hard=tough easy=simple high=elevated higher=greater
strong=robust strongly=firmly serious=grave seriously=gravely
global=worldwide foreign=overseas local=regional national=nationwide
several=multiple many=numerous various=assorted
ongoing=continuing continuing=ongoing potential=possible possible=feasible
directly=straight privately=confidentially absolutely=certainly
vast=enormous entire=whole current=present currently=presently
former=previous senior=high-ranking military=defense financial=fiscal
additional=extra escalating=mounting mutual=shared televised=broadcast
temporary=short-term annual=yearly elderly=older modern=contemporary
costly=expensive controversial=contentious coastal=seaside remote=distant
also=additionally however=nevertheless now=currently soon=shortly
nearly=almost almost=nearly about=roughly
"""

SYNONYMS: dict[str, str] = {
    word: synonym.replace("_", " ")
    for word, synonym in (item.split("=", 1) for item in _TABLE.split())
}
"""Synonym table: lower-case word as written → replacement (same inflection)."""
_SYNONYM_VALUES = frozenset(SYNONYMS.values())

# Function words: not content, never swapped, lower-cased when a clause moves mid-sentence.
_FUNCTION_WORDS = frozenset(
    """
    a an the and or but if of in on at to for from by with about as into over after before
    during since until while when where which who whom whose that this these those it its he
    she they them their his her we our you your i me my is are was were be been being has have
    had do does did will would can could should may might must shall not no so than then there
    here also just very too more most some any all each both such own same other only said says
    """.split()
)

_WORD_RE = re.compile(r"([A-Za-z]+(?:['’][A-Za-z]+)*'?)")
_LEAD_RE = re.compile(
    r"^(?P<lead>(?:In|On|At|After|Before|During|Since|Despite|Amid|Following|Last|Earlier|Later"
    r"|Under|Until|When|While|As|Although|Because|Once|Over|Through|Across)\b[^,\"“”]{2,60}),"
    r" (?P<main>[^\"“”]+?)(?P<end>[.!?])$"
)
_TRAIL_RE = re.compile(
    r"^(?P<main>[^\"“”]+?), (?P<trail>(?:after|before|while|as|because|despite|amid|following"
    r"|since|when|although|according to|in|on|during|with|until|once)\b[^,\"“”]{2,80})"
    r"(?P<end>[.!?])$"
)
_ABBREVIATIONS = ("Mr.", "Mrs.", "Ms.", "Dr.", "St.", "U.S.", "U.K.", "Gen.", "Sen.", "Gov.")
_SPLIT_RE = re.compile(r"(?<=[.!?])([\"”’]?)\s+(?=[\"“‘]?[A-Z])")


def split_sentences(line: str) -> list[str]:
    """Split one line into sentences (a plain regex splitter that knows a few abbreviations)."""
    pieces: list[str] = []
    pos = 0
    for match in _SPLIT_RE.finditer(line):
        cut = match.start() + len(match.group(1))
        pieces.append(line[pos:cut])
        pos = match.end()
    pieces.append(line[pos:])
    out: list[str] = []
    for piece in pieces:
        if out and out[-1].endswith(_ABBREVIATIONS):
            out[-1] = f"{out[-1]} {piece}"
        else:
            out.append(piece)
    return [p for p in out if p]


@dataclass
class SpunSentence:
    """What the spinner did to one sentence."""

    original: str
    spun: str
    content_words: int = 0
    swaps: list[tuple[str, str]] = field(default_factory=list)
    reordered: bool = False

    @property
    def changed(self) -> bool:
        """Whether the sentence differs from the original."""
        return self.spun != self.original


def _match_case(word: str, replacement: str) -> str:
    if word.isupper() and len(word) > 1:
        return replacement.upper()
    if word[0].isupper():
        return replacement[0].upper() + replacement[1:]
    return replacement


def _is_name_like(token: str, first: bool) -> bool:
    """A capitalised word that is not the first of its sentence: a name, left alone."""
    return token[0].isupper() and not first


# Common nouns that often open a news sentence; with the function words, the synonym table and
# the words the article writes in lower case, they are what a moved clause may lower-case.
_COMMON_OPENERS = frozenset(
    """
    forecasters ridership engineers analysts experts critics investigators witnesses advocates
    scientists researchers voters prosecutors lawmakers firefighters rescuers economists
    diplomats negotiators protesters survivors shoppers tourists drivers passengers riders
    """.split()
)


def _lower_first(text: str, common: frozenset[str]) -> str:
    """Lower-case the first word of a clause moved mid-sentence if it is a common word.

    ``common`` holds lower-case words known to be ordinary words (see :meth:`Spinner.spin`);
    anything else, a name above all, keeps its capital.
    """
    match = _WORD_RE.match(text)
    if match is None:
        return text
    word = match.group(0)
    lower = word.lower()
    if word.isupper() and len(word) > 1:
        return text
    if lower in common or lower in _FUNCTION_WORDS or lower in _COMMON_OPENERS:
        return lower + text[len(word) :]
    if lower in SYNONYMS or lower in _SYNONYM_VALUES:
        return lower + text[len(word) :]
    return text


def _lower_case_words(text: str) -> frozenset[str]:
    """Words that ``text`` writes in lower case somewhere: ordinary words, not names."""
    return frozenset(w for w in _WORD_RE.findall(text) if w.islower())


def _upper_first(text: str) -> str:
    return text[:1].upper() + text[1:]


class Spinner:
    """Rewrites articles like a content-farm spinner; deterministic for a given seed.

    Parameters
    ----------
    seed : int
        Seed of the :class:`random.Random` driving every choice.
    swap_rate : float
        Share of each sentence's content words to replace by synonyms.
    reorder_rate : float
        Share of an article's sentences whose leading or trailing clause is moved.
    """

    def __init__(self, seed: int = 0, *, swap_rate: float = 1 / 3, reorder_rate: float = 1 / 3):
        self.rng = random.Random(seed)
        self.swap_rate = swap_rate
        self.reorder_rate = reorder_rate

    def spin(self, text: str) -> str:
        """Return the spun article (same lines, spun sentences)."""
        return self.spin_with_log(text)[0]

    def spin_with_log(self, text: str) -> tuple[str, list[SpunSentence]]:
        """Return the spun article and, for every sentence, what was done to it."""
        lines = text.split("\n")
        split = [split_sentences(line.strip()) if line.strip() else [] for line in lines]
        flat = [s for sents in split for s in sents]
        common = _lower_case_words(text)
        movable = [i for i, s in enumerate(flat) if _LEAD_RE.match(s) or _TRAIL_RE.match(s)]
        n_moves = min(len(movable), round(len(flat) * self.reorder_rate))
        to_move = set(self.rng.sample(movable, n_moves))
        log: list[SpunSentence] = []
        out_lines: list[str] = []
        k = 0
        for line, sents in zip(lines, split, strict=True):
            if not sents:
                out_lines.append(line)
                continue
            spun = []
            for sentence in sents:
                record = self.spin_sentence(sentence, reorder=k in to_move, common=common)
                log.append(record)
                spun.append(record.spun)
                k += 1
            indent = line[: len(line) - len(line.lstrip())]
            out_lines.append(indent + " ".join(spun))
        return "\n".join(out_lines), log

    def spin_sentence(
        self, sentence: str, *, reorder: bool = False, common: frozenset[str] = frozenset()
    ) -> SpunSentence:
        """Swap about a third of the content words, then move a clause if ``reorder``.

        ``common`` are words the article writes in lower case: when a clause move puts one of
        them mid-sentence it loses its capital, while a name keeps it.
        """
        common = common | _lower_case_words(sentence)
        record = SpunSentence(original=sentence, spun=sentence)
        parts = _WORD_RE.split(sentence)  # even: separators, odd: words
        first_word = next((i for i in range(1, len(parts), 2)), None)
        content: list[int] = []
        candidates: list[int] = []
        for i in range(1, len(parts), 2):
            word = parts[i]
            before, after = parts[i - 1], parts[i + 1] if i + 1 < len(parts) else ""
            first = i == first_word or before.rstrip().endswith(('"', "“", "(", ":"))
            glued = before.endswith(("-", "'", "’", ".")) or after.startswith(("-", "’s", "'s"))
            if word.lower() in _FUNCTION_WORDS or _is_name_like(word, first) or glued:
                continue
            if "'" in word or "’" in word:
                continue
            content.append(i)
            if word.lower() in SYNONYMS:
                candidates.append(i)
        record.content_words = len(content)
        if candidates:
            wanted = max(1, round(len(content) * self.swap_rate))
            for i in sorted(self.rng.sample(candidates, min(wanted, len(candidates)))):
                word = parts[i]
                new = _match_case(word, SYNONYMS[word.lower()])
                record.swaps.append((word, new))
                parts[i] = new
                self._fix_article(parts, i)
        text = "".join(parts)
        if reorder:
            moved = self._move_clause(text, common)
            if moved != text:
                record.reordered = True
                text = moved
        record.spun = text
        return record

    @staticmethod
    def _fix_article(parts: list[str], i: int) -> None:
        """Make ``a``/``an`` before the swapped word ``parts[i]`` agree with it."""
        if i < 2 or parts[i - 1] != " ":
            return
        article = parts[i - 2]
        vowel = parts[i][0].lower() in "aeio"
        if article.lower() in {"a", "an"}:
            wanted = "an" if vowel else "a"
            parts[i - 2] = _match_case(article, wanted)

    @staticmethod
    def _move_clause(sentence: str, common: frozenset[str]) -> str:
        lead = _LEAD_RE.match(sentence)
        if lead:
            main = _upper_first(lead["main"])
            return f"{main} {_lower_first(lead['lead'], common)}{lead['end']}"
        trail = _TRAIL_RE.match(sentence)
        if trail:
            main = _lower_first(trail["main"], common)
            return f"{_upper_first(trail['trail'])}, {main}{trail['end']}"
        return sentence


def spin(text: str, seed: int = 0) -> str:
    """Spin ``text`` with a fresh :class:`Spinner` seeded with ``seed``."""
    return Spinner(seed).spin(text)
