"""The one entry protocol: what an array or a matrix view holds at a 1-based index.

`entry(expr, index)` reduces an array expression (derive.notation.arrays) or a matrix view
(derive.notation.tensors, with SymPy's MatMul, MatAdd, Transpose, ...) to a scalar at an index
whose components are numbers or symbols (so a proof about that entry holds for every index).
One table holds every rule, and the two notations share the rules of what they share
(transpose, entrywise product, an entry of written-out values). Array contractions are written
out at numeric sizes and become Sums at symbolic ones; matrix products stay Sums, and their
shapes are guarded (`ShapeCheck`) rather than required.
"""

from __future__ import annotations

import functools
import itertools
import math

import sympy
from sympy import Add, Dummy, Expr, Integer, KroneckerDelta, Mul, Piecewise, Sum
from sympy.matrices.expressions import (
    HadamardProduct,
    Identity,
    Inverse,
    MatAdd,
    MatMul,
    MatPow,
    MatrixExpr,
    Transpose,
    ZeroMatrix,
)

from derive.notation.aggregates import call, rename_bound, substituted
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
    guarded,
    has_arrays,
    shape,
    show_shape,
)
from derive.notation.sequences import LoweringError
from derive.notation.tensors import Adjugate, Tabulated, node_pairs


def _over(term, size) -> Expr:
    """Σ_{κ=1}^{size} term(κ): written out when the size is a number, else a Sum."""
    if sympy.sympify(size).is_Integer:
        return Add(*(term(Integer(k)) for k in range(1, int(size) + 1)))
    k = Dummy("κ", integer=True, positive=True)
    return Sum(term(k), (k, 1, size))


def entry(expr, index: tuple) -> Expr:
    """The scalar entry of `expr` at the 1-based `index` (symbols allowed on symbolic axes).

    >>> i, j, n = sympy.symbols("i j n", integer=True)
    >>> A = sympy.IndexedBase("A")
    >>> entry(Transposed(Table(A[i, j], (i, 1, 2), (j, 1, n))), (3, 1))
    A[1, 3]
    >>> from derive.notation.tensors import matrix
    >>> entry(matrix(A, 2, n).T, (3, 1))
    A[1, 3]
    """
    if isinstance(expr, MatrixExpr):
        # Not cached: each matrix product's entry sums over indices of its own.
        rule = next((_ENTRIES[t] for t in type(expr).__mro__ if t in _ENTRIES), None)
        if rule is None:
            raise _no_index_form(expr)
        if len(index) != 2:  # else a view's Lambda would keep an index unsubstituted
            raise ArrayError(f"{expr} is a matrix: an entry of it has two indices, not {index}")
        return rule(expr, tuple(index))
    return _array_entry(expr, tuple(index))


@functools.lru_cache(maxsize=8192)
def _array_entry(expr, index: tuple) -> Expr:
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
    """The body at the position `index`, through `substituted`: the body may bind a symbol
    that the position's values hold (a Table's end is an enclosing sum's index), which a
    simultaneous subs captures as it replaces its stand-ins in the end. ArraySum over t of
    Table(Σ_t i·x_t, (i, t, t + 1)) read Σ_t x_t·t for i there, and was PROVED wrong
    (helper 157)."""
    mapping = {i: lo + k - 1 for (i, lo, _), k in zip(expr.limits, index)}
    return entry(substituted(expr.function, mapping), ())


def _literal_entry(expr: ArrayLiteral, index: tuple) -> Expr:
    strides = [math.prod(expr.dims[k + 1 :]) for k in range(len(expr.dims))]
    return _grid_entry(
        lambda at: expr.values[sum((k - 1) * n for k, n in zip(at, strides))], expr.dims, index
    )


def _grid_entry(value_at, dims: tuple, index: tuple) -> Expr:
    """The entry at `index` of the values `value_at(position)` on a grid of numeric `dims`;
    a component that is a symbol selects its entry with Kronecker deltas (so the claim still
    holds for every value of it)."""
    for k, n in zip(index, dims):
        if sympy.sympify(k).is_Integer and not 1 <= int(k) <= n:
            raise LoweringError(
                f"entry ({', '.join(map(str, index))}) of a {' × '.join(map(str, dims))}"
                f" {'matrix' if len(dims) == 2 else 'array'}: indices run from 1 to {n}"
            )
    axes = [
        [int(k)] if sympy.sympify(k).is_Integer else range(1, n + 1) for k, n in zip(index, dims)
    ]
    return Add(
        *(
            Mul(*(KroneckerDelta(at, k) for at, k in zip(position, index))) * value_at(position)
            for position in itertools.product(*axes)
        )
    )


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


def _no_index_form(X) -> LoweringError:  # a matrix expression the table has no rule for
    return LoweringError(
        f"no index form for {X} ({type(X).__name__}): use the views of derive.notation.tensors"
    )


def _transposed_entry(expr, index: tuple) -> Expr:
    return entry(expr.args[0], index[::-1])


def _entrywise_product(expr, index: tuple) -> Expr:
    return Mul(*(_broadcast_entry(a, index) for a in expr.args))


def _matrix_sum_entry(X: MatAdd, index: tuple) -> Expr:
    return guarded(Add(*(entry(term, index) for term in X.args)), node_pairs(X), str(X))


def _matrix_product_entry(X: MatMul, index: tuple) -> Expr:
    coefficient, factors = X.as_coeff_matrices()
    return _chained_entry(X, coefficient, factors, index)


def _chained_entry(X, coefficient, factors, index: tuple) -> Expr:
    """Entry `index` of coefficient·factors[0]·factors[1]·…, summed over the inner indices,
    guarded by X's dimension pairs."""
    r, c = index

    def chained(*inner):
        rows, cols = (r, *inner), (*inner, c)
        return Mul(*(entry(f, (i, j)) for f, i, j in zip(factors, rows, cols)))

    pairs = node_pairs(X)
    inner = [f.shape[1] for f in factors[:-1]]
    return guarded(coefficient * _summed(chained, inner), pairs, str(X))


MAX_POWER = 16  # the largest positive power of a matrix written out as a product


def _power_entry(X: MatPow, index: tuple) -> Expr:
    """W**k, k a positive integer (SymPy writes W*W so), as the product of k factors W;
    W**-1 as the inverse."""
    k = X.exp
    if k.is_Integer and 1 <= k <= MAX_POWER:
        return _chained_entry(X, sympy.S.One, [X.base] * int(k), index)
    return _inverse_entry(X, index)


def _inverse_entry(X, index: tuple) -> Expr:
    if isinstance(X, MatPow) and X.exp != -1:
        raise _no_index_form(X)
    written = written_out(X.args[0])
    return _written_entry(written.adjugate(method="berkowitz"), index) / written.det(
        method="berkowitz"
    )


def _written_entry(written: sympy.ImmutableMatrix, index: tuple) -> Expr:
    return _grid_entry(lambda at: written[at[0] - 1, at[1] - 1], written.shape, index)


_ENTRIES = {
    Table: _table_entry,
    ArrayLiteral: _literal_entry,
    Dot: _dot_entry,
    Hadamard: _entrywise_product,
    Outer: lambda e, i: entry(e.args[0], i[:1]) * entry(e.args[1], i[1:]),
    Transposed: _transposed_entry,
    Diagonal: lambda e, i: entry(e.args[0], i + i),
    Stack: _stack_entry,
    Concat: _concat_entry,
    # matrix views: SymPy's matrix expressions and derive.notation.tensors
    Tabulated: lambda X, i: call(X.body, *i),
    Transpose: _transposed_entry,
    HadamardProduct: lambda X, i: guarded(_entrywise_product(X, i), node_pairs(X), str(X)),
    MatAdd: _matrix_sum_entry,
    MatMul: _matrix_product_entry,
    Adjugate: lambda X, i: _written_entry(written_out(X.arg).adjugate(method="berkowitz"), i),
    Inverse: _inverse_entry,
    MatPow: _power_entry,
    Identity: lambda X, i: KroneckerDelta(*i),
    ZeroMatrix: lambda X, i: sympy.S.Zero,
}


def _summed(body, dims):
    """Σ over one fresh 1-based index per dimension of body(indices); a dimension that is
    literally 1 takes the index 1 instead of a sum.

    Not `_over`: a matrix product's entry stays a Sum at numeric sizes too (expand_aggregates
    writes it out where a claim is instantiated), the index form matrix claims are proved in.
    """
    indices, limits = [], []
    for dim in dims:
        if dim == 1:
            indices.append(sympy.S.One)
            continue
        index = sympy.Dummy("k", integer=True)
        indices.append(index)
        limits.append((index, 1, dim))
    inner = body(*indices)
    return Sum(inner, *reversed(limits)) if limits else inner


def written_out(X) -> sympy.ImmutableMatrix:
    """The square matrix X with its entries written out: its size must be a number.

    >>> from derive.notation.tensors import matrix
    >>> written_out(matrix(sympy.IndexedBase("A"), 2, 2).T)
    Matrix([
    [A[1, 1], A[2, 1]],
    [A[1, 2], A[2, 2]]])
    """
    rows, cols = (sympy.sympify(n) for n in X.shape)  # an explicit matrix's are ints
    if not (rows.is_Integer and cols.is_Integer):
        raise LoweringError(
            f"{X} has size {rows} × {cols}: det, inverse and adjugate need a numeric size"
        )
    if rows != cols:
        raise LoweringError(
            f"{X} is {rows} × {cols}: det, inverse and adjugate need a square matrix"
        )
    if isinstance(X, sympy.MatrixBase):
        return sympy.ImmutableMatrix(X)  # an explicit matrix: its entries as they are
    return sympy.ImmutableMatrix(int(rows), int(cols), lambda a, b: entry(X, (a + 1, b + 1)))


def matrix_inner(X, Y):
    """⟨X, Y⟩ of two matrix views, Σ_ab X[a, b] Y[a, b], guarded by their shapes agreeing.

    >>> from derive.notation.tensors import matrix
    >>> A, B = sympy.IndexedBase("A"), sympy.IndexedBase("B")
    >>> matrix_inner(matrix(A, 1, 2), matrix(B, 1, 2)).doit()
    A[1, 1]*B[1, 1] + A[1, 2]*B[1, 2]
    """
    total = _summed(lambda a, b: entry(X, (a, b)) * entry(Y, (a, b)), X.shape)
    return guarded(total, zip(X.shape, Y.shape), f"⟨{X}, {Y}⟩")


def matrix_trace(X):
    """trace(X) of a matrix view, Σ_a X[a, a], guarded by X being square.

    >>> from derive.notation.tensors import matrix
    >>> matrix_trace(matrix(sympy.IndexedBase("A"), 2, 2)).doit()
    A[1, 1] + A[2, 2]
    """
    total = _summed(lambda a: entry(X, (a, a)), X.shape[:1])
    return guarded(total, [X.shape], f"trace({X})")


def paired_entries(lhs, rhs) -> list[tuple[str, Expr, Expr]]:
    """(label, lhs entry, rhs entry) for every entry of two sides of one shape; generic
    symbols index the axes whose size is a symbol."""
    left, right = shape(lhs), shape(rhs)
    # A scalar side broadcasts, as in NumPy: sigmoid(a) < 1 compares every entry with 1.
    # (SymPy also turns 0·A into the scalar 0, a size factor n - 1 at n = 1: the zero array.)
    left, right = (left or right), (right or left)
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


def write_out_numeric(expr):
    """Write out what numeric sizes make explicit: each Table becomes the ArrayLiteral of its
    entries, and each ArraySum over a numeric range the sum of its terms.

    (Not `tensors.tabulate`, which builds a column-vector view from an entry.)

    >>> i = sympy.Symbol("i", integer=True)
    >>> write_out_numeric(Table(i * i, (i, 1, 3)))
    array(3,)[1, 4, 9]
    """
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
    # The width is a number; the ends may be symbolic (a window j = n .. n + 1). Bound
    # indices of the terms named like the index or an end's symbols are renamed first.
    body = rename_bound(body, {index} | lo.free_symbols)
    terms = [body.xreplace({index: lo + k}) for k in range(int(hi - lo) + 1)]
    if terms:
        return Add(*terms)
    return Table(0, *((Dummy("ζ", integer=True), 1, n) for n in shape(body)))
