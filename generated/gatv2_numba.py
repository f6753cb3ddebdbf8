# GENERATED from derive/documents/gatv2.py by `derive generate`. Do not edit.
"""Kernels for Gradient Derivation for Learnable Parameters in Graph Attention Networks: Numba.

gatv2: GATv2 layer (heads, concat, share_weights) as torch_geometric's GATv2Conv.
"""

import concurrent.futures
import contextlib
import ctypes
import math
import os
import pathlib
import sys
import threading

import llvmlite.ir
import numba
import numba.core.cgutils
import numba.core.compiler
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


def _workspace_bytes():
    """The bytes of unused blocks the workspace keeps: DERIVE_KERNELS_WORKSPACE_MB (default
    512; 0 turns the workspace off), read once, at import."""
    text = os.environ.get("DERIVE_KERNELS_WORKSPACE_MB", "512")
    try:
        megabytes = float(text)
    except ValueError:
        raise ValueError(f"DERIVE_KERNELS_WORKSPACE_MB: expected a number, got {text!r}") from None
    return int(max(megabytes, 0.0) * 2**20)


class _Workspace:
    """Arrays of at least `SMALLEST` bytes whose memory is handed out again once nothing
    refers to it: a block is reused only when its reference count is the workspace's own,
    so no array, view or tensor over it is left (each holds its base, and CPython counts it).
    A fresh large array costs a page fault per page written: glibc maps each allocation of
    over 32 MB (and smaller ones, once it has trimmed its heap) anew and unmaps it when it
    is freed, so the system zeroes its pages again at the next call. At 1M edges that was
    about 70 ms of GATv2's 230 ms forward+backward (measured here against glibc kept from
    unmapping: MALLOC_MMAP_MAX_=0). At each call it keeps at most `keep` bytes of blocks
    that no array uses (the least recently used are given back first; blocks whose arrays
    are freed after the call wait for the next), and it watches at most `WATCHED` blocks
    (beyond them, the oldest are left to their arrays, and freed with them).
    """
    SMALLEST = 2**20
    WATCHED = 64

    def __init__(self, keep):
        self.keep, self.blocks, self.lock = keep, [numpy.empty(1, numpy.uint8)], threading.Lock()
        self.own = self._references(0)  # the count of a block nothing else refers to
        self.blocks.clear()

    def _references(self, k):
        return sys.getrefcount(self.blocks[k])

    def _unused(self):
        return [k for k in range(len(self.blocks)) if self._references(k) == self.own]

    def empty(self, shape, dtype):
        """numpy.empty(shape, dtype), from a block no array uses where one fits (at most
        twice the size asked for)."""
        dtype, shape = numpy.dtype(dtype), tuple(int(n) for n in shape)
        size = math.prod(shape) * dtype.itemsize
        if size < self.SMALLEST or self.keep <= 0:
            return numpy.empty(shape, dtype)
        with self.lock:
            fits = [k for k in self._unused() if size <= self.blocks[k].size <= 2 * size]
            if fits:
                k = min(fits, key=lambda k: self.blocks[k].size)
                self.blocks.append(self.blocks.pop(k))  # the most recently used last
            else:
                self.blocks.append(numpy.empty(size, numpy.uint8))
            array = self.blocks[-1][:size].view(dtype).reshape(shape)
            self._trim()
        return array

    def zeros(self, shape, dtype):
        """numpy.zeros(shape, dtype), from a block as in `empty`."""
        array = self.empty(shape, dtype)
        array.fill(0)
        return array

    def _trim(self):
        unused = self._unused()
        kept = sum(self.blocks[k].size for k in unused)
        for k in unused:  # the least recently used first
            if kept <= self.keep:
                break
            kept -= self.blocks[k].size
            self.blocks[k] = None
        self.blocks = [block for block in self.blocks if block is not None][-self.WATCHED :]


_WORKSPACE = _Workspace(_workspace_bytes())


# How many edges ahead a gathered row is asked for: at 1M random edges (rows of 64 float32)
# 16 took the GATv2 forward from 120 to 45-55 ms; 4 and 8 hid less of the latency.
AHEAD = 16


@numba.extending.intrinsic
def _prefetch_line(typingctx, array, row, byte):
    """Ask for the cache line at byte offset `byte` of row `row` of `array` (LLVM's prefetch:
    read, keep in every cache level)."""
    if not isinstance(array, numba.types.Array):
        return None
    if not all(isinstance(t, numba.types.Integer) for t in (row, byte)):
        return None

    def codegen(context, builder, signature, arguments):
        array_type, row_type, byte_type = signature.args
        view = context.make_array(array_type)(context, builder, arguments[0])
        row_stride = numba.core.cgutils.unpack_tuple(builder, view.strides, array_type.ndim)[0]
        row = context.cast(builder, arguments[1], row_type, numba.types.intp)
        byte = context.cast(builder, arguments[2], byte_type, numba.types.intp)
        bytes_type = llvmlite.ir.IntType(8).as_pointer()
        offset = builder.add(builder.mul(row, row_stride), byte)
        address = builder.gep(builder.bitcast(view.data, bytes_type), [offset])
        i32 = llvmlite.ir.IntType(32)
        prefetch = builder.module.declare_intrinsic(
            "llvm.prefetch",
            [bytes_type],
            llvmlite.ir.FunctionType(llvmlite.ir.VoidType(), [bytes_type, i32, i32, i32]),
        )
        builder.call(prefetch, [address, i32(0), i32(3), i32(1)])
        return context.get_dummy_value()
    return numba.types.void(array, row, byte), codegen


@numba.njit(inline="always")
def _prefetch_row(array, row):
    """Ask for every 64-byte cache line of array[row] (a C-contiguous row); `row` must be a
    valid index: the hint is computed from it like a load, though it loads nothing."""
    for byte in range(0, array.strides[0], 64):
        _prefetch_line(array, row, byte)


class _Disjoint(numba.core.compiler.Compiler):
    """Numba's compiler, telling LLVM that a kernel's array arguments do not overlap (its
    flag `noalias`): loops that write one array and read others then need no run-time
    checks of overlap, and vectorise. Only for kernels that write nothing but arrays the
    layer allocated for the call, from the workspace, which hands a block out only when no
    array refers to it, so none overlaps another argument; arguments that may share memory
    (xl is xr with shared weights) are only read, which the flag allows.
    """

    def define_pipelines(self):
        self.state.flags.noalias = True
        return super().define_pipelines()


def _disjoint(written, read):
    """Raise unless no array in `written` may share memory with another in `written` or
    `read`: what a _Disjoint kernel promises LLVM, checked before each call (by the arrays'
    bounds, numpy.may_share_memory: microseconds)."""
    arrays = [*written, *read]
    for k, array in enumerate(written):
        if any(numpy.may_share_memory(array, other) for other in arrays[k + 1 :]):
            raise RuntimeError("internal error: an array a kernel writes overlaps its inputs")


def _openblas_threads():
    """(get, set): the thread count of the OpenBLAS that NumPy's products call, as ctypes
    functions; None where there is none to find (NumPy built with another BLAS, or one not
    kept where NumPy's wheels keep it, numpy.libs): products then run as NumPy runs them."""
    kept = pathlib.Path(numpy.__file__).resolve().parent.parent / "numpy.libs"
    for path in sorted(kept.glob("*openblas*")):
        try:
            library = ctypes.CDLL(str(path))  # the one NumPy loaded: loading it again shares it
        except OSError:
            continue
        for prefix, suffix in (("scipy_openblas", "64_"), ("openblas", "64_"), ("openblas", "")):
            get = getattr(library, f"{prefix}_get_num_threads{suffix}", None)
            set_ = getattr(library, f"{prefix}_set_num_threads{suffix}", None)
            if get is not None and set_ is not None:
                get.argtypes, get.restype = [], ctypes.c_int
                set_.argtypes, set_.restype = [ctypes.c_int], None
                return get, set_
    return None


_OPENBLAS = _openblas_threads()
_ONE_THREAD = {"lock": threading.Lock(), "callers": 0, "threads": 1}


@contextlib.contextmanager
def _blas_one_thread():
    """OpenBLAS at one thread per call while the body runs. Its count is process-wide: the
    first caller in lowers it, the last one out puts it back."""
    with _ONE_THREAD["lock"]:
        if _ONE_THREAD["callers"] == 0:
            _ONE_THREAD["threads"] = _OPENBLAS[0]()
            _OPENBLAS[1](1)
        _ONE_THREAD["callers"] += 1
    try:
        yield
    finally:
        with _ONE_THREAD["lock"]:
            _ONE_THREAD["callers"] -= 1
            if _ONE_THREAD["callers"] == 0:
                _OPENBLAS[1](_ONE_THREAD["threads"])


# Rows per product call of _by_rows: at 100k nodes (128 features, 2 × 64 outputs) blocks
# of 1024 rows took GATv2's weight gradients from 56 to 49 ms and its projections from 30 to
# 28 (the block's rows stay in cache for both weights; no temporaries of every row).
BLOCK = 1024


def _by_rows(task, rows):
    """task(part, block) for blocks of at most BLOCK rows of range(rows) (slices), the blocks
    split into parts, one per kernel thread, that run side by side, each calling OpenBLAS
    single-threaded: its own threads would compete with the kernels', and after a product
    they spin for a while (OpenBLAS's thread timeout, about 0.1 s), which took 25-30 ms from
    the edge loop that followed at 1M edges (55 ms against 28-31 after a product split this
    way, or after a pause). Where NumPy's BLAS is not an OpenBLAS found here, the blocks run
    in one part on the calling thread (that BLAS threads its products itself)."""
    parts = 1 if _OPENBLAS is None else _parts(rows)
    chunk = -(-rows // parts)

    def run(part, parts):
        stop = min(rows, part * chunk + chunk)
        for start in range(part * chunk, stop, BLOCK):
            task(part, slice(start, min(stop, start + BLOCK)))
    if parts == 1:
        run(0, 1)
        return
    with _blas_one_thread():
        _in_threads(run, parts, ())


def _gatv2_edge_rows(edge_index, nodes):
    """edge_index validated, as its two rows (sources, targets): contiguous, writable int64,
    copied only if edge_index is not (the grouping is compiled for that array type alone)."""
    edge_index = numpy.asarray(edge_index)
    if edge_index.ndim != 2 or edge_index.shape[0] != 2:
        raise ValueError(f"edge_index: expected shape (2, E), got {edge_index.shape}")
    if edge_index.dtype.kind not in "iu":
        raise ValueError(f"edge_index: expected an integer dtype, got {edge_index.dtype}")
    if edge_index.size and (edge_index.min() < 0 or edge_index.max() >= nodes):
        low, high = edge_index.min(), edge_index.max()
        raise ValueError(f"edge_index: node indices must lie in [0, {nodes}), got {low}..{high}")
    rows = numpy.ascontiguousarray(edge_index, dtype=numpy.int64)
    return rows if rows.flags.writeable else rows.copy()


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
    arguments to skip recomputing the projections, the edge grouping and the softmax;
    it holds the edges, att and negative_slope it was computed for, and a `saved` from another
    graph, other sizes or other att raises ValueError.
    """
    x, W_l, b_l, W_r, b_r, att, bias = _gatv2_inputs(
        x, edge_index, W_l, b_l, W_r, b_r, att, bias, heads, concat, share_weights
    )
    xl, xr = _gatv2_projections(x, W_l, b_l, W_r, b_r, heads)
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
    xl, xr = (_gatv2_relaid(a, heads) for a in (xl, xr))  # see _gatv2_channel_major
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
    edges = numpy.asarray(edge_index)
    kept = _WORKSPACE.empty(edges.shape, edges.dtype)
    kept[...] = edges
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
        xl, xr = _gatv2_projections(x, W_l, b_l, W_r, b_r, heads)
    else:
        _gatv2_check_saved(
            saved, x.shape[0], x.dtype, edge_index, heads, add_self_loops, W_r is None, att, slope
        )
        xl, xr = saved[:2]
    dxl, dxr, datt, dbias = _gatv2_attend_backward(
        dout, xl, xr, edge_index, att, bias, slope, add_self_loops, heads, concat, saved
    )
    # dxl and dxr come in the edge loops' layout: the weights' rows are taken in it, and the
    # gradients of W and b put back in the end.
    W_l, W_r = (_gatv2_relaid(W, heads, axis=0) for W in (W_l, W_r))
    if W_r is None:
        # lin_l serves both uses: its gradient is the sum of the two uses' VJPs.
        dx, (dW_l,), (db_l,) = _gatv2_weight_grads(x, [W_l], [dxl + dxr], need_dx)
        dW_r = db_r = None
    else:
        dx, (dW_l, dW_r), (db_l, db_r) = _gatv2_weight_grads(
            x, [W_l, W_r], [dxl, dxr], need_dx
        )
    dW_l, dW_r = (_gatv2_relaid(W, heads, axis=0, back=True) for W in (dW_l, dW_r))
    db_l, db_r = (_gatv2_relaid(b, heads, back=True) for b in (db_l, db_r))
    grads = (dx, dW_l, db_l, dW_r, db_r, datt, dbias)
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
    xl, xr = (_gatv2_relaid(a, heads) for a in (xl, xr))  # as the forward kept them
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
    grads = (*(_gatv2_relaid(d, heads, back=True) for d in grads[:2]), *grads[2:])
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
        softmax = _gatv2_forward_edges(
            xl, xr, sources, targets, att, bias, slope, heads, bool(concat)
        )[1]
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


def _gatv2_grouped_edges(edge_index, nodes, add_self_loops):
    """The edges grouped by target: the sources in that order, and the offsets of each
    target's run (the edges of _gatv2_edges, stably sorted by target)."""
    sources, targets = _gatv2_edge_rows(edge_index, nodes)
    grouped = _WORKSPACE.empty((sources.size + (nodes if add_self_loops else 0),), numpy.int64)
    offsets = _gatv2_by_target(sources, targets, nodes, bool(add_self_loops), grouped)
    return grouped[: offsets[nodes]], offsets


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
    # The softmax per edge and head, and per target and head its largest score and its sum.
    shapes = ((count, heads), dtype), ((2, nodes, heads), numpy.float64)
    if not isinstance(softmax, tuple) or len(softmax) != 2:
        raise ValueError("saved: expected the softmax of gatv2_forward")
    for array, (shape, kind) in zip(softmax, shapes):
        if not isinstance(array, numpy.ndarray) or (array.shape, array.dtype) != (shape, kind):
            raise ValueError("saved: its softmax does not match its edges, heads or dtype")


def _gatv2_check_indices(sources, targets, nodes, count):
    """Raise ValueError unless the saved edge arrays index only nodes and edges that exist."""
    # targets: the offsets of each target's run of edges.
    shapes = ((sources, (count,)), (targets, (nodes + 1,)))
    for array, shape in shapes:
        is_index = isinstance(array, numpy.ndarray) and array.dtype == numpy.int64
        if not is_index or array.shape != shape:
            raise ValueError("saved: its edge arrays do not match its edges")
    if count and (sources.min() < 0 or sources.max() >= nodes):
        raise ValueError("saved: its edge arrays index nodes that do not exist")
    runs = numpy.diff(targets)
    if targets[0] != 0 or targets[-1] != count or (runs.size and runs.min() < 0):
        raise ValueError("saved: its edge offsets do not cover its edges in order")


def _gatv2_projections(x, W_l, b_l, W_r, b_r, heads):
    """x W_l^T + b_l and x W_r^T + b_r in the edge loops' layout: the weights' rows and the
    biases reordered first (see _gatv2_channel_major); with W_r None, x W_l^T + b_l
    serves as both. By blocks of rows on the kernels' threads (see _by_rows): at 100k nodes
    23-28 ms against 29-34 for NumPy's two products."""
    W_l, b_l, W_r, b_r = (_gatv2_relaid(a, heads, axis=0) for a in (W_l, b_l, W_r, b_r))
    xl = _WORKSPACE.empty((x.shape[0], W_l.shape[0]), x.dtype)
    xr = xl if W_r is None else _WORKSPACE.empty(xl.shape, x.dtype)
    projections = ((W_l, b_l, xl), (W_r, b_r, xr))[: 1 if W_r is None else 2]

    def project(part, rows):
        for W, b, out in projections:
            numpy.matmul(x[rows], W.T, out=out[rows])
            out[rows] += b
    _by_rows(project, x.shape[0])
    return xl, xr


def _gatv2_weight_grads(x, Ws, ds, need_dx):
    """(dx, dWs, dbs) of the projections x W^T + b, W in Ws, whose outputs have the gradients
    ds: dx = Σ d W (None without need_dx), dW = d^T x computed as (x^T d)^T (OpenBLAS runs
    that several times faster for tall, thin d) and db = Σ_rows d, by blocks of rows on the
    kernels' threads (see _by_rows), each part's dW and db added up after. The ds of a block
    side by side make one product for dx and one for every dW, against the Ws stacked (at
    Cora size, 1354 rows of 1433 features, a thread's products took 10.8 ms against 12.5 for
    a product per W and a sum of dx's terms)."""
    parts, width, stacked = _parts(x.shape[0]), Ws[0].shape[0], len(Ws) > 1
    W = numpy.concatenate(Ws) if stacked else Ws[0]
    dx = _WORKSPACE.empty(x.shape, x.dtype) if need_dx else None
    dW = numpy.zeros((parts, x.shape[1], W.shape[0]), x.dtype)
    db = numpy.zeros((parts, W.shape[0]), x.dtype)
    side = numpy.empty((parts, min(BLOCK, x.shape[0]), W.shape[0]), x.dtype) if stacked else None

    def back(part, rows):
        if stacked:
            d = side[part, : rows.stop - rows.start]
            for k, d_k in enumerate(ds):
                d[:, k * width : (k + 1) * width] = d_k[rows]
        else:
            d = ds[0][rows].astype(x.dtype, copy=False)
        if need_dx:
            numpy.matmul(d, W, out=dx[rows])
        dW[part] += x[rows].T @ d
        db[part] += d.sum(axis=0)
    _by_rows(back, x.shape[0])
    dW, db = dW.sum(axis=0).T, db.sum(axis=0)
    each = [slice(k * width, (k + 1) * width) for k in range(len(Ws))]
    return dx, [dW[k] for k in each], [db[k] for k in each]


@numba.njit(cache=True)
def _gatv2_by_target(sources, targets, nodes, add_self_loops, grouped):
    """Counting sort of the edges by target that places the sources directly, without an
    order array (a sort, then a gather through its order, took 1.3-1.8 times as long at 1M
    edges): the sources in that order, stable, into grouped[:offsets[nodes]] (`grouped` holds
    at least that many), and returns the offsets of each target's run. With add_self_loops,
    like PyG: the edges j -> j are left out and each node's loop ends its run."""
    loop = 1 if add_self_loops else 0
    offsets = numpy.zeros(nodes + 1, numpy.int64)
    for e in range(targets.size):
        if not (add_self_loops and sources[e] == targets[e]):
            offsets[targets[e] + 1] += 1
    for i in range(nodes):
        offsets[i + 1] += offsets[i] + loop
    cursor = offsets[:-1].copy()
    for e in range(targets.size):
        if not (add_self_loops and sources[e] == targets[e]):
            grouped[cursor[targets[e]]] = sources[e]
            cursor[targets[e]] += 1
    if add_self_loops:
        for i in range(nodes):
            grouped[cursor[i]] = i
    return offsets


def _gatv2_heads(array, heads):
    """(..., heads·C) as a view (..., heads, C): the loops index a head's columns by a
    channel from range(C), which needs no negative-index wraparound and so vectorises (an
    index h·C + c did not, and ran 2-4 times slower)."""
    return array.reshape(*array.shape[:-1], heads, array.shape[-1] // heads)


def _gatv2_channel_major(heads, width):
    """Whether the edge loops take the D = heads·C columns of xl and xr (and att) channel-major,
    column c·heads + h for head h's channel c: with several heads of no more channels than
    heads. Their inner loops then run over the heads side by side, without a per-head sum of
    a few channels; at 1M edges with 8 heads of 8 channels this took the forward's edge loop
    from 170 to 92 ms, and the backward's from 180 to 105 ms. One head is head-major (the
    channel-major loops took it from 85 to 170 ms)."""
    return heads > 1 and heads * heads >= width


def _gatv2_relaid(array, heads, axis=-1, back=False):
    """`array` with its axis `axis` of D = heads·C entries in the edge loops' layout (see
    _gatv2_channel_major): reordered channel-major (a copy) where the loops take that
    layout, else `array` itself; back=True puts a channel-major axis back in head-major order.
    None stays None."""
    if array is None or not _gatv2_channel_major(heads, array.shape[axis]):
        return array
    moved = numpy.moveaxis(array, axis, -1)
    blocks = (moved.shape[-1] // heads, heads) if back else (heads, moved.shape[-1] // heads)
    swapped = moved.reshape(*moved.shape[:-1], *blocks).swapaxes(-1, -2).reshape(moved.shape)
    return numpy.ascontiguousarray(numpy.moveaxis(swapped, -1, axis))


def _gatv2_lanes(parts, shape, dtype):
    """numpy.empty((parts, *shape)) with 64 unused bytes after each row (a longer last
    axis, beyond what the loops index): each part's entries lie on cache lines of their own.
    Parts whose few entries shared a line slowed each other's threads (false sharing); at 1M
    edges with 8 heads this took forward+backward from 320-610 ms to 255-305 in runs here;
    how much depends on whether the two threads share a core."""
    padded = (*shape[:-1], shape[-1] + 64 // numpy.dtype(dtype).itemsize)
    return numpy.empty((parts, *padded), dtype)


def _gatv2_channels(array, heads):
    """A channel-major (..., C·heads) as a view (..., C, heads)."""
    return array.reshape(*array.shape[:-1], array.shape[-1] // heads, heads)


# Inlined: called as a function (not inlined by LLVM once it took a head), the forward's
# edge loop ran 35% slower.
@numba.njit(fastmath=FASTMATH, error_model="numpy", inline="always")
def _gatv2_score(xl, xr, att, j, i, h, negative_slope):
    """The score of edge j -> i in head h, summed in the data's type (as NumPy sums it; a
    float32 sum vectorises twice as wide as a float64 one)."""
    s_e = xl.dtype.type(0)
    for d in range(att.shape[1]):
        xl_d, xr_d, att_d = xl[j, h, d], xr[i, h, d], att[h, d]
        p0 = xl_d + xr_d if (xl_d + xr_d) > numpy.float32(0) else negative_slope*(xl_d + xr_d)
        term_d = att_d*p0
        s_e += term_d
    return s_e


@numba.njit(fastmath=FASTMATH, error_model="numpy", inline="always")
def _gatv2_score_cm(xl, xr, att, j, i, h, negative_slope):
    """_gatv2_score of channel-major views (nodes, C, heads)."""
    s_e = xl.dtype.type(0)
    for d in range(att.shape[0]):
        xl_d, xr_d, att_d = xl[j, d, h], xr[i, d, h], att[d, h]
        p0 = xl_d + xr_d if (xl_d + xr_d) > numpy.float32(0) else negative_slope*(xl_d + xr_d)
        term_d = att_d*p0
        s_e += term_d
    return s_e


def _gatv2_forward_edges(xl, xr, sources, offsets, att, bias, negative_slope, heads, concat):
    """xl and xr in the edge loops' layout (see _gatv2_channel_major), att and bias
    head-major; (nodes, heads·C or C) out; g indexes the output's heads (all heads, or one
    that all heads add to when they are averaged). Also returns the softmax for the backward:
    each edge's weight per head, and per target and head the largest score and the sum of
    the weights (float64, as the loops sum them)."""
    (nodes, width), groups, parts = xl.shape, heads if concat else 1, _parts(xl.shape[0])
    channels = width // heads
    out = _WORKSPACE.empty((nodes, groups, channels), xl.dtype)
    weights = _WORKSPACE.empty((sources.size, heads), xl.dtype)
    totals = _WORKSPACE.empty((2, nodes, heads), numpy.float64)
    bias = _gatv2_heads(bias, groups)
    if _gatv2_channel_major(heads, width):
        att = _gatv2_relaid(att, heads)
        xl, xr, att = (_gatv2_channels(a, heads) for a in (xl, xr, att))
        # Per part: each head's score, largest score and channel sums, and its sum of weights.
        lanes = [_gatv2_lanes(parts, (*rows, heads), xl.dtype) for rows in ((), (), (channels,))]
        work = (*lanes, _gatv2_lanes(parts, (heads,), numpy.float64))
        arguments = (xl, xr, sources, offsets, att, bias, negative_slope, concat, out, weights)
        _disjoint((out, weights, totals, *work), (xl, xr, sources, offsets, att, bias))
        _in_threads(_gatv2_forward_part_cm, parts, (*arguments, totals, work))
        return out.reshape(nodes, bias.size), (weights, totals)
    xl, xr, att = (_gatv2_heads(a, heads) for a in (xl, xr, att))
    arguments = (xl, xr, sources, offsets, att, bias, negative_slope, concat, out, weights, totals)
    _in_threads(_gatv2_forward_part, parts, arguments)
    return out.reshape(nodes, bias.size), (weights, totals)


@numba.njit(cache=True, nogil=True, fastmath=FASTMATH, error_model="numpy")
def _gatv2_forward_part(
    xl, xr, sources, offsets, att, bias, negative_slope, concat, out, weights, totals, part, parts
):
    """The targets of one part, a range of nodes; per target, head after head."""
    nodes, heads, channels = xl.shape
    heads_averaged = 1 if concat else heads
    chunk = (nodes + parts - 1) // parts
    for i in range(part * chunk, min(nodes, part * chunk + chunk)):
        start, stop = offsets[i], offsets[i + 1]
        for g in range(out.shape[1]):
            for c in range(channels):
                out[i, g, c] = 0.0
        for h in range(heads):
            g = h if concat else 0
            m_i = -numpy.inf
            for e in range(start, stop):
                if h == 0 and e + AHEAD < sources.size:  # the row of a source AHEAD edges on
                    _prefetch_row(xl, sources[e + AHEAD])
                # The score, until its weight replaces it.
                weights[e, h] = _gatv2_score(xl, xr, att, sources[e], i, h, negative_slope)
                m_i = max(m_i, weights[e, h])
            Z_i = 0.0
            for e in range(start, stop):
                s_e = weights[e, h]
                w_e = numpy.exp(-m_i + s_e)
                weights[e, h] = w_e
                Z_i += w_e
            totals[0, i, h], totals[1, i, h] = m_i, Z_i
            for e in range(start, stop):
                w_e, j = weights[e, h], sources[e]
                alpha_e = w_e/Z_i
                for c in range(channels):
                    xl_d = xl[j, h, c]
                    msg_d = alpha_e*xl_d
                    out[i, g, c] += msg_d
        for g in range(out.shape[1]):
            for c in range(channels):
                total_d, bias_d = out[i, g, c], bias[g, c]
                agg_d = total_d/heads_averaged
                out_d = agg_d + bias_d
                out[i, g, c] = out_d


# Compiled with arguments that do not overlap (_Disjoint): see _gatv2_backward_part_cm.
@numba.njit(
    cache=True, nogil=True, fastmath=FASTMATH, error_model="numpy", pipeline_class=_Disjoint
)
def _gatv2_forward_part_cm(
    xl, xr, sources, offsets, att, bias, negative_slope, concat, out, weights, totals, work,
    part, parts,
):
    """_gatv2_forward_part on channel-major views (nodes, C, heads): per edge, every head
    at once, its channels' terms added head by head side by side."""
    nodes, channels, heads = xl.shape
    heads_averaged = 1 if concat else heads
    scores, largest, sums, Z = work[0][part], work[1][part], work[2][part], work[3][part]
    chunk = (nodes + parts - 1) // parts
    for i in range(part * chunk, min(nodes, part * chunk + chunk)):
        start, stop = offsets[i], offsets[i + 1]
        for h in range(heads):
            largest[h], Z[h] = -numpy.inf, 0.0
        for e in range(start, stop):
            if e + AHEAD < sources.size:  # the row of a source AHEAD edges on
                _prefetch_row(xl, sources[e + AHEAD])
            j = sources[e]
            for h in range(heads):
                scores[h] = 0.0
            for d in range(channels):
                for h in range(heads):
                    xl_d, xr_d, att_d = xl[j, d, h], xr[i, d, h], att[d, h]
                    p0 = (
                        xl_d + xr_d if (xl_d + xr_d) > numpy.float32(0) else negative_slope*(xl_d
                        + xr_d)
                    )
                    term_d = att_d*p0
                    scores[h] += term_d
            for h in range(heads):
                # The score, until its weight replaces it.
                weights[e, h] = scores[h]
                largest[h] = max(largest[h], scores[h])
        for e in range(start, stop):
            for h in range(heads):
                s_e, m_i = weights[e, h], largest[h]
                w_e = numpy.exp(-m_i + s_e)
                weights[e, h] = w_e
                Z[h] += w_e
        for h in range(heads):
            totals[0, i, h], totals[1, i, h] = largest[h], Z[h]
        for c in range(channels):
            for h in range(heads):
                sums[c, h] = 0.0
        for e in range(start, stop):
            j = sources[e]
            for h in range(heads):
                w_e, Z_i = weights[e, h], Z[h]
                alpha_e = w_e/Z_i
                scores[h] = alpha_e  # this edge's α, per head
            for c in range(channels):
                for h in range(heads):
                    alpha_e, xl_d = scores[h], xl[j, c, h]
                    msg_d = alpha_e*xl_d
                    sums[c, h] += msg_d
        for g in range(out.shape[1]):
            for c in range(channels):
                total_d = sums[c, g]
                if not concat:  # every head adds to the one output head
                    for h in range(1, heads):
                        total_d += sums[c, h]
                bias_d = bias[g, c]
                agg_d = total_d/heads_averaged
                out_d = agg_d + bias_d
                out[i, g, c] = out_d

def _gatv2_backward_edges(
    dout, xl, xr, sources, offsets, att, bias, negative_slope, heads, concat, softmax
):
    """One pass over the targets, edges grouped by target, with the forward's softmax. Each
    thread owns a range of targets and its own copy of dxl (sources are shared between
    targets), added up at the end. xl, xr and so dxl, dxr in the edge loops' layout (see
    _gatv2_channel_major); att, datt, dout, bias and dbias head-major."""
    (nodes, width), parts, groups = xl.shape, _parts(xl.shape[0]), heads if concat else 1
    channels, cm = width // heads, _gatv2_channel_major(heads, width)
    dxl = _WORKSPACE.zeros((parts, nodes, width), xl.dtype)
    dxr = _WORKSPACE.zeros((nodes, width), xl.dtype)
    # Parameter gradients sum over every edge: accumulate them in float64, each part's with a
    # spare row after it (cache lines of its own, see _gatv2_lanes).
    rows = (channels + 1, heads) if cm else (heads + 1, channels)
    datt_v, dbias = numpy.zeros((parts, *rows)), numpy.zeros((parts, groups + 1, channels))
    dout, bias = _gatv2_heads(dout, groups), _gatv2_heads(bias, groups)
    weights, totals = softmax
    if cm:
        att = _gatv2_relaid(att, heads)
        views = (_gatv2_channels(a, heads) for a in (xl, xr, att, dxl, dxr))
        xl, xr, att, dxl_v, dxr_v = views
        # Per part, per head: each edge's ∂/∂w of one target (at most `degree` edges), and
        # the lanes of one edge or target: α, ∂/∂s, the running sums of dagg, dxr and datt.
        degree = int(numpy.diff(offsets).max(initial=0))
        lanes = [_gatv2_lanes(parts, (*rows, heads), xl.dtype) for rows in ((), (), (), (degree,))]
        sums = [_gatv2_lanes(parts, (channels, heads), xl.dtype) for _ in range(3)]
        wide = _gatv2_lanes(parts, (2, heads), numpy.float64)
        work = (dxl_v, dxr_v, datt_v, dbias, *lanes, *sums, wide)
        kernel = _gatv2_backward_part_cm
    else:
        xl, xr, att = (_gatv2_heads(a, heads) for a in (xl, xr, att))
        ds = _WORKSPACE.empty((sources.size,), xl.dtype)
        dagg = _gatv2_lanes(parts, (groups, channels), xl.dtype)
        views = (_gatv2_heads(a, heads) for a in (dxl, dxr))
        work = (*views, datt_v, dbias, ds, dagg)
        kernel = _gatv2_backward_part
    arguments = (dout, xl, xr, sources, offsets, att, bias, negative_slope, concat, weights, totals)
    if cm:
        _disjoint(work, (dout, xl, xr, sources, offsets, att, bias, weights, totals))
    _in_threads(kernel, parts, (*arguments, work))
    for part in range(1, parts):  # in place: half the time of dxl.sum(axis=0)
        dxl[0] += dxl[part]
    datt = datt_v[:, :-1].sum(axis=0).reshape(-1)
    datt = _gatv2_relaid(datt, heads, back=True) if cm else datt
    return dxl[0], dxr, datt, dbias[:, :-1].sum(axis=0).reshape(-1)


@numba.njit(cache=True, nogil=True, fastmath=FASTMATH, error_model="numpy")
def _gatv2_backward_part(
    dout, xl, xr, sources, offsets, att, bias, negative_slope, concat, weights, totals, work,
    part, parts,
):
    """The targets of one part, a range of nodes, and the edges into them, head after head."""
    dxl, dxr, datt, dbias, ds, dagg = work
    mine, (nodes, heads, channels) = dxl[part], xl.shape
    heads_averaged = 1 if concat else heads
    chunk = (nodes + parts - 1) // parts
    for i in range(part * chunk, min(nodes, part * chunk + chunk)):
        start, stop = offsets[i], offsets[i + 1]
        for g in range(dout.shape[1]):
            for c in range(channels):
                dout_d = dout[i, g, c]
                dagg_d = dout_d
                dbias_d = dout_d
                dtotal_d = dagg_d/heads_averaged
                dagg[part, g, c] = dtotal_d
                dbias[part, g, c] += dbias_d
        for h in range(heads):
            g = h if concat else 0
            Z_i, G_i = totals[1, i, h], 0.0
            for e in range(start, stop):
                if h == 0 and e + AHEAD < sources.size:  # the row of a source AHEAD edges on
                    _prefetch_row(xl, sources[e + AHEAD])
                w_e, j, dalpha_e = weights[e, h], sources[e], xl.dtype.type(0)
                for c in range(channels):
                    dagg_d, xl_d = dagg[part, g, c], xl[j, h, c]
                    dalpha_ed = dagg_d*xl_d
                    dalpha_e += dalpha_ed
                dw_e = dalpha_e/Z_i
                dZ_e = -dalpha_e*w_e/Z_i**2
                ds[e] = dw_e
                G_i += dZ_e
            for e in range(start, stop):
                # The row this part scatters into AHEAD edges on, asked for here, where it is
                # written, rather than with xl's above (1M edges: 129 -> 97 ms for this loop).
                if h == 0 and e + AHEAD < sources.size:
                    _prefetch_row(mine, sources[e + AHEAD])
                w_e, j, dw_total = weights[e, h], sources[e], ds[e] + G_i
                alpha_e = w_e/Z_i
                ds_e = dw_total*w_e
                for c in range(channels):
                    dagg_d, xl_d = dagg[part, g, c], xl[j, h, c]
                    xr_d, att_d = xr[i, h, c], att[h, c]
                    dxl_msg_d = alpha_e*dagg_d
                    p0 = numpy.float32(1) if (xl_d + xr_d) > numpy.float32(0) else negative_slope
                    p1 = (
                        xl_d + xr_d if (xl_d + xr_d) > numpy.float32(0) else negative_slope*(xl_d
                        + xr_d)
                    )
                    t0 = att_d*ds_e*p0
                    dxl_d = t0
                    dxr_d = t0
                    datt_d = ds_e*p1
                    dxr[i, h, c] += dxr_d
                    datt[part, h, c] += datt_d
                    mine[j, h, c] += dxl_msg_d + dxl_d


# Compiled with arguments that do not overlap (_Disjoint): its loops over the heads write
# lanes and read others, and Numba's default checked their overlap at run time. At 1M edges
# with 8 heads of 8 channels this took the loop from 153 to 135 ms and the forward's from 88
# to 82 (medians of 10 calls alternating with the default's in one process; on a busier host,
# 207 to 167 and 100 to 90). The head-major kernels gained nothing, and keep the default.
@numba.njit(
    cache=True, nogil=True, fastmath=FASTMATH, error_model="numpy", pipeline_class=_Disjoint
)
def _gatv2_backward_part_cm(
    dout, xl, xr, sources, offsets, att, bias, negative_slope, concat, weights, totals, work,
    part, parts,
):
    """_gatv2_backward_part on channel-major views (nodes, C, heads): per edge, every head
    at once. dxr and datt are summed over a target's edges in its lanes first (datt per edge
    in float64 took the loop from 105 to 150 ms at 1M edges), then added to the part's."""
    dxl, dxr, datt, dbias, alphas, dss, dalphas, ds, daggs, dxrs, datts, wide = work
    alphas, dss, dalphas, ds = alphas[part], dss[part], dalphas[part], ds[part]
    daggs, dxrs, datts, wide = daggs[part], dxrs[part], datts[part], wide[part]
    mine, (nodes, channels, heads) = dxl[part], xl.shape
    heads_averaged = 1 if concat else heads
    chunk = (nodes + parts - 1) // parts
    for i in range(part * chunk, min(nodes, part * chunk + chunk)):
        start, stop = offsets[i], offsets[i + 1]
        for g in range(dout.shape[1]):
            for c in range(channels):
                dout_d = dout[i, g, c]
                dagg_d = dout_d
                dbias_d = dout_d
                dtotal_d = dagg_d/heads_averaged
                dbias[part, g, c] += dbias_d
                for h in range(g, g + 1 if concat else heads):  # the heads this column sums
                    daggs[c, h] = dtotal_d
        for h in range(heads):
            wide[0, h], wide[1, h] = totals[1, i, h], 0.0  # Z_i, and Σ_e ∂/∂Z_i
        for e in range(start, stop):
            if e + AHEAD < sources.size:  # the row of a source AHEAD edges on
                _prefetch_row(xl, sources[e + AHEAD])
            j = sources[e]
            for h in range(heads):
                dalphas[h] = 0.0
            for c in range(channels):
                for h in range(heads):
                    dagg_d, xl_d = daggs[c, h], xl[j, c, h]
                    dalpha_ed = dagg_d*xl_d
                    dalphas[h] += dalpha_ed
            for h in range(heads):
                dalpha_e, w_e, Z_i = dalphas[h], weights[e, h], wide[0, h]
                dw_e = dalpha_e/Z_i
                dZ_e = -dalpha_e*w_e/Z_i**2
                ds[e - start, h] = dw_e
                wide[1, h] += dZ_e
        for c in range(channels):
            for h in range(heads):
                dxrs[c, h], datts[c, h] = 0.0, 0.0
        for e in range(start, stop):
            # The row this part scatters into AHEAD edges on (see _gatv2_backward_part).
            if e + AHEAD < sources.size:
                _prefetch_row(mine, sources[e + AHEAD])
            j = sources[e]
            for h in range(heads):
                w_e, Z_i, dw_total = weights[e, h], wide[0, h], ds[e - start, h] + wide[1, h]
                alpha_e = w_e/Z_i
                ds_e = dw_total*w_e
                alphas[h], dss[h] = alpha_e, ds_e
            for c in range(channels):
                for h in range(heads):
                    alpha_e, ds_e, dagg_d = alphas[h], dss[h], daggs[c, h]
                    xl_d, xr_d, att_d = xl[j, c, h], xr[i, c, h], att[c, h]
                    dxl_msg_d = alpha_e*dagg_d
                    p0 = numpy.float32(1) if (xl_d + xr_d) > numpy.float32(0) else negative_slope
                    p1 = (
                        xl_d + xr_d if (xl_d + xr_d) > numpy.float32(0) else negative_slope*(xl_d
                        + xr_d)
                    )
                    t0 = att_d*ds_e*p0
                    dxl_d = t0
                    dxr_d = t0
                    datt_d = ds_e*p1
                    dxrs[c, h] += dxr_d
                    datts[c, h] += datt_d
                    mine[j, c, h] += dxl_msg_d + dxl_d
        for c in range(channels):
            for h in range(heads):
                dxr[i, c, h] += dxrs[c, h]
                datt[part, c, h] += datts[c, h]
