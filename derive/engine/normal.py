"""Normal forms of aggregates: sums and products split over their terms and factors, constant
factors pulled out, and bound indices named canonically, so Σ_k f(k) and Σ_j f(j) become the
same object.

    >>> import sympy
    >>> k, j, n = sympy.symbols("k j n", integer=True)
    >>> f = sympy.Function("f")
    >>> same = canonical_indices(sympy.Sum(f(k), (k, 1, n)))
    >>> same == canonical_indices(sympy.Sum(f(j), (j, 1, n)))
    True
"""

from __future__ import annotations

import functools

import sympy
from sympy import Product, Sum

from derive.engine.sumalgebra import (
    merge_sums,
    symmetrize_triangles,
)
from derive.engine.terms import (
    AGGREGATES,
)
from derive.notation.aggregates import SetSum, SubsetSum


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


@functools.cache
def _bound(depth: int) -> sympy.Dummy:
    # A Dummy, made once per depth: equal across both sides of a claim, and never equal to
    # a document's own symbol (a free index named ι0 would otherwise be captured).
    return sympy.Dummy(f"ι{depth}", integer=True)


def canonical_indices(expr):
    """Rename the bound index of every Sum, Product and SetSum after its nesting depth.

    Every binder first gets a unique name, so renaming cannot capture: a sum moved by the
    normal forms may already use a canonical name that is now the wrong depth's.
    """
    if not isinstance(expr, sympy.Basic):
        return expr
    return _canonical(expr)


@functools.lru_cache(maxsize=4096)
def _canonical(expr):
    # Cached: the normal forms ask again for the same terms (merge_sums tries several orders).
    return _by_depth(_fresh_binders(expr), 0)


def _fresh_binders(expr):
    def fresh(node):
        if isinstance(node, SetSum):
            return node.xreplace({node.index: sympy.Dummy(integer=True)})
        return node.xreplace({lim[0]: sympy.Dummy(integer=True) for lim in node.limits})

    return expr.replace(lambda n: isinstance(n, (Sum, Product, SetSum)), fresh)


def _by_depth(expr, depth: int):
    if not expr.args or not expr.has(Sum, Product, SetSum):
        return expr  # nothing bound below: rebuilding would only re-evaluate it
    if isinstance(expr, (Sum, Product)):
        body, limits = expr.function, []
        for index, lo, hi in expr.limits:
            fresh = _bound(depth)
            body = body.xreplace({index: fresh})
            # An inner range may mention this (outer) index: Σ_k Σ_{j<k} is one Sum.
            limits = [
                (i, a.xreplace({index: fresh}), b.xreplace({index: fresh})) for i, a, b in limits
            ]
            limits.append((fresh, lo, hi))
            depth += 1
        return expr.func(_by_depth(body, depth), *limits)
    if isinstance(expr, SetSum):
        fresh = _bound(depth)
        body = _by_depth(expr.summand.xreplace({expr.index: fresh}), depth + 1)
        return SetSum(body, fresh, expr.set)
    return expr.func(*(_by_depth(arg, depth) for arg in expr.args))


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
    if isinstance(node, Sum):
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
