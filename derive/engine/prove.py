"""Symbolic proof: normal forms that take lhs - rhs to 0.

A proof found here is a candidate only: `verify` accepts it once a seeded numeric spot check
agrees, and reports a disagreement as an internal error. Every attempt runs under a time
slice, so one slow simplification cannot starve the strategies after it. Sign and region
reasoning lives in `regions`, the normal forms of aggregates in `normal`, induction in
`induction`.
"""

from __future__ import annotations

import functools

import sympy
from sympy.codegen import cfunctions
from sympy.core.function import AppliedUndef

from derive.engine.bounds import split_at_free_indices
from derive.engine.deadline import Deadline, OutOfTime
from derive.engine.indexcalc import (
    canonical_indices,
    collapse_deltas,
    index_zero,
    ranges_proper,
    unify_deltas,
)
from derive.engine.normal import (
    normalize_aggregates,
    split_aggregates,
    split_exp,
)
from derive.engine.regions import (
    case_split,
    is_zero,
    opaque_aggregates,
    sign_steps,
    zero_on_regions,
)
from derive.engine.sumalgebra import piecewise_in_sum, swap_triangles
from derive.engine.terms import (
    AGGREGATES,
    Context,
    NotDerivable,
    concretize,
    evaluate_derivatives,
    side_entries,
    unfold,
)
from derive.notation.array_entries import axis_ranges
from derive.notation.corrections import unresolved
from derive.notation.partials import intermediates
from derive.notation.primitives import deltas_off, elementary

UNFOLD_LEVELS = 3


SIMPLIFY_OPS = 400


SIMPLIFY_SUM_OPS = 40  # an induction step's few terms, not a whole gradient
# factor() takes exp(-1000) as a power of E of degree 1000, and Zassenhaus' factoring of such
# a polynomial spends the claim's time (25 s of a 30 s claim on log(1 + e⁻¹⁰⁰⁰) − …):
# past this degree the factored form is not tried.
FACTOR_DEGREE = 64


def _exp_form(side):
    exponentiated = split_exp(normalize_aggregates(sympy.exp(side)))
    return sympy.expand(split_exp(sympy.expand(exponentiated, power_exp=False)), power_exp=False)


def _log_form(side):
    logged = sympy.expand_log(sympy.log(normalize_aggregates(side)), force=False)
    return sympy.expand(split_exp(logged), power_exp=False, log=True)


def _elementary(expr):
    """`expr` with primitives replaced by their definitions, and the functions defined by
    others by their definitions (see DEFINED), or NaN (which proves nothing) where that would
    leave a Piecewise inside a sum (see sumalgebra.piecewise_in_sum).

    Dirac deltas are read off (primitives.deltas_off)."""
    plain = deltas_off(elementary(expr))
    if plain.has(*DEFINED):
        plain = plain.replace(lambda n: type(n) in DEFINED, lambda n: DEFINED[type(n)](*n.args))
    return sympy.nan if piecewise_in_sum(plain) else plain


# Allowed functions that SymPy defines by others (their _eval_rewrite forms), for the proof
# steps only (evaluation keeps them: 1 - erf(30) needs 400 digits where erfc(30) needs
# none): erfc(x) + erf(x) = 1, log1p(p) = log(1 + p), exp2 and log2 were NUMERIC, and
# erfc(x)·exp(x²) = (1 - erf(x))·exp(x²) ran out of time in the search (helper 149).
DEFINED = {
    sympy.erfc: lambda z: 1 - sympy.erf(z),
    cfunctions.log1p: lambda z: sympy.log(1 + z),
    cfunctions.exp2: lambda z: 2**z,
    cfunctions.log2: lambda z: sympy.log(z) / sympy.log(2),
}


def _triangles_reordered(lhs, rhs) -> bool:
    """Whether lhs - rhs is 0 in sum algebra once one side's triangular double sums take
    the other order of their indices (sumalgebra.swap_triangles); one side at a time, so
    that the two sides' triangles do not each turn into the other's."""
    if not (lhs.has(sympy.Sum) or rhs.has(sympy.Sum)):
        return False
    for left, right in ((swap_triangles(lhs), rhs), (lhs, swap_triangles(rhs))):
        if left == lhs and right == rhs:
            continue
        difference = sympy.expand(normalize_aggregates(left - right), power_exp=False)
        if is_zero(unify_deltas(difference)):
            return True
    return False


def _numerator(expr):
    """The expanded numerator of `expr` over one denominator (sums stay atoms): zero exactly
    when `expr` is zero wherever it is defined."""
    if expr.has(*AGGREGATES):
        return expr  # together() would look inside sums for nothing
    return sympy.expand(sympy.numer(sympy.together(sympy.expand(expr))))


def _small(expr) -> bool:
    # simplify is superlinear, and slower still on sums: past a size it only spends the
    # claim's time; so does one with definitions still folded (a later stage opens them).
    if expr.has(*AGGREGATES):
        return not expr.atoms(AppliedUndef) and sympy.count_ops(expr) <= SIMPLIFY_SUM_OPS
    return sympy.count_ops(expr) <= SIMPLIFY_OPS


def _low_degree(expr) -> bool:
    """Whether every power in `expr`, exp(k) among them, has an exponent whose numeric
    factor is at most FACTOR_DEGREE in size: exp(1000x) is a polynomial of degree 1000 in
    exp(x) to factor(), as exp(-1000) is in e."""
    for power in expr.atoms(sympy.Pow, sympy.exp):
        exponent = power.exp if isinstance(power, sympy.Pow) else power.args[0]
        coefficient = exponent.as_coeff_Mul()[0]
        if abs(coefficient) > FACTOR_DEGREE:
            return False
    return True


def _simplified_in_exp(expr):
    """`expr` rewritten in exp and simplified; NaN (which proves nothing) where that gives an
    exponential of an imaginary multiple of an integer (a symbol, floor(x)...), which SymPy's
    simplify gets wrong: (sin(π(n/3 + 1/2)) - sin(π(n/3 - 1/2))).rewrite(exp) simplifies to 0 for an
    integer n, though it is 2cos(πn/3) (helper 138)."""
    rewritten = expr.rewrite(sympy.exp)
    for power in rewritten.atoms(sympy.exp):
        exponent = power.args[0]
        if exponent.has(sympy.I) and any(
            _integer_valued(n) for n in sympy.preorder_traversal(exponent)
        ):
            return sympy.nan
    return sympy.simplify(rewritten)


def _integer_valued(node) -> bool:
    """Whether `node` is an integer that is not a number: an integer symbol, floor(x)..."""
    return isinstance(node, sympy.Expr) and not node.is_number and node.is_integer is True


def _zero_steps(lhs, rhs, ranges=None) -> list:
    """(name, test) pairs, cheapest first; the claim holds if a test returns True.

    `ranges` maps free indices to their (lo, hi), which index calculus may rely on."""
    lhs, rhs = canonical_indices(lhs), canonical_indices(rhs)
    difference = lhs - rhs
    plain = functools.cache(lambda: _elementary(difference))
    # What SymPy's simplify, factor and rewrites see: sums with symbolic limits opaque.
    opaque = functools.cache(lambda: opaque_aggregates(plain()))
    left = functools.cache(lambda: _elementary(lhs))
    right = functools.cache(lambda: _elementary(rhs))

    def exp_of_both_sides():
        # exp is injective on the reals, so exp(lhs) = exp(rhs) implies lhs = rhs.
        both = left().is_real and right().is_real
        return both and is_zero(_exp_form(left()) - _exp_form(right()))

    def log_of_both_sides():
        # log is injective on the positive reals.
        both = left().is_positive and right().is_positive
        return both and is_zero(_log_form(left()) - _log_form(right()))

    return [
        ("identical", lambda: is_zero(difference)),
        ("expand", lambda: is_zero(unify_deltas(sympy.expand(difference)))),
        (
            "sum algebra",
            # power_exp=False, as inside normalize_aggregates: exp of a Sum stays an exp.
            lambda: is_zero(
                unify_deltas(sympy.expand(normalize_aggregates(difference), power_exp=False))
            ),
        ),
        ("triangular sums reordered", lambda: _triangles_reordered(lhs, rhs)),
        ("index calculus", lambda: index_zero(difference, ranges or {})),
        ("common denominator", lambda: is_zero(_numerator(difference))),
        (
            "expand",
            lambda: is_zero(
                sympy.expand(split_exp(normalize_aggregates(plain())), power_exp=False, log=True)
            ),
        ),
        ("exp of both sides", exp_of_both_sides),
        ("log of both sides", log_of_both_sides),
        ("simplify", lambda: _small(plain()) and is_zero(sympy.simplify(opaque()))),
        (
            "powers",
            lambda: (
                _small(plain())
                and is_zero(sympy.simplify(sympy.powsimp(sympy.expand_power_base(opaque()))))
            ),
        ),
        # A square under a root shows only once factored: sqrt(x² + 2x + 1) = x + 1, x > 0.
        (
            "factored",
            lambda: (
                _small(plain())
                and _low_degree(plain())
                and is_zero(sympy.simplify(sympy.factor(opaque(), deep=True)))
            ),
        ),
        # tanh, sinh, cosh... and the primitives' definitions all in terms of exp: tanh(x) =
        # 2σ(2x) − 1 only shows there.
        (
            "rewritten in exp",
            lambda: _small(plain()) and is_zero(_simplified_in_exp(opaque())),
        ),
        # Abs, Max, Min, Heaviside and sign as Piecewise, folded into one case split whose
        # branches simplify to 0 each.
        ("case split", lambda: _small(plain()) and is_zero(case_split(opaque()))),
        ("case split by regions", lambda: _small(plain()) and zero_on_regions(opaque())),
    ]


def step_names(relation: str) -> list[str]:
    """The names of the normal forms and tests tried on a claim with `relation`, in order."""
    steps = _zero_steps(sympy.S.Zero, sympy.S.Zero) if relation == "==" else sign_steps(0, 0, "<=")
    return list(dict.fromkeys(name for name, _ in steps))


def zero_method(lhs, rhs, relation: str, deadline: Deadline, ranges=None, only=None) -> str | None:
    """The first normal form that proves `lhs relation rhs` entrywise, or None; with `only`,
    just the steps it names."""
    if near_poles(sympy.Tuple(lhs, rhs)) or unresolved(sympy.Tuple(lhs, rhs)) is not None:
        return None
    methods = []
    ranges = {**(ranges or {}), **axis_ranges(lhs)}
    for _, left, right in side_entries(sympy.sympify(lhs), sympy.sympify(rhs)):
        method = _entry_method(left, right, relation, deadline, ranges, only)
        if method is None:
            return None
        methods.append(method)
    return max(set(methods), key=methods.count) if methods else "identical"


def _entry_method(lhs, rhs, relation, deadline, ranges=None, only=None):
    if not _integer_deltas(lhs) or not _integer_deltas(rhs):
        return None
    equal = relation == "=="
    steps = _zero_steps(lhs, rhs, ranges) if equal else sign_steps(lhs, rhs, relation)
    for name, test in steps:
        if only is not None and name not in only:
            continue
        try:
            with deadline.slice():
                if test() is True:
                    return name
        except OutOfTime:
            if deadline.spent():
                raise
        except Exception:  # noqa: BLE001 - a normal form SymPy crashes in proves nothing
            continue
    return None


def _integer_deltas(expr, bound: frozenset = frozenset()) -> bool:
    """Whether every Kronecker delta in `expr` compares integers, and pins each index a sum
    or product around it binds with a step of one. SymPy sums δ(j, m) out as if m were an
    integer (Σ_{j=1}^{2} δ(j, 3/2) becomes 1), and δ(c·j, m) as if c divided m (Σ_{j=1}^{n}
    δ(17 j, n) became [n ≥ 17], 0 at n = 18; products alike), so a claim with such a delta
    gets no symbolic proof; its exact instances still may."""
    expr = sympy.sympify(expr)
    if isinstance(expr, sympy.KroneckerDelta):
        gap = sympy.expand(expr.args[0] - expr.args[1])
        return gap.is_integer is True and all(_unit_step(gap, v) for v in gap.free_symbols & bound)
    if isinstance(expr, (sympy.Sum, sympy.Product)):
        inner = bound | {limit[0] for limit in expr.limits}
        ends = [end for limit in expr.limits for end in limit[1:]]
        return _integer_deltas(expr.function, inner) and all(
            _integer_deltas(end, bound) for end in ends
        )
    return all(_integer_deltas(arg, bound) for arg in expr.args if isinstance(arg, sympy.Basic))


def _unit_step(gap, index) -> bool:
    """Whether `gap` is ±index plus terms free of index."""
    slope = sympy.diff(gap, index)
    return slope in (1, -1) and not sympy.expand(gap - slope * index).has(index)


def generic_method(ctx: Context, lhs, rhs, relation, lows, deadline) -> str | None:
    """Prove the claim with its sizes symbolic: with definitions folded, then unfolded in
    stages (an identity of folded terms holds whatever values they take), then completely.

    The stages: everything but the intermediates the claim differentiates by, then one
    level at a time. Derivatives are always taken with their argument unfolded (see
    terms.evaluate_derivatives); nothing else here ever sees a Derivative, so SymPy cannot
    silently differentiate an opaque definition to 0.
    """
    try:
        with deadline.slice():
            derived = [evaluate_derivatives(ctx, side, lows) for side in (lhs, rhs)]
            folded = [concretize(ctx, side, {}, lows) for side in derived]
            if not _proper(ctx, folded, lows):
                return None
    except (NotDerivable, OutOfTime):
        return None
    stages = _stages(ctx, sympy.Tuple(lhs, rhs))
    sides, level = folded, 0
    for only, rounds in stages:
        if rounds != 0:
            try:
                with deadline.slice():
                    base = folded if only is not None else sides
                    deeper = [_unfolded(ctx, s, lows, only, rounds) for s in base]
            except OutOfTime:
                return None
            if None in deeper:
                return None  # a range that can be reversed: no stage from here on may prove
            if deeper == sides:
                continue
            sides, level = deeper, level + 1
        if rounds is not None and _lopsided(ctx, sides):
            continue  # one side fully unfolded, the other not: they cannot match yet
        method = _attempt(ctx, sides, relation, lows, deadline)
        if method:
            return method + _unfolding(ctx, sides, level)
    return None if relation == "==" else _split_attempt(ctx, sides, relation, deadline)


def near_poles(expr) -> bool:
    """Whether `expr` holds a binomial, factorial or gamma whose argument may be an integer
    at or below 0, where SymPy's rewrites of them (through gamma's poles) fail: simplify
    takes binomial(k - 20, k - 18) to 0, but it is -1 at k = 19. Such a claim is decided
    by evaluation only."""
    for node in sympy.preorder_traversal(expr):
        if isinstance(node, (sympy.binomial, sympy.factorial)):
            safe = [node.args[0].is_nonnegative]  # a nonnegative top, or argument
        elif isinstance(node, _POLES):
            safe = [a.is_positive for a in node.args]
        else:
            continue
        if any(not ok and a.is_integer is not False for ok, a in zip(safe, node.args)):
            return True
    return False


# Rewritten through gamma, whose poles are the integers at or below 0.
_POLES = (sympy.gamma, sympy.RisingFactorial, sympy.FallingFactorial)


def _stages(ctx: Context, claim) -> list:
    """(only, rounds) per unfolding stage: folded; all but the intermediates the claim
    differentiates by; one more level at a time; everything."""
    cut = _differentiated_by(ctx, claim)
    stages = [(None, 0)] + ([(set(ctx.definitions) - cut, None)] if cut else [])
    return stages + [(None, 1)] * UNFOLD_LEVELS + [(None, None)]


def _lopsided(ctx: Context, sides) -> bool:
    folded = [any(a.func in ctx.definitions for a in s.atoms(AppliedUndef)) for s in sides]
    return folded[0] != folded[1]


def _differentiated_by(ctx: Context, expr) -> set:
    found = set()
    for node in sympy.preorder_traversal(expr):
        if isinstance(node, sympy.Derivative):
            found |= intermediates(node, ctx.definitions)
    return found


def _unfolded(ctx: Context, side, lows, only, rounds):
    """`side` unfolded as the stage says, or None if a range in it can be reversed."""
    opened = concretize(ctx, unfold(ctx, side, lows, only=only, rounds=rounds), {}, lows)
    return opened if _proper(ctx, (opened,), lows) else None


def _proper(ctx: Context, sides, lows) -> bool:
    """Whether no range in `sides` can be reversed by more than one: there Karr's convention,
    which the normal forms follow, and the engine's empty reading agree."""
    return all(ranges_proper(side, ctx.ranges, lows) for side in sides)


def _attempt(ctx: Context, sides, relation, lows, deadline) -> str | None:
    try:
        with deadline.slice():
            prepared = [_collapsed(ctx, side, lows) for side in sides]
    except OutOfTime:
        return None
    if any(map(piecewise_in_sum, prepared)):
        return None
    method = zero_method(*prepared, relation, deadline, ctx.ranges)
    if method is None and relation == "==" and not any(map(piecewise_in_sum, sides)):
        # Collapsing expands everything, a power of a sum in a denominator included (A^{3/2}
        # becomes A·√A, a sum of terms); index calculus sums deltas out itself.
        method = zero_method(*sides, relation, deadline, ctx.ranges, only=("index calculus",))
    return method


def _split_attempt(ctx: Context, sides, relation, deadline) -> str | None:
    """An inequality between sums whose terms compare only apart from the free index."""
    split = [split_at_free_indices(side, ctx.ranges) for side in sides]
    if split == sides or not all(ranges_proper(side, ctx.ranges) for side in sides):
        return None
    method = zero_method(*split, relation, deadline, ctx.ranges)
    return f"{method}, sums split at the free index" if method else None


def _unfolding(ctx: Context, sides, level: int) -> str:
    if level == 0:
        return ""
    if any(a.func in ctx.definitions for s in sides for a in s.atoms(AppliedUndef)):
        return ", definitions partly unfolded"
    return ", definitions unfolded"


def _substituted_out(side):
    """`side` with each Subs carried out whose expression holds no derivative (those are
    read at their points by the derivative and kink machinery) and no definition that the
    substitution would have to reach (corrections: Subs.doit keeps those while the engine
    works): Subs(x·y + x², y, 2) = x² + 2x had no strategy that looked inside."""
    return side.replace(
        lambda node: isinstance(node, sympy.Subs) and not node.expr.has(sympy.Derivative),
        lambda node: node.doit(deep=False),
    )


def _collapsed(ctx: Context, side, lows):
    """`side` with Kronecker deltas summed out where the index ranges allow it (twice: the
    first pass and the split into monomial sums each expose deltas for the other)."""
    ranges = {i: (lo, hi) for i, (lo, hi) in ctx.ranges.items()}
    once = collapse_deltas(_substituted_out(side), ranges, lows)
    if not once.has(sympy.KroneckerDelta):
        return once
    return collapse_deltas(split_aggregates(once), ranges, lows)
