"""rewrite-detect check: each rule, each exit code, declarations, suppressions, inputs.

Runs on the demo of examples/ci/demo (a Northern Ledger flood story as the source, a clean
syndicated copy, a syndicated copy with one changed number, an uncredited and a credited
rewrite, an unrelated article), with its rewrite-detect.toml, or on policies written here.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest

from rewrite_detect.cli import main
from tests._paths import FARM, HILL

EDITED = "articles/wire-copy-edited.txt"


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(["check", *argv])
    out, err = capsys.readouterr()
    return code, out, err


def findings(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, list[dict[str, Any]]]:
    code, out, _ = run(capsys, *argv, "--format", "json")
    return code, json.loads(out)["findings"]


def write_policy(folder: Path, body: str) -> None:
    base = 'sources = ["sources"]\nmetadata = "meta.csv"\n'
    (folder / "rewrite-detect.toml").write_text(base + body, encoding="utf-8")


# --- exit 0 and 1: the rules -------------------------------------------------------------------


@pytest.mark.usefixtures("demo")
def test_clean_syndicated_copy_exits_0(capsys: pytest.CaptureFixture[str]) -> None:
    code, found = findings(capsys, "articles/wire-copy.txt")
    assert code == 0
    assert found == []


def test_syndicated_copy_with_one_changed_number(
    demo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, found = findings(capsys, EDITED)
    assert code == 1
    assert len(found) == 1
    finding = found[0]
    assert finding["rule"] == "syndicated-must-be-verbatim"
    assert finding["severity"] == "error"
    assert finding["facts"] == ["numbers"]
    assert "9.4 -> 9.8" in finding["message"]
    text = (demo / EDITED).read_text(encoding="utf-8")
    sentence = "The river crested at 9.8 metres early in the morning, the highest level since 1998."
    start = text.index(sentence)
    line = text.count("\n", 0, start) + 1
    column = start - (text.rfind("\n", 0, start) + 1) + 1
    assert (finding["line"], finding["column"]) == (line, column) == (1, 98)
    assert (finding["end_line"], finding["end_column"]) == (1, column + len(sentence))
    assert text[finding["span"][0] : finding["span"][1]] == sentence


def test_syndicated_copy_with_added_sentence(
    demo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    copy = demo / "articles" / "wire-copy.txt"
    copy.write_text(
        copy.read_text() + "\nThe Valley Times will publish updates through the night.\n"
    )
    code, found = findings(capsys, "articles/wire-copy.txt")
    assert code == 1
    assert [f["rule"] for f in found] == ["syndicated-must-be-verbatim"]
    assert "(added)" in found[0]["message"]
    assert found[0]["line"] == 7  # after a blank line 6
    write_policy(demo, "[rules.syndicated-must-be-verbatim]\nallow-additions = true\n")
    assert findings(capsys, "articles/wire-copy.txt") == (0, [])


@pytest.mark.usefixtures("demo")
def test_uncredited_rewrite_is_an_error(capsys: pytest.CaptureFixture[str]) -> None:
    code, found = findings(capsys, "articles/flood-rewrite.txt")
    assert code == 1
    rules = {f["rule"]: f for f in found}
    assert set(rules) == {"no-unattributed-rewrite", "max-reuse"}
    assert rules["no-unattributed-rewrite"]["severity"] == "error"
    assert "Northern Ledger" in rules["no-unattributed-rewrite"]["message"]
    assert rules["max-reuse"]["severity"] == "warning"


def test_credit_by_name_link_or_metadata(demo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, found = findings(capsys, "articles/flood-rewrite-credited.txt")
    assert code == 0  # only the max-reuse warning
    assert [f["rule"] for f in found] == ["max-reuse"]
    rewrite = demo / "articles" / "flood-rewrite.txt"
    original = rewrite.read_text()
    rewrite.write_text(original + "\nFirst published at northernledger.example.\n")
    assert "no-unattributed-rewrite" not in {f["rule"] for f in findings(capsys, str(rewrite))[1]}
    rewrite.write_text(original)
    meta = demo / "meta.csv"
    meta.write_text(
        meta.read_text()
        .replace("path,outlet,url,syndicated_from", "path,outlet,url,syndicated_from,credit")
        .replace(
            "flood-rewrite.txt,Daily Digest,,", "flood-rewrite.txt,Daily Digest,,,Northern Ledger"
        )
    )
    assert "no-unattributed-rewrite" not in {f["rule"] for f in findings(capsys, str(rewrite))[1]}


def test_same_outlet_needs_no_credit(demo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, found = findings(capsys, "articles/flood-rewrite.txt", "--outlet", "x")
    assert code == 1  # meta.csv names the outlet Daily Digest
    meta = demo / "meta.csv"
    meta.write_text(
        meta.read_text().replace(
            "flood-rewrite.txt,Daily Digest", "flood-rewrite.txt,Northern Ledger"
        )
    )
    code, found = findings(capsys, "articles/flood-rewrite.txt")
    assert "no-unattributed-rewrite" not in {f["rule"] for f in found}


def test_max_reuse_threshold_and_fail_on(demo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    credited = "articles/flood-rewrite-credited.txt"
    assert findings(capsys, credited, "--fail-on", "warning")[0] == 1
    write_policy(demo, '[rules.max-reuse]\nseverity = "error"\nthreshold = 0.6\n')
    code, found = findings(capsys, credited)
    assert code == 1
    assert found[0]["rule"] == "max-reuse"
    assert "83%" in found[0]["message"]
    write_policy(demo, '[rules.max-reuse]\nseverity = "error"\nthreshold = 0.9\n')
    assert findings(capsys, credited) == (0, [])


def test_severity_off(demo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write_policy(demo, 'rules.no-unattributed-rewrite = "off"\nrules.max-reuse = "off"\n')
    assert findings(capsys, "articles/flood-rewrite.txt") == (0, [])


def test_allow_lists(demo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write_policy(demo, 'allow-outlets = ["northern ledger"]\n')
    assert findings(capsys, "articles/flood-rewrite.txt", EDITED) == (0, [])
    write_policy(demo, 'allow-documents = ["articles/flood-*"]\n')
    code, found = findings(capsys, "articles/flood-rewrite.txt", EDITED)
    assert code == 1
    assert {f["target"] for f in found} == {EDITED}
    write_policy(demo, '[rules.no-unattributed-rewrite]\nallow-outlets = ["Northern Ledger"]\n')
    code, found = findings(capsys, "articles/flood-rewrite.txt")
    assert code == 0
    assert [f["rule"] for f in found] == ["max-reuse"]


@pytest.mark.usefixtures("demo")
def test_whole_directory(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "articles")
    assert code == 1
    assert "articles/wire-copy-edited.txt\n  1:98  error      syndicated-must-be-verbatim" in out
    assert "FAILED: 5 articles checked" in out
    assert "council-budget" not in out


# --- inline suppressions -----------------------------------------------------------------------


def test_suppression_with_reason(demo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    rewrite = demo / "articles" / "flood-rewrite.txt"
    rewrite.write_text(
        "rewrite-detect: ignore[no-unattributed-rewrite] -- licensed, partner contract 2024-17\n"
        + rewrite.read_text()
    )
    code, found = findings(capsys, "articles/flood-rewrite.txt")
    assert code == 0
    suppressed = [f for f in found if f["rule"] == "no-unattributed-rewrite"]
    assert suppressed[0]["suppressed"] == "licensed, partner contract 2024-17"
    assert suppressed[0]["line"] == 2  # offsets still point into the file as written


def test_suppression_of_the_next_line(demo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    edited = demo / EDITED
    text = edited.read_text()
    edited.write_text(
        "<!-- rewrite-detect: ignore-next[syndicated-must-be-verbatim] -- desk correction -->\n"
        + text
    )
    code, found = findings(capsys, EDITED)
    assert code == 0
    assert found[0]["suppressed"] == "desk correction"
    assert (found[0]["line"], found[0]["column"]) == (2, 98)
    # The suppression covers the next line only: the same change further down is reported.
    edited.write_text(
        "rewrite-detect: ignore-next[syndicated-must-be-verbatim] -- desk correction\n\n"
        + text.replace("rescued 37 people", "rescued 73 people")
    )
    code, found = findings(capsys, EDITED)
    assert code == 1
    assert [f["suppressed"] for f in found] == ["desk correction", None]


@pytest.mark.parametrize(
    ("directive", "expected"),
    [
        ("rewrite-detect: ignore[max-reuse]", "needs a reason"),
        ("rewrite-detect: ignore[max-reuse] --   ", "needs a reason"),
        ("rewrite-detect: ignore[no-such-rule] -- because", "unknown rule(s) ['no-such-rule']"),
        ("rewrite-detect: please skip", "cannot read the suppression"),
    ],
)
def test_bad_suppression_is_an_input_error(
    demo: Path, capsys: pytest.CaptureFixture[str], directive: str, expected: str
) -> None:
    rewrite = demo / "articles" / "flood-rewrite.txt"
    rewrite.write_text(directive + "\n" + rewrite.read_text())
    code, _, err = run(capsys, "articles/flood-rewrite.txt")
    assert code == 2
    assert "articles/flood-rewrite.txt:1: " in err
    assert expected in err


# --- inputs: JSONL feed, stdin, HTML, index ---------------------------------------------------


def test_jsonl_feed_declares_syndication(demo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    texts = {"clean": "articles/wire-copy.txt", "edited": EDITED}
    records = [
        {"id": key, "outlet": "Valley Times", "text": (demo / path).read_text(),
         "syndicated_from": "ledger-flood.txt"}
        for key, path in texts.items()
    ]  # fmt: skip
    feed = demo / "feed.jsonl"
    feed.write_text("\n".join(json.dumps(r) for r in records) + "\n\nnot json\n")
    code, out, err = run(capsys, "feed.jsonl", "--format", "json")
    assert code == 2  # the bad line is an input error, reported; the rest is checked
    assert "feed.jsonl:4: not valid JSON" in err
    result = json.loads(out)
    assert [(f["target"], f["path"], f["line"]) for f in result["findings"]] == [
        ("edited", "feed.jsonl", 2)
    ]
    feed.write_text("\n".join(json.dumps(r) for r in records) + "\n")
    assert run(capsys, "feed.jsonl")[0] == 1


def test_stdin(
    demo: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    import io  # noqa: PLC0415

    data = (demo / "articles" / "flood-rewrite.txt").read_bytes()
    monkeypatch.setattr("sys.stdin", io.TextIOWrapper(io.BytesIO(data)))
    code, found = findings(capsys, "-", "--stdin-name", "incoming/story.txt")
    assert code == 1
    assert {f["path"] for f in found} == {"incoming/story.txt"}


def test_html_article_points_into_the_page(demo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    text = (demo / EDITED).read_text()
    paragraphs = "".join(f"    <p>{p}</p>\n" for p in text.split("\n\n"))
    page = (
        "<!DOCTYPE html>\n<html><head><title>Flood</title></head>\n<body>\n  <article>\n"
        f"{paragraphs}  </article>\n</body></html>\n"
    )
    (demo / "articles" / "page.html").write_text(page)
    (demo / "meta.csv").write_text(
        (demo / "meta.csv").read_text() + "page.html,Valley Times,,ledger-flood.txt\n"
    )
    code, found = findings(capsys, "articles/page.html")
    assert code == 1
    lines = page.splitlines()
    line = found[0]["line"]
    column = found[0]["column"]
    assert lines[line - 1][column - 1 :].startswith("The river crested at 9.8")


def test_check_against_an_index(demo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (demo / "rewrite-detect.toml").unlink()
    assert main(["index", "add", "archive.db", "sources", "--meta", "meta.csv"]) == 0
    capsys.readouterr()
    # A copy nobody declared: the index finds its source, whose outlet the index stored.
    shutil.copy(demo / "articles" / "wire-copy.txt", demo / "lifted.txt")
    code, found = findings(capsys, "lifted.txt", "articles/council-budget.txt",
                           "--index", "archive.db")  # fmt: skip
    assert code == 1
    assert [(f["rule"], f["target"], f["source"]) for f in found] == [
        ("max-reuse", "lifted.txt", "sources/ledger-flood.txt"),
        ("no-unattributed-rewrite", "lifted.txt", "sources/ledger-flood.txt"),
    ]
    assert "Northern Ledger" in found[1]["message"]


def test_many_sources_go_through_an_index(demo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write_policy(demo, "compare-all-below = 0\n")
    shutil.copy(demo / "articles" / "wire-copy.txt", demo / "lifted.txt")
    code, found = findings(capsys, "lifted.txt", EDITED, "articles/council-budget.txt")
    assert code == 1
    assert [(f["rule"], f["target"]) for f in found] == [
        ("max-reuse", "lifted.txt"),
        ("no-unattributed-rewrite", "lifted.txt"),
        ("syndicated-must-be-verbatim", EDITED),
    ]


# --- exit 2: usage, configuration and input errors ---------------------------------------------


@pytest.mark.parametrize(
    ("policy", "expected"),
    [
        ("[rules.max-reuse]\ntreshold = 0.5\n", "unknown key 'rules.max-reuse.treshold'"),
        ("[rules.max-reuse]\nthreshold = 5\n", "'rules.max-reuse.threshold' = 5 is out of range"),
        ("[rules.max-reuse]\nthreshold = \"high\"\n",
         "'rules.max-reuse.threshold' must be a number"),
        ('[rules.max-reuse]\nseverity = "fatal"\n',
         "'rules.max-reuse.severity' = 'fatal' is not a severity"),
        ("[rules.no-such-rule]\nseverity = \"off\"\n", "unknown key 'rules.no-such-rule'"),
        ("colour = 1\n", "unknown key 'colour'"),
        ('fail-on = "never"\n', "'fail-on' = 'never' is not a severity"),
        ('[rules.no-unattributed-rewrite]\nverdicts = ["copy"]\n',
         "'rules.no-unattributed-rewrite.verdicts' has ['copy']"),
        ("[detector]\nmatch_threshold = 2.0\n", "'detector' is invalid"),
        ("allow-outlets = 3\n", "'allow-outlets' must be a list of strings"),
        ("rules = [1\n", "not valid TOML"),
    ],
)  # fmt: skip
def test_bad_policy_names_the_key(
    demo: Path, capsys: pytest.CaptureFixture[str], policy: str, expected: str
) -> None:
    write_policy(demo, policy)
    code, out, err = run(capsys, "articles/wire-copy.txt")
    assert code == 2
    assert out == ""
    assert "rewrite-detect.toml" in err
    assert expected in err
    assert "Traceback" not in err


def test_policy_in_pyproject(
    demo: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    (demo / "rewrite-detect.toml").unlink()
    (demo / "pyproject.toml").write_text(
        '[project]\nname = "x"\n\n[tool.rewrite-detect]\nsources = ["sources"]\n'
        'metadata = "meta.csv"\n\n[tool.rewrite-detect.rules.max-reuse]\ntreshold = 0.1\n'
    )
    code, _, err = run(capsys, EDITED)
    assert code == 2
    assert "pyproject.toml [tool.rewrite-detect]: unknown key 'rules.max-reuse.treshold'" in err
    (demo / "pyproject.toml").write_text(
        '[tool.rewrite-detect]\nsources = ["sources"]\nmetadata = "meta.csv"\n'
    )
    assert run(capsys, EDITED, "--config", "pyproject.toml")[0] == 1
    (demo / "sub").mkdir()
    monkeypatch.chdir(demo / "sub")  # found from below; its paths stay relative to it
    code, found = findings(capsys, "../" + EDITED)
    assert code == 1
    assert found[0]["rule"] == "syndicated-must-be-verbatim"


@pytest.mark.parametrize(
    ("argv", "expected"),
    [
        ([], "give the articles to check"),
        (["missing.txt"], "missing.txt: does not exist"),
        (["articles/wire-copy.txt", "--config", "nope.toml"], "nope.toml: cannot read the policy"),
        (["-", "-"], "'-' (standard input) can be given once"),
        (["articles/wire-copy.txt", "--format", "xml"], "invalid choice: 'xml'"),
        (["articles/wire-copy.txt", "--index", "nope.db"], "nope.db: no such index"),
    ],
)
@pytest.mark.usefixtures("demo")
def test_usage_and_input_errors_exit_2(
    capsys: pytest.CaptureFixture[str], argv: list[str], expected: str
) -> None:
    with_exit = "xml" in argv
    if with_exit:
        with pytest.raises(SystemExit) as exc:
            main(["check", *argv])
        assert exc.value.code == 2
        err = capsys.readouterr().err
    else:
        code, _, err = run(capsys, *argv)
        assert code == 2
    assert expected in err


def test_no_sources_is_a_usage_error(demo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (demo / "rewrite-detect.toml").unlink()
    code, _, err = run(capsys, "articles/wire-copy.txt")
    assert code == 2
    assert "no sources to check against" in err


def test_undeclared_source_is_an_input_error(
    demo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write_policy(demo, '[syndicated]\n"articles/council-budget.txt" = "sources/missing.txt"\n')
    code, _, err = run(capsys, "articles/council-budget.txt")
    assert code == 2
    assert "declared a syndicated copy of 'sources/missing.txt'" in err


def test_output_file_and_html_reports(demo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "articles", "--format", "sarif", "-o", "out.sarif",
                         "--html", "reports")  # fmt: skip
    assert code == 1
    assert out == ""
    assert json.loads((demo / "out.sarif").read_text())["version"] == "2.1.0"
    pages = sorted((demo / "reports").glob("*.html"))
    assert len(pages) == 4
    assert "wrote 4 HTML reports" in err
    edited = next(p for p in pages if "wire-copy-edited" in p.name).read_text()
    assert "syndicated-must-be-verbatim: sentence altered" in edited


def test_quotes_must_be_exact_on_the_seed_pair(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """The reworded copy's altered quotations of Sullivan and Siluanov are findings, with
    what changed; turning the rule off leaves the other rules alone."""
    monkeypatch.chdir(tmp_path)
    code, found = findings(capsys, str(FARM), "--source", str(HILL))
    assert code == 1
    quotes = [f for f in found if f["rule"] == "quotes-must-be-exact"]
    messages = " | ".join(f["message"] for f in quotes)
    assert "communicating" in messages  # Sullivan: "We are communicating directly…"
    assert "think -> " in messages or "think," in messages  # Siluanov: "I think…" reworded
    assert all(f["message"].startswith("quotation altered") for f in quotes)
    farm_lines = FARM.read_text("utf-8").splitlines()
    sullivan = next(f for f in quotes if "communicating" in f["message"])
    assert "Sullivan" in farm_lines[sullivan["line"] - 1]
    (tmp_path / "rewrite-detect.toml").write_text(
        '[rules.quotes-must-be-exact]\nseverity = "off"\n', encoding="utf-8"
    )
    code, found = findings(capsys, str(FARM), "--source", str(HILL))
    assert not [f for f in found if f["rule"] == "quotes-must-be-exact"]
