"""Benchmark of the GATv2 layer against torch_geometric's GATv2Conv with autograd.

Lower bound: the dense projections at the measured matmul rate (forward: two products of
nodes × H × D; forward+backward three times as much), or the edge traffic — per edge, a row
of D floats gathered from each endpoint and one scattered back — at the measured bandwidth.
"""

from __future__ import annotations

import functools
import itertools

import numpy

from derive.kernels.benchmarks import Row, benchmark, time_it
from derive.kernels.benchmarks.machine import bounded
from derive.kernels.benchmarks.processes import compile_times, exponent
from derive.kernels.benchmarks.training import gat_rows, passive_rows

CASES = {"Cora-size": (2708, 10556, 1433, 64), "1M edges": (100_000, 1_000_000, 128, 64)}
SCALING_EDGES = (125_000, 250_000, 500_000, 1_000_000)
SLOPE = 0.2
HEADS = (1, 8)  # heads 8 concatenates 8 heads of width // 8 (PyG's usual GAT setting)


def gat_inputs(case, seed: int = 0):
    nodes, edges, features, width = case
    rng = numpy.random.default_rng(seed)
    f32 = numpy.float32
    scale = f32(features**-0.5)
    return [
        rng.standard_normal((nodes, features), f32),
        rng.integers(0, nodes, (2, edges)),
        rng.standard_normal((width, features), f32) * scale,
        numpy.zeros(width, f32),
        rng.standard_normal((width, features), f32) * scale,
        numpy.zeros(width, f32),
        rng.standard_normal(width, f32) * f32(width**-0.5),
        numpy.zeros(width, f32),
    ]


def gat_bound(case, limits: dict, passes: int) -> float:
    nodes, edges, features, width = case
    flops = 2 * 2 * nodes * features * width * (1 if passes == 1 else 3)
    moved = 4 * 3 * edges * width * passes
    return max(flops / limits["matmul_flop_per_s"], moved / limits["bytes_per_s"])


def _label(name, case, heads: int) -> str:
    nodes, edges, features, width = case
    label = f"{name}: {nodes} nodes, {edges} edges, {features}→{width}"
    return label if heads == 1 else f"{label} (heads {heads}×{width // heads}, concat)"


@benchmark("gatv2")
def bench_gatv2(results, quick: bool) -> None:
    from derive_kernels import gatv2, gatv2_numba

    cases = dict(list(CASES.items())[:1]) if quick else CASES
    for (name, case), heads in itertools.product(cases.items(), HEADS):
        arrays = gat_inputs(case)
        label = _label(name, case, heads)
        for implementation, module in (("numba", gatv2_numba), ("numpy", gatv2)):
            timed = functools.partial(_ours, implementation, module, label, arrays, heads)
            results.rows += bounded(timed, functools.partial(gat_bound, case), quick)
        results.rows += _pyg(label, arrays, heads)
    results.rows += gat_rows(quick)
    results.rows += passive_rows("gat_rows", quick)
    results.compile["gatv2"] = compile_times("gatv2_numba", "gat")
    if not quick:
        results.scaling["gatv2"] = scaling(gatv2_numba)


def _both(module, arrays, heads: int = 1):
    dout = numpy.ones((arrays[0].shape[0], arrays[2].shape[0]), arrays[0].dtype)

    def both():  # as autograd does: the backward reuses what the forward computed
        _, saved = module.gatv2_forward(*arrays, SLOPE, False, heads=heads, save=True)
        module.gatv2_backward(dout, *arrays, SLOPE, False, heads=heads, saved=saved)

    return both


def _ours(implementation, module, label, arrays, heads) -> list[Row]:
    forward = lambda: module.gatv2_forward(*arrays, SLOPE, False, heads=heads)  # noqa: E731
    repeats = 5 if implementation == "numba" else 2
    row = functools.partial(Row, "gatv2", label, implementation=implementation)
    return [
        row(what="fwd", timing=time_it(forward, repeats)),
        row(what="fwd+bwd", timing=time_it(_both(module, arrays, heads), repeats)),
    ]


def _pyg(label, arrays, heads: int) -> list[Row]:
    try:
        import torch
        from torch_geometric.nn import GATv2Conv
    except ImportError:
        return [
            Row("gatv2", label, "fwd", "PyG GATv2Conv", None, note="torch_geometric not installed")
        ]
    x, edge_index, W_l, b_l, W_r, b_r, att, bias = arrays
    conv = GATv2Conv(
        x.shape[1],
        W_l.shape[0] // heads,
        heads=heads,
        share_weights=False,
        add_self_loops=False,
        negative_slope=SLOPE,
    )
    with torch.no_grad():
        for parameter, value in (
            (conv.lin_l.weight, W_l),
            (conv.lin_l.bias, b_l),
            (conv.lin_r.weight, W_r),
            (conv.lin_r.bias, b_r),
            (conv.att, att.reshape(1, heads, -1)),
            (conv.bias, bias),
        ):
            parameter.copy_(torch.from_numpy(value))
    tx, tedges = torch.from_numpy(x).requires_grad_(True), torch.from_numpy(edge_index)

    def forward():
        with torch.no_grad():
            conv(tx, tedges)

    def both():
        out = conv(tx, tedges)
        out.backward(torch.ones_like(out))

    return [
        Row("gatv2", label, "fwd", "PyG GATv2Conv", time_it(forward)),
        Row("gatv2", label, "fwd+bwd", "PyG GATv2Conv", time_it(both)),
    ]


def first_call(kernels) -> None:
    """A user's first forward+backward: float32, one head, PyG's default self loops."""
    arrays = [
        a if k == 1 else a.astype(numpy.float32) for k, a in enumerate(gat_inputs((5, 9, 3, 2)))
    ]
    out, saved = kernels.gatv2_forward(*arrays, SLOPE, True, save=True)
    kernels.gatv2_backward(numpy.ones_like(out), *arrays, SLOPE, True, saved=saved)


def smoke(kernels) -> None:
    """Call every compiled path once on a tiny graph, in float32 and float64."""
    for dtype in (numpy.float32, numpy.float64):
        arrays = [a if k == 1 else a.astype(dtype) for k, a in enumerate(gat_inputs((5, 9, 3, 2)))]
        for loops in (False, True):
            out = kernels.gatv2_forward(*arrays, SLOPE, loops)
            kernels.gatv2_backward(numpy.ones_like(out), *arrays, SLOPE, loops)


def scaling(kernels) -> dict:
    """fwd+bwd seconds at four edge counts (100k nodes, 128→64) and the fitted exponent."""
    seconds = [
        time_it(_both(kernels, gat_inputs((100_000, e, 128, 64))), 3).median for e in SCALING_EDGES
    ]
    return {
        "axis": "E",
        "sizes": list(SCALING_EDGES),
        "seconds": seconds,
        "exponent": exponent(SCALING_EDGES, seconds),
    }
