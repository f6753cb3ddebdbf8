"""Lowering of the GATv2 paper to a graph attention layer with PyG GATv2Conv's semantics.

The paper's node-level forward binds to whole graphs: a₂ = Θ_R h̃_i and a₃ = Θ_L h̃_j become
the projections x W_rᵀ + b_r and x W_lᵀ + b_l of every node (PyG's lin_r, lin_l), the score
e, the softmax α and the message a₉ are evaluated per edge j → i, and h' = b + Σ_j a₉ sums
them per target. Each formula comes from those definitions; the softmax is evaluated in its
max-shifted form exp(e - m) / Σ exp(e - m), equal to the paper's for any m.

Heads are structure: the templates run the one-head blocks once per head, on that head's C
columns of the projections and of att. PyG's mean over heads (concat=False) is the one block
not from the paper: the sum of the heads' aggregates over their count k (k = 1 when they are
concatenated), its VJP derived like every other.
"""

from __future__ import annotations

import sympy
from sympy import Sum

from derive.engine.normal import normalize_aggregates
from derive.kernels.lowering import (
    Argument,
    Block,
    KernelSpec,
    Z_i,
    alpha_e,
    bind,
    body_at,
    lowering,
    m_i,
    s_e,
    softmax_blocks,
    stable,
    unfolded,
    vjp,
    w_e,
)

j, r = sympy.symbols("j r", integer=True)
xl_d, xr_d, att_d, bias_d, c = sympy.symbols("xl_d xr_d att_d bias_d negative_slope", real=True)
agg_d, dout_d, dagg_d, ds_e = sympy.symbols("agg_d dout_d dagg_d ds_e", real=True)
total_d = sympy.Symbol("total_d", real=True)
heads_k = sympy.Symbol("heads_averaged", positive=True)

ARGUMENTS = (
    Argument("x", ("nodes", "H")),
    Argument("edge_index", ("two", "E")),
    Argument("W_l", ("D", "H")),
    Argument("b_l", ("D",)),
    # None with share_weights=True: lin_r is lin_l.
    Argument("W_r", ("D", "H"), optional=True),
    Argument("b_r", ("D",), optional=True),
    # D = heads·C, head-major: PyG's att (1, heads, C) and x_l.view(-1, heads, C), flattened.
    Argument("att", ("D",)),
    # Axis "out": D = heads·C with concat=True, else C.
    Argument("bias", ("out",)),
)


def _term(doc):
    """One entry of the score sum e = Σ_d a_d LeakyReLU(a₂ + a₃), per edge."""
    score = body_at(doc, "e", j)
    if not isinstance(score, Sum):
        raise ValueError(f"gatv2 lowering: expected e to be a sum over entries, got {score}")
    summand = unfolded(doc, score.function, keep=("a₂", "a₃"))
    bound = bind(summand, {"a₂": xr_d, "a₃": xl_d}, {"a": att_d})
    # The paper's slope c is the layer's negative_slope.
    return bound.replace(lambda n: isinstance(n, sympy.Symbol) and n.name == "c", lambda n: c)


def _softmax(doc):
    """α = exp(e)/Σ exp(e): the numerator, evaluated max-shifted, and α from it and Z."""
    body = body_at(doc, "α", j)
    numerator = [f for f in sympy.Mul.make_args(body) if not f.has(Sum)]
    weight = bind(sympy.Mul(*numerator), {"e": s_e}, {}).subs(s_e, s_e - m_i)
    return weight, body.xreplace({sympy.Mul(*numerator): w_e}).replace(
        lambda n: isinstance(n, Sum), lambda n: Z_i
    )


def _message(doc):
    """a₉ = α Θ_L h̃_j, with Θ_L h̃_j recognised as the projection a₃."""
    message = normalize_aggregates(unfolded(doc, body_at(doc, "a₉", j, r), keep=("α",)))
    projection = normalize_aggregates(body_at(doc, "a₃", j, r))
    factored = sympy.factor_terms(message)
    found = factored.xreplace({projection: xl_d})
    if found.has(Sum) or not found.has(xl_d):
        raise ValueError("gatv2 lowering: a₉ is not α times the projection a₃")
    return bind(found, {"α": alpha_e}, {})


def _output(doc):
    """h' = b + Σ_j a₉: the bias and the aggregated messages."""
    body = body_at(doc, "h'", r)
    return bind(body.replace(lambda n: isinstance(n, Sum), lambda n: agg_d), {}, {"b": bias_d})


@lowering(
    "gatv2",
    definitions=("a₂", "a₃", "a₉", "e", "h'", "α"),
    tensors=("a", "b"),
)
def lower_gatv2(doc) -> tuple[KernelSpec, ...]:
    term, (weight, alpha), message, output = _term(doc), _softmax(doc), _message(doc), _output(doc)
    # PyG's out.mean(dim=1) over heads (concat=False); k = 1 leaves concatenated heads as they are.
    head_mean = total_d / heads_k
    mean_grads = vjp({"mean": head_mean}, {"mean": dagg_d}, (total_d,))
    out_grads = vjp({"out": output}, {"out": dout_d}, (agg_d, bias_d))
    message_grads = vjp({"msg": message}, {"msg": dagg_d}, (alpha_e, xl_d))
    term_grads = vjp({"term": term}, {"term": ds_e}, (xl_d, xr_d, att_d))
    weight, alpha_block, alpha_vjp, weight_vjp = softmax_blocks(weight, alpha)
    blocks = [
        Block("term", stable([("term_d", term)])),
        weight,
        alpha_block,
        Block("message", stable([("msg_d", message)])),
        Block("head_mean", stable([("agg_d", head_mean)])),
        Block("output", stable([("out_d", output)])),
        Block("output_vjp", stable([("dagg_d", out_grads[agg_d]), ("dbias_d", out_grads[bias_d])])),
        Block("head_mean_vjp", stable([("dtotal_d", mean_grads[total_d])])),
        Block("message_dalpha", stable([("dalpha_ed", message_grads[alpha_e])])),
        Block("message_dxl", stable([("dxl_msg_d", message_grads[xl_d])])),
        alpha_vjp,
        weight_vjp,
        # One block, so that the branch of LeakyReLU' they share is evaluated once.
        Block("term_vjp", stable([(f"d{v}", term_grads[v]) for v in (xl_d, xr_d, att_d)])),
    ]
    spec = KernelSpec(
        name="gatv2",
        kind="attention",
        summary="GATv2 layer (heads, concat, share_weights) as torch_geometric's GATv2Conv.",
        labels="Eq. 1-3: e, α, h'; Fig. 2: a₂ … a₉",
        arguments=ARGUMENTS,
        blocks=tuple(blocks),
        # The paper's node-level forward, every definition unfolded: the harness reads it at
        # each target node of a small graph, its incoming edges as the neighbours j.
        reference=(("h'", unfolded(doc, body_at(doc, "h'", r))),),
    )
    return (spec,)
