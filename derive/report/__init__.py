"""Turning verdicts into text and JSON; the only place that decides how results read.

Output is deterministic for the same verdicts: no timestamps, no paths beyond the
document's own location, and every run ends with one summary line per document.
"""

from __future__ import annotations

import json
import re
import shlex
from dataclasses import dataclass

import sympy

from derive.model import (
    NUMERIC,
    PROVED,
    PROVED_AT_SIZES,
    REFUTED,
    UNDECIDED,
    DocumentRun,
    Verdict,
)
from derive.notation.text import plural, show  # noqa: F401 - show is report's to export

STATEMENT_WIDTH = 96
COUNTED = (PROVED, PROVED_AT_SIZES, NUMERIC, REFUTED, UNDECIDED)


def _short(text: str, width: int = STATEMENT_WIDTH) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def _label(verdict: Verdict) -> str:
    if verdict.internal:
        return "INTERNAL"
    if verdict.error:
        return "ERROR"
    return verdict.status.value


def counts(verdicts) -> dict[str, int]:
    """Claims per verdict name (a claim with an error counted only under "errors"), then
    "errors", "claims" and "differ" (not as expected): every summary's numbers."""
    found = {s.value: sum(v.status is s and not v.error for v in verdicts) for s in COUNTED}
    found["errors"] = sum(bool(v.error) for v in verdicts)
    found["claims"] = len(verdicts)
    found["differ"] = sum(not v.matches for v in verdicts)
    return found


def summary_line(run: DocumentRun) -> str:
    found = counts(run.verdicts)
    words = ", ".join(f"{found[s.value]} {s.value.lower().replace('_', ' ')}" for s in COUNTED)
    errors, differ = found["errors"], found["differ"]
    tail = "all as expected" if not differ else f"{differ} not as expected"
    if errors:
        tail += f", {plural(errors, 'error')}"
    cached = sum(v.cached for v in run.verdicts)
    if cached:
        tail += f", {cached} from the cache"
    return (
        f"{run.name}: {words} — {plural(len(run.verdicts), 'claim')}, {tail} ({run.seconds:.1f} s)"
    )


def render_table(run: DocumentRun) -> list[str]:
    """One block per document: a header, two lines per claim, then the details."""
    width = max([len(v.claim) for v in run.verdicts] + [5])
    lines = [f"{run.name} — {run.title}", f"  source: {run.source.seed}"]
    lines += [f"  convention: {c}" for c in run.conventions]
    lines += [f"  note: {n}" for n in run.notes]
    lines.append(f"  {'CLAIM'.ljust(width)}  {'VERDICT':<16} {'SECONDS':>7}  STATEMENT / HOW")
    for v in run.verdicts:
        mark = " " if v.matches else "✗"
        seconds = "cached" if v.cached else f"{v.seconds:.2f}"
        lines.append(
            f"{mark} {v.claim.ljust(width)}  {_label(v):<16} {seconds:>7}  {_short(v.statement)}"
        )
        how = v.error.splitlines()[-1] if v.error else f"{v.method}; {v.scope}"
        lines.append(f"  {' ' * width}  {' ' * 16} {' ' * 7}  {_short(how)}")
    return lines


def render_details(verdict: Verdict) -> list[str]:
    """The block printed under the table for a refuted or unexpected verdict, ending with how
    it was reached, in full."""
    head = f"{_label(verdict)}  {verdict.document}  {verdict.claim}  ({verdict.location})"
    lines = [head]
    if verdict.reading:
        lines.append(f"  reading   {verdict.reading}")
    lines.append(f"  claimed   {verdict.statement}")
    if verdict.derived:
        lines += _labelled("derived", verdict.derived)
    if verdict.residual:
        lines += _labelled("residual", verdict.residual)
    found = verdict.counterexample
    if found is not None:
        lines.append(f"  at        {_where(found)}")
    if verdict.status is not verdict.expected:
        lines.append(f"  expected  {verdict.expected.value}, got {verdict.status.value}")
    if verdict.error:
        lines += [f"  error     {line}" for line in verdict.error.strip().splitlines()[-12:]]
    lines += [f"  found     {d}" for d in verdict.details]
    if verdict.note:
        lines.append(f"  note      {verdict.note}")
    # In full: the table shortens it to one line (an UNDECIDED's reason is often longer).
    lines += _labelled("how", f"{verdict.method}; {verdict.scope}")
    lines.append(f"  rerun     {rerun(verdict)}")
    return lines


def _labelled(label: str, text: str) -> list[str]:
    first, *rest = text.splitlines()
    return [f"  {label:<9} {first}", *(f"  {'':<9} {line}" for line in rest)]


def rerun(verdict: Verdict) -> str:
    """The command that decides `verdict`'s claim again, safe to paste into a shell: each
    argument in double quotes, or in single quotes where it holds a character the shell
    reads inside double quotes ($, `, \\, ", !) or a line break."""
    words = [_target(verdict), verdict.claim]
    quoted = [shlex.quote(w) if re.search(r'[$`"\\!\n\r]', w) else f'"{w}"' for w in words]
    target, claim = quoted
    target = words[0] if re.fullmatch(r"[\w./-]+", words[0]) else target
    return f"derive verify {target} --claim {claim}"


def _target(verdict: Verdict) -> str:
    """How to name the document on the command line: bundled name, else its path."""
    path = verdict.location.rsplit(":", 1)[0]
    return verdict.document if path.startswith("derive/documents/") or not path else path


def _where(found) -> str:
    sizes = ", ".join(f"{k} = {v}" for k, v in found.sizes)
    if found.reason:
        return f"{sizes}: {found.reason}" if sizes else found.reason
    point = ", ".join(f"{k} = {v}" for k, v in found.point)
    where = "; ".join(part for part in (sizes, point) if part)
    entry = f" [{found.entry}]" if found.entry else ""
    return f"{where}{entry}  →  lhs {found.lhs}, rhs {found.rhs}".lstrip()


def render_text(runs, *, verbose: bool = False) -> str:
    """The full text report: tables, then details, then one summary line per document."""
    lines = []
    for run in runs:
        lines += render_table(run) + [""]
        for verdict in run.verdicts:
            if verbose or verdict.status is REFUTED or not verdict.matches:
                lines += render_details(verdict) + [""]
            elif verdict.details:
                lines += [f"  {verdict.claim}: {d}" for d in verdict.details] + [""]
    lines += [summary_line(run) for run in runs]
    return "\n".join(lines) + "\n"


def render_summaries(runs) -> str:
    return "\n".join(summary_line(run) for run in runs) + "\n"


def _claim_json(v: Verdict) -> dict:
    found = v.counterexample
    return {
        "id": v.claim,
        "quote": v.quote,
        "statement": v.statement,
        "verdict": v.status.value,
        "expected": v.expected.value,
        "scope": v.scope,
        "method": v.method,
        "counterexample": None
        if found is None
        else {
            "sizes": dict(found.sizes),
            "point": dict(found.point),
            "entry": found.entry,
            "lhs": found.lhs,
            "rhs": found.rhs,
            "reason": found.reason,
        },
        "seconds": v.seconds,
        "section": v.section,
        "reading": v.reading,
        "location": v.location,
        "details": list(v.details),
        "derived": v.derived or None,
        "residual": v.residual or None,
        "note": v.note,
        "error": v.error or None,
        "cached": v.cached,
    }


def render_json(runs, problems=()) -> str:
    """The JSON report: documents with their claims, the documents that failed to load
    (`problems`, one line each), and a summary over all of them."""
    documents = [
        {
            "name": run.name,
            "source": {"title": run.source.title, "seed": run.source.seed},
            "conventions": list(run.conventions),
            "notes": list(run.notes),
            "claims": [_claim_json(v) for v in run.verdicts],
            "seconds": round(run.seconds, 3),
        }
        for run in runs
    ]
    verdicts = [v for run in runs for v in run.verdicts]
    summary = {s.value: sum(v.status is s for v in verdicts) for s in COUNTED}
    summary.update(
        claims=len(verdicts),
        not_as_expected=sum(not v.matches for v in verdicts),
        errors=sum(bool(v.error) for v in verdicts) + len(problems),
    )
    body = {"documents": documents, "errors": list(problems), "summary": summary}
    return json.dumps(body, indent=2, ensure_ascii=False) + "\n"


def render_list(docs) -> str:
    width = max(len(d.name) for d in docs)
    rows = [
        f"{d.name.ljust(width)}  {len(d.claims):3d} claims  {len(d.gradients):2d} gradients  "
        f"{d.title}"
        for d in docs
    ]
    return "\n".join(rows) + "\n"


@dataclass(frozen=True)
class Explanation:
    """Everything `derive explain` shows about one claim, already printed."""

    verdict: Verdict
    statement: str
    definitions: tuple[str, ...]
    derived: str
    difference: str


def render_explanation(e: Explanation) -> str:
    v = e.verdict
    lines = [f"{v.document}  {v.claim}  ({v.location})", f"section: {v.section}"]
    if v.quote:
        lines.append(f"source quote: {v.quote}")
    if v.reading:
        lines.append(f"reading: {v.reading}")
    lines += ["", "The document states:", e.statement, ""]
    if e.definitions:
        lines += ["Using the forward equations:"] + [f"  {d}" for d in e.definitions] + [""]
    if e.derived:
        lines += ["The engine derives:", e.derived, ""]
    if e.difference:
        lines += ["Left side minus right side, simplified:", e.difference, ""]
    lines.append(f"Verdict: {_label(v)} (expected {v.expected.value}) — {v.scope}")
    lines.append(f"How: {v.method}")
    if v.counterexample is not None:
        lines.append(f"Counterexample: {_where(v.counterexample)}")
    lines += [f"Found: {d}" for d in v.details]
    if v.note:
        lines.append(f"Note: {v.note}")
    if v.error:
        lines.append(f"Error: {v.error.strip().splitlines()[-1]}")
    return "\n".join(lines) + "\n"


def pretty(expr) -> str:
    return sympy.pretty(expr, use_unicode=True, wrap_line=False)


def render_check(runs, stale, checks) -> str:
    """The `derive check` summary: verdicts, freshness of generated/, kernel numerics."""
    lines = [summary_line(run) for run in runs]
    for run in runs:
        lines += [
            f"  ✗ {v.claim}: {_label(v)}, expected {v.expected.value}"
            for v in run.verdicts
            if not v.matches
        ]
    lines.append(f"generated: {'stale: ' + ', '.join(stale) if stale else 'fresh'}")
    if stale:
        lines.append("kernels: not checked (run `derive generate` first)")
    for c in checks:
        mark = "ok  " if c.ok else "FAIL"
        lines.append(f"{mark} {c.kernel}: {c.what}: {c.error:.1e} (bound {c.bound:.0e})")
    passed = sum(c.ok for c in checks)
    lines.append(f"kernel checks: {passed} of {len(checks)} passed")
    return "\n".join(lines) + "\n"


def _json_format(runs, problems, sources) -> str:
    return render_json(runs, problems)


# The other formats live in modules of their own, which use the helpers above.
from derive.report import html, junit, markdown  # noqa: E402

# --format NAME → render(runs, problems, sources), `sources` each document's text by name.
FORMATS = {
    "text": None,
    "json": _json_format,
    "markdown": markdown.render,
    "junit": junit.render,
    "html": html.render,
}
