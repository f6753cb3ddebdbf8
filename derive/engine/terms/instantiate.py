"""Instances of a claim at concrete sizes and indices: only input atoms remain.

Everything the engine evaluates passes through `instantiate`, which substitutes concrete
sizes and indices, expands aggregates and unfolds definitions until only input atoms remain.
"""

from __future__ import annotations

from dataclasses import dataclass

import sympy
from sympy import Indexed
from sympy.core.function import AppliedUndef

from derive.engine.terms.context import (
    Context,
    InputError,
    _free,
    free_indices,
    index_assignments,
)
from derive.engine.terms.unfold import (
    derivative_of,
    differentiated,
    expand_aggregates,
    expand_all_aggregates,
    hide_partials,
    jumps_integrated,
    perturbed,
    substitute,
    through_entry_substitution,
    unfold_once,
    unfold_toward,
    with_values,
)
from derive.notation.aggregates import binds
from derive.notation.array_entries import paired_entries
from derive.notation.arrays import ArrayError, ShapeMismatch, has_arrays, show_shape
from derive.notation.corrections import engine_substitution
from derive.notation.partials import intermediates
from derive.notation.perturb import Perturbation
from derive.notation.sequences import LoweringError


@engine_substitution()
def instantiate(ctx: Context, expr: sympy.Basic, values: dict, memo=None) -> sympy.Basic:
    """Substitute concrete sizes and indices, then expand and unfold until only atoms remain.

    Each application is unfolded once and remembered in `memo` (shared by calls at the same
    sizes), so a quantity many others use (a softmax denominator) is built once.
    """
    memo = {} if memo is None else memo
    functions = memo.get(FUNCTIONS)

    def concrete(node, stop=frozenset()):
        return _concrete(ctx, _substituted(node, values), values, stop, memo)

    def derive(node):
        if isinstance(node, Perturbation):  # a derivative a body brings in is taken first
            inner = concrete(node.expr).replace(differentiated, derive)
            return concrete(perturbed(node, inner))
        cut = intermediates(node, ctx.definitions)
        inner = concrete(unfold_toward(ctx, concrete(node.expr, cut), node, {}), cut)
        through_entry_substitution(node, inner)
        if functions is not None:  # a scalar function free of bound symbols is kept
            kept = isinstance(inner, sympy.Expr) and not inner.free_symbols & bound
            kept = kept and not inner.has(sympy.Derivative, Perturbation)
            functions.append((node, inner if kept else None, used.get(node, sympy.true)))
        return concrete(derivative_of(inner, node, cut))

    expr = concrete(expr)
    jumps_integrated(ctx, expr, {})
    # The symbols nodes bind: a function holding one is read at a Subs' point or under an
    # integral, not at the claim's point, and is not kept (see Instance.functions); and
    # where each derivative is read (the branches of Piecewises it sits in).
    bound, used = set(), {}
    if functions is not None:
        memo.setdefault(UNDIFFERENTIATED, []).append(expr)
    if functions is not None and expr.has(sympy.Derivative):
        bound = set().union(*(binds(n) for n in sympy.preorder_traversal(expr)))
        used = _where_read(expr)
    return expr.replace(differentiated, derive)


def _per_entry(found: list, before: list, pairs: list) -> list:
    """For each entry of `pairs` (side_entries of the differentiated sides), the (function,
    where read) of the derivatives it holds, from `found` ((node, function, where read) for
    each derivative taken) and `before` (the sides with their derivatives as nodes): an
    array side's entries each hold their own (a table of ∂(e^{AD} − 1)/A/∂D beside ∂D²/∂D:
    the first's point A = 0 hid the second's; helper 177). Every entry gets all of them where
    the entries before differentiating are not paired the same way."""
    everything = tuple((function, read) for _, function, read in found if function is not None)
    if not found or len(pairs) < 2 or len(before) != 2:
        return [everything] * len(pairs)
    try:
        unread = side_entries(*before)
    except (InputError, ArrayError, ShapeMismatch, LoweringError, ValueError, TypeError):
        return [everything] * len(pairs)
    if [label for label, _, _ in unread] != [label for label, _, _ in pairs]:
        return [everything] * len(pairs)
    by_node = {}
    for node, function, read in found:
        by_node.setdefault(node, []).append((function, read))
    per_entry = []
    for _, l_entry, r_entry in unread:
        both = sympy.Tuple(l_entry, r_entry)
        nodes = both.atoms(sympy.Derivative)
        if not nodes <= set(by_node):
            return [everything] * len(pairs)
        # Where this entry reads each (a node two entries share may be read by one only).
        here = _where_read(both)
        per_entry.append(
            tuple((f, here.get(n, read)) for n in nodes for f, read in by_node[n] if f is not None)
        )
    return per_entry


def _where_read(expr) -> dict:
    """{derivative: the condition under which `expr` reads it}: the conditions of the
    Piecewise branches it sits in (each after the earlier ones failed), joined over its
    places; sympy.true where one is unconditional."""
    found = {}

    def walk(node, condition):
        if isinstance(node, sympy.Derivative):
            found[node] = sympy.Or(found.get(node, sympy.false), condition)
            return
        if isinstance(node, sympy.Piecewise):
            earlier = sympy.false
            for branch, holds in node.args:
                walk(holds, condition)
                walk(branch, sympy.And(condition, holds, sympy.Not(earlier)))
                earlier = sympy.Or(earlier, holds)
            return
        for arg in node.args:
            walk(arg, condition)

    walk(expr, sympy.true)
    return found


def _concrete(ctx: Context, expr, values: dict, stop: frozenset, memo: dict):
    """Expand the aggregates of `expr` and unfold every definition not in `stop`."""
    expr, hidden = hide_partials(ctx, expand_all_aggregates(expr))

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
    if not hit:
        return expr
    return with_values(expr, hit, expand_all_aggregates)


def input_atoms(ctx: Context, expr: sympy.Basic, sizes: dict) -> list:
    """The input entries and scalars `expr` depends on, sorted by name."""
    atoms = {a for a in expr.atoms(Indexed) if a.base.label in ctx.tensors}
    atoms |= expr.free_symbols & ctx.scalars
    for atom in atoms:
        if isinstance(atom, Indexed):
            if not all(index.is_Integer for index in atom.indices):
                _limits_are_sizes(ctx, expr)  # the likely cause, named; else check_in_shape's
            check_in_shape(ctx, atom, sizes)
    leftover = _free(expr) - ctx.scalars - {a.base.label for a in expr.atoms(Indexed)}
    if leftover:
        raise InputError(f"symbol {sorted(map(str, leftover))[0]} has no concrete value")
    return sorted(atoms, key=sympy.default_sort_key)


def _limits_are_sizes(ctx: Context, expr: sympy.Basic) -> None:
    """Raise InputError, naming the input, where a sum or product over tensor entries runs
    up to (or from) an input: its entries are taken at sizes, and an input has no size."""
    for node in expr.atoms(sympy.Sum, sympy.Product):
        if not any(a.base.label in ctx.tensors for a in node.atoms(Indexed)):
            continue
        ends = set().union(
            *(sympy.sympify(e).free_symbols for _, *lo_hi in node.limits for e in lo_hi)
        )
        inputs = sorted(map(str, ends & ctx.scalars))
        if inputs:
            raise InputError(
                f"{node}: its range runs to the input {inputs[0]}, and its entries are taken at "
                f"sizes: declare {inputs[0]} as a size (a positive integer symbol with a grid "
                "in sizes=) to sum up to it"
            )


def check_in_shape(ctx: Context, atom: Indexed, sizes: dict) -> None:
    """Raise InputError if a concrete entry lies outside its tensor's declared shape."""
    shape = ctx.tensors[atom.base.label].shape or ()
    if shape and len(shape) != len(atom.indices):
        raise InputError(f"{atom} has {len(atom.indices)} indices; {atom.base} has {len(shape)}")
    for position, index in enumerate(atom.indices):
        if not index.is_Integer:
            raise InputError(_not_an_integer(atom, index))
        low, high = _index_bounds(shape[position] if shape else None, sizes)
        if not shape and index < low:
            raise InputError(
                f"{atom}: index {index} is below 1, where the entries of {atom.base} start (it "
                "has no declared shape; declare one with a window, IndexedBase(name, "
                "shape=((0, n),)), for entries from 0)"
            )
        below = low is not None and index < low
        if below or (high is not None and high.is_Integer and index > high):
            raise InputError(f"{atom} is outside the shape {tuple(shape)} of {atom.base}")


def _not_an_integer(atom: Indexed, index) -> str:
    """Why an entry's index has no integer value once the sizes and indices have theirs."""
    free = sorted(map(str, index.free_symbols))
    if not free:
        return f"{atom}: its index {index} is not an integer"
    return (
        f"{atom}: its index {index} has no value here ({', '.join(free)}: not a size, a "
        "declared index (indices=) or an index a sum or product around it binds; a Subs or "
        "Lambda does not bind an entry's index: write the entry at the value)"
    )


def _index_bounds(extent, sizes: dict) -> tuple:
    """An axis of a declared shape is a length n (indices 1..n) or a window (lo, hi), whose
    entries are those from ⌈lo⌉ to ⌊hi⌋ (a window (−K/2, K/2) at K = 1 is the entry 0; its
    low end read as 1 refused h[0], and an entry past a fractional high end was let in:
    helper 176); an end the sizes do not fix checks nothing."""
    if isinstance(extent, sympy.Tuple):
        low, high = (sympy.sympify(b).subs(sizes) for b in extent)
        low = sympy.ceiling(low) if low.is_number and low.is_real else low
        high = sympy.floor(high) if high.is_number and high.is_real else high
        return (low if low.is_Integer else None), high  # None: an end the sizes leave open
    return 1, None if extent is None else sympy.sympify(extent).subs(sizes)


def shape_of(expr: sympy.Basic) -> tuple:
    # Only matrices have a shape here: an Indexed entry's `shape` raises once stripped.
    return tuple(expr.shape) if getattr(expr, "is_Matrix", False) else ()


def side_entries(lhs: sympy.Basic, rhs: sympy.Basic) -> list[tuple[str, sympy.Expr, sympy.Expr]]:
    """Pair up the entries of two equal-shaped sides; scalars give one unlabelled pair."""
    if has_arrays(lhs) or has_arrays(rhs):
        try:
            pairs = paired_entries(lhs, rhs)
        except (ArrayError, LoweringError) as problem:
            # A side with no entries the arrays can name (an explicit Matrix beside a Table
            # was an internal error, helper 151): the document's input.
            raise InputError(str(problem)) from None
        return [(label, expand_aggregates(a), expand_aggregates(b)) for label, a, b in pairs]
    left, right = shape_of(lhs), shape_of(rhs)
    if left and not right or right and not left:
        # A scalar side with every entry of an explicit matrix, as an array's (a scalar 0 is
        # the zero matrix): Matrix([[0, 0]]) = 0 was REFUTED by its shape (helper 149).
        shape = left or right
        lhs, rhs = (sympy.ones(*shape) * s if not shape_of(s) else s for s in (lhs, rhs))
    elif left != right:
        raise ShapeMismatch(
            f"the left side is {show_shape(left)}, the right side {show_shape(right)}"
        )
    elif not left:
        return [("", lhs, rhs)]
    shape, lhs, rhs = left or right, sympy.ImmutableMatrix(lhs), sympy.ImmutableMatrix(rhs)
    return [
        (f"[{r + 1}, {c + 1}]", lhs[r, c], rhs[r, c])
        for r in range(shape[0])
        for c in range(shape[1])
    ]


@dataclass(frozen=True)
class Instance:
    """A claim at concrete sizes: one (label, lhs, rhs) entry per free-index value and
    matrix entry, over the input atoms `atoms`."""

    sizes: dict
    entries: tuple
    atoms: tuple
    # Per entry, (function, where it is read) for each function its derivatives differentiate
    # (at these sizes): a derivative exists only where its function has a value, and SymPy's
    # derivative may have one where the function has none, a factor cancelled (∂/∂Δ of
    # (e^{AΔ} − 1)/A·B is B·e^{AΔ}, a number at A = 0 where the function is 0/0): such a
    # point refutes nothing, unless the entry does not read the derivative there (a
    # Piecewise branch not taken).
    functions: tuple = ()


# The memo's keys for the functions instantiate's derivatives differentiate, where the caller
# collects them (instance), and for the sides before they were differentiated.
FUNCTIONS = "functions differentiated"
UNDIFFERENTIATED = "sides before differentiating"


def _index_values(ctx: Context, func, values: dict, memo: dict) -> tuple:
    """The values of the free indices a definition's body reaches (part of a memo key)."""
    if ("indices", func) not in memo:
        definition = ctx.definitions[func]
        memo["indices", func] = free_indices(ctx, definition.func(*definition.params))
    return tuple(values.get(i) for i in memo["indices", func])


def instance(ctx: Context, lhs, rhs, sizes: dict) -> Instance:
    """Instantiate both sides at `sizes` and every value of their free indices."""
    entries, functions, memo = [], [], {}
    indices = free_indices(ctx, sympy.Tuple(lhs, rhs))
    for assignment in index_assignments(ctx, indices, sizes):
        values = {**sizes, **assignment}
        memo[FUNCTIONS], memo[UNDIFFERENTIATED] = [], []
        left, right = instantiate(ctx, lhs, values, memo), instantiate(ctx, rhs, values, memo)
        found, before = memo.pop(FUNCTIONS), memo.pop(UNDIFFERENTIATED)
        where = ", ".join(f"{k} = {v}" for k, v in assignment.items())
        pairs = side_entries(left, right)
        for (label, l_entry, r_entry), read in zip(pairs, _per_entry(found, before, pairs)):
            entries.append((" ".join(p for p in (where, label) if p), l_entry, r_entry))
            functions.append(read)
    everything = sympy.Tuple(*(e for _, left, right in entries for e in (left, right)))
    atoms = tuple(input_atoms(ctx, everything, sizes))
    return Instance(sizes, tuple(entries), atoms, tuple(functions))
