"""Matrix and vector notation over a document's tensors, lowered to index form before proof.

A `Tabulated` view names a matrix by its 1-based entries (a tensor, a definition's outputs, a
derived gradient); SymPy's `MatMul`, `MatAdd`, `Transpose` and `Trace` and our `Inner` and
`Entry` combine views. `lower` rewrites all of it, and the sequence notation of
`derive.notation.sequences`, into explicit sums over index ranges, which the engine then treats like
any other expression. A shape that holds only at some sizes becomes a `ShapeCheck`.
"""

from __future__ import annotations

import sympy
from sympy import Add, Basic, Expr, KroneckerDelta, Lambda, Mul, Sum, Tuple
from sympy.core.symbol import Str
from sympy.matrices.expressions import (
    Determinant,
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
from sympy.printing.pretty.stringpict import prettyForm

from derive.notation import sequences
from derive.notation.aggregates import call, rename_bound
from derive.notation.arrays import ShapeMismatch  # one exception for every shape check
from derive.notation.sequences import LoweringError
from derive.notation.sequences import SequenceNotation as Notation  # one printable base


class Tabulated(MatrixExpr):
    """The rows × cols matrix whose 1-based entry (r, c) is `body(r, c)`; prints as `name`."""

    def __new__(cls, name, body: Lambda, rows, cols):
        return Basic.__new__(cls, Str(str(name)), body, sympy.sympify(rows), sympy.sympify(cols))

    name = property(lambda self: self.args[0].name)
    body = property(lambda self: self.args[1])
    shape = property(lambda self: (self.args[2], self.args[3]))

    def _entry(self, i, j, **kwargs):
        return self.body(i + 1, j + 1)  # SymPy numbers entries from 0

    def doit(self, **hints):
        # SymPy's doit would differentiate an entry ∂f/∂x[r] with f still opaque, giving 0;
        # entries are evaluated only by the engine, after unfolding.
        return self

    def _sympystr(self, printer):
        return self.name

    def _pretty(self, printer):
        return prettyForm(self.name)

    def _latex(self, printer):
        return self.name


def _cell():
    return sympy.Dummy("r", integer=True), sympy.Dummy("c", integer=True)


def vector(tensor, rows, name: str = "") -> Tabulated:
    """The column vector tensor[1..rows]."""
    r, c = _cell()
    return Tabulated(name or tensor.label, Lambda((r, c), tensor[r]), rows, 1)


def matrix(tensor, rows, cols, name: str = "") -> Tabulated:
    """The matrix tensor[1..rows, 1..cols]."""
    r, c = _cell()
    return Tabulated(name or tensor.label, Lambda((r, c), tensor[r, c]), rows, cols)


def scalar(value, name: str = "") -> Tabulated:
    """A scalar read as a 1 × 1 matrix."""
    r, c = _cell()
    return Tabulated(name or str(value), Lambda((r, c), value), 1, 1)


def tabulate(name: str, index, entry, rows) -> Tabulated:
    """The column vector whose entry at `index` is `entry` (a definition, a derivative...).

    Only the free occurrences of `index` are the row: a sum in `entry` that binds the same
    name keeps its own index (renamed first, so the row cannot capture it)."""
    r, c = _cell()
    entry = rename_bound(sympy.sympify(entry), {index})
    return Tabulated(name, Lambda((r, c), entry.xreplace({index: r})), rows, 1)


class Inner(Notation):
    """⟨X, Y⟩: the sum of the entrywise products of two matrices or two sequences."""

    def _text(self, show):
        return f"⟨{show(self.args[0])}, {show(self.args[1])}⟩"


class Entry(Notation):
    """The 1-based entry X[r, c] of a matrix, or X[r] of a vector or sequence."""

    def __new__(cls, X, *indices):
        return Expr.__new__(cls, X, *(sympy.sympify(i) for i in indices))

    def _text(self, show):
        X, indices = self.args[0], self.args[1:]
        bare = (Tabulated, sequences.Seq, sequences.SeqOf, sequences.Correlate, sequences.Convolve)
        head = show(X) if isinstance(X, bare) else f"({show(X)})"
        return f"{head}[{', '.join(show(i) for i in indices)}]"


class Adjugate(MatrixExpr):
    """adj(X), the transpose of X's cofactor matrix: X·adj(X) = det(X)·I. Square matrices
    of a numeric size (the entries are written out)."""

    def __new__(cls, X):
        return Basic.__new__(cls, X)

    arg = property(lambda self: self.args[0])
    shape = property(lambda self: self.arg.shape)

    def _sympystr(self, printer):
        return f"adj({printer._print(self.arg)})"


def det(X) -> Determinant:
    """det(X) of a square matrix view of a numeric size."""
    return Determinant(X)


def inverse(X) -> Inverse:
    """X⁻¹ of a square matrix view of a numeric size: adj(X)/det(X) entrywise."""
    return Inverse(X)


def adjugate(X) -> Adjugate:
    return Adjugate(X)


class HasShape(Notation):
    """[X ∈ ℝ^(rows × cols)]: 1 where X is well formed with that shape; a shape mismatch (so
    a refutation) at sizes where it is not."""

    def _text(self, show):
        X, rows, cols = self.args
        own = "×".join(show(d) for d in X.shape)
        return f"[{show(X)} ({own}) ∈ ℝ^({show(rows)}×{show(cols)})]"


class ShapeCheck(Expr):
    """`expr`, defined only where each pair of dimensions agrees; it unwraps itself once the
    sizes make every pair equal and refuses to exist where a pair is unequal."""

    def __new__(cls, expr, pairs, what):
        pairs = Tuple(*(Tuple(*p) for p in pairs))
        agree = [sympy.expand(a - b) for a, b in pairs]
        if all(d == 0 for d in agree):
            return expr
        if any(d.is_number and d != 0 for d in agree):
            shown = ", ".join(f"{a} vs {b}" for (a, b), d in zip(pairs, agree) if d != 0)
            raise ShapeMismatch(f"{what}: the dimensions differ ({shown})")
        return Expr.__new__(cls, expr, pairs, what if isinstance(what, Str) else Str(what))

    expr = property(lambda self: self.args[0])
    what = property(lambda self: self.args[2].name)


def guarded(expr, pairs, what: str):
    return ShapeCheck(expr, [(a, b) for a, b in pairs], what)


def _summed(body, dims):
    """Σ over one fresh 1-based index per dimension of body(indices); a dimension that is
    literally 1 takes the index 1 instead of a sum."""
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


def matrix_inner(X, Y):
    total = _summed(lambda a, b: entry(X, a, b) * entry(Y, a, b), X.shape)
    return guarded(total, zip(X.shape, Y.shape), f"⟨{X}, {Y}⟩")


def matrix_trace(X):
    total = _summed(lambda a: entry(X, a, a), X.shape[:1])
    return guarded(total, [X.shape], f"trace({X})")


def entry(X, r, c):
    """The 1-based entry (r, c) of the matrix expression X, as an index-form expression."""
    if isinstance(X, Tabulated):
        return call(X.body, r, c)
    if isinstance(X, Transpose):
        return entry(X.arg, c, r)
    if isinstance(X, MatAdd):
        terms = [entry(term, r, c) for term in X.args]
        pairs = [p for t in X.args[1:] for p in zip(t.shape, X.args[0].shape)]
        return guarded(Add(*terms), pairs, str(X))
    if isinstance(X, MatMul):
        return _product_entry(X, r, c)
    if isinstance(X, HadamardProduct):
        return Mul(*(entry(factor, r, c) for factor in X.args))
    if isinstance(X, Adjugate):
        return _at(written_out(X.arg).adjugate(method="berkowitz"), r, c)
    if isinstance(X, Inverse) or (isinstance(X, MatPow) and X.exp == -1):
        written = written_out(X.args[0])
        return _at(written.adjugate(method="berkowitz"), r, c) / written.det(method="berkowitz")
    if isinstance(X, Identity):
        return KroneckerDelta(r, c)
    if isinstance(X, ZeroMatrix):
        return sympy.S.Zero
    raise LoweringError(
        f"no index form for {X} ({type(X).__name__}): use the views of derive.notation.tensors"
    )


def written_out(X) -> sympy.ImmutableMatrix:
    """The square matrix X with its entries written out: its size must be a number."""
    rows, cols = X.shape
    if not (rows.is_Integer and cols.is_Integer):
        raise LoweringError(
            f"{X} has size {rows} × {cols}: det, inverse and adjugate need a numeric size"
        )
    if rows != cols:
        raise LoweringError(
            f"{X} is {rows} × {cols}: det, inverse and adjugate need a square matrix"
        )
    return sympy.ImmutableMatrix(int(rows), int(cols), lambda a, b: entry(X, a + 1, b + 1))


def _at(written, r, c):
    """Entry (r, c) of a written-out matrix; an index that is a symbol selects its entry with
    Kronecker deltas (so the claim still holds for every value of it)."""
    for index, size in ((r, written.rows), (c, written.cols)):
        if sympy.sympify(index).is_Integer and not 1 <= int(index) <= size:
            raise LoweringError(
                f"entry ({r}, {c}) of a {written.rows} × {written.cols} matrix: indices run from 1"
                f" to {size}"
            )
    rows = [r] if sympy.sympify(r).is_Integer else range(1, written.rows + 1)
    cols = [c] if sympy.sympify(c).is_Integer else range(1, written.cols + 1)
    return Add(
        *(
            KroneckerDelta(a, r) * KroneckerDelta(b, c) * written[int(a) - 1, int(b) - 1]
            for a in rows
            for b in cols
        )
    )


def _product_entry(X: MatMul, r, c):
    coefficient, factors = X.as_coeff_matrices()
    pairs = [(a.shape[1], b.shape[0]) for a, b in zip(factors, factors[1:])]

    def chained(*inner):
        rows = (r, *inner)
        cols = (*inner, c)
        return Mul(*(entry(f, i, j) for f, i, j in zip(factors, rows, cols)))

    total = _summed(chained, [a for a, _ in pairs])
    return guarded(coefficient * total, pairs, str(X))


def operand_pairs(X) -> list:
    """The dimension pairs that must agree for X to be well formed (sums and products)."""
    pairs = []
    for node in sympy.preorder_traversal(X):
        if isinstance(node, MatAdd):
            pairs += [p for t in node.args[1:] for p in zip(t.shape, node.args[0].shape)]
        elif isinstance(node, MatMul):
            _, factors = node.as_coeff_matrices()
            pairs += [(a.shape[1], b.shape[0]) for a, b in zip(factors, factors[1:])]
    return pairs
