"""The strategy order: where the probe looks, and which claims skip the symbolic proof."""

from sympy import IndexedBase, Sum, symbols

from derive.declare import claim, document
from derive.engine.deadline import Deadline
from derive.engine.decide import _probe_sizes, decide
from derive.engine.terms import context_of
from derive.model import PROVED, PROVED_AT_SIZES, Source

n, m = symbols("n m", integer=True, positive=True)
i = symbols("i", integer=True)
u = IndexedBase("u", real=True)


def test_probe_includes_the_smallest_size_without_a_1():
    grid = [{n: a, m: b} for a in (1, 2, 3) for b in (1, 2)]
    grid.sort(key=lambda s: (sum(s.values()), s[n]))
    assert {n: 2, m: 2} in _probe_sizes(grid)
    assert _probe_sizes([{n: 1, m: 1}, {n: 2, m: 1}]) == [{n: 1, m: 1}, {n: 2, m: 1}]


def _decided(**options):
    c = claim("c", "", "", Sum(2 * u[i], (i, 1, n)), 2 * Sum(u[i], (i, 1, n)), **options)
    doc = document(
        "toy",
        "toy",
        Source("toy", "toy.txt"),
        inputs=(u,),
        definitions=(),
        sizes={n: (1, 2, 3)},
        claims=(c,),
    )
    return decide(context_of(doc), doc.claims[0], Deadline(30))


def test_claim_pinned_to_one_size_is_decided_at_that_size():
    assert _decided().status is PROVED
    pinned = _decided(sizes={n: (2,)})
    assert pinned.status is PROVED_AT_SIZES and pinned.scope == "sizes n = 2"
