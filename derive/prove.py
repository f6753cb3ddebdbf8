"""Symbolic proof: normal forms that take lhs - rhs to 0, and induction over a size.

A proof found here is a candidate only: `verify` accepts it once a seeded numeric spot check
agrees, and reports a disagreement as an internal error. Every attempt runs under a time
slice, so one slow simplification cannot starve the strategies after it.
"""

from __future__ import annotations

import functools
import itertools

import sympy
from sympy import Product, Sum
from sympy.core.function import AppliedUndef

from derive.aggregates import SetSum, SubsetSum
from derive.array_entries import axis_ranges
from derive.arrays import has_arrays
from derive.bounds import split_at_free_indices
from derive.deadline import Deadline, OutOfTime
from derive.indexform import index_zero
from derive.partials import intermediates
from derive.primitives import elementary
from derive.sumalgebra import (
    collapse_deltas,
    merge_sums,
    piecewise_in_sum,
    ranges_proper,
    symmetrize_triangles,
    unify_deltas,
)
from derive.terms import (
    AGGREGATES,
    Context,
    NotDerivable,
    concretize,
    evaluate_derivatives,
    reachable_symbols,
    reached_definitions,
    side_entries,
    unfold,
)

UNFOLD_LEVELS = 3
SIMPLIFY_OPS = 400
SIMPLIFY_SUM_OPS = 40  # an induction step's few terms, not a whole gradient
MAX_REGIONS = 81  # a case split by regions: at most this many intervals and cut points


def _exp_form(side):
    exponentiated = split_exp(normalize_aggregates(sympy.exp(side)))
    return sympy.expand(split_exp(sympy.expand(exponentiated, power_exp=False)), power_exp=False)


def _log_form(side):
    logged = sympy.expand_log(sympy.log(normalize_aggregates(side)), force=False)
    return sympy.expand(split_exp(logged), power_exp=False, log=True)


def split_exp(expr):
    """exp(a + b) -> exp(a)*exp(b), leaving exp of a Sum alone (SymPy's expand would turn it
    into a Product, which the other side of a claim rarely matches)."""
    return expr.replace(
        lambda n: isinstance(n, sympy.exp) and n.args[0].is_Add,
        lambda n: sympy.Mul(*(sympy.exp(t) for t in n.args[0].args)),
    )


def _elementary(expr):
    """`expr` with primitives replaced by their definitions, or NaN (which proves nothing)
    where that would leave a Piecewise inside a sum (see sumalgebra.piecewise_in_sum).

    DiracDelta is 0 wherever it is a number, and a claim holds where its sides are defined
    (as x/x = 1 does): sign'(x) = 2δ(x) = 0."""
    plain = elementary(expr).replace(lambda n: isinstance(n, sympy.DiracDelta), lambda n: 0)
    return sympy.nan if piecewise_in_sum(plain) else plain


def _numerator(expr):
    """The expanded numerator of `expr` over one denominator (sums stay atoms): zero exactly
    when `expr` is zero wherever it is defined."""
    if expr.has(*AGGREGATES):
        return expr  # together() would look inside sums for nothing
    return sympy.expand(sympy.numer(sympy.together(sympy.expand(expr))))


def _small(expr) -> bool:
    # simplify is superlinear, and slower still on sums: past a size it only spends the
    # claim's time; so does one with definitions still folded (a later stage opens them).
    if expr.has(*AGGREGATES):
        return not expr.atoms(AppliedUndef) and sympy.count_ops(expr) <= SIMPLIFY_SUM_OPS
    return sympy.count_ops(expr) <= SIMPLIFY_OPS


def _is_zero(expr) -> bool:
    # Structural: only an expression that has become the number 0 counts.
    return sympy.sympify(expr) == sympy.S.Zero


def _zero_steps(lhs, rhs, ranges=None) -> list:
    """(name, test) pairs, cheapest first; the claim holds if a test returns True.

    `ranges` maps free indices to their (lo, hi), which index calculus may rely on."""
    lhs, rhs = canonical_indices(lhs), canonical_indices(rhs)
    difference = lhs - rhs
    plain = functools.cache(lambda: _elementary(difference))
    left = functools.cache(lambda: _elementary(lhs))
    right = functools.cache(lambda: _elementary(rhs))

    def exp_of_both_sides():
        # exp is injective on the reals, so exp(lhs) = exp(rhs) implies lhs = rhs.
        both = left().is_real and right().is_real
        return both and _is_zero(_exp_form(left()) - _exp_form(right()))

    def log_of_both_sides():
        # log is injective on the positive reals.
        both = left().is_positive and right().is_positive
        return both and _is_zero(_log_form(left()) - _log_form(right()))

    return [
        ("identical", lambda: _is_zero(difference)),
        ("expand", lambda: _is_zero(unify_deltas(sympy.expand(difference)))),
        (
            "sum algebra",
            # power_exp=False, as inside normalize_aggregates: exp of a Sum stays an exp.
            lambda: _is_zero(
                unify_deltas(sympy.expand(normalize_aggregates(difference), power_exp=False))
            ),
        ),
        ("index calculus", lambda: index_zero(difference, ranges or {})),
        ("common denominator", lambda: _is_zero(_numerator(difference))),
        (
            "expand",
            lambda: _is_zero(
                sympy.expand(split_exp(normalize_aggregates(plain())), power_exp=False, log=True)
            ),
        ),
        ("exp of both sides", exp_of_both_sides),
        ("log of both sides", log_of_both_sides),
        ("simplify", lambda: _small(plain()) and _is_zero(sympy.simplify(plain()))),
        (
            "powers",
            lambda: (
                _small(plain())
                and _is_zero(sympy.simplify(sympy.powsimp(sympy.expand_power_base(plain()))))
            ),
        ),
        # A square under a root shows only once factored: sqrt(x² + 2x + 1) = x + 1, x > 0.
        (
            "factored",
            lambda: _small(plain()) and _is_zero(sympy.simplify(sympy.factor(plain(), deep=True))),
        ),
        # tanh, sinh, cosh... and the primitives' definitions all in terms of exp: tanh(x) =
        # 2σ(2x) − 1 only shows there.
        (
            "rewritten in exp",
            lambda: _small(plain()) and _is_zero(sympy.simplify(plain().rewrite(sympy.exp))),
        ),
        # Abs, Max, Min, Heaviside and sign as Piecewise, folded into one case split whose
        # branches simplify to 0 each.
        ("case split", lambda: _small(plain()) and _is_zero(_case_split(plain()))),
        ("case split by regions", lambda: _small(plain()) and _zero_on_regions(plain())),
    ]


def _case_split(expr):
    cases = expr.rewrite(sympy.Piecewise)
    if not cases.has(sympy.Piecewise):
        return expr
    if piecewise_in_sum(cases):
        return expr  # piecewise_fold would move a condition on a summed index out of its sum
    return sympy.simplify(sympy.piecewise_fold(cases))


def step_names(relation: str) -> list[str]:
    """The names of the normal forms and tests tried on a claim with `relation`, in order."""
    steps = _zero_steps(sympy.S.Zero, sympy.S.Zero) if relation == "==" else _sign_steps(0, 0, "<=")
    return list(dict.fromkeys(name for name, _ in steps))


def _zero_on_regions(expr) -> bool:
    """Whether `expr` is 0 on each region its branch conditions cut the real line into (see
    `_on_regions`): relu(x) − relu(−x) = x, hardswish's derivative with PyTorch's
    inequalities."""
    return _on_regions(expr, lambda piece, inside: _is_zero(sympy.simplify(piece)))


def _signed_on_regions(gap, test: str) -> bool:
    """Whether `gap` has the sign `test` asks on each region (see `_on_regions`), a region's
    symbol written as a point of it (a + d, d > 0 on (a, ∞)...): relu(x) ≥ 0."""

    def holds(piece, inside):
        placed = piece.xreplace(inside)
        return any(getattr(f(placed), test) is True for f in (sympy.simplify, sympy.factor))

    return _on_regions(gap, holds)


def _on_regions(expr, holds, changes: int = 2) -> bool:
    """Whether `holds(piece, inside)` on each region the branch conditions of `expr` cut the
    real line into.

    Every condition must compare one real symbol with a rational number (x < 3, x ≥ −3,
    x = 0): then between two consecutive numbers every condition keeps one truth value, read
    at a rational point inside, and `expr` is one branch there (`piece`, with `inside`
    mapping each symbol to a point of its open interval, parametrised by a positive d); at
    each number itself `piece` is `expr` at that number. A condition on a linear form in
    several symbols (a tie a = b) becomes one on a new variable t = a − b.
    """
    cases = expr.rewrite(sympy.Piecewise)
    if piecewise_in_sum(cases):
        return False
    cuts: dict = {}
    for node in sympy.preorder_traversal(cases):
        if isinstance(node, sympy.Piecewise):
            for _, condition in node.args:
                for relation in condition.atoms(sympy.core.relational.Relational):
                    found = _cut(relation)
                    if found is None:
                        change = _change_of_variable(relation)
                        return (
                            bool(change)
                            and changes > 0
                            and _on_regions(cases.xreplace(change), holds, changes - 1)
                        )
                    cuts.setdefault(found[0], set()).add(found[1])
    if not cuts:
        return False
    symbols = sorted(cuts, key=str)
    axes = [_regions(sorted(cuts[s])) for s in symbols]
    if sympy.prod(len(a) for a in axes) > MAX_REGIONS:
        return False
    relations = cases.atoms(sympy.core.relational.Relational)
    for region in itertools.product(*axes):
        truth, values, inside = {}, {}, {}
        for symbol, (kind, value, ends) in zip(symbols, region):
            if kind == "at":
                values[symbol] = value
            else:
                truth.update({r: r.xreplace({symbol: value}) for r in relations if r.has(symbol)})
                inside[symbol] = _inside(*ends)
        if not holds(cases.xreplace(truth).xreplace(values), inside):
            return False
    return True


def _inside(lo, hi):
    """A point of the open interval (lo, hi) (None: unbounded) for every d > 0, and only those."""
    d = sympy.Dummy("d", positive=True)
    if lo is None:
        return hi - d
    if hi is None:
        return lo + d
    return lo + (hi - lo) * d / (1 + d)


def _cut(relation):
    """(symbol, number) where `relation` compares one real symbol with a rational, or None."""
    gap = sympy.expand(relation.lhs - relation.rhs)
    if len(gap.free_symbols) != 1:
        return None
    (symbol,) = gap.free_symbols
    slope = sympy.diff(gap, symbol)
    rest = gap - slope * symbol
    if not (symbol.is_Symbol and symbol.is_real and slope.is_Rational and slope != 0):
        return None
    return (symbol, -rest / slope) if rest.is_Rational else None


def _change_of_variable(relation) -> dict:
    """{a: t − (rest)/k} where `relation` compares k·a + rest (linear, rational
    coefficients, real symbols) with 0 and t is a new real symbol: a bijection of the reals
    for every value of the others, so an identity in t and them is one in a and them."""
    gap = sympy.expand(relation.lhs - relation.rhs)
    symbols = sorted(gap.free_symbols, key=str)
    if not all(s.is_Symbol and s.is_real for s in symbols) or not symbols:
        return {}
    coefficients = [sympy.diff(gap, s) for s in symbols]
    if not all(k.is_Rational for k in coefficients):
        return {}  # not linear
    symbol, k = next((s, k) for s, k in zip(symbols, coefficients) if k != 0)
    t = sympy.Dummy("t", real=True)
    return {symbol: (t - (gap - k * symbol)) / k}


def _regions(numbers: list) -> list:
    """('at', b, None) for each cut and ('inside', a rational point, (lo, hi)) for each open
    interval between cuts (None for an infinite end)."""
    ends = list(zip([None, *numbers], [*numbers, None]))
    regions = []
    for lo, hi in ends:
        point = hi - 1 if lo is None else lo + 1 if hi is None else (lo + hi) / 2
        regions.append(("inside", point, (lo, hi)))
        if hi is not None:
            regions.append(("at", hi, None))
    return regions


def _sign_steps(lhs, rhs, relation) -> list:
    """(name, test) pairs for an inequality; a test proves it only by returning True."""
    gap = functools.cache(lambda: elementary(rhs - lhs if relation in ("<=", "<") else lhs - rhs))
    test = "is_nonnegative" if relation in ("<=", ">=") else "is_positive"
    return [
        ("sign", lambda: getattr(gap(), test) is True),
        ("sign after simplify", lambda: getattr(sympy.simplify(gap()), test) is True),
        # A factored form shows squares and sums of positive terms, whose signs SymPy knows.
        ("sign after factor", lambda: getattr(sympy.factor(gap()), test) is True),
        ("sign by regions", lambda: _signed_on_regions(gap(), test)),
    ]


def zero_method(lhs, rhs, relation: str, deadline: Deadline, ranges=None, only=None) -> str | None:
    """The first normal form that proves `lhs relation rhs` entrywise, or None; with `only`,
    just the steps it names."""
    methods = []
    ranges = {**(ranges or {}), **axis_ranges(lhs)}
    for _, left, right in side_entries(sympy.sympify(lhs), sympy.sympify(rhs)):
        method = _entry_method(left, right, relation, deadline, ranges, only)
        if method is None:
            return None
        methods.append(method)
    return max(set(methods), key=methods.count) if methods else "identical"


def _entry_method(lhs, rhs, relation, deadline, ranges=None, only=None):
    equal = relation == "=="
    steps = _zero_steps(lhs, rhs, ranges) if equal else _sign_steps(lhs, rhs, relation)
    for name, test in steps:
        if only is not None and name not in only:
            continue
        try:
            with deadline.slice():
                if test() is True:
                    return name
        except OutOfTime:
            if deadline.remaining() <= 0.05:
                raise
        except Exception:  # noqa: BLE001 - a normal form SymPy crashes in proves nothing
            continue
    return None


def generic_method(ctx: Context, lhs, rhs, relation, lows, deadline) -> str | None:
    """Prove the claim with its sizes symbolic: with definitions folded, then unfolded in
    stages (an identity of folded terms holds whatever values they take), then completely.

    The stages: everything but the intermediates the claim differentiates by, then one
    level at a time. Derivatives are always taken with their argument unfolded (see
    terms.evaluate_derivatives); nothing else here ever sees a Derivative, so SymPy cannot
    silently differentiate an opaque definition to 0.
    """
    try:
        with deadline.slice():
            derived = [evaluate_derivatives(ctx, side, lows) for side in (lhs, rhs)]
            folded = [concretize(ctx, side, {}, lows) for side in derived]
            if not _proper(ctx, folded, lows):
                return None
    except (NotDerivable, OutOfTime):
        return None
    stages = _stages(ctx, sympy.Tuple(lhs, rhs))
    sides, level = folded, 0
    for only, rounds in stages:
        if rounds != 0:
            try:
                with deadline.slice():
                    base = folded if only is not None else sides
                    deeper = [_unfolded(ctx, s, lows, only, rounds) for s in base]
            except OutOfTime:
                return None
            if None in deeper:
                return None  # a range that can be reversed: no stage from here on may prove
            if deeper == sides:
                continue
            sides, level = deeper, level + 1
        if rounds is not None and _lopsided(ctx, sides):
            continue  # one side fully unfolded, the other not: they cannot match yet
        method = _attempt(ctx, sides, relation, lows, deadline)
        if method:
            return method + _unfolding(ctx, sides, level)
    return None if relation == "==" else _split_attempt(ctx, sides, relation, deadline)


def _stages(ctx: Context, claim) -> list:
    """(only, rounds) per unfolding stage: folded; all but the intermediates the claim
    differentiates by; one more level at a time; everything."""
    cut = _differentiated_by(ctx, claim)
    stages = [(None, 0)] + ([(set(ctx.definitions) - cut, None)] if cut else [])
    return stages + [(None, 1)] * UNFOLD_LEVELS + [(None, None)]


def _lopsided(ctx: Context, sides) -> bool:
    folded = [any(a.func in ctx.definitions for a in s.atoms(AppliedUndef)) for s in sides]
    return folded[0] != folded[1]


def _differentiated_by(ctx: Context, expr) -> set:
    found = set()
    for node in sympy.preorder_traversal(expr):
        if isinstance(node, sympy.Derivative):
            found |= intermediates(node, ctx.definitions)
    return found


def _unfolded(ctx: Context, side, lows, only, rounds):
    """`side` unfolded as the stage says, or None if a range in it can be reversed."""
    opened = concretize(ctx, unfold(ctx, side, lows, only=only, rounds=rounds), {}, lows)
    return opened if _proper(ctx, (opened,), lows) else None


def _proper(ctx: Context, sides, lows) -> bool:
    """Whether no range in `sides` can be reversed by more than one: there Karr's convention,
    which the normal forms follow, and the engine's empty reading agree."""
    return all(ranges_proper(side, ctx.ranges, lows) for side in sides)


def _attempt(ctx: Context, sides, relation, lows, deadline) -> str | None:
    try:
        with deadline.slice():
            prepared = [_collapsed(ctx, side, lows) for side in sides]
    except OutOfTime:
        return None
    if any(map(piecewise_in_sum, prepared)):
        return None
    method = zero_method(*prepared, relation, deadline, ctx.ranges)
    if method is None and relation == "==" and not any(map(piecewise_in_sum, sides)):
        # Collapsing expands everything, a power of a sum in a denominator included (A^{3/2}
        # becomes A·√A, a sum of terms); index calculus sums deltas out itself.
        method = zero_method(*sides, relation, deadline, ctx.ranges, only=("index calculus",))
    return method


def _split_attempt(ctx: Context, sides, relation, deadline) -> str | None:
    """An inequality between sums whose terms compare only apart from the free index."""
    split = [split_at_free_indices(side, ctx.ranges) for side in sides]
    if split == sides or not all(ranges_proper(side, ctx.ranges) for side in sides):
        return None
    method = zero_method(*split, relation, deadline, ctx.ranges)
    return f"{method}, sums split at the free index" if method else None


def _unfolding(ctx: Context, sides, level: int) -> str:
    if level == 0:
        return ""
    if any(a.func in ctx.definitions for s in sides for a in s.atoms(AppliedUndef)):
        return ", definitions partly unfolded"
    return ", definitions unfolded"


def _collapsed(ctx: Context, side, lows):
    """`side` with Kronecker deltas summed out where the index ranges allow it (twice: the
    first pass and the split into monomial sums each expose deltas for the other)."""
    ranges = {i: (lo, hi) for i, (lo, hi) in ctx.ranges.items()}
    once = collapse_deltas(side, ranges, lows)
    if not once.has(sympy.KroneckerDelta):
        return once
    return collapse_deltas(_split_aggregates(once), ranges, lows)


def normalize_aggregates(expr):
    """Split sums and products over their terms and factors, pull out constant factors, put
    double sums in one order, and give bound indices canonical names (so Σ_k f(k) and
    Σ_j f(j) become the same object)."""
    # power_exp=False: expand would turn exp of a Sum into a Product (see split_exp).
    expr = sympy.expand(_split_aggregates(symmetrize_triangles(expr)), power_exp=False)
    return canonical_indices(merge_sums(expr, canonical_indices))


def _split_aggregates(expr):
    for _ in range(6):
        normal = expr.replace(lambda n: isinstance(n, AGGREGATES), _normalize_one)
        if normal == expr:
            break
        expr = normal
    return expr


@functools.cache
def _bound(depth: int) -> sympy.Dummy:
    # A Dummy, made once per depth: equal across both sides of a claim, and never equal to
    # a document's own symbol (a free index named ι0 would otherwise be captured).
    return sympy.Dummy(f"ι{depth}", integer=True)


def canonical_indices(expr):
    """Rename the bound index of every Sum, Product and SetSum after its nesting depth.

    Every binder first gets a unique name, so renaming cannot capture: a sum moved by the
    normal forms may already use a canonical name that is now the wrong depth's.
    """
    if not isinstance(expr, sympy.Basic):
        return expr
    return _canonical(expr)


@functools.lru_cache(maxsize=4096)
def _canonical(expr):
    # Cached: the normal forms ask again for the same terms (merge_sums tries several orders).
    return _by_depth(_fresh_binders(expr), 0)


def _fresh_binders(expr):
    def fresh(node):
        if isinstance(node, SetSum):
            return node.xreplace({node.index: sympy.Dummy(integer=True)})
        return node.xreplace({lim[0]: sympy.Dummy(integer=True) for lim in node.limits})

    return expr.replace(lambda n: isinstance(n, (Sum, Product, SetSum)), fresh)


def _by_depth(expr, depth: int):
    if not expr.args or not expr.has(Sum, Product, SetSum):
        return expr  # nothing bound below: rebuilding would only re-evaluate it
    if isinstance(expr, (Sum, Product)):
        body, limits = expr.function, []
        for index, lo, hi in expr.limits:
            fresh = _bound(depth)
            body = body.xreplace({index: fresh})
            # An inner range may mention this (outer) index: Σ_k Σ_{j<k} is one Sum.
            limits = [
                (i, a.xreplace({index: fresh}), b.xreplace({index: fresh})) for i, a, b in limits
            ]
            limits.append((fresh, lo, hi))
            depth += 1
        return expr.func(_by_depth(body, depth), *limits)
    if isinstance(expr, SetSum):
        fresh = _bound(depth)
        body = _by_depth(expr.summand.xreplace({expr.index: fresh}), depth + 1)
        return SetSum(body, fresh, expr.set)
    return expr.func(*(_by_depth(arg, depth) for arg in expr.args))


def _normalize_one(node):
    if isinstance(node, SubsetSum):
        depends = lambda t: t.has(node.set)  # noqa: E731
        rebuild = lambda body: SubsetSum(body, node.set, node.lo, node.hi)  # noqa: E731
        return _split(
            sympy.expand(split_exp(node.body), power_exp=False), depends, rebuild, sympy.Add
        )
    if len(node.limits) > 1:
        # Normalize the innermost sum first: SymPy would merge a bare Sum(Sum(f)) back.
        inner = _normalize_one(node.func(node.function, node.limits[0]))
        return node.func(inner, *node.limits[1:])
    index, lo, hi = node.limits[0]
    # Free occurrences only: an inner sum may reuse the name of this sum's index.
    depends = lambda t: index in t.free_symbols  # noqa: E731
    rebuild = lambda body: node.func(body, (index, lo, hi))  # noqa: E731
    if isinstance(node, Sum):
        return _split(sympy.expand(node.function), depends, rebuild, sympy.Add)
    return _split_product(node.function, depends, rebuild, hi - lo + 1)


def _split(body, depends, rebuild, add):
    total = []
    for term in sympy.Add.make_args(body):
        constant = [f for f in sympy.Mul.make_args(term) if not depends(f)]
        varying = [f for f in sympy.Mul.make_args(term) if depends(f)]
        total.append(sympy.Mul(*constant) * rebuild(sympy.Mul(*varying)))
    return add(*total)


def _split_product(body, depends, rebuild, count):
    factors = sympy.Mul.make_args(body)
    constant = sympy.Mul(*[f for f in factors if not depends(f)])
    varying = [rebuild(f) for f in factors if depends(f)]
    return constant**count * sympy.Mul(*varying)


def induction_sizes(ctx: Context, lhs, rhs) -> list:
    """Sizes that bound an aggregate or index a recurrence in the claim.

    A size that a reached definition's body mentions is left out: the step v -> v + 1 would
    reuse that definition at v (its body is not shifted), which proves the wrong statement.
    """
    if has_arrays(lhs) or has_arrays(rhs):
        return []  # the step abstracts aggregates as scalar unknowns, which arrays are not
    found = set()
    for node in sympy.preorder_traversal(sympy.Tuple(lhs, rhs)):
        if isinstance(node, (Sum, Product)):
            found |= set().union(*(hi.free_symbols for _, _, hi in node.limits))
        elif isinstance(node, SubsetSum):
            found |= node.hi.free_symbols
        elif isinstance(node, AppliedUndef) and node.func in ctx.definitions:
            if ctx.definitions[node.func].is_recurrence:
                found |= node.args[0].free_symbols
    hidden = set()
    for definition in reached_definitions(ctx, sympy.Tuple(lhs, rhs)):
        for part in (definition.body, definition.initial):
            if part is not None:
                hidden |= reachable_symbols(ctx, part.xreplace(_parameters(definition)))
    return sorted((found - hidden) & set(ctx.grids), key=str)


def _parameters(definition) -> dict:
    return {p: sympy.Dummy() for p in definition.params}
