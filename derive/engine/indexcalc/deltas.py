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
from sympy import KroneckerDelta, Mul, oo

from derive.engine.indexcalc.terms import Term

BOUND_ROUNDS = 4  # ranges that mention other indices are resolved in rounds


def linear_part(form, index):
    """The integer coefficient of `index` in the delta form, or None if not linear in it."""
    coefficient = sympy.expand(form).coeff(index)
    if coefficient.free_symbols or sympy.expand(form - coefficient * index).has(index):
        return None
    return coefficient if coefficient.is_Integer else None


def solve_delta(term: Term, position: int, fits) -> Term | None:
    """Sum delta number `position` out over one of the term's indices, if `fits` allows."""
    form = term.deltas[position]
    for index, lo, hi in reversed(term.bound):
        coefficient = linear_part(form, index)
        if coefficient not in (1, -1):
            continue
        value = sympy.expand(index - form / coefficient)
        if fits(term, index, value, lo, hi):
            rest = term.deltas[:position] + term.deltas[position + 1 :]
            return replace(term, deltas=rest).substitute({index: value})
    return None


def eliminate_deltas(term: Term, fits) -> Term:
    """Sum out deltas until none can be; a delta that is a nonzero number kills the term."""
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
    """Σ_{j∈ℤ} f(j) δ(j, e) = f(e) for every integer e."""
    return lo == -oo and hi == oo


def within(ranges: dict):
    """A `fits` test: the value of the summed-out index lies in its range for every value of
    the other indices (bound ranges, and `ranges` of the free indices), by interval
    arithmetic that SymPy's sign assumptions confirm."""

    def fits(term: Term, index, value, lo, hi) -> bool:
        if over_all_integers(term, index, value, lo, hi):
            return True
        interval = value_interval(value, term, ranges)
        if interval is None:
            return False
        low, high = interval
        return is_nonnegative(low - lo) and is_nonnegative(hi - high)

    return fits


def is_nonnegative(expr) -> bool:
    return sympy.expand(expr).is_nonnegative is True


def value_interval(value, term: Term, ranges: dict):
    """Lowest and highest value of the affine `value`, or None if some index is unbounded.

    Each end is bounded on its own: once an index is replaced by an end of its range, the
    coefficient of an index that end mentions has changed (2a - z with a ≤ z is at most z,
    whose coefficient is now +1, not the -1 it had in 2a - z).
    """
    bound = {v: (lo, hi) for v, lo, hi in term.bound}
    low = high = sympy.expand(value)
    for _ in range(BOUND_ROUNDS):
        pending = [s for s in (low.free_symbols | high.free_symbols) if s in bound or s in ranges]
        if not pending:
            return low, high
        for symbol in sorted(pending, key=str):
            lo, hi = (sympy.sympify(b) for b in bound.get(symbol) or ranges[symbol])
            if set(bound) & (lo.free_symbols | hi.free_symbols) or not is_nonnegative(hi - lo + 1):
                return None
            low, high = _extreme(low, symbol, lo, hi, -1), _extreme(high, symbol, lo, hi, 1)
            if low is None or high is None:
                return None
    return None


def _extreme(expr, symbol, lo, hi, direction: int):
    """`expr` at the end of symbol's range that makes it lowest (-1) or highest (+1)."""
    coefficient = linear_part(expr, symbol)
    if coefficient is None:
        return None
    if coefficient == 0:
        return expr
    return sympy.expand(expr.subs(symbol, hi if coefficient * direction > 0 else lo))


def settle(term: Term) -> Term:
    """Sum indices the body does not use into a count; move index-free parts to `coeff`."""
    used = set().union(*(e.free_symbols for e in term.factors + term.deltas))
    for _, lo, hi in term.bound:
        used |= lo.free_symbols | hi.free_symbols
    indices = {v for v, _, _ in term.bound}
    coeff, bound, factors = term.coeff, [], list(term.factors)
    for v, lo, hi in term.bound:
        if v in used:
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
