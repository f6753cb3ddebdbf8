"""Derivatives with respect to intermediates, and the bound-variable hygiene they need.

`Derivative(F, f(args))`, where f is one of the document's definitions, is the partial
derivative of the chain rule (the paper's ∂ vec y / ∂ vec u): F is unfolded down to f and no
further, every application of f counts as an independent variable, and the result is put
back in terms of f. Bound indices are renamed wherever a substitution could capture them.
"""

from __future__ import annotations

import sympy
from sympy import Derivative, Indexed, IndexedBase
from sympy.core.function import AppliedUndef

from derive.notation.aggregates import rename_bound
from derive.notation.primitives import PrimitiveFunction

# Smooth for every real argument: an integrand built of these (and of sums, products,
# powers of positive bases, logs of positive numbers, and the smooth primitives' bodies) is
# differentiated under the integral sign.
_SMOOTH = (
    sympy.exp,
    sympy.sin,
    sympy.cos,
    sympy.sinh,
    sympy.cosh,
    sympy.tanh,
    sympy.atan,
    sympy.asinh,
    sympy.erf,
    sympy.erfc,
)


class Partial(Derivative):
    """A derivative with respect to an entry x[i] or an intermediate f(args).

    SymPy leaves the variables' symbols out of a Derivative's free symbols (it expects them in
    the expression), so Σ_v ∂h'/∂a₉(1, v) would treat the derivative as constant in v.
    """

    @property
    def free_symbols(self):
        return super().free_symbols.union(*(v.free_symbols for v, _ in self.variable_count))

    def doit(self, **hints):
        # Only the engine evaluates these (terms.evaluate_derivatives): SymPy would unfold
        # nothing and differentiate an opaque intermediate to 0.
        return self

    def _eval_subs(self, old, new):
        # Derivative's own substitution rebuilds a plain Derivative; keep this class.
        done = super()._eval_subs(old, new)
        return None if done is None else as_partials(done)


def as_partials(expr):
    """`expr` with every derivative by an entry or a function application (the documents'
    intermediates) made a `Partial`."""
    if not isinstance(expr, sympy.Basic) or not expr.args:
        return expr
    args = [as_partials(arg) for arg in expr.args]
    # Rebuilt by hand: replace() keeps the old node, which compares equal to the new one.
    node = expr.func(*args) if any(a is not b for a, b in zip(args, expr.args)) else expr
    if type(node) is Derivative and any(
        isinstance(v, (AppliedUndef, Indexed)) for v, _ in node.variable_count
    ):
        return Partial(node.expr, *node.variable_count)
    return node


def intermediates(node: Derivative, definitions) -> frozenset:
    """The definitions `node` differentiates with respect to (empty for input variables)."""
    return frozenset(
        v.func
        for v, _ in node.variable_count
        if isinstance(v, AppliedUndef) and v.func in definitions
    )


def is_partial(node, definitions) -> bool:
    """Whether `node` is a derivative with respect to an intermediate."""
    return isinstance(node, Derivative) and bool(intermediates(node, definitions))


def differentiate(inner, node: Derivative, cut: frozenset):
    """Differentiate `inner` (already unfolded down to the definitions in `cut`) by the
    variables of `node`, treating each application of a cut definition as a variable."""
    # Stand-ins carry the facts of the applications they stand for: without `real`, SymPy
    # left ∂(z·sign(z))/∂z unevaluated, and evaluating it crashed.
    stand_ins = {
        func: IndexedBase(sympy.Dummy(f"∂{func.__name__}"), **_facts(func)) for func in cut
    }
    constants = {func: sympy.Dummy(f"∂{func.__name__}", **_facts(func)) for func in cut}

    def stand_in(app):
        if app.func not in cut:
            return app
        return stand_ins[app.func][app.args] if app.args else constants[app.func]

    variables = [
        (stand_in(v) if isinstance(v, AppliedUndef) else v, n) for v, n in node.variable_count
    ]
    wrt = set().union(*(v.free_symbols for v, _ in variables))
    inner = rename_bound(inner, wrt).replace(lambda n: isinstance(n, AppliedUndef), stand_in)
    derived = Derivative(inner, *variables).doit(deep=False)
    return _put_back(derived, stand_ins, constants)


_FACTS = ("integer", "real", "positive", "nonnegative", "negative", "nonpositive", "nonzero")


def _facts(func) -> dict:
    """The facts every application of `func` carries (a definition's, inferred from its
    body when it was defined), as keyword assumptions."""
    known = func.default_assumptions
    return {fact: True for fact in _FACTS if known.get(fact) is True}


def _put_back(expr, stand_ins, constants):
    bases = {base: func for func, base in stand_ins.items()}
    expr = expr.replace(
        lambda n: isinstance(n, Indexed) and n.base in bases,
        lambda n: bases[n.base](*n.indices),
    )
    return expr.xreplace({symbol: func() for func, symbol in constants.items()})


def leibniz_obstacle(inner, variables):
    """Where differentiating `inner` by `variables` would differentiate an integral in it under the
    integral sign without Leibniz's rule being known to hold, the part of the integral that
    stops it (else None). The rule holds for an integral over a bounded range whose integrand is
    bounded and, where it involves the variable, smooth in it and the integration variable
    together: this asks for a finite range, parts in the integration variable alone bounded on
    it (a fixed jump is; 1/t² on [0, 1] is not: d/dd ∫₀¹ d³/t² e^{-d²/t} dt is 1 at 0, where the
    integrand's derivative is 0 for every t), and parts in both known smooth (see rough_part): d/dx
    ∫_{-1}^{1} [t > x] dt is -1, where SymPy's derivative of the integrand is 0 for every t."""
    for integral in sympy.preorder_traversal(inner):
        if not isinstance(integral, sympy.Integral):
            continue
        free = integral.free_symbols
        if not any(v in free if v.is_Symbol else integral.has(v) for v in variables):
            continue  # the integral does not depend on the variable (it binds it)
        ranges = {}
        for limit in integral.limits:
            if len(limit) != 3 or not all(end.is_finite for end in limit[1:]):
                return integral  # indefinite, or improper: no bound is checked
            ranges[limit[0]] = limit[1:]
        found = rough_part(integral.function, set(ranges), variables)
        # An inner limit that moves (∫₀¹∫₀ᵘ f ds dt) brings the integrand in at s = u, where
        # its parts in s and t move with u as well.
        moving = {
            limit[0]
            for limit in integral.limits[:-1]
            if any(end.has(v) for end in limit[1:] for v in variables)
        }
        if found is None and moving:
            found = rough_part(integral.function, set(ranges) - moving, [*variables, *moving])
        if found is None:
            found = _unbounded(integral.function, ranges, variables)
        if found is not None:
            return found
    return None


def rough_part(expr, bound: set, variables):
    """The first part of `expr` in both a `bound` variable and one of `variables` that is
    not known smooth in them (see leibniz_obstacle), or None."""
    if not (expr.free_symbols & bound and any(expr.has(v) for v in variables)):
        return None
    if expr.is_Atom or isinstance(expr, Indexed | AppliedUndef):
        return None
    if isinstance(expr, sympy.Integral):
        if any(end.has(v) for limit in expr.limits for end in limit[1:] for v in variables):
            return expr  # Leibniz's rule brings its integrand in at the moving limit
        parts = expr.args
    elif isinstance(expr, sympy.Sum | sympy.Product):
        if not _finite_range(expr):
            return expr  # a series: smooth terms need not make a smooth sum
        parts = expr.args
    elif isinstance(expr, sympy.Add | sympy.Mul):
        parts = expr.args
    elif isinstance(expr, sympy.Pow):
        base, exponent = expr.args
        whole = exponent.is_integer and (exponent.is_nonnegative or base.is_zero is False)
        if not (whole or base.is_positive):
            return expr
        parts = expr.args
    elif isinstance(expr, sympy.log):
        if expr.args[0].is_positive is not True:
            return expr
        parts = expr.args
    elif isinstance(expr, _SMOOTH):
        parts = expr.args
    elif isinstance(expr, PrimitiveFunction):
        return None if rough_part(expr._definition(), bound, variables) is None else expr
    elif isinstance(expr, sympy.Piecewise):
        conditions = [condition for _, condition in expr.args]
        if any(c.has(v) for c in conditions for v in variables):
            return expr  # its branches switch where the variable moves them
        parts = [value for value, _ in expr.args]
    else:
        return expr
    for part in parts:
        found = rough_part(part, bound, variables)
        if found is not None:
            return found
    return None


def _unbounded(expr, ranges: dict, variables):
    """The first part of `expr` in the integration variables alone (keys of `ranges`, each
    (low, high)) that may be unbounded there, or None. A power or log of such a part counts
    as bounded where interval arithmetic over the ranges keeps its base away from 0
    (positive, for a fractional power or a log)."""
    if isinstance(expr, sympy.logic.boolalg.Boolean) or not expr.free_symbols & set(ranges):
        return None  # a condition: a jump at a fixed point
    if isinstance(expr, sympy.Piecewise):
        parts = [value for value, _ in expr.args]
    elif any(expr.has(v) for v in variables):
        parts = expr.args  # rough_part has taken this part: its pieces in t alone remain
    elif expr.is_Atom or isinstance(expr, Indexed | AppliedUndef):
        return None
    elif isinstance(expr, sympy.Pow | sympy.log):
        base = expr.args[0]
        whole = isinstance(expr, sympy.Pow) and expr.exp.is_integer
        if not (whole and expr.exp.is_nonnegative) and not _apart_from_zero(base, ranges, whole):
            return expr
        parts = expr.args
    elif isinstance(expr, sympy.Sum | sympy.Product) and not _finite_range(expr):
        return expr  # a series of bounded terms need not be bounded
    elif isinstance(expr, _BOUNDED + _SMOOTH):
        parts = expr.args
    elif isinstance(expr, PrimitiveFunction):
        return None if _unbounded(expr._definition(), ranges, variables) is None else expr
    else:
        return expr
    for part in parts:
        if isinstance(part, sympy.Basic):
            found = _unbounded(part, ranges, variables)
            if found is not None:
                return found
    return None


# Bounded wherever their arguments are (jumps and kinks at fixed points do not stop
# Leibniz's rule).
_BOUNDED = (
    sympy.Add,
    sympy.Mul,
    sympy.Sum,
    sympy.Product,
    sympy.Abs,
    sympy.sign,
    sympy.Heaviside,
    sympy.floor,
    sympy.ceiling,
    sympy.frac,
    sympy.Max,
    sympy.Min,
)


def _finite_range(aggregate) -> bool:
    """Whether every limit of the Σ or Π `aggregate` is finite."""
    return all(end.is_finite for limit in aggregate.limits for end in limit[1:])


def _apart_from_zero(base, ranges: dict, signed: bool) -> bool:
    """Whether `base` stays positive (or, if `signed`, of one sign) where each integration
    variable ranges over its (low, high), by interval arithmetic (which only widens), over
    ranges with numbers for ends (SymPy builds AccumBounds(1, a) for a symbol a, with 1 for
    its least value, though a may be below 1)."""
    if not all(end.is_number and end.is_real for ends in ranges.values() for end in ends):
        return False
    try:
        spans = {t: sympy.AccumBounds(*sorted(ends, key=float)) for t, ends in ranges.items()}
        reach = base.xreplace(spans)
    except (TypeError, ValueError, NotImplementedError):
        return False
    if not isinstance(reach, sympy.AccumBounds):
        return bool(reach.is_positive or (signed and reach.is_negative))
    return bool(reach.min.is_positive or (signed and reach.max.is_negative))
