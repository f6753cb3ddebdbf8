"""Benchmark results as a terminal table, Markdown and JSON; deterministic given the numbers."""

from __future__ import annotations

import dataclasses
import json

MS = 1000.0


def _ms(seconds) -> str:
    return "—" if seconds is None else f"{seconds * MS:.1f}"


def _rows(results) -> list[list[str]]:
    table = [
        [
            "kernel",
            "case",
            "what",
            "implementation",
            "median ms",
            "min–max ms",
            "bound ms",
            "fraction",
            "note",
        ]
    ]
    for r in results.rows:
        t = r.timing
        table.append(
            [
                r.kernel,
                r.case,
                r.what,
                r.implementation,
                _ms(t and t.median),
                f"{_ms(t and t.low)}–{_ms(t and t.high)}" if t else "—",
                _ms(r.bound),
                "—" if r.fraction is None else f"{r.fraction:.2f}",
                r.note,
            ]
        )
    return table


def _ratios(results) -> list[list[str]]:
    table = [["kernel", "case", "what", "peer", "ours", "peer/ours"]]
    for kernel, case, what, peer, ours, ratio in results.ratios():
        table.append([kernel, case, what, peer, ours, f"{ratio:.1f}×"])
    return table


def _extras(results) -> list[str]:
    lines = []
    for name, found in sorted(results.compile.items()):
        lines.append(
            f"{name} compile: first forward+backward (float32) cold {found['first_cold_s']:.2f} s,"
            f" cached {found['first_cached_s']:.2f} s; every path (float32 and float64, every"
            f" option) cold {found['cold_s']:.2f} s, cached {found['cached_s']:.2f} s"
            f" (functions recompiled in the second process: "
            f"{found['compiled_in_second_process']})"
        )
    for name, found in sorted(results.scaling.items()):
        pairs = ", ".join(f"{s}: {_ms(t)} ms" for s, t in zip(found["sizes"], found["seconds"]))
        lines.append(
            f"{name} scaling in {found['axis']}: {pairs}; exponent {found['exponent']:.2f}"
        )
    for name, found in sorted(results.memory.items()):
        ratio = found["ratio_to_inputs"]
        shown = "not measurable" if ratio is None else f"{ratio:.2f}× the inputs"
        lines.append(
            f"{name} backward peak extra memory: {shown} "
            f"(inputs {found['inputs_bytes'] / 2**20:.1f} MiB)"
        )
    return lines + _beaten_bounds(results) + list(results.notes)


def _beaten_bounds(results) -> list[str]:
    """A warning per row that ran faster than its lower bound: the machine's rates, measured
    just before and after the row, were then lower than the machine can do (a loaded host),
    and the fractions of that run are suspect."""
    return [
        f"warning: {r.kernel} {r.case} {r.what} ({r.implementation}) took"
        f" {_ms(r.timing.median)} ms, less than its lower bound of {_ms(r.bound)} ms: the"
        " machine's rates were measured under load, so this run's bounds and fractions are"
        " too high; rerun on a quiet machine"
        for r in results.rows
        if r.fraction is not None and r.fraction > 1
    ]


def _machine(results) -> list[str]:
    m = {k: v / 1e9 for k, v in results.machine.items() if isinstance(v, float)}
    copy, triad = m["copy_bytes_per_s"], m["triad_bytes_per_s"]
    bandwidth = f"copy {copy:.1f} GB/s, triad {triad:.1f} GB/s"
    rates = f"float32 exp {m['exp_per_s']:.2f} G/s; matmul {m['matmul_flop_per_s']:.0f} GFLOP/s"
    m = results.machine
    return [
        f"machine: {m['threads']} threads ({m['threading_layer']} layer); {bandwidth}; {rates}",
        "(at the start of the run; each row's bound uses the rates measured just before and"
        " after it, the faster of the two, in bench.json's `rates`)",
    ]


def _aligned(table) -> list[str]:
    widths = [max(len(row[k]) for row in table) for k in range(len(table[0]))]
    return [
        "  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip()
        for row in table
    ]


def render_table(results) -> str:
    lines = _machine(results) + [""] + _aligned(_rows(results)) + [""]
    lines += _aligned(_ratios(results)) + [""] + _extras(results)
    return "\n".join(lines) + "\n"


def _markdown(table) -> list[str]:
    head, *body = table
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    return lines + ["| " + " | ".join(row) + " |" for row in body]


def render_markdown(results) -> str:
    lines = ["# derive benchmark", "", *_machine(results), "", "## Timings", ""]
    lines += _markdown(_rows(results)) + ["", "## Ratios", ""] + _markdown(_ratios(results))
    lines += ["", "## Compile time, scaling, memory", ""] + [
        f"- {line}" for line in _extras(results)
    ]
    return "\n".join(lines) + "\n"


def render_json(results) -> str:
    data = dataclasses.asdict(results)
    data["ratios"] = [
        dict(zip(("kernel", "case", "what", "peer", "ours", "ratio"), r, strict=True))
        for r in results.ratios()
    ]
    return json.dumps(data, indent=2) + "\n"
