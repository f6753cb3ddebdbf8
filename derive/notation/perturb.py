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
from derive.notation.arrays import ArraySum, Table
from derive.notation.corrections import FACTS


class CaptureError(ValueError):
    """A perturbation would move a variable that a node inside it binds."""


# Nodes that may bind a variable rename_bound does not rename: a Subs (see rename_bound);
# the others are checked after it, as before.
_BINDERS = (sympy.Subs, sympy.Integral, sympy.Lambda, Table, ArraySum)


# Facts that hold near a point where they hold: a first-order perturbation moves x to
# x + tΔx for t near 0 only.
_OPEN = {"positive", "negative", "nonzero"}


def _unkept(cls, x, dx) -> str | None:
    """Why the input x, moved by dx, is not known to keep every fact its assumptions give it
    (the expression was built under them: for x positive, Abs(x) is x and an increment of it
    Δx, false at x = 1, Δx = -3); None where it is."""
    if isinstance(x, IndexedBase):
        i = sympy.Dummy("i", integer=True)
        point, step = x[i], dx[i]
    else:
        point, step = x, sympy.sympify(dx)
    near = None  # a first-order perturbation's point near x: what x's open facts imply
    if cls.NEAR:
        step = sympy.Dummy("t", real=True) * step
        near = sympy.Dummy("near", **{f: True for f in _OPEN if getattr(point, f"is_{f}")})
    moved = point + step
    for fact in FACTS:
        if near is not None and getattr(near, f"is_{fact}"):
            continue
        if getattr(point, f"is_{fact}") and not getattr(moved, f"is_{fact}"):
            fact = fact.replace("_", " ")
            return (
                f"{cls.__name__}: {x} is {fact} by its assumptions, and the expression was "
                f"built so, but {x} + {dx} is not known to be {fact}: declare {dx} so that it "
                f"is, or {x} without that assumption"
            )
    return None


class Perturbation(Expr):
    """Base of the perturbation nodes: args are (expr, Tuple(x, Δx), ...)."""

    SIGN = "Δ"
    NEAR = False  # whether x moves only near itself (x + tΔx for t near 0)

    def __new__(cls, expr, *pairs):
        pairs = tuple(Tuple(*p) for p in pairs)
        for pair in pairs:
            if len(pair) != 2:
                raise ValueError(f"{cls.__name__}: expected pairs (x, Δx), got {pair}")
            x, dx = pair
            if not isinstance(x, (sympy.Symbol, IndexedBase)):
                # Moved as text, x + 1 would move in (x + 1)**2 but not in its expansion.
                raise ValueError(
                    f"{cls.__name__}: {x} moves; only an input moves, a scalar symbol or a "
                    "whole tensor (an IndexedBase)"
                )
            if isinstance(x, IndexedBase) != isinstance(dx, IndexedBase):
                raise ValueError(
                    f"{cls.__name__}: {x} moves by {dx}; a tensor input moves by a tensor of "
                    "the same shape (an IndexedBase), a scalar one by a scalar expression"
                )
        moved = [x for x, _ in pairs]
        if len(set(moved)) != len(moved):
            raise ValueError(f"{cls.__name__}: an input moves twice; give each one pair")
        return Expr.__new__(cls, sympy.sympify(expr), *pairs)

    expr = property(lambda self: self.args[0])
    pairs = property(lambda self: self.args[1:])

    def unkept(self) -> str | None:
        """Why a moved input is not known to keep its assumptions (see _unkept), or None.
        Checked on the claim as the document wrote it (engine.terms.check_moves): the
        engine's own rewrites move inputs by fresh symbols that carry no facts."""
        for x, dx in self.pairs:
            problem = _unkept(type(self), x, dx)
            if problem:
                return problem
        return None

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
        """`inner` with every input x replaced by x + t Δx, all at once (a later pair's x in
        an earlier pair's Δx is the unmoved x: (x, y), (y, z) moves x to x + y, not x + y + z).
        A sum in `inner` that binds a symbol of Δx is renamed first (Δx = c inside Σ_c x·c
        would be captured by it)."""
        moving = set()
        for x, dx in self.pairs:
            moving |= {x, *sympy.sympify(dx).free_symbols}
        inner = rename_bound(inner, moving)
        for node in sympy.preorder_traversal(inner):
            bound = getattr(node, "variables", None) or ()
            if isinstance(node, _BINDERS) and moving & set(bound):
                raise CaptureError(
                    f"{node} binds {', '.join(map(str, moving & set(bound)))}, which the "
                    "perturbation moves or moves by: give the bound variable another name"
                )
        # Each moved input first stands in for by a fresh one, then all move together.
        moves = {}
        for x, dx in self.pairs:
            if isinstance(x, IndexedBase):
                label, holder = x.label, IndexedBase(sympy.Dummy(str(x.label)))
                inner = inner.replace(  # window entries hide x[q] in a sum: open them first
                    lambda n, label=label: isinstance(n, Padded) and n.args[0].label == label,
                    lambda n: n.as_sum(),
                )
                inner = inner.replace(
                    lambda n, label=label: isinstance(n, Indexed) and n.base.label == label,
                    lambda n, holder=holder: holder[n.indices],
                )
            else:
                holder = sympy.Dummy(str(x), **x.assumptions0)
                inner = inner.xreplace({x: holder})
            moves[holder] = (x, dx)
        for holder, (x, dx) in moves.items():
            if isinstance(x, IndexedBase):
                inner = inner.replace(
                    lambda n, holder=holder: isinstance(n, Indexed) and n.base == holder,
                    lambda n, x=x, dx=dx: x[n.indices] + t * dx[n.indices],
                )
            else:
                inner = inner.xreplace({holder: x + t * dx})
        return inner


class Increment(Perturbation):
    """f(x + Δx) - f(x), exactly."""

    def apply(self, inner):
        return self.moved(inner, sympy.S.One) - inner


class FirstOrder(Perturbation):
    """d/dt f(x + tΔx) at t = 0: the part of the increment that is linear in Δx."""

    SIGN = "dΔ"
    NEAR = True

    def apply(self, inner):
        t = sympy.Dummy("t", real=True)
        return sympy.diff(self.moved(inner, t), t).subs(t, 0)
