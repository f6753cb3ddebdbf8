"""Induction over one size v: the base case and the step v -> v + 1, each proved symbolically.

The step peels the last term off every aggregate that ends at v + 1 and unfolds recurrences
at v + 1 once. What is left at v (sums, products, subset sums, recurrence values) becomes
fresh symbols carrying the assumptions SymPy can establish for them; the hypothesis
lhs(v) = rhs(v) rewrites one of them, and the remaining identity is proved like any other.
Sums and products follow Karr's convention, under which peeling the last term is always valid.
"""

from __future__ import annotations

import sympy
from sympy import Product, Sum
from sympy.core.function import AppliedUndef

from derive.aggregates import SubsetSum, add_element
from derive.prove import Deadline, OutOfTime, generic_method, normalize_aggregates
from derive.terms import AGGREGATES, Context, concretize, exceeds, expand_aggregates, unfold_once

_ASSUMPTIONS = ("real", "positive", "nonnegative")


def prove_by_induction(ctx: Context, lhs, rhs, v, lows: dict, deadline: Deadline) -> str | None:
    """Return a description of an induction proof of lhs = rhs over `v`, or None."""
    base = lows.get(v, 1)
    lows = {**lows, v: base}
    base_method = _base_case(ctx, lhs, rhs, v, base, lows, deadline)
    if base_method is None:
        return None
    step_method = _step(ctx, lhs, rhs, v, lows, deadline)
    if step_method is None:
        return None
    return (
        f"induction on {v}: base {v} = {base} ({base_method}); step {v} → {v} + 1 ({step_method})"
    )


def _base_case(ctx, lhs, rhs, v, base, lows, deadline):
    rest = {s: low for s, low in lows.items() if s != v}
    try:
        with deadline.slice():
            left = concretize(ctx, lhs, {v: base}, rest)
            right = concretize(ctx, rhs, {v: base}, rest)
    except OutOfTime:
        return None
    return generic_method(ctx, left, right, "==", rest, deadline)


def _step(ctx, lhs, rhs, v, lows, deadline):
    try:
        with deadline.slice():
            after = [
                _peel(ctx, normalize_aggregates(s.subs(v, v + 1)), v, lows) for s in (lhs, rhs)
            ]
            sides = [normalize_aggregates(s) for s in (lhs, rhs, *after)]
            mapping = _abstraction(sides, v, _recurrences(ctx))
            hyp_l, hyp_r, step_l, step_r = (s.xreplace(mapping) for s in sides)
            rewrite = _hypothesis(hyp_l, hyp_r)
    except OutOfTime:
        return None
    if rewrite is None:
        return None
    step_l, step_r = step_l.xreplace(rewrite), step_r.xreplace(rewrite)
    return generic_method(ctx, step_l, step_r, "==", lows, deadline)


def _recurrences(ctx: Context) -> frozenset:
    return frozenset(d.func for d in ctx.doc.definitions if d.is_recurrence)


def _peel(ctx: Context, expr, v, lows: dict):
    """Rewrite every aggregate whose upper bound grew by one as the old aggregate and its
    last term, and unfold recurrences at v + 1 once."""
    top = v + 1

    def grew(lo, hi):
        return not lo.has(v) and hi.has(v) and sympy.expand(hi - hi.subs(v, v - 1)) == 1

    def peel_one(node):
        if isinstance(node, (Sum, Product)) and len(node.limits) == 1:
            index, lo, hi = node.limits[0]
            if not grew(lo, hi):
                return node
            rest = node.func(node.function, (index, lo, hi.subs(v, v - 1)))
            last = node.function.subs(index, hi)
            return rest + last if isinstance(node, Sum) else rest * last
        if isinstance(node, SubsetSum) and grew(node.lo, node.hi):
            if not exceeds(node.hi.subs(v, v + 1) - node.lo + 1, 0, lows):
                return node
            rest = SubsetSum(node.body, node.set, node.lo, node.hi.subs(v, v - 1))
            grown = SubsetSum(add_element(node.body, node.set, node.hi), node.set, node.lo, rest.hi)
            return rest + grown
        if node.func in _recurrences(ctx) and node.args[0] == top:
            return unfold_once(ctx, node, lows) or node
        return node

    peeled = expr.replace(lambda n: isinstance(n, (*AGGREGATES, AppliedUndef)), peel_one)
    return expand_aggregates(peeled)


def _is_at(node, v, recurrences) -> bool:
    """Whether `node` is an aggregate whose range depends on v, or a recurrence value at v."""
    if isinstance(node, SubsetSum):
        return node.lo.has(v) or node.hi.has(v)
    if isinstance(node, (Sum, Product)):
        return any(lo.has(v) or hi.has(v) for _, lo, hi in node.limits)
    return node.func in recurrences and node.args[0].has(v)


def _abstraction(exprs, v, recurrences) -> dict:
    """Map every maximal aggregate or recurrence value at v to a fresh symbol.

    Abstraction only generalises the identity left to prove, so it is sound whatever it
    captures, as long as the assumptions attached hold; they are SymPy's own findings.
    """
    mapping = {}

    def visit(node):
        if node in mapping:
            return
        if _is_at(node, v, recurrences):
            found = {a: True for a in _ASSUMPTIONS if getattr(node, f"is_{a}") is True}
            mapping[node] = sympy.Dummy(f"I{len(mapping)}", **found)
            return
        for arg in node.args:
            visit(arg)

    for expr in exprs:
        visit(expr)
    return mapping


def _hypothesis(left, right) -> dict | None:
    """A substitution that applies the hypothesis `left = right`, or None."""
    if isinstance(left, sympy.Dummy) and left not in right.free_symbols:
        return {left: right}
    if isinstance(right, sympy.Dummy) and right not in left.free_symbols:
        return {right: left}
    unknowns = sorted(
        (s for s in (left - right).free_symbols if isinstance(s, sympy.Dummy)), key=str
    )
    for unknown in unknowns:
        solutions = sympy.solve(left - right, unknown)
        if len(solutions) == 1:
            return {unknown: solutions[0]}
    return None
