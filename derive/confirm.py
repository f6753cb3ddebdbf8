"""Confirming a proof by evaluation at sizes and points the proof did not use.

A symbolic proof is only a candidate: the claim is also evaluated at every combination of
its grid's sizes and at larger sizes (up to 8, and 11 where the instance stays small), at
seeded points, in high precision. Agreement there is what lets a verdict say PROVED; a
disagreement goes to the counterexample search, and never to the user as a crash.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from dataclasses import dataclass

import mpmath
import sympy

from derive.numeric import AGREE, DIFFER, RELATION_HOLDS, Compiled, sample
from derive.primitives import elementary
from derive.prove import SLICE_SECONDS, OutOfTime
from derive.terms import Context, InputError, ShapeMismatch

LARGER_SIZES = (4, 5, 6, 7, 8)
SEEDED_FROM, SEEDED_TO, SEEDED_SIZES = 9, 16, 2
MAX_COMBINATIONS = 27  # every combination of three sizes over a grid of three
NODE_BUDGET = 20_000  # past an instance this large, no larger size is built
CHECK_DPS = 60
CHECK_TOLERANCE = mpmath.mpf(10) ** -45
RECHECK_DPS = 150
RECHECK_TOLERANCE = mpmath.mpf(10) ** -120
POINTS = 3
CONFIRM_SECONDS = 6.0  # for the sizes past the required ones
EXACT_NODES = 2_000  # an instance this small is also evaluated in exact arithmetic


@dataclass(frozen=True)
class Check:
    """What the confirming evaluation found: the sizes it checked, whether any point there
    evaluated (to finite reals that agree), and where the sides differ, if anywhere (sizes
    and a point, or only sizes for a shape mismatch)."""

    checked: tuple
    agreed: bool = False
    differ_sizes: dict | None = None
    differ_point: dict | None = None


def confirming_sizes(grid: list, sizes: tuple, lows: dict, rng: random.Random) -> list[dict]:
    """Every combination of the grid's sizes, then larger sizes on the diagonal (all sizes at
    k, or at their lower bound if that is larger): k = 4, ..., 8 and two seeded values from
    9 to 16, so that no fixed set of sizes is all a proof is ever checked at."""
    combos = grid[:MAX_COMBINATIONS]
    if not sizes:
        return combos[:1] or [{}]
    top = max(max(s.values()) for s in combos) if combos else 0
    seeded = sorted(rng.sample(range(SEEDED_FROM, SEEDED_TO + 1), SEEDED_SIZES))
    larger = [
        {s: max(k, lows.get(s, 1)) for s in sizes} for k in (*LARGER_SIZES, *seeded) if k > top
    ]
    extra = []
    for candidate in larger:
        if candidate not in combos and candidate not in extra:
            extra.append(candidate)
    return combos + extra


def confirm(
    ctx: Context,
    sizes_to_check: list[dict],
    instance_at: Callable[[dict], Compiled],
    rng: random.Random,
    deadline,
    required: int = 1,
) -> Check:
    """Evaluate the claim at `sizes_to_check` in order. The first `required` sizes must be
    checked (running out of time there raises OutOfTime); later ones are checked while the
    instances stay under NODE_BUDGET and CONFIRM_SECONDS last."""
    checked, agreed, end = [], False, time.monotonic() + CONFIRM_SECONDS
    for position, sizes in enumerate(sizes_to_check):
        optional = position >= required
        if optional and time.monotonic() > end:
            break
        try:
            with deadline.slice(max(0.1, end - time.monotonic()) if optional else SLICE_SECONDS):
                compiled = instance_at(sizes)
                point, agrees = _differing_point(ctx, compiled, rng)
        except ShapeMismatch:
            return Check(tuple(checked), agreed, sizes, None)
        except InputError:
            continue  # e.g. a free index whose range is empty at these sizes
        except OutOfTime:
            if not optional or deadline.remaining() <= 0.05:
                raise
            break
        if point is not None:
            return Check(tuple(checked), agreed, sizes, point)
        checked.append(sizes)
        agreed = agreed or agrees
        if optional and _nodes(compiled) > NODE_BUDGET:
            break
    return Check(tuple(checked), agreed)


def _differing_point(ctx: Context, compiled: Compiled, rng: random.Random):
    """(a seeded point where the sides differ in 60 digits and still in 150, or None;
    whether some point agreed)."""
    atoms = compiled.instance.atoms
    points = [sample(ctx, atoms, rng) for _ in range(POINTS)]
    agrees = False
    for point in points:
        outcome = compiled.outcome(point, CHECK_DPS, CHECK_TOLERANCE)
        if outcome == DIFFER and compiled.outcome(point, RECHECK_DPS, RECHECK_TOLERANCE) != AGREE:
            return point, agrees
        agrees = agrees or outcome == AGREE
    if agrees and _nodes(compiled) <= EXACT_NODES and _differs_exactly(compiled, points[0]):
        return points[0], agrees
    return None, agrees


def _differs_exactly(compiled: Compiled, point: dict) -> bool:
    """Whether some entry's sides are rational numbers at `point` that violate the relation
    (a difference below any tolerance, such as 10**-50, still counts)."""
    for _, left, right in compiled.instance.entries:
        gap = elementary(left - right).xreplace(point)
        if gap.is_Rational and not RELATION_HOLDS[compiled.relation](gap):
            return True
    return False


def _nodes(compiled: Compiled) -> int:
    count = 0
    for _, left, right in compiled.instance.entries:
        for side in (left, right):
            for _ in sympy.preorder_traversal(side):
                count += 1
                if count > NODE_BUDGET:
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
