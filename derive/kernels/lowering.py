"""Lowering: from a verified document to kernel specs, a table with one entry per document.

A lowering binds the document's terms to a kernel's variables (its projections become kernel
inputs) and takes every expression from the document's definitions; backward blocks are
vector-Jacobian products the engine derives with SymPy. Templates supply only loops.
"""

from __future__ import annotations

import contextvars
from collections.abc import Callable
from dataclasses import dataclass

import sympy
from sympy.core.function import AppliedUndef

from derive.engine.terms import context_of, unfold
from derive.kernels.kinds import kind
from derive.model import Document
from derive.notation.primitives import stable_form


@dataclass(frozen=True)
class Block:
    """Named expressions computed together: (output name, SymPy expression) pairs.

    A `single` block is float32 code: its constants print as float32 values.
    """

    name: str
    outputs: tuple[tuple[str, sympy.Expr], ...]
    single: bool = False


@dataclass(frozen=True)
class Argument:
    """An array argument of a generated kernel: its name, its axes, whether it may be None,
    and the label of the document's tensor it binds to, where that differs from its name.

    An axis named "2D" has twice the size of axis "D". `layouts` lists every axes the
    argument accepts (`axes` among them), told apart by their number of axes.
    """

    name: str
    axes: tuple[str, ...]
    optional: bool = False
    label: str = ""
    layouts: tuple[tuple[str, ...], ...] = ()


@dataclass(frozen=True)
class KernelSpec:
    """One generated kernel family: its template macro, arguments, blocks and docstrings.

    `reference` holds the document's own forward outputs, every definition unfolded, with
    sizes and indices left symbolic: harnesses instantiate them to check the whole generated
    forward (its template structure included) against the document.
    """

    name: str
    kind: str
    summary: str
    labels: str
    arguments: tuple[Argument, ...]
    blocks: tuple[Block, ...]
    extensions: tuple[str, ...] = ()
    reference: tuple[tuple[str, sympy.Expr], ...] = ()

    def block(self, name: str) -> Block:
        return next(b for b in self.blocks if b.name == name)


@dataclass(frozen=True)
class ModuleSpec:
    """Everything one document's generated modules hold."""

    document: str
    source: str
    title: str
    kernels: tuple[KernelSpec, ...]


@dataclass(frozen=True)
class Lowering:
    """How one document becomes kernels: the function, and the names it binds to in the
    document, as data — its definitions and input tensors. They are checked against the
    document before the function runs, so a renamed definition is a named error, not a
    KeyError deep inside a lowering; the function may use no other name."""

    document: str
    function: Callable[[Document], tuple[KernelSpec, ...]]
    definitions: tuple[str, ...]
    tensors: tuple[str, ...] = ()


class BindingError(KeyError):
    """A lowering and its document disagree on a name (a renamed definition or tensor)."""

    def __str__(self) -> str:
        return str(self.args[0])


LOWERINGS: dict[str, Lowering] = {}
_BINDING: contextvars.ContextVar[Lowering | None] = contextvars.ContextVar("binding", default=None)


def lowering(name: str, *, definitions: tuple[str, ...], tensors: tuple[str, ...] = ()):
    """Register the decorated function as the lowering of document `name`, binding to the
    document's `definitions` and input `tensors` by name."""

    def register(function):
        LOWERINGS[name] = Lowering(name, function, tuple(definitions), tuple(tensors))
        return function

    return register


def kernel_specs(doc: Document) -> ModuleSpec:
    """The kernel specs of `doc`, or KeyError naming the documents that have kernels, or
    BindingError naming the names the lowering binds to and the document lacks."""
    import derive.kernels.lowerings  # noqa: F401 - fills LOWERINGS on first use

    if doc.name not in LOWERINGS:
        known = ", ".join(sorted(LOWERINGS))
        raise KeyError(f"no kernels for document {doc.name!r} (kernels exist for: {known})")
    found = LOWERINGS[doc.name]
    check_bindings(found, doc)
    token = _BINDING.set(found)
    try:
        specs = found.function(doc)
    finally:
        _BINDING.reset(token)
    for spec in specs:
        kind(spec.kind)  # an unknown kind is a named error here, not in a template
    return ModuleSpec(doc.name, doc.path, doc.title, specs)


def check_bindings(found: Lowering, doc: Document) -> None:
    defined = {d.name for d in doc.definitions}
    labels = {str(i.label) for i in doc.inputs if isinstance(i, sympy.IndexedBase)}
    missing = [f"definition {n!r}" for n in found.definitions if n not in defined]
    missing += [f"tensor {n!r}" for n in found.tensors if n not in labels]
    if missing:
        raise BindingError(
            f"the lowering of {doc.name} (derive/kernels/lowerings/{doc.name}.py) binds to "
            f"{', '.join(missing)}, which document {doc.name} does not declare: renamed?"
        )


def _bound(what: str, name: str) -> None:
    """A lowering may only use the names its @lowering declares."""
    found = _BINDING.get()
    if found is None:
        return
    declared = found.definitions if what == "definition" else found.tensors
    if name not in declared:
        raise BindingError(
            f"the lowering of {found.document} uses {what} {name!r}, which its @lowering(...) "
            f"does not declare in {what}s="
        )


def definition(doc: Document, name: str):
    """The document's definition called `name` (shapes stripped, as the engine sees it)."""
    _bound("definition", name)
    for d in context_of(doc).definitions.values():
        if d.name == name:
            return d
    raise KeyError(f"document {doc.name} has no definition {name!r}")


def tensor(doc: Document, label: str) -> sympy.IndexedBase:
    _bound("tensor", label)
    for item in doc.inputs:
        if isinstance(item, sympy.IndexedBase) and str(item.label) == label:
            return sympy.IndexedBase(item.label)
    raise KeyError(f"document {doc.name} has no input tensor {label!r}")


def body_at(doc: Document, name: str, *args) -> sympy.Expr:
    """The body of definition `name` at `args`, without unfolding anything inside it."""
    found = definition(doc, name)
    return found.body.subs(dict(zip(found.params, args)), simultaneous=True)


def unfolded(doc: Document, expr, keep=()) -> sympy.Expr:
    """Unfold every definition in `expr` except those named in `keep`."""
    for name in keep:
        _bound("definition", name)
    ctx = context_of(doc)
    only = {d.func for d in ctx.definitions.values() if d.name not in keep}
    return unfold(ctx, expr, only=only)


def vjp(outputs: dict, seeds: dict, wrt) -> dict:
    """Vector-Jacobian product: d(sum of seed*output)/d(each of wrt), by SymPy."""
    total = sum(seeds[name] * expr for name, expr in outputs.items())
    return {variable: sympy.diff(total, variable) for variable in wrt}


def bind(expr, names: dict | None = None, tensors: dict | None = None):
    """Bind a document's terms to kernel variables: applications of the definitions named in
    `names` and entries of the tensors named in `tensors` become the given symbols."""
    names, tensors = names or {}, tensors or {}
    for name in names:
        _bound("definition", name)
    for label in tensors:
        _bound("tensor", label)
    expr = expr.replace(
        lambda n: isinstance(n, AppliedUndef) and n.func.__name__ in names,
        lambda n: names[n.func.__name__],
    )
    return expr.replace(
        lambda n: isinstance(n, sympy.Indexed) and str(n.base.label) in tensors,
        lambda n: tensors[str(n.base.label)],
    )


def reusing(expr, computed: dict):
    """`expr` with values an earlier block computed replaced by their names ({name: value}):
    the derivative of exp(s - m) is exp(s - m) again, the weight, not a second exp."""
    return expr.xreplace({value: name for name, value in computed.items()})


# A softmax's kernel variables: score s, shift m, weight w = exp(s - m), total Z, weight α.
s_e, m_i, w_e, Z_i, alpha_e = sympy.symbols("s_e m_i w_e Z_i alpha_e", real=True)
dalpha_e, dw_total = sympy.symbols("dalpha_e dw_total", real=True)


def softmax_blocks(weight, alpha) -> list[Block]:
    """The weight w(s_e, m_i), α(w_e, Z_i), and their VJPs. Z sums w over a run (a row, a
    target's edges), so dZ/dw = 1: a kernel adds the run's Σ dZ_e to each dw_e (dw_total)."""
    grads = vjp({"alpha": alpha}, {"alpha": dalpha_e}, (w_e, Z_i))
    weight_grad = reusing(dw_total * sympy.diff(weight, s_e), {w_e: weight})
    return [
        Block("weight", stable([("w_e", weight)])),
        Block("alpha", stable([("alpha_e", alpha)])),
        Block("alpha_vjp", stable([("dw_e", grads[w_e]), ("dZ_e", grads[Z_i])])),
        Block("weight_vjp", stable([("ds_e", weight_grad)])),
    ]


def hoist_exp(expr, name: str):
    """Replace the one exp(...) in `expr` by the symbol `name`; return (expr, argument).

    Kernels compute that exponential in a loop of its own, where it can be vectorised.
    """
    found = {node.args[0] for node in expr.atoms(sympy.exp)}
    if len(found) != 1:
        raise ValueError(f"expected exactly one exp in {expr}, found {len(found)}")
    (argument,) = found
    return expr.xreplace({sympy.exp(argument): sympy.Symbol(name, positive=True)}), argument


def stable_hoisted(outputs, name: str, argument=None):
    """`stable(outputs)` with their one exponential, exp(argument), replaced by the symbol
    `name` (see hoist_exp); return (outputs, argument). Given `argument`, the exponential
    found must be exp(argument): blocks that share `name` compute the same value."""
    names, exprs = zip(*stable(outputs), strict=True)
    replaced, found = hoist_exp(sympy.Tuple(*exprs), name)
    if argument is not None and found != argument:
        raise ValueError(f"expected exp({argument}) in {outputs}, found exp({found})")
    return tuple(zip(names, replaced, strict=True)), found


def stable(outputs) -> tuple[tuple[str, sympy.Expr], ...]:
    """Lower primitives to their numerically stable forms, for printing."""
    return tuple((name, stable_form(sympy.sympify(expr))) for name, expr in outputs)
