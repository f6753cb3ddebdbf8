"""Arrays whose sizes stay symbols until a claim is decided, and the one shape policy.

Array expressions follow NumPy (1-D and 2-D arrays, `Dot` is numpy.matmul, scalars
broadcast, functions act entrywise) but are never checked when built: SymPy's own matrix
expressions raise ShapeError at import. `shape` gives the shape of either notation (a matrix
view's is SymPy's `.shape`), and `dims_equal` alone decides whether two sizes agree: for every
size, never (ShapeMismatch, naming both), or depending on the sizes. That last case is a
ShapeMismatch in an array operation, whose claim must hold at every size; a matrix view defers
it to a `ShapeCheck`, which a `HasShape` claim may refute at the sizes where it fails.
"""

from __future__ import annotations

import functools

import sympy
from sympy import Add, Expr, Integer, Mul, Sum, Tuple
from sympy.concrete.expr_with_limits import ExprWithLimits
from sympy.core.symbol import Str
from sympy.matrices.expressions import MatrixExpr
from sympy.printing.precedence import PRECEDENCE
from sympy.printing.pretty.stringpict import prettyForm


class ShapeMismatch(Exception):
    """Two shapes that must agree do not (at the sizes given, or for all sizes)."""


class ArrayError(ValueError):
    """An array expression the rules do not give a meaning (a product of two arrays...)."""


class _Printed(Expr):
    """Printing shared by the array nodes: one readable line, also in pretty output."""

    def _pretty(self, printer):
        return prettyForm(sympy.sstr(self))


class Table(ExprWithLimits, _Printed):
    """The 1-D or 2-D array whose entry at the limits' indices is `body`.

    >>> i, j = sympy.symbols("i j", integer=True)
    >>> shape(Table(i * j, (i, 1, 2), (j, 1, 3)))
    (2, 3)
    """

    def __new__(cls, body, *limits):
        if not 1 <= len(limits) <= 2:
            raise ArrayError("a Table has one or two axes")
        if isinstance(body, Table):
            # SymPy would merge the two into one Table whose first axis is the inner one:
            # the transpose of the array of rows written.
            raise ArrayError(
                "a Table's entry is a scalar, not a Table: write a 2-D table as "
                "Table(entry, (i, 1, m), (j, 1, n)), row i, column j"
            )
        variables = [sympy.sympify(tuple(limit)[0]) for limit in limits]
        if len(set(variables)) != len(variables):
            raise ArrayError("a Table's axes need indices of their own names")
        for variable, *ends in (tuple(limit) for limit in limits):
            named = set().union(*(sympy.sympify(e).free_symbols for e in ends)) & set(variables)
            if named:
                # Its shape would change along another axis: no array has such a shape.
                raise ArrayError(
                    f"a Table's ranges are its shape: the range of {variable} names "
                    f"{', '.join(sorted(map(str, named)))}, an index of the same Table"
                )
        return ExprWithLimits.__new__(cls, body, *limits)

    def _sympystr(self, printer):
        axes = ", ".join(
            f"{i} = {printer._print(lo)}..{printer._print(hi)}" for i, lo, hi in self.limits
        )
        return f"[{printer._print(self.function)} | {axes}]"


class ArraySum(ExprWithLimits, _Printed):
    """Σ over the limits of an array-valued body, as Σ_{v∈V} A_v ⊙ B_v.

    Not SymPy's Sum, which treats its terms as numbers: an empty Sum is the scalar 0, so
    tanh of it would lose the shape.
    """

    def _sympystr(self, printer):
        limits = ", ".join(printer._print(tuple(limit)) for limit in self.limits)
        return f"Sum({printer._print(self.function)}, {limits})"


class ArrayLiteral(_Printed):
    """An array with concrete shape and explicit entries (row-major); what a Table becomes
    once its sizes are numbers."""

    def __new__(cls, dims, entries):
        return Expr.__new__(cls, Tuple(*dims), Tuple(*entries))

    dims = property(lambda self: tuple(int(n) for n in self.args[0]))
    values = property(lambda self: self.args[1])

    def _sympystr(self, printer):
        return f"array{self.dims}[{', '.join(printer._print(v) for v in self.values)}]"


class _Operation(_Printed):
    """An array operation on its operands (its arguments); it prints as NumPy would read."""

    arity: int | None = 2
    symbol = ""

    def __new__(cls, *operands):
        if cls.arity is not None and len(operands) != cls.arity:
            raise ArrayError(f"{cls.__name__} takes {cls.arity} operands")
        return Expr.__new__(cls, *map(sympy.sympify, operands))

    def _sympystr(self, printer):
        if self.arity == 2:
            parts = [printer.parenthesize(a, PRECEDENCE["Mul"], strict=True) for a in self.args]
            return f"({f' {self.symbol} '.join(parts)})"
        return f"{self.symbol}({', '.join(printer._print(a) for a in self.args)})"


class Dot(_Operation):
    """numpy.matmul: 1-D @ 1-D is the dot product, 2-D @ 2-D the matrix product."""

    symbol = "@"


class Hadamard(_Operation):
    """The entrywise product of two arrays of one shape (a scalar operand broadcasts)."""

    symbol = "⊙"


class Outer(_Operation):
    """The outer product of two 1-D arrays: entry (i, j) is x_i y_j."""

    symbol = "⊗"


class Transposed(_Operation):
    """The transpose of a 2-D array; a 1-D array is its own transpose, as in NumPy."""

    arity, symbol = 1, "transpose"


class Diagonal(_Operation):
    """The diagonal of a 2-D array, as numpy.diagonal."""

    arity, symbol = 1, "diag"


class Stack(_Operation):
    """1-D arrays of one length as the rows of a 2-D array, as numpy.stack."""

    arity, symbol = None, "stack"


class Concat(_Operation):
    """1-D arrays joined end to end, as [q; k] or numpy.concatenate."""

    arity, symbol = None, "concat"


ARRAYS = (Table, ArraySum, ArrayLiteral, Dot, Hadamard, Outer, Transposed, Diagonal, Stack, Concat)


def has_arrays(expr) -> bool:
    return isinstance(expr, sympy.Basic) and expr.has(*ARRAYS)


def dims_equal(a, b) -> bool | None:
    """True if the sizes a and b agree for every size, False if never, None if it depends.

    >>> n = sympy.Symbol("n", integer=True)
    >>> dims_equal(n + 1, 1 + n), dims_equal(n, n + 1), dims_equal(n, 2)
    (True, False, None)
    """
    gap = sympy.expand(sympy.sympify(a) - b)
    if gap == 0:
        return True
    return False if gap.is_number else None


def show_shape(dims: tuple) -> str:
    """Name a shape in a message.

    >>> show_shape((2,)), show_shape(()), show_shape(("m", "n"))
    ('shape (2,)', 'a scalar', 'shape (m, n)')
    """
    return (
        f"shape ({', '.join(map(str, dims))}{',' if len(dims) == 1 else ''})"
        if dims
        else "a scalar"
    )


def _require_equal(what: str, a, b) -> None:
    if dims_equal(a, b) is not True:
        raise ShapeMismatch(f"{what}: sizes {a} and {b} differ")


class ShapeCheck(Expr):
    """`expr`, defined only where each pair of dimensions agrees; it unwraps itself once the
    sizes make every pair equal and refuses to exist where a pair is unequal.

    >>> n = sympy.Symbol("n", integer=True)
    >>> ShapeCheck(sympy.S.One, [(n, n)], "X + Y"), ShapeCheck(sympy.S.One, [(n, 2)], "X").what
    (1, 'X')
    >>> try:
    ...     ShapeCheck(sympy.S.One, [(n, n + 1)], "X + Y")
    ... except ShapeMismatch as mismatch:
    ...     print(mismatch)
    X + Y: the dimensions differ (n vs n + 1)
    """

    def __new__(cls, expr, pairs, what):
        pairs = Tuple(*(Tuple(*p) for p in pairs))
        agree = [dims_equal(a, b) for a, b in pairs]
        if all(agree):
            return expr
        if False in agree:
            shown = ", ".join(f"{a} vs {b}" for (a, b), same in zip(pairs, agree) if not same)
            raise ShapeMismatch(f"{what}: the dimensions differ ({shown})")
        return Expr.__new__(cls, expr, pairs, what if isinstance(what, Str) else Str(what))

    expr = property(lambda self: self.args[0])
    what = property(lambda self: self.args[2].name)

    def _eval_is_commutative(self):
        # A guarded number commutes as the number does: ⟨B, C⟩ of a guarded sum times a
        # matrix is a scalar times a matrix (noncommutative, SymPy's MatMul refused it).
        return self.expr.is_commutative


def guarded(expr, pairs, what: str):
    """`expr` under the condition that each pair of dimensions agrees (see ShapeCheck).

    >>> m, n = sympy.symbols("m n", integer=True)
    >>> guarded(m * n, zip((m, n), (m, 2)), "A + B").what
    'A + B'
    """
    return ShapeCheck(expr, [(a, b) for a, b in pairs], what)


@functools.lru_cache(maxsize=8192)
def shape(expr) -> tuple:
    """The shape of `expr` (() for a scalar); raises ShapeMismatch where shapes do not fit.

    >>> m, n = sympy.symbols("m n", integer=True)
    >>> A = sympy.MatrixSymbol("A", m, n)
    >>> shape(A), shape(Transposed(A)), shape(m * n)
    ((m, n), (n, m), ())
    """
    if isinstance(expr, MatrixExpr):
        return tuple(expr.shape)  # a matrix view: SymPy checked what it could when built
    if not has_arrays(expr):
        return ()
    rule = _SHAPES.get(type(expr))
    if rule is not None:
        return rule(expr)
    if isinstance(expr, Sum) and shape(expr.function) == ():
        return ()  # of scalars written with arrays (a 1-D @ 1-D product)
    if isinstance(expr, Sum):
        raise ArrayError(f"{expr} sums arrays: write ArraySum (Sum treats its terms as numbers)")
    if isinstance(expr, Mul) and sum(bool(shape(f)) for f in expr.args) > 1:
        raise ArrayError(f"{expr} multiplies two arrays: write Hadamard or Dot")
    if isinstance(expr, (Add, Mul, sympy.Pow, sympy.Function)):
        return _broadcast([shape(a) for a in expr.args], type(expr).__name__)
    if isinstance(expr, sympy.Derivative):
        raise ArrayError(
            f"{expr} differentiates array notation, which derive does not do yet: write the "
            "scalar as a Sum over entries (b @ a as Σ_j b[j] a[j])"
        )
    raise ArrayError(f"{type(expr).__name__} cannot take an array argument")


def _broadcast(shapes: list, what: str) -> tuple:
    """The common shape of entrywise operands; scalars broadcast, arrays must agree."""
    arrays = [s for s in shapes if s]
    for other in arrays[1:]:
        if len(other) != len(arrays[0]):
            raise ShapeMismatch(f"{what} of {show_shape(arrays[0])} and {show_shape(other)}")
        for a, b in zip(arrays[0], other):
            _require_equal(f"{what} of {show_shape(arrays[0])} and {show_shape(other)}", a, b)
    return arrays[0] if arrays else ()


def _table_shape(expr: Table) -> tuple:
    if shape(expr.function):
        raise ArrayError(f"the body of {expr} must be a scalar (a 1-D @ 1-D product is one)")
    return tuple(hi - lo + 1 for _, lo, hi in expr.limits)


def _sum_shape(expr: ArraySum) -> tuple:
    dims = shape(expr.function)
    if any(d.has(*expr.variables) for d in map(sympy.sympify, dims)):
        raise ArrayError(f"the shape of the terms of {expr} depends on its index")
    return dims


def _dot_shape(expr) -> tuple:
    left, right = shape(expr.args[0]), shape(expr.args[1])
    if not left or not right:
        raise ArrayError("Dot needs two arrays (numpy.matmul rejects scalars)")
    what = f"matmul of {show_shape(left)} and {show_shape(right)}"
    _require_equal(what, left[-1], right[0])
    return left[:-1] + right[1:]


def _outer_shape(expr) -> tuple:
    left, right = shape(expr.args[0]), shape(expr.args[1])
    if len(left) != 1 or len(right) != 1:
        raise ShapeMismatch(f"outer product of {show_shape(left)} and {show_shape(right)}")
    return left + right


def _diagonal_shape(expr) -> tuple:
    dims = shape(expr.args[0])
    if len(dims) != 2:
        raise ShapeMismatch(f"diagonal of {show_shape(dims)}")
    return (sympy.Min(*dims),)


def _stack_shape(expr) -> tuple:
    rows = [shape(a) for a in expr.args]
    if not rows:
        raise ArrayError("stack of no rows: a Stack needs at least one")
    if any(len(r) != 1 for r in rows):
        raise ShapeMismatch(f"stack of {', '.join(map(show_shape, rows))}: rows must be 1-D")
    _broadcast(rows, "stack")
    return (Integer(len(rows)), rows[0][0])


def _concat_shape(expr) -> tuple:
    parts = [shape(a) for a in expr.args]
    if not parts:
        raise ArrayError("concat of no parts: a Concat needs at least one")
    if any(len(p) != 1 for p in parts):
        raise ShapeMismatch(f"concat of {', '.join(map(show_shape, parts))}: parts must be 1-D")
    return (Add(*(p[0] for p in parts)),)


_SHAPES = {
    Table: _table_shape,
    ArraySum: _sum_shape,
    ArrayLiteral: lambda e: tuple(Integer(n) for n in e.dims),
    Dot: _dot_shape,
    Hadamard: lambda e: _broadcast([shape(a) for a in e.args], "Hadamard product"),
    Outer: _outer_shape,
    Transposed: lambda e: shape(e.args[0])[::-1],
    Diagonal: _diagonal_shape,
    Stack: _stack_shape,
    Concat: _concat_shape,
}
