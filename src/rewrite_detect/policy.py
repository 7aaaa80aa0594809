"""Policy of ``rewrite-detect check``: the rules, their settings, and where they are read from.

A policy lives in ``rewrite-detect.toml`` (top level) or in ``pyproject.toml`` under
``[tool.rewrite-detect]``. Every key is checked: an unknown key, a wrong type or a value out of
range is a :class:`~rewrite_detect.errors.ConfigError` whose message names the key.

A **rule** is one function registered with :func:`rule`. It receives a :class:`RuleContext`
(one target article compared against one source) and yields :class:`Hit` objects; the runner
(:mod:`rewrite_detect.check`) turns them into findings with the rule's id, the configured
severity, allow-lists and inline suppressions applied. Adding a rule is one decorated
function::

    @rule("my-rule", summary="...", severity="warning", options={"limit": 0.5})
    def _my_rule(ctx: RuleContext) -> Iterator[Hit]:
        if ctx.comparison.coverage.target > ctx.options["limit"]:
            yield Hit(span=(0, 1), message="...")

Options declare their default; the default's type is the type the policy file must use
(a float is a share in ``[0, 1]``).
"""

from __future__ import annotations

import contextlib
import re
import tomllib
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import Any

from rewrite_detect.config import DetectorConfig
from rewrite_detect.errors import ConfigError
from rewrite_detect.models import FACT_NAMES, AlignedPair, Comparison, Label, QuoteStatus, Verdict

__all__ = [
    "RULES",
    "Hit",
    "Policy",
    "Rule",
    "RuleContext",
    "RuleSettings",
    "Severity",
    "find_policy_file",
    "load_policy",
    "rule",
]

Span = tuple[int, int]


class Severity(StrEnum):
    """How a finding of a rule counts: ``error`` fails the check, ``warning`` is shown only."""

    ERROR = "error"
    WARNING = "warning"
    OFF = "off"


@dataclass(frozen=True, slots=True, kw_only=True)
class Hit:
    """What a rule found: a stretch of the target article and why it breaks the rule.

    ``span`` and ``source_span`` are character offsets ``[start, end)`` into the target's and
    the source's text.
    """

    span: Span
    message: str
    source_span: Span | None = None
    facts: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True, kw_only=True)
class RuleContext:
    """Everything a rule may look at for one (source, target) comparison.

    Attributes
    ----------
    comparison : Comparison
        The target article compared against the source.
    syndicated : bool
        The target is declared a syndicated copy of this source.
    credits : tuple of str
        Credit lines declared for the target in metadata (besides its text and title).
    options : Mapping
        The rule's options, defaults overridden by the policy.
    """

    comparison: Comparison
    syndicated: bool
    credits: tuple[str, ...]
    options: Mapping[str, Any]

    def reused_pairs(self) -> list[AlignedPair]:
        """Verbatim and paraphrase pairs, in target order."""
        return sorted(
            (p for p in self.comparison.pairs if p.label is not Label.DIVERGENT),
            key=lambda p: p.target_span,
        )


RuleCheck = Callable[[RuleContext], Iterable[Hit]]


@dataclass(frozen=True, slots=True, kw_only=True)
class Rule:
    """A registered rule: its id, documentation, default severity and options."""

    id: str
    summary: str
    help: str
    severity: Severity
    options: Mapping[str, Any]
    check: RuleCheck


RULES: dict[str, Rule] = {}
"""Every registered rule by id, in registration order."""


def rule(
    rule_id: str,
    *,
    summary: str,
    help: str = "",
    severity: str = "error",
    options: Mapping[str, Any] | None = None,
) -> Callable[[RuleCheck], RuleCheck]:
    """Register a rule function under ``rule_id`` (a decorator).

    Parameters
    ----------
    rule_id : str
        Kebab-case id used in policy files, suppressions and output.
    summary : str
        One line: what the rule asks for.
    help : str
        What to do about a finding.
    severity : str
        Default severity: ``error``, ``warning`` or ``off``.
    options : Mapping, optional
        Option names and defaults.
    """
    if not re.fullmatch(r"[a-z][a-z0-9]*(?:-[a-z0-9]+)*", rule_id):
        msg = f"rule id {rule_id!r}: use lower-case words joined by '-'"
        raise ConfigError(msg)

    def register(check: RuleCheck) -> RuleCheck:
        RULES[rule_id] = Rule(
            id=rule_id,
            summary=summary,
            help=help or summary,
            severity=Severity(severity),
            options=dict(options or {}),
            check=check,
        )
        return check

    return register


# --- the rules ---------------------------------------------------------------------------------


def _describe_pair(pair: AlignedPair) -> tuple[str, tuple[str, ...]]:
    facts = pair.evidence.changed_facts
    parts = []
    for kind in facts:
        change = getattr(pair.evidence, kind)
        before = ", ".join(change.source) or "(none)"
        after = ", ".join(change.target) or "(none)"
        parts.append(f"{FACT_NAMES.get(kind, kind)} changed: {before} -> {after}")
    if not parts:
        parts.append(f"{pair.label.value}, similarity {pair.score:.2f}")
    return "; ".join(parts), facts


@rule(
    "syndicated-must-be-verbatim",
    summary="A declared syndicated copy may trim its source but must not alter a sentence.",
    help=(
        "Restore the sentence as the source wrote it (changed numbers, names and quotations "
        "matter most), drop it, or stop declaring the article a syndicated copy."
    ),
    options={"allow-additions": False},
)
def _syndicated_must_be_verbatim(ctx: RuleContext) -> Iterator[Hit]:
    if not ctx.syndicated:
        return
    source = ctx.comparison.source.id
    for pair in sorted(ctx.comparison.pairs, key=lambda p: p.target_span):
        if pair.label is Label.VERBATIM:
            continue
        detail, facts = _describe_pair(pair)
        yield Hit(
            span=pair.target_span,
            source_span=pair.source_span,
            facts=facts,
            message=f"sentence altered from syndicated source {source} ({detail})",
        )
    if not ctx.options["allow-additions"]:
        for span in ctx.comparison.unmatched_target:
            yield Hit(span=span, message=f"sentence not in syndicated source {source} (added)")


def _norm_space(text: str) -> str:
    return " ".join(text.casefold().split())


def _url_forms(url: str) -> list[str]:
    bare = re.sub(r"^[a-z][a-z0-9+.-]*://", "", url.strip().casefold()).removeprefix("www.")
    bare = bare.split("#", 1)[0].rstrip("/")
    host = bare.split("/", 1)[0]
    return [form for form in (bare, host) if form]


def _credited(ctx: RuleContext) -> bool:
    source, target = ctx.comparison.source, ctx.comparison.target
    haystack = _norm_space(" ".join([target.text, target.title or "", *ctx.credits]))
    aliases = {_norm_space(k): v for k, v in ctx.options["aliases"].items()}
    names = [source.outlet] if source.outlet else []
    if source.outlet:
        names += aliases.get(_norm_space(source.outlet), [])
    for name in names:
        if re.search(rf"(?<!\w){re.escape(_norm_space(name))}(?!\w)", haystack):
            return True
    return any(form in haystack for form in _url_forms(source.url or ""))


@rule(
    "no-unattributed-rewrite",
    summary="An article that rewrites another outlet's article must credit it.",
    help=(
        "Name the source outlet or link the source article in the text, the title or the "
        "'credit' metadata field."
    ),
    options={"verdicts": ["verbatim-copy", "rewrite"], "aliases": {}, "declared-credits": True},
)
def _no_unattributed_rewrite(ctx: RuleContext) -> Iterator[Hit]:
    comparison = ctx.comparison
    source, target = comparison.source, comparison.target
    if comparison.verdict.value not in ctx.options["verdicts"]:
        return
    if ctx.syndicated and ctx.options["declared-credits"]:
        return  # the syndication declaration names the source: credit in metadata
    if source.outlet and target.outlet and _norm_space(source.outlet) == _norm_space(target.outlet):
        return
    if _credited(ctx):
        return
    reused = ctx.reused_pairs()
    span = reused[0].target_span if reused else (0, 0)
    who = f"{source.outlet}'s article {source.id}" if source.outlet else f"article {source.id}"
    how = [f"name '{source.outlet}'"] if source.outlet else []
    how += [f"link {source.url}"] if source.url else []
    todo = " or ".join(how) if how else "declare the source's outlet or URL so it can be credited"
    yield Hit(
        span=span,
        source_span=reused[0].source_span if reused else None,
        message=(
            f"{comparison.verdict.value} of {who} ({comparison.coverage.target:.0%} of the "
            f"sentences) without credit: {todo}"
        ),
    )


@rule(
    "max-reuse",
    summary="No more than a set share of an article's sentences may come from one source.",
    help="Write more of the article yourself, or raise the rule's threshold in the policy.",
    severity="warning",
    options={"threshold": 0.5, "exempt-syndicated": True},
)
def _max_reuse(ctx: RuleContext) -> Iterator[Hit]:
    if ctx.syndicated and ctx.options["exempt-syndicated"]:
        return
    coverage = ctx.comparison.coverage.target
    limit: float = ctx.options["threshold"]
    if coverage <= limit:
        return
    reused = ctx.reused_pairs()
    yield Hit(
        span=reused[0].target_span if reused else (0, 0),
        source_span=reused[0].source_span if reused else None,
        message=(
            f"{coverage:.0%} of the sentences come from {ctx.comparison.source.id} "
            f"(limit {limit:.0%})"
        ),
    )


# --- settings ----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True, kw_only=True)
class RuleSettings:
    """One rule's severity, options and allow-lists, as the policy sets them."""

    severity: Severity
    options: Mapping[str, Any]
    allow_outlets: frozenset[str] = frozenset()
    allow_documents: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True, kw_only=True)
class Policy:
    """A validated policy.

    Attributes
    ----------
    rules : Mapping of str to RuleSettings
        Settings of every registered rule (defaults where the file says nothing).
    allow_outlets : frozenset of str
        Source outlets whose articles may be reused freely (case-folded).
    allow_documents : tuple of str
        Glob patterns of document ids or paths exempt from every rule (source or target).
    sources : tuple of str
        Files, directories or ``.jsonl`` feeds of source articles.
    index : str or None
        An index file (``rewrite-detect index add``) to check against.
    metadata : str or None
        CSV or JSONL file of per-document metadata and declarations.
    syndicated : Mapping of str to str
        Target (id, path or file name) -> the source it is a syndicated copy of.
    fail_on : Severity
        The lowest severity that makes the check fail.
    compare_all_below : int
        With at most this many sources, every article is compared with every source;
        with more, the sources are indexed and only candidates are compared.
    detector : DetectorConfig
        Settings of the comparisons.
    path : str or None
        Where the policy was read from.
    """

    rules: Mapping[str, RuleSettings]
    allow_outlets: frozenset[str] = frozenset()
    allow_documents: tuple[str, ...] = ()
    sources: tuple[str, ...] = ()
    index: str | None = None
    metadata: str | None = None
    syndicated: Mapping[str, str] = field(default_factory=dict)
    fail_on: Severity = Severity.ERROR
    compare_all_below: int = 50
    detector: DetectorConfig = field(default_factory=DetectorConfig)
    path: str | None = None

    @classmethod
    def default(cls) -> Policy:
        """Return the policy used when no file declares one: every rule at its default."""
        return cls.from_dict({})

    @classmethod
    def from_dict(
        cls, data: Mapping[str, Any], *, where: str = "policy", base: Path | None = None
    ) -> Policy:
        """Validate a policy table; paths in it are taken relative to ``base``."""
        return _parse(data, where, base or Path())


_TOP_KEYS = {
    "rules",
    "allow-outlets",
    "allow-documents",
    "sources",
    "index",
    "metadata",
    "syndicated",
    "fail-on",
    "compare-all-below",
    "detector",
}
_RULE_KEYS = {"severity", "allow-outlets", "allow-documents"}
_CHOICES = {"verdicts": [v.value for v in Verdict]}


def _fail(where: str, key: str, problem: str) -> ConfigError:
    return ConfigError(f"{where}: '{key}' {problem}")


def _unknown(where: str, prefix: str, keys: Iterable[str], valid: Iterable[str]) -> None:
    unknown = sorted(set(keys) - set(valid))
    if unknown:
        names = ", ".join(f"'{prefix}{k}'" for k in unknown)
        msg = f"{where}: unknown key {names}; valid keys here: {', '.join(sorted(valid))}"
        raise ConfigError(msg)


def _strings(where: str, key: str, value: Any) -> list[str]:
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise _fail(where, key, f"must be a list of strings, not {value!r}")
    return value


def _option(where: str, key: str, default: Any, value: Any) -> Any:
    if isinstance(default, bool):
        if not isinstance(value, bool):
            raise _fail(where, key, f"must be true or false, not {value!r}")
        return value
    if isinstance(default, float):
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise _fail(where, key, f"must be a number in [0, 1], not {value!r}")
        if not 0.0 <= value <= 1.0:
            raise _fail(where, key, f"= {value!r} is out of range: use a share in [0, 1]")
        return float(value)
    if isinstance(default, int):
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            raise _fail(where, key, f"must be a whole number of at least 0, not {value!r}")
        return value
    if isinstance(default, list):
        return _strings(where, key, value)
    if isinstance(default, dict):
        if not isinstance(value, dict):
            raise _fail(where, key, f"must be a table, not {value!r}")
        return {k: _strings(where, f"{key}.{k}", v) for k, v in value.items()}
    if not isinstance(value, str):
        raise _fail(where, key, f"must be a string, not {value!r}")
    return value


def _severity(where: str, key: str, value: Any) -> Severity:
    try:
        return Severity(value)
    except ValueError:
        choices = ", ".join(s.value for s in Severity)
        raise _fail(where, key, f"= {value!r} is not a severity: use one of {choices}") from None


def _rule_settings(where: str, data: Mapping[str, Any]) -> dict[str, RuleSettings]:
    if not isinstance(data, Mapping):
        raise _fail(where, "rules", "must be a table of rule tables")
    _unknown(where, "rules.", data, RULES)
    out = {}
    for rule_id, spec in RULES.items():
        table = data.get(rule_id, {})
        prefix = f"rules.{rule_id}."
        if isinstance(table, str):  # shorthand: rules.max-reuse = "off"
            table = {"severity": table}
        if not isinstance(table, Mapping):
            raise _fail(where, prefix[:-1], "must be a table or a severity string")
        _unknown(where, prefix, table, _RULE_KEYS | set(spec.options))
        options = dict(spec.options)
        for name, default in spec.options.items():
            if name in table:
                options[name] = _option(where, prefix + name, default, table[name])
            allowed = _CHOICES.get(name)
            if allowed is not None and not set(options[name]) <= set(allowed):
                bad = sorted(set(options[name]) - set(allowed))
                raise _fail(where, prefix + name, f"has {bad}: use some of {allowed}")
        out[rule_id] = RuleSettings(
            severity=_severity(where, prefix + "severity", table.get("severity", spec.severity)),
            options=options,
            allow_outlets=frozenset(
                _norm_space(o)
                for o in _strings(where, prefix + "allow-outlets", table.get("allow-outlets", []))
            ),
            allow_documents=tuple(
                _strings(where, prefix + "allow-documents", table.get("allow-documents", []))
            ),
        )
    return out


def _path(base: Path, value: str) -> str:
    path = Path(value)
    return str(path if path.is_absolute() or base == Path() else base / path)


def _parse(data: Mapping[str, Any], where: str, base: Path) -> Policy:
    if not isinstance(data, Mapping):
        msg = f"{where}: must be a table of settings"
        raise ConfigError(msg)
    _unknown(where, "", data, _TOP_KEYS)
    syndicated = data.get("syndicated", {})
    if not isinstance(syndicated, Mapping) or not all(
        isinstance(v, str) for v in syndicated.values()
    ):
        raise _fail(where, "syndicated", 'must be a table of target = "source" strings')
    detector = data.get("detector", {})
    if not isinstance(detector, Mapping):
        raise _fail(where, "detector", "must be a table of DetectorConfig settings")
    try:
        detector_config = DetectorConfig.from_dict(
            {k.replace("-", "_"): v for k, v in detector.items()}
        )
    except ConfigError as exc:
        raise _fail(where, "detector", f"is invalid: {exc}") from None
    except TypeError as exc:  # a value of a type the dataclass cannot hold
        raise _fail(where, "detector", f"is invalid: {exc}") from None
    index = data.get("index")
    metadata = data.get("metadata")
    for key, value in (("index", index), ("metadata", metadata)):
        if value is not None and not isinstance(value, str):
            raise _fail(where, key, f"must be a path string, not {value!r}")
    return Policy(
        rules=_rule_settings(where, data.get("rules", {})),
        allow_outlets=frozenset(
            _norm_space(o) for o in _strings(where, "allow-outlets", data.get("allow-outlets", []))
        ),
        allow_documents=tuple(_strings(where, "allow-documents", data.get("allow-documents", []))),
        sources=tuple(_path(base, s) for s in _strings(where, "sources", data.get("sources", []))),
        index=_path(base, index) if index else None,
        metadata=_path(base, metadata) if metadata else None,
        syndicated=dict(syndicated),
        fail_on=_severity(where, "fail-on", data.get("fail-on", "error")),
        compare_all_below=_option(
            where, "compare-all-below", 50, data.get("compare-all-below", 50)
        ),
        detector=detector_config,
        path=where,
    )


def find_policy_file(start: Path | None = None) -> Path | None:
    """Return the nearest ``rewrite-detect.toml``, or ``pyproject.toml`` with a policy.

    The search starts in ``start`` (the working directory) and goes up to the root; in one
    directory ``rewrite-detect.toml`` comes first.
    """
    here = (start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        own = folder / "rewrite-detect.toml"
        if own.is_file():
            return own
        project = folder / "pyproject.toml"
        if project.is_file() and "[tool.rewrite-detect" in project.read_text(errors="replace"):
            return project
    return None


def load_policy(path: str | Path | None = None, *, start: Path | None = None) -> Policy:
    """Read and validate a policy file; the default policy when there is none.

    Parameters
    ----------
    path : str or Path, optional
        A ``rewrite-detect.toml`` or ``pyproject.toml``. Found with :func:`find_policy_file`
        when omitted.
    start : Path, optional
        Where the search starts (the working directory by default).

    Raises
    ------
    ConfigError
        If the file cannot be read, is not valid TOML, or a key is unknown or invalid.
    """
    file = Path(path) if path is not None else find_policy_file(start)
    if file is None:
        return Policy.default()
    try:
        data = tomllib.loads(file.read_text(encoding="utf-8"))
    except OSError as exc:
        msg = f"{file}: cannot read the policy ({exc.strerror}); check --config"
        raise ConfigError(msg) from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        msg = f"{file}: not valid TOML ({exc})"
        raise ConfigError(msg) from None
    where = str(file)
    base = file.parent
    if base.is_absolute():
        # Keep paths short in messages and reports when the policy is below the cwd.
        with contextlib.suppress(ValueError):
            base = base.relative_to(Path.cwd().resolve())
    if file.name == "pyproject.toml":
        tool = data.get("tool", {})
        table = tool.get("rewrite-detect", {}) if isinstance(tool, dict) else {}
        where = f"{file} [tool.rewrite-detect]"
    else:
        table = data
    return Policy.from_dict(table, where=where, base=base)


@rule(
    "quotes-must-be-exact",
    summary="A quotation taken from the source keeps the source's words and speaker.",
    help=(
        "Restore the quotation as the source has it and credit the same speaker, or report "
        "the statement without quote marks."
    ),
    options={"min-words": 4, "allow-trimmed": True},
)
def _quotes_must_be_exact(ctx: RuleContext) -> Iterator[Hit]:
    bad = {QuoteStatus.ALTERED, QuoteStatus.MISATTRIBUTED}
    if not ctx.options["allow-trimmed"]:
        bad.add(QuoteStatus.TRIMMED)
    for finding in ctx.comparison.quotes:
        quote, origin = finding.target, finding.source
        if finding.status not in bad or quote is None or origin is None:
            continue
        if len(quote.text.split()) < ctx.options["min-words"]:
            continue  # a scare-quoted word or two is not a quotation of someone
        if finding.status is QuoteStatus.MISATTRIBUTED:
            detail = f"source: {origin.speaker or 'unnamed'}, here: {quote.speaker or 'unnamed'}"
        elif finding.changed is not None:
            before = ", ".join(finding.changed.source) or "(none)"
            after = ", ".join(finding.changed.target) or "(none)"
            detail = f"{before} -> {after}"
        else:
            detail = "a part of the source's quotation"
        yield Hit(
            span=finding.target_span,
            source_span=(origin.start, origin.end),
            facts=("quotes",),
            message=f"quotation {finding.status.value} ({detail})",
        )
