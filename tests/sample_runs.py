"""Hand-made verdicts covering every outcome, and a small real document, for the tests of
the report formats and the pytest plugin."""

from derive.model import (
    NUMERIC,
    PROVED,
    REFUTED,
    UNDECIDED,
    Counterexample,
    DocumentRun,
    Source,
    Verdict,
)

# A real document: eq. 3.3 repeats the erratum eq. 3.2 but expects it PROVED.
LOGREG_SOURCE = '''
"""Binary logistic regression, with one expectation recorded wrongly."""
from sympy import Derivative, log, symbols

from derive.declare import claim, define, document
from derive.model import REFUTED, Source
from derive.notation.primitives import sigmoid

w, x, b, y = symbols("w x b y", real=True)
p = define("p", (), sigmoid(w * x + b))
L = -(y * log(p()) + (1 - y) * log(1 - p()))

DOCUMENT = document(
    "logreg", "Binary logistic regression", Source("my notes", "notes.md"),
    inputs=(w, x, b, y), definitions=(p,),
    claims=(
        claim("eq. 3.1", "3", "dL/db = p - y", Derivative(L, b), p() - y),
        claim("eq. 3.2", "3", "dL/dw = (p - y) w", Derivative(L, w), (p() - y) * w, expect=REFUTED),
        claim("eq. 3.3", "3", "dL/dw = (p - y) w", Derivative(L, w), (p() - y) * w),
    ),
)
'''
LOGREG_COUNTEREXAMPLE = "b = 0, w = 0, x = 1, y = 0  →  lhs 1/2, rhs 0"  # of eq. 3.3
LOAD_PROBLEM = "broken.py: line 3: NameError: name 'q' is not defined"


def _verdict(claim, status, expected, statement, **extra) -> Verdict:
    common = dict(document="logreg", seconds=0.25, section="3", location="notes/logreg.py:11")
    fields = dict(scope="all values", method="expand, definitions unfolded", **common)
    fields.update(extra)
    return Verdict(claim=claim, status=status, expected=expected, statement=statement, **fields)


def sample_run() -> DocumentRun:
    """One document: proved, refuted unexpectedly, a known erratum, undecided as expected,
    an input error and a derived gradient; text with Markdown and XML specials."""
    wrong = Counterexample((), (("b", "0"), ("w", "1"), ("x", "0"), ("y", "0")), "1/2", "0")
    verdicts = (
        _verdict("eq. 3.1", PROVED, PROVED, "∂L/∂b = p - y", quote="dL/db = p - y"),
        _verdict(
            "eq. 3.2",
            REFUTED,
            PROVED,
            "∂L/∂w = w*(p - y)",
            scope="counterexample found",
            method="counterexample search",
            quote="dL/dw = |w| * (p - y) <see note>",
            derived="x*(p - y)",
            residual="(w - x)*(p - y)",
            counterexample=wrong,
            latex=(
                ("statement", r"\frac{\partial L}{\partial w} = w \left(p - y\right)"),
                ("derived", r"x \left(p - y\right)"),
                ("residual", r"\left(w - x\right) \left(p - y\right)"),
            ),
        ),
        _verdict(
            "eq. 3.3",
            REFUTED,
            REFUTED,
            "|x| = x",
            scope="counterexample found",
            method="counterexample search",
            counterexample=Counterexample((), (("x", "-1"),), "1", "-1"),
            note="a known erratum",
        ),
        _verdict("eq. 4", UNDECIDED, UNDECIDED, "Sum(f(i), i) = g", scope="timeout after 30 s"),
        _verdict("eq. 5", UNDECIDED, PROVED, "z < q & q", error="claim uses undeclared symbol q"),
        _verdict(
            "grad.L.w",
            NUMERIC,
            NUMERIC,
            "∂(L)/∂w, derived by the engine",
            scope="4 partial derivatives at sizes n = 1",
            method="central differences",
        ),
    )
    return DocumentRun("logreg", "Logistic regression", Source("notes", "logreg.md"), verdicts, 1.5)
