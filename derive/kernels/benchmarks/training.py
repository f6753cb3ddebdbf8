"""End-to-end training steps: a small model on a generated PyTorch wrapper against the same model
on its peer, from the same initial weights and inputs, checked to agree before it is timed.

One step is zero_grad, forward, loss, backward and an AdamW step; each implementation gets one
Row (what = "train step"), so `Results.ratios` pairs them like the kernel rows. Torch is
imported inside the functions: without it (or torch_geometric) the rows are skipped with a note.
"""

from __future__ import annotations

import functools
import math

import numpy

from derive.kernels.benchmarks import Row, Timing, time_it
from derive.kernels.benchmarks.peers import torch_selective_scan

# (batch, d_model, N, L); the scan's dim is d_model (Mamba's expand = 1, not 2), which halves
# the reference's L²-growing backward (~0.5 min a step at L 1024 on this machine class).
SSM_CASE = (2, 256, 16, 1024)
SSM_QUICK_CASE = (2, 256, 16, 128)
GAT_CASE = (2708, 10556, 1433, 7)  # Cora-size: nodes, edges, features, classes
GAT_HIDDEN, GAT_HEADS = 8, 8
LOSS_RTOL = 1e-4  # float32 losses of the two implementations
LOGITS_ATOL = 1e-4
LR = 1e-3
WHAT = "train step"


def ssm_parameters(torch, d_model: int, n: int, seed: int = 0) -> dict:
    """Mamba's projections without the conv: in_proj → (u, z), x_proj → (Δ rank, B, C), dt_proj."""
    generator = torch.Generator().manual_seed(seed)
    dim, rank = d_model, math.ceil(d_model / 16)

    def linear(out, inp):
        return torch.randn(out, inp, generator=generator) * inp**-0.5

    dt = torch.exp(torch.rand(dim, generator=generator) * math.log(100) + math.log(1e-3))
    return {
        "in_proj": linear(2 * dim, d_model),
        "x_proj": linear(rank + 2 * n, dim),
        "dt_proj": linear(dim, rank),
        "delta_bias": dt + torch.log(-torch.expm1(-dt)),  # softplus⁻¹(dt), dt in [1e-3, 0.1]
        "A_log": torch.log(torch.arange(1, n + 1, dtype=torch.float32)).repeat(dim, 1),
        "D": torch.ones(dim),
        "out_proj": linear(d_model, dim),
    }


def ssm_forward(scan, p: dict, x):
    """x (batch, L, d_model) → (batch, L, d_model) through one selective-SSM layer."""
    u, z = (x @ p["in_proj"].T).transpose(1, 2).chunk(2, dim=1)
    rank, n = p["dt_proj"].shape[1], p["A_log"].shape[1]
    dt, B, C = (u.transpose(1, 2) @ p["x_proj"].T).split([rank, n, n], dim=-1)
    delta = (dt @ p["dt_proj"].T).transpose(1, 2)
    A = -p["A_log"].exp()
    B, C = B.transpose(1, 2).contiguous(), C.transpose(1, 2).contiguous()
    y = scan(u.contiguous(), delta.contiguous(), A, B, C, p["D"], z.contiguous(), p["delta_bias"])
    return y.transpose(1, 2) @ p["out_proj"].T


def ssm_models(torch, case, seed: int = 0) -> dict:
    """{implementation: (loss function, parameters)} for ours and the reference, same weights."""
    from derive_kernels.torch_selective_ssm import selective_scan_fn

    batch, d_model, n, length = case
    generator = torch.Generator().manual_seed(seed + 1)
    x = torch.randn(batch, length, d_model, generator=generator)
    target = torch.randn(batch, length, d_model, generator=generator)
    initial = ssm_parameters(torch, d_model, n, seed)
    scans = {
        "numba": selective_scan_fn,
        "torch ref": functools.partial(torch_selective_scan, torch),
    }
    models = {}
    for name, scan in scans.items():
        p = {k: v.clone().requires_grad_(True) for k, v in initial.items()}
        scan = functools.partial(scan, delta_softplus=True)
        loss = functools.partial(_mse, torch, ssm_forward, scan, p, x, target)
        models[name] = (loss, list(p.values()))
    return models


def _mse(torch, forward, scan, p, x, target):
    return torch.nn.functional.mse_loss(forward(scan, p, x), target)


def train_step(torch, loss, parameters):
    """One zero_grad/forward/backward/AdamW step, as a function of nothing."""
    optimizer = torch.optim.AdamW(parameters, lr=LR)

    def step():
        optimizer.zero_grad()
        loss().backward()
        optimizer.step()

    return step


# torch's OpenMP threads spin after each parallel region, by default; on a machine with few
# cores they then take cores from the kernels' own threads (and Numba's from torch's). The
# passive policy makes idle threads sleep at once. Both models are timed again with it, in a
# fresh process, since OpenMP reads it when torch loads.
PASSIVE = {"OMP_WAIT_POLICY": "PASSIVE"}


def passive_rows(function: str, *arguments) -> list[Row]:
    """The rows of `function(*arguments)` (gat_rows or ssm_rows), timed in a new process
    with PASSIVE set; their case names the setting, so each pair is compared only with itself."""
    from derive.kernels.benchmarks.processes import rows_with_env

    found = rows_with_env("training", function, arguments, PASSIVE)
    for row in found:
        row["case"] += ", OMP_WAIT_POLICY=PASSIVE"
        row["timing"] = row["timing"] and Timing(**row["timing"])
    return [Row(**row) for row in found]


def ssm_rows(quick: bool, case=None) -> list[Row]:
    """Train-step rows of the selective-SSM model: selective_scan_fn vs the torch reference."""
    case = case or (SSM_QUICK_CASE if quick else SSM_CASE)
    batch, d_model, n, length = case
    label = f"model: d_model {d_model}, dim {d_model}, N {n}, L {length}, batch {batch}"
    try:
        import torch
    except ImportError:
        return [Row("selective_ssm", label, WHAT, "torch ref", None, note="torch not installed")]
    models = ssm_models(torch, case)
    with torch.no_grad():
        losses = [float(loss()) for loss, _ in models.values()]
    assert math.isclose(*losses, rel_tol=LOSS_RTOL), f"losses differ: {losses}"
    ours, reference = (train_step(torch, *models[k]) for k in ("numba", "torch ref"))
    once = not quick  # the reference's backward grows with L² (PERF_NOTES)
    slow = time_it(reference, 1, warmup=0) if once else time_it(reference)
    row = functools.partial(Row, "selective_ssm", label, WHAT)
    return [
        row("numba", time_it(ours), note="selective_scan_fn, AdamW"),
        row("torch ref", slow, note="one run: its backward grows with L²" if once else ""),
    ]


def gat_graph(torch, case, seed: int = 0):
    """Seeded synthetic graph: features, edge_index (2, edges) and a class per node."""
    nodes, edges, features, classes = case
    rng = numpy.random.default_rng(seed)
    x = torch.from_numpy(rng.standard_normal((nodes, features), numpy.float32))
    edge_index = torch.from_numpy(rng.integers(0, nodes, (2, edges)))
    return x, edge_index, torch.from_numpy(rng.integers(0, classes, nodes))


def gat_model(torch, conv, features: int, classes: int):
    """Two GATv2 layers: heads 8 × 8 concatenated (64), then one head to the classes."""
    first = conv(features, GAT_HIDDEN, heads=GAT_HEADS, concat=True)
    return torch.nn.ModuleList([first, conv(GAT_HIDDEN * GAT_HEADS, classes, heads=1)])


def gat_logits(torch, layers, x, edge_index):
    """Forward with self loops (both layers' default) and an ELU between the layers."""
    return layers[1](torch.nn.functional.elu(layers[0](x, edge_index)), edge_index)


def gat_models(torch, case, seed: int = 0) -> dict:
    """{implementation: (logits, loss, parameters)}: ours loads PyG's initial state dict."""
    from derive_kernels.torch_gatv2 import GATv2Conv
    from torch_geometric.nn import GATv2Conv as PyGConv

    x, edge_index, labels = gat_graph(torch, case, seed)
    torch.manual_seed(seed)
    pyg = gat_model(torch, PyGConv, case[2], case[3])
    ours = gat_model(torch, GATv2Conv, case[2], case[3])
    ours.load_state_dict(pyg.state_dict())
    models = {}
    for name, layers in (("numba", ours), ("PyG GATv2Conv", pyg)):
        logits = functools.partial(gat_logits, torch, layers, x, edge_index)
        loss = functools.partial(_cross_entropy, torch, logits, labels)
        models[name] = (logits, loss, list(layers.parameters()))
    return models


def _cross_entropy(torch, logits, labels):
    return torch.nn.functional.cross_entropy(logits(), labels)


def gat_rows(quick: bool, case=GAT_CASE) -> list[Row]:
    """Train-step rows of the 2-layer GATv2: derive_kernels' GATv2Conv vs PyG's."""
    nodes, edges, features, classes = case
    label = f"2-layer model: {nodes} nodes, {edges} edges + loops, {features}→8×8→{classes}"
    try:
        import torch
        import torch_geometric  # noqa: F401 - the peer
    except ImportError:
        note = "torch_geometric not installed"
        return [Row("gatv2", label, WHAT, "PyG GATv2Conv", None, note=note)]
    models = gat_models(torch, case)
    with torch.no_grad():
        ours, pyg = (logits() for logits, _, _ in models.values())
    assert torch.allclose(ours, pyg, atol=LOGITS_ATOL), "logits differ"
    steps = {name: train_step(torch, loss, p) for name, (_, loss, p) in models.items()}
    notes = {"numba": "derive_kernels.torch_gatv2.GATv2Conv, AdamW", "PyG GATv2Conv": ""}
    return [Row("gatv2", label, WHAT, k, time_it(s), note=notes[k]) for k, s in steps.items()]
