"""Unfolding a document's definitions into their bodies, and taking derivatives safely.

Derivatives are taken only once nothing opaque is left under them: SymPy silently returns 0
for the derivative of an undefined function with respect to a symbol it cannot see.
"""

from __future__ import annotations

import sympy
from sympy import Derivative, Indexed
from sympy.concrete.expr_with_limits import ExprWithLimits
from sympy.core.function import AppliedUndef

from derive.engine.terms.context import (
    AGGREGATES,
    MAX_UNFOLD_ROUNDS,
    Context,
    InputError,
    NotDerivable,
    exceeds,
)
from derive.model import Definition
from derive.notation.aggregates import (
    SetSum,
    SubsetSum,
    binds,
    capturing,
    expand_sum,
    moved_variables,
    rename_bound,
)
from derive.notation.array_entries import write_out_numeric
from derive.notation.arrays import ArrayError
from derive.notation.partials import (
    differentiate,
    intermediates,
    is_partial,
    leibniz_obstacle,
    rough_part,
)
from derive.notation.perturb import CaptureError, FirstOrder, Perturbation
from derive.notation.primitives import elementary
from derive.notation.tensors import ShapeCheck


def unfold_once(ctx: Context, app: AppliedUndef, lows: dict, only=None):
    """Replace one application of a definition by its body, or return None if it must stay."""
    definition: Definition = ctx.definitions[app.func]
    if only is not None and definition.func not in only:
        return None
    args = app.args
    if definition.is_recurrence:
        first = args[0]
        if first.is_Integer and int(first) < definition.start:
            raise InputError(f"{app} is before the start {definition.start} of {definition.name}")
        if first == definition.start:
            return substitute(definition.initial, dict(zip(definition.params[1:], args[1:])))
        if not (first.is_Integer or exceeds(first, definition.start, lows)):
            return None
    return substitute(definition.body, dict(zip(definition.params, args)))


def substitute(body: sympy.Basic, mapping: dict) -> sympy.Basic:
    """`body` with parameters replaced by arguments, without capture: SymPy's subs would
    turn Σ_r x[r, t] at t = r into Σ_r x[r, r], so clashing bound indices are renamed first."""
    incoming = set().union(*(sympy.sympify(a).free_symbols for a in mapping.values()))
    captured = capturing(body, mapping) or _moved_parameter(body, mapping)
    if captured is not None:
        raise InputError(
            f"a definition's body would capture its argument: {captured}, which an argument "
            "names; give the bound variable (or the one differentiated by or moved) another "
            "name"
        )
    try:
        return _replaced(rename_bound(body, incoming), mapping)
    except ValueError as problem:  # SymPy rebuilding a perturbation through its own dummies
        raise InputError(
            f"a definition's body cannot take its argument {mapping}: {problem}; apply the "
            "perturbation outside the definition"
        ) from None


def _moved_parameter(body, mapping: dict) -> str | None:
    """A perturbation in `body` that moves a parameter given an argument that is no symbol:
    inc(s) := Δ[s → s + d](s²) at 2u would move 2u, which no perturbation can (it was a
    ValueError from SymPy's rebuilding, INTERNAL; helper 104)."""
    for node in sympy.preorder_traversal(body):
        if isinstance(node, Perturbation):
            for x, _ in node.pairs:
                if x in mapping and not isinstance(mapping[x], sympy.Symbol):
                    return f"{node} moves {x}, given {mapping[x]}"
    return None


def _replaced(expr, mapping: dict):
    """`expr` with `mapping` substituted; a plain replacement (much faster than subs) when
    no symbol of `mapping` is bound inside `expr`."""
    binders = expr.atoms(ExprWithLimits, SubsetSum)
    bound = {lim[0] for node in binders for lim in getattr(node, "limits", ())}
    if bound & set(mapping) or expr.has(SubsetSum, SetSum, Derivative, Perturbation):
        return expr.subs(mapping, simultaneous=True)
    return expr.xreplace({k: sympy.sympify(v) for k, v in mapping.items()})


def unfold(
    ctx: Context, expr: sympy.Basic, lows: dict | None = None, only=None, rounds=None
) -> sympy.Basic:
    """Unfold definitions in `expr` until none can be unfolded further (or `rounds` times)."""
    lows = lows or {}
    # A derivative with respect to an intermediate needs that intermediate folded; it is
    # unfolded when the derivative is evaluated.
    expr, hidden = hide_partials(ctx, expr)
    for _ in range(rounds or MAX_UNFOLD_ROUNDS):
        changed = False

        def replace(app):
            nonlocal changed
            body = unfold_once(ctx, app, lows, only)
            if body is None:
                return app
            changed = True
            return body

        expr = expr.replace(
            lambda n: isinstance(n, AppliedUndef) and n.func in ctx.definitions, replace
        )
        if not changed:
            return expr.xreplace(hidden)
    if rounds:
        return expr.xreplace(hidden)
    raise InputError(f"unfolding did not terminate after {MAX_UNFOLD_ROUNDS} rounds")


def hide_partials(ctx: Context, expr: sympy.Basic) -> tuple[sympy.Basic, dict]:
    """Replace each derivative with respect to an intermediate by a placeholder."""
    found = [n for n in sympy.preorder_traversal(expr) if is_partial(n, ctx.definitions)]
    hidden = {sympy.Dummy("partial"): node for node in found}
    return expr.xreplace({node: key for key, node in hidden.items()}), hidden


def expand_all_aggregates(expr: sympy.Basic) -> sympy.Basic:
    """expand_aggregates until nothing concrete is left (an inner range can mention an outer
    sum's index), at most MAX_UNFOLD_ROUNDS times."""
    for _ in range(MAX_UNFOLD_ROUNDS):
        expanded = expand_aggregates(expr)
        if expanded == expr:
            break
        expr = expanded
    return expr


def expand_aggregates(expr: sympy.Basic, karr: bool = False) -> sympy.Basic:
    """Expand every Sum, Product and SubsetSum whose (outermost) range is concrete; a
    reversed range is empty, or follows Karr's convention with `karr` (see expand_sum)."""

    def is_concrete(node):
        if not isinstance(node, AGGREGATES):
            return False
        if isinstance(node, SubsetSum):
            return (node.hi - node.lo).is_Integer
        # expand_sum peels the outermost range; inner ones may follow it.
        return (node.limits[-1][2] - node.limits[-1][1]).is_Integer

    def expand(node):
        return node.doit(deep=False) if isinstance(node, SubsetSum) else expand_sum(node, karr)

    try:
        expr = write_out_numeric(expr)  # first, so that SymPy's doit meets no array-valued Sum
    except ArrayError as problem:
        raise InputError(str(problem)) from None
    return expr.replace(is_concrete, expand)


def with_values(expr: sympy.Basic, values: dict, expand) -> sympy.Basic:
    """`expr` with `values` (sizes and indices) put in, a Σ or Π whose range they make
    concrete written out first by `expand`, as the engine reads ranges: put in by subs, a
    floor, Max or Piecewise around it would evaluate it at once by SymPy's reading, Karr's
    (floor(Σ_{i=5}^{n} 1/2) at n = 1 was floor(-3/2); helper 141), or refuse it
    (Max(0, Σ_{i=1}^{n} 1 - 20) at n = 20: "not comparable"; helper 140)."""

    def ranged(node) -> bool:
        if not isinstance(node, sympy.Sum | sympy.Product):
            return False
        ends = [sympy.sympify(e) for limit in node.limits for e in limit[1:]]
        return any(e.free_symbols & set(values) for e in ends)

    if expr.has(sympy.Subs):
        expr = _entries_given(expr, values)
    if expr.has(sympy.Sum, sympy.Product):
        expr = expr.replace(ranged, lambda node: expand(node.subs(values, simultaneous=True)))
    return expr.subs(values, simultaneous=True)


def _entries_given(expr: sympy.Basic, values: dict) -> sympy.Basic:
    """`expr` with each Subs at an entry whose index takes a value (∂L/∂u_c at u_c = 3, c = 2)
    made a Subs at that entry. SymPy's subs leaves the variable u[c] as it is and adds (c, 2)
    beside it: the instance kept an entry with a symbolic index (a true claim was an input
    error; helper 173), or, once a body unfolded into it held u[2] and not u[c], its doit
    substituted for nothing (∂/∂u₁ Subs(L, u[c], 3) = g₁u₁, false at c = 1, agreed at every
    point; helper 174). Not inside a binder of the index; two variables that become one
    entry (u[c] and u[1] at c = 1) are an input error."""
    if not expr.args or not values:
        return expr
    inner = {k: v for k, v in values.items() if k not in binds(expr)}
    args = tuple(_entries_given(a, inner) for a in expr.args)
    node = expr.func(*args) if args != expr.args else expr
    if isinstance(node, sympy.Subs) and any(
        isinstance(v, Indexed) and v.free_symbols & set(inner) for v in node.variables
    ):
        given = tuple(v.xreplace(inner) if isinstance(v, Indexed) else v for v in node.variables)
        if len(set(given)) < len(given):
            where = ", ".join(f"{k} = {v}" for k, v in inner.items())
            raise InputError(
                f"{expr} substitutes twice for one entry at {where}: give each entry one Subs"
            )
        node = sympy.Subs(node.expr, given, node.point)
    return node


def concretize(ctx: Context, expr: sympy.Basic, values: dict, lows: dict | None = None):
    """Substitute `values`, expand aggregates that became concrete and unfold recurrences
    at concrete arguments, but keep the other definitions folded (opaque)."""
    recurrences = {d.func for d in ctx.definitions.values() if d.is_recurrence}
    expr = with_values(expr, values, expand_aggregates)
    for _ in range(MAX_UNFOLD_ROUNDS):
        done = unfold(ctx, expand_aggregates(expr), lows, only=recurrences)
        if done == expr:
            return done
        expr = done
    raise InputError(f"unfolding did not terminate after {MAX_UNFOLD_ROUNDS} rounds")


def evaluate_derivatives(ctx: Context, expr: sympy.Basic, lows: dict | None = None) -> sympy.Basic:
    """Differentiate every Derivative in `expr`, unfolding its argument first."""

    def derive(node):
        if isinstance(node, Perturbation):
            inner = _unfolded_argument(ctx, node, lows, set(ctx.definitions))
            # A derivative a body unfolded into it is taken first (see perturbed).
            return perturbed(node, inner.replace(differentiated, derive))
        cut = intermediates(node, ctx.definitions)
        inner = _unfolded_argument(ctx, node, lows, set(ctx.definitions) - cut)
        through_entry_substitution(node, inner)
        # The intermediates differentiated by stay folded: later unfolding opens them.
        return derivative_of(inner, node, cut)

    if expr.has(ShapeCheck):
        # Shapes that still depend on symbolic sizes: nothing here may be proved for all sizes.
        raise NotDerivable(f"the shapes in {expr.atoms(ShapeCheck).pop().what} depend on sizes")
    jumps_integrated(ctx, expr, lows)
    return expr.replace(differentiated, derive)


def through_entry_substitution(node, inner) -> None:
    """Raise NotDerivable where a derivative by a tensor entry meets a Subs at an entry:
    SymPy's rule for it counts the tensor's label, free in its other entries, as the entry,
    and adds the derivative of the substituted expression: ∂/∂u₁ Subs(½Σ g_i u_i², u₁, 3),
    which is 0, came out 3·g₁, and was PROVED (helper 174)."""
    if not any(v.has(Indexed) for v in node.variables):
        return
    for subs in inner.atoms(sympy.Subs):
        if any(v.has(Indexed) for v in subs.variables):
            raise NotDerivable(
                f"{subs} substitutes for a tensor entry inside a derivative by "
                f"{', '.join(map(str, node.variables))}, which SymPy's rule for it gets wrong"
            )


def differentiated(node) -> bool:
    """Whether `node` is taken by the rules: a derivative or a perturbation."""
    return isinstance(node, (Derivative, Perturbation))


def jumps_integrated(ctx: Context, expr: sympy.Basic, lows) -> None:
    """NotDerivable where an integral over t holds a derivative of a function that is not
    known smooth where the derivative's variables meet t (partials.rough_part, the parts
    Leibniz's rule accepts: a Piecewise whose condition holds t, Heaviside, sign, floor,
    atan(tan t), Max(t, 0)/t, atan(1/(x - t)) are not). It may jump there, and the rules
    differentiate pointwise, which is the derivative wherever one exists, but under the
    integral a jump's mass (a Dirac delta) is dropped: ∫₋₁¹ ∂[t ≥ 0]/∂t dt is 1 by the
    fundamental theorem, and read pointwise it was 0 (helper 108). A Dirac delta the rules
    leave is refused under such an integral too (primitives.sifting_undefined). Definitions
    are unfolded first: the integral, or the derivative, can sit in a definition's body,
    and a derivative by a parameter applied at t is a substitution (Subs) of t."""
    bodies = [d.body for d in ctx.definitions.values() if d.body is not None]
    if not any(e.has(sympy.Integral) for e in (expr, *bodies)):
        return
    if expr.atoms(AppliedUndef):
        expr = unfold(ctx, expr, lows)
    for integral in expr.atoms(sympy.Integral):
        _scan_jumps(ctx, integral.function, frozenset(integral.variables), lows, integral)


def _scan_jumps(ctx: Context, node, moving: frozenset, lows, integral) -> None:
    """Raise NotDerivable where `node` differentiates, by some variables, a function that may
    jump where those variables meet a point that moves with the integral's variable (the
    symbols in `moving`): by t itself, of [t ≥ 0], or by x, of [x ≥ t], whose derivative
    δ(x - t) the integral over t counts for every x (∫₋₂³ eᵗ·∂[x ≥ t]/∂x dt is eˣ)."""
    if isinstance(node, sympy.Subs):
        moved = {v for v, p in zip(node.variables, node.point) if p.free_symbols & moving}
        _scan_jumps(ctx, node.expr, (moving - set(node.variables)) | moved, lows, integral)
        for point in node.point:
            _scan_jumps(ctx, point, moving, lows, integral)
        return
    if isinstance(node, sympy.Piecewise):
        # SymPy builds ∂/∂t of a Piecewise as the Piecewise of its branches' derivatives, and
        # a perturbation of one as the Piecewise of its branches' perturbations.
        for value, condition in node.args:
            by = set().union(*(_moved_by(d) for d in value.atoms(Derivative, Perturbation)))
            switch = condition.free_symbols
            if switch & by and switch & moving:
                raise NotDerivable(
                    f"{node} under {integral}: a derivative by {min(switch & by, key=str)} in a "
                    "branch whose condition moves with the integral's variable drops the "
                    "jump's Dirac delta, which the integral would count"
                )
    if isinstance(node, (Derivative, Perturbation)):
        # A perturbation's first-order part is a derivative too (helper 116).
        inner = elementary(unfold(ctx, node.expr, lows))
        rough = rough_part(inner, set(moving), list(_moved_by(node)))
        if rough is not None:
            raise NotDerivable(
                f"{node} under {integral}: {rough} is not known smooth where its variables "
                "meet the integral's, and may jump there; the derivative by the rules drops "
                "a jump's Dirac delta, which the integral would count"
            )
    for arg in node.args:
        _scan_jumps(ctx, arg, moving, lows, integral)


def _moved_by(node) -> set:
    """The symbols of what a Derivative is taken by or a perturbation moves (an entry's, or
    a tensor's base)."""
    return {s for v in moved_variables(node) for s in (v.free_symbols or {v})}


def derivative_of(inner: sympy.Basic, node: Derivative, cut) -> sympy.Basic:
    """`inner` differentiated by the variables of `node` (see partials.differentiate);
    NotDerivable where that would differentiate an integral under the integral sign across
    an edge that moves with the variable, or an improper or unbounded one (see
    partials.leibniz_obstacle)."""
    _under_the_sign(inner, [v for v, _ in node.variable_count])
    return differentiate(inner, node, cut)


def _under_the_sign(inner: sympy.Basic, variables) -> None:
    """NotDerivable where differentiating `inner` by `variables` would differentiate an
    integral under the integral sign where Leibniz's rule is not known to hold."""
    obstacle = leibniz_obstacle(inner, variables)
    if obstacle is not None:
        raise NotDerivable(
            f"differentiating under the integral sign at {obstacle}, where Leibniz's rule is not "
            "known to hold (a branch, kink or pole that moves with the variable, an unbounded "
            "integrand, or an infinite range)"
        )


def perturbed(node: Perturbation, inner: sympy.Basic) -> sympy.Basic:
    """`node` applied to its argument `inner`, whose derivatives are taken (moved as it
    stood, ∂s³/∂s of a body became ∂(s + Δs)³/∂(s + Δs): helper 142, an internal error); a
    variable a node inside binds that it would move is the document's input error."""
    if isinstance(node, FirstOrder):  # d/dt of inner at x + tΔx: a derivative in x
        _under_the_sign(inner, [x for x, _ in node.pairs])
    try:
        return node.apply(inner)
    except CaptureError as problem:
        raise InputError(str(problem)) from None


def _unfolded_argument(ctx: Context, node, lows, others: set):
    """The argument of `node` unfolded down to the definitions not in `others`."""
    moved = set().union(*(v.free_symbols for v, _ in getattr(node, "variable_count", ())))
    only = others if others != set(ctx.definitions) else None
    inner = unfold(ctx, node.expr, lows, only=only)
    if isinstance(node, Derivative):
        # What a later step of a recurrence brought in is unfolded like the rest.
        inner = unfold(ctx, unfold_toward(ctx, inner, node, lows), lows, only=only)
    inner = rename_bound(inner, moved)
    opaque = [a for a in inner.atoms(AppliedUndef) if a.func in others]
    if opaque:
        raise NotDerivable(f"cannot differentiate through {opaque[0]} (not unfoldable here)")
    return inner


def unfold_toward(ctx: Context, expr: sympy.Basic, node: Derivative, lows: dict) -> sympy.Basic:
    """Unfold the applications of each recurrence `node` differentiates by that come after
    the variable: h(3) = g[3] h(2) depends on h(2), so ∂h(3)/∂h(2) is g[3], not 0.

    Applications before the variable do not depend on it and stay; one whose position
    relative to it is unknown (h(T) against h(2)) makes the derivative NotDerivable.
    """
    targets = [
        v
        for v, _ in node.variable_count
        if isinstance(v, AppliedUndef)
        and v.func in ctx.definitions
        and ctx.definitions[v.func].is_recurrence
    ]
    funcs = {t.func for t in targets}
    for _ in range(MAX_UNFOLD_ROUNDS):
        later = [a for a in expr.atoms(AppliedUndef) if a.func in funcs and _is_later(a, targets)]
        if not later:
            return expr
        bodies = {a: unfold_once(ctx, a, lows) for a in later}
        stuck = [a for a, body in bodies.items() if body is None]
        if stuck:
            raise NotDerivable(f"cannot unfold {stuck[0]} towards {targets[0]}")
        expr = expr.xreplace(bodies)
    raise InputError(f"unfolding did not terminate after {MAX_UNFOLD_ROUNDS} rounds")


def _is_later(app: AppliedUndef, targets) -> bool:
    """Whether `app` comes after one of `targets` of its recurrence (so depends on it)."""
    for target in targets:
        if target.func != app.func or target == app:
            continue
        gap = sympy.expand(app.args[0] - target.args[0])
        if gap.is_Integer:
            if gap > 0:
                return True
            continue
        if gap.is_negative is not True:
            raise NotDerivable(f"cannot tell whether {app} comes after {target}")
    return False
