"""Operations on a document's terms: declarations lookup, unfolding, instantiation, atoms.

Everything the engine evaluates passes through `instantiate`, which substitutes concrete
sizes and indices, expands aggregates and unfolds definitions until only input atoms remain.
Derivatives are taken only once nothing opaque is left under them: SymPy silently returns 0
for the derivative of an undefined function with respect to a symbol it cannot see.
"""

from __future__ import annotations

import dataclasses
import functools
import itertools
from dataclasses import dataclass

import sympy
from sympy import Derivative, Indexed, IndexedBase, Product, Sum
from sympy.concrete.expr_with_limits import ExprWithLimits
from sympy.core.function import AppliedUndef

from derive.aggregates import SetSum, SubsetSum, expand_sum, rename_bound
from derive.array_entries import paired_entries, tabulate
from derive.arrays import ArrayError, ShapeMismatch, has_arrays
from derive.model import Claim, Definition, Document
from derive.partials import as_partials, differentiate, intermediates, is_partial
from derive.perturb import Perturbation
from derive.tensors import LoweringError, ShapeCheck, lower

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

    def low(self, claim: Claim, size: sympy.Symbol) -> int:
        return dict(claim.lows).get(size, 1)


@functools.lru_cache(maxsize=64)
def context_of(doc: Document) -> Context:
    """Build the lookup tables of `doc`; definition bodies lose their tensors' shapes."""
    tensors = {b.label: b for b in doc.inputs if isinstance(b, IndexedBase)}
    scalars = frozenset(s for s in doc.inputs if isinstance(s, sympy.Symbol))
    definitions = {
        d.func: dataclasses.replace(
            d,
            body=rationalized(strip_shapes(lowered(d.body))),
            initial=None if d.initial is None else rationalized(strip_shapes(lowered(d.initial))),
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
    )


def rationalized(expr: sympy.Basic) -> sympy.Basic:
    """`expr` with every Float replaced by the exact decimal it was written as: no proof step
    may round, and 1e-35 must stay 1/10**35 (see `exact_decimal`)."""
    floats = expr.atoms(sympy.Float)
    return expr.xreplace({f: exact_decimal(f) for f in floats}) if floats else expr


def exact_decimal(number: sympy.Float) -> sympy.Rational:
    """The decimal a float was written as: 0.1 -> 1/10, 1e-35 -> 1/10**35 (the shortest
    decimal that rounds to it, as Python prints it)."""
    if number._prec <= 53:
        return sympy.Rational(repr(float(number)))
    return sympy.Rational(str(number))


def strip_shapes(expr: sympy.Basic) -> sympy.Basic:
    """Drop the shapes of the tensors in `expr`.

    A shape holds size symbols, so substituting a size (ell -> ell + 1 in an induction step)
    would otherwise turn x[k] into a different object; shapes are checked from the
    document's declarations instead.
    """
    shaped = {b: IndexedBase(b.label) for b in expr.atoms(IndexedBase) if b.shape}
    return expr.xreplace(shaped) if shaped else expr


def lowered(expr: sympy.Basic) -> sympy.Basic:
    """`expr` with matrix and sequence notation lowered to index form (see derive.tensors)."""
    try:
        return lower(expr)
    except LoweringError as problem:
        raise InputError(str(problem)) from None


def check_declared(ctx: Context, expr: sympy.Basic) -> None:
    """Raise InputError naming the first symbol, tensor or function `expr` leaves undeclared."""
    known = set(ctx.scalars) | set(ctx.grids) | set(ctx.ranges) | set(ctx.tensors)
    for node in sympy.preorder_traversal(expr):
        if isinstance(node, Indexed) and node.base.label not in ctx.tensors:
            raise InputError(f"tensor {node.base} is not among the document's inputs")
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
        _check_capture(ctx, part)


def _check_capture(ctx: Context, expr: sympy.Basic) -> None:
    """Raise InputError where a sum binds an index that a definition used inside it reads
    freely: unfolding f := x[c] inside Σ_c would silently make its c the summation index."""
    for node in sympy.preorder_traversal(expr):
        if isinstance(node, (Sum, Product)):
            bound, body = {limit[0] for limit in node.limits}, node.function
        elif isinstance(node, SetSum):
            bound, body = {node.index}, node.summand
        else:
            continue
        for app in body.atoms(AppliedUndef):
            if app.func not in ctx.definitions:
                continue
            clash = sorted(map(str, bound & _definition_symbols(ctx, app.func)))
            if clash:
                raise InputError(
                    f"{node} binds {clash[0]}, which the definition {app.func} uses as a free "
                    f"symbol: rename the summation index"
                )


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
    symbols = expr.free_symbols
    return {s for s in symbols if not isinstance(s, Indexed)}


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
        values = tuple(v for v in grid if v >= low) or (low,)
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


def unfold_once(ctx: Context, app: AppliedUndef, lows: dict, only=None):
    """Replace one application of a definition by its body, or return None if it must stay."""
    definition: Definition = ctx.definitions[app.func]
    if only is not None and definition.func not in only:
        return None
    args = app.args
    if definition.is_recurrence:
        first = args[0]
        if first.is_Integer and int(first) < definition.start:
            raise InputError(f"{app} is before the start {definition.start} of {definition.name}")
        if first == definition.start:
            return substitute(definition.initial, dict(zip(definition.params[1:], args[1:])))
        if not (first.is_Integer or exceeds(first, definition.start, lows)):
            return None
    return substitute(definition.body, dict(zip(definition.params, args)))


def substitute(body: sympy.Basic, mapping: dict) -> sympy.Basic:
    """`body` with parameters replaced by arguments, without capture: SymPy's subs would
    turn Σ_r x[r, t] at t = r into Σ_r x[r, r], so clashing bound indices are renamed first."""
    incoming = set().union(*(sympy.sympify(a).free_symbols for a in mapping.values()))
    return _replaced(rename_bound(body, incoming), mapping)


def _replaced(expr, mapping: dict):
    """`expr` with `mapping` substituted; a plain replacement (much faster than subs) when
    no symbol of `mapping` is bound inside `expr`."""
    binders = expr.atoms(ExprWithLimits, SubsetSum)
    bound = {lim[0] for node in binders for lim in getattr(node, "limits", ())}
    if bound & set(mapping) or expr.has(SubsetSum, SetSum, Derivative, Perturbation):
        return expr.subs(mapping, simultaneous=True)
    return expr.xreplace({k: sympy.sympify(v) for k, v in mapping.items()})


def unfold(
    ctx: Context, expr: sympy.Basic, lows: dict | None = None, only=None, rounds=None
) -> sympy.Basic:
    """Unfold definitions in `expr` until none can be unfolded further (or `rounds` times)."""
    lows = lows or {}
    # A derivative with respect to an intermediate needs that intermediate folded; it is
    # unfolded when the derivative is evaluated.
    expr, hidden = hide_partials(ctx, expr)
    for _ in range(rounds or MAX_UNFOLD_ROUNDS):
        changed = False

        def replace(app):
            nonlocal changed
            body = unfold_once(ctx, app, lows, only)
            if body is None:
                return app
            changed = True
            return body

        expr = expr.replace(
            lambda n: isinstance(n, AppliedUndef) and n.func in ctx.definitions, replace
        )
        if not changed:
            return expr.xreplace(hidden)
    if rounds:
        return expr.xreplace(hidden)
    raise InputError(f"unfolding did not terminate after {MAX_UNFOLD_ROUNDS} rounds")


def hide_partials(ctx: Context, expr: sympy.Basic) -> tuple[sympy.Basic, dict]:
    """Replace each derivative with respect to an intermediate by a placeholder."""
    found = [n for n in sympy.preorder_traversal(expr) if is_partial(n, ctx.definitions)]
    hidden = {sympy.Dummy("partial"): node for node in found}
    return expr.xreplace({node: key for key, node in hidden.items()}), hidden


def expand_aggregates(expr: sympy.Basic, karr: bool = False) -> sympy.Basic:
    """Expand every Sum, Product and SubsetSum whose (outermost) range is concrete; a
    reversed range is empty, or follows Karr's convention with `karr` (see expand_sum)."""

    def is_concrete(node):
        if not isinstance(node, AGGREGATES):
            return False
        if isinstance(node, SubsetSum):
            return (node.hi - node.lo).is_Integer
        # expand_sum peels the outermost range; inner ones may follow it.
        return (node.limits[-1][2] - node.limits[-1][1]).is_Integer

    def expand(node):
        return node.doit(deep=False) if isinstance(node, SubsetSum) else expand_sum(node, karr)

    try:
        expr = tabulate(expr)  # first, so that SymPy's doit meets no array-valued Sum
    except ArrayError as problem:
        raise InputError(str(problem)) from None
    return expr.replace(is_concrete, expand)


def concretize(ctx: Context, expr: sympy.Basic, values: dict, lows: dict | None = None):
    """Substitute `values`, expand aggregates that became concrete and unfold recurrences
    at concrete arguments, but keep the other definitions folded (opaque)."""
    recurrences = {d.func for d in ctx.definitions.values() if d.is_recurrence}
    expr = expr.subs(values, simultaneous=True)
    for _ in range(MAX_UNFOLD_ROUNDS):
        done = unfold(ctx, expand_aggregates(expr), lows, only=recurrences)
        if done == expr:
            return done
        expr = done
    raise InputError(f"unfolding did not terminate after {MAX_UNFOLD_ROUNDS} rounds")


def evaluate_derivatives(ctx: Context, expr: sympy.Basic, lows: dict | None = None) -> sympy.Basic:
    """Differentiate every Derivative in `expr`, unfolding its argument first."""

    def derive(node):
        if isinstance(node, Perturbation):
            return node.apply(_unfolded_argument(ctx, node, lows, set(ctx.definitions)))
        cut = intermediates(node, ctx.definitions)
        inner = _unfolded_argument(ctx, node, lows, set(ctx.definitions) - cut)
        # The intermediates differentiated by stay folded: later unfolding opens them.
        return differentiate(inner, node, cut)

    if expr.has(ShapeCheck):
        # Shapes that still depend on symbolic sizes: nothing here may be proved for all sizes.
        raise NotDerivable(f"the shapes in {expr.atoms(ShapeCheck).pop().what} depend on sizes")
    return expr.replace(lambda n: isinstance(n, (Derivative, Perturbation)), derive)


def _unfolded_argument(ctx: Context, node, lows, others: set):
    """The argument of `node` unfolded down to the definitions not in `others`."""
    moved = set().union(*(v.free_symbols for v, _ in getattr(node, "variable_count", ())))
    only = others if others != set(ctx.definitions) else None
    inner = unfold(ctx, node.expr, lows, only=only)
    if isinstance(node, Derivative):
        # What a later step of a recurrence brought in is unfolded like the rest.
        inner = unfold(ctx, unfold_toward(ctx, inner, node, lows), lows, only=only)
    inner = rename_bound(inner, moved)
    opaque = [a for a in inner.atoms(AppliedUndef) if a.func in others]
    if opaque:
        raise NotDerivable(f"cannot differentiate through {opaque[0]} (not unfoldable here)")
    return inner


def unfold_toward(ctx: Context, expr: sympy.Basic, node: Derivative, lows: dict) -> sympy.Basic:
    """Unfold the applications of each recurrence `node` differentiates by that come after
    the variable: h(3) = g[3] h(2) depends on h(2), so ∂h(3)/∂h(2) is g[3], not 0.

    Applications before the variable do not depend on it and stay; one whose position
    relative to it is unknown (h(T) against h(2)) makes the derivative NotDerivable.
    """
    targets = [
        v
        for v, _ in node.variable_count
        if isinstance(v, AppliedUndef)
        and v.func in ctx.definitions
        and ctx.definitions[v.func].is_recurrence
    ]
    funcs = {t.func for t in targets}
    for _ in range(MAX_UNFOLD_ROUNDS):
        later = [a for a in expr.atoms(AppliedUndef) if a.func in funcs and _is_later(a, targets)]
        if not later:
            return expr
        bodies = {a: unfold_once(ctx, a, lows) for a in later}
        stuck = [a for a, body in bodies.items() if body is None]
        if stuck:
            raise NotDerivable(f"cannot unfold {stuck[0]} towards {targets[0]}")
        expr = expr.xreplace(bodies)
    raise InputError(f"unfolding did not terminate after {MAX_UNFOLD_ROUNDS} rounds")


def _is_later(app: AppliedUndef, targets) -> bool:
    """Whether `app` comes after one of `targets` of its recurrence (so depends on it)."""
    for target in targets:
        if target.func != app.func or target == app:
            continue
        gap = sympy.expand(app.args[0] - target.args[0])
        if gap.is_Integer:
            if gap > 0:
                return True
            continue
        if gap.is_negative is not True:
            raise NotDerivable(f"cannot tell whether {app} comes after {target}")
    return False


def instantiate(ctx: Context, expr: sympy.Basic, values: dict, memo=None) -> sympy.Basic:
    """Substitute concrete sizes and indices, then expand and unfold until only atoms remain.

    Each application is unfolded once and remembered in `memo` (shared by calls at the same
    sizes), so a quantity many others use (a softmax denominator) is built once.
    """
    memo = {} if memo is None else memo

    def concrete(node, stop=frozenset()):
        return _concrete(ctx, _substituted(node, values), values, stop, memo)

    def derive(node):
        if isinstance(node, Perturbation):
            return concrete(node.apply(concrete(node.expr)))
        cut = intermediates(node, ctx.definitions)
        inner = concrete(unfold_toward(ctx, concrete(node.expr, cut), node, {}), cut)
        return concrete(differentiate(inner, node, cut))

    expr = concrete(expr)
    return expr.replace(lambda n: isinstance(n, (Derivative, Perturbation)), derive)


def _concrete(ctx: Context, expr, values: dict, stop: frozenset, memo: dict):
    """Expand the aggregates of `expr` and unfold every definition not in `stop`."""
    for _ in range(MAX_UNFOLD_ROUNDS):
        # An inner range can mention an outer sum's index: expand until none is left.
        expanded = expand_aggregates(expr)
        if expanded == expr:
            break
        expr = expanded
    expr, hidden = hide_partials(ctx, expr)

    def unfolded(app):
        key = (app, stop, _index_values(ctx, app.func, values, memo))
        if key not in memo:
            body = unfold_once(ctx, app, {})
            if body is None:
                raise InputError(f"{app} cannot be unfolded at concrete sizes")
            body = substitute(body, values)
            memo[key] = _concrete(ctx, body, values, stop, memo)
        return memo[key]

    expr = expr.replace(
        lambda n: isinstance(n, AppliedUndef) and n.func in ctx.definitions and n.func not in stop,
        unfolded,
    )
    return expr.xreplace(hidden)


def _substituted(expr: sympy.Basic, values: dict) -> sympy.Basic:
    # subs is slow on large sums; skip it when none of the symbols occurs free any more.
    free = _free(expr)
    hit = {k: v for k, v in values.items() if k in free}
    return expr.subs(hit, simultaneous=True) if hit else expr


def input_atoms(ctx: Context, expr: sympy.Basic, sizes: dict) -> list:
    """The input entries and scalars `expr` depends on, sorted by name."""
    atoms = {a for a in expr.atoms(Indexed) if a.base.label in ctx.tensors}
    atoms |= expr.free_symbols & ctx.scalars
    for atom in atoms:
        if isinstance(atom, Indexed):
            check_in_shape(ctx, atom, sizes)
    leftover = _free(expr) - ctx.scalars - {a.base.label for a in expr.atoms(Indexed)}
    if leftover:
        raise InputError(f"symbol {sorted(map(str, leftover))[0]} has no concrete value")
    return sorted(atoms, key=sympy.default_sort_key)


def check_in_shape(ctx: Context, atom: Indexed, sizes: dict) -> None:
    """Raise InputError if a concrete entry lies outside its tensor's declared shape."""
    shape = ctx.tensors[atom.base.label].shape or ()
    if shape and len(shape) != len(atom.indices):
        raise InputError(f"{atom} has {len(atom.indices)} indices; {atom.base} has {len(shape)}")
    for position, index in enumerate(atom.indices):
        if not index.is_Integer:
            raise InputError(f"{atom} has a symbolic index after instantiation")
        low, high = _index_bounds(shape[position] if shape else None, sizes)
        if index < low or (high is not None and high.is_Integer and index > high):
            raise InputError(f"{atom} is outside the shape {tuple(shape)} of {atom.base}")


def _index_bounds(extent, sizes: dict) -> tuple:
    """An axis of a declared shape is a length n (indices 1..n) or a window (lo, hi)."""
    if isinstance(extent, sympy.Tuple):
        low, high = (sympy.sympify(b).subs(sizes) for b in extent)
        return (low if low.is_Integer else 1), high
    return 1, None if extent is None else sympy.sympify(extent).subs(sizes)


def shape_of(expr: sympy.Basic) -> tuple:
    # Only matrices have a shape here: an Indexed entry's `shape` raises once stripped.
    return tuple(expr.shape) if getattr(expr, "is_Matrix", False) else ()


def side_entries(lhs: sympy.Basic, rhs: sympy.Basic) -> list[tuple[str, sympy.Expr, sympy.Expr]]:
    """Pair up the entries of two equal-shaped sides; scalars give one unlabelled pair."""
    if has_arrays(lhs) or has_arrays(rhs):
        try:
            pairs = paired_entries(lhs, rhs)
        except ArrayError as problem:
            raise InputError(str(problem)) from None
        return [(label, expand_aggregates(a), expand_aggregates(b)) for label, a, b in pairs]
    left, right = shape_of(lhs), shape_of(rhs)
    if left != right:
        describe = lambda s: f"shape {s}" if s else "a scalar"  # noqa: E731
        raise ShapeMismatch(f"the left side is {describe(left)}, the right side {describe(right)}")
    if not left:
        return [("", lhs, rhs)]
    lhs, rhs = sympy.ImmutableMatrix(lhs), sympy.ImmutableMatrix(rhs)
    return [
        (f"[{r + 1}, {c + 1}]", lhs[r, c], rhs[r, c])
        for r in range(left[0])
        for c in range(left[1])
    ]


@dataclass(frozen=True)
class Instance:
    """A claim at concrete sizes: one (label, lhs, rhs) entry per free-index value and
    matrix entry, over the input atoms `atoms`."""

    sizes: dict
    entries: tuple
    atoms: tuple


def _index_values(ctx: Context, func, values: dict, memo: dict) -> tuple:
    """The values of the free indices a definition's body reaches (part of a memo key)."""
    if ("indices", func) not in memo:
        definition = ctx.definitions[func]
        memo["indices", func] = free_indices(ctx, definition.func(*definition.params))
    return tuple(values.get(i) for i in memo["indices", func])


def instance(ctx: Context, lhs, rhs, sizes: dict) -> Instance:
    """Instantiate both sides at `sizes` and every value of their free indices."""
    entries, memo = [], {}
    indices = free_indices(ctx, sympy.Tuple(lhs, rhs))
    for assignment in index_assignments(ctx, indices, sizes):
        values = {**sizes, **assignment}
        left, right = instantiate(ctx, lhs, values, memo), instantiate(ctx, rhs, values, memo)
        where = ", ".join(f"{k} = {v}" for k, v in assignment.items())
        for label, l_entry, r_entry in side_entries(left, right):
            entries.append((" ".join(p for p in (where, label) if p), l_entry, r_entry))
    everything = sympy.Tuple(*(e for _, left, right in entries for e in (left, right)))
    return Instance(sizes, tuple(entries), tuple(input_atoms(ctx, everything, sizes)))
