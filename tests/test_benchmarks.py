"""Benchmark plumbing: timing statistics, ratios, the exponent fit, and the output formats."""

import json

from derive.kernels.benchmarks import Results, Row, Timing, time_it
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
        compile={"scan": {"cold_s": 8.5, "cached_s": 0.3, "compiled_in_second_process": 0}},
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
    assert "not run" in table and "cold 8.50 s, cached 0.30 s" in table
    data = json.loads(render_json(results))
    assert data["ratios"][0]["ratio"] == 30.0 and len(data["rows"]) == 3
