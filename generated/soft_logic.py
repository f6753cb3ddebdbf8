# GENERATED from derive/documents/soft_logic.py by `derive generate`. Do not edit.
"""Kernels for From Math to Program: soft if, switch/case and lookup: NumPy.

soft_logic_if: Soft if: row j of y blends T and F by the gate σ(z_j).
soft_logic_switch: Switch/case: row i of y mixes the cases C by the softmax of the logits a_i.
soft_logic_lookup_dot: Soft lookup with the dot score: per query, Σ_t α_t v_t over the keys.
soft_logic_lookup_general: Soft lookup with the general score: per query, Σ_t α_t v_t over the keys.
soft_logic_lookup_concat: Soft lookup with the concat score: per query, Σ_t α_t v_t over the keys.
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


def soft_logic_if_forward(z, T, F):
    """Soft if: row j of y blends T and F by the gate σ(z_j).
    Equations: y; if.vector[outer], if.mixture.
    z: (n,), one logit per gate; T, F: (m,). Returns y: (n, m), row j for gate j.
    """
    sizes = {}
    z = _array("z", z, ('n',), sizes)
    dtype = z.dtype
    T = _array("T", T, ('m',), sizes, dtype)
    F = _array("F", F, ('m',), sizes, dtype)
    z_j, T_k, F_k = z[:, None], T[None], F[None]
    p0 = (
        _masked((z_j >= 0,), (lambda z_j: 1/(1 + numpy.exp(-abs(z_j))), lambda z_j:
        numpy.exp(-abs(z_j))/(1 + numpy.exp(-abs(z_j)))), z_j)
    )
    g_j = p0
    y_jk = F_k*(1 - g_j) + T_k*g_j
    return numpy.broadcast_to(y_jk, (z.size, T.size)).astype(dtype)


def soft_logic_if_backward(dout, z, T, F):
    """Vector-Jacobian product of soft_logic_if_forward; dout: (n, m). Returns (dz, dT, dF)."""
    sizes = {}
    z = _array("z", z, ('n',), sizes)
    dtype = z.dtype
    T = _array("T", T, ('m',), sizes, dtype)
    F = _array("F", F, ('m',), sizes, dtype)
    dout = _array("dout", dout, ("n", "m"), sizes, dtype)
    z_j, T_k, F_k, dout_jk = z[:, None], T[None], F[None], dout
    p0 = (
        _masked((z_j >= 0,), (lambda z_j: 1/(1 + numpy.exp(-abs(z_j))), lambda z_j:
        numpy.exp(-abs(z_j))/(1 + numpy.exp(-abs(z_j)))), z_j)
    )
    g_j = p0
    dg_jk = dout_jk*(-F_k + T_k)
    dT_jk = dout_jk*g_j
    dF_jk = dout_jk*(1 - g_j)
    dg_jk, dT_jk, dF_jk = (numpy.broadcast_to(g, dout.shape) for g in (dg_jk, dT_jk, dF_jk))
    dg_j = dg_jk.sum(axis=1, keepdims=True)
    p0 = (
        _masked((z_j >= 0,), (lambda z_j: 1/(1 + numpy.exp(-abs(z_j))), lambda z_j:
        numpy.exp(-abs(z_j))/(1 + numpy.exp(-abs(z_j)))), z_j)
    )
    dz_j = dg_j*p0*(1 - p0)
    grads = (numpy.broadcast_to(dz_j, z_j.shape)[:, 0], dT_jk.sum(axis=0), dF_jk.sum(axis=0))
    return tuple(g.astype(dtype) for g in grads)


def soft_logic_switch_forward(a, C):
    """Switch/case: row i of y mixes the cases C by the softmax of the logits a_i.
    Equations: softmax, y_case; switch.y/corrected.
    a: (rows, K); C: (K, m).
    Returns (rows, m); with no K, each row is an empty sum, 0.
    """
    sizes = {}
    a = _array("a", a, ('rows', 'K'), sizes)
    dtype = a.dtype
    C = _array("C", C, ('K', 'm'), sizes, dtype)
    scores = a
    return (_soft_logic_switch_softmax(scores) @ C).astype(dtype, copy=False)


def soft_logic_switch_backward(dout, a, C):
    """Vector-Jacobian product of soft_logic_switch_forward; dout: (rows, m).
    Returns (da, dC).
    """
    sizes = {}
    a = _array("a", a, ('rows', 'K'), sizes)
    dtype = a.dtype
    C = _array("C", C, ('K', 'm'), sizes, dtype)
    dout = _array("dout", dout, ('rows', 'm'), sizes, dtype)
    scores = a
    alpha = _soft_logic_switch_softmax(scores)
    ds = _soft_logic_switch_softmax_backward(scores, dout @ C.T)
    dC = alpha.T @ dout
    grads = (ds, dC)
    return tuple(g.astype(dtype, copy=False) for g in grads)


def _soft_logic_switch_softmax(s):
    """Per row: the softmax of the scores, shifted by the row's largest score."""
    s_e, m_i = s, s.max(axis=1, keepdims=True, initial=-numpy.inf)
    w_e = numpy.exp(-m_i + s_e)
    Z_i = w_e.sum(axis=1, keepdims=True)
    alpha_e = w_e/Z_i
    return numpy.broadcast_to(alpha_e, s.shape)


def _soft_logic_switch_softmax_backward(s, dalpha):
    """Per row: the gradient of the scores from the gradient of the softmax."""
    s_e, m_i, dalpha_e = s, s.max(axis=1, keepdims=True, initial=-numpy.inf), dalpha
    w_e = numpy.exp(-m_i + s_e)
    Z_i = w_e.sum(axis=1, keepdims=True)
    dw_e = dalpha_e/Z_i
    dZ_e = -dalpha_e*w_e/Z_i**2
    dw_total = dw_e + numpy.broadcast_to(dZ_e, s.shape).sum(axis=1, keepdims=True)
    ds_e = dw_total*w_e
    return numpy.broadcast_to(ds_e, s.shape)


def soft_logic_lookup_dot_forward(q, k, v):
    """Soft lookup with the dot score: per query, Σ_t α_t v_t over the keys.
    Equations: score_dot, α_dot, lookup_dot; score.dot, lookup.weighted-sum[dot].
    q: (queries, D); k: (keys, D); v: (keys, D_v).
    Returns (queries, D_v); with no keys, each row is an empty sum, 0.
    """
    sizes = {}
    q = _array("q", q, ('queries', 'D'), sizes)
    dtype = q.dtype
    k = _array("k", k, ('keys', 'D'), sizes, dtype)
    v = _array("v", v, ('keys', 'D_v'), sizes, dtype)
    scores = _soft_logic_lookup_dot_scores(q, k, v)[0]
    return (_soft_logic_lookup_dot_softmax(scores) @ v).astype(dtype, copy=False)


def soft_logic_lookup_dot_backward(dout, q, k, v):
    """Vector-Jacobian product of soft_logic_lookup_dot_forward; dout: (queries, D_v).
    Returns (dq, dk, dv).
    """
    sizes = {}
    q = _array("q", q, ('queries', 'D'), sizes)
    dtype = q.dtype
    k = _array("k", k, ('keys', 'D'), sizes, dtype)
    v = _array("v", v, ('keys', 'D_v'), sizes, dtype)
    dout = _array("dout", dout, ('queries', 'D_v'), sizes, dtype)
    scores, qW = _soft_logic_lookup_dot_scores(q, k, v)
    alpha = _soft_logic_lookup_dot_softmax(scores)
    ds = _soft_logic_lookup_dot_softmax_backward(scores, dout @ v.T)
    dv = alpha.T @ dout
    dqW = ds @ k
    grads = (dqW, ds.T @ qW, dv)
    return tuple(g.astype(dtype, copy=False) for g in grads)


def _soft_logic_lookup_dot_scores(q, k, v):
    """The scores of every query and key, and the queries' side of them."""
    qW = q
    return qW @ k.T, qW


def _soft_logic_lookup_dot_softmax(s):
    """Per row: the softmax of the scores, shifted by the row's largest score."""
    s_e, m_i = s, s.max(axis=1, keepdims=True, initial=-numpy.inf)
    w_e = numpy.exp(-m_i + s_e)
    Z_i = w_e.sum(axis=1, keepdims=True)
    alpha_e = w_e/Z_i
    return numpy.broadcast_to(alpha_e, s.shape)


def _soft_logic_lookup_dot_softmax_backward(s, dalpha):
    """Per row: the gradient of the scores from the gradient of the softmax."""
    s_e, m_i, dalpha_e = s, s.max(axis=1, keepdims=True, initial=-numpy.inf), dalpha
    w_e = numpy.exp(-m_i + s_e)
    Z_i = w_e.sum(axis=1, keepdims=True)
    dw_e = dalpha_e/Z_i
    dZ_e = -dalpha_e*w_e/Z_i**2
    dw_total = dw_e + numpy.broadcast_to(dZ_e, s.shape).sum(axis=1, keepdims=True)
    ds_e = dw_total*w_e
    return numpy.broadcast_to(ds_e, s.shape)


def soft_logic_lookup_general_forward(q, k, v, W_alpha):
    """Soft lookup with the general score: per query, Σ_t α_t v_t over the keys.
    Equations: score_gen, α_gen, lookup_gen; score.general, lookup.weighted-sum[general].
    q: (queries, D); k: (keys, D); v: (keys, D_v); W_alpha: (D, D).
    Returns (queries, D_v); with no keys, each row is an empty sum, 0.
    """
    sizes = {}
    q = _array("q", q, ('queries', 'D'), sizes)
    dtype = q.dtype
    k = _array("k", k, ('keys', 'D'), sizes, dtype)
    v = _array("v", v, ('keys', 'D_v'), sizes, dtype)
    W_alpha = _array("W_alpha", W_alpha, ('D', 'D'), sizes, dtype)
    scores = _soft_logic_lookup_general_scores(q, k, v, W_alpha)[0]
    return (_soft_logic_lookup_general_softmax(scores) @ v).astype(dtype, copy=False)


def soft_logic_lookup_general_backward(dout, q, k, v, W_alpha):
    """Vector-Jacobian product of soft_logic_lookup_general_forward; dout: (queries, D_v).
    Returns (dq, dk, dv, dW_alpha).
    """
    sizes = {}
    q = _array("q", q, ('queries', 'D'), sizes)
    dtype = q.dtype
    k = _array("k", k, ('keys', 'D'), sizes, dtype)
    v = _array("v", v, ('keys', 'D_v'), sizes, dtype)
    W_alpha = _array("W_alpha", W_alpha, ('D', 'D'), sizes, dtype)
    dout = _array("dout", dout, ('queries', 'D_v'), sizes, dtype)
    scores, qW = _soft_logic_lookup_general_scores(q, k, v, W_alpha)
    alpha = _soft_logic_lookup_general_softmax(scores)
    ds = _soft_logic_lookup_general_softmax_backward(scores, dout @ v.T)
    dv = alpha.T @ dout
    dqW = ds @ k
    grads = (dqW @ W_alpha.T, ds.T @ qW, dv, q.T @ dqW)
    return tuple(g.astype(dtype, copy=False) for g in grads)


def _soft_logic_lookup_general_scores(q, k, v, W_alpha):
    """The scores of every query and key, and the queries' side of them."""
    qW = q @ W_alpha
    return qW @ k.T, qW


def _soft_logic_lookup_general_softmax(s):
    """Per row: the softmax of the scores, shifted by the row's largest score."""
    s_e, m_i = s, s.max(axis=1, keepdims=True, initial=-numpy.inf)
    w_e = numpy.exp(-m_i + s_e)
    Z_i = w_e.sum(axis=1, keepdims=True)
    alpha_e = w_e/Z_i
    return numpy.broadcast_to(alpha_e, s.shape)


def _soft_logic_lookup_general_softmax_backward(s, dalpha):
    """Per row: the gradient of the scores from the gradient of the softmax."""
    s_e, m_i, dalpha_e = s, s.max(axis=1, keepdims=True, initial=-numpy.inf), dalpha
    w_e = numpy.exp(-m_i + s_e)
    Z_i = w_e.sum(axis=1, keepdims=True)
    dw_e = dalpha_e/Z_i
    dZ_e = -dalpha_e*w_e/Z_i**2
    dw_total = dw_e + numpy.broadcast_to(dZ_e, s.shape).sum(axis=1, keepdims=True)
    ds_e = dw_total*w_e
    return numpy.broadcast_to(ds_e, s.shape)


def soft_logic_lookup_concat_forward(q, k, v, W_alpha_c, v_alpha_c):
    """Soft lookup with the concat score: per query, Σ_t α_t v_t over the keys.
    Equations: score_cat, α_cat, lookup_cat; score.concat, lookup.weighted-sum[concat].
    q: (queries, D); k: (keys, D); v: (keys, D_v); W_alpha_c: (H, 2D); v_alpha_c: (H,).
    Returns (queries, D_v); with no keys, each row is an empty sum, 0.
    """
    sizes = {}
    q = _array("q", q, ('queries', 'D'), sizes)
    dtype = q.dtype
    sizes["2D"] = 2 * sizes["D"]
    k = _array("k", k, ('keys', 'D'), sizes, dtype)
    v = _array("v", v, ('keys', 'D_v'), sizes, dtype)
    W_alpha_c = _array("W_alpha_c", W_alpha_c, ('H', '2D'), sizes, dtype)
    v_alpha_c = _array("v_alpha_c", v_alpha_c, ('H',), sizes, dtype)
    Wq, Wk = _soft_logic_lookup_concat_sides(q, k, W_alpha_c)
    scores = _soft_logic_lookup_concat_scores(Wq, Wk, v_alpha_c)
    return (_soft_logic_lookup_concat_softmax(scores) @ v).astype(dtype, copy=False)


def soft_logic_lookup_concat_backward(dout, q, k, v, W_alpha_c, v_alpha_c):
    """Vector-Jacobian product of soft_logic_lookup_concat_forward; dout: (queries, D_v).
    Returns (dq, dk, dv, dW_alpha_c, dv_alpha_c).
    """
    sizes = {}
    q = _array("q", q, ('queries', 'D'), sizes)
    dtype = q.dtype
    sizes["2D"] = 2 * sizes["D"]
    k = _array("k", k, ('keys', 'D'), sizes, dtype)
    v = _array("v", v, ('keys', 'D_v'), sizes, dtype)
    W_alpha_c = _array("W_alpha_c", W_alpha_c, ('H', '2D'), sizes, dtype)
    v_alpha_c = _array("v_alpha_c", v_alpha_c, ('H',), sizes, dtype)
    dout = _array("dout", dout, ('queries', 'D_v'), sizes, dtype)
    Wq, Wk = _soft_logic_lookup_concat_sides(q, k, W_alpha_c)
    scores = _soft_logic_lookup_concat_scores(Wq, Wk, v_alpha_c)
    alpha = _soft_logic_lookup_concat_softmax(scores)
    ds = _soft_logic_lookup_concat_softmax_backward(scores, dout @ v.T)
    dv = alpha.T @ dout
    dWq, dWk, dv_alpha_c = _soft_logic_lookup_concat_term_grads(ds, Wq, Wk, v_alpha_c)
    width = q.shape[1]
    dq, dk = dWq @ W_alpha_c[:, :width], dWk @ W_alpha_c[:, width:]
    dW_alpha_c = numpy.concatenate([dWq.T @ q, dWk.T @ k], axis=1)
    grads = (dq, dk, dv, dW_alpha_c, dv_alpha_c)
    return tuple(g.astype(dtype, copy=False) for g in grads)


def _soft_logic_lookup_concat_sides(q, k, W_alpha_c):
    """The projections of the queries and the keys by W_alpha_c, which acts on [q; k]."""
    width = q.shape[1]
    return q @ W_alpha_c[:, :width].T, k @ W_alpha_c[:, width:].T


def _soft_logic_lookup_concat_softmax(s):
    """Per row: the softmax of the scores, shifted by the row's largest score."""
    s_e, m_i = s, s.max(axis=1, keepdims=True, initial=-numpy.inf)
    w_e = numpy.exp(-m_i + s_e)
    Z_i = w_e.sum(axis=1, keepdims=True)
    alpha_e = w_e/Z_i
    return numpy.broadcast_to(alpha_e, s.shape)


def _soft_logic_lookup_concat_softmax_backward(s, dalpha):
    """Per row: the gradient of the scores from the gradient of the softmax."""
    s_e, m_i, dalpha_e = s, s.max(axis=1, keepdims=True, initial=-numpy.inf), dalpha
    w_e = numpy.exp(-m_i + s_e)
    Z_i = w_e.sum(axis=1, keepdims=True)
    dw_e = dalpha_e/Z_i
    dZ_e = -dalpha_e*w_e/Z_i**2
    dw_total = dw_e + numpy.broadcast_to(dZ_e, s.shape).sum(axis=1, keepdims=True)
    ds_e = dw_total*w_e
    return numpy.broadcast_to(ds_e, s.shape)


def _soft_logic_lookup_concat_slabs(queries, keys, width):
    """Ranges of queries whose (queries, keys, width) slab holds about a million entries."""
    rows = max(1, (1 << 20) // max(1, keys * width))
    return [(start, min(queries, start + rows)) for start in range(0, queries, rows)]


def _soft_logic_lookup_concat_scores(Wq, Wk, v_alpha_c):
    """The score of every query and key: the term summed over the projections' entries r."""
    s = numpy.empty((Wq.shape[0], Wk.shape[0]), Wq.dtype)
    for start, stop in _soft_logic_lookup_concat_slabs(Wq.shape[0], Wk.shape[0], Wk.shape[1]):
        Wq_r, Wk_r, v_alpha_c_r = Wq[start:stop, None], Wk[None], v_alpha_c
        term_r = v_alpha_c_r*numpy.tanh(Wk_r + Wq_r)
        s[start:stop] = numpy.broadcast_to(term_r, (stop - start, *Wk.shape)).sum(axis=2)
    return s


def _soft_logic_lookup_concat_term_grads(ds, Wq, Wk, v_alpha_c):
    """The gradients of both projections and of v_alpha_c from the scores' gradient."""
    dWq, dWk = numpy.zeros(Wq.shape), numpy.zeros(Wk.shape)
    dv_alpha_c = numpy.zeros(v_alpha_c.shape)
    for start, stop in _soft_logic_lookup_concat_slabs(Wq.shape[0], Wk.shape[0], Wk.shape[1]):
        Wq_r, Wk_r, v_alpha_c_r = Wq[start:stop, None], Wk[None], v_alpha_c
        ds_e, shape = ds[start:stop, :, None], (stop - start, *Wk.shape)
        t0 = numpy.tanh(Wk_r + Wq_r)
        t1 = ds_e*v_alpha_c_r*(1 - t0**2)
        dWq_r = t1
        dWk_r = t1
        dv_alpha_c_r = ds_e*t0
        dWq[start:stop] = numpy.broadcast_to(dWq_r, shape).sum(axis=1)
        dWk += numpy.broadcast_to(dWk_r, shape).sum(axis=0)
        dv_alpha_c += numpy.broadcast_to(dv_alpha_c_r, shape).sum(axis=(0, 1))
    return dWq, dWk, dv_alpha_c
