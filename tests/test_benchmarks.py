"""Benchmark plumbing: timing statistics, ratios, the exponent fit, and the output formats."""

import dataclasses
import json
import math
import sys

import pytest

from derive.kernels.benchmarks import Results, Row, Timing, gat, time_it, training
from derive.kernels.benchmarks.output import render_json, render_markdown, render_table
from derive.kernels.benchmarks.processes import exponent


def _results() -> Results:
    machine = {
        "threads": 2,
        "threading_layer": "workqueue",
        "copy_bytes_per_s": 4e10,
        "triad_bytes_per_s": 3e10,
        "exp_per_s": 1.7e9,
        "matmul_flop_per_s": 1.5e11,
    }
    rows = [
        Row("scan", "small", "fwd", "numba", Timing(0.010, 0.009, 0.012, 5), bound=0.005),
        Row("scan", "small", "fwd", "torch ref", Timing(0.300, 0.29, 0.31, 5)),
        Row("scan", "small", "fwd+bwd", "torch ref", None, note="not run"),
    ]
    return Results(
        machine=machine,
        rows=rows,
        compile={
            "scan": {
                "first_cold_s": 4.25,
                "first_cached_s": 0.2,
                "cold_s": 8.5,
                "cached_s": 0.3,
                "compiled_in_second_process": 0,
            }
        },
    )


def test_time_it_reports_median_and_range():
    timing = time_it(lambda: sum(range(1000)), repeats=5)
    assert timing.low <= timing.median <= timing.high and timing.repeats == 5


def test_ratios_pair_peers_with_our_implementations():
    assert _results().ratios() == [("scan", "small", "fwd", "torch ref", "numba", 30.0)]


def test_fraction_of_the_lower_bound():
    assert _results().rows[0].fraction == 0.5


def test_exponent_of_a_power_law_is_recovered():
    sizes = [256, 512, 1024, 2048]
    assert abs(exponent(sizes, [3e-9 * s**1.5 for s in sizes]) - 1.5) < 1e-12


def test_outputs_name_every_row_and_ratio():
    results = _results()
    table, markdown = render_table(results), render_markdown(results)
    assert "30.0×" in table and "| scan | small | fwd | torch ref | numba | 30.0× |" in markdown
    assert "not run" in table and "(float32) cold 4.25 s, cached 0.20 s" in table
    assert "option) cold 8.50 s, cached 0.30 s" in table
    data = json.loads(render_json(results))
    assert data["ratios"][0]["ratio"] == 30.0 and len(data["rows"]) == 3


TINY_SSM = (2, 16, 4, 12)  # batch, d_model, N, L
TINY_GRAPH = (30, 90, 12, 3)  # nodes, edges, features, classes


def _gradients(torch, loss, parameters):
    for p in parameters:
        p.grad = None
    loss().backward()
    return [p.grad.clone() for p in parameters]


def test_ssm_models_agree_in_loss_and_gradients():
    torch = pytest.importorskip("torch")
    models = training.ssm_models(torch, TINY_SSM)
    (ours, ours_p), (ref, ref_p) = models["numba"], models["torch ref"]
    losses = [float(loss().detach()) for loss in (ours, ref)]
    assert math.isclose(*losses, rel_tol=training.LOSS_RTOL)
    for mine, theirs in zip(_gradients(torch, ours, ours_p), _gradients(torch, ref, ref_p)):
        assert torch.allclose(mine, theirs, rtol=1e-3, atol=1e-5)


def test_gat_models_agree_in_logits_and_gradients():
    torch = pytest.importorskip("torch")
    pytest.importorskip("torch_geometric")
    models = training.gat_models(torch, TINY_GRAPH)
    (ours, ours_loss, ours_p), (pyg, pyg_loss, pyg_p) = models.values()
    assert torch.allclose(ours(), pyg(), atol=training.LOGITS_ATOL)
    grads = zip(_gradients(torch, ours_loss, ours_p), _gradients(torch, pyg_loss, pyg_p))
    assert all(torch.allclose(mine, theirs, atol=1e-5) for mine, theirs in grads)


def test_training_rows_pair_and_render():
    pytest.importorskip("torch")
    pytest.importorskip("torch_geometric")
    rows = training.ssm_rows(True, TINY_SSM) + training.gat_rows(True, TINY_GRAPH)
    results = Results(machine=_results().machine, rows=rows)
    assert [r[3] for r in results.ratios()] == ["torch ref", "PyG GATv2Conv"]
    table = render_table(results)
    assert "train step" in table and "2-layer model: 30 nodes, 90 edges + loops" in table
    assert len(json.loads(render_json(results))["rows"]) == 4


def test_training_rows_are_skipped_without_torch(monkeypatch):
    monkeypatch.setitem(sys.modules, "torch", None)  # import torch now raises ImportError
    (ssm,) = training.ssm_rows(True, TINY_SSM)
    (gat,) = training.gat_rows(True, TINY_GRAPH)
    assert ssm.timing is None and ssm.note == "torch not installed"
    assert gat.timing is None and gat.note == "torch_geometric not installed"


def test_multi_head_gat_rows_say_their_heads():
    assert gat._label("Cora-size", gat.CASES["Cora-size"], 1).endswith("1433→64")
    label = gat._label("Cora-size", gat.CASES["Cora-size"], 8)
    assert label.endswith("1433→64 (heads 8×8, concat)")


def test_passive_rows_time_both_models_in_a_process_with_the_setting():
    pytest.importorskip("torch")
    pytest.importorskip("torch_geometric")
    rows = training.passive_rows("gat_rows", True, TINY_GRAPH)
    assert [r.implementation for r in rows] == ["numba", "PyG GATv2Conv"]
    assert all(r.case.endswith(", OMP_WAIT_POLICY=PASSIVE") and r.timing.median > 0 for r in rows)
    results = Results(machine=_results().machine, rows=rows)
    assert [r[3] for r in results.ratios()] == ["PyG GATv2Conv"]  # paired with each other only


def test_rows_with_env_hands_the_setting_to_the_new_process(monkeypatch):
    from derive.kernels.benchmarks import processes

    seen = {}
    monkeypatch.setattr(processes, "_python", lambda s, env: seen.update(env) or _Done())
    assert processes.rows_with_env("training", "gat_rows", (True,), {"X": "1"}) == []
    assert seen == {"X": "1"}


class _Done:
    stdout = "[]\n"


def test_a_row_faster_than_its_lower_bound_is_flagged():
    results = _results()
    assert "less than its lower bound" not in render_table(results)
    fast = dataclasses.replace(results.rows[0], timing=Timing(0.004, 0.004, 0.004, 5))
    results = dataclasses.replace(results, rows=[fast, *results.rows[1:]])
    table = render_table(results)
    assert "scan small fwd (numba) took 4.0 ms, less than its lower bound of 5.0 ms" in table


def test_bounds_use_the_faster_rates_measured_around_their_rows(monkeypatch):
    from derive.kernels.benchmarks import machine

    measured = iter(
        [
            {"exp_per_s": 1e9, "bytes_per_s": 4e10, "matmul_flop_per_s": 2e11, "threads": 2},
            {"exp_per_s": 2e9, "bytes_per_s": 3e10, "matmul_flop_per_s": 1e11, "threads": 2},
        ]
    )
    monkeypatch.setattr(machine, "limits", lambda quick: next(measured))
    timed = []

    def rows():
        timed.append("rows")  # timed between the two measurements
        return [Row("scan", "small", "fwd", "numba", Timing(0.01, 0.01, 0.01, 5))]

    def bound_of(rates, passes):
        assert timed == ["rows"] and passes == 1  # a forward row
        return 1e7 / rates["exp_per_s"]

    (row,) = machine.bounded(rows, bound_of, quick=True)
    assert row.rates == {"exp_per_s": 2e9, "bytes_per_s": 4e10, "matmul_flop_per_s": 2e11}
    assert row.bound == 0.005 and row.fraction == 0.5
    assert json.loads(render_json(Results(rows=[row])))["rows"][0]["rates"] == row.rates
