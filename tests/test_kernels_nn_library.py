"""The generated NN-library layers (linear, mse, add) and 1-D windows (correlation and
convolution, 'valid' and 'full'): validation, edge shapes, large magnitudes, the document's
claims as properties, and torch peers."""

import numpy
import pytest
from derive_kernels import nn_library, nn_library_numba
from hypothesis import given, settings
from hypothesis import strategies as st

from derive.kernels.benchmarks import peers

MODULES = (nn_library, nn_library_numba)
MODES = ("valid", "full")
TORCH_RTOL32, TORCH_ATOL32 = 1e-5, 1e-5
TORCH_RTOL64, TORCH_ATOL64 = 1e-12, 1e-12
PROPERTY_TOLERANCE = 1e-10
# Each kernel's argument shapes from sizes, and its torch peer.
KERNELS = {
    "nn_library_linear": (lambda s: [(s["batch"], s["n"]), (s["m"], s["n"])], peers.torch_linear),
    "nn_library_mse": (lambda s: [(s["batch"], s["n"]), (s["batch"], s["n"])], peers.torch_mse),
    "nn_library_add": (lambda s: [(s["batch"], s["n"]), (s["n"],)], peers.torch_add),
    "nn_library_correlate": (lambda s: [(s["batch"], s["n"]), (s["k"],)], peers.torch_correlate),
    "nn_library_convolve": (lambda s: [(s["batch"], s["n"]), (s["k"],)], peers.torch_convolve),
}
WINDOWS = ("nn_library_correlate", "nn_library_convolve")
LAYERS = tuple(name for name in KERNELS if name not in WINDOWS)
SIZES = {"batch": 3, "n": 6, "m": 4, "k": 3}


def _inputs(name, sizes=None, dtype=numpy.float64, seed=0):
    rng = numpy.random.default_rng(seed)
    shapes = KERNELS[name][0]({**SIZES, **(sizes or {})})
    return [rng.standard_normal(shape).astype(dtype) for shape in shapes]


def _run(module, name, inputs, dout=None, **options):
    out = getattr(module, f"{name}_forward")(*inputs, **options)
    seed = numpy.ones_like(out) if dout is None else dout
    return out, getattr(module, f"{name}_backward")(seed, *inputs, **options)


@pytest.mark.parametrize("module", MODULES)
@pytest.mark.parametrize(
    "name, position, bad, options, message",
    [
        (
            "nn_library_linear",
            0,
            numpy.zeros(6),
            {},
            "x: expected 2 dimensions (batch, n), got shape (6,)",
        ),
        (
            "nn_library_linear",
            1,
            numpy.zeros((4, 5)),
            {},
            "w: expected shape (m, n) with n = 6, got (4, 5)",
        ),
        (
            "nn_library_mse",
            1,
            numpy.zeros((2, 6)),
            {},
            "y_star: expected shape (batch, n) with batch = 3, got (2, 6)",
        ),
        (
            "nn_library_mse",
            1,
            numpy.zeros((3, 6), numpy.float32),
            {},
            "y_star: expected dtype float64, got float32",
        ),
        ("nn_library_add", 1, numpy.zeros(5), {}, "w: expected shape (n,) with n = 6, got (5,)"),
        (
            "nn_library_add",
            0,
            numpy.zeros((3, 6), int),
            {},
            "x: expected dtype float32 or float64, got int64",
        ),
        (
            "nn_library_correlate",
            1,
            numpy.zeros(0),
            {},
            "w: expected shape (k,) with k ≥ 1, got (0,)",
        ),
        (
            "nn_library_correlate",
            1,
            numpy.zeros(7),
            {"mode": "valid"},
            "x: expected shape (batch, n) with n ≥ 7 for mode 'valid', got (3, 6)",
        ),
        (
            "nn_library_convolve",
            1,
            numpy.zeros((3, 1)),
            {},
            "w: expected 1 dimension (k,), got shape (3, 1)",
        ),
        (
            "nn_library_convolve",
            1,
            numpy.zeros(3),
            {"mode": "same"},
            "mode: expected 'valid' or 'full', got 'same'",
        ),
    ],
)
def test_bad_inputs_raise_value_errors_naming_the_argument(
    module, name, position, bad, options, message
):
    inputs = _inputs(name)
    inputs[position] = bad
    with pytest.raises(ValueError) as raised:
        getattr(module, f"{name}_forward")(*inputs, **options)
    assert str(raised.value) == message


@pytest.mark.parametrize("module", MODULES)
@pytest.mark.parametrize("name", KERNELS)
def test_a_misshapen_output_gradient_is_named(module, name):
    inputs = _inputs(name)
    out = getattr(module, f"{name}_forward")(*inputs)
    with pytest.raises(ValueError, match="^dout: expected shape"):
        getattr(module, f"{name}_backward")(numpy.ones((out.shape[0] + 1, *out.shape[1:])), *inputs)


@pytest.mark.parametrize("module", MODULES)
@pytest.mark.parametrize("name", LAYERS)
@pytest.mark.parametrize("sizes", [{"batch": 0}, {"n": 0}, {"m": 0}, {"batch": 1, "n": 1, "m": 1}])
def test_layer_edge_shapes(module, name, sizes):
    inputs = _inputs(name, sizes)
    out, grads = _run(module, name, inputs)
    assert [g.shape for g in grads] == [x.shape for x in inputs]
    assert numpy.isfinite(out).all() and all(numpy.isfinite(g).all() for g in grads)


@pytest.mark.parametrize("module", MODULES)
@pytest.mark.parametrize("name", WINDOWS)
@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize(
    "sizes",
    [
        {"batch": 0},
        {"batch": 1},
        {"k": 1},
        {"k": 6},
        {"n": 1, "k": 1},
        {"batch": 1, "n": 2, "k": 2},
    ],
)
def test_window_edge_shapes(module, name, mode, sizes):
    inputs = _inputs(name, sizes)
    n, k = inputs[0].shape[1], inputs[1].size
    out, grads = _run(module, name, inputs, mode=mode)
    width = n - k + 1 if mode == "valid" else n + k - 1
    assert out.shape == (inputs[0].shape[0], width)
    assert [g.shape for g in grads] == [x.shape for x in inputs]
    assert numpy.isfinite(out).all() and all(numpy.isfinite(g).all() for g in grads)


@pytest.mark.parametrize("module", MODULES)
@pytest.mark.parametrize("mode", MODES)
def test_a_single_tap_scales_the_signal(module, mode):
    x = _inputs("nn_library_correlate")[0]
    for name in WINDOWS:
        out = getattr(module, f"{name}_forward")(x, numpy.array([2.5]), mode=mode)
        numpy.testing.assert_allclose(out, 2.5 * x)


@pytest.mark.parametrize("module", MODULES)
@pytest.mark.parametrize("name", KERNELS)
@pytest.mark.parametrize("dtype", [numpy.float32, numpy.float64])
def test_large_magnitudes_stay_finite(module, name, dtype):
    inputs = [x * dtype(1e4) for x in _inputs(name, dtype=dtype)]
    with numpy.errstate(over="raise", invalid="raise", divide="raise"):
        out, grads = _run(module, name, inputs)
    assert out.dtype == dtype and all(g.dtype == dtype for g in grads)
    assert numpy.isfinite(out).all() and all(numpy.isfinite(g).all() for g in grads)


def _dot(a, b):
    return float((numpy.asarray(a) * numpy.asarray(b)).sum())


@settings(max_examples=40, deadline=None)
@given(
    batch=st.integers(1, 3),
    n=st.integers(1, 8),
    k=st.integers(1, 8),
    mode=st.sampled_from(MODES),
    seed=st.integers(0, 1000),
)
@pytest.mark.slow
def test_windows_are_numpys_and_bilinear(batch, n, k, mode, seed):
    """y is numpy.correlate / numpy.convolve per row; ⟨dout, y⟩ = ⟨dx, x⟩ = ⟨dw, w⟩, as for
    every bilinear map (6.2.property[1], [3]: the adjoints of x ↦ x ⊙ w and w ↦ x ⊙ w)."""
    k = min(k, n) if mode == "valid" else k
    rng = numpy.random.default_rng(seed)
    x, w = rng.standard_normal((batch, n)), rng.standard_normal(k)
    peers_ = {"nn_library_correlate": numpy.correlate, "nn_library_convolve": numpy.convolve}
    for module in MODULES:
        for name, peer in peers_.items():
            expected = numpy.stack([peer(row, w, mode) for row in x])
            dout = rng.standard_normal(expected.shape)
            out, (dx, dw) = _run(module, name, [x, w], dout, mode=mode)
            numpy.testing.assert_allclose(out, expected, rtol=1e-12, atol=1e-12)
            scale = 1 + numpy.abs(dout).sum() * numpy.abs(x).max() * numpy.abs(w).sum()
            assert abs(_dot(dout, out) - _dot(dx, x)) <= PROPERTY_TOLERANCE * scale
            assert abs(_dot(dout, out) - _dot(dw, w)) <= PROPERTY_TOLERANCE * scale


@settings(max_examples=25, deadline=None)
@given(
    name=st.sampled_from(sorted(KERNELS)),
    batch=st.integers(1, 4),
    n=st.integers(1, 8),
    m=st.integers(1, 4),
    k=st.integers(1, 8),
    mode=st.sampled_from(MODES),
    seed=st.integers(0, 1000),
)
@pytest.mark.slow
def test_float32_numba_agrees_with_float64_numpy(name, batch, n, m, k, mode, seed):
    options = {"mode": mode} if name in WINDOWS else {}
    k = min(k, n) if mode == "valid" else k
    sizes = {"batch": batch, "n": n, "m": m, "k": k}
    narrow = _inputs(name, sizes, numpy.float32, seed)
    wide = [x.astype(numpy.float64) for x in narrow]
    out = getattr(nn_library, f"{name}_forward")(*wide, **options)
    dout = numpy.random.default_rng(seed).standard_normal(out.shape)
    ref = _run(nn_library, name, wide, dout, **options)
    got = _run(nn_library_numba, name, narrow, dout.astype(numpy.float32), **options)
    for r, g in zip([ref[0], *ref[1]], [got[0], *got[1]]):
        assert g.dtype == numpy.float32
        assert numpy.abs(g - r).max() <= 1e-5 * (1 + n + k) * (1 + numpy.abs(r).max())


@pytest.mark.parametrize("module", MODULES)
@pytest.mark.parametrize(
    "name, mode", [(n, None) for n in LAYERS] + [(n, m) for n in WINDOWS for m in MODES]
)
@pytest.mark.parametrize("dtype", [numpy.float32, numpy.float64])
def test_matches_torch(module, name, mode, dtype):
    torch = pytest.importorskip("torch", reason="torch is the optional cross-check extra")
    options = {} if mode is None else {"mode": mode}
    inputs = _inputs(name, {"batch": 5, "n": 9, "m": 7, "k": 4}, dtype, seed=3)
    tensors = [torch.tensor(x, requires_grad=True) for x in inputs]
    expected = KERNELS[name][1](torch, *tensors, **options)
    dout = numpy.random.default_rng(4).standard_normal(tuple(expected.shape)).astype(dtype)
    expected.backward(torch.tensor(dout))
    out, grads = _run(module, name, inputs, dout, **options)
    rtol, atol = (
        (TORCH_RTOL32, TORCH_ATOL32) if dtype == numpy.float32 else (TORCH_RTOL64, TORCH_ATOL64)
    )
    numpy.testing.assert_allclose(out, expected.detach().numpy(), rtol=rtol, atol=atol)
    for grad, tensor in zip(grads, tensors, strict=True):
        numpy.testing.assert_allclose(grad, tensor.grad.numpy(), rtol=rtol, atol=atol)
