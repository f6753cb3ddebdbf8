"""Index-calculus terms: coeff × Σ over bound indices of a product of factors and Kronecker
deltas, and the distribution of an expression into them.

    >>> import sympy
    >>> j, n = sympy.symbols("j n", integer=True)
    >>> x = sympy.IndexedBase("x")
    >>> [len(t.bound) for t in expand_terms(2 * sympy.Sum(x[j], (j, 1, n)) + 1)]
    [0, 1]
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import sympy
from sympy import Add, KroneckerDelta, Mul, Pow, Sum

from derive.notation.aggregates import Padded

MAX_TERMS = 4000


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
