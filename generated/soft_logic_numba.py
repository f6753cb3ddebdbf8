# GENERATED from derive/documents/soft_logic.py by `derive generate`. Do not edit.
"""Kernels for From Math to Program: soft if, switch/case and lookup: Numba.

soft_logic_if: Soft if: row j of y blends T and F by the gate σ(z_j).
soft_logic_switch: Switch/case: row i of y mixes the cases C by the softmax of the logits a_i.
soft_logic_lookup_dot: Soft lookup with the dot score: per query, Σ_t α_t v_t over the keys.
soft_logic_lookup_general: Soft lookup with the general score: per query, Σ_t α_t v_t over the keys.
soft_logic_lookup_concat: Soft lookup with the concat score: per query, Σ_t α_t v_t over the keys.
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
    return _soft_logic_if_rows(z, T, F)


def soft_logic_if_backward(dout, z, T, F):
    """Vector-Jacobian product of soft_logic_if_forward; dout: (n, m). Returns (dz, dT, dF)."""
    sizes = {}
    z = _array("z", z, ('n',), sizes)
    dtype = z.dtype
    T = _array("T", T, ('m',), sizes, dtype)
    F = _array("F", F, ('m',), sizes, dtype)
    dout = _array("dout", dout, ("n", "m"), sizes, dtype)
    parts = max(1, min(z.size, numba.get_num_threads()))
    grads = _soft_logic_if_backward_parts(dout, z, T, F, parts)
    return tuple(g.astype(dtype) for g in grads)


@numba.njit(cache=True, parallel=True, fastmath=FASTMATH, error_model="numpy")
def _soft_logic_if_rows(z, T, F):
    """Per row (in parallel): the gate, then the blend of every feature."""
    y = numpy.empty((z.size, T.size), z.dtype)
    for j in numba.prange(z.size):
        z_j = z[j]
        p0 = (
            numpy.float32(1)/(numpy.float32(1) + numpy.exp(-abs(z_j))) if z_j >= numpy.float32(0)
            else numpy.exp(-abs(z_j))/(numpy.float32(1) + numpy.exp(-abs(z_j)))
        )
        g_j = p0
        for k in range(T.size):
            T_k = T[k]
            F_k = F[k]
            y_jk = F_k*(numpy.float32(1) - g_j) + T_k*g_j
            y[j, k] = y_jk
    return y


@numba.njit(cache=True, parallel=True, fastmath=FASTMATH, error_model="numpy")
def _soft_logic_if_backward_parts(dout, z, T, F, parts):
    """Per row: dz; dT and dF as one partial sum per part of the rows, added at the end."""
    n, m = dout.shape
    dz = numpy.empty(n)
    dT, dF = numpy.zeros((parts, m)), numpy.zeros((parts, m))
    chunk = (n + parts - 1) // parts
    for part in numba.prange(parts):
        for j in range(part * chunk, min(n, part * chunk + chunk)):
            z_j, dg_j = z[j], 0.0
            p0 = (
                numpy.float32(1)/(numpy.float32(1) + numpy.exp(-abs(z_j))) if z_j >=
                numpy.float32(0) else numpy.exp(-abs(z_j))/(numpy.float32(1) +
                numpy.exp(-abs(z_j)))
            )
            g_j = p0
            for k in range(m):
                dout_jk = dout[j, k]
                T_k = T[k]
                F_k = F[k]
                dg_jk = dout_jk*(-F_k + T_k)
                dT_jk = dout_jk*g_j
                dF_jk = dout_jk*(numpy.float32(1) - g_j)
                dg_j += dg_jk
                dT[part, k] += dT_jk
                dF[part, k] += dF_jk
            p0 = (
                numpy.float32(1)/(numpy.float32(1) + numpy.exp(-abs(z_j))) if z_j >=
                numpy.float32(0) else numpy.exp(-abs(z_j))/(numpy.float32(1) +
                numpy.exp(-abs(z_j)))
            )
            dz_j = dg_j*p0*(numpy.float32(1) - p0)
            dz[j] = dz_j
    return dz, dT.sum(axis=0), dF.sum(axis=0)


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


@numba.njit(cache=True, parallel=True, fastmath=FASTMATH, error_model="numpy")
def _soft_logic_switch_softmax(s):
    """Per row (in parallel): the softmax of the scores, shifted by the row's largest score."""
    alpha = numpy.empty(s.shape, s.dtype)
    for i in numba.prange(s.shape[0]):
        m_i = -numpy.inf
        for e in range(s.shape[1]):
            m_i = max(m_i, s[i, e])
        Z_i = 0.0
        for e in range(s.shape[1]):
            s_e = s[i, e]
            w_e = numpy.exp(-m_i + s_e)
            alpha[i, e] = w_e
            Z_i += w_e
        for e in range(s.shape[1]):
            w_e = alpha[i, e]
            alpha_e = w_e/Z_i
            alpha[i, e] = alpha_e
    return alpha


@numba.njit(cache=True, parallel=True, fastmath=FASTMATH, error_model="numpy")
def _soft_logic_switch_softmax_backward(s, dalpha):
    """Per row (in parallel): the gradient of the scores from the gradient of the softmax."""
    ds = numpy.empty(s.shape)
    weights = numpy.empty(s.shape, s.dtype)  # one exp per entry, kept for both passes
    for i in numba.prange(s.shape[0]):
        m_i = -numpy.inf
        for e in range(s.shape[1]):
            m_i = max(m_i, s[i, e])
        Z_i, G_i = 0.0, 0.0
        for e in range(s.shape[1]):
            s_e = s[i, e]
            w_e = numpy.exp(-m_i + s_e)
            weights[i, e] = w_e
            Z_i += w_e
        for e in range(s.shape[1]):
            w_e, dalpha_e = weights[i, e], dalpha[i, e]
            dw_e = dalpha_e/Z_i
            dZ_e = -dalpha_e*w_e/Z_i**2
            ds[i, e] = dw_e
            G_i += dZ_e
        for e in range(s.shape[1]):
            w_e, dw_total = weights[i, e], ds[i, e] + G_i
            ds_e = dw_total*w_e
            ds[i, e] = ds_e
    return ds


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


@numba.njit(cache=True, parallel=True, fastmath=FASTMATH, error_model="numpy")
def _soft_logic_lookup_dot_softmax(s):
    """Per row (in parallel): the softmax of the scores, shifted by the row's largest score."""
    alpha = numpy.empty(s.shape, s.dtype)
    for i in numba.prange(s.shape[0]):
        m_i = -numpy.inf
        for e in range(s.shape[1]):
            m_i = max(m_i, s[i, e])
        Z_i = 0.0
        for e in range(s.shape[1]):
            s_e = s[i, e]
            w_e = numpy.exp(-m_i + s_e)
            alpha[i, e] = w_e
            Z_i += w_e
        for e in range(s.shape[1]):
            w_e = alpha[i, e]
            alpha_e = w_e/Z_i
            alpha[i, e] = alpha_e
    return alpha


@numba.njit(cache=True, parallel=True, fastmath=FASTMATH, error_model="numpy")
def _soft_logic_lookup_dot_softmax_backward(s, dalpha):
    """Per row (in parallel): the gradient of the scores from the gradient of the softmax."""
    ds = numpy.empty(s.shape)
    weights = numpy.empty(s.shape, s.dtype)  # one exp per entry, kept for both passes
    for i in numba.prange(s.shape[0]):
        m_i = -numpy.inf
        for e in range(s.shape[1]):
            m_i = max(m_i, s[i, e])
        Z_i, G_i = 0.0, 0.0
        for e in range(s.shape[1]):
            s_e = s[i, e]
            w_e = numpy.exp(-m_i + s_e)
            weights[i, e] = w_e
            Z_i += w_e
        for e in range(s.shape[1]):
            w_e, dalpha_e = weights[i, e], dalpha[i, e]
            dw_e = dalpha_e/Z_i
            dZ_e = -dalpha_e*w_e/Z_i**2
            ds[i, e] = dw_e
            G_i += dZ_e
        for e in range(s.shape[1]):
            w_e, dw_total = weights[i, e], ds[i, e] + G_i
            ds_e = dw_total*w_e
            ds[i, e] = ds_e
    return ds


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


@numba.njit(cache=True, parallel=True, fastmath=FASTMATH, error_model="numpy")
def _soft_logic_lookup_general_softmax(s):
    """Per row (in parallel): the softmax of the scores, shifted by the row's largest score."""
    alpha = numpy.empty(s.shape, s.dtype)
    for i in numba.prange(s.shape[0]):
        m_i = -numpy.inf
        for e in range(s.shape[1]):
            m_i = max(m_i, s[i, e])
        Z_i = 0.0
        for e in range(s.shape[1]):
            s_e = s[i, e]
            w_e = numpy.exp(-m_i + s_e)
            alpha[i, e] = w_e
            Z_i += w_e
        for e in range(s.shape[1]):
            w_e = alpha[i, e]
            alpha_e = w_e/Z_i
            alpha[i, e] = alpha_e
    return alpha


@numba.njit(cache=True, parallel=True, fastmath=FASTMATH, error_model="numpy")
def _soft_logic_lookup_general_softmax_backward(s, dalpha):
    """Per row (in parallel): the gradient of the scores from the gradient of the softmax."""
    ds = numpy.empty(s.shape)
    weights = numpy.empty(s.shape, s.dtype)  # one exp per entry, kept for both passes
    for i in numba.prange(s.shape[0]):
        m_i = -numpy.inf
        for e in range(s.shape[1]):
            m_i = max(m_i, s[i, e])
        Z_i, G_i = 0.0, 0.0
        for e in range(s.shape[1]):
            s_e = s[i, e]
            w_e = numpy.exp(-m_i + s_e)
            weights[i, e] = w_e
            Z_i += w_e
        for e in range(s.shape[1]):
            w_e, dalpha_e = weights[i, e], dalpha[i, e]
            dw_e = dalpha_e/Z_i
            dZ_e = -dalpha_e*w_e/Z_i**2
            ds[i, e] = dw_e
            G_i += dZ_e
        for e in range(s.shape[1]):
            w_e, dw_total = weights[i, e], ds[i, e] + G_i
            ds_e = dw_total*w_e
            ds[i, e] = ds_e
    return ds


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


@numba.njit(cache=True, parallel=True, fastmath=FASTMATH, error_model="numpy")
def _soft_logic_lookup_concat_softmax(s):
    """Per row (in parallel): the softmax of the scores, shifted by the row's largest score."""
    alpha = numpy.empty(s.shape, s.dtype)
    for i in numba.prange(s.shape[0]):
        m_i = -numpy.inf
        for e in range(s.shape[1]):
            m_i = max(m_i, s[i, e])
        Z_i = 0.0
        for e in range(s.shape[1]):
            s_e = s[i, e]
            w_e = numpy.exp(-m_i + s_e)
            alpha[i, e] = w_e
            Z_i += w_e
        for e in range(s.shape[1]):
            w_e = alpha[i, e]
            alpha_e = w_e/Z_i
            alpha[i, e] = alpha_e
    return alpha


@numba.njit(cache=True, parallel=True, fastmath=FASTMATH, error_model="numpy")
def _soft_logic_lookup_concat_softmax_backward(s, dalpha):
    """Per row (in parallel): the gradient of the scores from the gradient of the softmax."""
    ds = numpy.empty(s.shape)
    weights = numpy.empty(s.shape, s.dtype)  # one exp per entry, kept for both passes
    for i in numba.prange(s.shape[0]):
        m_i = -numpy.inf
        for e in range(s.shape[1]):
            m_i = max(m_i, s[i, e])
        Z_i, G_i = 0.0, 0.0
        for e in range(s.shape[1]):
            s_e = s[i, e]
            w_e = numpy.exp(-m_i + s_e)
            weights[i, e] = w_e
            Z_i += w_e
        for e in range(s.shape[1]):
            w_e, dalpha_e = weights[i, e], dalpha[i, e]
            dw_e = dalpha_e/Z_i
            dZ_e = -dalpha_e*w_e/Z_i**2
            ds[i, e] = dw_e
            G_i += dZ_e
        for e in range(s.shape[1]):
            w_e, dw_total = weights[i, e], ds[i, e] + G_i
            ds_e = dw_total*w_e
            ds[i, e] = ds_e
    return ds


@numba.njit(cache=True, parallel=True, fastmath=FASTMATH, error_model="numpy")
def _soft_logic_lookup_concat_scores(Wq, Wk, v_alpha_c):
    """Per query (in parallel): the score of every key, the term summed over entries r."""
    s = numpy.empty((Wq.shape[0], Wk.shape[0]), Wq.dtype)
    for i in numba.prange(Wq.shape[0]):
        for t in range(Wk.shape[0]):
            s_e = 0.0
            for r in range(v_alpha_c.size):
                Wq_r, Wk_r, v_alpha_c_r = Wq[i, r], Wk[t, r], v_alpha_c[r]
                term_r = v_alpha_c_r*numpy.tanh(Wk_r + Wq_r)
                s_e += term_r
            s[i, t] = s_e
    return s


@numba.njit(cache=True, parallel=True, fastmath=FASTMATH, error_model="numpy")
def _soft_logic_lookup_concat_term_parts(ds, Wq, Wk, v_alpha_c, parts):
    """Per part of the queries: dWq of its queries, partial sums of dWk and dv_alpha_c."""
    queries, keys, width = Wq.shape[0], Wk.shape[0], v_alpha_c.size
    dWq = numpy.zeros(Wq.shape)
    dWk, dv_alpha_c = numpy.zeros((parts, keys, width)), numpy.zeros((parts, width))
    chunk = (queries + parts - 1) // parts
    for part in numba.prange(parts):
        for i in range(part * chunk, min(queries, part * chunk + chunk)):
            for t in range(keys):
                ds_e = ds[i, t]
                for r in range(width):
                    Wq_r, Wk_r, v_alpha_c_r = Wq[i, r], Wk[t, r], v_alpha_c[r]
                    t0 = numpy.tanh(Wk_r + Wq_r)
                    t1 = ds_e*v_alpha_c_r*(numpy.float32(1) - t0**2)
                    dWq_r = t1
                    dWk_r = t1
                    dv_alpha_c_r = ds_e*t0
                    dWq[i, r] += dWq_r
                    dWk[part, t, r] += dWk_r
                    dv_alpha_c[part, r] += dv_alpha_c_r
    return dWq, dWk.sum(axis=0), dv_alpha_c.sum(axis=0)


def _soft_logic_lookup_concat_term_grads(ds, Wq, Wk, v_alpha_c):
    """The gradients of both projections and of v_alpha_c from the scores' gradient."""
    parts = max(1, min(Wq.shape[0], numba.get_num_threads()))
    return _soft_logic_lookup_concat_term_parts(ds, Wq, Wk, v_alpha_c, parts)
