"""Symbolic proof: normal forms that take lhs - rhs to 0, and induction over a size.

A proof found here is a candidate only: `verify` accepts it once a seeded numeric spot check
agrees, and reports a disagreement as an internal error. Every attempt runs under a time
slice, so one slow simplification cannot starve the strategies after it.
"""

from __future__ import annotations

import contextlib
import functools
import signal
import time

import sympy
from sympy import Product, Sum
from sympy.core.function import AppliedUndef

from derive.aggregates import SetSum, SubsetSum
from derive.arrays import has_arrays
from derive.bounds import split_at_free_indices
from derive.indexform import index_zero
from derive.primitives import elementary
from derive.terms import (
    AGGREGATES,
    Context,
    NotDerivable,
    concretize,
    evaluate_derivatives,
    side_entries,
    unfold,
)

SLICE_SECONDS = 8.0


class OutOfTime(Exception):
    """A time slice ran out."""


class Deadline:
    """The time left for one claim. `guard` enforces it everywhere; `slice` gives one attempt
    a shorter alarm, after which the guard's alarm is re-armed."""

    def __init__(self, seconds: float):
        self.end = time.monotonic() + seconds
        self.guarded = False

    def remaining(self) -> float:
        return self.end - time.monotonic()

    def _expire(self, signum, frame):
        if self.guarded and self.remaining() <= 0:
            # Keep firing until the guard exits, so no caller can swallow the deadline.
            signal.setitimer(signal.ITIMER_REAL, 0.1)
        raise OutOfTime()

    def _arm(self, seconds: float) -> None:
        signal.setitimer(signal.ITIMER_REAL, max(seconds, 0.01))

    @contextlib.contextmanager
    def guard(self):
        previous = signal.signal(signal.SIGALRM, self._expire)
        self.guarded = True
        self._arm(self.remaining())
        try:
            yield self
        finally:
            self.guarded = False
            signal.setitimer(signal.ITIMER_REAL, 0)
            signal.signal(signal.SIGALRM, previous)

    @contextlib.contextmanager
    def slice(self, seconds: float = SLICE_SECONDS):
        budget = min(seconds, self.remaining())
        if budget <= 0.05:
            raise OutOfTime()
        previous = signal.signal(signal.SIGALRM, self._expire)
        self._arm(budget)
        try:
            yield
        finally:
            if self.guarded:
                self._arm(self.remaining())
            else:
                signal.setitimer(signal.ITIMER_REAL, 0)
            signal.signal(signal.SIGALRM, previous)


def _exp_form(side):
    exponentiated = split_exp(normalize_aggregates(sympy.exp(side)))
    return sympy.expand(split_exp(sympy.expand(exponentiated, power_exp=False)), power_exp=False)


def _log_form(side):
    logged = sympy.expand_log(sympy.log(normalize_aggregates(side)), force=False)
    return sympy.expand(split_exp(logged), power_exp=False, log=True)


def split_exp(expr):
    """exp(a + b) -> exp(a)*exp(b), leaving exp of a Sum alone (SymPy's expand would turn it
    into a Product, which the other side of a claim rarely matches)."""
    return expr.replace(
        lambda n: isinstance(n, sympy.exp) and n.args[0].is_Add,
        lambda n: sympy.Mul(*(sympy.exp(t) for t in n.args[0].args)),
    )


def _is_zero(expr) -> bool:
    # Structural: only an expression that has become the number 0 counts.
    return sympy.sympify(expr) == sympy.S.Zero


def _zero_steps(lhs, rhs, ranges=None) -> list:
    """(name, test) pairs, cheapest first; the claim holds if a test returns True.

    `ranges` maps free indices to their (lo, hi), which index calculus may rely on."""
    lhs, rhs = canonical_indices(lhs), canonical_indices(rhs)
    difference = lhs - rhs
    plain = functools.cache(lambda: elementary(difference))
    left = functools.cache(lambda: elementary(lhs))
    right = functools.cache(lambda: elementary(rhs))

    def exp_of_both_sides():
        # exp is injective on the reals, so exp(lhs) = exp(rhs) implies lhs = rhs.
        both = left().is_real and right().is_real
        return both and _is_zero(_exp_form(left()) - _exp_form(right()))

    def log_of_both_sides():
        # log is injective on the positive reals.
        both = left().is_positive and right().is_positive
        return both and _is_zero(_log_form(left()) - _log_form(right()))

    return [
        ("identical", lambda: _is_zero(difference)),
        ("expand", lambda: _is_zero(sympy.expand(difference))),
        ("sum algebra", lambda: _is_zero(sympy.expand(normalize_aggregates(difference)))),
        ("index calculus", lambda: index_zero(difference, ranges or {})),
        (
            "expand",
            lambda: _is_zero(
                sympy.expand(split_exp(normalize_aggregates(plain())), power_exp=False, log=True)
            ),
        ),
        ("exp of both sides", exp_of_both_sides),
        ("log of both sides", log_of_both_sides),
        ("simplify", lambda: _is_zero(sympy.simplify(plain()))),
        (
            "powers",
            lambda: _is_zero(sympy.simplify(sympy.powsimp(sympy.expand_power_base(plain())))),
        ),
    ]


def _sign_steps(lhs, rhs, relation) -> list:
    """(name, test) pairs for an inequality; a test proves it only by returning True."""
    gap = functools.cache(lambda: elementary(rhs - lhs if relation in ("<=", "<") else lhs - rhs))
    test = "is_nonnegative" if relation in ("<=", ">=") else "is_positive"
    return [
        ("sign", lambda: getattr(gap(), test) is True),
        ("sign after simplify", lambda: getattr(sympy.simplify(gap()), test) is True),
        # A factored form shows squares and sums of positive terms, whose signs SymPy knows.
        ("sign after factor", lambda: getattr(sympy.factor(gap()), test) is True),
    ]


def zero_method(lhs, rhs, relation: str, deadline: Deadline, ranges=None) -> str | None:
    """The first normal form that proves `lhs relation rhs` entrywise, or None."""
    methods = []
    for _, left, right in side_entries(sympy.sympify(lhs), sympy.sympify(rhs)):
        method = _entry_method(left, right, relation, deadline, ranges)
        if method is None:
            return None
        methods.append(method)
    return max(set(methods), key=methods.count) if methods else "identical"


def _entry_method(lhs, rhs, relation, deadline, ranges=None):
    equal = relation == "=="
    steps = _zero_steps(lhs, rhs, ranges) if equal else _sign_steps(lhs, rhs, relation)
    for name, test in steps:
        try:
            with deadline.slice():
                if test() is True:
                    return name
        except OutOfTime:
            if deadline.remaining() <= 0.05:
                raise
    return None


def generic_method(ctx: Context, lhs, rhs, relation, lows, deadline) -> str | None:
    """Prove the claim with its sizes symbolic: first with definitions folded, then unfolded.

    Derivatives are always taken with their argument unfolded (see terms.evaluate_derivatives);
    nothing else here ever sees a Derivative, so SymPy cannot silently differentiate an
    opaque definition to 0.
    """
    try:
        with deadline.slice():
            folded = [
                concretize(ctx, evaluate_derivatives(ctx, side, lows), {}, lows)
                for side in (lhs, rhs)
            ]
    except (NotDerivable, OutOfTime):
        return None
    method = zero_method(*folded, relation, deadline, ctx.ranges)
    if method:
        return method
    try:
        with deadline.slice():
            unfolded = [
                concretize(ctx, evaluate_derivatives(ctx, unfold(ctx, side, lows), lows), {}, lows)
                for side in (lhs, rhs)
            ]
    except (NotDerivable, OutOfTime):
        return None
    method = zero_method(*unfolded, relation, deadline, ctx.ranges)
    if method or relation == "==":
        return f"{method}, definitions unfolded" if method else None
    split = [split_at_free_indices(side, ctx.ranges) for side in unfolded]
    if split == unfolded:
        return None
    method = zero_method(*split, relation, deadline, ctx.ranges)
    return f"{method}, sums split at the free index" if method else None


def normalize_aggregates(expr):
    """Split sums and products over their terms and factors, pull out constant factors, and
    give bound indices canonical names (so Σ_k f(k) and Σ_j f(j) become the same object)."""
    for _ in range(6):
        normal = expr.replace(lambda n: isinstance(n, AGGREGATES), _normalize_one)
        if normal == expr:
            break
        expr = normal
    return canonical_indices(expr)


def _bound(depth: int) -> sympy.Symbol:
    return sympy.Symbol(f"ι{depth}", integer=True)


def canonical_indices(expr, depth: int = 0):
    """Rename the bound index of every Sum, Product and SetSum after its nesting depth."""
    if not isinstance(expr, sympy.Basic) or not expr.args:
        return expr
    if isinstance(expr, (Sum, Product)):
        body, limits = expr.function, []
        for index, lo, hi in expr.limits:
            fresh = _bound(depth)
            body = body.xreplace({index: fresh})
            limits.append((fresh, lo, hi))
            depth += 1
        return expr.func(canonical_indices(body, depth), *limits)
    if isinstance(expr, SetSum):
        fresh = _bound(depth)
        body = canonical_indices(expr.summand.xreplace({expr.index: fresh}), depth + 1)
        return SetSum(body, fresh, expr.set)
    return expr.func(*(canonical_indices(arg, depth) for arg in expr.args))


def _normalize_one(node):
    if isinstance(node, SubsetSum):
        depends = lambda t: t.has(node.set)  # noqa: E731
        rebuild = lambda body: SubsetSum(body, node.set, node.lo, node.hi)  # noqa: E731
        return _split(
            sympy.expand(split_exp(node.body), power_exp=False), depends, rebuild, sympy.Add
        )
    if len(node.limits) > 1:
        inner = node.func(node.function, node.limits[0])
        return node.func(inner, *node.limits[1:])
    index, lo, hi = node.limits[0]
    depends = lambda t: t.has(index)  # noqa: E731
    rebuild = lambda body: node.func(body, (index, lo, hi))  # noqa: E731
    if isinstance(node, Sum):
        return _split(sympy.expand(node.function), depends, rebuild, sympy.Add)
    return _split_product(node.function, depends, rebuild, hi - lo + 1)


def _split(body, depends, rebuild, add):
    total = []
    for term in sympy.Add.make_args(body):
        constant = [f for f in sympy.Mul.make_args(term) if not depends(f)]
        varying = [f for f in sympy.Mul.make_args(term) if depends(f)]
        total.append(sympy.Mul(*constant) * rebuild(sympy.Mul(*varying)))
    return add(*total)


def _split_product(body, depends, rebuild, count):
    factors = sympy.Mul.make_args(body)
    constant = sympy.Mul(*[f for f in factors if not depends(f)])
    varying = [rebuild(f) for f in factors if depends(f)]
    return constant**count * sympy.Mul(*varying)


def induction_sizes(ctx: Context, lhs, rhs) -> list:
    """Sizes that bound an aggregate or index a recurrence in the claim."""
    if has_arrays(lhs) or has_arrays(rhs):
        return []  # the step abstracts aggregates as scalar unknowns, which arrays are not
    found = set()
    for node in sympy.preorder_traversal(sympy.Tuple(lhs, rhs)):
        if isinstance(node, (Sum, Product)):
            found |= set().union(*(hi.free_symbols for _, _, hi in node.limits))
        elif isinstance(node, SubsetSum):
            found |= node.hi.free_symbols
        elif isinstance(node, AppliedUndef) and node.func in ctx.definitions:
            if ctx.definitions[node.func].is_recurrence:
                found |= node.args[0].free_symbols
    return sorted(found & set(ctx.grids), key=str)
