"""Sequences over all integers that vanish outside a finite window, and their operators.

`Seq(x, lo, hi)` is the sequence equal to x[q] on the window lo..hi and 0 elsewhere (a window
given by the tensor's declared shape if omitted); `SeqOf` names a sequence by its entries.
Correlation (X ⊙ Y)_i = Σ_j X_{i+j} Y_j and convolution (X ⊗ Y)_i = Σ_j X_{i-j} Y_j sum over
all integers j. Lowering writes each window entry as Σ_q x[q] δ(q, e) and then sums every sum
over all integers out against a delta, Σ_{j∈ℤ} f(j) δ(j, e) = f(e): exact, with no cut-off.
"""

from __future__ import annotations

import sympy
from sympy import Add, Basic, Expr, Lambda, Mul, Sum, oo
from sympy.core.symbol import Str
from sympy.printing.pretty.stringpict import prettyForm

from derive.notation.aggregates import Padded, call


class LoweringError(ValueError):
    """Notation that cannot be lowered: no window, a divergent sum, an unknown matrix form."""


class SequenceNotation(Expr):
    """Base of the printable sequence nodes: str, pretty and LaTeX all show `_text`."""

    def _sympystr(self, printer):
        return self._text(printer._print)

    def _pretty(self, printer):
        return prettyForm(self._text(sympy.sstr))

    def _latex(self, printer):
        return self._text(printer._print)


class Seq(SequenceNotation):
    """The sequence that is base[q] for lo ≤ q ≤ hi and 0 elsewhere."""

    def __new__(cls, base, lo=None, hi=None):
        if lo is None:
            window = (base.shape or [None])[0]
            if not isinstance(window, sympy.Tuple):
                raise LoweringError(f"{base} declares no window (lo, hi); give one")
            lo, hi = window
        # The integers q with lo ≤ q ≤ hi (-K/2..K/2 reads as ceiling(-K/2)..floor(K/2);
        # read as written, the window's entry a[-1/2] had no index, helper 142).
        lo, hi = sympy.sympify(lo), sympy.sympify(hi)
        lo = lo if lo.is_integer else sympy.ceiling(lo)
        hi = hi if hi.is_integer else sympy.floor(hi)
        return Expr.__new__(cls, base, lo, hi)

    base = property(lambda self: self.args[0])
    window = property(lambda self: self.args[1:])

    def _text(self, show):
        declared = (self.base.shape or [None])[0]
        if isinstance(declared, sympy.Tuple) and tuple(declared) == tuple(self.window):
            return show(self.base.label)
        return f"{show(self.base.label)}{{{show(self.args[1])}..{show(self.args[2])}}}"


class SeqOf(SequenceNotation):
    """The sequence whose entry at `index` is `entry`; prints as `name`."""

    def __new__(cls, name, index, entry=None):
        body = index if entry is None else Lambda(sympy.sympify(index), sympy.sympify(entry))
        return Basic.__new__(cls, Str(str(name)), body)

    def _text(self, show):
        return self.args[0].name

    def doit(self, **hints):
        return self  # as tensors.Tabulated: never let SymPy evaluate an entry early


def _operand(show, X) -> str:
    return f"({show(X)})" if isinstance(X, (Add, Mul)) else show(X)


class Correlate(SequenceNotation):
    """(X ⊙ Y)_i = Σ_{j∈ℤ} X_{i+j} Y_j."""

    def _text(self, show):
        return f"({_operand(show, self.args[0])} ⊙ {_operand(show, self.args[1])})"


class Convolve(SequenceNotation):
    """(X ⊗ Y)_i = Σ_{j∈ℤ} X_{i-j} Y_j."""

    def _text(self, show):
        return f"({_operand(show, self.args[0])} ⊗ {_operand(show, self.args[1])})"


def _fresh(name: str):
    return sympy.Dummy(name, integer=True)


def is_sequence(expr) -> bool:
    return expr.has(Seq, SeqOf)


def at(X, e):
    """The entry of the sequence expression X at the integer e, in index form."""
    if isinstance(X, Seq):
        return Padded(X.base, e, *X.window)
    if isinstance(X, SeqOf):
        return call(X.args[1], e)
    if isinstance(X, Add):
        return Add(*(at(term, e) for term in X.args))
    if isinstance(X, Mul):
        varying = [f for f in X.args if is_sequence(f)]
        if len(varying) != 1:
            raise LoweringError(f"{X} is not a scalar multiple of one sequence")
        fixed = [f for f in X.args if not is_sequence(f)]
        return Mul(*fixed) * at(varying[0], e)
    if isinstance(X, (Correlate, Convolve)):
        j = _fresh("j")
        shifted = e + j if isinstance(X, Correlate) else e - j
        return Sum(at(X.args[0], shifted) * at(X.args[1], j), (j, -oo, oo))
    raise LoweringError(f"{X} is not a sequence expression (use Seq, SeqOf, ⊙, ⊗)")


def inner(X, Y):
    """⟨X, Y⟩ = Σ_{i∈ℤ} X_i Y_i."""
    i = _fresh("i")
    return Sum(at(X, i) * at(Y, i), (i, -oo, oo))
