"""The generated selective scan: validation, edge shapes, stability, and the torch peer."""

import subprocess
import sys
from pathlib import Path

import numba
import numpy
import pytest
from derive_kernels import selective_ssm, selective_ssm_numba
from hypothesis import given, settings
from hypothesis import strategies as st

from derive.kernels.benchmarks.peers import torch_selective_scan
from derive.kernels.harnesses.scan import scan_inputs
from derive.kernels.kernelcheck import check_document
from derive.kernels.lowering import kernel_specs

MODULES = (selective_ssm, selective_ssm_numba)
GENERATED = Path(__file__).parent.parent / "generated"
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


def _layout_inputs(layouts, batch=2, dim=4, n=3, length=6, groups=2, seed=0):
    sizes = {"batch": batch, "dim": dim, "N": n, "L": length, "G": groups}
    return scan_inputs(numpy.random.default_rng(seed), sizes, layouts=layouts)


def _as_grouped(x, batch, dim, length):
    """B or C (any layout) written out per channel, (batch, dim, N, L): mamba_ssm's rule."""
    if x.ndim == 2:
        return numpy.broadcast_to(x[None, :, :, None], (batch, *x.shape, length)).copy()
    if x.ndim == 3:
        return numpy.broadcast_to(x[:, None], (batch, dim, *x.shape[1:])).copy()
    return numpy.repeat(x, dim // x.shape[1], axis=1)


def _shared_by(grad, layout_of):
    """A per-channel gradient (batch, dim, N, L) summed back into the layout of `layout_of`."""
    batch, dim, n, length = grad.shape
    if layout_of.ndim == 2:
        return grad.sum(axis=(0, 3))
    if layout_of.ndim == 3:
        return grad.sum(axis=1)
    groups = layout_of.shape[1]
    return grad.reshape(batch, groups, dim // groups, n, length).sum(axis=2)


@pytest.mark.parametrize("module", MODULES)
@pytest.mark.parametrize("layouts", [("constant", "grouped"), ("grouped", "shared")])
def test_a_layout_is_its_per_channel_copy_and_sums_its_gradient(module, layouts):
    """B, C in a shared layout give what their copy per channel gives, and their gradient is
    the per-channel gradient summed over what shares each entry."""
    inputs = _layout_inputs(layouts)
    (batch, dim, length), seed = inputs[0].shape, numpy.random.default_rng(1)
    dout = seed.standard_normal(inputs[0].shape)
    copies = list(inputs)
    copies[3], copies[4] = (_as_grouped(x, batch, dim, length) for x in inputs[3:5])
    out = module.selective_ssm_forward(*inputs, delta_softplus=True)
    grads = module.selective_ssm_backward(dout, *inputs, delta_softplus=True)
    expected = module.selective_ssm_backward(dout, *copies, delta_softplus=True)
    numpy.testing.assert_allclose(out, module.selective_ssm_forward(*copies, delta_softplus=True))
    for k, (grad, want) in enumerate(zip(grads, expected, strict=True)):
        want = _shared_by(want, inputs[k]) if k in (3, 4) else want
        assert grad.shape == inputs[k].shape
        numpy.testing.assert_allclose(grad, want, rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("module", MODULES)
def test_the_last_state_is_what_a_one_hot_C_reads_at_the_last_step(module):
    u, delta, A, B, _, _, _, _ = _layout_inputs(("grouped", "constant"))
    dim, n = A.shape
    _, last_state = module.selective_ssm_forward(
        u, delta, A, B, numpy.zeros((dim, n)), return_last_state=True
    )
    for k in range(n):
        C = numpy.zeros((dim, n))
        C[:, k] = 1.0
        out = module.selective_ssm_forward(u, delta, A, B, C)
        numpy.testing.assert_allclose(last_state[:, :, k], out[:, :, -1], rtol=1e-14)
    assert last_state.dtype == u.dtype


@pytest.mark.parametrize("module", MODULES)
@pytest.mark.parametrize("shape", [(0, 2, 3, 4), (2, 2, 3, 0), (1, 0, 2, 3), (1, 2, 1, 1)])
@pytest.mark.parametrize("layouts", [("constant", "grouped"), ("grouped", "constant")])
def test_edge_shapes_of_every_layout(module, shape, layouts):
    batch, dim, n, length = shape
    inputs = _layout_inputs(layouts, batch, dim, n, length, groups=1)
    out, last = module.selective_ssm_forward(*inputs, delta_softplus=True, return_last_state=True)
    dlast = numpy.ones(last.shape)
    grads = module.selective_ssm_backward(
        numpy.ones_like(out), *inputs, delta_softplus=True, chunk=2, dlast_state=dlast
    )
    assert out.shape == inputs[0].shape and last.shape == (batch, dim, n)
    assert [g.shape for g in grads] == [x.shape for x in inputs]


def test_importing_the_kernels_does_not_import_torch():
    code = (
        "import sys, derive_kernels, derive_kernels.selective_ssm, "
        "derive_kernels.selective_ssm_numba; print('torch' in sys.modules)"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.stdout.strip() == "False", result.stderr


@pytest.mark.parametrize(
    "name, wrong",
    [
        ("selective_ssm_numba.py", ("d // (dim // B.shape[1])", "d % B.shape[1]")),
        (
            "selective_ssm.py",
            (
                "numpy.repeat(step, dim // groups, axis=1)",
                "numpy.tile(step, (1, dim // groups, 1))",
            ),
        ),
    ],
)
def test_derive_check_catches_a_wrong_group_of_channels(tmp_path, load_document, name, wrong):
    for path in GENERATED.glob("*.py"):
        text = path.read_text()
        assert path.name != name or wrong[0] in text
        (tmp_path / path.name).write_text(text.replace(*wrong) if path.name == name else text)
    checks = check_document(kernel_specs(load_document("selective_ssm")), str(tmp_path))
    failed = {c.what for c in checks if not c.ok}
    assert failed and all("grouped" in what for what in failed)
