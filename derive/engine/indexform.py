"""Index-calculus normal form: sums of products over index ranges, with Kronecker deltas.

An expression becomes a list of `Term`s (coefficient × Σ over bound indices of a product of
factors and deltas). Every rewrite here is an identity: distributing products over sums,
renaming and reordering independent sums, summing a delta out only where its value provably
lies in the summed range (always, over all integers), and replacing a system of deltas by its
reduced row echelon form. Two expressions are equal if their normal forms are.
"""

from __future__ import annotations

import functools
import hashlib
import itertools
from dataclasses import dataclass, replace

import sympy
from sympy import Add, KroneckerDelta, Mul, Pow, Sum, oo

from derive.notation.aggregates import Padded, SetSum, SubsetSum

BINDERS = (SetSum, SubsetSum, sympy.Integral, sympy.Derivative)

MAX_TERMS = 4000
MAX_PERMUTED = 6
BOUND_ROUNDS = 4  # ranges that mention other indices are resolved in rounds


class TooLarge(Exception):
    """The expansion would exceed MAX_TERMS terms; the caller gives up, proving nothing."""


@dataclass(frozen=True)
class Term:
    """coeff × Σ_{bound} Π factors × Π δ(form, 0); `bound` lists (index, lo, hi), outer first."""

    coeff: sympy.Expr = sympy.S.One
    bound: tuple = ()
    factors: tuple = ()
    deltas: tuple = ()

    def times(self, other: Term) -> Term:
        return Term(
            self.coeff * other.coeff,
            self.bound + other.bound,
            self.factors + other.factors,
            self.deltas + other.deltas,
        )

    def substitute(self, mapping: dict) -> Term:
        """Substitute indices everywhere: factors, deltas and the ranges of other indices."""
        bound = tuple(
            (v, lo.xreplace(mapping), hi.xreplace(mapping))
            for v, lo, hi in self.bound
            if v not in mapping
        )
        return Term(
            self.coeff,
            bound,
            tuple(f.xreplace(mapping) for f in self.factors),
            tuple(sympy.expand(d.xreplace(mapping)) for d in self.deltas),
        )

    def rebuild(self) -> sympy.Expr:
        """The term as a SymPy expression (SymPy lists a Sum's limits innermost first)."""
        body = Mul(self.coeff, *self.factors, *(_delta(d) for d in self.deltas))
        return Sum(body, *reversed(self.bound)) if self.bound else body


def _delta(form) -> KroneckerDelta:
    """δ(form, 0) written as δ(positive terms, negated negative terms), which reads better."""
    terms = Add.make_args(form)
    negative = [t for t in terms if t.could_extract_minus_sign()]
    positive = [t for t in terms if not t.could_extract_minus_sign()]
    return KroneckerDelta(Add(*positive), -Add(*negative))


def expand_terms(expr) -> list[Term]:
    """Distribute `expr` into terms; each Sum's index is renamed to a fresh integer Dummy."""
    expr = sympy.sympify(expr)
    if isinstance(expr, Add):
        return _checked([t for arg in expr.args for t in expand_terms(arg)])
    if isinstance(expr, Mul):
        product = [Term()]
        for arg in expr.args:
            product = _checked([t.times(u) for t in product for u in expand_terms(arg)])
        return product
    if isinstance(expr, Pow) and expr.exp.is_Integer and expr.exp > 1 and expr.base.has(Sum):
        return expand_terms(Mul(*(expr.base for _ in range(int(expr.exp))), evaluate=False))
    if isinstance(expr, Sum):
        return _sum_terms(expr)
    if isinstance(expr, Padded):
        return _sum_terms(expr.as_sum())
    if isinstance(expr, KroneckerDelta):
        return [Term(deltas=(sympy.expand(expr.args[0] - expr.args[1]),))]
    if expr.is_Number:
        return [Term(coeff=expr)]
    expanded = sympy.expand(expr) if not expr.has(Sum) else expr
    if expanded != expr:
        return expand_terms(expanded)
    return [Term(factors=(expr,))]


def _checked(terms: list) -> list:
    if len(terms) > MAX_TERMS:
        raise TooLarge(f"more than {MAX_TERMS} terms")
    return terms


def _sum_terms(node: Sum) -> list[Term]:
    body, bound = node.function, []
    for index, lo, hi in node.limits:  # innermost first; inner limits may use outer indices
        fresh = sympy.Dummy(index.name, integer=True)
        body = body.xreplace({index: fresh})
        bound = [(v, a.xreplace({index: fresh}), b.xreplace({index: fresh})) for v, a, b in bound]
        bound.insert(0, (fresh, lo, hi))
    return [replace(t, bound=tuple(bound) + t.bound) for t in expand_terms(body)]


def linear_part(form, index):
    """The integer coefficient of `index` in the delta form, or None if not linear in it."""
    coefficient = sympy.expand(form).coeff(index)
    if coefficient.free_symbols or sympy.expand(form - coefficient * index).has(index):
        return None
    return coefficient if coefficient.is_Integer else None


def solve_delta(term: Term, position: int, fits) -> Term | None:
    """Sum delta number `position` out over one of the term's indices, if `fits` allows."""
    form = term.deltas[position]
    for index, lo, hi in reversed(term.bound):
        coefficient = linear_part(form, index)
        if coefficient not in (1, -1):
            continue
        value = sympy.expand(index - form / coefficient)
        if fits(term, index, value, lo, hi):
            rest = term.deltas[:position] + term.deltas[position + 1 :]
            return replace(term, deltas=rest).substitute({index: value})
    return None


def eliminate_deltas(term: Term, fits) -> Term:
    """Sum out deltas until none can be; a delta that is a nonzero number kills the term."""
    changed = True
    while changed:
        changed = False
        for position, form in enumerate(term.deltas):
            if form.is_Number:
                if form != 0:
                    return Term(coeff=sympy.S.Zero)
                term = replace(term, deltas=term.deltas[:position] + term.deltas[position + 1 :])
                changed = True
                break
            solved = solve_delta(term, position, fits)
            if solved is not None:
                term, changed = solved, True
                break
    return term


def over_all_integers(term, index, value, lo, hi) -> bool:
    """Σ_{j∈ℤ} f(j) δ(j, e) = f(e) for every integer e."""
    return lo == -oo and hi == oo


def within(ranges: dict):
    """A `fits` test: the value of the summed-out index lies in its range for every value of
    the other indices (bound ranges, and `ranges` of the free indices), by interval
    arithmetic that SymPy's sign assumptions confirm."""

    def fits(term: Term, index, value, lo, hi) -> bool:
        if over_all_integers(term, index, value, lo, hi):
            return True
        interval = value_interval(value, term, ranges)
        if interval is None:
            return False
        low, high = interval
        return is_nonnegative(low - lo) and is_nonnegative(hi - high)

    return fits


def is_nonnegative(expr) -> bool:
    return sympy.expand(expr).is_nonnegative is True


def value_interval(value, term: Term, ranges: dict):
    """Lowest and highest value of the affine `value`, or None if some index is unbounded.

    Each end is bounded on its own: once an index is replaced by an end of its range, the
    coefficient of an index that end mentions has changed (2a - z with a ≤ z is at most z,
    whose coefficient is now +1, not the -1 it had in 2a - z).
    """
    bound = {v: (lo, hi) for v, lo, hi in term.bound}
    low = high = sympy.expand(value)
    for _ in range(BOUND_ROUNDS):
        pending = [s for s in (low.free_symbols | high.free_symbols) if s in bound or s in ranges]
        if not pending:
            return low, high
        for symbol in sorted(pending, key=str):
            lo, hi = (sympy.sympify(b) for b in bound.get(symbol) or ranges[symbol])
            if set(bound) & (lo.free_symbols | hi.free_symbols) or not is_nonnegative(hi - lo + 1):
                return None
            low, high = _extreme(low, symbol, lo, hi, -1), _extreme(high, symbol, lo, hi, 1)
            if low is None or high is None:
                return None
    return None


def _extreme(expr, symbol, lo, hi, direction: int):
    """`expr` at the end of symbol's range that makes it lowest (-1) or highest (+1)."""
    coefficient = linear_part(expr, symbol)
    if coefficient is None:
        return None
    if coefficient == 0:
        return expr
    return sympy.expand(expr.subs(symbol, hi if coefficient * direction > 0 else lo))


def settle(term: Term) -> Term:
    """Sum indices the body does not use into a count; move index-free parts to `coeff`."""
    used = set().union(*(e.free_symbols for e in term.factors + term.deltas))
    for _, lo, hi in term.bound:
        used |= lo.free_symbols | hi.free_symbols
    indices = {v for v, _, _ in term.bound}
    coeff, bound, factors = term.coeff, [], list(term.factors)
    for v, lo, hi in term.bound:
        if v in used:
            bound.append((v, lo, hi))
        elif (lo.free_symbols | hi.free_symbols) & indices:
            factors.append(hi - lo + 1)  # a count that depends on another index
        else:
            coeff *= hi - lo + 1  # Karr's convention makes this hold for every lo, hi
    fixed = [f for f in factors if not f.free_symbols & indices]
    fixed += [KroneckerDelta(d, 0) for d in term.deltas if not d.free_symbols & indices]
    return Term(
        Mul(coeff, *fixed),
        tuple(bound),
        tuple(f for f in factors if f.free_symbols & indices),
        tuple(d for d in term.deltas if d.free_symbols & indices),
    )


def canonical_key(term: Term) -> str:
    """The smallest description of `term` over every order of its independent indices."""
    indices = [v for v, _, _ in term.bound]
    limits = set().union(*(lo.free_symbols | hi.free_symbols for _, lo, hi in term.bound))
    if limits & set(indices) or len(indices) > MAX_PERMUTED:
        orders = [indices]
    else:
        orders = itertools.permutations(indices)
    return min(_describe(term, order) for order in orders)


@functools.cache
def position_name(k: int) -> sympy.Dummy:
    """The k-th canonical name of a bound index: a Dummy, so no symbol of a document can
    equal it (a user's free index named κ0 would otherwise be captured)."""
    return sympy.Dummy(f"κ{k}", integer=True)


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
    """Whether the term's deltas have no common solution (0 = c ≠ 0 after elimination)."""
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


def normal_terms(expr, ranges: dict) -> dict:
    """Map each canonical term description to (one such term, the sum of coefficients)."""
    grouped: dict = {}
    for term in expand_terms(expr):
        term = settle(eliminate_deltas(term, within(ranges)))
        if term.coeff == 0 or is_contradictory(term):
            continue
        key = canonical_key(term)
        first, total = grouped.get(key, (term, sympy.S.Zero))
        grouped[key] = (first, total + term.coeff)
    return grouped


def normal_form(expr, ranges: dict) -> dict:
    """Map each canonical term description to the sum of its coefficients."""
    return {key: total for key, (_, total) in normal_terms(expr, ranges).items()}


def index_zero(expr, ranges: dict) -> bool:
    """Whether the normal form of `expr` is zero (sound; incomplete)."""
    try:
        grouped = normal_form(named_arguments(expr, ranges), ranges)
    except TooLarge:
        return False
    return all(sympy.expand(c) == 0 for c in grouped.values())


def named_arguments(expr, ranges: dict, bound: frozenset = frozenset()):
    """`expr` with the argument of each function or non-polynomial power that holds a sum
    replaced by one atom per normal form: sqrt(Σ_j (x_j - μ)²/n + ε) on one side and
    sqrt(Σ_j x_j²/n - μ² + ε) on the other become the same sqrt(a).

    Equal atoms stand for equal normal forms, hence equal values. An argument that mentions
    an index bound around it is left as written: an atom cannot show that dependence.
    """
    if not isinstance(expr, sympy.Basic) or not expr.has(Sum):
        return expr
    if isinstance(expr, (Sum, sympy.Product)):
        inner = bound | {index for index, _, _ in expr.limits}
        return expr.func(named_arguments(expr.function, ranges, inner), *expr.limits)
    if isinstance(expr, BINDERS) or not all(isinstance(a, sympy.Expr) for a in expr.args):
        return expr  # another binder, or a Piecewise's conditions: left as written
    if expr.free_symbols & bound:
        opaque = ()
    elif isinstance(expr, Pow) and not (expr.exp.is_Integer and expr.exp > 0):
        opaque = (0,)
    elif isinstance(expr, sympy.Function) and not isinstance(expr, KroneckerDelta):
        opaque = range(len(expr.args))
    else:
        opaque = ()
    args = [
        _atom(arg, ranges) if k in opaque else named_arguments(arg, ranges, bound)
        for k, arg in enumerate(expr.args)
    ]
    return expr.func(*args)


def _atom(argument, ranges: dict):
    if not argument.has(Sum):
        return argument
    grouped = normal_form(named_arguments(argument, ranges), ranges)
    described = sorted(
        (key, sympy.srepr(total))
        for key, total in ((k, sympy.expand(t)) for k, t in grouped.items())
        if total != 0
    )
    if not described:
        return sympy.S.Zero
    return _atom_named(hashlib.sha256(repr(described).encode()).hexdigest()[:16])


@functools.cache
def _atom_named(digest: str) -> sympy.Dummy:
    # A Dummy, so that no symbol of a document can equal it; one per normal form.
    return sympy.Dummy(f"α{digest[:6]}")


def index_residual(expr, ranges: dict):
    """`expr` rebuilt from the nonzero terms of its normal form (what is left of lhs - rhs),
    with each term's indices named k1, k2, ... for reading."""
    kept = []
    for term, total in normal_terms(expr, ranges).values():
        total = sympy.factor(sympy.expand(total))
        if total == 0:
            continue
        names = {
            v: sympy.Symbol(f"k{n + 1}", integer=True) for n, (v, _, _) in enumerate(term.bound)
        }
        kept.append(replace(term, coeff=total).rebuild().xreplace(names))
    return Add(*kept)
