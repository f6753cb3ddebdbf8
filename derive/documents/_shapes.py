"""Matrix shapes that SymPy takes as equal while a document file runs.

SymPy checks the shapes of a matrix product or sum only where they are numbers: with
symbolic sizes it builds Identity(m)·A for an n × n A, then drops the identity, and A + 0
(m × m) becomes A. The size m is gone before derive reads the claim, so a claim about the
result (HasShape(Identity(m)·A, n, n)) holds at every size although the product is defined
only where m = n. Within `kept_shapes`, a product, sum or Hadamard product the document
builds with sizes that differ as expressions, one of whose operands there is a matrix that
SymPy drops or merges (an identity, zero or ones matrix), raises UnequalShapes instead,
naming them. Operands SymPy keeps stay in the claim, whose shapes derive checks itself (a
shape mismatch is the counterexample).
"""

from __future__ import annotations

import contextlib

import sympy
from sympy.matrices.expressions import hadamard, matadd, matmul

from derive.documents._floats import _for_a_document

_HERE = __file__


# The matrices SymPy's canonical forms drop or merge: Identity·A is A, A + 0 is A, 0·A is a
# zero matrix of the outer sizes, and ones·ones a multiple of a ones matrix.
_VANISHING = (
    sympy.Identity,
    sympy.ZeroMatrix,
    sympy.OneMatrix,
    sympy.matrices.expressions.special.GenericIdentity,
    sympy.matrices.expressions.special.GenericZeroMatrix,
)


class UnequalShapes(ValueError):
    """A document combines matrices whose sizes differ as expressions."""


def _differ(first, second) -> bool:
    return sympy.expand(sympy.sympify(first) - sympy.sympify(second)) != 0


def _shown(matrix) -> str:
    rows, cols = matrix.shape
    return f"{matrix} ({rows}×{cols})"


def _product(original):
    def validate(*matrices):
        original(*matrices)
        for left, right in zip(matrices[:-1], matrices[1:]):
            vanishing = isinstance(left, _VANISHING) or isinstance(right, _VANISHING)
            if vanishing and _differ(left.cols, right.rows) and _for_a_document(_HERE):
                raise UnequalShapes(
                    f"the product {_shown(left)} · {_shown(right)} needs {left.cols} = "
                    f"{right.rows}, which SymPy takes for granted; use one size for both"
                )

    return validate


def _entrywise(original, name: str):
    def validate(*matrices):
        original(*matrices)
        first = matrices[0]
        for other in matrices[1:]:
            vanishing = isinstance(first, _VANISHING) or isinstance(other, _VANISHING)
            differ = vanishing and any(map(_differ, first.shape, other.shape))
            if differ and _for_a_document(_HERE):
                raise UnequalShapes(
                    f"the {name} of {_shown(first)} and {_shown(other)} needs equal shapes, "
                    "which SymPy takes for granted; use the same sizes for both"
                )

    return validate


@contextlib.contextmanager
def kept_shapes():
    """Within: a matrix product, sum or Hadamard product built for a document with sizes
    that differ as expressions at an identity, zero or ones matrix raises UnequalShapes (see
    the module's docstring)."""
    originals = {module: module.validate for module in (matmul, matadd, hadamard)}
    matmul.validate = _product(originals[matmul])
    matadd.validate = _entrywise(originals[matadd], "sum")
    hadamard.validate = _entrywise(originals[hadamard], "Hadamard product")
    try:
        yield
    finally:
        for module, validate in originals.items():
            module.validate = validate
