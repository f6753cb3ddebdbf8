"""Increments and first-order parts are taken after unfolding, exactly as stated."""

import sympy
from sympy import IndexedBase, Sum, symbols

from derive.declare import define, document
from derive.engine.terms import context_of, evaluate_derivatives
from derive.model import Source
from derive.notation.aggregates import Padded
from derive.notation.perturb import FirstOrder, Increment

n = symbols("n", integer=True, positive=True)
c = symbols("c", integer=True, positive=True)
x, dx = IndexedBase("x", real=True), IndexedBase("Δx", real=True)
s, ds = symbols("s Δs", real=True)
square = define("square", (), Sum(x[c] ** 2, (c, 1, n)) * s)
DOC = document(
    "toy",
    "toy",
    Source("toy", "toy.txt"),
    inputs=(x, dx, s, ds),
    definitions=(square,),
    claims=(),
    sizes={n: (1, 2)},
)
CTX = context_of(DOC)


def _value(expr):
    return sympy.expand(evaluate_derivatives(CTX, expr).subs(n, 2).doit())


def test_increment_is_exact():
    moved = ((x[1] + dx[1]) ** 2 + (x[2] + dx[2]) ** 2) * s
    assert _value(Increment(square(), (x, dx))) == sympy.expand(moved - (x[1] ** 2 + x[2] ** 2) * s)


def test_first_order_part_is_linear_in_the_perturbation():
    assert _value(FirstOrder(square(), (x, dx))) == sympy.expand(
        2 * s * (x[1] * dx[1] + x[2] * dx[2])
    )


def test_scalars_can_be_perturbed_too():
    assert _value(Increment(square(), (s, ds))) == sympy.expand((x[1] ** 2 + x[2] ** 2) * ds)


def test_first_order_part_is_not_the_increment():
    assert _value(FirstOrder(square(), (x, dx))) != _value(Increment(square(), (x, dx)))


def test_window_entries_are_perturbed_too():
    K = symbols("K", integer=True, positive=True)
    t = symbols("t", integer=True)
    entry = Padded(x, t, -K, K)
    moved = Increment(entry, (x, dx)).apply(entry)
    assert sympy.expand(moved.subs({K: 1, t: 0}).doit()) == dx[0]
    assert moved.subs({K: 1, t: 2}).doit() == 0
