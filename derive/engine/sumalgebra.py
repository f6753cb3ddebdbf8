"""Rewrites of finite sums that hold at every size, for the symbolic normal forms.

Each rewrite checks its condition first and otherwise leaves the sum alone: a Kronecker delta
collapses a sum only where its other index provably lies inside (or outside) the range; a
double sum is reordered only when neither range mentions the other index; a triangular sum
becomes half the off-diagonal square only when its summand is symmetric.
"""

from __future__ import annotations

import sympy
from sympy import Mul, Sum

from derive.engine.indexcalc import fresh_indices, index_orders
from derive.notation.aggregates import SetSum, SubsetSum, bound_indices


def merge_sums(expr, canonical):
    """Give every product of sums one canonical form: factors that share no index apart.

    A monomial c · Σ_i f(i) · Σ_j Σ_k g(j, k) ... is flattened into its factors and bound
    indices (finite sums: c Σ_i f(i) = Σ_i c f(i)), the factors are grouped by the indices
    they share (a range mentioning an index links them too), and each group becomes one
    multiple sum, its limits in the valid order (indexcalc's `index_orders`) whose text after
    `canonical` sorts first. So
    Σ_i Σ_j and Σ_j Σ_i of one summand, or Σ_i Σ_j f(i) g(j) and Σ_i f(i) Σ_j g(j), become
    the same object. `expr` should be expanded into monomials first.
    """
    return expr.replace(
        lambda n: (
            isinstance(n, Sum) or (isinstance(n, Mul) and any(isinstance(f, Sum) for f in n.args))
        ),
        lambda n: _factored(n, canonical),
    )


def _factored(node, canonical):
    factors, limits = _flattened(node)
    indices = {lim[0] for lim in limits}
    groups = _groups(factors, limits)
    result = Mul(*[f for f in factors if not f.free_symbols & indices])
    for group in groups:
        body = Mul(*[f for f in factors if f.free_symbols & group])
        ranges = [lim for lim in limits if lim[0] in group]
        result *= _ordered(body, ranges, canonical)
    return result


def _flattened(node):
    """The factors and limits of `node` with every sum factor opened (indices made fresh)."""
    if isinstance(node, Sum):
        if node.free_symbols & {lim[0] for lim in node.limits}:
            node = fresh_indices(node)  # an outer range names an inner index freely
        pending, limits = [node.function], list(node.limits)
    else:
        pending, limits = list(node.args), []
    factors = []
    while pending:
        factor = pending.pop()
        if isinstance(factor, Mul):
            pending.extend(factor.args)
        elif isinstance(factor, Sum):
            factor = fresh_indices(factor)
            pending.append(factor.function)
            limits += list(factor.limits)
        else:
            factors.append(factor)
    return factors, limits


def _groups(factors, limits) -> list[set]:
    """The bound indices, grouped by the factors and ranges that link them."""
    indices = {lim[0] for lim in limits}
    groups = [{i} for i in indices]
    links = [f.free_symbols & indices for f in factors]
    links += [({i} | lo.free_symbols | hi.free_symbols) & indices for i, lo, hi in limits]
    for link in filter(None, links):
        touching = [g for g in groups if g & link]
        for g in touching:
            groups.remove(g)
        groups.append(set().union(link, *touching))
    return groups


def _ordered(body, limits, canonical):
    number, body = body.as_coeff_Mul()
    candidates = [Sum(body, *order) for order in index_orders(limits)]
    return number * min(candidates, key=lambda c: str(canonical(c)))


def symmetrize_triangles(expr):
    """Σ_{k=lo}^{hi} Σ_{j=lo}^{k-1} F(j, k) = ½ (Σ_k Σ_j F(j, k) - Σ_k F(k, k)) for a
    symmetric F: the sum over two-element subsets written as a square."""
    return expr.replace(lambda n: isinstance(n, Sum), _symmetrized)


def _double(node):
    """(inner limit, outer limit, summand) of a double sum, or None. SymPy writes Σ_k Σ_j F
    as Sum(F, (j, ..), (k, ..)), or keeps Sum(Sum(F, (j, ..)), (k, ..))."""
    if len(node.limits) == 2:
        return (*node.limits, node.function)
    if isinstance(node.function, Sum) and len(node.function.limits) == 1:
        return node.function.limits[0], node.limits[0], node.function.function
    return None


def _symmetrized(node):
    double = _double(node)
    if double is None:
        return node
    (j, inner_lo, inner_hi), (k, lo, hi), F = double
    lower = inner_lo == lo and sympy.expand(inner_hi - (k - 1)) == 0
    upper = sympy.expand(inner_lo - (k + 1)) == 0 and inner_hi == hi
    if not (lower or upper) or bound_indices(F) & {j, k}:
        return node
    if sympy.expand(F - F.xreplace({j: k, k: j})) != 0:
        return node
    if (hi - lo + 1).is_nonnegative is not True:
        return node
    square = Sum(Sum(F, (j, lo, hi)), (k, lo, hi))
    return (square - Sum(F.subs(j, k), (k, lo, hi))) / 2


def swap_triangles(expr):
    """Each triangular double sum with the other order of its indices, over the same pairs:
    Σ_{i=a}^{b} Σ_{j=c}^{i+d} F = Σ_{j=c}^{b+d} Σ_{i=j-d}^{b} F where c ≥ a + d (so that
    every j of the new range has its i from j - d, not from a), and
    Σ_{i=a}^{b} Σ_{j=i+d}^{e} F = Σ_{j=a+d}^{e} Σ_{i=a}^{j-d} F where e ≤ b + d. a, b, c, d
    and e are free of i and j. Each is used only where SymPy shows that its condition holds
    and that no range, before or after, is reversed (at least 0 terms: the empty reading and
    Karr's then agree). An inner sum whose summand is free of its index becomes the summand
    times its count of terms, at least one."""
    return expr.replace(lambda n: isinstance(n, Sum), _swapped)


def _swapped(node):
    double = _double(node)
    if double is None:
        return node
    (j, c, top), (i, a, b), F = double
    pair = {i, j}
    if bound_indices(F) & pair or any(e.free_symbols & pair for e in (a, b)):
        return node
    if (b - a + 1).is_nonnegative is not True:
        return node
    d_low, d_high = sympy.expand(top - i), sympy.expand(c - i)
    if not (d_low.free_symbols & pair) and not (c.free_symbols & pair):
        # Σ_{i=a}^{b} Σ_{j=c}^{i+d}: the lower triangle.
        d = d_low
        if (c - a - d).is_nonnegative is not True or (b + d - c + 1).is_nonnegative is not True:
            return node
        inner, outer = (i, j - d, b), (j, c, b + d)
    elif not (d_high.free_symbols & pair) and not (top.free_symbols & pair):
        # Σ_{i=a}^{b} Σ_{j=i+d}^{e}: the upper triangle.
        d, e = d_high, top
        if (b + d - e).is_nonnegative is not True or (e - a - d + 1).is_nonnegative is not True:
            return node
        inner, outer = (i, a, j - d), (j, a + d, e)
    else:
        return node
    if i not in F.free_symbols:
        return Sum(F * (inner[2] - inner[1] + 1), outer)
    return Sum(Sum(F, inner), outer)


def piecewise_in_sum(expr) -> bool:
    """Whether a Piecewise sits inside a Sum, Product, SetSum or SubsetSum.

    SymPy's sum constructor folds a Piecewise out to the top of its summand, past any inner
    sums whose index the conditions mention, and piecewise_fold moves a condition on a summed
    index out of the sum altogether (Heaviside(i - 41/2) summed over i); the results are
    wrong. Symbolic steps that meet such a form give up rather than trust it.
    """
    aggregates = expr.atoms(Sum, sympy.Product, SetSum, SubsetSum)
    return any(node.has(sympy.Piecewise) for node in aggregates)
