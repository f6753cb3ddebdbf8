"""Induction proves size-generic claims, and a false step never passes."""

from sympy import IndexedBase, Sum, symbols

from derive.declare import claim, define, document, recurrence
from derive.engine.deadline import Deadline
from derive.engine.decide import decide
from derive.engine.induction import induction_sizes, prove_by_induction
from derive.engine.terms import context_of
from derive.model import PROVED, PROVED_AT_SIZES, REFUTED, Source

n = symbols("n", integer=True, positive=True)
i, t = symbols("i t", integer=True)
c = symbols("c", positive=True)
doubling = recurrence("f", (t,), start=0, initial=1, step=lambda prev: c * prev)


def _doc(*claims):
    return document(
        "toy",
        "toy",
        Source("toy", "toy.txt"),
        inputs=(c,),
        definitions=(doubling,),
        sizes={n: (1, 2, 3)},
        claims=claims,
    )


def _prove(lhs, rhs):
    doc = _doc(claim("x", "", "", lhs, rhs))
    return prove_by_induction(context_of(doc), lhs, rhs, n, {}, Deadline(30))


def test_proves_sum_of_odd_numbers():
    assert _prove(Sum(2 * i - 1, (i, 1, n)), n**2) is not None


def test_proves_a_recurrence_in_closed_form():
    assert _prove(doubling(n), c**n) is not None


def test_rejects_a_step_that_only_holds_at_the_base():
    assert _prove(Sum(i, (i, 1, n)), n) is None


def _verdict(lhs, rhs):
    doc = _doc(claim("x", "", "", lhs, rhs))
    return decide(context_of(doc), doc.claims[0], Deadline(30))


def test_claim_true_for_all_sizes_is_proved():
    assert _verdict(Sum(c**i, (i, 0, n - 1)) * (c - 1), c**n - 1).status is PROVED


def test_claim_false_beyond_the_base_is_refuted_at_the_smallest_size():
    finding = _verdict(Sum(i, (i, 1, n)), n)
    assert finding.status is REFUTED
    assert dict(finding.counterexample.sizes) == {"n": 2}


def test_proved_at_sizes_lists_the_sizes():
    # True for n = 1, 2, 3 only: proved exactly there, and refuted at the first size past the
    # grid, where evaluation looks before the grid's proof is reported.
    lhs = Sum(i, (i, 1, n)) + (n - 1) * (n - 2) * (n - 3)
    finding = _verdict(lhs, n * (n + 1) / 2)
    assert finding.status is REFUTED and dict(finding.counterexample.sizes) == {"n": 4}
    assert "proved exactly at n = 1, n = 2, n = 3" in finding.details[0]
    # Pinned to its grid, the same claim is a statement about those sizes only.
    doc = _doc(claim("x", "", "", lhs, n * (n + 1) / 2, sizes={n: (3,)}))
    pinned = decide(context_of(doc), doc.claims[0], Deadline(30))
    assert pinned.status is PROVED_AT_SIZES and pinned.scope == "sizes n = 3"


def test_no_induction_over_a_size_a_definition_depends_on():
    # The step n -> n + 1 would reuse total at n: its body is not shifted with the claim.
    u = IndexedBase("u", real=True)
    total = define("total", (), Sum(u[i], (i, 1, n)))
    doc = document(
        "toy-sizes",
        "toy",
        Source("toy", "toy.txt"),
        inputs=(u,),
        definitions=(total,),
        sizes={n: (1, 2, 3)},
        claims=(claim("x", "", "", Sum(u[i], (i, 1, n)), total()),),
    )
    ctx = context_of(doc)
    assert induction_sizes(ctx, Sum(u[i], (i, 1, n)), total()) == []
    assert induction_sizes(ctx, Sum(u[i], (i, 1, n)), 0) == [n]
