"""Lowering of the selective-SSM note to mamba_ssm's selective scan.

mamba_ssm's `selective_scan_ref` takes the note's projections as inputs: `delta` is
x_ℓ·W_Δ[:, e], `B` and `C` are W_B x_ℓ and W_C x_ℓ, `u` is x_{ℓ,e}, `delta_bias` is B_Δ.
Every expression comes from the note's definitions with those bindings; only the optional
D skip and z gate, which the note does not have, are mamba_ssm's own: out = (y + D u) silu(z).
"""

from __future__ import annotations

import sympy
from sympy import Sum
from sympy.core.function import AppliedUndef

from derive.engine.terms import context_of, instantiate
from derive.kernels.lowering import (
    Argument,
    Block,
    KernelSpec,
    bind,
    body_at,
    definition,
    hoist_exp,
    lowering,
    stable,
    stable_hoisted,
    unfolded,
    vjp,
)
from derive.notation.primitives import silu, softplus

t, q = sympy.symbols("t q", integer=True)
(delta_t, bias_d, A_n, B_n, C_n, u_t, h_prev, h_new, Delta, D_d, z_t, y, dout, g_y, dh) = (
    sympy.symbols(
        "delta_t bias_d A_n B_n C_n u_t h_prev h_new Delta D_d z_t y dout_t g_y dh", real=True
    )
)
dh_next = sympy.Symbol("dh_next", real=True)
dDelta = sympy.Symbol("dDelta", real=True)

# mamba_ssm's selective_scan_ref interface. B and C are each constant over time (dim, N),
# shared by all channels (batch, N, L), or shared by the dim // G channels of a group.
PROJECTION_LAYOUTS = (("dim", "N"), ("batch", "N", "L"), ("batch", "G", "N", "L"))
ARGUMENTS = (
    Argument("u", ("batch", "dim", "L")),
    Argument("delta", ("batch", "dim", "L")),
    Argument("A", ("dim", "N")),
    Argument("B", ("batch", "N", "L"), layouts=PROJECTION_LAYOUTS),
    Argument("C", ("batch", "N", "L"), layouts=PROJECTION_LAYOUTS),
    Argument("D", ("dim",), optional=True),
    Argument("z", ("batch", "dim", "L"), optional=True),
    Argument("delta_bias", ("dim",), optional=True),
)

# The note's terms and the kernel variables they become.
DEFINITIONS = {"Δ": Delta, "B̄": B_n, "C̄": C_n}
TENSORS = {"A": A_n, "B_Δ": bias_d, "x": u_t}


def _bind(expr, previous=None):
    """Replace the note's terms by kernel variables (projections become inputs)."""
    expr = expr.replace(lambda n: isinstance(n, Sum), lambda n: delta_t)
    if previous is not None:
        expr = expr.xreplace({previous: h_prev})
    return bind(expr, DEFINITIONS, TENSORS)


def _forward(doc):
    delta_softplus = _bind(unfolded(doc, body_at(doc, "Δ", t)))
    step_body = unfolded(doc, body_at(doc, "h", t, q), keep=("Δ", "B̄", "h"))
    h_func = next(a for a in step_body.atoms(AppliedUndef) if a.func.__name__ == "h")
    step = _bind(step_body, previous=h_func)
    summand = body_at(doc, "y", t).function.subs(q, sympy.Dummy())  # the term of Σ_n
    emit = _bind(
        summand.replace(
            lambda n: isinstance(n, AppliedUndef) and n.func.__name__ == "h", lambda n: h_new
        )
    )
    return delta_softplus, step, emit


@lowering("selective_ssm", definitions=(*DEFINITIONS, "h", "y"), tensors=tuple(TENSORS))
def lower_selective_ssm(doc) -> tuple[KernelSpec, ...]:
    delta_softplus, step, emit = _forward(doc)
    # delta_softplus=False in mamba_ssm skips the softplus of Δ := softplus(δ).
    delta_plain = delta_softplus.replace(softplus, lambda a: a)
    # mamba_ssm's extension of the note: a skip connection D and a silu gate z.
    out_plain = y + D_d * u_t
    out_gated = out_plain * silu(z_t)
    # The softplus of Δ and the silu gate each need one exponential per step, exp(-|·|) in
    # their stable forms: kernels compute those for a run of steps at once (vectorised), as
    # w_t and g_t, from the arguments a_t and a_z.
    softplus_out, a_t = stable_hoisted([("Delta", delta_softplus)], "w_t")
    gated_out, a_z = stable_hoisted([("out_t", out_gated)], "g_t")
    a_t_, a_z_ = sympy.symbols("a_t a_z", real=True)
    blocks = [
        Block("delta_exp_arg", stable([("a_t", a_t)])),
        Block("delta_exp", stable([("w_t", sympy.exp(a_t_))])),
        Block("delta_softplus", softplus_out),
        Block("delta_plain", stable([("Delta", delta_plain)])),
        *_step_blocks(step, emit),
        Block("emit", stable([("y_n", emit)])),
        Block("out_plain", stable([("out_t", out_plain)])),
        Block("gate_exp_arg", stable([("a_z", a_z)])),
        Block("gate_exp", stable([("g_t", sympy.exp(a_z_))])),
        Block("out_gated", gated_out),
        _output_vjp("out_plain_vjp", out_plain, with_z=False),
        _output_vjp("out_gated_vjp", out_gated, with_z=True, hoist=("g_t", a_z)),
        Block("state_grad", stable([("dh", dh_next + g_y * sympy.diff(emit, h_new))])),
        _delta_vjp("delta_softplus_vjp", delta_softplus, hoist=("w_t", a_t)),
        _delta_vjp("delta_plain_vjp", delta_plain),
    ]
    spec = KernelSpec(
        name="selective_ssm",
        kind="scan",
        summary="Selective scan with the interface of mamba_ssm's selective_scan_ref.",
        labels="Context: Δ, Ā, B̄, h, C̄, y",
        arguments=ARGUMENTS,
        blocks=tuple(blocks),
        extensions=("D and z: out = (y + D*u)*silu(z), from mamba_ssm (not in the note)",),
        reference=_reference(doc),
    )
    return (spec,)


# The sizes the document's own forward is instantiated at for `derive check`: widths E and N,
# channel e, and steps 1..L.
REFERENCE_SIZES = {"E": 2, "N": 2, "e": 1}
REFERENCE_STEPS = 3


def _reference(doc) -> tuple:
    """The note's y(t) for t = 1..REFERENCE_STEPS with every definition and the recurrence
    unfolded to its inputs (x, W_Δ, B_Δ, A, W_B, W_C) at REFERENCE_SIZES."""
    ctx = context_of(doc)
    symbols = {s.name: s for s in (*ctx.grids, *ctx.ranges)}
    values = {symbols[name]: size for name, size in REFERENCE_SIZES.items()}
    y_of = definition(doc, "y")
    return tuple(
        (f"y({step})", instantiate(ctx, y_of.func(step), values))
        for step in range(1, REFERENCE_STEPS + 1)
    )


def _step_blocks(step, emit) -> list[Block]:
    """The step with its exponential (Ā = exp(ΔA)) computed apart, and its VJP.

    The VJP goes through the decay by the chain rule, its partials ∂Ā/∂A = Δ Ā and
    ∂Ā/∂Δ = A Ā formed first: they stay bounded where Ā underflows to 0, while a product
    such as Δ h_prev, taken first, overflows float32 (Δ = 1e30: inf·0 = NaN for dA).
    """
    hoisted, argument = hoist_exp(step, "decay_n")
    decay_n = sympy.Symbol("decay_n", positive=True)
    decay = {sympy.exp(argument): decay_n}
    z_n = sympy.Symbol("z_n", real=True)
    partials = {v: sympy.diff(sympy.exp(argument), v).xreplace(decay) for v in (A_n, Delta)}
    names = {A_n: "ddecay_dA_n", Delta: "ddecay_dDelta_n"}
    through = {v: sympy.Symbol(name, real=True) for v, name in names.items()}
    grads = vjp({"h": hoisted}, {"h": dh}, (h_prev, Delta, A_n, B_n, u_t, decay_n))
    chained = {v: grads[v] + grads[decay_n] * through.get(v, 0) for v in grads}
    return [
        Block("decay_arg", stable([("z_n", argument)])),
        Block("decay", stable([("decay_n", sympy.exp(z_n))])),
        Block("step", stable([("h_new", hoisted)])),
        Block("decay_vjp_A", stable([(str(through[A_n]), partials[A_n])])),
        Block("decay_vjp_Delta", stable([(str(through[Delta]), partials[Delta])])),
        # Apart, by what a kernel accumulates where: the state's gradient and the per-step
        # sums over n, then dA, dB and dC, each added to an array of its own.
        Block(
            "step_vjp",
            stable(
                [
                    ("dh_prev", chained[h_prev]),
                    ("dDelta_n", chained[Delta]),
                    ("du_n", chained[u_t]),
                ]
            ),
        ),
        Block("step_vjp_A", stable([("dA_n", chained[A_n])])),
        Block("step_vjp_B", stable([("dB_n", chained[B_n])])),
        Block("emit_vjp", stable([("dC_n", g_y * sympy.diff(emit, C_n))])),
    ]


def _printable(outputs, hoist):
    """Stable outputs; with hoist = (name, argument), their exp(argument) read as `name`."""
    return stable(outputs) if hoist is None else stable_hoisted(outputs, *hoist)[0]


def _output_vjp(name: str, out, *, with_z: bool, hoist=None) -> Block:
    grads = vjp({"out": out}, {"out": dout}, (y, D_d, u_t, z_t))
    outputs = [("g_y", grads[y]), ("dD_t", grads[D_d]), ("du_t", grads[u_t])]
    if with_z:
        outputs.append(("dz_t", grads[z_t]))
    return Block(name, _printable(outputs, hoist))


def _delta_vjp(name: str, delta, hoist=None) -> Block:
    grads = vjp({"Delta": delta}, {"Delta": dDelta}, (delta_t, bias_d))
    outputs = [("ddelta_t", grads[delta_t]), ("dbias_t", grads[bias_d])]
    return Block(name, _printable(outputs, hoist))
