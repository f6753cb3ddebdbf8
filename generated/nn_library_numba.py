# GENERATED from derive/documents/nn_library.py by `derive generate`. Do not edit.
"""Kernels for Proofs for Neural Network Library: Numba.

nn_library_linear: Linear layer: y = w x for each row x, as the matrix product x wᵀ.
nn_library_mse: Mean-squared-error layer: y = 1/2 ‖x - y*‖² for each row.
nn_library_add: Add layer: y = x + w for each row x, w shared by the rows.
nn_library_correlate: 1-D correlation x ⊙ w (y_i = Σ_j x_(i+j) w_j) of each row with the filter w.
Extension: mode 'full' is conv_full with the filter reversed, w[k + 1 - f].
nn_library_convolve: 1-D convolvion x ⊗ w of each row with the filter w.
Extension: mode 'valid' is corr_valid with the filter reversed, w[k + 1 - f].
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
    return _nn_library_mse_rows(x, y_star).astype(dtype, copy=False)


def nn_library_mse_backward(dout, x, y_star):
    """Vector-Jacobian product of nn_library_mse_forward; dout: the shape of its y.
    Returns (dx, dy_star).
    """
    sizes = {}
    x = _array("x", x, ('batch', 'n'), sizes)
    dtype = x.dtype
    y_star = _array("y_star", y_star, ('batch', 'n'), sizes, dtype)
    dout = _array("dout", dout, ("batch",), sizes, dtype)
    grads = _nn_library_mse_backward_rows(dout, x, y_star)
    return tuple(g.astype(dtype, copy=False) for g in grads)


@numba.njit(cache=True, parallel=True, fastmath=FASTMATH, error_model="numpy")
def _nn_library_mse_sums(x, y_star):
    """Per row (in parallel): the sum of its terms."""
    sums = numpy.empty(x.shape[0])
    for row in numba.prange(x.shape[0]):
        s_r = 0.0
        for c in range(x.shape[1]):
            x_c, ystar_c = x[row, c], y_star[row, c]
            term_c = (x_c - ystar_c)**2
            s_r += term_c
        sums[row] = s_r
    return sums


@numba.njit(cache=True, parallel=True, fastmath=FASTMATH, error_model="numpy")
def _nn_library_mse_rows(x, y_star):
    """Per row (in parallel): the map of its sum."""
    sums = _nn_library_mse_sums(x, y_star)
    y = numpy.empty(x.shape[0])
    for row in numba.prange(x.shape[0]):
        s_r = sums[row]
        y_r = (numpy.float32(0.5))*s_r
        y[row] = y_r
    return y


@numba.njit(cache=True, parallel=True, fastmath=FASTMATH, error_model="numpy")
def _nn_library_mse_backward_rows(dout, x, y_star):
    """Per row (in parallel): the gradient of its sum, then of every entry."""
    dx, dystar = numpy.empty(x.shape), numpy.empty(x.shape)
    for row in numba.prange(x.shape[0]):
        dout_r = dout[row]
        ds_r = (numpy.float32(0.5))*dout_r
        for c in range(x.shape[1]):
            x_c, ystar_c = x[row, c], y_star[row, c]
            t0 = numpy.float32(2)*x_c - numpy.float32(2)*ystar_c
            dx_c = ds_r*t0
            dystar_c = -ds_r*t0
            dx[row, c] = dx_c
            dystar[row, c] = dystar_c
    return dx, dystar


def nn_library_add_forward(x, w):
    """Add layer: y = x + w for each row x, w shared by the rows.
    Equations: add; 5.forward, 5.backward.gradient, 5.gradient.gradient.
    x: (batch, n); w: (n,). Returns y: (batch, n).
    """
    sizes = {}
    x = _array("x", x, ('batch', 'n'), sizes)
    dtype = x.dtype
    w = _array("w", w, ('n',), sizes, dtype)
    return _nn_library_add_rows(x, w).astype(dtype, copy=False)


def nn_library_add_backward(dout, x, w):
    """Vector-Jacobian product of nn_library_add_forward; dout: the shape of its y.
    Returns (dx, dw).
    """
    sizes = {}
    x = _array("x", x, ('batch', 'n'), sizes)
    dtype = x.dtype
    w = _array("w", w, ('n',), sizes, dtype)
    dout = _array("dout", dout, ("batch", "n"), sizes, dtype)
    parts = max(1, min(x.shape[0], numba.get_num_threads()))
    grads = _nn_library_add_backward_parts(dout, x, w, parts)
    return tuple(g.astype(dtype, copy=False) for g in grads)


@numba.njit(cache=True, parallel=True, fastmath=FASTMATH, error_model="numpy")
def _nn_library_add_rows(x, w):
    """Per row (in parallel), every entry."""
    y = numpy.empty(x.shape)
    for row in numba.prange(x.shape[0]):
        for c in range(x.shape[1]):
            x_c, w_c = x[row, c], w[c]
            y_c = w_c + x_c
            y[row, c] = y_c
    return y


@numba.njit(cache=True, parallel=True, fastmath=FASTMATH, error_model="numpy")
def _nn_library_add_backward_parts(dout, x, w, parts):
    """Per row: dx; dw as one partial sum per part of the rows, added at the end."""
    batch, n = x.shape
    dx, dw = numpy.empty((batch, n)), numpy.zeros((parts, n))
    chunk = (batch + parts - 1) // parts
    for part in numba.prange(parts):
        for row in range(part * chunk, min(batch, part * chunk + chunk)):
            for c in range(n):
                dout_c = dout[row, c]
                dx_c = dout_c
                dw_c = dout_c
                dx[row, c] = dx_c
                dw[part, c] += dw_c
    return dx, dw.sum(axis=0)


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


@numba.njit(cache=True, parallel=True, fastmath=FASTMATH, error_model="numpy")
def _nn_library_correlate_valid_forward(x, w, width):
    """Mode valid, forward: per row (in parallel), per tap, its positions."""
    batch, n, k = x.shape[0], x.shape[1], w.shape[0]
    out = numpy.zeros((batch, width))
    for row in numba.prange(batch):
        for t in range(k):
            s_lo = 0
            s_hi = -k + n
            for s in range(s_lo, s_hi + 1):
                j_w = t
                j_x = s + t
                x_i = x[row, j_x]
                w_i = w[j_w]
                y_term = w_i*x_i
                out[row, s] += y_term
    return out


@numba.njit(cache=True, parallel=True, fastmath=FASTMATH, error_model="numpy")
def _nn_library_correlate_valid_dx(dout, x, w):
    """Mode valid, dx: per row (in parallel), per tap, its positions."""
    batch, n, k = x.shape[0], x.shape[1], w.shape[0]
    out = numpy.zeros((batch, n))
    for row in numba.prange(batch):
        for t in range(k):
            s_lo = t
            s_hi = min(n - 1, -k + n + t)
            for s in range(s_lo, s_hi + 1):
                j_dout = s - t
                j_w = t
                dout_i = dout[row, j_dout]
                w_i = w[j_w]
                dx_term = dout_i*w_i
                out[row, s] += dx_term
    return out


@numba.njit(cache=True, parallel=True, fastmath=FASTMATH, error_model="numpy")
def _nn_library_correlate_valid_dw_parts(dout, x, w, parts):
    """Mode valid, dw: per part of the rows (in parallel), its partial sum per tap."""
    batch, n, k = x.shape[0], x.shape[1], w.shape[0]
    out = numpy.zeros((parts, k))
    chunk = (batch + parts - 1) // parts
    for part in numba.prange(parts):
        for row in range(part * chunk, min(batch, part * chunk + chunk)):
            for t in range(k):
                s_lo = 0
                s_hi = -k + n
                for s in range(s_lo, s_hi + 1):
                    j_dout = s
                    j_x = s + t
                    x_i = x[row, j_x]
                    dout_i = dout[row, j_dout]
                    dw_term = dout_i*x_i
                    out[part, t] += dw_term
    return out.sum(axis=0)


def _nn_library_correlate_valid_dw(dout, x, w):
    parts = max(1, min(x.shape[0], numba.get_num_threads()))
    return _nn_library_correlate_valid_dw_parts(dout, x, w, parts)


@numba.njit(cache=True, parallel=True, fastmath=FASTMATH, error_model="numpy")
def _nn_library_correlate_full_forward(x, w, width):
    """Mode full, forward: per row (in parallel), per tap, its positions."""
    batch, n, k = x.shape[0], x.shape[1], w.shape[0]
    out = numpy.zeros((batch, width))
    for row in numba.prange(batch):
        for t in range(k):
            s_lo = t
            s_hi = min(k + n - 2, n + t - 1)
            for s in range(s_lo, s_hi + 1):
                j_w = k - t - 1
                j_x = s - t
                x_i = x[row, j_x]
                w_i = w[j_w]
                y_term = w_i*x_i
                out[row, s] += y_term
    return out


@numba.njit(cache=True, parallel=True, fastmath=FASTMATH, error_model="numpy")
def _nn_library_correlate_full_dx(dout, x, w):
    """Mode full, dx: per row (in parallel), per tap, its positions."""
    batch, n, k = x.shape[0], x.shape[1], w.shape[0]
    out = numpy.zeros((batch, n))
    for row in numba.prange(batch):
        for t in range(k):
            s_lo = 0
            s_hi = n - 1
            for s in range(s_lo, s_hi + 1):
                j_dout = s + t
                j_w = k - t - 1
                dout_i = dout[row, j_dout]
                w_i = w[j_w]
                dx_term = dout_i*w_i
                out[row, s] += dx_term
    return out


@numba.njit(cache=True, parallel=True, fastmath=FASTMATH, error_model="numpy")
def _nn_library_correlate_full_dw_parts(dout, x, w, parts):
    """Mode full, dw: per part of the rows (in parallel), its partial sum per tap."""
    batch, n, k = x.shape[0], x.shape[1], w.shape[0]
    out = numpy.zeros((parts, k))
    chunk = (batch + parts - 1) // parts
    for part in numba.prange(parts):
        for row in range(part * chunk, min(batch, part * chunk + chunk)):
            for t in range(k):
                s_lo = 0
                s_hi = n - 1
                for s in range(s_lo, s_hi + 1):
                    j_dout = k + s - t - 1
                    j_x = s
                    x_i = x[row, j_x]
                    dout_i = dout[row, j_dout]
                    dw_term = dout_i*x_i
                    out[part, t] += dw_term
    return out.sum(axis=0)


def _nn_library_correlate_full_dw(dout, x, w):
    parts = max(1, min(x.shape[0], numba.get_num_threads()))
    return _nn_library_correlate_full_dw_parts(dout, x, w, parts)


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


@numba.njit(cache=True, parallel=True, fastmath=FASTMATH, error_model="numpy")
def _nn_library_convolve_valid_forward(x, w, width):
    """Mode valid, forward: per row (in parallel), per tap, its positions."""
    batch, n, k = x.shape[0], x.shape[1], w.shape[0]
    out = numpy.zeros((batch, width))
    for row in numba.prange(batch):
        for t in range(k):
            s_lo = 0
            s_hi = -k + n
            for s in range(s_lo, s_hi + 1):
                j_w = k - t - 1
                j_x = s + t
                x_i = x[row, j_x]
                w_i = w[j_w]
                y_term = w_i*x_i
                out[row, s] += y_term
    return out


@numba.njit(cache=True, parallel=True, fastmath=FASTMATH, error_model="numpy")
def _nn_library_convolve_valid_dx(dout, x, w):
    """Mode valid, dx: per row (in parallel), per tap, its positions."""
    batch, n, k = x.shape[0], x.shape[1], w.shape[0]
    out = numpy.zeros((batch, n))
    for row in numba.prange(batch):
        for t in range(k):
            s_lo = t
            s_hi = min(n - 1, -k + n + t)
            for s in range(s_lo, s_hi + 1):
                j_dout = s - t
                j_w = k - t - 1
                dout_i = dout[row, j_dout]
                w_i = w[j_w]
                dx_term = dout_i*w_i
                out[row, s] += dx_term
    return out


@numba.njit(cache=True, parallel=True, fastmath=FASTMATH, error_model="numpy")
def _nn_library_convolve_valid_dw_parts(dout, x, w, parts):
    """Mode valid, dw: per part of the rows (in parallel), its partial sum per tap."""
    batch, n, k = x.shape[0], x.shape[1], w.shape[0]
    out = numpy.zeros((parts, k))
    chunk = (batch + parts - 1) // parts
    for part in numba.prange(parts):
        for row in range(part * chunk, min(batch, part * chunk + chunk)):
            for t in range(k):
                s_lo = 0
                s_hi = -k + n
                for s in range(s_lo, s_hi + 1):
                    j_dout = s
                    j_x = k + s - t - 1
                    x_i = x[row, j_x]
                    dout_i = dout[row, j_dout]
                    dw_term = dout_i*x_i
                    out[part, t] += dw_term
    return out.sum(axis=0)


def _nn_library_convolve_valid_dw(dout, x, w):
    parts = max(1, min(x.shape[0], numba.get_num_threads()))
    return _nn_library_convolve_valid_dw_parts(dout, x, w, parts)


@numba.njit(cache=True, parallel=True, fastmath=FASTMATH, error_model="numpy")
def _nn_library_convolve_full_forward(x, w, width):
    """Mode full, forward: per row (in parallel), per tap, its positions."""
    batch, n, k = x.shape[0], x.shape[1], w.shape[0]
    out = numpy.zeros((batch, width))
    for row in numba.prange(batch):
        for t in range(k):
            s_lo = t
            s_hi = min(k + n - 2, n + t - 1)
            for s in range(s_lo, s_hi + 1):
                j_w = t
                j_x = s - t
                x_i = x[row, j_x]
                w_i = w[j_w]
                y_term = w_i*x_i
                out[row, s] += y_term
    return out


@numba.njit(cache=True, parallel=True, fastmath=FASTMATH, error_model="numpy")
def _nn_library_convolve_full_dx(dout, x, w):
    """Mode full, dx: per row (in parallel), per tap, its positions."""
    batch, n, k = x.shape[0], x.shape[1], w.shape[0]
    out = numpy.zeros((batch, n))
    for row in numba.prange(batch):
        for t in range(k):
            s_lo = 0
            s_hi = n - 1
            for s in range(s_lo, s_hi + 1):
                j_dout = s + t
                j_w = t
                dout_i = dout[row, j_dout]
                w_i = w[j_w]
                dx_term = dout_i*w_i
                out[row, s] += dx_term
    return out


@numba.njit(cache=True, parallel=True, fastmath=FASTMATH, error_model="numpy")
def _nn_library_convolve_full_dw_parts(dout, x, w, parts):
    """Mode full, dw: per part of the rows (in parallel), its partial sum per tap."""
    batch, n, k = x.shape[0], x.shape[1], w.shape[0]
    out = numpy.zeros((parts, k))
    chunk = (batch + parts - 1) // parts
    for part in numba.prange(parts):
        for row in range(part * chunk, min(batch, part * chunk + chunk)):
            for t in range(k):
                s_lo = 0
                s_hi = n - 1
                for s in range(s_lo, s_hi + 1):
                    j_dout = s + t
                    j_x = s
                    x_i = x[row, j_x]
                    dout_i = dout[row, j_dout]
                    dw_term = dout_i*x_i
                    out[part, t] += dw_term
    return out.sum(axis=0)


def _nn_library_convolve_full_dw(dout, x, w):
    parts = max(1, min(x.shape[0], numba.get_num_threads()))
    return _nn_library_convolve_full_dw_parts(dout, x, w, parts)
