"""The runner of ``rewrite-detect check``: new articles against sources, under a policy.

Articles come from files, directories, ``.jsonl`` feeds or standard input
(:func:`read_articles`). Each is compared with the source it is declared a syndicated copy
of, and with the sources that may have been reused: every source when there are few
(``compare-all-below``), otherwise the candidates of an in-memory index of the sources, plus
the candidates of a persistent index. Each comparison goes through every rule of
:data:`~rewrite_detect.policy.RULES`; their hits become :class:`Finding` objects with a line
and column in the article's file, a severity and, where the article says so, a suppression.

Inline suppression: a line of the article (or an HTML comment) reading::

    rewrite-detect: ignore[max-reuse] -- licensed from the partner, contract 2024-17
    rewrite-detect: ignore-next[syndicated-must-be-verbatim] -- corrected figure, see note

``ignore`` covers the whole article, ``ignore-next`` the findings that start on the next line
holding text. The rule list may be left out (every rule); the reason after ``--`` may not.
Directive lines are blanked (same length) before comparing, so offsets stay true.
"""

from __future__ import annotations

import bisect
import fnmatch
import hashlib
import json
import re
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from rewrite_detect.config import DetectorConfig
from rewrite_detect.errors import InputError, RewriteDetectError
from rewrite_detect.index import Index
from rewrite_detect.ingest import (
    _HTML_SUFFIXES,
    _from_json,
    decode,
    iter_documents,
    load_document,
    read_metadata,
)
from rewrite_detect.models import Comparison, Document, Verdict
from rewrite_detect.pipeline import compare
from rewrite_detect.policy import RULES, Policy, RuleContext, Severity

__all__ = [
    "Article",
    "CheckResult",
    "Finding",
    "Suppression",
    "read_articles",
    "read_declarations",
    "run_check",
]

Span = tuple[int, int]
ErrorHandler = Callable[[str, str], None]

_DECLARATION_FIELDS = frozenset({"outlet", "url", "date", "title", "syndicated_from", "credit"})
_EXTRA_JSONL_FIELDS = frozenset({"syndicated_from", "credit"})
_ARTICLE_SUFFIXES = frozenset({".txt", ".text", ".md", ".jsonl", *_HTML_SUFFIXES})
_DIRECTIVE_LINE = re.compile(r"^[ \t]*(?:<!--|#+|//|\[)?[ \t]*rewrite-detect:", re.M)
_DIRECTIVE = re.compile(
    r"rewrite-detect:\s*(?P<kind>ignore-next|ignore)\b\s*(?:\[(?P<rules>[^\]]*)\])?"
    r"\s*(?:(?:--|—|:)\s*(?P<reason>.*?))?\s*(?:-->|\])?\s*$"
)


@dataclass(frozen=True, slots=True, kw_only=True)
class Suppression:
    """An inline suppression: which rules, where (``None`` = whole article), and why."""

    rules: frozenset[str] | None
    reason: str
    line: int | None = None

    def covers(self, rule: str, line: int) -> bool:
        """Tell whether this suppression applies to a finding of ``rule`` on ``line``."""
        in_scope = self.line is None or self.line == line
        return in_scope and (self.rules is None or rule in self.rules)


@dataclass(frozen=True, slots=True, kw_only=True)
class Article:
    """A new article to check, with where it came from and what it declares.

    Attributes
    ----------
    document : Document
        The article (directive lines blanked).
    path : str or None
        The file it was read from (``None`` for standard input without a name).
    record_line : int or None
        For a ``.jsonl`` feed, the line of its record: findings point there.
    raw : str or None
        The HTML it was extracted from, to find a sentence's line in the page.
    syndicated_from : str or None
        Id, path, file name or URL of the source it is a syndicated copy of.
    credits : tuple of str
        Credit lines from metadata.
    suppressions : tuple of Suppression
        Inline suppressions.
    """

    document: Document
    path: str | None = None
    record_line: int | None = None
    raw: str | None = None
    syndicated_from: str | None = None
    credits: tuple[str, ...] = ()
    suppressions: tuple[Suppression, ...] = ()

    def names(self) -> list[str]:
        """Names a declaration or allow-list may use for this article."""
        out = [self.document.id]
        if self.path:
            out += [self.path, Path(self.path).as_posix(), Path(self.path).name]
        return out

    def locate(self, span: Span) -> tuple[int, int, int, int]:
        """Return ``(line, column, end_line, end_column)``, 1-based, of a span of the text.

        Columns count Unicode code points; the end column is exclusive.
        """
        if self.record_line is not None:
            return self.record_line, 1, self.record_line, 1
        text = self.document.text
        start, end = span
        if self.raw is not None:
            text, start, end = self.raw, *_find_in_raw(self.raw, text[start:end])
        starts = _line_starts(text)
        line = bisect.bisect_right(starts, start)
        end_line = bisect.bisect_right(starts, max(start, end - 1))
        end_column = end - starts[end_line - 1] + 1
        return line, start - starts[line - 1] + 1, end_line, end_column


def _line_starts(text: str) -> list[int]:
    return [0, *(m.end() for m in re.finditer("\n", text))]


def _find_in_raw(raw: str, sentence: str) -> Span:
    """Where a sentence of extracted text sits in its HTML, at best; the start otherwise."""
    head = sentence.strip()[:60]
    at = raw.find(head) if head else -1
    if at < 0:
        words = sentence.split()[:6]
        if words:
            match = re.search(r"\W+".join(re.escape(w) for w in words), raw)
            at = match.start() if match else -1
    if at < 0:
        return 0, 0
    tail = sentence.strip()[-60:]
    end = raw.find(tail, at)
    return at, (end + len(tail)) if end >= 0 else at + len(head)


@dataclass(frozen=True, slots=True, kw_only=True)
class Finding:
    """A rule broken by a target article, located in its file.

    ``line``/``column`` are 1-based (code points); ``span`` and ``source_span`` are character
    offsets into the documents' text. ``suppressed`` holds the reason of an inline
    suppression (or ``"allow-list"`` wording); a suppressed finding never fails the check.
    """

    rule: str
    severity: Severity
    message: str
    target: str
    source: str
    path: str | None
    span: Span
    source_span: Span | None
    line: int
    column: int
    end_line: int
    end_column: int
    snippet: str
    facts: tuple[str, ...] = ()
    fingerprint: str = ""
    suppressed: str | None = None

    def to_dict(self) -> dict[str, Any]:
        """Return the finding as a JSON-ready dict."""
        return {
            "rule": self.rule,
            "severity": self.severity.value,
            "message": self.message,
            "target": self.target,
            "source": self.source,
            "path": self.path,
            "span": list(self.span),
            "source_span": list(self.source_span) if self.source_span else None,
            "line": self.line,
            "column": self.column,
            "end_line": self.end_line,
            "end_column": self.end_column,
            "snippet": self.snippet,
            "facts": list(self.facts),
            "fingerprint": self.fingerprint,
            "suppressed": self.suppressed,
        }


@dataclass(frozen=True, slots=True, kw_only=True)
class CheckResult:
    """Everything a check found.

    Attributes
    ----------
    findings : tuple of Finding
        In article order, then by position.
    comparisons : tuple of (Comparison, bool)
        The comparisons that show reuse or were declared syndicated (the bool), in order.
    articles, sources : int
        How many articles were checked, and how many sources were held in memory.
    errors : tuple of str
        Inputs that could not be read or declarations that could not be resolved.
    fail_on : Severity
        The lowest severity that fails the check.
    """

    findings: tuple[Finding, ...]
    comparisons: tuple[tuple[Comparison, bool], ...]
    articles: int
    sources: int
    errors: tuple[str, ...] = ()
    fail_on: Severity = Severity.ERROR

    @property
    def failed(self) -> bool:
        """Whether an unsuppressed finding is at least as severe as ``fail_on``."""
        if self.fail_on is Severity.OFF:
            return False
        levels = {Severity.ERROR, self.fail_on}
        return any(f.suppressed is None and f.severity in levels for f in self.findings)

    def to_dict(self) -> dict[str, Any]:
        """Return the result as a JSON-ready dict (``rewrite-detect check --format json``)."""
        return {
            "articles": self.articles,
            "sources": self.sources,
            "failed": self.failed,
            "fail_on": self.fail_on.value,
            "errors": list(self.errors),
            "findings": [f.to_dict() for f in self.findings],
            "comparisons": [
                {
                    "source": c.source.id,
                    "target": c.target.id,
                    "syndicated": syndicated,
                    "verdict": c.verdict.value,
                    "coverage": {
                        "source": round(c.coverage.source, 4),
                        "target": round(c.coverage.target, 4),
                    },
                    "counts": c.label_counts(),
                }
                for c, syndicated in self.comparisons
            ],
        }


# --- reading -----------------------------------------------------------------------------------


def read_declarations(path: str | Path) -> dict[str, dict[str, str]]:
    """Read per-document metadata and declarations from CSV (with a header) or JSON Lines.

    Each record names a document by ``id`` or ``path`` and gives any of ``outlet``, ``url``,
    ``date``, ``title``, ``syndicated_from`` (the source it is a syndicated copy of) and
    ``credit`` (a credit line shown with it). Returns a mapping from id/path to its fields.
    Unknown fields are refused: a misspelt ``syndicated_from`` would silently drop a policy.
    """
    return read_metadata(path, fields=_DECLARATION_FIELDS, strict=True)


def _suppressions(text: str, where: str) -> tuple[str, tuple[Suppression, ...]]:
    """Find directive lines; return the text with them blanked, and the suppressions."""
    found = []
    chars = list(text) if _DIRECTIVE_LINE.search(text) else None
    if chars is None:
        return text, ()
    starts = _line_starts(text)
    for match in _DIRECTIVE_LINE.finditer(text):
        line_end = text.find("\n", match.start())
        line_end = len(text) if line_end < 0 else line_end
        line_text = text[match.start() : line_end]
        line_no = bisect.bisect_right(starts, match.start())
        directive = _DIRECTIVE.search(line_text)
        if directive is None:
            msg = (
                f"{where}:{line_no}: cannot read the suppression; write "
                "'rewrite-detect: ignore[RULE] -- reason'"
            )
            raise InputError(msg)
        reason = (directive["reason"] or "").strip()
        if not reason:
            msg = (
                f"{where}:{line_no}: a suppression needs a reason: "
                "'rewrite-detect: ignore[RULE] -- why this is fine'"
            )
            raise InputError(msg)
        rules = None
        if directive["rules"] is not None:
            rules = frozenset(r.strip() for r in directive["rules"].split(",") if r.strip())
            unknown = sorted(rules - set(RULES))
            if unknown:
                msg = f"{where}:{line_no}: unknown rule(s) {unknown}; rules are {sorted(RULES)}"
                raise InputError(msg)
        target_line = None
        if directive["kind"] == "ignore-next":
            target_line = _next_text_line(text, starts, line_no)
        found.append(Suppression(rules=rules, reason=reason, line=target_line))
        for k in range(match.start(), line_end):
            chars[k] = " "
    return "".join(chars), tuple(found)


def _next_text_line(text: str, starts: list[int], line_no: int) -> int:
    for number in range(line_no + 1, len(starts) + 1):
        end = starts[number] if number < len(starts) else len(text)
        if text[starts[number - 1] : end].strip():
            return number
    return line_no + 1


def read_articles(
    inputs: Iterable[str],
    *,
    on_error: ErrorHandler,
    declarations: Mapping[str, Mapping[str, str]] | None = None,
    outlet: str | None = None,
    stdin_name: str | None = None,
    encoding: str | None = None,
) -> Iterator[Article]:
    """Read the articles to check from files, directories, ``.jsonl`` feeds and ``-`` (stdin).

    Unreadable inputs are reported through ``on_error`` and skipped. A ``.jsonl`` record may
    carry ``syndicated_from`` and ``credit`` besides the fields of
    :func:`~rewrite_detect.ingest.read_jsonl`.
    """
    declarations = declarations or {}
    for item in inputs:
        path = Path(item)
        if item == "-":
            files: list[Path | None] = [None]
        elif path.is_dir():
            files = [
                p
                for p in sorted(path.rglob("*"))
                if p.is_file() and p.suffix.lower() in _ARTICLE_SUFFIXES
            ]
            if not files:
                on_error(item, "directory holds no .txt, .html or .jsonl files")
        else:
            files = [path]
        for file in files:
            try:
                if file is not None and file.suffix.lower() == ".jsonl":
                    yield from _read_feed(file, on_error, declarations, outlet)
                else:
                    yield _read_file(file, declarations, outlet, stdin_name, encoding)
            except RewriteDetectError as exc:
                where = str(file) if file is not None else (stdin_name or "<stdin>")
                on_error(where, str(exc).removeprefix(f"{where}: "))


def _declared(
    doc: Document,
    keys: Sequence[str],
    declarations: Mapping[str, Mapping[str, str]],
    outlet: str | None,
    extra: Mapping[str, str] | None = None,
) -> tuple[Document, str | None, tuple[str, ...]]:
    fields = dict(next((declarations[k] for k in keys if k in declarations), {}))
    fields.update({k: v for k, v in (extra or {}).items() if v})
    doc = replace(
        doc,
        outlet=fields.get("outlet") or doc.outlet or outlet,
        url=fields.get("url") or doc.url,
        date=fields.get("date") or doc.date,
        title=fields.get("title") or doc.title,
    )
    credits = (fields["credit"],) if fields.get("credit") else ()
    return doc, fields.get("syndicated_from"), credits


def _read_file(
    file: Path | None,
    declarations: Mapping[str, Mapping[str, str]],
    outlet: str | None,
    stdin_name: str | None,
    encoding: str | None,
) -> Article:
    if file is None:
        doc = load_document("-", id=stdin_name or "<stdin>", encoding=encoding)
        raw = None
        where = stdin_name or "<stdin>"
    else:
        doc = load_document(file, encoding=encoding)
        where = str(file)
        decoded = decode(file.read_bytes(), name=where, encoding=encoding)
        raw = None if decoded == doc.text else decoded  # HTML: the page, for locations
    suppressions: tuple[Suppression, ...]
    if raw is not None:
        _, suppressions = _suppressions(raw, where)
        text = doc.text
    else:
        text, suppressions = _suppressions(doc.text, where)
    doc = replace(doc, text=text)
    keys = [doc.id] + ([str(file), file.as_posix(), file.name] if file is not None else [])
    doc, syndicated_from, credits = _declared(doc, keys, declarations, outlet)
    return Article(
        document=doc,
        path=stdin_name if file is None else str(file),
        raw=raw,
        syndicated_from=syndicated_from,
        credits=credits,
        suppressions=suppressions,
    )


def _read_feed(
    file: Path,
    on_error: ErrorHandler,
    declarations: Mapping[str, Mapping[str, str]],
    outlet: str | None,
) -> Iterator[Article]:
    try:
        lines = file.read_text(encoding="utf-8-sig").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        on_error(str(file), f"cannot read ({exc}); give a UTF-8 JSON Lines file")
        return
    for line_no, line in enumerate(lines, 1):
        if not line.strip():
            continue
        where = f"{file}:{line_no}"
        try:
            record = json.loads(line)
            extra = {}
            if isinstance(record, dict):
                extra = {k: record.pop(k) for k in list(record) if k in _EXTRA_JSONL_FIELDS}
            doc = _from_json(json.dumps(record), where)
            text, suppressions = _suppressions(doc.text, where)
            doc, syndicated_from, credits = _declared(
                replace(doc, text=text), [doc.id], declarations, outlet, extra
            )
        except json.JSONDecodeError as exc:
            on_error(where, f"not valid JSON ({exc.msg} at column {exc.colno})")
            continue
        except RewriteDetectError as exc:
            on_error(where, str(exc).removeprefix(f"{where}: "))
            continue
        yield Article(
            document=doc,
            path=str(file),
            record_line=line_no,
            syndicated_from=syndicated_from,
            credits=credits,
            suppressions=suppressions,
        )


def read_sources(
    inputs: Iterable[str],
    *,
    on_error: ErrorHandler,
    declarations: Mapping[str, Mapping[str, str]] | None = None,
) -> list[Document]:
    """Read the source articles (files, directories, ``.jsonl`` feeds)."""
    return list(
        iter_documents(
            inputs,
            on_error=on_error,
            metadata={k: dict(v) for k, v in (declarations or {}).items()},
        )
    )


# --- running -----------------------------------------------------------------------------------


class _Sources:
    """Source documents by id, path, file name and URL, with a lazy in-memory index."""

    def __init__(self, documents: Sequence[Document], index: Index | None) -> None:
        self.documents = list(documents)
        self.by_key: dict[str, Document] = {}
        for doc in self.documents:
            for key in (doc.url, Path(doc.id).name, Path(doc.id).as_posix(), doc.id):
                if key:
                    self.by_key[key] = doc
        self.index = index
        self._memory: Index | None = None

    def resolve(self, name: str) -> Document | None:
        found = self.by_key.get(name) or self.by_key.get(Path(name).as_posix())
        if found is None and self.index is not None:
            found = self.index.get(name)
        return found

    def candidates(self, doc: Document, policy: Policy) -> list[Document]:
        out: dict[str, Document] = {}
        if len(self.documents) <= policy.compare_all_below:
            for source in self.documents:
                if _may_have_copied(doc, source):
                    out[source.id] = source
        else:
            if self._memory is None:
                self._memory = Index(":memory:", detector=policy.detector)
                self._memory.add(self.documents)
            for hit in self._memory.query(doc, same_outlet=True):
                found = self._memory.get(hit.source)
                if hit.target == doc.id and found is not None:
                    out[found.id] = found
        if self.index is not None:
            for hit in self.index.query(doc, same_outlet=True):
                if hit.target == doc.id and hit.source not in out:
                    found = self.index.get(hit.source)
                    if found is not None:
                        out[found.id] = found
        out.pop(doc.id, None)
        return list(out.values())


def _may_have_copied(target: Document, source: Document) -> bool:
    if target.id == source.id:
        return False
    return not (target.date and source.date and target.date < source.date)


def _compare_job(job: tuple[Document, Document, DetectorConfig]) -> Comparison:
    return compare(job[0], job[1], config=job[2])


def _compare_all(
    jobs: list[tuple[Document, Document]], config: DetectorConfig, workers: int
) -> list[Comparison]:
    work = [(s, t, config) for s, t in jobs]
    if workers <= 1 or len(work) < 16:
        return [_compare_job(job) for job in work]
    with ProcessPoolExecutor(max_workers=workers) as pool:
        return list(pool.map(_compare_job, work, chunksize=8))


def _matches(patterns: Iterable[str], names: Iterable[str]) -> bool:
    names = [n for n in names if n]
    return any(fnmatch.fnmatchcase(n, p) for p in patterns for n in names)


def _fingerprint(rule: str, target: str, source: str, text: str) -> str:
    blob = "\0".join([rule, target, source, " ".join(text.casefold().split())])
    return hashlib.sha256(blob.encode()).hexdigest()[:32]


def run_check(
    articles: Iterable[Article],
    *,
    policy: Policy,
    sources: Sequence[Document] = (),
    index: Index | None = None,
    workers: int = 1,
    errors: Sequence[str] = (),
) -> CheckResult:
    """Check articles against sources (and an index) under a policy.

    Parameters
    ----------
    articles : iterable of Article
        The new articles (:func:`read_articles`).
    policy : Policy
        Rules, severities, allow-lists and declarations.
    sources : sequence of Document
        Source articles held in memory.
    index : Index, optional
        A persistent index to search for further sources.
    workers : int
        Processes for the comparisons.
    errors : sequence of str
        Input errors met while reading, carried into the result.

    Returns
    -------
    CheckResult
    """
    pool = _Sources(sources, index)
    problems = list(errors)
    todo: list[tuple[Article, Document, bool]] = []
    articles = list(articles)
    for article in articles:
        doc = article.document
        declared_name = article.syndicated_from or next(
            (policy.syndicated[k] for k in article.names() if k in policy.syndicated), None
        )
        declared = None
        if declared_name is not None:
            declared = pool.resolve(declared_name)
            if declared is None:
                problems.append(
                    f"{article.path or doc.id}: declared a syndicated copy of {declared_name!r}, "
                    "which is not among the sources; add it with --source or to the index"
                )
                continue
            todo.append((article, declared, True))
        elif doc.url and doc.url in pool.by_key and pool.by_key[doc.url].id != doc.id:
            # The page's canonical URL names another article: a declared syndicated copy.
            declared = pool.by_key[doc.url]
            todo.append((article, declared, True))
        for source in pool.candidates(doc, policy):
            if declared is None or source.id != declared.id:
                todo.append((article, source, False))
    comparisons = _compare_all(
        [(source, article.document) for article, source, _ in todo], policy.detector, workers
    )
    findings: list[Finding] = []
    kept: list[tuple[Comparison, bool]] = []
    for (article, _, syndicated), comparison in zip(todo, comparisons, strict=True):
        found = list(_apply_rules(article, comparison, syndicated, policy))
        findings.extend(found)
        if found or syndicated or comparison.verdict is not Verdict.INDEPENDENT:
            kept.append((comparison, syndicated))
    order = {a.document.id: k for k, a in enumerate(articles)}
    findings.sort(key=lambda f: (order.get(f.target, 0), f.line, f.column, f.rule, f.source))
    return CheckResult(
        findings=tuple(findings),
        comparisons=tuple(kept),
        articles=len(articles),
        sources=len(pool.documents),
        errors=tuple(problems),
        fail_on=policy.fail_on,
    )


def _apply_rules(
    article: Article, comparison: Comparison, syndicated: bool, policy: Policy
) -> Iterator[Finding]:
    source, target = comparison.source, comparison.target
    names = [*article.names(), source.id, Path(source.id).name]
    seen: dict[str, int] = {}
    for rule_id, spec in RULES.items():
        settings = policy.rules[rule_id]
        if settings.severity is Severity.OFF:
            continue
        allowed_outlets = policy.allow_outlets | settings.allow_outlets
        if source.outlet and " ".join(source.outlet.casefold().split()) in allowed_outlets:
            continue
        if _matches((*policy.allow_documents, *settings.allow_documents), names):
            continue
        context = RuleContext(
            comparison=comparison,
            syndicated=syndicated,
            credits=article.credits,
            options=settings.options,
        )
        for hit in spec.check(context):
            line, column, end_line, end_column = article.locate(hit.span)
            snippet = target.text[hit.span[0] : hit.span[1]]
            base = _fingerprint(rule_id, target.id, source.id, snippet)
            seen[base] = seen.get(base, 0) + 1
            reason = next((s.reason for s in article.suppressions if s.covers(rule_id, line)), None)
            yield Finding(
                rule=rule_id,
                severity=settings.severity,
                message=hit.message,
                target=target.id,
                source=source.id,
                path=article.path,
                span=hit.span,
                source_span=hit.source_span,
                line=line,
                column=column,
                end_line=end_line,
                end_column=end_column,
                snippet=" ".join(snippet.split())[:200],
                facts=hit.facts,
                fingerprint=base if seen[base] == 1 else f"{base}:{seen[base]}",
                suppressed=reason,
            )
