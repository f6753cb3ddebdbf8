"""Perturbations of a document's inputs: the exact increment Δ and its first-order part.

`Increment(f, (x, Δx))` is f at x + Δx minus f at x; `FirstOrder(f, (x, Δx))` is
d/dt f(x + tΔx) at t = 0. Like a Derivative, each is evaluated only once its argument has
been unfolded down to the inputs (see terms.evaluate_derivatives), never through an opaque
definition.
"""

from __future__ import annotations

import sympy
from sympy import Expr, Indexed, IndexedBase, Tuple
from sympy.printing.pretty.stringpict import prettyForm

from derive.notation.aggregates import Padded, rename_bound


class Perturbation(Expr):
    """Base of the perturbation nodes: args are (expr, Tuple(x, Δx), ...)."""

    SIGN = "Δ"

    def __new__(cls, expr, *pairs):
        return Expr.__new__(cls, sympy.sympify(expr), *(Tuple(*p) for p in pairs))

    expr = property(lambda self: self.args[0])
    pairs = property(lambda self: self.args[1:])

    def doit(self, **hints):
        return self  # evaluated by the engine only, after unfolding (terms.evaluate_derivatives)

    def _eval_is_real(self):
        return self.expr.is_real

    def _text(self, show):
        moved = ", ".join(f"{show(x)} → {show(x)} + {show(dx)}" for x, dx in self.pairs)
        return f"{self.SIGN}[{moved}]({show(self.expr)})"

    def _sympystr(self, printer):
        return self._text(printer._print)

    def _pretty(self, printer):
        return prettyForm(self._text(sympy.sstr))

    def moved(self, inner, t):
        """`inner` with every input x replaced by x + t Δx. A sum in `inner` that binds a
        symbol of Δx is renamed first (Δx = c inside Σ_c x·c would be captured by it)."""
        for x, dx in self.pairs:
            inner = rename_bound(inner, sympy.sympify(dx).free_symbols)
            if isinstance(x, IndexedBase):
                label = x.label
                inner = inner.replace(  # window entries hide x[q] in a sum: open them first
                    lambda n, label=label: isinstance(n, Padded) and n.args[0].label == label,
                    lambda n: n.as_sum(),
                )
                inner = inner.replace(
                    lambda n, label=label: isinstance(n, Indexed) and n.base.label == label,
                    lambda n, dx=dx: n + t * dx[n.indices],
                )
            else:
                inner = inner.xreplace({x: x + t * dx})
        return inner


class Increment(Perturbation):
    """f(x + Δx) - f(x), exactly."""

    def apply(self, inner):
        return self.moved(inner, sympy.S.One) - inner


class FirstOrder(Perturbation):
    """d/dt f(x + tΔx) at t = 0: the part of the increment that is linear in Δx."""

    SIGN = "dΔ"

    def apply(self, inner):
        t = sympy.Dummy("t", real=True)
        return sympy.diff(self.moved(inner, t), t).subs(t, 0)
