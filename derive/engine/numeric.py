"""Seeded sampling and 50-digit evaluation: the engine's numeric evidence.

Agreement at points is evidence, never proof. A disagreement is a candidate counterexample
until `falsify` confirms it with exact arithmetic. Points are rationals drawn from each
atom's domain, so the same point can be re-evaluated exactly.
"""

from __future__ import annotations

import functools
import inspect
import random
import zlib
from collections.abc import Callable
from dataclasses import dataclass

import mpmath
import sympy
from sympy import Indexed, Interval, Rational
from sympy.printing.pycode import MpmathPrinter

from derive.engine.terms import Context, Instance
from derive.notation.primitives import MAX_TERMS, PRIMITIVES, sifting_undefined

DPS = 50
RECHECK_DPS = 150
TOLERANCE = mpmath.mpf(10) ** -30
POINT_DENOMINATOR = 2**12
REAL_DOMAIN = Interval(-2, 2)
POSITIVE_DOMAIN = Interval(Rational(1, 8), 3)
NONNEGATIVE_DOMAIN = Interval(0, 3)
WINDOW = 4  # the width sampled next to the finite end of a half-line domain

AGREE, DIFFER, UNDEFINED = "agree", "differ", "undefined"
# Whether lhs - rhs = gap satisfies the relation, decided exactly (no tolerance).
RELATION_HOLDS = {
    "==": lambda gap: gap == 0,
    "<=": lambda gap: gap <= 0,
    "<": lambda gap: gap < 0,
    ">=": lambda gap: gap >= 0,
    ">": lambda gap: gap > 0,
}


def rng_for(*keys: str) -> random.Random:
    """A random generator seeded by `keys`, identical across runs and hash seeds."""
    return random.Random(zlib.crc32("\x1f".join(keys).encode()))


def domain_of(ctx: Context, atom) -> Interval:
    """The interval points are drawn from for `atom` (declared, else from assumptions)."""
    label = atom.base.label if isinstance(atom, Indexed) else atom
    for candidate in (atom, label, ctx.tensors.get(label)):
        if candidate is not None and candidate in ctx.domains:
            return ctx.domains[candidate]
    if atom.is_positive:
        return POSITIVE_DOMAIN
    if atom.is_nonnegative:
        return NONNEGATIVE_DOMAIN
    return REAL_DOMAIN


def draw(domain: Interval, rng: random.Random) -> Rational:
    """A rational inside `domain`, away from its open ends (the ends may be irrational); an
    infinite end is drawn as if at the finite one ± 4 (large values are the counterexample
    search's to try)."""
    if domain.inf.is_infinite or domain.sup.is_infinite:
        if domain.inf.is_infinite and domain.sup.is_infinite:
            domain = REAL_DOMAIN
        elif domain.sup.is_infinite:
            domain = Interval(domain.inf, domain.inf + WINDOW, domain.left_open)
        else:
            domain = Interval(domain.sup - WINDOW, domain.sup, False, domain.right_open)
    lo, hi = _on_grid(domain.inf, up=True), _on_grid(domain.sup, up=False)
    if hi - lo < 2:
        # Narrower than the grid of points: its midpoint, made rational with digits enough
        # to stay inside (√2 + 10⁻³⁰/2 to 15 digits lies outside (√2, √2 + 10⁻³⁰)).
        middle = (domain.inf + domain.sup) / 2
        width = domain.sup - domain.inf
        digits = 15 + max(0, int(-sympy.log(width, 10).evalf(15))) if width.is_positive else 15
        middle = middle if middle.is_Rational else Rational(str(middle.evalf(digits + 5)))
        return middle if domain.contains(middle) is sympy.true else Rational(lo, POINT_DENOMINATOR)
    return Rational(rng.randint(int(lo) + 1, int(hi) - 1), POINT_DENOMINATOR)


def _on_grid(end, up: bool) -> int:
    """The grid point (in units of 1/POINT_DENOMINATOR) at `end` or next inside it: the
    ceiling (`up`) or the floor of end·POINT_DENOMINATOR. An end SymPy cannot round (exp(1000):
    its floor needs 440 digits) is truncated from 30 digits past its point, two steps inside."""
    scaled = end * POINT_DENOMINATOR
    try:
        return int(sympy.ceiling(scaled) if up else sympy.floor(scaled))
    except (sympy.core.evalf.PrecisionExhausted, TypeError):  # TypeError: a floor kept
        magnitude = max(int(sympy.log(abs(scaled), 10).evalf(15)), 0)
        truncated = int(scaled.evalf(magnitude + 30))
        return truncated + 2 if up else truncated - 2


# Assumptions of an atom that a value can contradict (SymPy uses every one of them while it
# builds an expression: (-1)**k is -1 for an odd k, floor(q) < q for an irrational q).
_FACTS = (
    "integer",
    "nonzero",
    "zero",
    "positive",
    "negative",
    "nonnegative",
    "nonpositive",
    "even",
    "odd",
    "prime",
    "composite",
    "rational",
    "irrational",
    "noninteger",
    "algebraic",
    "transcendental",
)


def admissible(atom, value) -> bool:
    """Whether `atom` may take `value`: a rational (points are evaluated exactly) that its
    assumptions allow (see allowed)."""
    return bool(value.is_Rational) and allowed(atom, value)


def allowed(atom, value) -> bool:
    """Whether `atom`'s assumptions allow the exact number `value`: an integer for an integer
    atom, not 0 for a nonzero one, an odd number for an odd one; no rational for an
    irrational one, no algebraic number (√2) for a transcendental one. A fact the atom has
    must be known of the value: SymPy cannot tell whether log(3)/log(2) is an integer, and
    an integer atom was refuted there (helper 116)."""
    for fact in _FACTS:
        declared = getattr(atom, f"is_{fact}")
        if declared is True and getattr(value, f"is_{fact}") is not True:
            return False
        if declared is False and getattr(value, f"is_{fact}") is not False:
            return False
    return True


def sample(ctx: Context, atoms, rng: random.Random) -> dict:
    """A seeded point: each atom drawn from its domain (integers for integer atoms)."""
    point = {}
    for atom in atoms:
        domain = domain_of(ctx, atom)
        point[atom] = admitted(atom, draw(domain, rng), domain)
    return point


def admitted(atom, value, domain):
    """`value` made a value `atom` may take inside `domain`: an integer atom's nearest
    integer there, a nonzero atom's nearest nonzero value; `value` itself when there is
    none (the point is then dropped: see in_domain)."""
    if atom.is_integer:
        # The nearest integers first, then a little further (an odd, even or prime atom).
        low = sympy.floor(value)
        for step in (0, 1, -1, 2, -2, 3, -3, 4, -4, 5, -5, 6, -6):
            candidate = low + step
            if domain.contains(candidate) is sympy.true and admissible(atom, Rational(candidate)):
                return Rational(candidate)
        value = Rational(low)
    elif atom.is_noninteger and value.is_Integer:
        value += Rational(1, POINT_DENOMINATOR)
    if value == 0 and atom.is_nonzero:
        steps = (1, -1) if atom.is_integer else (Rational(1, POINT_DENOMINATOR),)
        for step in steps:
            if domain.contains(step) is sympy.true:
                return Rational(step)
    return value


class NotEvaluable(Exception):
    """A claim holds something with no numeric meaning here (a function SymPy cannot print
    for mpmath, a user's own Function class...)."""


# What evaluating a compiled instance raises where a side has no value at the point; also
# mpmath's atan2 of complex values (AttributeError: no _mpf_) and its fmod of one (it recurses).
NO_VALUE = (
    ZeroDivisionError,
    ValueError,
    OverflowError,
    TypeError,
    ArithmeticError,
    AttributeError,
    RecursionError,
    # mpmath's exp(exp(10³⁰)) asks for a number with more digits than memory holds, and
    # fails at once: no value there (helper 148: it was an internal error).
    MemoryError,
)


@dataclass(frozen=True)
class Compiled:
    """An instance compiled to one mpmath function of its atoms' values."""

    instance: Instance
    function: Callable
    relation: str

    def evaluate(self, point: dict, dps: int = DPS) -> list[tuple]:
        """Each entry's (label, lhs value, rhs value) at `point`, with `dps` digits."""
        with mpmath.workdps(dps):
            try:
                values = self.function(
                    *(mpmath.mpf(point[a].p) / point[a].q for a in self.instance.atoms)
                )
            except NameError as problem:
                raise NotEvaluable(f"{problem} (it has no numeric definition)") from None
        pairs = zip(values[0::2], values[1::2])
        return [
            (label, left, right)
            for (label, _, _), (left, right) in zip(self.instance.entries, pairs)
        ]

    def outcome(self, point: dict, dps: int = DPS, tolerance=TOLERANCE) -> str:
        """AGREE, DIFFER, or UNDEFINED (a side is not a finite real number at `point`)."""
        try:
            values = self.evaluate(point, dps)
        except NO_VALUE:
            return UNDEFINED
        outcomes = {
            compare(left, right, self.relation, tolerance, dps) for _, left, right in values
        }
        if DIFFER in outcomes and dps < RECHECK_DPS:
            # Cancellation can eat 50 digits of a true identity: say DIFFER only if the
            # sides still differ with three times the digits.
            return self.outcome(point, RECHECK_DPS, tolerance)
        return DIFFER if DIFFER in outcomes else (UNDEFINED if UNDEFINED in outcomes else AGREE)


@functools.cache
def _primitive_functions() -> dict:
    """Each primitive as an mpmath function of its elementary definition."""
    functions = {}
    for name, entry in PRIMITIVES.items():
        # The definition's own parameters give the arity (nargs may be unbounded).
        args = sympy.symbols(f"x0:{len(inspect.signature(entry.definition).parameters)}")
        functions[name] = sympy.lambdify(args, entry.definition(*args), modules="mpmath")
    return functions


def argument_symbols(count: int) -> list[sympy.Symbol]:
    """Plain symbols to lambdify over. Not Dummy: lambdify re-substitutes every Dummy
    argument through the whole expression, one pass per argument."""
    return [sympy.Symbol(f"_a{k}") for k in range(count)]


def _nan_for_zoo(expr):
    """`expr` with zoo (1/0, or SymPy's 0**(-o) = zoo**o) as NaN, which mpmath can print: the
    side is undefined there. Where SymPy cannot build the result (Max(nan, x) raises: NaN
    is not comparable), the whole side is NaN."""
    try:
        return expr.xreplace({sympy.zoo: sympy.nan})
    except (ValueError, TypeError):
        return sympy.nan


def compile_instance(instance: Instance, relation: str) -> Compiled:
    """Lambdify every entry of `instance` (primitives evaluated by their definitions)."""
    dummies = argument_symbols(len(instance.atoms))
    swap = dict(zip(instance.atoms, dummies))
    exprs = [
        pointwise(_nan_for_zoo(e.xreplace(swap)))
        for _, left, right in instance.entries
        for e in (left, right)
    ]
    # Common subexpressions (a softmax denominator, say) are computed once: much smaller
    # generated code, and much faster to build and to evaluate.
    functions = {
        **_primitive_functions(),
        "_derive_range": _index_range,
        "_derive_cuts": _cuts,
        "exp2": lambda v: mpmath.power(2, v),  # SymPy prints it by name; mpmath has none
        "polygamma": _polygamma,
        "binomial": _binomial,
    }
    # As lambdify sets up its own printer, with the names of `functions` left unqualified.
    printer = _Printer(
        {
            "fully_qualified_modules": False,
            "inline": True,
            "allow_unknown_functions": True,
            "user_functions": {name: name for name in functions},
        }
    )
    # Not where a Σ, Π or ∫ is left (a range ending at an integer input, an integral): SymPy's
    # cse ignores binders and would move a term of the summand (x0 = i*x) out of the loop
    # over i, or of an integrand out of its lambda ("name 't' is not defined").
    looped = any(e.has(sympy.Sum, sympy.Product, sympy.Integral) for e in exprs)
    try:
        function = sympy.lambdify(
            dummies, exprs, modules=[functions, "mpmath"], cse=not looped, printer=printer
        )
    except (NotImplementedError, NameError, SyntaxError, ValueError, KeyError) as problem:
        # SymPy's printers raise these for what mpmath has no function for (ValueError: a
        # Derivative it cannot take, of Mod; KeyError: zoo, from binomial(-1, x) printed
        # through gamma).
        first = (
            str(problem).strip().splitlines()[0] if str(problem).strip() else type(problem).__name__
        )
        left = [d for e in exprs for d in e.atoms(sympy.Derivative)]
        if left:  # SymPy has no rule for it (∂floor(x)/∂x, ∂Mod(x, 3)/∂x): say so
            what = left[0].expr.func.__name__
            first = f"SymPy leaves a derivative of {what} unevaluated (it has no rule for it)"
        raise NotEvaluable(first) from None
    return Compiled(instance, function, relation)


def _binomial(n, k):
    """SymPy's binomial(n, k) in mpmath: 0 for an integer k < 0, and for integers 0 ≤ n < k;
    the falling factorial's for any other integer k; else Γ(n + 1)/(Γ(k + 1)Γ(n − k + 1)),
    undefined at its poles. Printed through Γ alone, binomial(999, ℓ) had no value at an
    integer ℓ ≥ 1000, where it is 0 (helper 139: binomial(999, ℓ) + δ(ℓ, 2000) =
    binomial(999, ℓ) was NUMERIC); mpmath's binomial alone takes limits where SymPy's is 0
    (binomial(-3, -5): 6)."""
    if mpmath.isint(k):
        if k < 0 or (mpmath.isint(n) and 0 <= n < k):
            return mpmath.mpf(0)
        return mpmath.binomial(n, k)
    return mpmath.gamma(n + 1) / (mpmath.gamma(k + 1) * mpmath.gamma(n - k + 1))


def _polygamma(order, value):
    """ψ⁽ᵐ⁾(z) for a whole order m ≥ 0. mpmath's truncates any other order (at 1/2 it gave
    the digamma, where SymPy's generalized polygamma is another function, helper 111): no
    value there, rather than a wrong one."""
    if order < 0 or order != mpmath.floor(order):
        raise ValueError(f"polygamma of order {order} is not evaluated")
    return mpmath.psi(int(order), value)


def _index_range(low, high):
    """The indices of Σ_{i=low}^{high} as mpmath numbers, for a sum whose limits are values
    of the point (an integer input: Σ_{i=q}^{3}): from ⌈low⌉ to ⌊high⌋, none where high <
    low (a reversed range is empty, README: Conventions); a range of MAX_TERMS terms or more
    leaves the point undefined. SymPy's printer passes the limits to range(), which takes
    no mpf, and gives the index as a Python int (1/i a double)."""
    if not (mpmath.isfinite(low) and mpmath.isfinite(high)):
        raise ValueError("an infinite range is not evaluated")
    first, last = int(mpmath.ceil(low)), int(mpmath.floor(high))
    if last - first >= MAX_TERMS:
        raise ValueError(f"a sum of {last - first + 1} terms is not evaluated")
    return (mpmath.mpf(k) for k in range(first, last + 1))


def _cuts(low, high, *points):
    """The interval from `low` to `high` as mpmath.quad takes it, split at the `points`
    inside it (where the integrand branches or kinks: quadrature across a kink is off by
    far more than the comparison's tolerance). A reversed interval keeps its direction; a
    complex point (a root ±√θ for θ < 0) is no cut."""
    real = [p.real for p in map(mpmath.mpmathify, points) if mpmath.im(p) == 0]
    inside = sorted(p for p in real if min(low, high) < p < max(low, high))
    return [low, *(inside if low <= high else inside[::-1]), high]


def _edges_in(expr, t) -> list:
    """Where `expr` may branch or kink as t varies, as expressions free of t: the roots in t
    of its switches (falsify.switches: Piecewise conditions, arguments of Abs, sign,
    Heaviside, ties of Max and Min, a primitive's kink...) that are at most quadratic in t."""
    from derive.engine.falsify import switches  # falsify builds on this module

    found = []
    for zero in switches(expr, poles=False):
        if zero.has(t) and zero.is_polynomial(t) and sympy.degree(zero, t) <= 2:
            found += [root for root in sympy.solve(zero, t) if not root.has(sympy.I)]
    return list(dict.fromkeys(found))


class _Printer(MpmathPrinter):
    """mpmath code whose sums and products run over _index_range, and whose integrals are
    split where their integrands branch or kink."""

    def _print_Integral(self, expr):
        if len(expr.limits) != 1 or len(expr.limits[0]) != 3:
            return super()._print_Integral(expr)
        t, low, high = expr.limits[0]
        try:
            edges = _edges_in(expr.function, t)
        except (NotImplementedError, ValueError, TypeError, sympy.PolynomialError):
            edges = []
        if not edges:
            return super()._print_Integral(expr)
        quad = self._module_format("mpmath.quad")
        ends = ", ".join(self._print(e) for e in (low, high, *edges))
        return (
            f"{quad}(lambda {self._print(t)}: {self._print(expr.function)}, _derive_cuts({ends}))"
        )

    def _print_Mod(self, expr):
        # SymPy's printer leaves Mod bare inside a product: 1 - 2*Mod(k, 2) came out as
        # "1 - 2*k % 2", which Python reads as (2*k) % 2 (helper 113). mpmath's % takes the
        # sign of the divisor, as Mod does.
        dividend, divisor = (self._print(a) for a in expr.args)
        return f"(({dividend}) % ({divisor}))"

    def _loops(self, expr) -> str:
        return " ".join(
            f"for {self._print(i)} in _derive_range({self._print(a)}, {self._print(b)})"
            for i, a, b in expr.limits[::-1]
        )

    def _print_Sum(self, expr):
        return f"(builtins.sum({self._print(expr.function)} {self._loops(expr)}))"

    def _print_Product(self, expr):
        product = self._module_format("mpmath.fprod")
        return f"({product}({self._print(expr.function)} {self._loops(expr)}))"


def pointwise(expr):
    """`expr` with DiracDelta read pointwise: 0 away from its point, no number at it (sign'
    is 2·δ(x), which is 0 at every x ≠ 0); a substitution (Subs) carried out, as mpmath code
    has none (its variable was printed as a name no point gives a value)."""
    if expr.has(sympy.Subs):
        expr = expr.replace(lambda node: isinstance(node, sympy.Subs), _carried_out)
    expr = sifting_undefined(expr)  # not under an integral of its variable
    return expr.replace(
        lambda node: isinstance(node, sympy.DiracDelta),
        lambda node: sympy.Piecewise((0, sympy.Ne(node.args[0], 0)), (sympy.nan, True)),
    )


def _carried_out(node: sympy.Subs):
    """The substitution `node` carried out; NotEvaluable where SymPy fails at it (a
    convergence condition of an integral compared at its point: "Invalid NaN comparison")."""
    try:
        return node.doit()
    except (TypeError, ValueError, ArithmeticError, NotImplementedError) as problem:
        raise NotEvaluable(f"{node} could not be carried out ({problem})") from None


def as_real(value, tolerance=TOLERANCE):
    """`value` as an mpf, or None if it is not a finite real number (None itself: a
    Piecewise with no branch that holds)."""
    if value is None:
        return None
    value = mpmath.mpmathify(value)
    if isinstance(value, mpmath.mpc):
        if abs(value.imag) > tolerance * (1 + abs(value.real)):
            return None
        value = value.real
    return value if mpmath.isfinite(value) else None


def compare(lhs, rhs, relation: str, tolerance=TOLERANCE, dps: int = DPS) -> str:
    """Compare two evaluated sides under `relation`, with a relative `tolerance`."""
    with mpmath.workdps(dps):
        left, right = as_real(lhs, tolerance), as_real(rhs, tolerance)
        if left is None or right is None:
            return UNDEFINED
        slack = tolerance * max(1, abs(left), abs(right))
        # A strict relation gets no slack: x < x must fail, not pass within a tolerance.
        holds = {
            "==": abs(left - right) <= slack,
            "<=": left <= right + slack,
            "<": left < right,
            ">=": left + slack >= right,
            ">": left > right,
        }[relation]
        return AGREE if holds else DIFFER


def relative_error(lhs, rhs) -> float:
    with mpmath.workdps(DPS):
        left, right = as_real(lhs), as_real(rhs)
        return float(abs(left - right) / max(1, abs(left), abs(right)))
