"""The generated selective scan: validation, edge shapes, stability, and the torch peer."""

import numba
import numpy
import pytest
from derive_kernels import selective_ssm, selective_ssm_numba
from hypothesis import given, settings
from hypothesis import strategies as st

from derive.kernels.benchmarks.peers import torch_selective_scan
from derive.kernels.harnesses.scan import scan_inputs

MODULES = (selective_ssm, selective_ssm_numba)
TORCH_RTOL32, TORCH_ATOL32 = 6e-4, 2e-3  # mamba_ssm's own test tolerances for float32
TORCH_RTOL64, TORCH_ATOL64 = 1e-10, 1e-10
THREADS_RTOL = 1e-13  # per-thread parts of dB and dC are summed in another order


def _inputs(batch=2, dim=3, n=4, length=5, dtype=numpy.float64, seed=0):
    sizes = {"batch": batch, "dim": dim, "N": n, "L": length}
    return scan_inputs(numpy.random.default_rng(seed), sizes, dtype)


@pytest.mark.parametrize("module", MODULES)
@pytest.mark.parametrize(
    "position, bad, message",
    [
        (0, numpy.zeros((2, 3)), "u: expected 3 dimensions (batch, dim, L), got shape (2, 3)"),
        (2, numpy.zeros((4, 4)), "A: expected shape (dim, N) with dim = 3, got (4, 4)"),
        (3, numpy.zeros((2, 5, 5)), "B: expected shape (batch, N, L) with N = 4, got (2, 5, 5)"),
        (5, numpy.zeros(7), "D: expected shape (dim,) with dim = 3, got (7,)"),
        (1, numpy.zeros((2, 3, 5), numpy.float32), "delta: expected dtype float64, got float32"),
        (0, numpy.zeros((2, 3, 5), numpy.int64), "u: expected dtype float32 or float64, got int64"),
    ],
)
def test_bad_inputs_raise_value_errors_naming_the_argument(module, position, bad, message):
    inputs = _inputs()
    inputs[position] = bad
    with pytest.raises(ValueError) as raised:
        module.selective_ssm_forward(*inputs)
    assert str(raised.value) == message


@pytest.mark.parametrize("module", MODULES)
def test_optional_inputs_may_be_none(module):
    u, delta, A, B, C, _, _, _ = _inputs()
    out = module.selective_ssm_forward(u, delta, A, B, C)
    grads = module.selective_ssm_backward(numpy.ones_like(u), u, delta, A, B, C)
    assert out.shape == u.shape and grads[5:] == (None, None, None)


@pytest.mark.parametrize("module", MODULES)
@pytest.mark.parametrize(
    "shape", [(1, 1, 1, 1), (0, 2, 3, 4), (2, 1, 3, 1), (1, 2, 1, 9), (2, 3, 4, 0), (1, 0, 2, 3)]
)
def test_edge_shapes(module, shape):
    inputs = _inputs(*shape)
    out = module.selective_ssm_forward(*inputs, delta_softplus=True)
    grads = module.selective_ssm_backward(
        numpy.ones_like(out), *inputs, delta_softplus=True, chunk=2
    )
    assert out.shape == inputs[0].shape
    assert [g.shape for g in grads] == [x.shape for x in inputs]


def test_one_thread_and_all_threads_agree():
    """The Numba kernels split the channels into one part per thread; one part is the same scan."""
    inputs = _inputs(batch=2, dim=5, n=4, length=9, seed=6)

    def run():
        out = selective_ssm_numba.selective_ssm_forward(*inputs, delta_softplus=True)
        dout = numpy.ones_like(out)
        return out, selective_ssm_numba.selective_ssm_backward(
            dout, *inputs, delta_softplus=True, chunk=4
        )

    threads = numba.get_num_threads()
    numba.set_num_threads(1)
    try:
        alone = run()
    finally:
        numba.set_num_threads(threads)
    together = run()
    numpy.testing.assert_array_equal(alone[0], together[0])
    for a, b in zip(alone[1], together[1], strict=True):
        numpy.testing.assert_allclose(a, b, rtol=THREADS_RTOL, atol=THREADS_RTOL)


@pytest.mark.parametrize("module", MODULES)
def test_large_magnitudes_stay_finite(module):
    u, delta, A, B, C, D, z, bias = _inputs(dtype=numpy.float32)
    delta = numpy.linspace(-1e4, 1e4, delta.size, dtype=numpy.float32).reshape(delta.shape)
    z = numpy.linspace(1e4, -1e4, z.size, dtype=numpy.float32).reshape(z.shape)
    with numpy.errstate(over="raise", invalid="raise", divide="raise"):
        out = module.selective_ssm_forward(u, delta, A, B, C, D, z, bias, delta_softplus=True)
    assert numpy.isfinite(out).all()


@pytest.mark.parametrize("module", MODULES)
def test_a_bad_dout_is_named_not_u(module):
    inputs = _inputs()
    message = "dout: expected shape (batch, dim, L) with L = 5, got (2, 3, 6)"
    with pytest.raises(ValueError) as raised:
        module.selective_ssm_backward(numpy.zeros((2, 3, 6)), *inputs)
    assert str(raised.value) == message


@pytest.mark.parametrize("module", MODULES)
def test_float32_backward_of_huge_steps_matches_float64(module):
    # Δ = 1e30 underflows every decay; Δ·h_prev alone overflows float32 (inf·0 would be NaN).
    wide = _inputs()
    wide[1] = numpy.full_like(wide[1], 1e30)
    narrow = [x.astype(numpy.float32) for x in wide]
    dout = numpy.ones(wide[0].shape)
    ref = selective_ssm.selective_ssm_backward(dout, *wide)
    got = module.selective_ssm_backward(dout.astype(numpy.float32), *narrow)
    for r, g in zip(ref, got):
        assert numpy.isfinite(g).all()
        assert numpy.allclose(g, r, rtol=1e-5, atol=0)


@settings(max_examples=25, deadline=None)
@given(
    batch=st.integers(1, 2),
    dim=st.integers(1, 3),
    n=st.integers(1, 4),
    length=st.integers(1, 9),
    chunk=st.integers(1, 4),
    seed=st.integers(0, 1000),
    scale=st.sampled_from([1.0, 30.0]),
)
@pytest.mark.slow
def test_float32_numba_agrees_with_float64_numpy(batch, dim, n, length, chunk, seed, scale):
    wide = _inputs(batch, dim, n, length, seed=seed)
    wide[1] = wide[1] * scale
    narrow = [x.astype(numpy.float32) for x in wide]
    dout = numpy.ones(wide[0].shape)
    ref = selective_ssm.selective_ssm_backward(dout, *wide, delta_softplus=True, chunk=chunk)
    got = selective_ssm_numba.selective_ssm_backward(
        dout.astype(numpy.float32), *narrow, delta_softplus=True, chunk=chunk
    )
    for r, g in zip(ref, got):
        assert numpy.isfinite(g).all()
        assert numpy.allclose(g, r, rtol=1e-3, atol=1e-3 * (1 + numpy.abs(r).max()))


@pytest.mark.parametrize("module", MODULES)
@pytest.mark.parametrize("dtype", [numpy.float32, numpy.float64])
@pytest.mark.parametrize("softplus", [False, True])
def test_matches_torch_selective_scan_ref(module, dtype, softplus):
    torch = pytest.importorskip("torch", reason="torch is the optional cross-check extra")
    inputs = _inputs(2, 4, 8, 16, dtype=dtype, seed=7)
    dout = numpy.random.default_rng(8).standard_normal(inputs[0].shape).astype(dtype)
    tensors = [torch.tensor(x, requires_grad=True) for x in inputs]
    expected = torch_selective_scan(torch, *tensors, delta_softplus=softplus)
    expected.backward(torch.tensor(dout))
    out = module.selective_ssm_forward(*inputs, delta_softplus=softplus)
    grads = module.selective_ssm_backward(dout, *inputs, delta_softplus=softplus)
    rtol, atol = (
        (TORCH_RTOL32, TORCH_ATOL32) if dtype == numpy.float32 else (TORCH_RTOL64, TORCH_ATOL64)
    )
    numpy.testing.assert_allclose(out, expected.detach().numpy(), rtol=rtol, atol=atol)
    for grad, tensor in zip(grads, tensors):
        numpy.testing.assert_allclose(grad, tensor.grad.numpy(), rtol=rtol, atol=atol)
