"""Splitting a sum at a free index proves bounds like softmax ≤ 1, and never a false one."""

from sympy import IndexedBase, Rational, Sum, exp, symbols

from derive.declare import claim, define, document
from derive.engine.bounds import split_at_free_indices
from derive.engine.deadline import Deadline
from derive.engine.decide import decide
from derive.engine.terms import context_of
from derive.model import PROVED, REFUTED, Source

K = symbols("K", integer=True, positive=True)
c, r = symbols("c r", integer=True, positive=True)
a = IndexedBase("a", real=True)
softmax = define("softmax", (c,), exp(a[c]) / Sum(exp(a[r]), (r, 1, K)))
DOC = document(
    "bounds",
    "softmax bounds",
    Source("tests", "bounds.txt"),
    inputs=(a,),
    definitions=(softmax,),
    sizes={K: (1, 2, 3)},
    indices={c: (1, K)},
    claims=(
        claim("at most 1", "", "", softmax(c), 1, relation="<="),
        claim("at most 1/2", "", "", softmax(c), Rational(1, 2), relation="<="),
        claim("at least 1", "", "", softmax(c), 1, relation=">="),
        claim("logits at most their sum", "", "", a[c], Sum(a[r], (r, 1, K)), relation="<="),
    ),
)


def _decide(claim_id):
    return decide(context_of(DOC), DOC.claim(claim_id), Deadline(30))


def test_split_leaves_one_term_and_two_nonnegative_rests():
    split = split_at_free_indices(Sum(exp(a[r]), (r, 1, K)) + a[c], {c: (1, K)})
    rests = [s for s in split.free_symbols if s.name in ("before", "after")]
    assert len(rests) == 2 and all(s.is_nonnegative for s in rests)
    assert split.has(exp(a[c]))


def test_split_needs_nonnegative_terms_and_the_index_range():
    assert split_at_free_indices(Sum(a[r], (r, 1, K)) + a[c], {c: (1, K)}).has(Sum)
    assert split_at_free_indices(Sum(exp(a[r]), (r, 1, K - 1)) + a[c], {c: (1, K)}).has(Sum)


def test_softmax_is_at_most_one_for_every_size():
    finding = _decide("at most 1")
    assert finding.status is PROVED and "split at the free index" in finding.method


def test_false_bounds_are_refuted():
    assert _decide("at most 1/2").status is REFUTED
    assert _decide("at least 1").status is REFUTED
    assert _decide("logits at most their sum").status is REFUTED
