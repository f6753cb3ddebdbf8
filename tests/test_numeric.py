"""Numeric evaluation: agreement is evidence, and an undefined side is neither."""

import sympy
from sympy import Rational, symbols

from derive.engine.numeric import AGREE, DIFFER, UNDEFINED, compile_instance
from derive.engine.terms import Instance
from derive.notation.primitives import leaky_relu, sigmoid

x = symbols("x", real=True)


def test_sides_are_compared_at_a_point():
    compiled = compile_instance(Instance({}, (("", x**2, x * x), ("", x, 2 * x)), (x,)), "==")
    assert compiled.outcome({x: Rational(1, 2)}) == DIFFER
    assert (
        compile_instance(Instance({}, (("", x**2, x * x),), (x,)), "==").outcome({x: Rational(3)})
        == AGREE
    )


def test_a_side_that_is_undefined_outright_is_undefined():
    instance = Instance({}, (("", 1 / sympy.sqrt(x - x), x),), (x,))  # 1/0 is SymPy's zoo
    assert compile_instance(instance, "==").outcome({x: Rational(1)}) == UNDEFINED


def test_primitives_of_any_declared_arity_evaluate_by_their_definitions():
    # sigmoid declares no nargs (any count); leaky_relu takes two.
    entries = (("", sigmoid(x), 1 / (1 + sympy.exp(-x))), ("", leaky_relu(x, Rational(1, 5)), x))
    compiled = compile_instance(Instance({}, entries, (x,)), "==")
    assert compiled.outcome({x: Rational(3, 2)}) == AGREE
    assert compiled.outcome({x: Rational(-1)}) == DIFFER


def test_exp2_is_evaluated():
    """exp2 is in the vocabulary, but evaluation had no function for it: 'name exp2 is not
    defined', UNDECIDED (helper 102)."""
    from sympy import Rational, Symbol
    from sympy.codegen.cfunctions import exp2

    from derive.declare import claim, document
    from derive.model import REFUTED, Source
    from derive.verify import verify

    r = Symbol("r", real=True)
    wrong = claim("c", "", "", exp2(r), 2**r + Rational(1, 10**30))
    doc = document("e", "exp2", Source("n", "n.md"), inputs=(r,), definitions=(), claims=(wrong,))
    (verdict,) = verify(doc, timeout=30)
    assert verdict.status is REFUTED, verdict.error
