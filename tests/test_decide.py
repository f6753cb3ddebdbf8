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
    probed, generic = _probe_sizes(grid)
    assert {n: 2, m: 2} in probed and generic == {n: 2, m: 2}
    assert _probe_sizes([{n: 1, m: 1}, {n: 2, m: 1}]) == (
        [{n: 1, m: 1}, {n: 2, m: 1}],
        {n: 2, m: 1},
    )
    assert _probe_sizes([{}]) == ([{}], {})  # a claim without sizes: its one instance


def test_the_probe_tries_every_input_at_one_simple_value():
    """Round 36 (helper 76): hs(3) := Max(0, x1, x2, x3) claimed as Max(x1, x2, x3) differs
    only where all three are negative; the probe took two random points of a claim without
    sizes, missed, and the claim timed out in symbolic steps before the search reached
    x = (-1, -1, -1). The generic sizes get eight random points and the uniform ones."""
    from sympy import Max

    from derive.engine.decide import Job, _probe_separates, size_grid

    x, y, z = symbols("x y z", real=True)
    c = claim("c", "", "", Max(0, x, y, z), Max(x, y, z))
    doc = document("p", "p", Source("p", "p.txt"), inputs=(x, y, z), definitions=(), claims=(c,))
    ctx = context_of(doc)
    job = Job(ctx, doc.claims[0], Deadline(30), size_grid(ctx, doc.claims[0], ()), ())
    assert _probe_separates(job)


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


def test_sizes_past_the_required_ones_leave_time_for_what_follows():
    """confirm's optional sizes stop once less than OPTIONAL_RESERVE of the claim's time is
    left: GATv2's J_a8[2] spent 27 of its 30 s building them (0.7 s each), and the check of
    its derivative's breakpoints that follows ran out of time beside other work (UNDECIDED).
    Here each optional size takes 0.1 s to build, and there are more than the time holds."""
    import time

    from derive.engine.confirm import OPTIONAL_RESERVE, confirm
    from derive.engine.terms import InputError

    def instance_at(sizes):
        time.sleep(0.1)
        raise InputError("an empty range at these sizes")  # nothing to evaluate

    deadline = Deadline(2.0)
    with deadline.guard():
        optional = [{n: size} for size in range(1, 40)]
        check = confirm(None, optional, [], instance_at, None, deadline)
        left = deadline.remaining()
    assert check.checked == ()
    assert left >= OPTIONAL_RESERVE * 2.0 - 0.15, left
