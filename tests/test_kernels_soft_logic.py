"""The generated soft if, switch and lookups: validation, edge shapes, stability at large
logits, the notes' claims as properties, and plain torch peers."""

import numpy
import pytest
from derive_kernels import soft_logic, soft_logic_numba
from hypothesis import given, settings
from hypothesis import strategies as st

from derive.kernels.benchmarks import peers

MODULES = (soft_logic, soft_logic_numba)
TORCH_RTOL32, TORCH_ATOL32 = 1e-5, 1e-5
TORCH_RTOL64, TORCH_ATOL64 = 1e-12, 1e-12
FLOAT32_RTOL = 1e-6  # per unit of logit magnitude
# Each kernel's argument shapes from sizes, and its torch peer.
KERNELS = {
    "soft_logic_if": (lambda s: [(s["n"],), (s["m"],), (s["m"],)], peers.torch_soft_if),
    "soft_logic_switch": (lambda s: [(s["n"], s["K"]), (s["K"], s["m"])], peers.torch_switch),
    "soft_logic_lookup_dot": (
        lambda s: [(s["n"], s["D"]), (s["K"], s["D"]), (s["K"], s["m"])],
        peers.torch_lookup_dot,
    ),
    "soft_logic_lookup_general": (
        lambda s: [(s["n"], s["D"]), (s["K"], s["D"]), (s["K"], s["m"]), (s["D"], s["D"])],
        peers.torch_lookup_general,
    ),
    "soft_logic_lookup_concat": (
        lambda s: [
            (s["n"], s["D"]),
            (s["K"], s["D"]),
            (s["K"], s["m"]),
            (s["H"], 2 * s["D"]),
            (s["H"],),
        ],
        peers.torch_lookup_concat,
    ),
}
SIZES = {"n": 4, "m": 3, "K": 5, "D": 3, "H": 2}


def _inputs(name, sizes=None, dtype=numpy.float64, seed=0):
    rng = numpy.random.default_rng(seed)
    shapes = KERNELS[name][0]({**SIZES, **(sizes or {})})
    return [rng.standard_normal(shape).astype(dtype) for shape in shapes]


def _run(module, name, inputs, dout=None):
    out = getattr(module, f"{name}_forward")(*inputs)
    seed = numpy.ones_like(out) if dout is None else dout
    return out, getattr(module, f"{name}_backward")(seed, *inputs)


@pytest.mark.parametrize("module", MODULES)
@pytest.mark.parametrize(
    "name, position, bad, message",
    [
        (
            "soft_logic_if",
            0,
            numpy.zeros((2, 2)),
            "z: expected 1 dimension (n,), got shape (2, 2)",
        ),
        ("soft_logic_if", 2, numpy.zeros(2), "F: expected shape (m,) with m = 3, got (2,)"),
        (
            "soft_logic_if",
            1,
            numpy.zeros(3, numpy.float32),
            "T: expected dtype float64, got float32",
        ),
        (
            "soft_logic_switch",
            1,
            numpy.zeros((4, 3)),
            "C: expected shape (K, m) with K = 5, got (4, 3)",
        ),
        (
            "soft_logic_switch",
            0,
            numpy.zeros((4, 5), int),
            "a: expected dtype float32 or float64, got int64",
        ),
        (
            "soft_logic_lookup_dot",
            1,
            numpy.zeros((5, 4)),
            "k: expected shape (keys, D) with D = 3, got (5, 4)",
        ),
        (
            "soft_logic_lookup_dot",
            2,
            numpy.zeros((6, 3)),
            "v: expected shape (keys, D_v) with keys = 5, got (6, 3)",
        ),
        (
            "soft_logic_lookup_general",
            3,
            numpy.zeros((3, 2)),
            "W_alpha: expected shape (D, D) with D = 3, got (3, 2)",
        ),
        (
            "soft_logic_lookup_concat",
            3,
            numpy.zeros((2, 3)),
            "W_alpha_c: expected shape (H, 2D) with 2D = 6, got (2, 3)",
        ),
        (
            "soft_logic_lookup_concat",
            4,
            numpy.zeros(3),
            "v_alpha_c: expected shape (H,) with H = 2, got (3,)",
        ),
    ],
)
def test_bad_inputs_raise_value_errors_naming_the_argument(module, name, position, bad, message):
    inputs = _inputs(name)
    inputs[position] = bad
    with pytest.raises(ValueError) as raised:
        getattr(module, f"{name}_forward")(*inputs)
    assert str(raised.value) == message


@pytest.mark.parametrize("module", MODULES)
@pytest.mark.parametrize("name", KERNELS)
def test_a_misshapen_output_gradient_is_named(module, name):
    inputs = _inputs(name)
    out = getattr(module, f"{name}_forward")(*inputs)
    with pytest.raises(ValueError, match="^dout: expected shape"):
        getattr(module, f"{name}_backward")(numpy.ones((out.shape[0] + 1, out.shape[1])), *inputs)


@pytest.mark.parametrize("module", MODULES)
@pytest.mark.parametrize("name", KERNELS)
@pytest.mark.parametrize(
    "sizes",
    [{"n": 0}, {"m": 0}, {"K": 0}, {"K": 1}, {"n": 1, "m": 1, "K": 1, "D": 1, "H": 1}, {"H": 0}],
)
def test_edge_shapes(module, name, sizes):
    inputs = _inputs(name, sizes)
    out, grads = _run(module, name, inputs)
    assert [g.shape for g in grads] == [x.shape for x in inputs]
    assert numpy.isfinite(out).all() and all(numpy.isfinite(g).all() for g in grads)


@pytest.mark.parametrize("module", MODULES)
@pytest.mark.parametrize("name", [n for n in KERNELS if n != "soft_logic_if"])
def test_no_cases_or_keys_give_the_empty_sum(module, name):
    out, grads = _run(module, name, _inputs(name, {"K": 0}))
    assert out.shape == (SIZES["n"], SIZES["m"]) and (out == 0).all()
    assert all((g == 0).all() for g in grads)


@pytest.mark.parametrize("module", MODULES)
@pytest.mark.parametrize("name", [n for n in KERNELS if n != "soft_logic_if"])
def test_a_single_case_or_key_is_chosen_outright(module, name):
    inputs = _inputs(name, {"K": 1})
    values = inputs[1] if name == "soft_logic_switch" else inputs[2]
    out, _ = _run(module, name, inputs)
    numpy.testing.assert_allclose(out, numpy.broadcast_to(values, out.shape))


def _scaled(name, inputs, magnitude):
    """The inputs with logits or scores of about ±magnitude."""
    inputs = list(inputs)
    if name == "soft_logic_lookup_concat":
        inputs[4] = inputs[4] * magnitude  # the score is Σ_r v_αc[r] tanh(...)
    elif name.startswith("soft_logic_lookup"):
        root = numpy.sqrt(magnitude).astype(inputs[0].dtype)
        inputs[0], inputs[1] = inputs[0] * root, inputs[1] * root
    else:
        inputs[0] = inputs[0] * inputs[0].dtype.type(magnitude)
    return inputs


@pytest.mark.parametrize("module", MODULES)
@pytest.mark.parametrize("name", KERNELS)
@pytest.mark.parametrize("dtype", [numpy.float32, numpy.float64])
def test_large_logits_stay_finite(module, name, dtype):
    inputs = _scaled(name, _inputs(name, dtype=dtype), 1e4)
    with numpy.errstate(over="raise", invalid="raise", divide="raise"):
        out, grads = _run(module, name, inputs)
    assert numpy.isfinite(out).all() and all(numpy.isfinite(g).all() for g in grads)


@settings(max_examples=25, deadline=None)
@given(
    rows=st.integers(1, 5),
    cases=st.integers(1, 6),
    features=st.integers(1, 4),
    seed=st.integers(0, 1000),
    scale=st.sampled_from([1.0, 30.0, 1e4]),
)
@pytest.mark.slow
def test_claims_hold_at_large_logits(rows, cases, features, seed, scale):
    """if.blend: y lies between T and F; switch.softmax: g in [0, 1], summing to 1."""
    rng = numpy.random.default_rng(seed)
    z, T, F = (
        scale * rng.standard_normal(rows),
        rng.standard_normal(features),
        rng.standard_normal(features),
    )
    a = scale * rng.standard_normal((rows, cases))
    for module in MODULES:
        y = module.soft_logic_if_forward(z, T, F)
        assert ((y - T) * (y - F) <= 1e-12).all()
        g = module.soft_logic_switch_forward(a, numpy.eye(cases))
        assert ((0 <= g) & (g <= 1)).all() and numpy.allclose(g.sum(axis=1), 1)


@settings(max_examples=25, deadline=None)
@given(
    name=st.sampled_from(sorted(KERNELS)),
    n=st.integers(1, 5),
    K=st.integers(1, 6),
    D=st.integers(1, 4),
    seed=st.integers(0, 1000),
    magnitude=st.sampled_from([1.0, 30.0, 1e4]),
)
@pytest.mark.slow
def test_float32_numba_agrees_with_float64_numpy(name, n, K, D, seed, magnitude):
    sizes = {"n": n, "K": K, "D": D}
    narrow = _scaled(name, _inputs(name, sizes, numpy.float32, seed), magnitude)
    wide = [x.astype(numpy.float64) for x in narrow]
    dout = numpy.random.default_rng(seed).standard_normal((n, SIZES["m"]))
    ref = _run(soft_logic, name, wide, dout)
    got = _run(soft_logic_numba, name, narrow, dout.astype(numpy.float32))
    for r, g in zip([ref[0], *ref[1]], [got[0], *got[1]]):
        assert numpy.isfinite(g).all()
        # float32 rounding of the logits grows with their magnitude.
        assert numpy.abs(g - r).max() <= FLOAT32_RTOL * (1 + magnitude) * (1 + numpy.abs(r).max())


@pytest.mark.parametrize("module", MODULES)
@pytest.mark.parametrize("name", KERNELS)
@pytest.mark.parametrize("dtype", [numpy.float32, numpy.float64])
def test_matches_the_plain_torch_formula(module, name, dtype):
    torch = pytest.importorskip("torch", reason="torch is the optional cross-check extra")
    inputs = _inputs(name, {"n": 7, "m": 4, "K": 9, "D": 5, "H": 6}, dtype, seed=3)
    tensors = [torch.tensor(x, requires_grad=True) for x in inputs]
    expected = KERNELS[name][1](torch, *tensors)
    dout = numpy.random.default_rng(4).standard_normal(tuple(expected.shape)).astype(dtype)
    expected.backward(torch.tensor(dout))
    out, grads = _run(module, name, inputs, dout)
    rtol, atol = (
        (TORCH_RTOL32, TORCH_ATOL32) if dtype == numpy.float32 else (TORCH_RTOL64, TORCH_ATOL64)
    )
    numpy.testing.assert_allclose(out, expected.detach().numpy(), rtol=rtol, atol=atol)
    for grad, tensor in zip(grads, tensors):
        numpy.testing.assert_allclose(grad, tensor.grad.numpy(), rtol=rtol, atol=atol)
