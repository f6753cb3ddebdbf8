"""The generated torch wrapper selective_scan_fn: gradcheck, a torch re-implementation of
mamba_ssm's selective_scan_ref, errors, no copies, and float32 against float64."""

import itertools

import numpy
import pytest

torch = pytest.importorskip("torch", reason="torch is the optional cross-check extra")
from derive_kernels import selective_ssm_numba, torch_selective_ssm  # noqa: E402
from derive_kernels.torch_selective_ssm import selective_scan_fn  # noqa: E402

LAYOUTS = ("constant", "shared", "grouped")  # B, C: (dim, N), (batch, N, L), (batch, G, N, L)
SIZES = {"batch": 2, "dim": 4, "N": 2, "L": 4, "G": 2}
REFERENCE_RTOL, REFERENCE_ATOL = 1e-10, 1e-12  # float64, the same sums in another order
# float32 against float64, relative to each array's largest entry: mamba_ssm's own test
# tolerances for float32 (rtol 6e-4, atol 2e-3).
FLOAT32_RTOL, FLOAT32_ATOL = 6e-4, 2e-3
OPTIONS = ("D", "z", "delta_bias", "delta_softplus")


def _inputs(layouts, dtype=torch.float64, seed=0, sizes=SIZES):
    """(u, delta, A, B, C, D, z, delta_bias) with mamba-like scales, every one a leaf."""
    generator = torch.Generator().manual_seed(seed)
    batch, dim, n, length, groups = (sizes[k] for k in ("batch", "dim", "N", "L", "G"))
    shapes = {"constant": (dim, n), "shared": (batch, n, length)}
    shapes["grouped"] = (batch, groups, n, length)

    def normal(*shape, scale=1.0):
        return scale * torch.randn(*shape, generator=generator, dtype=torch.float64)

    values = [
        normal(batch, dim, length),
        normal(batch, dim, length, scale=0.5),
        -torch.exp(normal(dim, n, scale=0.3)),
        normal(*shapes[layouts[0]]),
        normal(*shapes[layouts[1]]),
        normal(dim),
        normal(batch, dim, length),
        normal(dim, scale=0.1),
    ]
    return [v.to(dtype).requires_grad_(True) for v in values]


def _per_channel(x, batch, dim, length):
    """B or C as (batch, dim, N, L): channel d reads group d // (dim // G)."""
    if x.dim() == 2:
        return x[None, :, :, None].expand(batch, dim, x.shape[1], length)
    if x.dim() == 3:
        return x[:, None].expand(batch, dim, *x.shape[1:])
    return x.repeat_interleave(dim // x.shape[1], dim=1)


def reference(
    u,
    delta,
    A,
    B,
    C,
    D=None,
    z=None,
    delta_bias=None,
    delta_softplus=False,
    return_last_state=False,
):
    """mamba_ssm's selective_scan_ref, written again from its documented semantics, in the
    inputs' dtype: h_t = exp(Δ_t A) h_{t-1} + Δ_t B_t u_t, y_t = C_t·h_t,
    out = (y + D u) silu(z)."""
    batch, dim, length = u.shape
    if delta_bias is not None:
        delta = delta + delta_bias[:, None]
    if delta_softplus:
        delta = torch.nn.functional.softplus(delta)
    B, C = _per_channel(B, batch, dim, length), _per_channel(C, batch, dim, length)
    h = u.new_zeros(batch, dim, A.shape[1])
    ys = []
    for t in range(length):
        step = delta[:, :, t, None]
        h = torch.exp(step * A) * h + step * B[..., t] * u[:, :, t, None]
        ys.append((h * C[..., t]).sum(-1))
    out = torch.stack(ys, dim=-1)
    if D is not None:
        out = out + D[:, None] * u
    if z is not None:
        out = out * torch.nn.functional.silu(z)
    return (out, h) if return_last_state else out


def _arguments(inputs, options):
    """The call's positional tensors and keywords with the given OPTIONS on."""
    u, delta, A, B, C, D, z, bias = inputs
    keep = {"D": D, "z": z, "delta_bias": bias}
    tensors = [u, delta, A, B, C] + [keep[k] if k in options else None for k in keep]
    return tensors, {"delta_softplus": "delta_softplus" in options}


def _option_sets():
    return [set(c) for r in range(len(OPTIONS) + 1) for c in itertools.combinations(OPTIONS, r)]


def _gradcheck(layouts, options, last, fast):
    inputs = _inputs(layouts)
    tensors, keywords = _arguments(inputs, options)
    given = [t for t in tensors if t is not None]
    positions = [k for k, t in enumerate(tensors) if t is not None]

    def call(*leaves):
        arguments = list(tensors)
        for position, leaf in zip(positions, leaves, strict=True):
            arguments[position] = leaf
        return selective_scan_fn(*arguments, **keywords, return_last_state=last)

    return torch.autograd.gradcheck(call, given, fast_mode=fast)


@pytest.mark.parametrize("last", [False, True])
@pytest.mark.parametrize("layouts", list(itertools.product(LAYOUTS, repeat=2)))
@pytest.mark.parametrize("options", _option_sets(), ids=lambda o: "+".join(sorted(o)) or "none")
def test_gradcheck_every_option_combination(options, layouts, last):
    """Fast gradcheck (random projections of the Jacobian) for all 288 combinations."""
    assert _gradcheck(layouts, options, last, fast=True)


@pytest.mark.parametrize("layouts", [("constant", "grouped"), ("grouped", "constant")])
def test_gradcheck_full_jacobian(layouts):
    assert _gradcheck(layouts, set(OPTIONS), True, fast=False)


def _run(function, inputs, options, last, seeds):
    """Forward and the gradient of every input, seeded by `seeds` (dout, dlast_state)."""
    tensors, keywords = _arguments(inputs, options)
    result = function(*tensors, **keywords, return_last_state=last)
    outputs = result if last else (result,)
    torch.autograd.backward(outputs, seeds[: len(outputs)])
    grads = [None if t is None else t.grad for t in tensors]
    return [o.detach() for o in outputs], grads


def _seeds(inputs, dtype=torch.float64):
    generator = torch.Generator().manual_seed(99)
    (batch, dim, length), n = inputs[0].shape, inputs[2].shape[1]
    dout = torch.randn(batch, dim, length, generator=generator, dtype=torch.float64)
    dlast = torch.randn(batch, dim, n, generator=generator, dtype=torch.float64)
    return dout.to(dtype), dlast.to(dtype)


@pytest.mark.parametrize("softplus", [False, True])
@pytest.mark.parametrize("last", [False, True])
@pytest.mark.parametrize("layouts", list(itertools.product(LAYOUTS, repeat=2)))
def test_matches_a_torch_selective_scan_ref(layouts, last, softplus):
    options = {"D", "z", "delta_bias"} | ({"delta_softplus"} if softplus else set())
    ours, theirs = _inputs(layouts, seed=3), _inputs(layouts, seed=3)
    seeds = _seeds(ours)
    got, got_grads = _run(selective_scan_fn, ours, options, last, seeds)
    want, want_grads = _run(reference, theirs, options, last, seeds)
    for g, w in zip([*got, *got_grads], [*want, *want_grads], strict=True):
        torch.testing.assert_close(g, w, rtol=REFERENCE_RTOL, atol=REFERENCE_ATOL)


def test_last_state_gradient_reaches_the_inputs():
    """A loss of last_state alone still has gradients (through the state, not out)."""
    inputs = _inputs(("shared", "grouped"), seed=5)
    _, last_state = selective_scan_fn(*inputs[:5], return_last_state=True)
    last_state.sum().backward()
    assert all(x.grad is not None and x.grad.abs().sum() > 0 for x in inputs[:4])
    assert inputs[4].grad is None or not inputs[4].grad.any()  # C only reads the state


@pytest.mark.parametrize("layouts", [("shared", "shared"), ("constant", "grouped")])
def test_float32_agrees_with_float64(layouts):
    options = set(OPTIONS)
    wide, narrow = _inputs(layouts, seed=4), _inputs(layouts, torch.float32, seed=4)
    seeds = _seeds(wide)
    expected = _run(selective_scan_fn, wide, options, True, seeds)
    got = _run(selective_scan_fn, narrow, options, True, [s.float() for s in seeds])
    for g, w in zip([*got[0], *got[1]], [*expected[0], *expected[1]], strict=True):
        assert g.dtype == torch.float32
        scale = float(w.abs().max())
        torch.testing.assert_close(
            g.double(), w, rtol=FLOAT32_RTOL, atol=FLOAT32_ATOL * max(1.0, scale)
        )


def _zeros(*shape):
    return torch.zeros(*shape, dtype=torch.float64)


def _bad(position, value):
    inputs = [x.detach() for x in _inputs(("shared", "shared"))]
    inputs[position] = value
    return inputs


@pytest.mark.parametrize(
    "position, value, error, message",
    [
        (0, torch.zeros(2, 4, 4, device="meta"), NotImplementedError, "u: only CPU tensors"),
        (2, torch.zeros(4, 2, dtype=torch.complex128), NotImplementedError, "A: complex"),
        (
            1,
            torch.zeros(2, 4, 4, dtype=torch.float32),
            ValueError,
            "delta: expected dtype torch.float64 (u's), got torch.float32",
        ),
        (
            5,
            torch.zeros(4, dtype=torch.bfloat16),
            ValueError,
            "D: expected dtype torch.float32 or torch.float64, got torch.bfloat16",
        ),
        (3, numpy.zeros((2, 2, 4)), ValueError, "B: expected a torch.Tensor, got ndarray"),
        (3, _zeros(2, 2), ValueError, "B: expected shape (dim, N) with dim = 4, got (2, 2)"),
        (
            4,
            _zeros(1, 2, 2, 2, 4),
            ValueError,
            "C: expected shape (dim, N) or (batch, N, L) or (batch, G, N, L), got shape "
            "(1, 2, 2, 2, 4)",
        ),
        (3, _zeros(2, 3, 2, 4), ValueError, "B: expected G dividing dim = 4, got G = 3"),
        (4, _zeros(2, 0, 2, 4), ValueError, "C: expected G dividing dim = 4, got G = 0"),
        (
            4,
            _zeros(3, 2, 2, 4),
            ValueError,
            "C: expected shape (batch, G, N, L) with batch = 2, got (3, 2, 2, 4)",
        ),
    ],
)
def test_bad_arguments_raise_errors_naming_them(position, value, error, message):
    with pytest.raises(error) as raised:
        selective_scan_fn(*_bad(position, value))
    assert str(raised.value).startswith(message)


def test_gradients_only_for_inputs_that_need_them():
    u, delta, A, B, C, D, z, bias = (x.detach() for x in _inputs(("grouped", "constant")))
    u.requires_grad_(True)
    C.requires_grad_(True)
    out = selective_scan_fn(u, delta, A, B, C, D, z, bias, delta_softplus=True)
    grads = out.grad_fn.apply(torch.ones_like(out))
    assert [g is not None for g in grads] == [True] + [False] * 3 + [True] + [False] * 5
    assert grads[4].shape == C.shape


@pytest.mark.parametrize("dtype", [torch.float32, torch.float64])
def test_contiguous_cpu_tensors_cross_without_copies(monkeypatch, dtype):
    seen = {}
    forward, backward = (
        selective_ssm_numba.selective_ssm_forward,
        selective_ssm_numba.selective_ssm_backward,
    )

    def pointers(arrays):
        return [None if a is None else a.__array_interface__["data"][0] for a in arrays]

    def spy_forward(*arrays, **options):
        seen["forward in"] = pointers(arrays)
        result = forward(*arrays, **options)
        seen["forward out"] = pointers(result)
        return result

    def spy_backward(dout, *arrays, **options):
        seen["backward in"] = pointers([dout, *arrays, options["dlast_state"]])
        result = backward(dout, *arrays, **options)
        seen["backward out"] = pointers(result)
        return result

    kernels = torch_selective_ssm.kernels
    monkeypatch.setattr(kernels, "selective_ssm_forward", spy_forward)
    monkeypatch.setattr(kernels, "selective_ssm_backward", spy_backward)
    inputs = _inputs(("constant", "grouped"), dtype)
    out, last_state = selective_scan_fn(*inputs, delta_softplus=True, return_last_state=True)
    dout, dlast = (s.to(dtype) for s in _seeds(inputs))
    torch.autograd.backward((out, last_state), (dout, dlast))
    assert seen["forward in"] == [x.data_ptr() for x in inputs]
    assert seen["forward out"] == [out.data_ptr(), last_state.data_ptr()]
    assert seen["backward in"] == [
        dout.data_ptr(),
        *(x.data_ptr() for x in inputs),
        dlast.data_ptr(),
    ]
    assert seen["backward out"] == [x.grad.data_ptr() for x in inputs]


def test_strided_inputs_and_a_broadcast_dout_give_the_contiguous_results():
    inputs = _inputs(("shared", "constant"), seed=6)
    strided = []
    for x in inputs:  # every other entry of a buffer twice as long in the last axis
        buffer = x.new_zeros(*x.shape[:-1], 2 * x.shape[-1])
        buffer[..., ::2] = x.detach()
        strided.append(buffer[..., ::2].requires_grad_(True))
    assert not any(x.is_contiguous() for x in strided)
    results = []
    for tensors in (inputs, strided):
        out, last_state = selective_scan_fn(*tensors, delta_softplus=True, return_last_state=True)
        (out.sum() + last_state.sum()).backward()  # dout: one value broadcast, stride 0
        results.append([out.detach(), last_state.detach(), *(x.grad for x in tensors)])
    for a, b in zip(*results, strict=True):
        torch.testing.assert_close(a, b, rtol=REFERENCE_RTOL, atol=REFERENCE_ATOL)
