"""Counterexamples are small, simple, confirmed, and use the document's names."""

from sympy import Derivative, log, symbols

from derive.declare import claim, define, document
from derive.engine.deadline import Deadline
from derive.engine.decide import decide
from derive.engine.terms import context_of
from derive.model import REFUTED, Source
from derive.notation.primitives import sigmoid

w, x, b, y = symbols("w x b y", real=True)
p = define("p", (), sigmoid(w * x + b))
L = -(y * log(p()) + (1 - y) * log(1 - p()))
DOC = document(
    "logreg",
    "logistic regression",
    Source("notes", "notes.md"),
    inputs=(w, x, b, y),
    definitions=(p,),
    claims=(claim("eq. 3.2", "3", "", Derivative(L, w), (p() - y) * w),),
)


def test_refutes_wrong_factor_with_simplest_point():
    finding = decide(context_of(DOC), DOC.claims[0], Deadline(30))
    assert finding.status is REFUTED
    found = finding.counterexample
    assert dict(found.point) == {"b": "0", "w": "0", "x": "1", "y": "0"}
    assert (found.lhs, found.rhs) == ("1/2", "0")
