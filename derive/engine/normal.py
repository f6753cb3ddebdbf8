"""Normal forms of aggregates: sums and products split over their terms and factors, constant
factors pulled out, and bound indices named canonically (by indexcalc's `canonical_indices`),
so Σ_k 2 f(k) and 2 Σ_j f(j) become the same object.

    >>> import sympy
    >>> k, j, n = sympy.symbols("k j n", integer=True)
    >>> f = sympy.Function("f")
    >>> same = normalize_aggregates(sympy.Sum(2 * f(k), (k, 1, n)))
    >>> same == normalize_aggregates(2 * sympy.Sum(f(j), (j, 1, n)))
    True
"""

from __future__ import annotations

import sympy

from derive.engine.indexcalc import canonical_indices
from derive.engine.sumalgebra import (
    merge_sums,
    symmetrize_triangles,
)
from derive.engine.terms import (
    AGGREGATES,
)
from derive.notation.aggregates import SubsetSum


def split_exp(expr):
    """exp(a + b) -> exp(a)*exp(b), leaving exp of a Sum alone (SymPy's expand would turn it
    into a Product, which the other side of a claim rarely matches)."""
    return expr.replace(
        lambda n: isinstance(n, sympy.exp) and n.args[0].is_Add,
        lambda n: sympy.Mul(*(sympy.exp(t) for t in n.args[0].args)),
    )


def normalize_aggregates(expr):
    """Split sums and products over their terms and factors, pull out constant factors, put
    double sums in one order, and give bound indices canonical names (so Σ_k f(k) and
    Σ_j f(j) become the same object)."""
    # power_exp=False: expand would turn exp of a Sum into a Product (see split_exp).
    expr = sympy.expand(split_aggregates(symmetrize_triangles(expr)), power_exp=False)
    return canonical_indices(merge_sums(expr, canonical_indices))


def split_aggregates(expr):
    for _ in range(6):
        normal = expr.replace(lambda n: isinstance(n, AGGREGATES), _normalize_one)
        if normal == expr:
            break
        expr = normal
    return expr


def _normalize_one(node):
    if isinstance(node, SubsetSum):
        depends = lambda t: t.has(node.set)  # noqa: E731
        rebuild = lambda body: SubsetSum(body, node.set, node.lo, node.hi)  # noqa: E731
        return _split(
            sympy.expand(split_exp(node.body), power_exp=False), depends, rebuild, sympy.Add
        )
    if len(node.limits) > 1:
        # Normalize the innermost sum first: SymPy would merge a bare Sum(Sum(f)) back.
        inner = _normalize_one(node.func(node.function, node.limits[0]))
        return node.func(inner, *node.limits[1:])
    index, lo, hi = node.limits[0]
    # Free occurrences only: an inner sum may reuse the name of this sum's index.
    depends = lambda t: index in t.free_symbols  # noqa: E731
    rebuild = lambda body: node.func(body, (index, lo, hi))  # noqa: E731
    if isinstance(node, sympy.Sum):
        return _split(sympy.expand(node.function), depends, rebuild, sympy.Add)
    return _split_product(node.function, depends, rebuild, hi - lo + 1)


def _split(body, depends, rebuild, add):
    total = []
    for term in sympy.Add.make_args(body):
        constant = [f for f in sympy.Mul.make_args(term) if not depends(f)]
        varying = [f for f in sympy.Mul.make_args(term) if depends(f)]
        total.append(sympy.Mul(*constant) * rebuild(sympy.Mul(*varying)))
    return add(*total)


def _split_product(body, depends, rebuild, count):
    factors = sympy.Mul.make_args(body)
    constant = sympy.Mul(*[f for f in factors if not depends(f)])
    varying = [rebuild(f) for f in factors if depends(f)]
    return constant**count * sympy.Mul(*varying)
