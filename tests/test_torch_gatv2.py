"""The generated torch module derive_kernels.torch_gatv2: PyG's GATv2Conv with the same state
dict gives the same outputs and gradients, gradcheck passes for every supported option, no
tensor is copied on its way to or from the kernels, and unsupported options are named."""

import itertools
import subprocess
import sys

import numpy
import pytest

torch = pytest.importorskip("torch", reason="optional extra: pip install torch==2.13.0")
pyg_nn = pytest.importorskip("torch_geometric.nn", reason="optional extra: torch_geometric")
torch_gatv2 = pytest.importorskip("derive_kernels.torch_gatv2")

from derive_kernels import gatv2_numba  # noqa: E402  (after the optional imports)

PYG_RTOL, PYG_ATOL = 1e-10, 1e-12  # float64: the same sums, in another order
GRADCHECK_EPS, GRADCHECK_ATOL = 1e-6, 1e-7
OPTIONS = ("heads", "concat", "share_weights", "add_self_loops")


def _graph(nodes, edges, features, seed, dtype=torch.float64):
    rng = numpy.random.default_rng(seed)
    edge_index = rng.integers(0, nodes - 1, (2, edges))  # the last node receives nothing
    edge_index[0, 0] = edge_index[1, 0]  # one self loop, which add_self_loops replaces
    x = torch.from_numpy(rng.standard_normal((nodes, features))).to(dtype)
    return x, torch.from_numpy(edge_index)


def _pair(heads, concat, share_weights, add_self_loops, bias=True, seed=0):
    """A PyG layer with random parameters, and ours loaded with its state dict."""
    torch.manual_seed(seed)
    options = {"heads": heads, "concat": concat, "share_weights": share_weights}
    options |= {"add_self_loops": add_self_loops, "bias": bias}
    pyg = pyg_nn.GATv2Conv(3, 4, **options).double()
    with torch.no_grad():
        for parameter in pyg.parameters():  # PyG starts bias at 0: make every entry count
            parameter.copy_(torch.randn_like(parameter))
    ours = torch_gatv2.GATv2Conv(3, 4, **options).double()
    ours.load_state_dict(pyg.state_dict())
    return pyg, ours


def _outputs_and_gradients(layer, x, edge_index, dout):
    x = x.clone().requires_grad_(True)
    out = layer(x, edge_index)
    out.backward(dout)
    grads = {name: p.grad for name, p in layer.named_parameters()}
    return out.detach(), x.grad, grads


@pytest.mark.parametrize(
    OPTIONS, list(itertools.product((1, 8), (True, False), (False, True), (False, True)))
)
def test_matches_pyg_gatv2conv_loaded_with_the_same_state_dict(
    heads, concat, share_weights, add_self_loops
):
    pyg, ours = _pair(heads, concat, share_weights, add_self_loops)
    x, edge_index = _graph(12, 40, 3, seed=heads)
    width = 4 * heads if concat else 4
    dout = torch.from_numpy(numpy.random.default_rng(1).standard_normal((12, width)))
    expected = _outputs_and_gradients(pyg, x, edge_index, dout)
    got = _outputs_and_gradients(ours, x, edge_index, dout)
    torch.testing.assert_close(got[0], expected[0], rtol=PYG_RTOL, atol=PYG_ATOL)
    torch.testing.assert_close(got[1], expected[1], rtol=PYG_RTOL, atol=PYG_ATOL)
    assert got[2].keys() == expected[2].keys()
    for name, grad in expected[2].items():
        torch.testing.assert_close(got[2][name], grad, rtol=PYG_RTOL, atol=PYG_ATOL, msg=name)


def test_state_dicts_have_pyg_names_and_shapes():
    for share_weights, concat, bias in itertools.product((False, True), repeat=3):
        options = {"heads": 3, "concat": concat, "share_weights": share_weights, "bias": bias}
        pyg = pyg_nn.GATv2Conv(5, 2, **options).state_dict()
        ours = torch_gatv2.GATv2Conv(5, 2, **options).state_dict()
        assert {k: v.shape for k, v in ours.items()} == {k: v.shape for k, v in pyg.items()}


@pytest.mark.parametrize((*OPTIONS, "bias"), list(itertools.product((1, 2), *[(True, False)] * 4)))
def test_gradcheck_in_float64(heads, concat, share_weights, add_self_loops, bias):
    channels = 2
    x, edge_index = _graph(5, 8, 3, seed=2)
    rng = torch.Generator().manual_seed(3)
    width, out = heads * channels, heads * channels if concat else channels

    def tensor(*shape):
        return torch.randn(*shape, generator=rng, dtype=torch.float64, requires_grad=True)

    W_l, W_r = tensor(width, 3), None if share_weights else tensor(width, 3)
    b_l = tensor(width) if bias else None
    b_r = tensor(width) if bias and not share_weights else None
    att, bias_ = tensor(1, heads, channels), tensor(out) if bias else None
    inputs = [x.requires_grad_(True), W_l, b_l, W_r, b_r, att, bias_]
    given = [k for k, t in enumerate(inputs) if t is not None]

    def layer(*tensors):
        full = list(inputs)
        for k, t in zip(given, tensors, strict=True):
            full[k] = t
        x_, *parameters = full
        return torch_gatv2.gatv2_conv(
            x_,
            edge_index,
            *parameters,
            heads=heads,
            concat=concat,
            add_self_loops=add_self_loops,
        )

    tensors = tuple(inputs[k] for k in given)
    assert torch.autograd.gradcheck(layer, tensors, eps=GRADCHECK_EPS, atol=GRADCHECK_ATOL)


@pytest.mark.parametrize("dtype", [torch.float32, torch.float64])
def test_no_copies_on_the_way_to_and_from_the_kernels(monkeypatch, dtype):
    seen = {}
    forward = gatv2_numba.gatv2_attention_forward
    backward = gatv2_numba.gatv2_attention_backward

    def pointer(array):
        return array.__array_interface__["data"][0]

    def recording_forward(xl, xr, edge_index, att, bias, **options):
        seen["in"] = [pointer(a) for a in (xl, xr, att, bias)]
        out, saved = forward(xl, xr, edge_index, att, bias, **options)
        seen["out"] = pointer(out)
        return out, saved

    def recording_backward(dout, *arrays, **options):
        seen["dout"] = pointer(dout)
        grads = backward(dout, *arrays, **options)
        seen["grads"] = [pointer(g) for g in grads]
        return grads

    monkeypatch.setattr(gatv2_numba, "gatv2_attention_forward", recording_forward)
    monkeypatch.setattr(gatv2_numba, "gatv2_attention_backward", recording_backward)
    layer = torch_gatv2.GATv2Conv(3, 4, heads=2).to(dtype)
    x, edge_index = _graph(6, 12, 3, seed=4, dtype=dtype)
    # The Function's inputs as leaves, so that their gradients can be asked for.
    xl = layer.lin_l(x).detach().requires_grad_(True)
    xr = layer.lin_r(x).detach().requires_grad_(True)
    options = (0.2, True, 2, True)
    out = torch_gatv2.GATv2Function.apply(xl, xr, edge_index, layer.att, layer.bias, options)
    tensors = (xl, xr, layer.att, layer.bias)
    assert seen["in"] == [t.data_ptr() for t in tensors]
    assert seen["out"] == out.data_ptr()
    dout = torch.ones_like(out)
    grads = torch.autograd.grad(out, tensors, dout)
    assert seen["dout"] == dout.data_ptr()
    assert seen["grads"] == [g.data_ptr() for g in grads]


def test_the_layer_runs_its_projections_in_torch(monkeypatch):
    """x reaches torch's linear layers, not the kernels: one thread pool does the products."""
    _, layer = _pair(2, True, False, True)
    x, edge_index = _graph(6, 12, 3, seed=6)
    calls, linear = [], torch.nn.functional.linear

    def counting(*arguments, **keywords):
        calls.append(arguments[0].data_ptr())
        return linear(*arguments, **keywords)

    monkeypatch.setattr(torch.nn.functional, "linear", counting)
    layer(x, edge_index)
    assert calls == [x.data_ptr(), x.data_ptr()]


def test_importing_the_kernels_does_not_import_torch():
    code = (
        "import sys, derive_kernels, derive_kernels.gatv2, derive_kernels.gatv2_numba\n"
        "print('torch' in sys.modules)\n"
    )
    child = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert child.returncode == 0, child.stderr
    assert child.stdout.strip() == "False"


def test_dropout_is_accepted_where_it_does_nothing():
    pyg, _ = _pair(2, True, False, True)
    layer = torch_gatv2.GATv2Conv(3, 4, heads=2, dropout=0.5)
    layer.load_state_dict(pyg.state_dict())
    layer.double().eval()
    x, edge_index = _graph(6, 12, 3, seed=5)
    torch.testing.assert_close(layer(x, edge_index), pyg.eval()(x, edge_index))


@pytest.mark.parametrize(
    "make, error, message",
    [
        (lambda: torch_gatv2.GATv2Conv((3, 3), 4), NotImplementedError, "in_channels"),
        (lambda: torch_gatv2.GATv2Conv(3, 4, edge_dim=2), NotImplementedError, "edge_dim"),
        (lambda: torch_gatv2.GATv2Conv(3, 4, residual=True), NotImplementedError, "residual"),
    ],
)
def test_unsupported_constructor_options_are_named(make, error, message):
    with pytest.raises(error, match=message):
        make()


def _call(layer, x=None, edge_index=None, **keywords):
    graph = _graph(6, 12, 3, seed=6, dtype=torch.float32)
    x = graph[0] if x is None else x
    return layer(x, graph[1] if edge_index is None else edge_index, **keywords)


@pytest.mark.parametrize(
    "call, error, message",
    [
        (lambda m: _call(torch_gatv2.GATv2Conv(3, 4, dropout=0.1)), NotImplementedError, "dropout"),
        (
            lambda m: _call(m, return_attention_weights=True),
            NotImplementedError,
            "return_attention_weights",
        ),
        (lambda m: _call(m, edge_attr=torch.ones(12, 2)), NotImplementedError, "edge_attr"),
        (lambda m: _call(m, x=torch.ones(6, 3, device="meta")), ValueError, "device"),
        (lambda m: _call(m.to(torch.float16), x=torch.ones(6, 3).half()), ValueError, "dtype"),
        (lambda m: _call(m, x=torch.ones(6, 3, dtype=torch.float64)), ValueError, "dtype"),
        (lambda m: _call(m, edge_index=torch.ones(2, 3)), ValueError, "edge_index"),
        (lambda m: _call(m, x=(torch.ones(6, 3), torch.ones(6, 3))), NotImplementedError, "x:"),
    ],
)
def test_unsupported_inputs_are_named(call, error, message):
    with pytest.raises(error, match=message):
        call(torch_gatv2.GATv2Conv(3, 4))


def test_features_that_need_no_gradient_get_none_and_the_same_parameter_gradients():
    pyg, ours = _pair(8, True, False, True)
    x, edge_index = _graph(9, 30, 3, seed=5)
    dout = torch.randn(9, 32, dtype=torch.float64)
    _, _, expected = _outputs_and_gradients(pyg, x, edge_index, dout)
    out = ours(x, edge_index)  # x does not require a gradient
    out.backward(dout)
    assert x.grad is None
    for name, parameter in ours.named_parameters():
        torch.testing.assert_close(parameter.grad, expected[name], rtol=1e-10, atol=1e-12)
