"""The command line: exit codes, key lines, JSON shape, and clear errors for bad input."""

import json
import textwrap

import pytest
from click.testing import CliRunner

from cli import main

GOOD = '''
"""Tiny document for CLI tests."""
from sympy import Derivative, Matrix, exp, log, symbols
from derive.declare import claim, define, document
from derive.model import REFUTED, Source
from derive.notation.primitives import softplus

x, w = symbols("x w", real=True)
p = define("p", (), softplus(w * x))
DOCUMENT = document(
    "tiny", "A tiny document", Source("tests", "tiny.txt"),
    inputs=(x, w), definitions=(p,),
    claims=(
        claim("fact", "1", "q1", softplus(x), log(1 + exp(x))),
        claim("grad", "2", "q2", Derivative(p(), w), x / (1 + exp(-w * x))),
        claim("wrong", "3", "q3", Derivative(p(), w), w / (1 + exp(-w * x)), expect=REFUTED),
        {extra}
    ),
)
'''


def _write(tmp_path, name, extra="", text=None):
    path = tmp_path / f"{name}.py"
    path.write_text(textwrap.dedent(text if text is not None else GOOD.replace("{extra}", extra)))
    return str(path)


def _run(*args):
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def test_verify_reports_each_claim_and_a_summary(tmp_path):
    result = _run("verify", _write(tmp_path, "tiny"), "--jobs", "2")
    assert result.exit_code == 0, result.output
    assert "fact" in result.stdout and "REFUTED" in result.stdout
    assert result.stdout.rstrip().splitlines()[-1].startswith("tiny: 2 proved, 0 proved at sizes")
    assert "at        w = 0, x = 1  →  lhs 1/2, rhs 0" in result.stdout


def test_json_has_the_documented_shape(tmp_path):
    result = _run("verify", _write(tmp_path, "tiny"), "--format", "json")
    data = json.loads(result.stdout)
    keys = {"id", "quote", "statement", "verdict", "expected", "scope", "counterexample", "seconds"}
    (doc,) = data["documents"]
    assert {"name", "source", "claims"} <= set(doc)
    assert all(keys <= set(claim) for claim in doc["claims"])
    assert data["summary"]["PROVED"] == 2 and data["summary"]["REFUTED"] == 1
    assert result.exit_code == 0


def test_quiet_prints_only_the_summary(tmp_path):
    result = _run("--quiet", "verify", _write(tmp_path, "tiny"))
    assert result.stdout.count("\n") == 1 and result.stdout.startswith("tiny:")


def test_unexpected_verdict_exits_1(tmp_path):
    extra = 'claim("bad", "4", "q4", softplus(x), log(1 + exp(-x))),'
    result = _run("verify", _write(tmp_path, "tiny", extra))
    assert result.exit_code == 1
    assert "expected  PROVED, got REFUTED" in result.stdout


def test_unknown_document_lists_valid_names():
    result = CliRunner().invoke(main, ["verify", "no_such_doc"])
    assert result.exit_code == 2
    assert "unknown document 'no_such_doc'" in result.stderr and "selective_ssm" in result.stderr


def test_missing_path_is_a_usage_error(tmp_path):
    result = CliRunner().invoke(main, ["verify", str(tmp_path / "absent.py")])
    assert result.exit_code == 2 and "no such file" in result.stderr


@pytest.mark.parametrize(
    "text, message",
    [
        ("x = (\n", "syntax error at line 1"),
        ("from sympy import symbols\nDOCUMENT = undefined_name\n", "line 2: NameError"),
        ("X = 1\n", "defines no DOCUMENT"),
    ],
)
def test_broken_document_is_one_line_and_others_still_run(tmp_path, text, message):
    broken = _write(tmp_path, "broken", text=text)
    result = CliRunner().invoke(main, ["verify", broken, _write(tmp_path, "tiny")])
    assert result.exit_code == 2
    errors = [line for line in result.stderr.splitlines() if line.startswith("derive: error")]
    assert len(errors) == 1 and message in errors[0] and "broken.py" in errors[0]
    assert "Traceback" not in result.stderr
    assert "tiny: 2 proved" in result.stdout


def test_undeclared_symbol_names_document_and_claim(tmp_path):
    extra = 'claim("ghost", "4", "q4", symbols("q", real=True), x),'
    result = CliRunner().invoke(main, ["verify", _write(tmp_path, "tiny", extra)])
    assert result.exit_code == 2
    assert "derive: error: tiny: claim ghost: symbol q is not declared" in result.stderr
    assert "Traceback" not in result.stderr
    assert "fact" in result.stdout


def test_mismatched_shapes_are_reported_plainly(tmp_path):
    extra = 'claim("shapes", "4", "q4", Matrix([x, w]), Matrix([x])),'
    result = CliRunner().invoke(main, ["verify", _write(tmp_path, "tiny", extra)])
    assert result.exit_code == 1
    assert "the left side is shape (2, 1), the right side shape (1, 1)" in result.stdout
    assert "Traceback" not in result.stderr


def test_unknown_claim_is_a_usage_error(tmp_path):
    result = CliRunner().invoke(main, ["verify", _write(tmp_path, "tiny"), "--claim", "nope"])
    assert result.exit_code == 2 and "no claim 'nope'" in result.stderr


def test_explain_shows_statement_derivation_and_counterexample(tmp_path):
    result = _run("explain", _write(tmp_path, "tiny"), "wrong")
    assert result.exit_code == 0
    for key in ("The document states:", "The engine derives:", "Counterexample:", "REFUTED"):
        assert key in result.stdout


@pytest.mark.parametrize(
    "sides",
    [
        "Matrix([[x - 1, 0]]) + Matrix([[1, w]]), Matrix([[x, w]])",
        "Matrix([[x, 1]]), 0",
        "Matrix([[x, 1]]), Matrix([[x], [1]])",
    ],
    ids=["matrices", "matrix-scalar", "shapes-differ"],
)
def test_explain_takes_a_matrix_side(tmp_path, sides):
    """`derive explain` subtracted the sides to find their definitions: a matrix against a
    scalar, or against a matrix of another shape, was a TypeError's or ShapeError's traceback
    (helper 149), where `derive verify` decided the claim."""
    extra = f'claim("matrices", "4", "q4", {sides}),'
    result = _run("explain", _write(tmp_path, "tiny", extra), "matrices")
    assert result.exit_code == 0, result.output
    assert "The document states:" in result.stdout


def test_list_names_the_bundled_documents():
    result = _run("list")
    assert result.exit_code == 0 and "selective_ssm" in result.stdout


def test_help_documents_exit_codes():
    assert "Exit codes: 0 success; 1" in _run("--help").stdout


def test_verbose_and_quiet_work_after_the_subcommand_too(tmp_path):
    path = _write(tmp_path, "tiny")
    before = _run("-v", "verify", path, "--claim", "fact", "--jobs", "1")
    after = _run("verify", path, "--claim", "fact", "--jobs", "1", "-v")
    plain = _run("verify", path, "--claim", "fact", "--jobs", "1")
    assert "rerun" in after.stdout and "rerun" in before.stdout and "rerun" not in plain.stdout
    quiet = _run("verify", path, "--claim", "fact", "--jobs", "1", "--quiet")
    (summary,) = quiet.stdout.strip().splitlines()  # only the summary line, as before it
    assert summary.startswith("tiny: 1 proved") and "rerun" not in quiet.stdout
