"""Lowering of the soft-logic notes to the soft if, the switch and the three soft lookups.

Kernels batch the notes' single case: rows of gates share T and F, rows of logits share the
cases C, queries share the keys and values. Each formula comes from the notes' definitions:
the gate σ(z_j) fed to y (claim if.mixture), the softmaxes, the scores. Softmaxes are
evaluated max-shifted, exp(s - m)/Σ exp(s - m), equal to the notes' for any m. Dense products
(the scores qᵀk and qᵀW_α k, the projections of q and k by W_αc, the weighted sums gᵀC and
Σ_t α_t v_t) are template structure: they are recognised here and the harness checks the
whole forward against the notes.
"""

from __future__ import annotations

import sympy
from sympy import Indexed, Sum
from sympy.core.function import AppliedUndef

from derive.kernels.lowering import (
    Argument,
    Block,
    KernelSpec,
    Z_i,
    alpha_e,
    bind,
    body_at,
    definition,
    lowering,
    m_i,
    s_e,
    softmax_blocks,
    stable,
    unfolded,
    vjp,
    w_e,
)

z_j, g_j, T_k, F_k, dout_jk, dg_j = sympy.symbols("z_j g_j T_k F_k dout_jk dg_j", real=True)
v_e, ds_e = sympy.symbols("v_e ds_e", real=True)
qp, kp = sympy.symbols("qp kp", real=True)  # the entries a bilinear score multiplies
Wq_r, Wk_r, v_alpha_c_r = sympy.symbols("Wq_r Wk_r v_alpha_c_r", real=True)

QUERIES = (
    Argument("q", ("queries", "D")),
    Argument("k", ("keys", "D")),
    Argument("v", ("keys", "D_v")),
)
# A score by the tensors it reads besides q and k: its kernel kind and those parameters.
SCORES = {
    frozenset(): ("bilinear_lookup", ()),
    frozenset({"W_α"}): ("bilinear_lookup", (Argument("W_alpha", ("D", "D"), label="W_α"),)),
    frozenset({"W_αc", "v_αc"}): (
        "additive_lookup",
        (
            Argument("W_alpha_c", ("H", "2D"), label="W_αc"),
            Argument("v_alpha_c", ("H",), label="v_αc"),
        ),
    ),
}
# The three lookups: (kernel suffix, score, softmax α, lookup, the notes' name for the score).
LOOKUPS = (
    ("dot", "score_dot", "α_dot", "lookup_dot", "dot"),
    ("general", "score_gen", "α_gen", "lookup_gen", "general"),
    ("concat", "score_cat", "α_cat", "lookup_cat", "concat"),
)


def _index(doc, name: str):
    return definition(doc, name).params[-1]


def _soft_if(doc):
    """The gate g_j = σ(z_j) and the blend y(g_j, k), from claim if.mixture's y(σ(z_j), k)."""
    lhs = doc.claim("if.mixture").lhs
    (applied,) = [a for a in lhs.atoms(AppliedUndef) if a.func.__name__ == "y"]
    gate = bind(applied.args[0], {}, {"z": z_j})
    blend = bind(body_at(doc, "y", g_j, applied.args[1]), {}, {"T": T_k, "F": F_k})
    if gate.free_symbols != {z_j} or blend.has(Indexed):
        raise ValueError(f"soft_logic lowering: {applied} is not y(gate(z_j), k)")
    return gate, blend, unfolded(doc, lhs)


def _softmax(doc, name: str, names: dict, tensors: dict):
    """Definition `name` = exp(s)/Σ exp(s): the weight exp(s - m) and α from w and Z."""
    body = body_at(doc, name, _index(doc, name))
    numerator = sympy.Mul(*[f for f in sympy.Mul.make_args(body) if not f.has(Sum)])
    weight = bind(numerator, names, tensors).subs(s_e, s_e - m_i)
    alpha = body.xreplace({numerator: w_e}).replace(lambda n: isinstance(n, Sum), lambda n: Z_i)
    if weight.free_symbols != {s_e, m_i} or alpha.free_symbols != {w_e, Z_i}:
        raise ValueError(f"soft_logic lowering: {name} = {body} is not a softmax of one score")
    return weight, alpha


def _mixture(doc, name: str, weights: str, values: str):
    """Check that definition `name` is Σ weights·values, a dense product; return its body."""
    body = body_at(doc, name, _index(doc, name))
    summand = bind(body.function, {weights: alpha_e}, {values: v_e}) if isinstance(body, Sum) else 0
    if summand != alpha_e * v_e:
        raise ValueError(f"soft_logic lowering: {name} = {body} is not Σ {weights}·{values}")
    return body


def _score(doc, name: str):
    """The summand of score Σ_f with q's and k's sides bound to Wq_r and Wk_r (each either
    the entry itself or its projection, an inner Σ), and the labels of the tensors it reads."""
    body = body_at(doc, name, _index(doc, name))
    if not isinstance(body, Sum):
        raise ValueError(f"soft_logic lowering: expected {name} to be a sum, got {body}")
    sides = {}
    for inner in body.function.atoms(Sum):
        reads = {str(a.base.label) for a in inner.atoms(Indexed)}
        sides[inner] = Wq_r if "q" in reads else Wk_r
    term = bind(body.function.xreplace(sides), {}, {"q": Wq_r, "k": Wk_r, "v_αc": v_alpha_c_r})
    labels = frozenset(str(a.base.label) for a in body.atoms(Indexed)) - {"q", "k"}
    if term.has(Indexed) or not (term.has(Wq_r) and term.has(Wk_r)):
        raise ValueError(f"soft_logic lowering: {name} = {body} is not a score of q and k")
    return term, labels


def _if_spec(doc) -> KernelSpec:
    gate, blend, reference = _soft_if(doc)
    grads = vjp({"y": blend}, {"y": dout_jk}, (g_j, T_k, F_k))
    blocks = (
        Block("gate", stable([("g_j", gate)])),
        Block("blend", stable([("y_jk", blend)])),
        Block(
            "blend_vjp",
            stable([("dg_jk", grads[g_j]), ("dT_jk", grads[T_k]), ("dF_jk", grads[F_k])]),
        ),
        Block("gate_vjp", stable([("dz_j", dg_j * sympy.diff(gate, z_j))])),
    )
    return KernelSpec(
        name="soft_logic_if",
        kind="gate",
        summary="Soft if: row j of y blends T and F by the gate σ(z_j).",
        labels="y; if.vector[outer], if.mixture",
        arguments=(Argument("z", ("n",)), Argument("T", ("m",)), Argument("F", ("m",))),
        blocks=blocks,
        reference=(("y", reference),),
    )


def _switch_spec(doc) -> KernelSpec:
    weight, alpha = _softmax(doc, "softmax", {}, {"a": s_e})
    body = _mixture(doc, "y_case", "softmax", "C")
    return KernelSpec(
        name="soft_logic_switch",
        kind="switch",
        summary="Switch/case: row i of y mixes the cases C by the softmax of the logits a_i.",
        labels="softmax, y_case; switch.y/corrected",
        arguments=(Argument("a", ("rows", "K")), Argument("C", ("K", "m"))),
        blocks=tuple(softmax_blocks(weight, alpha)),
        reference=(("y_case", unfolded(doc, body)),),
    )


def _lookup_spec(doc, what: str, score: str, alpha: str, mixture: str, claim: str):
    term, labels = _score(doc, score)
    if labels not in SCORES:
        raise ValueError(f"soft_logic lowering: no kernel kind for a score that reads {labels}")
    kind, parameters = SCORES[labels]
    if kind == "bilinear_lookup" and term != Wq_r * Wk_r:
        raise ValueError(f"soft_logic lowering: {score} is not a dense product of q and k")
    weight, alpha_expr = _softmax(doc, alpha, {score: s_e}, {})
    blocks = softmax_blocks(weight, alpha_expr)
    if kind == "additive_lookup":
        grads = vjp({"term": term}, {"term": ds_e}, (Wq_r, Wk_r, v_alpha_c_r))
        outputs = [("dWq_r", grads[Wq_r]), ("dWk_r", grads[Wk_r])]
        blocks += [
            Block("term", stable([("term_r", term)])),
            Block("term_vjp", stable([*outputs, ("dv_alpha_c_r", grads[v_alpha_c_r])])),
        ]
    return KernelSpec(
        name=f"soft_logic_lookup_{what}",
        kind=kind,
        summary=f"Soft lookup with the {claim} score: per query, Σ_t α_t v_t over the keys.",
        labels=f"{score}, {alpha}, {mixture}; score.{claim}, lookup.weighted-sum[{claim}]",
        arguments=QUERIES + parameters,
        blocks=tuple(blocks),
        reference=((mixture, unfolded(doc, _mixture(doc, mixture, alpha, "v"))),),
    )


@lowering(
    "soft_logic",
    definitions=(
        "lookup_cat",
        "lookup_dot",
        "lookup_gen",
        "score_cat",
        "score_dot",
        "score_gen",
        "softmax",
        "y",
        "y_case",
        "α_cat",
        "α_dot",
        "α_gen",
    ),
    tensors=("C", "F", "T", "a", "k", "q", "v", "v_αc", "z"),
)
def lower_soft_logic(doc) -> tuple[KernelSpec, ...]:
    lookups = tuple(_lookup_spec(doc, *entry) for entry in LOOKUPS)
    return (_if_spec(doc), _switch_spec(doc), *lookups)
