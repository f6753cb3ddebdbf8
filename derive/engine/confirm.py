"""Confirming a proof by evaluation at sizes and points the proof did not use.

A symbolic proof is only a candidate: the claim is also evaluated at every combination of
its grid's sizes and at larger sizes (from 4 to 8, then from 9 to 16, where the instance
stays small), past the switches of its sizes (past_switches), at seeded points, in high
precision. Agreement there is what lets a verdict say PROVED; a disagreement goes to the
counterexample search, and never to the user as a crash.
"""

from __future__ import annotations

import contextlib
import functools
import itertools
import random
from collections.abc import Callable
from dataclasses import dataclass

import mpmath
import sympy
from sympy.core.function import AppliedUndef
from sympy.polys.polyerrors import BasePolynomialError

from derive.engine.deadline import SLICE_SECONDS, OutOfTime
from derive.engine.falsify import holds_at, jump_arguments, rational_poly, switches
from derive.engine.numeric import (
    AGREE,
    DIFFER,
    NO_VALUE,
    RELATION_HOLDS,
    Compiled,
    as_real,
    sample,
)
from derive.engine.terms import Context, InputError
from derive.notation.arrays import ShapeMismatch
from derive.notation.primitives import exactly_at

LARGER_RANGES = ((4, 8), (9, 16))  # one seeded size from each
MIXED_HIGH = 5  # every size at once at distinct values from 2 to this
MAX_COMBINATIONS = 27  # every combination of three sizes over a grid of three
OPTIONAL_NODES = 1_500  # the instances built for the sizes past the required ones, in all
OPTIONAL_SECONDS = 1.0  # to build one of them
# The share of a claim's time the optional sizes leave to what follows them (the check of
# a derivative's breakpoints): GATv2's J_a8[2] spent 27 of its 30 s on them, 0.7 s an
# instance, and ran out of time after, UNDECIDED, in runs beside other work.
OPTIONAL_RESERVE = 0.2
CHECK_DPS = 60
CHECK_TOLERANCE = mpmath.mpf(10) ** -45
RECHECK_DPS = 150
RECHECK_TOLERANCE = mpmath.mpf(10) ** -120
POINTS = 3
EXACT_NODES = 2_000  # an instance this small is also evaluated in exact arithmetic
# Switches of the sizes alone (see past_switches): every size up to SWITCH_SCAN is looked
# at, then sizes doubling up to 2**SWITCH_DOUBLINGS, a change between two of them bisected.
SWITCH_SCAN = 64
SWITCH_DOUBLINGS = 20
SWITCH_MOST = 24  # the sizes past switches a proof is checked at; with more, it is not


@dataclass(frozen=True)
class Check:
    """What the confirming evaluation found: the sizes where some point evaluated (to finite
    reals that agree), whether any did, and where the sides differ, if anywhere (sizes and a
    point, or only sizes for a shape mismatch)."""

    checked: tuple
    agreed: bool = False
    differ_sizes: dict | None = None
    differ_point: dict | None = None


def confirming_sizes(grid: list, sizes: tuple, lows: dict, rng: random.Random) -> list[dict]:
    """Larger sizes for one seeded size of the claim (the others at their smallest): a
    seeded k from 4 to 8, then one from 9 to 16, so that no fixed set of sizes is all a
    proof is ever checked at; with several sizes, also every size at once at distinct seeded
    values from 2 to MIXED_HIGH (a claim can fail only where D > H ≥ 2); then every
    combination of the grid's sizes."""
    combos = grid[:MAX_COMBINATIONS]
    if not sizes or not combos:
        return combos[:1] or [{}]
    smallest, larger = combos[0], []
    # One size, chosen by the seed, grows: first to a k from 4 to 8, then from 9 to 16.
    size = sizes[rng.randrange(len(sizes))]
    for low_k, high_k in LARGER_RANGES:
        candidate = {**smallest, size: max(rng.randint(low_k, high_k), lows.get(size, 1))}
        if candidate not in combos and candidate not in larger:
            larger.append(candidate)
    if len(sizes) > 1:
        values = rng.sample(range(2, MIXED_HIGH + 1), min(len(sizes), MIXED_HIGH - 1))
        mixed = {**smallest}
        for size, value in zip(sorted(sizes, key=str), values):
            mixed[size] = max(value, lows.get(size, 1))
        if mixed not in combos and mixed not in larger:
            larger.append(mixed)
    return larger + combos


def size_switches(expr: sympy.Basic):
    """Expressions whose sign changes where `expr` branches (falsify.switches: Max(0, n - 20),
    a Piecewise on n > 30, Heaviside(n - 25)), and where it switches as a function of
    integers: KroneckerDelta(n, 30), floor(n/40), Mod(n, 1000) and their first jumps, a
    range's count of terms (Σ_{i=25}^{n}), binomial(n, 30), factorial(n - 30) and the other
    gammas, 0**(n - 1000)²."""
    yield from switches(expr)
    for node in sympy.preorder_traversal(expr):
        if isinstance(node, sympy.KroneckerDelta):
            yield node.args[0] - node.args[1]
        elif isinstance(node, (sympy.floor, sympy.ceiling, sympy.frac, sympy.Mod)):
            yield node
            yield from (u - k for u in jump_arguments(node) for k in SWITCH_JUMPS)
        elif isinstance(node, (sympy.Sum, sympy.Product)):
            yield from (high - low + 1 for _, low, high in node.limits)
        elif isinstance(node, (sympy.binomial, sympy.RisingFactorial, sympy.FallingFactorial)):
            yield from (*node.args, node.args[0] - node.args[1])
        elif isinstance(node, (sympy.factorial, sympy.gamma, sympy.subfactorial)):
            yield node.args[0]
        elif isinstance(node, sympy.Pow) and node.base.is_zero:
            yield node.exp


SWITCH_JUMPS = (0, 1, 2, -1)  # the integers at which a floor's argument is a switch

# What a switch is not evaluated through: an integral, a definition (its parts are switches
# of their own: size_switches of its body); a sum or product only at each size up to
# SWITCH_SCAN (a sum of a million terms at 2**20 would take minutes).
_SLOW = (sympy.Integral, AppliedUndef)
_AGGREGATES = (sympy.Sum, sympy.Product)


def past_switches(zeros, sizes: tuple, smallest: dict, seen: list[dict]) -> list[dict] | None:
    """Where to confirm a proof past the switches of its sizes: the first sizes at which
    the signs of `zeros` (see size_switches) that depend on the sizes alone take a
    combination that none of the sizes `seen` (those evaluation checks anyway) gives; None
    where there are more than SWITCH_MOST. The sizes move one at a time (the others at
    their smallest), all together, and two at a time at the values where each alone
    switches.

    A proof for every size is confirmed by evaluation at small sizes. A factor that
    switches on past them (Max(0, n - 20), Heaviside(n - 25), a sum from 25 to n) hides
    there whatever a strategy got wrong about the expression it multiplies: evaluation sees
    0 = 0 at every size it reaches (helper 137 turned three wrong rewrites into false proofs
    so). Where a switch is a polynomial (or a ratio of polynomials) in the moving size,
    every size beside its real roots is looked at; else each size up to SWITCH_SCAN, then
    changes between powers of 2 up to 2**SWITCH_DOUBLINGS, bisected: a combination that
    holds only between two sizes tested and is not a polynomial's is not seen.

    >>> n = sympy.Symbol("n", integer=True, positive=True)
    >>> past_switches([n - 20], (n,), {n: 1}, [{n: 1}, {n: 2}])
    [{n: 20}, {n: 21}]
    """
    t = sympy.Dummy("t", integer=True)
    sized = []
    for zero in zeros:
        with contextlib.suppress(TypeError, ValueError):
            zero = _closed(sympy.sympify(zero))
            if zero.free_symbols and zero.free_symbols <= set(sizes) and not zero.has(*_SLOW):
                sized.append(zero)
    if not sized:
        return []
    known = {_signs(sized, values) for values in seen}
    found: list[dict] = []

    def add(at: dict) -> None:
        signs = _signs(sized, at)
        if signs not in known:
            known.add(signs)
            found.append(at)

    families = [{**smallest, size: t} for size in sizes]
    families += [{size: t for size in sizes}] if len(sizes) > 1 else []
    alone = {}
    for family in families:
        low = max(int(v) for s, v in smallest.items() if family[s] == t)
        values = sorted(_switching_values(sized, family, t, low))
        for value in values:
            add(_family_at(family, t, value))
        moving = [s for s, v in family.items() if v == t]
        if len(moving) == 1:
            alone[moving[0]] = values
    for first, second in itertools.combinations(sizes, 2):
        ones, others = (alone.get(s, [])[:SWITCH_PAIRED] for s in (first, second))
        for one, other in itertools.product(ones, others):
            add({**smallest, first: sympy.Integer(one), second: sympy.Integer(other)})
    return found if len(found) <= SWITCH_MOST else None


SWITCH_PAIRED = 6  # per size, the switching values combined with another size's


def _closed(zero):
    """`zero` with its sums of a polynomial in their index in closed form, where SymPy has
    one (Max(0, Σ_{i=1}^{n} 1 - 20)); else `zero`."""

    def polynomial(node) -> bool:
        return isinstance(node, sympy.Sum) and all(
            node.function.is_polynomial(index) for index, *_ in node.limits
        )

    if not zero.has(sympy.Sum):
        return zero
    closed = zero.replace(polynomial, lambda node: node.doit())
    return closed if not closed.has(sympy.Sum) else zero


def _switching_values(sized: list, family: dict, t, low: int) -> set:
    """The values of t from `low` at which one of `sized` switches in `family`: beside the
    real roots of a polynomial switch (of its numerator and denominator), else where its
    sign differs from the size before (see _changes), each switch on its own."""
    values = set()
    for zero in sized:
        try:
            line = zero.xreplace(family)
        except (ValueError, TypeError, ArithmeticError):
            continue  # a sum binding an index named like a size: Invalid limits
        if not line.has(t):
            continue
        roots = None if line.has(*_AGGREGATES) else integers_near_roots(line, t)
        if roots is None:
            signs_at = functools.partial(_family_signs, [zero], family, t)
            values.update(_changes(signs_at, low, scan_only=line.has(*_AGGREGATES)))
        else:
            values.update(v for v in roots if v >= low)
    return values


def integers_near_roots(line, t) -> set | None:
    """The integers within 1 of a real root of `line`'s numerator or denominator, as
    polynomials in t with rational coefficients (isolated exactly); None where they are not
    such polynomials."""
    found = set()
    for part in sympy.fraction(sympy.together(line)):
        poly = rational_poly(part, t)
        if poly is None:
            return None
        if poly.degree() < 1:
            continue
        try:
            intervals = poly.intervals(eps=sympy.Rational(1, 4))
        except (BasePolynomialError, NotImplementedError, ValueError, TypeError, ArithmeticError):
            return None  # SymPy cannot isolate them (the soundness fuzzer, seed 105267731)
        for (low, high), _ in intervals:
            found.update(range(int(sympy.floor(low)) - 1, int(sympy.ceiling(high)) + 2))
    return found


def _changes(signs_at, low: int, scan_only: bool = False):
    """The sizes from `low` at which `signs_at(size)` differs from its value one size
    before: each size up to SWITCH_SCAN, then (unless `scan_only`) bisected between powers
    of 2."""
    previous = signs_at(low)
    for value in range(low + 1, max(low + 1, SWITCH_SCAN + 1)):
        signs = signs_at(value)
        if signs != previous:
            yield value
        previous = signs
    if scan_only:
        return
    checked, budget = max(low, SWITCH_SCAN), SWITCH_SCAN
    for power in range(checked.bit_length(), SWITCH_DOUBLINGS + 1):
        top = 2**power
        while signs_at(top) != previous and budget > 0:
            budget -= 1
            # The first size past `checked` with other signs: bisected.
            below, above = checked, top
            while above - below > 1:
                middle = (below + above) // 2
                same = signs_at(middle) == previous
                below, above = (middle, above) if same else (below, middle)
            yield above
            checked, previous = above, signs_at(above)
        checked = top


def _family_at(family: dict, t, value: int) -> dict:
    """The sizes of `family` (sizes at numbers, or at its variable t) at t = value."""
    return {s: sympy.Integer(value) if v == t else v for s, v in family.items()}


def _family_signs(expressions, family: dict, t, value: int) -> tuple:
    return _signs(expressions, _family_at(family, t, value))


def _signs(expressions, values: dict) -> tuple:
    """The sign of each of `expressions` at `values`: -1, 0 or 1, or None where it has none
    (not a real number, or not decided)."""
    values = {k: sympy.Integer(v) for k, v in values.items()}
    return tuple(_sign_at(e, values) for e in expressions)


def _sign_at(expr, values: dict) -> int | None:
    try:
        return _sign(expr.xreplace(values))
    except (TypeError, ValueError, ArithmeticError, RecursionError):
        return None  # SymPy refusing what it built there (a Max of a product: not comparable)


def _sign(number) -> int | None:
    """The sign of a number, its 30-digit value read within 10**-25 of 0 as 0: only to
    choose the sizes evaluation looks at, never to decide a claim."""
    try:
        if number.is_Rational:
            return int(sympy.sign(number))
        if number.is_extended_real is False or number.has(sympy.zoo, sympy.nan):
            return None
        value = number.evalf(30)
        if not value.is_Number:
            return None
        return 0 if abs(value) < 1e-25 else (1 if value > 0 else -1)
    except (TypeError, ValueError, ArithmeticError):
        return None


def confirm(
    ctx: Context,
    sizes_to_check: list[dict],
    required: list[dict],
    instance_at: Callable[[dict], Compiled],
    rng: random.Random,
    deadline,
) -> Check:
    """Evaluate the claim at `sizes_to_check` in order. The `required` sizes are always
    checked (running out of time there raises OutOfTime); the others while the instances
    they need stay small: OPTIONAL_NODES in all, as predicted from the largest instance
    built so far, each built within OPTIONAL_SECONDS, and none started once less than
    OPTIONAL_RESERVE of the claim's time is left."""
    checked, agreed, spent, largest = [], False, 0, (0, 1)
    ordered = list(required)
    ordered += [s for s in sizes_to_check if s not in required]
    reserve = OPTIONAL_RESERVE * deadline.seconds
    for sizes in ordered:
        optional = sizes not in required
        if optional and spent + _predicted(sizes, largest) > OPTIONAL_NODES:
            continue
        if optional and deadline.remaining() < reserve:
            break  # the required sizes come first: every size left is optional
        try:
            with deadline.slice(OPTIONAL_SECONDS if optional else SLICE_SECONDS):
                compiled = instance_at(sizes)
                point, agrees = _differing_point(ctx, compiled, rng, exact=not checked)
        except ShapeMismatch:
            return Check(tuple(checked), agreed, sizes, None)
        except InputError:
            continue  # e.g. a free index whose range is empty at these sizes
        except (ValueError, TypeError, ArithmeticError, RecursionError):
            if not optional:
                raise
            continue  # SymPy failing to build it at a size past those a verdict needs
        except OutOfTime:
            if not optional or deadline.spent():
                raise
            continue
        if point is not None:
            return Check(tuple(checked), agreed, sizes, point)
        if agrees and sizes not in checked:  # where no point evaluated, nothing is confirmed
            checked.append(sizes)
        agreed = agreed or agrees
        nodes = _nodes(compiled)
        spent += nodes if optional else 0
        largest = max(largest, (nodes, max(sizes.values(), default=1)))
    return Check(tuple(sorted(checked, key=_order)), agreed)


def _predicted(sizes: dict, largest: tuple) -> int:
    """The nodes an instance at `sizes` may have, from the largest one built so far (its
    nodes, its largest size), growing with the square of the largest size."""
    nodes, top = largest
    return int(nodes * (max(sizes.values(), default=1) / top) ** 2)


def _order(sizes: dict) -> tuple:
    return sum(sizes.values()), tuple(sizes.values())


def _differing_point(ctx: Context, compiled: Compiled, rng: random.Random, exact: bool):
    """(a seeded point where the sides differ in 60 digits and still in 150, or None;
    whether some point agreed)."""
    atoms = compiled.instance.atoms
    points = [sample(ctx, atoms, rng) for _ in range(POINTS)]
    agrees = False
    for point in points:
        outcome = compiled.outcome(point, CHECK_DPS, CHECK_TOLERANCE)
        if outcome == DIFFER and still_differs(compiled, point):
            if not tie_holds(compiled, point):
                return point, agrees
            outcome = AGREE
        agrees = agrees or outcome == AGREE
    small = exact and _nodes(compiled) <= EXACT_NODES
    if agrees and small and _differs_exactly(compiled, points[0]):
        return points[0], agrees
    return None, agrees


def tie_holds(compiled: Compiled, point: dict) -> bool:
    """Whether a strict relation that evaluation reads as failing at `point` only because
    its sides agree to CHECK_DPS digits holds there exactly (falsify.holds_at): σ(x) < 1 at
    x = 400, softplus(x) > relu(x) there, y + 10⁻³⁰⁰ > y. Such claims were UNDECIDED ("sides
    separated numerically, but no point survived exact re-evaluation"; helper 149). Small
    instances only (EXACT_NODES)."""
    if compiled.relation not in ("<", ">") or _nodes(compiled) > EXACT_NODES:
        return False
    try:
        values = compiled.evaluate(point, CHECK_DPS)
    except NO_VALUE:
        return False
    with mpmath.workdps(CHECK_DPS):
        for _, left, right in values:
            left, right = as_real(left), as_real(right)
            if left is None or right is None:
                return False
            if abs(left - right) > CHECK_TOLERANCE * max(1, abs(left), abs(right)):
                return False  # apart: evaluation decides the point
    return holds_at(compiled.instance, point, compiled.relation)


def still_differs(compiled: Compiled, point: dict) -> bool:
    """Whether sides that differed at `point` in CHECK_DPS digits do not agree in
    RECHECK_DPS: a disagreement evaluation stands by."""
    return compiled.outcome(point, RECHECK_DPS, RECHECK_TOLERANCE) != AGREE


def _differs_exactly(compiled: Compiled, point: dict) -> bool:
    """Whether some entry's sides are rational numbers at `point` that violate the relation
    (a difference below any tolerance, such as 10**-50, still counts)."""
    for _, left, right in compiled.instance.entries:
        try:
            gap = exactly_at(left - right, point)
        except (ValueError, TypeError, ArithmeticError):
            continue  # e.g. Max of two values SymPy cannot compare
        if gap.is_Rational and not RELATION_HOLDS[compiled.relation](gap):
            return True
    return False


def _nodes(compiled: Compiled) -> int:
    count = 0
    for _, left, right in compiled.instance.entries:
        for side in (left, right):
            for _ in sympy.preorder_traversal(side):
                count += 1
                if count > OPTIONAL_NODES:
                    return count
    return count


def describe(checked: tuple) -> str:
    """`checked` as a short phrase: 'n = 1, 2, 3, 4, 5, 6, 7, 8' or one line per size."""
    if not checked or not checked[0]:
        return "seeded points (the claim has no sizes)"
    names = list(checked[0])
    if len(names) == 1:
        (name,) = names
        return f"{name} = " + ", ".join(str(s[name]) for s in checked)
    return "; ".join(", ".join(f"{k} = {v}" for k, v in s.items()) for s in checked)
