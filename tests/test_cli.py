"""The command line: output formats, exit codes, one-line errors."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path

import pytest

from rewrite_detect.cli import ExitCode, main
from tests._paths import FARM, HILL


def _run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


class TestCompareCommand:
    def test_text_output(self, capsys: pytest.CaptureFixture[str]) -> None:
        """The default output is a readable summary with the verdict first."""
        code, out, err = _run(capsys, "compare", str(HILL), str(FARM))
        assert code == ExitCode.OK
        assert err == ""
        assert out.startswith("PARTIAL-REUSE:")
        assert "paraphrase" in out
        assert "\x1b[" not in out  # no colour when not writing to a terminal

    def test_colour_on_request(self, capsys: pytest.CaptureFixture[str]) -> None:
        """--colour always adds ANSI colours."""
        _, out, _ = _run(capsys, "compare", str(HILL), str(FARM), "--colour", "always")
        assert "\x1b[33m" in out

    def test_json_output(self, capsys: pytest.CaptureFixture[str]) -> None:
        """--format json prints the documented shape."""
        code, out, _ = _run(capsys, "compare", str(HILL), str(FARM), "--format", "json")
        data = json.loads(out)
        assert code == ExitCode.OK
        assert data["verdict"] == "partial-reuse"
        assert data["source"] == str(HILL)
        assert {"source", "target", "verdict", "coverage", "pairs", "unmatched", "skipped"} <= set(
            data
        )
        pair = data["pairs"][0]
        assert {"label", "score", "source_span", "target_span", "source_text", "target_text",
                "evidence"} <= set(pair)  # fmt: skip

    def test_min_label_filters_pairs(self, capsys: pytest.CaptureFixture[str]) -> None:
        """--min-label paraphrase drops divergent pairs from the output."""
        _, out, _ = _run(
            capsys, "compare", str(HILL), str(FARM), "--format", "json", "--min-label", "paraphrase"
        )
        labels = {p["label"] for p in json.loads(out)["pairs"]}
        assert labels == {"paraphrase"}

    def test_stdin(
        self, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """'-' reads the target from standard input."""
        fake = io.TextIOWrapper(io.BytesIO(FARM.read_bytes()), encoding="utf-8")
        monkeypatch.setattr(sys, "stdin", fake)
        code, out, _ = _run(capsys, "compare", str(HILL), "-", "--format", "json")
        assert code == ExitCode.OK
        assert json.loads(out)["target"] == "<stdin>"


class TestErrors:
    def test_missing_file(self, capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
        """A missing file is exit 2 with one line on stderr."""
        code, out, err = _run(capsys, "compare", str(HILL), str(tmp_path / "nope.txt"))
        assert code == ExitCode.USAGE_ERROR
        assert out == ""
        assert err.count("\n") == 1
        assert "nope.txt: does not exist" in err

    def test_binary_file(self, capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
        """A binary file is exit 2 naming what it looks like."""
        path = tmp_path / "x.pdf"
        path.write_bytes(b"%PDF-1.4 binary")
        code, _, err = _run(capsys, "compare", str(HILL), str(path))
        assert code == ExitCode.USAGE_ERROR
        assert "looks like a PDF document" in err

    def test_both_stdin(self, capsys: pytest.CaptureFixture[str]) -> None:
        """Only one side can be read from stdin."""
        code, _, err = _run(capsys, "compare", "-", "-")
        assert code == ExitCode.USAGE_ERROR
        assert "only one of SOURCE and TARGET" in err

    def test_usage_error(self, capsys: pytest.CaptureFixture[str]) -> None:
        """Bad arguments exit 2 with a one-line message."""
        with pytest.raises(SystemExit) as info:
            main(["compare", str(HILL)])
        assert info.value.code == ExitCode.USAGE_ERROR
        assert "error:" in capsys.readouterr().err

    def test_bad_language(self, capsys: pytest.CaptureFixture[str]) -> None:
        """A bad option value is a configuration error, exit 2."""
        code, _, err = _run(capsys, "compare", str(HILL), str(FARM), "--language", "english")
        assert code == ExitCode.USAGE_ERROR
        assert "two-letter" in err

    def test_too_many_sentences(self, capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
        """A document longer than max_sentences is refused with the limit and the fix."""
        path = tmp_path / "long.txt"
        path.write_text("\n".join(f"Sentence number {i} is here." for i in range(5001)))
        code, _, err = _run(capsys, "compare", str(HILL), str(path))
        assert code == ExitCode.USAGE_ERROR
        assert "5,001 sentences, more than max_sentences=5,000" in err

    def test_internal_error_is_one_line(
        self, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """An unexpected exception is reported in one line with exit 3, not a traceback."""

        def broken(*_: object, **__: object) -> None:
            raise RuntimeError("boom")

        monkeypatch.setattr("rewrite_detect.cli.compare", broken)
        code, _, err = _run(capsys, "compare", str(HILL), str(FARM))
        assert code == ExitCode.INTERNAL_ERROR
        assert err == (
            "rewrite-detect: internal error: RuntimeError: boom "
            "(a bug: please report it with the input files)\n"
        )


class TestEntryPoints:
    def test_python_dash_m(self, tmp_path: Path) -> None:
        """python -m rewrite_detect runs the same CLI, with no traceback on bad input."""
        proc = subprocess.run(
            [sys.executable, "-m", "rewrite_detect", "compare", str(HILL), str(tmp_path / "x")],
            capture_output=True,
            text=True,
            check=False,
        )
        assert proc.returncode == ExitCode.USAGE_ERROR
        assert "Traceback" not in proc.stderr
        assert proc.stderr.startswith("rewrite-detect: error:")

    def test_version(self, capsys: pytest.CaptureFixture[str]) -> None:
        """--version prints the package version."""
        with pytest.raises(SystemExit):
            main(["--version"])
        assert capsys.readouterr().out.startswith("rewrite-detect ")
