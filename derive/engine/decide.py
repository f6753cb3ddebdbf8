"""Deciding one claim: the strategies, and what each establishes.

Strategies run cheapest first: a seeded numeric probe (a separating claim goes straight to
the counterexample search), a symbolic proof with sizes left symbolic (directly or by
induction), exact instantiation over the size grid, then numeric evidence. PROVED needs the
symbolic proof and agreement in high precision at every grid combination and at larger
sizes (see confirm). Where a proof and evaluation disagree, an exactly confirmed
counterexample wins (REFUTED, noting the failed strategy); otherwise the claim is UNDECIDED.
"""

from __future__ import annotations

import contextlib
import dataclasses
import itertools
import time

import sympy
from sympy.core.function import AppliedUndef

from derive.engine.confirm import (
    CHECK_DPS,
    CHECK_TOLERANCE,
    SWITCH_MOST,
    Check,
    confirm,
    confirming_sizes,
    describe,
    integers_near_roots,
    past_switches,
    size_switches,
    still_differs,
    tie_holds,
)
from derive.engine.falsify import (
    PAST_POINTS,
    POINT_SECONDS,
    at_irrational_breakpoints,
    base_value,
    confirm_point,
    defined_at,
    find_counterexample,
    in_domain,
    may_vanish,
    off_breakpoints,
    past_breakpoints,
    uniform_points,
)
from derive.engine.finding import Finding, Job, sizes_key
from derive.engine.indexcalc import ranges_proper
from derive.engine.induction import induction_sizes, prove_by_induction
from derive.engine.numeric import (
    AGREE,
    DIFFER,
    UNDEFINED,
    NotEvaluable,
    compile_instance,
    relative_error,
    sample,
)
from derive.engine.prove import (
    Deadline,
    OutOfTime,
    generic_method,
    step_names,
    zero_method,
)
from derive.engine.singular import (
    breakpoints,
    decide_at_breakpoints,
    kinks_crossed_apart,
    where_zero,
)
from derive.engine.terms import (
    Context,
    InputError,
    NotDerivable,
    concretize,
    evaluate_derivatives,
    expand_all_aggregates,
    free_indices,
    index_assignments,
    instance,
    reached_definitions,
    size_grid,
    sizes_in,
    unfold,
)
from derive.model import (
    NUMERIC,
    PROVED,
    PROVED_AT_SIZES,
    REFUTED,
    UNDECIDED,
    Claim,
    Counterexample,
)
from derive.notation.aggregates import bound_indices
from derive.notation.arrays import ARRAYS, ShapeCheck, ShapeMismatch
from derive.notation.corrections import doubt_mark, doubted_since, unresolved, unresolved_reason
from derive.notation.perturb import Perturbation

PROBE_POINTS = 2
GENERIC_POINTS = 8
EVIDENCE_POINTS = 6
MAX_GRID = 12
PROBE_SIZES = 4
SEARCH_SIZES = 3  # sizes the counterexample search covers before a NUMERIC verdict
# A refuted claim's symbolic proof attempt, only to name a strategy that would also have
# claimed it (a diagnostic: the counterexample stands either way).
TRIPWIRE_SECONDS = 1.0
# A proof for every size is also checked where a sum or product has this many terms, at a
# size up to EDGE_HIGHEST (see _edge_sizes), at most EDGE_MOST such sizes.
EDGE_TERMS = (0, 1, 2)
EDGE_HIGHEST = 64
EDGE_MOST = 8
# The share of a claim's time left after its proof that its exact_sizes checks (shown only)
# may use; the rest stays for the evaluation that confirms the proof.
EXACT_SHARE = 0.6


def decide(ctx: Context, claim: Claim, deadline: Deadline, since: int | None = None) -> Finding:
    """Run the strategies on `claim`, cheapest first, and return what they established.
    `since`: a doubt mark (corrections.doubt_mark) taken before the claim was prepared (its
    notation rewritten), whose readings count as the claim's own."""
    mark = doubt_mark() if since is None else since
    try:
        finding = _decide(ctx, claim, deadline)
    except (NotEvaluable, NotDerivable) as problem:
        return Finding(UNDECIDED, f"the claim cannot be evaluated: {problem}", "evaluation")
    if finding.status in (PROVED, PROVED_AT_SIZES, REFUTED):
        proof = finding
        finding = _at_breakpoints(ctx, claim, finding, deadline)
        if finding.status is UNDECIDED and proof.status is not REFUTED and _same_sides(ctx, claim):
            # Whatever value the rules or the limits give a derivative at a kink, both sides
            # have it: the proof stands (∂h(n)/∂x = ∂h(n)/∂x of a recurrence through relu was
            # UNDECIDED, its derivatives not taken again at a symbolic n: helper 142).
            note = "one expression twice: its derivatives at kinks are the same on both sides"
            finding = dataclasses.replace(proof, details=(*proof.details, note))
    elif finding.status is NUMERIC:
        finding = _numeric_at_breakpoints(ctx, claim, finding, deadline)
    doubts = doubted_since(mark)
    if doubts and finding.status in (PROVED, PROVED_AT_SIZES):
        # The proof went through a number SymPy read unconfirmed: evaluation alone decides.
        job = _job(ctx, claim, deadline)
        job.tried.append(_doubted_reason(doubts, "while the claim was decided"))
        try:
            finding = _evidence(job)
        except (NotEvaluable, NotDerivable) as problem:
            return Finding(UNDECIDED, f"the claim cannot be evaluated: {problem}", "evaluation")
    if claim.at_kinks == "autograd":
        note = (
            "read as autograd's gradient (at_kinks='autograd'): at a primitive's kink, its "
            "documented derivative through the chain rule, whether or not the derivative "
            "exists there with another value"
        )
        finding = dataclasses.replace(finding, details=(*finding.details, note))
    return finding


def _numeric_at_breakpoints(ctx: Context, claim: Claim, finding: Finding, deadline) -> Finding:
    """A NUMERIC claim refuted at a breakpoint of a derivative in it, where evaluation has no
    value (the rules leave a Dirac delta there) but the one-sided limits decide (see
    decide_at_breakpoints); else `finding`."""
    try:
        switches = breakpoints(ctx, claim)
    except (NotDerivable, InputError, ShapeMismatch, OutOfTime):
        return finding
    if not switches or deadline.remaining() <= 0:
        return finding
    checked = decide_at_breakpoints(ctx, claim, switches, deadline)
    if checked.refuted is None:
        return finding
    note = f"where {checked.where}, the derivative is not what the rules give, and the sides differ"
    return _refuted(checked.refuted, (note,))


def _at_breakpoints(ctx: Context, claim: Claim, finding: Finding, deadline) -> Finding:
    """A proof read off the differentiation rules covers the points where they hold: at a
    branch, tie or kink of a differentiated function (see singular) the claim is decided
    apart, or it is UNDECIDED. A counterexample there is checked the same way: the rules'
    value at it is not the derivative where the function is differentiable."""
    found = finding.counterexample
    if finding.status is REFUTED and (found is None or found.reason):
        return finding  # a shape mismatch: no point
    try:
        switches = breakpoints(ctx, claim)
    except (NotDerivable, InputError, ShapeMismatch, OutOfTime):
        switches = None  # the derivatives could not be taken again: not covered
    if (
        switches is None
        and finding.status is PROVED_AT_SIZES
        and _switches_at(ctx, claim, finding.sizes, None) == []
    ):
        # A proof at sizes covers its instances, and they have no breakpoint.
        note = "written out at those sizes, the claim has no branch, tie or kink"
        return dataclasses.replace(finding, details=(*finding.details, note))
    if finding.status is REFUTED and (found.sizes or switches is None) and switches != []:
        # Its switches as the instance has them, in the point's entries (and there a
        # recurrence's h(c) unfolds, where ∂/∂h(c) could not be taken for every c); where
        # they cannot be taken, every point counts as on one.
        switches = _instance_switches(ctx, claim, dict(found.sizes))
    if not switches:
        if switches is None and finding.status is not REFUTED:
            scope = f"proved by '{finding.method}'; its derivatives could not be checked again"
            return Finding(UNDECIDED, scope, "derivative at a breakpoint", details=finding.details)
        return finding
    if finding.status is REFUTED:
        point = {name: sympy.sympify(value) for name, value in found.point}
        # On a switch, or where it is not a number there (a summed entry x[i]: some term's
        # switch may be at the point); 0 though not visibly counts (x³ - x - 1 at the cubic's
        # root: the rules' derivative of a branch stood there, and a true claim was REFUTED,
        # helper 151).
        values = [(s, s.xreplace(_by_name(s.free_symbols, point))) for s in switches]
        there = [s for s, value in values if not value.is_number or may_vanish(value)]
        if not there:
            return finding
        elsewhere = _off_breakpoints(ctx, claim, found, switches, deadline)
        if elsewhere is not None:  # the rules hold there: the derivative is theirs
            return _refuted(elsewhere, finding.details)
        if _on_primitive_kinks(ctx, claim, there):
            where = where_zero(there)
            note = (
                f"the point lies where {where}, a primitive's kink, whose documented "
                "derivative the rules take (the kinks there do not cancel)"
            )
            return dataclasses.replace(finding, details=(*finding.details, note))
        if found.sizes:  # the switches of a sized claim are in tensor entries: not decided
            where = where_zero(there)
            scope = (
                f"the counterexample found lies where {where}, where the rules' derivative "
                "may not be the derivative, and no other was found"
            )
            return Finding(UNDECIDED, scope, "derivative at a breakpoint")
        atoms = set().union(
            *(s.free_symbols for s in there), claim.lhs.free_symbols, claim.rhs.free_symbols
        )
        checked = decide_at_breakpoints(ctx, claim, there, deadline, only=_by_name(atoms, point))
        if checked.refuted is not None:  # it fails there with the derivative's true value too
            return _refuted(checked.refuted, finding.details)
        why = f" ({checked.why})" if checked.why else ": there the claim holds"
        scope = (
            f"the counterexample found lies where {checked.where}, where the rules' "
            f"derivative may not be the derivative{why}; no other was found"
        )
        return Finding(UNDECIDED, scope, "derivative at a breakpoint")
    checked = decide_at_breakpoints(ctx, claim, switches, deadline)
    if checked.refuted is not None:
        note = (
            f"proved by '{finding.method}' except where {checked.where}; there the derivative "
            "is not what the rules give, and the sides differ"
        )
        return _refuted(checked.refuted, (note,))
    if checked.why:
        conventional = _by_convention(ctx, claim, finding, switches, deadline)
        if conventional is not None:
            return conventional
        scope = (
            f"proved by '{finding.method}' except where {checked.where}: there the rules' "
            f"derivative may not be the derivative; not decided ({checked.why})"
        )
        return Finding(UNDECIDED, scope, "derivative at a breakpoint", details=finding.details)
    note = (
        f"where {checked.where}, each derivative is its one-sided limit, or the rules' "
        "convention where it does not exist: the claim holds there too"
    )
    return dataclasses.replace(finding, details=(*finding.details, note))


def _by_convention(ctx: Context, claim: Claim, finding: Finding, switches, deadline):
    """`finding` with a note, where the breakpoints left undecided are only kinks of
    primitives (a leaky_relu's among tensor entries, which the one-sided limits do not
    decide) and the others are decided: there the primitives' documented derivative is
    taken, as autograd computes it (README: the primitives' kinks keep their conventions);
    else None. A primitive's kink the limits do decide (leaky_relu(x) - leaky_relu(-x),
    differentiable at 0) was decided before this is asked."""
    visible = _besides_primitives(ctx, claim)
    if visible is None:
        return None
    kinks = [s for s in switches if s not in visible]
    if not kinks:
        return None
    if visible:
        checked = decide_at_breakpoints(ctx, claim, visible, deadline)
        if checked.why or checked.refuted is not None:
            return None
    where = where_zero(kinks)
    note = (
        f"where {where}, a primitive's kink: its documented derivative is taken there, as "
        "autograd computes it (where two kinks meet, crossed in opposite directions, they "
        "may cancel into a derivative the rules do not give: not decided)"
    )
    return dataclasses.replace(finding, details=(*finding.details, note))


def _on_primitive_kinks(ctx: Context, claim: Claim, there: list) -> bool:
    """Whether the switches `there` (an instance's, in its entries) are all kinks of
    primitives, where the rules take the primitive's documented derivative, none of them
    crossed against another (see kinks_crossed_apart): the rules' value is then the
    derivative where one exists, and the convention where none does."""
    # [] : no switch of another kind, so only primitives' kinks.
    return bool(there) and _besides_primitives(ctx, claim) == []


def _besides_primitives(ctx: Context, claim: Claim) -> list | None:
    """The claim's breakpoints other than primitives' kinks, where the rules' documented
    derivative at those kinks can be trusted (no two crossed against each other, see
    kinks_crossed_apart); None where it cannot, or the breakpoints cannot be found."""
    try:
        if kinks_crossed_apart(ctx, claim):
            return None
        return breakpoints(ctx, claim, primitives=False)
    except (NotDerivable, InputError, ShapeMismatch, OutOfTime):
        return None


def _instance_switches(ctx: Context, claim: Claim, sizes: dict) -> list:
    """The breakpoints of the claim with its sizes at `sizes` (by name) and its sums written
    out, so that they are in the instance's entries (a[1], not a[i] inside Σ_i); every
    breakpoint of the claim where that fails (a point on any of them is not trusted)."""
    # Where they cannot be taken, every point counts as on a breakpoint.
    return _switches_at(ctx, claim, (_size_symbols(ctx, claim, sizes),), [sympy.S.Zero])


def _switches_at(ctx: Context, claim: Claim, proved: tuple, failed):
    """The breakpoints of the claim's instances at each of the sizes in `proved` (dicts keyed
    by size symbol); `failed` where one of them cannot be taken (never [], which says there
    are none)."""
    found = []
    for sizes in proved:
        switches = _written_out_switches(ctx, claim, sizes) if sizes else None
        if switches is None:
            return failed
        found += [s for s in switches if s not in found]
    return found


def _written_out_switches(ctx: Context, claim: Claim, values: dict) -> list | None:
    """breakpoints() of the claim at the sizes `values` (keyed by size symbol), for every
    value of its free indices, the sizes put into the definitions too and every sum with
    concrete bounds written out, so that a recurrence's h(t) under Σ_t is h(1), h(2), …
    (whether h(t) comes after h(2) is known then); None where that fails."""
    found, lows = [], dict(claim.lows)
    try:
        sized = _sized_context(ctx, values)
        indices = free_indices(ctx, sympy.Tuple(claim.lhs, claim.rhs))
        for assignment in index_assignments(ctx, indices, values):
            at = {**values, **assignment}
            sides = [concretize(sized, s, at, lows) for s in (claim.lhs, claim.rhs)]
            written = dataclasses.replace(claim, lhs=sides[0], rhs=sides[1])
            found += [s for s in breakpoints(sized, written) if s not in found]
    except (NotDerivable, InputError, ShapeMismatch, OutOfTime):
        return None
    return found


def _sized_context(ctx: Context, values: dict) -> Context:
    """`ctx` with the sizes `values` substituted into its definitions (not where a definition
    has a parameter of that name), their aggregates with concrete bounds written out."""

    def sized(body, values):
        return None if body is None else expand_all_aggregates(body.subs(values, simultaneous=True))

    definitions = {}
    for func, d in ctx.definitions.items():
        own = {k: v for k, v in values.items() if k not in d.params}
        definitions[func] = dataclasses.replace(
            d, body=sized(d.body, own), initial=sized(d.initial, own)
        )
    return dataclasses.replace(ctx, definitions=definitions)


def _off_breakpoints(ctx: Context, claim: Claim, found, switches, deadline):
    """A counterexample of the claim at `found`'s sizes next to its point, off every switch
    (see falsify.off_breakpoints), or None."""
    sizes = _size_symbols(ctx, claim, dict(found.sizes))
    try:
        inst = instance(ctx, claim.lhs, claim.rhs, sizes)
        compiled = compile_instance(inst, claim.relation)
    except (NotDerivable, InputError, ShapeMismatch, NotEvaluable, OutOfTime):
        return None
    values = {name: sympy.sympify(value) for name, value in found.point}
    point = {a: v for a, v in _by_name(inst.atoms, values).items() if v.is_Rational}
    return off_breakpoints(ctx, compiled, point, switches, deadline)


def _size_symbols(ctx: Context, claim: Claim, sizes: dict) -> dict:
    """`sizes` (a counterexample's, keyed by name) keyed by the claim's size symbols."""
    named = {str(s): s for s in sizes_in(ctx, sympy.Tuple(claim.lhs, claim.rhs))}
    return {named[k]: v for k, v in sizes.items() if k in named}


def _by_name(atoms, point: dict) -> dict:
    """`point` (a counterexample's, keyed by name) keyed by those of `atoms` with its names."""
    names = {str(k): v for k, v in point.items()}
    return {a: names[str(a)] for a in atoms if str(a) in names}


def _job(ctx: Context, claim: Claim, deadline: Deadline) -> Job:
    sizes = sizes_in(ctx, sympy.Tuple(claim.lhs, claim.rhs))
    return Job(ctx, claim, deadline, size_grid(ctx, claim, sizes)[:MAX_GRID], sizes)


def _doubted_reason(doubts: tuple[str, ...], when: str) -> str:
    return (
        f"no proof: {when}, SymPy read {'; '.join(doubts)}, which even 4096 bits cannot "
        "confirm (an integer in disguise, or a number nearer than 2^-4096 to one); what was "
        "built from it may hold SymPy's answer in the number's place, so only evaluation "
        "decides (write such a constant exactly)"
    )


def _decide(ctx: Context, claim: Claim, deadline: Deadline) -> Finding:
    job = _job(ctx, claim, deadline)
    sizes = job.sizes
    if _probe_separates(job):
        return _refute(job)
    if _undefined_parts(ctx, claim):
        job.tried.append(
            "no proof: the claim holds zoo or nan as SymPy built it (1/0, or 0**(-o) as "
            "zoo**o), which SymPy's rewrites and facts do not follow soundly"
        )
        return _evidence(job)
    tiny = _unresolved_part(ctx, claim)
    if tiny is not None:
        job.tried.append(unresolved_reason(tiny))
        return _evidence(job)
    if ctx.doc.doubts or ctx.doubts:
        doubts = tuple(dict.fromkeys((*ctx.doc.doubts, *ctx.doubts)))
        job.tried.append(_doubted_reason(doubts, "while the document was built"))
        return _evidence(job)
    # A claim that pins a size to one value is a statement about that size only.
    pinned = any(len(set(values)) == 1 for _, values in claim.sizes)
    method = None if pinned else _prove_generic(job)
    if pinned:
        job.tried.append("no symbolic proof for every size: the claim pins a size to one value")
    unconfirmed = None  # why a symbolic proof does not stand, if it does not
    if method:
        finding = Finding(PROVED, generic_scope(job), method, details=_exact_checks(job))
        full = size_grid(job.ctx, claim, sizes)
        checked = confirming_sizes(full, sizes, dict(claim.lows), job.rng("sizes"))
        # Always the sizes the probe already built, and the largest of the grid; first of
        # the others, the scope's edges, where a closed form SymPy took may fail.
        required = [s for s in full if sizes_key(s) in job.cache] + job.grid[-1:]
        edges = _edge_sizes(ctx, claim, sizes)
        checked = edges + [s for s in checked if s not in edges]
        finding = _past_breakpoints(job, _confirmed(job, finding, checked, required))
        past = _past_switches(job, finding, required) if finding.status is PROVED else finding
        if isinstance(past, Finding):
            return past
        unconfirmed = past
        job.tried.append(unconfirmed)
    proved = _prove_at_sizes(job)
    if proved is not None and unconfirmed:
        return dataclasses.replace(proved, details=(*proved.details, unconfirmed))
    return proved if proved is not None else _evidence(job)


def _past_breakpoints(job: Job, finding: Finding, sizes: dict | None = None) -> Finding:
    """`finding`, once evaluation also agrees past the breakpoints of the claim's atoms
    (falsify.past_breakpoints: a factor Heaviside(x - 1000) is 0 at the seeded points a
    proof is confirmed at) at `sizes`, by default at its smallest sizes, the first where
    every size the grid varies is at least 2 ((n - 1)·Max(0, x - 1000) is 0 at n = 1) and
    the grid's largest; the refutation or UNDECIDED where it disagrees there. Points that
    take too long to evaluate are passed over."""
    if finding.status not in (PROVED, PROVED_AT_SIZES) or (job.sizes and not job.grid):
        return finding
    if sizes is None:
        grid = job.grid or [{}]
        where, most = [], PAST_POINTS
        for at in (grid[0], _probe_sizes(grid)[1], grid[-1]):
            if at is not None and at not in where:
                where.append(at)
    else:
        where, most = [sizes], PAST_POINTS_BEYOND
    for at in where:
        try:
            with job.deadline.slice(SWITCH_SECONDS):
                compiled = job.instance(at)
                points = past_breakpoints(job.ctx, compiled.instance, most)
        except (OutOfTime, ShapeMismatch):
            if job.deadline.spent():
                raise OutOfTime() from None
            continue
        for point in points:
            if _differs_at(job, compiled, point):
                return _disagreement(job, finding.method, Check((), True, at, point))
        if at is where[0]:
            found = _irrational_past(job, compiled)
            if found is not None:
                return _refuted(found, (_strategy_failed(finding.method),))
    return finding


def _irrational_past(job: Job, compiled) -> Counterexample | None:
    """A counterexample at an irrational zero of one of the claim's switches (√2, log 3, a
    cubic's real root: falsify.at_irrational_breakpoints), decided exactly, or None. The
    points past_breakpoints gives are rational, at most within 1/1024 of such a zero, and
    the seeded points miss it: [x² = 2] = 0 passed the confirmation of a proof that was
    wrong (a strategy made to prove every claim, helper 148). Only an exact counterexample
    counts here (a disagreement in evaluation alone may be SymPy misreading a hidden 0)."""
    with job.deadline.attempt(SWITCH_SECONDS):
        return at_irrational_breakpoints(job.ctx, compiled, job.deadline)
    return None


PAST_POINTS_BEYOND = 16  # points past the atoms' breakpoints at each size past a switch


def _differs_at(job: Job, compiled, point: dict) -> bool:
    """Whether the sides differ at `point` in CHECK_DPS digits and do not agree in
    RECHECK_DPS (as confirm reads a point); False where evaluating takes too long."""
    differs = False
    with job.deadline.attempt(POINT_SECONDS):
        differs = compiled.outcome(point, CHECK_DPS, CHECK_TOLERANCE) == DIFFER
    if differs:
        with job.deadline.attempt(POINT_SECONDS):
            return still_differs(compiled, point) and not tie_holds(compiled, point)
    return False


SWITCH_UNFOLDS = 8  # rounds of unfolding definitions in which switches are looked for
SWITCH_SECONDS = 4.0  # to build the instance at one size past a switch (see _past_switches)


def _switch_sizes(job: Job, seen: list[dict]) -> list[dict] | None:
    """The sizes past the switches of the claim's sizes alone that `seen` does not reach
    (confirm.past_switches), in its sides, the definitions they reach and its sides
    unfolded (a definition's parameter is a size only once applied); None where there are
    too many."""
    claim, sizes = job.claim, job.sizes
    if not sizes:
        return []
    smallest = {s: sympy.Integer(dict(claim.lows).get(s, 1)) for s in sizes}
    sides = sympy.Tuple(claim.lhs, claim.rhs)
    parts = [sides] + [d.body for d in reached_definitions(job.ctx, sides)]
    try:
        with job.deadline.slice(SWITCH_SECONDS):
            parts.append(unfold(job.ctx, sides, dict(claim.lows), rounds=SWITCH_UNFOLDS))
    except (InputError, OutOfTime):
        if job.deadline.spent():
            raise OutOfTime() from None
    ends = _index_ends(job, parts)
    zeros = [z for part in parts for z in size_switches(part)]
    zeros += [z for part in parts for z in _sizes_alone(part, {*sizes, *ends})]
    _switching_ends(ends, zeros)
    zeros = _of_the_sizes(job, ends, list(dict.fromkeys(zeros)))
    with job.deadline.attempt(SWITCH_SECONDS):
        return past_switches(zeros, sizes, smallest, seen)
    return None


def _sizes_alone(expr, sizes: set) -> list:
    """The largest parts of `expr` that are functions of `sizes` (and indices) alone, and
    hold no integral, as switches too: a polynomial gate, n(n - 1)···(n - 20) expanded or
    not, Σ_{i=1}^{n} (i - 1)···(i - 20) or Π_{j=1}^{20} (i - j), is 0 at every size
    evaluation reaches, and nothing else in it switches."""
    if not isinstance(expr, sympy.Basic) or isinstance(expr, sympy.Symbol):
        return []
    if _of_sizes(expr, sizes) and not expr.has(sympy.Integral):
        return [expr]
    found = []
    if isinstance(expr, sympy.Mul):  # the factors of the sizes alone as one
        factors = [f for f in expr.args if _of_sizes(f, sizes) and not f.has(sympy.Integral)]
        found += [sympy.Mul(*factors)] if factors else []
        found += [p for f in expr.args if f not in factors for p in _sizes_alone(f, sizes)]
        return found
    return [part for arg in expr.args for part in _sizes_alone(arg, sizes)]


def _of_sizes(expr, sizes: set) -> bool:
    return isinstance(expr, sympy.Expr) and bool(expr.free_symbols) and expr.free_symbols <= sizes


def _at_ends(expr, ends: dict) -> list:
    """`expr` with one index of `ends` it holds at each end of its range; [expr] without."""
    index = next((s for s in sorted(expr.free_symbols, key=str) if s in ends), None)
    if index is None:
        return [expr]
    # Where it is free only (a part may also hold a sum over an index of that name).
    found = []
    for end in ends[index]:
        with contextlib.suppress(ValueError, TypeError, ArithmeticError):
            found.append(expr.subs(index, end))
    return found


SWITCH_VARIANTS = 8  # per switch, its indices at the ends of their ranges (see _of_the_sizes)


def _index_ends(job: Job, parts: list) -> dict:
    """Each index bound in `parts` (by a sum, product or integral), or free, and the ends of
    its ranges."""
    ends: dict = {}
    for part in parts:
        for node in sympy.preorder_traversal(part):
            if isinstance(node, (sympy.Sum, sympy.Product, sympy.Integral)):
                for index, *bounds in node.limits:
                    ends.setdefault(index, set()).update(bounds)
    for index, bounds in job.ctx.ranges.items():
        ends.setdefault(index, set()).update(sympy.sympify(b) for b in bounds)
    # A size is a size where it is free, even if some sum also binds its name.
    return {index: values for index, values in ends.items() if index not in job.sizes}


SWITCHING_ENDS = 6  # per index, the values beside its own switches taken as ends too


def _switching_ends(ends: dict, zeros: list) -> None:
    """Add to each index's ends the values beside the roots of the switches of that index
    alone (i > 20): an interior band of a bound index, 20 < i < n - 20, opens only once
    n - 20 passes such a value (at n = 42), which its ends alone (1 and n) never show."""
    for index in ends:
        found = set()
        for zero in zeros:
            if sympy.sympify(zero).free_symbols == {index}:
                found |= integers_near_roots(sympy.sympify(zero), index) or set()
        ends[index] |= {sympy.Integer(v) for v in sorted(found)[:SWITCHING_ENDS]}


def _of_the_sizes(job: Job, ends: dict, zeros: list) -> list:
    """Each of `zeros` as a function of the sizes alone: an index (of `ends`, bound or
    free) at either end of its range, as evaluation reaches it (Σ_{i=1}^{n} δ(i, 30)·… and
    Max(0, i - 20) for a free i ≤ n switch on at n = 30 and 21), then every other symbol and
    entry at its base value, as past_breakpoints puts the atoms (Max(0, n - c - 20) for an
    integer c ≥ 1 at n = 22); at most SWITCH_VARIANTS per switch."""
    sizes, found = set(job.sizes), []
    for zero in zeros:
        variants = [sympy.sympify(zero)]
        for _ in range(3):  # an end may name another index (Σ_i Σ_{j ≤ i})
            variants = [w for v in variants for w in _at_ends(v, ends)][:SWITCH_VARIANTS]
        for variant in variants:
            others = [a for a in variant.atoms(sympy.Indexed) if not a.free_symbols & set(ends)]
            others += [s for s in variant.free_symbols - sizes if s not in ends]
            try:
                found.append(variant.xreplace({a: base_value(job.ctx, a) for a in others}))
            except (TypeError, ValueError, KeyError):
                continue
    return found


def _past_switches(job: Job, finding: Finding, seen: list[dict]) -> Finding | str:
    """`finding`, a confirmed proof, once evaluation also agrees past each switch of the
    sizes alone (see confirm.past_switches: Max(0, n - 20) is 0 at every size evaluated
    otherwise, so a wrong step about what it multiplies would go unseen); the refutation or
    UNDECIDED where it disagrees there; or the reason the proof is not confirmed there (a
    size too large to evaluate in time), for the strategies that follow."""
    past = _switch_sizes(job, seen)
    proved = f"the proof by '{finding.method}' is not confirmed past the switches of its sizes"
    if past is None:
        return f"{proved}: more than {SWITCH_MOST} of them"
    for at in past:
        try:
            with job.deadline.slice(SWITCH_SECONDS), contextlib.suppress(ShapeMismatch):
                job.instance(at)  # (a mismatch of shapes: confirm reports it)
            check = confirm(job.ctx, [at], [at], job.instance, job.rng("past"), job.deadline)
        except OutOfTime:
            if job.deadline.spent():
                raise
            return f"{proved}: {describe((at,))} is too large to evaluate in time"
        except InputError as problem:
            return f"{proved}: at {describe((at,))}, {problem}"
        except (ValueError, TypeError, ArithmeticError, RecursionError) as problem:
            return f"{proved}: SymPy cannot build the claim at {describe((at,))} ({problem})"
        if check.differ_sizes is not None:
            return _disagreement(job, finding.method, check)
        if not check.agreed:
            return f"{proved}: no point evaluates at {describe((at,))}"
        beside = _past_breakpoints(job, finding, at)  # Max(0, n - x - 20) at n = 21, x = 0
        if beside is not finding:
            return beside
    if not past:
        return finding
    where = f"evaluation agrees past the switches of the sizes, at {describe(tuple(past))}"
    return dataclasses.replace(finding, details=(*finding.details, where))


def _same_sides(ctx: Context, claim: Claim) -> bool:
    """Whether the claim is an equation of one expression with itself, as written: whatever
    value a derivative in it takes at a kink, both sides take it. Not where it holds arrays
    or matrices (a shape that fits only at some sizes is refuted where it fails)."""
    if claim.relation != "==" or claim.lhs != claim.rhs:
        return False
    return not _claim_parts(ctx, claim).has(*ARRAYS, ShapeCheck, sympy.MatrixExpr)


def _undefined_parts(ctx: Context, claim: Claim) -> bool:
    """Whether the claim, or a definition it reaches, holds zoo or nan. No proof is tried
    for it: (zoo**o).rewrite(exp) is nan and Eq(nan, 0) is False, so Piecewise((1,
    Eq(0**(-o), 0)), (0, True)) = 0 was proved "rewritten in exp", though at o = -1 the
    left side is 1 (helper 95). Its exact and numeric instances (zoo evaluated as undefined)
    may still refute it."""
    return _claim_parts(ctx, claim).has(sympy.zoo, sympy.nan)


def _unresolved_part(ctx: Context, claim: Claim):
    """A number in the claim, or a definition it reaches, that SymPy cannot tell from 0
    (corrections.unresolved), or None."""
    return unresolved(_claim_parts(ctx, claim))


def _claim_parts(ctx: Context, claim: Claim) -> sympy.Tuple:
    """The claim's sides, and the bodies and initial values of the definitions it reaches."""
    reached = reached_definitions(ctx, sympy.Tuple(claim.lhs, claim.rhs))
    parts = [claim.lhs, claim.rhs, *(d.body for d in reached)]
    parts += [d.initial for d in reached if d.initial is not None]
    return sympy.Tuple(*parts)


def _edge_sizes(ctx: Context, claim: Claim, sizes) -> list[dict]:
    """The smallest sizes of the scope (each size at its lower bound), and those at which a
    sum or product of the claim, or of a definition it reaches, has 0, 1 or 2 terms (one
    size moved, the others at their smallest). SymPy's closed forms of sums hold
    generically: Σ_{k=0}^{M} (-1)^k C(M, k) is 0 but at M = 0, so a proof that took one is
    checked where a range is empty or short, |n - 20| + 1 terms at n = 20 too."""
    lows = dict(claim.lows)
    smallest = {s: sympy.Integer(lows.get(s, 1)) for s in sizes}
    found = [smallest] if smallest else []
    sides = sympy.Tuple(claim.lhs, claim.rhs)
    parts = [sides] + [d.body for d in reached_definitions(ctx, sides)]
    for part in parts:
        for node in sympy.preorder_traversal(part):
            if not isinstance(node, (sympy.Sum, sympy.Product)):
                continue
            for _, low, high in node.limits:
                for size in sizes:
                    others = {s: v for s, v in smallest.items() if s != size}
                    count = (high - low + 1).xreplace(others)
                    if count.free_symbols != {size}:
                        continue  # constant, or with another index: no edge of its own
                    for value in map(sympy.Integer, range(smallest[size], EDGE_HIGHEST + 1)):
                        at = {**smallest, size: value}
                        if count.xreplace({size: value}) in EDGE_TERMS and at not in found:
                            found.append(at)
    return found[:EDGE_MOST]


def _probe_sizes(grid: list) -> tuple[list, dict | None]:
    """The smallest sizes, and the smallest where every size the grid varies is at least 2
    (size 1 often hides an error: a softmax over one element, a vector of one entry), which
    is also returned alone (None without one): the generic sizes."""
    varied = {k for k in (grid[0] if grid else {}) if len({s[k] for s in grid}) > 1}
    generic = [s for s in grid if all(s[k] >= 2 for k in varied)][:1]
    probed = grid[:PROBE_SIZES] + [s for s in generic if s not in grid[:PROBE_SIZES]]
    return probed, (generic[0] if generic else None)


def _probe_separates(job: Job) -> bool:
    rng = job.rng("probe")
    probed, generic = _probe_sizes(job.grid)
    for sizes in probed:
        try:
            compiled = job.instance(sizes)
        except ShapeMismatch:
            return True
        # More points at the generic sizes (a claim without sizes has only those): an error
        # can hide in a case random points reach rarely (two neighbours on different sides
        # of a kink; hs(3) := Max(0, x1, x2, x3) claimed as Max(x1, x2, x3) differs only
        # where all three are negative, and a claim that gets past this probe may spend its
        # time on symbolic steps first).
        atoms = compiled.instance.atoms
        points = [sample(job.ctx, atoms, rng) for _ in range(PROBE_POINTS)]
        if sizes == generic:
            points += [sample(job.ctx, atoms, rng) for _ in range(GENERIC_POINTS - PROBE_POINTS)]
            uniform = uniform_points(job.ctx, atoms, dyadic=True)
            points += [p for p in uniform if in_domain(job.ctx, p)]
        if any(_separated(compiled, point) for point in points):
            return True
    return False


def _separated(compiled, point: dict) -> bool:
    """Whether evaluation reads the sides as failing the relation at `point` (_reading)."""
    return _reading(compiled, point) == DIFFER


def _reading(compiled, point: dict) -> str:
    """Evaluation's outcome at `point`, where a strict relation whose sides tie in every
    digit and which holds there exactly agrees (confirm.tie_holds: σ(x) < 1 at x = 400)."""
    outcome = compiled.outcome(point)
    if outcome == DIFFER and not defined_at(compiled, point, unknown=True):
        return UNDEFINED  # a function differentiated there has no value (falsify.defined_at)
    return AGREE if outcome == DIFFER and tie_holds(compiled, point) else outcome


def _refute(job: Job) -> Finding:
    claim = job.claim
    found = find_counterexample(
        job.ctx,
        claim.lhs,
        claim.rhs,
        claim.relation,
        job.grid,
        job.rng("search"),
        job.deadline,
        job.instance,
    )
    if found is None:
        return Finding(
            UNDECIDED,
            "sides separated numerically, but no point survived exact re-evaluation",
            "numeric probe",
        )
    return _refuted(found, _tripwire(job, found))


def _refuted(found: Counterexample, details: tuple = ()) -> Finding:
    where = ", ".join(f"{k} = {v}" for k, v in found.sizes)
    scope = f"counterexample at {where}" if where else "counterexample found"
    return Finding(REFUTED, scope, "counterexample search", found, details)


def _tripwire(job: Job, found: Counterexample) -> tuple[str, ...]:
    """A confirmed counterexample must not also have a symbolic proof; if one has, the
    counterexample wins and the report says which strategy failed."""
    claim = job.claim
    if _undefined_parts(job.ctx, claim):
        return ()  # no strategy is tried for such a claim, nor blamed
    try:
        method = generic_method(
            job.ctx,
            claim.lhs,
            claim.rhs,
            claim.relation,
            dict(claim.lows),
            Deadline(TRIPWIRE_SECONDS),
        )
    except (ShapeMismatch, OutOfTime):
        return ()
    return (_strategy_failed(method),) if method else ()


def _strategy_failed(method: str) -> str:
    return (
        f"the proof strategy '{method}' also claimed this claim; the exact evaluation "
        "contradicts it, so the strategy is at fault (please report it)"
    )


def _prove_generic(job: Job) -> str | None:
    claim, lows = job.claim, dict(job.claim.lows)
    try:
        for sides, cases in _domain_attempts(job, lows):
            method = _generic_in_cases(job, sides, cases, lows)
            if method:
                job.within = tuple(sorted(map(str, cases[0])))
                return method
    except ShapeMismatch:
        return None
    symbolic = "the sizes symbolic" if job.sizes else "its atoms symbolic"
    goal = "lhs − rhs to 0" if claim.relation == "==" else "the gap to a known sign"
    job.tried.append(
        f"symbolic proof with {symbolic}, definitions folded and then unfolded: no step "
        f"({', '.join(step_names(claim.relation))}) reduced {goal}"
    )
    if claim.relation != "==":
        return None
    sizes = induction_sizes(job.ctx, claim.lhs, claim.rhs)
    for size in sizes:
        try:
            method = prove_by_induction(job.ctx, claim.lhs, claim.rhs, size, lows, job.deadline)
        except RecursionError:
            # SymPy's Mod(i - 2, n).subs(n, n + 1) recurses without end (helper 178: the
            # step crashed on Σ_i x[Mod(i - 2, n) + 1] = Σ_i x[i]); no proof, like a step
            # not proved.
            continue
        if method:
            return method
    if sizes:
        over = ", ".join(map(str, sizes))
        job.tried.append(f"induction over {over}: the base case or the step was not proved")
    return None


def _domain_attempts(job: Job, lows: dict):
    """The claim's sides with the substitutions to prove them in (each case of a list must
    be proved), in turn: its half-lines (_domain_points); then also its bounded intervals,
    where it has any; then the same of its sides differentiated, where it differentiates
    (no definition reached: their bodies hold the symbols too)."""
    sides = (job.claim.lhs, job.claim.rhs)
    shifts, bounded = _domain_points(job, sides)
    yield sides, [shifts]
    if bounded:
        yield sides, [{**shifts, **case} for case in bounded]
    claim = sympy.Tuple(*sides)
    declared = claim.free_symbols & set(job.ctx.domains)
    if not declared or not claim.has(sympy.Derivative, Perturbation):
        return  # (differentiating takes time: only where a domain may then be used)
    try:
        with job.deadline.slice():
            derived = tuple(evaluate_derivatives(job.ctx, side, lows) for side in sides)
    except (NotDerivable, OutOfTime):
        return
    shifts, bounded = _domain_points(job, derived)
    if shifts or bounded:
        yield derived, [{**shifts, **case} for case in bounded or [{}]]


def _generic_in_cases(job: Job, sides: tuple, cases: list[dict], lows: dict) -> str | None:
    """The method that proves lhs relation rhs (`sides`) in each case (a substitution for
    its symbols), the first case's; None unless every case is proved."""
    first = None
    for case in cases:
        try:
            lhs, rhs = (side.xreplace(case) for side in sides)
            method = generic_method(job.ctx, lhs, rhs, job.claim.relation, lows, job.deadline)
        except (ArithmeticError, TypeError, ValueError, RecursionError):
            # SymPy refusing the case's terms: Max(t - √(5 + 2√6), 0) at t = √2 + √3 is a
            # zero it cannot compare (helper 124); not proved.
            return None
        if not method:
            return None
        first = first or method
    return first


# Where x may be replaced by a + d and mean the same: nodes that are functions of their
# arguments. A node that binds or moves a variable (Subs, Integral, Lambda, a perturbation,
# a derivative) or unfolds to a body (a definition) is not among them: there x is a name,
# and xreplace renames it (Subs(|x − 1|, x, min(x, 10)) became d for every x).
_PLAIN_NODES = (
    sympy.Symbol,
    sympy.Number,
    sympy.NumberSymbol,
    sympy.Add,
    sympy.Mul,
    sympy.Pow,
    sympy.Min,
    sympy.Max,
    sympy.Indexed,
    sympy.Sum,
    sympy.Product,
    sympy.Tuple,
    sympy.core.relational.Relational,
    sympy.logic.boolalg.Boolean,
    sympy.functions.elementary.piecewise.ExprCondPair,
)


def _plainly_in(claim, symbol) -> bool:
    """Whether every node of `claim` that holds `symbol` is a function of its arguments (an
    applied SymPy or primitive function, arithmetic, a sum not over it...)."""
    for node in sympy.preorder_traversal(claim):
        if not isinstance(node, sympy.Basic) or not node.has(symbol) or node is claim:
            continue
        function = isinstance(node, sympy.Function) and not isinstance(node, AppliedUndef)
        if not (function or isinstance(node, _PLAIN_NODES)):
            return False
    return True


MAX_DOMAIN_CASES = 4  # bounded domains closed at both ends: at most this many cases


def _domain_points(job: Job, sides: tuple) -> tuple[dict, list[dict]]:
    """Each declared interval written as the points of a new variable d (d > 0 where the
    interval is open at the end it starts from, d ≥ 0 where closed): a claim for every d is
    one for every x in the domain, and the signs SymPy knows of d prove what x's domain
    needs. ({x: a + d} for (a, ∞), {x: b − d} for (−∞, b): log x > 0 for x > 1; and the
    cases that together cover the bounded intervals: (a + b·d)/(1 + d) covers [a, b) or
    (a, b), (b + a·d)/(1 + d) covers (a, b], and [a, b] is [a, b) and the point b: Abs(p − 1)
    = 1 − p for p in (0, 1).) Only for claims that neither differentiate by nor reach a
    definition: there x would stay behind in the bodies; and only where x is an argument
    (_plainly_in), not a variable a node binds or moves. Returns the half-lines'
    substitution and the bounded intervals' cases (none past MAX_DOMAIN_CASES)."""
    claim = sympy.Tuple(*sides)
    if claim.has(sympy.Derivative) or claim.atoms(AppliedUndef):
        return {}, []
    shifts, bounded = {}, [{}]
    symbols = claim.free_symbols - bound_indices(claim) - set(job.sizes) - set(job.ctx.ranges)
    for symbol in sorted(symbols, key=sympy.default_sort_key):  # (the same cases every run)
        if not isinstance(symbol, sympy.Symbol) or symbol in job.ctx.tensors:
            continue  # a tensor's label: its entries are the atoms, not the label
        if not _plainly_in(claim, symbol):
            continue
        domain = job.ctx.domains.get(symbol)
        if not isinstance(domain, sympy.Interval):
            continue
        ends = (domain.inf.is_infinite, domain.sup.is_infinite)
        if ends == (False, True):
            shifts[symbol] = domain.inf + _variable(symbol, domain.left_open)
        elif ends == (True, False):
            shifts[symbol] = domain.sup - _variable(symbol, domain.right_open)
        elif ends == (False, False):
            points = _bounded_points(symbol, domain)
            if len(bounded) * len(points) <= MAX_DOMAIN_CASES:
                bounded = [{**case, symbol: point} for case in bounded for point in points]
    return shifts, bounded if bounded != [{}] else []


def _variable(symbol, is_open: bool) -> sympy.Dummy:
    return sympy.Dummy(symbol.name, real=True, **{"positive" if is_open else "nonnegative": True})


def _bounded_points(symbol, domain: sympy.Interval) -> list:
    """What covers the bounded interval `domain` (see _domain_points): one or two terms."""
    a, b = domain.inf, domain.sup
    if domain.right_open or not domain.left_open:  # [a, b), (a, b) or [a, b]
        d = _variable(symbol, domain.left_open)
        points = [(a + b * d) / (1 + d)]
        return points if domain.right_open else [*points, b]
    d = _variable(symbol, False)  # (a, b]
    return [(b + a * d) / (1 + d)]


def _confirmed(job: Job, finding: Finding, sizes_to_check: list[dict], required) -> Finding:
    """`finding` (a proof) once evaluation at `sizes_to_check` agrees with it (at the
    `required` ones at least); else the confirmed counterexample, or UNDECIDED when the
    disagreement cannot be settled."""
    check = confirm(job.ctx, sizes_to_check, required, job.instance, job.rng("spot"), job.deadline)
    if check.differ_sizes is not None:
        return _disagreement(job, finding.method, check)
    if not check.agreed:
        scope = f"proved by '{finding.method}', but no point could be evaluated to confirm it"
        return Finding(UNDECIDED, scope, "evaluation")
    where = describe(check.checked)
    return dataclasses.replace(finding, details=(*finding.details, f"evaluation agrees at {where}"))


def _counterexample_where(job: Job, check) -> Counterexample | None:
    """The exact counterexample where `check` (an evaluation) saw the sides differ: its point
    confirmed, else one searched for at its sizes; None if neither survives."""
    found = None
    if check.differ_point is not None:
        compiled = job.instance(check.differ_sizes)
        found = confirm_point(
            job.ctx, compiled, check.differ_point, job.claim.relation, job.deadline
        )
    if found is None:
        found = find_counterexample(
            job.ctx,
            job.claim.lhs,
            job.claim.rhs,
            job.claim.relation,
            [check.differ_sizes],
            job.rng("search"),
            job.deadline,
            job.instance,
        )
    return found


def _disagreement(job: Job, method: str, check) -> Finding:
    sizes, found = check.differ_sizes, _counterexample_where(job, check)
    if found is not None:
        return _refuted(found, (_strategy_failed(method),))
    where = ", ".join(f"{k} = {v}" for k, v in sizes.items()) or "the sampled points"
    scope = (
        f"the proof strategy '{method}' and evaluation at {where} disagree, and no exact "
        "counterexample was confirmed"
    )
    return Finding(UNDECIDED, scope, "evaluation")


def generic_scope(job: Job) -> str:
    """Say what a symbolic proof covers: every size from its lower bound, and every value."""
    within = f" in the declared domain of {', '.join(job.within)}" if job.within else ""
    if not job.sizes:
        return f"all values{within}"
    bounds = ", ".join(f"{s} ≥ {job.ctx.low(job.claim, s)}" for s in job.sizes)
    return f"all sizes: {bounds}{within}"


def _exact_checks(job: Job) -> tuple[str, ...]:
    """Run the claim's extra exact checks (to show how cost grows) and time each size.

    They are shown only, never part of the verdict, so they may not take the time the
    verdict's own evaluation needs: they stop before a size whose predicted time (the last
    one's, times the last growth) would take them past EXACT_SHARE of the time left."""
    if not job.claim.exact_sizes:
        return ()
    lines, exact = [], dict(job.claim.exact_sizes)
    smallest = {s: (job.grid[0][s],) for s in job.sizes if s not in exact}
    budget, used, spent = EXACT_SHARE * job.deadline.remaining(), 0.0, []
    for sizes in size_grid(job.ctx, job.claim, job.sizes, {**smallest, **exact}.items()):
        where = ", ".join(f"{k} = {v}" for k, v in sizes.items())
        growth = spent[-1] / spent[-2] if len(spent) > 1 and spent[-2] > 0 else 1.0
        if spent and used + spent[-1] * max(growth, 1.0) > budget:
            lines.append(
                f"exact checks stopped before {where}: it would take them past their share of "
                f"the claim's time ({budget:.1f} s)"
            )
            break
        start = time.perf_counter()
        method = _exact_method(job, sizes)
        spent.append(time.perf_counter() - start)
        used += spent[-1]
        verdict = "proved" if method else "not proved"
        lines.append(f"exact check at {where}: {verdict} in {spent[-1]:.2f} s")
    return tuple(lines)


def _exact_method(job: Job, sizes: dict) -> str | None:
    """Prove the claim at `sizes`: first with definitions folded (which proves it for any
    values they could take), then with everything unfolded to the inputs."""
    claim = job.claim
    # Reversed ranges are read as empty; the normal forms follow Karr (see
    # indexcalc.ranges_proper): only a claim whose ranges are proper at these sizes.
    ranges = {i: tuple(sympy.sympify(b).subs(sizes) for b in r) for i, r in job.ctx.ranges.items()}
    try:
        if not (claim.lhs.has(sympy.Derivative) or claim.rhs.has(sympy.Derivative)):
            with job.deadline.slice():
                sides = [concretize(job.ctx, side, sizes) for side in (claim.lhs, claim.rhs)]
            proper = all(ranges_proper(side, ranges) for side in sides)
            method = proper and zero_method(*sides, claim.relation, job.deadline)
            if method:
                return method
        entries = job.instance(sizes).instance.entries
        if not entries:
            return "vacuous (no value of the free indices at these sizes)"
        # A limit that is not a size (an integer input's) stays symbolic here: the same rule.
        if not all(ranges_proper(side, ranges) for _, *sides in entries for side in sides):
            return None
        methods = [
            zero_method(left, right, claim.relation, job.deadline) for _, left, right in entries
        ]
    except (OutOfTime, ShapeMismatch):
        return None
    return f"{methods[0]}, unfolded" if all(methods) else None


def _prove_at_sizes(job: Job) -> Finding | None:
    proved, methods = [], set()
    for sizes in job.grid:
        method = _exact_method(job, sizes)
        if method is None:
            break
        proved.append(sizes)
        methods.add(method)
    if not proved:
        if job.sizes and job.grid:
            where = ", ".join(f"{k} = {v}" for k, v in job.grid[0].items())
            job.tried.append(f"exact proof with the sizes written out: not reached at {where}")
        return None
    listed = "; ".join(", ".join(f"{k} = {v}" for k, v in s.items()) for s in proved)
    if len(proved) < len(job.grid):
        job.notes.append(f"proved exactly at {listed}, not at the larger sizes{_off(job)}")
        return None
    method = f"exact instantiation ({', '.join(sorted(methods))})"
    if not job.sizes:
        # Written out at one size, the claim has no size to generalise over: the exact
        # proof covers every value of its atoms.
        finding = Finding(PROVED, "all values (written out at one size)", method)
    else:
        finding = Finding(PROVED_AT_SIZES, f"sizes {listed}", method, sizes=tuple(proved))
    confirmed = _past_breakpoints(job, _confirmed(job, finding, proved, required=proved))
    if confirmed.status is PROVED_AT_SIZES:
        return _refuted_beyond(job, proved) or confirmed
    return confirmed


def _off(job: Job) -> str:
    """What an exact proof at some sizes leaves out: the breakpoints of the claim's
    derivatives, where the rules' derivative it was proved with may not be the derivative. A
    proof at every size of the grid is decided there (_at_breakpoints); one at some sizes
    only is a note, and was stated as proved where the claim fails at a tie (helper 172)."""
    if not _claim_parts(job.ctx, job.claim).has(sympy.Derivative):
        return ""
    switches = None
    try:
        with job.deadline.attempt(BREAKPOINT_SECONDS):
            switches = breakpoints(job.ctx, job.claim)
    except (NotDerivable, InputError, ShapeMismatch, OutOfTime):
        pass
    if switches == []:
        return ""
    where = f"where {where_zero(switches)}" if switches else "at the breakpoints of its derivatives"
    return (
        f", except {where}: there the rules' derivative it was proved with may not be the "
        "derivative, and it was not decided"
    )


BREAKPOINT_SECONDS = 4.0  # to find the breakpoints an exact proof at some sizes leaves out


def _refuted_beyond(job: Job, proved: list) -> Finding | None:
    """A claim proved at its grid's sizes only, refuted where evaluation at the larger sizes a
    proof would be confirmed at (and exact re-evaluation) finds it false; else None. A
    claim states its equation for every size: the grid is where it is checked, not where
    it holds (Σ_{i=1}^{n-5} 1 = n − 5 times (n − 1)(n − 2)(n − 3) is false at n = 4 alone)."""
    full, lows = size_grid(job.ctx, job.claim, job.sizes), dict(job.claim.lows)
    # A size the claim pins to one value stays there: the claim is about that value only.
    pinned = {size for size, values in job.claim.sizes if len(set(values)) == 1}
    free = tuple(s for s in job.sizes if s not in pinned)
    if not full or not free:
        return None
    # Each free size in turn from 4 to 8 (the others at their smallest), all of them together
    # (δ(4, c)·Σ_{i=1}^{m} δ(c, i) = 0 fails at n = m = 4 alone), then the confirming sizes:
    # as many as the instances' budget allows (confirm's optional sizes).
    larger = [{**full[0], size: max(k, lows.get(size, 1))} for k in range(4, 9) for size in free]
    if len(free) > 1:
        larger += [{**full[0], **{s: max(k, lows.get(s, 1)) for s in free}} for k in range(4, 9)]
        # And two or three of them apart, the others at their smallest (n = 4, m = 5:
        # δ(4, n)·Σ_{j≤m} δ(j, 5) = 0 fails there alone; n = m = 4 with p = 1; helper 103).
        for count in range(2, min(len(free), 3) + 1):
            for chosen in itertools.combinations(free, count):
                for values in itertools.product((4, 5), repeat=count):
                    moved = {s: max(v, lows.get(s, 1)) for s, v in zip(chosen, values)}
                    larger.append({**full[0], **moved})
    larger += confirming_sizes(full, free, lows, job.rng("beyond"))
    # First, past each switch of the sizes (Σ_{i=1}^{n} a_i·Max(0, n − 20) = 0 fails at n = 21).
    try:
        past = _switch_sizes(job, proved) or []
    except OutOfTime:
        return None
    larger = [{**s, **{p: v for p, v in full[0].items() if p in pinned}} for s in past] + larger
    larger = [s for k, s in enumerate(larger) if s not in proved and s not in larger[:k]]
    try:
        check = confirm(job.ctx, larger, [], job.instance, job.rng("beyond spot"), job.deadline)
        if check.differ_sizes is None:
            return None
        found = _counterexample_where(job, check)
    except (OutOfTime, ShapeMismatch):
        return None  # the proof at the grid's sizes stands, as it was confirmed
    if found is None:
        return None
    listed = ", ".join(describe((s,)) for s in proved)
    return _refuted(found, (f"proved exactly at {listed}, but false at a larger size",))


def _evidence(job: Job) -> Finding:
    rng, points, worst = job.rng("evidence"), 0, 0.0
    for sizes in job.grid:
        try:
            compiled = job.instance(sizes)
        except ShapeMismatch:
            return _refute(job)
        for _ in range(EVIDENCE_POINTS):
            point = sample(job.ctx, compiled.instance.atoms, rng)
            outcome = _reading(compiled, point)
            if outcome == DIFFER:
                return _refute(job)
            if outcome == AGREE and job.claim.relation == "==":
                worst = max(
                    [worst]
                    + [relative_error(left, right) for _, left, right in compiled.evaluate(point)]
                )
            points += outcome == AGREE
    if not points:
        # Random points all fell outside the domain; the search also tries simple values.
        refuted = _refute(job)
        if refuted.status is REFUTED:
            return refuted
        return Finding(UNDECIDED, "no sampled point lies in the domain of both sides", "sampling")
    searched = job.grid[:SEARCH_SIZES]
    found = find_counterexample(
        job.ctx,
        job.claim.lhs,
        job.claim.rhs,
        job.claim.relation,
        searched,
        job.rng("search"),
        job.deadline,
        job.instance,
    )
    if found is not None:
        return _refuted(found, _tripwire(job, found))
    scope = f"{points} points over {len(job.grid)} size assignments agree"
    if job.claim.relation == "==":
        scope += f" (max relative difference {worst:.1e})"
    where = "; ".join(", ".join(f"{k} = {v}" for k, v in s.items()) for s in searched)
    tried = (
        "the counterexample search found nothing: simple values, large magnitudes (to "
        "±10³⁰), the claim's breakpoints and the domains' closed ends, one atom at a time, "
        "and several atoms on breakpoints together" + (f", at {where}" if where else "")
    )
    details = (*job.tried, *job.notes, tried)
    return Finding(NUMERIC, scope, "50-digit evaluation at seeded points", details=details)
