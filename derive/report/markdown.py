"""Verdicts as Markdown for a pull-request comment: a table of counts per document, the claims
not as expected, the refutations that were expected (folded), and the documents that failed
to load.

Text from documents is escaped, so a `|` or `*` in a statement cannot break the table or
start emphasis. Math is written `` $`…`$ ``, the inline math of GitHub and GitLab whose
content Markdown leaves alone (in a bare `$…$`, `\\` and `_` pairs are Markdown first).
Output is deterministic for the same verdicts.
"""

from __future__ import annotations

import re

from derive.model import REFUTED, DocumentRun, Verdict
from derive.report import COUNTED, _label, _where, counts, plural, rerun

_SPECIAL = re.compile(r"([\\`*_\[\]<>|~$&#!])")
HEADERS = [s.value.lower().replace("_", " ") for s in COUNTED] + [
    "errors",
    "claims",
    "not as expected",
    "seconds",
]


def escape(text: str) -> str:
    r"""`text` as literal Markdown inline text, on one line:

    >>> escape("a|b *c*")
    'a\\|b \\*c\\*'
    """
    return _SPECIAL.sub(r"\\\1", " ".join(text.split()))


def code(text: str) -> str:
    """`text` as a code span, fenced with more backticks than it holds:

    >>> code("x`y")
    '``x`y``'
    """
    text = " ".join(text.splitlines())
    fence = "`" * (max((len(r) for r in re.findall("`+", text)), default=0) + 1)
    pad = " " if text.startswith("`") or text.endswith("`") else ""
    return f"{fence}{pad}{text}{pad}{fence}"


def math(latex: str) -> str:
    """Inline math; LaTeX holding a backtick (which would end it) is shown as code."""
    return code(latex) if "`" in latex else f"$`{' '.join(latex.split())}`$"


def _row(cells) -> str:
    return "| " + " | ".join(cells) + " |"


def render_table(runs) -> list[str]:
    """The summary table: one row per document and, for several, a total."""
    lines = [_row(["document", *HEADERS]), _row(["---"] + ["---:"] * len(HEADERS))]
    for run in runs:
        found = [str(n) for n in counts(run.verdicts).values()]
        lines.append(_row([escape(run.name), *found, f"{run.seconds:.1f}"]))
    if len(runs) > 1:
        found = [str(n) for n in counts([v for run in runs for v in run.verdicts]).values()]
        seconds = f"{sum(run.seconds for run in runs):.1f}"
        lines.append(_row(["**total**", *(f"**{c}**" for c in [*found, seconds])]))
    return lines


def _part(verdict: Verdict, part: str, text: str) -> list[str]:
    """A labelled list item for one part: its LaTeX lines, or its text when it has none."""
    rows = [latex for name, latex in verdict.latex if name == part]
    if not rows:
        rows = [code(line) for line in text.splitlines() if line.strip()]
    else:
        rows = [math(row) for row in rows]
    if not rows:
        return []
    if len(rows) == 1:
        return [f"- **{part}** {rows[0]}"]
    return [f"- **{part}**", *(f"  - {row}" for row in rows)]


def render_claim(verdict: Verdict) -> list[str]:
    """The block for one claim a reviewer should read, ending with a blank line."""
    mark = "✓" if verdict.matches else "✗"
    expected = "as expected" if verdict.matches else f"expected {verdict.expected.value}"
    head = f"{mark} {code(verdict.claim)} in {escape(verdict.document)}: {_label(verdict)}"
    lines = [f"**{head}**, {expected}", ""]
    if verdict.location:
        lines.append(f"- **location** {code(verdict.location)}")
    if verdict.reading:
        lines.append(f"- **reading** {escape(verdict.reading)}")
    lines += _part(verdict, "statement", verdict.statement)
    lines += _part(verdict, "derived", verdict.derived)
    lines += _part(verdict, "residual", verdict.residual)
    if verdict.counterexample is not None:
        lines.append(f"- **counterexample** {code(_where(verdict.counterexample))}")
    lines.append(f"- **how** {escape(verdict.method)}; {escape(verdict.scope)}")
    if verdict.error:
        lines.append(f"- **error** {code(verdict.error.strip().splitlines()[-1])}")
    if verdict.quote:
        lines.append(f"- **quote** “{escape(verdict.quote)}”")
    if verdict.note:
        lines.append(f"- **note** {escape(verdict.note)}")
    return [*lines, f"- **rerun** {code(rerun(verdict))}", ""]


def _headline(runs: list[DocumentRun], problems) -> str:
    verdicts = [v for run in runs for v in run.verdicts]
    differ = sum(not v.matches for v in verdicts)
    words = [plural(len(runs), "document"), plural(len(verdicts), "claim")]
    words.append(f"{differ} not as expected" if differ else "all as expected")
    if problems:
        words.append(f"{plural(len(problems), 'document')} failed to load")
    return f"### derive: {', '.join(words)}"


def render_markdown(runs, problems=()) -> str:
    """The Markdown report: headline, table, claims to read, documents that failed to load."""
    runs = list(runs)
    lines = [_headline(runs, problems), "", *render_table(runs), ""]
    verdicts = [v for run in runs for v in run.verdicts]
    differ = [v for v in verdicts if not v.matches]
    if differ:
        lines += ["#### Not as expected", ""]
        lines += [line for verdict in differ for line in render_claim(verdict)]
    errata = [v for v in verdicts if v.matches and v.status is REFUTED]
    if errata:
        # Known errata are expected news: folded, so the surprises stay on screen.
        summary = f"{plural(len(errata), 'refutation')} as expected (known errata)"
        lines += ["<details>", f"<summary>{summary}</summary>", ""]
        lines += [line for verdict in errata for line in render_claim(verdict)]
        lines += ["</details>", ""]
    if problems:
        lines += ["#### Documents that failed to load", ""]
        lines += [f"- {escape(problem)}" for problem in problems] + [""]
    return "\n".join(lines).rstrip("\n") + "\n"


def render(runs, problems, sources) -> str:
    """The `--format markdown` entry of `report.FORMATS`; `sources` is not needed."""
    return render_markdown(runs, problems)
