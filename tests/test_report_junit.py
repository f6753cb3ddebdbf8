"""The JUnit XML report reads as CI systems read it: checked with a third-party parser."""

import os

from junitparser import Error, Failure, JUnitXml, Skipped

from derive.report import FORMATS
from tests.sample_runs import LOAD_PROBLEM, sample_run

SNAPSHOTS = os.path.join(os.path.dirname(__file__), "snapshots")


def _parsed(tmp_path, problems=()):
    path = tmp_path / "report.xml"
    path.write_text(FORMATS["junit"]([sample_run()], list(problems), {}), encoding="utf-8")
    return JUnitXml.fromfile(str(path))


def _cases(suite) -> dict:
    return {case.name: case for case in suite}


def test_counts_match_the_verdicts(tmp_path):
    report = _parsed(tmp_path)
    (suite,) = list(report)
    assert suite.name == "logreg"
    assert (suite.tests, suite.failures, suite.errors, suite.skipped) == (6, 1, 1, 1)
    assert (report.tests, report.failures, report.errors, report.skipped) == (6, 1, 1, 1)
    assert {case.classname for case in suite} == {"derive.logreg"}


def test_unexpected_verdict_fails_with_got_and_expected(tmp_path):
    case = _cases(next(iter(_parsed(tmp_path))))["eq. 3.2"]
    (failure,) = case.result
    assert isinstance(failure, Failure)
    assert failure.message == "got REFUTED, expected PROVED"
    assert "at        b = 0, w = 1, x = 0, y = 0  →  lhs 1/2, rhs 0" in failure.text
    assert "claimed   ∂L/∂w = w*(p - y)" in failure.text
    assert "how       counterexample search; counterexample found" in failure.text


def test_expected_verdicts_pass_and_expected_undecided_is_skipped(tmp_path):
    cases = _cases(next(iter(_parsed(tmp_path))))
    assert all(cases[c].is_passed for c in ("eq. 3.1", "eq. 3.3", "grad.L.w"))
    (skipped,) = cases["eq. 4"].result
    assert isinstance(skipped, Skipped)
    assert skipped.message == "UNDECIDED as expected: timeout after 30 s"
    (error,) = cases["eq. 5"].result
    assert isinstance(error, Error) and error.message == "claim uses undeclared symbol q"


def test_document_that_failed_to_load_is_an_errored_case(tmp_path):
    report = _parsed(tmp_path, [LOAD_PROBLEM])
    assert (report.tests, report.errors) == (7, 2)
    broken = next(s for s in report if s.name == "broken.py")
    (case,) = list(broken)
    (error,) = case.result
    assert isinstance(error, Error) and error.message == LOAD_PROBLEM


def test_report_matches_snapshot_and_escapes_text():
    text = FORMATS["junit"]([sample_run()], [LOAD_PROBLEM], {})
    assert text == FORMATS["junit"]([sample_run()], [LOAD_PROBLEM], {})
    with open(os.path.join(SNAPSHOTS, "report.xml"), encoding="utf-8") as handle:
        assert text == handle.read()


def test_characters_xml_cannot_hold_are_replaced(tmp_path):
    from dataclasses import replace

    run = sample_run()
    bad = replace(run.verdicts[4], error="Traceback\n  boom\x00\x1b[0m")
    run = replace(run, verdicts=(*run.verdicts[:4], bad))
    path = tmp_path / "bad.xml"
    path.write_text(FORMATS["junit"]([run], [], {}), encoding="utf-8")
    error = _cases(next(iter(JUnitXml.fromfile(str(path)))))["eq. 5"].result[0]
    assert error.message == "boom\ufffd\ufffd[0m"


def test_markup_in_text_survives_the_round_trip(tmp_path):
    error = _cases(next(iter(_parsed(tmp_path))))["eq. 5"].result[0]
    assert "claimed   z < q & q" in error.text


def test_verify_writes_junit_for_a_real_document(tmp_path):
    import textwrap

    from click.testing import CliRunner

    from cli import main
    from tests.sample_runs import LOGREG_COUNTEREXAMPLE, LOGREG_SOURCE

    document, out = tmp_path / "logreg.py", tmp_path / "out.xml"
    document.write_text(textwrap.dedent(LOGREG_SOURCE))
    args = ["verify", str(document), "--format", "junit", "--out", str(out), "--jobs", "2"]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 1, result.output
    report = JUnitXml.fromfile(str(out))
    assert (report.tests, report.failures, report.errors, report.skipped) == (3, 1, 0, 0)
    (failure,) = _cases(next(iter(report)))["eq. 3.3"].result
    assert failure.message == "got REFUTED, expected PROVED"
    assert LOGREG_COUNTEREXAMPLE in failure.text
