"""Index calculus proves index identities for all sizes, and never proves a false one."""

import itertools
import random

import pytest
import sympy
from sympy import Dummy, IndexedBase, KroneckerDelta, Sum, symbols

from derive.engine.indexcalc import index_zero, normal_form
from derive.notation.aggregates import expand_sum

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


def _random_term(rng, bound_count):
    indices = [Dummy(f"i{k}", integer=True) for k in range(bound_count)]
    limits = [(v, rng.choice([-K, 1, 2]), rng.choice([K, n, K - 1])) for v in indices]

    def position():
        return sum(rng.choice([0, 0, 1, -1]) * v for v in [*indices, p]) + rng.choice([0, 1, -1])

    body = A[position()] * rng.choice([B, C])[position()]
    if rng.random() < 0.7:
        body *= KroneckerDelta(position(), position())
    return Sum(body, *reversed(limits))


def _variants(term):
    body, limits = term.function, list(term.limits)
    v, lo, hi = limits[-1]
    yield Sum(body, *reversed(limits))
    yield Sum(body.xreplace({v: v + 1}), *limits[:-1], (v, lo - 1, hi - 1))
    yield Sum(body.xreplace({v: -v}), *limits[:-1], (v, -hi, -lo))
    yield Sum(body.xreplace({v: -v}), *limits[:-1], (v, lo, hi))
    yield Sum(body, *limits[:-1], (v, lo, hi + 1))


def _value(expr, point):
    expr = expr.subs(point)
    while expr.has(Sum):
        expr = expr.replace(lambda s: isinstance(s, Sum), expand_sum)
    return sympy.expand(expr)


@pytest.mark.slow
def test_random_identities_are_proved_only_when_they_hold():
    rng, checked = random.Random(7), 0
    for _ in range(200):
        term = _random_term(rng, rng.choice([1, 2]))
        for variant in _variants(term):
            if not index_zero(term - variant, {p: (-K, K)}):
                continue
            checked += 1
            for size_k, size_n, at in itertools.product((1, 2), (1, 2), (-2, -1, 0, 1, 2)):
                if abs(at) <= size_k:
                    assert _value(term - variant, {K: size_k, n: size_n, p: at}) == 0
    assert checked > 200


def test_arguments_of_functions_are_compared_by_their_normal_forms():
    # A variance written two ways under one sqrt: equal normal forms, one atom.
    mean = Sum(x[j], (j, 1, n)) / n
    centred = sympy.sqrt(Sum((x[j] - mean) ** 2, (j, 1, n)) / n + 1)
    moments = sympy.sqrt(Sum(x[j] ** 2, (j, 1, n)) / n - mean**2 + 1)
    assert index_zero(centred**3 / moments - centred * moments, {})
    assert not index_zero(centred - sympy.sqrt(Sum(x[j] ** 2, (j, 1, n)) / n + 1), {})


def test_an_argument_that_uses_an_enclosing_index_is_not_one_atom():
    # tanh(Σ_j x_j + x_i) depends on the summed i; naming it as one atom would lose that.
    total = Sum(x[j], (j, 1, n))
    inside = Sum(sympy.tanh(total + x[i]), (i, 1, n))
    assert not index_zero(inside - n * sympy.tanh(total + x[1]), {})
    assert index_zero(inside - Sum(sympy.tanh(x[a] + total), (a, 1, n)), {})
