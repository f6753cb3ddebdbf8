"""`pytest --derive`: a test per claim, passing when the verdict is the expected one, the
same under pytest-xdist, and silent without the option."""

import textwrap

import pytest

from tests.sample_runs import LOGREG_COUNTEREXAMPLE, LOGREG_SOURCE

pytest_plugins = ["pytester"]

COUNTEREXAMPLE = f"at        {LOGREG_COUNTEREXAMPLE}"


@pytest.fixture
def logreg(pytester):
    pytester.makepyfile(logreg=textwrap.dedent(LOGREG_SOURCE))
    return "logreg.py"


def test_claims_pass_when_their_verdict_is_expected(pytester, logreg):
    result = pytester.runpytest_subprocess("--derive", logreg)
    result.assert_outcomes(passed=2, failed=1)
    result.stdout.fnmatch_lines(["*logreg: eq. 3.3*", "*expected  PROVED, got REFUTED*"])
    assert COUNTEREXAMPLE in result.stdout.str()


def test_xdist_workers_collect_the_same_items(pytester, logreg):
    result = pytester.runpytest_subprocess("-n", "2", "--derive", logreg)
    result.assert_outcomes(passed=2, failed=1)
    assert COUNTEREXAMPLE in result.stdout.str()


def test_item_ids_are_the_claim_ids_in_document_order(pytester, logreg):
    result = pytester.runpytest_subprocess("--derive", logreg, "--collect-only", "-q")
    ids = [line for line in result.stdout.lines if line.startswith("logreg.py::")]
    assert ids == ["logreg.py::eq. 3.1", "logreg.py::eq. 3.2", "logreg.py::eq. 3.3"]


def test_bundled_document_has_a_passing_item_per_claim_and_gradient(pytester):
    result = pytester.runpytest_subprocess("--derive", "ggnn_readout", "-n", "2")
    result.assert_outcomes(passed=17)


def test_a_document_that_fails_to_load_is_a_collection_error(pytester):
    pytester.makepyfile(broken="DOCUMENT = 1 / 0\n")
    result = pytester.runpytest_subprocess("--derive", "broken.py", "nosuch")
    result.assert_outcomes(errors=2)
    result.stdout.fnmatch_lines(["*broken.py: line 1: ZeroDivisionError*", "*unknown document*"])


def test_without_the_option_the_plugin_collects_nothing(pytester, logreg):
    pytester.makepyfile(test_plain="def test_one():\n    pass\n")
    result = pytester.runpytest_subprocess("--co", "-q")
    assert result.stdout.lines[0] == "test_plain.py::test_one"
    assert "1 test collected" in result.stdout.str()


def test_test_paths_named_with_the_option_run_beside_the_documents(pytester, logreg):
    pytester.makepyfile(test_plain="def test_one():\n    pass\n")
    result = pytester.runpytest_subprocess("test_plain.py", "--derive", logreg, "--co", "-q")
    assert "4 tests collected" in result.stdout.str()


def test_plugin_module_imports_nothing_heavy():
    import subprocess
    import sys

    code = "import sys, derive.pytest_plugin; print('sympy' in sys.modules)"
    assert (
        subprocess.run(
            [sys.executable, "-c", code], capture_output=True, text=True, check=True
        ).stdout.strip()
        == "False"
    )
