"""Gradients the engine derives itself, checked against central differences at 50 digits.

The engine unfolds the forward equations at concrete sizes and differentiates with SymPy;
central differences of the same forward expression, evaluated with mpmath, are the check.
Agreement is numeric evidence (NUMERIC). Where they disagree at both steps (a forward that
oscillates fast, sin(10²⁰x), agrees at the smaller), the derivative there is not what the
rules give (a point on a branch of a Piecewise that is differentiable anyway) or not
confirmed: the gradient is UNDECIDED, with the point and the difference.
"""

from __future__ import annotations

import mpmath
import sympy
from sympy import Indexed

from derive.engine.finding import Finding
from derive.engine.numeric import DPS, argument_symbols, pointwise, rng_for, sample
from derive.engine.terms import (
    Context,
    free_indices,
    index_assignments,
    input_atoms,
    instantiate,
)
from derive.model import NUMERIC, UNDECIDED, Gradient
from derive.notation.primitives import elementary
from derive.notation.text import plural

STEPS = (mpmath.mpf(10) ** -20, mpmath.mpf(10) ** -30)  # the second at DPS + 20 digits
AGREEMENT = 1e-20
POINTS = 2


def gradient_grid(gradient: Gradient) -> list[dict]:
    sizes = [s for s, _ in gradient.sizes]
    combos = [{}]
    for size, values in gradient.sizes:
        combos = [{**c, size: v} for c in combos for v in values]
    return sorted(combos, key=lambda c: [c[s] for s in sizes])


def is_entry_of(atom, wrt) -> bool:
    if isinstance(atom, Indexed):
        return isinstance(wrt, sympy.IndexedBase) and atom.base.label == wrt.label
    return atom == wrt


def check_gradient(ctx: Context, gradient: Gradient) -> tuple[Finding, str]:
    """Differentiate at each size and compare with central differences.

    Returns the finding and the derived gradient at the smallest size, for the report.
    """
    rng, checked, worst, example = rng_for(ctx.doc.name, gradient.id), 0, 0.0, ""
    where = undefined = ""
    for sizes in gradient_grid(gradient):
        for assignment in index_assignments(ctx, free_indices(ctx, gradient.of), sizes):
            forward = instantiate(ctx, gradient.of, {**sizes, **assignment})
            atoms = input_atoms(ctx, forward, sizes)
            targets = [a for a in atoms if is_entry_of(a, gradient.wrt)]
            derived = [sympy.diff(forward, t) for t in targets]
            example = example or (targets and f"∂/∂{targets[0]} = {sympy.sstr(derived[0])}")
            for _ in range(POINTS):
                difference, point = _difference(ctx, forward, atoms, targets, derived, rng)
                if difference is None:
                    undefined = undefined or _shown(point, sizes)
                elif difference > worst:
                    worst, where = difference, _shown(point, sizes)
            checked += len(targets)
    if not checked:
        return Finding(UNDECIDED, f"the output does not depend on {gradient.wrt}", "none"), ""
    if undefined:
        scope = (
            f"the forward or a derived partial has no finite value at a sampled point "
            f"({undefined}): a branch that covers no value there, a kink, or a function that "
            "cannot be evaluated; not confirmed"
        )
        return Finding(UNDECIDED, scope, "symbolic differentiation, not confirmed"), example
    if worst > AGREEMENT:
        scope = (
            f"the derived gradient and central differences differ by {worst:.1e} at a sampled "
            f"point ({where}): a branch or kink of the forward there, or an error; not confirmed"
        )
        return Finding(UNDECIDED, scope, "symbolic differentiation, not confirmed"), example
    listed = "; ".join(
        ", ".join(f"{k} = {v}" for k, v in s.items()) for s in gradient_grid(gradient)
    )
    at = f" at sizes {listed}" if listed else ""
    scope = (
        f"{plural(checked, 'partial derivative')}{at}, {POINTS} points each: "
        f"max relative difference from central differences {worst:.1e}"
    )
    return Finding(
        NUMERIC, scope, "symbolic differentiation, checked by central differences"
    ), example


def _shown(point: dict, sizes: dict) -> str:
    shown = [f"{k} = {v}" for k, v in sizes.items()] + [f"{a} = {v}" for a, v in point.items()]
    return ", ".join(shown[:8]) + (", …" if len(shown) > 8 else "")


def _difference(ctx, forward, atoms, targets, derived, rng) -> tuple[float, dict]:
    """The largest relative difference of the derived partials from central differences
    at a sampled point (the smaller of the two steps' differences, per partial), and the
    point; None for the difference where the forward or a partial has no finite value
    there (a Piecewise whose branches miss the point, a Dirac delta at its point) or cannot
    be evaluated."""
    dummies = argument_symbols(len(atoms))
    swap = dict(zip(atoms, dummies))
    point = sample(ctx, atoms, rng)
    try:
        forward = elementary(forward).xreplace(swap)
        f = sympy.lambdify(dummies, forward, modules="mpmath", cse=True)
        grad = sympy.lambdify(
            dummies,
            [pointwise(elementary(d)).xreplace(swap) for d in derived],
            modules="mpmath",
            cse=True,
        )
    except (NotImplementedError, NameError, SyntaxError, ValueError):
        # SymPy's printers raise these for what mpmath has no function for (array notation
        # left in the forward, a derivative of Mod).
        return None, point
    worst = 0.0
    with mpmath.workdps(DPS + 20):
        values = [mpmath.mpf(point[a].p) / point[a].q for a in atoms]
        try:
            exact = grad(*values) if derived else []
            for target, value in zip(targets, exact):
                k = atoms.index(target)
                differences = []
                for step in STEPS:
                    up, down = list(values), list(values)
                    up[k] += step
                    down[k] -= step
                    central = (f(*up) - f(*down)) / (2 * step)
                    if not (mpmath.isfinite(central) and mpmath.isfinite(value)):
                        return None, point
                    differences.append(float(abs(central - value) / max(1, abs(value))))
                worst = max(worst, min(differences))
        except (ArithmeticError, TypeError, ValueError, NameError):
            # None from a Piecewise with no branch that holds, a function mpmath lacks
            return None, point
    return worst, point
