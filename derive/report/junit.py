"""Verdicts as JUnit XML, the test-report format CI systems read: a document is a test suite,
a claim a test case, and a claim passes when its verdict is the one the document expects.

A verdict that differs from its expectation is a `<failure>`, an input or internal error an
`<error>`, an UNDECIDED verdict that was expected a `<skipped>` with its reason, and a
document that failed to load one errored test case. Output is deterministic for the same
verdicts (times are the measured ones).
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

from derive.model import UNDECIDED, DocumentRun, Verdict
from derive.report import _label, render_details

# XML 1.0 cannot hold these characters even escaped; a traceback could carry one.
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
LOAD_CASE = "(load)"  # the name of the test case standing for a document's import


def _clean(text: str) -> str:
    """`text` with the characters XML 1.0 forbids replaced by U+FFFD:

    >>> _clean("a\\x00b")
    'a�b'
    """
    return _NOT_XML.sub("\ufffd", text)


def _seconds(value: float) -> str:
    return f"{value:.3f}"


def outcome(verdict: Verdict) -> str:
    """How a verdict reads as a test: "passed", "failure", "error" or "skipped"."""
    if verdict.error:
        return "error"
    if not verdict.matches:
        return "failure"
    return "skipped" if verdict.status is UNDECIDED else "passed"


def _body(verdict: Verdict) -> str:
    """The report's detail block for the verdict (with how the verdict was reached)."""
    return _clean("\n".join(render_details(verdict)))


def _testcase(verdict: Verdict) -> ET.Element:
    case = ET.Element("testcase", classname=f"derive.{verdict.document}")
    case.set("name", _clean(verdict.claim))
    case.set("time", _seconds(verdict.seconds))
    path, _, line = verdict.location.rpartition(":")
    if path and line.isdigit():
        case.set("file", path)
        case.set("line", line)
    if verdict.cached:  # replayed from the cache: the time is the original decision's
        properties = ET.SubElement(case, "properties")
        ET.SubElement(properties, "property", name="cached", value="true")
    kind = outcome(verdict)
    if kind == "failure":
        message = f"got {_label(verdict)}, expected {verdict.expected.value}"
        child = ET.SubElement(case, "failure", message=message, type=verdict.status.value)
        child.text = _body(verdict)
    elif kind == "error":
        last = verdict.error.strip().splitlines()[-1].strip() if verdict.error.strip() else ""
        child = ET.SubElement(case, "error", message=_clean(last), type=_label(verdict))
        child.text = _body(verdict)
    elif kind == "skipped":
        reason = f"UNDECIDED as expected: {verdict.scope}"
        ET.SubElement(case, "skipped", message=_clean(reason))
    return case


def _counts(outcomes: list[str], seconds: float) -> dict[str, str]:
    return {
        "tests": str(len(outcomes)),
        "failures": str(outcomes.count("failure")),
        "errors": str(outcomes.count("error")),
        "skipped": str(outcomes.count("skipped")),
        "time": _seconds(seconds),
    }


def _suite(run: DocumentRun) -> ET.Element:
    outcomes = [outcome(v) for v in run.verdicts]
    suite = ET.Element("testsuite", name=run.name, **_counts(outcomes, run.seconds))
    suite.extend(_testcase(v) for v in run.verdicts)
    return suite


def _load_suite(problem: str) -> ET.Element:
    """A document that failed to load: a suite of one errored case, named after it when the
    problem line starts with its name (as `documents.load` writes it)."""
    name = problem.split(": ", 1)[0] if ": " in problem else "derive"
    suite = ET.Element("testsuite", name=_clean(name), **_counts(["error"], 0.0))
    case = ET.SubElement(suite, "testcase", classname=f"derive.{_clean(name)}", name=LOAD_CASE)
    case.set("time", _seconds(0.0))
    error = ET.SubElement(case, "error", message=_clean(problem), type="LoadError")
    error.text = _clean(problem)
    return suite


def render_junit(runs, problems=()) -> str:
    """The JUnit XML report: one `<testsuite>` per document inside `<testsuites>`."""
    suites = [_suite(run) for run in runs] + [_load_suite(p) for p in problems]
    outcomes = [outcome(v) for run in runs for v in run.verdicts] + ["error"] * len(problems)
    seconds = sum(run.seconds for run in runs)
    root = ET.Element("testsuites", name="derive", **_counts(outcomes, seconds))
    root.extend(suites)
    ET.indent(root)
    text = ET.tostring(root, encoding="unicode")
    return f'<?xml version="1.0" encoding="UTF-8"?>\n{text}\n'


def render(runs, problems, sources) -> str:
    """The `--format junit` entry of `report.FORMATS`; `sources` is not needed."""
    return render_junit(runs, problems)
