"""Benchmark of the selective scan against a PyTorch `selective_scan_ref` with autograd.

Lower bound of the forward: every one of the batch·dim·L·N exponentials at the measured
vectorised exp rate, or the inputs read and the output written at the measured bandwidth,
whichever is slower. Forward+backward needs those exponentials at least twice.
"""

from __future__ import annotations

import functools

import numpy

from derive.kernels.benchmarks import Row, benchmark, time_it
from derive.kernels.benchmarks.machine import bounded
from derive.kernels.benchmarks.peers import torch_selective_scan
from derive.kernels.benchmarks.processes import backward_memory, compile_times, exponent
from derive.kernels.benchmarks.training import ssm_rows

CASES = ((1, 256, 16, 256), (1, 768, 16, 1024), (2, 1536, 16, 2048))
SCALING_LENGTHS = (256, 512, 1024, 2048)
CONFIGS = {"plain": False, "D,z,bias,softplus": True}
TORCH_BACKWARD_REPEATS = {0: 5, 1: 1}  # case index -> repeats; its backward grows with L²


def scan_inputs(case, full: bool, seed: int = 0) -> tuple[list, dict]:
    batch, dim, n, length = case
    rng = numpy.random.default_rng(seed)
    f32 = numpy.float32
    arrays = [
        rng.standard_normal((batch, dim, length), f32),
        rng.standard_normal((batch, dim, length), f32) * f32(0.5),
        -numpy.exp(rng.standard_normal((dim, n), f32) * f32(0.3)),
        rng.standard_normal((batch, n, length), f32),
        rng.standard_normal((batch, n, length), f32),
    ]
    optional = [
        rng.standard_normal(dim, f32),
        rng.standard_normal((batch, dim, length), f32),
        rng.standard_normal(dim, f32) * f32(0.1),
    ]
    arrays += optional if full else [None, None, None]
    if not full:
        # Without softplus, delta is the step itself: a negative step makes exp(ΔA) grow and
        # the states overflow float32 over a long sequence (and inf arithmetic times wrong).
        arrays[1] = numpy.abs(arrays[1])
    return arrays, {"delta_softplus": full}


def scan_bound(case, limits: dict, passes: int) -> float:
    batch, dim, n, length = case
    exps = batch * dim * length * n * passes
    moved = 4 * (4 * batch * dim * length + 2 * batch * n * length) * passes
    return max(exps / limits["exp_per_s"], moved / limits["bytes_per_s"])


def _label(case, config: str) -> str:
    return f"(batch, dim, N, L) = {case}, {config}"


@benchmark("selective_ssm")
def bench_selective_ssm(results, quick: bool) -> None:
    from derive_kernels import selective_ssm, selective_ssm_numba

    cases = CASES[:1] if quick else CASES
    for index, case in enumerate(cases):
        for config, full in CONFIGS.items():
            arrays, options = scan_inputs(case, full)
            label = _label(case, config)
            for name, module in (("numba", selective_ssm_numba), ("numpy", selective_ssm)):
                if name == "numpy" and index == len(CASES) - 1:
                    results.rows.append(
                        Row(
                            "selective_ssm",
                            label,
                            "fwd",
                            name,
                            None,
                            note="skipped at the largest size (minutes)",
                        )
                    )
                    continue
                timed = functools.partial(_ours, name, module, label, arrays, options)
                results.rows += bounded(timed, functools.partial(scan_bound, case), quick)
            results.rows += _torch(label, index, arrays, options)
    results.rows += ssm_rows(quick)
    results.compile["selective_ssm"] = compile_times("selective_ssm_numba", "scan")
    if not quick:
        results.scaling["selective_ssm"] = scaling(selective_ssm_numba)
        results.memory["selective_ssm"] = backward_memory("selective_ssm_numba", "scan")


def _ours(name, module, label, arrays, options) -> list[Row]:
    forward = lambda: module.selective_ssm_forward(*arrays, **options)  # noqa: E731
    dout = numpy.ones_like(arrays[0])

    def both():
        module.selective_ssm_forward(*arrays, **options)
        module.selective_ssm_backward(dout, *arrays, **options)

    repeats = 5 if name == "numba" else 2
    row = functools.partial(Row, "selective_ssm", label, implementation=name)
    return [
        row(what="fwd", timing=time_it(forward, repeats)),
        row(what="fwd+bwd", timing=time_it(both, repeats)),
    ]


def _torch(label, index, arrays, options) -> list[Row]:
    try:
        import torch
    except ImportError:
        return [Row("selective_ssm", label, "fwd", "torch ref", None, note="torch not installed")]
    row = functools.partial(Row, "selective_ssm", label, implementation="torch ref")
    tensors = [None if a is None else torch.from_numpy(a) for a in arrays]
    forward = time_it(lambda: torch_selective_scan(torch, *tensors, **options))
    repeats = TORCH_BACKWARD_REPEATS.get(index)
    if repeats is None:
        skipped = "not run: autograd through the L-step loop takes minutes here"
        return [row(what="fwd", timing=forward), row(what="fwd+bwd", timing=None, note=skipped)]
    leaves = [None if t is None else t.clone().requires_grad_(True) for t in tensors]

    def both():
        out = torch_selective_scan(torch, *leaves, **options)
        out.backward(torch.ones_like(out))

    timing = time_it(both, repeats, warmup=0 if repeats == 1 else 1)
    note = "" if repeats > 1 else "one run"
    return [row(what="fwd", timing=forward), row(what="fwd+bwd", timing=timing, note=note)]


def first_call(kernels) -> None:
    """A user's first forward+backward: float32, B and C (batch, N, L), no options."""
    arrays, options = scan_inputs((1, 2, 3, 5), False)
    arrays = [None if a is None else a.astype(numpy.float32) for a in arrays]
    out = kernels.selective_ssm_forward(*arrays, **options)
    kernels.selective_ssm_backward(numpy.ones_like(out), *arrays, **options)


def smoke(kernels) -> None:
    """Call every compiled path once on tiny inputs, in float32 and float64."""
    for dtype in (numpy.float32, numpy.float64):
        for full in (False, True):
            arrays, options = scan_inputs((1, 2, 3, 5), full)
            arrays = [None if a is None else a.astype(dtype) for a in arrays]
            out = kernels.selective_ssm_forward(*arrays, **options)
            kernels.selective_ssm_backward(numpy.ones_like(out), *arrays, **options)


def memory_case(kernels):
    """The largest case's backward, for the peak-memory measurement."""
    arrays, options = scan_inputs(CASES[-1], True)
    dout = numpy.ones_like(arrays[0])
    return [*arrays, dout], lambda: kernels.selective_ssm_backward(dout, *arrays, **options)


def _both(kernels, case):
    arrays, options = scan_inputs(case, True)
    dout = numpy.ones_like(arrays[0])

    def both():
        kernels.selective_ssm_forward(*arrays, **options)
        kernels.selective_ssm_backward(dout, *arrays, **options)

    return both


def scaling(kernels, dim: int = 256) -> dict:
    """fwd+bwd seconds at four lengths L, and the fitted exponent of time in L."""
    seconds = [
        time_it(_both(kernels, (1, dim, 16, length)), 3).median for length in SCALING_LENGTHS
    ]
    return {
        "axis": "L",
        "sizes": list(SCALING_LENGTHS),
        "seconds": seconds,
        "exponent": exponent(SCALING_LENGTHS, seconds),
    }
