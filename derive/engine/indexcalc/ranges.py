"""The range prover of the index-calculus core: whether an affine expression in indices lies
at or above a bound for every value of the indices in their ranges, with sizes at or above
their lower bounds (`lows`, 1 by default) and ranges that end at a Min of sizes.

    >>> import sympy
    >>> k = sympy.Symbol("k", integer=True)
    >>> n = sympy.Symbol("n", integer=True, positive=True)
    >>> at_least(n - k, 0, {k: (1, n)}), at_least(n - k, 1, {k: (1, n)})
    (True, False)
    >>> at_least(k - 1, 0, {k: (1, n)}), at_least(k - 2, 0, {k: (1, n)})
    (True, False)
    >>> interval(2 * k - 1, {k: (1, n)}), interval(n - k, {k: (1, n)})
    ((1, 2*n - 1), (0, n - 1))
    >>> locate(k + 1, 1, n + 1, {k: (1, n)})
    'inside'
"""

from __future__ import annotations

import sympy
from sympy import Sum

from derive.notation.arrays import ArraySum, Table

INSIDE, OUTSIDE = "inside", "outside"
BOUND_ROUNDS = 4  # ranges that mention other indices are resolved in rounds


def locate(m, lo, hi, ranges, lows=None):
    """INSIDE if lo <= m <= hi for every value of the ranged indices, OUTSIDE if m misses
    [lo, hi] and the range is not reversed, else None.

    >>> k = sympy.Symbol("k", integer=True)
    >>> n = sympy.Symbol("n", integer=True, positive=True)
    >>> locate(n + 1, 1, n, {}), locate(k, 2, n, {k: (1, n)})
    ('outside', None)
    """
    if at_least(m - lo, 0, ranges, lows) and at_least(hi - m, 0, ranges, lows):
        return INSIDE
    reversed_ok = at_least(hi - lo + 1, 0, ranges, lows)
    misses = at_least(m - hi - 1, 0, ranges, lows) or at_least(lo - 1 - m, 0, ranges, lows)
    return OUTSIDE if reversed_ok and misses else None


def ranges_proper(expr, ranges: dict, lows: dict | None = None) -> bool:
    """Whether every Sum and Product in `expr` has hi ≥ lo - 1 at every size and index value.

    The engine reads a reversed range as empty; SymPy's rewrites follow Karr's convention
    (Σ_{lo}^{hi} = -Σ_{hi+1}^{lo-1}). The two agree exactly where no range is reversed by
    more than one, so a symbolic proof is only attempted there.

    >>> j = sympy.Symbol("j", integer=True)
    >>> n = sympy.Symbol("n", integer=True, positive=True)
    >>> ranges_proper(Sum(j, (j, 1, n)), {}), ranges_proper(Sum(j, (j, 3, n)), {})
    (True, False)
    """
    return _proper(sympy.sympify(expr), dict(ranges), lows or {})


def _proper(expr, ranges, lows) -> bool:
    # An ArraySum is a Sum of arrays, read as empty when reversed; a Table's size must not
    # be negative either (index calculus counts its entries by hi - lo + 1).
    if isinstance(expr, (Sum, sympy.Product, ArraySum, Table)):
        inner = dict(ranges)
        for index, lo, hi in reversed(expr.limits):  # outermost first
            if not at_least(hi - lo + 1, 0, inner, lows):
                return False
            inner[index] = (lo, hi)
        return _proper(expr.function, inner, lows)
    return all(_proper(arg, ranges, lows) for arg in expr.args)


def at_least(expr, bound, ranges, lows=None) -> bool:
    """Whether expr >= bound for all values of the ranged indices in it (expr linear in them).

    >>> k, D, H = sympy.symbols("k D H", integer=True, positive=True)
    >>> at_least(D - k, 0, {k: (1, sympy.Min(D, H))}), at_least(D - k, 1, {k: (1, D)})
    (True, False)
    """
    lowest = extreme(expr, ranges, lows, -1)
    return lowest is not None and any(nonnegative(b - bound, lows) for b in _without_min(lowest))


def interval(expr, ranges, lows=None):
    """(lowest, highest) value of `expr` over the ranged indices in it, or None.

    >>> j, k = sympy.symbols("j k", integer=True)
    >>> n = sympy.Symbol("n", integer=True, positive=True)
    >>> interval(j - k, {j: (1, n), k: (1, n)})
    (1 - n, n - 1)
    """
    low, high = extreme(expr, ranges, lows, -1), extreme(expr, ranges, lows, 1)
    return None if low is None or high is None else (low, high)


def extreme(expr, ranges, lows=None, direction: int = -1):
    """`expr` at the ends of its indices' ranges that make it lowest (-1) or highest (+1), free
    of ranged indices; None where `expr` is not linear in them with number slopes.

    Each index is replaced by the end of its range that minimises (maximises) expr; ranges may
    mention other ranged indices, so this repeats a few rounds. An end is used only where its
    range is proper (hi ≥ lo - 1) for every value of the others: a range reversed further is a
    negative sum by Karr's convention, whose indices run outside both ends.

    >>> j, k = sympy.symbols("j k", integer=True)
    >>> n = sympy.Symbol("n", integer=True, positive=True)
    >>> extreme(n - k, {k: (1, n)}), extreme(j + k, {j: (1, n), k: (j, n)}, direction=1)
    (0, 2*n)
    """
    expr = sympy.expand(expr)
    for _ in range(BOUND_ROUNDS):
        ranged = [s for s in expr.free_symbols if s in ranges]
        if not ranged:
            break
        for symbol in ranged:
            slope = expr.coeff(symbol)
            if not slope.is_Number or sympy.expand(expr - slope * symbol).has(symbol):
                return None
            lo, hi = ranges[symbol]
            others = {s: r for s, r in ranges.items() if s != symbol}
            if not at_least(hi - lo + 1, 0, others, lows):
                return None
            expr = sympy.expand(expr.subs(symbol, lo if slope * direction < 0 else hi))
    if any(s in ranges for s in expr.free_symbols):
        return None
    return expr


def _without_min(expr) -> list:
    """Lower bounds of `expr` free of Min: -Min(x, y) >= -x and >= -y (a range like
    1..Min(D, H) bounds an index by both sizes)."""
    found = [m for m in expr.atoms(sympy.Min) if expr.coeff(m).is_negative]
    if len(found) != 1 or any(m.has(sympy.Min) for m in found[0].args):
        return [expr]
    (smallest,) = found
    slope = expr.coeff(smallest)
    if slope.free_symbols or sympy.expand(expr - slope * smallest).has(smallest):
        return [expr]  # not linear in the Min: (M - 1)(M - D) is no bound of M's arguments
    return [expr.xreplace({smallest: arg}) for arg in smallest.args]


def nonnegative(expr, lows=None) -> bool:
    """Whether `expr` is nonnegative for every size (a positive integer) at or above its
    lower bound: 1 unless `lows` says more.

    >>> n = sympy.Symbol("n", integer=True, positive=True)
    >>> nonnegative(n - 1), nonnegative(n - 2), nonnegative(n - 2, {n: 2})
    (True, False, True)
    """
    floors = {s: 1 for s in expr.free_symbols if s.is_integer and s.is_positive}
    floors.update({s: low for s, low in (lows or {}).items() if s in expr.free_symbols})
    shifted = {
        s: sympy.Dummy(s.name, integer=True, nonnegative=True) + low for s, low in floors.items()
    }
    return sympy.sympify(expr).subs(shifted).is_nonnegative is True
