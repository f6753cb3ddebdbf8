"""A fact fuzzer for SymPy's assumption system, as corrected by derive.

SymPy acts on facts (``is_zero``, ``is_positive``, ``is_integer``...) while it builds an
expression; a fact that is wrong at some admissible value of the symbols lets a false claim be
built as an identity. This module draws random expressions (depth 1-4) over the functions a
derive document may use and symbols with the assumption sets documents declare, asks every
fact SymPy decides, and tests each answer at concrete admissible points (exact evaluation,
checked at 60 and 200 digits). It also compares each expression as built (evaluated) with the
same tree built unevaluated, at the same points.

    campaign(seed, count, deadline_s) -> list[Finding]

is deterministic for a seed (up to the deadline). ``python3 tests/fuzz_facts.py SEED COUNT
[DEADLINE]`` prints the findings, deduplicated by (function, fact); `--sweeps` adds the
deterministic sweeps of compositions and comparison operators (about 10 minutes).

Written by helper 158 (round 73), whose five seeds (about 5,800 expressions) found the seven
false proofs corrections.py's docstring credits to it; test_fuzz_facts.py runs a seeded
sample of it with the slow campaigns. A finding is a lead, not yet a false proof: it names
the fact, the expression and the point; the fix goes into derive/notation/corrections.py.
About 0.8 s per expression on one core.
"""

from __future__ import annotations

import dataclasses
import os
import random
import signal
import sys
import time

if not os.environ.get("FUZZ_RAW_SYMPY"):
    import derive  # noqa: F401  (installs derive.notation.corrections)
import mpmath
import sympy
from sympy import (
    Abs,
    E,
    Eq,
    Heaviside,
    I,
    KroneckerDelta,
    Max,
    Min,
    Mod,
    Ne,
    Piecewise,
    Rational,
    S,
    Symbol,
    acos,
    acosh,
    acot,
    acoth,
    acsc,
    acsch,
    arg,
    asec,
    asech,
    asin,
    asinh,
    atan,
    atan2,
    atanh,
    binomial,
    ceiling,
    conjugate,
    cos,
    cosh,
    cot,
    coth,
    csc,
    csch,
    digamma,
    erf,
    erfc,
    exp,
    factorial,
    floor,
    frac,
    gamma,
    im,
    log,
    loggamma,
    pi,
    polygamma,
    re,
    sec,
    sech,
    sign,
    sin,
    sinh,
    sqrt,
    tan,
    tanh,
)
from sympy.codegen.cfunctions import exp2, expm1, log1p, log2

# ---------------------------------------------------------------------------------------------
# Symbols: the assumption sets documents declare, each with admissible values.

HALF = Rational(1, 2)
_REALS = [
    S.Zero,
    S.One,
    -S.One,
    HALF,
    -HALF,
    S(2),
    S(-2),
    Rational(3, 2),
    Rational(-3, 2),
    S(3),
    S(-3),
    pi / 2,
    -pi / 2,
    pi,
    -pi,
    pi / 4,
    Rational(1, 3),
    E,
    -E,
    Rational(7, 5),
    sqrt(2),
    -sqrt(2),
    2 * pi,
    pi / 3,
    Rational(-1, 3),
    log(2),
    S(5),
    S(-5),
    S(4),
    S(-4),
]
_INTS = [S(k) for k in range(-6, 7)]

KINDS = {
    "complex": (
        {},
        _REALS[:12]
        + [
            I,
            -I,
            I / 2,
            1 + I,
            -1 + I,
            2 * I,
            I * pi / 2,
            I * pi,
            -I * pi,
            2 * I * pi,
            Rational(1, 2) - I,
            -2 - I / 2,
            Rational(3, 2) * I,
            -Rational(1, 2) * I,
            2 + 2 * I,
        ],
    ),
    "real": ({"real": True}, _REALS),
    "positive": ({"positive": True}, [v for v in _REALS if v.is_positive]),
    "nonnegative": ({"nonnegative": True}, [v for v in _REALS if v.is_nonnegative]),
    "negative": ({"negative": True}, [v for v in _REALS if v.is_negative]),
    "nonpositive": ({"nonpositive": True}, [v for v in _REALS if v.is_nonpositive]),
    "nonzero": ({"nonzero": True}, [v for v in _REALS if v.is_nonzero]),
    "integer": ({"integer": True}, _INTS),
    "nonneg_int": ({"integer": True, "nonnegative": True}, [v for v in _INTS if v >= 0]),
    "pos_int": ({"integer": True, "positive": True}, [v for v in _INTS if v > 0]),
    "neg_int": ({"integer": True, "negative": True}, [v for v in _INTS if v < 0]),
    "nonzero_int": ({"integer": True, "nonzero": True}, [v for v in _INTS if v != 0]),
    "even": ({"even": True}, [v for v in _INTS if v % 2 == 0]),
    "odd": ({"odd": True}, [v for v in _INTS if v % 2 == 1]),
    "pos_even": ({"even": True, "positive": True}, [S(2), S(4), S(6)]),
    "pos_odd": ({"odd": True, "positive": True}, [S(1), S(3), S(5)]),
    "neg_odd": ({"odd": True, "negative": True}, [S(-1), S(-3), S(-5)]),
    "nonneg_even": ({"even": True, "nonnegative": True}, [S(0), S(2), S(4)]),
    "nonpos_int": ({"integer": True, "nonpositive": True}, [v for v in _INTS if v <= 0]),
    "prime": ({"prime": True}, [S(2), S(3), S(5), S(7)]),
    "composite": ({"composite": True}, [S(4), S(6), S(8), S(9)]),
    "rational": ({"rational": True}, [v for v in _REALS if v.is_rational]),
    "noninteger": ({"noninteger": True}, [v for v in _REALS if v.is_integer is False]),
    "pos_rational": (
        {"rational": True, "positive": True},
        [v for v in _REALS if v.is_rational and v.is_positive],
    ),
}

FACTS = [
    "zero",
    "nonzero",
    "positive",
    "negative",
    "nonnegative",
    "nonpositive",
    "extended_positive",
    "extended_negative",
    "extended_nonnegative",
    "extended_nonpositive",
    "extended_nonzero",
    "real",
    "extended_real",
    "finite",
    "infinite",
    "complex",
    "imaginary",
    "integer",
    "noninteger",
    "even",
    "odd",
    "rational",
    "irrational",
    "algebraic",
    "transcendental",
    "prime",
    "composite",
]

CONSTANTS = [S.Zero, S.One, -S.One, HALF, S(2), pi, E, S(-2), Rational(3, 2)]

# ---------------------------------------------------------------------------------------------
# Expression trees: ("sym", Symbol) | ("const", value) | (head, child, ...). Built twice:
# evaluated (what a document gets) and unevaluated (what was written).

UNARY = [
    exp,
    log,
    sin,
    cos,
    tan,
    cot,
    sec,
    csc,
    asin,
    acos,
    atan,
    acot,
    asec,
    acsc,
    sinh,
    cosh,
    tanh,
    coth,
    sech,
    csch,
    asinh,
    acosh,
    atanh,
    acoth,
    asech,
    acsch,
    Abs,
    sign,
    re,
    im,
    arg,
    conjugate,
    Heaviside,
    floor,
    ceiling,
    frac,
    erf,
    erfc,
    gamma,
    loggamma,
    digamma,
    factorial,
    expm1,
    log1p,
    exp2,
    log2,
    sqrt,
]
BINARY = [
    "Add",
    "Mul",
    "Pow",
    "Sub",
    "Div",
    Max,
    Min,
    atan2,
    Mod,
    binomial,
    polygamma,
    KroneckerDelta,
    "Piecewise",
]
RELATIONS = ["Eq", "Ne", "Lt", "Le", "Gt", "Ge"]
_REL = {"Eq": Eq, "Ne": Ne, "Lt": sympy.Lt, "Le": sympy.Le, "Gt": sympy.Gt, "Ge": sympy.Ge}


def _name(head) -> str:
    return head if isinstance(head, str) else head.__name__


def random_tree(rng: random.Random, symbols: list, depth: int):
    if depth <= 0 or rng.random() < 0.15:
        if rng.random() < 0.85:
            return ("sym", rng.choice(symbols))
        return ("const", rng.choice(CONSTANTS))
    if rng.random() < 0.55:
        return (rng.choice(UNARY), random_tree(rng, symbols, depth - 1))
    head = rng.choice(BINARY)
    if head == "Piecewise":
        rel = rng.choice(RELATIONS)
        return (
            "Piecewise",
            random_tree(rng, symbols, depth - 1),
            (rel, random_tree(rng, symbols, depth - 1), random_tree(rng, symbols, 0)),
            random_tree(rng, symbols, depth - 1),
        )
    if head == "Pow" and rng.random() < 0.6:
        return (
            "Pow",
            random_tree(rng, symbols, depth - 1),
            ("const", rng.choice([S(2), -S.One, HALF, S(-2), S(3), Rational(-1, 2)])),
        )
    return (head, random_tree(rng, symbols, depth - 1), random_tree(rng, symbols, depth - 1))


CARRIERS = [
    lambda t: (KroneckerDelta, t, ("const", S.Zero)),
    lambda t: (sign, t),
    lambda t: (Abs, t),
    lambda t: (floor, t),
    lambda t: (frac, t),
    lambda t: (Max, t, ("const", S.Zero)),
    lambda t: (Min, t, ("const", S.Zero)),
    lambda t: ("Piecewise", ("const", S.One), ("Eq", t, ("const", S.Zero)), ("const", S.Zero)),
    lambda t: ("Piecewise", ("const", S.One), ("Gt", t, ("const", S.Zero)), ("const", S.Zero)),
    lambda t: ("Piecewise", ("const", S.One), ("Ge", t, ("const", S.Zero)), ("const", S.Zero)),
    lambda t: (Heaviside, t),
    lambda t: (Mod, t, ("const", S(2))),
    lambda t: (re, t),
    lambda t: (im, t),
    lambda t: (arg, t),
    lambda t: ("Pow", ("const", S.NegativeOne), t),
    lambda t: (cos, ("Mul", ("const", pi), t)),
    lambda t: (sin, ("Mul", ("const", pi / 2), t)),
]


def carried_tree(rng: random.Random, symbols: list, depth: int):
    """A random tree, half the time under a carrier that acts on a fact of it."""
    tree = random_tree(rng, symbols, depth)
    return rng.choice(CARRIERS)(tree) if rng.random() < 0.5 else tree


def build(tree, env=None, evaluate=True):
    """The SymPy expression for tree; env maps symbols to values (substituted at leaves)."""
    kind = tree[0]
    if kind == "sym":
        return env.get(tree[1], tree[1]) if env else tree[1]
    if kind == "const":
        return tree[1]
    head, children = tree[0], tree[1:]
    if head == "Piecewise":
        value, (rel, a, b), other = children
        cond = _REL[rel](build(a, env, evaluate), build(b, env, evaluate), evaluate=evaluate)
        return Piecewise(
            (build(value, env, evaluate), cond),
            (build(other, env, evaluate), True),
            evaluate=evaluate,
        )
    args = [build(c, env, evaluate) for c in children]
    if head == "Add":
        return sympy.Add(*args, evaluate=evaluate)
    if head == "Mul":
        return sympy.Mul(*args, evaluate=evaluate)
    if head == "Sub":
        return sympy.Add(args[0], sympy.Mul(-1, args[1], evaluate=evaluate), evaluate=evaluate)
    if head == "Div":
        return sympy.Mul(args[0], sympy.Pow(args[1], -1, evaluate=evaluate), evaluate=evaluate)
    if head == "Pow":
        return sympy.Pow(*args, evaluate=evaluate)
    if head is sqrt:
        return sympy.Pow(args[0], HALF, evaluate=evaluate)
    return head(*args, evaluate=evaluate)


def show(tree) -> str:
    if tree[0] == "sym":
        return str(tree[1])
    if tree[0] == "const":
        return str(tree[1])
    if tree[0] == "Piecewise":
        value, (rel, a, b), other = tree[1:]
        return f"Piecewise(({show(value)}, {rel}({show(a)}, {show(b)})), ({show(other)}, True))"
    return f"{_name(tree[0])}({', '.join(show(c) for c in tree[1:])})"


# ---------------------------------------------------------------------------------------------
# The truth of a fact at a concrete value.


class _Timeout(Exception):
    pass


def _alarm(_signum, _frame):
    raise _Timeout


def _limited(seconds, fn, *args):
    old = signal.signal(signal.SIGALRM, _alarm)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        return fn(*args)
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, old)


def _mp(v, digits):
    """v as an mpmath complex at `digits`, or None where it has no definite value."""
    n = v.evalf(digits, strict=False)
    if n.has(sympy.Symbol) or not n.is_number:
        return None
    try:
        return complex_mp(n, digits)
    except (TypeError, ValueError, AttributeError):
        return None


def complex_mp(n, digits):
    with mpmath.workdps(digits):
        r, i = n.as_real_imag()
        r, i = r.evalf(digits), i.evalf(digits)
        if not (r.is_Number and i.is_Number):
            raise TypeError
        return mpmath.mpc(
            mpmath.mpf(r._to_mpmath(mpmath.mp.prec) if r != 0 else 0),
            mpmath.mpf(i._to_mpmath(mpmath.mp.prec) if i != 0 else 0),
        )


def _is_small(x, digits) -> bool:
    """Exactly 0 (SymPy's evalf returns 0 for a zero it can tell)."""
    return x == 0


def _agrees(lo, hi) -> bool:
    """Whether the 60- and 200-digit values of one real component agree to 40 digits (both
    nonzero), so that the component is certainly nonzero; a cancelled zero gives noise."""
    if lo == 0 or hi == 0:
        return False
    return abs(lo - hi) <= abs(hi) * mpmath.mpf(10) ** -40


def _smallest_rational(x, limit=10**8):
    """A fraction p/q (q <= limit) within 1e-150 of the real x (200 digits), else None."""
    with mpmath.workdps(200):
        frac_ = mpmath.identify(x) if False else None  # noqa: F841 (identify is too slow)
        # continued fraction
        a, h0, h1, k0, k1 = x, 0, 1, 1, 0
        for _ in range(60):
            q = mpmath.floor(a)
            h0, h1 = h1, int(q) * h1 + h0
            k0, k1 = k1, int(q) * k1 + k0
            if k1 > limit:
                return None
            if abs(x - mpmath.mpf(h1) / k1) < mpmath.mpf(10) ** -150:
                return Rational(h1, k1)
            rest = a - q
            if rest == 0:
                return Rational(h1, k1)
            a = 1 / rest
    return None


def truth(v) -> dict:
    """fact -> True/False (or None where it cannot be told) for the exact SymPy number v."""
    with mpmath.workdps(220):
        return _truth(v)


def _truth(v) -> dict:
    if v is S.NaN or v.has(S.NaN):
        return {}
    if v in (S.ComplexInfinity, S.Infinity, S.NegativeInfinity):
        return {f: getattr(v, "is_" + f) for f in FACTS}
    lo, hi = _mp(v, 60), _mp(v, 200)
    if lo is None or hi is None:
        return {}
    if (
        mpmath.isinf(hi.real)
        or mpmath.isinf(hi.imag)
        or mpmath.isnan(hi.real)
        or mpmath.isnan(hi.imag)
    ):
        return {}
    re_zero = lo.real == 0 and hi.real == 0
    im_zero = lo.imag == 0 and hi.imag == 0
    if (not re_zero and not _agrees(lo.real, hi.real)) or (
        not im_zero and not _agrees(lo.imag, hi.imag)
    ):
        return {}  # a component neither exactly 0 nor the same at both precisions
    t = {"finite": True, "infinite": False, "complex": True}
    real = im_zero
    zero = real and re_zero
    t["zero"] = zero
    t["real"] = t["extended_real"] = real
    t["imaginary"] = re_zero and not im_zero
    if real:
        x = hi.real
        pos, neg = (not zero) and x > 0, (not zero) and x < 0
        for p in ("", "extended_"):
            t[p + "positive"], t[p + "negative"] = pos, neg
            t[p + "nonnegative"], t[p + "nonpositive"] = not neg, not pos
        t["nonzero"] = t["extended_nonzero"] = not zero
        nearest = mpmath.nint(x)
        tiny60, tiny200 = mpmath.mpf(10) ** -50, mpmath.mpf(10) ** -190
        near = abs(x - nearest) <= tiny200 * max(1, abs(x)) and abs(
            lo.real - mpmath.nint(lo.real)
        ) <= tiny60 * max(1, abs(lo.real))
        exact = x == nearest and lo.real == mpmath.nint(lo.real)
        if nearest == 0 and not zero:
            near = False  # a nonzero number near 0 (told nonzero above) is no integer
        if near and not exact:
            for f in ("integer", "noninteger", "even", "odd", "prime", "composite"):
                t.pop(f, None)
            return t  # an integer in disguise, or a number within 1e-190 of one: untold
        integer = exact
        t["integer"], t["noninteger"] = integer, not integer
        if integer:
            k = int(nearest)
            t["even"], t["odd"] = k % 2 == 0, k % 2 == 1
            t["prime"] = sympy.isprime(k) if k > 1 else False
            t["composite"] = k > 1 and not sympy.isprime(k)
            t["rational"], t["irrational"], t["algebraic"], t["transcendental"] = (
                True,
                False,
                True,
                False,
            )
        else:
            t["even"] = t["odd"] = t["prime"] = t["composite"] = False
            if v.is_Rational:
                t["rational"], t["irrational"] = True, False
                t["algebraic"], t["transcendental"] = True, False
            elif _smallest_rational(x) is None:
                t["rational"], t["irrational"] = False, True  # probable (no p/q, q <= 1e8)
    else:
        for f in (
            "positive",
            "negative",
            "nonnegative",
            "nonpositive",
            "nonzero",
            "integer",
            "even",
            "odd",
            "prime",
            "composite",
            "rational",
            "irrational",
            "noninteger",
        ):
            t[f] = False
        for p in (
            "extended_positive",
            "extended_negative",
            "extended_nonnegative",
            "extended_nonpositive",
            "extended_nonzero",
        ):
            t[p] = False
    return t


# ---------------------------------------------------------------------------------------------
# The campaign.


@dataclasses.dataclass
class Finding:
    kind: str  # "fact" or "build"
    function: str  # the outermost function of the expression that carries the wrong answer
    fact: str
    answer: object
    expression: str
    srepr: str
    assumptions: dict
    point: dict
    value: str
    detail: str = ""

    def key(self):
        return (self.kind, self.function, self.fact)


def _head_name(expr) -> str:
    return type(expr).__name__


def _points(rng, symbols, kinds, limit=16):
    values = [KINDS[kinds[s]][1] for s in symbols]
    points = []
    for k in range(limit):
        if k < len(values[0]) and k < 10:  # diagonal-ish: same index for every symbol
            points.append(
                {s: vs[(k + j) % len(vs)] for j, (s, vs) in enumerate(zip(symbols, values))}
            )
        else:
            points.append({s: rng.choice(vs) for s, vs in zip(symbols, values)})
    seen, unique = set(), []
    for p in points:
        key = tuple(p.values())
        if key not in seen:
            seen.add(key)
            unique.append(p)
    return unique


def _num(v):
    """A comparable form of an evaluated number: ('nan'|'zoo'|'oo'|'-oo'|mpc|None)."""
    if v is S.NaN or v.has(S.NaN):
        return "nan"
    if v is S.ComplexInfinity:
        return "zoo"
    if v is S.Infinity:
        return "oo"
    if v is S.NegativeInfinity:
        return "-oo"
    if v.has(S.ComplexInfinity, S.Infinity, S.NegativeInfinity):
        return None
    return _mp(v, 60)


def _same(a, b) -> bool | None:
    if a is None or b is None or a == "nan" or b == "nan":
        return None
    for c in (a, b):
        if not isinstance(c, str) and (
            mpmath.isinf(c.real)
            or mpmath.isinf(c.imag)
            or mpmath.isnan(c.real)
            or mpmath.isnan(c.imag)
        ):
            return None
    if isinstance(a, str) or isinstance(b, str):
        if "zoo" in (a, b) and isinstance(a, str) and isinstance(b, str):
            return True
        return a == b
    scale = max(1, abs(a), abs(b))
    return abs(a - b) <= scale * mpmath.mpf(10) ** -40


def subexpressions(expr):
    yield expr
    for a in expr.args:
        if isinstance(a, sympy.Basic) and not isinstance(a, (sympy.Symbol, sympy.Number)):
            yield from subexpressions(a)


STATS = {"drawn": 0, "built": 0, "timeouts": 0, "errors": 0, "checked_points": 0}


def check_expression(tree, symbols, kinds, rng, out: list, per_expr_s: float = 4.0):
    """Appends the findings for one tree to out."""
    STATS["drawn"] += 1
    mpmath.mp.dps = 15  # an evalf interrupted by a timeout may leave another precision set
    try:
        expr = _limited(per_expr_s, build, tree)
    except _Timeout:
        STATS["timeouts"] += 1
        return
    except Exception:  # noqa: BLE001  (SymPy refuses some trees: a wrong type, nan)
        STATS["errors"] += 1
        return
    if (
        not isinstance(expr, sympy.Expr)
        or expr.has(S.NaN, sympy.AccumBounds)
        or not expr.free_symbols
    ):
        return
    STATS["built"] += 1
    assumptions = {str(s): kinds[s] for s in symbols}
    present = [s for s in symbols if s in expr.free_symbols]
    points = _points(rng, present, kinds) if present else [{}]
    # Facts of every subexpression (each is what some constructor above asked).
    nodes = []
    for node in subexpressions(expr):
        if isinstance(node, sympy.Expr) and node.free_symbols and node not in nodes:
            nodes.append(node)
    for node in nodes[:8]:
        try:
            answers = _limited(
                per_expr_s, lambda node=node: {f: getattr(node, "is_" + f) for f in FACTS}
            )
        except _Timeout:
            continue
        except Exception:  # noqa: BLE001
            continue
        decided = {f: a for f, a in answers.items() if a is not None}
        if not decided:
            continue
        for point in points:
            sub = {s: v for s, v in point.items() if s in node.free_symbols}
            try:
                value = _limited(per_expr_s, lambda node=node, sub=sub: node.xreplace(sub))
                t = _limited(per_expr_s, truth, value) if value.is_number else {}
            except _Timeout:
                continue
            except Exception:  # noqa: BLE001
                continue
            # The value as written (unevaluated node rebuilt at the point) must agree.
            STATS["checked_points"] += 1
            bad = [f for f, a in decided.items() if t.get(f) is not None and t[f] != a]
            if bad:
                f = bad[0]
                out.append(
                    Finding(
                        "fact",
                        _head_name(node),
                        f,
                        decided[f],
                        str(node),
                        sympy.srepr(node),
                        assumptions,
                        {str(k): str(v) for k, v in sub.items()},
                        str(value),
                        "all wrong: " + ", ".join(bad),
                    )
                )
                break
    # Build-time: evaluated vs as written, at the same points.
    built = _built_mismatch(expr, tree, points, per_expr_s)
    if built is not None:
        out.append(_build_finding(expr, tree, _head_name(expr), assumptions, *built))


def _built_mismatch(expr, tree, points, seconds: float):
    """(point, value as built, value as written) at the first point where `expr`, the tree
    as built, and the tree built unevaluated there differ; None where none does."""
    for point in points:
        try:
            got = _limited(seconds, lambda point=point: _num(expr.xreplace(point)))
            want = _limited(seconds, lambda point=point: _num(build(tree, point)))
        except Exception:  # noqa: BLE001  (_Timeout, or SymPy refusing a point)
            continue
        if _same(got, want) is False:
            return point, got, want
    return None


def _build_finding(expr, tree, label, assumptions, point, got, want) -> Finding:
    shown = {str(k): str(v) for k, v in point.items()}
    value = f"built {expr} -> {got}; as written -> {want}"
    return Finding(
        "build", label, "build", None, show(tree), sympy.srepr(expr), assumptions, shown, value
    )


def campaign(
    seed: int, count: int, deadline_s: float = 600.0, depth=(1, 4), sweeps: bool = False
) -> list:
    """Findings for `count` random expressions drawn from `seed` (stops at the deadline);
    with `sweeps`, first the deterministic sweeps (about 10 minutes)."""
    rng = random.Random(seed)
    start = time.monotonic()
    found: list = []
    if sweeps:
        found += sweep_relations()
        found += sweep_compositions(deadline=start + deadline_s)
    for _ in range(count):
        if time.monotonic() - start > deadline_s:
            break
        n = rng.choice([1, 1, 2, 2, 3])
        names = ["x", "y", "z"][:n]
        kinds = {}
        symbols = []
        for name in names:
            kind = rng.choice(sorted(KINDS))
            s = Symbol(f"{name}_{kind}", **KINDS[kind][0])
            kinds[s] = kind
            symbols.append(s)
        tree = carried_tree(rng, symbols, rng.randint(*depth))
        check_expression(tree, symbols, kinds, rng, found)
    return found


# ---------------------------------------------------------------------------------------------
# Deterministic sweeps: every composition f(g(x)) and f(g(a, b)) built vs as written, and
# Python's comparison operators (floor's and ceiling's __gt__...) against numbers.


def _build_check(tree, symbols, kinds, points, out, label):
    try:
        expr = _limited(3, build, tree)
    except Exception:  # noqa: BLE001
        return
    if not isinstance(expr, sympy.Expr) or expr.has(sympy.AccumBounds):
        return
    built = _built_mismatch(expr, tree, points, 3)
    if built is not None:
        assumptions = {str(s): kinds[s] for s in symbols}
        out.append(_build_finding(expr, tree, label, assumptions, *built))


def sweep_compositions(kinds=("complex", "real", "integer", "negative"), deadline=None):
    out = []
    for kind in kinds:
        x = Symbol("x", **KINDS[kind][0])
        points = [{x: v} for v in KINDS[kind][1]]
        for f in UNARY:
            for g in UNARY:
                if deadline and time.monotonic() > deadline:
                    return out
                _build_check(
                    (f, (g, ("sym", x))), [x], {x: kind}, points, out, f"{_name(f)}({_name(g)})"
                )
    pairs = (("real", "complex"), ("complex", "complex"), ("real", "real"))
    for ka, kb in pairs:
        a, b = Symbol("a", **KINDS[ka][0]), Symbol("b", **KINDS[kb][0])
        points = [{a: u, b: v} for u in KINDS[ka][1][:14] for v in KINDS[kb][1][:14]]
        for f in UNARY:
            for g in BINARY:
                if g == "Piecewise":
                    continue
                for args in ((("sym", a), ("sym", b)), (("sym", b), ("sym", a))):
                    if deadline and time.monotonic() > deadline:
                        return out
                    _build_check(
                        (f, (g, *args)),
                        [a, b],
                        {a: ka, b: kb},
                        points,
                        out,
                        f"{_name(f)}({_name(g)})",
                    )
    return out


DISGUISED = [(1 + sqrt(2)) * (sqrt(2) - 1), log(8) / log(2), 2 * sin(pi / 6) + 0]


def sweep_relations(kinds=("real", "positive", "integer", "complex")):
    """Python's <, <=, >, >= and Eq, Ne of f(x) against numbers and x, built vs at points."""
    import operator

    ops = {
        "lt": operator.lt,
        "le": operator.le,
        "gt": operator.gt,
        "ge": operator.ge,
        "Eq": Eq,
        "Ne": Ne,
    }
    out = []
    for kind in kinds:
        x = Symbol("x", **KINDS[kind][0])
        for f in UNARY:
            try:
                p = f(x)
            except Exception:  # noqa: BLE001
                continue
            for q in [S.Zero, S.One, -S.One, HALF, pi, x, x + 1, *DISGUISED]:
                for name, op in ops.items():
                    try:
                        built = _limited(2, op, p, q)
                    except Exception:  # noqa: BLE001
                        continue
                    for v in KINDS[kind][1][:16]:
                        try:
                            got = built.xreplace({x: v})
                            want = _relation_truth(name, p.xreplace({x: v}), q.xreplace({x: v}))
                        except Exception:  # noqa: BLE001
                            continue
                        if want is None or got not in (sympy.true, sympy.false):
                            continue
                        if bool(got) != want:
                            out.append(
                                Finding(
                                    "build",
                                    f"{_name(f)} {name}",
                                    "build",
                                    None,
                                    f"{name}({p}, {q})",
                                    sympy.srepr(built),
                                    {"x": kind},
                                    {"x": str(v)},
                                    f"built {built} -> {got}; as written -> {want}",
                                )
                            )
                            break
    return out


def _relation_truth(name, a, b):
    a, b = _num(a), _num(b)
    if a is None or b is None or isinstance(a, str) or isinstance(b, str):
        return None
    if name in ("Eq", "Ne"):
        same = _same(a, b)
        return None if same is None else (same if name == "Eq" else not same)
    if a.imag != 0 or b.imag != 0:
        return None
    if a.real != b.real and abs(a.real - b.real) < mpmath.mpf(10) ** -40:
        return None
    return {
        "lt": a.real < b.real,
        "le": a.real <= b.real,
        "gt": a.real > b.real,
        "ge": a.real >= b.real,
    }[name]


def deduplicate(findings: list) -> list:
    seen, unique = set(), []
    for f in findings:
        if f.key() not in seen:
            seen.add(f.key())
            unique.append(f)
    return unique


def main(argv):
    argv = [a for a in argv]
    positional = [a for a in argv if not a.startswith("--")]
    argv = positional + [a for a in argv if a.startswith("--")]
    seed = int(argv[1]) if len(argv) > 1 else 0
    count = int(argv[2]) if len(argv) > 2 else 200
    deadline = float(argv[3]) if len(argv) > 3 else 600.0
    sweeps = "--sweeps" in argv
    start = time.monotonic()
    findings = campaign(seed, count, deadline, sweeps=sweeps)
    unique = deduplicate(findings)
    for f in unique:
        print(f"[{f.kind}] {f.function}.is_{f.fact} = {f.answer}   {f.detail}")
        print(f"    expr   {f.expression}")
        print(f"    assume {f.assumptions}")
        print(f"    at     {f.point} -> {f.value}")
    print(STATS, file=sys.stderr)
    print(
        f"{len(findings)} findings, {len(unique)} distinct, {time.monotonic() - start:.1f} s",
        file=sys.stderr,
    )


if __name__ == "__main__":
    main(sys.argv)
