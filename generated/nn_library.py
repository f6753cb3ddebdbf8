# GENERATED from derive/documents/nn_library.py by `derive generate`. Do not edit.
"""Kernels for Proofs for Neural Network Library: NumPy.

nn_library_linear: Linear layer: y = w x for each row x, as the matrix product x wᵀ.
nn_library_mse: Mean-squared-error layer: y = 1/2 ‖x - y*‖² for each row.
nn_library_add: Add layer: y = x + w for each row x, w shared by the rows.
nn_library_correlate: 1-D correlation x ⊙ w (y_i = Σ_j x_(i+j) w_j) of each row with the filter w.
Extension: mode 'full' is conv_full with the filter reversed, w[k + 1 - f].
nn_library_convolve: 1-D convolvion x ⊗ w of each row with the filter w.
Extension: mode 'valid' is corr_valid with the filter reversed, w[k + 1 - f].
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


def nn_library_linear_forward(x, w):
    """Linear layer: y = w x for each row x, as the matrix product x wᵀ.
    Equations: linear; 4.forward, 4.backward.dx, 4.gradient.gradient.
    x: (batch, n); w: (m, n). Returns y: (batch, m).
    """
    sizes = {}
    x = _array("x", x, ('batch', 'n'), sizes)
    dtype = x.dtype
    w = _array("w", w, ('m', 'n'), sizes, dtype)
    return (x @ w.T).astype(dtype, copy=False)


def nn_library_linear_backward(dout, x, w):
    """Vector-Jacobian product of nn_library_linear_forward; dout: the shape of its y.
    Returns (dx, dw).
    """
    sizes = {}
    x = _array("x", x, ('batch', 'n'), sizes)
    dtype = x.dtype
    w = _array("w", w, ('m', 'n'), sizes, dtype)
    dout = _array("dout", dout, ("batch", "m"), sizes, dtype)
    grads = dout @ w, dout.T @ x
    return tuple(g.astype(dtype, copy=False) for g in grads)


def nn_library_mse_forward(x, y_star):
    """Mean-squared-error layer: y = 1/2 ‖x - y*‖² for each row.
    Equations: mse; 3.forward, 3.dx-general.
    x, y_star: (batch, n). Returns y: (batch,).
    """
    sizes = {}
    x = _array("x", x, ('batch', 'n'), sizes)
    dtype = x.dtype
    y_star = _array("y_star", y_star, ('batch', 'n'), sizes, dtype)
    s_r = _nn_library_mse_sums(x, y_star)
    y_r = (1/2)*s_r
    return numpy.broadcast_to(y_r, s_r.shape).astype(dtype)


def nn_library_mse_backward(dout, x, y_star):
    """Vector-Jacobian product of nn_library_mse_forward; dout: the shape of its y.
    Returns (dx, dy_star).
    """
    sizes = {}
    x = _array("x", x, ('batch', 'n'), sizes)
    dtype = x.dtype
    y_star = _array("y_star", y_star, ('batch', 'n'), sizes, dtype)
    dout = _array("dout", dout, ("batch",), sizes, dtype)
    dout_r = dout
    ds_r = (1/2)*dout_r
    x_c, ystar_c, ds_r = x, y_star, numpy.broadcast_to(ds_r, dout.shape)[:, None]
    t0 = 2*x_c - 2*ystar_c
    dx_c = ds_r*t0
    dystar_c = -ds_r*t0
    grads = numpy.broadcast_to(dx_c, x.shape), numpy.broadcast_to(dystar_c, x.shape)
    return tuple(g.astype(dtype, copy=False) for g in grads)


def _nn_library_mse_sums(x, y_star):
    """The sum of each row's terms."""
    x_c, ystar_c = x, y_star
    term_c = (x_c - ystar_c)**2
    return numpy.broadcast_to(term_c, x.shape).sum(axis=1)


def nn_library_add_forward(x, w):
    """Add layer: y = x + w for each row x, w shared by the rows.
    Equations: add; 5.forward, 5.backward.gradient, 5.gradient.gradient.
    x: (batch, n); w: (n,). Returns y: (batch, n).
    """
    sizes = {}
    x = _array("x", x, ('batch', 'n'), sizes)
    dtype = x.dtype
    w = _array("w", w, ('n',), sizes, dtype)
    x_c, w_c = x, w[None]
    y_c = w_c + x_c
    return numpy.broadcast_to(y_c, x.shape).astype(dtype)


def nn_library_add_backward(dout, x, w):
    """Vector-Jacobian product of nn_library_add_forward; dout: the shape of its y.
    Returns (dx, dw).
    """
    sizes = {}
    x = _array("x", x, ('batch', 'n'), sizes)
    dtype = x.dtype
    w = _array("w", w, ('n',), sizes, dtype)
    dout = _array("dout", dout, ("batch", "n"), sizes, dtype)
    dout_c = dout
    dx_c = dout_c
    dw_c = dout_c
    grads = numpy.broadcast_to(dx_c, x.shape), numpy.broadcast_to(dw_c, x.shape).sum(axis=0)
    return tuple(g.astype(dtype, copy=False) for g in grads)


def _nn_library_correlate_inputs(x, w, mode):
    """The arrays validated, their dtype, and the output width of `mode`."""
    sizes = {}
    x = _array("x", x, ('batch', 'n'), sizes)
    dtype = x.dtype
    w = _array("w", w, ('k',), sizes, dtype)
    n, k = sizes["n"], sizes["k"]
    if k < 1:
        raise ValueError(f"w: expected shape (k,) with k ≥ 1, got {w.shape}")
    if mode == "valid":
        width = -k + n + 1
        n_min = k
    elif mode == "full":
        width = k + n - 1
        n_min = 1
    else:
        raise ValueError(f"mode: expected 'valid' or 'full', got {mode!r}")
    if n < n_min:
        expected = f"(batch, n) with n ≥ {n_min} for mode {mode!r}"
        raise ValueError(f"x: expected shape {expected}, got {x.shape}")
    return x, w, dtype, width


def nn_library_correlate_forward(x, w, mode="valid"):
    """1-D correlation x ⊙ w (y_i = Σ_j x_(i+j) w_j) of each row with the filter w.
    Equations: corr_valid, conv_full; 7f.forward, 7f.backward.dx, 7f.backward.dw.
    x: (batch, n); w: (k,), k ≥ 1. Returns y: (batch, n - k + 1) for mode 'valid' (n ≥ k),
    (batch, n + k - 1) for mode 'full' (n ≥ 1, x zero-padded).
    """
    x, w, dtype, width = _nn_library_correlate_inputs(x, w, mode)
    if mode == "valid":
        y = _nn_library_correlate_valid_forward(x, w, width)
    else:
        y = _nn_library_correlate_full_forward(x, w, width)
    return y.astype(dtype, copy=False)


def nn_library_correlate_backward(dout, x, w, mode="valid"):
    """Vector-Jacobian product of nn_library_correlate_forward; dout: the shape of its y.
    Returns (dx, dw).
    """
    x, w, dtype, width = _nn_library_correlate_inputs(x, w, mode)
    dout = _array("dout", dout, ("batch", "width"), {"batch": x.shape[0], "width": width}, dtype)
    if mode == "valid":
        dx = _nn_library_correlate_valid_dx(dout, x, w)
        dw = _nn_library_correlate_valid_dw(dout, x, w)
    else:
        dx = _nn_library_correlate_full_dx(dout, x, w)
        dw = _nn_library_correlate_full_dw(dout, x, w)
    return dx.astype(dtype, copy=False), dw.astype(dtype, copy=False)


def _nn_library_correlate_valid_forward(x, w, width):
    """Mode valid, forward: per tap, its positions' slab of every row at once."""
    batch, n, k = x.shape[0], x.shape[1], w.shape[0]
    out = numpy.zeros((batch, width))
    for t in range(k):
        s_lo = 0
        s_hi = -k + n
        if s_hi < s_lo:
            continue
        s, count = s_lo, s_hi - s_lo + 1
        j_w = t
        j_x = s + t
        x_i = x[:, j_x : j_x + count]
        w_i = w[j_w]
        y_term = w_i*x_i
        out[:, s_lo : s_hi + 1] += y_term
    return out


def _nn_library_correlate_valid_dx(dout, x, w):
    """Mode valid, dx: per tap, its positions' slab of every row at once."""
    batch, n, k = x.shape[0], x.shape[1], w.shape[0]
    out = numpy.zeros((batch, n))
    for t in range(k):
        s_lo = t
        s_hi = numpy.minimum(n - 1, -k + n + t)
        if s_hi < s_lo:
            continue
        s, count = s_lo, s_hi - s_lo + 1
        j_dout = s - t
        j_w = t
        dout_i = dout[:, j_dout : j_dout + count]
        w_i = w[j_w]
        dx_term = dout_i*w_i
        out[:, s_lo : s_hi + 1] += dx_term
    return out


def _nn_library_correlate_valid_dw(dout, x, w):
    """Mode valid, dw: per tap, its positions' slab of every row at once."""
    batch, n, k = x.shape[0], x.shape[1], w.shape[0]
    out = numpy.zeros(k)
    for t in range(k):
        s_lo = 0
        s_hi = -k + n
        if s_hi < s_lo:
            continue
        s, count = s_lo, s_hi - s_lo + 1
        j_dout = s
        j_x = s + t
        x_i = x[:, j_x : j_x + count]
        dout_i = dout[:, j_dout : j_dout + count]
        dw_term = dout_i*x_i
        out[t] = numpy.broadcast_to(dw_term, (batch, count)).sum()
    return out


def _nn_library_correlate_full_forward(x, w, width):
    """Mode full, forward: per tap, its positions' slab of every row at once."""
    batch, n, k = x.shape[0], x.shape[1], w.shape[0]
    out = numpy.zeros((batch, width))
    for t in range(k):
        s_lo = t
        s_hi = numpy.minimum(k + n - 2, n + t - 1)
        if s_hi < s_lo:
            continue
        s, count = s_lo, s_hi - s_lo + 1
        j_w = k - t - 1
        j_x = s - t
        x_i = x[:, j_x : j_x + count]
        w_i = w[j_w]
        y_term = w_i*x_i
        out[:, s_lo : s_hi + 1] += y_term
    return out


def _nn_library_correlate_full_dx(dout, x, w):
    """Mode full, dx: per tap, its positions' slab of every row at once."""
    batch, n, k = x.shape[0], x.shape[1], w.shape[0]
    out = numpy.zeros((batch, n))
    for t in range(k):
        s_lo = 0
        s_hi = n - 1
        if s_hi < s_lo:
            continue
        s, count = s_lo, s_hi - s_lo + 1
        j_dout = s + t
        j_w = k - t - 1
        dout_i = dout[:, j_dout : j_dout + count]
        w_i = w[j_w]
        dx_term = dout_i*w_i
        out[:, s_lo : s_hi + 1] += dx_term
    return out


def _nn_library_correlate_full_dw(dout, x, w):
    """Mode full, dw: per tap, its positions' slab of every row at once."""
    batch, n, k = x.shape[0], x.shape[1], w.shape[0]
    out = numpy.zeros(k)
    for t in range(k):
        s_lo = 0
        s_hi = n - 1
        if s_hi < s_lo:
            continue
        s, count = s_lo, s_hi - s_lo + 1
        j_dout = k + s - t - 1
        j_x = s
        x_i = x[:, j_x : j_x + count]
        dout_i = dout[:, j_dout : j_dout + count]
        dw_term = dout_i*x_i
        out[t] = numpy.broadcast_to(dw_term, (batch, count)).sum()
    return out


def _nn_library_convolve_inputs(x, w, mode):
    """The arrays validated, their dtype, and the output width of `mode`."""
    sizes = {}
    x = _array("x", x, ('batch', 'n'), sizes)
    dtype = x.dtype
    w = _array("w", w, ('k',), sizes, dtype)
    n, k = sizes["n"], sizes["k"]
    if k < 1:
        raise ValueError(f"w: expected shape (k,) with k ≥ 1, got {w.shape}")
    if mode == "valid":
        width = -k + n + 1
        n_min = k
    elif mode == "full":
        width = k + n - 1
        n_min = 1
    else:
        raise ValueError(f"mode: expected 'valid' or 'full', got {mode!r}")
    if n < n_min:
        expected = f"(batch, n) with n ≥ {n_min} for mode {mode!r}"
        raise ValueError(f"x: expected shape {expected}, got {x.shape}")
    return x, w, dtype, width


def nn_library_convolve_forward(x, w, mode="valid"):
    """1-D convolvion x ⊗ w of each row with the filter w.
    Equations: corr_valid, conv_full; 7f.forward, 7f.backward.dx, 7f.backward.dw.
    x: (batch, n); w: (k,), k ≥ 1. Returns y: (batch, n - k + 1) for mode 'valid' (n ≥ k),
    (batch, n + k - 1) for mode 'full' (n ≥ 1, x zero-padded).
    """
    x, w, dtype, width = _nn_library_convolve_inputs(x, w, mode)
    if mode == "valid":
        y = _nn_library_convolve_valid_forward(x, w, width)
    else:
        y = _nn_library_convolve_full_forward(x, w, width)
    return y.astype(dtype, copy=False)


def nn_library_convolve_backward(dout, x, w, mode="valid"):
    """Vector-Jacobian product of nn_library_convolve_forward; dout: the shape of its y.
    Returns (dx, dw).
    """
    x, w, dtype, width = _nn_library_convolve_inputs(x, w, mode)
    dout = _array("dout", dout, ("batch", "width"), {"batch": x.shape[0], "width": width}, dtype)
    if mode == "valid":
        dx = _nn_library_convolve_valid_dx(dout, x, w)
        dw = _nn_library_convolve_valid_dw(dout, x, w)
    else:
        dx = _nn_library_convolve_full_dx(dout, x, w)
        dw = _nn_library_convolve_full_dw(dout, x, w)
    return dx.astype(dtype, copy=False), dw.astype(dtype, copy=False)


def _nn_library_convolve_valid_forward(x, w, width):
    """Mode valid, forward: per tap, its positions' slab of every row at once."""
    batch, n, k = x.shape[0], x.shape[1], w.shape[0]
    out = numpy.zeros((batch, width))
    for t in range(k):
        s_lo = 0
        s_hi = -k + n
        if s_hi < s_lo:
            continue
        s, count = s_lo, s_hi - s_lo + 1
        j_w = k - t - 1
        j_x = s + t
        x_i = x[:, j_x : j_x + count]
        w_i = w[j_w]
        y_term = w_i*x_i
        out[:, s_lo : s_hi + 1] += y_term
    return out


def _nn_library_convolve_valid_dx(dout, x, w):
    """Mode valid, dx: per tap, its positions' slab of every row at once."""
    batch, n, k = x.shape[0], x.shape[1], w.shape[0]
    out = numpy.zeros((batch, n))
    for t in range(k):
        s_lo = t
        s_hi = numpy.minimum(n - 1, -k + n + t)
        if s_hi < s_lo:
            continue
        s, count = s_lo, s_hi - s_lo + 1
        j_dout = s - t
        j_w = k - t - 1
        dout_i = dout[:, j_dout : j_dout + count]
        w_i = w[j_w]
        dx_term = dout_i*w_i
        out[:, s_lo : s_hi + 1] += dx_term
    return out


def _nn_library_convolve_valid_dw(dout, x, w):
    """Mode valid, dw: per tap, its positions' slab of every row at once."""
    batch, n, k = x.shape[0], x.shape[1], w.shape[0]
    out = numpy.zeros(k)
    for t in range(k):
        s_lo = 0
        s_hi = -k + n
        if s_hi < s_lo:
            continue
        s, count = s_lo, s_hi - s_lo + 1
        j_dout = s
        j_x = k + s - t - 1
        x_i = x[:, j_x : j_x + count]
        dout_i = dout[:, j_dout : j_dout + count]
        dw_term = dout_i*x_i
        out[t] = numpy.broadcast_to(dw_term, (batch, count)).sum()
    return out


def _nn_library_convolve_full_forward(x, w, width):
    """Mode full, forward: per tap, its positions' slab of every row at once."""
    batch, n, k = x.shape[0], x.shape[1], w.shape[0]
    out = numpy.zeros((batch, width))
    for t in range(k):
        s_lo = t
        s_hi = numpy.minimum(k + n - 2, n + t - 1)
        if s_hi < s_lo:
            continue
        s, count = s_lo, s_hi - s_lo + 1
        j_w = t
        j_x = s - t
        x_i = x[:, j_x : j_x + count]
        w_i = w[j_w]
        y_term = w_i*x_i
        out[:, s_lo : s_hi + 1] += y_term
    return out


def _nn_library_convolve_full_dx(dout, x, w):
    """Mode full, dx: per tap, its positions' slab of every row at once."""
    batch, n, k = x.shape[0], x.shape[1], w.shape[0]
    out = numpy.zeros((batch, n))
    for t in range(k):
        s_lo = 0
        s_hi = n - 1
        if s_hi < s_lo:
            continue
        s, count = s_lo, s_hi - s_lo + 1
        j_dout = s + t
        j_w = t
        dout_i = dout[:, j_dout : j_dout + count]
        w_i = w[j_w]
        dx_term = dout_i*w_i
        out[:, s_lo : s_hi + 1] += dx_term
    return out


def _nn_library_convolve_full_dw(dout, x, w):
    """Mode full, dw: per tap, its positions' slab of every row at once."""
    batch, n, k = x.shape[0], x.shape[1], w.shape[0]
    out = numpy.zeros(k)
    for t in range(k):
        s_lo = 0
        s_hi = n - 1
        if s_hi < s_lo:
            continue
        s, count = s_lo, s_hi - s_lo + 1
        j_dout = s + t
        j_x = s
        x_i = x[:, j_x : j_x + count]
        dout_i = dout[:, j_dout : j_dout + count]
        dw_term = dout_i*x_i
        out[t] = numpy.broadcast_to(dw_term, (batch, count)).sum()
    return out
