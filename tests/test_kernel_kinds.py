"""Kernel kinds are one record each (derive.kernels.kinds), and lowerings bind to their
documents by names given as data, checked before any lowering code runs."""

import dataclasses
from pathlib import Path

import pytest

from derive.documents import BUNDLED
from derive.kernels import lowering
from derive.kernels.kinds import kind, kinds
from derive.kernels.lowering import BindingError, Lowering, kernel_specs

TEMPLATES = Path(__file__).resolve().parents[1] / "templates"


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
