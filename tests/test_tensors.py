"""Lowering matrix and sequence notation agrees with an independent explicit evaluation.

SymPy's explicit matrices (`as_explicit`) and a brute-force sum over a wide finite range are
the references; they share no code with `derive.notation.tensors.entry` or
`derive.notation.sequences.at`.
"""

import pytest
import sympy
from sympy import Derivative, IndexedBase, MatrixExpr, Sum, Trace, oo, symbols

from derive.declare import claim, define, document
from derive.engine.desugar import desugar
from derive.engine.terms import (
    context_of,
    evaluate_derivatives,
    free_indices,
    index_assignments,
    instantiate,
    size_grid,
    sizes_in,
    strip_shapes,
)
from derive.model import PROVED, REFUTED, Claim, Source
from derive.notation.corrections import engine_substitution
from derive.notation.sequences import Correlate, Seq, SeqOf
from derive.notation.tensors import (
    Entry,
    HasShape,
    Inner,
    ShapeMismatch,
    Tabulated,
    matrix,
    tabulate,
    vector,
)
from derive.verify import verify

m, n, K = symbols("m n K", integer=True, positive=True)
i, r = symbols("i r", integer=True)
A, B, x = IndexedBase("A"), IndexedBase("B"), IndexedBase("x")
NOTATION = (Inner, Entry, Trace, HasShape)


def _explicit(expr, reach: int):
    """Evaluate notation top-down by SymPy's explicit matrices and brute-force sums: every
    sum, over all integers (as -reach..reach) or a concrete range, is expanded first."""
    if isinstance(expr, MatrixExpr):
        return expr.as_explicit()[0, 0]
    if isinstance(expr, Sum):
        *inner, (index, lo, hi) = expr.limits
        values = range(-reach, reach + 1) if (lo, hi) == (-oo, oo) else range(lo, hi + 1)
        body = Sum(expr.function, *inner) if inner else expr.function
        return sympy.Add(*(_explicit(body.xreplace({index: v}), reach) for v in values))
    if isinstance(expr, NOTATION):
        return _one(expr, reach)
    if not expr.args or isinstance(expr, (Tabulated, SeqOf, sympy.Lambda)):
        return expr
    return expr.func(*(_explicit(arg, reach) for arg in expr.args))


def _over_z(node) -> bool:
    return isinstance(node, Sum) and node.limits[-1][1:] == (-oo, oo)


def _one(node, reach):
    if isinstance(node, Trace):
        return node.arg.as_explicit().trace()
    first = node.args[0]
    if isinstance(node, HasShape):
        try:
            first.as_explicit()
        except sympy.ShapeError:
            return sympy.nan
        return sympy.S.One if first.shape == tuple(node.args[1:]) else sympy.nan
    if isinstance(node, Inner) and isinstance(first, MatrixExpr):
        left, right = (side.as_explicit() for side in node.args)
        return sum(left.multiply_elementwise(right)) if left.shape == right.shape else sympy.nan
    if isinstance(node, Inner):
        return sum(
            _at(first, v, reach) * _at(node.args[1], v, reach) for v in range(-reach, reach + 1)
        )
    if isinstance(first, MatrixExpr):
        row, col = (*node.args[1:], 1)[:2]
        return first.as_explicit()[row - 1, col - 1]
    return _at(first, node.args[1], reach)


def _at(X, e, reach):
    if isinstance(X, Seq):
        lo, hi = X.window
        return X.base[e] if lo <= e <= hi else sympy.S.Zero
    if isinstance(X, SeqOf):
        return X.args[1](e)
    if isinstance(X, (sympy.Add, sympy.Mul)):
        parts = [_at(a, e, reach) if a.has(Seq, SeqOf) else a for a in X.args]
        return X.func(*parts)
    sign = 1 if isinstance(X, Correlate) else -1
    return sum(
        _at(X.args[0], e + sign * j, reach) * _at(X.args[1], j, reach)
        for j in range(-reach, reach + 1)
    )


def _evaluated_entries(ctx, side):
    """`side` with the derivatives and perturbations in view entries taken by the engine
    (SymPy's explicit matrix product would otherwise differentiate an opaque f to 0)."""

    def evaluate(view):
        body = view.args[1]
        entries = sympy.Lambda(body.variables, evaluate_derivatives(ctx, body.expr))
        return view.func(view.args[0].name, entries, *view.args[2:])

    return side.replace(lambda e: isinstance(e, Tabulated), evaluate)


def _uses_notation(claim) -> bool:
    sides = (claim.lhs, claim.rhs)
    infinite = any(_over_z(node) for s in sides for node in s.atoms(Sum))
    return infinite or any(s.has(*NOTATION) or isinstance(s, MatrixExpr) for s in sides)


def _cross_check(doc, claim: Claim, sizes_from: int, sizes_to: int, checked_entries: int):
    ctx = context_of(doc)
    sides = [strip_shapes(side) for side in (claim.lhs, claim.rhs)]
    lowered = [desugar(side) for side in sides]
    sizes = sizes_in(ctx, sympy.Tuple(*lowered))
    grid = size_grid(ctx, claim, sizes)
    for values in grid[sizes_from:sizes_to] or grid[:1]:
        assignments = index_assignments(ctx, free_indices(ctx, sympy.Tuple(*lowered)), values)
        for assignment in assignments[:checked_entries]:
            # Sizes the lowered claim no longer mentions (a shape that always fits) get 2.
            point = {**{size: 2 for size in ctx.grids}, **values, **assignment}
            # Wide enough for the supports here: windows of size K, one ⊙ or ⊗ deep.
            reach = 2 * max([1, *values.values()]) + max([0, *map(abs, assignment.values())])
            for side, low in zip(sides, lowered):
                _agree(ctx, side, low, point, reach, claim.id)


def _agree(ctx, side, low, point, reach, name):
    try:
        with engine_substitution():  # as the engine: instantiate puts `point` in the bodies
            reference = _evaluated_entries(ctx, side).subs(point, simultaneous=True)
        explicit = _explicit(reference, reach)
    except sympy.ShapeError:
        explicit = sympy.nan
    try:
        value = instantiate(ctx, low, point)
    except ShapeMismatch:
        assert explicit.has(sympy.nan), (name, point)
        return
    assert sympy.expand(value - instantiate(ctx, explicit, point)) == 0, (name, point)


def _definitions_as_claims(doc) -> list:
    used = [d for d in doc.definitions if _uses_notation(Claim("", "", "", d.body, d.body))]
    return [Claim(d.name, "", "", d.body, d.body) for d in used]


def _notation_claims(doc) -> list:
    return [c for c in doc.claims if _uses_notation(c)] + _definitions_as_claims(doc)


def test_every_bundled_claim_lowers_as_the_explicit_evaluation(bundled):
    for item in _notation_claims(bundled):
        # The second smallest sizes: not all 1, so transposes and shifts show.
        _cross_check(bundled, item, sizes_from=1, sizes_to=2, checked_entries=2)


@pytest.mark.slow
def test_every_bundled_claim_lowers_as_the_explicit_evaluation_at_more_sizes(bundled):
    for item in _notation_claims(bundled):
        _cross_check(bundled, item, sizes_from=0, sizes_to=4, checked_entries=10)


def test_a_claim_of_mismatched_shapes_is_a_shape_mismatch_at_sizes_where_they_differ():
    product = Inner(matrix(A, m, n), matrix(B, n, m))
    lowered = desugar(product)
    assert lowered.subs({m: 2, n: 2}) != 0
    with pytest.raises(ShapeMismatch, match="differ"):
        lowered.subs({m: 1, n: 2})


def test_a_matrix_valued_side_must_be_taken_entrywise():
    with pytest.raises(ValueError, match="Entry"):
        desugar(matrix(A, m, n))


def test_entries_of_views_survive_sympy_doit():
    # SymPy's doit would differentiate the opaque f to 0 inside a view's entries.
    f = define("f", (), Sum(x[i] ** 2, (i, 1, n)))
    grad = tabulate("df/dx", r, Derivative(f(), x[r]), n)
    product = sympy.MatMul(sympy.Transpose(grad), vector(x, n)).doit()
    assert desugar(product).has(Derivative)


def test_matrix_claims_are_proved_for_all_sizes_and_wrong_ones_refuted_with_the_shape():
    A_mn, B_nm = matrix(A, m, n), matrix(B, n, m)
    doc = document(
        "mat",
        "matrices",
        Source("toy", "toy.txt"),
        inputs=(A, B),
        definitions=(),
        sizes={m: (1, 2), n: (1, 2)},
        claims=(
            claim("cyclic", "", "", Trace(A_mn * B_nm), Trace(B_nm * A_mn)),
            claim("no-transpose", "", "", Trace(A_mn * B_nm), Inner(A_mn, B_nm)),
            claim("transposed", "", "", Trace(A_mn * B_nm), Inner(A_mn, sympy.Transpose(B_nm))),
        ),
    )
    cyclic, wrong, right = verify(doc)
    assert cyclic.status is PROVED and cyclic.scope == "all sizes: m ≥ 1, n ≥ 1"
    assert wrong.status is REFUTED and "differ" in wrong.counterexample.reason
    assert right.status is PROVED
