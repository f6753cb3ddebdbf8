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

from derive.notation.aggregates import Padded, substituted

MAX_TERMS = 4000


class TooLarge(Exception):
    """The expansion would exceed MAX_TERMS terms; the caller gives up, proving nothing."""


@dataclass(frozen=True)
class Term:
    """coeff × Σ_{bound} Π factors × Π δ(form, 0); `bound` lists (index, lo, hi), outer first.

    >>> j, n = sympy.symbols("j n", integer=True)
    >>> Term(coeff=2, bound=((j, 1, n),), factors=(j,)).rebuild()
    Sum(2*j, (j, 1, n))
    """

    coeff: sympy.Expr = sympy.S.One
    bound: tuple = ()
    factors: tuple = ()
    deltas: tuple = ()

    def times(self, other: Term) -> Term:
        """The product of two terms whose bound indices differ.

        >>> j, k, n = sympy.symbols("j k n", integer=True)
        >>> x = sympy.IndexedBase("x")
        >>> over_k = Term(bound=((k, sympy.S.One, n),), factors=(x[k],))
        >>> Term(coeff=2, factors=(x[j],)).times(over_k).rebuild()
        Sum(2*x[j]*x[k], (k, 1, n))
        """
        return Term(
            self.coeff * other.coeff,
            self.bound + other.bound,
            self.factors + other.factors,
            self.deltas + other.deltas,
        )

    def substitute(self, mapping: dict) -> Term:
        """Substitute indices everywhere: factors, deltas and the ranges of other indices.

        >>> j, k, n = sympy.symbols("j k n", integer=True)
        >>> x = sympy.IndexedBase("x")
        >>> Term(bound=((j, sympy.S.One, n),), factors=(x[j, k],)).substitute({k: n}).rebuild()
        Sum(x[j, n], (j, 1, n))
        """
        bound = tuple(
            (v, lo.xreplace(mapping), hi.xreplace(mapping))
            for v, lo, hi in self.bound
            if v not in mapping
        )
        return Term(
            self.coeff,
            bound,
            # Without capture: a factor Subs(x^c·y^i, c, 2) at i = c (helper 138).
            tuple(substituted(f, mapping) for f in self.factors),
            tuple(sympy.expand(d.xreplace(mapping)) for d in self.deltas),
        )

    def rebuild(self) -> sympy.Expr:
        """The term as a SymPy expression (SymPy lists a Sum's limits innermost first).

        >>> j, k, n = sympy.symbols("j k n", integer=True)
        >>> one = sympy.S.One
        >>> Term(bound=((j, one, n), (k, one, j)), factors=(k,)).rebuild()
        Sum(k, (k, 1, j), (j, 1, n))
        """
        body = Mul(self.coeff, *self.factors, *(_delta(d) for d in self.deltas))
        return Sum(body, *reversed(self.bound)) if self.bound else body


def _delta(form) -> KroneckerDelta:
    """δ(form, 0) written as δ(positive terms, negated negative terms), which reads better."""
    terms = Add.make_args(form)
    negative = [t for t in terms if t.could_extract_minus_sign()]
    positive = [t for t in terms if not t.could_extract_minus_sign()]
    return KroneckerDelta(Add(*positive), -Add(*negative))


def expand_terms(expr) -> list[Term]:
    """Distribute `expr` into terms; each Sum's index is renamed to a fresh integer Dummy.

    >>> j, n = sympy.symbols("j n", integer=True)
    >>> x = sympy.IndexedBase("x")
    >>> [t.rebuild() for t in expand_terms(x[1] * (x[2] + Sum(x[j], (j, 1, n))))]
    [x[1]*x[2], Sum(x[1]*x[_j], (_j, 1, n))]
    """
    expr = sympy.sympify(expr)
    if isinstance(expr, Add):
        return _checked([t for arg in expr.args for t in expand_terms(arg)])
    if isinstance(expr, Mul):
        product = [Term()]
        for arg in expr.args:
            product = _checked([t.times(u) for t in product for u in expand_terms(arg)])
        return product
    # A windowed entry is a sum too (Seq(s)·Seq(s) is built as a power of one).
    if (
        isinstance(expr, Pow)
        and expr.exp.is_Integer
        and expr.exp > 1
        and expr.base.has(Sum, Padded)
    ):
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
    body, limits = _opened(node)
    bound = tuple(reversed(limits))  # SymPy lists the innermost first, Term the outermost
    return [replace(t, bound=bound + t.bound) for t in expand_terms(body)]


def fresh_indices(node):
    """`node` (a Sum or Product) with each of its own indices renamed to a fresh integer Dummy
    of the same name, where that sum binds it: in the summand and in the ranges inside it, not
    in a range outside it, where the same name is a free symbol.

    >>> i, j, n = sympy.symbols("i j n", integer=True)
    >>> shadowed = Sum(i * j, (i, 1, n), (j, 1, i))  # Σ_{j=1}^{i} Σ_{i'=1}^{n} i'·j, i free
    >>> renamed = fresh_indices(shadowed)
    >>> renamed.free_symbols == {i, n}, renamed.limits[1][2] == i
    (True, True)
    """
    body, limits = _opened(node)
    return node.func(body, *limits)


def _opened(node) -> tuple:
    """The summand and limits of `node` with its own indices renamed (see fresh_indices)."""
    body, limits = node.function, []
    for index, lo, hi in node.limits:  # innermost first; inner limits may use outer indices
        fresh = sympy.Dummy(index.name, integer=True)
        body = body.xreplace({index: fresh})
        limits = [(v, a.xreplace({index: fresh}), b.xreplace({index: fresh})) for v, a, b in limits]
        limits.append((fresh, lo, hi))
    return body, limits
