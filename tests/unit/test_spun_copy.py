"""A content farm's spun copy of an article is a rewrite, not a verbatim copy and not new work.

The spinner (``tests/spinner.py``) swaps about a third of the content words for synonyms and
moves a clause in about a third of the sentences, leaving names and numbers alone.
"""

from __future__ import annotations

import importlib.util
import re
import sys
from pathlib import Path

import pytest

from rewrite_detect import Label, Verdict, compare

_TESTS = Path(__file__).resolve().parents[1]
SEED_ARTICLE = _TESTS / "fixtures" / "seeds" / "004_e9fc72fd02330fd2.txt"


def _load_spinner():
    """Import tests/spinner.py by path, whatever the package layout of tests/ is."""
    name = "rewrite_detect_tests_spinner"
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.spec_from_file_location(name, _TESTS / "spinner.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


spinner = _load_spinner()

# Two news articles written for these tests (not taken from the seed fixtures).
HARBOR_FLOOD = """\
Storm surge floods Kingsport harbor district as repairs stall

On Tuesday, a powerful storm pushed seawater into the harbor district of Kingsport, flooding \
more than 340 homes and forcing the city to close two main roads.
Officials said the surge reached 2.4 metres at high tide, the highest level recorded since 1987.

Mayor Helen Castillo announced that the city would buy 60 portable pumps and hire additional \
crews to help residents clear water from their basements.
"We have asked every available worker to help, and we expect the pumps to arrive by Friday," \
Castillo told reporters at a news conference.
The city council approved an emergency budget of $4.5 million to pay for the repairs, after \
a two-hour debate on Wednesday.

In March, engineers warned the council that the old sea wall needed urgent repairs.
The report estimated that rebuilding the wall would cost about $18 million and take three years.
Council member Tomas Achterberg said the warning had been ignored for too long.
"The people of this city deserve better protection, and they deserved it years ago," he said.

Local businesses reported heavy damage to equipment and stock, according to the Kingsport \
Chamber of Commerce.
The chamber estimated that losses could increase to $12 million if the roads stay closed \
through the weekend.
Since Tuesday night, several families have moved into temporary shelters at Eastbrook High \
School, where volunteers provided meals and blankets.
Forecasters expect another big storm to reach the coast, after a brief break in the weather \
this weekend.
The national weather service urged residents to keep emergency supplies and to follow \
instructions from local officials.
"""

TRANSIT_FARES = """\
Westfield transit agency plans fare increase to close budget gap

The Westfield Regional Transit Authority plans to increase bus and rail fares by 15 percent \
next year, officials said on Monday.
The agency said the increase was needed to close a budget gap of $38 million caused by rising \
fuel prices and falling ridership.

Under the proposal, a single ride would cost $2.30, up from $2, while a monthly pass would \
rise to $92.
Transit director Priya Nakamura said the agency had tried to cut costs before asking riders \
to pay more.
"We reduced overtime, delayed new projects and sold two old maintenance buildings," Nakamura \
said at a public meeting.
Many riders who spoke at the meeting said the increase would hurt workers and students who \
depend on the buses.

After the meeting, the agency board decided to delay a final vote until September.
Board member Samuel Okafor said he wanted the agency to find other ways to raise money, \
including a new tax on parking.
Ridership fell by nearly 22 percent during the pandemic and has recovered only slowly since \
then, according to agency data.
The agency also expects to receive about $9 million from the state government, which would \
help reduce the size of the increase.

Advocates for low-income riders warned that a big fare increase could push people away from \
public transport.
They asked the board to create a discount program for residents who earn less than $30,000 \
a year.
The board will hold two more public meetings in August before the vote.
"""

ARTICLES = {"harbor-flood": HARBOR_FLOOD, "transit-fares": TRANSIT_FARES}


def _numbers(text: str) -> list[str]:
    return sorted(re.findall(r"\d+(?:[.,]\d+)*", text))


def _names(text: str) -> set[str]:
    """Capitalised words that are not the first word of a line or sentence: names."""
    out = set()
    for line in text.splitlines():
        for sentence in spinner.split_sentences(line):
            words = re.findall(r"[\"“]?[A-Za-z][\w’'-]*", sentence)
            out.update(w for w in words[1:] if w[0].isupper())
    return out


@pytest.mark.parametrize("seed", [0, 1, 2])
@pytest.mark.parametrize("name", sorted(ARTICLES))
def test_spun_copy_is_rewrite(name: str, seed: int) -> None:
    original = ARTICLES[name]
    spun, log = spinner.Spinner(seed).spin_with_log(original)
    assert sum(record.changed for record in log) >= 0.8 * len(log)

    result = compare(original, spun)

    assert result.verdict is Verdict.REWRITE, (result.verdict, result.label_counts())
    counts = result.label_counts()
    assert counts[Label.PARAPHRASE.value] > len(result.pairs) / 2, counts
    for pair in result.pairs:
        if pair.label is Label.VERBATIM:
            assert pair.source_text == pair.target_text, (pair.source_text, pair.target_text)
    # A spun copy keeps the facts: no pair should be flagged for a changed number or date.
    for pair in result.pairs:
        assert pair.evidence.numbers is None, (pair.source_text, pair.target_text)
        assert pair.evidence.dates is None, (pair.source_text, pair.target_text)


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_spun_seed_article_is_rewrite(seed: int) -> None:
    original = SEED_ARTICLE.read_text(encoding="utf-8")
    spun = spinner.spin(original, seed)
    assert spun != original

    result = compare(original, spun)

    assert result.verdict is Verdict.REWRITE, (result.verdict, result.label_counts())


def test_spinner_is_deterministic() -> None:
    assert spinner.spin(HARBOR_FLOOD, 7) == spinner.spin(HARBOR_FLOOD, 7)
    assert spinner.spin(HARBOR_FLOOD, 7) != spinner.spin(HARBOR_FLOOD, 8)


@pytest.mark.parametrize("name", sorted(ARTICLES))
def test_spinner_keeps_names_numbers_and_lines(name: str) -> None:
    original = ARTICLES[name]
    spun = spinner.spin(original, 3)
    assert _numbers(spun) == _numbers(original)
    assert _names(original) <= set(re.findall(r"[\"“]?[A-Za-z][\w’'-]*", spun))
    assert len(spun.splitlines()) == len(original.splitlines())
    blank = [i for i, line in enumerate(original.splitlines()) if not line.strip()]
    assert blank == [i for i, line in enumerate(spun.splitlines()) if not line.strip()]


@pytest.mark.parametrize("name", sorted(ARTICLES))
def test_spinner_rates(name: str) -> None:
    """About a third of content words swapped and a third of sentences reordered."""
    _, log = spinner.Spinner(5).spin_with_log(ARTICLES[name])
    swapped = sum(len(r.swaps) for r in log)
    content = sum(r.content_words for r in log)
    assert 0.2 <= swapped / content <= 0.45, swapped / content
    reordered = sum(r.reordered for r in log) / len(log)
    assert 0.2 <= reordered <= 0.4, reordered


def test_spinner_examples() -> None:
    s = spinner.Spinner(0)
    moved = s.spin_sentence("In March, the council approved the plan.", reorder=True)
    assert moved.reordered
    assert moved.spun.endswith(" in March.")
    assert moved.spun.startswith("The council ")
    trailing = s.spin_sentence("Sullivan met Yang in Rome, after the vote in Paris.", reorder=True)
    assert trailing.spun.startswith("After the vote in Paris, ")
    assert "Sullivan" in trailing.spun
    assert "Yang" in trailing.spun
    swapped = s.spin_sentence("Officials said the country would buy big trucks.")
    assert swapped.swaps
    assert all(
        new == spinner.SYNONYMS[old.lower()].capitalize() or new == spinner.SYNONYMS[old.lower()]
        for old, new in swapped.swaps
    )
    article = s.spin_sentence("It was an increase of 5 percent.", reorder=False)
    assert "a rise" in article.spun
