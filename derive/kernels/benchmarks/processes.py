"""What benchmarks measure in separate processes — Numba compile time (cold, then with the
on-disk cache) and the peak memory of a backward — and the scaling-exponent fit."""

from __future__ import annotations

import json
import math
import os
import subprocess
import sys
import tempfile

COMPILE_SNIPPET = """
import time, numpy
start = time.perf_counter()
from derive_kernels import {module} as kernels
imported = time.perf_counter()
from derive.kernels.benchmarks.{family} import first_call, smoke  # not what a user imports
helpers = time.perf_counter()
first_call(kernels)
first = time.perf_counter()
smoke(kernels)
print(imported - start, first - helpers, time.perf_counter() - first)
"""

MEMORY_SNIPPET = """
import gc, json, numpy
from derive_kernels import {module} as kernels
from derive.kernels.benchmarks.{family} import smoke, memory_case

def status(field):
    with open("/proc/self/status") as lines:
        return next(int(l.split()[1]) * 1024 for l in lines if l.startswith(field + ":"))

smoke(kernels)
arrays, call = memory_case(kernels)
gc.collect()
try:  # Linux resets the peak (VmHWM) to the current resident size on "5"
    with open("/proc/self/clear_refs", "w") as clear:
        clear.write("5")
    reset = True
except OSError:
    reset = False
before, peak_before = status("VmRSS"), status("VmHWM")
call()
peak = status("VmHWM")
inputs = sum(a.nbytes for a in arrays if a is not None)
found = dict(inputs=inputs, before=before, peak_before=peak_before, peak=peak, reset=reset)
print(json.dumps(found))
"""


ROWS_SNIPPET = """
import json
from derive.kernels.benchmarks.{family} import {function}
rows = {function}(*{arguments})
fields = ("kernel", "case", "what", "implementation", "note")
print(json.dumps([dict({{f: getattr(r, f) for f in fields}}, timing=r.timing and vars(r.timing))
                  for r in rows]))
"""


def _python(snippet: str, env: dict) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-c", snippet],
        capture_output=True,
        text=True,
        env={**os.environ, **env},
        check=True,
    )


def compile_times(module: str, family: str) -> dict:
    """Seconds to import the kernel module and make a user's first call (benchmarks/<family>'s
    first_call: one forward+backward in float32), and to then call every other compiled path
    (its smoke), with an empty Numba cache ("cold") and again in a new process ("cached")."""
    snippet = COMPILE_SNIPPET.format(module=module, family=family)
    with tempfile.TemporaryDirectory() as cache:
        env = {"NUMBA_CACHE_DIR": cache, "NUMBA_DEBUG_CACHE": "1"}
        cold, cached = _python(snippet, env), _python(snippet, env)
    parts = [[float(v) for v in r.stdout.strip().splitlines()[-1].split()] for r in (cold, cached)]
    return {
        "first_cold_s": parts[0][0] + parts[0][1],
        "first_cached_s": parts[1][0] + parts[1][1],
        "cold_s": sum(parts[0]),
        "cached_s": sum(parts[1]),
        "compiled_in_second_process": cached.stdout.count("data saved"),
    }


def backward_memory(module: str, family: str) -> dict:
    """Peak resident memory a backward adds, against the size of its inputs."""
    snippet = MEMORY_SNIPPET.format(module=module, family=family)
    found = json.loads(_python(snippet, {}).stdout.strip().splitlines()[-1])
    extra = found["peak"] - found["before"]
    # Without the reset, a peak reached before the call hides the backward's own.
    measurable = found["reset"] or found["peak"] > found["peak_before"]
    return {
        "inputs_bytes": found["inputs"],
        "peak_extra_bytes": extra if measurable else None,
        "ratio_to_inputs": extra / found["inputs"] if measurable else None,
    }


def rows_with_env(family: str, function: str, arguments: tuple, env: dict) -> list:
    """The rows `function(*arguments)` (arguments: literals) of benchmarks/<family>.py times
    in a new process that starts with `env` (settings such as OMP_WAIT_POLICY are read once,
    when a library loads), as dicts of the Row fields (timing: the Timing fields, or None)."""
    snippet = ROWS_SNIPPET.format(family=family, function=function, arguments=repr(arguments))
    return json.loads(_python(snippet, env).stdout.strip().splitlines()[-1])


def exponent(sizes, seconds) -> float:
    """Least-squares slope of log(seconds) against log(size)."""
    xs, ys = [math.log(s) for s in sizes], [math.log(t) for t in seconds]
    mean_x, mean_y = sum(xs) / len(xs), sum(ys) / len(ys)
    spread = sum((x - mean_x) ** 2 for x in xs)
    return sum((x - mean_x) * (y - mean_y) for x, y in zip(xs, ys, strict=True)) / spread
