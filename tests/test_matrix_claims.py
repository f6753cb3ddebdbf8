"""Issue 10 §3: claims written in matrix notation (Dot, Table, Transposed, Hadamard) and
normalisations such as LayerNorm are proved for every size, as the same claims written with
sums are; their planted mistakes are refuted."""

import pytest
from sympy import Derivative, IndexedBase, Sum, Symbol, sqrt, symbols, tanh

from derive.declare import claim, document
from derive.model import PROVED, REFUTED, Source
from derive.notation.arrays import Dot, Hadamard, Table, Transposed
from derive.verify import verify

n = symbols("n", integer=True, positive=True)
i, j, k, m = symbols("i j k m", integer=True)
W, h, g, x = (IndexedBase(name, real=True) for name in "Whgx")
eps = Symbol("epsilon", positive=True)

# Two steps of an RNN, h1 = tanh(W h0), h2 = tanh(W h1), and L = g · h2.
Wm = Table(W[i, j], (i, 1, n), (j, 1, n))
h0, gv = Table(h[j], (j, 1, n)), Table(g[i], (i, 1, n))
h1 = tanh(Dot(Wm, h0))
h2 = tanh(Dot(Wm, h1))
loss = Sum(g[i] * tanh(Sum(W[i, j] * tanh(Sum(W[j, m] * h[m], (m, 1, n))), (j, 1, n))), (i, 1, n))
grad_h0 = Table(Derivative(loss, h[k]), (k, 1, n))
bptt = Dot(Transposed(Wm), Hadamard(1 - h1**2, Dot(Transposed(Wm), Hadamard(gv, 1 - h2**2))))
# The published erratum: the Jacobians' diagonal factors applied in the wrong order.
bptt_swapped = Dot(
    Transposed(Wm), Hadamard(1 - h2**2, Dot(Transposed(Wm), Hadamard(gv, 1 - h1**2)))
)
bptt_untransposed = Dot(Wm, Hadamard(1 - h1**2, Dot(Wm, Hadamard(gv, 1 - h2**2))))

# LayerNorm without affine parameters: y = (x - μ)/σ, L = g · y.
mu = Sum(x[j], (j, 1, n)) / n
sigma = sqrt(Sum((x[j] - mu) ** 2, (j, 1, n)) / n + eps)
sigma_moments = sqrt(Sum(x[j] ** 2, (j, 1, n)) / n - mu**2 + eps)  # E[x²] − μ² + ε


def y(index, s=sigma):
    return (x[index] - mu) / s


ln_loss = Sum(g[i] * y(i), (i, 1, n))
ln_grad = Derivative(ln_loss, x[k])
mean_g = Sum(g[i], (i, 1, n)) / n


def ln_backward(s=sigma, scale=1 / n):
    return (g[k] - mean_g - y(k, s) * Sum(g[i] * y(i, s), (i, 1, n)) * scale) / s


yv, gv_ln = Table(y(i), (i, 1, n)), Table(g[i], (i, 1, n))
ln_backward_arrays = (gv_ln - mean_g - yv * Dot(gv_ln, yv) / n) / sigma

CLAIMS = [
    ("BPTT in matrix notation", grad_h0, bptt, PROVED),
    ("BPTT, diagonal factors swapped", grad_h0, bptt_swapped, REFUTED),
    ("BPTT, W not transposed", grad_h0, bptt_untransposed, REFUTED),
    ("LayerNorm backward", ln_grad, ln_backward(), PROVED),
    ("LayerNorm backward, variance as E[x²] − μ²", ln_grad, ln_backward(sigma_moments), PROVED),
    (
        "LayerNorm backward in matrix notation",
        Table(ln_grad, (k, 1, n)),
        ln_backward_arrays,
        PROVED,
    ),
    ("LayerNorm backward, mean of g·y not divided by n", ln_grad, ln_backward(scale=1), REFUTED),
]


@pytest.fixture(scope="module")
def verdicts():
    doc = document(
        "matrix",
        "matrix notation and normalisations",
        Source("issue 10", "issue-10.md"),
        inputs=(W, h, g, x, eps),
        definitions=(),
        claims=tuple(claim(name, "", "", lhs, rhs, expect=e) for name, lhs, rhs, e in CLAIMS),
        sizes={n: (1, 2, 3)},
        indices={k: (1, n)},
    )
    # The BPTT claims take 11 s alone; beside a full parallel suite on 2 cores one ran past
    # 60 s (a timeout is UNDECIDED): the verdicts are under test here, not their speed.
    return {v.claim: v for v in verify(doc, jobs=2, timeout=180)}


@pytest.mark.parametrize("name, expected", [(c[0], c[3]) for c in CLAIMS])
def test_matrix_claim_verdict(verdicts, name, expected):
    verdict = verdicts[name]
    assert not verdict.error, verdict.error
    assert verdict.status is expected, (verdict.status, verdict.scope, verdict.method)
    if expected is PROVED:
        assert verdict.scope.startswith("all sizes"), verdict.scope


def test_a_long_derived_side_is_shown_with_named_subexpressions(verdicts):
    # The wrong LayerNorm backward: the derived side runs to hundreds of characters on one
    # line; shown one term a line, with repeated subexpressions named once.
    derived = verdicts["LayerNorm backward, mean of g·y not divided by n"].derived
    lines = derived.splitlines()
    assert len(lines) > 2 and any(line.lstrip().startswith("where τ1 = ") for line in lines)
    assert max(map(len, lines)) < 160, derived
    for line in lines:
        if " = " in line:  # a name never stands for a term that uses a summed index
            assert "k1" not in line.split(" = ", 1)[1], line


@pytest.mark.parametrize("size", [2, 3])
def test_determinant_inverse_and_adjugate_at_fixed_sizes(size):
    # Jacobi's formula ∂det(W)/∂W_ij = adj(W)_ji, and the erratum with adj(W)_ij.
    from sympy import KroneckerDelta

    from derive.notation.tensors import Entry, adjugate, det, inverse, matrix

    r, c = symbols("r c", integer=True, positive=True)
    w = IndexedBase("w", real=True)
    M = matrix(w, size, size)
    jacobi = Derivative(det(M), w[r, c])
    claims = [
        ("Jacobi", jacobi, Entry(adjugate(M), c, r), PROVED),
        ("Jacobi, adjugate not transposed", jacobi, Entry(adjugate(M), r, c), REFUTED),
        ("Jacobi with the inverse", jacobi, det(M) * Entry(inverse(M), c, r), PROVED),
        (
            "W adj(W) = det(W) I",
            Entry(M * adjugate(M), r, c),
            det(M) * KroneckerDelta(r, c),
            PROVED,
        ),
        ("det of the transpose", det(M.T), det(M), PROVED),
    ]
    _assert_as_expected(
        ("determinant", "determinants at a fixed size", Source("issue 10", "issue-10.md")),
        w,
        claims,
        indices={r: (1, size), c: (1, size)},
    )


def _assert_as_expected(heading, tensor, claims, **grids):
    """Decide (name, lhs, rhs, expected) claims on `tensor` in one document: no errors, each
    verdict as expected."""
    doc = document(
        *heading,
        inputs=(tensor,),
        definitions=(),
        claims=tuple(claim(name, "", "", lhs, rhs, expect=e) for name, lhs, rhs, e in claims),
        **grids,
    )
    for verdict in verify(doc, jobs=2, timeout=60):
        assert not verdict.error, (verdict.claim, verdict.error)
        assert verdict.status is verdict.expected, (verdict.claim, verdict.status, verdict.scope)


def test_a_matrix_power_is_the_product_of_its_factors():
    """Helper 142: SymPy writes W*W as W**2 (MatPow), which had no index form: det(W W) =
    det(W)² and tr(N N) = Σ_ij N_ij N_ji were input errors. A positive integer power is the
    product of its factors now; W**-1 stays the inverse."""
    from sympy import Trace

    from derive.notation.tensors import Entry, det, inverse, matrix

    n = Symbol("n", integer=True, positive=True)
    i, j, r, c = symbols("i j r c", integer=True, positive=True)
    w = IndexedBase("w", real=True)
    W, N = matrix(w, 2, 2), matrix(w, n, n)
    claims = [
        ("det of a square", det(W * W), det(W) ** 2, PROVED),
        ("trace of a square", Trace(N * N), Sum(w[i, j] * w[j, i], (i, 1, n), (j, 1, n)), PROVED),
        ("trace of a square, transposed", Trace(N * N), Trace(N * N.T), REFUTED),
        ("a cube", Entry(W * W * W, r, c), Entry(W * (W * W), r, c), PROVED),
        ("a cube, one factor short", Entry(W**3, r, c), Entry(W * W, r, c), REFUTED),
        ("the inverse", Entry(W**-1 * W, r, c), Entry(W * inverse(W), r, c), PROVED),
    ]
    _assert_as_expected(
        ("powers", "matrix powers", Source("helper 142", "matpow.md")),
        w,
        claims,
        sizes={n: (1, 2, 3)},
        indices={r: (1, 2), c: (1, 2)},
    )


def test_an_inner_product_times_a_matrix_is_a_scalar_times_it():
    """Helper 147: ⟨B, C⟩·A crashed the CLI (⟨B, C⟩ was a noncommutative scalar, which
    SymPy's MatMul cannot even print); and HasShape of it took none of the inner product's
    own pairs, so with C n × m, defined only where m = n, it was 1 at every size."""
    from derive.notation.tensors import HasShape, Inner, matrix

    a, b, c = (IndexedBase(name, real=True) for name in ("ia", "ib", "ic"))
    B, C, Cn, A = matrix(a, m, n), matrix(b, m, n), matrix(b, n, m), matrix(c, m, m)
    doc = document(
        "inner-times",
        "a scalar inner product times a matrix",
        Source("helper 147", "C1.md"),
        inputs=(a, b, c),
        definitions=(),
        claims=(
            claim("fits", "", "", HasShape(Inner(B, C) * A, m, m), 1),
            claim("mismatch", "", "", HasShape(Inner(B, Cn) * A, m, m), 1, expect=REFUTED),
        ),
        sizes={m: (1, 2), n: (1, 2)},
    )
    fits, mismatch = verify(doc, jobs=1, timeout=60)
    assert fits.status is PROVED and not fits.error, (fits.status, fits.error)
    assert mismatch.status is REFUTED, (mismatch.status, mismatch.scope)
    assert "the dimensions differ" in mismatch.counterexample.reason
