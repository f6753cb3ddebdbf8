"""Counterexample search: the smallest size, then the simplest values that separate the sides.

Sizes are tried smallest first. At each size the search tries points whose atoms all share
one simple value, then seeded small-integer and half-integer points, then seeded rationals;
a separating point is shrunk atom by atom towards 0, 1, -1, 2, 1/2, ... while it still
separates. Only a point whose separation survives exact (or 50-digit) evaluation is returned.
"""

from __future__ import annotations

import collections
import decimal
import functools
import itertools
import random

import mpmath
import sympy
from sympy import Rational
from sympy.codegen import cfunctions
from sympy.core.evalf import PrecisionExhausted
from sympy.polys.polyerrors import BasePolynomialError

from derive.engine.deadline import Deadline
from derive.engine.numeric import (
    DIFFER,
    DPS,
    NO_VALUE,
    RECHECK_DPS,
    RELATION_HOLDS,
    UNDEFINED,
    Compiled,
    NotEvaluable,
    admissible,
    admitted,
    allowed,
    compare,
    compile_instance,
    domain_of,
    draw,
)
from derive.engine.terms import Context, Instance, instance
from derive.model import Counterexample
from derive.notation.arrays import ShapeMismatch
from derive.notation.corrections import doubt_mark, doubted_since
from derive.notation.primitives import PRIMITIVES, PrimitiveFunction, elementary, exactly_at
from derive.notation.text import show

SIMPLE_VALUES = tuple(
    Rational(v)
    for v in ("0", "1", "-1", "2", "-2", "1/2", "-1/2", "3", "-3", "1/3", "-1/3", "3/2", "-3/2")
)
RANDOM_TRIES = 24
LARGE_VALUES = tuple(
    Rational(v) for s in (1, -1) for v in (10 * s, 100 * s, 1000 * s, 10**6 * s, 10**9 * s)
)
# Beyond them, tried last: x < 10**7 and log(p) < 20 fail only there (helper 100).
HUGE_VALUES = tuple(Rational(v) for s in (1, -1) for v in (10**12 * s, 10**30 * s))
MODEST_VALUES = tuple(v for v in LARGE_VALUES if abs(v) <= 10**6)  # see _growing
TOGETHER_VALUES = 3  # breakpoints per atom tried with every other atom at one of its own
TOGETHER_POINTS = 128
NEAR = Rational(1, 1024)
MAX_BREAKS = 8  # breakpoints kept per atom
JUMPS = (0, 1, -1)  # the integers at which a floor's argument is tried (see _jumps)
SWEEP_POINTS = 400  # points the one-atom-at-a-time sweeps evaluate at one size
EXACT_TRIES = 16  # points also decided exactly, when the instance is small
EXACT_OPS = 400
POINT_SECONDS = 0.5
UNDECIDED_BRANCHES = (
    sympy.Piecewise,
    sympy.Heaviside,
    sympy.sign,
    sympy.KroneckerDelta,
    sympy.Max,
    sympy.Min,
    sympy.floor,
    sympy.ceiling,
    sympy.frac,
    sympy.Eq,
    sympy.Ne,
    sympy.core.relational.Relational,
)
EVALF_BITS = 2000  # how hard strict evalf may work to tell a difference from 0
IRRATIONAL_TRIES = 8  # irrational breakpoints decided exactly (at two points each), per size
IRRATIONAL_DEGREE = 4  # the highest degree of a switch whose irrational roots are tried
IRRATIONAL_OPS = 12  # the largest root kept (2**(1/4), sqrt(3)/2; not the cubic formula)


@functools.lru_cache(maxsize=256)
def simple_values(domain) -> tuple[Rational, ...]:
    # Cached: Interval.contains costs about a millisecond, and the search asks per atom.
    inside = [v for v in SIMPLE_VALUES if domain.contains(v) is sympy.true]
    return tuple(inside) or (draw(domain, random.Random(0)),)


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
        switches = _switches_of(compiled.instance)  # once: elementary sides, walked
        point = _search(ctx, compiled, rng, deadline, switches)
        if point is None:
            found = at_irrational_breakpoints(ctx, compiled, deadline, switches)
            if found is None:
                found = _descended(ctx, compiled, deadline)
        else:
            point = _shrink(ctx, compiled, point, deadline)
            found = (
                _confirmed(compiled.instance, point, relation) if in_domain(ctx, point) else None
            )
        if found is not None:
            return found
    return None


DESCENT_ATOMS = 3  # atoms of a small inequality along which its slack is minimised
DESCENT_GRID = 64  # coarse points per atom
DESCENT_STEPS = 48  # golden-section steps from each of the lowest coarse points
DESCENT_SEEDS = 3
DESCENT_DPS = 30
DESCENT_SPAN = 8  # the coarse grid's half-width around 0, inside the atom's domain


def _descended(ctx: Context, compiled: Compiled, deadline) -> Counterexample | None:
    """A counterexample to a small inequality where its slack (how far the relation holds)
    is least along one atom, the others at their simplest values: a bound quoted a little
    too tight (SiLU' ≤ 1.0998; its maximum is 1.09984 at x ≈ 2.3994) fails only in a narrow
    interval no simple or random point meets (helper 115). The slack is minimised by golden
    section from the lowest points of a coarse grid; a minimum below 0 is written as a
    nearby fraction and confirmed exactly."""
    inst, relation = compiled.instance, compiled.relation
    if relation == "==" or not inst.atoms or len(inst.atoms) > DESCENT_ATOMS:
        return None
    if not _is_small(inst):
        return None
    base = {a: _simple_for(a, domain_of(ctx, a))[0] for a in inst.atoms}
    for atom in inst.atoms:
        if atom.is_integer:
            continue
        domain = declared_domain(ctx, atom)
        span = sympy.Integer(DESCENT_SPAN)
        low = _rational_of(max(domain.inf, -span)) if domain.inf.is_finite else -span
        high = _rational_of(min(domain.sup, span)) if domain.sup.is_finite else span
        if not (low < high) or deadline.remaining() <= 0:
            continue
        slack = functools.partial(_slack, compiled, base, atom)
        step = (high - low) / DESCENT_GRID
        xs = [low + step * (k + sympy.Rational(1, 2)) for k in range(DESCENT_GRID)]
        values = [slack(x) for x in xs]
        lowest = sorted((v, k) for k, v in enumerate(values) if v is not None)
        for _, k in lowest[:DESCENT_SEEDS]:
            if deadline.remaining() <= 0:
                return None
            least = _golden(slack, xs[k] - step, xs[k] + step)
            if least is None:
                continue
            for value in _fractions_near(least):
                point = {**base, atom: value}
                if not in_domain(ctx, point):
                    continue
                found = _confirmed(inst, point, relation)
                if found is not None:
                    return found
    return None


def _slack(compiled: Compiled, base: dict, atom, value):
    """How far the relation holds at `base` with `atom` at `value`, least over the entries
    (below 0, or at 0 for a strict relation: violated); None where a side has no value."""
    point = {**base, atom: sympy.Rational(value)}
    try:
        values = compiled.evaluate(point, DESCENT_DPS)
    except (*NO_VALUE, NotEvaluable):
        return None
    least = None
    for _, left, right in values:
        if not all(isinstance(v, mpmath.mpf) and mpmath.isfinite(v) for v in (left, right)):
            return None
        gap = right - left if compiled.relation in ("<", "<=") else left - right
        least = gap if least is None else min(least, gap)
    return least


def _golden(slack, low, high):
    """The point of [low, high] (a Rational bracket) where `slack` is least, by golden-section
    search in floats of DESCENT_DPS digits; None where it has no value."""
    ratio = (mpmath.sqrt(5) - 1) / 2
    a, b = mpmath.mpf(low.p) / low.q, mpmath.mpf(high.p) / high.q
    c, d = b - ratio * (b - a), a + ratio * (b - a)
    fc, fd = slack(_as_rational(c)), slack(_as_rational(d))
    for _ in range(DESCENT_STEPS):
        if fc is None or fd is None:
            return None
        if fc < fd:
            b, d, fd = d, c, fc
            c = b - ratio * (b - a)
            fc = slack(_as_rational(c))
        else:
            a, c, fc = c, d, fd
            d = a + ratio * (b - a)
            fd = slack(_as_rational(d))
    return _as_rational((a + b) / 2)


def _rational_of(end) -> Rational:
    """A domain's end as a Rational (an irrational one to DESCENT_DPS digits)."""
    return end if end.is_Rational else _as_rational(mpmath.mpf(str(sympy.N(end, DESCENT_DPS))))


def _as_rational(value) -> Rational:
    """An mpmath float as the exact decimal of its DESCENT_DPS digits."""
    text = mpmath.nstr(value, DESCENT_DPS, min_fixed=-mpmath.inf, max_fixed=mpmath.inf)
    return sympy.Rational(text)


def _fractions_near(value: Rational) -> list:
    """`value` as fractions of growing denominators, simplest first, and itself."""
    found = [value.limit_denominator(10**k) for k in range(1, 9)]
    return list(dict.fromkeys([*found, value]))


def _named(sizes: dict) -> tuple:
    return tuple(sorted((str(k), int(v)) for k, v in sizes.items()))


def uniform_points(ctx: Context, atoms, dyadic: bool = False) -> list[dict]:
    """Every atom at one simple value, for each simple value (where an atom may not take it,
    its first simple value): where a claim right for positive inputs fails first. With
    `dyadic`, only values a binary float holds (not 1/3), which numeric evaluation takes
    exactly (as numeric.sample's points): where it rounds, cancellation can separate the
    sides of a true claim beyond any tolerance."""
    allowed = [_simple_for(a, domain_of(ctx, a)) for a in atoms]
    points = [
        {a: value if value in ok else ok[0] for a, ok in zip(atoms, allowed)}
        for value in SIMPLE_VALUES
    ]
    if dyadic:  # a power of 2 as every denominator
        points = [p for p in points if all(v.q & (v.q - 1) == 0 for v in p.values())]
    return points


def _candidates(ctx: Context, atoms, rng: random.Random, special=None, breaks=None, switches=None):
    domains = [domain_of(ctx, a) for a in atoms]
    allowed = [_simple_for(a, d) for a, d in zip(atoms, domains)]
    yield from uniform_points(ctx, atoms)
    for _ in range(RANDOM_TRIES):
        yield {a: rng.choice(ok) for a, ok in zip(atoms, allowed)}
    if special is not None:
        yield from _sweeps(ctx, atoms, special, breaks)
    if switches is not None:
        base = {a: ok[0] for a, ok in zip(atoms, allowed)}
        yield from itertools.islice(_off_axis(switches, atoms, base), OFF_AXIS_POINTS)
    for _ in range(RANDOM_TRIES):
        yield {a: _admitted(a, draw(d, rng), d, ok) for a, d, ok in zip(atoms, domains, allowed)}


def _admitted(atom, value, domain, fallback: tuple):
    """`value` made admissible inside `domain` (see numeric.admitted), else a simple value."""
    value = admitted(atom, value, domain)
    return value if admissible(atom, value) else fallback[0]


def _simple_for(atom, domain) -> tuple:
    """The simple values of `domain` that `atom` may take (an integer atom takes integers,
    a nonzero one never 0); else the one value `admitted` gives."""
    ok = tuple(v for v in simple_values(domain) if admissible(atom, v))
    if atom.is_integer and len(ok) < 3:
        # Few simple integers it may take (a composite, an odd prime): the next ones.
        wider = (Rational(s * k) for k in range(4, 31) for s in (1, -1))
        more = (v for v in wider if admissible(atom, v) and domain.contains(v) is sympy.true)
        ok += tuple(itertools.islice(more, 3 - len(ok)))
    return ok or (admitted(atom, simple_values(domain)[0], domain),)


def _search(
    ctx: Context, compiled: Compiled, rng: random.Random, deadline, switches: list
) -> dict | None:
    breaks = _breakpoints(switches, compiled.instance.atoms)
    special = special_values(ctx, compiled.instance, breaks)
    small = _is_small(compiled.instance)
    atoms = compiled.instance.atoms
    far = None  # the first point past ±10**6 that differed only in 50 digits
    candidates = _candidates(ctx, atoms, rng, special, breaks, switches)
    for count, point in enumerate(candidates):
        if not in_domain(ctx, point):
            continue
        if _outcome(compiled, point, deadline) == DIFFER and defined_at(compiled, point):
            if max((abs(v) for v in point.values()), default=0) <= 10**6:
                return point
            # (x + 1)² - x² at 10**30 rounds in 50 digits: such a point counts only once
            # exactly confirmed, and the search goes on past it.
            if _confirmed(compiled.instance, point, compiled.relation):
                return point
            far = far or point
            continue
        # Differences below any tolerance (10**-40, a strict < between equal sides) show
        # only in exact arithmetic, tried at the first, simplest points of a small instance.
        if (
            small
            and (count < EXACT_TRIES or _within_slack(compiled, point))
            and _confirmed(compiled.instance, point, compiled.relation)
        ):
            return point
    return far


def _within_slack(compiled: Compiled, point: dict) -> bool:
    """Whether a non-strict inequality agreed at `point` only through evaluation's tolerance:
    some entry's sides fail it with no slack (sigmoid(x) ≤ 1 - 10⁻³⁰ at x = 100, 10⁻⁴⁴ from
    1, stayed NUMERIC; helper 159). Such a point is decided exactly. Not for an equation,
    whose sides' rounding differs at nearly every point."""
    if compiled.relation not in ("<=", ">="):
        return False
    try:
        values = compiled.evaluate(point)
    except NO_VALUE:
        return False
    return any(compare(left, right, compiled.relation, 0) == DIFFER for _, left, right in values)


def _outcome(compiled: Compiled, point: dict, deadline) -> str:
    """The outcome at `point`, or UNDEFINED if evaluating it takes longer than POINT_SECONDS
    (exp(exp(10**6)) has an exponent of 434,000 digits)."""
    with deadline.attempt(POINT_SECONDS):
        return compiled.outcome(point)
    return UNDEFINED


def _is_small(inst: Instance) -> bool:
    return (
        sum(sympy.count_ops(s) for _, left, right in inst.entries for s in (left, right))
        <= EXACT_OPS
    )


def special_values(ctx: Context, inst: Instance, breaks: dict | None = None) -> dict:
    """Per atom, the values where a claim written by hand most often goes wrong, inside the
    atom's declared domain (its `domains=` entry, else its assumptions: a real atom may be
    any real): simple values, large magnitudes, the closed ends of the domain, and every
    breakpoint of the claim (a branch, kink, tie, pole or branch point) with a point just
    either side of it."""
    breaks = _breakpoints(_switches_of(inst), inst.atoms) if breaks is None else breaks
    wild = _growing(inst)
    found = {}
    for atom in inst.atoms:
        domain = declared_domain(ctx, atom)
        ends = [
            e for e in (domain.inf, domain.sup) if e.is_finite and domain.contains(e) is sympy.true
        ]
        near = [b + d for b in breaks.get(atom, ()) for d in (0, -NEAR, NEAR)]
        large = (*LARGE_VALUES, *HUGE_VALUES) if atom not in wild else MODEST_VALUES
        values = [*SIMPLE_VALUES, *ends, *near, *large]
        inside = [
            v
            for v in dict.fromkeys(values)
            if admissible(atom, v) and domain.contains(v) is sympy.true
        ]
        found[atom] = tuple(inside)
    return found


# Where exact evaluation of an atom's value grows with its digits (10**9 to the power
# 10**9, factorial(10**12)): there magnitudes stop at 10**6.
_GROWING = (
    sympy.factorial,
    sympy.factorial2,
    sympy.gamma,
    sympy.loggamma,
    sympy.binomial,
    sympy.RisingFactorial,
    sympy.FallingFactorial,
    sympy.subfactorial,
)


def _growing(inst: Instance) -> set:
    """The atoms of `inst` in an exponent, a factorial-like function or a range's limit."""
    found = set()
    for _, left, right in inst.entries:
        for node in sympy.preorder_traversal(sympy.Tuple(left, right)):
            if isinstance(node, sympy.Pow) and not node.exp.is_number:
                found |= node.exp.free_symbols
            elif isinstance(node, _GROWING):
                found |= node.free_symbols
            elif isinstance(node, (sympy.Sum, sympy.Product)):
                found |= set().union(*(sympy.Tuple(*lim[1:]).free_symbols for lim in node.limits))
    return {a for a in inst.atoms if a in found or getattr(a, "base", None) in found}


def in_domain(ctx: Context, point: dict) -> bool:
    """Whether every atom's value is one it may take, inside its declared domain: a
    counterexample anywhere else refutes nothing the document claims."""
    for atom, value in point.items():
        domain = declared_domain(ctx, atom)
        inside = domain.contains(value) is sympy.true and _surely_inside(value, domain)
        if not (admissible(atom, value) and inside):
            return False
    return True


def _surely_inside(value, domain) -> bool:
    """Whether `value` lies inside `domain` beyond doubt at an end that is no rational: SymPy
    decides containment by evaluating, and took 0 for inside [c, 1] with c = log(1 + e⁻¹⁰⁰⁰)
    - log(1 + e⁻¹⁰⁰¹) > 0 (helper 128). Where strict evaluation cannot tell the value from
    the end, it is not taken as inside."""
    if not isinstance(domain, sympy.Interval):
        return True
    for end, below in ((domain.inf, True), (domain.sup, False)):
        if end.is_infinite or end.is_Rational and sympy.sympify(value).is_Rational:
            continue
        gap = (value - end) if below else (end - value)
        if gap == 0:
            continue  # the end itself: contains() decided its openness
        try:
            sign = gap.evalf(30, strict=True)
        except (PrecisionExhausted, ValueError, TypeError):
            return False
        if not sign.is_real or not sign > 0:
            return False
    return True


def declared_domain(ctx: Context, atom) -> sympy.Interval:
    """Where `atom` may lie: its declared domain, else what its assumptions allow."""
    label = atom.base.label if isinstance(atom, sympy.Indexed) else atom
    for candidate in (atom, label, ctx.tensors.get(label)):
        if candidate is not None and candidate in ctx.domains:
            return ctx.domains[candidate]
    if atom.is_positive:
        return sympy.Interval.open(0, sympy.oo)
    if atom.is_nonnegative:
        return sympy.Interval(0, sympy.oo)
    if atom.is_negative:
        return sympy.Interval.open(-sympy.oo, 0)
    if atom.is_nonpositive:
        return sympy.Interval(-sympy.oo, 0)
    return sympy.Reals


OFF_AXIS_ANCHORS = (Rational(2), Rational(3), Rational(-2))
OFF_AXIS_POINTS = 96


def _off_axis(switches, atoms, base: dict):
    """Points on and beside a switch of several atoms, solved for one atom with the others
    at an anchor value (2, 3, -2), not at 0 as the breakpoints are: ∂relu(xy - 7)/∂x claimed
    as x·H(xy - 7) (x for y) fails only where xy > 7 and x ≠ y, at x = 7/2 + ε, y = 2; a
    Piecewise on x + y = 7 at x = 5, y = 2 (helper 113)."""
    for zero in switches:
        present = [a for a in atoms if zero.has(a)]
        if len(present) < 2:
            continue
        for atom, anchor in itertools.product(present, OFF_AXIS_ANCHORS):
            others = {a: anchor for a in present if a != atom}
            try:
                line = zero.xreplace(others)
            except (ValueError, TypeError, ZeroDivisionError):
                continue
            for _, root in _roots(line, [atom]):
                for value in (root, root - NEAR, root + NEAR):
                    yield {**base, **others, atom: value}


def _sweeps(ctx: Context, atoms, special: dict, breaks: dict | None = None):
    """Points that move one atom at a time through its special values, the others at a
    base value (0, else the simplest inside the domain); then every atom at each value."""
    simple = {a: _simple_for(a, domain_of(ctx, a)) for a in atoms}
    base = {a: ok[0] for a, ok in simple.items()}
    count = 0
    for atom in atoms:
        for value in special.get(atom, ()):
            if count >= SWEEP_POINTS:
                return
            count += 1
            yield {**base, atom: value}
    # Each atom on its breakpoints with the others at their next simple value: at their
    # base, Piecewise((x, Eq(k, 777)), (0, True)) = 0 holds on k = 777 too (helper 139).
    other = {a: ok[1] if len(ok) > 1 else ok[0] for a, ok in simple.items()}
    for atom, values in (breaks or {}).items():
        for value in values:
            if count >= SWEEP_POINTS:
                return
            count += 1
            yield {**other, atom: value}
    shared = set.intersection(*(set(special.get(a, ())) for a in atoms)) if atoms else set()
    for value in sorted(shared - set(SIMPLE_VALUES)):
        yield {a: value for a in atoms}
    yield from _together(atoms, base, breaks or {})


def _together(atoms, base: dict, breaks: dict):
    """Points where several atoms sit on breakpoints of their own at once, each atom at its
    base value or one of its first breakpoints: |x - 9| + |y - 13| > 0 fails only at x = 9
    and y = 13 together, and Max(x, 2y + 1, 3z + 5) > Min(...) where all three tie
    (x = 5, y = 2, z = 0), which one atom moved at a time never reaches (helper 100)."""
    choices = [
        (base[a], *(b for b in breaks.get(a, ())[:TOGETHER_VALUES] if b != base[a])) for a in atoms
    ]
    if sum(len(c) > 1 for c in choices) < 2:
        return
    for values in itertools.islice(itertools.product(*choices), TOGETHER_POINTS):
        yield dict(zip(atoms, values))


PAST_POINTS = 48  # points past breakpoints a proof is also confirmed at (see past_breakpoints)
PAST_OFF_AXIS = 12
PAST_OFF_AXIS_SWITCHES = 3  # switches of 2 or 3 atoms solved for points beside them
PAST_INTEGERS = (1001, -1001, 10**6 + 1, -(10**6) - 1)


def past_breakpoints(ctx: Context, inst: Instance, most: int = PAST_POINTS) -> list[dict]:
    """Points past the switches of the claim's atoms, inside their domains, at most `most`:
    every atom with breakpoints at once, 1 past its first one on either side (each sign of
    each, up to PAST_TOGETHER atoms); each atom on each of its breakpoints, 1 past either
    side and halfway to the next (the others at a base value); beside switches of several
    atoms (see _off_axis); an integer atom far out; the others at their second simple value
    (1 for a real). Breakpoints are the rational roots of
    the switches (see _breakpoints) and, for a polynomial switch of any degree, a point of
    each of its real roots' isolating intervals. A proof is confirmed at seeded points,
    where a factor Heaviside(x - 1000), Max(0, x - 1000) or a band 1000 < x < 1001 is 0:
    whatever a strategy got wrong about what it multiplies would go unseen there."""
    atoms = inst.atoms
    # Each switch once (the same kink is in many entries), and none too large to solve (the
    # sides' difference of a large claim: its lines in each atom took seconds).
    found = [z for z in _switches_of(inst) if _nodes_within(z, PAST_ROOT_NODES)]
    breaks = {a: list(v) for a, v in _breakpoints(found, atoms).items()}
    for zero in found:
        for atom, root in _isolated_roots(zero, atoms):
            if root not in breaks.setdefault(atom, []):
                breaks[atom].append(root)
    breaks = {a: sorted(v)[: MAX_BREAKS * 2] for a, v in breaks.items() if v}
    # The others at a simple value past the first (1 for a real): at 0, x·Max(0, y - 1000)
    # is 0 wherever y goes.
    simple = {a: _simple_for(a, domain_of(ctx, a)) for a in atoms}
    base = {a: ok[1] if len(ok) > 1 else ok[0] for a, ok in simple.items()}
    points = []
    moving = list(breaks)[:PAST_TOGETHER]
    for steps in itertools.product((1, -1), repeat=len(moving)):
        points.append({**base, **{a: _past(a, breaks[a][0], s) for a, s in zip(moving, steps)}})
    for atom, values in breaks.items():
        for value, after in zip(values, [*values[1:], None]):
            points += [{**base, atom: value}]
            points += [{**base, atom: _past(atom, value, step)} for step in (1, -1)]
            if after is not None and not atom.is_integer:
                points.append({**base, atom: (value + after) / 2})
    several = [z for z in found if 1 < sum(1 for a in atoms if z.has(a)) <= 3]
    several = several[:PAST_OFF_AXIS_SWITCHES]
    points += itertools.islice(_off_axis(several, atoms, base), PAST_OFF_AXIS)
    # An integer atom far out: c(c - 1)···(c - 20) is 0 at every integer a seeded point or
    # a breakpoint puts it at.
    points += [{**base, a: Rational(v)} for a in atoms if a.is_integer for v in PAST_INTEGERS]
    kept = []
    for point in points:
        if point not in kept and all(v is not None for v in point.values()):
            if in_domain(ctx, point):
                kept.append(point)
    return kept[:most]


PAST_TOGETHER = 3  # atoms moved past their first breakpoint together, in each direction
PAST_ROOT_NODES = 300  # the largest switch past_breakpoints solves


def _nodes_within(expr, most: int) -> bool:
    """Whether `expr` has at most `most` nodes."""
    return sum(1 for _ in itertools.islice(sympy.preorder_traversal(expr), most + 1)) <= most


def _isolated_roots(zero, atoms):
    """(atom, a rational point within 1/1024 of a real root): of `zero` as a polynomial of
    any degree in one atom with rational coefficients, the others at 0."""
    for atom, line in _lines(zero, atoms):
        try:
            poly = rational_poly(line, atom)
            if poly is None or poly.degree() < 1:
                continue
            intervals = poly.intervals(eps=NEAR)
        except (BasePolynomialError, NotImplementedError, ValueError, TypeError, ArithmeticError):
            continue
        for (low, high), _ in intervals:
            yield atom, (low + high) / 2


def base_value(ctx: Context, atom):
    """The value an atom takes where the others move (0, else the simplest in its domain)."""
    return _simple_for(atom, domain_of(ctx, atom))[0]


def _past(atom, value, step: int):
    """The value 1 past `value` (step 1 above it, -1 below), an integer for an integer atom."""
    if atom.is_integer:
        return sympy.floor(value) + 1 if step > 0 else sympy.ceiling(value) - 1
    return value + step


def _breakpoints(switches, atoms) -> dict:
    """Per atom, the rational values at which one of `switches` (the claim's) switches."""
    found: dict = {}
    for zero in switches:
        for atom, value in _roots(zero, atoms):
            found.setdefault(atom, []).append(value)
    return {atom: tuple(dict.fromkeys(values))[:MAX_BREAKS] for atom, values in found.items()}


def _switches_of(inst: Instance) -> list:
    """The switches (see switches) of every side of every entry of the instance, then the
    jumps of its floors, ceilings, fractional parts and remainders (see _jumps); each once,
    in the order first met. The entries of a tensor claim repeat the same few (506 switches,
    9 distinct, in a GATv2 gradient at one size), and rooting each copy again took most of
    the counterexample search's time."""
    return list(dict.fromkeys(_every_switch_of(inst)))


def _every_switch_of(inst: Instance):
    sides = [elementary(side) for _, left, right in inst.entries for side in (left, right)]
    for side in sides:
        yield from switches(side)
    for side in sides:
        yield from _jumps(side)
        # A Kronecker delta of integers is a switch for the search too: x·δ(k, -777) = 0
        # fails at k = -777 alone (helper 139).
        for node in side.atoms(sympy.KroneckerDelta):
            if (node.args[0] - node.args[1]).is_integer is True:
                yield node.args[0] - node.args[1]
    # Where the sides meet: beside such a point an inequality may turn, (x - 3)(x - 4) ≥ 0
    # between 3 and 4; and where a square vanishes, (x - 9)² + (y + 13)² > 0 at x = 9 and
    # y = -13 together (helper 100).
    for left, right in zip(sides[::2], sides[1::2]):
        yield left - right
    for side in sides:
        for node in sympy.preorder_traversal(side):
            if isinstance(node, sympy.Pow) and node.exp.is_even:
                yield node.base


def _jumps(expr):
    """Expressions whose zeros are jumps of floor, ceiling and frac (an argument at an
    integer JUMPS holds) and of Mod(a, m) (a at such a multiple of m): floor(x - 1/7) +
    floor(1/7 - x) = -1 fails at x = 1/7 only, near 0. A few of their infinitely many jumps,
    for the counterexample search alone."""
    for u in jump_arguments(expr):
        yield from (u - k for k in JUMPS)


def jump_arguments(expr):
    """For each floor, ceiling, frac and Mod in `expr`, the argument that jumps where it is
    an integer: u of floor(u), a/m of Mod(a, m)."""
    for node in sympy.preorder_traversal(expr):
        if isinstance(node, (sympy.floor, sympy.ceiling, sympy.frac)):
            yield node.args[0]
        elif isinstance(node, sympy.Mod):
            yield node.args[0] / node.args[1]


# Functions with a branch cut in the complex plane, on the real axis or the imaginary one
# (see switches).
_REAL_CUT = (
    sympy.log,
    cfunctions.log1p,
    cfunctions.log2,
    sympy.loggamma,
    sympy.asin,
    sympy.acos,
    sympy.asec,
    sympy.acsc,
    sympy.acosh,
    sympy.atanh,
    sympy.acoth,
    sympy.asech,
)
_IMAGINARY_CUT = (sympy.atan, sympy.acot, sympy.asinh, sympy.acsch)


def _complex(expr) -> bool:
    """Whether `expr` may be complex, so that a path of it through the complex plane can cross
    a branch cut as its atoms move: SymPy cannot show it real, or its imaginary part 0
    (-2 + acosh(x) - acosh(-x) is complex for real x in (-1, 1), with no i written)."""
    return expr.is_extended_real is not True and sympy.im(expr) != 0


def cut_of(node):
    """Where `node`'s branch cut is crossed, as an expression whose zeros lie on it, if its
    argument may be complex (see _complex); else None. The cut lies on the real axis (log,
    inverse sine, cosine, hyperbolic tangent..., a root) or the imaginary one (inverse
    tangent, hyperbolic sine...)."""
    if isinstance(node, _REAL_CUT) and _complex(node.args[0]):
        return sympy.im(node.args[0])
    if isinstance(node, _IMAGINARY_CUT) and _complex(node.args[0]):
        return sympy.re(node.args[0])
    if isinstance(node, sympy.Pow) and not node.exp.is_integer and _complex(node.base):
        return sympy.im(node.base)
    return None


def _conditions(piecewise):
    """lhs - rhs of each relation in a Piecewise's conditions."""
    for _, condition in piecewise.args:
        for relation in condition.atoms(sympy.core.relational.Relational):
            # Eq(x > 0, y > 0) relates conditions: its relations are atoms too.
            if isinstance(relation.lhs, sympy.Expr):
                yield relation.lhs - relation.rhs


def switches(expr, poles: bool = True, primitives: bool = True):
    """Expressions whose zeros are where `expr` branches, kinks, ties (a Dirac delta sits) or,
    with `poles`, has a pole; with `primitives`, also a primitive's kink (from its
    definition)."""
    for node in sympy.preorder_traversal(expr):
        if isinstance(node, sympy.Piecewise):
            yield from _conditions(node)
        elif isinstance(node, (sympy.Heaviside, sympy.Abs, sympy.sign, sympy.DiracDelta)):
            yield node.args[0]
        elif isinstance(node, sympy.atan2):
            yield node.args[0]  # its cut: a jump of 2π where y = 0 (for x < 0)
        elif (
            isinstance(node, sympy.KroneckerDelta)
            and (node.args[0] - node.args[1]).is_integer is not True
        ):
            yield node.args[0] - node.args[1]  # a tie of reals: δ(x, 5/7) is 1 there alone
        elif isinstance(node, (sympy.acot, sympy.acoth)):
            yield node.args[0]  # a jump at 0: acot(0) = π/2, acot(0-) tends to -π/2
        elif isinstance(node, sympy.arg):
            yield sympy.im(node.args[0])  # its cut: a jump of 2π on the negative reals
        elif primitives and isinstance(node, PrimitiveFunction):
            # A primitive's kink, from its definition (leaky_relu_slope's jump at 0, which
            # leaky_relu's derivative is written with).
            yield from switches(PRIMITIVES[type(node).__name__].definition(*node.args), poles)
        cut = cut_of(node)
        if cut is not None:
            yield cut
        elif isinstance(node, (sympy.Max, sympy.Min)):
            for a, b in itertools.combinations(node.args, 2):
                yield a - b
        elif poles and isinstance(node, sympy.log):
            yield node.args[0]
        elif (
            poles
            and isinstance(node, sympy.Pow)
            and (not node.exp.is_Integer or node.exp.is_negative)
        ):
            yield node.base
        if zero_power(node):
            # 0**t jumps at t = 0 (1 there, 0 above, zoo below): dn**(x²) at x = 0 for
            # dn = 0, read as 1 there, hid a branch's switch (helper 177).
            yield node.exp


def zero_power(node) -> bool:
    """Whether `node` is a power whose base and exponent may both be 0: 0**(c²) is 1 at
    c = 0 and 0 elsewhere."""
    return (
        isinstance(node, sympy.Pow)
        and not node.exp.is_number
        and node.exp.is_zero is not False
        and node.base.is_zero is not False
    )


def _lines(zero, atoms):
    """(atom, line): `zero` as a function of each atom it holds, the others at 0; an atom is
    left out where SymPy refuses what the zeros make (Max(0, log(0)): zoo is not
    comparable)."""
    present = [a for a in atoms if zero.has(a)]
    for atom in present:
        try:
            yield atom, zero.xreplace({a: 0 for a in present if a != atom})
        except (ValueError, TypeError, ZeroDivisionError):
            continue


def _roots(zero, atoms):
    """(atom, value): where `zero` vanishes in one atom with the others at 0, if linear, or
    its rational roots as a polynomial of degree at most IRRATIONAL_DEGREE with rational
    coefficients."""
    for atom, line in _lines(zero, atoms):
        try:
            slope = sympy.diff(line, atom)
            root = -line.xreplace({atom: 0}) / slope if slope.is_Rational and slope != 0 else None
        except (ValueError, TypeError, ZeroDivisionError):
            continue
        if root is not None and root.is_Rational:
            yield atom, root
        elif root is None:
            yield from ((atom, r) for r in _rational_roots(line, atom))
            yield from ((atom, r) for r in _trig_roots(line, atom))


def rational_poly(expr, atom) -> sympy.Poly | None:
    """`expr` as a polynomial in `atom` over the rationals; None where it is not one. SymPy
    can build a polynomial whose coefficients are all rational over a larger domain (ZZ(E),
    where terms in e cancel), and then refuses to isolate its roots (the soundness fuzzer,
    seed 105267731: 1e-35·q·exp(v) + sigmoid(2) ≥ e²/(1 + e²) crashed)."""
    try:
        coefficients = sympy.Poly(expr, atom).all_coeffs()
    except (BasePolynomialError, ValueError, TypeError, ZeroDivisionError):
        return None
    if not all(c.is_Rational for c in coefficients):
        return None
    return sympy.Poly.from_list(coefficients, atom, domain=sympy.QQ)


def _rational_roots(line, atom) -> list:
    try:
        poly = rational_poly(line, atom)
        if poly is None or not 2 <= poly.degree() <= IRRATIONAL_DEGREE:
            return []
        roots = list(sympy.roots(poly, filter="Q"))
        # And where it turns (its derivative's rational roots): (x - 1000)(x - 1001) + 1/8
        # is negative only between its irrational roots, least at 2001/2 (helper 113).
        roots += [r for r in sympy.roots(poly.diff(atom), filter="Q") if r not in roots]
        return sorted(roots, key=lambda r: (abs(r), r))
    except (BasePolynomialError, ValueError, TypeError, ZeroDivisionError):
        return []


TRIG_TURNS = range(-4, 5)  # the multiples of π (of π/2 for cos) where a trig switch is tried


def _trig_roots(line, atom) -> list:
    """Rational zeros of sin, tan or cos of an argument linear in `atom`: |sin(πv/7)| > 0
    fails at v = 7 (helper 113); where the argument is a rational multiple of π, for the
    few multiples TRIG_TURNS."""
    if not isinstance(line, (sympy.sin, sympy.cos, sympy.tan)):
        return []
    argument = line.args[0]
    try:
        slope = sympy.diff(argument, atom)
        if slope == 0 or slope.has(atom):
            return []
        offset = argument.xreplace({atom: 0})
        shift = sympy.pi / 2 if isinstance(line, sympy.cos) else 0
        roots = [(k * sympy.pi + shift - offset) / slope for k in TRIG_TURNS]
    except (ValueError, TypeError, ZeroDivisionError):
        return []
    return [r for r in roots if r.is_Rational]


def _irrational_roots(zero, atoms):
    """(atom, value): the real irrational roots of `zero` as a polynomial in one atom with
    rational coefficients, the other atoms at 0, written in radicals (x² - 3 at ±√3), or
    as a line with real constant coefficients (x - π at π, 2x - √3 at √3/2)."""
    for atom, line in _lines(zero, atoms):
        try:
            poly = sympy.Poly(line, atom)
            coefficients = poly.all_coeffs()
            if poly.degree() == 1 and all(c.is_number and c.is_real for c in coefficients):
                roots = [-coefficients[1] / coefficients[0]]
            elif not 2 <= poly.degree() <= IRRATIONAL_DEGREE:
                continue
            elif (rational := rational_poly(line, atom)) is None:
                continue
            else:
                roots = sympy.roots(rational, filter="R")
        except (BasePolynomialError, ValueError, TypeError, ZeroDivisionError):
            continue
        for root in sorted(roots, key=lambda r: (r.is_negative, sympy.default_sort_key(r))):
            if not root.is_Rational and sympy.count_ops(root) <= IRRATIONAL_OPS:
                yield atom, root


SOLVED_DEGREE = 8  # the highest degree of a polynomial whose real roots a switch's zeros take
SOLVED_TURNS = range(-2, 3)  # the periods of sin, cos and tan tried (see _solved)
SOLVED_DEPTH = 4  # functions inverted, one inside the other (see _solved)
SOLVED_ROOTS = 12  # zeros kept per switch and atom, those nearest 0 first
SOLVED_BITS = 64  # the largest numerator or denominator of a polynomial's coefficient solved
SOLVED_LARGEST = HUGE_VALUES[1]  # zeros beyond it are not tried: exp at e^(10⁶) does not end


def _solved_roots(zero, atoms):
    """(atom, value): exact real zeros of `zero` in one atom, the other atoms at 0, found by
    inverting the functions around it (see _solved), nearest 0 first. For the exact tries of
    at_irrational_breakpoints: 1 - cos(u - 7/3) > 0 fails at u = 7/3 alone, (e^u - 3)² > 0
    at log 3, |u⁵ - u - 1| > 0 at the quintic's real root, [sin x = 0 ∧ x > 4] = 0 at 2π
    (helper 145); the search's points are rational, and evaluation only comes near them."""
    searched = set(_roots(zero, atoms))  # the search's own breakpoints (see _breakpoints)
    for atom, line in _lines(zero, atoms):
        try:
            roots = _solved(line, atom, SOLVED_DEPTH)
            sizes = {
                r: abs(sympy.N(r, 15))
                for r in dict.fromkeys(roots)
                if r.is_real is not False and (atom, r) not in searched
            }
            near = sorted((r for r, size in sizes.items() if size <= SOLVED_LARGEST), key=sizes.get)
        except (BasePolynomialError, NotImplementedError, ValueError, TypeError, ArithmeticError):
            continue
        yield from ((atom, r) for r in near[:SOLVED_ROOTS])


def _solved(expr, atom, depth: int) -> list:
    """Exact real values of `atom` at which `expr` (in `atom` alone) may vanish: the real
    roots of a polynomial with rational coefficients of degree at most SOLVED_DEGREE (as
    radicals or CRootOf), the root of a line with real coefficients, those of each factor of
    a product and of a power's base, and c + k·f(h) solved for h through the inverse of f
    (exp, log, sin, cos, tan, a power) for a few periods. Candidates only: each is decided
    exactly where the claim is evaluated there."""
    if depth < 0 or not expr.has(atom):
        return []
    poly = rational_poly(expr, atom)
    if poly is not None:
        # Isolating the roots has no deadline: coefficients past SOLVED_BITS (two roots 10⁻³⁰
        # apart) took SymPy 14 s a switch (helper 149).
        sizes = (abs(int(part)) for c in poly.all_coeffs() for part in (c.p, c.q))
        if not 1 <= poly.degree() <= SOLVED_DEGREE or max(sizes).bit_length() > SOLVED_BITS:
            return []
        return poly.real_roots()
    if expr.is_polynomial(atom):
        # With real constant coefficients: a line, or a·x^k + b (x² - log 3 at ±√(log 3)).
        leading, *middle, last = sympy.Poly(expr, atom).all_coeffs()
        if any(c != 0 for c in middle) or not (leading.is_number and last.is_number):
            return []
        power, value = len(middle) + 1, -last / leading
        if power % 2 == 1:
            return [sympy.sign(value) * sympy.Abs(value) ** Rational(1, power)]
        if value.is_nonnegative:
            return [value ** Rational(1, power), -(value ** Rational(1, power))]
        return []
    if isinstance(expr, sympy.Mul):
        return [r for f in expr.args for r in _solved(f, atom, depth)]
    if isinstance(expr, sympy.Pow):
        return _solved(expr.base, atom, depth) if expr.exp.is_positive else []
    if isinstance(expr, sympy.Add):
        constant, varying = expr.as_independent(atom, as_Add=True)
        scale, inner = varying.as_independent(atom, as_Add=False)
        if isinstance(inner, sympy.Add) or scale == 0:
            return []
        return _inverted(inner, -constant / scale, atom, depth)
    return _inverted(expr, sympy.S.Zero, atom, depth)


def _inverted(node, value, atom, depth: int) -> list:
    """Real values of `atom` at which `node` (a function of it) equals the number `value`."""
    if not (value.is_number and value.is_real):
        return []
    arguments = []
    if isinstance(node, sympy.exp) and value.is_positive:
        arguments = [sympy.log(value)]
    elif isinstance(node, sympy.log):
        arguments = [sympy.exp(value)]
    elif isinstance(node, (sympy.sin, sympy.cos)) and abs(value) <= 1:
        first = sympy.asin(value) if isinstance(node, sympy.sin) else sympy.acos(value)
        second = sympy.pi - first if isinstance(node, sympy.sin) else -first
        turns = [2 * k * sympy.pi for k in SOLVED_TURNS]
        arguments = [a + t for a in dict.fromkeys((first, second)) for t in turns]
    elif isinstance(node, sympy.tan):
        arguments = [sympy.atan(value) + k * sympy.pi for k in SOLVED_TURNS]
    elif isinstance(node, sympy.Abs) and value.is_nonnegative:
        arguments = list(dict.fromkeys((value, -value)))  # [|x| = 5] at ±5 (helper 161)
    elif isinstance(node, (sympy.floor, sympy.ceiling)) and value.is_integer:
        arguments = [value]  # the end of the band [floor(x) = 5], 5 ≤ x < 6, that it holds
    elif isinstance(node, sympy.Pow) and node.exp.is_Rational and node.exp != 0:
        if value == 0:
            return _solved(node.base, atom, depth) if node.exp.is_positive else []
        root = abs(value) ** (1 / node.exp)
        if node.exp.is_Integer and node.exp.is_odd:
            arguments = [sympy.sign(value) * root]
        elif value.is_positive:
            arguments = [root, -root] if node.exp.is_Integer else [root]
    else:
        return []
    inner = node.args[0]
    return [r for a in arguments for r in _solved(inner - a, atom, depth - 1)]


def at_irrational_breakpoints(
    ctx: Context, compiled: Compiled, deadline, switches: list | None = None
) -> Counterexample | None:
    """A counterexample with one atom at an irrational breakpoint of the claim (sign(x² - 3)
    at x = √3) and the others at their simplest values, decided exactly: the search's points
    are rational, and numerically a side there is only near its switch. Small instances only
    (see _is_small), at most IRRATIONAL_TRIES breakpoints. `switches`: the instance's (see
    _switches_of), where the caller has them."""
    inst = compiled.instance
    if not _is_small(inst):
        return None
    if switches is None:
        switches = _switches_of(inst)
    # The other atoms at their simplest value, then at their second simplest (y at 0 hides
    # sign(x² - 2)²·y = y).
    simple = {a: _simple_for(a, domain_of(ctx, a)) for a in inst.atoms}
    bases = [{a: ok[min(k, len(ok) - 1)] for a, ok in simple.items()} for k in (0, 1)]
    tried: set = set()
    for atom, root in _irrational_candidates(ctx, inst, switches):
        if (atom, root) in tried or not may_take(ctx, atom, root):
            continue
        tried.add((atom, root))
        for base in bases:
            if len(tried) > IRRATIONAL_TRIES or deadline.remaining() <= 0:
                return None
            found = _confirmed(inst, {**base, atom: root}, compiled.relation)
            if found is not None:
                return found
    return None


def _irrational_candidates(ctx: Context, inst: Instance, switches: list):
    """(atom, value): the closed ends of the atoms' declared domains that are irrational
    numbers (q ≥ π: the claim q > π fails at π, which numerically is only near it), then
    the irrational roots of the claim's switches, and the zeros of its trig switches."""
    for atom in inst.atoms:
        domain = declared_domain(ctx, atom)
        for end in (domain.inf, domain.sup):
            if end.is_finite and not end.is_Rational and domain.contains(end) is sympy.true:
                yield atom, end
    for zero in switches:
        yield from _irrational_roots(zero, inst.atoms)
        # A trig switch's rational zeros too: numerically sin(π·7/7) is only near 0.
        for atom, line in _lines(zero, inst.atoms):
            yield from ((atom, r) for r in _trig_roots(line, atom))
    # Then the zeros the switches take through their functions, one of each switch in turn
    # (the tries are few, and a Piecewise's condition has many).
    solved = [_solved_roots(zero, inst.atoms) for zero in switches]
    for turn in itertools.zip_longest(*solved):
        yield from (candidate for candidate in turn if candidate is not None)


def may_take(ctx: Context, atom, value) -> bool:
    """Whether `atom` may take the irrational real `value`: inside its declared domain, and
    allowed by its assumptions (see numeric.allowed)."""
    if value.is_real is not True or declared_domain(ctx, atom).contains(value) is not sympy.true:
        return False
    return allowed(atom, value)


def _simpler(candidate: Rational, current: Rational) -> bool:
    rank = {v: k for k, v in enumerate(SIMPLE_VALUES)}
    return rank.get(candidate, len(rank)) < rank.get(current, len(rank) + 1)


def _shrink(ctx: Context, compiled: Compiled, point: dict, deadline: Deadline) -> dict:
    """Move each atom (sorted by name) to the simplest value that keeps the separation."""
    for _ in range(3):
        changed = False
        for atom in compiled.instance.atoms:
            for value in _simple_for(atom, domain_of(ctx, atom)):
                if deadline.remaining() <= 0 or not _simpler(value, point[atom]):
                    break
                trial = {**point, atom: value}
                if not in_domain(ctx, trial) or compiled.outcome(trial) != DIFFER:
                    continue
                if defined_at(compiled, trial):
                    point, changed = trial, True
                    break
        if not changed:
            return point
    return point


# Values an atom is moved to, to take a counterexample off a breakpoint: the search moves
# each atom to the simplest value that keeps the separation, 0 first, often a kink's place.
OFF_BREAKPOINT = tuple(Rational(v) for v in (-1, 1, -2, 2, "1/2", "-1/2", 3, -3))


def off_breakpoints(
    ctx: Context, compiled: Compiled, point: dict, switches, deadline: Deadline
) -> Counterexample | None:
    """A confirmed counterexample near `point` (a separating point that lies on a
    breakpoint, its atoms' exact values) at which no expression of `switches` is 0 or fails
    to be a number: one atom moved at a time to a value of OFF_BREAKPOINT, then all of them
    together."""
    atoms = sorted(compiled.instance.atoms, key=str)
    whole = set(point) == set(atoms)  # else only the trials that set every atom
    trials = [{**point, a: value} for a in atoms for value in OFF_BREAKPOINT] if whole else []
    trials += [dict.fromkeys(atoms, value) for value in OFF_BREAKPOINT]
    trials += _spread(atoms, point if whole else {})
    for trial in trials:
        if deadline.remaining() <= 0:
            return None
        if not in_domain(ctx, trial) or not _clear_of(switches, trial):
            continue
        if _outcome(compiled, trial, deadline) == DIFFER:
            found = _confirmed(compiled.instance, trial, compiled.relation)
            if found is not None:
                return found
    return None


def _spread(atoms, point: dict) -> list[dict]:
    """Points where every atom has a value of its own: moving one atom, or setting all to one
    value, keeps a tie of two others (Max(x, y, z) at 0, 0, 0), a switch of the claim. In
    ascending, descending and alternating order, near `point` (where given) and near 0."""
    n = len(atoms)
    orders = (
        lambda k: k + 1,
        lambda k: -(k + 1),
        lambda k: (-1) ** k * (k + 1),
        lambda k: (-1) ** (k + 1) * (k + 1),
    )
    trials = []
    for order in orders:
        for scale in (Rational(1), Rational(1, 2 * n + 1)):
            trials.append({a: order(k) * scale for k, a in enumerate(atoms)})
            if point:
                trials.append({a: point[a] + order(k) / (8 * n) for k, a in enumerate(atoms)})
    return trials


def _clear_of(switches, point: dict) -> bool:
    """Whether every switch is a nonzero number at `point` (its atoms matched by name)."""
    names = {str(atom): value for atom, value in point.items()}
    for switch in switches:
        at = {a: names[str(a)] for a in switch.free_symbols if str(a) in names}
        value = switch.xreplace(at)
        if not value.is_number or value == 0:
            return False
    return True


def confirm_point(
    ctx: Context, compiled: Compiled, point: dict, relation: str, deadline: Deadline
) -> Counterexample | None:
    """Shrink a separating `point` and confirm it exactly; None if it does not survive."""
    point = _shrink(ctx, compiled, point, deadline)
    return _confirmed(compiled.instance, point, relation) if in_domain(ctx, point) else None


def _confirmed(inst: Instance, point: dict, relation: str) -> Counterexample | None:
    """Re-evaluate the separating entry exactly; None if the separation does not survive,
    or if it rests on a jump SymPy took at the point without knowing which side it is on
    (see _jumps_decided), or on a reading it made unconfirmed (corrections.doubted_since)."""
    functions = inst.functions or ((),) * len(inst.entries)
    for (label, lhs, rhs), differentiated in zip(inst.entries, functions, strict=True):
        read = _read_exactly(lhs, rhs, point, lambda a, b: _separates(a, b, relation))
        if read is None:
            continue  # e.g. Max of two values SymPy cannot compare: nothing is confirmed
        left, right, separates = read
        # Not where a derivative there has no function to be the derivative of.
        if separates and _functions_defined(differentiated, point):
            shown = tuple(
                (str(a), _pasteable(a, v))
                for a, v in sorted(point.items(), key=lambda p: str(p[0]))
            )
            return Counterexample(
                _named(inst.sizes), shown, *_shown_apart(left, right), entry=label
            )
    return None


def defined_at(compiled: Compiled, point: dict, unknown: bool = False) -> bool:
    """Whether an entry that evaluation reads as failing at `point` has a value for every
    function its derivatives differentiate there (see _functions_defined): a point where
    each such entry has one without separates nothing, and the search goes on past it.
    `unknown` is the answer for a value not known to be finite."""
    inst = compiled.instance
    if not any(inst.functions):
        return True
    try:
        values = compiled.evaluate(point, RECHECK_DPS)
    except NO_VALUE:
        values = [(label, None, None) for label, _, _ in inst.entries]
    for (_, left, right), functions in zip(values, inst.functions, strict=True):
        if left is None or compare(left, right, compiled.relation, dps=RECHECK_DPS) == DIFFER:
            if _functions_defined(functions, point, unknown):
                return True
    return False


def _functions_defined(functions, point: dict, unknown: bool = False) -> bool:
    """Whether each function a derivative of the entry differentiates (Instance.functions)
    and reads at `point` has a finite value there, as far as exact evaluation tells
    (`unknown` where it does not): where one has none, the derivative does not exist,
    whatever value SymPy's derivative has there (∂/∂Δ of (e^{AΔ} − 1)/A·B, which SymPy
    cancels to B·e^{AΔ}, at A = 0; helper 175), and the point says nothing. A function with
    atoms the point does not give is not read, nor one in a branch not taken there."""
    for function, read in functions:
        labels = {a.base.label for a in function.atoms(sympy.Indexed)}
        if not function.free_symbols - labels <= set(point):
            continue
        try:
            if read is not sympy.true and read.xreplace(point) is sympy.false:
                continue
            value = exactly_at(function, point)
        except (ValueError, TypeError, ArithmeticError, PrecisionExhausted):
            if not unknown:
                return False
            continue
        if value.is_finite is None:  # an integral, say: evaluated in floats
            value = _approximately_at(value)
        if value.has(sympy.nan, sympy.zoo) or value.is_finite is False:
            return False
        if value.is_finite is None and not unknown:
            return False
    return True


def _approximately_at(value):
    """`value` (a number SymPy cannot tell finite) evaluated in DPS digits, where that gives
    a number; else `value`."""
    try:
        approximate = value.evalf(DPS)
    except (ValueError, TypeError, ArithmeticError, PrecisionExhausted):
        return value
    return approximate if approximate.is_number else value


def _pasteable(atom, value) -> str:
    """`value` as SymPy reads it back; a real root of a polynomial written in the atom's own
    name (CRootOf(u**3 - u - 1, 0), not SymPy's CRootOf(x**3 - x - 1, 0))."""
    if isinstance(value, sympy.CRootOf):
        (variable,) = value.poly.gens
        written = value.poly.as_expr().xreplace({variable: sympy.Symbol(str(atom))})
        return f"CRootOf({sympy.sstr(written)}, {value.index})"
    return str(value)


def _jumps_decided(side, point: dict) -> bool:
    """Whether at `point` each jump of `side` (a switch of a branch, tie, kink or pole, or a
    floor's argument, see switches and jump_arguments) is decided: its argument there exact
    (rational, or algebraic and 0 by its minimal polynomial), or certainly off the jump by
    strict evaluation. An argument that is 0 but not visibly (cos 2x - 2cos²x + 1) is noise
    to SymPy's evaluation, and floor(sin(·)) of it was built as -1, acot(sin(·)) as -π/2:
    a true claim was REFUTED (helper 148)."""
    side = elementary(side)
    arguments = [(u, False) for u in switches(side)]
    arguments += [(u, True) for u in jump_arguments(side)]
    # Where an argument is 0 only by its minimal polynomial, SymPy reads the 0 at a branch,
    # tie or floor (its facts ask is_zero), but not at acot, a cut or a pole: acot(u) at a
    # root of u = x³ - x - 1 was evaluated as -π/2 (helper 149). Such a 0 counts only where
    # every node it is the argument of is one of the former.
    trusted = collections.Counter(_zero_read(side))
    occurs = collections.Counter(u for u, _ in arguments)
    for argument, integral in arguments:
        value = exactly_at(argument, point)
        if not value.is_number:
            continue  # an unevaluated node's own variable: SymPy leaves it, as _separates does
        if value.is_Rational or value.has(*UNDECIDED_BRANCHES):
            continue  # exact; or a branch left as it is, which _separates refuses
        if integral:
            value = value - round(sympy.N(value, DPS))
        if value.is_Rational:
            continue
        if value.is_algebraic and _algebraic_zero(value):
            if trusted[argument] >= occurs[argument]:
                continue
            return False
        try:
            if value.evalf(DPS, strict=True, maxn=EVALF_BITS) == 0:
                return False
        except (PrecisionExhausted, ValueError, TypeError, ArithmeticError):
            return False
    return True


def _zero_read(side):
    """The switches and jump arguments of `side` (as switches and jump_arguments give them)
    whose nodes SymPy evaluates by asking whether the argument is 0: Piecewise conditions,
    Heaviside, Abs, sign, Kronecker deltas, ties of Max and Min, floors and remainders."""
    for node in sympy.preorder_traversal(side):
        if isinstance(node, sympy.Piecewise):
            yield from _conditions(node)
        elif isinstance(node, (sympy.Heaviside, sympy.Abs, sympy.sign)):
            yield node.args[0]
        elif isinstance(node, sympy.KroneckerDelta):
            yield node.args[0] - node.args[1]
        elif isinstance(node, (sympy.Max, sympy.Min)):
            yield from (a - b for a, b in itertools.combinations(node.args, 2))
        elif isinstance(node, (sympy.floor, sympy.ceiling, sympy.frac)):
            yield node.args[0]
        elif isinstance(node, sympy.Mod):
            yield node.args[0] / node.args[1]


INTEGRAL_CHECK_DPS = 30  # the digits an integral's closed form must share with quadrature


def _integrals_exact(expr: sympy.Basic) -> sympy.Basic:
    """`expr` with each integral that has no free symbol left (the point gave its limits and
    parameters values) replaced by its closed form, where SymPy finds one that agrees with
    quadrature in INTEGRAL_CHECK_DPS digits; others stay, for evalf's quadrature. Evaluating
    an integral at 4·DPS digits by quadrature took minutes (∫₀¹ s·u·t dt at a point);
    SymPy's integrate has given wrong closed forms, hence the check against quadrature."""

    def closed(node):
        if node.free_symbols:
            return node
        try:
            value = node.doit()
            if value.has(sympy.Integral) or not value.is_number:
                return node
            by_rule, by_quadrature = (sympy.N(v, INTEGRAL_CHECK_DPS) for v in (value, node))
            close = abs(by_rule - by_quadrature) <= 10 ** (8 - INTEGRAL_CHECK_DPS) * max(
                1, abs(by_quadrature)
            )
        except (ValueError, TypeError, ArithmeticError, NotImplementedError):
            return node
        return value if close is sympy.true else node

    if not expr.has(sympy.Integral):
        return expr
    return expr.replace(lambda e: isinstance(e, sympy.Integral), closed)


def _exact_gap(left, right):
    """left - right for exact values that are finite reals, expanded where algebraic (0 where
    its minimal polynomial says so), or None where they are no such values."""
    undefined = (sympy.AccumBounds, sympy.zoo, sympy.nan, sympy.oo, -sympy.oo)
    if any(side.has(*undefined) for side in (left, right)):
        return None  # e.g. atan(1/0) is AccumBounds(-pi/2, pi/2): not a value
    if any(side.has(*UNDECIDED_BRANCHES) for side in (left, right)):
        # A branch SymPy could not settle at this point: its argument is not visibly
        # positive, negative or 0 (tanh(1) - 2σ(2) + 1 is 0, yet evaluates to noise).
        return None
    left_value, right_value = sympy.N(left, DPS), sympy.N(right, DPS)
    if not (left_value.is_real and right_value.is_real):
        return None
    if not (left_value.is_finite and right_value.is_finite):
        return None
    gap = left - right
    if not gap.is_Rational and gap.is_algebraic and sympy.count_ops(gap) <= 60:
        # An algebraic gap expanded exactly: ((x² - x - 1)²)  at the golden ratio is 0, which
        # evaluation cannot tell from a tiny number (helper 119); and where that leaves it,
        # 0 where its minimal polynomial is the variable's own: (u³ - u - 1)² at the cubic's
        # real root, a CRootOf (see _solved).
        gap = sympy.expand(gap)
        if not gap.is_Rational and _algebraic_zero(gap):
            gap = sympy.S.Zero
    return gap


def _holds(left, right, relation: str) -> bool:
    """Whether the exact values `left` and `right` certainly satisfy `relation`: their
    difference rational, or of one sign in strict evaluation at two precisions (see
    _separates)."""
    gap = _exact_gap(left, right)
    if gap is None:
        return False
    if gap.is_Rational:
        return bool(RELATION_HOLDS[relation](gap))
    values = []
    for value in _strict_values(gap):
        if value is None or value == 0 or not RELATION_HOLDS[relation](value):
            return False
        values.append(value)
    return (values[0] > 0) == (values[1] > 0)


def _strict_values(gap):
    """The irrational `gap` in SymPy's strict evaluation at DPS digits, then at 4·DPS (as
    _separates and _holds take it), each a real number, or None where it has none there
    (and nothing after)."""
    for digits, bits in ((DPS, EVALF_BITS), (4 * DPS, 4 * EVALF_BITS)):
        try:
            value = gap.evalf(digits, strict=True, maxn=bits)
        except (PrecisionExhausted, ValueError, TypeError):
            value = None
        if value is None or not (value.is_Float or value.is_Rational) or not value.is_real:
            yield None
            return
        yield value


def holds_at(inst: Instance, point: dict, relation: str) -> bool:
    """Whether every entry of the instance certainly satisfies `relation` at `point`, decided
    as _confirmed decides a violation: exactly, every jump decided there, and no reading
    SymPy made unconfirmed. For points where numerics cannot tell the sides apart (see
    confirm.tie_holds)."""
    for _, lhs, rhs in inst.entries:
        read = _read_exactly(lhs, rhs, point, lambda a, b: _holds(a, b, relation))
        if read is None or not read[2]:
            return False
    return True


def _read_exactly(lhs, rhs, point: dict, test):
    """(left, right, whether test(left, right) holds there with every jump of the sides
    decided at `point` and no reading SymPy made unconfirmed meanwhile) for the sides' exact
    values at `point`; None where SymPy cannot evaluate them."""
    mark = doubt_mark()
    try:
        left, right = (_integrals_exact(exactly_at(side, point)) for side in (lhs, rhs))
        passed = test(left, right) and all(_jumps_decided(side, point) for side in (lhs, rhs))
    except (ValueError, TypeError, ArithmeticError, NotImplementedError):
        return None
    return left, right, passed and not doubted_since(mark)


def _separates(left, right, relation: str) -> bool:
    """Whether the exact values `left` and `right` violate `relation`: decided exactly when
    their difference is rational, else by evaluating it until its sign is certain (SymPy's
    strict evalf, which refuses rather than guesses when it cannot tell it from 0)."""
    gap = _exact_gap(left, right)
    if gap is None:
        return False
    if not gap.is_Rational:
        # SymPy's strict evalf has returned 0, and even the wrong sign, for a gap it cancelled
        # (log(1 + e^-1000) - log(1 + e^-1001) gave 0; at -200 a gap of +6.9e-88 came out
        # negative): a violation counts only if a 4-fold precision gives the same nonzero sign.
        values = []
        for value in _strict_values(gap):
            if value is None:
                return False
            if value != 0 and RELATION_HOLDS[relation](value):
                return False  # holds here: only a violation needs the second look
            values.append(value)
        if 0 in values or (values[0] > 0) != (values[1] > 0):
            return False
        gap = values[1]
    return not bool(RELATION_HOLDS[relation](gap))


def may_vanish(value) -> bool:
    """Whether the exact number `value` (a switch's value at a point) is 0 or not certainly
    apart from 0: 0 by its minimal polynomial where algebraic (c³ - c - 1 at the cubic's
    root, which SymPy leaves unsimplified), or not told from 0 by strict evaluation."""
    if value == 0:
        return True
    if value.is_Rational:
        return False
    if value.is_algebraic and _algebraic_zero(value):
        return True
    try:
        return value.evalf(DPS, strict=True, maxn=EVALF_BITS) == 0
    except (PrecisionExhausted, ValueError, TypeError, ArithmeticError):
        return True


def _algebraic_zero(gap) -> bool:
    """Whether the algebraic number `gap` is exactly 0 by its minimal polynomial, which is
    then the variable alone; where evaluation at 4·DPS digits agrees that it is tiny."""
    try:
        if abs(sympy.N(gap, 4 * DPS)) > Rational(1, 10 ** (2 * DPS)):
            return False
        return sympy.minimal_polynomial(gap).is_Symbol
    except (BasePolynomialError, NotImplementedError, ValueError, TypeError, ArithmeticError):
        return False


def show_value(value, digits: int = 12) -> str:
    """The exact value when it prints short, else `digits` significant digits."""
    exact = sympy.simplify(value) if sympy.count_ops(value) <= 40 else value
    text = show(exact)
    if len(text) <= 32 and not exact.has(sympy.Float):
        return text
    if exact.is_Rational and _is_decimal(exact):
        return _decimal(exact)  # a float of the claim, read exactly: shown exactly
    return show(_approximately(value, digits))


def _approximately(value, digits: int):
    """`value` to `digits` digits. SymPy's evalf gave 0 for log(1 + 10⁻³⁰) at 12 digits, strict
    or not (it rounds the argument to its working precision first), and a counterexample
    showed "lhs 0" (helper 111): a 0 counts only once it stays 0 at 4, 16 and 64 times the
    digits."""
    approx = sympy.N(value, digits)
    for working in (4 * digits, 16 * digits, 64 * digits):
        if approx != 0 or value.is_zero:
            break
        approx = sympy.N(sympy.N(value, working), digits)
    return approx


def _is_decimal(value: Rational) -> bool:
    q = int(value.q)
    for prime in (2, 5):
        while q % prime == 0:
            q //= prime
    return q == 1 and value.q > 1 and len(str(value.p)) <= 40


def _decimal(value: Rational) -> str:
    with decimal.localcontext() as context:
        context.prec = 80
        return str(decimal.Decimal(int(value.p)) / decimal.Decimal(int(value.q))).replace("E", "e")


def _shown_apart(left, right) -> tuple[str, str]:
    """Both values, with as many digits as it takes to show them different (to 60)."""
    for digits in (12, 20, 40, 60):
        shown = show_value(left, digits), show_value(right, digits)
        if shown[0] != shown[1]:
            break
    return shown
