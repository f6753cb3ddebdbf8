"""The fuzzer's oracle: exact evaluation of a claim at sizes and points the engine did not use.

Two evaluations, each exact (rationals; 60 and 120 digits only for irrational values, with a
strict threshold): the reader's claim (`spec.sides(REF)`, sums and subsets written out here,
recurrences unrolled here, Floats taken at their exact binary value), and the engine's own
instance of the claim (`derive.engine.terms.instance`). A PROVED or PROVED_AT_SIZES verdict is a
false proof when the claim was built false at a size it covers, or when either evaluation
finds a point where it fails.
"""

from __future__ import annotations

import contextlib
import functools
import itertools
import random
import re
import signal

import sympy
from fuzz_grammar import GRIDS, RANGES, REF, REF_INDEX, REF_RECURRENCES, m, n
from sympy import Float, Indexed, Product, Rational, Sum, Trace
from sympy.matrices.exceptions import ShapeError

from derive.engine.terms import InputError, context_of, instance
from derive.model import PROVED, PROVED_AT_SIZES
from derive.notation.aggregates import SetSum, SubsetSum
from derive.notation.arrays import ShapeMismatch
from derive.notation.perturb import Increment
from derive.notation.primitives import elementary
from derive.notation.sequences import Convolve, Correlate, Seq
from derive.notation.tensors import Entry, Inner
from derive.verify import stripped

LARGER = (4, 5, 6, 7, 8)
POINTS = 3
CHECK_SECONDS = 12.0
THRESHOLD = sympy.Integer(10) ** -40  # relative to 1 + |lhs| + |rhs|
# Random values stay small (exp(exp(x**2)) at x = 7 is beyond any precision); values past the
# sampling box come from the witnesses.
REALS = tuple(map(Rational, ("0", "1", "-1", "2", "-2", "1/2", "-1/3", "3", "-5/2")))
POSITIVES = tuple(map(Rational, ("1", "2", "1/2", "3", "1/3", "5/2", "1/8")))
HUGE = sympy.Integer(10) ** 30  # a side this large is not judged
SIZES = {"n": n, "m": m}
HOLDS = {"==": lambda gap: gap == 0, "<=": lambda gap: gap <= 0, ">=": lambda gap: gap >= 0}


class Unevaluable(Exception):
    """The claim cannot be written out at these sizes (an unexpected form)."""


class CheckTimeout(Exception):
    """The check ran past its time limit (see time_limit)."""


@contextlib.contextmanager
def time_limit(seconds: float):
    def expire(signum, frame):
        raise CheckTimeout()

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def written_out(expr):
    """`expr` with every (concrete) Sum, Product and SubsetSum expanded, outermost range
    first (an inner range may name an outer index); a reversed range is empty, as on paper."""
    expr = sympy.sympify(expr)  # xreplace returns a plain int for a side that is one size
    if isinstance(expr, (Sum, Product)):
        *inner, (index, lo, hi) = expr.limits
        if not (lo.is_Integer and hi.is_Integer):
            raise Unevaluable(f"range {lo}..{hi}")
        body = expr.func(expr.function, *inner) if inner else expr.function
        terms = [body.xreplace({index: value}) for value in range(lo, hi + 1)]
        return written_out((sympy.Add if isinstance(expr, Sum) else sympy.Mul)(*terms))
    if isinstance(expr, (Entry, Inner, Trace)):
        return written_out(_explicitly(expr))
    if isinstance(expr, Increment):
        inner = written_out(expr.expr)
        return written_out(_moved_by(inner, expr.pairs) - inner)
    if isinstance(expr, SubsetSum):
        members = range(int(expr.lo), int(expr.hi) + 1)
        chosen = itertools.chain.from_iterable(
            itertools.combinations(members, size) for size in range(len(members) + 1)
        )
        return written_out(sympy.Add(*(_restricted(expr.body, expr.set, c) for c in chosen)))
    if not expr.args:
        return expr
    args = tuple(written_out(arg) for arg in expr.args)
    return expr if args == expr.args else expr.func(*args)


def _moved_by(expr, pairs):
    """`expr`, written out, with every input of `pairs` moved at once: an entry x[k] of a
    moved tensor to x[k] + Δx[k], a moved scalar to itself plus its move."""
    moves = {}
    for moved, by in pairs:
        if isinstance(moved, sympy.IndexedBase):
            for entry in expr.atoms(Indexed):
                if entry.base == moved:
                    moves[entry] = entry + by[entry.indices]
        else:
            moves[moved] = moved + by
    return expr.xreplace(moves)


def _support(X) -> range:
    """The integers outside which the sequence X (at concrete sizes) is 0."""
    if isinstance(X, Seq):
        return range(int(X.window[0]), int(X.window[1]) + 1)
    first, second = (_support(Y) for Y in X.args)
    if isinstance(X, Convolve):
        return range(first.start + second.start, first.stop + second.stop - 1)
    if isinstance(X, Correlate):
        return range(first.start - second.stop + 1, first.stop - second.start)
    raise Unevaluable(f"{X}: no support")


def _sequence_at(X, q: int):
    """The entry q of the sequence X, from its definition: (X ⊗ Y)_q = Σ_j X_{q-j} Y_j and
    (X ⊙ Y)_q = Σ_j X_{q+j} Y_j over Y's support; a window's entry outside it is 0."""
    if isinstance(X, Seq):
        return X.base[q] if q in _support(X) else sympy.S.Zero
    if isinstance(X, (Convolve, Correlate)):
        first, second = X.args
        step = -1 if isinstance(X, Convolve) else 1
        return sympy.Add(
            *(_sequence_at(first, q + step * j) * _sequence_at(second, j) for j in _support(second))
        )
    raise Unevaluable(f"{X}: not a sequence the oracle reads")


def _explicitly(expr):
    """An entry, inner product or trace of matrix views at concrete sizes, from SymPy's own
    explicit matrices (not the engine's lowering to sums); an entry or inner product of
    sequences from their definitions."""
    sequences = (Seq, Convolve, Correlate)
    if isinstance(expr, Entry) and isinstance(expr.args[0], sequences):
        X, q = expr.args
        if not q.is_Integer:
            raise Unevaluable(f"{expr}: entry at {q}")
        return _sequence_at(X, int(q))
    if isinstance(expr, Inner) and all(isinstance(X, sequences) for X in expr.args):
        X, Y = expr.args
        both = set(_support(X)) | set(_support(Y))
        return sympy.Add(*(_sequence_at(X, q) * _sequence_at(Y, q) for q in sorted(both)))
    try:
        if isinstance(expr, Trace):
            return expr.arg.as_explicit().trace()
        if isinstance(expr, Inner):
            left, right = (X.as_explicit() for X in expr.args)
            if left.shape != right.shape:
                raise Unevaluable(f"{expr}: shapes {left.shape} and {right.shape}")
            return sympy.Add(*(e * f for e, f in zip(left, right)))
        X, row, col = expr.args
        if not (row.is_Integer and col.is_Integer):
            raise Unevaluable(f"{expr}: entry at {row}, {col}")
        return X.as_explicit()[int(row) - 1, int(col) - 1]
    except (ShapeError, IndexError, ValueError, TypeError, AttributeError) as error:
        raise Unevaluable(f"{expr}: {error}") from error


def _restricted(body, S, members):
    def members_sum(node):
        return sympy.Add(*(node.summand.xreplace({node.index: e}) for e in members))

    return body.replace(lambda node: isinstance(node, SetSum) and node.set == S, members_sum)


def _unrolled(app):
    start, value, step = REF_RECURRENCES[app.func]
    last = app.args[0]
    if not last.is_Integer or last < start:
        raise Unevaluable(f"{app}")
    for t in range(start + 1, int(last) + 1):
        value = step(value, t)
    return value


def exact(expr):
    """`expr` with primitives made elementary and each Float taken at its exact value."""
    expr = elementary(sympy.sympify(expr))
    return expr.xreplace({f: Rational(f) for f in expr.atoms(Float)})


def reference_entries(spec, sizes: dict) -> list:
    """The reader's claim at `sizes`: (label, lhs, rhs) per value of its free indices."""
    lhs, rhs = (exact(side) for side in spec.sides(REF))  # Floats first: 1 + 1e-20 rounds
    indices = [REF_INDEX.get(index, index) for index in spec.indices]
    axes = []
    for index in spec.indices:
        lo, hi = (int(sympy.sympify(bound).subs(sizes)) for bound in RANGES[index])
        axes.append(range(lo, hi + 1))
    entries = []
    for values in itertools.product(*axes):
        given = {**sizes, **dict(zip(indices, values))}
        sides = []
        for side in (lhs, rhs):
            side = written_out(side.xreplace(given))
            side = side.replace(lambda e: e.func in REF_RECURRENCES, _unrolled)
            sides.append(written_out(side))
        entries.append((str(dict(zip(indices, values))), *sides))
    return entries


def engine_entries(doc, sizes: dict) -> list:
    """The engine's own instance of the claim at `sizes`, exact."""
    item = stripped(doc.claims[0])
    found = instance(context_of(doc), item.lhs, item.rhs, sizes)
    return [(label, exact(left), exact(right)) for label, left, right in found.entries]


def fails(left, right, relation: str) -> bool | None:
    """Whether `left relation right` is false (None: a side is undefined or not real)."""
    gap = sympy.sympify(left - right)
    if gap.has(sympy.nan, sympy.zoo, sympy.oo, -sympy.oo):
        return None
    if gap.is_Rational:
        return not HOLDS[relation](gap)
    if gap.free_symbols:
        raise Unevaluable(f"free symbols {gap.free_symbols} left")
    scale = 1 + abs(sympy.N(left, 15)) + abs(sympy.N(right, 15))
    if not scale.is_Number or scale > HUGE:
        return None
    verdicts = set()
    for digits in (60, 120):
        real, imag = sympy.N(gap, digits).as_real_imag()
        if not (real.is_Number and imag.is_Number):
            return None
        if relation == "==":
            verdicts.add(abs(real) + abs(imag) > THRESHOLD * scale)
        elif abs(imag) > THRESHOLD * scale:
            return None
        else:
            verdicts.add(
                real > THRESHOLD * scale if relation == "<=" else -real > THRESHOLD * scale
            )
    return verdicts == {True}


def _atoms(entries) -> list:
    found = set()
    for _, left, right in entries:
        for side in (left, right):
            found |= side.atoms(Indexed) | {s for s in side.free_symbols if not s.is_Indexed}
    found -= {a.base.label for a in found if isinstance(a, Indexed)}
    return sorted(found, key=sympy.default_sort_key)


def points(entries, witness: dict, rng: random.Random):
    """The witness point first (values for named atoms or whole tensors), then random ones."""
    atoms = _atoms(entries)
    for number in range(POINTS):
        point = {}
        for atom in atoms:
            base = str(atom.base) if isinstance(atom, Indexed) else None
            named = witness.get(str(atom), witness.get(base)) if number == 0 else None
            pool = POSITIVES if atom.is_positive else REALS
            point[atom] = Rational(named) if named is not None else rng.choice(pool)
        yield point


def difference(entries, relation: str, witness: dict, rng) -> str:
    """A point where the claim fails, described; '' if none was found."""
    for point in points(entries, witness, rng):
        for label, left, right in entries:
            values = [side.xreplace(point) for side in (left, right)]
            if fails(*values, relation):
                shown = ", ".join(f"{a} = {b}" for a, b in point.items())
                return f"{label} {shown}: lhs {values[0]}, rhs {values[1]}".strip()
    return ""


def claimed_sizes(verdict) -> list[dict]:
    """The sizes a verdict covers, as names to values: for PROVED every grid combination from
    its lower bounds and a few larger sizes; for PROVED_AT_SIZES the sizes it lists."""
    if verdict.status is PROVED_AT_SIZES:
        listed = verdict.scope.removeprefix("sizes").split(";")
        return [{k: int(e) for k, e in re.findall(r"(\w+) = (-?\d+)", part)} for part in listed]
    lows = {k: int(e) for k, e in re.findall(r"(\w+) ≥ (\d+)", verdict.scope)}
    axes = [[e for e in GRIDS[SIZES[k]] if e >= low] or [low] for k, low in lows.items()]
    found = [dict(zip(lows, values)) for values in itertools.product(*axes)]
    found += [{k: max(e, low) for k, low in lows.items()} for e in LARGER]
    if len(lows) > 1:
        found += [{k: LARGER[1] if k == name else low for k, low in lows.items()} for name in lows]
    return [dict(sizes) for sizes in dict.fromkeys(tuple(s.items()) for s in found)]


def false_proof(spec, doc, verdict, number: int) -> str:
    """Why `verdict` (PROVED or PROVED_AT_SIZES) proves something false; '' if nothing shows
    that. May raise CheckTimeout (see time_limit)."""
    claimed = claimed_sizes(verdict)
    if verdict.status is PROVED and spec.false_from is not None:
        return "built false from some size on, proved for all sizes"
    built_false = [sizes for sizes in claimed if spec.false_at(sizes)]
    if built_false:
        return f"built false at {built_false[0]}"
    rng, witness = random.Random(number), dict(spec.witness)
    for named in claimed:
        sizes = {SIZES[k]: e for k, e in named.items()}
        for source, entries in (
            ("reference", functools.partial(reference_entries, spec, sizes)),
            ("engine instance", functools.partial(engine_entries, doc, sizes)),
        ):
            try:
                found = difference(entries(), doc.claims[0].relation, witness, rng)
            except (Unevaluable, InputError, ShapeMismatch):
                continue
            if found:
                return f"{source} evaluation at {named} differs: {found}"
    return ""
