"""Canonical names for bound indices, and the one search over the orders of nested sums: two
expressions (or two terms) that differ only in how their bound indices are named or nested get
one form. Every renaming here respects scope (an index is renamed only where its own sum binds
it), and every order searched is one in which no range mentions an index summed inside it.

    >>> import sympy
    >>> j, k, n = sympy.symbols("j k n", integer=True)
    >>> x = sympy.IndexedBase("x")
    >>> over_j = Term(bound=((j, sympy.S.One, n),), factors=(x[j],))
    >>> over_k = Term(bound=((k, sympy.S.One, n),), factors=(x[k],))
    >>> canonical_key(over_j) == canonical_key(over_k)
    True
"""

from __future__ import annotations

import functools
import itertools

import sympy
from sympy import Mul, Product, Sum

from derive.engine.indexcalc.terms import Term, fresh_indices
from derive.notation.aggregates import SetSum

MAX_PERMUTED = 5  # 5! = 120 orders; past it a sum keeps the nearest valid order


@functools.cache
def position_name(k: int, family: str = "κ") -> sympy.Dummy:
    """The k-th canonical name of a bound index in `family`: a Dummy, so no symbol of a
    document can equal it (a user's free index named κ0 would otherwise be captured).

    Keys of terms (`canonical_key`) use family κ and SymPy expressions (`canonical_indices`)
    family ι: a term's factor may hold a SetSum already named by depth, and renaming the
    term's own indices into the same family would capture its ι1 as κ1.

    >>> position_name(0) == position_name(0), position_name(0) == position_name(0, "ι")
    (True, False)
    """
    return sympy.Dummy(f"{family}{k}", integer=True)


def is_valid_order(limits) -> bool:
    """Whether no range in `limits` (SymPy's order, innermost first) mentions its own index
    or one summed inside it; only such an order sums over the same index tuples.

    >>> i, j, n = sympy.symbols("i j n", integer=True)
    >>> one = sympy.S.One
    >>> is_valid_order(((j, one, i), (i, one, n))), is_valid_order(((i, one, n), (j, one, i)))
    (True, False)
    """
    for position, (_, lo, hi) in enumerate(limits):
        inner = {lim[0] for lim in limits[: position + 1]}
        if inner & (lo.free_symbols | hi.free_symbols):
            return False
    return True


def index_orders(limits, most: int = MAX_PERMUTED) -> list[tuple]:
    """Every valid order of `limits` (innermost first), as permutations list them; past
    `most` limits, or where none is valid, only the order nearest the given one.

    Reordering nested sums is an identity exactly when no range comes to mention an index
    summed inside it: Σ_i Σ_{j≤i} is Σ_j Σ_{i≥j}, not Σ_j Σ_{i≤j}.

    >>> i, j, k, n = sympy.symbols("i j k n", integer=True)
    >>> one = sympy.S.One
    >>> len(index_orders(((j, one, n), (k, one, n), (i, one, n))))
    6
    >>> index_orders(((i, one, n), (j, one, i)))
    [((j, 1, i), (i, 1, n))]
    """
    limits = tuple(limits)
    if len(limits) <= most:
        orders = [order for order in itertools.permutations(limits) if is_valid_order(order)]
        if orders:
            return orders
    return [_nearest_valid_order(limits)]


def _nearest_valid_order(limits) -> tuple:
    """`limits` stably sorted so that each range mentions only indices outside it: a valid
    order is kept as it is; where there is none (a range mentions its own index), `limits`."""
    pending, placed = list(reversed(limits)), []  # outermost first
    while pending:
        names = {lim[0] for lim in pending}
        ready = [lim for lim in pending if not names & (lim[1].free_symbols | lim[2].free_symbols)]
        if not ready:
            return limits
        placed.append(ready[0])
        pending.remove(ready[0])
    return tuple(reversed(placed))


def canonical_indices(expr):
    """Rename the bound index of every Sum, Product and SetSum after its nesting depth.

    Every binder first gets a unique name, so renaming cannot capture: a sum moved by the
    normal forms may already use a canonical name that is now the wrong depth's.

    >>> k, j, n = sympy.symbols("k j n", integer=True)
    >>> f = sympy.Function("f")
    >>> canonical_indices(Sum(f(k), (k, 1, n))) == canonical_indices(Sum(f(j), (j, 1, n)))
    True
    """
    if not isinstance(expr, sympy.Basic):
        return expr
    return _canonical(expr)


@functools.lru_cache(maxsize=4096)
def _canonical(expr):
    # Cached: the normal forms ask again for the same terms (merge_sums tries several orders).
    return _by_depth(_fresh_binders(expr), 0)


def _fresh_binders(expr):
    def fresh(node):
        if isinstance(node, SetSum):
            return node.xreplace({node.index: sympy.Dummy(integer=True)})
        return fresh_indices(node)

    return expr.replace(lambda n: isinstance(n, (Sum, Product, SetSum)), fresh)


def _by_depth(expr, depth: int):
    if not expr.args or not expr.has(Sum, Product, SetSum):
        return expr  # nothing bound below: rebuilding would only re-evaluate it
    if isinstance(expr, (Sum, Product)):
        body, limits = expr.function, []
        for index, lo, hi in expr.limits:
            fresh = position_name(depth, "ι")
            body = body.xreplace({index: fresh})
            # An inner range may mention this (outer) index: Σ_k Σ_{j<k} is one Sum.
            limits = [
                (i, a.xreplace({index: fresh}), b.xreplace({index: fresh})) for i, a, b in limits
            ]
            limits.append((fresh, lo, hi))
            depth += 1
        return expr.func(_by_depth(body, depth), *limits)
    if isinstance(expr, SetSum):
        fresh = position_name(depth, "ι")
        body = _by_depth(expr.summand.xreplace({expr.index: fresh}), depth + 1)
        return SetSum(body, fresh, expr.set)
    return expr.func(*(_by_depth(arg, depth) for arg in expr.args))


def canonical_key(term: Term) -> str:
    """The smallest description of `term` over every valid order of its indices (see
    `index_orders`), each index named after its position.

    >>> j, k, n = sympy.symbols("j k n", integer=True)
    >>> x = sympy.IndexedBase("x")
    >>> one = sympy.S.One
    >>> square = lambda a, b: Term(bound=((a, one, n), (b, one, n)), factors=(x[a, b],))
    >>> triangle = lambda y: Term(bound=((j, one, n), (k, one, j)), factors=(y,))
    >>> canonical_key(square(j, k)) == canonical_key(square(k, j))
    True
    >>> canonical_key(triangle(x[j, k])) == canonical_key(triangle(x[k, j]))  # Σ_{k≤j}
    False
    """
    orders = index_orders(tuple(reversed(term.bound)))  # Term.bound lists the outermost first
    return min(_describe(term, [v for v, _, _ in reversed(order)]) for order in orders)


def _describe(term: Term, order) -> str:
    names = {v: position_name(k) for k, v in enumerate(order)}
    limits = {v: (lo.xreplace(names), hi.xreplace(names)) for v, lo, hi in term.bound}
    body = Mul(*(f.xreplace(names) for f in term.factors))
    deltas = [sympy.expand(d.xreplace(names)) for d in term.deltas]
    ordered = tuple(limits[v] for v in order)
    return repr((sympy.srepr(ordered), sympy.srepr(body), _delta_rows(deltas, order, names)))


def _delta_rows(forms, order, names) -> str:
    """The reduced row echelon form of the delta system (same integer solutions), as text."""
    if not forms:
        return ""
    columns = [names[v] for v in order]
    columns += sorted(set().union(*(f.free_symbols for f in forms)) - set(columns), key=str)
    reduced = _echelon(forms, columns)
    if reduced is None:
        return sympy.srepr(sorted(forms, key=sympy.srepr))  # not linear: keep as written
    return sympy.srepr((tuple(columns), reduced))


def _echelon(forms, columns):
    """The nonzero rows of the RREF of the linear system forms = 0, or None if not linear."""
    rows = []
    for form in forms:
        form = sympy.expand(form)  # once, not once per column
        coefficients = [form.coeff(c) for c in columns]
        constant = sympy.expand(form - sum(k * c for k, c in zip(coefficients, columns)))
        if not all(k.is_Rational for k in coefficients) or constant.free_symbols:
            return None
        rows.append(coefficients + [constant])
    reduced, _ = sympy.Matrix(rows).rref()
    return tuple(
        _primitive(list(reduced.row(r))) for r in range(reduced.rows) if any(reduced.row(r))
    )


def is_contradictory(term: Term) -> bool:
    """Whether the term's deltas have no common solution (0 = c ≠ 0 after elimination).

    >>> j = sympy.Symbol("j", integer=True)
    >>> is_contradictory(Term(deltas=(j - 1, j - 2))), is_contradictory(Term(deltas=(j - 1,)))
    (True, False)
    """
    if not term.deltas:
        return False
    columns = sorted(set().union(*(d.free_symbols for d in term.deltas)), key=str)
    reduced = _echelon(term.deltas, columns)
    return reduced is not None and any(not any(row[:-1]) for row in reduced)


def _primitive(row: list) -> tuple:
    denominators = sympy.ilcm(*(sympy.fraction(v)[1] for v in row))
    scaled = [v * denominators for v in row]
    lead = next(v for v in scaled if v != 0)
    return tuple(v if lead > 0 else -v for v in scaled)
