"""Matrix and vector notation over a document's tensors, lowered to index form before proof.

A `Tabulated` view names a matrix by its 1-based entries (a tensor, a definition's outputs, a
derived gradient); SymPy's `MatMul`, `MatAdd`, `Transpose` and `Trace` and our `Inner` and
`Entry` combine views. What an entry of a view is, is said by the one entry protocol,
`derive.notation.array_entries.entry`, and what its shape is by `derive.notation.arrays`
(`shape`, and a `ShapeCheck` for a shape that holds only at some sizes); the engine's `desugar`
rewrites a claim with them, and the sequence notation, into explicit sums over index ranges.
"""

from __future__ import annotations

import sympy
from sympy import Basic, Expr, Lambda
from sympy.core.function import AppliedUndef
from sympy.core.symbol import Str
from sympy.matrices.expressions import (
    Determinant,
    HadamardProduct,
    Inverse,
    MatAdd,
    MatMul,
    MatPow,
    MatrixExpr,
)
from sympy.printing.pretty.stringpict import prettyForm

from derive.notation import sequences
from derive.notation.aggregates import rename_bound
from derive.notation.arrays import (  # noqa: F401  (the shape policy, for users of this path)
    ShapeCheck,
    ShapeMismatch,
    guarded,
)
from derive.notation.corrections import held
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
    if index in held(entry) - entry.free_symbols:
        # The row cannot reach into a body: a column of f() with f := x[c] was x_c in every
        # row, and colᵀx = x_c·Σ x was PROVED (helper 160).
        shown = sorted(str(a.func) for a in entry.atoms(AppliedUndef) if index in held(a))
        raise ValueError(
            f"tabulate {name}: the definition {shown[0]} reads {index} in its body, where "
            f"the row cannot reach: make {index} a parameter of it and tabulate "
            f"{shown[0]}({index})"
        )
    return Tabulated(name, Lambda((r, c), entry.xreplace({index: r})), rows, 1)


class Scalar(Notation):
    """A notation whose value is a number: it commutes in a product (⟨B, C⟩·A is a scalar
    times a matrix; as SymPy's default, noncommutative, it made a MatMul SymPy cannot even
    print; helper 147)."""

    is_commutative = True


class Inner(Scalar):
    """⟨X, Y⟩: the sum of the entrywise products of two matrices or two sequences."""

    def _text(self, show):
        return f"⟨{show(self.args[0])}, {show(self.args[1])}⟩"


class Entry(Scalar):
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


class HasShape(Scalar):
    """[X ∈ ℝ^(rows × cols)]: 1 where X is well formed with that shape; a shape mismatch (so
    a refutation) at sizes where it is not."""

    def _text(self, show):
        X, rows, cols = self.args
        own = "×".join(show(d) for d in X.shape)
        return f"[{show(X)} ({own}) ∈ ℝ^({show(rows)}×{show(cols)})]"


def operand_pairs(X) -> list:
    """The dimension pairs that must agree for X to be well formed (sums and products).

    >>> m, n, k = sympy.symbols("m n k", integer=True)
    >>> A, B, C = (sympy.MatrixSymbol(name, *dims) for name, dims in
    ...            (("A", (m, n)), ("B", (n, k)), ("C", (m, k))))
    >>> operand_pairs(A * B + C)
    [(m, m), (k, k), (n, n)]
    """
    return [p for node in sympy.preorder_traversal(X) for p in node_pairs(node)]


def node_pairs(node) -> list:
    """The dimension pairs that one node needs to agree: a sum's, Hadamard product's or inner
    product's terms their shapes, a product's factors their inner sizes, the square matrix
    that an inverse, a power, an adjugate or a determinant takes its rows and columns, and an
    operand lowered already (a ShapeCheck) its own pairs (none for others)."""
    if isinstance(node, (MatAdd, HadamardProduct)):
        return [p for t in node.args[1:] for p in zip(t.shape, node.args[0].shape)]
    if isinstance(node, MatMul):
        _, factors = node.as_coeff_matrices()
        return [(a.shape[1], b.shape[0]) for a, b in zip(factors, factors[1:])]
    if isinstance(node, (Inverse, MatPow, Adjugate, Determinant)):
        return [tuple(node.args[0].shape)]
    if isinstance(node, ShapeCheck):  # an operand lowered already keeps its own pairs
        return [tuple(p) for p in node.args[1]]
    if isinstance(node, Inner) and all(isinstance(X, MatrixExpr) for X in node.args):
        # ⟨X, Y⟩ pairs their entries: HasShape(⟨B, C⟩·A, m, m) with B m × n and C n × m
        # was 1 at every size (helper 147).
        return list(zip(node.args[0].shape, node.args[1].shape))
    return []


def is_unmodelled(node) -> bool:
    """Whether `node` is a matrix expression whose conditions for being well formed
    node_pairs does not name (a slice's bounds, a vector's diagonal matrix...): HasShape of
    one is not decided."""
    modelled = (
        sympy.MatrixSymbol,
        sympy.Identity,
        sympy.ZeroMatrix,
        sympy.OneMatrix,
        MatAdd,
        MatMul,
        HadamardProduct,
        sympy.HadamardPower,
        sympy.KroneckerProduct,
        sympy.Transpose,
        Inverse,
        MatPow,
        sympy.ImmutableDenseMatrix,
        Tabulated,
        Adjugate,
    )
    return isinstance(node, MatrixExpr) and not isinstance(node, modelled)


# Names that moved to array_entries when the two notations came to share one entry protocol.
_MOVED = ("written_out", "matrix_inner", "matrix_trace")


def __getattr__(name: str):
    """The moved names, with a FutureWarning naming their new home; `entry(X, r, c)` keeps its
    old signature."""
    import warnings

    from derive.notation import array_entries

    if name not in (*_MOVED, "entry"):
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    warnings.warn(
        f"{__name__}.{name} has moved to derive.notation.array_entries.{name}"
        + (" (called as entry(X, (r, c)))" if name == "entry" else ""),
        FutureWarning,
        stacklevel=2,
    )
    if name == "entry":
        return lambda X, r, c: array_entries.entry(X, (r, c))
    return getattr(array_entries, name)
