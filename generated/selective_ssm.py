# GENERATED from derive/documents/selective_ssm.py by `derive generate`. Do not edit.
"""Kernels for Product of As Expanded (Mamba selective SSM): NumPy.

selective_ssm: Selective scan with the interface of mamba_ssm's selective_scan_ref.
Extension: D and z: out = (y + D*u)*silu(z), from mamba_ssm (not in the note).
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


def _at(grouped, t, dim):
    """Step t of a grouped B or C, one row per channel that broadcasts: (batch or 1, dim or 1,
    N); a group shared by several (but not all) channels is repeated for them."""
    step = grouped[:, :, :, min(t, grouped.shape[3] - 1)]
    groups = grouped.shape[1]
    return step if groups in (1, dim) else numpy.repeat(step, dim // groups, axis=1)


def _accumulate(total, grad_n, t):
    """Add a step's gradient (batch, dim, N) of B or C to its grouped total, summed over the
    channels of each group, and over batch and steps where B or C is shared by them."""
    batch, dim, N = grad_n.shape
    groups = total.shape[1]
    if groups != dim:
        grad_n = grad_n.reshape(batch, groups, dim // max(groups, 1), N).sum(axis=2)
    if total.shape[0] != batch:
        grad_n = grad_n.sum(axis=0, keepdims=True)
    total[:, :, :, min(t, total.shape[3] - 1)] += grad_n


def _selective_ssm_delta(delta, bias_d, t, delta_softplus):
    delta_t = delta[:, :, t, None]
    if delta_softplus:
        a_t = -abs(bias_d + delta_t)
        w_t = numpy.exp(a_t)
        p0 = (
            _masked(((bias_d + delta_t) > 20, (bias_d + delta_t) > 0,), (lambda bias_d, delta_t,
            w_t: bias_d + delta_t, lambda bias_d, delta_t, w_t: bias_d + delta_t +
            numpy.log1p(w_t), lambda bias_d, delta_t, w_t: numpy.log1p(w_t)), bias_d, delta_t,
            w_t)
        )
        Delta = p0
    else:
        Delta = bias_d + delta_t
    return Delta


def _selective_ssm_decay(A_n, Delta):
    z_n = A_n*Delta
    decay_n = numpy.exp(z_n)
    return decay_n


def _selective_ssm_step(u, A_n, B, Delta, h_prev, t):
    u_t = u[:, :, t, None]
    B_n = _at(B, t, u.shape[1])
    decay_n = _selective_ssm_decay(A_n, Delta)
    h_new = B_n*Delta*u_t + decay_n*h_prev
    return h_new


def _selective_ssm_forward(u, delta, A, B, C, D, z, bias, delta_softplus):
    batch, dim, L = u.shape
    A_n, bias_d, D_d = A[None], bias[None, :, None], D[None, :, None]
    h_prev = numpy.zeros((batch, dim, A.shape[1]), u.dtype)
    out = numpy.empty_like(u)
    for t in range(L):
        Delta = _selective_ssm_delta(delta, bias_d, t, delta_softplus)
        h_new = _selective_ssm_step(u, A_n, B, Delta, h_prev, t)
        C_n = _at(C, t, dim)
        y_n = C_n*h_new
        y = y_n.sum(axis=-1, keepdims=True)
        u_t = u[:, :, t, None]
        if z is None:
            out_t = D_d*u_t + y
        else:
            z_t = z[:, :, t, None]
            a_z = -abs(z_t)
            g_t = numpy.exp(a_z)
            p0 = (
                _masked((z_t >= 0,), (lambda g_t, z_t: 1/(g_t + 1), lambda g_t, z_t: g_t/(g_t +
                1)), g_t, z_t)
            )
            out_t = p0*z_t*(D_d*u_t + y)
        out[:, :, t] = out_t[..., 0]
        h_prev = h_new
    return out, h_prev


def _selective_ssm_checkpoints(u, delta, A, B, bias, delta_softplus, chunk):
    """The state before every chunk of `chunk` steps."""
    batch, dim, L = u.shape
    A_n, bias_d = A[None], bias[None, :, None]
    h_prev = numpy.zeros((batch, dim, A.shape[1]), numpy.float64)
    checkpoints = numpy.empty((len(range(0, L, chunk)), batch, dim, A.shape[1]))
    for t in range(L):
        if t % chunk == 0:
            checkpoints[t // chunk] = h_prev
        Delta = _selective_ssm_delta(delta, bias_d, t, delta_softplus)
        h_prev = _selective_ssm_step(u, A_n, B, Delta, h_prev, t)
    return checkpoints


def _selective_ssm_backward(seeds, u, delta, A, B, C, D, z, bias, delta_softplus, chunk):
    (dout, dlast_state), (batch, dim, L) = seeds, u.shape
    A_n, bias_d, D_d = A[None], bias[None, :, None], D[None, :, None]
    checkpoints = _selective_ssm_checkpoints(u, delta, A, B, bias, delta_softplus, chunk)
    du, ddelta, dz = numpy.zeros(u.shape), numpy.zeros(u.shape), numpy.zeros(u.shape)
    dB, dC = numpy.zeros(B.shape), numpy.zeros(C.shape)
    dA, dD, dbias = numpy.zeros(A.shape), numpy.zeros(dim), numpy.zeros(dim)
    dh_next = dlast_state.astype(numpy.float64)
    for c in range(len(checkpoints) - 1, -1, -1):
        start, stop = c * chunk, min(c * chunk + chunk, L)
        states = [checkpoints[c]]
        for t in range(start, stop):
            Delta = _selective_ssm_delta(delta, bias_d, t, delta_softplus)
            states.append(_selective_ssm_step(u, A_n, B, Delta, states[-1], t))
        for t in range(stop - 1, start - 1, -1):
            h_prev, h_new = states[t - start], states[t - start + 1]
            Delta = _selective_ssm_delta(delta, bias_d, t, delta_softplus)
            delta_t, u_t = delta[:, :, t, None], u[:, :, t, None]
            B_n, C_n = _at(B, t, dim), _at(C, t, dim)
            y_n = C_n*h_new
            y = y_n.sum(axis=-1, keepdims=True)
            dout_t = dout[:, :, t, None]
            if z is None:
                g_y = dout_t
                dD_t = dout_t*u_t
                du_t = D_d*dout_t
            else:
                z_t = z[:, :, t, None]
                a_z = -abs(z_t)
                g_t = numpy.exp(a_z)
                p0 = (
                    _masked((z_t >= 0,), (lambda g_t, z_t: 1/(g_t + 1), lambda g_t, z_t: g_t/(g_t
                    + 1)), g_t, z_t)
                )
                t0 = dout_t*p0
                t1 = t0*z_t
                g_y = t1
                dD_t = t1*u_t
                du_t = D_d*t1
                dz_t = t0*(D_d*u_t + y)*(z_t*(1 - p0) + 1)
                dz[:, :, t] = dz_t[..., 0]
            dh = C_n*g_y + dh_next
            decay_n = _selective_ssm_decay(A_n, Delta)
            ddecay_dA_n = Delta*decay_n
            ddecay_dDelta_n = A_n*decay_n
            t0 = B_n*dh
            dh_prev = decay_n*dh
            dDelta_n = ddecay_dDelta_n*dh*h_prev + t0*u_t
            du_n = Delta*t0
            dA_n = ddecay_dA_n*dh*h_prev
            dB_n = Delta*dh*u_t
            dC_n = g_y*h_new
            dh_next = dh_prev
            dDelta = dDelta_n.sum(axis=-1, keepdims=True)
            if delta_softplus:
                a_t = -abs(bias_d + delta_t)
                w_t = numpy.exp(a_t)
                p0 = (
                    _masked(((bias_d + delta_t) >= 0,), (lambda bias_d, delta_t, w_t: 1/(w_t + 1),
                    lambda bias_d, delta_t, w_t: w_t/(w_t + 1)), bias_d, delta_t, w_t)
                )
                t0 = dDelta*p0
                ddelta_t = t0
                dbias_t = t0
            else:
                ddelta_t = dDelta
                dbias_t = dDelta
            du[:, :, t] = (du_t + du_n.sum(axis=-1, keepdims=True))[..., 0]
            ddelta[:, :, t] = ddelta_t[..., 0]
            dA += dA_n.sum(axis=0)
            _accumulate(dB, numpy.broadcast_to(dB_n, (batch, dim, A.shape[1])), t)
            _accumulate(dC, numpy.broadcast_to(dC_n, (batch, dim, A.shape[1])), t)
            dD += numpy.broadcast_to(dD_t, (batch, dim, 1)).sum(axis=(0, 2))
            dbias += numpy.broadcast_to(dbias_t, (batch, dim, 1)).sum(axis=(0, 2))
    return du, ddelta, dA, dB, dC, dD, dz, dbias


def _layout(name, value, layouts, sizes, dtype):
    """`value` in the one of `layouts` with as many axes; its group count G is its own (B's
    and C's may differ) and must divide dim."""
    axes = next((a for a in layouts if len(a) == numpy.ndim(value)), None)
    if axes is None:
        expected = " or ".join("(" + ", ".join(a) + ")" for a in layouts)
        raise ValueError(f"{name}: expected shape {expected}, got shape {numpy.shape(value)}")
    own = {axis: size for axis, size in sizes.items() if axis != "G"}
    array = _array(name, value, axes, own, dtype)
    groups = own.pop("G", None)
    sizes.update(own)
    if groups is not None and (groups < 1 or sizes["dim"] % groups):
        raise ValueError(f"{name}: expected G dividing dim = {sizes['dim']}, got G = {groups}")
    return array


def _grouped(array):
    """B or C as a view (batch or 1, G, N, L or 1): (dim, N) is one group per channel, the
    same at every step; (batch, N, L) is one group for all channels."""
    if array.ndim == 2:
        return array[None, :, :, None]
    return array[:, None] if array.ndim == 3 else array


def selective_ssm_forward(
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
    """Selective scan with the interface of mamba_ssm's selective_scan_ref.
    Equations: Context: Δ, Ā, B̄, h, C̄, y. u, delta, z: (batch, dim, L); A: (dim, N);
    B, C: each (dim, N), (batch, N, L), or (batch, G, N, L) with G dividing dim (channel d
    reads group d // (dim // G)); D, delta_bias: (dim,). Returns out, (batch, dim, L), in
    u's dtype; with return_last_state, (out, last_state), the state after the last step
    (batch, dim, N).
    """
    sizes = {}
    u = _array("u", u, ('batch', 'dim', 'L'), sizes)
    dtype = u.dtype
    delta = _array("delta", delta, ('batch', 'dim', 'L'), sizes, dtype)
    A = _array("A", A, ('dim', 'N'), sizes, dtype)
    B = _layout("B", B, (('dim', 'N'), ('batch', 'N', 'L'), ('batch', 'G', 'N', 'L')), sizes, dtype)
    C = _layout("C", C, (('dim', 'N'), ('batch', 'N', 'L'), ('batch', 'G', 'N', 'L')), sizes, dtype)
    if D is not None:
        D = _array("D", D, ('dim',), sizes, dtype)
    if z is not None:
        z = _array("z", z, ('batch', 'dim', 'L'), sizes, dtype)
    if delta_bias is not None:
        delta_bias = _array("delta_bias", delta_bias, ('dim',), sizes, dtype)
    bias = numpy.zeros(sizes["dim"], dtype) if delta_bias is None else delta_bias
    skip = numpy.zeros(sizes["dim"], dtype) if D is None else D
    grouped = _grouped(B), _grouped(C)
    out, last_state = _selective_ssm_forward(u, delta, A, *grouped, skip, z, bias, delta_softplus)
    last_state = last_state.astype(dtype, copy=False)
    return (out, last_state) if return_last_state else out


def selective_ssm_backward(
    dout,
    u,
    delta,
    A,
    B,
    C,
    D=None,
    z=None,
    delta_bias=None,
    delta_softplus=False,
    chunk=CHUNK,
    dlast_state=None,
):
    """Vector-Jacobian product of selective_ssm_forward, recomputing states in chunks.
    Only one state per `chunk` steps is kept, never the full (batch, dim, L, N) state.
    dlast_state (batch, dim, N) is the gradient of last_state, if it was returned and used.
    Returns (du, ddelta, dA, dB, dC, dD, dz, ddelta_bias), dB and dC in B's and C's layouts;
    None for inputs given as None.
    """
    sizes = {}
    u = _array("u", u, ('batch', 'dim', 'L'), sizes)
    dtype = u.dtype
    delta = _array("delta", delta, ('batch', 'dim', 'L'), sizes, dtype)
    A = _array("A", A, ('dim', 'N'), sizes, dtype)
    B = _layout("B", B, (('dim', 'N'), ('batch', 'N', 'L'), ('batch', 'G', 'N', 'L')), sizes, dtype)
    C = _layout("C", C, (('dim', 'N'), ('batch', 'N', 'L'), ('batch', 'G', 'N', 'L')), sizes, dtype)
    if D is not None:
        D = _array("D", D, ('dim',), sizes, dtype)
    if z is not None:
        z = _array("z", z, ('batch', 'dim', 'L'), sizes, dtype)
    if delta_bias is not None:
        delta_bias = _array("delta_bias", delta_bias, ('dim',), sizes, dtype)
    dout = _array("dout", dout, ('batch', 'dim', 'L'), sizes, dtype)
    if dlast_state is None:
        dlast_state = numpy.zeros((sizes["batch"], sizes["dim"], sizes["N"]), dtype)
    dlast_state = _array("dlast_state", dlast_state, ("batch", "dim", "N"), sizes, dtype)
    if not isinstance(chunk, int) or chunk < 1:
        raise ValueError(f"chunk: expected a positive int, got {chunk!r}")
    bias = numpy.zeros(sizes["dim"], dtype) if delta_bias is None else delta_bias
    skip = numpy.zeros(sizes["dim"], dtype) if D is None else D
    seeds, grouped = (dout, dlast_state), (_grouped(B), _grouped(C))
    options = (delta_softplus, chunk)
    grads = _selective_ssm_backward(seeds, u, delta, A, *grouped, skip, z, bias, *options)
    du, ddelta, dA, dB, dC, dD, dz, dbias = (g.astype(dtype, copy=False) for g in grads)
    return (
        du,
        ddelta,
        dA,
        dB.reshape(B.shape),
        dC.reshape(C.shape),
        None if D is None else dD,
        None if z is None else dz,
        None if delta_bias is None else dbias,
    )
