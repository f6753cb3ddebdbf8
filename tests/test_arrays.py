"""Arrays: NumPy's shape rules, checked only when a claim is decided, compared entrywise."""

import pytest
import sympy
from sympy import (
    HadamardProduct,
    IndexedBase,
    Integer,
    MatPow,
    Matrix,
    Piecewise,
    Sum,
    symbols,
    tanh,
)

from derive.declare import claim, document
from derive.engine.deadline import Deadline
from derive.engine.decide import decide
from derive.engine.terms import context_of
from derive.model import PROVED, REFUTED, Source
from derive.notation.array_entries import axis_index, entry, paired_entries, write_out_numeric
from derive.notation.arrays import (
    ArrayError,
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
    shape,
)
from derive.notation.sequences import LoweringError
from derive.notation.tensors import matrix
from derive.verify import verify

V, D = symbols("V D", integer=True, positive=True)
v, d = symbols("v d", integer=True, positive=True)
A, B, x = IndexedBase("A"), IndexedBase("B"), IndexedBase("x")
y = symbols("y", real=True)
A_bar = Table(A[v, d], (v, 1, V), (d, 1, D))
B_bar = Table(B[v, d], (v, 1, V), (d, 1, D))
column = Table(x[v], (v, 1, V))


def test_shapes_follow_numpy():
    assert shape(A_bar) == (V, D)
    assert shape(Dot(column, column)) == ()
    assert shape(Dot(Transposed(A_bar), column)) == (D,)
    assert shape(Dot(column, A_bar)) == (D,)
    assert shape(Dot(Transposed(A_bar), B_bar)) == (D, D)
    assert shape(Outer(column, column)) == (V, V)
    assert shape(Stack(column, column)) == (2, V)
    assert shape(Concat(column, column)) == (2 * V,)
    assert shape(Diagonal(Dot(Transposed(A_bar), B_bar))) == (D,)
    assert shape(1 - tanh(A_bar)) == (V, D)
    assert shape(Hadamard(A_bar, 2 * B_bar)) == (V, D)
    with pytest.raises(ShapeMismatch, match="Hadamard product"):
        shape(Hadamard(column, Table(x[d], (d, 1, D))))


def test_mismatched_product_builds_and_fails_when_checked():
    product = Dot(A_bar, B_bar)  # SymPy's MatMul would raise ShapeError here
    with pytest.raises(ShapeMismatch, match="sizes D and V"):
        shape(product)
    assert shape(product.subs({V: 2, D: 2})) == (2, 2)
    with pytest.raises(ShapeMismatch, match="sizes 2 and 1"):
        shape(product.subs({V: 1, D: 2}))


def test_a_table_whose_range_names_its_own_index_is_an_input_error():
    """Its shape would change along its other axis: the entries were read with the other
    index left free ("symbol j has no concrete value", helper 157)."""
    with pytest.raises(ArrayError, match="the range of d names v"):
        Table(A[v, d], (d, v, v + 1), (v, 1, V))
    assert shape(Table(A[v, d], (d, 1, D), (v, 1, V))) == (D, V)


def test_products_of_arrays_must_say_which():
    with pytest.raises(ArrayError, match="Hadamard or Dot"):
        shape(A_bar * B_bar)
    with pytest.raises(ArrayError, match="ArraySum"):
        shape(Sum(Table(A[v, d], (d, 1, D)), (v, 1, V)))


def test_generic_entry_of_a_product_is_a_sum():
    i, j = symbols("i j", integer=True, positive=True)
    value = entry(Dot(Transposed(A_bar), B_bar), (i, j))
    (summed,) = value.atoms(Sum)
    k = summed.variables[0]
    assert summed == Sum(A[k, i] * B[k, j], (k, 1, V))


def test_numeric_entries_are_written_out():
    value = entry(Dot(column, column).subs(V, 2), ())
    assert value == x[1] ** 2 + x[2] ** 2


def test_product_with_a_concatenation_is_split_without_piecewise():
    w, q = IndexedBase("w"), IndexedBase("q")
    joined = Concat(Table(q[d], (d, 1, D)), Table(x[d], (d, 1, D)))
    value = entry(Dot(Table(w[d], (d, 1, 2 * D)), joined), ())
    assert not value.has(Piecewise)
    assert sympy.expand(value.subs(D, 1).doit()) == w[1] * q[1] + w[2] * x[1]


def test_empty_array_sum_keeps_its_shape():
    empty = ArraySum(Table(x[v, d], (d, 1, 2)), (v, 2, 1))
    assert shape(write_out_numeric(empty)) == (2,)
    assert tanh(empty) != 0  # SymPy would call an empty Sum zero, and tanh(0) the scalar 0


def test_an_array_sum_over_a_window_with_symbolic_ends_is_written_out():
    # Σ_{j=V}^{V+1}: the width is a number, the ends are not (int(V) crashed: INTERNAL).
    window = ArraySum(Table(x[v] * d, (v, 1, V)), (d, V, V + 1))
    at = (axis_index(0, V),)
    assert sympy.expand(entry(write_out_numeric(window), at) - (2 * V + 1) * entry(column, at)) == 0
    # An end named like the terms' bound index: the table's v is not captured by it.
    captured = ArraySum(Table(x[v] * d, (v, 1, V)), (d, v, v + 1))
    written = write_out_numeric(captured).subs(V, 2).doit()
    assert sympy.expand(entry(written, (Integer(2),)) - (2 * v + 1) * x[2]) == 0


def test_tables_with_numeric_sizes_become_literals():
    literal = write_out_numeric(A_bar.subs({V: 1, D: 2}))
    assert shape(literal) == (1, 2)
    assert entry(literal, (Integer(1), Integer(2))) == A[1, 2]


def test_sides_of_different_shapes_are_not_paired():
    with pytest.raises(ShapeMismatch, match=r"shape \(D,\), the right side shape \(V,\)"):
        paired_entries(Table(x[d], (d, 1, D)), column)
    with pytest.raises(ShapeMismatch, match=r"shape \(1,\), the right side shape \(V,\)"):
        paired_entries(Table(x[d], (d, 1, 1)), column)


def test_a_scalar_side_broadcasts():
    # As in NumPy: tanh(column) < 1 compares each entry with 1 (it was a shape mismatch,
    # and a true claim was refuted by it).
    squared, at = Dot(column, column), (axis_index(0, V),)
    ((_, left, right),) = paired_entries(column, squared)
    assert left == entry(column, at) and right.dummy_eq(entry(squared, ()))
    ((_, left, right),) = paired_entries(1, column)
    assert (left, right) == (1, entry(column, at))


M, N = IndexedBase("M", real=True), IndexedBase("N", real=True)
M_bar, N_bar = Table(M[v, d], (v, 1, V), (d, 1, D)), Table(N[v, d], (v, 1, V), (d, 1, D))
ones = Table(1, (v, 1, V))
DOC = document(
    "arrays",
    "array claims",
    Source("tests", "arrays.txt"),
    inputs=(M, N),
    definitions=(),
    sizes={V: (1, 2, 3), D: (1, 2)},
    claims=(
        claim("column sums", "", "", Table(Sum(M[v, d], (v, 1, V)), (d, 1, D)), Dot(ones, M_bar)),
        claim("matmul", "", "", Table(Sum(M[v, d] ** 2, (v, 1, V)), (d, 1, D)), Dot(M_bar, M_bar)),
        claim("ill-shaped itself", "", "", tanh(Dot(M_bar, N_bar)), tanh(Dot(M_bar, N_bar))),
        claim("gram", "", "", Dot(Transposed(M_bar), N_bar), Dot(Transposed(N_bar), M_bar)),
        claim(
            "window",
            "",
            "",
            ArraySum(Table(M[v, 1] * d, (v, 1, V)), (d, V, V + 1)),
            Table((2 * V + 1) * M[v, 1], (v, 1, V)),
        ),
        claim(
            "window, wrong",
            "",
            "",
            ArraySum(Table(M[v, 1] * d, (v, 1, V)), (d, V, V + 1)),
            Table(2 * V * M[v, 1], (v, 1, V)),
        ),
    ),
)


def _decide(claim_id):
    return decide(context_of(DOC), DOC.claim(claim_id), Deadline(30))


def test_true_array_identity_is_proved_for_all_sizes():
    finding = _decide("column sums")
    assert finding.status is PROVED and finding.scope == "all sizes: D ≥ 1, V ≥ 1"


def test_a_sum_over_a_window_with_symbolic_ends_is_decided():
    # It was INTERNAL (int() of a symbolic end) on the symbolic path.
    assert _decide("window").status is PROVED
    assert _decide("window, wrong").status is REFUTED


def test_shape_mismatch_is_a_counterexample_with_the_shapes():
    found = _decide("matmul").counterexample
    assert dict(found.sizes) == {"D": 1, "V": 1}
    assert found.reason == "the left side has shape (1,), the right side shape (1, 1)"


def test_an_ill_shaped_side_is_not_proved_equal_to_itself():
    finding = _decide("ill-shaped itself")
    assert finding.status is REFUTED
    assert finding.counterexample.reason.startswith("matmul of shape (2, 1) and shape (2, 1)")


def test_equal_shapes_with_different_values_are_refuted_at_a_point():
    finding = _decide("gram")
    assert finding.status is REFUTED and finding.counterexample.entry
    assert finding.counterexample.lhs != finding.counterexample.rhs


# One entry protocol and one shape policy for arrays and matrix views (issue 12, item 3).
M_view = matrix(M, V, D)
MIXED = document(
    "mixed",
    "arrays over matrix views",
    Source("tests", "mixed.txt"),
    inputs=(M, N, x),
    definitions=(),
    sizes={V: (1, 2, 3), D: (1, 2)},
    claims=(
        claim("true", "", "", Dot(Transposed(M_view), column), Dot(column, M_bar)),
        claim("false", "", "", Dot(Transposed(M_view), column), Dot(column, N_bar)),
        claim("ill-shaped", "", "", Dot(M_view, column), Dot(column, M_bar)),
    ),
)


def test_views_and_arrays_share_their_entries_and_shapes():
    assert shape(M_view) == (V, D) and shape(Transposed(M_view)) == (D, V)
    assert entry(M_view.T, (d, v)) == entry(Transposed(M_bar), (d, v)) == M[v, d]
    assert entry(HadamardProduct(M_view, M_view), (v, d)) == entry(Hadamard(M_bar, M_bar), (v, d))
    with pytest.raises(LoweringError, match="no index form"):  # W**2 is W·W; W**-2 has none
        entry(MatPow(matrix(M, 2, 2), -2), (1, 1))
    with pytest.raises(ArrayError, match="two indices"):
        entry(M_view, (v,))


def test_an_array_over_a_matrix_view_is_decided_like_any_array():
    decided = {
        c: decide(context_of(MIXED), MIXED.claim(c), Deadline(30))
        for c in ("true", "false", "ill-shaped")
    }
    assert decided["true"].status is PROVED
    assert decided["false"].status is REFUTED
    assert decided["ill-shaped"].counterexample.reason.startswith("matmul of shape (2, 1)")


def test_a_derivative_of_array_notation_is_an_input_error_saying_so():
    """∂(b @ a)/∂a[c] said 'Derivative cannot take an array argument' (helper 102): valid
    notation derive does not differentiate yet; the message says what to write instead."""
    from sympy import Derivative, IndexedBase, symbols

    from derive.notation.arrays import ArrayError, Dot, Table, shape

    j, c, n = symbols("j c n", integer=True, positive=True)
    a, b = IndexedBase("a"), IndexedBase("b")
    product = Dot(Table(b[j], (j, 1, n)), Table(a[j], (j, 1, n)))
    with pytest.raises(ArrayError, match="write the scalar as a Sum over entries"):
        shape(Derivative(product, a[c]))


EXPLICIT = document(
    "explicit",
    "explicit matrices beside scalars",
    Source("tests", "explicit.txt"),
    inputs=(y,),
    definitions=(),
    claims=(
        claim("zero", "", "", Matrix([[y - 1, 0]]) - Matrix([[y, -1]]) + Matrix([[1, -1]]), 0),
        claim("nonnegative", "", "", Matrix([[y**2, 1]]), 0, relation=">="),
        claim("one entry negative", "", "", Matrix([[y**2, -1]]), 0, relation=">="),
        claim("not the identity", "", "", Matrix([[1, 0], [0, 1]]), 1),
        claim("array", "", "", sympy.Array([y, 1]), sympy.Array([y, 2])),
    ),
)


def test_a_scalar_side_compares_with_every_entry_of_an_explicit_matrix():
    """As with arrays, a scalar side goes with each entry of an explicit Matrix (a scalar 0 is
    the zero matrix): Matrix([[0, 0]]) = 0 (SymPy's sum of three matrices) and
    Matrix([[y², 1]]) ≥ 0 were REFUTED by their shapes (helper 149)."""
    (zero, nonnegative, negative, identity, _) = verify(EXPLICIT, timeout=30)
    assert zero.status is PROVED and nonnegative.status is PROVED
    assert negative.status is REFUTED and negative.counterexample.entry == "[1, 2]"
    assert identity.status is REFUTED and identity.counterexample.entry == "[1, 2]"


def test_sympys_array_is_an_input_error_naming_it():
    """SymPy's Array reached the evaluation, which said only that its printer did not
    support ImmutableDenseNDimArray (UNDECIDED; helper 149)."""
    (verdict,) = verify(EXPLICIT, ["array"], timeout=30)
    assert verdict.error.startswith("[y, 1] is SymPy's Array, which derive does not read")


def test_explicit_matrices_derive_cannot_read_entrywise_are_input_errors():
    """Helper 151: a Piecewise of matrices, and a Table beside an explicit Matrix, were
    internal errors; det of an explicit Matrix was one too (its shape holds Python ints);
    and Matrix(0, 2, []) = 5 was PROVED, as every entry of none is 5."""
    from derive.notation.tensors import det

    u = IndexedBase("u", real=True)
    doc = document(
        "explicit-more",
        "explicit matrices derive reads, and those it does not",
        Source("tests", "explicit.txt"),
        inputs=(y, u),
        definitions=(),
        claims=(
            claim("det", "", "", det(sympy.ImmutableMatrix([[y, 1], [0, y]])), y**2),
            claim("piecewise", "", "", Piecewise((Matrix([[y]]), y > 0), (Matrix([[0]]), True)), y),
            claim("empty", "", "", Matrix(0, 2, []), 5),
            claim(
                "table",
                "",
                "",
                Dot(Table(u[v], (v, 1, 2)), Table(u[v], (v, 1, 2))),
                Matrix([[u[1] ** 2 + u[2] ** 2]]),
            ),
        ),
    )
    det_verdict, piecewise, empty, table = verify(doc, timeout=30)
    assert det_verdict.status is PROVED, (det_verdict.status, det_verdict.error)
    assert piecewise.error.startswith("Piecewise of a matrix"), piecewise.error
    assert empty.error.startswith("Matrix(0, 2, []) has no entries"), empty.error
    assert table.error.startswith("no index form for Matrix"), table.error
    assert not any(v.internal for v in (det_verdict, piecewise, empty, table))


def test_a_sum_of_scalar_products_of_arrays_is_a_scalar_sum():
    """Σ_t row_t @ ones (1-D @ 1-D, a scalar) was an input error saying it sums arrays
    (helper 157); a Sum of arrays still is one."""
    t = sympy.Symbol("t", integer=True)
    row, ones = Table(x[d] * t, (d, 1, 2)), Table(1, (d, 1, 2))
    summed = Sum(Dot(row, ones), (t, 1, V))
    assert shape(summed) == ()
    doc = document(
        "sums of products",
        "",
        Source("", ""),
        inputs=(x,),
        definitions=(),
        sizes={V: (1, 2, 3)},
        claims=(
            claim("true", "", "", summed, V * (V + 1) / 2 * (x[1] + x[2])),
            claim("false", "", "", summed, V**2 * (x[1] + x[2])),
        ),
    )
    statuses = [decide(context_of(doc), c, Deadline(30)).status for c in doc.claims]
    assert statuses == [PROVED, REFUTED]
    with pytest.raises(ArrayError, match="sums arrays"):
        shape(Sum(row, (t, 1, V)))
