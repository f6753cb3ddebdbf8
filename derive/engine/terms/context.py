"""A document's lookup tables and what is declared: sizes, grids, index ranges, symbols.

`context_of` builds the `Context` once per document; claims are checked against its
declarations (`check_declared`), and the sizes and index values a check runs at come from it
(`size_grid`, `index_assignments`).
"""

from __future__ import annotations

import dataclasses
import functools
import itertools
import math
from dataclasses import dataclass

import sympy
from sympy import Indexed, IndexedBase, Product, Sum
from sympy.core.function import AppliedUndef
from sympy.tensor.array import NDimArray

from derive.engine.desugar import desugar
from derive.model import Claim, Definition, Document
from derive.notation.aggregates import SubsetSum, binds
from derive.notation.corrections import doubt_mark, doubted_since
from derive.notation.partials import as_partials
from derive.notation.perturb import Perturbation
from derive.notation.sequences import LoweringError

AGGREGATES = (Sum, Product, SubsetSum)


DEFAULT_GRID = (1, 2, 3)


MIN_GRID = 2  # sizes a grid keeps above a claim's lower bound, at least


MAX_UNFOLD_ROUNDS = 400


class InputError(Exception):
    """The document itself is malformed (an undeclared symbol, an index out of range...)."""


class NotDerivable(Exception):
    """A derivative's argument still holds an opaque definition, so SymPy would answer 0."""


@dataclass(frozen=True)
class Context:
    """Lookup tables for one document, built once by `context_of`."""

    doc: Document
    definitions: dict
    tensors: dict
    scalars: frozenset
    grids: dict
    ranges: dict
    domains: dict
    # SymPy's unconfirmed readings of numbers while the definitions were rewritten here
    # (corrections.doubted_since): the document's claims get no proof, as with doc.doubts.
    doubts: tuple[str, ...] = ()

    def low(self, claim: Claim, size: sympy.Symbol) -> int:
        return dict(claim.lows).get(size, 1)


@functools.lru_cache(maxsize=64)
def context_of(doc: Document) -> Context:
    """Build the lookup tables of `doc`; definition bodies lose their tensors' shapes."""
    mark = doubt_mark()
    tensors = {b.label: b for b in doc.inputs if isinstance(b, IndexedBase)}
    scalars = frozenset(s for s in doc.inputs if isinstance(s, sympy.Symbol))
    definitions = {
        d.func: dataclasses.replace(
            d,
            body=rationalized(strip_shapes(desugared(d.body))),
            initial=None if d.initial is None else rationalized(strip_shapes(desugared(d.initial))),
        )
        for d in doc.definitions
    }
    return Context(
        doc=doc,
        definitions=definitions,
        tensors=tensors,
        scalars=scalars,
        grids=dict(doc.sizes),
        ranges={s: (lo, hi) for s, lo, hi in doc.indices},
        domains=dict(doc.domains),
        # Rewriting a body can make SymPy read a number (floor(c·Entry(I, 1, 1)) is read as
        # floor(c) once the entry is 1: helper 143).
        doubts=doubted_since(mark),
    )


def rationalized(expr: sympy.Basic) -> sympy.Basic:
    """`expr` with every Float replaced by the exact decimal it was written as: no proof step
    may round, and 1e-35 must stay 1/10**35 (see `exact_decimal`)."""
    floats = expr.atoms(sympy.Float)
    return expr.xreplace({f: exact_decimal(f) for f in floats}) if floats else expr


def exact_decimal(number: sympy.Float) -> sympy.Rational:
    """The decimal a float was written as: 0.1 -> 1/10, 1e-35 -> 1/10**35 (the shortest
    decimal that rounds to it, as Python prints it)."""
    # (Compared by their binary values, _mpf_: within a document's float watch, Float's ==
    # itself asks for this reading.)
    double = float(number)
    if number._prec == 53 and math.isfinite(double) and sympy.Float(double)._mpf_ == number._mpf_:
        # (Not a subnormal one: float() rounds it to fewer bits, Float('2.5e-324') to 5e-324.)
        return sympy.Rational(repr(double))
    # Other digits than a double's (Float('0.1', 5) is 0.10000), or beyond its range (1e-400
    # is not 0, 1e600 not inf): the digits it prints, where they round back to it. At a few
    # bits they need not (Float(1.5, precision=2) prints as 0.e+0): its binary value then.
    printed = str(number)
    if sympy.Float(printed, precision=number._prec)._mpf_ == number._mpf_:
        return sympy.Rational(printed)
    return sympy.Rational(number)


def strip_shapes(expr: sympy.Basic) -> sympy.Basic:
    """Drop the shapes of the tensors in `expr`.

    A shape holds size symbols, so substituting a size (ell -> ell + 1 in an induction step)
    would otherwise turn x[k] into a different object; shapes are checked from the
    document's declarations instead.
    """
    shaped = {b: IndexedBase(b.label) for b in expr.atoms(IndexedBase) if b.shape}
    return expr.xreplace(shaped) if shaped else expr


def desugared(expr: sympy.Basic) -> sympy.Basic:
    """`expr` with matrix and sequence notation in index form (derive.engine.desugar); what
    cannot be desugared is an input error."""
    try:
        return desugar(expr)
    except LoweringError as problem:
        raise InputError(str(problem)) from None


def check_declared(ctx: Context, expr: sympy.Basic) -> None:
    """Raise InputError naming the first symbol, tensor or function `expr` leaves undeclared."""
    known = set(ctx.scalars) | set(ctx.grids) | set(ctx.ranges) | set(ctx.tensors)
    for node in sympy.preorder_traversal(expr):
        if isinstance(node, Indexed) and node.base.label not in ctx.tensors:
            raise InputError(f"tensor {node.base} is not among the document's inputs")
        if isinstance(node, NDimArray):
            raise InputError(
                f"{node} is SymPy's Array, which derive does not read: write an array as a "
                "Table (derive.notation.arrays), a matrix as Matrix or with the matrix notation"
            )
        _check_matrix(node)
        if isinstance(node, AppliedUndef) and node.func not in ctx.definitions:
            raise InputError(f"function {node.func} is not defined in the document")
        if isinstance(node, AppliedUndef) and ctx.definitions[node.func].is_recurrence:
            start, first = ctx.definitions[node.func].start, node.args[0]
            if first.is_Integer and first < start:
                raise InputError(f"{node} is before the start {start} of {node.func}")
    symbols = _free(expr)
    unknown = sorted(str(s) for s in symbols - known if not _is_bound_free(s))
    if unknown:
        raise InputError(f"symbol {unknown[0]} is not declared")
    for part in [expr, *(d.body for d in reached_definitions(ctx, expr))]:
        check_capture(ctx, part)


def _check_matrix(node) -> None:
    """Raise InputError for an explicit matrix derive cannot compare entry by entry: one with
    no entries (Matrix(0, 2, []) = 5 was PROVED, as every entry of none is 5), or one inside a
    Piecewise, integral, sum or product, which evaluation read as a number (an internal
    error; helper 151)."""
    if isinstance(node, sympy.MatrixBase) and 0 in node.shape:
        raise InputError(f"{node} has no entries: a claim about it says nothing")
    if isinstance(node, sympy.Piecewise):
        inside = [e for e, _ in node.args]
    elif isinstance(node, (sympy.Integral, Sum, Product)):
        inside = [node.function]
    else:
        return
    if any(getattr(e, "is_Matrix", False) for e in inside):
        kind = type(node).__name__
        raise InputError(f"{kind} of a matrix, {node}: write the matrix of its entries' {kind}s")


def check_capture(ctx: Context, expr: sympy.Basic) -> None:
    """Raise InputError where a sum binds an index that a definition used inside it reads
    freely: unfolding f := x[c] inside Σ_c would silently make its c the summation index.
    So for every binder: a Table, ArraySum, tabulated view or SeqOf over c, an Integral
    over t (tabulate("g", c, f(), n) with f := x[c] was a column of x_c alone, and
    colᵀx = x_c·Σ x PROVED; helper 160); not a Subs, which substitutes into the body.
    Also run on a claim as written (verify): desugaring SeqOf(s, j, f()) leaves f() alone,
    and the check then sees no binder of j."""
    for node in sympy.preorder_traversal(expr):
        bound = set() if isinstance(node, sympy.Subs) else binds(node)
        if not bound:
            continue
        for app in node.atoms(AppliedUndef):
            if app.func not in ctx.definitions:
                continue
            clash = sorted(map(str, bound & _definition_symbols(ctx, app.func)))
            if clash:
                raise InputError(
                    f"{node} binds {clash[0]}, which the definition {app.func} uses as a free "
                    f"symbol: rename the index {clash[0]} where it is bound"
                )


def check_bound_values(ctx: Context, expr: sympy.Basic) -> None:
    """Raise InputError where a Subs binds a size or a free index of the document that a
    definition's body in it holds: the engine puts each size's and index's values into the
    bodies it unfolds, through the Subs (helper 167: f := a[c], f().subs(c, 1) = a[c] was
    PROVED_AT_SIZES n = 1, 2, 3, false at c = 2)."""
    for node in sympy.preorder_traversal(expr):
        if not isinstance(node, sympy.Subs):
            continue
        for variable in node.variables:
            if variable not in ctx.grids and variable not in ctx.ranges:
                continue
            for app in node.expr.atoms(AppliedUndef):
                if app.func in ctx.definitions and variable in _definition_symbols(ctx, app.func):
                    kind = "a size" if variable in ctx.grids else "a free index"
                    raise InputError(
                        f"{node} substitutes for {variable}, {kind} of the document, inside the "
                        f"definition {app.func}: make {variable} a parameter of {app.func} and "
                        "apply it at the value"
                    )


def check_moves(expr: sympy.Basic) -> None:
    """Raise InputError where a perturbation in `expr` (a claim as written, the definitions'
    bodies) moves an input to a value not known to keep the input's assumptions, under which
    SymPy built the expression (helper 162: Δ|x| = Δx PROVED for a positive x)."""
    for node in sympy.preorder_traversal(expr):
        problem = node.unkept() if isinstance(node, Perturbation) else None
        if problem:
            raise InputError(problem)


def _definition_symbols(ctx: Context, func) -> set:
    """The free symbols a definition's body (and initial value) reaches, parameters aside."""
    definition = ctx.definitions[func]
    params = {p: sympy.Dummy() for p in definition.params}
    parts = [definition.body] + ([definition.initial] if definition.is_recurrence else [])
    return reachable_symbols(ctx, sympy.Tuple(*parts).xreplace(params))


def _is_bound_free(symbol) -> bool:
    # Set symbols only occur bound; SymPy's Dummy objects are the engine's own.
    return isinstance(symbol, sympy.Dummy)


def _free(expr: sympy.Basic) -> set:
    """Free plain symbols (tensor labels included), leaving out Indexed entries and the size
    symbols that only occur in tensors' shapes."""
    plain = {b: IndexedBase(b.label) for b in expr.atoms(IndexedBase) if b.shape}
    # SymPy counts ∂/∂x[c] as binding x[c]; as a Partial its index c is free all the same,
    # unless an enclosing sum binds it.
    expr = as_partials(expr.xreplace(plain) if plain else expr)
    symbols = expr.free_symbols | (_entry_indices(expr) if expr.has(sympy.Subs) else set())
    return {s for s in symbols if not isinstance(s, Indexed)}


def _entry_indices(expr: sympy.Basic, bound: frozenset = frozenset()) -> set:
    """The symbols in the indices of the entries a Subs substitutes for (c in Subs(f, u[c],
    3)), but those a binder around it binds. SymPy leaves them out of free_symbols, so a
    free index that shows nowhere else went unseen: the claim was not taken at each of its
    values, the Subs at concrete sizes substituted for nothing, and ∂/∂u₁ Subs(L, u[c], 3) =
    g₁u₁, false at c = 1, was PROVED (helper 174)."""
    found = set()
    if isinstance(expr, sympy.Subs):
        for variable in expr.variables:
            if isinstance(variable, Indexed):
                found |= variable.free_symbols - bound
    inner = bound | binds(expr) if expr.args else bound
    for arg in expr.args:
        found |= _entry_indices(arg, inner)
    return found


def reachable_symbols(ctx: Context, expr: sympy.Basic) -> set:
    """Free symbols of `expr` and of every definition it reaches, index ranges included."""
    seen_defs, pending, found = set(), [expr], set()
    while pending:
        node = pending.pop()
        symbols = _free(node) - found
        found |= symbols
        for index in symbols & set(ctx.ranges):
            pending.extend(sympy.sympify(b) for b in ctx.ranges[index])
        for app in node.atoms(AppliedUndef):
            definition = ctx.definitions.get(app.func)
            if definition and definition.func not in seen_defs:
                seen_defs.add(definition.func)
                params = set(definition.params)
                pending.append(definition.body.xreplace({p: sympy.Dummy() for p in params}))
                if definition.initial is not None:
                    pending.append(definition.initial.xreplace({p: sympy.Dummy() for p in params}))
    return found


def reached_definitions(ctx: Context, expr: sympy.Basic) -> list[Definition]:
    """The definitions `expr` uses, directly or through other definitions, in document order."""
    reached, pending = set(), [expr]
    while pending:
        node = pending.pop()
        for app in node.atoms(AppliedUndef):
            definition = ctx.definitions.get(app.func)
            if definition and app.func not in reached:
                reached.add(app.func)
                pending += [definition.body] + (
                    [definition.initial] if definition.is_recurrence else []
                )
    return [d for d in ctx.definitions.values() if d.func in reached]


def sizes_in(ctx: Context, expr: sympy.Basic) -> tuple[sympy.Symbol, ...]:
    """The size symbols `expr` depends on, through definitions and index ranges too."""
    return tuple(sorted(reachable_symbols(ctx, expr) & set(ctx.grids), key=str))


def free_indices(ctx: Context, expr: sympy.Basic) -> tuple[sympy.Symbol, ...]:
    """The free indices `expr` depends on, through definitions too (like a fixed channel)."""
    return tuple(sorted(reachable_symbols(ctx, expr) & set(ctx.ranges), key=str))


def size_grid(ctx: Context, claim: Claim, sizes, override=()) -> list[dict]:
    """The size assignments to instantiate `claim` at, smallest first."""
    chosen = {**dict(claim.sizes), **dict(override)}
    grids = {**ctx.grids, **chosen}
    axes = []
    for size in sizes:
        low, grid = ctx.low(claim, size), grids.get(size, DEFAULT_GRID)
        values = tuple(dict.fromkeys(v for v in grid if v >= low)) or (low,)  # each once
        if size not in chosen and size in dict(claim.lows) and low < min(values):
            # A claim said to hold from a size below the grid (lows={n: 0} beside a grid
            # from 1) is instantiated at that size too: the scope it states starts there.
            values = (low, *values)
        if size not in chosen and len(values) < MIN_GRID < len(grid) + 1:
            # A lower bound above the document's grid would leave one size of it (or none):
            # the sizes from the bound on take the place of those left out.
            values = tuple(sorted(set(values) | set(range(low, low + MIN_GRID))))[:MIN_GRID]
        axes.append(values)
    combos = [dict(zip(sizes, values)) for values in itertools.product(*axes)]
    return sorted(combos, key=lambda c: (sum(c.values()), [c[s] for s in sizes]))


def index_assignments(ctx: Context, indices, sizes: dict) -> list[dict]:
    """Every assignment of concrete values to the free `indices` at the given sizes."""
    axes = []
    for index in indices:
        lo, hi = (sympy.sympify(b).subs(sizes) for b in ctx.ranges[index])
        if not (lo.is_Integer and hi.is_Integer):
            raise InputError(f"index {index} has range {lo}..{hi}, which is not concrete")
        axes.append(range(int(lo), int(hi) + 1))
    return [dict(zip(indices, values)) for values in itertools.product(*axes)]


def exceeds(arg: sympy.Expr, start: int, lows: dict) -> bool:
    """Whether `arg > start` for every size at or above its lower bound in `lows`."""
    shifted = {
        s: sympy.Dummy(s.name, integer=True, nonnegative=True) + low for s, low in lows.items()
    }
    return bool((arg.subs(shifted) - start).is_positive)
