"""Lowerings take every formula from the document and refuse structure their template lacks;
kernel checks catch a template that misreads the document."""

import dataclasses
import shutil
from pathlib import Path

import pytest
import sympy
from sympy import Sum

from derive.kernels import codegen
from derive.kernels.kernelcheck import check_document
from derive.kernels.lowering import kernel_specs

GENERATED = Path(__file__).parent.parent / "generated"


def _with_definition(doc, name, transform):
    definitions = tuple(
        dataclasses.replace(d, body=transform(d.body)) if d.name == name else d
        for d in doc.definitions
    )
    return dataclasses.replace(doc, definitions=definitions)


def test_the_readout_term_follows_the_document(load_document):
    doc = _with_definition(
        load_document("ggnn_readout"), "h_g", lambda body: body.replace(sympy.tanh, sympy.sinh)
    )
    text = codegen.render(doc)["ggnn_readout.py"]
    assert "term_vd = p0*numpy.sinh(j_vd)" in text and "h_g = numpy.sinh(s_gd)" in text


def test_the_soft_if_blend_follows_the_document(load_document):
    doc = load_document("soft_logic")
    doubled = _with_definition(doc, "y", lambda body: 2 * body)
    (before, *_), (after, *_) = kernel_specs(doc).kernels, kernel_specs(doubled).kernels
    blend = [spec.block("blend").outputs[0][1] for spec in (before, after)]
    assert sympy.expand(blend[1] - 2 * blend[0]) == 0 and blend[0] != blend[1]


def test_a_score_that_is_no_dense_product_is_refused(load_document):
    doc = _with_definition(
        load_document("soft_logic"), "score_dot", lambda body: Sum(body.function**2, *body.limits)
    )
    with pytest.raises(ValueError, match="score_dot is not a dense product of q and k"):
        kernel_specs(doc)


def test_a_switch_that_is_no_weighted_sum_is_refused(load_document):
    doc = _with_definition(
        load_document("soft_logic"), "y_case", lambda body: Sum(body.function**2, *body.limits)
    )
    with pytest.raises(ValueError, match="y_case = .* is not Σ softmax·C"):
        kernel_specs(doc)


@pytest.mark.slow
def test_the_document_check_catches_a_misread_concatenation(tmp_path, load_document):
    # [x_v; h_v] instead of [h_v; x_v], consistently in forward and backward.
    for name in ("ggnn_readout.py", "ggnn_readout_numba.py"):
        text = (GENERATED / name).read_text().replace("concatenate([h, x]", "concatenate([x, h]")
        (tmp_path / name).write_text(text)
    shutil.copy(GENERATED / "__init__.py", tmp_path / "__init__.py")
    checks = check_document(kernel_specs(load_document("ggnn_readout")), str(tmp_path))
    failed = {c.what.split(" (")[0] for c in checks if not c.ok}
    assert "forward vs the document's definitions" in failed


def test_the_valid_correlations_dx_is_the_full_convolution_the_engine_derives(load_document):
    correlate = next(
        k for k in kernel_specs(load_document("nn_library")).kernels if k.kind == "window"
    )
    s, t = sympy.symbols("s t", integer=True, nonnegative=True)
    index = dict(correlate.block("valid_dx_index").outputs)
    bounds = dict(correlate.block("valid_dx_range").outputs)
    # dx[s] = Σ_t dout[s - t] w[t], dout read only inside its window: 0 ≤ s - t ≤ n - k.
    assert index == {"j_dout": s - t, "j_w": t} and bounds["s_lo"] == t


def test_a_window_whose_gradient_is_no_gather_is_refused(load_document):
    doc = _with_definition(
        load_document("nn_library"),
        "corr_valid",
        lambda body: body.replace(
            lambda e: isinstance(e, sympy.Indexed) and str(e.base.label) == "x",
            lambda e: e.base[2 * e.indices[0] - 1],
        ),
    )
    with pytest.raises(ValueError, match="is not a gather over one index"):
        kernel_specs(doc)


def test_a_linear_layer_that_is_no_dense_product_is_refused(load_document):
    doc = _with_definition(
        load_document("nn_library"), "linear", lambda body: Sum(body.function**2, *body.limits)
    )
    with pytest.raises(ValueError, match="is not the dense product w x"):
        kernel_specs(doc)
