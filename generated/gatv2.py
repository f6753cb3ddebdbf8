# GENERATED from derive/documents/gatv2.py by `derive generate`. Do not edit.
"""Kernels for Gradient Derivation for Learnable Parameters in Graph Attention Networks: NumPy.

gatv2: GATv2 layer (heads, concat, share_weights) as torch_geometric's GATv2Conv.
"""

import numpy

CHUNK = 1024  # steps per chunk of the scan backward (see scan.j2)
_FLOATS = (numpy.float32, numpy.float64)


def _array(name, value, axes, sizes, dtype=None):
    """`value` as an array with the named axes; a mismatch raises ValueError naming it."""
    array = numpy.asarray(value)
    expected = "(" + ", ".join(axes) + ("," if len(axes) == 1 else "") + ")"
    if array.ndim != len(axes):
        got = f"got shape {array.shape}"
        count = "1 dimension" if len(axes) == 1 else f"{len(axes)} dimensions"
        raise ValueError(f"{name}: expected {count} {expected}, {got}")
    for axis, size in zip(axes, array.shape, strict=True):
        if sizes.setdefault(axis, size) != size:
            known = f"{axis} = {sizes[axis]}"
            raise ValueError(f"{name}: expected shape {expected} with {known}, got {array.shape}")
    if array.dtype.type not in _FLOATS or (dtype is not None and array.dtype != dtype):
        wanted = dtype or "float32 or float64"
        raise ValueError(f"{name}: expected dtype {wanted}, got {array.dtype}")
    return array


def _masked(conditions, branches, *operands):
    """Evaluate each branch of a Piecewise only on the entries its condition selects."""
    operands = numpy.broadcast_arrays(*operands)
    out = numpy.empty(operands[0].shape, numpy.result_type(*operands))
    remaining = numpy.ones(out.shape, bool)
    for condition, branch in zip((*conditions, True), branches, strict=True):
        mask = remaining & numpy.broadcast_to(condition, out.shape)
        out[mask] = branch(*(operand[mask] for operand in operands))
        remaining &= ~mask
    return out


def _gatv2_edge_rows(edge_index, nodes):
    """edge_index validated, as its two rows (sources, targets), a new int64 array (saved work
    must not share the caller's memory)."""
    edge_index = numpy.asarray(edge_index)
    if edge_index.ndim != 2 or edge_index.shape[0] != 2:
        raise ValueError(f"edge_index: expected shape (2, E), got {edge_index.shape}")
    if edge_index.dtype.kind not in "iu":
        raise ValueError(f"edge_index: expected an integer dtype, got {edge_index.dtype}")
    if edge_index.size and (edge_index.min() < 0 or edge_index.max() >= nodes):
        low, high = edge_index.min(), edge_index.max()
        raise ValueError(f"edge_index: node indices must lie in [0, {nodes}), got {low}..{high}")
    return edge_index.astype(numpy.int64)


def _gatv2_edges(edge_index, nodes, add_self_loops):
    """(sources, targets) as new int64 arrays; like PyG, self loops are replaced by one per node,
    after all other edges."""
    sources, targets = _gatv2_edge_rows(edge_index, nodes)
    if add_self_loops:
        keep = sources != targets
        loops = numpy.arange(nodes, dtype=numpy.int64)
        sources = numpy.concatenate([sources[keep], loops])
        targets = numpy.concatenate([targets[keep], loops])
    return sources, targets


def _gatv2_inputs(x, edge_index, W_l, b_l, W_r, b_r, att, bias, heads, concat, share_weights):
    sizes = {}
    x = _array("x", x, ("nodes", "H"), sizes)
    dtype = x.dtype
    W_l = _array("W_l", W_l, ('D', 'H'), sizes, dtype)
    b_l = _array("b_l", b_l, ('D',), sizes, dtype)
    if share_weights and W_r is not None:
        raise ValueError("W_r: expected None with share_weights=True (lin_r is lin_l)")
    if not share_weights:
        W_r = _array("W_r", W_r, ('D', 'H'), sizes, dtype)
    if share_weights and b_r is not None:
        raise ValueError("b_r: expected None with share_weights=True (lin_r is lin_l)")
    if not share_weights:
        b_r = _array("b_r", b_r, ('D',), sizes, dtype)
    att = _array("att", att, ('D',), sizes, dtype)
    bias = _array("bias", bias, (_gatv2_out_axis(sizes, heads, concat),), sizes, dtype)
    return x, W_l, b_l, W_r, b_r, att, bias


def _gatv2_out_axis(sizes, heads, concat):
    """The output's axis: D = heads·C with concat, else C (sizes gains C); ValueError unless
    heads splits D."""
    if isinstance(heads, bool) or not isinstance(heads, (int, numpy.integer)) or heads < 1:
        raise ValueError(f"heads: expected an integer >= 1, got {heads!r}")
    if sizes["D"] % heads:
        D = f"D = {sizes['D']} (W_l's rows, xl's columns)"
        raise ValueError(f"heads: {D} does not split into {heads} heads")
    sizes["C"] = sizes["D"] // heads
    return "D" if concat else "C"


def gatv2_forward(
    x, edge_index, W_l, b_l, W_r, b_r, att, bias, negative_slope=0.2, add_self_loops=True,
    heads=1, concat=True, share_weights=False, save=False,
):
    """GATv2 layer (heads, concat, share_weights) as torch_geometric's GATv2Conv.
    Equations: Eq. 1-3: e, α, h'; Fig. 2: a₂ … a₉. x: (nodes, H); edge_index: (2, E), row 0 the
    sources j, row 1 the targets i; W_l, W_r: (D, H) and b_l, b_r, att: (D,), D = heads·C,
    head-major (PyG's att (1, heads, C) is att.reshape(-1)); bias: (D,) with concat, else (C,).
    With share_weights=True, W_r and b_r are None (PyG's lin_r is lin_l).
    Returns out: (nodes, D) with concat, else (nodes, C), the mean over heads. A node
    without incoming edges gets just the bias.
    With save=True returns (out, saved): pass `saved` to gatv2_backward with the same
    arguments to skip recomputing the projections, the edge grouping;
    it holds the edges, att and negative_slope it was computed for, and a `saved` from another
    graph, other sizes or other att raises ValueError.
    """
    x, W_l, b_l, W_r, b_r, att, bias = _gatv2_inputs(
        x, edge_index, W_l, b_l, W_r, b_r, att, bias, heads, concat, share_weights
    )
    xl, xr = _gatv2_projections(x, W_l, b_l, W_r, b_r)
    return _gatv2_attend(
        xl, xr, edge_index, att, bias, negative_slope, add_self_loops, heads, concat, save,
        W_r is None,
    )


def gatv2_attention_forward(
    xl, xr, edge_index, att, bias, negative_slope=0.2, add_self_loops=True, heads=1,
    concat=True, save=False,
):
    """gatv2_forward after its projections: xl = x W_l^T + b_l and xr = x W_r^T + b_r,
    both (nodes, D), given (for a caller that computes them itself, as the torch wrapper
    does); edge_index, att, bias, heads, concat and the result as in gatv2_forward.
    With save=True returns (out, saved) for gatv2_attention_backward.
    """
    xl, xr, att, bias = _gatv2_attention_inputs(xl, xr, att, bias, heads, concat)
    return _gatv2_attend(
        xl, xr, edge_index, att, bias, negative_slope, add_self_loops, heads, concat, save, None
    )


def _gatv2_attend(
    xl, xr, edge_index, att, bias, negative_slope, add_self_loops, heads, concat, save, shared
):
    """out, or (out, saved), from validated projections; `shared` (True, False, or None for
    the attention functions) is kept in saved, so that the two APIs' saved work differ."""
    sources, targets = _gatv2_grouped_edges(edge_index, xl.shape[0], add_self_loops)
    slope = xl.dtype.type(negative_slope)
    out, softmax = _gatv2_forward_edges(
        xl, xr, sources, targets, att, bias, slope, heads, bool(concat)
    )
    out = out.astype(xl.dtype, copy=False)  # sums per target may run in float64
    if not save:
        return out
    # Copies: edge_index and att may change.
    kept = numpy.array(edge_index)
    graph = (kept, bool(add_self_loops), shared, att.copy(), slope)
    return out, (xl, xr, sources, targets, softmax, graph)


def gatv2_backward(
    dout, x, edge_index, W_l, b_l, W_r, b_r, att, bias, negative_slope=0.2, add_self_loops=True,
    heads=1, concat=True, share_weights=False, saved=None, need_dx=True,
):
    """Vector-Jacobian product of gatv2_forward.
    Returns (dx, dW_l, db_l, dW_r, db_r, datt, dbias); with share_weights=True, dW_l and db_l
    sum the gradients of both uses of lin_l, and dW_r, db_r are None; with need_dx=False, dx
    is None and not computed (x needs no gradient: a first layer's features).
    """
    x, W_l, b_l, W_r, b_r, att, bias = _gatv2_inputs(
        x, edge_index, W_l, b_l, W_r, b_r, att, bias, heads, concat, share_weights
    )
    dout = _gatv2_dout(dout, x.shape[0], W_l.shape[0], heads, concat, x.dtype)
    slope = x.dtype.type(negative_slope)
    if saved is None:
        xl, xr = _gatv2_projections(x, W_l, b_l, W_r, b_r)
    else:
        _gatv2_check_saved(
            saved, x.shape[0], x.dtype, edge_index, heads, add_self_loops, W_r is None, att, slope
        )
        xl, xr = saved[:2]
    dxl, dxr, datt, dbias = _gatv2_attend_backward(
        dout, xl, xr, edge_index, att, bias, slope, add_self_loops, heads, concat, saved
    )
    if W_r is None:
        # lin_l serves both uses: its gradient is the sum of the two uses' VJPs.
        grads = _gatv2_shared_grads(x, W_l, dxl + dxr, datt, dbias, need_dx)
    else:
        # Both projections as one product: [dxl dxr] @ [W_l; W_r], and x^T [dxl dxr] computed
        # as (x^T d)^T, which OpenBLAS runs several times faster than d^T x for tall, thin d.
        dxlr = numpy.concatenate([dxl, dxr], axis=1).astype(x.dtype, copy=False)
        dx = dxlr @ numpy.concatenate([W_l, W_r]) if need_dx else None
        dW_l, dW_r = numpy.split((x.T @ dxlr).T, 2)
        grads = (dx, dW_l, dxl.sum(axis=0), dW_r, dxr.sum(axis=0), datt, dbias)
    return tuple(g if g is None else numpy.ascontiguousarray(g, dtype=x.dtype) for g in grads)


def gatv2_attention_backward(
    dout, xl, xr, edge_index, att, bias, negative_slope=0.2, add_self_loops=True, heads=1,
    concat=True, saved=None,
):
    """Vector-Jacobian product of gatv2_attention_forward: (dxl, dxr, datt, dbias).
    With `saved` from gatv2_attention_forward(..., save=True), the backward uses the
    projections kept there, which must equal xl and xr (ValueError otherwise)."""
    xl, xr, att, bias = _gatv2_attention_inputs(xl, xr, att, bias, heads, concat)
    dout = _gatv2_dout(dout, xl.shape[0], xl.shape[1], heads, concat, xl.dtype)
    slope = xl.dtype.type(negative_slope)
    if saved is not None:
        _gatv2_check_saved(
            saved, xl.shape[0], xl.dtype, edge_index, heads, add_self_loops, None, att, slope
        )
        for given, kept in zip((xl, xr), saved[:2]):
            if not _gatv2_same(given, kept):
                raise ValueError("saved: computed for other projections (xl, xr)")
    grads = _gatv2_attend_backward(
        dout, xl, xr, edge_index, att, bias, slope, add_self_loops, heads, concat, saved
    )
    return tuple(numpy.ascontiguousarray(g, dtype=xl.dtype) for g in grads)


def _gatv2_same(given, kept):
    """Whether array `given` holds what `kept` holds: the same memory, or equal values."""
    pointer = lambda a: a.__array_interface__["data"][0]  # noqa: E731
    if (given.shape, given.strides, pointer(given)) == (kept.shape, kept.strides, pointer(kept)):
        return True
    return numpy.array_equal(given, kept)


def _gatv2_attend_backward(
    dout, xl, xr, edge_index, att, bias, slope, add_self_loops, heads, concat, saved
):
    """(dxl, dxr, datt, dbias) from validated arrays; `saved` already checked, or None."""
    if saved is None:
        sources, targets = _gatv2_grouped_edges(edge_index, xl.shape[0], add_self_loops)
        softmax = None  # the reference backward computes it again
    else:
        xl, xr, sources, targets, softmax, _ = saved
    return _gatv2_backward_edges(
        dout, xl, xr, sources, targets, att, bias, slope, heads, bool(concat), softmax
    )


def _gatv2_attention_inputs(xl, xr, att, bias, heads, concat):
    sizes = {}
    xl = _array("xl", xl, ("nodes", "D"), sizes)
    xr = _array("xr", xr, ("nodes", "D"), sizes, xl.dtype)
    att = _array("att", att, ("D",), sizes, xl.dtype)
    bias = _array("bias", bias, (_gatv2_out_axis(sizes, heads, concat),), sizes, xl.dtype)
    return xl, xr, att, bias


def _gatv2_dout(dout, nodes, width, heads, concat, dtype):
    """dout validated: (nodes, D) with concat, else (nodes, C)."""
    sizes = {"nodes": nodes, "D": width}
    axes = ("nodes", _gatv2_out_axis(sizes, heads, concat))
    return _array("dout", dout, axes, sizes, dtype)


def _gatv2_shared_grads(x, W_l, dxl, datt, dbias, need_dx):
    """(dx, dW_l, db_l, None, None, datt, dbias) for one projection used as both."""
    dxl = dxl.astype(x.dtype, copy=False)
    dx = dxl @ W_l if need_dx else None
    return (dx, (x.T @ dxl).T, dxl.sum(axis=0), None, None, datt, dbias)


def _gatv2_grouped_edges(edge_index, nodes, add_self_loops):
    """The edges as (sources, targets)."""
    return _gatv2_edges(edge_index, nodes, add_self_loops)


def _gatv2_check_saved(saved, nodes, dtype, edge_index, heads, add_self_loops, shared, att, slope):
    """Raise ValueError unless `saved` came from the forward of the same API (`shared`: True
    or False for gatv2_forward, None for the attention functions) on these edges, sizes,
    dtype, att and negative_slope, with index arrays the edge loops can follow (O(edges),
    once per call)."""
    width, edge_index = att.size, numpy.asarray(edge_index)
    if not isinstance(saved, tuple) or len(saved) != 6 or len(saved[5]) != 5:
        raise ValueError("saved: expected the saved work of gatv2_forward(..., save=True)")
    xl, xr, sources, targets, softmax, (graph, loops, was_shared, was_att, was_slope) = saved
    if was_shared != shared:
        if None in (was_shared, shared):
            other = "gatv2_forward" if shared is None else "gatv2_attention_forward"
            raise ValueError(f"saved: computed by {other}")
        raise ValueError("saved: computed for other weights (share_weights)")
    same = isinstance(graph, numpy.ndarray) and graph.shape == edge_index.shape
    same = same and loops == bool(add_self_loops)
    same = same and numpy.array_equal(graph, edge_index)
    # The reference kernel also checks the saved edges against freshly computed ones.
    edges = _gatv2_edges(edge_index, nodes, add_self_loops) if same else ()
    same = same and all(numpy.array_equal(a, b) for a, b in zip(edges, (sources, targets)))
    if not same:
        raise ValueError("saved: computed for other edges (edge_index, add_self_loops)")
    for array in (xl, xr):
        if not isinstance(array, numpy.ndarray) or array.shape != (nodes, width):
            raise ValueError(f"saved: computed for other sizes than (nodes, D) = {(nodes, width)}")
        if array.dtype != dtype:
            raise ValueError(f"saved: computed for dtype {array.dtype}, not {dtype}")
    count = sources.size if isinstance(sources, numpy.ndarray) else -1
    _gatv2_check_indices(sources, targets, nodes, count)
    if not numpy.array_equal(was_att, att) or was_slope != slope:
        raise ValueError("saved: computed for other att or negative_slope")
    if softmax is not None:
        raise ValueError("saved: expected the saved work of gatv2_forward(..., save=True)")


def _gatv2_check_indices(sources, targets, nodes, count):
    """Raise ValueError unless the saved edge arrays index only nodes and edges that exist."""
    shapes = ((sources, (count,)), (targets, (count,)))
    for array, shape in shapes:
        is_index = isinstance(array, numpy.ndarray) and array.dtype == numpy.int64
        if not is_index or array.shape != shape:
            raise ValueError("saved: its edge arrays do not match its edges")
    if count and (sources.min() < 0 or sources.max() >= nodes):
        raise ValueError("saved: its edge arrays index nodes that do not exist")
    if count and (targets.min() < 0 or targets.max() >= nodes):
        raise ValueError("saved: its edge arrays index nodes that do not exist")


def _gatv2_projections(x, W_l, b_l, W_r, b_r):
    """x W_l^T + b_l and x W_r^T + b_r, each its own product with the bias added in place
    (one product of both, split into contiguous halves, took 1.6 times as long at 100k
    nodes); with W_r None, x W_l^T + b_l serves as both."""
    xl = x @ W_l.T
    xl += b_l
    if W_r is None:
        return xl, xl
    xr = x @ W_r.T
    xr += b_r
    return xl, xr


def _gatv2_per_target(targets, values, nodes):
    """Σ over each target's edges of values (edges, heads): (nodes, heads), head by head."""
    return numpy.stack([numpy.bincount(targets, v, nodes) for v in values.T], axis=1)


def _gatv2_heads(array, heads):
    """(rows, heads·C) as (rows, heads, C): each head's C columns."""
    return array.reshape(array.shape[0], heads, array.shape[1] // heads)


def _gatv2_scores(xl, xr, sources, targets, att, negative_slope, heads):
    xl_d, xr_d = _gatv2_heads(xl[sources], heads), _gatv2_heads(xr[targets], heads)
    att_d = _gatv2_heads(att[None], heads)
    p0 = (
        _masked(((xl_d + xr_d) > 0,), (lambda negative_slope, xl_d, xr_d: xl_d + xr_d, lambda
        negative_slope, xl_d, xr_d: negative_slope*(xl_d + xr_d)), negative_slope, xl_d, xr_d)
    )
    term_d = att_d*p0
    return term_d.sum(axis=2)


def _gatv2_softmax(s_e, targets, nodes):
    """Per-target softmax of the scores (edges, heads), shifted by each target's largest."""
    largest = numpy.full((nodes, s_e.shape[1]), -numpy.inf, s_e.dtype)
    for head in range(s_e.shape[1]):
        numpy.maximum.at(largest[:, head], targets, s_e[:, head])
    m_i = largest[targets]
    w_e = numpy.exp(-m_i + s_e)
    Z_i = _gatv2_per_target(targets, w_e, nodes)[targets]
    alpha_e = w_e/Z_i
    return alpha_e, w_e, Z_i, m_i


def _gatv2_forward_edges(xl, xr, sources, targets, att, bias, negative_slope, heads, concat):
    nodes = xl.shape[0]
    s_e = _gatv2_scores(xl, xr, sources, targets, att, negative_slope, heads)
    alpha_e = _gatv2_softmax(s_e, targets, nodes)[0][:, :, None]
    xl_d = _gatv2_heads(xl[sources], heads)
    msg_d = alpha_e*xl_d
    aggregated = numpy.zeros(xl.shape)
    numpy.add.at(aggregated, targets, msg_d.reshape(sources.size, xl.shape[1]))
    # Heads side by side (concat), or summed and averaged over their count.
    total_d = aggregated if concat else _gatv2_heads(aggregated, heads).sum(axis=1)
    heads_averaged = 1 if concat else heads
    agg_d = total_d/heads_averaged
    bias_d = bias[None]
    out_d = agg_d + bias_d
    return out_d, None


def _gatv2_backward_edges(
    dout, xl, xr, sources, targets, att, bias, negative_slope, heads, concat, softmax
):
    """The reference computes the softmax again (`softmax` is None)."""
    (nodes, width), edges = xl.shape, sources.size
    s_e = _gatv2_scores(xl, xr, sources, targets, att, negative_slope, heads)
    alpha_e, w_e, Z_i, m_i = _gatv2_softmax(s_e, targets, nodes)
    dout_d = dout
    dagg_d = dout_d
    dbias_d = dout_d
    heads_averaged = 1 if concat else heads
    dtotal_d = dagg_d/heads_averaged
    dtotal_d = numpy.broadcast_to(dtotal_d, dout.shape)
    if concat:
        dagg_d = _gatv2_heads(dtotal_d, heads)[targets]
    else:
        dagg_d = numpy.broadcast_to(dtotal_d[targets][:, None], (edges, heads, dout.shape[1]))
    alpha_e, xl_d = alpha_e[:, :, None], _gatv2_heads(xl[sources], heads)
    dalpha_ed = dagg_d*xl_d
    dxl_msg_d = alpha_e*dagg_d
    dalpha_e, alpha_e = dalpha_ed.sum(axis=2), alpha_e[:, :, 0]
    dw_e = dalpha_e/Z_i
    dZ_e = -dalpha_e*w_e/Z_i**2
    dw_total = dw_e + _gatv2_per_target(targets, dZ_e, nodes)[targets]
    ds_e = dw_total*w_e
    ds_e, xr_d = ds_e[:, :, None], _gatv2_heads(xr[targets], heads)
    att_d = _gatv2_heads(att[None], heads)
    p0 = (
        _masked(((xl_d + xr_d) > 0,), (lambda negative_slope, xl_d, xr_d: 1, lambda
        negative_slope, xl_d, xr_d: negative_slope), negative_slope, xl_d, xr_d)
    )
    p1 = (
        _masked(((xl_d + xr_d) > 0,), (lambda negative_slope, xl_d, xr_d: xl_d + xr_d, lambda
        negative_slope, xl_d, xr_d: negative_slope*(xl_d + xr_d)), negative_slope, xl_d, xr_d)
    )
    t0 = att_d*ds_e*p0
    dxl_d = t0
    dxr_d = t0
    datt_d = ds_e*p1
    dxl, dxr = numpy.zeros(xl.shape), numpy.zeros(xl.shape)
    numpy.add.at(dxl, sources, (dxl_msg_d + dxl_d).reshape(edges, width))
    numpy.add.at(dxr, targets, numpy.broadcast_to(dxr_d, xl_d.shape).reshape(edges, width))
    dbias = numpy.broadcast_to(dbias_d, dout.shape).sum(axis=0)
    datt = numpy.broadcast_to(datt_d, xl_d.shape).sum(axis=0).reshape(-1)
    return dxl, dxr, datt, dbias
