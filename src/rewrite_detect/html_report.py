"""A self-contained HTML page that shows a comparison side by side, for an editor to read.

Built with Jinja2 with autoescaping on: article text is untrusted, so every piece of it goes
through the template's escaping and none is ever marked safe. The page also carries a
Content-Security-Policy that allows only its own inline script (by hash) and no network
request at all, so that even a mistake in escaping could neither run a script nor fetch
anything.
"""

from __future__ import annotations

import base64
import difflib
import hashlib
import re
from collections.abc import Iterable, Sequence
from functools import cache
from importlib import resources
from typing import Any

import jinja2
from markupsafe import Markup

from rewrite_detect.models import FACT_NAMES, AlignedPair, Comparison

__all__ = ["render_html"]

_TOKEN = re.compile(r"\s+|[^\s]+")
_FACT_KINDS = ("numbers", "dates", "names", "quotes", "negation", "swapped_roles")


@cache
def _environment() -> tuple[jinja2.Template, str]:
    folder = resources.files("rewrite_detect") / "templates"
    env = jinja2.Environment(
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    template = env.from_string(folder.joinpath("report.html.j2").read_text(encoding="utf-8"))
    script = folder.joinpath("report.js").read_text(encoding="utf-8")
    return template, script


def _key(token: str) -> str:
    return re.sub(r"[^\w]", "", token.casefold()) or token


def _diff_tokens(
    a: str, b: str, facts_a: set[str], facts_b: set[str]
) -> tuple[list[dict[str, str]], list[dict[str, str]]]:
    """Split both texts into tokens and mark the words that differ (facts marked stronger)."""
    ta, tb = _TOKEN.findall(a), _TOKEN.findall(b)
    wa = [k for k, t in enumerate(ta) if not t.isspace()]
    wb = [k for k, t in enumerate(tb) if not t.isspace()]
    matcher = difflib.SequenceMatcher(
        None, [_key(ta[k]) for k in wa], [_key(tb[k]) for k in wb], autojunk=False
    )
    changed_a: set[int] = set()
    changed_b: set[int] = set()
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op != "equal":
            changed_a.update(wa[i1:i2])
            changed_b.update(wb[j1:j2])

    def tokens(parts: list[str], changed: set[int], facts: set[str]) -> list[dict[str, str]]:
        out = []
        for k, text in enumerate(parts):
            mark = ""
            if k in changed:
                key = _key(text)
                mark = "fact" if any(key and key in f for f in facts) else "diff"
            out.append({"text": text, "mark": mark})
        return out

    return tokens(ta, changed_a, facts_a), tokens(tb, changed_b, facts_b)


_QUOTE_CALLOUTS = frozenset({"altered", "misattributed", "trimmed"})


def _fact_keys(pair: AlignedPair, side: str) -> set[str]:
    keys: set[str] = set()
    for kind in _FACT_KINDS:
        change = getattr(pair.evidence, kind)
        if change is not None:
            keys.update(_key(v) for v in getattr(change, side))
    return keys


def _facts(pair: AlignedPair) -> list[str]:
    out = []
    for kind in _FACT_KINDS:
        change = getattr(pair.evidence, kind)
        if change is not None:
            before = ", ".join(change.source) or "(none)"
            after = ", ".join(change.target) or "(none)"
            out.append(f"{FACT_NAMES[kind]} changed: {before} \u2192 {after}")
    return out


def _ref(indices: Sequence[int]) -> str:
    first, last = indices[0] + 1, indices[-1] + 1
    return f"#{first}" if first == last else f"#{first}-{last}"


def _rows(comparison: Comparison, findings: Sequence[Any]) -> list[dict[str, Any]]:
    src, tgt = comparison.source.text, comparison.target.text

    def notes(span: tuple[int, int]) -> list[str]:
        return [
            f"{f.rule}: {f.message}"
            for f in findings
            if f.span[0] < max(span[1], span[0] + 1) and span[0] < max(f.span[1], f.span[0] + 1)
        ]

    # Quotations the target altered or put in another mouth: called out on their pair, and
    # their changed words marked like changed facts.
    quote_notes: dict[int, list[str]] = {}
    quote_keys: dict[int, tuple[set[str], set[str]]] = {}
    for finding in comparison.quotes:
        if finding.pair is None or finding.status.value not in _QUOTE_CALLOUTS:
            continue
        note = f"quotation {finding.status.value}"
        if finding.changed is not None:
            before = ", ".join(finding.changed.source) or "(none)"
            after = ", ".join(finding.changed.target) or "(none)"
            note += f": {before} \u2192 {after}"
            keys = quote_keys.setdefault(finding.pair, (set(), set()))
            keys[0].update(_key(w) for w in finding.changed.source)
            keys[1].update(_key(w) for w in finding.changed.target)
        if finding.status.value == "misattributed" and finding.source and finding.target:
            note += f": {finding.source.speaker or 'unnamed'} \u2192 "
            note += finding.target.speaker or "unnamed"
        quote_notes.setdefault(finding.pair, []).append(note)

    ordered: list[tuple[int, dict[str, Any]]] = []
    for number, pair in enumerate(comparison.pairs):
        extra_src, extra_tgt = quote_keys.get(number, (set(), set()))
        a, b = _diff_tokens(
            pair.source_text,
            pair.target_text,
            _fact_keys(pair, "source") | extra_src,
            _fact_keys(pair, "target") | extra_tgt,
        )
        row = {
            "kind": "pair",
            "label": pair.label.value,
            "score": pair.score,
            "source_ref": _ref(pair.source_sentences),
            "target_ref": _ref(pair.target_sentences),
            "source_tokens": a,
            "target_tokens": b,
            "facts": _facts(pair) + quote_notes.get(number, []),
            "reasons": list(pair.evidence.reasons),
            "findings": notes(pair.target_span),
            "source_start": pair.source_span[0],
        }
        ordered.append((pair.target_span[0], row))
    for start, end in comparison.unmatched_target:
        row = _grey("unmatched", "target sentence not in the source", "", tgt[start:end])
        row["findings"] = notes((start, end))
        ordered.append((start, row))
    for skipped in comparison.skipped_target:
        note = f"skipped as boilerplate ({skipped.reason})"
        ordered.append((skipped.start, _grey("skipped", note, "", skipped.text)))
    ordered.sort(key=lambda item: item[0])
    rows = [row for _, row in ordered]
    # Source-only text goes after the pair holding the closest earlier source sentence.
    extra: list[tuple[int, dict[str, Any]]] = [
        (start, _grey("unmatched", "source sentence not in the target", src[start:end], ""))
        for start, end in comparison.unmatched_source
    ]
    extra += [
        (s.start, _grey("skipped", f"skipped as boilerplate ({s.reason})", s.text, ""))
        for s in comparison.skipped_source
    ]
    for start, row in sorted(extra, key=lambda item: item[0], reverse=True):
        anchor = -1
        best = -1
        for k, other in enumerate(rows):
            source_start = other.get("source_start", -1)
            if other["kind"] == "pair" and best < source_start < start:
                anchor, best = k, source_start
        rows.insert(anchor + 1, row)
    for k, row in enumerate(rows, 1):
        row["anchor"] = f"r{k}"
    return rows


def _grey(kind: str, note: str, source_text: str, target_text: str) -> dict[str, Any]:
    return {
        "kind": kind,
        "note": note,
        "source_text": source_text,
        "target_text": target_text,
        "findings": [],
    }


def _bar(comparison: Comparison) -> list[dict[str, Any]]:
    total = max(1, len(comparison.target_sentences))
    counts = {"verbatim": 0, "paraphrase": 0, "divergent": 0}
    for pair in comparison.pairs:
        counts[pair.label.value] += len(pair.target_sentences)
    counts["unmatched"] = len(comparison.unmatched_target)
    return [{"kind": k, "count": n, "share": n / total} for k, n in counts.items()]


def _hash(text: str) -> str:
    return "sha256-" + base64.b64encode(hashlib.sha256(text.encode()).digest()).decode()


def render_html(comparison: Comparison, findings: Iterable[Any] = (), *, version: str = "") -> str:
    """Return a self-contained HTML page showing the comparison side by side.

    Parameters
    ----------
    comparison : Comparison
        The result to show.
    findings : iterable of Finding, optional
        Findings of ``rewrite-detect check`` on this comparison, shown with the sentences they
        point at (anything with ``rule``, ``message`` and a target ``span``).
    version : str
        Tool version for the page's ``generator`` tag.

    Returns
    -------
    str
        The page: one file with its style and script inline and no external request.
    """
    template, script = _environment()
    csp = (
        f"default-src 'none'; script-src '{_hash(script)}'; style-src 'unsafe-inline'; "
        "img-src 'none'; base-uri 'none'; form-action 'none'"
    )
    counts = comparison.label_counts()
    return template.render(
        csp=csp,
        version=version,
        source=comparison.source,
        target=comparison.target,
        verdict=comparison.verdict.value,
        coverage=comparison.coverage,
        counts=counts,
        unmatched_target=len(comparison.unmatched_target),
        unmatched_source=len(comparison.unmatched_source),
        skipped=len(comparison.skipped_source) + len(comparison.skipped_target),
        bar=_bar(comparison),
        rows=_rows(comparison, list(findings)),
        script=Markup(script),  # our own code, read from the package; never article text
    )
