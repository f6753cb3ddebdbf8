"""Mechanical mutations of claims, for testing that the verifier can say no.

Each operator rewrites one spot of a claim's right-hand side: flip the sign of a term, drop
a term or a factor, change a constant, swap a function for a look-alike, swap two indices,
or shift a range bound. A mutant counts only if it is structurally different and an
independent numeric oracle (other seeds, several sizes) sees it differ somewhere.
"""

from __future__ import annotations

import dataclasses
import itertools

import sympy
from sympy import Indexed, Product, Sum
from sympy.core.function import AppliedUndef

from derive.engine.numeric import DIFFER, compile_instance, rng_for, sample
from derive.engine.terms import InputError, context_of, desugared, instance, size_grid, sizes_in
from derive.model import REFUTED, Claim, Document
from derive.notation.arrays import ShapeMismatch
from derive.notation.primitives import sigmoid, softplus

LOOK_ALIKES = {
    sympy.exp: sympy.sinh,
    sympy.log: sympy.asinh,
    sympy.tanh: sigmoid,
    softplus: sympy.exp,
    sigmoid: sympy.tanh,
}
PER_OPERATOR = 2
ORACLE_SIZES = 4
ORACLE_POINTS = 6


def _nodes(expr, kind):
    return [n for n in sympy.preorder_traversal(expr) if isinstance(n, kind)]


def _flip_sign(expr):
    for node in _nodes(expr, sympy.Add)[:PER_OPERATOR]:
        first = node.args[0]
        yield "flip a sign", expr.xreplace({node: node - 2 * first})


def _drop_term(expr):
    for node in _nodes(expr, sympy.Add)[:PER_OPERATOR]:
        yield "drop a term", expr.xreplace({node: sympy.Add(*node.args[1:])})


def _drop_factor(expr):
    for node in _nodes(expr, sympy.Mul)[:PER_OPERATOR]:
        factors = [f for f in node.args if not f.is_Number]
        if len(factors) >= 2:
            yield "drop a factor", expr.xreplace({node: node / factors[-1]})


def _change_constant(expr):
    numbers = [n for n in _nodes(expr, sympy.Number) if n not in (0, -1)]
    for number in numbers[:PER_OPERATOR]:
        yield "change a constant", expr.xreplace({number: number + 1})


def _swap_function(expr):
    for node in [n for n in _nodes(expr, sympy.Function) if n.func in LOOK_ALIKES]:
        yield "swap a function", expr.xreplace({node: LOOK_ALIKES[node.func](*node.args)})
        return


def _swap_indices(expr):
    for node in _nodes(expr, (Indexed, AppliedUndef))[: 2 * PER_OPERATOR]:
        args = node.indices if isinstance(node, Indexed) else node.args
        for a, b in itertools.combinations(range(len(args)), 2):
            if args[a] != args[b]:
                swapped = list(args)
                swapped[a], swapped[b] = swapped[b], swapped[a]
                rebuilt = (
                    node.base[tuple(swapped)] if isinstance(node, Indexed) else node.func(*swapped)
                )
                yield "swap two indices", expr.xreplace({node: rebuilt})
                return


def _shift_bound(expr):
    for node in _nodes(expr, (Sum, Product))[:PER_OPERATOR]:
        index, lo, hi = node.limits[0]
        yield (
            "shift a range bound",
            expr.xreplace({node: node.func(node.function, (index, lo + 1, hi))}),
        )


OPERATORS = (
    _flip_sign,
    _drop_term,
    _drop_factor,
    _change_constant,
    _swap_function,
    _swap_indices,
    _shift_bound,
)


def mutants_of(claim: Claim) -> list[tuple[str, Claim]]:
    """Every structurally new mutant of `claim`'s right side (its left side if rhs is atomic).

    Matrix and sequence notation is desugared first, so the mutants reach the index sums the
    engine actually proves things about."""
    claim = dataclasses.replace(claim, lhs=desugared(claim.lhs), rhs=desugared(claim.rhs))
    side = "rhs" if claim.rhs.args else "lhs"
    original = getattr(claim, side)
    found, seen = [], {original}
    for operator in OPERATORS:
        for what, mutated in operator(original):
            if mutated in seen:
                continue
            seen.add(mutated)
            changed = dataclasses.replace(
                claim, id=f"{claim.id}~{len(found) + 1}", expect=REFUTED, **{side: mutated}
            )
            found.append((what, changed))
    return found


def differs_somewhere(doc: Document, claim: Claim) -> bool:
    """The independent oracle: does the claim fail at some seeded point and small size?"""
    ctx = context_of(doc)
    rng = rng_for("oracle", doc.name, claim.id)
    grid = size_grid(ctx, claim, sizes_in(ctx, sympy.Tuple(claim.lhs, claim.rhs)))
    for sizes in grid[:ORACLE_SIZES]:
        try:
            compiled = compile_instance(instance(ctx, claim.lhs, claim.rhs, sizes), claim.relation)
        except ShapeMismatch:
            return True
        except InputError:
            return False
        for _ in range(ORACLE_POINTS):
            if compiled.outcome(sample(ctx, compiled.instance.atoms, rng)) == DIFFER:
                return True
    return False
