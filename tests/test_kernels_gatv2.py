"""The generated GATv2 layer: validation, edge cases, stability, save/saved, and PyG's GATv2Conv."""

import concurrent.futures
import itertools

import numba
import numpy
import pytest
from derive_kernels import gatv2, gatv2_numba
from hypothesis import given, settings
from hypothesis import strategies as st

from derive.kernels.harnesses.attention import SLOPE, graph_inputs

MODULES = (gatv2, gatv2_numba)
FLOATS = (0, 2, 3, 4, 5, 6, 7)  # every argument but edge_index
PYG_RTOL32, PYG_ATOL32 = 1e-4, 1e-5
PYG_RTOL64, PYG_ATOL64 = 1e-10, 1e-12
FLOAT32_RTOL = 1e-5  # per unit of input magnitude
THREADS_RTOL = 1e-13  # per-thread parts of dxl are summed in another order
OUT_OF_RANGE = "edge_index: node indices must lie in [0, 6), got"


def _inputs(nodes=6, features=3, width=4, edges=12, dtype=numpy.float64, seed=0):
    return graph_inputs(numpy.random.default_rng(seed), nodes, features, width, edges, dtype)


def _run(module, inputs, dout=None, loops=False):
    out = module.gatv2_forward(*inputs, SLOPE, loops)
    dout = numpy.ones_like(out) if dout is None else dout
    return out, module.gatv2_backward(dout, *inputs, SLOPE, loops)


@pytest.mark.parametrize("module", MODULES)
@pytest.mark.parametrize(
    "position, bad, message",
    [
        (0, numpy.zeros(6), "x: expected 2 dimensions (nodes, H), got shape (6,)"),
        (2, numpy.zeros((4, 2)), "W_l: expected shape (D, H) with H = 3, got (4, 2)"),
        (3, numpy.zeros(3), "b_l: expected shape (D,) with D = 4, got (3,)"),
        (6, numpy.zeros(4, numpy.float32), "att: expected dtype float64, got float32"),
        (1, numpy.zeros((3, 4), int), "edge_index: expected shape (2, E), got (3, 4)"),
        (1, numpy.zeros((2, 4)), "edge_index: expected an integer dtype, got float64"),
        (1, numpy.array([[0, 6], [1, 1]]), "edge_index: node indices must lie in [0, 6), got 0..6"),
        (
            1,
            numpy.array([[0, -1], [1, 1]]),
            "edge_index: node indices must lie in [0, 6), got -1..1",
        ),
    ],
)
def test_bad_inputs_raise_value_errors_naming_the_argument(module, position, bad, message):
    inputs = _inputs()
    inputs[position] = bad
    with pytest.raises(ValueError) as raised:
        module.gatv2_forward(*inputs)
    assert str(raised.value) == message


@pytest.mark.parametrize("module", MODULES)
def test_a_bad_upstream_gradient_is_named(module):
    with pytest.raises(ValueError, match=r"dout: expected shape \(nodes, D\)"):
        module.gatv2_backward(numpy.zeros((6, 3)), *_inputs())


@pytest.mark.parametrize("module", MODULES)
def test_a_node_without_incoming_edges_gets_the_bias_and_no_attention_gradient(module):
    inputs = _inputs(nodes=4, edges=5)
    inputs[1] = numpy.array([[0, 1, 2], [1, 2, 1]])  # nodes 0 and 3 receive nothing
    out, grads = _run(module, inputs, loops=False)
    numpy.testing.assert_array_equal(out[[0, 3]], numpy.broadcast_to(inputs[7], (2, 4)))
    assert all(numpy.isfinite(g).all() for g in grads)
    alone = list(inputs)
    alone[1] = numpy.zeros((2, 0), int)  # no edges at all: out is the bias everywhere
    out, (dx, dW_l, db_l, dW_r, db_r, datt, dbias) = _run(module, alone, loops=False)
    numpy.testing.assert_array_equal(out, numpy.broadcast_to(inputs[7], out.shape))
    assert not datt.any() and not dx.any() and not dW_l.any() and not dW_r.any()
    numpy.testing.assert_array_equal(dbias, numpy.full(4, 4.0))


@pytest.mark.parametrize("loops", [False, True])
@pytest.mark.parametrize("seed", range(4))
def test_grouping_by_target_is_the_stable_sort_of_the_edges(seed, loops):
    # The Numba kernels group the edges by target in one pass (_gatv2_by_target); it must
    # give the order a stable sort by target of the reference's edges gives: self loops
    # written into edge_index dropped and one per node appended, with add_self_loops.
    rng = numpy.random.default_rng(seed)
    nodes = int(rng.integers(1, 8))
    for edges in (0, 1, 5, 40):
        edge_index = rng.integers(0, nodes, (2, edges))
        edge_index[:, : edges // 4] = rng.integers(0, nodes, edges // 4)  # written self loops
        sources, targets = gatv2._gatv2_edges(edge_index, nodes, loops)
        order = numpy.argsort(targets, kind="stable")
        offsets = numpy.concatenate([[0], numpy.cumsum(numpy.bincount(targets, minlength=nodes))])
        layouts = (edge_index, edge_index.astype(numpy.int32), numpy.asfortranarray(edge_index))
        for rows in layouts:
            grouped, got = gatv2_numba._gatv2_grouped_edges(rows, nodes, loops)
            assert grouped.dtype == got.dtype == numpy.int64
            numpy.testing.assert_array_equal(grouped, sources[order])
            numpy.testing.assert_array_equal(got, offsets)


@pytest.mark.parametrize("module", MODULES)
def test_with_self_loops_a_node_without_incoming_edges_attends_to_itself(module):
    # add_self_loops=True is the same layer as the loops written into edge_index; a node
    # whose one edge is its own loop has α = 1, so att receives no gradient from it.
    inputs = _inputs(nodes=4, edges=5)
    loops = numpy.arange(4).repeat(2).reshape(4, 2).T
    for edges in (numpy.array([[0, 1, 2], [1, 2, 1]]), numpy.zeros((2, 0), int)):
        implicit, written = list(inputs), list(inputs)
        implicit[1], written[1] = edges, numpy.concatenate([edges, loops], axis=1)
        out, grads = _run(module, implicit, loops=True)
        out_written, grads_written = _run(module, written, loops=False)
        numpy.testing.assert_allclose(out, out_written, rtol=1e-12)
        for got, expected in zip(grads, grads_written):
            numpy.testing.assert_allclose(got, expected, rtol=1e-12, atol=1e-14)
    datt = grads[5]  # the last graph: only the loops
    assert not datt.any()


@pytest.mark.parametrize("module", MODULES)
@pytest.mark.parametrize("nodes, edges", [(1, 1), (1, 0), (2, 1), (7, 30)])
def test_edge_shapes(module, nodes, edges):
    inputs = _inputs(nodes=nodes, edges=max(edges, 1))
    inputs[1] = inputs[1][:, :edges]
    out, grads = _run(module, inputs)
    assert out.shape == (nodes, 4)
    assert [g.shape for g in grads] == [inputs[k].shape for k in FLOATS]


@pytest.mark.parametrize("module", MODULES)
@pytest.mark.parametrize("loops", [False, True])
def test_saved_work_keeps_no_view_of_the_callers_edge_index(module, loops):
    # The caller may reuse its edge_index array after the forward; the saved edges are the
    # forward's own (a view would make the backward see other edges, or refuse them).
    inputs = _inputs(nodes=6, edges=12)
    edge_index = inputs[1]
    expected = _run(module, inputs, loops=loops)[1]
    saved = _saved_of(module, inputs, loops)
    kept = edge_index.copy()
    edge_index[:] = 0
    inputs[1] = kept
    dout = numpy.ones((6, 4))
    grads = module.gatv2_backward(dout, *inputs, SLOPE, loops, saved=saved)
    for got, want in zip(grads, expected):
        numpy.testing.assert_array_equal(got, want)


@pytest.mark.parametrize("module", MODULES)
def test_a_read_only_edge_index_is_accepted(module):
    inputs = _inputs(nodes=6, edges=12)
    expected = _run(module, inputs, loops=True)
    inputs[1] = inputs[1].copy()
    inputs[1].flags.writeable = False
    out, grads = _run(module, inputs, loops=True)
    numpy.testing.assert_array_equal(out, expected[0])
    for got, want in zip(grads, expected[1]):
        numpy.testing.assert_array_equal(got, want)


def _saved_of(module, inputs, loops=True):
    return module.gatv2_forward(*inputs, SLOPE, loops, save=True)[1]


@pytest.mark.parametrize("module", MODULES)
@pytest.mark.parametrize(
    "change, message",
    [
        ("bigger graph", "saved: computed for other edges"),
        ("other edges", "saved: computed for other edges"),
        ("other loops", "saved: computed for other edges"),
        ("other width", "saved: computed for other sizes"),
        ("other dtype", "saved: computed for dtype float32, not float64"),
        ("not a tuple", "saved: expected the saved work of gatv2_forward"),
    ],
)
def test_saved_work_of_another_graph_raises(module, change, message):
    inputs = _inputs(nodes=6, edges=12)
    other = [a.copy() for a in inputs]
    saved = None
    if change == "bigger graph":
        saved = _saved_of(module, _inputs(nodes=9, edges=20, seed=1))
    elif change == "other edges":
        other[1] = numpy.random.default_rng(5).integers(0, 5, (2, 12))
    elif change == "other loops":
        saved = _saved_of(module, inputs, loops=False)
    elif change == "other width":
        saved = _saved_of(module, _inputs(nodes=6, width=5, edges=12))
    elif change == "other dtype":
        saved = _saved_of(
            module, [a if k == 1 else a.astype(numpy.float32) for k, a in enumerate(inputs)]
        )
    else:
        saved = list(_saved_of(module, inputs))
    saved = _saved_of(module, other) if saved is None else saved
    with pytest.raises(ValueError, match=message):
        module.gatv2_backward(numpy.ones((6, 4)), *inputs, SLOPE, True, saved=saved)


@pytest.mark.parametrize("module", MODULES)
def test_saved_forward_work_gives_the_same_backward(module):
    inputs = _inputs(nodes=9, edges=40, seed=3)
    dout = numpy.random.default_rng(4).standard_normal((9, 4))
    out, saved = module.gatv2_forward(*inputs, SLOPE, True, save=True)
    reused = module.gatv2_backward(dout, *inputs, SLOPE, True, saved=saved)
    fresh = module.gatv2_backward(dout, *inputs, SLOPE, True)
    numpy.testing.assert_array_equal(out, module.gatv2_forward(*inputs, SLOPE, True))
    for a, b in zip(reused, fresh):
        numpy.testing.assert_allclose(a, b, rtol=1e-13, atol=1e-13)


def test_one_thread_and_all_threads_agree():
    """The Numba kernels split the targets into one part per thread; one part is the same layer."""
    inputs = _inputs(nodes=9, edges=40, seed=5)
    threads = numba.get_num_threads()
    numba.set_num_threads(1)
    try:
        alone = _run(gatv2_numba, inputs, loops=True)
    finally:
        numba.set_num_threads(threads)
    together = _run(gatv2_numba, inputs, loops=True)
    numpy.testing.assert_array_equal(alone[0], together[0])
    for a, b in zip(alone[1], together[1], strict=True):
        numpy.testing.assert_allclose(a, b, rtol=THREADS_RTOL, atol=THREADS_RTOL)


@pytest.mark.parametrize("rows", [0, 1, 5, 1023, 1024, 1025, 2049, 5000])
def test_the_products_blocks_cover_every_row_once(rows):
    """The dense products run by blocks of rows on the kernels' threads (_by_rows)."""
    seen = []
    gatv2_numba._by_rows(lambda part, block: seen.append((block.start, block.stop)), rows)
    covered = numpy.zeros(rows, int)
    for start, stop in seen:
        assert 0 < stop - start <= gatv2_numba.BLOCK
        covered[start:stop] += 1
    assert (covered == 1).all()


@pytest.mark.parametrize("heads, share_weights", [(1, False), (3, True), (8, False)])
def test_products_over_several_blocks_agree_with_numpys(heads, share_weights):
    """More rows than two blocks of _by_rows: the blocked products equal NumPy's kernels."""
    inputs = graph_inputs(
        numpy.random.default_rng(11),
        2 * gatv2_numba.BLOCK + 77,
        5,
        8 * heads,
        9000,
        heads=heads,
        share_weights=share_weights,
    )
    keywords = {"heads": heads, "share_weights": share_weights, "add_self_loops": True}
    outs = [m.gatv2_forward(*inputs, **keywords) for m in MODULES]
    dout = numpy.random.default_rng(12).standard_normal(outs[0].shape)
    grads = [m.gatv2_backward(dout, *inputs, **keywords) for m in MODULES]
    numpy.testing.assert_allclose(outs[1], outs[0], rtol=1e-12, atol=1e-12)
    for numba_grad, numpy_grad in zip(grads[1], grads[0], strict=True):
        if numpy_grad is None:
            assert numba_grad is None
        else:
            numpy.testing.assert_allclose(numba_grad, numpy_grad, rtol=1e-10, atol=1e-10)


def test_the_blas_thread_count_is_put_back_after_concurrent_calls():
    """The products lower OpenBLAS's process-wide thread count while they run: calls from
    several threads at once leave it as they found it."""
    if gatv2_numba._OPENBLAS is None:
        pytest.skip("NumPy's BLAS is not an OpenBLAS found by the kernels")
    get, set_ = gatv2_numba._OPENBLAS
    before = get()
    inputs = graph_inputs(numpy.random.default_rng(13), 3000, 16, 8, 20000)
    try:
        set_(3)
        with concurrent.futures.ThreadPoolExecutor(4) as pool:
            calls = [pool.submit(_run, gatv2_numba, inputs) for _ in range(8)]
            results = [call.result() for call in calls]
        assert get() == 3
    finally:
        set_(before)
    for out, grads in results[1:]:
        numpy.testing.assert_array_equal(out, results[0][0])
        for grad, first in zip(grads, results[0][1], strict=True):
            numpy.testing.assert_array_equal(grad, first)


@pytest.mark.parametrize("module", MODULES)
@pytest.mark.parametrize("dtype", [numpy.float32, numpy.float64])
def test_large_magnitudes_stay_finite(module, dtype):
    inputs = _inputs(nodes=8, edges=30, dtype=dtype)
    scale = numpy.linspace(-1e4, 1e4, inputs[0].size, dtype=dtype).reshape(inputs[0].shape)
    inputs[0] = inputs[0] * scale  # scores of order 1e4: the softmax must be max-shifted
    out, grads = _run(module, inputs)
    assert out.dtype == dtype and all(g.dtype == dtype for g in grads)
    assert numpy.isfinite(out).all() and all(numpy.isfinite(g).all() for g in grads)


@settings(max_examples=25, deadline=None)
@given(
    nodes=st.integers(1, 10),
    edges=st.integers(0, 30),
    width=st.integers(1, 4),
    seed=st.integers(0, 1000),
    loops=st.booleans(),
    scale=st.sampled_from([1.0, 30.0]),
)
@pytest.mark.slow
def test_float32_numba_agrees_with_float64_numpy(nodes, edges, width, seed, loops, scale):
    rng = numpy.random.default_rng(seed)
    wide = graph_inputs(rng, nodes, 3, width, max(edges, 1))
    wide[1], wide[0] = wide[1][:, :edges], scale * wide[0]
    narrow = [a if k == 1 else a.astype(numpy.float32) for k, a in enumerate(wide)]
    wide = [a if k == 1 else a.astype(numpy.float64) for k, a in enumerate(narrow)]
    dout = rng.standard_normal((nodes, width))
    ref = _run(gatv2, wide, dout, loops)
    got = _run(gatv2_numba, narrow, dout.astype(numpy.float32), loops)
    for r, g in zip([ref[0], *ref[1]], [got[0], *got[1]]):
        assert numpy.isfinite(g).all()
        bound = FLOAT32_RTOL * (1 + scale) ** 2 * (1 + numpy.abs(r).max())
        assert numpy.abs(g - r).max() <= bound


def _pyg_layer(torch, inputs, loops):
    from torch_geometric.nn import GATv2Conv

    x, _, W_l, b_l, W_r, b_r, att, bias = inputs
    conv = GATv2Conv(
        x.shape[1],
        W_l.shape[0],
        heads=1,
        share_weights=False,
        add_self_loops=loops,
        negative_slope=SLOPE,
    ).to(torch.float64 if x.dtype == numpy.float64 else torch.float32)
    with torch.no_grad():
        for parameter, value in zip(
            (conv.lin_l.weight, conv.lin_l.bias, conv.lin_r.weight, conv.lin_r.bias),
            (W_l, b_l, W_r, b_r),
        ):
            parameter.copy_(torch.from_numpy(value))
        conv.att.copy_(torch.from_numpy(att).reshape(1, 1, -1))
        conv.bias.copy_(torch.from_numpy(bias))
    return conv


@pytest.mark.parametrize("module", MODULES)
@pytest.mark.parametrize("loops", [False, True])
@pytest.mark.parametrize("dtype", [numpy.float32, numpy.float64])
def test_matches_pyg_gatv2conv(module, loops, dtype):
    torch = pytest.importorskip("torch", reason="torch is the optional cross-check extra")
    pytest.importorskip("torch_geometric", reason="torch_geometric is the optional extra")
    inputs = _inputs(nodes=30, features=5, width=6, edges=120, dtype=dtype, seed=5)
    conv = _pyg_layer(torch, inputs, loops)
    x = torch.tensor(inputs[0], requires_grad=True)
    expected = conv(x, torch.from_numpy(inputs[1]))
    dout = numpy.random.default_rng(6).standard_normal(expected.shape).astype(dtype)
    expected.backward(torch.from_numpy(dout))
    out = module.gatv2_forward(*inputs, SLOPE, loops)
    grads = module.gatv2_backward(dout, *inputs, SLOPE, loops)
    reference = [
        x.grad,
        conv.lin_l.weight.grad,
        conv.lin_l.bias.grad,
        conv.lin_r.weight.grad,
        conv.lin_r.bias.grad,
        conv.att.grad.reshape(-1),
        conv.bias.grad,
    ]
    rtol, atol = (PYG_RTOL32, PYG_ATOL32) if dtype == numpy.float32 else (PYG_RTOL64, PYG_ATOL64)
    numpy.testing.assert_allclose(out, expected.detach().numpy(), rtol=rtol, atol=atol)
    for grad, ref in zip(grads, reference):
        numpy.testing.assert_allclose(grad, ref.numpy(), rtol=rtol, atol=atol)


HEAD_OPTIONS = list(itertools.product((1, 8), (True, False), (False, True), (False, True)))


@pytest.mark.parametrize("module", MODULES)
@pytest.mark.parametrize("heads, concat, share_weights, loops", HEAD_OPTIONS)
def test_several_heads_match_pyg_gatv2conv(module, heads, concat, share_weights, loops):
    torch = pytest.importorskip("torch", reason="torch is the optional cross-check extra")
    nn = pytest.importorskip("torch_geometric.nn", reason="torch_geometric is the optional extra")
    shape = {"heads": heads, "concat": concat, "share_weights": share_weights}
    rng = numpy.random.default_rng(heads + 2 * concat + 4 * share_weights)
    inputs = graph_inputs(rng, 20, 5, 3 * heads, 80, **shape)
    x, edge_index, W_l, b_l, W_r, b_r, att, bias = inputs
    conv = nn.GATv2Conv(5, 3, **shape, add_self_loops=loops, negative_slope=SLOPE).double()
    state = {"lin_l.weight": W_l, "lin_l.bias": b_l, "att": att.reshape(1, heads, 3)}
    state |= {"lin_r.weight": W_l if share_weights else W_r, "bias": bias}
    state["lin_r.bias"] = b_l if share_weights else b_r
    conv.load_state_dict({name: torch.from_numpy(value) for name, value in state.items()})
    tx = torch.tensor(x, requires_grad=True)
    expected = conv(tx, torch.from_numpy(edge_index))
    dout = rng.standard_normal(expected.shape)
    expected.backward(torch.from_numpy(dout))
    keywords = {"negative_slope": SLOPE, "add_self_loops": loops, **shape}
    out = module.gatv2_forward(*inputs, **keywords)
    dx, dW_l, db_l, dW_r, db_r, datt, dbias = module.gatv2_backward(dout, *inputs, **keywords)
    assert out.shape == (20, 3 * heads if concat else 3)
    assert (dW_r is None and db_r is None) == share_weights
    got = [out, dx, dW_l, db_l, datt.reshape(1, heads, 3), dbias]
    reference = [expected, tx.grad, conv.lin_l.weight.grad, conv.lin_l.bias.grad, conv.att.grad]
    reference.append(conv.bias.grad)
    if not share_weights:
        got += [dW_r, db_r]
        reference += [conv.lin_r.weight.grad, conv.lin_r.bias.grad]
    for grad, ref in zip(got, reference, strict=True):
        numpy.testing.assert_allclose(grad, ref.detach().numpy(), rtol=PYG_RTOL64, atol=PYG_ATOL64)


@pytest.mark.parametrize("module", MODULES)
@pytest.mark.parametrize(
    "change, message",
    [
        ({"heads": 3}, r"heads: D = 4 \(W_l's rows, xl's columns\) does not split into 3 heads"),
        ({"heads": 0}, "heads: expected an integer >= 1, got 0"),
        ({"concat": False, "heads": 2}, r"bias: expected shape \(C,\) with C = 2, got \(4,\)"),
        ({"share_weights": True}, r"W_r: expected None with share_weights=True"),
    ],
)
def test_bad_head_options_raise_value_errors_naming_them(module, change, message):
    with pytest.raises(ValueError, match=message):
        module.gatv2_forward(*_inputs(), **change)


@pytest.mark.parametrize("module", MODULES)
def test_saved_work_for_other_weights_raises(module):
    inputs = _inputs()
    shared = [*inputs[:4], None, None, *inputs[6:]]
    _, saved = module.gatv2_forward(*shared, share_weights=True, save=True)
    with pytest.raises(ValueError, match="saved: computed for other weights"):
        module.gatv2_backward(numpy.ones((6, 4)), *inputs, saved=saved)


def test_several_heads_on_one_thread_and_all_threads_agree():
    inputs = graph_inputs(numpy.random.default_rng(7), 9, 3, 6, 40, heads=3, concat=False)
    keywords = {"heads": 3, "concat": False, "add_self_loops": True}
    dout = numpy.random.default_rng(8).standard_normal((9, 2))
    threads = numba.get_num_threads()
    numba.set_num_threads(1)
    try:
        alone = gatv2_numba.gatv2_backward(dout, *inputs, **keywords)
    finally:
        numba.set_num_threads(threads)
    together = gatv2_numba.gatv2_backward(dout, *inputs, **keywords)
    for a, b in zip(alone, together, strict=True):
        numpy.testing.assert_allclose(a, b, rtol=THREADS_RTOL, atol=THREADS_RTOL)


@pytest.mark.parametrize("module", MODULES, ids=lambda m: m.__name__)
@pytest.mark.parametrize("share_weights", [False, True])
def test_without_need_dx_the_other_gradients_are_unchanged(module, share_weights):
    rng = numpy.random.default_rng(8)
    inputs = graph_inputs(rng, 7, 3, 4, 20, share_weights=share_weights)
    dout = rng.standard_normal((7, 4))
    options = {"negative_slope": SLOPE, "share_weights": share_weights}
    every = module.gatv2_backward(dout, *inputs, **options)
    some = module.gatv2_backward(dout, *inputs, **options, need_dx=False)
    assert some[0] is None and every[0] is not None
    for a, b in zip(some[1:], every[1:]):
        assert (a is None) == (b is None)
        if a is not None:
            numpy.testing.assert_array_equal(a, b)


# The attention functions: the layer after its projections, for callers that compute xl and xr
# themselves (the torch wrapper). Composed with the projections' own gradients they must give
# the layer's.
@pytest.mark.parametrize("module", MODULES)
@pytest.mark.parametrize(
    "heads, concat, loops", [(1, True, False), (2, True, True), (2, False, True)]
)
def test_the_attention_functions_compose_to_the_layer(module, heads, concat, loops):
    x, edge_index, W_l, b_l, W_r, b_r, att, bias = _inputs(width=4, seed=3)
    if not concat:
        bias = bias[: 4 // heads]
    options = {"negative_slope": SLOPE, "add_self_loops": loops, "heads": heads, "concat": concat}
    layer = (x, edge_index, W_l, b_l, W_r, b_r, att, bias)
    out, saved = module.gatv2_forward(*layer, **options, save=True)
    xl, xr = x @ W_l.T + b_l, x @ W_r.T + b_r
    attended, kept = module.gatv2_attention_forward(
        xl, xr, edge_index, att, bias, **options, save=True
    )
    numpy.testing.assert_allclose(attended, out, rtol=1e-12, atol=1e-12)
    dout = numpy.random.default_rng(4).standard_normal(out.shape)
    dx, dW_l, db_l, dW_r, db_r, datt, dbias = module.gatv2_backward(
        dout, *layer, **options, saved=saved
    )
    for reuse in (None, kept):
        dxl, dxr, datt_a, dbias_a = module.gatv2_attention_backward(
            dout, xl, xr, edge_index, att, bias, **options, saved=reuse
        )
        composed = (
            dxl @ W_l + dxr @ W_r,
            dxl.T @ x,
            dxl.sum(0),
            dxr.T @ x,
            dxr.sum(0),
            datt_a,
            dbias_a,
        )
        for got, want in zip(composed, (dx, dW_l, db_l, dW_r, db_r, datt, dbias)):
            numpy.testing.assert_allclose(got, want, rtol=1e-10, atol=1e-12)


@pytest.mark.parametrize("module", MODULES)
def test_the_two_apis_do_not_take_each_others_saved_work(module):
    x, edge_index, W_l, b_l, W_r, b_r, att, bias = _inputs(seed=5)
    xl, xr = x @ W_l.T + b_l, x @ W_r.T + b_r
    dout = numpy.ones((x.shape[0], 4))
    _, layer_saved = module.gatv2_forward(x, edge_index, W_l, b_l, W_r, b_r, att, bias, save=True)
    _, kept = module.gatv2_attention_forward(xl, xr, edge_index, att, bias, save=True)
    with pytest.raises(ValueError, match="saved: computed by gatv2_forward$"):
        module.gatv2_attention_backward(dout, xl, xr, edge_index, att, bias, saved=layer_saved)
    with pytest.raises(ValueError, match="saved: computed by gatv2_attention_forward$"):
        module.gatv2_backward(dout, x, edge_index, W_l, b_l, W_r, b_r, att, bias, saved=kept)
    with pytest.raises(ValueError, match=r"saved: computed for other projections \(xl, xr\)"):
        module.gatv2_attention_backward(dout, xl + 1, xr, edge_index, att, bias, saved=kept)
    # A copy of the same values is the same projection.
    grads = module.gatv2_attention_backward(dout, xl.copy(), xr, edge_index, att, bias, saved=kept)
    assert len(grads) == 4


def test_a_kernel_told_its_arrays_do_not_overlap_refuses_overlapping_ones():
    """The channel-major kernels are compiled with LLVM told that what they write overlaps no
    other argument (_Disjoint); every call checks that first, and raises on an overlap."""
    block = numpy.zeros(16)
    with pytest.raises(RuntimeError, match="overlaps its inputs"):
        gatv2_numba._disjoint((block[4:],), (block[:8],))
    with pytest.raises(RuntimeError, match="overlaps its inputs"):
        gatv2_numba._disjoint((block[:8], block[4:]), ())
    gatv2_numba._disjoint((block[:8],), (block[8:], block[:8].copy()))
    gatv2_numba._disjoint((numpy.zeros(3),), (block, block))  # inputs may share memory


@pytest.mark.parametrize("share_weights", [False, True])
def test_channel_major_kernels_agree_with_numpy_on_arrays_from_the_workspace(share_weights):
    """Arrays of over 1 MiB come from the workspace, which reuses blocks: with 8 heads the
    channel-major kernels (compiled as _Disjoint) take the forward's output as the upstream
    gradient, xl as xr (shared weights), and run twice, and agree with the NumPy layer."""
    inputs = graph_inputs(
        numpy.random.default_rng(3), 4096, 5, 64, 30_000, heads=8, share_weights=share_weights
    )
    keywords = {"heads": 8, "share_weights": share_weights}
    expected_out = gatv2.gatv2_forward(*inputs, **keywords)
    expected = gatv2.gatv2_backward(expected_out, *inputs, **keywords)
    assert gatv2_numba._gatv2_channel_major(8, 64) and expected_out.nbytes > 2**20
    for _ in range(2):
        out, saved = gatv2_numba.gatv2_forward(*inputs, **keywords, save=True)
        grads = gatv2_numba.gatv2_backward(out, *inputs, **keywords, saved=saved)
        numpy.testing.assert_allclose(out, expected_out, rtol=1e-10, atol=1e-12)
        for got, want in zip(grads, expected, strict=True):
            if want is None:
                assert got is None
            else:
                numpy.testing.assert_allclose(got, want, rtol=1e-9, atol=1e-10)
