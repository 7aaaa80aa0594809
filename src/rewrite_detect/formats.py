"""Output formats of ``rewrite-detect check``: text, JSON, GitHub annotations and SARIF 2.1.0.

Locations come from :class:`~rewrite_detect.check.Finding`: 1-based lines and columns in
code points, computed from the character offsets of the target sentence.
"""

from __future__ import annotations

import json
from collections import defaultdict
from pathlib import Path, PurePath
from typing import Any
from urllib.parse import quote

from rewrite_detect.check import CheckResult, Finding
from rewrite_detect.policy import RULES, Policy, Severity
from rewrite_detect.report import printable

__all__ = [
    "SARIF_SCHEMA",
    "github_escape_data",
    "github_escape_property",
    "render_check_json",
    "render_check_text",
    "render_github",
    "render_sarif",
]

SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
"""The ``$schema`` written into SARIF logs."""

_INFO_URI = "https://pypi.org/project/rewrite-detect/"
# Article text is untrusted: escape sequences in it must not drive the terminal.
_clean = printable


def _where(finding: Finding) -> str:
    return finding.path or finding.target


def _message(finding: Finding) -> str:
    if finding.source in finding.message:
        return finding.message
    return f"{finding.message} (source: {finding.source})"


def render_check_text(result: CheckResult) -> str:
    """Return findings grouped by article, then a one-line summary."""
    lines: list[str] = []
    by_article: dict[str, list[Finding]] = defaultdict(list)
    for finding in result.findings:
        by_article[_where(finding)].append(finding)
    for where, findings in by_article.items():
        lines.append(_clean(where))
        for f in findings:
            tag = f"{f.severity.value}" if f.suppressed is None else "suppressed"
            lines.append(f"  {f.line}:{f.column}  {tag:<10} {f.rule}  {_clean(f.message)}")
            lines.append(f"      | {_clean(f.snippet)[:120]}")
            if f.suppressed is not None:
                lines.append(f"      suppressed: {_clean(f.suppressed)}")
        lines.append("")
    for error in result.errors:
        lines.append(f"input error: {_clean(error)}")
    counts = dict.fromkeys((Severity.ERROR, Severity.WARNING), 0)
    suppressed = 0
    for f in result.findings:
        if f.suppressed is not None:
            suppressed += 1
        else:
            counts[f.severity] += 1
    status = "FAILED" if result.failed else "passed"
    if result.errors:
        status = "input errors"
    lines.append(
        f"{status}: {result.articles:,} articles checked, {len(result.comparisons):,} "
        f"comparisons with reuse; {counts[Severity.ERROR]} errors, "
        f"{counts[Severity.WARNING]} warnings, {suppressed} suppressed"
    )
    return "\n".join(lines) + "\n"


def render_check_json(result: CheckResult) -> str:
    """Return the result as JSON (see :meth:`CheckResult.to_dict`)."""
    return json.dumps(result.to_dict(), ensure_ascii=False, indent=2)


def github_escape_data(text: str) -> str:
    r"""Escape a workflow command's message: ``%``, CR and LF.

    >>> github_escape_data("50% off\nnow")
    '50%25 off%0Anow'
    """
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def github_escape_property(text: str) -> str:
    """Escape a workflow command's property value: as data, plus ``:`` and ``,``.

    >>> github_escape_property("a,b:c")
    'a%2Cb%3Ac'
    """
    return github_escape_data(text).replace(":", "%3A").replace(",", "%2C")


_GITHUB_LEVEL = {Severity.ERROR: "error", Severity.WARNING: "warning"}


def render_github(result: CheckResult) -> str:
    """Return GitHub Actions workflow commands, one annotation per unsuppressed finding.

    ``::error file=F,line=L,col=C,endLine=…,endColumn=…,title=RULE::MESSAGE``; warnings use
    ``::warning``. Input errors become ``::error`` lines without a file.
    """
    lines = []
    for f in result.findings:
        if f.suppressed is not None:
            continue
        props = [
            ("file", _where(f)),
            ("line", str(f.line)),
            ("col", str(f.column)),
            ("endLine", str(f.end_line)),
            ("endColumn", str(f.end_column)),
            ("title", f"rewrite-detect {f.rule}"),
        ]
        head = ",".join(f"{k}={github_escape_property(v)}" for k, v in props)
        message = _message(f)
        lines.append(f"::{_GITHUB_LEVEL[f.severity]} {head}::{github_escape_data(message)}")
    for error in result.errors:
        lines.append(f"::error title=rewrite-detect input error::{github_escape_data(error)}")
    return "".join(line + "\n" for line in lines)


def _uri(path: str) -> tuple[str, str | None]:
    """Return a SARIF artifact URI: relative to the working directory when inside it."""
    pure = Path(path)
    if pure.is_absolute():
        try:
            pure = pure.resolve().relative_to(Path.cwd().resolve())
        except ValueError:
            return pure.as_uri(), None
    return quote(PurePath(pure).as_posix()), "%SRCROOT%"


def _location(f: Finding) -> dict[str, Any]:
    uri, base = _uri(_where(f))
    artifact: dict[str, Any] = {"uri": uri}
    if base is not None:
        artifact["uriBaseId"] = base
    region: dict[str, Any] = {
        "startLine": f.line,
        "startColumn": f.column,
        "endLine": f.end_line,
        "endColumn": max(f.end_column, f.column) if f.end_line == f.line else f.end_column,
    }
    if f.snippet:
        region["snippet"] = {"text": f.snippet}
    return {"physicalLocation": {"artifactLocation": artifact, "region": region}}


def render_sarif(result: CheckResult, policy: Policy | None = None, *, version: str = "") -> str:
    """Return a SARIF 2.1.0 log: one run, every rule described, one result per finding.

    Each result has a physical location with a region (lines and columns in code points,
    ``columnKind`` says so), the source article as a related location, and a
    ``partialFingerprints`` entry computed from the rule, the two documents and the
    sentence's words, so code scanning tracks a finding across runs when lines move.
    Suppressed findings carry an ``inSource`` suppression with its reason.
    """
    rule_ids = list(RULES)
    rules = []
    for rule_id in rule_ids:
        spec = RULES[rule_id]
        severity = policy.rules[rule_id].severity if policy else spec.severity
        rules.append(
            {
                "id": rule_id,
                "name": "".join(part.capitalize() for part in rule_id.split("-")),
                "shortDescription": {"text": spec.summary},
                "fullDescription": {"text": spec.summary},
                "help": {"text": spec.help},
                "defaultConfiguration": {
                    "level": _sarif_level(severity),
                    "enabled": severity is not Severity.OFF,
                },
                "properties": {"options": dict(spec.options), "tags": ["reuse", "news"]},
            }
        )
    results = []
    for f in result.findings:
        entry: dict[str, Any] = {
            "ruleId": f.rule,
            "ruleIndex": rule_ids.index(f.rule),
            "level": _sarif_level(f.severity),
            "message": {"text": _message(f)},
            "locations": [_location(f)],
            "partialFingerprints": {"rewriteDetect/v1": f.fingerprint},
            "properties": {
                "target": f.target,
                "source": f.source,
                "span": list(f.span),
                "sourceSpan": list(f.source_span) if f.source_span else None,
                "facts": list(f.facts),
            },
        }
        if f.suppressed is not None:
            entry["suppressions"] = [{"kind": "inSource", "justification": f.suppressed}]
        results.append(entry)
    notifications = [
        {"level": "error", "message": {"text": error}, "descriptor": {"id": "input-error"}}
        for error in result.errors
    ]
    run: dict[str, Any] = {
        "tool": {
            "driver": {
                "name": "rewrite-detect",
                "informationUri": _INFO_URI,
                "rules": rules,
                **({"version": version} if version else {}),
            }
        },
        "originalUriBaseIds": {"%SRCROOT%": {"uri": Path.cwd().resolve().as_uri() + "/"}},
        "columnKind": "unicodeCodePoints",
        "results": results,
        "invocations": [
            {
                "executionSuccessful": not result.errors,
                "toolExecutionNotifications": notifications,
            }
        ],
    }
    log = {"$schema": SARIF_SCHEMA, "version": "2.1.0", "runs": [run]}
    return json.dumps(log, ensure_ascii=False, indent=2)


def _sarif_level(severity: Severity) -> str:
    return {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.OFF: "none"}[severity]
