"""The fuzzer's Hypothesis strategy: a template's claim, kept true or made false.

True claims are scaled by a nonnegative factor or get the same term on both sides. False ones
get a difference D on one side: D = Z * P with Z zero at every size of the grid (like
(n-1)(n-2)(n-3), Σ_k δ(k, 4), or δ(c, 4) for a free index c) or zero at n = 1 only ('early'),
D zero on the whole sampling box (relu(w - 3)) or everywhere but one point, or a tiny Float;
or both sides of a false claim are multiplied by such a Z. An equality can become an
inequality, and a tight inequality is false when D lands on its smaller side.
"""

from __future__ import annotations

import dataclasses

from fuzz_claims import TEMPLATES, TINY
from fuzz_grammar import DOC, GRIDS, Spec, k, m, n, p, q, v, w, x, y, z
from hypothesis import HealthCheck, Phase, given, seed, settings
from hypothesis import strategies as st
from sympy import (
    Abs,
    Eq,
    Integer,
    KroneckerDelta,
    Max,
    Mul,
    Piecewise,
    Rational,
    Sum,
    binomial,
    exp,
    floor,
)

from derive.notation.primitives import relu

POSITIVE = (
    ("1 + w**2", lambda e: 1 + w**2, ()),
    ("p", lambda e: p, ()),
    ("exp(w)", lambda e: exp(w), ()),
    ("1", lambda e: Integer(1), ()),
)
NONZERO = POSITIVE + (("x", lambda e: x[e], (("x", 1),)),)
HIDDEN = (
    ("relu(w - 3)", relu(w - 3), (("w", 5),)),
    ("[w = 1/3]", Piecewise((1, Eq(w, Rational(1, 3))), (0, True)), (("w", Rational(1, 3)),)),
    ("Max(0, p - 4)", Max(0, p - 4), (("p", 5),)),
    ("(w - 7)[w > 7]", Piecewise((w - 7, w > 7), (0, True)), (("w", 8),)),
    ("|w - 3| - (3 - w)", Abs(w - 3) - (3 - w), (("w", 5),)),
)
SCALES = (Integer(2), p, 1 + w**2, Rational(1, 4), exp(v))
EXTRAS = (w, Sum(y[k], (k, 1, m)), x[1] ** 2, q / 4, Sum(z[k, k], (k, 1, n)))


def vanishing(size):
    """(name, Z, first size where Z is nonzero) for factors zero on the grid of `size`."""
    grid, top = GRIDS[size], max(GRIDS[size])
    first = top + 1
    return (
        ("product", Mul(*(size - value for value in grid)), first),
        ("binomial", binomial(size - 1, top), first),
        ("Max", Max(0, size - top), first),
        ("Piecewise", Piecewise((1, size > top), (0, True)), first),
        ("floor", floor(size / first), first),
        ("delta sum", Sum(KroneckerDelta(k, first), (k, 1, size)), first),
        ("product sum", Sum(Mul(*(k - value for value in grid)), (k, 1, size)), first),
    )


def _spec(base, name, sides, relation=None, false_from=None, witness=()):
    return Spec(
        f"{base.name}; {name}",
        sides,
        relation or base.relation,
        base.lows,
        base.grid,
        base.indices,
        false_from,
        witness,
        base.false_below,
    )


def _difference(draw, base, kind, positive):
    """(name, D(env), false_from, witness) for a perturbation of `kind`."""
    size = base.size or n
    label, factor, witness = draw(st.sampled_from(POSITIVE if positive else NONZERO))
    if kind == "late":
        name, zero, first = draw(st.sampled_from(vanishing(size)))
        return f"+ {name} * {label}", lambda env: zero * factor(1), {size: first}, witness
    if kind == "late sum":
        top = max(GRIDS[size])
        weight = draw(
            st.sampled_from((KroneckerDelta(k, top + 1), Mul(*(k - g for g in GRIDS[size]))))
        )
        total = Sum(weight * factor(k), (k, 1, size))
        return f"+ Σ_k {weight} {label}", lambda env: total, {size: top + 1}, witness
    if kind == "late free" and base.indices:
        free = base.indices[0]
        first = max(GRIDS[n]) + 1
        delta = lambda env: KroneckerDelta(env.index(free), first) * factor(1)  # noqa: E731
        return f"+ δ({free}, {first}) {label}", delta, {n: first}, witness
    if kind == "early":
        return f"+ ({size} - 1) {label}", lambda env: (size - 1) * factor(1), {size: 2}, witness
    if kind == "hidden":
        label, term, witness = draw(st.sampled_from(HIDDEN))
        return f"+ {label}", lambda env: term, {}, witness
    # Times q exp(v), a term no template has: a bare Float would merge with a side's own
    # numbers when SymPy builds the claim (0.25 + 1e-19 is 0.25), before any engine sees it.
    tiny = draw(st.sampled_from(TINY)) * q * exp(v)
    return f"+ {tiny}", lambda env: tiny, {}, ()


def perturbed(draw, base, kind):
    """`base` with a difference on one side: false, unless it lands on an inequality's
    larger side (or on one whose tight point is unknown)."""
    relation, tight = base.relation, base.tight
    if relation == "==" and draw(st.integers(0, 3)) == 0:
        relation, tight = draw(st.sampled_from(("<=", ">="))), {}
    name, difference, false_from, witness = _difference(draw, base, kind, relation != "==")
    on_left = draw(st.booleans()) if tight is not None or relation == "==" else relation == ">="
    smaller = {"==": on_left, "<=": True, ">=": False}[relation]

    def sides(env):
        lhs, rhs = base.sides(env)
        return (lhs + difference(env), rhs) if on_left else (lhs, rhs + difference(env))

    false = relation == "==" or (tight is not None and on_left == smaller)
    where = "lhs" if on_left else "rhs"
    witness = tuple((tight or {}).items()) + witness
    return _spec(base, f"{where} {name}", sides, relation, false_from if false else None, witness)


def scaled(draw, base):
    factor = draw(st.sampled_from(SCALES))

    def sides(env):
        lhs, rhs = base.sides(env)
        return factor * lhs, factor * rhs

    return _spec(
        base, f"both sides * {factor}", sides, false_from=base.false_from, witness=base.witness
    )


def extended(draw, base):
    extra = draw(st.sampled_from(EXTRAS))

    def sides(env):
        lhs, rhs = base.sides(env)
        return lhs + extra, rhs + extra

    return _spec(
        base, f"both sides + {extra}", sides, false_from=base.false_from, witness=base.witness
    )


def vanish_scaled(draw, base):
    """A false claim (made false here if `base` is true) with both sides multiplied by Z."""
    size = base.size or n
    name, zero, first = draw(st.sampled_from(vanishing(size)))
    label, factor, witness = draw(st.sampled_from(NONZERO))
    broken = base.false_from is None

    def sides(env):
        lhs, rhs = base.sides(env)
        return zero * lhs, zero * (rhs + factor(1) if broken else rhs)

    false_from = dict(base.false_from or {})
    false_from[size] = max(first, false_from.get(size, first))
    witness = witness if broken else base.witness
    detail = f"rhs + {label}, both sides * {name}" if broken else f"both sides * {name}"
    return _spec(base, detail, sides, false_from=false_from, witness=witness)


TRUE_MODES = ("as is", "as is", "scaled", "extended")
FALSE_MODES = ("late", "late", "late sum", "late free", "early", "hidden", "tiny", "vanish")
# Grids a claim pins (a statement about those sizes only) or a document declares.
PINNED = ((), (), (), ((n, (1,)),), ((n, (1, 2)),), ((m, (1,)),))
DECLARED = ((), (), (), ((n, (1,)),), ((n, (1, 2)),), ((m, (1,)),))


@st.composite
def specs(draw):
    """One generated claim, with its ground truth."""
    base = draw(st.sampled_from(TEMPLATES))(draw)
    if base.false_below:  # false only at small sizes: a difference could cancel it there
        modes = TRUE_MODES
    elif base.false_from is None:
        modes = TRUE_MODES + FALSE_MODES
    else:
        modes = TRUE_MODES + ("vanish",)
    mode = draw(st.sampled_from(modes))
    if mode == "as is":
        spec = _spec(base, "as is", base.sides, false_from=base.false_from, witness=base.witness)
    elif mode == "scaled":
        spec = scaled(draw, base)
    elif mode == "extended":
        spec = extended(draw, base)
    elif mode == "vanish" and (base.relation == "==" or base.false_from is not None):
        spec = vanish_scaled(draw, base)
    else:
        spec = perturbed(draw, base, mode if mode != "vanish" else "late")
    grid = _from_lows(base.grid or draw(st.sampled_from(PINNED)), dict(spec.lows))
    return dataclasses.replace(spec, grid=grid, doc_grid=draw(st.sampled_from(DECLARED)))


def _from_lows(grid, lows: dict):
    """A pinned grid without the sizes below the claim's lows (a claim's sizes= below its
    low is an input error): those left, else the low alone."""
    kept = []
    for size, values in grid:
        low = lows.get(size, 1)
        kept.append((size, tuple(v for v in values if v >= low) or (low,)))
    return tuple(kept)


def generated(count: int, run_seed: int | None = None) -> list:
    """`count` distinct specs: the same on every run (Hypothesis, derandomized), or with
    `run_seed` the ones that seed draws (a campaign that tries new claims per release)."""
    found = {}

    @settings(
        max_examples=count * 3 // 2,
        derandomize=run_seed is None,
        database=None,
        deadline=None,
        phases=(Phase.generate,),
        suppress_health_check=list(HealthCheck),
    )
    @given(specs())
    def collect(spec):
        key = (str(spec.sides(DOC)), spec.relation, spec.lows, spec.grid, spec.doc_grid)
        if len(found) < count:
            found.setdefault(key, spec)

    if run_seed is not None:
        collect = seed(run_seed)(collect)
    collect()
    return list(found.values())
