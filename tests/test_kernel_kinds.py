"""Kernel kinds are one record each (derive.kernels.kinds), from which the kind tests below
are derived: every kind's harness passes on its sample inputs and fails on a broken kernel.
Lowerings bind to their documents by names given as data, checked before any lowering code
runs."""

import dataclasses
import types
from pathlib import Path

import numpy
import pytest

from derive.documents import BUNDLED
from derive.kernels import lowering
from derive.kernels.kernelcheck import generated_modules
from derive.kernels.kinds import kind, kinds
from derive.kernels.lowering import BindingError, Lowering, kernel_specs

ROOT = Path(__file__).resolve().parents[1]
TEMPLATES = ROOT / "templates"
GENERATED = ROOT / "generated"
# What every kind's harness checks, by the start of each check's name (kernelcheck).
CHECKS = (
    "backward vs central differences",
    "backward vs the engine's symbolic gradient",
    "forward vs the document's definitions",
    "Numba vs NumPy",
    "float32",
)
PERTURBATION = 1e-3  # relative change of every gradient: 1000 times the tightest bound


@pytest.fixture(scope="module")
def specs(request):
    from derive.documents import load

    return {name: kernel_specs(load(name)) for name in BUNDLED}


@pytest.mark.parametrize("name", sorted(kinds()))
def test_every_kind_has_its_template_and_harness(name):
    record = kind(name)
    text = (TEMPLATES / record.template).read_text()
    assert "{% macro kernels(kernel, numba) %}" in text
    assert callable(record.harness)
    if record.torch:
        assert (TEMPLATES / record.torch).is_file()


@pytest.mark.parametrize("name", sorted(kinds()))
def test_every_kind_is_generated_and_checked_for_some_bundled_document(name, specs):
    produced = {s.kind for module in specs.values() for s in module.kernels}
    assert name in produced, f"kind {name} has a record but no bundled kernel exercises it"


def test_an_unknown_kind_names_where_to_register_it():
    with pytest.raises(KeyError, match="derive/kernels/harnesses/.*known: additive_lookup"):
        kind("convolution3d")


def test_a_renamed_definition_is_a_named_error_before_the_lowering_runs(load_document):
    doc = load_document("gatv2")
    renamed = tuple(
        dataclasses.replace(d, name="a9") if d.name == "a₉" else d for d in doc.definitions
    )
    with pytest.raises(BindingError, match="binds to definition 'a₉'.*renamed"):
        kernel_specs(dataclasses.replace(doc, definitions=renamed))


def test_a_lowering_may_use_only_the_names_it_declares(load_document, monkeypatch):
    doc = load_document("ggnn_readout")
    declared = lowering.LOWERINGS["ggnn_readout"]
    narrower = Lowering(
        declared.document,
        declared.function,
        tuple(n for n in declared.definitions if n != "h_g"),
        declared.tensors,
    )
    monkeypatch.setitem(lowering.LOWERINGS, "ggnn_readout", narrower)
    with pytest.raises(BindingError, match="uses definition 'h_g'.*does not declare"):
        kernel_specs(doc)


def test_every_bundled_kernel_is_checked_against_its_documents_own_forward(specs):
    missing = [s.name for module in specs.values() for s in module.kernels if not s.reference]
    assert not missing, f"kernels without a reference (the document's forward): {missing}"


def _harness_run(name, specs, numpy_wrapper=None) -> list:
    """The checks of kind `name`'s harness on the first bundled kernel of that kind, run on the
    generated modules of this checkout (the NumPy one passed through `numpy_wrapper`)."""
    module, kernel = next((m, k) for m in specs.values() for k in m.kernels if k.kind == name)
    names = [module.document, f"{module.document}_numba"]
    with generated_modules(str(GENERATED), names) as (numpy_module, numba_module):
        if numpy_wrapper:
            numpy_module = numpy_wrapper(numpy_module, kernel.name)
        return kind(name).harness(kernel, numpy_module, numba_module)


def _perturbed_backward(module, name: str):
    """A copy of a generated NumPy module whose backward of kernel `name` is off by a factor
    1 + PERTURBATION; everything else (the forward included) is the module's own."""
    broken = types.ModuleType(module.__name__)
    broken.__dict__.update(vars(module))
    backward = getattr(module, f"{name}_backward")

    def perturbed(*args, **options):
        grads = backward(*args, **options)
        return tuple(None if g is None else g * (1 + PERTURBATION) for g in grads)

    setattr(broken, f"{name}_backward", perturbed)
    return broken


@pytest.mark.parametrize("name", sorted(kinds()))
def test_every_kinds_sample_inputs_are_arrays_of_the_asked_dtype(name, specs):
    kernel = next(k for m in specs.values() for k in m.kernels if k.kind == name)
    for dtype in (numpy.float64, numpy.float32):
        for small in (False, True):
            rng = numpy.random.default_rng(0)
            sample = kind(name).inputs(kernel, rng, dtype, small=small)
            floats = [a for a in sample if a is not None and a.dtype.kind == "f"]
            assert floats and all(a.dtype == dtype for a in floats)


@pytest.mark.parametrize("name", sorted(kinds()))
def test_every_kinds_harness_passes_every_check_on_its_sample_inputs(name, specs):
    checks = _harness_run(name, specs)
    failed = [f"{c.what}: {c.error:.1e} > {c.bound:.0e}" for c in checks if not c.ok]
    assert not failed, failed
    missing = [what for what in CHECKS if not any(c.what.startswith(what) for c in checks)]
    assert not missing, f"kind {name} does not run: {missing}"
    tolerances = kind(name).tolerances
    bounds = {c.bound for c in checks}
    assert bounds <= set(dataclasses.astuple(tolerances)), "bounds come from the record"


@pytest.mark.parametrize("name", sorted(kinds()))
def test_every_kinds_harness_catches_a_perturbed_backward(name, specs):
    checks = _harness_run(name, specs, _perturbed_backward)
    failed = {c.what.split(" (")[0] for c in checks if not c.ok}
    assert "backward vs central differences, float64" in failed
    assert "Numba vs NumPy forward and backward" in failed
