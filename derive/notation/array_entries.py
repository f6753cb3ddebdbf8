"""Entries of array expressions: what a Table, a product or a stack holds at an index.

Every array expression is compared entry by entry; `entry` reduces one to a scalar at a
1-based index whose components are numbers or, on axes of symbolic size, symbols (so a
proof about that entry holds for every index). Contractions are written out at numeric
sizes and become Sums at symbolic ones.
"""

from __future__ import annotations

import functools
import itertools

import sympy
from sympy import Add, Dummy, Expr, Integer, Mul, Piecewise, Sum

from derive.notation.arrays import (
    ArrayError,
    ArrayLiteral,
    ArraySum,
    Concat,
    Diagonal,
    Dot,
    Hadamard,
    Outer,
    ShapeMismatch,
    Stack,
    Table,
    Transposed,
    dims_equal,
    has_arrays,
    shape,
    show_shape,
)


def _over(term, size) -> Expr:
    """Σ_{κ=1}^{size} term(κ): written out when the size is a number, else a Sum."""
    if sympy.sympify(size).is_Integer:
        return Add(*(term(Integer(k)) for k in range(1, int(size) + 1)))
    k = Dummy("κ", integer=True, positive=True)
    return Sum(term(k), (k, 1, size))


@functools.lru_cache(maxsize=8192)
def entry(expr, index: tuple) -> Expr:
    """The scalar entry of `expr` at the 1-based `index` (symbols allowed on symbolic axes)."""
    if not has_arrays(expr):
        return expr
    rule = _ENTRIES.get(type(expr))
    if rule is not None:
        return rule(expr, index)
    if isinstance(expr, ArraySum):
        return Sum(entry(expr.function, index), *expr.limits)
    return expr.func(*(_broadcast_entry(a, index) for a in expr.args))


def _broadcast_entry(operand, index: tuple) -> Expr:
    # A scalar operand (shape ()) broadcasts: its one entry sits at ().
    return entry(operand, index if shape(operand) else ())


def _table_entry(expr: Table, index: tuple) -> Expr:
    # subs, not xreplace: a Sum in the body may bind a symbol of the same name.
    mapping = {i: lo + k - 1 for (i, lo, _), k in zip(expr.limits, index)}
    return entry(expr.function.subs(mapping, simultaneous=True), ())


def _literal_entry(expr: ArrayLiteral, index: tuple) -> Expr:
    if not all(sympy.sympify(k).is_Integer for k in index):
        # A symbolic index (a part of a Concat whose other parts have symbolic sizes): the
        # entry it selects, with Kronecker deltas.
        grid = itertools.product(*(range(1, n + 1) for n in expr.dims))
        return Add(
            *(
                Mul(*(sympy.KroneckerDelta(k, at) for k, at in zip(index, position)))
                * _literal_entry(expr, tuple(map(Integer, position)))
                for position in grid
            )
        )
    flat = 0
    for k, n in zip(index, expr.dims):
        flat = flat * n + int(k) - 1
    return expr.values[flat]


def _dot_entry(expr: Dot, index: tuple) -> Expr:
    left, right = expr.args
    rows, cols = index[: len(shape(left)) - 1], index[len(shape(left)) - 1 :]
    if isinstance(right, Concat) or isinstance(left, Concat):
        return _split_dot(left, rows, right, cols)
    return _over(lambda k: entry(left, rows + (k,)) * entry(right, (k,) + cols), shape(left)[-1])


def _split_dot(left, rows: tuple, right, cols: tuple) -> Expr:
    """X @ [a; b] = X[:, :n] @ a + X[:, n:] @ b, and [a; b] @ Y alike: no Piecewise needed."""
    joined = right if isinstance(right, Concat) else left
    total, offset = [], Integer(0)
    for part in joined.args:
        if joined is right:
            term = lambda k, p=part, o=offset: entry(left, rows + (o + k,)) * entry(p, (k,))  # noqa: E731
        else:
            term = lambda k, p=part, o=offset: entry(p, (k,)) * entry(right, (o + k,) + cols)  # noqa: E731
        total.append(_over(term, shape(part)[0]))
        offset += shape(part)[0]
    return Add(*total)


def _choose(cases: list) -> Expr:
    """The value of the first (value, condition) case whose condition holds: direct when
    the conditions are decided, else a Piecewise."""
    for value, condition in cases:
        if condition == sympy.true or condition is True:
            return value
        if condition != sympy.false:
            return Piecewise(*cases[: len(cases) - 1], (cases[-1][0], True))
    raise ArrayError("an index lies outside every part")


def _concat_entry(expr: Concat, index: tuple) -> Expr:
    (r,) = index
    cases, offset = [], Integer(0)
    for part in expr.args:
        size = shape(part)[0]
        condition = sympy.Le(r, offset + size)
        if condition != sympy.false:  # else r lies past this part: its entry is never read
            cases.append((entry(part, (r - offset,)), condition))
            if condition == sympy.true:
                break
        offset += size
    return _choose(cases)


def _stack_entry(expr: Stack, index: tuple) -> Expr:
    r, c = index
    return _choose([(entry(row, (c,)), sympy.Eq(r, k + 1)) for k, row in enumerate(expr.args)])


_ENTRIES = {
    Table: _table_entry,
    ArrayLiteral: _literal_entry,
    Dot: _dot_entry,
    Hadamard: lambda e, i: Mul(*(_broadcast_entry(a, i) for a in e.args)),
    Outer: lambda e, i: entry(e.args[0], i[:1]) * entry(e.args[1], i[1:]),
    Transposed: lambda e, i: entry(e.args[0], i[::-1]),
    Diagonal: lambda e, i: entry(e.args[0], i + i),
    Stack: _stack_entry,
    Concat: _concat_entry,
}


def paired_entries(lhs, rhs) -> list[tuple[str, Expr, Expr]]:
    """(label, lhs entry, rhs entry) for every entry of two sides of one shape; generic
    symbols index the axes whose size is a symbol."""
    left, right = shape(lhs), shape(rhs)
    # SymPy turns 0·A into the scalar 0 (a size factor n - 1 at n = 1): it stands for
    # the zero array, as NumPy would broadcast it.
    left, right = (right if lhs == 0 else left), (left if rhs == 0 else right)
    same = len(left) == len(right) and all(dims_equal(a, b) for a, b in zip(left, right))
    if not same:
        raise ShapeMismatch(
            f"the left side has {show_shape(left)}, the right side {show_shape(right)}"
        )
    axes = [
        range(1, int(n) + 1) if n.is_Integer else [axis_index(k, n)]
        for k, n in enumerate(map(sympy.sympify, left))
    ]
    pairs = []
    for index in itertools.product(*axes):
        index = tuple(map(sympy.sympify, index))
        label = f"[{', '.join(map(str, index))}]" if index else ""
        pairs.append((label, entry(lhs, index), entry(rhs, index)))
    return pairs


@functools.cache
def axis_index(axis: int, size) -> Dummy:
    """The generic index of a symbolic axis, 1 ≤ index ≤ size: one object per axis and size,
    so that `axis_ranges` can say where it lies."""
    return Dummy(f"i{axis}", integer=True, positive=True)


def axis_ranges(expr) -> dict:
    """{index: (1, size)} for the generic indices `paired_entries` gives `expr`'s symbolic axes."""
    try:
        sizes = map(sympy.sympify, shape(expr)) if has_arrays(expr) else ()
    except (ArrayError, ShapeMismatch):
        return {}  # paired_entries says what is wrong
    return {axis_index(k, n): (Integer(1), n) for k, n in enumerate(sizes) if not n.is_Integer}


def tabulate(expr):
    """Write out what numeric sizes make explicit: each Table becomes the ArrayLiteral of its
    entries, and each ArraySum over a numeric range the sum of its terms."""
    if not has_arrays(expr):
        return expr
    expr = expr.replace(_is_numeric_table, _literal)
    return expr.replace(_is_numeric_array_sum, _written_out)


def _is_numeric_table(node) -> bool:
    return isinstance(node, Table) and all((hi - lo).is_Integer for _, lo, hi in node.limits)


def _literal(node: Table) -> ArrayLiteral:
    dims = shape(node)
    if any(n < 0 for n in dims):
        raise ArrayError(f"{node} has a negative size")
    grid = itertools.product(*(range(1, int(n) + 1) for n in dims))
    return ArrayLiteral(dims, [entry(node, tuple(map(Integer, k))) for k in grid])


def _is_numeric_array_sum(node) -> bool:
    return isinstance(node, ArraySum) and all((hi - lo).is_Integer for _, lo, hi in node.limits)


def _written_out(node: ArraySum):
    """The terms of an ArraySum; an empty one (a reversed range included, as for Σ) is the
    zero array of the terms' shape."""
    body, (index, lo, hi) = node.function, node.limits[0]
    if len(node.limits) > 1:
        inner = _written_out(ArraySum(body, (index, lo, hi)))
        return _written_out(ArraySum(inner, *node.limits[1:]))
    terms = [body.subs(index, k) for k in range(int(lo), int(hi) + 1)]
    if terms:
        return Add(*terms)
    return Table(0, *((Dummy("ζ", integer=True), 1, n) for n in shape(body)))
