"""Sum rewrites hold at every size, fire only when their condition is shown, and never make
a false identity look true."""

import sympy
from sympy import IndexedBase, KroneckerDelta, Min, Piecewise, Sum, symbols

from derive.engine.deadline import Deadline
from derive.engine.indexcalc import canonical_indices, collapse_deltas, is_valid_order
from derive.engine.normal import normalize_aggregates
from derive.engine.prove import zero_method
from derive.engine.sumalgebra import (
    merge_sums,
    piecewise_in_sum,
    symmetrize_triangles,
)

N, D, H = symbols("N D H", integer=True, positive=True)
i, j, k, u = symbols("i j k u", integer=True)
d, t = symbols("d t", integer=True, positive=True)
x, y, f = IndexedBase("x"), IndexedBase("y"), IndexedBase("f")
RANGES = {d: (1, D), t: (1, H)}


def _zero(expr) -> bool:
    return sympy.expand(normalize_aggregates(expr)) == 0


def test_delta_collapses_inside_the_declared_range():
    assert collapse_deltas(Sum(KroneckerDelta(j, d) * x[j], (j, 1, D)), RANGES) == x[d]


def test_delta_collapses_to_an_enclosing_index():
    inner = Sum((KroneckerDelta(k, j) - y[j]) * x[j], (j, 1, N))
    collapsed = collapse_deltas(Sum(inner, (k, 1, N)), {})
    assert _zero(collapsed - Sum(x[k] - Sum(y[j] * x[j], (j, 1, N)), (k, 1, N)))


def test_delta_outside_the_range_gives_zero():
    assert collapse_deltas(Sum(KroneckerDelta(j, N + 1) * x[j], (j, 1, N)), {}) == 0


def test_delta_stays_when_the_range_is_not_known_to_contain_it():
    # d runs to D, the sum to N: neither inside nor outside is shown.
    kept = collapse_deltas(Sum(KroneckerDelta(j, d) * x[j], (j, 1, N)), RANGES)
    assert isinstance(kept, Sum) and kept.has(KroneckerDelta)


def test_shifted_delta_needs_the_shifted_range():
    # δ(q, u + 1) pins u = q - 1, which is not inside 1..H for every q in 1..H + 1.
    q = symbols("q", integer=True, positive=True)
    term = Sum(KroneckerDelta(q, u + 1) * x[u], (u, 1, H))
    assert collapse_deltas(term, {q: (1, H + 1)}) == term
    assert collapse_deltas(Sum(KroneckerDelta(t + 1, u + 1) * x[u], (u, 1, H)), RANGES) == x[t]


def test_delta_collapses_under_a_min_range():
    p = symbols("p", integer=True, positive=True)
    term = Sum(KroneckerDelta(j, p) * x[j], (j, 1, D))
    assert collapse_deltas(term, {p: (1, Min(D, H))}) == x[p]


def test_delta_pair_is_written_with_one_name():
    assert collapse_deltas(KroneckerDelta(d, t) * x[t], {}) == KroneckerDelta(d, t) * x[d]


def test_double_sums_in_either_order_are_one_object():
    one = Sum(Sum(x[i] * y[i, j], (j, 1, N)), (i, 1, D))
    other = Sum(Sum(x[i] * y[i, j], (i, 1, D)), (j, 1, N))
    assert _zero(one - other)


def test_independent_factors_split_so_a_sum_can_cancel():
    # Σ_i Σ_j x_i y_j = (Σ_i x_i)(Σ_j y_j), and Σ_j y_j then cancels a denominator.
    merged = Sum(x[i] * y[j], (i, 1, N), (j, 1, N)) / Sum(y[k], (k, 1, N))
    assert _zero(merged - Sum(x[i], (i, 1, N)))


def test_dependent_ranges_keep_their_order():
    triangle = Sum(x[i] * y[j], (j, 1, i - 1), (i, 1, N))
    swapped = Sum(x[i] * y[j], (i, 1, j - 1), (j, 1, N))
    assert not _zero(triangle - swapped)  # Σ_{j<i} x_i y_j is not Σ_{i<j} x_i y_j
    merged = merge_sums(triangle, canonical_indices)
    assert not any(isinstance(s, sympy.Dummy) for s in merged.atoms(sympy.Symbol) - {i, j})


def test_a_range_that_names_an_inner_index_freely_is_not_bound_by_reordering():
    # Sum(f, (i, 1, N), (j, 1, i)) is Σ_{j=1}^{i} Σ_{i'=1}^{N} f with i free; renaming i in
    # j's range too made it Σ_i Σ_{j≤i} f, which normalize_aggregates then equated with it.
    z = IndexedBase("z")
    shadowed = Sum(z[i, j], (i, 1, N), (j, 1, i))
    nested = Sum(z[i, j], (j, 1, i), (i, 1, N))
    assert i in normalize_aggregates(shadowed).free_symbols
    assert normalize_aggregates(shadowed) != normalize_aggregates(nested)
    assert not _zero(shadowed - nested)


def test_more_linked_sums_than_are_permuted_keep_a_valid_order():
    # Six sums linked by one entry, and a factor sum whose range names the outer a: past
    # MAX_PERMUTED the flattened order put Σ_{j≤a} outside Σ_a, leaving a free.
    a, b, c, e, f = symbols("a b c e f", integer=True)
    z = IndexedBase("z")
    body = z[a, b, c, e, f] * Sum(y[j], (j, 1, a))
    merged = merge_sums(Sum(body, *((s, 1, N) for s in (a, b, c, e, f))), canonical_indices)
    assert merged.free_symbols & {a, b, c, e, f, N} == {N}
    (inner,) = merged.atoms(Sum)
    assert is_valid_order(inner.limits)


def test_symmetric_triangle_is_half_the_off_diagonal_square():
    F = (x[j] - x[k]) * (y[j] - y[k])
    pairs = Sum(Sum(F, (j, 1, k - 1)), (k, 1, N))
    half = Sum(Sum((1 - KroneckerDelta(j, k)) * F / 2, (j, 1, N)), (k, 1, N))
    assert zero_method(pairs, collapse_deltas(half, {}), "==", Deadline(20)) is not None


def test_asymmetric_triangle_is_left_alone():
    F = x[j] * y[k]
    pairs = Sum(Sum(F, (j, 1, k - 1)), (k, 1, N))
    assert symmetrize_triangles(pairs) == pairs
    half = Sum(Sum((1 - KroneckerDelta(j, k)) * F / 2, (j, 1, N)), (k, 1, N))
    assert zero_method(pairs, collapse_deltas(half, {}), "==", Deadline(20)) is None


def test_does_not_prove_a_false_reordering():
    # Σ_i Σ_j x_i y_ij ≠ Σ_i Σ_j x_j y_ij.
    one = Sum(x[i] * y[i, j], (j, 1, N), (i, 1, N))
    other = Sum(x[j] * y[i, j], (j, 1, N), (i, 1, N))
    assert zero_method(one, other, "==", Deadline(20)) is None


def test_piecewise_inside_a_sum_is_flagged():
    step = Piecewise((1, x[j] > 0), (0, True))
    assert piecewise_in_sum(Sum(step, (j, 1, N)))
    assert not piecewise_in_sum(step * Sum(x[j], (j, 1, N)))
