"""Piecewise claims and inequalities: case splits, and regions of the real line between the
points where a side changes branch, each tested on its own.
"""

from __future__ import annotations

import functools
import itertools

import sympy

from derive.engine.sumalgebra import (
    piecewise_in_sum,
)
from derive.notation.aggregates import binds, moved_variables, rename_bound
from derive.notation.primitives import elementary

MAX_REGIONS = 81  # a case split by regions: at most this many intervals and cut points


def case_split(expr):
    cases = expr.rewrite(sympy.Piecewise)
    if not cases.has(sympy.Piecewise):
        return expr
    if piecewise_in_sum(cases):
        return expr  # piecewise_fold would move a condition on a summed index out of its sum
    return sympy.simplify(sympy.piecewise_fold(cases))


def zero_on_regions(expr) -> bool:
    """Whether `expr` is 0 on each region its branch conditions cut the real line into (see
    `_on_regions`): relu(x) − relu(−x) = x, hardswish's derivative with PyTorch's
    inequalities."""
    return _on_regions(expr, lambda piece, inside: is_zero(sympy.simplify(piece)))


def _signed_on_regions(gap, test: str) -> bool:
    """Whether `gap` has the sign `test` asks on each region (see `_on_regions`), a region's
    symbol written as a point of it (a + d, d > 0 on (a, ∞)...): relu(x) ≥ 0."""

    def holds(piece, inside):
        placed = piece.xreplace(inside)
        return any(getattr(f(placed), test) is True for f in (sympy.simplify, sympy.factor))

    return _on_regions(gap, holds)


def _on_regions(expr, holds, changes: int = 2) -> bool:
    """Whether `holds(piece, inside)` on each region the branch conditions of `expr` cut the
    real line into.

    Every condition must compare one real symbol with a rational number (x < 3, x ≥ −3,
    x = 0): then between two consecutive numbers every condition keeps one truth value, read
    at a rational point inside, and `expr` is one branch there (`piece`, with `inside`
    mapping each symbol to a point of its open interval, parametrised by a positive d); at
    each number itself `piece` is `expr` at that number. A condition on a linear form in
    several symbols (a tie a = b) becomes one on a new variable t = a − b.
    """
    cases = expr.rewrite(sympy.Piecewise)
    if piecewise_in_sum(cases):
        return False
    # The regions put symbols at points and change variables by replacement: a variable an
    # integral, sum or lambda binds under a free symbol's name is renamed first (∫₀¹ x·y dy
    # beside Max(x, y) became ∫ x·(t + x) d(t + x) for y = t + x: a false claim PROVED;
    # helper 138), and one a Subs, derivative or perturbation binds leaves no regions.
    free = cases.free_symbols
    cases = rename_bound(cases, free)
    if any(set(moved_variables(node)) & free for node in sympy.preorder_traversal(cases)):
        return False
    cuts: dict = {}
    for node in sympy.preorder_traversal(cases):
        if isinstance(node, sympy.Piecewise):
            for _, condition in node.args:
                for relation in condition.atoms(sympy.core.relational.Relational):
                    found = _cut(relation)
                    if found is None:
                        change = _change_of_variable(relation)
                        return (
                            bool(change)
                            and changes > 0
                            and _on_regions(cases.xreplace(change), holds, changes - 1)
                        )
                    cuts.setdefault(found[0], set()).add(found[1])
    if not cuts:
        return False
    symbols = sorted(cuts, key=str)
    axes = [_regions(sorted(cuts[s])) for s in symbols]
    if sympy.prod(len(a) for a in axes) > MAX_REGIONS:
        return False
    relations = cases.atoms(sympy.core.relational.Relational)
    for region in itertools.product(*axes):
        truth, values, inside = {}, {}, {}
        for symbol, (kind, value, ends) in zip(symbols, region):
            if kind == "at":
                values[symbol] = value
            else:
                truth.update({r: r.xreplace({symbol: value}) for r in relations if r.has(symbol)})
                inside[symbol] = _inside(*ends)
        if not holds(cases.xreplace(truth).xreplace(values), inside):
            return False
    return True


def _inside(lo, hi):
    """A point of the open interval (lo, hi) (None: unbounded) for every d > 0, and only those."""
    d = sympy.Dummy("d", positive=True)
    if lo is None:
        return hi - d
    if hi is None:
        return lo + d
    return lo + (hi - lo) * d / (1 + d)


def _cut(relation):
    """(symbol, number) where `relation` compares one real symbol with a rational, or None."""
    gap = sympy.expand(relation.lhs - relation.rhs)
    if len(gap.free_symbols) != 1:
        return None
    (symbol,) = gap.free_symbols
    slope = sympy.diff(gap, symbol)
    rest = gap - slope * symbol
    if not (symbol.is_Symbol and symbol.is_real and slope.is_Rational and slope != 0):
        return None
    return (symbol, -rest / slope) if rest.is_Rational else None


def _change_of_variable(relation) -> dict:
    """{a: t − (rest)/k} where `relation` compares k·a + rest (linear, rational
    coefficients, real symbols) with 0 and t is a new real symbol: a bijection of the reals
    for every value of the others, so an identity in t and them is one in a and them."""
    gap = sympy.expand(relation.lhs - relation.rhs)
    symbols = sorted(gap.free_symbols, key=str)
    if not all(s.is_Symbol and s.is_real for s in symbols) or not symbols:
        return {}
    coefficients = [sympy.diff(gap, s) for s in symbols]
    if not all(k.is_Rational for k in coefficients):
        return {}  # not linear
    symbol, k = next((s, k) for s, k in zip(symbols, coefficients) if k != 0)
    t = sympy.Dummy("t", real=True)
    return {symbol: (t - (gap - k * symbol)) / k}


def _regions(numbers: list) -> list:
    """('at', b, None) for each cut and ('inside', a rational point, (lo, hi)) for each open
    interval between cuts (None for an infinite end)."""
    ends = list(zip([None, *numbers], [*numbers, None]))
    regions = []
    for lo, hi in ends:
        point = hi - 1 if lo is None else lo + 1 if hi is None else (lo + hi) / 2
        regions.append(("inside", point, (lo, hi)))
        if hi is not None:
            regions.append(("at", hi, None))
    return regions


def sign_steps(lhs, rhs, relation) -> list:
    """(name, test) pairs for an inequality; a test proves it only by returning True."""
    gap = functools.cache(lambda: elementary(rhs - lhs if relation in ("<=", "<") else lhs - rhs))
    # What simplify and factor see: sums with symbolic limits opaque (see opaque_aggregates).
    opaque = functools.cache(lambda: opaque_aggregates(gap()))
    test = "is_nonnegative" if relation in ("<=", ">=") else "is_positive"
    return [
        ("sign", lambda: getattr(gap(), test) is True),
        ("sign after simplify", lambda: getattr(sympy.simplify(opaque()), test) is True),
        # A factored form shows squares and sums of positive terms, whose signs SymPy knows.
        ("sign after factor", lambda: getattr(sympy.factor(opaque()), test) is True),
        ("sign by regions", lambda: _signed_on_regions(opaque(), test)),
    ]


_SIGNS = ("positive", "nonnegative", "negative", "nonpositive")


def opaque_aggregates(expr):
    """`expr` with each sum or product whose limits are not numbers an unknown (one per
    distinct aggregate), but a sum of a polynomial in its indices: SymPy's closed forms of
    the others hold generically, not at every size (simplify takes Σ_{k=0}^{M} (-1)^k
    C(M, k) to 0, which is 1 at M = 0). The engine's own steps (sum algebra, index
    calculus, induction) handle sums.

    An aggregate that names a variable bound around it (Σ_{i≤j} b_i inside Σ_j, a sum of
    t inside ∫ dt, of x inside ∂/∂x) is a different value at each value of that variable:
    it stays as written, and the binder around it that it makes opaque becomes the unknown
    instead. One unknown for Σ_{i≤j} b_i made Σ_{j=2}^{n} j·B_j = Σ_{j=1}^{n-1} (j+1)·B_j
    a polynomial identity, and it was PROVED (helper 159)."""
    hidden = {}

    def hide(node):
        if node not in hidden:
            # An unknown with the aggregate's sign, as SymPy knows it (Σ_j exp(a_j) > 0).
            signs = {fact: True for fact in _SIGNS if getattr(node, f"is_{fact}") is True}
            real = node.is_real
            hidden[node] = sympy.Dummy("aggregate", real=True, **signs) if real else sympy.Dummy()
        return hidden[node]

    def symbolic(node):
        if not isinstance(node, (sympy.Sum, sympy.Product)):
            return False
        if all(bound.is_number for limit in node.limits for bound in limit[1:]):
            return False
        # A polynomial in the indices sums to a polynomial for every proper range
        # (Faulhaber's formulas): that closed form holds at every size.
        return not (isinstance(node, sympy.Sum) and node.function.is_polynomial(*node.variables))

    def walk(node, bound):
        """(node with what it may hide hidden, whether an opaque aggregate shows in it)."""
        if not node.args or not isinstance(node, sympy.Basic):
            return node, False
        scoped = binds(node) | _moved_symbols(node)
        walked = [walk(arg, bound | scoped) for arg in node.args]
        changed = any(new is not old for (new, _), old in zip(walked, node.args))
        rebuilt = node.func(*(new for new, _ in walked)) if changed else node
        shows = any(inner for _, inner in walked)
        if symbolic(rebuilt) or (shows and scoped):
            if rebuilt.free_symbols & bound:
                return rebuilt, True  # for a binder around it to hide
            return hide(rebuilt), False
        return rebuilt, shows

    opaque, shows = walk(sympy.sympify(expr), frozenset())
    assert not shows  # (nothing is bound around the whole expression)
    return opaque


def _moved_symbols(node) -> set:
    """The symbols a derivative, a Subs or a perturbation reads `node`'s expression as a
    function of (notation.aggregates.moved_variables)."""
    return set().union(*(sympy.sympify(v).free_symbols for v in moved_variables(node)))


def is_zero(expr) -> bool:
    # Structural: only an expression that has become the number 0 counts.
    return sympy.sympify(expr) == sympy.S.Zero
