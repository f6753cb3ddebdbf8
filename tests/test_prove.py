"""The symbolic strategies prove true identities and never prove false ones."""

import pytest
import sympy
from sympy import IndexedBase, KroneckerDelta, Sum, exp, log, symbols

from derive.engine.deadline import Deadline
from derive.engine.indexcalc import canonical_indices, position_name
from derive.engine.prove import zero_method
from derive.notation.primitives import sigmoid, softplus

x, y = symbols("x y", real=True)
i, j = symbols("i j", integer=True)
a = symbols("a", positive=True)

TRUE = [
    (softplus(x), log(1 + exp(x))),
    (softplus(x) - softplus(-x), x),
    (sigmoid(x) + sigmoid(-x), 1),
    (log(1 + exp(x)) + log(1 + exp(y)), log(1 + exp(x) + exp(y) + exp(x + y))),
    (exp(log(a) * y), a**y),
]
FALSE = [
    (softplus(x), log(1 + exp(-x))),
    (sigmoid(x), 1 - sigmoid(x)),
    (log(1 + exp(x)) + log(1 + exp(y)), log(1 + exp(x) + exp(y))),
    (exp(x + y), exp(x) + exp(y)),
]


@pytest.mark.parametrize("lhs, rhs", TRUE)
def test_proves_true_identity(lhs, rhs):
    assert zero_method(lhs, rhs, "==", Deadline(20)) is not None


@pytest.mark.parametrize("lhs, rhs", FALSE)
def test_does_not_prove_false_identity(lhs, rhs):
    assert zero_method(lhs, rhs, "==", Deadline(20)) is None


def test_proves_sign_of_inequality():
    assert zero_method(0, sigmoid(x), "<", Deadline(10)) is not None
    assert zero_method(sigmoid(x), 0, "<", Deadline(10)) is None


def test_canonical_names_never_capture():
    # An outer index already called ι1 around an inner ι0: renaming must not merge them.
    outer, inner = sympy.Symbol("ι1", integer=True), sympy.Symbol("ι0", integer=True)
    y, n = sympy.IndexedBase("y"), sympy.Symbol("n", integer=True, positive=True)
    renamed = canonical_indices(Sum(Sum(y[outer, inner], (inner, 1, n)), (outer, 1, n)))
    assert renamed == canonical_indices(Sum(Sum(y[i, j], (j, 1, n)), (i, 1, n)))
    assert not renamed.has(y[inner, inner]) and not renamed.has(y[outer, outer])


def test_canonical_names_follow_a_dependent_range():
    y, n = sympy.IndexedBase("y"), sympy.Symbol("n", integer=True, positive=True)
    triangle = canonical_indices(Sum(y[i], (i, 1, j - 1), (j, 1, n)))
    canonical = {position_name(0, "ι"), position_name(1, "ι")}
    assert {s for s in triangle.atoms(sympy.Dummy)} == canonical


def test_a_free_index_named_like_a_canonical_one_is_not_captured():
    # Issue 9, item 9: a free index called ι0 was captured by the canonical names.
    y, n = sympy.IndexedBase("y"), sympy.Symbol("n", integer=True, positive=True)
    free = sympy.Symbol("ι0", integer=True)
    mine, other = Sum(y[i] * y[free], (i, 1, n)), Sum(y[i] * y[i], (i, 1, n))
    assert canonical_indices(mine) != canonical_indices(other)
    assert zero_method(mine, other, "==", Deadline(10)) is None


def test_common_denominator_proves_and_refuses():
    p, q = symbols("p q", positive=True)
    assert zero_method(p / (p + q) + q / (p + q), 1, "==", Deadline(10)) is not None
    assert zero_method(p / (p + q), 1, "==", Deadline(10)) is None


def test_factoring_shows_a_blend_lies_between_its_ends():
    blend = sigmoid(x) * a + (1 - sigmoid(x)) * y
    between = (blend - a) * (blend - y)
    assert zero_method(between, 0, "<=", Deadline(20)) == "sign after factor"
    assert zero_method(between, 0, ">=", Deadline(20)) is None
    assert zero_method(between, -1, ">=", Deadline(20)) is None


def test_index_calculus_sums_a_delta_out_only_within_the_declared_range():
    n = symbols("n", integer=True, positive=True)
    j, p = symbols("j p", integer=True)
    w = IndexedBase("w")
    summed = Sum(w[j] * KroneckerDelta(j, p), (j, 1, n))
    assert zero_method(summed, w[p], "==", Deadline(10), {p: (1, n)}) == "index calculus"
    assert zero_method(summed, w[p], "==", Deadline(10)) is None


def test_canonical_names_leave_a_free_index_in_an_outer_range_free():
    # In Sum(f, (i, 1, n), (j, 1, i)) the i of j's range is free: only the summand's i is bound.
    n = sympy.Symbol("n", integer=True, positive=True)
    f = sympy.Function("f")
    shadowed = canonical_indices(Sum(f(i, j), (i, 1, n), (j, 1, i)))
    assert shadowed.free_symbols == {i, n}
    assert shadowed != canonical_indices(Sum(f(i, j), (j, 1, i), (i, 1, n)))


def test_the_factored_form_is_tried_below_a_power_of_degree_64_only():
    """factor() takes exp(-1000) as a polynomial of degree 1000 in e, and exp(1000 x) as one
    in exp(x): Zassenhaus' factoring spent 25 s of a 30 s claim there. A square under a root
    is still proved factored."""
    from derive.engine.prove import _low_degree

    x, y = symbols("x y", positive=True)
    assert not any(_low_degree(e) for e in (exp(-1000), exp(1000 * x), x ** (1000 * y), x**65))
    assert _low_degree(sympy.sqrt(x**2 + 2 * x + 1) + exp(3 * x) + x**64)
    with Deadline(30).guard() as deadline:
        proof = zero_method(sympy.sqrt(x**2 + 2 * x + 1), x + 1, "==", deadline, only={"factored"})
    assert proof == "factored"
