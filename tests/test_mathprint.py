"""The MathML printer writes MathML Core (what Chromium renders) for the documents' notation,
escapes every text, and never fails."""

import xml.etree.ElementTree as ET

import pytest
import sympy

from derive.documents import BUNDLED, load
from derive.notation.aggregates import Card, Padded, SetSum, SetSymbol, SubsetSum
from derive.notation.arrays import ArraySum, Dot, Hadamard, Table, Transposed
from derive.notation.perturb import FirstOrder
from derive.notation.sequences import Correlate, Seq
from derive.notation.tensors import Inner, adjugate, matrix
from derive.report import mathprint
from derive.report.mathprint import mathml, relation_mathml

# https://w3c.github.io/mathml-core/#mathml-elements-and-attributes
CORE = {
    "math", "annotation", "annotation-xml", "merror", "mfrac", "mi", "mmultiscripts", "mn",
    "mo", "mover", "mpadded", "mphantom", "mprescripts", "mroot", "mrow", "ms", "mspace",
    "msqrt", "mstyle", "msub", "msubsup", "msup", "mtable", "mtd", "mtext", "mtr", "munder",
    "munderover", "none", "semantics",
}  # fmt: skip

i, j, n = sympy.symbols("i j n", integer=True, positive=True)
x = sympy.IndexedBase("x", real=True)
W = sympy.IndexedBase("W", real=True)


def _tree(content: str) -> ET.Element:
    """The printed content inside <math>, parsed as XML (so every text was escaped)."""
    return ET.fromstring(f"<math>{content}</math>")


def _texts(content: str, tag: str) -> list[str]:
    return ["".join(e.itertext()) for e in _tree(content).iter(tag)]


def _assert_core(content: str) -> None:
    tags = {e.tag for e in _tree(content).iter()}
    assert tags <= CORE, tags - CORE


def test_product_has_its_limits_under_and_over():
    content = mathml(sympy.Product(x[i], (i, 1, n)))
    over = _tree(content).find(".//munderover")
    assert over is not None and over[0].text == "∏"
    assert "".join(over[1].itertext()) == "i=1" and "".join(over[2].itertext()) == "n"
    assert "product" not in content


def test_sum_prints_every_limit_outermost_first():
    content = mathml(sympy.Sum(x[i] * W[i, j], (i, 1, n), (j, 1, 3)))
    limits = ["".join(u[1].itertext()) for u in _tree(content).iter("munderover")]
    assert limits == ["j=1", "i=1"]


def test_piecewise_is_a_brace_with_cases():
    content = mathml(sympy.Piecewise((x[i], i > 2), (0, True)))
    root = _tree(content)
    brace = root.find("mrow/mo")
    assert brace.text == "{" and brace.get("stretchy") == "true"
    rows = list(root.iter("mtr"))
    assert len(rows) == 2
    assert "".join(rows[0][1].itertext()).startswith("if")
    assert "".join(rows[1][1].itertext()) == "otherwise"
    assert "piecewise" not in content


def test_derivatives_read_partial_and_deltas_separate_their_indices():
    f = sympy.Function("f")
    assert "∂" in "".join(_tree(mathml(sympy.Derivative(f(i), i))).itertext())
    assert _texts(mathml(sympy.KroneckerDelta(0, i - j)), "mo") == [",", "-"]


def test_relations_and_names_are_escaped():
    content = relation_mathml(x[i], "<", sympy.Symbol("a&b"))
    assert "<mo>&lt;</mo>" in content
    assert _texts(mathml(sympy.Symbol("a<b")), "mi") == ["a<b"]
    assert _texts(mathml(sympy.Symbol("x") < 2), "mo") == ["<"]


def test_names_keep_their_case_and_subscripts():
    content = mathml(sympy.Function("h_g")(i))
    assert _tree(content).find(".//msub/mi").text == "h"
    assert _texts(mathml(sympy.Function("L")()), "mi") == ["L"]
    assert _texts(mathml(sympy.Symbol("ell")), "mi") == ["ℓ"]
    assert _texts(mathml(sympy.exp(sympy.Symbol("x"))), "mi") == ["e", "x"]


S = SetSymbol("S")
A = matrix(sympy.IndexedBase("A"), 2, 2)
CUSTOM = {
    "set sum": (SetSum(x[i], i, S), ["∑", "∈"]),
    "subset sum": (SubsetSum(Card(S), S, 1, n), ["∑", "⊆", "|"]),
    "padded": (Padded(x, j, 1, n), ["≤"]),
    "table": (Table(x[i], (i, 1, n)), ["[", "|", "…"]),
    "array sum": (ArraySum(Table(W[i, j], (j, 1, 2)), (i, 1, n)), ["∑"]),
    "dot": (Dot(Table(x[i], (i, 1, n)), Table(W[i, 1], (i, 1, n))), ["⋅"]),
    "hadamard": (Hadamard(Table(x[i], (i, 1, n)), Table(W[i, 1], (i, 1, n))), ["⊙"]),
    "transposed": (Transposed(Table(W[i, j], (i, 1, 2), (j, 1, 2))), ["⊤"]),
    "adjugate": (adjugate(A), ["adj"]),
    "inner": (Inner(A, A), ["⟨", "⟩"]),
    "correlate": (Correlate(Seq(x, 1, n), Seq(W, 1, 2)), ["⋆"]),
    "kronecker": (sympy.KroneckerDelta(i, j), ["δ"]),
    "first order": (FirstOrder(x[i] ** 2, (x, W)), ["dΔ", "→"]),
}


@pytest.mark.parametrize("name", sorted(CUSTOM))
def test_prints_the_documents_notation(name):
    expr, marks = CUSTOM[name]
    content = mathml(expr)
    _assert_core(content)
    text = "".join(_tree(content).itertext())
    assert all(mark in text for mark in marks), text
    probe = _Probe()
    probe.doprint(expr)
    assert not probe.generic


def test_printing_never_fails():
    class Broken(sympy.Expr):
        def _mathml_presentation(self, printer):
            raise RuntimeError("no")

    assert mathml(Broken(x[i])).startswith("<mtext>")


class _Probe(mathprint._MathML):
    """The report's printer, noting each node it could only print generically."""

    def __init__(self):
        super().__init__()
        self.generic = []

    def _print_Basic(self, expr):
        self.generic.append(type(expr).__name__)
        return super()._print_Basic(expr)


@pytest.mark.parametrize("name", BUNDLED)
def test_every_claim_and_definition_prints_as_core_mathml(name):
    document = load(name)
    items = [(c.lhs, c.rhs) for c in document.claims]
    items += [(d.func(*d.params), d.body) for d in document.definitions]
    for lhs, rhs in items:
        _assert_core(relation_mathml(lhs, "==", rhs))
        probe = _Probe()
        probe.doprint(sympy.Tuple(lhs, rhs))
        assert not probe.generic, f"{sympy.sstr(lhs)}: printed generically: {probe.generic}"
