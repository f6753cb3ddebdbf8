# GENERATED from derive/documents/selective_ssm.py by `derive generate`. Do not edit.
"""Kernels for Product of As Expanded (Mamba selective SSM): Numba.

selective_ssm: Selective scan with the interface of mamba_ssm's selective_scan_ref.
Extension: D and z: out = (y + D*u)*silu(z), from mamba_ssm (not in the note).
"""

import concurrent.futures

import numba
import numba.extending
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


def _parts(count):
    """How many parts `count` items split into: Numba's thread count, at least 1."""
    return max(1, min(count, numba.get_num_threads()))


def _in_threads(kernel, parts, arguments):
    """Run kernel(*arguments, part, parts) for part = 0 .. parts - 1, one Python thread each.
    The kernels release the GIL (nogil), so this runs as parallel as a prange over the parts
    without a parallel (parfor) variant of each to compile: that took over half the cold
    compile time. Exactly `parts` parts run, the number the caller sized its per-part
    buffers for.
    """
    if parts == 1:
        kernel(*arguments, 0, 1)
        return
    with concurrent.futures.ThreadPoolExecutor(parts - 1) as pool:
        running = [pool.submit(kernel, *arguments, part, parts) for part in range(1, parts)]
        kernel(*arguments, 0, parts)  # the calling thread runs part 0 rather than wait
        for part in running:
            part.result()


def _log1p_unit(w):
    """log1p(w) for 0 <= w <= 1, in Numba code: a series the compiler vectorises, with
    float32 constants for float32 (see derive/kernels/vexp.py)."""
    raise TypeError("_log1p_unit runs only inside compiled kernels")


@numba.extending.overload(_log1p_unit, inline="always")
def _log1p_unit_typed(w):
    if w == numba.types.float32:
        def single(w):
            s_w = w/(w + numpy.float32(2))
            q_w = s_w**2
            l_w = (
                numpy.float32(2)*s_w*(q_w*(q_w*(q_w*(q_w*(q_w*((numpy.float32(0.07692307692307693))*q_w
                + numpy.float32(0.09090909090909091)) + numpy.float32(0.1111111111111111)) +
                numpy.float32(0.14285714285714285)) + numpy.float32(0.2)) +
                numpy.float32(0.3333333333333333)) + numpy.float32(1))
            )
            return l_w
        return single

    def double(w):
        s_w = w/(w + numpy.float32(2))
        q_w = s_w**2
        l_w = (
            numpy.float32(2)*s_w*(q_w*(q_w*(q_w*(q_w*(q_w*(q_w*(q_w*(q_w*(q_w*(q_w*(q_w*(q_w*(q_w*(q_w*((1/31)*q_w
            + 1/29) + 1/27) + 1/25) + 1/23) + 1/21) + 1/19) + 1/17) + 1/15) + 1/13) + 1/11) + 1/9)
            + 1/7) + 1/5) + 1/3) + numpy.float32(1))
        )
        return l_w
    return double


def _time_major(array):
    """B or C grouped (see _grouped) and time-major, (batch or 1, G, L or 1, N), so that the
    loop over N reads contiguous memory; a (dim, N) array is already so, and is not copied."""
    return numpy.ascontiguousarray(_grouped(array).transpose(0, 1, 3, 2))


@numba.njit(fastmath=FASTMATH, error_model="numpy")
def _selective_ssm_decays(A, delta, bias_d, delta_softplus, b, d, span, work):
    """Δ and the N decay factors of steps start..stop-1, the exponentials in vectorisable
    calls over all of them (one call per step would leave short loops of N, or none); the
    softplus's exp(-|·|) stays in row 0 of the step exponentials, for the backward."""
    (start, stop), (deltas, buffer, decays, bits, arguments, exps, exp_bits) = span, work
    steps = stop - start
    if delta_softplus:
        for t in range(start, stop):
            delta_t = delta[b, d, t]
            a_t = -abs(bias_d + delta_t)
            arguments[0, t - start] = a_t
        _vexp(arguments[0, :steps], exps[0, :steps], exp_bits[0, :steps], A.itemsize == 4)
        for t in range(start, stop):
            delta_t, w_t = delta[b, d, t], exps[0, t - start]
            p0 = (
                bias_d + delta_t if (bias_d + delta_t) > numpy.float32(20) else (bias_d + delta_t
                + _log1p_unit(w_t) if (bias_d + delta_t) > numpy.float32(0) else _log1p_unit(w_t))
            )
            Delta = p0
            deltas[t - start] = Delta
    else:
        for t in range(start, stop):
            delta_t = delta[b, d, t]
            Delta = bias_d + delta_t
            deltas[t - start] = Delta
    for t in range(start, stop):
        Delta = deltas[t - start]
        for n in range(A.shape[1]):
            A_n = A[d, n]
            z_n = A_n*Delta
            buffer[t - start, n] = z_n
    count = steps * A.shape[1]
    flat = (buffer.reshape(-1)[:count], decays.reshape(-1)[:count], bits.reshape(-1)[:count])
    _vexp(flat[0], flat[1], flat[2], A.itemsize == 4)


# The gates and the small helpers below are inlined where they are called (inline="always"):
# compiled apart, each cost 0.1-0.6 s of a cold start for a few lines.
@numba.njit(fastmath=FASTMATH, error_model="numpy", inline="always")
def _selective_ssm_gates(z, b, d, span, work):
    """The silu gate's exp(-|·|) of steps start..stop-1, vectorised, into row 1 of the step
    exponentials."""
    (start, stop), (arguments, exps, exp_bits) = span, work[4:]
    for t in range(start, stop):
        z_t = z[b, d, t]
        a_z = -abs(z_t)
        arguments[1, t - start] = a_z
    steps = stop - start
    _vexp(arguments[1, :steps], exps[1, :steps], exp_bits[1, :steps], z.itemsize == 4)


@numba.njit(inline="always")
def _selective_ssm_work(steps, N, dtype):
    """Scratch for _selective_ssm_decays and _selective_ssm_gates: Δ per step; exponents, decays,
    exponent bits per entry; arguments, exponentials, exponent bits per step (Δ's, the
    gate's)."""
    return (
        numpy.empty(steps, dtype),
        numpy.empty((steps, N), dtype),
        numpy.empty((steps, N), dtype),
        numpy.empty((steps, N), numpy.int32),
        numpy.empty((2, steps), dtype),
        numpy.empty((2, steps), dtype),
        numpy.empty((2, steps), numpy.int32),
    )


@numba.njit(inline="always")
def _selective_ssm_copy(source, target):
    """target[:] = source, as a loop: Numba's slice assignment compiles its shape-mismatch
    message (string formatting), over a second per compile."""
    for n in range(source.size):
        target[n] = source[n]


@numba.njit(inline="always")
def _selective_ssm_rows(B, C, b, d, dim):
    """The steps (L or 1, N) of B and C that batch entry b and channel d read."""
    B_bd = B[min(b, B.shape[0] - 1), d // (dim // B.shape[1])]
    return B_bd, C[min(b, C.shape[0] - 1), d // (dim // C.shape[1])]


@numba.njit(cache=True, nogil=True, fastmath=FASTMATH, error_model="numpy")
def _selective_ssm_forward(
    u, delta, A, B, C, D, z, bias, delta_softplus, has_z, out, last_state, part, parts
):
    batch, dim, L = u.shape
    N, steps = A.shape[1], max(1, min(L, CHUNK))  # range() needs a step of 1 at L = 0
    # One block of channels per part: parts that interleave channels ran ~1.5x slower.
    block = (dim + parts - 1) // parts
    for d in range(part * block, min(dim, part * block + block)):
        bias_d, D_d = bias[d], D[d]
        h, work = numpy.empty(N, A.dtype), _selective_ssm_work(steps, N, A.dtype)
        deltas, decays, zero = work[0], work[2], A.dtype.type(0)
        for b in range(batch):
            B_bd, C_bd = _selective_ssm_rows(B, C, b, d, dim)
            h[:] = 0.0
            for start in range(0, L, steps):
                stop = min(start + steps, L)
                _selective_ssm_decays(A, delta, bias_d, delta_softplus, b, d, (start, stop), work)
                if has_z:
                    _selective_ssm_gates(z, b, d, (start, stop), work)
                for t in range(start, stop):
                    u_t, Delta = u[b, d, t], deltas[t - start]
                    # One row per step: indexing B_bd[min(t, ...), n] in the loop ran ~6% slower.
                    B_t, C_t = B_bd[min(t, B_bd.shape[0] - 1)], C_bd[min(t, C_bd.shape[0] - 1)]
                    y = zero  # y in the data's type: float32 loops vectorise twice as wide
                    for n in range(N):
                        h_prev, decay_n = h[n], decays[t - start, n]
                        B_n = B_t[n]
                        C_n = C_t[n]
                        h_new = B_n*Delta*u_t + decay_n*h_prev
                        y_n = C_n*h_new
                        h[n] = h_new
                        y += y_n
                    if has_z:
                        z_t, g_t = z[b, d, t], work[5][1, t - start]
                        p0 = (
                            numpy.float32(1)/(g_t + numpy.float32(1)) if z_t >= numpy.float32(0)
                            else g_t/(g_t + numpy.float32(1))
                        )
                        out_t = p0*z_t*(D_d*u_t + y)
                    else:
                        out_t = D_d*u_t + y
                    out[b, d, t] = out_t
            _selective_ssm_copy(h, last_state[b, d])


@numba.njit(fastmath=FASTMATH, error_model="numpy")
def _selective_ssm_chunk(u, delta, A, rows, bias_d, delta_softplus, b, d, span, kept, work):
    """Recompute the states of steps start..stop-1 from states[0], keeping their decays; and,
    unless ys is empty, each step's y (the gate's gradient needs it). rows: (B_bd, C_bd);
    kept: (states, ys)."""
    (B_bd, C_bd), (states, ys), (start, stop) = rows, kept, span
    _selective_ssm_decays(A, delta, bias_d, delta_softplus, b, d, span, work)
    deltas, decays = work[0], work[2]
    for t in range(start, stop):
        u_t, Delta, B_t = u[b, d, t], deltas[t - start], B_bd[min(t, B_bd.shape[0] - 1)]
        for n in range(A.shape[1]):
            h_prev, decay_n = states[t - start, n], decays[t - start, n]
            B_n = B_t[n]
            h_new = B_n*Delta*u_t + decay_n*h_prev
            states[t - start + 1, n] = h_new
    # Here, not in the backward's step loop: compiled with reassociation its sum over n
    # vectorises (a sequential sum there took 4-6 ms of a 40 ms backward at (1, 768, 16, 1024)).
    if ys.size:
        for t in range(start, stop):
            C_t, y = C_bd[min(t, C_bd.shape[0] - 1)], A.dtype.type(0)
            for n in range(A.shape[1]):
                h_new, C_n = states[t - start + 1, n], C_t[n]
                y_n = C_n*h_new
                y += y_n
            ys[t - start] = y


@numba.njit(fastmath=ORDERED, error_model="numpy")
def _selective_ssm_gradients(u, A, B_bd, C_bd, b, d, span, chunk, grads):
    """Add the chunk's dA, dB and dC: one loop over n per array, each vectorised. Compiled
    without reassociation, so that products keep the lowering's order: Δ·Ā first, bounded
    where Ā underflows, never Δ·h_prev (with Δ = 1e30 that overflows float32, and inf·0 = NaN).
    """
    (start, stop), (states, carry, decays, deltas, g_ys), (dA_d, dB_bd, dC_bd) = span, chunk, grads
    N = A.shape[1]
    for t in range(start, stop):
        k, u_t, Delta, g_y = t - start, u[b, d, t], deltas[t - start], g_ys[t - start]
        t_B, t_C = min(t, B_bd.shape[0] - 1), min(t, C_bd.shape[0] - 1)
        C_t, dB_t, dC_t = C_bd[t_C], dB_bd[t_B], dC_bd[t_C]
        for n in range(N):
            h_prev, dh_next, decay_n = states[k, n], carry[k + 1, n], decays[k, n]
            C_n = C_t[n]
            dh = C_n*g_y + dh_next
            ddecay_dA_n = Delta*decay_n
            dA_n = ddecay_dA_n*dh*h_prev
            dA_d[n] += dA_n
        for n in range(N):
            dh_next = carry[k + 1, n]
            C_n = C_t[n]
            dh = C_n*g_y + dh_next
            dB_n = Delta*dh*u_t
            dB_t[n] += dB_n
        for n in range(N):
            h_new = states[k + 1, n]
            dC_n = g_y*h_new
            dC_t[n] += dC_n


# Without reassociation (see _selective_ssm_gradients): its products with Δ and the state
# gradient keep their order, as in the NumPy kernel. One function for the whole part (not one
# per scan called from here): Numba optimises a callee again inside each caller, and the extra
# level took about 2 s of the cold compile.
@numba.njit(cache=True, nogil=True, fastmath=ORDERED, error_model="numpy")
def _selective_ssm_backward_part(
    seeds, u, delta, A, B, C, D, z, bias, delta_softplus, has_z, chunk, grads, part, parts
):
    """Backward of one block of channels; dB and dC go to this part's own slice."""
    (dout, dlast_state), (du, ddelta, dA, dB_parts, dC_parts, dD, dz, dbias) = seeds, grads
    (batch, dim, L), N = u.shape, A.shape[1]
    count, block = (L + chunk - 1) // chunk, (dim + parts - 1) // parts
    checkpoints = numpy.empty((count + 1, N), A.dtype)
    states = numpy.empty((chunk + 1, N), A.dtype)
    work, zero = _selective_ssm_work(chunk, N, A.dtype), A.dtype.type(0)
    decays = work[2]
    # carry[k]: the gradient of the state before step start + k of the chunk, in float64 as
    # the NumPy kernel keeps it (in float32 it overflows where that one stays finite); g_ys[k]:
    # the gradient of its y. dA, dB and dC are added after each chunk, in loops that store
    # into one array each (_selective_ssm_gradients), which the compiler vectorises.
    carry, g_ys = numpy.empty((chunk + 1, N)), numpy.empty(chunk, A.dtype)
    ys = numpy.empty(chunk if has_z else 0, A.dtype)  # y per step, from _selective_ssm_chunk
    # The checkpoint pass keeps the ys of the last chunk only (the backward starts there);
    # it recomputes every other chunk, ys included.
    kept, states_only = (states, ys), (states, ys[:0])
    for d in range(part * block, min(dim, part * block + block)):
        D_d, bias_d = D[d], bias[d]
        for b in range(batch):
            rows_bd = B_bd, C_bd = _selective_ssm_rows(B, C, b, d, dim)
            dB_bd, dC_bd = _selective_ssm_rows(dB_parts[part], dC_parts[part], b, d, dim)
            checkpoints[0] = zero
            for c in range(count):
                start, stop = c * chunk, min(c * chunk + chunk, L)
                _selective_ssm_copy(checkpoints[c], states[0])
                span = (start, stop)
                last = kept if c == count - 1 else states_only
                _selective_ssm_chunk(
                    u, delta, A, rows_bd, bias_d, delta_softplus, b, d, span, last, work
                )
                _selective_ssm_copy(states[stop - start], checkpoints[c + 1])
            _selective_ssm_copy(dlast_state[b, d], carry[L - (count - 1) * chunk])
            dA_d = dA[d]
            for c in range(count - 1, -1, -1):
                start, stop = c * chunk, min(c * chunk + chunk, L)
                span = (start, stop)
                if c < count - 1:  # the last chunk's states are still there from the loop above
                    _selective_ssm_copy(checkpoints[c], states[0])
                    _selective_ssm_chunk(
                        u, delta, A, rows_bd, bias_d, delta_softplus, b, d, span, kept, work
                    )
                if has_z:
                    _selective_ssm_gates(z, b, d, span, work)
                for t in range(stop - 1, start - 1, -1):
                    k, u_t, dout_t = t - start, u[b, d, t], dout[b, d, t]
                    delta_t, Delta = delta[b, d, t], work[0][k]  # Δ as decays kept it
                    B_t, C_t = B_bd[min(t, B_bd.shape[0] - 1)], C_bd[min(t, C_bd.shape[0] - 1)]
                    if has_z:
                        z_t, g_t, y = z[b, d, t], work[5][1, k], ys[k]
                        p0 = (
                            numpy.float32(1)/(g_t + numpy.float32(1)) if z_t >= numpy.float32(0)
                            else g_t/(g_t + numpy.float32(1))
                        )
                        t0 = dout_t*p0
                        t1 = t0*z_t
                        g_y = t1
                        dD_t = t1*u_t
                        du_t = D_d*t1
                        dz_t = t0*(D_d*u_t + y)*(z_t*(numpy.float32(1) - p0) + numpy.float32(1))
                        dz[b, d, t] = dz_t
                    else:
                        g_y = dout_t
                        dD_t = dout_t*u_t
                        du_t = D_d*dout_t
                    g_ys[k], dDelta, du_acc = g_y, zero, du_t
                    for n in range(N):
                        h_prev, dh_next, decay_n = states[k, n], carry[k + 1, n], decays[k, n]
                        A_n = A[d, n]
                        B_n = B_t[n]
                        C_n = C_t[n]
                        dh = C_n*g_y + dh_next
                        ddecay_dDelta_n = A_n*decay_n
                        t0 = B_n*dh
                        dh_prev = decay_n*dh
                        dDelta_n = ddecay_dDelta_n*dh*h_prev + t0*u_t
                        du_n = Delta*t0
                        carry[k, n] = dh_prev
                        dDelta += dDelta_n
                        du_acc += du_n
                    if delta_softplus:
                        w_t = work[5][0, k]  # as _selective_ssm_decays kept it
                        p0 = (
                            numpy.float32(1)/(w_t + numpy.float32(1)) if (bias_d + delta_t) >=
                            numpy.float32(0) else w_t/(w_t + numpy.float32(1))
                        )
                        t0 = dDelta*p0
                        ddelta_t = t0
                        dbias_t = t0
                    else:
                        ddelta_t = dDelta
                        dbias_t = dDelta
                    du[b, d, t] = du_acc
                    ddelta[b, d, t] = ddelta_t
                    dD[d] += dD_t
                    dbias[d] += dbias_t
                accumulate = (states, carry, decays, work[0], g_ys)
                grads_bd = (dA_d, dB_bd, dC_bd)
                _selective_ssm_gradients(u, A, B_bd, C_bd, b, d, span, accumulate, grads_bd)
                if c > 0:  # the state gradient entering this chunk leaves the one before it
                    _selective_ssm_copy(carry[0], carry[chunk])


def _selective_ssm_backward_numba(
    seeds, u, delta, A, B, C, D, z, bias, delta_softplus, has_z, chunk
):
    dim, N = u.shape[1], A.shape[1]
    parts = _parts(dim)
    B, C = _time_major(B), _time_major(C)
    du, ddelta, dz = (numpy.zeros(u.shape, u.dtype) for _ in range(3))
    dA, dD, dbias = numpy.zeros((dim, N)), numpy.zeros(dim), numpy.zeros(dim)
    # Per-part sums: B and C may be shared by channels of different parts.
    dB_parts, dC_parts = numpy.zeros((parts, *B.shape)), numpy.zeros((parts, *C.shape))
    grads = (du, ddelta, dA, dB_parts, dC_parts, dD, dz, dbias)
    arguments = (seeds, u, delta, A, B, C, D, z, bias, delta_softplus, has_z, chunk, grads)
    _in_threads(_selective_ssm_backward_part, parts, arguments)
    dB, dC = (_summed(parts) for parts in (dB_parts, dC_parts))
    return du, ddelta, dA, dB, dC, dD, dz, dbias


def _summed(parts):
    """The sum of time-major parts, contiguous in the grouped layout (batch or 1, G, N, L or 1)
    (a view would be copied again by whoever needs it contiguous, as torch's .grad does)."""
    total = numpy.empty(parts.shape[1:3] + parts.shape[4:2:-1])
    parts.sum(axis=0, out=total.transpose(0, 1, 3, 2))
    return total


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
    gate = u if z is None else z
    out = numpy.empty_like(u)
    last_state = numpy.empty((sizes["batch"], sizes["dim"], sizes["N"]), dtype)
    has_z, B, C = z is not None, _time_major(B), _time_major(C)
    arguments = (u, delta, A, B, C, skip, gate, bias, bool(delta_softplus), has_z, out, last_state)
    _in_threads(_selective_ssm_forward, _parts(sizes["dim"]), arguments)
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
    gate = u if z is None else z
    seeds = (dout, dlast_state)
    grads = _selective_ssm_backward_numba(
        seeds, u, delta, A, B, C, skip, gate, bias, bool(delta_softplus), z is not None, chunk
    )
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
