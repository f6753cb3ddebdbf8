"""Kronecker deltas summed out, and the range prover that decides where that is allowed: a
delta is summed out only where its value provably lies in the summed range (always, over all
integers), from the ranges of the indices around it.

    >>> import sympy
    >>> j, k = sympy.symbols("j k", integer=True)
    >>> n = sympy.Symbol("n", integer=True, positive=True)
    >>> x, one = sympy.IndexedBase("x"), sympy.S.One
    >>> term = Term(bound=((j, one, n),), factors=(x[j],), deltas=(j - k,))
    >>> eliminate_deltas(term, within({k: (1, n)})).rebuild()
    x[k]
"""

from __future__ import annotations

from dataclasses import replace

import sympy
from sympy import Add, KroneckerDelta, Mul, Sum, oo
from sympy.concrete.expr_with_limits import ExprWithLimits

from derive.engine.indexcalc.ranges import INSIDE, OUTSIDE, locate
from derive.engine.indexcalc.terms import Term
from derive.notation.aggregates import binds, bound_indices, rename_bound


def linear_part(form, index):
    """The integer coefficient of `index` in the delta form, or None if not linear in it.

    >>> j, k = sympy.symbols("j k", integer=True)
    >>> linear_part(2 * j - k, j), linear_part(j * k, j)
    (2, None)
    """
    coefficient = sympy.expand(form).coeff(index)
    if coefficient.free_symbols or sympy.expand(form - coefficient * index).has(index):
        return None
    return coefficient if coefficient.is_Integer else None


def solve_delta(term: Term, position: int, fits) -> Term | None:
    """Sum delta number `position` out over one of the term's indices, if `fits` allows.

    >>> j, k = sympy.symbols("j k", integer=True)
    >>> n = sympy.Symbol("n", integer=True, positive=True)
    >>> x, one = sympy.IndexedBase("x"), sympy.S.One
    >>> term = Term(bound=((j, one, n),), factors=(x[j],), deltas=(j - k,))
    >>> solve_delta(term, 0, within({k: (1, n)})).rebuild(), solve_delta(term, 0, within({}))
    (x[k], None)
    """
    form = term.deltas[position]
    for index, lo, hi in reversed(term.bound):
        coefficient = linear_part(form, index)
        if coefficient not in (1, -1):
            continue
        value = sympy.expand(index - form / coefficient)
        # δ(j, c/2) picks no integer j where c is odd: only an integer value is summed out.
        if value.is_integer is True and fits(term, index, value, lo, hi):
            rest = term.deltas[:position] + term.deltas[position + 1 :]
            return replace(term, deltas=rest).substitute({index: value})
    return None


def eliminate_deltas(term: Term, fits) -> Term:
    """Sum out deltas until none can be; a delta that is a nonzero number kills the term.

    >>> j = sympy.Symbol("j", integer=True)
    >>> eliminate_deltas(Term(factors=(j,), deltas=(sympy.S(2),)), within({})).coeff
    0
    """
    changed = True
    while changed:
        changed = False
        for position, form in enumerate(term.deltas):
            if form.is_Number:
                if form != 0:
                    return Term(coeff=sympy.S.Zero)
                term = replace(term, deltas=term.deltas[:position] + term.deltas[position + 1 :])
                changed = True
                break
            solved = solve_delta(term, position, fits)
            if solved is not None:
                term, changed = solved, True
                break
    return term


def over_all_integers(term, index, value, lo, hi) -> bool:
    """Σ_{j∈ℤ} f(j) δ(j, e) = f(e) for every integer e.

    >>> j, k, n = sympy.symbols("j k n", integer=True)
    >>> over_all_integers(Term(), j, k, -oo, oo), over_all_integers(Term(), j, k, 1, n)
    (True, False)
    """
    return lo == -oo and hi == oo


def within(ranges: dict, lows: dict | None = None):
    """A `fits` test: the value of the summed-out index lies in its range for every value of
    the other indices (the term's other bound ranges, and `ranges` of the free indices), by
    the range prover of derive.engine.indexcalc.ranges.

    >>> j, k = sympy.symbols("j k", integer=True)
    >>> n = sympy.Symbol("n", integer=True, positive=True)
    >>> x, one = sympy.IndexedBase("x"), sympy.S.One
    >>> term = Term(bound=((j, one, n),), factors=(x[j],), deltas=(j - k,))
    >>> fits = within({k: (1, n)})
    >>> fits(term, j, k, one, n), fits(term, j, k + n, one, n)
    (True, False)

    Over all integers, j = i in a term where i's range depends on j is refused:

    >>> i, oo = sympy.Symbol("i", integer=True), sympy.oo
    >>> tangled = Term(bound=((j, -oo, oo), (i, one, j)), factors=(x[i],), deltas=(j - i,))
    >>> fits(tangled, j, i, -oo, oo), fits(tangled, j, n, -oo, oo)
    (False, True)
    """

    def fits(term: Term, index, value, lo, hi) -> bool:
        around = {v: (a, b) for v, a, b in term.bound if v != index}
        tangled = any(
            index in sympy.sympify(end).free_symbols for r in around.values() for end in r
        )
        if over_all_integers(term, index, value, lo, hi):
            # Substituting into a range that depends on the index is sound only while the
            # value names no bound index: j = k in Σ_k^{j} would put k in its own range.
            return not (tangled and sympy.sympify(value).free_symbols & set(around))
        if tangled:
            return False  # another range depends on this index: substituting would tangle them
        return locate(value, lo, hi, {**ranges, **around}, lows) == INSIDE

    return fits


def settle(term: Term) -> Term:
    """Sum indices the body does not use into a count; move index-free parts to `coeff`.

    >>> j, k = sympy.symbols("j k", integer=True)
    >>> n = sympy.Symbol("n", integer=True, positive=True)
    >>> x, one = sympy.IndexedBase("x"), sympy.S.One
    >>> settle(Term(bound=((j, one, n), (k, one, n)), factors=(x[j],))).rebuild()
    Sum(n*x[j], (j, 1, n))
    """
    used = set().union(*(e.free_symbols for e in term.factors + term.deltas))
    for _, lo, hi in term.bound:
        used |= lo.free_symbols | hi.free_symbols
    indices = {v for v, _, _ in term.bound}
    coeff, bound, factors = term.coeff, [], list(term.factors)
    for v, lo, hi in term.bound:
        # hi − lo + 1 counts the integers from lo to hi only where hi − lo is one: a limit
        # that is not (every claim's are; a construction here could make one) stays a sum.
        if v in used or (hi - lo).is_integer is not True:
            bound.append((v, lo, hi))
        elif (lo.free_symbols | hi.free_symbols) & indices:
            factors.append(hi - lo + 1)  # a count that depends on another index
        else:
            coeff *= hi - lo + 1  # Karr's convention makes this hold for every lo, hi
    fixed = [f for f in factors if not f.free_symbols & indices]
    fixed += [KroneckerDelta(d, 0) for d in term.deltas if not d.free_symbols & indices]
    return Term(
        Mul(coeff, *fixed),
        tuple(bound),
        tuple(f for f in factors if f.free_symbols & indices),
        tuple(d for d in term.deltas if d.free_symbols & indices),
    )


def collapse_deltas(expr, ranges: dict, lows: dict | None = None):
    """Rewrite Σ_{i=lo}^{hi} δ(i, m) f(i) as f(m) where m provably lies in [lo, hi], and
    as 0 where it provably lies outside.

    `ranges` maps free indices to their declared (lo, hi); enclosing sums add their own.
    `lows` gives sizes' lower bounds beyond 1.

    >>> j, k = sympy.symbols("j k", integer=True)
    >>> n = sympy.Symbol("n", integer=True, positive=True)
    >>> x = sympy.IndexedBase("x")
    >>> collapse_deltas(Sum(x[j] * KroneckerDelta(j, k), (j, 1, n)), {k: (1, n)})
    x[k]
    >>> collapse_deltas(Sum(x[j] * KroneckerDelta(j, n + 1), (j, 1, n)), {})
    0
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
    # Another binder's variable is not the free index of that name: its declared range does
    # not hold inside (Π_{c=n+1}^{…} Σ_j δ(j, c) a_j was collapsed to Π_c a_c, c in 1..n).
    # A Product's or a Table's index runs over its own range (empty: no term to get wrong).
    inner = {k: v for k, v in ranges.items() if k not in binds(expr)}
    if isinstance(expr, ExprWithLimits) and not isinstance(expr, sympy.Integral):
        inner.update({limit[0]: tuple(limit[1:]) for limit in expr.limits if len(limit) == 3})
    expr = expr.func(*(_collapse(arg, inner, lows) for arg in expr.args))
    return _unify_deltas(expr) if isinstance(expr, Mul) else expr


def unify_deltas(expr):
    """Rewrite every product δ(x, y) f(y) as δ(x, y) f(x) (x the name that sorts first), so
    that expanded terms pinned by the same delta compare equal.

    >>> j, k = sympy.symbols("j k", integer=True)
    >>> unify_deltas(KroneckerDelta(j, k) * sympy.IndexedBase("x")[k])
    KroneckerDelta(j, k)*x[j]
    """
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
        # Capture-free: a sum inside that binds `keep` gets a fresh index first (SymPy's subs
        # renames nothing: δ(i, j)·Σ_i a[i] b[j] became δ(i, j)·Σ_i a[i] b[i]).
        rest = rename_bound(product / delta, {keep})
        product = delta * rest.subs(drop, keep)
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
        where = locate(partner, lo, hi, ranges, lows)
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
        if slope not in (1, -1) or rest.has(index):
            continue
        partner = sympy.expand(-rest / slope)
        # Σ_j δ(j, m) f(j) = f(m) needs an integer m: no integer j equals 1 + C(n-1, 16)/2
        # at n = 17.
        if partner.is_integer is True:
            return factor, partner
    return None
