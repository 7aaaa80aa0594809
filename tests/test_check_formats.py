"""Output formats of rewrite-detect check: SARIF 2.1.0 (schema-valid), GitHub annotations, JSON.

The SARIF schema is committed in tests/fixtures/sarif/ (see its README for where it is from).
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from rewrite_detect.cli import main
from rewrite_detect.formats import github_escape_data, github_escape_property
from rewrite_detect.policy import RULES, Hit, RuleContext, rule
from tests._paths import FIXTURES

SCHEMA = json.loads((FIXTURES / "sarif" / "sarif-schema-2.1.0.json").read_text(encoding="utf-8"))


def check(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(["check", *argv])
    out, err = capsys.readouterr()
    return code, out, err


def validate(log: dict[str, Any]) -> None:
    jsonschema.Draft4Validator.check_schema(SCHEMA)
    errors = sorted(jsonschema.Draft4Validator(SCHEMA).iter_errors(log), key=str)
    assert not errors, "\n".join(f"{list(e.path)}: {e.message}" for e in errors[:5])


def test_sarif_validates_against_the_schema(demo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    rewrite = demo / "articles" / "flood-rewrite.txt"
    rewrite.write_text(
        "rewrite-detect: ignore[max-reuse] -- agreed with the desk\n" + rewrite.read_text()
    )
    code, out, _ = check(capsys, "articles", "--format", "sarif")
    assert code == 1
    log = json.loads(out)
    validate(log)
    run = log["runs"][0]
    assert [r["id"] for r in run["tool"]["driver"]["rules"]] == list(RULES)
    results = run["results"]
    assert {r["ruleId"] for r in results} == {
        "syndicated-must-be-verbatim", "no-unattributed-rewrite", "max-reuse",
    }  # fmt: skip
    edited = next(r for r in results if r["ruleId"] == "syndicated-must-be-verbatim")
    location = edited["locations"][0]["physicalLocation"]
    assert location["artifactLocation"] == {
        "uri": "articles/wire-copy-edited.txt",
        "uriBaseId": "%SRCROOT%",
    }
    assert location["region"]["startLine"] == 1
    assert location["region"]["startColumn"] == 98
    assert location["region"]["snippet"]["text"].startswith("The river crested at 9.8")
    assert edited["level"] == "error"
    assert run["tool"]["driver"]["rules"][edited["ruleIndex"]]["id"] == edited["ruleId"]
    assert len(edited["partialFingerprints"]["rewriteDetect/v1"]) == 32
    suppressed = [r for r in results if "suppressions" in r]
    assert [s["suppressions"] for s in suppressed] == [
        [{"kind": "inSource", "justification": "agreed with the desk"}]
    ]
    assert run["columnKind"] == "unicodeCodePoints"


def test_sarif_with_input_errors_validates(demo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (demo / "articles" / "empty.txt").write_text("   \n")
    code, out, _ = check(capsys, "articles", "--format", "sarif")
    assert code == 2
    log = json.loads(out)
    validate(log)
    invocation = log["runs"][0]["invocations"][0]
    assert invocation["executionSuccessful"] is False
    assert "empty.txt" in invocation["toolExecutionNotifications"][0]["message"]["text"]


@pytest.mark.usefixtures("demo")
def test_clean_sarif_validates(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = check(capsys, "articles/wire-copy.txt", "--format", "sarif")
    assert code == 0
    log = json.loads(out)
    validate(log)
    assert log["runs"][0]["results"] == []


def test_fingerprints_survive_moved_lines(demo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    def fingerprints() -> dict[str, tuple[int, str]]:
        log = json.loads(check(capsys, "articles", "--format", "sarif")[1])
        return {
            r["partialFingerprints"]["rewriteDetect/v1"]: (
                r["locations"][0]["physicalLocation"]["region"]["startLine"],
                r["ruleId"],
            )
            for r in log["runs"][0]["results"]
        }

    before = fingerprints()
    edited = demo / "articles" / "wire-copy-edited.txt"
    edited.write_text("\n\n" + edited.read_text())
    after = fingerprints()
    assert set(before) == set(after)
    moved = [
        fp for fp, (line, rule_id) in before.items() if rule_id == "syndicated-must-be-verbatim"
    ]
    assert after[moved[0]][0] == before[moved[0]][0] + 2


@pytest.mark.usefixtures("demo")
def test_github_annotations(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = check(capsys, "articles", "--format", "github")
    assert code == 1
    lines = out.splitlines()
    assert (
        "::error file=articles/wire-copy-edited.txt,line=1,col=98,endLine=1,endColumn=181,"
        "title=rewrite-detect syndicated-must-be-verbatim::sentence altered from syndicated "
        "source sources/ledger-flood.txt (number changed%3A 9.4 -> 9.8)"
    ) not in lines  # the message is data: ':' stays as it is
    assert (
        "::error file=articles/wire-copy-edited.txt,line=1,col=98,endLine=1,endColumn=181,"
        "title=rewrite-detect syndicated-must-be-verbatim::sentence altered from syndicated "
        "source sources/ledger-flood.txt (number changed: 9.4 -> 9.8)"
    ) in lines
    warnings = [line for line in lines if line.startswith("::warning ")]
    assert warnings
    assert all("(limit 60%25)" in line for line in warnings)  # '%' escaped in data
    assert sum(line.startswith("::error ") for line in lines) == 2


def test_github_escapes_file_names_and_newlines(
    demo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    odd = demo / "articles" / "a,b:c%.txt"
    shutil.copy(demo / "articles" / "wire-copy-edited.txt", odd)
    (demo / "meta.csv").write_text(
        (demo / "meta.csv").read_text() + '"a,b:c%.txt",Valley Times,,ledger-flood.txt\n'
    )
    _, out, _ = check(capsys, str(odd.relative_to(demo)), "--format", "github")
    assert out.startswith("::error file=articles/a%2Cb%3Ac%25.txt,line=1,col=98,")
    assert out.count("\n") == 1


def test_escape_functions() -> None:
    assert github_escape_data("a%b\r\nc: d, e") == "a%25b%0D%0Ac: d, e"
    assert github_escape_property("a%b\r\nc: d, e") == "a%25b%0D%0Ac%3A d%2C e"
    # '%' first: an already-escaped sequence is escaped again, not passed through.
    assert github_escape_data("%0A") == "%250A"


@pytest.mark.usefixtures("demo")
def test_json_and_text(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = check(capsys, "articles", "--format", "json")
    assert code == 1
    result = json.loads(out)
    assert result["failed"] is True
    assert result["articles"] == 5
    assert {c["target"] for c in result["comparisons"]} == {
        "articles/flood-rewrite-credited.txt", "articles/flood-rewrite.txt",
        "articles/wire-copy-edited.txt", "articles/wire-copy.txt",
    }  # fmt: skip
    _, out, _ = check(capsys, "articles")
    assert out.splitlines()[-1] == (
        "FAILED: 5 articles checked, 4 comparisons with reuse; 2 errors, 2 warnings, 0 suppressed"
    )


@pytest.fixture
def extra_rule() -> Iterator[str]:
    """A rule added the way issue 7's quotes-must-be-exact will be: one function."""

    @rule("no-divergent-pairs", summary="No sentence may change a fact.", severity="warning")
    def _check(ctx: RuleContext) -> Iterator[Hit]:
        for pair in ctx.comparison.pairs:
            if pair.label.value == "divergent":
                yield Hit(span=pair.target_span, message="a fact changed")

    yield "no-divergent-pairs"
    del RULES["no-divergent-pairs"]


def test_a_new_rule_is_one_function(
    demo: Path, capsys: pytest.CaptureFixture[str], extra_rule: str
) -> None:
    _, out, _ = check(capsys, "articles/wire-copy-edited.txt", "--format", "sarif")
    log = json.loads(out)
    validate(log)
    assert extra_rule in [r["id"] for r in log["runs"][0]["tool"]["driver"]["rules"]]
    assert extra_rule in {r["ruleId"] for r in log["runs"][0]["results"]}
    (demo / "rewrite-detect.toml").write_text(
        (demo / "rewrite-detect.toml").read_text() + f'\n[rules.{extra_rule}]\nseverity = "error"\n'
    )
    assert check(capsys, "articles/wire-copy.txt")[0] == 0
