"""The HTML report's inline stylesheet and script: constants only, so the page needs nothing
from the network (system fonts, MathML rendered by the browser) and reads the same without
the script, which only adds the filters and opens a source listing a link points into."""

STYLE = """\
:root {
  --ink: #1f2328; --muted: #59636e; --line: #d1d9e0; --soft: #f6f8fa; --paper: #ffffff;
  --accent: #0969da;
  --PROVED: #1a7f37; --PROVED_AT_SIZES: #0e7c86; --NUMERIC: #0969da;
  --REFUTED: #cf222e; --UNDECIDED: #9a6700; --ERROR: #8250df; --INTERNAL: #8250df;
}
* { box-sizing: border-box; }
[hidden] { display: none !important; }
html { background: var(--soft); }
body {
  margin: 0; color: var(--ink); line-height: 1.5;
  font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif;
}
main { max-width: 1120px; margin: 0 auto; padding: 24px 28px 64px; }
a { color: var(--accent); text-decoration: none; }
a:hover { text-decoration: underline; }
code, pre { font-size: 13px;
  font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, "Liberation Mono", monospace; }
h1 { font-size: 26px; margin: 8px 0 2px; letter-spacing: -0.01em; }
h2 { font-size: 20px; margin: 0 0 8px; }
.lede { color: var(--muted); margin: 0 0 20px; }
section.summary, section.problems, section.document {
  background: var(--paper); border: 1px solid var(--line); border-radius: 10px;
  padding: 18px 22px; margin: 0 0 20px;
}
section.problems { border-color: var(--REFUTED); }
section.problems h2 { color: var(--REFUTED); }
table { border-collapse: collapse; }
.summary-table { width: 100%; font-size: 14px; }
.summary-table th, .summary-table td { padding: 7px 10px; border-bottom: 1px solid var(--line); }
.summary-table th { text-align: left; color: var(--muted); font-weight: 600; font-size: 12px;
  text-transform: uppercase; letter-spacing: 0.03em; vertical-align: bottom; }
.summary-table .num { text-align: right; white-space: nowrap; }
.summary-table tr.total td { font-weight: 600; border-bottom: 0;
  border-top: 2px solid var(--line); }
.count { display: inline-block; min-width: 2em; padding: 0 6px; border-radius: 10px;
  text-align: center; font-weight: 600; }
.count.zero { color: #afb8c1; font-weight: 400; }
.count.v-PROVED { color: var(--PROVED); }
.count.v-PROVED_AT_SIZES { color: var(--PROVED_AT_SIZES); }
.count.v-NUMERIC { color: var(--NUMERIC); }
.count.v-REFUTED { color: #fff; background: var(--REFUTED); }
.count.v-UNDECIDED { color: #fff; background: var(--UNDECIDED); }
.count.v-errors, .count.v-differ { color: #fff; background: var(--REFUTED); }
.filters { position: sticky; top: 0; z-index: 2; display: flex; flex-wrap: wrap; gap: 8px;
  align-items: center; background: rgba(246, 248, 250, 0.95); padding: 10px 0; margin: 0 0 12px;
  border-bottom: 1px solid var(--line); }
.filters-title { font-weight: 600; margin-right: 4px; }
.chip { display: inline-flex; align-items: center; gap: 6px; padding: 3px 10px;
  border: 1px solid var(--line); border-radius: 999px; background: var(--paper); cursor: pointer;
  font-size: 13px; user-select: none; }
.chip input { margin: 0; }
.shown { color: var(--muted); font-size: 13px; margin-left: auto; }
section.document > h2 .title { color: var(--muted); font-weight: 400; }
.source { color: var(--muted); margin: 0 0 8px; }
.doc-notes { margin: 0 0 12px; padding-left: 18px; color: var(--muted); font-size: 14px; }
article.claim { border: 1px solid var(--line); border-left: 5px solid var(--muted);
  border-radius: 8px; padding: 10px 16px 12px; margin: 14px 0; background: var(--paper); }
article.claim:target { box-shadow: 0 0 0 3px rgba(9, 105, 218, 0.3); }
article.claim > header { display: flex; flex-wrap: wrap; align-items: baseline; gap: 6px 12px;
  margin-bottom: 6px; }
article.claim h3 { margin: 0; font-size: 16px; }
article.claim h3 a { color: var(--ink); }
.badge { display: inline-block; padding: 1px 9px; border-radius: 4px; color: #fff;
  font-size: 12px; font-weight: 700; letter-spacing: 0.04em; background: var(--muted); }
.differs { color: var(--REFUTED); font-weight: 600; font-size: 13px; }
.section { color: var(--muted); font-size: 13px; }
.loc { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: 12px; }
.secs { margin-left: auto; color: var(--muted); font-size: 12px; }
article.claim dl { display: grid; grid-template-columns: 9em minmax(0, 1fr); gap: 6px 14px;
  margin: 0; }
article.claim dt { color: var(--muted); font-size: 13px; font-weight: 600; padding-top: 2px; }
article.claim dd { margin: 0; min-width: 0; }
blockquote { margin: 0; padding: 2px 10px; border-left: 3px solid var(--line); color: #31373d;
  font-style: italic; white-space: pre-wrap; }
.formula { overflow-x: auto; padding: 2px 0; }
/* Block math is centred by the browser; formulas here read from the left, at display size. */
.formula math { display: math; math-style: normal; font-size: 17px; }
/* A font with an OpenType MATH table lets braces and big operators stretch. */
math { font-family: "STIX Two Math", "Cambria Math", "Latin Modern Math",
  "DejaVu Math TeX Gyre", math; }
.as-text summary { cursor: pointer; color: var(--muted); font-size: 12px; }
pre.plain, pre.error { margin: 4px 0; padding: 8px 10px; background: var(--soft);
  border-radius: 6px; overflow-x: auto; white-space: pre-wrap; word-break: break-word; }
pre.error { color: #82071e; background: #ffebe9; max-height: 24em; }
.scope { color: var(--muted); }
.cex { display: flex; flex-wrap: wrap; align-items: flex-start; gap: 12px; margin: 2px 0; }
.cex table { font-size: 13px; }
.cex th, .cex td { border: 1px solid var(--line); padding: 3px 10px; text-align: left; }
.cex th { background: var(--soft); font-weight: 600;
  font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; }
.cex th.size { color: var(--muted); }
.cex th.side { color: var(--REFUTED); }
.cex td code { white-space: pre-wrap; word-break: break-word; }
.reason { margin: 4px 0; }
dd ul { margin: 0; padding-left: 18px; }
details.listing { margin-top: 16px; border-top: 1px solid var(--line); padding-top: 10px; }
details.listing summary { cursor: pointer; font-weight: 600; }
details.listing pre { margin: 8px 0 0; padding: 10px 0; background: var(--soft);
  border-radius: 6px; overflow-x: auto; line-height: 1.45; }
.line { display: block; padding: 0 12px 0 0; white-space: pre; }
.line:target { background: #fff8c5; }
.line.claimed { background: #f1f8ff; }
.ln { display: inline-block; width: 4.5em; padding-right: 1em; text-align: right;
  color: #8c959f; user-select: none; }
.back { font-size: 11px; margin-left: 1em; }
.v-PROVED.badge, article.v-PROVED { --v: var(--PROVED); }
.v-PROVED_AT_SIZES.badge, article.v-PROVED_AT_SIZES { --v: var(--PROVED_AT_SIZES); }
.v-NUMERIC.badge, article.v-NUMERIC { --v: var(--NUMERIC); }
.v-REFUTED.badge, article.v-REFUTED { --v: var(--REFUTED); }
.v-UNDECIDED.badge, article.v-UNDECIDED { --v: var(--UNDECIDED); }
.v-ERROR.badge, article.v-ERROR, .v-INTERNAL.badge, article.v-INTERNAL { --v: var(--ERROR); }
.badge { background: var(--v, var(--muted)); }
article.claim { border-left-color: var(--v, var(--muted)); }
.chip.v-PROVED { border-color: var(--PROVED); }
.chip.v-PROVED_AT_SIZES { border-color: var(--PROVED_AT_SIZES); }
.chip.v-NUMERIC { border-color: var(--NUMERIC); }
.chip.v-REFUTED { border-color: var(--REFUTED); }
.chip.v-UNDECIDED { border-color: var(--UNDECIDED); }
.chip.v-ERROR, .chip.v-INTERNAL { border-color: var(--ERROR); }
@media print { .filters, .as-text { display: none; } details.listing { display: none; } }
"""

SCRIPT = """\
(function () {
  "use strict";
  var box = document.getElementById("filters");
  var claims = Array.prototype.slice.call(document.querySelectorAll("article.claim"));
  function apply() {
    var shown = {};
    box.querySelectorAll("input[data-verdict]").forEach(function (input) {
      shown[input.getAttribute("data-verdict")] = input.checked;
    });
    var onlyUnexpected = document.getElementById("only-unexpected").checked;
    var visible = 0;
    claims.forEach(function (claim) {
      var hide = !shown[claim.getAttribute("data-verdict")] ||
        (onlyUnexpected && claim.getAttribute("data-matches") === "yes");
      claim.hidden = hide;
      if (!hide) { visible += 1; }
    });
    document.getElementById("shown").textContent =
      "showing " + visible + " of " + claims.length + " claims";
  }
  function reveal() {
    var id = decodeURIComponent(location.hash.slice(1));
    var target = id && document.getElementById(id);
    if (!target) { return; }
    var listing = target.closest("details");
    if (listing) { listing.open = true; }
    target.hidden = false;
    target.scrollIntoView();
  }
  if (box) {
    box.hidden = false;
    box.addEventListener("change", apply);
    apply();
  }
  window.addEventListener("hashchange", reveal);
  reveal();
})();
"""
