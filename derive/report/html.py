"""The HTML report: one self-contained page with a summary, every claim with its mathematics
as MathML, filters by verdict, and each document's source with one anchor per line.

Everything the page needs is inline (style, script, MathML the browser renders itself), every
text is escaped, and the same verdicts give the same bytes: nothing here reads a clock.
"""

from __future__ import annotations

import re
from html import escape

from derive.model import DocumentRun, Verdict

# The text report's helpers are the package's own: one place decides how a verdict is named.
from derive.report import COUNTED, _label, counts, plural
from derive.report.html_assets import SCRIPT, STYLE

LABELS = tuple(s.value for s in COUNTED) + ("ERROR", "INTERNAL")
# A counterexample with more inputs than this lists them three to a row.
INPUTS_PER_COLUMN = 6
PARTS = (("statement", "Statement"), ("derived", "Derived"), ("residual", "Residual"))


def render(runs, problems, sources) -> str:
    """The page for `runs`; `problems` are documents that failed to load (one line each) and
    `sources` each document's text by name, listed with an anchor per line."""
    anchors = {run.name: _claim_anchors(run) for run in runs}
    body = [
        "<header>",
        "<h1>derive — verification report</h1>",
        f'<p class="lede">{escape(_overview(runs, problems))}</p>',
        "</header>",
        *_problems(problems),
        *_summary(runs),
        *_filters(runs),
    ]
    for run in runs:
        body += _document(run, sources.get(run.name), anchors[run.name])
    return _page("\n".join(body))


def _page(body: str) -> str:
    """The whole document around `body`: head with the inline style, script at the end."""
    return (
        '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        "<title>derive — verification report</title>\n"
        f"<style>\n{STYLE}</style>\n</head>\n<body>\n<main>\n{body}\n</main>\n"
        f"<script>\n{SCRIPT}</script>\n</body>\n</html>\n"
    )


def _overview(runs, problems) -> str:
    """The one line under the title: documents, claims, and how many differ."""
    verdicts = [v for run in runs for v in run.verdicts]
    differ = sum(not v.matches for v in verdicts)
    text = f"{plural(len(runs), 'document')}, {plural(len(verdicts), 'claim')}: " + (
        "all as expected" if not differ else f"{differ} not as expected"
    )
    if problems:
        text += f"; {plural(len(problems), 'document')} failed to load"
    return text + "."


def _problems(problems) -> list[str]:
    """The documents that failed to load, listed before everything else."""
    if not problems:
        return []
    items = "".join(f"<li><code>{escape(p)}</code></li>" for p in problems)
    return [
        '<section class="problems" id="problems">',
        "<h2>Documents that failed to load</h2>",
        f"<ul>{items}</ul>",
        "</section>",
    ]


def _summary(runs) -> list[str]:
    """One row per document, and a total row when there are several."""
    heads = [s.value.replace("_", " ") for s in COUNTED]
    head = "".join(f'<th class="num">{escape(h)}</th>' for h in heads)
    rows = [
        _summary_row(f'<a href="#doc-{_slug(r.name)}">{escape(r.name)}</a>', r.verdicts, r.seconds)
        for r in runs
    ]
    if len(runs) > 1:
        verdicts = [v for r in runs for v in r.verdicts]
        seconds = sum(r.seconds for r in runs)
        rows.append(_summary_row("all documents", verdicts, seconds, ' class="total"'))
    return [
        '<section class="summary"><h2>Summary</h2>',
        '<table class="summary-table"><thead><tr><th>Document</th>',
        f'{head}<th class="num">errors</th><th class="num">claims</th>',
        '<th class="num">not as expected</th><th class="num">time</th></tr></thead>',
        f"<tbody>{''.join(rows)}</tbody></table></section>",
    ]


def _seconds(v) -> str:
    """How long the claim took to decide, and whether this run replayed it from the cache."""
    return f"cached (decided in {v.seconds:.2f} s)" if v.cached else f"{v.seconds:.2f} s"


def _summary_row(name_cell: str, verdicts, seconds: float, attributes: str = "") -> str:
    """A summary row: the name cell, the counts (zeros greyed), the time."""
    found = counts(verdicts)
    cells = [name_cell]
    for key, count in found.items():
        kind = f"count v-{key}" if count and key != "claims" else "count zero"
        cells.append(f'<span class="{kind}">{count}</span>')
    cells.append(f"{seconds:.1f} s")
    tds = [f"<td>{cells[0]}</td>"] + [f'<td class="num">{c}</td>' for c in cells[1:]]
    return f"<tr{attributes}>{''.join(tds)}</tr>"


def _filters(runs) -> list[str]:
    """Checkboxes per verdict; hidden until the script runs, so a page without it shows all."""
    present = {_label(v) for run in runs for v in run.verdicts}
    boxes = [
        f'<label class="chip v-{name}"><input type="checkbox" data-verdict="{name}" checked> '
        f"{escape(name.replace('_', ' '))}</label>"
        for name in LABELS
        if name in present
    ]
    return [
        '<nav class="filters" id="filters" hidden aria-label="Filter claims">',
        '<span class="filters-title">Show</span>',
        *boxes,
        '<label class="chip"><input type="checkbox" id="only-unexpected"> '
        "only not as expected</label>",
        '<span class="shown" id="shown"></span>',
        "</nav>",
    ]


def _document(run: DocumentRun, source: str | None, anchors: list[str]) -> list[str]:
    """A document's section: header, conventions and notes, its claims, its source."""
    parts = [
        f'<section class="document" id="doc-{_slug(run.name)}">',
        f'<h2>{escape(run.name)} <span class="title">— {escape(run.title)}</span></h2>',
        f'<p class="source">Source: {escape(run.source.title)} · '
        f"<code>{escape(run.source.seed)}</code></p>",
    ]
    facts = [("Convention", c) for c in run.conventions] + [("Note", n) for n in run.notes]
    if facts:
        items = "".join(f"<li><b>{k}:</b> {escape(text)}</li>" for k, text in facts)
        parts.append(f'<ul class="doc-notes">{items}</ul>')
    lines = source.splitlines() if source is not None else []
    for verdict, anchor in zip(run.verdicts, anchors):
        parts.append(_claim(verdict, anchor, _line_href(run.name, verdict, lines)))
    if source is not None:
        parts += _listing(run, lines, anchors)
    parts.append("</section>")
    return parts


def _claim_anchors(run: DocumentRun) -> list[str]:
    """A readable, unique anchor for each claim of `run`, in order: claim-<document>-<id>."""
    anchors = []
    for verdict in run.verdicts:
        base = f"claim-{_slug(run.name)}-{_slug(verdict.claim)}"
        anchor, k = base, 1
        while anchor in anchors:
            k += 1
            anchor = f"{base}-{k}"
        anchors.append(anchor)
    return anchors


def _slug(text: str) -> str:
    """Letters, digits, dots and dashes only:

    >>> _slug("eq. 3.2 (b)")
    'eq.-3.2-b'
    """
    return re.sub(r"[^A-Za-z0-9.]+", "-", text).strip("-") or "x"


def _line_of(verdict: Verdict) -> int | None:
    """The line of `verdict.location` ("path:line"), if it has one."""
    path, _, line = verdict.location.rpartition(":")
    return int(line) if path and line.isdigit() else None


def _line_href(document: str, verdict: Verdict, lines: list[str]) -> str | None:
    """The link to the claim's line in the listing, if the listing has that line."""
    line = _line_of(verdict)
    return f"#src-{_slug(document)}-L{line}" if line and line <= len(lines) else None


def _claim(v: Verdict, anchor: str, href: str | None) -> str:
    """One claim's block: a header line (badge, id, mark, section, location, time), then facts."""
    label = _label(v)
    location = escape(v.location)
    if href:
        where = f'<a class="loc" href="{href}">{location}</a>'
    else:
        where = f'<span class="loc">{location}</span>'
    mark = (
        f'<span class="differs" title="differs from its expectation">✗ expected '
        f"{escape(v.expected.value)}</span>"
        if not v.matches
        else ""
    )
    head = (
        f'<header><span class="badge v-{label}">{escape(label.replace("_", " "))}</span>'
        f'<h3><a href="#{anchor}">{escape(v.claim)}</a></h3>{mark}'
        f'<span class="section">{escape(v.section)}</span>{where}'
        f'<span class="secs">{_seconds(v)}</span></header>'
    )
    matches = "yes" if v.matches else "no"
    return (
        f'<article class="claim v-{label}" id="{anchor}" data-verdict="{label}" '
        f'data-matches="{matches}">{head}<dl>{"".join(_facts(v))}</dl></article>'
    )


def _facts(v: Verdict) -> list[str]:
    """The claim's body as term/description pairs, only those the verdict has."""
    rows = []
    if v.quote:
        rows.append(_fact("Quote", f"<blockquote>{escape(v.quote)}</blockquote>"))
    if v.reading:
        rows.append(_fact("Reading", escape(v.reading)))
    texts = {"statement": v.statement, "derived": v.derived, "residual": v.residual}
    for part, title in PARTS:
        if texts[part]:
            rows.append(_fact(title, _math(v, part, texts[part]), "math"))
    if not v.error:
        scope = f'<span class="scope">· {escape(v.scope)}</span>'
        rows.append(_fact("How", f"{escape(v.method)} {scope}"))
    if v.counterexample is not None:
        rows.append(_fact("Counterexample", _counterexample(v.counterexample)))
    if v.details:
        items = "".join(f"<li>{escape(d)}</li>" for d in v.details)
        rows.append(_fact("Found", f"<ul>{items}</ul>"))
    if v.note:
        rows.append(_fact("Note", escape(v.note)))
    if v.error:
        rows.append(_fact("Error", f'<pre class="error">{escape(v.error.strip())}</pre>'))
    return rows


def _fact(term: str, description: str, kind: str = "") -> str:
    """One term/description pair; `description` is already HTML."""
    attribute = f' class="{kind}"' if kind else ""
    return f"<dt>{term}</dt><dd{attribute}>{description}</dd>"


def _math(v: Verdict, part: str, text: str) -> str:
    """The part's lines as MathML, with its text form to copy; the text alone if no MathML."""
    rows = [m for p, m in v.mathml if p == part]
    plain = f'<pre class="plain">{escape(text)}</pre>'
    if not rows:
        return plain
    blocks = "".join(f'<div class="formula"><math display="block">{m}</math></div>' for m in rows)
    return f'{blocks}<details class="as-text"><summary>as text</summary>{plain}</details>'


def _counterexample(found) -> str:
    """The inputs (sizes, then the point) beside both sides' values, as two tables."""
    inputs = [("size", name, value) for name, value in found.sizes]
    inputs += [("input", name, value) for name, value in found.point]
    sides = [("entry", "entry", found.entry)] if found.entry else []
    if not found.reason:
        sides += [("side", "lhs", found.lhs), ("side", "rhs", found.rhs)]
    per_row = 1 if len(inputs) <= INPUTS_PER_COLUMN else 3
    rows = [inputs[k : k + per_row] for k in range(0, len(inputs), per_row)]
    tables = [_cells_table("inputs", rows), _cells_table("sides", [[s] for s in sides])]
    reason = f'<p class="reason">{escape(found.reason)}</p>' if found.reason else ""
    return f'<div class="cex">{"".join(tables)}</div>{reason}'


def _cells_table(kind: str, rows) -> str:
    """A table of `name | value` pairs, several to a row where `rows` says so."""
    if not rows:
        return ""
    body = "".join(
        "<tr>"
        + "".join(
            f'<th class="{k}">{escape(str(name))}</th><td><code>{escape(str(value))}</code></td>'
            for k, name, value in row
        )
        + "</tr>"
        for row in rows
    )
    return f'<table class="{kind}"><tbody>{body}</tbody></table>'


def _listing(run: DocumentRun, lines: list[str], anchors: list[str]) -> list[str]:
    """The document's source, one anchor per line; a claimed line links back to its claims."""
    back: dict[int, list[tuple[Verdict, str]]] = {}
    for verdict, anchor in zip(run.verdicts, anchors):
        back.setdefault(_line_of(verdict) or 0, []).append((verdict, anchor))
    doc = _slug(run.name)
    path = next((v.location.rpartition(":")[0] for v in run.verdicts if _line_of(v)), run.name)
    out = []
    for number, text in enumerate(lines, start=1):
        links = "".join(
            f' <a class="back v-{_label(v)}" href="#{anchor}">↩ {escape(v.claim)}</a>'
            for v, anchor in back.get(number, ())
        )
        claimed = " claimed" if links else ""
        out.append(
            f'<span class="line{claimed}" id="src-{doc}-L{number}">'
            f'<a class="ln" href="#src-{doc}-L{number}">{number}</a>{escape(text)}{links}</span>'
        )
    return [
        f'<details class="listing" id="src-{doc}"><summary>Source of {escape(run.name)}: '
        f"<code>{escape(path)}</code>, {plural(len(lines), 'line')}</summary>",
        f"<pre><code>{chr(10).join(out)}</code></pre></details>",
    ]
