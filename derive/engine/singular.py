"""Derivatives at the points where the differentiation rules may be wrong.

The rules differentiate a branch, a tie or a kink pointwise: a Dirac delta for sign and
Heaviside (which the proofs read as 0 wherever its argument is not), SymPy's 1/2 for a tie of
Max or Min (Heaviside(0)), the value of a Piecewise's Eq branch. Where the function is not
differentiable, that value is the documented convention (as relu'(0) = 0 is PyTorch's); but
where it is differentiable the rules can still be wrong: x·sign(x)² is x, with derivative 1 at
0, where the rules give sign(0)² + 4·0·sign(0)·δ(0), no number; Min(x, |x|) is x, where
the rules give 1/2. So a proof read off the rules holds off those points only.

At each such point x0 this module decides the claim exactly, for a claim in one real atom x:
a derivative there exists when its function is continuous at x0 and the rules' derivative
has equal, finite one-sided limits (then it is that limit, by the mean value theorem). Where
it does not exist, the rules' value is the convention (no number where a Dirac delta sits
there: then the claim says nothing at x0). Any other case is left undecided.
"""

from __future__ import annotations

import collections
import itertools
from dataclasses import dataclass

import mpmath
import sympy

from derive.engine.deadline import Deadline, OutOfTime
from derive.engine.falsify import (
    declared_domain,
    jump_arguments,
    may_take,
    show_value,
    simple_values,
    switches,
    uniform_points,
)
from derive.engine.numeric import admissible
from derive.engine.terms import (
    Context,
    NotDerivable,
    evaluate_derivatives,
    reached_definitions,
    unfold,
)
from derive.model import Claim, Counterexample
from derive.notation.aggregates import binds
from derive.notation.corrections import unresolved
from derive.notation.partials import intermediates
from derive.notation.perturb import FirstOrder, Perturbation
from derive.notation.primitives import PrimitiveFunction, deltas_off, elementary, exactly_at

LIMIT_SECONDS = 4.0  # for all the limits of one claim
ROOT_OPS = 400  # the largest base under a root searched for a hidden kink
SOLVES, SOLVE_CHOICES = 60, 5  # equations solved for a witness; values of each fixed atom
WITNESSES = 48  # values of the other atoms tried on a kink x = z(y, …) that depends on them
# A one-sided limit counts only where the function at these distances from the point agrees
# with it (SymPy's limit of a Piecewise has been seen to pick the wrong branch).
PROBES = (sympy.Rational(1, 10**20), sympy.Rational(1, 10**40))
PROBE_TOLERANCE = mpmath.mpf(10) ** -8


@dataclass(frozen=True)
class Singular:
    """What holds at the points where the rules may be wrong: `refuted` (a counterexample
    there), else `why` not decided (empty: the claim holds there too), and `where` those
    points are, as text."""

    where: str
    why: str = ""
    refuted: Counterexample | None = None


def _derivatives(ctx: Context, claim: Claim) -> list:
    """The Derivative nodes of the claim, with the definitions it reaches unfolded (a
    derivative can sit in a definition's body)."""
    lows, found = dict(claim.lows), []
    for side in (claim.lhs, claim.rhs):
        found += _outside_integrals(unfold(ctx, side, lows))
    return list(dict.fromkeys(found))


def _outside_integrals(expr) -> list:
    """The Derivative nodes of `expr` but those only under an integral over every variable
    they differentiate by: the kinks of ∫₋₁² ∂|t|/∂t dt in t are integrated over, and are
    no points of the claim (t = 0 put into the integral refuted the true ∫₋₁² sign(t) dt =
    1). A derivative by a free x too keeps its kinks in x (∫₀¹ ∂²(t²·x·sign(x)²)/∂t∂x dt is
    1 at x = 0, where the rules give sign(0)²: helper 112)."""
    found = []

    def visit(node, bound: frozenset):
        if isinstance(node, sympy.Derivative) and not set(node.variables) <= bound:
            found.append(node)
        if isinstance(node, sympy.Integral):
            for limit in node.limits:
                for part in limit[1:]:
                    visit(part, bound)
            visit(node.function, bound | set(node.variables))
            return
        for arg in node.args:
            visit(arg, bound)

    visit(expr, frozenset())
    return found


def _involves(expr, variable) -> bool:
    """Whether `expr` depends on `variable` (an entry x[c] also through any entry of x)."""
    if expr.has(variable):
        return True
    base = getattr(variable, "base", None)
    return base is not None and any(i.base == base for i in expr.atoms(sympy.Indexed))


def breakpoints(ctx: Context, claim: Claim, primitives: bool = True) -> list:
    """The expressions whose zeros are where a derivative in the claim may differ from what
    the rules give: a branch, tie or kink of a differentiated function in its variable (of
    SymPy's Piecewise, Abs, sign, Heaviside, Max, Min, and with `primitives` of a primitive,
    where its derivative is its documented convention), or a Dirac delta the rules leave.
    Conditions on indices alone (l = m) are no such points."""
    # Read as autograd's gradient, a primitive's kink takes its documented derivative.
    primitives = primitives and claim.at_kinks == "derivative"
    reached = reached_definitions(ctx, sympy.Tuple(claim.lhs, claim.rhs))
    bodies = [b for d in reached for b in (d.body, d.initial) if b is not None]
    # An Increment is exact (f(x + Δx) - f(x), by substitution): no rule differentiates it,
    # unless a derivative lies inside (helper 142: Δh(n) of a recurrence was UNDECIDED, its
    # "derivatives" not taken again at a symbolic n).
    if not any(e.has(sympy.Derivative, FirstOrder) for e in (claim.lhs, claim.rhs, *bodies)):
        return []  # nothing differentiated, here or in a definition it reaches
    lows, found = dict(claim.lows), []
    for side in (claim.lhs, claim.rhs):
        if side.has(Perturbation):
            found += [
                d.args[0] for d in evaluate_derivatives(ctx, side, lows).atoms(sympy.DiracDelta)
            ]
    for node, function in _differentiated_functions(ctx, claim, lows):
        # The function's switches and its rules' (relu's kink shows only in relu' =
        # Heaviside: FirstOrder(relu(x) - relu(-x), (x, dx)) is dx, the rules give 0 at 0).
        rule = evaluate_derivatives(ctx, node, lows)
        both = itertools.chain(
            switches(function, False, primitives),
            switches(rule, False, primitives),
            _roots_of(function),
            _jumps_of(function),
        )
        if isinstance(node, FirstOrder):  # a derivative in t
            found += [s for s in both if any(_involves(s, x) for x, _ in node.pairs)]
            continue
        by_intermediate = bool(intermediates(node, ctx.definitions))
        for switch in both:
            # In the inputs: the rules keep an intermediate differentiated by folded (z()
            # of z() := w x + b has no symbols, and its switch would be lost).
            switch = unfold(ctx, switch, lows)
            # Not a condition on indices alone (l = m); a recurrence's h(n) is real-valued.
            real = switch.is_integer is not True
            if real and (by_intermediate or any(_involves(switch, v) for v in node.variables)):
                found.append(switch)
    # A Subs in the claim, a body, or made by unfolding a definition whose body
    # differentiates by its parameter (D(s) := ∂f(s)/∂s applied at z - 1: its kinks are
    # where z - 1 is one, and were looked for at z = 0, helper 122).
    unfolded = [unfold(ctx, side, lows) for side in (claim.lhs, claim.rhs)]
    if any(e.has(sympy.Subs) for e in (*unfolded, *bodies)):
        found = _at_substitutions(unfolded, found)
    return [s for s in dict.fromkeys(found) if s.free_symbols or s == 0]


def _jumps_of(function):
    """The jumps of floor, ceiling, frac and Mod in `function`, as one expression each whose
    zeros they are, sin(π·u) for floor(u) (all of them: an integer u). Where the jumps of two
    cancel, the function can be differentiable with a derivative the rules do not give:
    (x - 1)·(floor(x) + floor(-x)) is 1 - x near 1, with derivative -1 there, where the
    rules give floor(1) + floor(-1) = 0, which was PROVED."""
    for u in jump_arguments(function):
        yield sympy.sin(sympy.pi * u)


def _roots_of(function):
    """Kinks hidden under a fractional power of an even power: √(g²·h) is |g|·√h, kinked
    where g = 0, though no Abs is written (√(x² + 2x + 1)·(x + 1) is (x + 1)|x + 1|, with
    derivative 0 at -1, where the rules give 0/0): each such g of a scalar base, found by
    its square-free decomposition."""
    for node in sympy.preorder_traversal(function):
        if not (isinstance(node, sympy.Pow) and node.exp.is_integer is not True):
            continue
        base = node.base
        if base.atoms(sympy.Indexed) or sympy.count_ops(base) > ROOT_OPS:
            continue
        try:
            # Square-free parts, over the numbers the base has (x² + 2√2x + 2 is (x + √2)²).
            _, factors = sympy.sqf_list(base, extension=True)
        except (sympy.PolynomialError, NotImplementedError, ValueError, TypeError):
            continue  # not a polynomial in its atoms (a Piecewise inside)
        for factor, power in factors:
            if power % 2 == 0 and factor.free_symbols:
                yield factor


def _at_substitutions(sides: list, found: list) -> list:
    """`found` with a switch in a variable a Subs binds read at the Subs' point: the kinks of
    Subs(∂|d|/∂d, d, 3) are where 3 = 0 (none), not at d = 0, where |d|' at 3 = 1 was
    REFUTED; a point in free symbols bound nowhere is read there too (D(z - 1) of D(s) :=
    ∂f(s)/∂s has its kinks where z - 1 is one). Where the switch may belong to another
    binding of that symbol, the point is a number not known nonzero or holds a bound symbol,
    or the symbol is also free once definitions unfold (g() := d·sign(d)² beside
    Subs(∂g/∂d, d, 3)), 0 stands in for it: "may be on a kink", which no point decides.
    `sides` are the claim's, definitions unfolded."""
    nodes = [n for side in sides for n in sympy.preorder_traversal(side)]
    bindings = [n for n in nodes if isinstance(n, sympy.Subs)]
    free = set().union(*(side.free_symbols for side in sides))
    # Bound more than once (two Subs, a Sum or an Integral over it too), or free as well.
    bound_times = collections.Counter(v for n in nodes for v in binds(n))
    unclear = free | {v for v, times in bound_times.items() if times > 1}
    read = []
    for switch in found:
        bound = switch.free_symbols - free
        hits = [n for n in bindings if bound & set(n.variables)]
        if switch.free_symbols & unclear & {v for n in bindings for v in n.variables}:
            read.append(sympy.S.Zero)
            continue
        if not hits:
            read.append(switch)
        for node in hits:
            at = switch.xreplace(dict(zip(node.variables, node.point)))
            # A number kept only where it is known not to be 0: sin(π·e) with e = log 6 -
            # log 2 - log 3 + 1 is 0, but not as written, and was dropped (helper 103). A
            # point in the claim's free symbols, bound nowhere, is read there (z - 1).
            number = at.is_number and at.is_zero is False
            symbolic = not at.is_number and not at.free_symbols & set(bound_times)
            if symbolic and at.is_zero is False:
                continue  # no kink there, for any value of the symbols (|δ| at δ > 0)
            on_kink = _on_kink_at(switch, node, at, set(bound_times))
            read.append(at if number or symbolic else on_kink)
    return read


def _on_kink_at(switch, node, at, bound) -> sympy.Basic:
    """How a switch that vanishes at a Subs' point is read: where the Subs puts its one
    variable v at a point p free of bound symbols and the switch, in v alone of the bound
    ones, is 0 there as written (|x| - δ at x = δ, δ > 0: the kink of Huber's loss), as
    v - p, so that the point is decided by the one-sided limits there; else 0 (may be on a
    kink)."""
    if at != 0 or len(node.variables) != 1:
        return sympy.S.Zero
    (v,), (p,) = node.variables, node.point
    others = switch.free_symbols & (bound - {v})
    if others or p.free_symbols & bound or v not in switch.free_symbols:
        return sympy.S.Zero
    # Only for derivatives by v under the Subs: the limits are taken in their variable.
    derivatives = node.expr.atoms(sympy.Derivative)
    if not derivatives or any(d.variables != (v,) for d in derivatives):
        return sympy.S.Zero
    return v - p


def _differentiated_functions(ctx: Context, claim: Claim, lows: dict):
    """(node, the function it differentiates) for each FirstOrder and each derivative in the
    claim (definitions it reaches unfolded). A derivative by an intermediate (z() := w + b)
    is one in z: the function's kinks in z count, not those inside z's own definition, so z
    stays folded in it."""
    for side in (claim.lhs, claim.rhs):
        for moved in unfold(ctx, side, lows).atoms(FirstOrder):
            yield moved, unfold(ctx, moved.expr, lows)
    for node in _derivatives(ctx, claim):
        cut = intermediates(node, ctx.definitions)
        yield node, unfold(ctx, node.expr, lows, only=set(ctx.definitions) - cut if cut else None)


def kinks_crossed_apart(ctx: Context, claim: Claim) -> bool:
    """Whether two kinks of primitives in a function the claim differentiates may be crossed
    in opposite directions at one point (or where that cannot be told).

    The rules take a primitive's documented derivative at its kink, its value from the left
    (relu'(0) = 0, leaky_relu'(0) its negative slope). Where every kink met at a point is
    crossed the same way along the variable, the one-sided derivatives differ by the sum of
    the kinks' jumps, and where that is 0 (the function is differentiable) each side's
    derivative is the rules' value. Crossed in opposite directions, kinks can cancel into a
    derivative the conventions do not give: leaky_relu(x) - leaky_relu(-x) at 0, or
    leaky_relu(p x) - leaky_relu(q x) at p = -q, or Σ_j w_j leaky_relu(a_j x) with
    a_1 > 0 > a_2. So two kinks (two instances of one under a sum too) are apart unless
    SymPy shows the product of their slopes along the variable nonnegative, or that their
    arguments never vanish together."""
    if claim.at_kinks == "autograd":
        return False  # the documented derivatives are what the claim means there
    lows = dict(claim.lows)
    try:
        for function, slopes in _differentiated(ctx, claim, lows):
            if slopes is None or _apart(function, slopes):
                return True
    except (ArithmeticError, TypeError, ValueError, RecursionError):
        return True
    return False


def _differentiated(ctx: Context, claim: Claim, lows: dict):
    """(the function with its rules' derivative, the slopes that move a kink's argument
    along the variable) for each derivative and first-order perturbation in the claim; no
    slopes (None) for a derivative of a derivative, whose kinks the argument does not cover
    (relu(x²) is x², its second derivative 2 at 0, where the rules give 2·relu'(0) = 0: x²
    touches its kink without crossing it)."""
    for node, function in _differentiated_functions(ctx, claim, lows):
        if isinstance(node, FirstOrder):
            slopes = [lambda a, m=node: m.apply(a)]
        elif sum(count for _, count in node.variable_count) > 1:
            slopes = None
        else:
            slopes = [lambda a, v=v: sympy.diff(a, v) for v in node.variables]
        if slopes is None or _uncovered(function):
            yield function, None
            continue
        yield sympy.Tuple(function, evaluate_derivatives(ctx, node, lows)), slopes


def _uncovered(function) -> bool:
    """Whether the argument for the documented derivatives does not cover `function`: it
    differentiates (a derivative of a derivative), or it holds a primitive that jumps
    (leaky_relu_slope, constant on either side), whose value at the jump is neither side's
    where its argument only touches it: x·leaky_relu_slope(x², c) is x, with derivative 1 at
    0, where the rules give c."""
    if function.has(sympy.Derivative, Perturbation):
        return True
    return any(
        isinstance(node, PrimitiveFunction) and node.fdiff(1) == 0
        for node in sympy.preorder_traversal(function)
    )


def _has_primitives(ctx: Context, claim: Claim) -> bool:
    lows = dict(claim.lows)
    return any(
        isinstance(node, PrimitiveFunction)
        for side in (claim.lhs, claim.rhs)
        for node in sympy.preorder_traversal(unfold(ctx, side, lows))
    )


def _apart(function, slopes) -> bool:
    """Whether two kinked primitives' arguments in `function` may vanish together with
    slopes of opposite signs (see kinks_crossed_apart)."""
    kinks = list(
        dict.fromkeys(
            node.args[0]
            for node in sympy.preorder_traversal(function)
            if isinstance(node, PrimitiveFunction) and any(switches(node, False))
        )
    )
    bound = set().union(*(binds(n) for n in sympy.preorder_traversal(function)))
    for a, b in itertools.combinations_with_replacement(kinks, 2):
        # Another instance of b: its bound indices (a sum's j) may take other values.
        other = b.xreplace(
            {s: sympy.Dummy(s.name, **s.assumptions0) for s in bound & b.free_symbols}
        )
        if other == a or _never_together(a, other):
            continue
        for slope in slopes:
            if not all(_nonnegative(p) for p in _cases(slope(a) * slope(other))):
                return True
    return False


def _nonnegative(expr) -> bool:
    return expr == 0 or expr.is_nonnegative is True or sympy.factor(expr).is_nonnegative is True


def _never_together(a, b) -> bool:
    """Whether the expressions a and b cannot vanish at one point: they differ, or add up,
    to a nonzero number."""
    return any(
        e.is_number and e.is_zero is False for e in (sympy.expand(a - b), sympy.expand(a + b))
    )


def _cases(expr, most: int = 4) -> list:
    """`expr` with its Kronecker deltas at each of their values, 0 or 1 (beyond `most` of
    them, each a nonnegative unknown)."""
    deltas = list(expr.atoms(sympy.KroneckerDelta))
    if len(deltas) > most:
        return [expr.xreplace({d: sympy.Dummy("delta", nonnegative=True) for d in deltas})]
    return [
        expr.xreplace(dict(zip(deltas, map(sympy.Integer, values))))
        for values in itertools.product((0, 1), repeat=len(deltas))
    ]


def where_zero(switches) -> str:
    """Where the expressions `switches` vanish, for a reader; 0 stands for a kink a
    substitution may put anywhere (see _at_substitutions)."""
    return " or ".join(
        "a kink may sit under a substitution" if s == 0 else f"{sympy.sstr(s)} = 0"
        for s in switches
    )


def decide_at_breakpoints(
    ctx: Context, claim: Claim, switches: list, deadline: Deadline, only=None
) -> Singular:
    """Decide the claim where an expression in `switches` is 0 (see the module); `only`
    restricts that to one point {x: x0}."""
    where = where_zero(switches)
    if claim.lhs.has(Perturbation) or claim.rhs.has(Perturbation):
        return Singular(where, "a perturbation's derivative is not decided there")
    if claim.at_kinks == "autograd" and _has_primitives(ctx, claim):
        # The one-sided limits give the derivative, not autograd's value at a primitive's
        # kink that may lie there too (|x| - 2 relu(x) + x at 0: 0, where autograd gives 1).
        return Singular(where, "read as autograd's gradient, with a primitive that may kink there")
    nodes = _derivatives(ctx, claim)
    variables = {v for n in nodes for v in n.variables}
    if len(variables) != 1 or any(len(n.variables) != 1 for n in nodes):
        return Singular(where, "only first derivatives by one variable are decided there")
    (x,) = variables
    if not isinstance(x, sympy.Symbol) or claim.relation != "==":
        return Singular(where, "only derivatives by a scalar in an equation are decided there")
    lows = dict(claim.lows)
    try:
        with deadline.slice(LIMIT_SECONDS):
            # Each derivative's function and the rules' derivative, once for every point.
            sides = [unfold(ctx, side, lows) for side in (claim.lhs, claim.rhs)]
            around = _substituted_around(sides, nodes, x)
            if around is None:
                return Singular(where, "a derivative sits under several substitutions there")
            # A Subs around a derivative by x that puts another atom at a point (t at 3 in
            # Subs(∂f(t, u)/∂u, t, 3)) puts it there before the limits in x are taken: with t
            # symbolic the limit is generic, wrong where the point meets the kink (helper 126).
            pieces = []
            for node in nodes:
                put = around.get(node, {})
                function = elementary(unfold(ctx, node.expr, lows)).xreplace(put)
                derived = elementary(evaluate_derivatives(ctx, node, lows)).xreplace(put)
                pieces.append((node, function, derived))
            domain = declared_domain(ctx, x)
            if only is not None:
                points = {only[x]} if x in only else _bound_point(sides, x, only)
                if not points:  # x is bound, at no one point: nothing decided (not "holds")
                    return Singular(where, f"{x} is bound there, and its point not decided")
            else:
                points = set()
                for switch in switches:
                    zeros = sympy.solveset(switch, x, sympy.S.Reals)
                    if not isinstance(zeros, sympy.FiniteSet):
                        return Singular(where, f"the zeros of {switch} in {x} are not a finite set")
                    # A kink known to lie outside x's declared domain is no point of the claim.
                    points |= {z for z in zeros if _may_lie_in(ctx, z, domain)}
            # The sides as the nodes are found in them (above): a derivative of a definition
            # is taken of its body.
            for x0 in sorted(points, key=sympy.default_sort_key):
                others = {a: v for a, v in (only or {}).items() if a != x}
                along = _vanishing_along(switches, x, others)
                if along is not None:
                    return Singular(
                        where,
                        f"{along} = 0 along {x} there, so the rules' derivative beside the point "
                        "is not known to be the derivative",
                    )
                found = _at_point(sides, pieces, x, x0, others)
                if found == "" and _left_symbolic(sides, x, others):
                    # Held for the other atoms symbolic: SymPy's limits there are generic, and
                    # may be wrong where another switch meets this one, or this one folds.
                    found = _where_kinks_meet(ctx, sides, pieces, switches, x, x0, others)
                if found != "" and _left_symbolic(sides, x, others):
                    # Refuted or not decided with other atoms symbolic (x0 may depend on
                    # them): decided at points that inputs reach, with every atom a number.
                    witness = _witnessed(ctx, sides, pieces, x, x0, others, domain)
                    if isinstance(witness, Counterexample) or isinstance(found, Counterexample):
                        found = witness
                if isinstance(found, Counterexample):
                    return Singular(where, refuted=found)
                if found:
                    return Singular(where, found)
    except OutOfTime:
        return Singular(where, "the one-sided limits there took too long")
    except NotDerivable as problem:
        return Singular(where, f"the derivative there was not taken ({problem})")
    except (ValueError, TypeError, NotImplementedError, ArithmeticError) as problem:
        return Singular(where, f"the one-sided limits there failed ({problem})")
    return Singular(where)


def _bound_point(sides, x, only) -> set:
    """{x's point at `only`} where x is bound in `sides` by Subs that all put it at one point
    (a counterexample's point names no bound variable: Subs(∂hinge/∂t, t, 1) = 0 had its
    point at t = 1 left out, and was said to hold there); else none."""
    nodes = [n for side in sides for n in sympy.preorder_traversal(side)]
    substitutions = [n for n in nodes if isinstance(n, sympy.Subs)]
    points = {p for n in substitutions for v, p in zip(n.variables, n.point) if v == x}
    if len(points) != 1 or any(x in binds(n) for n in nodes if not isinstance(n, sympy.Subs)):
        return set()
    (point,) = points
    return {point.xreplace(only)}


def _left_symbolic(sides, x, others) -> bool:
    """Whether deciding the point left atoms other than x symbolic."""
    return bool(set().union(*(side.free_symbols for side in sides)) - {x} - set(others))


def _where_kinks_meet(ctx: Context, sides, pieces, kinks, x, x0, others):
    """ "" where the claim also holds at each value of an atom left symbolic at which
    another switch (a branch, kink or tie) meets the kink x = x0, or a switch of it stops
    depending on x there (SymPy's limits, taken for that atom symbolic, are generic: at x =
    y, the limit of sign(x - y²)² is sign(y - y²)², wrong at y = 0 and 1, where the kink x =
    y² meets it; sign(y·(x - 1))² is 1 beside x = 1 unless y = 0); else a Counterexample
    there, or why that is not decided."""
    found = [s for _, f, d in pieces for e in (f, d) for s in switches(e, False)]
    special = []
    for switch in dict.fromkeys([*kinks, *found]):
        crossing = switch.xreplace(others).xreplace({x: x0})
        if crossing == 0:  # this kink: where its slope in x vanishes, it folds
            special.append((switch, sympy.diff(switch.xreplace(others), x).xreplace({x: x0})))
        else:
            special.append((switch, crossing))
    meets = []
    for switch, zero in special:
        if zero == 0 or zero.is_zero is False:
            continue  # folded for every value (no special one), or never
        atoms = zero.free_symbols
        if len(atoms) != 1 or not atoms <= ctx.scalars:
            return f"where {switch} = 0 meets the kink {x} = {x0} is not decided"
        (atom,) = atoms
        roots = sympy.solveset(zero, atom, sympy.S.Reals)
        if not isinstance(roots, sympy.FiniteSet):
            return f"where {switch} = 0 meets the kink {x} = {x0} is not a finite set"
        meets += [{atom: root} for root in roots if may_take(ctx, atom, root)]
    for point in meets:
        at, there = x0.xreplace(point), {**others, **point}
        if at.free_symbols:
            return f"the kinks meeting at {x} = {at} are not decided"
        if not may_take(ctx, x, at):
            continue
        along = _vanishing_along(kinks, x, there)
        if along is not None:
            return f"{along} = 0 along {x} where it meets the kink {x} = {x0}: not decided"
        decided = _at_point(sides, pieces, x, at, there)
        if decided != "":
            return decided
    return ""


def _witnessed(ctx: Context, sides, pieces, x, x0, others, domain):
    """A counterexample at a point of the kink x = x0 that some input reaches, where the
    decision left atoms symbolic (x0 may depend on them): values for them inside their
    domains that put x0 inside x's `domain`, where the claim fails again, decided with every
    atom a number; else why none was found. The claim failing at x = x0 for symbolic atoms
    refutes nothing where no input lies on the kink (|x − y(1 − y)|' = 1 for x > 1/2: the
    kink x ≤ 1/4 is outside), and a counterexample names every atom's value."""
    free = set().union(x0.free_symbols, *(side.free_symbols for side in sides))
    atoms = sorted(free - {x} - set(others), key=sympy.default_sort_key)
    if not atoms or not all(a in ctx.scalars for a in atoms):
        return f"the kink {x} = {x0} depends on more than scalar inputs"
    tried = 0
    for point in _on_kink(ctx, x, x0, atoms, domain):
        at, there = x0.xreplace(point), {**others, **point}
        inputs = {x: at, **point}
        if not all(may_take(ctx, a, v) for a, v in inputs.items()):
            continue
        found = _at_point(sides, pieces, x, at, there)
        if isinstance(found, Counterexample):
            return found
        tried += 1
        if tried >= WITNESSES:
            break
    return f"no point of the inputs' domains on the kink {x} = {x0} was found where it fails"


def _on_kink(ctx: Context, x, x0, atoms, domain):
    """Values for `atoms` (those of x0 among them) to try: each at the same simple value of
    its domain, each at one, then each atom in turn solved from x0 = t for simple values t
    of x's `domain` and its midpoint (the kink x = y² with x in [2.1, 2.2] lies at no simple
    y), the others at a few of theirs (x = n·y with n = 0 reaches no x in [2.1, 2.2])."""
    yield from uniform_points(ctx, atoms)
    values = [
        [v for v in simple_values(declared_domain(ctx, a)) if admissible(a, v)] for a in atoms
    ]
    for chosen in itertools.product(*values):
        yield dict(zip(atoms, chosen))
    targets = list(simple_values(domain))
    if domain.inf.is_finite and domain.sup.is_finite:
        targets.append((domain.inf + domain.sup) / 2)
    solved = 0
    for last in atoms:
        fixed = [(a, ok[:SOLVE_CHOICES]) for a, ok in zip(atoms, values) if a != last]
        for chosen in itertools.product(*(ok for _, ok in fixed)):
            others = dict(zip((a for a, _ in fixed), chosen))
            for target in dict.fromkeys(targets):
                if solved >= SOLVES:
                    return
                solved += 1
                roots = sympy.solveset(x0.xreplace(others) - target, last, sympy.S.Reals)
                if isinstance(roots, sympy.FiniteSet):
                    for root in roots:
                        yield {**others, last: root}


def _vanishing_along(switches, x, others):
    """A switch that may be 0 for every x near the point (others' values in place): there
    the rules' derivative may be wrong beside the point as well, so its one-sided limits are
    not the derivative's (Max(x, x - y, x + y) at y = 0 is x, its rules' derivative 3/2 for
    every x); None if every switch depends on x."""
    for switch in switches:
        line = switch.xreplace(others)
        if x not in line.free_symbols and line.is_zero is not False:
            return switch
    return None


def _may_lie_in(ctx: Context, z, domain) -> bool:
    """Whether the kink x = z may lie in x's declared `domain`, with z's atoms in theirs (x = y
    with x in (0, 1) and y in [2, 3] does not): decided by interval arithmetic, which may
    only widen z's range; True where it cannot tell."""
    if domain.contains(z) is sympy.false:
        return False
    atoms = [a for a in z.free_symbols if isinstance(a, sympy.Symbol | sympy.Indexed)]
    if not atoms:
        return True
    try:
        bounds = {}
        for atom in atoms:
            # Only an input's own domain (a size's or an index's values are not its domain).
            tensor = atom.base.label if isinstance(atom, sympy.Indexed) else None
            if atom not in ctx.scalars and tensor not in ctx.tensors:
                return True
            within = declared_domain(ctx, atom)
            if not isinstance(within, sympy.Interval):
                return True
            bounds[atom] = sympy.AccumBounds(within.inf, within.sup)
        reach = z.xreplace(bounds)
    except (TypeError, ValueError, NotImplementedError):
        return True
    if not isinstance(reach, sympy.AccumBounds):
        return True
    span = sympy.Interval(reach.min, reach.max)
    return span.intersect(domain) != sympy.S.EmptySet


def _substituted_around(sides, nodes, x) -> dict | None:
    """{node: the substitution of atoms other than x that the Subs around it make} for each
    derivative node under a Subs; None where a node is found under different ones (or under
    one and outside it), or under one whose point holds x: Subs(∂f(t, u)/∂u, t, 2u) is the
    partial with t held, at t = 2u, and putting t = 2u in first would take the limit along
    the path t = 2u (helper 128). An inner Subs' point is read through the outer ones
    (Subs(s·Subs(∂g/∂u, t, s), s, 3) puts t at 3, not at s)."""
    wanted, found = set(nodes), {}
    moving = object()  # stands for the substitution of a Subs whose point holds x

    def visit(expr, mapping):
        if expr in wanted and found.setdefault(expr, mapping) != mapping:
            found[expr] = moving
        if isinstance(expr, sympy.Subs):
            inner = mapping
            if mapping is not moving:
                points = {
                    v: p.xreplace(mapping) for v, p in zip(expr.variables, expr.point) if v != x
                }
                moves = any(p.has(x) for p in points.values())
                inner = moving if moves else {**mapping, **points}
            visit(expr.expr, inner)
            for point in expr.point:
                visit(point, mapping)
            return
        for arg in expr.args:
            visit(arg, mapping)

    for side in sides:
        visit(side, {})
    if any(m is moving for m in found.values()):
        return None
    return {node: m for node, m in found.items() if m}


def _at_point(sides, pieces, x, x0, others):
    """A Counterexample at x = x0, a reason the claim is not decided there, or "" when it
    holds there (or says nothing there: a derivative in it has no value). `sides` are the
    claim's, its definitions unfolded as in `pieces`; `others` gives the other atoms values
    (a counterexample's); each comparison must come out decided, for every value of the
    atoms left symbolic, or the point is not decided."""
    values = {}
    for node, function, derived in pieces:
        function, derived = function.xreplace(others), derived.xreplace(others)
        if any(isinstance(a, sympy.Indexed) for a in function.free_symbols):
            return f"{node} has tensor entries among its atoms"
        at = exactly_at(function, {x: x0})
        if not at.is_finite:
            return f"{node}'s function has no finite value at {x} = {x0}"
        continuous = _all_same([_one_sided(function, x, x0, d) for d in (-1, 1)] + [at])
        left, right = (_one_sided(deltas_off(derived), x, x0, d) for d in (-1, 1))
        agree = _all_same([left, right]) if left.is_finite and right.is_finite else None
        if continuous is True and agree is True:
            values[node] = left  # the derivative exists: the common limit
            continue
        # No derivative only where that is certain: a jump, or a kink (the derivative's
        # one-sided limits exist and differ). A derivative may exist where they do not.
        if not (continuous is False or (continuous is True and agree is False)):
            return f"whether {node} exists at {x} = {x0} is not decided"
        conventional = exactly_at(derived, {x: x0})  # the rules' convention
        if conventional.has(sympy.nan) or conventional.is_finite is False:
            return ""  # no value there: the claim says nothing at x0
        if conventional.is_finite is None:  # 1/y: a number unless y = 0
            return f"whether the rules' {node} at {x} = {x0} is a number is not decided"
        values[node] = conventional
    written = [side.xreplace(values) for side in sides]
    if any(side.has(sympy.Derivative) for side in written):
        return f"a derivative in the claim at {x} = {x0} is not one the point was decided for"
    lhs, rhs = (deltas_off(elementary(side.xreplace(others))).subs(x, x0) for side in written)
    if lhs.has(sympy.nan) or rhs.has(sympy.nan):
        return f"the sides at {x} = {x0} are not numbers"
    if unresolved(lhs - rhs) is not None:
        return f"the sides at {x} = {x0} hold a number SymPy cannot tell from 0"
    gap = sympy.simplify(lhs - rhs)
    if gap == 0:
        return ""
    if gap.free_symbols or not gap.is_number or gap.is_nonzero is not True:
        return f"the sides at {x} = {x0} could not be compared"
    point = ((str(x), str(x0)), *((str(a), str(v)) for a, v in others.items()))
    return Counterexample((), tuple(sorted(point)), show_value(lhs), show_value(rhs))


def _all_same(values) -> bool | None:
    """True if the values are equal for every value of their atoms, False if two of them
    differ by a number that is not 0, else None (not decided)."""
    first, decided = values[0], True
    if any(unresolved(v) is not None for v in values):
        return None  # a number SymPy takes for 0, rightly or not
    for other in values[1:]:
        gap = sympy.simplify(other - first)
        if gap == 0:
            continue
        if not gap.free_symbols and gap.is_number and gap.is_nonzero is True:
            return False
        decided = None
    return decided


def _one_sided(expr, x, x0, direction: int):
    """The limit of `expr` as x tends to x0 from below (−1) or above (+1), read with x as
    x0 ± e for a positive e (so a branch on x ≠ x0 resolves), and confirmed at PROBES."""
    e = sympy.Dummy("e", positive=True)
    moved = expr.xreplace({x: x0 + direction * e})
    if _zero_power_at(moved, e):
        raise ValueError(f"a power 0**t may jump at {x} = {x0}: its limits are not decided")
    value = sympy.limit(_near_zero(moved, e), e, 0, "+")
    if not value.is_finite:
        return value
    # The limit keeps the other atoms symbolic, and SymPy's can hold for some of their values
    # only (arg(y + i·e) → arg(y) from both sides, wrong for y < 0): it is checked with them
    # at values of both signs and two magnitudes.
    atoms = sorted(moved.free_symbols - {e}, key=str)
    for others in _assignments(atoms):
        for probe in PROBES:
            near = sympy.N(moved.xreplace({e: probe, **others}), 60)
            value_there = value.xreplace(others)
            gap = sympy.N(near - value_there, 60)
            if not (near.is_number and gap.is_real) or abs(mpmath.mpf(gap)) > PROBE_TOLERANCE:
                raise ValueError(f"the limit at {x} = {x0} is not confirmed by evaluation")
    return value


def _near_zero(expr, e):
    """`expr` with each Piecewise whose conditions are decided for every small e > 0 (every
    value of the other atoms, as their assumptions allow) replaced by the branch that holds
    there: SymPy's limit refuses a Piecewise whose condition holds another atom (Huber's
    loss at 0 from above, e ≤ δ: "as_set has not yet been implemented for multivariate
    expressions"; helper 175). A Piecewise not decided so is left as it is."""

    def settle(piecewise):
        for branch, condition in piecewise.args:
            holds = _holds_near_zero(condition, e)
            if holds is None:
                return piecewise
            if holds:
                return _near_zero(branch, e)
        return piecewise

    if not expr.has(sympy.Piecewise):
        return expr
    return expr.replace(lambda n: isinstance(n, sympy.Piecewise), settle)


def _holds_near_zero(condition, e) -> bool | None:
    """Whether `condition` holds for every small e > 0 (True), for none (False), or neither
    is known (None): each comparison by the sign of its sides' difference there."""
    if condition in (sympy.true, sympy.false):
        return bool(condition)
    if isinstance(condition, sympy.Not):
        inner = _holds_near_zero(condition.args[0], e)
        return None if inner is None else not inner
    if isinstance(condition, sympy.And | sympy.Or):
        parts = [_holds_near_zero(c, e) for c in condition.args]
        decisive = isinstance(condition, sympy.Or)  # a True decides Or, a False decides And
        if decisive in parts:
            return decisive
        return None if None in parts else not decisive
    if not isinstance(condition, sympy.core.relational.Relational):
        return None
    sign = _sign_near_zero(condition.lhs - condition.rhs, e)
    if sign is None:
        return None
    holds = {
        sympy.Ge: sign >= 0,
        sympy.Gt: sign > 0,
        sympy.Le: sign <= 0,
        sympy.Lt: sign < 0,
        sympy.Eq: sign == 0,
        sympy.Ne: sign != 0,
    }
    return holds.get(type(condition))


def _sign_near_zero(g, e) -> int | None:
    """The sign of g for every small e > 0 and every value of the other atoms (their
    assumptions), where g is a polynomial in e: that of its lowest coefficient not known to
    be 0, if its sign is known; None otherwise. Not SymPy's limit: it takes the other atoms
    at generic values (dn^(e²) → 1, wrong at dn = 0, where 0^(e²) = 0: a false claim at a
    kink was PROVED; helper 177)."""
    g = sympy.expand(g)
    if g == 0:
        return 0
    if not g.is_polynomial(e):
        return None
    try:
        coefficients = sympy.Poly(g, e).all_coeffs()[::-1]  # the constant term first
    except (sympy.PolynomialError, ValueError, TypeError):
        return None
    for coefficient in coefficients:
        if coefficient.is_zero:
            continue
        if coefficient.is_positive:
            return 1
        if coefficient.is_negative:
            return -1
        return None
    return 0


def _zero_power_at(moved, e) -> bool:
    """Whether `moved` holds a power whose base may be 0 and whose exponent moves with e and
    may be 0 at e = 0: 0**t is 1 at t = 0 and 0 for t > 0, and SymPy's limits take the base
    at a generic value (dn**(e²) tends to 1, but is 0 where dn = 0, or y² + z² where y = z =
    0). x·(1 − b**(x²)) + x, which is 2x where b = 0, had its derivative at 0 PROVED to be 1
    (helpers 177, 179); such a point is not decided by limits. (falsify.zero_power asks the
    same of an exponent as written; moved, x² is e², known positive.)"""
    return any(
        isinstance(node, sympy.Pow)
        and e in node.exp.free_symbols
        and node.base.is_zero is not False
        and node.exp.xreplace({e: 0}).is_zero is not False
        for node in sympy.preorder_traversal(moved)
    )


def _assignments(atoms) -> list:
    """Values for `atoms` to check a limit at: each sign pattern of all alike and alternating,
    at a small and a large magnitude (one assignment where there are no atoms)."""
    if not atoms:
        return [{}]
    base = [sympy.Rational(3 + 2 * k, 7 + 4 * k) for k in range(len(atoms))]
    patterns = [
        [1] * len(atoms),
        [-1] * len(atoms),
        [(-1) ** k for k in range(len(atoms))],
        [-((-1) ** k) for k in range(len(atoms))],
    ]
    # An atom declared of one sign takes that sign only (δ > 0 in Huber's loss: the limits
    # hold for its values; at δ < 0 the expression as SymPy built it, |δ| as δ, is not it).
    fixed = [1 if a.is_nonnegative else -1 if a.is_nonpositive else None for a in atoms]
    found = []
    for scale in (1, 23):
        for signs in patterns:
            signs = [f if f is not None else s for f, s in zip(fixed, signs)]
            point = {a: s * scale * b for a, s, b in zip(atoms, signs, base)}
            if point not in found:
                found.append(point)
    return found
