"""Command-line interface: a thin layer over the public API.

``rewrite-detect compare SOURCE TARGET [--format text|json] [--min-label LABEL]``

Exit codes (:class:`ExitCode`): 0 success, 1 a finding breaks a policy (used by ``check``),
2 usage, configuration or input error, 3 an internal error (a bug: please report it) — always
one line on stderr, never a traceback.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from enum import IntEnum
from typing import NoReturn

from rewrite_detect import __version__
from rewrite_detect.config import DetectorConfig
from rewrite_detect.errors import RewriteDetectError
from rewrite_detect.ingest import load_document
from rewrite_detect.models import Label
from rewrite_detect.pipeline import compare
from rewrite_detect.report import render_json, render_text

__all__ = ["ExitCode", "main"]


class ExitCode(IntEnum):
    """Process exit codes of ``rewrite-detect``."""

    OK = 0
    POLICY_BROKEN = 1
    USAGE_ERROR = 2
    INTERNAL_ERROR = 3


class _Parser(argparse.ArgumentParser):
    """argparse that reports errors as one line and exits with :attr:`ExitCode.USAGE_ERROR`."""

    def error(self, message: str) -> NoReturn:
        self.exit(ExitCode.USAGE_ERROR, f"{self.prog}: error: {message}\n")


def _build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="rewrite-detect",
        description="Find where one news article copies or rewords another.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    commands = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)
    cmp = commands.add_parser(
        "compare",
        help="compare a target article against a source article",
        description=(
            "Align the sentences of TARGET with those of SOURCE and label each pair verbatim, "
            "paraphrase or divergent. Files may be plain text or HTML; '-' reads stdin."
        ),
    )
    cmp.add_argument("source", help="the earlier article (text or HTML file, or '-')")
    cmp.add_argument("target", help="the article that may reuse it (text or HTML file, or '-')")
    cmp.add_argument("--format", choices=("text", "json"), default="text", help="output format")
    cmp.add_argument(
        "--min-label",
        choices=[label.value for label in Label],
        default=Label.DIVERGENT.value,
        help="show only pairs at least this strong (verbatim > paraphrase > divergent)",
    )
    cmp.add_argument("--encoding", help="decode both files with this codec (default: detect)")
    cmp.add_argument("--source-outlet", help="outlet name of the source")
    cmp.add_argument("--target-outlet", help="outlet name of the target")
    cmp.add_argument("--language", default="en", help="two-letter language code (default: en)")
    cmp.add_argument(
        "--colour",
        "--color",
        choices=("auto", "always", "never"),
        default="auto",
        help="colour the text output (default: only on a terminal)",
    )
    return parser


def _compare(args: argparse.Namespace) -> int:
    if args.source == "-" and args.target == "-":
        msg = "only one of SOURCE and TARGET can be '-' (standard input)"
        raise RewriteDetectError(msg)
    config = DetectorConfig(language=args.language)
    source = load_document(args.source, outlet=args.source_outlet, encoding=args.encoding)
    target = load_document(args.target, outlet=args.target_outlet, encoding=args.encoding)
    result = compare(source, target, config=config)
    min_label = Label(args.min_label)
    if args.format == "json":
        if min_label is not Label.DIVERGENT:
            import dataclasses  # noqa: PLC0415

            kept = tuple(p for p in result.pairs if p.label.rank >= min_label.rank)
            result = dataclasses.replace(result, pairs=kept)
        sys.stdout.write(render_json(result) + "\n")
    else:
        colour = args.colour == "always" or (args.colour == "auto" and sys.stdout.isatty())
        sys.stdout.write(render_text(result, colour=colour, min_label=min_label))
    return ExitCode.OK


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the process exit code."""
    parser = _build_parser()
    args = parser.parse_args(argv)
    try:
        return _compare(args)
    except RewriteDetectError as exc:
        sys.stderr.write(f"rewrite-detect: error: {exc}\n")
        return ExitCode.USAGE_ERROR
    except KeyboardInterrupt:
        sys.stderr.write("rewrite-detect: interrupted\n")
        return 130
    except BrokenPipeError:
        return ExitCode.OK
    except Exception as exc:  # the promise is one line on stderr, never a traceback
        sys.stderr.write(
            f"rewrite-detect: internal error: {type(exc).__name__}: {exc} "
            "(a bug: please report it with the input files)\n"
        )
        return ExitCode.INTERNAL_ERROR
