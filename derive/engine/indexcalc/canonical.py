"""Canonical names for a term's bound indices, found by a bounded permutation search, and the
reduced row echelon form of its deltas: two terms that differ only in naming get one key.

    >>> import sympy
    >>> j, k, n = sympy.symbols("j k n", integer=True)
    >>> x = sympy.IndexedBase("x")
    >>> over_j = Term(bound=((j, sympy.S.One, n),), factors=(x[j],))
    >>> over_k = Term(bound=((k, sympy.S.One, n),), factors=(x[k],))
    >>> canonical_key(over_j) == canonical_key(over_k)
    True
"""

from __future__ import annotations

import functools
import itertools

import sympy
from sympy import Mul

from derive.engine.indexcalc.terms import Term

MAX_PERMUTED = 6


def canonical_key(term: Term) -> str:
    """The smallest description of `term` over every order of its independent indices."""
    indices = [v for v, _, _ in term.bound]
    limits = set().union(*(lo.free_symbols | hi.free_symbols for _, lo, hi in term.bound))
    if limits & set(indices) or len(indices) > MAX_PERMUTED:
        orders = [indices]
    else:
        orders = itertools.permutations(indices)
    return min(_describe(term, order) for order in orders)


@functools.cache
def position_name(k: int) -> sympy.Dummy:
    """The k-th canonical name of a bound index: a Dummy, so no symbol of a document can
    equal it (a user's free index named κ0 would otherwise be captured)."""
    return sympy.Dummy(f"κ{k}", integer=True)


def _describe(term: Term, order) -> str:
    names = {v: position_name(k) for k, v in enumerate(order)}
    limits = {v: (lo.xreplace(names), hi.xreplace(names)) for v, lo, hi in term.bound}
    body = Mul(*(f.xreplace(names) for f in term.factors))
    deltas = [sympy.expand(d.xreplace(names)) for d in term.deltas]
    ordered = tuple(limits[v] for v in order)
    return repr((sympy.srepr(ordered), sympy.srepr(body), _delta_rows(deltas, order, names)))


def _delta_rows(forms, order, names) -> str:
    """The reduced row echelon form of the delta system (same integer solutions), as text."""
    if not forms:
        return ""
    columns = [names[v] for v in order]
    columns += sorted(set().union(*(f.free_symbols for f in forms)) - set(columns), key=str)
    reduced = _echelon(forms, columns)
    if reduced is None:
        return sympy.srepr(sorted(forms, key=sympy.srepr))  # not linear: keep as written
    return sympy.srepr((tuple(columns), reduced))


def _echelon(forms, columns):
    """The nonzero rows of the RREF of the linear system forms = 0, or None if not linear."""
    rows = []
    for form in forms:
        form = sympy.expand(form)  # once, not once per column
        coefficients = [form.coeff(c) for c in columns]
        constant = sympy.expand(form - sum(k * c for k, c in zip(coefficients, columns)))
        if not all(k.is_Rational for k in coefficients) or constant.free_symbols:
            return None
        rows.append(coefficients + [constant])
    reduced, _ = sympy.Matrix(rows).rref()
    return tuple(
        _primitive(list(reduced.row(r))) for r in range(reduced.rows) if any(reduced.row(r))
    )


def is_contradictory(term: Term) -> bool:
    """Whether the term's deltas have no common solution (0 = c ≠ 0 after elimination)."""
    if not term.deltas:
        return False
    columns = sorted(set().union(*(d.free_symbols for d in term.deltas)), key=str)
    reduced = _echelon(term.deltas, columns)
    return reduced is not None and any(not any(row[:-1]) for row in reduced)


def _primitive(row: list) -> tuple:
    denominators = sympy.ilcm(*(sympy.fraction(v)[1] for v in row))
    scaled = [v * denominators for v in row]
    lead = next(v for v in scaled if v != 0)
    return tuple(v if lead > 0 else -v for v in scaled)
