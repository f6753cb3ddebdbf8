"""Sequences on all integers: window entries, ⊙ and ⊗, and sums over ℤ summed out exactly."""

import pytest
import sympy
from sympy import IndexedBase, Sum, oo, symbols

from derive.declare import claim, document
from derive.engine.deadline import Deadline
from derive.engine.decide import decide
from derive.engine.desugar import sum_out
from derive.engine.terms import context_of
from derive.model import PROVED, REFUTED, Source
from derive.notation.sequences import Convolve, Correlate, LoweringError, Seq, at, inner
from derive.notation.tensors import Entry, Inner
from derive.verify import stripped

K = symbols("K", integer=True, positive=True)
i, j = symbols("i j", integer=True)
WINDOW = ((-K, K),)
A, B, C = (IndexedBase(name, shape=WINDOW, real=True) for name in "ABC")
SA, SB, SC = Seq(A), Seq(B), Seq(C)


def _document(*claims):
    return document(
        "seq",
        "sequences",
        Source("toy", "toy.txt"),
        inputs=(A, B, C),
        definitions=(),
        sizes={K: (1, 2)},
        indices={i: (-2 * K, 2 * K)},
        claims=claims,
    )


def _decide(lhs, rhs):
    doc = _document(claim("c", "", "", lhs, rhs))
    return decide(context_of(doc), stripped(doc.claims[0]), Deadline(30)).status


def test_window_entry_is_zero_outside_the_window():
    a = IndexedBase("a")
    assert sum_out(at(Seq(a, -2, 2), 5)).doit() == 0
    assert sum_out(at(Seq(a, -2, 2), 2)).doit() == a[2]


def test_a_sum_over_all_integers_needs_a_windowed_factor():
    with pytest.raises(LoweringError, match="no windowed factor"):
        sum_out(Sum(i**2, (i, -oo, oo)))


def test_a_sum_over_all_integers_of_zero_is_zero():
    """Helper 142: SymPy builds δ(2j, 1) as 0, so Σ_j δ(2j, 1)·A_j over all integers was
    Σ_j 0, an input error (no windowed factor); it is 0."""
    assert sum_out(Sum(sympy.S.Zero, (i, -oo, oo))) == 0
    odd = Sum(sympy.KroneckerDelta(2 * j, 1) * Entry(SA, j), (j, -oo, oo))
    assert _decide(odd, 0) is PROVED
    assert _decide(odd, Entry(SA, 0)) is REFUTED


def test_a_window_with_fractional_ends_holds_the_integers_between_them():
    """Helper 142: Seq(a, -K/2, K/2) read its ends as written, and its entry a[-1/2] was an
    input error (a symbolic index); the window is ceiling(-K/2)..floor(K/2)."""
    half = Seq(A, -K / 2, K / 2)
    assert tuple(half.window) == (sympy.ceiling(-K / 2), sympy.floor(K / 2))
    within = Sum(A[i] ** 2, (i, sympy.ceiling(-K / 2), sympy.floor(K / 2)))
    assert _decide(Inner(half, half), within) is PROVED
    assert _decide(Inner(half, half), Sum(A[i] ** 2, (i, -K, K))) is REFUTED
    assert tuple(Seq(A, -2, 3).window) == (-2, 3)


def test_correlation_at_a_point_matches_brute_force():
    a, b = IndexedBase("a"), IndexedBase("b")
    lowered = sum_out(at(Correlate(Seq(a, -1, 1), Seq(b, -1, 1)), 1)).doit()
    brute = sum(a[1 + q] * b[q] for q in range(-1, 1))  # a[2] lies outside -1..1
    assert sympy.expand(lowered - brute) == 0


@pytest.mark.parametrize(
    "lhs, rhs",
    [
        (Inner(SA, Correlate(SB, SC)), Inner(SB, Convolve(SA, SC))),
        (Inner(SA, Convolve(SB, SC)), Inner(SC, Correlate(SA, SB))),
        (Entry(Convolve(SA, SB), i), Entry(Convolve(SB, SA), i)),
    ],
)
def test_proves_shift_invariant_identities_for_every_window(lhs, rhs):
    assert _decide(lhs, rhs) is PROVED


@pytest.mark.parametrize(
    "lhs, rhs",
    [
        (Inner(SA, Convolve(SB, SC)), Inner(SA, Convolve(SB, SA))),
        (Inner(SA, Convolve(SB, SC)), Inner(SC, Convolve(SB, SA))),
        (Entry(Correlate(SA, SB), i), Entry(Correlate(SB, SA), i)),
        (inner(SA, SB), Sum(A[j] * B[j], (j, 0, K))),
    ],
)
def test_refutes_identities_that_are_false_on_some_window(lhs, rhs):
    assert _decide(lhs, rhs) is REFUTED


@pytest.mark.parametrize(
    "lhs, rhs, expected",
    [
        (Inner(SA, SA), Sum(A[j] ** 2, (j, -K, K)), PROVED),
        (Entry(Correlate(SA, SA), 0), Sum(A[j] ** 2, (j, -K, K)), PROVED),
        (Inner(SA, SA), Sum(A[j] ** 2, (j, -K, K - 1)), REFUTED),
    ],
)
def test_a_sequence_against_itself_is_decided(lhs, rhs, expected):
    """SymPy builds Seq(A)·Seq(A) as a power of one windowed entry, which the index calculus
    did not open: ⟨A, A⟩ was an input error, 'a term with no windowed factor' (helper 99)."""
    assert _decide(lhs, rhs) is expected
