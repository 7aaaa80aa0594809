"""Report: render a :class:`~rewrite_detect.models.Comparison` as JSON or terminal text."""

from __future__ import annotations

import json
import re
import shutil
import textwrap
from collections.abc import Callable

from rewrite_detect.models import AlignedPair, Comparison, Label

__all__ = ["render_json", "render_text"]

_COLOURS = {
    Label.VERBATIM: "\x1b[31m",  # red: copied
    Label.PARAPHRASE: "\x1b[33m",  # yellow: reworded
    Label.DIVERGENT: "\x1b[36m",  # cyan: same topic, facts differ
}
_BOLD, _DIM, _RESET = "\x1b[1m", "\x1b[2m", "\x1b[0m"
# Article text is untrusted: escape sequences in it must not drive the terminal.
# C0 and C1 controls (ESC starts terminal escape sequences) and bidi overrides (which make a
# terminal show text in another order than it is): never printed from article text.
_CONTROL_RE = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def render_json(comparison: Comparison, *, indent: int | None = 2) -> str:
    """Return the comparison as JSON text in the documented shape (``docs/json-schema.md``)."""
    return json.dumps(comparison.to_dict(), ensure_ascii=False, indent=indent)


def printable(text: str) -> str:
    r"""Return untrusted text safe to print to a terminal: control characters become spaces.

    Examples
    --------
    >>> printable("Title\x1b[2J\u202eevil")
    'Title [2J evil'
    """
    return _CONTROL_RE.sub(" ", text)


_clean = printable


def render_text(
    comparison: Comparison,
    *,
    colour: bool = False,
    width: int | None = None,
    min_label: Label = Label.DIVERGENT,
) -> str:
    """Return a side-by-side summary for a terminal.

    Parameters
    ----------
    comparison : Comparison
        The result to show.
    colour : bool
        Use ANSI colours (the CLI turns them on only when writing to a TTY).
    width : int, optional
        Total width; the terminal's width by default.
    min_label : Label
        Show pairs at least this strong (``verbatim`` shows only copies).
    """
    width = width or shutil.get_terminal_size((120, 24)).columns
    width = max(width, 60)
    column = (width - 3) // 2

    def paint(text: str, code: str) -> str:
        return f"{code}{text}{_RESET}" if colour else text

    counts = comparison.label_counts()
    lines = [
        paint(
            f"{comparison.verdict.value.upper()}: {_clean(comparison.target.id)} "
            f"against {_clean(comparison.source.id)}",
            _BOLD,
        ),
        f"coverage: {comparison.coverage.target:.0%} of target sentences taken from the source, "
        f"{comparison.coverage.source:.0%} of source sentences reused",
        "pairs: "
        + ", ".join(f"{n} {label}" for label, n in counts.items())
        + f"; unmatched: {len(comparison.unmatched_source)} source, "
        f"{len(comparison.unmatched_target)} target; skipped boilerplate: "
        f"{len(comparison.skipped_source)} source, {len(comparison.skipped_target)} target",
        "",
        f"{'SOURCE':<{column}} | TARGET",
        "-" * width,
    ]
    shown = [p for p in comparison.pairs if p.label.rank >= min_label.rank]
    for pair in sorted(shown, key=lambda p: p.target_span):
        lines.extend(_pair_block(pair, column, paint))
    if len(shown) < len(comparison.pairs):
        lines.append(paint(f"({len(comparison.pairs) - len(shown)} weaker pairs hidden)", _DIM))
    skipped = [*comparison.skipped_source, *comparison.skipped_target]
    if skipped:
        lines.append(
            paint(
                "skipped as boilerplate: "
                + "; ".join(f"{_clean(s.text)[:40]!r} ({s.reason})" for s in skipped),
                _DIM,
            )
        )
    return "\n".join(lines) + "\n"


def _pair_block(pair: AlignedPair, column: int, paint: Callable[[str, str], str]) -> list[str]:
    left = textwrap.wrap(_clean(pair.source_text), column) or [""]
    right = textwrap.wrap(_clean(pair.target_text), column) or [""]
    head = (
        f"[{pair.label.value} {pair.score:.2f}] src {_span(pair.source_sentences)} "
        f"-> tgt {_span(pair.target_sentences)}"
    )
    out = [paint(head, _COLOURS[pair.label])]
    for k in range(max(len(left), len(right))):
        a = left[k] if k < len(left) else ""
        b = right[k] if k < len(right) else ""
        out.append(f"{a:<{column}} | {b}")
    for reason in pair.evidence.reasons:
        out.append(paint(f"  - {_clean(reason)[: column * 2]}", _DIM))
    out.append("")
    return out


def _span(indices: tuple[int, ...]) -> str:
    first, last = indices[0] + 1, indices[-1] + 1
    return f"#{first}" if first == last else f"#{first}-{last}"
