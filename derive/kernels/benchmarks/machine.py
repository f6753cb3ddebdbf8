"""This machine's limits, measured in the benchmark's own run: memory bandwidth and float32
exp and matmul throughput. Lower bounds of kernels are computed from these numbers."""

from __future__ import annotations

import dataclasses

import numba
import numpy

from derive.kernels.benchmarks import time_it


@numba.njit(parallel=True, cache=True)
def _copy(source, target):
    for i in numba.prange(source.size):
        target[i] = source[i]


@numba.njit(parallel=True, cache=True)
def _triad(a, b, c, scalar):
    for i in numba.prange(a.size):
        a[i] = b[i] + scalar * c[i]


def bandwidth(megabytes: int) -> dict:
    """Bytes per second moved by a parallel copy and a triad over float32 arrays."""
    n = megabytes * 2**20 // 4
    a, b, c = (numpy.ones(n, numpy.float32) for _ in range(3))
    copy = time_it(lambda: _copy(b, a)).median
    triad = time_it(lambda: _triad(a, b, c, numpy.float32(3.0))).median
    return {"copy_bytes_per_s": 2 * 4 * n / copy, "triad_bytes_per_s": 3 * 4 * n / triad}


def exp_throughput(count: int) -> dict:
    """float32 exponentials per second: NumPy's vectorised exp, and torch's when installed."""
    x = numpy.linspace(-10, 0, count, dtype=numpy.float32)
    out = numpy.empty_like(x)
    found = {"numpy_exp_per_s": count / time_it(lambda: numpy.exp(x, out=out)).median}
    try:
        import torch
    except ImportError:
        return found
    tx = torch.from_numpy(x)
    tout = torch.empty_like(tx)
    found["torch_exp_per_s"] = count / time_it(lambda: torch.exp(tx, out=tout)).median
    return found


def matmul_throughput(size: int) -> dict:
    a = numpy.ones((size, size), numpy.float32)
    seconds = time_it(lambda: a @ a).median
    return {"matmul_flop_per_s": 2 * size**3 / seconds}


def limits(quick: bool) -> dict:
    """All measured limits; `quick` uses smaller arrays."""
    found = {"threads": numba.get_num_threads(), "threading_layer": numba.config.THREADING_LAYER}
    found |= bandwidth(256 if quick else 1024)
    found |= exp_throughput(2**24 if quick else 2**26)
    found |= matmul_throughput(1024 if quick else 2048)
    found["exp_per_s"] = max(v for k, v in found.items() if k.endswith("exp_per_s"))
    found["bytes_per_s"] = max(found["copy_bytes_per_s"], found["triad_bytes_per_s"])
    return found


RATES = ("exp_per_s", "bytes_per_s", "matmul_flop_per_s")  # what the bounds are computed from
PASSES = {"fwd": 1, "fwd+bwd": 2}  # a row's passes: the forward, or forward and backward


def bounded(time_rows, bound_of, quick: bool) -> list:
    """The rows `time_rows()` times, each with its bound `bound_of(rates, passes)` computed from
    this machine's rates measured just before and just after them, per rate the faster of the
    two (the lower bound), and the row's passes (PASSES of its `what`). This host's speed drifts
    by up to 2x within minutes, so rates measured once, at the start of a run, may belong to
    other minutes than a row timed later (one run here measured exp at 1.96 G/s at its start;
    its scan rows, minutes later, ran 1.6 times as long as the same kernel had in an A/B minutes
    before)."""
    before = limits(quick)
    rows = time_rows()
    after = limits(quick)
    rates = {name: max(before[name], after[name]) for name in RATES}
    return [
        dataclasses.replace(row, bound=bound_of(rates, PASSES[row.what]), rates=rates)
        for row in rows
    ]
