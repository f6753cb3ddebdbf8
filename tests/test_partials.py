"""Derivatives with respect to intermediates follow the chain rule, at concrete and at
symbolic sizes, and substitution never captures a bound index."""

import sympy
from sympy import Derivative, IndexedBase, KroneckerDelta, Sum, exp, symbols

from derive.declare import claim, define, document
from derive.engine.deadline import Deadline
from derive.engine.decide import decide
from derive.engine.terms import context_of, instantiate, unfold
from derive.model import PROVED, PROVED_AT_SIZES, REFUTED, Source
from derive.notation.aggregates import rename_bound
from derive.notation.partials import Partial

n = symbols("n", integer=True, positive=True)
i, j, k = symbols("i j k", integer=True)
q, m = symbols("q m", integer=True, positive=True)
w = IndexedBase("w", real=True)
z = define("z", (j,), 2 * w[j])
p = define("p", (j,), exp(z(j)) / Sum(exp(z(k)), (k, 1, n)))  # softmax
total = define("total", (), Sum(w[j] * p(j), (j, 1, n)))
centred = define("c", (k,), Sum((KroneckerDelta(k, j) - p(j)) * w[j], (j, 1, n)))


def _doc(*claims):
    return document(
        "toy",
        "toy",
        Source("toy", "toy.txt"),
        inputs=(w,),
        definitions=(z, p, total, centred),
        sizes={n: (1, 2, 3)},
        indices={q: (1, n), m: (1, n)},
        claims=claims,
    )


def _status(lhs, rhs):
    doc = _doc(claim("c", "", "", lhs, rhs))
    return decide(context_of(doc), doc.claims[0], Deadline(60)).status


def test_softmax_jacobian_is_proved_for_every_size():
    assert _status(Derivative(p(q), z(m)), p(q) * (KroneckerDelta(q, m) - p(m))) is PROVED


def test_a_wrong_softmax_jacobian_is_refuted():
    assert _status(Derivative(p(q), z(m)), p(q) * (1 - p(m))) is REFUTED


def test_intermediate_differentiated_by_counts_as_a_variable():
    # ∂ total / ∂ z_m holds the weights w fixed where they enter directly.
    expected = p(m) * (w[m] - Sum(w[j] * p(j), (j, 1, n)))
    assert _status(Derivative(total(), z(m)), expected) in (PROVED, PROVED_AT_SIZES)
    assert _status(Derivative(total(), z(m)), p(m) * w[m]) is REFUTED


def test_chain_rule_through_an_intermediate():
    chained = Sum(Derivative(total(), z(j)) * Derivative(z(j), w[m]), (j, 1, n))
    assert _status(chained, Derivative(total(), w[m]) - p(m)) in (PROVED, PROVED_AT_SIZES)


def test_partial_keeps_its_variables_indices_free():
    term = Partial(total(), z(m))
    assert m in term.free_symbols
    summed = Sum(term * w[m], (m, 1, 2)).doit()
    assert summed.has(z(1)) and summed.has(z(2))
    assert term.doit() == term  # never evaluated by SymPy (it would answer 0)
    assert isinstance(term.subs(m, 1), Partial)


def test_unfolding_does_not_capture_the_argument():
    # c(j) with c(k) := Σ_j (δ(k, j) - p_j) w_j must not become Σ_j (δ(j, j) - p_j) w_j.
    ctx = context_of(_doc())
    value = instantiate(ctx, centred(j).subs(j, 1), {n: 2})
    direct = instantiate(ctx, w[1] - Sum(p(k) * w[k], (k, 1, n)), {n: 2})
    assert sympy.simplify(value - direct) == 0
    assert unfold(ctx, centred(j), only={centred.func}).has(KroneckerDelta)


def test_renaming_bound_indices_keeps_the_free_ones():
    expr = Sum(w[j] * w[i], (j, 1, n)) + w[j]
    renamed = rename_bound(expr, {j})
    assert renamed.has(w[j]) and renamed.has(w[i])
    assert sum(1 for a in renamed.atoms(sympy.Indexed) if a.base == w) == 3
