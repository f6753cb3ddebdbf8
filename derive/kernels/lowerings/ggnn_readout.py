"""Lowering of the GGNN readout to a batch of graphs, each node tagged with its graph's index.

h_g of every graph is the document's readout over that graph's nodes. The affine maps i and
j become dense products of the concatenation [h_v; x_v] with W_iᵀ and W_jᵀ (template
structure, checked against the document by the harness); the node term σ(i)·tanh(j) and the
outer tanh come from h_g's definition, and every derivative from SymPy.
"""

from __future__ import annotations

import sympy
from sympy import Sum
from sympy.core.function import AppliedUndef

from derive.kernels.lowering import (
    Argument,
    Block,
    KernelSpec,
    bind,
    body_at,
    lowering,
    stable,
    unfolded,
    vjp,
)

d = sympy.Symbol("d", integer=True, positive=True)
i_vd, j_vd, s_gd, dout_gd, ds_vd = sympy.symbols("i_vd j_vd s_gd dout_gd ds_vd", real=True)

# The graph index per node is validated apart: it is an integer array.
ARGUMENTS = (
    Argument("h", ("nodes", "D")),
    Argument("x", ("nodes", "D")),
    Argument("W_i", ("D", "2D")),
    Argument("b_i", ("D",)),
    Argument("W_j", ("D", "2D")),
    Argument("b_j", ("D",)),
)

# The document's affine maps and the kernel variables (dense products) they become.
MAPS = {"i": i_vd, "j": j_vd}


def _readout(doc):
    """h_g = tanh(Σ_v term): the node term of the sum, and the readout of its value s_gd."""
    body = body_at(doc, "h_g", d)
    sums = list(body.atoms(Sum))
    if len(sums) != 1:
        raise ValueError(f"ggnn_readout lowering: expected one sum over nodes in h_g, got {body}")
    (total,) = sums
    term = bind(total.function, MAPS)
    if term.has(AppliedUndef, sympy.Indexed):
        raise ValueError(f"ggnn_readout lowering: the node term {term} reads more than i and j")
    return term, body.xreplace({total: s_gd})


@lowering(
    "ggnn_readout",
    definitions=("h_g", "i", "j"),
)
def lower_ggnn_readout(doc) -> tuple[KernelSpec, ...]:
    term, readout = _readout(doc)
    readout_grads = vjp({"h_g": readout}, {"h_g": dout_gd}, (s_gd,))
    term_grads = vjp({"term": term}, {"term": ds_vd}, (i_vd, j_vd))
    blocks = (
        Block("term", stable([("term_vd", term)])),
        Block("readout", stable([("h_g", readout)])),
        # s_g sums the terms of its nodes, so each node's term receives its graph's ds.
        Block("readout_vjp", stable([("ds_gd", readout_grads[s_gd])])),
        Block("term_vjp", stable([("di_vd", term_grads[i_vd]), ("dj_vd", term_grads[j_vd])])),
    )
    spec = KernelSpec(
        name="ggnn_readout",
        kind="readout",
        summary="GGNN graph-level readout over a batch of graphs (a graph index per node).",
        labels="i, j, h_g; answer.sum-of-products, code.matmul/corrected",
        arguments=ARGUMENTS,
        blocks=blocks,
        reference=(("h_g", unfolded(doc, body_at(doc, "h_g", d))),),
    )
    return (spec,)
