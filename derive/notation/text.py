"""The one-line text form of the notation: how every expression reads in a report or an error.

>>> import sympy
>>> show(sympy.exp(1) + sympy.Symbol("x"))
'x + exp(1)'
>>> plural(1, "claim"), plural(2, "claim")
('1 claim', '2 claims')
"""

from __future__ import annotations

import sympy
from sympy.printing.str import StrPrinter


class _TextPrinter(StrPrinter):
    """SymPy's str printer, but Euler's number prints as exp(1): E is often a width."""

    def _print_Exp1(self, expr):
        return "exp(1)"

    def _print_AppliedUndef(self, expr):
        # A definition without arguments reads as its name: L rather than L().
        return expr.func.__name__ if not expr.args else super()._print_Function(expr)

    def _print_Derivative(self, expr):
        inner = self._print(expr.expr)
        if expr.expr.args and not (isinstance(expr.expr, sympy.Function) and not expr.expr.args):
            inner = f"({inner})"
        wrt = "".join(
            f"∂{self._print(v)}" + (f"^{n}" if n > 1 else "") for v, n in expr.variable_count
        )
        return f"∂{inner}/{wrt}"


def show(expr) -> str:
    """The one-line text form used in every report."""
    return _TextPrinter().doprint(expr)


def plural(count: int, noun: str) -> str:
    return f"{count} {noun}{'' if count == 1 else 's'}"
