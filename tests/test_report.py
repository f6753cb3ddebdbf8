"""Report formats are pinned by snapshots; the same verdicts always read the same."""

import json
import os

from derive.model import NUMERIC, PROVED, REFUTED, Counterexample, DocumentRun, Source, Verdict
from derive.report import render_json, render_text

SNAPSHOTS = os.path.join(os.path.dirname(__file__), "snapshots")


def _run() -> DocumentRun:
    common = dict(document="logreg", seconds=0.25, section="3", location="notes/logreg.py:11")
    proved = Verdict(
        claim="eq. 3.1",
        status=PROVED,
        expected=PROVED,
        statement="∂L/∂b = p - y",
        scope="all values",
        method="expand, definitions unfolded",
        quote="dL/db",
        **common,
    )
    refuted = Verdict(
        claim="eq. 3.2",
        status=REFUTED,
        expected=PROVED,
        statement="∂L/∂w = w*(p - y)",
        scope="counterexample found",
        method="counterexample search",
        quote="dL/dw",
        derived="x*(p - y)",
        residual="(w - x)*(p - y)",
        counterexample=Counterexample(
            (), (("b", "0"), ("w", "1"), ("x", "0"), ("y", "0")), "1/2", "0"
        ),
        **common,
    )
    numeric = Verdict(
        claim="grad.L.w",
        status=NUMERIC,
        expected=NUMERIC,
        statement="∂(L)/∂w, derived by the engine",
        scope="4 partial derivatives at sizes n = 1",
        method="central differences",
        **common,
    )
    return DocumentRun(
        "logreg",
        "Logistic regression",
        Source("notes", "logreg.md"),
        (proved, refuted, numeric),
        0.75,
        ("sigmoid: smooth",),
    )


def _snapshot(name: str, text: str) -> None:
    path = os.path.join(SNAPSHOTS, name)
    with open(path, encoding="utf-8") as handle:
        assert text == handle.read()


def test_text_report_matches_snapshot():
    _snapshot("report.txt", render_text([_run()]))


def test_json_report_matches_snapshot():
    text = render_json([_run()])
    _snapshot("report.json", text)
    assert json.loads(text)["summary"]["not_as_expected"] == 1


def test_every_run_ends_with_a_summary_line():
    last = render_text([_run()]).rstrip().splitlines()[-1]
    assert last == (
        "logreg: 1 proved, 0 proved at sizes, 1 numeric, 1 refuted, 0 undecided — "
        "3 claims, 1 not as expected (0.8 s)"
    )
