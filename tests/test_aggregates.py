"""Subset sums expand, peel and keep their bound variables out of sight."""

import sympy

from derive.notation.aggregates import (
    Card,
    SetSum,
    SetSymbol,
    SubsetSum,
    add_element,
    call,
    expand_sum,
    rename_bound,
)

i = sympy.Symbol("i", integer=True)
n = sympy.Symbol("n", integer=True, positive=True)
d = sympy.IndexedBase("d", real=True)
S = SetSymbol("S")


def test_expands_to_all_subsets():
    total = SubsetSum(sympy.exp(SetSum(d[i], i, S)), S, 1, 2).doit()
    expected = 1 + sympy.exp(d[1]) + sympy.exp(d[2]) + sympy.exp(d[1] + d[2])
    assert sympy.expand(total - expected) == 0


def test_empty_range_has_only_the_empty_set():
    assert SubsetSum(2 + Card(S), S, 3, 2).doit() == 2


def test_cardinality_counts_members():
    assert SubsetSum(Card(S), S, 1, 3).doit() == 12  # 3 * 2**2


def test_bound_variables_are_not_free():
    body = sympy.exp(SetSum(d[i], i, S))
    free = SubsetSum(body, S, 1, n).free_symbols
    assert i not in free and S not in free and n in free


def test_adding_an_element_extends_members_and_size():
    body = Card(S) * SetSum(d[i], i, S)
    grown = add_element(body, S, n + 1)
    assert grown == (Card(S) + 1) * (SetSum(d[i], i, S) + d[n + 1])


def test_positive_body_gives_positive_sum():
    assert SubsetSum(sympy.exp(SetSum(d[i], i, S)), S, 1, n).is_positive


def test_expanding_a_sum_keeps_an_index_inside_a_derivative_variable():
    # SymPy's own doit takes Σ_k ∂f/∂x[k] for k-free and returns 2 ∂f/∂x[k].
    x, f, k = sympy.IndexedBase("x"), sympy.Function("f")(), sympy.Dummy("k", integer=True)
    total = expand_sum(sympy.Sum(sympy.Derivative(f, x[k]), (k, 1, 2)))
    assert total == sympy.Derivative(f, x[1]) + sympy.Derivative(f, x[2])


def test_a_reversed_range_is_empty_as_a_reader_takes_it():
    # One convention for the whole engine (README): Σ over hi < lo is 0, Π over it is 1.
    assert expand_sum(sympy.Sum(d[i], (i, 3, 1))) == 0
    assert expand_sum(sympy.Product(d[i], (i, 3, 1))) == 1
    assert expand_sum(sympy.Sum(d[i], (i, 2, 1))) == 0


def test_a_window_of_fixed_width_with_symbolic_ends_expands():
    assert expand_sum(sympy.Sum(d[i], (i, n, n + 1))) == d[n] + d[n + 1]


def test_renaming_a_bound_index_prevents_capture():
    c = sympy.Symbol("c", integer=True)
    body = sympy.Sum(d[c] ** 2, (c, 1, n))
    derivative = sympy.diff(rename_bound(body, {c}), d[c])
    assert sympy.Sum(2 * d[c], (c, 1, n)) != derivative
    assert derivative.has(sympy.KroneckerDelta)


def test_calling_a_lambda_renames_the_bound_indices_it_would_capture():
    j = sympy.Symbol("j", integer=True)
    row = sympy.Lambda(i, sympy.Sum(d[i + j], (j, 1, 2)))
    assert sympy.expand(call(row, j).doit()) == d[j + 1] + d[j + 2]


def test_renaming_reaches_set_sums_and_keeps_assumptions():
    i = sympy.Symbol("i", integer=True, positive=True)
    renamed = rename_bound(SetSum(d[i], i, S) + d[i], {i})
    inner = next(a for a in renamed.args if isinstance(a, SetSum))
    assert inner.index != i and inner.index.is_positive and inner.summand == d[inner.index]
    assert d[i] in renamed.args  # the free i is left alone
