"""Our NumPy printer and the block printer: every expression in generated code comes from here.

The printer overrides only what readability and safety need: `1/(...)` instead of
`(...)**(-1.0)`, infix comparisons, and Piecewise evaluated branch by branch only where its
condition selects it — a conditional expression in scalar (Numba) code, a call of the
module's `_masked` helper in array code. It records the modules it uses; templates never
choose imports.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy
import sympy
from sympy.printing.numpy import NumPyPrinter
from sympy.printing.precedence import PRECEDENCE


class DerivePrinter(NumPyPrinter):
    """NumPyPrinter for array code (`scalar=False`) or Numba scalar code (`scalar=True`)."""

    def __init__(self, scalar: bool = False, single: bool = False):
        super().__init__({"fully_qualified_modules": True, "allow_unknown_functions": False})
        self.scalar = scalar
        self.single = single
        self.helpers: set[str] = set()  # module helpers the printed code calls
        self._integral = False  # printing an integer-valued expression: an index or a size

    def _number(self, text: str) -> str:
        # In float32 code every constant is a float32, so nothing is promoted to float64.
        return f"{self._module_format('numpy.float32')}({text})" if self.single else text

    def _print(self, expr, **kwargs):
        # An integer-valued expression (an index, a size: n - k + 1) keeps int constants; a
        # lone number is a value (a Piecewise branch, a factor) and is not one of them.
        integral = (
            self.scalar
            and not self._integral
            and isinstance(expr, sympy.Basic)
            and not expr.is_Number
            and (expr.is_integer or _compares_integers(expr))
        )
        if not integral:
            return super()._print(expr, **kwargs)
        self._integral = True
        try:
            return super()._print(expr, **kwargs)
        finally:
            self._integral = False

    def _print_Integer(self, expr):
        if self._integral:
            return str(expr.p)
        if self.scalar and not self.single and _exact_in_float32(expr):
            return self._float32(str(expr.p))
        return self._number(str(expr.p))

    def _print_Rational(self, expr):
        if self.scalar and not self.single and not self._integral and _exact_in_float32(expr):
            return self._float32(repr(float(expr)))
        if not self.single:
            return super()._print_Rational(expr)
        return self._number(repr(float(expr)))

    def _float32(self, text: str) -> str:
        # Numba types int64 + float32 (and a float64 literal + float32) as float64, which
        # turns float32 loops into float64 ones at half the vector width. A constant that
        # float32 holds exactly is printed as float32; float64 code promotes it without loss.
        return f"{self._module_format('numpy.float32')}({text})"

    def _print_Float(self, expr):
        return self._number(repr(float(expr)) if self.single else super()._print_Float(expr))

    def _print_Infinity(self, expr):
        return self._number(self._module_format("numpy.inf"))

    def _print_NegativeInfinity(self, expr):
        return f"-{self._print_Infinity(-expr)}"

    def _print_Pow(self, expr, rational=False):
        base, exponent = expr.as_base_exp()
        power = PRECEDENCE["Pow"]
        if exponent == sympy.S.Half:
            return f"{self._module_format('numpy.sqrt')}({self._print(base)})"
        if exponent.is_Integer and exponent < 0:
            one = self._print(sympy.Integer(1))
            return f"{one}/{self.parenthesize(base**-exponent, PRECEDENCE['Mul'] + 1)}"
        if exponent.is_Integer:
            # An int exponent keeps float32 code in float32.
            return f"{self.parenthesize(base, power + 1)}**{int(exponent)}"
        return f"{self.parenthesize(base, power + 1)}**{self.parenthesize(exponent, power + 1)}"

    def _print_Relational(self, expr):
        op = {"==": "==", "!=": "!=", "<": "<", "<=": "<=", ">": ">", ">=": ">="}[expr.rel_op]
        return f"{self.parenthesize(expr.lhs, 50)} {op} {self.parenthesize(expr.rhs, 50)}"

    def _print_Piecewise(self, expr):
        *pieces, (last, last_condition) = expr.args
        if last_condition != sympy.true:
            raise ValueError(f"Piecewise without a default branch cannot be printed: {expr}")
        if not self.scalar:
            return self._masked(expr)
        text = self._print(last)
        for value, condition in reversed(pieces):
            text = f"({self._print(value)} if {self._print(condition)} else {text})"
        return text

    def _masked(self, expr):
        # Each branch is a function of the operands, called only on the entries it selects.
        operands = ", ".join(str(s) for s in sorted(expr.free_symbols, key=str))
        conditions = ", ".join(self._print(c) for _, c in expr.args[:-1])
        branches = ", ".join(f"lambda {operands}: {self._print(v)}" for v, _ in expr.args)
        return f"_masked(({conditions},), ({branches}), {operands})"

    def _print_Min(self, expr):
        return self._fold(expr, "min", "numpy.minimum")

    def _print_Max(self, expr):
        return self._fold(expr, "max", "numpy.maximum")

    def _fold(self, expr, scalar_name, array_name):
        name = scalar_name if self.scalar else self._module_format(array_name)
        args = [self._print(a) for a in expr.args]
        text = args[0]
        for arg in args[1:]:
            text = f"{name}({text}, {arg})"
        return text

    def _print_Symbol(self, expr):
        return expr.name

    def print_log1p_unit(self, expr):
        """log1p of an argument in [0, 1] (primitives.log1p_unit): in Numba code, the
        module's `_log1p_unit`, a series the compiler vectorises (see vexp.py)."""
        if not self.scalar:
            return f"{self._module_format('numpy.log1p')}({self._print(expr.args[0])})"
        self._module_format("numba.extending.overload")  # _log1p_unit is an overload
        self.helpers.add("log1p_unit")
        return f"_log1p_unit({self._print(expr.args[0])})"


def _compares_integers(expr) -> bool:
    return isinstance(expr, sympy.core.relational.Relational) and all(
        side.is_integer for side in expr.args
    )


def _exact_in_float32(value: sympy.Number) -> bool:
    as_float = float(value)
    return float(numpy.float32(as_float)) == as_float and sympy.Rational(as_float) == value


@dataclass(frozen=True)
class PrintedBlock:
    """Straight-line code for one block: `lines` assign temporaries, then the outputs."""

    lines: tuple[str, ...]
    imports: tuple[str, ...]
    helpers: tuple[str, ...] = ()


def _protect_piecewise(exprs):
    """Swap each outermost Piecewise for a placeholder, so CSE cannot hoist a branch's
    subexpression out of it (it would then be evaluated where the branch is not taken)."""
    pieces: dict = {}

    def visit(node):
        if isinstance(node, sympy.Piecewise):
            if node not in pieces:
                pieces[node] = sympy.Symbol(f"p{len(pieces)}", real=True)
            return pieces[node]
        if not node.args:
            return node
        return node.func(*(visit(arg) for arg in node.args))

    protected = [visit(sympy.sympify(e)) for e in exprs]
    return protected, [(symbol, piece) for piece, symbol in pieces.items()]


def _unwrapped(text: str) -> str:
    """Drop parentheses that enclose the whole text (a conditional expression on its own)."""
    if not (text.startswith("(") and text.endswith(")")):
        return text
    depth = 0
    for position, char in enumerate(text):
        depth += {"(": 1, ")": -1}.get(char, 0)
        if depth == 0 and position < len(text) - 1:
            return text
    return text[1:-1]


def print_block(outputs, *, scalar: bool, single: bool = False, prefix: str = "t") -> PrintedBlock:
    """Print named expressions after common-subexpression elimination.

    Piecewise values come first, each in one assignment; then temporaries
    `<prefix>0, <prefix>1, ...` in order of first use; then the outputs. The same outputs
    always print to the same text, whatever the hash seed.
    """
    names = [name for name, _ in outputs]
    protected, pieces = _protect_piecewise([expr for _, expr in outputs])
    temporaries, reduced = sympy.cse(
        protected, symbols=sympy.numbered_symbols(prefix), order="canonical"
    )
    printer = DerivePrinter(scalar=scalar, single=single)
    lines = [f"{symbol} = {_unwrapped(printer.doprint(piece))}" for symbol, piece in pieces]
    lines += [f"{symbol} = {printer.doprint(value)}" for symbol, value in temporaries]
    # A lone integer output is an index or a count (n_min = 1), as before this printer
    # typed constants: it stays an int.
    lines += [
        f"{name} = {value.p if value.is_Integer else printer.doprint(value)}"
        for name, value in zip(names, reduced)
    ]
    imports, helpers = tuple(sorted(printer.module_imports)), tuple(sorted(printer.helpers))
    return PrintedBlock(tuple(lines), imports, helpers)
