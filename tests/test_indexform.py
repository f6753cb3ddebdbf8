"""Index calculus proves index identities for all sizes, and never proves a false one."""

import pytest
from sympy import IndexedBase, KroneckerDelta, Sum, symbols

from derive.indexform import index_zero, normal_form

m, n, k, K = symbols("m n k K", integer=True, positive=True)
i, j, a, b, c, p = symbols("i j a b c p", integer=True)
A, B, C, x, w, dy = (IndexedBase(name) for name in ("A", "B", "C", "x", "w", "dy"))
WINDOW = (-K, K)
L_LINEAR = Sum(dy[i] * Sum(w[i, j] * x[j], (j, 1, n)), (i, 1, m))
L_VALID = Sum(dy[i] * Sum(x[i + j - 1] * w[j], (j, 1, k)), (i, 1, m))
FULL = Sum(Sum(dy[c] * KroneckerDelta(c, p - j + 1), (c, 1, m)) * w[j], (j, 1, k))


def triple(delta):
    return Sum(A[a] * B[b] * C[c] * delta, (a, *WINDOW), (b, *WINDOW), (c, *WINDOW))


TRUE = [
    # trace(AB) = trace(BA): the order of independent sums does not matter
    (
        Sum(A[i, j] * B[j, i], (j, 1, n), (i, 1, m)),
        Sum(B[i, j] * A[j, i], (j, 1, m), (i, 1, n)),
        {},
    ),
    # ∂/∂x_p of ⟨dy, wx⟩ sums the delta out because p lies in 1..n
    (L_LINEAR.diff(x[p]), Sum(w[i, p] * dy[i], (i, 1, m)), {p: (1, n)}),
    # 'full' convolution: the delta stays, on both sides, in the same canonical form
    (L_VALID.diff(x[p]), FULL, {p: (1, m + k - 1)}),
    (L_VALID.diff(w[p]), Sum(x[i + p - 1] * dy[i], (i, 1, m)), {p: (1, k)}),
    # ⟨A, B ⊙ C⟩ = ⟨B, A ⊗ C⟩ on a window: deltas compared by their row echelon form
    (triple(KroneckerDelta(b, a + c)), triple(KroneckerDelta(a, b - c)), {}),
    # a sum whose body does not use its index counts its terms
    (Sum(x[p], (i, 1, n)), n * x[p], {}),
    (
        Sum((x[i] - w[i]) ** 2, (i, 1, n)),
        Sum(x[j] ** 2 - 2 * x[j] * w[j] + w[j] ** 2, (j, 1, n)),
        {},
    ),
]

FALSE = [
    (
        Sum(A[i, j] * B[j, i], (j, 1, n), (i, 1, m)),
        Sum(B[i, j] * A[i, j], (j, 1, m), (i, 1, n)),
        {},
    ),
    # without p's range, or with one reaching past n, the delta must not be summed out
    (L_LINEAR.diff(x[p]), Sum(w[i, p] * dy[i], (i, 1, m)), {}),
    (L_LINEAR.diff(x[p]), Sum(w[i, p] * dy[i], (i, 1, m)), {p: (1, n + 1)}),
    (L_LINEAR.diff(x[p]), Sum(w[i, p] * dy[i], (i, 1, m)), {p: (0, n)}),
    (L_VALID.diff(w[p]), Sum(x[i + p] * dy[i], (i, 1, m)), {p: (1, k)}),
    (triple(KroneckerDelta(b, a + c)), triple(KroneckerDelta(b, a - c)), {}),
    (triple(KroneckerDelta(b, a + c)), triple(KroneckerDelta(b, a + c) * KroneckerDelta(a, 0)), {}),
    # a count over a range that depends on another index stays inside the outer sum
    (Sum(Sum(x[i], (j, 1, i)), (i, 1, n)), Sum(n * x[i], (i, 1, n)), {}),
    (Sum(x[i], (i, 1, n)), Sum(x[i], (i, 2, n + 1)), {}),
]


@pytest.mark.parametrize("lhs, rhs, ranges", TRUE)
def test_proves_index_identity(lhs, rhs, ranges):
    assert index_zero(lhs - rhs, ranges)


@pytest.mark.parametrize("lhs, rhs, ranges", FALSE)
def test_does_not_prove_false_index_identity(lhs, rhs, ranges):
    assert not index_zero(lhs - rhs, ranges)


def test_reversed_range_is_not_used_to_sum_a_delta_out():
    # Σ_{j=n+2}^{n} is, by Karr's convention, minus the term at j = n + 1: j never equals p.
    reversed_sum = Sum(x[j] * KroneckerDelta(j, p), (j, n + 2, n))
    assert not index_zero(reversed_sum - x[p], {p: (n + 1, n + 1)})


def test_inconsistent_deltas_kill_a_term():
    inconsistent = Sum(x[a] * KroneckerDelta(a, p) * KroneckerDelta(a, p + 1), (a, 1, n))
    assert normal_form(inconsistent, {}) == {}


def test_triangular_sums_keep_their_dependence():
    # Σ_{i=1}^{n} Σ_{j=1}^{i} x_j is not Σ_{i=1}^{n} Σ_{j=1}^{n} x_j.
    triangular = Sum(x[j], (j, 1, i), (i, 1, n))
    assert not index_zero(triangular - Sum(x[j], (j, 1, n), (i, 1, n)), {})
    assert index_zero(triangular - Sum(Sum(x[a], (a, 1, b)), (b, 1, n)), {})
