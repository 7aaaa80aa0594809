"""Command-line interface: a thin layer over the public API.

``rewrite-detect compare SOURCE TARGET [--format text|json] [--min-label LABEL]``
``rewrite-detect index add|query|scan|clusters|info INDEX …``

Exit codes (:class:`ExitCode`): 0 success, 1 a finding breaks a policy (used by ``check``),
2 usage, configuration or input error, 3 an internal error (a bug: please report it) — always
one line on stderr, never a traceback.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Iterable, Iterator, Sequence
from enum import IntEnum
from pathlib import Path
from typing import Any, NoReturn

from rewrite_detect import __version__
from rewrite_detect.backends import local_path
from rewrite_detect.config import DetectorConfig
from rewrite_detect.errors import IndexCorruptError, RewriteDetectError
from rewrite_detect.index import Index
from rewrite_detect.ingest import iter_documents, load_document, read_metadata
from rewrite_detect.minhash import lsh_probability, lsh_threshold
from rewrite_detect.models import Document, Label, Verdict
from rewrite_detect.pipeline import compare
from rewrite_detect.report import printable, render_json, render_text
from rewrite_detect.segmentation import segment

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
        "--semantic",
        action="store_true",
        help="also weigh sentence embeddings of aligned pairs (the 'semantic' extra)",
    )
    cmp.add_argument(
        "--colour",
        "--color",
        choices=("auto", "always", "never"),
        default="auto",
        help="colour the text output (default: only on a terminal)",
    )
    _add_index_commands(commands)
    _add_check_commands(commands)
    return parser


def _add_check_commands(commands: argparse._SubParsersAction[_Parser]) -> None:
    from rewrite_detect.cli_check import add_check_commands  # noqa: PLC0415

    add_check_commands(commands)


def _add_index_commands(commands: argparse._SubParsersAction[_Parser]) -> None:
    index = commands.add_parser(
        "index",
        help="a persistent corpus index: add articles, query, scan, clusters",
        description="Build and search a MinHash/LSH index of articles from many outlets.",
    )
    sub = index.add_subparsers(dest="index_command", required=True, parser_class=_Parser)
    add = sub.add_parser("add", help="add articles (files, directories, .jsonl feeds)")
    add.add_argument(
        "index",
        help="index file or URL (sqlite:///PATH, redis://HOST:PORT/DB); created when missing",
    )
    add.add_argument("inputs", nargs="+", help="text/HTML files, directories or .jsonl files")
    who = add.add_mutually_exclusive_group()
    who.add_argument("--outlet", help="outlet of every added article")
    who.add_argument("--meta", help="CSV or JSONL with id or path, outlet, url, date, title")
    add.add_argument("--encoding", help="decode files with this codec (default: detect)")
    add.add_argument("--workers", type=int, default=0, help="processes (default: one per CPU)")
    query = sub.add_parser("query", help="indexed articles that share passages with FILE")
    query.add_argument("index", help="index file")
    query.add_argument("file", help="text or HTML file, or '-'")
    query.add_argument("--outlet", help="outlet of FILE (its own outlet's articles are skipped)")
    query.add_argument("--same-outlet", action="store_true", help="also list the same outlet")
    query.add_argument("--compare", action="store_true", help="also align each match")
    query.add_argument("--format", choices=("text", "json", "jsonl"), default="text")
    scan = sub.add_parser("scan", help="all candidate pairs of the index, compared")
    scan.add_argument("index", help="index file")
    scan.add_argument("--format", choices=("text", "json", "jsonl"), default="text")
    scan.add_argument("--same-outlet", action="store_true", help="also pair articles of one outlet")
    scan.add_argument("--workers", type=int, default=0, help="processes (default: one per CPU)")
    scan.add_argument("--all", action="store_true", help="also list candidates judged independent")
    scan.add_argument("--html", metavar="DIR", help="also write an HTML report per shown pair")
    clusters = sub.add_parser("clusters", help="groups of articles that reuse one another")
    clusters.add_argument("index", help="index file")
    clusters.add_argument("--format", choices=("text", "json"), default="text")
    clusters.add_argument("--workers", type=int, default=0, help="processes (default: one per CPU)")
    info = sub.add_parser("info", help="size, settings and LSH curve of an index")
    info.add_argument("index", help="index file")
    check = sub.add_parser("check", help="verify an index file (exit 1 when damaged)")
    check.add_argument("index", help="index file")
    export = sub.add_parser("export", help="write documents and settings to JSON Lines")
    export.add_argument("index", help="index file")
    export.add_argument("-o", "--output", required=True, help="JSON Lines file to write")
    restore = sub.add_parser("import", help="build an index from an 'index export' file")
    restore.add_argument("index", help="index file to create")
    restore.add_argument("file", help="file written by 'rewrite-detect index export'")
    restore.add_argument("--workers", type=int, default=0, help="processes (default: one per CPU)")


def _existing_index(path: str) -> Index:
    local = local_path(path)  # None: a server (redis://…), which says itself what is missing
    if local is not None and local != ":memory:" and not Path(local).is_file():
        msg = f"{path}: no such index; create it with 'rewrite-detect index add {path} FILES'"
        raise RewriteDetectError(msg)
    return Index(path)


class _Progress:
    """Counts on stderr when it is a terminal; silent otherwise."""

    def __init__(self, what: str) -> None:
        self.what = what
        self.count = 0
        self.tty = sys.stderr.isatty()

    def wrap(self, items: Iterable[Document]) -> Iterator[Document]:
        for item in items:
            self.count += 1
            if self.tty and self.count % 500 == 0:
                sys.stderr.write(f"\r{self.what}: {self.count:,}")
                sys.stderr.flush()
            yield item
        if self.tty and self.count >= 500:
            sys.stderr.write("\r" + " " * 40 + "\r")


def _index_add(args: argparse.Namespace) -> int:
    skipped: list[str] = []

    def report(where: str, message: str) -> None:
        skipped.append(where)
        sys.stderr.write(printable(f"rewrite-detect: skipped {where}: {message}") + "\n")

    metadata = read_metadata(args.meta) if args.meta else None
    started = time.perf_counter()
    progress = _Progress("read")
    docs = iter_documents(
        args.inputs, on_error=report, outlet=args.outlet, metadata=metadata, encoding=args.encoding
    )
    with Index(args.index) as index:
        summary = index.add(progress.wrap(docs), workers=args.workers)
        total = len(index)
    seconds = time.perf_counter() - started
    sys.stdout.write(
        f"added {summary.added:,}, replaced {summary.replaced:,} documents "
        f"({summary.passages:,} passages) in {seconds:.1f} s; index holds {total:,}; "
        f"skipped {len(skipped):,} inputs\n"
    )
    for doc_id in summary.without_passages:
        sys.stderr.write(
            printable(f"rewrite-detect: note: {doc_id}: too little text to index (stored)") + "\n"
        )
    if summary.added + summary.replaced == 0 and skipped:
        return ExitCode.USAGE_ERROR
    return ExitCode.OK


def _write_records(records: list[dict[str, Any]], fmt: str) -> None:
    if fmt == "jsonl":
        for record in records:
            sys.stdout.write(json.dumps(record, ensure_ascii=False) + "\n")
    else:
        sys.stdout.write(json.dumps(records, ensure_ascii=False, indent=2) + "\n")


def _index_query(args: argparse.Namespace) -> int:
    document = load_document(args.file, outlet=args.outlet)
    with _existing_index(args.index) as index:
        found = index.query(document, same_outlet=args.same_outlet)
        compared = []
        if args.compare:
            for candidate in found:
                other = index.get(
                    candidate.source if candidate.target == document.id else candidate.target
                )
                if other is not None:
                    pair = (
                        (other, document) if candidate.target == document.id else (document, other)
                    )
                    compared.append(compare(*pair, config=index.detector))
    if args.format == "text":
        if not found:
            sys.stdout.write("no candidates\n")
        for k, candidate in enumerate(found):
            line = f"{candidate.source} -> {candidate.target}: {candidate.hits} colliding passages"
            if compared:
                line += f"; {compared[k].verdict.value}, coverage {compared[k].coverage.target:.0%}"
            sys.stdout.write(printable(line) + "\n")
    else:
        records = [c.to_dict() for c in found]
        for record, comparison in zip(records, compared, strict=False):
            record["comparison"] = comparison.to_dict()
        _write_records(records, args.format)
    return ExitCode.OK


def _index_scan(args: argparse.Namespace) -> int:
    started = time.perf_counter()
    with _existing_index(args.index) as index:
        candidates = index.candidates(same_outlet=args.same_outlet)
        found = time.perf_counter() - started
        results = index.scan(candidates=candidates, workers=args.workers)
        documents = len(index)
        capped = index.capped
        max_candidates = index.config.max_candidates
    if capped:
        shown_ids = ", ".join(capped[:5]) + (
            f" and {len(capped) - 5} more" if len(capped) > 5 else ""
        )
        note = (
            f"rewrite-detect: note: {len(capped)} documents had more than max_candidates="
            f"{max_candidates} candidates (hubs); only their strongest were compared: {shown_ids}"
        )
        sys.stderr.write(printable(note) + "\n")
    shown = [(c, r) for c, r in results if args.all or r.verdict is not Verdict.INDEPENDENT]
    if args.html:
        from rewrite_detect.cli_check import write_html_reports  # noqa: PLC0415

        write_html_reports(args.html, [(r, ()) for _, r in shown])
    if args.format == "text":
        for candidate, result in shown:
            counts = result.label_counts()
            line = (
                f"{result.verdict.value:<14} {candidate.source} -> {candidate.target}: "
                f"target coverage {result.coverage.target:.0%} "
                f"({counts['verbatim']} verbatim, {counts['paraphrase']} paraphrase, "
                f"{counts['divergent']} divergent)"
            )
            sys.stdout.write(printable(line) + "\n")
        sys.stdout.write(
            f"{documents:,} documents, {len(candidates):,} candidate pairs "
            f"({found:.1f} s), {len(shown):,} with reuse; {time.perf_counter() - started:.1f} s\n"
        )
    else:
        records = [{**c.to_dict(), "comparison": r.to_dict()} for c, r in shown]
        _write_records(records, args.format)
    return ExitCode.OK


def _index_clusters(args: argparse.Namespace) -> int:
    with _existing_index(args.index) as index:
        clusters = index.clusters(index.scan(workers=args.workers))
    if args.format == "json":
        _write_records([c.to_dict() for c in clusters], "json")
        return ExitCode.OK
    if not clusters:
        sys.stdout.write("no clusters: no article reuses another\n")
    for number, cluster in enumerate(clusters, 1):
        sys.stdout.write(
            f"cluster {number}: {len(cluster.documents)} documents, "
            f"probable origin {cluster.origin or 'unknown (no dates)'}\n"
        )
        for source, target, verdict in cluster.edges:
            sys.stdout.write(printable(f"  {source} -> {target} ({verdict})") + "\n")
    return ExitCode.OK


def _index_info(args: argparse.Namespace) -> int:
    with _existing_index(args.index) as index:
        info = index.info()
        config = index.config
    lines = [
        f"index: {info['path']}",
        f"documents: {info['documents']:,}; passages: {info['passages']:,}",
        f"fingerprint: {info['fingerprint']} (normaliser version {info['normalizer_version']})",
        "settings: " + ", ".join(f"{k}={v}" for k, v in config.to_dict().items()),
        f"LSH: {config.bands} bands x {config.rows} rows, threshold "
        f"{lsh_threshold(config.bands, config.rows):.2f}",
        "P(passages of Jaccard s collide):",
    ]
    for s in (0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9):
        p = lsh_probability(s, config.bands, config.rows)
        lines.append(f"  s={s:.1f}  {p:6.3f}  {'#' * round(p * 40)}")
    sys.stdout.write("\n".join(lines) + "\n")
    return ExitCode.OK


def _index_check(args: argparse.Namespace) -> int:
    try:
        with _existing_index(args.index) as index:
            documents = len(index)
            problems = index.check()
            passages = 0 if problems else int(str(index.info()["passages"]))
    except IndexCorruptError as exc:
        sys.stdout.write(printable(f"damaged: {exc}") + "\n")
        return ExitCode.POLICY_BROKEN
    for problem in problems:
        sys.stdout.write(printable(f"damaged: {problem}") + "\n")
    if problems:
        return ExitCode.POLICY_BROKEN
    sys.stdout.write(f"ok: {documents:,} documents, {passages:,} passages verified\n")
    return ExitCode.OK


def _index_export(args: argparse.Namespace) -> int:
    with _existing_index(args.index) as index:
        count = index.export(args.output)
    sys.stdout.write(f"exported {count:,} documents to {args.output}\n")
    return ExitCode.OK


def _index_import(args: argparse.Namespace) -> int:
    local = local_path(args.index)
    if local is not None and local != ":memory:" and Path(local).exists():
        msg = f"{args.index}: already exists; import into a new file"
        raise RewriteDetectError(msg)
    with Index.restore(args.file, args.index, workers=args.workers) as index:
        count = len(index)
    sys.stdout.write(f"imported {count:,} documents into {args.index}\n")
    return ExitCode.OK


_INDEX_COMMANDS = {
    "add": _index_add,
    "query": _index_query,
    "scan": _index_scan,
    "clusters": _index_clusters,
    "info": _index_info,
    "check": _index_check,
    "export": _index_export,
    "import": _index_import,
}


def _compare(args: argparse.Namespace) -> int:
    if args.source == "-" and args.target == "-":
        msg = "only one of SOURCE and TARGET can be '-' (standard input)"
        raise RewriteDetectError(msg)
    config = DetectorConfig(language=args.language)
    source = load_document(args.source, outlet=args.source_outlet, encoding=args.encoding)
    target = load_document(args.target, outlet=args.target_outlet, encoding=args.encoding)
    for doc in (source, target):
        seg = segment(doc.text)
        if not seg.sentences:
            reasons = sorted({skip.reason for skip in seg.skipped})
            msg = (
                f"{doc.id}: no sentences to compare, only page furniture "
                f"({', '.join(reasons) or 'nothing'}); check that it is an article"
            )
            raise RewriteDetectError(msg)
    scorer = None
    if args.semantic:
        from rewrite_detect.semantic import SemanticScorer  # noqa: PLC0415 - optional extra

        scorer = SemanticScorer()
    result = compare(source, target, config=config, semantic=scorer)
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


def main(argv: Sequence[str] | None = None) -> int:  # noqa: PLR0911
    """Run the command line; return the process exit code."""
    parser = _build_parser()
    args = parser.parse_args(argv)
    try:
        if args.command == "index":
            return _INDEX_COMMANDS[args.index_command](args)
        if hasattr(args, "run"):  # commands defined outside this module (check, report)
            return int(args.run(args))
        return _compare(args)
    except RewriteDetectError as exc:
        sys.stderr.write(printable(f"rewrite-detect: error: {exc}") + "\n")
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
