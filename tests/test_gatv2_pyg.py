"""The gatv2 document against PyTorch Geometric: its forward equations are GATv2Conv's, and
the engine's gradients (and the corrected formulas) are autograd's."""

import random

import pytest
import sympy

torch = pytest.importorskip(
    "torch", reason="optional cross-check: pip install torch==2.13.0 torch_geometric"
)
pyg_nn = pytest.importorskip(
    "torch_geometric.nn", reason="optional cross-check: pip install torch_geometric"
)

from derive.documents import gatv2  # noqa: E402  (after the optional imports)
from derive.engine.terms import context_of, instantiate, strip_shapes  # noqa: E402
from derive.notation.primitives import elementary  # noqa: E402

SIZES = {gatv2.N: 3, gatv2.D: 2, gatv2.H: 2}
SLOPE = 0.2
TOLERANCE = 1e-9
SEED = 4


def _values(rng: random.Random) -> dict:
    """Seeded values for every input entry, as exact rationals."""
    N, D, H = (SIZES[s] for s in (gatv2.N, gatv2.D, gatv2.H))
    entries = [gatv2.h_i[u] for u in range(1, H + 1)]
    entries += [gatv2.h[j, u] for j in range(1, N + 1) for u in range(1, H + 1)]
    for theta in (gatv2.Theta_R, gatv2.Theta_L):
        entries += [theta[d, q] for d in range(1, D + 1) for q in range(1, H + 2)]
    entries += [base[d] for base in (gatv2.a, gatv2.b, gatv2.g) for d in range(1, D + 1)]
    values = {e: sympy.Rational(rng.randint(-2000, 2000), 1000) for e in entries}
    values[gatv2.c] = sympy.Rational(1, 5)
    return values


def _tensor(values, base, shape):
    """The entries of `base` (1-based in the document) as a float64 tensor."""
    rows = [
        [float(values[base[(*row, q)]]) for q in range(1, shape[-1] + 1)]
        for row in ([(r,) for r in range(1, shape[0] + 1)] if len(shape) == 2 else [()])
    ]
    return torch.tensor(rows if len(shape) == 2 else rows[0], dtype=torch.float64)


def _conv(values):
    """GATv2Conv with the document's parameters: column 1 of Θ is the bias."""
    N, D, H = (SIZES[s] for s in (gatv2.N, gatv2.D, gatv2.H))
    conv = pyg_nn.GATv2Conv(
        H, D, heads=1, share_weights=False, add_self_loops=False, negative_slope=SLOPE
    ).double()
    with torch.no_grad():
        for lin, theta in ((conv.lin_r, gatv2.Theta_R), (conv.lin_l, gatv2.Theta_L)):
            full = _tensor(values, theta, (D, H + 1))
            lin.bias.copy_(full[:, 0])
            lin.weight.copy_(full[:, 1:])
        conv.att.copy_(_tensor(values, gatv2.a, (D,)).view(1, 1, D))
        conv.bias.copy_(_tensor(values, gatv2.b, (D,)))
    return conv


def _graph(values):
    """Node 0 is i, nodes 1..N its neighbours; every edge points at node 0."""
    N, H = SIZES[gatv2.N], SIZES[gatv2.H]
    x = torch.zeros((N + 1, H), dtype=torch.float64)
    x[0] = _tensor(values, gatv2.h_i, (H,))
    x[1:] = _tensor(values, gatv2.h, (N, H))
    edges = torch.tensor([list(range(1, N + 1)), [0] * N])
    return x.requires_grad_(True), edges


@pytest.fixture(scope="module")
def setting():
    values = _values(random.Random(SEED))
    conv = _conv(values)
    x, edges = _graph(values)
    out = conv(x, edges)[0]
    loss = (out * _tensor(values, gatv2.g, (SIZES[gatv2.D],))).sum()
    loss.backward()
    return values, conv, x, out


MEMO: dict = {}  # instantiations at SIZES share their unfolded definitions


def _engine(expr, values, extra=None):
    """Instantiate `expr` as the engine does (shapes stripped) and evaluate it at `values`."""
    ctx = context_of(gatv2.DOCUMENT)
    concrete = instantiate(ctx, strip_shapes(expr), {**SIZES, **(extra or {})}, MEMO)
    return _evaluate(concrete, values)


def _gradient(entry, values):
    """The engine's own gradient ∂L/∂entry: L unfolded once, then differentiated."""
    if "L" not in MEMO:
        MEMO["L"] = instantiate(context_of(gatv2.DOCUMENT), strip_shapes(gatv2.L), SIZES, MEMO)
    return _evaluate(sympy.diff(MEMO["L"], strip_shapes(entry)), values)


def _evaluate(expr, values) -> float:
    atoms = [strip_shapes(k) for k in values]
    function = sympy.lambdify(atoms, elementary(expr), "math", cse=True)
    return float(function(*(float(v) for v in values.values())))


def test_forward_is_gatv2conv(setting):
    values, _, _, out = setting
    for r in range(1, SIZES[gatv2.D] + 1):
        assert abs(_engine(gatv2.hp(r), values) - out[r - 1].item()) < TOLERANCE


@pytest.mark.parametrize("name", ["Theta_R", "Theta_L"])
def test_engine_gradient_of_theta_is_autograd(setting, name):
    values, conv, _, _ = setting
    theta = getattr(gatv2, name)
    lin = conv.lin_r if name == "Theta_R" else conv.lin_l
    for d in range(1, SIZES[gatv2.D] + 1):
        for q in range(1, SIZES[gatv2.H] + 2):
            engine = _gradient(theta[d, q], values)
            torch_grad = lin.bias.grad[d - 1] if q == 1 else lin.weight.grad[d - 1, q - 2]
            assert abs(engine - torch_grad.item()) < TOLERANCE, (name, d, q)


def test_engine_gradients_of_a_b_and_features_are_autograd(setting):
    values, conv, x, _ = setting
    for d in range(1, SIZES[gatv2.D] + 1):
        assert abs(_gradient(gatv2.a[d], values) - conv.att.grad[0, 0, d - 1].item()) < TOLERANCE
        assert abs(_gradient(gatv2.b[d], values) - conv.bias.grad[d - 1].item()) < TOLERANCE
    for u in range(1, SIZES[gatv2.H] + 1):
        assert abs(_gradient(gatv2.h_i[u], values) - x.grad[0, u - 1].item()) < TOLERANCE
        for j in range(1, SIZES[gatv2.N] + 1):
            assert abs(_gradient(gatv2.h[j, u], values) - x.grad[j, u - 1].item()) < TOLERANCE


@pytest.mark.parametrize(
    "claim_id, torch_grad",
    [
        ("final.Theta_Rw/corrected", lambda c, d, t: c.lin_r.weight.grad[d - 1, t - 1]),
        ("final.Theta_Rb/corrected", lambda c, d, t: c.lin_r.bias.grad[d - 1]),
        ("final.Theta_Lw/corrected", lambda c, d, t: c.lin_l.weight.grad[d - 1, t - 1]),
        ("final.Theta_Lb/corrected", lambda c, d, t: c.lin_l.bias.grad[d - 1]),
        ("coverage.a/corrected", lambda c, d, t: c.att.grad[0, 0, d - 1]),
    ],
)
def test_corrected_formulas_are_autograd(setting, claim_id, torch_grad):
    values, conv, _, _ = setting
    formula = gatv2.DOCUMENT.claim(claim_id).rhs
    for d in range(1, SIZES[gatv2.D] + 1):
        for t in range(1, SIZES[gatv2.H] + 1):
            value = _engine(formula, values, {gatv2.d: d, gatv2.t: t})
            assert abs(value - torch_grad(conv, d, t).item()) < TOLERANCE, (claim_id, d, t)


def test_paper_formula_is_not_autograd(setting):
    # The published ^BΘ_Rw (A₇ unweighted, one entry of ∂L/∂h') misses autograd here.
    values, conv, _, _ = setting
    formula = gatv2.DOCUMENT.claim("final.Theta_Rw").rhs
    misses = [
        abs(
            _engine(formula, values, {gatv2.d: d, gatv2.t: t})
            - conv.lin_r.weight.grad[d - 1, t - 1].item()
        )
        for d in range(1, SIZES[gatv2.D] + 1)
        for t in range(1, SIZES[gatv2.H] + 1)
    ]
    assert max(misses) > 1e-3
