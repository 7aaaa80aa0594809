"""The HTML report: self-contained, escaped, and readable in a real browser (headless Chromium).

.ci/run installs Debian's chromium when it is missing; the browser tests skip, saying why, only
where no Chromium can be found.
"""

from __future__ import annotations

import base64
import hashlib
import html
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from rewrite_detect import Document, compare
from rewrite_detect.cli import main
from rewrite_detect.html_report import render_html
from tests._paths import DEMO, FARM, HILL

PAYLOAD = (
    "<script>alert(1)</script> "
    "<img src=x onerror=\"document.body.setAttribute('data-pwned','img')\"> "
    "<script>document.body.setAttribute('data-pwned','script')</script>"
)
SOURCE = (
    "The minister resigned on Monday after a vote of 212 to 190 in parliament. "
    f"Protesters wrote {PAYLOAD} on the walls of the ministry. "
    "Her deputy will lead the department until an election in May. "
    "The opposition called the resignation overdue."
)
TARGET = (
    "The minister resigned on Monday after a vote of 215 to 190 in parliament. "
    f"Protesters wrote {PAYLOAD} on the walls of the ministry. "
    "Her deputy is going to run the department until elections in May.\n"
    # On a line of its own: the segmenter does not start a sentence at "<" after a full stop.
    "</section><section>Unrelated closing line with a </div> tag."
)


def _browser() -> str | None:
    for name in ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable"):
        found = shutil.which(name)
        if found:
            return found
    return None


CHROMIUM = _browser()
needs_chromium = pytest.mark.skipif(
    CHROMIUM is None,
    reason="no Chromium on PATH: .ci/run installs Debian's 'chromium' with apt-get, which "
    "needs root (or sudo) and the Debian archive; neither was available here",
)


def _chromium(*args: str) -> str:
    assert CHROMIUM is not None
    done = subprocess.run(
        [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
         "--disable-extensions", "--disable-dev-shm-usage", "--hide-scrollbars", *args],
        capture_output=True, text=True, timeout=120, check=True,
    )  # fmt: skip
    return done.stdout


@pytest.fixture(scope="module")
def xss_page(tmp_path_factory: pytest.TempPathFactory) -> Path:
    comparison = compare(
        Document(id="source <b>bold</b>.txt", outlet="<i>Outlet</i>", text=SOURCE),
        Document(id="target.txt", text=TARGET),
    )
    page = tmp_path_factory.mktemp("html") / "report.html"
    page.write_text(render_html(comparison), encoding="utf-8")
    return page


def test_article_text_is_escaped(xss_page: Path) -> None:
    page = xss_page.read_text(encoding="utf-8")
    assert "<script>alert(1)</script>" not in page
    assert "<img" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "&lt;b&gt;bold&lt;/b&gt;" in page
    assert page.count("<script") == 1  # ours


def test_page_is_self_contained(xss_page: Path) -> None:
    page = xss_page.read_text(encoding="utf-8")
    assert not re.search(r"""\b(?:src|href)\s*=\s*["']?(?:https?:)?//""", page)
    assert "<link" not in page
    assert "url(" not in page
    assert "@import" not in page
    csp = re.search(r'http-equiv="Content-Security-Policy" content="([^"]+)"', page)
    assert csp is not None
    policy = html.unescape(csp.group(1))
    assert "default-src 'none'" in policy
    script = re.search(r"<script>(.*?)</script>", page, re.S)
    assert script is not None
    digest = base64.b64encode(hashlib.sha256(script.group(1).encode()).digest()).decode()
    assert f"'sha256-{digest}'" in policy  # our script, and only it, may run


def test_report_command(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "seed.html"
    assert main(["report", str(HILL), str(FARM), "-o", str(out)]) == 0
    assert "report written to" in capsys.readouterr().err
    page = out.read_text(encoding="utf-8")
    assert page.count('class="row pair ') == 8
    assert "date changed: sunday \u2192 monday" in page
    assert "skipped as boilerplate" in page
    assert main(["report", str(HILL), str(tmp_path / "missing.txt"), "-o", str(out)]) == 2


def test_scan_writes_html(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    demo = DEMO
    db = str(tmp_path / "i.db")
    assert main(["index", "add", db, str(demo / "sources")]) == 0
    assert (
        main(["index", "add", db, str(demo / "articles" / "wire-copy.txt"), "--outlet", "VT"]) == 0
    )
    assert main(["index", "scan", db, "--workers", "1", "--html", str(tmp_path / "pages")]) == 0
    capsys.readouterr()
    pages = list((tmp_path / "pages").glob("*.html"))
    assert len(pages) == 1
    assert "verbatim-copy" in pages[0].read_text(encoding="utf-8")


@needs_chromium
def test_chromium_renders_pairs_and_runs_no_injected_script(xss_page: Path) -> None:
    url = xss_page.as_uri()
    dom = _chromium("--virtual-time-budget=2000", "--dump-dom", url)
    body = re.search(r"<body([^>]*)>", dom)
    assert body is not None
    assert 'data-ready="' in body.group(1)  # our script ran …
    assert not re.search(r"<[^>]*\sdata-pwned=", dom)  # … and no injected one did
    assert "<img" not in dom
    assert dom.count("<script") == 1
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in dom  # shown as text
    labels = re.findall(r'<section class="row pair (\w+) stop[^"]*" id="(r\d+)"', dom)
    assert [label for label, _ in labels] == ["divergent", "verbatim", "paraphrase"]
    # The changed number is marked as a changed fact on both sides.
    assert '<mark class="fact">212</mark>' in dom
    assert '<mark class="fact">215</mark>' in dom
    grey = re.findall(r'<section class="row grey (\w+)', dom)
    assert "unmatched" in grey
    assert "&lt;/section&gt;&lt;section&gt;Unrelated" in dom
    assert "</section><section>Unrelated" not in dom


@needs_chromium
def test_chromium_navigation_and_screenshot(tmp_path: Path) -> None:
    comparison = compare(
        Document(id="hill", text=HILL.read_text(encoding="utf-8")),
        Document(id="farm", text=FARM.read_text(encoding="utf-8")),
    )
    page = tmp_path / "seed.html"
    page.write_text(render_html(comparison), encoding="utf-8")
    stops = re.findall(r'class="row pair \w+ stop" id="(r\d+)"', page.read_text())
    assert len(stops) == 8
    # A link to a finding selects it: the page's navigation state, read back from the DOM.
    dom = _chromium("--virtual-time-budget=2000", "--dump-dom", f"{page.as_uri()}#{stops[3]}")
    current = re.findall(r'class="row pair \w+ stop current" id="(r\d+)"', dom)
    assert current == [stops[3]]
    assert re.search(r'<span id="nav-pos">4 / 8</span>', dom)
    shot = tmp_path / "report.png"
    _chromium("--window-size=1280,1600", f"--screenshot={shot}", page.as_uri())
    data = shot.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    assert len(data) > 20_000  # a rendered page, not a blank one


def test_altered_quotations_are_called_out() -> None:
    """The seed copy's altered quotations are listed on their pairs, words that changed marked."""
    from tests._paths import FARM, HILL  # noqa: PLC0415

    result = compare(
        Document(id="hill", text=HILL.read_text("utf-8")),
        Document(id="farm", text=FARM.read_text("utf-8")),
    )
    page = render_html(result)
    assert page.count("quotation altered") >= 3
    assert "quotation altered: communicating" in html.unescape(page)
