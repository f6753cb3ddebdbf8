"""Counterexample search: the smallest size, then the simplest values that separate the sides.

Sizes are tried smallest first. At each size the search tries points whose atoms all share
one simple value, then seeded small-integer and half-integer points, then seeded rationals;
a separating point is shrunk atom by atom towards 0, 1, -1, 2, 1/2, ... while it still
separates. Only a point whose separation survives exact (or 50-digit) evaluation is returned.
"""

from __future__ import annotations

import functools
import random

import sympy
from sympy import Rational

from derive.model import Counterexample
from derive.numeric import (
    DIFFER,
    DPS,
    RELATION_HOLDS,
    Compiled,
    compile_instance,
    domain_of,
    draw,
)
from derive.primitives import elementary
from derive.prove import Deadline
from derive.report import show
from derive.terms import Context, Instance, ShapeMismatch, instance

SIMPLE_VALUES = tuple(
    Rational(v)
    for v in ("0", "1", "-1", "2", "-2", "1/2", "-1/2", "3", "-3", "1/3", "-1/3", "3/2", "-3/2")
)
RANDOM_TRIES = 24
CONFIRM_FLOOR = sympy.Float(10) ** -40


@functools.lru_cache(maxsize=256)
def simple_values(domain) -> tuple[Rational, ...]:
    # Cached: Interval.contains costs about a millisecond, and the search asks per atom.
    inside = [v for v in SIMPLE_VALUES if domain.contains(v) is sympy.true]
    return tuple(inside) or (Rational(domain.inf + domain.sup, 2),)


def find_counterexample(
    ctx: Context,
    lhs,
    rhs,
    relation: str,
    grid,
    rng: random.Random,
    deadline: Deadline,
    compiled_at=None,
) -> Counterexample | None:
    """Search `grid` (smallest sizes first) for a confirmed separating point.

    `compiled_at(sizes)`, if given, returns the compiled instance (a caller's cache).
    """
    compiled_at = compiled_at or (
        lambda sizes: compile_instance(instance(ctx, lhs, rhs, sizes), relation)
    )
    for sizes in grid:
        if deadline.remaining() <= 0:
            return None
        try:
            compiled = compiled_at(sizes)
        except ShapeMismatch as mismatch:
            return Counterexample(_named(sizes), (), "", "", reason=str(mismatch))
        point = _search(ctx, compiled, rng)
        if point is not None:
            point = _shrink(ctx, compiled, point, deadline)
            found = _confirmed(compiled.instance, point, relation)
            if found is not None:
                return found
    return None


def _named(sizes: dict) -> tuple:
    return tuple(sorted((str(k), int(v)) for k, v in sizes.items()))


def _candidates(ctx: Context, atoms, rng: random.Random):
    domains = [domain_of(ctx, a) for a in atoms]
    for value in SIMPLE_VALUES:
        yield {
            a: value if value in simple_values(d) else simple_values(d)[0]
            for a, d in zip(atoms, domains)
        }
    for _ in range(RANDOM_TRIES):
        yield {a: rng.choice(simple_values(d)) for a, d in zip(atoms, domains)}
    for _ in range(RANDOM_TRIES):
        yield {a: draw(d, rng) for a, d in zip(atoms, domains)}


def _search(ctx: Context, compiled: Compiled, rng: random.Random) -> dict | None:
    for point in _candidates(ctx, compiled.instance.atoms, rng):
        if compiled.outcome(point) == DIFFER:
            return point
    return None


def _simpler(candidate: Rational, current: Rational) -> bool:
    rank = {v: k for k, v in enumerate(SIMPLE_VALUES)}
    return rank.get(candidate, len(rank)) < rank.get(current, len(rank) + 1)


def _shrink(ctx: Context, compiled: Compiled, point: dict, deadline: Deadline) -> dict:
    """Move each atom (sorted by name) to the simplest value that keeps the separation."""
    for _ in range(3):
        changed = False
        for atom in compiled.instance.atoms:
            for value in simple_values(domain_of(ctx, atom)):
                if deadline.remaining() <= 0 or not _simpler(value, point[atom]):
                    break
                trial = {**point, atom: value}
                if compiled.outcome(trial) == DIFFER:
                    point, changed = trial, True
                    break
        if not changed:
            return point
    return point


def confirm_point(
    ctx: Context, compiled: Compiled, point: dict, relation: str, deadline: Deadline
) -> Counterexample | None:
    """Shrink a separating `point` and confirm it exactly; None if it does not survive."""
    return _confirmed(compiled.instance, _shrink(ctx, compiled, point, deadline), relation)


def _confirmed(inst: Instance, point: dict, relation: str) -> Counterexample | None:
    """Re-evaluate the separating entry exactly; None if the separation does not survive."""
    for label, lhs, rhs in inst.entries:
        left, right = (elementary(side).xreplace(point) for side in (lhs, rhs))
        if _separates(left, right, relation):
            shown = tuple(
                (str(a), str(v)) for a, v in sorted(point.items(), key=lambda p: str(p[0]))
            )
            return Counterexample(
                _named(inst.sizes), shown, show_value(left), show_value(right), entry=label
            )
    return None


def _separates(left, right, relation: str) -> bool:
    """Whether the exact values `left` and `right` violate `relation`: decided exactly when
    their difference is rational, else in 50 digits when it is clearly away from 0."""
    left_value, right_value = sympy.N(left, DPS), sympy.N(right, DPS)
    if not (left_value.is_real and right_value.is_real):
        return False
    if not (left_value.is_finite and right_value.is_finite):
        return False
    gap = left - right
    if not gap.is_Rational:
        gap = sympy.N(gap, DPS)
        if not gap.is_real or abs(gap) <= CONFIRM_FLOOR:
            return False
    return not RELATION_HOLDS[relation](gap)


def show_value(value) -> str:
    """The exact value when it prints short, else 12 significant digits."""
    exact = sympy.simplify(value) if sympy.count_ops(value) <= 40 else value
    text = show(exact)
    if len(text) <= 32 and not exact.has(sympy.Float):
        return text
    return show(sympy.N(value, 12))
