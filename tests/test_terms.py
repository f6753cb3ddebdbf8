"""Unfolding, instantiation and the guard against differentiating opaque definitions."""

import pytest
import sympy
from sympy import Derivative, IndexedBase, Sum, symbols

from derive.declare import claim, define, document, recurrence
from derive.engine.terms import (
    InputError,
    NotDerivable,
    check_declared,
    check_in_shape,
    context_of,
    evaluate_derivatives,
    free_indices,
    instance,
    instantiate,
    side_entries,
    substitute,
    unfold,
)
from derive.model import Source
from derive.notation.partials import as_partials

n = symbols("n", integer=True, positive=True)
t, j = symbols("t j", integer=True)
u = IndexedBase("u", real=True)
w = symbols("w", real=True)
s = define("s", (t,), w * u[t])
acc = recurrence("acc", (t,), start=0, initial=0, step=lambda prev: prev + s(t))
DOC = document(
    "toy",
    "toy",
    Source("toy", "toy.txt"),
    inputs=(u, w),
    definitions=(s, acc),
    sizes={n: (1, 2)},
    claims=(claim("c", "", "", acc(n), Sum(s(j), (j, 1, n))),),
)
CTX = context_of(DOC)


def test_recurrence_unfolds_at_concrete_arguments():
    assert sympy.expand(unfold(CTX, acc(2))) == w * u[1] + w * u[2]


def test_recurrence_stays_folded_at_a_symbolic_argument():
    assert unfold(CTX, acc(n)).has(acc.func)


def test_recurrence_unfolds_once_past_its_start_when_bounds_allow():
    once = unfold(CTX, acc(n), {n: 2})
    assert once.has(acc.func) and once.has(u[n])


def test_before_the_start_is_an_input_error():
    with pytest.raises(InputError, match="before the start"):
        unfold(CTX, acc(-1))


def test_derivative_through_opaque_definition_is_refused():
    with pytest.raises(NotDerivable):
        evaluate_derivatives(CTX, Derivative(acc(n), w), {})


def test_derivative_is_taken_after_unfolding():
    assert evaluate_derivatives(CTX, Derivative(acc(2), w)) == u[1] + u[2]


def test_instantiation_reaches_input_atoms():
    total = instantiate(CTX, Sum(s(j), (j, 1, n)), {n: 3})
    assert sympy.expand(total - w * (u[1] + u[2] + u[3])) == 0


def test_undeclared_symbol_is_named():
    with pytest.raises(InputError, match="symbol q is not declared"):
        check_declared(CTX, acc(2) + symbols("q"))


def test_undeclared_tensor_is_named():
    with pytest.raises(InputError, match="tensor v"):
        check_declared(CTX, IndexedBase("v")[1])


def test_triangular_sum_expands_at_concrete_sizes():
    # SymPy merges Σ_k Σ_{j<k} into one Sum whose inner range names k.
    triangle = Sum(Sum(u[j], (j, 1, t - 1)), (t, 1, n))
    assert sympy.expand(instantiate(CTX, triangle, {n: 3}) - (2 * u[1] + u[2])) == 0


def test_unfolding_can_stop_after_one_round():
    once = unfold(CTX, acc(2), rounds=1)
    assert once.has(acc.func) and once.has(s.func)


def test_an_entry_side_is_a_scalar():
    doc = document(
        "toy-entry",
        "toy",
        Source("toy", "toy.txt"),
        inputs=(u, w),
        definitions=(s,),
        sizes={n: (1, 2)},
        claims=(claim("c", "", "", s(1), w * u[1]),),
    )
    entries = instance(context_of(doc), doc.claims[0].lhs, u[1] * w, {n: 1}).entries
    assert len(entries) == 1


def test_substitution_renames_a_bound_index_instead_of_capturing():
    r, k = symbols("r k", integer=True)
    x = IndexedBase("x")
    body = Sum(x[r, k], (r, 1, 2))
    assert substitute(body, {k: r}).doit() == x[1, r] + x[2, r]
    # SymPy's subs alone captured r (x[1, 1] + x[2, 2]); corrected, it renames too.
    assert body.subs(k, r).doit() == x[1, r] + x[2, r]


def test_a_bare_tensor_entry_is_a_scalar_side():
    entry = IndexedBase("T")[1]  # its base lost its shape, so SymPy's .shape would raise
    assert side_entries(entry, w) == [("", entry, w)]


def test_derivative_does_not_capture_a_bound_index_of_the_same_name():
    # total(c)'s body sums over j; differentiating by u[j] with a free j must not capture it.
    total = define("total", (), Sum(u[j] ** 2, (j, 1, n)))
    doc = document(
        "cap",
        "cap",
        Source("toy", "toy.txt"),
        inputs=(u,),
        definitions=(total,),
        claims=(),
        indices={j: (1, n)},
    )
    derived = evaluate_derivatives(context_of(doc), Derivative(total(), u[j]))
    assert sympy.expand(derived.subs(n, 3).doit().subs(j, 2)) == 2 * u[2]


def test_free_index_inside_a_derivative_variable_is_found():
    total = define("total2", (), Sum(u[t] ** 2, (t, 1, n)))
    doc = document(
        "idx",
        "idx",
        Source("toy", "toy.txt"),
        inputs=(u,),
        definitions=(total,),
        claims=(),
        indices={j: (1, n)},
    )
    assert free_indices(context_of(doc), Derivative(total(), u[j])) == (j,)


def test_window_shapes_allow_indices_down_to_their_start():
    K = symbols("K", integer=True, positive=True)
    v = IndexedBase("v", shape=((-K, K),))
    doc = document(
        "win",
        "win",
        Source("toy", "toy.txt"),
        inputs=(v,),
        definitions=(),
        claims=(),
        sizes={K: (1,)},
    )
    ctx = context_of(doc)
    check_in_shape(ctx, v[-1], {K: 1})
    with pytest.raises(InputError, match="outside the shape"):
        check_in_shape(ctx, v[-2], {K: 1})


def test_a_window_with_fractional_ends_holds_the_entries_between_them():
    """Helper 176: a window (−K/2, K/2) is the entries ⌈−K/2⌉..⌊K/2⌋; at K = 1 its low end
    was read as 1 (h[0] refused) and its high end 1/2 checked nothing (h[1] let in). An end
    the sizes do not fix checks nothing."""
    K = symbols("K", integer=True, positive=True)
    h = IndexedBase("h", shape=((-K / 2, K / 2),))
    doc = document(
        "win",
        "win",
        Source("toy", "toy.txt"),
        inputs=(h,),
        definitions=(),
        claims=(),
        sizes={K: (1, 2)},
    )
    ctx = context_of(doc)
    check_in_shape(ctx, h[0], {K: 1})
    check_in_shape(ctx, h[-1], {K: 2})
    check_in_shape(ctx, h[0], {})  # K not given: nothing to check against
    for outside, sizes in ((h[1], {K: 1}), (h[-1], {K: 1}), (h[2], {K: 2})):
        with pytest.raises(InputError, match="outside the shape"):
            check_in_shape(ctx, outside, sizes)


def test_an_entry_below_1_of_a_tensor_without_a_shape_says_where_entries_start():
    # It said "outside the shape () of v", a shape the document never declared.
    v = IndexedBase("v")
    doc = document("win", "win", Source("toy", "toy.txt"), inputs=(v,), definitions=(), claims=())
    with pytest.raises(InputError, match="below 1, where the entries of v start"):
        check_in_shape(context_of(doc), v[0], {})


def test_a_triangular_sum_instantiates():
    triangular = Sum(u[t], (t, 1, j), (j, 1, n))
    assert sympy.expand(instantiate(CTX, triangular, {n: 2}) - (2 * u[1] + u[2])) == 0


def test_an_index_a_sum_binds_around_a_derivative_variable_is_not_free():
    v = symbols("v", integer=True)  # declared nowhere: only the sum binds it
    bound = Sum(Derivative(acc(2), s(v)), (v, 1, n))
    check_declared(CTX, as_partials(bound))  # raised "symbol v is not declared" before
    with pytest.raises(InputError, match="symbol v is not declared"):
        check_declared(CTX, as_partials(Derivative(acc(2), s(v))))
