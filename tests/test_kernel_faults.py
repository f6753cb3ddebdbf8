"""Fault injection for every generated kernel, NumPy and Numba: NaN and inf propagate, zero-size
axes, non-contiguous inputs, extreme magnitudes, and wrong `saved` work. One `Kernel` record per
generated function pair drives every test: a new kernel is covered by adding it to KERNELS.

The reference for a fault is the NumPy kernel in float64 on the same values: where it gives NaN
or inf, no kernel may give a finite number. Inputs that could crash the process run in a child.
"""

from __future__ import annotations

import importlib
import subprocess
import sys
import textwrap
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy
import pytest

from derive.kernels.harnesses.attention import SLOPE
from derive.kernels.harnesses.scan import scan_inputs

CONTIGUOUS_RTOL = 1e-12  # a strided copy of the same values: the same sums, up to reassociation
# Inputs scaled so that products of two stay in range and longer ones may not.
MAGNITUDES = {numpy.float32: (1e-20, 1e15), numpy.float64: (1e-160, 1e100)}


@dataclass(frozen=True)
class Kernel:
    """A generated forward/backward pair: its inputs from sizes, and what faults may touch."""

    module: str
    name: str
    make: Callable  # (rng, sizes) -> list of float64 or integer arrays, in argument order
    sizes: dict
    options: dict = field(default_factory=dict)  # keywords of both forward and backward

    def inputs(self, sizes=None, dtype=numpy.float64, seed=0):
        arrays = self.make(numpy.random.default_rng(seed), {**self.sizes, **(sizes or {})})
        return [a.astype(dtype) if a.dtype.kind == "f" else a for a in arrays]

    def floats(self) -> list[int]:
        return [k for k, a in enumerate(self.inputs()) if a.dtype.kind == "f"]


def _normal(*shapes):
    return lambda rng, s: [rng.standard_normal(tuple(s[a] for a in axes)) for axes in shapes]


def _graph(rng, s):
    nodes, edges = s["nodes"], s["edges"] if s["nodes"] else 0
    arrays = _normal(("nodes", "H"), ("D", "H"), ("D",), ("D", "H"), ("D",), ("D",), ("D",))
    x, *rest = arrays(rng, s)
    return [x, rng.integers(0, max(nodes, 1), (2, edges)), *rest]


def _readout(rng, s):
    nodes, width = s["nodes"] if s["graphs"] else 0, s["D"]
    floats = _normal(("nodes", "D"), ("nodes", "D"), ("D", "2D"), ("D",), ("D", "2D"), ("D",))
    h, x, W_i, b_i, W_j, b_j = floats(rng, {**s, "2D": 2 * width})
    return [h, x, rng.integers(0, s["graphs"], nodes), W_i, b_i, W_j, b_j]


def _window(name, mode):
    return Kernel(
        "nn_library", name, _normal(("batch", "n"), ("k",)), {"batch": 3, "n": 6, "k": 3},
        {"mode": mode},
    )  # fmt: skip


LOOKUP = {"n": 4, "m": 3, "K": 5, "D": 3, "H": 2}
KERNELS = (
    Kernel(
        "selective_ssm", "selective_ssm",
        lambda rng, s: scan_inputs(rng, s), {"batch": 2, "dim": 3, "N": 4, "L": 5},
        {"delta_softplus": True},
    ),
    Kernel(
        "gatv2", "gatv2", _graph, {"nodes": 6, "H": 3, "D": 4, "edges": 12},
        {"negative_slope": SLOPE, "add_self_loops": True},
    ),
    Kernel("ggnn_readout", "ggnn_readout", _readout, {"nodes": 6, "D": 3, "graphs": 3},
           {"graphs": 3}),
    Kernel("nn_library", "nn_library_linear", _normal(("batch", "n"), ("m", "n")),
           {"batch": 3, "n": 5, "m": 4}),
    Kernel("nn_library", "nn_library_mse", _normal(("batch", "n"), ("batch", "n")),
           {"batch": 3, "n": 5}),
    Kernel("nn_library", "nn_library_add", _normal(("batch", "n"), ("n",)), {"batch": 3, "n": 5}),
    _window("nn_library_correlate", "valid"),
    _window("nn_library_correlate", "full"),
    _window("nn_library_convolve", "valid"),
    _window("nn_library_convolve", "full"),
    Kernel("soft_logic", "soft_logic_if", _normal(("n",), ("m",), ("m",)), LOOKUP),
    Kernel("soft_logic", "soft_logic_switch", _normal(("n", "K"), ("K", "m")), LOOKUP),
    Kernel("soft_logic", "soft_logic_lookup_dot", _normal(("n", "D"), ("K", "D"), ("K", "m")),
           LOOKUP),
    Kernel("soft_logic", "soft_logic_lookup_general",
           _normal(("n", "D"), ("K", "D"), ("K", "m"), ("D", "D")), LOOKUP),
    Kernel("soft_logic", "soft_logic_lookup_concat",
           _normal(("n", "D"), ("K", "D"), ("K", "m"), ("H", "2D"), ("H",)),
           {**LOOKUP, "2D": 2 * LOOKUP["D"]}),
)  # fmt: skip
VARIANTS = ("", "_numba")


def _id(kernel: Kernel) -> str:
    mode = kernel.options.get("mode")
    return f"{kernel.name}-{mode}" if mode else kernel.name


def _module(kernel: Kernel, variant: str):
    return importlib.import_module(f"derive_kernels.{kernel.module}{variant}")


def _run(kernel: Kernel, variant: str, inputs, dout=None):
    """(out, grads) of the kernel; dout defaults to ones; numpy's warnings are expected here."""
    module = _module(kernel, variant)
    with numpy.errstate(all="ignore"):
        out = getattr(module, f"{kernel.name}_forward")(*inputs, **kernel.options)
        dout = numpy.ones_like(out) if dout is None else dout
        grads = getattr(module, f"{kernel.name}_backward")(dout, *inputs, **kernel.options)
    return out, [g for g in grads if g is not None]


def _reference(kernel: Kernel, inputs):
    """The NumPy kernel in float64 on the same values."""
    wide = [a.astype(numpy.float64) if a.dtype.kind == "f" else a for a in inputs]
    return _run(kernel, "", wide)


def _assert_no_silent_finite(kernel, variant, inputs):
    """Where the float64 NumPy kernel gives NaN or inf, the kernel gives no finite number."""
    out, grads = _run(kernel, variant, inputs)
    ref_out, ref_grads = _reference(kernel, inputs)
    for name, got, ref in zip(
        ["out", *map(str, range(len(grads)))], [out, *grads], [ref_out, *ref_grads]
    ):
        silent = ~numpy.isfinite(ref) & numpy.isfinite(got)
        assert not silent.any(), f"{_id(kernel)}{variant} {name}: finite where float64 is not"
    return out, grads


CASES = [(k, v) for k in KERNELS for v in VARIANTS]
IDS = [f"{_id(k)}{v or '_numpy'}" for k, v in CASES]
NAN_CASES = [(k, v, p) for k, v in CASES for p in k.floats()]
NAN_IDS = [f"{_id(k)}{v or '_numpy'}-arg{p}" for k, v, p in NAN_CASES]


@pytest.mark.parametrize("kernel, variant, position", NAN_CASES, ids=NAN_IDS)
@pytest.mark.parametrize("dtype", [numpy.float32, numpy.float64])
def test_a_nan_input_reaches_the_outputs(kernel, variant, position, dtype):
    inputs = kernel.inputs(dtype=dtype)
    if inputs[position].size == 0:
        pytest.skip("nothing to poison")
    inputs[position].flat[0] = numpy.nan
    out, _ = _assert_no_silent_finite(kernel, variant, inputs)
    assert not numpy.isfinite(out).all()


@pytest.mark.parametrize("kernel, variant, position", NAN_CASES, ids=NAN_IDS)
@pytest.mark.parametrize("value", [numpy.inf, -numpy.inf])
def test_an_infinite_input_is_not_hidden(kernel, variant, position, value):
    inputs = kernel.inputs(dtype=numpy.float32)
    inputs[position].flat[-1] = value
    _assert_no_silent_finite(kernel, variant, inputs)


@pytest.mark.parametrize("kernel, variant", CASES, ids=IDS)
@pytest.mark.parametrize("dtype", [numpy.float32, numpy.float64])
@pytest.mark.parametrize("scale", ["tiny", "huge"])
def test_extreme_magnitudes_are_not_made_nan(kernel, variant, dtype, scale):
    factor = MAGNITUDES[dtype][scale == "huge"]
    inputs = [a * factor if a.dtype.kind == "f" else a for a in kernel.inputs(dtype=dtype)]
    # Finite inputs: no NaN where the NumPy kernel, at the same dtype, has a number (inf·0 of
    # a bad order). The converse is allowed: its own inf·0 may be a 0 taken in another order.
    for result, want in zip(_flat(_run(kernel, variant, inputs)), _flat(_run(kernel, "", inputs))):
        assert not (numpy.isnan(result) & ~numpy.isnan(want)).any()


def _zero_sizes(kernel: Kernel):
    return [(kernel, v, axis) for v in VARIANTS for axis in kernel.sizes if axis != "2D"]


ZERO_CASES = [case for kernel in KERNELS for case in _zero_sizes(kernel)]
ZERO_IDS = [f"{_id(k)}{v or '_numpy'}-{axis}=0" for k, v, axis in ZERO_CASES]


@pytest.mark.parametrize("kernel, variant, axis", ZERO_CASES, ids=ZERO_IDS)
def test_a_zero_size_axis_gives_empty_results_or_a_value_error(kernel, variant, axis):
    sizes = {axis: 0, **({"2D": 0} if axis == "D" and "2D" in kernel.sizes else {})}
    inputs = kernel.inputs(sizes)
    try:
        expected = _run(kernel, "", inputs)
    except ValueError as refused:
        with pytest.raises(ValueError, match=str(refused).split(":")[0]):
            _run(kernel, variant, inputs)
        return
    out, grads = _run(kernel, variant, inputs)
    assert out.shape == expected[0].shape
    assert [g.shape for g in grads] == [g.shape for g in expected[1]]
    assert [g.shape for g in grads] == [inputs[k].shape for k in kernel.floats()]
    assert numpy.isfinite(out).all() and all(numpy.isfinite(g).all() for g in grads)


def _strided(array):
    """The same values in a non-contiguous layout: every other entry of a larger array."""
    if array.ndim == 0 or array.dtype.kind != "f":
        return array
    wide = numpy.zeros((*array.shape[:-1], 2 * array.shape[-1]), array.dtype)
    wide[..., ::2] = array
    return wide[..., ::2]


@pytest.mark.parametrize("kernel, variant", CASES, ids=IDS)
@pytest.mark.parametrize("dtype", [numpy.float32, numpy.float64])
def test_non_contiguous_inputs_give_the_same_results(kernel, variant, dtype):
    inputs = kernel.inputs(dtype=dtype)
    strided = [_strided(a) for a in inputs]
    assert not any(s.flags.c_contiguous for s in strided if s.dtype.kind == "f" and s.size > 1)
    for got, want in zip(
        _flat(_run(kernel, variant, strided)), _flat(_run(kernel, variant, inputs))
    ):
        numpy.testing.assert_allclose(got, want, rtol=CONTIGUOUS_RTOL, atol=CONTIGUOUS_RTOL)


def _flat(result):
    out, grads = result
    return [out, *grads]


# Wrong `saved` work: each makes a `saved` for one graph and passes it with another. Run in a
# child process, so that a kernel reading out of bounds fails the test instead of killing it.
SAVED_FAULTS = {
    "bigger graph": "saved = forward(*graph(9, 20, 1))[1]",
    "other edges": "saved = forward(*graph(6, 12, 5))[1]",
    "forged sources": "saved = (*saved[:2], saved[2] + 10**6, *saved[3:])",
    "forged offsets": "saved = (*saved[:3], saved[3][::-1].copy(), *saved[4:])",
    "short tuple": "saved = saved[:4]",
    "other att": "saved = forward(*inputs[:6], inputs[6] + 1, inputs[7])[1]",
}
# The Numba kernel also saves the softmax, per head: a `saved` for other heads is refused. (The
# NumPy reference saves only what does not depend on the heads, so it may take one.)
NUMBA_SAVED_FAULTS = {"other heads": "saved = forward(*inputs, heads=2)[1]"}
CHILD = """
import numpy
from derive.kernels.harnesses.attention import graph_inputs
from derive_kernels import gatv2{variant} as module

def graph(nodes, edges, seed):
    return graph_inputs(numpy.random.default_rng(seed), nodes, 3, 4, edges)

def forward(*inputs, heads=1):
    return module.gatv2_forward(*inputs, 0.2, True, heads=heads, save=True)

inputs = graph(6, 12, 0)
saved = forward(*inputs)[1]
for name, fault in {faults!r}.items():
    local = {{"saved": saved, "graph": graph, "forward": forward, "inputs": inputs}}
    exec(fault, local)
    try:
        module.gatv2_backward(numpy.ones((6, 4)), *inputs, 0.2, True, saved=local["saved"])
        print(name, "accepted")
    except ValueError as error:
        print(name, "ValueError", str(error).split(":")[0])
"""


@pytest.mark.parametrize("variant", VARIANTS, ids=["numpy", "numba"])
def test_wrong_saved_work_raises_value_error_and_never_crashes(variant):
    faults = SAVED_FAULTS | (NUMBA_SAVED_FAULTS if variant else {})
    code = textwrap.dedent(CHILD.format(variant=variant, faults=faults))
    child = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=300
    )
    assert child.returncode == 0, f"child died ({child.returncode}): {child.stderr[-2000:]}"
    lines = child.stdout.splitlines()
    assert lines == [f"{name} ValueError saved" for name in faults]
