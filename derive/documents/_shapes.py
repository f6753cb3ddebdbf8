"""Matrix shapes that SymPy takes as equal while a document file runs.

SymPy checks the shapes of a matrix product or sum only where they are numbers: with
symbolic sizes it builds Identity(m)·A for an n × n A and then drops the identity, A + B − A
(B m × m) becomes B, and (AB)ᵀ − BᵀAᵀ becomes a zero matrix. The size mismatch is gone before
derive reads the claim, so a claim about the result (HasShape(Identity(m)·A, n, n) = 1) holds
at every size although the expression is defined only where m = n. Within `kept_shapes`,
SymPy's simplification of a sum, product or Hadamard product the document builds (its
`doit`, which `*` and `+` call) raises UnequalShapes where it loses a pair of sizes that
differ as expressions; a mismatch SymPy keeps stays in the claim, whose shapes derive
checks itself (a shape mismatch is the counterexample).
"""

from __future__ import annotations

import contextlib
import functools
import threading

import sympy
from sympy.matrices.expressions import HadamardProduct, MatAdd, MatMul

from derive.documents._floats import _for_a_document
from derive.notation.arrays import dims_equal
from derive.notation.tensors import node_pairs

_HERE = __file__


class UnequalShapes(ValueError):
    """A document's matrix expression lost, as SymPy simplified it, sizes that differ."""


@functools.lru_cache(maxsize=4096)
def _differ(first, second) -> bool:
    """Whether two sizes differ as expressions: not equal by expansion (dims_equal), nor
    once simplified ((n² + n)/(n + 1) is n). Cached: each simplification of a document's
    expression looks at the same sizes again."""
    if dims_equal(first, second) is True:
        return False
    return sympy.simplify(sympy.sympify(first) - sympy.sympify(second)) != 0


def _mismatches(expr) -> set:
    """The pairs of sizes (unordered: SymPy may reorder a sum's terms) that differ at the
    sums, products, Hadamard products and square-only operations in expr."""
    found = set()
    for node in sympy.preorder_traversal(expr):
        for first, second in node_pairs(node):
            if _differ(first, second):
                found.add(frozenset((sympy.sympify(first), sympy.sympify(second))))
    return found


_INSIDE = threading.local()  # a check's own work (printing its message) is not checked


def _watched(original):
    def doit(self, **hints):
        result = original(self, **hints)
        if getattr(_INSIDE, "checking", False):
            return result
        _INSIDE.checking = True
        try:
            _check(self, result)
        finally:
            _INSIDE.checking = False
        return result

    return doit


def _check(expr, result) -> None:
    """Raise UnequalShapes where `result`, SymPy's simplification of `expr`, lost a pair of
    sizes that differ."""
    before = _mismatches(expr)
    lost = before - _mismatches(result) if before else set()
    if lost and _for_a_document(_HERE):
        first, second = sorted(sorted(lost, key=str)[0], key=str)
        raise UnequalShapes(
            f"{expr} needs {first} = {second}, which SymPy takes for granted as it "
            f"simplifies it to {result}; use one size for both"
        )


@contextlib.contextmanager
def kept_shapes():
    """Within: SymPy's simplification of a matrix sum, product or Hadamard product built
    for a document raises UnequalShapes where it loses sizes that differ (see the module's
    docstring)."""
    kinds = (MatAdd, MatMul, HadamardProduct)
    originals = {kind: kind.__dict__["doit"] for kind in kinds}
    for kind in kinds:
        kind.doit = _watched(originals[kind])
    try:
        yield
    finally:
        for kind, doit in originals.items():
            kind.doit = doit
