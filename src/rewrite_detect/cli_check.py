"""Command line of ``rewrite-detect check`` and ``rewrite-detect report`` (see :mod:`cli`)."""

from __future__ import annotations

import argparse
import re
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from rewrite_detect import __version__
from rewrite_detect.check import Finding, read_articles, read_declarations, read_sources, run_check
from rewrite_detect.cli import ExitCode, _existing_index
from rewrite_detect.config import DetectorConfig
from rewrite_detect.errors import RewriteDetectError
from rewrite_detect.ingest import load_document
from rewrite_detect.models import Comparison
from rewrite_detect.pipeline import compare
from rewrite_detect.policy import Policy, Severity, load_policy
from rewrite_detect.report import printable

__all__ = ["add_check_commands", "write_html_reports"]


def add_check_commands(commands: argparse._SubParsersAction[Any]) -> None:
    """Add the ``check`` and ``report`` subcommands."""
    check = commands.add_parser(
        "check",
        help="check new articles against sources under a policy (for CI)",
        description=(
            "Compare new articles with the sources they are declared syndicated copies of, "
            "with the given sources and with an index, and apply the policy of "
            "rewrite-detect.toml or pyproject.toml [tool.rewrite-detect]. Exit 0: clean; "
            "1: the policy is broken; 2: usage, configuration or input error."
        ),
    )
    check.add_argument(
        "inputs", nargs="*", help="articles: text/HTML files, directories, .jsonl feeds, or '-'"
    )
    check.add_argument(
        "-s",
        "--source",
        action="append",
        default=[],
        help="source articles (file, directory or .jsonl; repeat for more)",
    )
    check.add_argument("--index", help="an index file to search for sources")
    check.add_argument("--config", help="policy file (default: nearest rewrite-detect.toml)")
    check.add_argument("--meta", help="CSV/JSONL metadata: outlet, url, syndicated_from, credit")
    check.add_argument("--outlet", help="outlet of every checked article without one")
    check.add_argument(
        "--format", choices=("text", "json", "github", "sarif"), default="text", help="output"
    )
    check.add_argument("-o", "--output", help="write the output to this file (default: stdout)")
    check.add_argument("--html", metavar="DIR", help="also write an HTML report per comparison")
    check.add_argument(
        "--fail-on",
        choices=[s.value for s in Severity],
        help="lowest severity that fails the check (default: the policy's, else error)",
    )
    check.add_argument("--stdin-name", help="file name to report for an article read from '-'")
    check.add_argument("--workers", type=int, default=1, help="processes for the comparisons")
    check.add_argument("--encoding", help="decode files with this codec (default: detect)")
    check.set_defaults(run=_check)

    report = commands.add_parser(
        "report",
        help="write a side-by-side HTML report of TARGET against SOURCE",
        description="Compare TARGET with SOURCE and write a self-contained HTML page.",
    )
    report.add_argument("source", help="the earlier article (text or HTML file, or '-')")
    report.add_argument("target", help="the article that may reuse it (text or HTML file, or '-')")
    report.add_argument("-o", "--output", required=True, help="HTML file to write ('-': stdout)")
    report.add_argument("--source-outlet", help="outlet name of the source")
    report.add_argument("--target-outlet", help="outlet name of the target")
    report.add_argument("--language", default="en", help="two-letter language code (default: en)")
    report.add_argument("--encoding", help="decode both files with this codec (default: detect)")
    report.set_defaults(run=_report)


def _write(output: str | None, text: str) -> None:
    if output in (None, "-"):
        sys.stdout.write(text)
        return
    try:
        Path(output).write_text(text, encoding="utf-8")
    except OSError as exc:
        msg = f"{output}: cannot write ({exc.strerror}); check the path"
        raise RewriteDetectError(msg) from None


def _slug(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9._-]+", "_", Path(text).name or text).strip("._")[:60] or "doc"


def write_html_reports(
    folder: str, comparisons: Sequence[tuple[Comparison, Sequence[Finding]]]
) -> list[Path]:
    """Write one HTML report per comparison into ``folder``; return the paths."""
    from rewrite_detect.html_report import render_html  # noqa: PLC0415 - loads Jinja2

    out = Path(folder)
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        msg = f"{folder}: cannot create the report folder ({exc.strerror})"
        raise RewriteDetectError(msg) from None
    written = []
    for number, (comparison, findings) in enumerate(comparisons, 1):
        name = f"{number:04d}-{_slug(comparison.target.id)}--{_slug(comparison.source.id)}.html"
        path = out / name
        path.write_text(render_html(comparison, findings, version=__version__), encoding="utf-8")
        written.append(path)
    return written


def _check(args: argparse.Namespace) -> int:
    from rewrite_detect.formats import (  # noqa: PLC0415
        render_check_json,
        render_check_text,
        render_github,
        render_sarif,
    )

    if not args.inputs:
        msg = "give the articles to check (files, directories, .jsonl feeds, or '-')"
        raise RewriteDetectError(msg)
    if args.inputs.count("-") > 1:
        msg = "'-' (standard input) can be given once"
        raise RewriteDetectError(msg)
    policy: Policy = load_policy(args.config)
    if args.fail_on:
        import dataclasses  # noqa: PLC0415

        policy = dataclasses.replace(policy, fail_on=Severity(args.fail_on))
    errors: list[str] = []

    def report(where: str, message: str) -> None:
        errors.append(f"{where}: {message}")
        sys.stderr.write(printable(f"rewrite-detect: input error: {where}: {message}") + "\n")

    meta_file = args.meta or policy.metadata
    declarations = read_declarations(meta_file) if meta_file else {}
    source_paths = [*policy.sources, *args.source]
    sources = (
        read_sources(source_paths, on_error=report, declarations=declarations)
        if source_paths
        else []
    )
    index_path = args.index or policy.index
    if not source_paths and not index_path:
        msg = (
            "no sources to check against: give --source FILES or --index FILE, "
            "or set sources or index in the policy"
        )
        raise RewriteDetectError(msg)
    articles = list(
        read_articles(
            args.inputs,
            on_error=report,
            declarations=declarations,
            outlet=args.outlet,
            stdin_name=args.stdin_name,
            encoding=args.encoding,
        )
    )
    index = _existing_index(index_path) if index_path else None
    try:
        result = run_check(
            articles,
            policy=policy,
            sources=sources,
            index=index,
            workers=args.workers,
            errors=errors,
        )
    finally:
        if index is not None:
            index.close()
    for problem in result.errors[len(errors) :]:
        sys.stderr.write(printable(f"rewrite-detect: input error: {problem}") + "\n")
    renderers = {
        "text": render_check_text,
        "json": render_check_json,
        "github": render_github,
    }
    if args.format == "sarif":
        text = render_sarif(result, policy, version=__version__) + "\n"
    else:
        text = renderers[args.format](result)
        text = text if text.endswith("\n") or not text else text + "\n"
    _write(args.output, text)
    if args.html:
        by_pair: dict[tuple[str, str], list[Finding]] = {}
        for finding in result.findings:
            by_pair.setdefault((finding.source, finding.target), []).append(finding)
        paths = write_html_reports(
            args.html,
            [(c, by_pair.get((c.source.id, c.target.id), [])) for c, _ in result.comparisons],
        )
        sys.stderr.write(f"rewrite-detect: wrote {len(paths)} HTML reports to {args.html}\n")
    if result.errors:
        return ExitCode.USAGE_ERROR
    return ExitCode.POLICY_BROKEN if result.failed else ExitCode.OK


def _report(args: argparse.Namespace) -> int:
    from rewrite_detect.html_report import render_html  # noqa: PLC0415

    if args.source == "-" and args.target == "-":
        msg = "only one of SOURCE and TARGET can be '-' (standard input)"
        raise RewriteDetectError(msg)
    config = DetectorConfig(language=args.language)
    source = load_document(args.source, outlet=args.source_outlet, encoding=args.encoding)
    target = load_document(args.target, outlet=args.target_outlet, encoding=args.encoding)
    result = compare(source, target, config=config)
    _write(args.output, render_html(result, version=__version__))
    if args.output != "-":
        sys.stderr.write(
            f"rewrite-detect: {result.verdict.value}, {result.coverage.target:.0%} of the target "
            f"from the source; report written to {args.output}\n"
        )
    return ExitCode.OK
