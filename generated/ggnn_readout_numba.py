# GENERATED from derive/documents/ggnn_readout.py by `derive generate`. Do not edit.
"""Kernels for GGNN graph-level readout (forum thread 'Understanding math notation'): Numba.

ggnn_readout: GGNN graph-level readout over a batch of graphs (a graph index per node).
"""

import numba
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
    # One memory layout: a strided view would compile every kernel again, for layout "A".
    return numpy.ascontiguousarray(array)


# Reassociation lets the compiler vectorise inner loops; no-NaN/no-inf flags stay off. Every
# kernel compiles with error_model="numpy": a float division by zero gives inf or NaN, as in
# NumPy, with no check for zero before it (the check kept loops with a division scalar).
FASTMATH = {"contract", "reassoc", "nsz"}
# Without reassociation, where the order of a product keeps it finite (see the scan backward).
ORDERED = {"contract", "nsz"}


# Not inlined by Numba (inline="always" typed it again at each call site: about 1 s of the
# scan's cold compile); the kernels calling it ran as fast in an A/B.
@numba.njit(cache=True, fastmath=FASTMATH, error_model="numpy")
def _vexp(z, out, bits, fast):
    """out = exp(z), inf and NaN as numpy.exp gives them. With `fast` (float32 data), a form
    the compiler vectorises: 2**(k-1) * p(r), with 2**(k-1) assembled from float32 exponent
    bits (its biased exponent j above 23 fraction bits)."""
    if not fast:
        for n in range(z.size):
            z_n = z[n]
            e_n = numpy.exp(z_n)
            out[n] = e_n
        return
    for n in range(z.size):
        z_n = z[n]
        t0 = min(numpy.float32(88.72283905206835), max(numpy.float32(-87.3365447505531), z_n))
        k_n = numpy.floor(numpy.float32(1.4426950408889634)*t0 + numpy.float32(0.5))
        r_head = -numpy.float32(0.69140625)*k_n + t0
        r_n = -numpy.float32(0.0017409305599453094)*k_n + r_head
        j_n = k_n + numpy.float32(126)
        p_n = (
            r_n*(r_n*(r_n*(r_n*(r_n*(r_n*((numpy.float32(0.0003968253968253968))*r_n +
            numpy.float32(0.002777777777777778)) + numpy.float32(0.016666666666666666)) +
            numpy.float32(0.08333333333333333)) + numpy.float32(0.3333333333333333)) +
            numpy.float32(1)) + numpy.float32(2)) + numpy.float32(2)
        )
        out[n] = p_n
        bits[n] = numpy.int32(j_n) << 23
    scale = bits.view(numpy.float32)
    for n in range(z.size):
        z_n, p_n, s_n = z[n], out[n], scale[n]
        p0 = (
            p_n*s_n if z_n <= numpy.float32(88.72283905206835) else (numpy.float32(numpy.inf) if
            z_n > numpy.float32(88.72283905206835) else z_n)
        )
        e_n = p0
        out[n] = e_n


def _ggnn_readout_inputs(h, x, graph, W_i, b_i, W_j, b_j, graphs):
    """The float arrays validated, the graph index as int64, and the number of graphs."""
    sizes = {}
    h = _array("h", h, ('nodes', 'D'), sizes)
    dtype = h.dtype
    sizes["2D"] = 2 * sizes["D"]
    x = _array("x", x, ('nodes', 'D'), sizes, dtype)
    W_i = _array("W_i", W_i, ('D', '2D'), sizes, dtype)
    b_i = _array("b_i", b_i, ('D',), sizes, dtype)
    W_j = _array("W_j", W_j, ('D', '2D'), sizes, dtype)
    b_j = _array("b_j", b_j, ('D',), sizes, dtype)
    graph = numpy.asarray(graph)
    if graph.shape != (sizes["nodes"],):
        expected = f"(nodes,) with nodes = {sizes['nodes']}"
        raise ValueError(f"graph: expected shape {expected}, got {graph.shape}")
    if graph.dtype.kind not in "iu":
        raise ValueError(f"graph: expected an integer dtype, got {graph.dtype}")
    if graphs is None:
        graphs = int(graph.max()) + 1 if graph.size else 0
        # An index past the node count would size h_g by it alone (1e12 rows): ask for graphs.
        if graphs > graph.size:
            found = f"largest graph index {graphs - 1} needs {graphs} graphs for {graph.size} nodes"
            raise ValueError(f"graph: {found}; pass graphs= to allow graphs without nodes")
    if isinstance(graphs, bool) or not isinstance(graphs, (int, numpy.integer)) or graphs < 0:
        raise ValueError(f"graphs: expected a non-negative int, got {graphs!r}")
    if graph.size and (graph.min() < 0 or graph.max() >= graphs):
        low, high = graph.min(), graph.max()
        raise ValueError(f"graph: graph indices must lie in [0, {graphs}), got {low}..{high}")
    return h, x, graph.astype(numpy.int64), W_i, b_i, W_j, b_j, int(graphs)


def _ggnn_readout_maps(h, x, W_i, b_i, W_j, b_j):
    """The affine maps i and j of every node: [h_v; x_v] W_iᵀ + b_i and [h_v; x_v] W_jᵀ + b_j."""
    hx = numpy.concatenate([h, x], axis=1)
    return hx, hx @ W_i.T + b_i, hx @ W_j.T + b_j


def ggnn_readout_forward(h, x, graph, W_i, b_i, W_j, b_j, graphs=None):
    """GGNN graph-level readout over a batch of graphs (a graph index per node).
    Equations: i, j, h_g; answer.sum-of-products, code.matmul/corrected.
    h, x: (nodes, D); graph: (nodes,), each node's graph, in [0, graphs) (graphs defaults to
    max(graph) + 1); W_i, W_j: (D, 2D), acting on [h_v; x_v]; b_i, b_j: (D,).
    Returns h_g: (graphs, D); a graph without nodes gets the readout of an empty sum.
    """
    h, x, graph, W_i, b_i, W_j, b_j, graphs = _ggnn_readout_inputs(
        h, x, graph, W_i, b_i, W_j, b_j, graphs
    )
    _, i, j = _ggnn_readout_maps(h, x, W_i, b_i, W_j, b_j)
    offsets, order = _ggnn_readout_group(graph, graphs)
    _, out = _ggnn_readout_sums(i, j, order, offsets)
    return out.astype(h.dtype, copy=False)


def ggnn_readout_backward(dout, h, x, graph, W_i, b_i, W_j, b_j, graphs=None):
    """Vector-Jacobian product of ggnn_readout_forward.
    dout: (graphs, D). Returns (dh, dx, dW_i, db_i, dW_j, db_j).
    """
    h, x, graph, W_i, b_i, W_j, b_j, graphs = _ggnn_readout_inputs(
        h, x, graph, W_i, b_i, W_j, b_j, graphs
    )
    sizes = {"graphs": graphs, "D": h.shape[1]}
    dout = _array("dout", dout, ("graphs", "D"), sizes, h.dtype)
    hx, i, j = _ggnn_readout_maps(h, x, W_i, b_i, W_j, b_j)
    offsets, order = _ggnn_readout_group(graph, graphs)
    s, _ = _ggnn_readout_sums(i, j, order, offsets)
    di, dj = _ggnn_readout_node_grads(dout, s, i, j, graph)
    dhx = di @ W_i + dj @ W_j
    width = h.shape[1]
    grads = (dhx[:, :width], dhx[:, width:], di.T @ hx, di.sum(axis=0), dj.T @ hx, dj.sum(axis=0))
    return tuple(g.astype(h.dtype, copy=False) for g in grads)


@numba.njit(cache=True)
def _ggnn_readout_group(keys, groups):
    """Counting sort: the offsets of each key's run, and the stable order that sorts keys."""
    offsets = numpy.zeros(groups + 1, numpy.int64)
    for key in keys:
        offsets[key + 1] += 1
    for g in range(groups):
        offsets[g + 1] += offsets[g]
    cursor = offsets[:-1].copy()
    order = numpy.empty(keys.size, numpy.int64)
    for position in range(keys.size):
        order[cursor[keys[position]]] = position
        cursor[keys[position]] += 1
    return offsets, order


@numba.njit(cache=True, parallel=True, fastmath=FASTMATH, error_model="numpy")
def _ggnn_readout_sums(i, j, order, offsets):
    """Per graph (in parallel): the sum s of its node terms, and its readout."""
    graphs, width = offsets.size - 1, i.shape[1]
    s = numpy.zeros((graphs, width))
    out = numpy.empty((graphs, width))
    for g in numba.prange(graphs):
        for position in range(offsets[g], offsets[g + 1]):
            v = order[position]
            for d in range(width):
                i_vd, j_vd = i[v, d], j[v, d]
                p0 = (
                    numpy.float32(1)/(numpy.float32(1) + numpy.exp(-abs(i_vd))) if i_vd >=
                    numpy.float32(0) else numpy.exp(-abs(i_vd))/(numpy.float32(1) +
                    numpy.exp(-abs(i_vd)))
                )
                term_vd = p0*numpy.tanh(j_vd)
                s[g, d] += term_vd
        for d in range(width):
            s_gd = s[g, d]
            h_g = numpy.tanh(s_gd)
            out[g, d] = h_g
    return s, out


@numba.njit(cache=True, parallel=True, fastmath=FASTMATH, error_model="numpy")
def _ggnn_readout_graph_grads(dout, s):
    """The gradient of each graph's sum s."""
    ds = numpy.empty(s.shape)
    for g in numba.prange(s.shape[0]):
        for d in range(s.shape[1]):
            dout_gd, s_gd = dout[g, d], s[g, d]
            ds_gd = dout_gd*(numpy.float32(1) - numpy.tanh(s_gd)**2)
            ds[g, d] = ds_gd
    return ds


@numba.njit(cache=True, parallel=True, fastmath=FASTMATH, error_model="numpy")
def _ggnn_readout_node_terms(ds, i, j, graph):
    """Per node (in parallel): the gradients of its affine maps i and j."""
    di, dj = numpy.empty(i.shape), numpy.empty(j.shape)
    for v in numba.prange(i.shape[0]):
        g = graph[v]
        for d in range(i.shape[1]):
            ds_vd, i_vd, j_vd = ds[g, d], i[v, d], j[v, d]
            p0 = (
                numpy.float32(1)/(numpy.float32(1) + numpy.exp(-abs(i_vd))) if i_vd >=
                numpy.float32(0) else numpy.exp(-abs(i_vd))/(numpy.float32(1) +
                numpy.exp(-abs(i_vd)))
            )
            t0 = numpy.tanh(j_vd)
            t1 = ds_vd*p0
            di_vd = t0*t1*(numpy.float32(1) - p0)
            dj_vd = t1*(numpy.float32(1) - t0**2)
            di[v, d] = di_vd
            dj[v, d] = dj_vd
    return di, dj


def _ggnn_readout_node_grads(dout, s, i, j, graph):
    """The gradients of the affine maps i and j of every node."""
    di, dj = _ggnn_readout_node_terms(_ggnn_readout_graph_grads(dout, s), i, j, graph)
    return di.astype(i.dtype, copy=False), dj.astype(j.dtype, copy=False)
