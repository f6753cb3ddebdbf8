"""A document written against the import paths of the flat package still verifies unchanged;
each moved path warns once, naming its new home."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

OLD_STYLE = '''
"""Written before derive/notation existed."""
from sympy import Derivative, IndexedBase, Product, Sum, exp, log, symbols

from derive.aggregates import SetSum, SetSymbol, SubsetSum
from derive.arrays import ArraySum, Table
from derive.declare import claim, define, document
from derive.model import REFUTED, Source
from derive.perturb import Increment
from derive.primitives import sigmoid, softplus
from derive.sequences import Convolve, Seq
from derive.tensors import Entry, matrix, vector

n, K = symbols("n K", integer=True, positive=True)
i, j = symbols("i j", integer=True)
w, b, y, s, ds = symbols("w b y s Δs", real=True)
x = IndexedBase("x", real=True)
a, c = (IndexedBase(name, shape=((-K, K),), real=True) for name in ("a", "c"))
A = IndexedBase("A", real=True)
S = SetSymbol("S")
p = define("p", (), sigmoid(w * x[1] + b))
L = -(y * log(p()) + (1 - y) * log(1 - p()))

DOCUMENT = document(
    "old_paths", "Old import paths", Source("tests", "test_old_paths.py"),
    inputs=(w, b, y, x, a, c, A, s, ds), definitions=(p,), sizes={n: (1, 2), K: (1, 2)},
    indices={i: (-2 * K, 2 * K)},
    claims=(
        claim("sigmoid", "1", "dL/db = p - y", Derivative(L, b), p() - y),
        claim("sigmoid/wrong", "1", "dL/db = y - p", Derivative(L, b), y - p(), expect=REFUTED),
        claim("subsets", "1", "sum_S exp = prod", SubsetSum(exp(SetSum(x[j], j, S)), S, 1, n),
              Product(1 + exp(x[j]), (j, 1, n))),
        claim("softplus", "1", "softplus = log(1 + exp)", softplus(s), log(1 + exp(s))),
        claim("arrays", "1", "sum of a table", ArraySum(Table(x[j], (j, 1, n)), (j, 1, 1)),
              Table(x[j], (j, 1, n))),
        claim("tensors", "1", "(A x)_1", Entry(matrix(A, 1, n) * vector(x, n), 1),
              Sum(A[1, j] * x[j], (j, 1, n))),
        claim("sequences", "1", "a ⊗ c = c ⊗ a", Entry(Convolve(Seq(a), Seq(c)), i),
              Entry(Convolve(Seq(c), Seq(a)), i)),
        claim("perturb", "1", "Δ(s^2)", Increment(s**2, (s, ds)), 2 * s * ds + ds**2),
    ),
)
'''

MOVED = ("aggregates", "arrays", "perturb", "primitives", "sequences", "tensors")


def test_a_document_on_the_old_paths_verifies_with_one_warning_per_moved_path(tmp_path):
    document = tmp_path / "old_paths.py"
    document.write_text(textwrap.dedent(OLD_STYLE))
    command = "import sys, cli; sys.argv[0] = 'derive'; cli.main()"
    done = subprocess.run(
        [
            sys.executable,
            "-c",
            command,
            "verify",
            str(document),
            "--format",
            "json",
            "--no-cache",
            "--timeout",
            "60",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    (run,) = json.loads(done.stdout)["documents"]
    assert all(v["verdict"] == v["expected"] for v in run["claims"]), run["claims"]
    assert len(run["claims"]) == 8
    for name in MOVED:
        line = f"derive.{name} has moved to derive.notation.{name}"
        assert done.stderr.count(line) == 1, (name, done.stderr[-3000:])


def test_moved_matrix_view_helpers_still_import_with_a_warning():
    import sympy

    from derive.notation import array_entries, tensors

    X = tensors.matrix(sympy.IndexedBase("X"), 2, 3)
    with pytest.warns(FutureWarning, match="array_entries.entry"):
        old_entry = tensors.entry
    assert old_entry(X, 1, 2) == array_entries.entry(X, (1, 2))
    for name in ("written_out", "matrix_inner", "matrix_trace"):
        with pytest.warns(FutureWarning, match=f"array_entries.{name}"):
            assert getattr(tensors, name) is getattr(array_entries, name)
    with pytest.raises(AttributeError):
        tensors.no_such_name  # noqa: B018
