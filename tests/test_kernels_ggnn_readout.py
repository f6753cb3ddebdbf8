"""The generated GGNN readout: validation, edge shapes, stability, and a plain torch peer."""

import numpy
import pytest
from derive_kernels import ggnn_readout, ggnn_readout_numba
from hypothesis import given, settings
from hypothesis import strategies as st

from derive.kernels.benchmarks.peers import torch_ggnn_readout
from derive.kernels.harnesses.readout import FLOATS, readout_inputs

MODULES = (ggnn_readout, ggnn_readout_numba)
TORCH_RTOL32, TORCH_ATOL32 = 1e-5, 1e-5
TORCH_RTOL64, TORCH_ATOL64 = 1e-12, 1e-12
FLOAT32_RTOL = 1e-6  # per unit of input magnitude


def _inputs(nodes=5, width=3, graphs=3, dtype=numpy.float64, seed=0):
    return readout_inputs(numpy.random.default_rng(seed), nodes, width, graphs, dtype)


def _grad_shapes(inputs):
    return [inputs[k].shape for k in FLOATS]


@pytest.mark.parametrize("module", MODULES)
@pytest.mark.parametrize(
    "position, bad, message",
    [
        (0, numpy.zeros(5), "h: expected 2 dimensions (nodes, D), got shape (5,)"),
        (1, numpy.zeros((4, 3)), "x: expected shape (nodes, D) with nodes = 5, got (4, 3)"),
        (3, numpy.zeros((3, 3)), "W_i: expected shape (D, 2D) with 2D = 6, got (3, 3)"),
        (6, numpy.zeros(2), "b_j: expected shape (D,) with D = 3, got (2,)"),
        (5, numpy.zeros((3, 6), numpy.float32), "W_j: expected dtype float64, got float32"),
        (0, numpy.zeros((5, 3), numpy.int64), "h: expected dtype float32 or float64, got int64"),
        (2, numpy.zeros(4, int), "graph: expected shape (nodes,) with nodes = 5, got (4,)"),
        (2, numpy.zeros(5), "graph: expected an integer dtype, got float64"),
        (2, numpy.array([0, 1, -1, 0, 0]), "graph: graph indices must lie in [0, 2), got -1..1"),
    ],
)
def test_bad_inputs_raise_value_errors_naming_the_argument(module, position, bad, message):
    inputs = _inputs()
    inputs[position] = bad
    with pytest.raises(ValueError) as raised:
        module.ggnn_readout_forward(*inputs)
    assert str(raised.value) == message


@pytest.mark.parametrize("module", MODULES)
def test_bad_graph_counts_and_seeds_are_named(module):
    inputs = _inputs(graphs=3)
    with pytest.raises(ValueError, match=r"graph: graph indices must lie in \[0, 1\)"):
        module.ggnn_readout_forward(*inputs, graphs=1)
    with pytest.raises(ValueError, match="graphs: expected a non-negative int, got -1"):
        module.ggnn_readout_forward(*inputs, graphs=-1)
    message = "dout: expected shape (graphs, D) with graphs = 4, got (3, 3)"
    with pytest.raises(ValueError) as raised:
        module.ggnn_readout_backward(numpy.zeros((3, 3)), *inputs, graphs=4)
    assert str(raised.value) == message


@pytest.mark.parametrize("module", MODULES)
@pytest.mark.parametrize(
    "nodes, width, graphs", [(1, 1, 1), (1, 3, 2), (0, 2, 0), (0, 2, 3), (6, 1, 4), (9, 4, 2)]
)
def test_edge_shapes(module, nodes, width, graphs):
    rng = numpy.random.default_rng(nodes + width)
    inputs = readout_inputs(rng, max(nodes, 1), width, max(graphs, 1))
    inputs[:3] = [inputs[0][:nodes], inputs[1][:nodes], inputs[2][:nodes] % max(graphs, 1)]
    out = module.ggnn_readout_forward(*inputs, graphs=graphs)
    grads = module.ggnn_readout_backward(numpy.ones_like(out), *inputs, graphs=graphs)
    assert out.shape == (graphs, width)
    assert [g.shape for g in grads] == _grad_shapes(inputs)


@pytest.mark.parametrize("module", MODULES)
def test_graphs_default_to_the_largest_index_plus_one(module):
    inputs = _inputs(nodes=6, graphs=4)
    assert module.ggnn_readout_forward(*inputs).shape == (inputs[2].max() + 1, 3)


@pytest.mark.parametrize("module", MODULES)
def test_a_huge_graph_index_is_refused_before_allocating(module):
    inputs = _inputs(nodes=5, graphs=3)
    inputs[2] = inputs[2].copy()
    inputs[2][0] = 10**12
    message = "graph: largest graph index 1000000000000 needs 1000000000001 graphs for 5 nodes"
    with pytest.raises(ValueError, match=message):
        module.ggnn_readout_forward(*inputs)
    with pytest.raises(ValueError, match=message):
        module.ggnn_readout_backward(numpy.zeros((3, 3)), *inputs)


@pytest.mark.parametrize("module", MODULES)
def test_a_graph_without_nodes_reads_out_an_empty_sum(module):
    inputs = _inputs(nodes=5, graphs=4)  # graph 3 has no nodes
    out = module.ggnn_readout_forward(*inputs, graphs=6)
    grads = module.ggnn_readout_backward(numpy.ones_like(out), *inputs, graphs=6)
    assert (out[3:] == 0).all() and all(numpy.isfinite(g).all() for g in grads)


@pytest.mark.parametrize("module", MODULES)
def test_a_single_node_is_its_own_readout(module):
    h, x, _, W_i, b_i, W_j, b_j = _inputs(nodes=1, graphs=1)
    out = module.ggnn_readout_forward(h, x, numpy.zeros(1, int), W_i, b_i, W_j, b_j)
    hx = numpy.concatenate([h[0], x[0]])
    gate = 1 / (1 + numpy.exp(-(W_i @ hx + b_i)))
    numpy.testing.assert_allclose(out[0], numpy.tanh(gate * numpy.tanh(W_j @ hx + b_j)))


@pytest.mark.parametrize("module", MODULES)
@pytest.mark.parametrize("dtype", [numpy.float32, numpy.float64])
def test_large_magnitudes_stay_finite(module, dtype):
    inputs = _inputs(nodes=8, graphs=3, dtype=dtype)
    for k in (0, 1):
        scale = numpy.linspace(-1e4, 1e4, inputs[k].size, dtype=dtype).reshape(inputs[k].shape)
        inputs[k] = inputs[k] * scale
    with numpy.errstate(over="raise", invalid="raise", divide="raise"):
        out = module.ggnn_readout_forward(*inputs)
        grads = module.ggnn_readout_backward(numpy.ones_like(out), *inputs)
    assert numpy.isfinite(out).all() and all(numpy.isfinite(g).all() for g in grads)


@settings(max_examples=25, deadline=None)
@given(
    nodes=st.integers(1, 12),
    width=st.integers(1, 4),
    graphs=st.integers(1, 5),
    seed=st.integers(0, 1000),
    scale=st.sampled_from([1.0, 30.0, 1e4]),
)
@pytest.mark.slow
def test_float32_numba_agrees_with_float64_numpy(nodes, width, graphs, seed, scale):
    rng = numpy.random.default_rng(seed)
    narrow = readout_inputs(rng, nodes, width, graphs, numpy.float32)
    narrow[0], narrow[1] = scale * narrow[0], scale * narrow[1]
    wide = [a.astype(numpy.float64) if k in FLOATS else a for k, a in enumerate(narrow)]
    dout = rng.standard_normal((graphs, width))
    ref = [
        ggnn_readout.ggnn_readout_forward(*wide, graphs=graphs),
        *ggnn_readout.ggnn_readout_backward(dout, *wide, graphs=graphs),
    ]
    got = [
        ggnn_readout_numba.ggnn_readout_forward(*narrow, graphs=graphs),
        *ggnn_readout_numba.ggnn_readout_backward(
            dout.astype(numpy.float32), *narrow, graphs=graphs
        ),
    ]
    for r, g in zip(ref, got):
        assert numpy.isfinite(g).all()
        # float32 rounding of i and j grows with the magnitude of h and x.
        assert numpy.abs(g - r).max() <= FLOAT32_RTOL * (1 + scale) * (1 + numpy.abs(r).max())


@pytest.mark.parametrize("module", MODULES)
@pytest.mark.parametrize("dtype", [numpy.float32, numpy.float64])
def test_matches_a_plain_torch_readout(module, dtype):
    torch = pytest.importorskip("torch", reason="torch is the optional cross-check extra")
    inputs = _inputs(nodes=40, width=8, graphs=6, dtype=dtype, seed=7)
    dout = numpy.random.default_rng(8).standard_normal((6, 8)).astype(dtype)
    tensors = [torch.tensor(a, requires_grad=k in FLOATS) for k, a in enumerate(inputs)]
    expected = torch_ggnn_readout(torch, *tensors, graphs=6)
    expected.backward(torch.tensor(dout))
    out = module.ggnn_readout_forward(*inputs, graphs=6)
    grads = module.ggnn_readout_backward(dout, *inputs, graphs=6)
    rtol, atol = (
        (TORCH_RTOL32, TORCH_ATOL32) if dtype == numpy.float32 else (TORCH_RTOL64, TORCH_ATOL64)
    )
    numpy.testing.assert_allclose(out, expected.detach().numpy(), rtol=rtol, atol=atol)
    for grad, k in zip(grads, FLOATS):
        numpy.testing.assert_allclose(grad, tensors[k].grad.numpy(), rtol=rtol, atol=atol)
