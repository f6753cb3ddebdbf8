"""Rewrites that let inequalities be proved for all sizes; each one only generalises a claim.

A sum of nonnegative terms over the declared range of a free index c is split into its c-th
term and two nonnegative unknowns (the terms before c and after c). Whatever holds for every
nonnegative value of the unknowns holds for the sums, so a proof of the rewritten claim is
a proof of the claim: softmax(a)_c ≤ 1 because exp(a_c) ≤ before + exp(a_c) + after.
"""

from __future__ import annotations

import sympy
from sympy import Dummy, Sum

from derive.engine.terms import substitute
from derive.notation.aggregates import binds


def split_at_free_indices(expr: sympy.Basic, ranges: dict) -> sympy.Basic:
    """Split every nonnegative sum over the range of a free index of `expr` at that index."""
    for index, (lo, hi) in ranges.items():
        if index in expr.free_symbols:
            expr = _split_at(expr, index, sympy.sympify(lo), sympy.sympify(hi))
    return expr


def _split_at(expr: sympy.Basic, index, lo, hi) -> sympy.Basic:
    unknowns = {}

    def is_split(node):
        if not isinstance(node, Sum) or len(node.limits) != 1:
            return False
        _, low, high = node.limits[0]
        return (low, high) == (lo, hi) and node.function.is_nonnegative is True

    def split(node):
        # lo ≤ index ≤ hi is the index's declared range, so both rests have length ≥ 0.
        if node not in unknowns:
            unknowns[node] = (Dummy("before", nonnegative=True), Dummy("after", nonnegative=True))
        before, after = unknowns[node]
        term = substitute(node.function, {node.limits[0][0]: index})
        return before + term + after

    return _outside_binders(expr, is_split, split, stop=index)


def _outside_binders(expr, matches, rewrite, bound=frozenset(), stop=None):
    """Rewrite the nodes that `matches` and mention no index bound around them, and none
    inside a binder of `stop` (there it is not the free index it names).

    The unknowns that replace a split sum are constants: inside Σ_k, a sum that depends on k
    is a different sum for every k, and one pair of unknowns for all of them would prove
    things that hold for no k (a reversed Cauchy–Schwarz inequality, for one). Inside
    Σ_{c=n+1}^{…}, splitting a sum over 1..n at the free index c would bring in its term at
    the bound c, outside 1..n.
    """
    if matches(expr) and not (expr.free_symbols & bound):
        return rewrite(expr)
    if not expr.args:
        return expr
    binding = binds(expr)
    if stop in binding:
        return expr
    bound = bound | binding
    args = [_outside_binders(arg, matches, rewrite, bound, stop) for arg in expr.args]
    changed = any(a is not b for a, b in zip(args, expr.args))
    return expr.func(*args) if changed else expr
