"""The registry of ML primitives: one entry each, filled by the `@primitive` decorator.

An entry holds the SymPy class (with its `fdiff`), the domain tests sample from, the
elementary definition proofs and mpmath use, the stable form code printers use, and the
convention it follows at non-smooth points (PyTorch's). Nothing changes the registry after
import.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable
from dataclasses import dataclass

import sympy
from sympy import Function, Interval, Piecewise, exp, log
from sympy.codegen.cfunctions import log1p
from sympy.core.logic import fuzzy_and

from derive.notation import corrections
from derive.notation.aggregates import expand_sum, rename_bound


@dataclass(frozen=True)
class Primitive:
    name: str
    function: type[Function]
    domain: Interval
    definition: Callable[..., sympy.Expr]
    stable: Callable[..., sympy.Expr]
    convention: str


PRIMITIVES: dict[str, Primitive] = {}


def primitive(*, domain, definition, stable=None, convention="", lower=None):
    """Register the decorated SymPy function class as a primitive. `lower=` is the old name
    of `stable=` and warns."""
    if lower is not None:
        if stable is not None:
            raise TypeError("primitive: give stable= only (lower= is its old name)")
        warnings.warn("primitive(lower=...) is now primitive(stable=...)", FutureWarning, 2)
        stable = lower
    if stable is None:
        raise TypeError("primitive: stable= (the numerically stable form) is required")

    def register(cls):
        PRIMITIVES[cls.__name__] = Primitive(
            cls.__name__, cls, domain, definition, stable, convention
        )
        return cls

    return register


def lookup(name: str) -> Primitive:
    """Return the primitive called `name`, or raise naming this registry."""
    try:
        return PRIMITIVES[name]
    except KeyError:
        known = ", ".join(sorted(PRIMITIVES))
        raise KeyError(
            f"unknown primitive {name!r}: add it to derive/notation/primitives.py (known: {known})"
        ) from None


class PrimitiveFunction(Function):
    """Base of the registered functions: assumptions and evalf follow the definition."""

    def _definition(self):
        return PRIMITIVES[type(self).__name__].definition(*self.args)

    def _eval_is_real(self):
        # Every registered primitive maps real arguments to a real value.
        return fuzzy_and(arg.is_real for arg in self.args)

    def _eval_is_positive(self):
        return self._definition().is_positive

    def _eval_is_nonnegative(self):
        return self._definition().is_nonnegative

    def _eval_evalf(self, prec):
        return self._definition()._eval_evalf(prec)


def elementary(expr: sympy.Basic) -> sympy.Basic:
    """Replace every primitive in `expr` by its elementary definition (in one pass:
    definitions hold no primitives)."""
    return expr.replace(
        lambda n: isinstance(n, PrimitiveFunction),
        lambda n: PRIMITIVES[type(n).__name__].definition(*n.args),
    )


def sifting_undefined(expr: sympy.Basic) -> sympy.Basic:
    """`expr` with NaN (no value) for each integral whose integrand holds a Dirac delta of
    its variable. The engine reads a delta pointwise, as 0 away from its point (sign'(x) =
    2·δ(x) is 0 at every x ≠ 0), but under an integral that drops its mass: ∫₋₁¹ δ(t) dt is 1
    by the sifting property, and read pointwise it was 0, so "∫₋₁¹ eᵗ·δ(t) dt = 0" was PROVED
    (helper 108). No reading is taken there: such a claim proves and refutes nothing."""

    def sifts(node) -> bool:
        if not isinstance(node, sympy.Integral):
            return False
        variables = set(node.variables)
        return any(
            d.args[0].free_symbols & variables for d in node.function.atoms(sympy.DiracDelta)
        )

    if not (expr.has(sympy.Integral) and expr.has(sympy.DiracDelta)):
        return expr
    return expr.replace(sifts, lambda node: sympy.nan)


def deltas_off(expr: sympy.Basic) -> sympy.Basic:
    """`expr` with each Dirac delta read as 0, its value wherever its argument is not 0 (a
    claim holds where its sides are defined, as x/x = 1: sign'(x) = 2δ(x) = 0), but for one
    under an integral of its variable, which has no reading (see sifting_undefined)."""
    return sifting_undefined(expr).replace(
        lambda n: isinstance(n, sympy.DiracDelta), lambda n: sympy.S.Zero
    )


def exactly_at(expr: sympy.Basic, point: dict) -> sympy.Basic:
    """`expr` elementary, with `point`'s values in place of its atoms, for exact evaluation;
    NaN where a Dirac delta in it sits at its point. A substitution (Subs) is carried out
    first: xreplace would also replace the variable it binds (x + Subs(sign(x − 1), x, 0)
    at x = 2 became 2 + Subs(1, 2, 0))."""
    expr = elementary(expr)
    if expr.has(sympy.Subs):
        expr = expr.replace(lambda e: isinstance(e, sympy.Subs), lambda e: e.doit())
    expr = sifting_undefined(expr)
    # Where a Dirac delta's argument is 0, a derivative the rules took has no value, whatever
    # branch a Piecewise around it picks (see engine.singular): no number, as in numeric.
    for delta in expr.atoms(sympy.DiracDelta):
        if delta.args[0].xreplace(point) == 0:
            return sympy.nan
    # A variable an integral or sum binds under an atom's name keeps its own (∫₀¹ x·y dy at
    # y = 0 was "Invalid limits given"; helper 138).
    expr = rename_bound(expr, set(point))
    # A range the point makes concrete is read first: put in by xreplace, a floor or Max
    # around it would evaluate it at once by SymPy's reading, Karr's (floor(Σ_{i=5}^{k} 1/2)
    # at k = 1 was floor(-3/2); helper 141).
    placed = set(point)

    def ranged(node):
        ends = {s for limit in getattr(node, "limits", ()) for s in limit[1:]}
        ends = set().union(*(sympy.sympify(e).free_symbols for e in ends))
        return isinstance(node, sympy.Sum | sympy.Product) and bool(ends & placed)

    if expr.has(sympy.Sum, sympy.Product):
        expr = expr.replace(ranged, lambda node: _ranges_read(node.xreplace(point)))
    expr = expr.xreplace(point)
    return _ranges_read(expr) if expr.has(sympy.Sum, sympy.Product) else expr


MAX_TERMS = 10**4  # the most terms a range a point made concrete is written out with


def _ranges_read(expr: sympy.Basic) -> sympy.Basic:
    """`expr` with every Σ and Π whose range the point made concrete (an integer input as a
    limit, Σ_{i=q}^{3}) read as the engine reads ranges (expand_sum: a reversed range is
    empty), not by SymPy's evaluation, which follows Karr (Σ_{i=5}^{3} 1 is -1 to it); the
    limits are whole already (declare._whole_limits). A range of MAX_TERMS terms or more is
    read in SymPy's closed form in its upper limit (ValueError where it has none). Inner
    ranges that name an outer index are read once it is written out."""

    def concrete(node):  # as terms.expand_aggregates tells it
        return (
            isinstance(node, sympy.Sum | sympy.Product)
            and (node.limits[-1][2] - node.limits[-1][1]).is_Integer
        )

    def read(node):
        *inner, (index, lo, hi) = node.limits
        if hi - lo < MAX_TERMS:
            return expand_sum(node)
        # Too long to write out: SymPy's closed form (its reading agrees on a forward range),
        # or no value here (its evalf of such a Σ takes minutes, and its doit at a number
        # writes out every term; harmonic(50000) is a rational of 21,000 digits).
        upper = sympy.Dummy("upper", integer=True)
        closed = node.func(node.function, *inner, (index, lo, upper)).doit()
        special = any(f.has(upper) for f in closed.atoms(sympy.Function))
        if special or closed.has(sympy.Sum, sympy.Product):
            raise ValueError(f"a range of {hi - lo + 1} terms is not evaluated")
        return closed.xreplace({upper: hi})

    for _ in range(8):  # nested ranges: each round reads one more level
        done = expr.replace(concrete, read)
        if done == expr:
            return done
        expr = done
    return expr


def stable_form(expr: sympy.Basic) -> sympy.Basic:
    """Replace every primitive in `expr` by its numerically stable form.

    Lowerings may use other primitives (silu uses sigmoid), so this runs to a fixpoint.
    Each branch of a stable Piecewise is safe where its condition selects it; printed code
    evaluates a branch only there (see printing.py).
    """
    for _ in range(len(PRIMITIVES) + 1):
        used = [e for e in PRIMITIVES.values() if expr.has(e.function)]
        if not used:
            return expr
        for entry in used:
            expr = expr.replace(entry.function, entry.stable)
    raise ValueError("stable forms refer to each other in a cycle")


class log1p_unit(log1p):
    """log1p(w) where 0 <= w <= 1, as in the stable forms below: w = exp(-|x|). NumPy code
    prints it as numpy.log1p; Numba code as a series that vectorises (derive/kernels/vexp.py).
    Everything else (evaluation, derivatives, other printers) treats it as log1p."""

    def _plain(self, printer):
        # SymPy's printers skip _print_log1p for a renamed subclass; a printer may print
        # this one its own way (derive/kernels/printing.py).
        own = getattr(printer, "print_log1p_unit", None)
        return own(self) if own else printer._print(log1p(*self.args))

    _numpycode = _scipycode = _mpmathcode = _pythoncode = _lambdacode = _plain


# Stable forms use functions the NumPy printer knows, and one exponential, exp(-|x|), which
# never overflows and which kernels may compute apart, vectorised (lowering.hoist_exp).
# For softplus, PyTorch returns x itself above a threshold of 20 (beta = 1); below it,
# max(x, 0) + log1p(exp(-|x|)).
SOFTPLUS_THRESHOLD = 20


def _softplus_stable(x):
    tail = log1p_unit(exp(-sympy.Abs(x)))
    return Piecewise((x, x > SOFTPLUS_THRESHOLD), (x + tail, x > 0), (tail, True))


def _sigmoid_stable(x):
    w = exp(-sympy.Abs(x))
    return Piecewise((1 / (1 + w), x >= 0), (w / (1 + w), True))


@primitive(
    domain=Interval(-30, 30),
    definition=lambda x: log(1 + exp(x)),
    stable=_softplus_stable,
    convention="smooth; kernels return x for x > 20, as torch.nn.functional.softplus does",
)
class softplus(PrimitiveFunction):
    """log(1 + exp(x)); its derivative is the sigmoid."""

    def fdiff(self, argindex=1):
        return sigmoid(self.args[0])


@primitive(
    domain=Interval(-30, 30),
    definition=lambda x: 1 / (1 + exp(-x)),
    stable=_sigmoid_stable,
    convention="smooth; kernels evaluate exp(-|x|), which never overflows",
)
class sigmoid(PrimitiveFunction):
    """1 / (1 + exp(-x))."""

    def fdiff(self, argindex=1):
        s = sigmoid(self.args[0])
        return s * (1 - s)


@primitive(
    domain=Interval(-30, 30),
    definition=lambda x: x / (1 + exp(-x)),
    stable=lambda x: x * sigmoid(x),
    convention="smooth; computed as x*sigmoid(x) with the stable sigmoid",
)
class silu(PrimitiveFunction):
    """x * sigmoid(x), the gate of Mamba's z branch."""

    def fdiff(self, argindex=1):
        x = self.args[0]
        s = sigmoid(x)
        return s * (1 + x * (1 - s))


@primitive(
    domain=Interval(-4, 4),
    definition=lambda x: Piecewise((x, x > 0), (0, True)),
    stable=lambda x: Piecewise((x, x > 0), (0, True)),
    convention="derivative at 0 is 0, as in torch.relu",
)
class relu(PrimitiveFunction):
    """max(x, 0)."""

    def fdiff(self, argindex=1):
        # A primitive, whose kink is a primitive's (see leaky_relu): 1 for x > 0, else 0.
        return leaky_relu_slope(self.args[0], 0)


@primitive(
    domain=Interval(-4, 4),
    definition=lambda x, c: Piecewise((x, x > 0), (c * x, True)),
    stable=lambda x, c: Piecewise((x, x > 0), (c * x, True)),
    convention="derivative at 0 is the negative slope, as in torch.nn.functional.leaky_relu",
)
class leaky_relu(PrimitiveFunction):
    """x for x > 0, else c*x (c is the negative slope)."""

    nargs = 2

    def fdiff(self, argindex=1):
        # A primitive, not a Piecewise: SymPy's Sum folds a Piecewise out past inner sums.
        x, c = self.args
        if argindex == 1:
            return leaky_relu_slope(x, c)
        return x * (1 - leaky_relu_slope(x, 0))


@primitive(
    domain=Interval(-4, 4),
    definition=lambda x, c: Piecewise((1, x > 0), (c, True)),
    stable=lambda x, c: Piecewise((1, x > 0), (c, True)),
    convention="the value at 0 is the negative slope c, as leaky_relu's gradient in PyTorch",
)
class leaky_relu_slope(PrimitiveFunction):
    """The derivative of leaky_relu(x, c) in x: 1 for x > 0, else c."""

    nargs = 2

    def fdiff(self, argindex=1):
        # Piecewise constant in x (PyTorch's double backward gives 0 at the kink too).
        if argindex == 1:
            return sympy.S.Zero
        return 1 - leaky_relu_slope(self.args[0], 0)


# 0 on an interval: evalf's exact 0 of theirs is their value there (see corrections).
corrections.FLAT += (relu, leaky_relu_slope)
