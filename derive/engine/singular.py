"""Derivatives where the rules leave a Dirac delta: what a proof covers there.

Differentiating sign or Heaviside gives a Dirac delta, which the proofs read as 0 wherever
its argument is not (a claim holds where its sides are defined: sign'(x) = 2δ(x) = 0). At
a point where the argument is 0 the rules give no value, yet the derivative may exist there:
x·sign(x)² is x, whose derivative at 0 is 1, while the rules' sign(x)² + 4x·sign(x)·δ(x)
reads 0 there. So a proof of ∂(x·sign(x)²)/∂x = sign(x)² holds off 0 only.

At each such point x0 this module decides the claim exactly, for a claim in one real atom x:
a derivative there exists when its function is continuous at x0 and the rules' derivative
has equal, finite one-sided limits (then it is that limit, by the mean value theorem);
where one-sided limits differ the function has no derivative at x0, and the claim, which
holds where its sides are defined, says nothing there. Any other case is left undecided.
"""

from __future__ import annotations

from dataclasses import dataclass

import sympy

from derive.engine.deadline import Deadline, OutOfTime
from derive.engine.falsify import show_value
from derive.engine.terms import Context, evaluate_derivatives, unfold
from derive.model import Claim, Counterexample
from derive.notation.perturb import Perturbation
from derive.notation.primitives import elementary

LIMIT_SECONDS = 4.0  # for all the limits of one claim


@dataclass(frozen=True)
class Singular:
    """What holds at the points where the rules leave a Dirac delta: `refuted` (a
    counterexample there), else `why` not decided (empty: the claim holds there too), and
    `where` those points are, as text."""

    where: str
    why: str = ""
    refuted: Counterexample | None = None


def dirac_arguments(ctx: Context, claim: Claim) -> list:
    """The arguments of the Dirac deltas that differentiating the claim leaves, where they
    are not constants other than 0."""
    lows, found = dict(claim.lows), []
    for side in (claim.lhs, claim.rhs):
        if not side.has(sympy.Derivative, Perturbation):
            continue
        for delta in evaluate_derivatives(ctx, side, lows).atoms(sympy.DiracDelta):
            argument = delta.args[0]
            if argument.free_symbols or argument == 0:
                found.append(argument)
    return list(dict.fromkeys(found))


def at_dirac_points(ctx: Context, claim: Claim, arguments: list, deadline: Deadline) -> Singular:
    """Decide the claim where an argument in `arguments` is 0 (see the module)."""
    where = " or ".join(f"{sympy.sstr(a)} = 0" for a in arguments)
    atoms = set().union(*(a.free_symbols for a in arguments))
    if len(atoms) != 1:
        return Singular(where, "the deltas' arguments are in more than one atom")
    (x,) = atoms
    nodes = [n for side in (claim.lhs, claim.rhs) for n in side.atoms(sympy.Derivative)]
    if claim.lhs.has(Perturbation) or claim.rhs.has(Perturbation):
        return Singular(where, "a perturbation's derivative is not decided there")
    if any(n.variables != (x,) for n in nodes) or claim.relation != "==":
        return Singular(where, f"only first derivatives by {x} in an equation are decided there")
    lows = dict(claim.lows)
    try:
        with deadline.slice(LIMIT_SECONDS):
            points = set()
            for argument in arguments:
                zeros = sympy.solveset(argument, x, sympy.S.Reals)
                if not isinstance(zeros, sympy.FiniteSet):
                    return Singular(where, f"the zeros of {argument} are not a finite set")
                points |= set(zeros)
            for x0 in sorted(points, key=sympy.default_sort_key):
                found = _at_point(ctx, claim, nodes, x, x0, lows)
                if isinstance(found, Counterexample) or found:
                    if isinstance(found, Counterexample):
                        return Singular(where, refuted=found)
                    return Singular(where, found)
    except OutOfTime:
        return Singular(where, "the one-sided limits there took too long")
    except (ValueError, TypeError, NotImplementedError, ArithmeticError) as problem:
        return Singular(where, f"the one-sided limits there failed ({type(problem).__name__})")
    return Singular(where)


def _at_point(ctx, claim, nodes, x, x0, lows):
    """A Counterexample at x = x0, a reason the claim is not decided there, or "" when it
    holds there (or says nothing there: a derivative in it does not exist)."""
    values = {}
    for node in nodes:
        function = elementary(unfold(ctx, node.expr, lows))
        if function.free_symbols - {x}:
            return f"{node} is not a function of {x} alone"
        rule = _off_deltas(elementary(evaluate_derivatives(ctx, node, lows)))
        at = function.subs(x, x0)
        sides = [sympy.limit(function, x, x0, d) for d in "-+"]
        if not (at.is_finite and all(sympy.simplify(s - at) == 0 for s in sides)):
            return ""  # not continuous at x0: no derivative, and the claim says nothing there
        left, right = (sympy.limit(rule, x, x0, d) for d in "-+")
        if not (left.is_finite and right.is_finite):
            return f"the one-sided limits of {node} at {x} = {x0} are not finite numbers"
        if sympy.simplify(left - right) != 0:
            return ""  # a kink: no derivative at x0, and the claim says nothing there
        values[node] = left
    lhs, rhs = (
        _off_deltas(elementary(side.xreplace(values))).subs(x, x0)
        for side in (claim.lhs, claim.rhs)
    )
    if lhs.free_symbols or rhs.free_symbols or lhs.has(sympy.nan) or rhs.has(sympy.nan):
        return f"the sides at {x} = {x0} are not numbers"
    gap = sympy.simplify(lhs - rhs)
    if gap == 0:
        return ""
    if not gap.is_number or not gap.is_nonzero:
        return f"the sides at {x} = {x0} could not be compared"
    point = ((str(x), str(x0)),)
    return Counterexample((), point, show_value(lhs), show_value(rhs))


def _off_deltas(expr):
    """`expr` with each Dirac delta read as 0 (its value wherever its argument is not 0)."""
    return expr.replace(lambda n: isinstance(n, sympy.DiracDelta), lambda n: sympy.S.Zero)
