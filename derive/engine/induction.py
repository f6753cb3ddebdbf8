"""Induction over one size v: the base case and the step v -> v + 1, each proved symbolically.

The step peels the last term off every aggregate that ends at v + 1 and unfolds recurrences
at v + 1 once. What is left at v (sums, products, subset sums, recurrence values) becomes
fresh symbols carrying the assumptions SymPy can establish for them; the hypothesis
lhs(v) = rhs(v) rewrites one of them, and the remaining identity is proved like any other.
Induction is attempted only where no range of the claim is reversed by more than one, where
peeling the last term is valid both in Karr's convention and in the engine's (empty) one.
"""

from __future__ import annotations

import sympy
from sympy import Product, Sum
from sympy.core.function import AppliedUndef

from derive.engine.deadline import Deadline, OutOfTime
from derive.engine.falsify import cut_of, zero_power
from derive.engine.indexcalc import ranges_proper
from derive.engine.normal import normalize_aggregates
from derive.engine.prove import generic_method
from derive.engine.terms import (
    AGGREGATES,
    Context,
    concretize,
    exceeds,
    expand_aggregates,
    free_indices,
    reachable_symbols,
    reached_definitions,
    unfold_once,
)
from derive.notation.aggregates import SubsetSum, add_element, binds, moved_variables
from derive.notation.arrays import has_arrays
from derive.notation.primitives import elementary

_ASSUMPTIONS = ("real", "positive", "nonnegative")
# Functions that may jump as a real argument moves; an undefined function (AppliedUndef)
# stands for any function, a discontinuous one among them.
_DISCONTINUOUS = (
    sympy.Piecewise,
    sympy.Heaviside,
    sympy.sign,
    sympy.floor,
    sympy.ceiling,
    sympy.frac,
    sympy.DiracDelta,
    sympy.Mod,
    sympy.KroneckerDelta,
    sympy.atan2,
    sympy.arg,
    sympy.acot,  # SymPy's jumps at 0, from -π/2 to π/2
    sympy.acoth,  # from -iπ/2 to iπ/2 across 0
    sympy.SingularityFunction,
    sympy.core.function.AppliedUndef,
)


def prove_by_induction(ctx: Context, lhs, rhs, v, lows: dict, deadline: Deadline) -> str | None:
    """Return a description of an induction proof of lhs = rhs over `v`, or None.

    A free index whose range moves with v is refused: the step would prove P(v + 1, c) only
    for the values of c that P(v, c) covers, never for the new ones.
    """
    moving = [c for c in free_indices(ctx, sympy.Tuple(lhs, rhs)) if _range_has(ctx, c, v)]
    if moving:
        return None
    base = lows.get(v, 1)
    lows = {**lows, v: base}
    # Peeling Σ_{lo}^{v+1} = Σ_{lo}^{v} + f(v + 1) reads a reversed range as Karr does; it is
    # also right for the engine's empty reading when no range is reversed by more than one.
    if not all(ranges_proper(side, ctx.ranges, lows) for side in (lhs, rhs)):
        return None
    base_method = _base_case(ctx, lhs, rhs, v, base, lows, deadline)
    if base_method is None:
        return None
    continuous = _is_continuous(ctx, sympy.Tuple(lhs, rhs))
    step_method = _step(ctx, lhs, rhs, v, lows, deadline, continuous)
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


def _is_continuous(ctx: Context, expr) -> bool:
    """Whether `expr` and every definition it reaches use only functions continuous in the
    real values they take (no branches, steps or roundings)."""
    parts = [expr] + [
        part
        for d in reached_definitions(ctx, expr)
        for part in (d.body, d.initial)
        if part is not None
    ]
    return not any(_may_jump(elementary(part)) for part in parts)


def _may_jump(expr) -> bool:
    """Whether a function in `expr` may jump as its real atoms move: one of _DISCONTINUOUS,
    a branch cut its argument may cross (log(-1 + i y) jumps by 2πi at y = 0, acoth(y)
    at 0, sqrt(-1 + i y) from i to -i), or a power 0**0 (see falsify.zero_power)."""
    if expr.has(*_DISCONTINUOUS):
        return True
    return any(
        cut_of(node) is not None or zero_power(node) for node in sympy.preorder_traversal(expr)
    )


def _step(ctx, lhs, rhs, v, lows, deadline, continuous):
    try:
        with deadline.slice():
            after = [
                _peel(ctx, normalize_aggregates(s.subs(v, v + 1)), v, lows) for s in (lhs, rhs)
            ]
            if None in after:
                return None
            sides = [normalize_aggregates(s) for s in (lhs, rhs, *after)]
            mapping = _abstraction(sides, v, _recurrences(ctx))
            hyp_l, hyp_r, step_l, step_r = (s.xreplace(mapping) for s in sides)
            rewrite = _hypothesis(hyp_l, hyp_r, set(mapping.values()), v, lows, continuous)
    except OutOfTime:
        return None
    if rewrite is None:
        return None
    step_l, step_r = step_l.xreplace(rewrite), step_r.xreplace(rewrite)
    return generic_method(ctx, step_l, step_r, "==", lows, deadline)


def _range_has(ctx: Context, index, v) -> bool:
    return any(sympy.sympify(end).has(v) for end in ctx.ranges[index])


def _recurrences(ctx: Context) -> frozenset:
    return frozenset(d.func for d in ctx.doc.definitions if d.is_recurrence)


def _peel(ctx: Context, expr, v, lows: dict):
    """Rewrite every aggregate whose upper bound grew by one as the old aggregate and its
    last term, and unfold recurrences at v + 1 once. Peeling holds in Karr's reading for any
    limits (Π_{m=k+1}^{v+1} = Π_{m=k+1}^{v}·f(v + 1) also at k = v + 1), so the result is
    expanded so; None where an unfolded step holds a range reversed by more than one (t + 3
    .. t), which the document reads as empty and Karr does not."""
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
            # The new element hi (already at v + 1) must lie in the range for every v ≥ its
            # lower bound: S ⊆ {lo..hi} splits into S ⊆ {lo..hi-1} and S ∪ {hi} only then.
            if not exceeds(node.hi - node.lo + 1, 0, lows):
                return node
            rest = SubsetSum(node.body, node.set, node.lo, node.hi.subs(v, v - 1))
            grown = SubsetSum(add_element(node.body, node.set, node.hi), node.set, node.lo, rest.hi)
            return rest + grown
        if node.func in _recurrences(ctx) and node.args[0] == top:
            body = unfold_once(ctx, node, lows)
            if body is not None and not ranges_proper(body, ctx.ranges, lows):
                improper.append(body)
            return body or node
        return node

    improper = []
    peeled = expr.replace(lambda n: isinstance(n, (*AGGREGATES, AppliedUndef)), peel_one)
    return None if improper else expand_aggregates(peeled, karr=True)


def _is_at(node, v, recurrences) -> bool:
    """Whether `node` is an aggregate whose range depends on v, or a recurrence value at v."""
    if isinstance(node, SubsetSum):
        return node.lo.has(v) or node.hi.has(v)
    if isinstance(node, (Sum, Product)):
        return any(lo.has(v) or hi.has(v) for _, lo, hi in node.limits)
    return node.func in recurrences and node.args[0].has(v)


def _abstraction(exprs, v, recurrences) -> dict:
    """Map every maximal aggregate or recurrence value at v to a fresh symbol, except one
    that depends on an index bound around it.

    Abstraction only generalises the identity left to prove, so it is sound whatever it
    captures, as long as the assumptions attached hold (they are SymPy's own findings) and
    one symbol stands for one value: inside Σ_i, Π_k g(i, k) is a different value for every
    i, and one unknown for all of them would prove Σ_i Π_k g(i, k) = m wherever it holds
    for one i.
    """
    found, tainted = [], set()

    def visit(node, bound, varied):
        if _is_at(node, v, recurrences):
            if varied or node.free_symbols & bound:
                tainted.add(node)  # here one of its symbols is bound around it
            elif node not in found:
                found.append(node)
                return
        inside = bound | binds(node)
        # Under a derivative or a perturbation a value is read as a function of the symbols
        # they move (a recurrence's value hides them in its definition's body): one unknown
        # for it is a constant, and n·∂/∂x Σ_{i≤n} g_i(x) lost its term (n+1 - n)·∂/∂x Σ_{i≤n}
        # in the step, so a claim false from n = 32 was PROVED (helper 157).
        varied = varied or bool(moved_variables(node))  # a Subs hides its variable likewise
        for arg in node.args:
            visit(arg, inside, varied)

    for expr in exprs:
        visit(expr, frozenset(), False)
    mapping = {}
    for node in found:
        if node not in tainted:  # (the same node under a binder of its symbol is another)
            known = {a: True for a in _ASSUMPTIONS if getattr(node, f"is_{a}") is True}
            mapping[node] = sympy.Dummy(f"I{len(mapping)}", **known)
    return mapping


def _hypothesis(left, right, unknowns: set, v, lows: dict, continuous: bool) -> dict | None:
    """A substitution that applies the hypothesis `left = right` to one of the abstracted
    `unknowns`, or None.

    The hypothesis is solved for one unknown only when it is linear in it with a coefficient
    that is nonzero at every v from its lower bound: dividing by (v - 1)(v - 2)(v - 3), which
    vanishes at v = 3, would prove P(4) from a hypothesis that says nothing about it. A
    coefficient that is a nonzero polynomial in the claim's real atoms alone, like c - 1, is
    also accepted when the claim is continuous in them: the step then holds off the
    coefficient's zero set, which has no interior, and so everywhere.
    """
    left, right = _injective_peeled(left, right)
    if left in unknowns and left not in right.free_symbols:
        return {left: right}
    if right in unknowns and right not in left.free_symbols:
        return {right: left}
    gap = sympy.expand(left - right)
    for unknown in sorted(gap.free_symbols & unknowns, key=str):
        coefficient = gap.coeff(unknown)
        rest = sympy.expand(gap - coefficient * unknown)
        if coefficient == 0 or coefficient.has(unknown) or rest.has(unknown):
            continue
        dense = continuous and _nonzero_polynomial(coefficient, unknowns)
        if dense or _nonzero(coefficient, v, lows):
            return {unknown: -rest / coefficient}
    return None


def _injective_peeled(left, right):
    """log(a) = log(b) as a = b (log is one-to-one), and exp(a) = exp(b) as a = b for real
    a and b; repeatedly."""
    for _ in range(8):
        same = type(left) is type(right) and len(left.args) == len(right.args) == 1
        if not same or not isinstance(left, (sympy.log, sympy.exp)):
            break
        if isinstance(left, sympy.exp) and not (left.args[0].is_real and right.args[0].is_real):
            break
        left, right = left.args[0], right.args[0]
    return left, right


def _nonzero(expr, v, lows: dict) -> bool:
    """Whether `expr` is nonzero for every integer v at or above its lower bound (and every
    value of the other unknowns and atoms in it)."""
    shifted = sympy.Dummy(str(v), integer=True, nonnegative=True) + lows.get(v, 1)
    value = sympy.factor(expr.subs(v, shifted))
    return value.is_nonzero is True or value.is_positive is True or value.is_negative is True


def _nonzero_polynomial(expr, unknowns: set) -> bool:
    """Whether `expr` is a polynomial, not identically zero, in real atoms only (no size,
    index or abstracted unknown, whose values are not a continuum)."""
    symbols = expr.free_symbols
    if symbols & unknowns or any(s.is_integer for s in symbols):
        return False
    atoms = list(symbols | expr.atoms(sympy.Indexed))
    if not atoms:
        return expr.is_nonzero is True
    if any(a.is_real is not True for a in atoms) or not expr.is_polynomial(*atoms):
        return False
    return not sympy.Poly(expr, *atoms).is_zero


def induction_sizes(ctx: Context, lhs, rhs) -> list:
    """Sizes that bound an aggregate or index a recurrence in the claim.

    A size that a reached definition's body mentions is left out: the step v -> v + 1 would
    reuse that definition at v (its body is not shifted), which proves the wrong statement.
    """
    if has_arrays(lhs) or has_arrays(rhs):
        return []  # the step abstracts aggregates as scalar unknowns, which arrays are not
    found = set()
    for node in sympy.preorder_traversal(sympy.Tuple(lhs, rhs)):
        if isinstance(node, (Sum, Product)):
            found |= set().union(*(hi.free_symbols for _, _, hi in node.limits))
        elif isinstance(node, SubsetSum):
            found |= node.hi.free_symbols
        elif isinstance(node, AppliedUndef) and node.func in ctx.definitions:
            if ctx.definitions[node.func].is_recurrence:
                found |= node.args[0].free_symbols
    hidden = set()
    for definition in reached_definitions(ctx, sympy.Tuple(lhs, rhs)):
        for part in (definition.body, definition.initial):
            if part is not None:
                hidden |= reachable_symbols(ctx, part.xreplace(_parameters(definition)))
    return sorted((found - hidden) & set(ctx.grids), key=str)


def _parameters(definition) -> dict:
    return {p: sympy.Dummy() for p in definition.params}
