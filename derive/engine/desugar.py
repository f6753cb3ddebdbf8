"""Desugaring: matrix and sequence notation rewritten into explicit finite sums (index form).

The notation (derive.notation.tensors, derive.notation.sequences) says what an entry is;
this module takes a whole claim side there, and sums out every sum over all integers, so the
engine treats the result like any other expression.

    >>> import sympy
    >>> from derive.notation.sequences import Seq, inner
    >>> x, y = sympy.IndexedBase("x"), sympy.IndexedBase("y")
    >>> desugar(inner(Seq(x, 1, 2), Seq(y, 1, 2))).doit()
    x[1]*y[1] + x[2]*y[2]
"""

from __future__ import annotations

import sympy
from sympy import Add, Determinant, Indexed, MatrixExpr, Sum, Trace, oo

from derive.engine.indexcalc import (
    Term,
    eliminate_deltas,
    expand_terms,
    linear_part,
    over_all_integers,
)
from derive.notation.aggregates import Padded
from derive.notation.array_entries import entry, matrix_inner, matrix_trace, written_out
from derive.notation.arrays import ShapeMismatch, guarded
from derive.notation.sequences import LoweringError, at, inner
from derive.notation.tensors import Entry, HasShape, Inner, is_unmodelled, operand_pairs


def desugar(expr):
    """Rewrite matrix and sequence notation in `expr` into explicit (finite) sums."""
    expr = sympy.sympify(expr)
    if isinstance(expr, MatrixExpr) and not isinstance(expr, sympy.MatrixBase):
        if expr.shape != (1, 1):
            raise LoweringError(f"{expr} is a {expr.shape} matrix; claim one Entry of it")
        expr = Entry(expr, 1, 1)  # a 1 × 1 matrix is read as its entry (trace(s) = s)
    expr = expr.replace(
        lambda n: isinstance(n, (Inner, Entry, Trace, HasShape, Determinant)), _lower_node
    )
    return sum_out(expr)


def _lower_node(node):
    if isinstance(node, Trace):
        return matrix_trace(node.arg)
    if isinstance(node, Determinant):
        return written_out(node.arg).det(method="berkowitz")
    if isinstance(node, HasShape):
        X, rows, cols = node.args
        if None in X.shape:  # DiagonalOf of a matrix that need not be square
            raise LoweringError(f"{X} has no shape SymPy can name: {X.shape}")
        nodes = sympy.preorder_traversal(X)
        unmodelled = sorted({type(n).__name__ for n in nodes if is_unmodelled(n)})
        if unmodelled:
            raise LoweringError(
                f"HasShape of {X}: where {', '.join(unmodelled)} is well formed is not "
                "modelled (a slice's bounds, a vector's diagonal matrix...)"
            )
        try:
            return guarded(
                sympy.S.One, [*operand_pairs(X), (X.shape[0], rows), (X.shape[1], cols)], str(X)
            )
        except ShapeMismatch:  # sizes that differ as numbers: X is well formed nowhere
            return sympy.S.Zero
    first = node.args[0]
    if not isinstance(first, MatrixExpr):
        if isinstance(node, Inner):
            return inner(*node.args)
        return at(first, node.args[1])
    if isinstance(node, Inner):
        return matrix_inner(*node.args)
    indices, (rows, cols) = node.args[1:], first.shape
    if len(indices) == 1 and cols == 1:  # a column vector's entry
        indices = (indices[0], sympy.S.One)
    if len(indices) != 2:
        wanted = "two indices, or one for a column vector"
        raise LoweringError(f"Entry of {first} ({rows}×{cols}) takes {wanted}; got {len(indices)}")
    return entry(first, indices)


def _is_over_all_integers(node) -> bool:
    return isinstance(node, Sum) and any(lo == -oo and hi == oo for _, lo, hi in node.limits)


def sum_out(expr):
    """Replace every sum over all integers by the finite sums it equals (innermost first)."""
    return expr.replace(_is_over_all_integers, _sum_out_one)


def _sum_out_one(node: Sum):
    if node.function.is_zero:  # Σ_j δ(2j, 1) x[j], built as Σ_j 0 (helper 142): 0
        return sympy.S.Zero
    terms = []
    for term in expand_terms(node):
        term = eliminate_deltas(term, over_all_integers)
        if any(lo == -oo or hi == oo for _, lo, hi in term.bound):
            raise LoweringError(
                f"{node} sums over all integers a term with no windowed factor in its index"
            )
        terms.append(fold_windows(term).rebuild())
    return Add(*terms)


def fold_windows(term: Term) -> Term:
    """Write each window sum Σ_q x[q] δ(q, e) that is left as the entry Padded(x, e, lo, hi),
    trying the term's indices outer first."""
    for index, lo, hi in term.bound:
        users = [f for f in term.factors if f.has(index)]
        solved = [d for d in term.deltas if d.has(index)]
        others = [b for v, a, b2 in term.bound for b in (a, b2) if v != index and b.has(index)]
        if len(users) != 1 or len(solved) != 1 or others:
            continue
        entry, coefficient = users[0], linear_part(solved[0], index)
        if coefficient not in (1, -1) or not (
            isinstance(entry, Indexed) and entry.indices == (index,)
        ):
            continue
        value = sympy.expand(index - solved[0] / coefficient)
        padded = Padded(entry.base, value, lo, hi)
        bound = tuple(limit for limit in term.bound if limit[0] != index)
        factors = tuple(padded if f is entry else f for f in term.factors)
        deltas = tuple(d for d in term.deltas if d is not solved[0])
        return fold_windows(Term(term.coeff, bound, factors, deltas))
    return term
