"""The HTML report is one self-contained, escaped, deterministic page; in a headless browser
its mathematics renders, its script runs without errors, and its filters hide claims."""

from __future__ import annotations

import html
import json
import os
import re
import shutil
import subprocess
from html.parser import HTMLParser

import pytest
import sympy
from click.testing import CliRunner

from cli import main
from derive.model import (
    PROVED,
    REFUTED,
    UNDECIDED,
    Counterexample,
    DocumentRun,
    Source,
    Verdict,
)
from derive.report import FORMATS
from derive.report.mathprint import relation_mathml

BROWSERS = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
BROWSER_SECONDS = 120
# A small real verification: one whole document (three refutations with counterexamples),
# a refuted claim with a derived side and residual, and one whose statement is a product.
REAL = ("ggnn_readout", "nn_library", "selective_ssm")
REAL_CLAIMS = ("1.first-order[1]", "unroll.tuple-form-all")
QUOTE = r"so $\frac{\partial L}{\partial w} = x<y$ & done"
SOURCE = "line one\n<b>two</b>\nclaim = 3  # eq. 3.1\nfour\n"


def _verdict(claim: str, status, expected=PROVED, **fields) -> Verdict:
    common = dict(document="logreg", seconds=0.25, section="3", location="notes/logreg.py:3")
    common.update(fields)
    return Verdict(
        claim=claim,
        status=status,
        expected=expected,
        statement="∂L/∂w = x*(p - y)",
        scope="all values",
        method="expand",
        **common,
    )


def _synthetic() -> str:
    x, y = sympy.symbols("x y")
    refuted = _verdict(
        "eq. 3.2",
        REFUTED,
        quote=QUOTE,
        derived="x*(p - y)",
        residual="(w - x)*(p - y)",
        mathml=(("statement", relation_mathml(x, "<", y)), ("derived", "<mi>x</mi>")),
        counterexample=Counterexample((("n", 2),), (("w", "1"), ("x", "0")), "1/2", "0", "[1]"),
        note="a <note> & more",
    )
    runs = [
        DocumentRun(
            "logreg",
            "Logistic <regression>",
            Source("notes", "logreg.md"),
            (_verdict("eq. 3.1", PROVED), refuted, _verdict("eq. 4", UNDECIDED, error="Boom <x>")),
            0.75,
        )
    ]
    return FORMATS["html"](runs, ["broken.py: SyntaxError <here>"], {"logreg": SOURCE})


class _Page(HTMLParser):
    """Every start tag with its attributes, and the text outside script and style."""

    def __init__(self):
        super().__init__()
        self.tags: list[tuple[str, dict]] = []
        self.text: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))
        self._skip += tag in ("script", "style")

    def handle_endtag(self, tag):
        self._skip -= tag in ("script", "style")

    def handle_data(self, data):
        if not self._skip:
            self.text.append(data)


def _parse(page: str) -> _Page:
    parser = _Page()
    parser.feed(page)
    parser.close()
    return parser


def _with(parser: _Page, tag: str, **attributes) -> list[dict]:
    return [
        a for t, a in parser.tags if t == tag and all(a.get(k) == v for k, v in attributes.items())
    ]


def test_html_is_one_self_contained_page():
    page = _synthetic()
    parser = _parse(page)
    links = [a.get(k) or "" for _, a in parser.tags for k in ("src", "href")]
    assert not [link for link in links if re.match(r"(https?:)?//", link)]
    assert not _with(parser, "link") and all("src" not in a for t, a in parser.tags)
    assert page.startswith("<!DOCTYPE html>") and page.endswith("</html>\n")


def test_html_escapes_every_text():
    page = _synthetic()
    text = "".join(_parse(page).text)
    for raw in (QUOTE, "Logistic <regression>", "a <note> & more", "Boom <x>", "<b>two</b>"):
        assert raw in text
    assert "<regression>" not in page and "<note>" not in page and "<b>two" not in page
    assert "<mo>&lt;</mo>" in page


def test_html_has_one_block_per_claim_with_its_verdict():
    parser = _parse(_synthetic())
    claims = _with(parser, "article")
    assert [c["data-verdict"] for c in claims] == ["PROVED", "REFUTED", "ERROR"]
    assert [c["data-matches"] for c in claims] == ["yes", "no", "no"]
    assert len({c["id"] for c in claims}) == 3
    assert len(_with(parser, "math", display="block")) == 2


def test_html_has_filters_for_the_verdicts_present():
    parser = _parse(_synthetic())
    assert "hidden" in _with(parser, "nav", id="filters")[0]  # shown by the script alone
    boxes = [a["data-verdict"] for a in _with(parser, "input") if "data-verdict" in a]
    assert boxes == ["PROVED", "REFUTED", "ERROR"]
    assert _with(parser, "input", id="only-unexpected")


def test_html_links_each_claim_to_its_source_line():
    page = _synthetic()
    parser = _parse(page)
    lines = [a["id"] for a in _with(parser, "span") if a.get("id", "").startswith("src-")]
    assert lines == [f"src-logreg-L{n}" for n in range(1, 5)]
    assert len(_with(parser, "a", href="#src-logreg-L3")) == 3 + 1  # three claims and the line
    assert "broken.py: SyntaxError &lt;here&gt;" in page


def test_html_counterexample_lists_inputs_and_both_sides():
    page = _synthetic()
    start = page.index('<div class="cex">')
    tables = page[start : page.index("</div>", start)]
    cells = re.findall(r'<th class="\w+">(.*?)</th><td><code>(.*?)</code>', tables)
    expected = [("n", "2"), ("w", "1"), ("x", "0"), ("entry", "[1]"), ("lhs", "1/2")]
    assert cells == expected + [("rhs", "0")]


def test_html_is_deterministic():
    assert _synthetic() == _synthetic()


# -- the real report in a headless browser --------------------------------------------------

PROBE_HEAD = """<script>
window.__errors = [];
window.addEventListener("error", function (e) { window.__errors.push(String(e.message)); });
console.error = function () { window.__errors.push(Array.from(arguments).join(" ")); };
</script>"""

PROBE_BODY = """<pre id="probe"></pre><script>
window.addEventListener("load", function () {
  var maths = Array.from(document.querySelectorAll("math"));
  var empty = maths.filter(function (m) {
    var r = m.getBoundingClientRect(); return !(r.width > 0 && r.height > 0);
  }).map(function (m) { return m.closest("article") ? m.closest("article").id : "?"; });
  var filters = document.getElementById("filters");
  var proved = document.querySelector('#filters input[data-verdict="PROVED"]');
  proved.checked = false;
  filters.dispatchEvent(new Event("change", {bubbles: true}));
  var hidden = Array.from(document.querySelectorAll("article.claim")).filter(function (a) {
    return a.hidden; }).length;
  document.getElementById("probe").textContent = JSON.stringify({
    maths: maths.length, empty: empty, errors: window.__errors, filtersShown: !filters.hidden,
    hiddenAfterUncheckingProved: hidden,
    proved: document.querySelectorAll('article.claim[data-verdict="PROVED"]').length
  });
});
</script>"""


@pytest.fixture(scope="module")
def browser() -> str:
    """The headless browser's path; the tests that need one skip, saying why, without it."""
    found = [shutil.which(name) for name in BROWSERS]
    if not any(found):
        pytest.skip(f"no browser to render the report: none of {', '.join(BROWSERS)} found")
    return next(path for path in found if path)


def _headless(browser: str, url: str, profile, *flags: str) -> subprocess.CompletedProcess:
    command = [
        browser,
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--hide-scrollbars",
        f"--user-data-dir={profile}",
        *flags,
        url,
    ]
    return subprocess.run(
        command, capture_output=True, text=True, timeout=BROWSER_SECONDS, check=False
    )


@pytest.fixture(scope="module")
def real_report(browser, tmp_path_factory) -> str:
    """The HTML report of a small real verification, written by the CLI."""
    out = tmp_path_factory.mktemp("html") / "report.html"
    claims = [arg for claim in REAL_CLAIMS for arg in ("--claim", claim)]
    args = ["verify", *REAL, *claims, "--format", "html", "--out", str(out), "--jobs", "4"]
    result = CliRunner().invoke(main, args, catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return str(out)


def test_report_renders_in_a_headless_browser(browser, real_report, tmp_path):
    with open(real_report, encoding="utf-8") as handle:
        page = handle.read()
    assert len(re.findall(r"<article ", page)) == 17 + len(REAL_CLAIMS)
    probed = page.replace("<head>", "<head>" + PROBE_HEAD, 1).replace(
        "</body>", PROBE_BODY + "</body>", 1
    )
    probe_file = tmp_path / "probe.html"
    probe_file.write_text(probed, encoding="utf-8")
    done = _headless(
        browser,
        probe_file.as_uri(),
        tmp_path / "profile",
        "--dump-dom",
        "--virtual-time-budget=5000",
        "--enable-logging=stderr",
        "--v=0",
    )
    found = re.search(r'<pre id="probe">(.*?)</pre>', done.stdout, re.S)
    assert found and found.group(1), f"no probe result; stderr:\n{done.stderr[-2000:]}"
    probe = json.loads(html.unescape(found.group(1)))
    console = [line for line in done.stderr.splitlines() if "CONSOLE" in line or "Uncaught" in line]
    assert probe["errors"] == [] and console == [], (probe["errors"], console)
    assert probe["maths"] >= 17 and probe["empty"] == [], probe
    assert probe["filtersShown"] and probe["hiddenAfterUncheckingProved"] == probe["proved"] > 0
    _screenshot(browser, real_report, tmp_path)


def _screenshot(browser: str, report: str, tmp_path) -> None:
    """Save a picture of the page as a test artifact, where a person can look at it."""
    folder = os.environ.get("DERIVE_ARTIFACTS") or str(tmp_path)
    os.makedirs(folder, exist_ok=True)
    picture = os.path.join(folder, "html-report.png")
    url = "file://" + os.path.abspath(report)
    _headless(browser, url, tmp_path / "shot", f"--screenshot={picture}", "--window-size=1280,2400")
    assert os.path.getsize(picture) > 10_000
    print(f"screenshot of the HTML report: {picture}")
