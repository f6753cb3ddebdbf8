"""Rewrites of finite sums that hold at every size, for the symbolic normal forms.

Each rewrite checks its condition first and otherwise leaves the sum alone: a Kronecker delta
collapses a sum only where its other index provably lies inside (or outside) the range; a
double sum is reordered only when neither range mentions the other index; a triangular sum
becomes half the off-diagonal square only when its summand is symmetric.
"""

from __future__ import annotations

import itertools

import sympy
from sympy import Add, KroneckerDelta, Mul, Sum

from derive.notation.aggregates import SetSum, SubsetSum, bound_indices
from derive.notation.arrays import ArraySum, Table

INSIDE, OUTSIDE = "inside", "outside"
BOUND_ROUNDS = 4


def collapse_deltas(expr, ranges: dict, lows: dict | None = None):
    """Rewrite Σ_{i=lo}^{hi} δ(i, m) f(i) as f(m) where m provably lies in [lo, hi], and
    as 0 where it provably lies outside.

    `ranges` maps free indices to their declared (lo, hi); enclosing sums add their own.
    `lows` gives sizes' lower bounds beyond 1.
    """
    return _collapse(sympy.sympify(expr), dict(ranges), lows or {})


def _collapse(expr, ranges, lows):
    if not expr.args:
        return expr
    if isinstance(expr, Sum):
        index, lo, hi = expr.limits[-1]
        outer = expr.function if len(expr.limits) == 1 else Sum(expr.function, *expr.limits[:-1])
        body = _collapse(outer, {**ranges, index: (lo, hi)}, lows)
        return _collapse_one(body, index, lo, hi, ranges, lows)
    expr = expr.func(*(_collapse(arg, ranges, lows) for arg in expr.args))
    return _unify_deltas(expr) if isinstance(expr, Mul) else expr


def unify_deltas(expr):
    """Rewrite every product δ(x, y) f(y) as δ(x, y) f(x) (x the name that sorts first), so
    that expanded terms pinned by the same delta compare equal."""
    return expr.replace(
        lambda n: isinstance(n, Mul) and any(isinstance(f, KroneckerDelta) for f in n.args),
        _unify_deltas,
    )


def _unify_deltas(product):
    """δ(x, y) f(y) = δ(x, y) f(x): the other factors use one name for the pinned pair."""
    for _ in range(len(product.args)):
        step = _unifying_step(product)
        if step is None:
            return product
        delta, drop, keep = step
        product = delta * (product / delta).subs(drop, keep)
    return product


def _unifying_step(product):
    for delta in Mul.make_args(product):
        if not isinstance(delta, KroneckerDelta):
            continue
        x, y = delta.args
        if isinstance(x, sympy.Symbol) and isinstance(y, sympy.Symbol):
            keep, drop = sorted((x, y), key=str)
            if drop in (product / delta).free_symbols:
                return delta, drop, keep
    return None


def _collapse_one(body, index, lo, hi, ranges, lows):
    if not any(index in d.free_symbols for d in body.atoms(KroneckerDelta)):
        return Sum(body, (index, lo, hi))
    kept, collapsed = [], []
    for term in Add.make_args(sympy.expand(body)):
        found = _delta_partner(term, index)
        if found is None:
            kept.append(term)
            continue
        delta, partner = found
        where = _position(partner, lo, hi, ranges, lows)
        if where == INSIDE and not (bound_indices(term) & partner.free_symbols):
            collapsed.append((term / delta).subs(index, partner))
        elif where != OUTSIDE:
            kept.append(term)
    rest = Sum(Add(*kept), (index, lo, hi)) if kept else sympy.S.Zero
    return Add(*collapsed) + rest


def _delta_partner(term, index):
    """The factor δ(x, y) of `term` that pins `index` (x - y = ±index + m), and that m."""
    for factor in Mul.make_args(term):
        if not (isinstance(factor, KroneckerDelta) and factor.has(index)):
            continue
        gap = sympy.expand(factor.args[0] - factor.args[1])
        slope = gap.coeff(index)
        rest = gap - slope * index
        if slope in (1, -1) and not rest.has(index):
            return factor, sympy.expand(-rest / slope)
    return None


def _position(m, lo, hi, ranges, lows):
    """INSIDE if lo <= m <= hi for every value of the ranged indices, OUTSIDE if m misses
    [lo, hi] and the range is not reversed, else None."""
    if _at_least(m - lo, 0, ranges, lows) and _at_least(hi - m, 0, ranges, lows):
        return INSIDE
    reversed_ok = _at_least(hi - lo + 1, 0, ranges, lows)
    misses = _at_least(m - hi - 1, 0, ranges, lows) or _at_least(lo - 1 - m, 0, ranges, lows)
    return OUTSIDE if reversed_ok and misses else None


def ranges_proper(expr, ranges: dict, lows: dict | None = None) -> bool:
    """Whether every Sum and Product in `expr` has hi ≥ lo - 1 at every size and index value.

    The engine reads a reversed range as empty; SymPy's rewrites follow Karr's convention
    (Σ_{lo}^{hi} = -Σ_{hi+1}^{lo-1}). The two agree exactly where no range is reversed by
    more than one, so a symbolic proof is only attempted there.
    """
    return _proper(sympy.sympify(expr), dict(ranges), lows or {})


def _proper(expr, ranges, lows) -> bool:
    # An ArraySum is a Sum of arrays, read as empty when reversed; a Table's size must not
    # be negative either (index calculus counts its entries by hi - lo + 1).
    if isinstance(expr, (Sum, sympy.Product, ArraySum, Table)):
        inner = dict(ranges)
        for index, lo, hi in reversed(expr.limits):  # outermost first
            if not _at_least(hi - lo + 1, 0, inner, lows):
                return False
            inner[index] = (lo, hi)
        return _proper(expr.function, inner, lows)
    return all(_proper(arg, ranges, lows) for arg in expr.args)


def _at_least(expr, bound, ranges, lows) -> bool:
    """Whether expr >= bound for all values of the ranged indices in it (expr linear in them).

    Each index is replaced by the end of its range that minimises expr; ranges may mention
    other ranged indices, so this repeats a few rounds.
    """
    expr = sympy.expand(expr)
    for _ in range(BOUND_ROUNDS):
        ranged = [s for s in expr.free_symbols if s in ranges]
        if not ranged:
            break
        for symbol in ranged:
            slope = expr.coeff(symbol)
            if not slope.is_Number or sympy.expand(expr - slope * symbol).has(symbol):
                return False
            lo, hi = ranges[symbol]
            expr = sympy.expand(expr.subs(symbol, lo if slope > 0 else hi))
    if any(s in ranges for s in expr.free_symbols):
        return False
    return any(_is_nonnegative(b - bound, lows) for b in _without_min(expr))


def _without_min(expr) -> list:
    """Lower bounds of `expr` free of Min: -Min(x, y) >= -x and >= -y (a range like
    1..Min(D, H) bounds an index by both sizes)."""
    found = [m for m in expr.atoms(sympy.Min) if expr.coeff(m).is_negative]
    if len(found) != 1 or any(m.has(sympy.Min) for m in found[0].args):
        return [expr]
    return [expr.xreplace({found[0]: arg}) for arg in found[0].args]


def _is_nonnegative(expr, lows) -> bool:
    # A positive integer (a size) is at least its lower bound: 1 unless `lows` says more.
    floors = {s: 1 for s in expr.free_symbols if s.is_integer and s.is_positive}
    floors.update({s: low for s, low in lows.items() if s in expr.free_symbols})
    shifted = {
        s: sympy.Dummy(s.name, integer=True, nonnegative=True) + low for s, low in floors.items()
    }
    return sympy.sympify(expr).subs(shifted).is_nonnegative is True


def merge_sums(expr, canonical):
    """Give every product of sums one canonical form: factors that share no index apart.

    A monomial c · Σ_i f(i) · Σ_j Σ_k g(j, k) ... is flattened into its factors and bound
    indices (finite sums: c Σ_i f(i) = Σ_i c f(i)), the factors are grouped by the indices
    they share (a range mentioning an index links them too), and each group becomes one
    multiple sum, its limits in the order whose text after `canonical` sorts first. So
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
        pending, limits = [node.function], list(node.limits)
    else:
        pending, limits = list(node.args), []
    factors = []
    while pending:
        factor = pending.pop()
        if isinstance(factor, Mul):
            pending.extend(factor.args)
        elif isinstance(factor, Sum):
            fresh = {lim[0]: sympy.Dummy(lim[0].name, integer=True) for lim in factor.limits}
            factor = factor.xreplace(fresh)
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


def _ordered(body, limits, canonical, most=5):
    number, body = body.as_coeff_Mul()
    if len(limits) > most:
        return number * Sum(body, *limits)
    candidates = [
        Sum(body, *order) for order in itertools.permutations(limits) if _valid_order(order)
    ]
    return number * min(candidates, key=lambda c: str(canonical(c)))


def _valid_order(limits) -> bool:
    """Whether each range mentions only indices of limits outside it (later in the tuple)."""
    for position, (_, lo, hi) in enumerate(limits):
        inner = {lim[0] for lim in limits[: position + 1]}
        if inner & (lo.free_symbols | hi.free_symbols):
            return False
    return True


def symmetrize_triangles(expr):
    """Σ_{k=lo}^{hi} Σ_{j=lo}^{k-1} F(j, k) = ½ (Σ_k Σ_j F(j, k) - Σ_k F(k, k)) for a
    symmetric F: the sum over two-element subsets written as a square."""
    return expr.replace(lambda n: isinstance(n, Sum), _symmetrized)


def _symmetrized(node):
    if len(node.limits) == 2:  # SymPy writes Σ_k Σ_{j<k} F as Sum(F, (j, ..), (k, ..))
        (j, inner_lo, inner_hi), (k, lo, hi) = node.limits
        F = node.function
    elif isinstance(node.function, Sum) and len(node.function.limits) == 1:
        (k, lo, hi), (j, inner_lo, inner_hi) = node.limits[0], node.function.limits[0]
        F = node.function.function
    else:
        return node
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


def piecewise_in_sum(expr) -> bool:
    """Whether a Piecewise sits inside a Sum, Product, SetSum or SubsetSum.

    SymPy's sum constructor folds a Piecewise out to the top of its summand, past any inner
    sums whose index the conditions mention, and piecewise_fold moves a condition on a summed
    index out of the sum altogether (Heaviside(i - 41/2) summed over i); the results are
    wrong. Symbolic steps that meet such a form give up rather than trust it.
    """
    aggregates = expr.atoms(Sum, sympy.Product, SetSum, SubsetSum)
    return any(node.has(sympy.Piecewise) for node in aggregates)
