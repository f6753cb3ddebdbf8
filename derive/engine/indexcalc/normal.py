"""The index-calculus normal form: sums of terms grouped by canonical key. Two expressions
are equal if their normal forms are (sound; incomplete).

    >>> import sympy
    >>> j, k, n = sympy.symbols("j k n", integer=True)
    >>> x = sympy.IndexedBase("x")
    >>> index_zero(sympy.Sum(x[j], (j, 1, n)) - sympy.Sum(x[k], (k, 1, n)), {})
    True
"""

from __future__ import annotations

import functools
import hashlib
from dataclasses import replace

import sympy
from sympy import Add, KroneckerDelta, Pow, Sum

from derive.engine.indexcalc.canonical import canonical_key, is_contradictory
from derive.engine.indexcalc.deltas import eliminate_deltas, settle, within
from derive.engine.indexcalc.terms import TooLarge, expand_terms
from derive.notation.aggregates import SetSum, SubsetSum

BINDERS = (SetSum, SubsetSum, sympy.Integral, sympy.Derivative)


def normal_terms(expr, ranges: dict) -> dict:
    """Map each canonical term description to (one such term, the sum of coefficients).

    >>> j, k, n = sympy.symbols("j k n", integer=True)
    >>> x = sympy.IndexedBase("x")
    >>> twice = 2 * Sum(x[j], (j, 1, n)) + Sum(x[k], (k, 1, n))
    >>> [total for _, total in normal_terms(twice, {}).values()]
    [3]
    """
    grouped: dict = {}
    for term in expand_terms(expr):
        term = settle(eliminate_deltas(term, within(ranges)))
        if term.coeff == 0 or is_contradictory(term):
            continue
        key = canonical_key(term)
        first, total = grouped.get(key, (term, sympy.S.Zero))
        grouped[key] = (first, total + term.coeff)
    return grouped


def normal_form(expr, ranges: dict) -> dict:
    """Map each canonical term description to the sum of its coefficients.

    >>> j, k, n = sympy.symbols("j k n", integer=True)
    >>> x = sympy.IndexedBase("x")
    >>> list(normal_form(Sum(x[j], (j, 1, n)) - Sum(x[k], (k, 1, n)), {}).values())
    [0]
    """
    return {key: total for key, (_, total) in normal_terms(expr, ranges).items()}


def index_zero(expr, ranges: dict) -> bool:
    """Whether the normal form of `expr` is zero (sound; incomplete).

    >>> j, k, n = sympy.symbols("j k n", integer=True)
    >>> x = sympy.IndexedBase("x")
    >>> index_zero(Sum(x[j], (j, 1, n)) - Sum(x[k], (k, 1, n - 1)), {})
    False
    """
    try:
        grouped = normal_form(named_arguments(expr, ranges), ranges)
    except TooLarge:
        return False
    return all(sympy.expand(c) == 0 for c in grouped.values())


def named_arguments(expr, ranges: dict, bound: frozenset = frozenset()):
    """`expr` with the argument of each function or non-polynomial power that holds a sum
    replaced by one atom per normal form: sqrt(Σ_j (x_j - μ)²/n + ε) on one side and
    sqrt(Σ_j x_j²/n - μ² + ε) on the other become the same sqrt(a).

    Equal atoms stand for equal normal forms, hence equal values. An argument that mentions
    an index bound around it is left as written: an atom cannot show that dependence.

    >>> j, k, n = sympy.symbols("j k n", integer=True)
    >>> x = sympy.IndexedBase("x")
    >>> root = lambda i: sympy.sqrt(Sum(x[i], (i, 1, n)))
    >>> named_arguments(root(j), {}) == named_arguments(root(k), {})
    True
    """
    if not isinstance(expr, sympy.Basic) or not expr.has(Sum):
        return expr
    if isinstance(expr, (Sum, sympy.Product)):
        inner = bound | {index for index, _, _ in expr.limits}
        return expr.func(named_arguments(expr.function, ranges, inner), *expr.limits)
    if isinstance(expr, BINDERS) or not all(isinstance(a, sympy.Expr) for a in expr.args):
        return expr  # another binder, or a Piecewise's conditions: left as written
    if expr.free_symbols & bound:
        opaque = ()
    elif isinstance(expr, Pow) and not (expr.exp.is_Integer and expr.exp > 0):
        opaque = (0,)
    elif isinstance(expr, sympy.Function) and not isinstance(expr, KroneckerDelta):
        opaque = range(len(expr.args))
    else:
        opaque = ()
    args = [
        _atom(arg, ranges) if k in opaque else named_arguments(arg, ranges, bound)
        for k, arg in enumerate(expr.args)
    ]
    return expr.func(*args)


def _atom(argument, ranges: dict):
    if not argument.has(Sum):
        return argument
    grouped = normal_form(named_arguments(argument, ranges), ranges)
    described = sorted(
        (key, sympy.srepr(total))
        for key, total in ((k, sympy.expand(t)) for k, t in grouped.items())
        if total != 0
    )
    if not described:
        return sympy.S.Zero
    return _atom_named(hashlib.sha256(repr(described).encode()).hexdigest()[:16])


@functools.cache
def _atom_named(digest: str) -> sympy.Dummy:
    # A Dummy, so that no symbol of a document can equal it; one per normal form.
    return sympy.Dummy(f"α{digest[:6]}")


def index_residual(expr, ranges: dict):
    """`expr` rebuilt from the nonzero terms of its normal form (what is left of lhs - rhs),
    with each term's indices named k1, k2, ... for reading.

    >>> j, k, n = sympy.symbols("j k n", integer=True)
    >>> x = sympy.IndexedBase("x")
    >>> index_residual(Sum(2 * x[j], (j, 1, n)) - Sum(x[k], (k, 1, n)), {})
    Sum(x[k1], (k1, 1, n))
    """
    kept = []
    for term, total in normal_terms(expr, ranges).values():
        total = sympy.factor(sympy.expand(total))
        if total == 0:
            continue
        names = {
            v: sympy.Symbol(f"k{n + 1}", integer=True) for n, (v, _, _) in enumerate(term.bound)
        }
        kept.append(replace(term, coeff=total).rebuild().xreplace(names))
    return Add(*kept)
