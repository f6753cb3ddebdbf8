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
