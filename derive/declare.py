"""The vocabulary document modules are written in: definitions, recurrences, claims, chains.

Every function here only builds frozen model objects (and records the caller's line, so a
report can point at the declaration); none of them checks or computes a claim.
"""

from __future__ import annotations

import hashlib
import itertools
import math
import os
import sys
from collections.abc import Callable, Iterable, Mapping

import sympy

from derive.model import (
    DEFINITION_KEY,
    PROVED,
    Claim,
    Definition,
    Document,
    Gradient,
    Source,
    Status,
)
from derive.notation import corrections
from derive.notation.aggregates import SetSum, SubsetSum
from derive.notation.arrays import ArraySum, Table
from derive.notation.corrections import unchecked_in
from derive.notation.partials import as_partials
from derive.notation.tensors import Entry, Tabulated

_ASSUMPTIONS = ("real", "positive", "nonnegative", "negative")
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def _caller_location(depth: int = 2) -> str:
    frame = sys._getframe(depth)
    path = os.path.abspath(frame.f_code.co_filename)
    if path.startswith(ROOT + os.sep):
        path = os.path.relpath(path, ROOT)
    return f"{path}:{frame.f_lineno}"


def _inferred_assumptions(*exprs: sympy.Expr) -> dict[str, bool]:
    """Assumptions that SymPy can establish for every one of `exprs`."""
    found = {}
    for name in _ASSUMPTIONS:
        if all(getattr(e, f"is_{name}") is True for e in exprs):
            found[name] = True
    return found


def _with_free_parameters(expr: sympy.Expr, params) -> sympy.Expr:
    """`expr` with each parameter replaced by one that assumes nothing but integrality.

    The assumptions inferred for a definition hold at every application, whatever its
    arguments: L(s) := log(s) with s positive must not make L(y) real for a real y.
    """
    free = {
        p: sympy.Dummy(p.name, integer=True) if p.is_integer else sympy.Dummy(p.name)
        for p in params
    }
    return expr.xreplace(free)


# The definitions define() and recurrence() built: their functions carry the assumptions
# inferred from their bodies. A Definition built by hand may claim any (Function("q",
# positive=True) for x - 5 made |q| = q PROVED), so document() accepts only these.
_DECLARED: set[Definition] = set()


def _declared_definition(definition: Definition) -> Definition:
    for part in (definition.body, definition.initial):
        unchecked = None if part is None else unchecked_in(part)
        if unchecked is not None:
            raise ValueError(f"definition {definition.name}: {unchecked}")
    _DECLARED.add(definition)
    return definition


def _function(name: str, assumptions: dict, *parts) -> sympy.FunctionClass:
    """A definition's function: SymPy's undefined function of `name` with `assumptions`,
    told apart by its parameters and body from another definition of the name (SymPy holds
    two functions of one name and assumptions equal, and the symbols a body holds,
    corrections.HIDDEN, are looked up by the function)."""
    try:
        text = sympy.srepr(sympy.Tuple(*parts))
    except Exception:  # noqa: BLE001 - a part SymPy cannot print: its str tells it apart
        text = str(parts)
    # srepr prints another definition's application by its name alone: its key tells apart
    # f := g() + 1 for g := x from f := g() + 1 for g := y (one function before: helper 164).
    applied = sympy.Tuple(*parts).atoms(sympy.core.function.AppliedUndef)
    keys = sorted(f"{a.func}:{getattr(a.func, DEFINITION_KEY, '')}" for a in applied)
    key = hashlib.sha256("|".join([text, *keys]).encode()).hexdigest()[:16]
    return sympy.Function(name, **assumptions, **{DEFINITION_KEY: key})


def define(name: str, params: Iterable[sympy.Symbol], body, latex: str = "") -> Definition:
    """Declare the intermediate `name(params) := body`.

    Its assumptions (real, positive, ...) are inferred from the body, never declared, so a
    proof that relies on them relies on something SymPy established for every argument.
    """
    params, body = tuple(params), _whole_limits(sympy.sympify(body))
    assumptions = _inferred_assumptions(_with_free_parameters(body, params))
    func = _function(name, assumptions, params, body)
    corrections.hide(func, params, body)
    return _declared_definition(Definition(name, func, params, body, latex=latex))


def recurrence(
    name: str,
    params: Iterable[sympy.Symbol],
    *,
    start: int,
    initial,
    step: Callable[[sympy.Expr], sympy.Expr],
    latex: str = "",
) -> Definition:
    """Declare `name(start, ...) := initial` and `name(t, ...) := step(name(t - 1, ...))`.

    The first parameter is the recurrence index. Assumptions hold by induction: they are kept
    when `initial` has them and `step` keeps them for a previous value that has them.
    """
    params = tuple(params)
    if isinstance(start, bool) or not sympy.sympify(start).is_Integer:
        raise ValueError(
            f"recurrence {name}: start={start!r}; the first index is an integer (a number, not "
            "a symbol: write the recurrence from a fixed start, and the claim at a size)"
        )
    start = int(start)
    initial = _whole_limits(sympy.sympify(initial))
    # The invariant: facts of `initial` that `step` keeps for previous values with just
    # those facts. A probe with more (positive, where only nonnegative is kept) would let
    # the step look better than it is (sign(p) = 1), so the probe shrinks until it is kept.
    # The probe is a function of the parameters, so that a step reading the previous value
    # elsewhere, prev.subs(j, j + 1) or prev.subs(t, t - 1), reads another value with the
    # same facts: one symbol for all of them cancelled u_{j+1} - 2u_j + u_{j-1} to 0 and
    # made a heat equation's step positive for every α (|u| = u PROVED; helper 139).
    assumptions = _inferred_assumptions(_with_free_parameters(initial, params))
    at = (params[0] - 1, *params[1:])
    while True:
        probe = sympy.Function("prev", **assumptions)(*at)
        kept = _inferred_assumptions(_with_free_parameters(step(probe), params))
        kept = {fact: True for fact in assumptions if fact in kept}
        if kept == assumptions:
            break
        assumptions = kept
    before = sympy.Function(f"{name} before")(*at)
    func = _function(name, assumptions, params, initial, step(before))
    previous = func(params[0] - 1, *params[1:])
    body = _whole_limits(step(previous))
    corrections.hide(func, params, initial, body)
    return _declared_definition(Definition(name, func, params, body, start, initial, latex))


def _integer_valued(bound: sympy.Expr) -> bool:
    """Whether `bound` is a polynomial with rational coefficients in integer symbols that is an
    integer at every integer point (n(n + 1)/2, which SymPy cannot show to be an integer). A
    polynomial of degree d_j in x_j is integer-valued everywhere iff it is at the points of
    {0..d_1} × … × {0..d_k} (its coefficients in the basis of products of binomials C(x_j, m)
    are the finite differences there)."""
    symbols = sorted(bound.free_symbols, key=str)
    if not symbols or not all(s.is_integer for s in symbols):
        return False
    try:
        degrees = sympy.Poly(bound, *symbols, domain="QQ").degree_list()
    except (sympy.PolynomialError, sympy.polys.polyerrors.CoercionFailed):
        return False
    if math.prod(d + 1 for d in degrees) > 4096:
        return False
    return all(
        bound.xreplace(dict(zip(symbols, map(sympy.Integer, point)))).is_integer
        for point in itertools.product(*(range(d + 1) for d in degrees))
    )


# What binds an index to the integers of a range: Σ, Π, and the arrays' tables and sums.
_RANGED = (sympy.Sum, sympy.Product, Table, ArraySum)


def _whole(bound: sympy.Expr, rounding) -> sympy.Expr:
    """`bound` if it is an integer for every integer value of its symbols (or ±oo), else
    rounding(bound)."""
    bound = sympy.sympify(bound)
    if bound.is_integer or bound.is_infinite or _integer_valued(bound):
        return bound
    return rounding(bound)


def _whole_limits(expr):
    """`expr` with every Σ, Π and subset sum running over the integers its limits enclose:
    from ceiling(lo) to floor(hi) where SymPy cannot show a limit to be an integer.

    Σ_{i=1}^{n/2} 1 is 0 at n = 1, but SymPy counts hi - lo + 1 terms and makes it n/2 (and
    so did the prover), while evaluation could not expand a sum to 1/2 at all; the claim
    Σ_{i=1}^{n/2} 1 = n/2 came out proved for every n. With floor(n/2) both agree with the
    integers the sum runs over. A limit that is an integer for every size is unchanged.
    """
    if not isinstance(expr, sympy.Basic):
        return expr

    def whole(node):
        if isinstance(node, SubsetSum):
            lo, hi = _whole(node.lo, sympy.ceiling), _whole(node.hi, sympy.floor)
            return (
                node if (lo, hi) == (node.lo, node.hi) else SubsetSum(node.body, node.set, lo, hi)
            )
        limits = [
            (limit[0], _whole(limit[1], sympy.ceiling), _whole(limit[2], sympy.floor))
            if len(limit) == 3
            else limit
            for limit in node.limits
        ]
        if limits == [tuple(limit) for limit in node.limits]:
            return node
        return node.func(node.function, *limits)

    aggregate = lambda node: isinstance(node, (*_RANGED, SubsetSum))  # noqa: E731
    return expr.replace(aggregate, whole)


def _pairs(mapping: Mapping | None) -> tuple:
    if not mapping:
        return ()
    return tuple((key, tuple(value)) for key, value in mapping.items())


def claim(
    id: str,
    section: str,
    quote: str,
    lhs,
    rhs,
    *,
    relation: str = "==",
    expect: Status = PROVED,
    reading: str = "",
    note: str = "",
    lows: Mapping | None = None,
    sizes: Mapping | None = None,
    exact_sizes: Mapping | None = None,
    at_kinks: str = "derivative",
    _location: str = "",
) -> Claim:
    """Declare the claim `lhs relation rhs` found in `section` at the verbatim `quote`.

    `at_kinks="autograd"` reads each derivative at a primitive's kink as autograd computes
    it (the primitive's documented derivative, through the chain rule), not as the
    derivative, which may exist there with another value."""
    if not isinstance(id, str):
        raise ValueError(f"claim {id!r}: the id must be a string")
    if not isinstance(expect, Status):
        raise ValueError(
            f"claim {id}: expect={expect!r} is not a verdict; use one of "
            f"{', '.join(status.name for status in Status)} (from derive import PROVED, ...)"
        )
    lhs, rhs = _side(id, "left", lhs), _side(id, "right", rhs)
    _check_substitutions(id, lhs, rhs)
    return Claim(
        id=id,
        section=section,
        quote=quote,
        lhs=as_partials(_whole_limits(lhs)),
        rhs=as_partials(_whole_limits(rhs)),
        relation=relation,
        expect=expect,
        reading=reading,
        note=note,
        lows=tuple((lows or {}).items()),
        sizes=_pairs(sizes),
        exact_sizes=_pairs(exact_sizes),
        at_kinks=at_kinks,
        location=_location or _caller_location(),
    )


def _check_substitutions(id, *sides) -> None:
    """Raise ValueError for a Subs of a derivative that binds a symbol the claim also uses
    freely (in its point, Derivative(f, d).subs(d, d + 1), or elsewhere): the derivative's
    kinks were read at the wrong d (false claims were PROVED). Evaluation carries a Subs out
    first, so one of a function alone may bind such a symbol."""
    substitutions = [
        node for side in sides for node in side.atoms(sympy.Subs) if node.expr.has(sympy.Derivative)
    ]
    if not substitutions:
        return
    try:
        free = set().union(*(side.free_symbols for side in sides))
    except (AttributeError, TypeError):  # an array's entries: the engine's own checks
        return
    for node in substitutions:
        captured = [v for v in node.variables if v in free]
        if captured:
            raise ValueError(
                f"claim {id}: {sympy.sstr(node)} substitutes for {captured[0]}, which the claim "
                "also uses as a value (in the point or elsewhere); substitute for a symbol of "
                f"its own, e.g. Subs(Derivative(f(t), t), t, {sympy.sstr(node.point[0])})"
            )


# A symbol is a Boolean to SymPy too: these are the truth values proper.
_TRUTH_VALUES = (
    sympy.core.relational.Relational,
    sympy.logic.boolalg.BooleanFunction,
    sympy.logic.boolalg.BooleanAtom,
)


def _side(id, which: str, value) -> sympy.Basic:
    """A claim's side as a SymPy expression; ValueError for what is none (a list, None) or
    a truth value (x > 0, Eq(x, 1)): the relation between the sides is `relation`. A string
    is none either: SymPy would parse it into symbols of its own, without the declared ones'
    assumptions."""
    if isinstance(value, str):
        raise ValueError(
            f"claim {id}: the {which} side {value!r} is a string; build it from the declared "
            "symbols (SymPy would parse it into new symbols, without their assumptions)"
        )
    try:
        side = sympy.sympify(value)
    except (sympy.SympifyError, TypeError, ValueError):
        side = None
    if not isinstance(side, sympy.Basic):
        raise ValueError(f"claim {id}: the {which} side {value!r} is not a SymPy expression")
    if isinstance(side, _TRUTH_VALUES):
        raise ValueError(
            f"claim {id}: the {which} side {side} is a truth value, not an expression; write "
            "its two sides as the claim's sides and the relation as relation="
        )
    unchecked = unchecked_in(side)
    if unchecked is not None:
        raise ValueError(f"claim {id}: {unchecked}")
    return side


def chain(
    id: str, section: str, quote, *terms, expects=None, id_start: int = 1, **options
) -> tuple[Claim, ...]:
    """Split the chain `t0 = t1 = ... = tk` into the claims `id[1]` ... `id[k]`.

    `quote` is one quote for every step or a tuple with one per step; `expects`, if given,
    holds one expected status per step. `id_start` numbers the first step (when an earlier
    step is declared on its own, for instance once per reading).
    """
    location = _caller_location()
    steps = len(terms) - 1
    quotes = quote if isinstance(quote, tuple) else (quote,) * steps
    expects = expects or (options.pop("expect", PROVED),) * steps
    if len(quotes) != steps or len(expects) != steps:
        raise ValueError(f"chain {id}: {steps} steps need {steps} quotes and expectations")
    return tuple(
        claim(
            f"{id}[{k + id_start}]",
            section,
            quotes[k],
            terms[k],
            terms[k + 1],
            expect=expects[k],
            _location=location,
            **options,
        )
        for k in range(steps)
    )


def gradients(id: str, of, wrt: Iterable, sizes: Mapping, note: str = "") -> tuple[Gradient, ...]:
    """Ask the engine to derive d(of)/d(w) itself for each w in `wrt`, and check each.

    Each gradient gets the id `<id>.<w>`; the engine differentiates at the given sizes.
    """
    location = _caller_location()
    return tuple(
        Gradient(f"{id}.{w}", _whole_limits(sympy.sympify(of)), w, _pairs(sizes), note, location)
        for w in wrt
    )


# Assumptions a range of integers can imply, with the end of the range that decides each.
_RANGE_SIGNS = {
    "positive": ("starts", lambda lo, hi: (lo - 1).is_nonnegative, "below 1"),
    "nonnegative": ("starts", lambda lo, hi: lo.is_nonnegative, "below 0"),
    "negative": ("ends", lambda lo, hi: (hi + 1).is_nonpositive, "above -1"),
    "nonpositive": ("ends", lambda lo, hi: hi.is_nonpositive, "above 0"),
    "nonzero": (
        "runs",
        lambda lo, hi: (lo - 1).is_nonnegative or (hi + 1).is_nonpositive,
        "over 0",
    ),
}


_NAMED_FIRST = ("integer", "positive", "nonnegative", "nonzero", "negative", "nonpositive", "zero")


def _declared(symbol) -> list[tuple[str, bool]]:
    """`symbol`'s assumptions, the usual ones first (so an error names positive=True rather
    than extended_nonpositive=False)."""
    facts = symbol.assumptions0
    return sorted(
        facts.items(),
        key=lambda f: (
            f[0] not in _NAMED_FIRST,
            _NAMED_FIRST.index(f[0]) if f[0] in _NAMED_FIRST else 0,
            f[0],
        ),
    )


def _given(symbol) -> dict:
    """The assumptions `symbol` was declared with (as written, where SymPy kept them)."""
    return getattr(symbol, "_assumptions_orig", None) or symbol.assumptions0


def _declared_as(symbol) -> str:
    """`symbol`'s declared assumptions as `name=value, ...`, for an error message."""
    return ", ".join(f"{k}={v}" for k, v in sorted(_given(symbol).items()) if k != "commutative")


def _kind(symbol) -> frozenset:
    """Everything SymPy knows of `symbol` from its assumptions, to compare with _facts."""
    return frozenset(symbol.assumptions0.items())


def _facts(**assumptions) -> frozenset:
    return _kind(sympy.Symbol("x", **assumptions))


# What an index may be declared: nothing (a summed index only), or an integer with at most one
# sign, which its range must then imply. Anything else (even, zero=False, noninteger,
# extended_positive without integer...) SymPy would also use while building an expression.
_PLAIN = _facts()
_INDEX_SIGNS = {
    _facts(integer=True, **({sign: True} if sign else {})): sign for sign in (None, *_RANGE_SIGNS)
}


def _index_sign(where: str, index, *, bound: bool) -> str | None:
    """The sign `index` is declared with (None: none), or ValueError if it is declared with
    anything but integer and one sign (or, for a summed index, nothing at all)."""
    facts = _kind(index)
    if facts in _INDEX_SIGNS:
        return _INDEX_SIGNS[facts]
    if bound and facts == _PLAIN:
        return None
    raise ValueError(
        f"{where}: index {index} is declared {_declared_as(index) or 'with no assumptions'}; "
        "an index "
        "must be declared integer=True, with at most positive, nonnegative, negative, "
        "nonpositive or nonzero beside it (and only where its range implies it)"
        + ("; a summed index may also be a plain symbol" if bound else "")
    )


def _check_range(where: str, index: sympy.Symbol, lo, hi, *, bound: bool = False) -> None:
    """Raise ValueError if `index` can take a value in lo..hi that its assumptions exclude:
    SymPy uses the assumption as it builds an expression (dropping δ(c, 0) for a positive c,
    |c| = -c for a nonpositive c) while the engine evaluates at every value of the range."""
    sign = _index_sign(where, index, bound=bound)
    if sign is None:
        return
    lo, hi = sympy.sympify(lo), sympy.sympify(hi)
    end, holds, beyond = _RANGE_SIGNS[sign]
    if holds(lo, hi) is not True:
        value = lo if end == "starts" else hi if end == "ends" else f"{lo}..{hi}"
        raise ValueError(
            f"{where}: index {index} is declared {sign}, but its range {end} "
            f"{'at ' if end != 'runs' else ''}{value}, which can reach {beyond}; declare "
            f"{index} with integer=True alone"
        )


def _check_range_ends(where: str, index, lo, hi, indices, inputs) -> None:
    """Raise ValueError where the ends of a free index's range hold a free index or an
    input: the engine takes the free indices at each value of their ranges once the sizes
    have values, and a range c..n of another free index c had none there, so every claim
    was an input error ("range c..1, which is not concrete"; helper 176)."""
    ends = set().union(*(sympy.sympify(e).free_symbols for e in (lo, hi)))
    labels = {i.label if isinstance(i, sympy.IndexedBase) else i for i in inputs}
    others = sorted(map(str, ends & (set(indices) | labels)))
    if others:
        raise ValueError(
            f"{where}: index {index} runs over {lo}..{hi}, which holds {others[0]}: the range "
            "of a free index may hold sizes and numbers, not another free index or an input "
            "(sum over a range that depends on another index inside the claim instead)"
        )


def _aggregates(expr) -> list:
    """The Σ and Π nodes of `expr` (a SymPy expression or anything else: none)."""
    if not isinstance(expr, sympy.Basic):
        return []
    return [node for node in sympy.preorder_traversal(expr) if isinstance(node, _RANGED)]


def _check_summed(where: str, expr) -> None:
    """_check_range for each index summed (or multiplied) over in `expr`; an index summed over
    a set (SetSum, over any subset of a range) may carry no sign."""
    if isinstance(expr, sympy.Basic):
        for node in sympy.preorder_traversal(expr):
            if isinstance(node, SetSum) and _index_sign(
                f"{where}, in {node}", node.args[1], bound=True
            ):
                raise ValueError(
                    f"{where}, in {node}: index {node.args[1]} is summed over a set and so may "
                    "not be declared with a sign; declare it with integer=True alone"
                )
    for node in _aggregates(expr):
        for limit in node.limits:
            if len(limit) != 3:
                continue
            index, lo, hi = limit
            if index in sympy.sympify(lo).free_symbols | sympy.sympify(hi).free_symbols:
                raise ValueError(
                    f"{where}, in {node}: index {index} is summed over a range that depends on "
                    f"{index} itself (an enclosing sum's {index}?); give the inner index its own "
                    "name"
                )
            _check_range(f"{where}, in {node}", index, lo, hi, bound=True)


def _check_evaluated(where: str, node) -> None:
    """The checks a kept Σ, Π, ∫ or limit gets in a claim, for one the document evaluates
    while it is built (Sum(Max(i, 1), (i, 0, 2)).doit() for a positive i was 3: helper 171),
    and a Σ or Π whose range may run backwards (SymPy's doit reads it by Karr's convention,
    derive as empty: Σ_{i=1}^{m} sign(i) was m)."""
    _check_summed(where, node)
    _check_bound_elsewhere(where, node, set())
    for limit in getattr(node, "limits", ()) if isinstance(node, _RANGED) else ():
        if len(limit) == 3 and sympy.sympify(limit[2] - limit[1] + 1).is_nonnegative is not True:
            raise ValueError(
                f"{where}: the range {limit[1]}..{limit[2]} of {limit[0]} may run backwards, "
                "where SymPy's doit sums by Karr's convention and derive reads it as empty; "
                "keep the sum unevaluated"
            )


corrections.EVALUATION_CHECK = _check_evaluated


# The parameter assumptions an application's argument must share: SymPy uses them as it builds
# a definition's body (δ(k, 0) is 0 and |k - 1| is k - 1 for a positive k; k/2 is an integer
# limit for an even k, which parameters may not be declared). Real and complex are not
# checked: a point where an argument is not real is outside the domain for evaluation too.
_PARAMETER_FACTS = (
    "integer",
    "real",
    "positive",
    "nonnegative",
    "negative",
    "nonpositive",
    "nonzero",
)
_SIGNS = (None, *_RANGE_SIGNS)
_PARAMETER_KINDS = {_facts()} | {
    _facts(**{kind: True}, **({sign: True} if sign else {}))
    for kind in ("integer", "real")
    for sign in _SIGNS
}


def _ranged(index, lo, hi):
    """A stand-in for `index` over the integers lo..hi with the sign its range gives it (SymPy
    knows only what the index was declared with), so that an argument Σ_{v=1}^{D} f(v) is
    positive."""
    facts = {"integer": True}  # a sum runs over the integers between its limits
    if (lo - 1).is_nonnegative:
        facts["positive"] = True
    elif lo.is_nonnegative:
        facts["nonnegative"] = True
    elif (hi + 1).is_nonpositive:
        facts["negative"] = True
    elif hi.is_nonpositive:
        facts["nonpositive"] = True
    return sympy.Dummy(index.name, **facts)


def _check_applications(where: str, expr, definitions, within=None, tops=None) -> None:
    """Raise ValueError where a definition is applied to an argument that SymPy cannot show to
    have its parameter's integer and sign assumptions (_PARAMETER_FACTS), an index bound by
    an enclosing Σ, Π or table read with the sign of its range: d(0) for d(k) := δ(k, 0) with
    k positive, or t(n/2) for t(k) := Σ_{i=1}^{k} 1, would unfold to a body built for other
    values; or where a matrix's entry is read outside its shape. `tops` writes each index
    with a range as its upper end less a nonnegative integer (_topped)."""
    if not isinstance(expr, sympy.Basic):
        return
    within, tops = dict(within or {}), dict(tops or {})
    if isinstance(expr, _RANGED):
        # The last limit is the outermost: each limit's ends see only the limits outside it.
        for limit in reversed(expr.limits):
            if len(limit) == 3:
                lo, hi = (sympy.sympify(e) for e in limit[1:])
                within[limit[0]] = _ranged(limit[0], lo.xreplace(within), hi.xreplace(within))
                tops[limit[0]] = _topped(limit[0], hi.xreplace(tops))
    if isinstance(expr, SubsetSum):  # its set's members lie in lo..hi
        lo, hi = (sympy.sympify(e).xreplace(within) for e in (expr.lo, expr.hi))
        within[expr.set] = (lo, hi)
    if isinstance(expr, SetSum) and isinstance(within.get(expr.set), tuple):
        within[expr.index] = _ranged(expr.index, *within[expr.set])
    if isinstance(expr, Tabulated):  # its entries (r, c) are read from 1 on (Entry below)
        for index, last in zip(expr.body.variables, expr.shape):
            within[index] = sympy.Dummy(index.name, integer=True, positive=True)
            tops[index] = _topped(index, sympy.sympify(last).xreplace(tops))
    # The stand-ins (a SubsetSum's set maps to its range instead).
    stand_ins = {k: v for k, v in within.items() if isinstance(v, sympy.Basic)}
    if isinstance(expr, Entry) and isinstance(expr.args[0], sympy.MatrixExpr):
        _check_entry(where, expr, stand_ins, tops)
    params = {d.func: d for d in definitions}
    if getattr(expr, "func", None) in params:
        definition = params[expr.func]
        if len(expr.args) != len(definition.params):
            wanted = ", ".join(map(str, definition.params))
            raise ValueError(
                f"{where}: {expr} gives {definition.name} {len(expr.args)} argument(s); it "
                f"takes {len(definition.params)} ({wanted})"
            )
        for k, (param, argument) in enumerate(zip(definition.params, expr.args)):
            value = sympy.sympify(argument).xreplace(stand_ins)
            # A recurrence's step index: its start check covers the steps; at the start
            # itself the value is the initial one, built without the parameter.
            step = definition.is_recurrence and k == 0
            for fact in ("integer",) if step else _PARAMETER_FACTS:
                if getattr(param, f"is_{fact}") and getattr(value, f"is_{fact}") is not True:
                    raise ValueError(
                        f"{where}: {expr} gives {expr.func}'s parameter {param} (declared "
                        f"{fact}) the value {argument}, which SymPy cannot show to be {fact} "
                        "(declare the parameter with fewer assumptions, or write floor(...) "
                        "where an integer is meant)"
                    )
    for arg in expr.args:
        _check_applications(where, arg, definitions, within, tops)


def _topped(index, top):
    """`index` over a range that ends at `top`, as top − u for an integer u ≥ 0: what holds for
    every u holds across the range, whatever its lower end."""
    return top - sympy.Dummy(f"{index.name}_below_top", integer=True, nonnegative=True)


def _check_entry(where: str, entry, stand_ins: dict, tops: dict) -> None:
    """Raise ValueError unless SymPy shows each index of a matrix's entry (a tabulated
    vector's, a transpose's, a sum's...) to lie in 1..its dimension: the body of a table
    would otherwise be read where the matrix has no entry (a sequence's entries run over all
    integers and are not checked here). One index reads a row, in column 1."""
    matrix, indices = entry.args[0], entry.args[1:]

    def shown(gap) -> bool:  # each reading of the indices covers their ranges
        return any(gap.xreplace(reading).is_nonnegative for reading in (stand_ins, tops))

    for index in indices:
        if not shown(index - 1):
            raise ValueError(
                f"{where}: {entry} reads entry {index} of {matrix}, which SymPy "
                "cannot show to be at least 1 (entries are numbered from 1)"
            )
    for index, last, axis in zip((*indices, sympy.S.One)[:2], matrix.shape, ("rows", "columns")):
        if not shown(sympy.sympify(last) - index):
            raise ValueError(
                f"{where}: {entry} reads entry {index} of {matrix}, which SymPy cannot show "
                f"to be at most its {last} {axis} (an entry past the shape does not exist)"
            )


def _check_bound_elsewhere(where: str, expr, declared: set) -> None:
    """Raise ValueError for a variable bound by anything but Σ, Π, a table or a set sum (a
    substitution, a lambda, a sequence's entry, an integral) and declared with more than
    integer or real: SymPy may have used a sign (δ(i, 0) is 0, |x| is x) where the binder
    reaches values without it. A declared input, size or index reused as such a variable is
    checked too; so is any other symbol that is neither free nor summed."""
    if not isinstance(expr, sympy.Basic):
        return
    plain = {_facts(), _facts(integer=True), _facts(real=True)}
    summed, bound, points = set(), set(), {}
    for node in sympy.preorder_traversal(expr):
        if isinstance(node, _RANGED):
            summed |= {limit[0] for limit in node.limits}
        elif isinstance(node, SetSum):
            summed.add(node.index)
        elif isinstance(node, sympy.Subs):
            for variable, point in zip(node.variables, node.point):
                points.setdefault(variable, []).append(point)
        elif isinstance(node, sympy.Lambda):
            bound |= set(node.variables)
        elif isinstance(node, sympy.Integral):
            bound |= {limit[0] for limit in node.limits}
    # A positive (negative) symbol a Subs puts at a point known positive (negative): the
    # expression was built where the point lies, and so was its neighbourhood (a
    # temperature's f().subs(β, 1)).
    approved = {v for v, at in points.items() if _open_side_points(v, at)}
    bound |= set(points) - approved
    try:
        free = expr.free_symbols
    except (AttributeError, TypeError):  # a notation node with plain Python arguments
        free = set(declared)
    bound |= expr.atoms(sympy.Symbol) - free - declared - summed - approved
    _check_bound_values(where, expr)
    for symbol in bound:
        if _kind(symbol) not in plain:
            raise ValueError(
                f"{where}: {symbol} is bound (by a substitution, lambda, sequence or integral) "
                f"and declared {_declared_as(symbol)}; bind a symbol declared integer=True or "
                "real=True "
                "alone"
            )


def _open_side_points(variable, points) -> bool:
    """Whether `variable` is declared positive (negative) alone and every point it is put at
    is known to be so."""
    for sign in ("positive", "negative"):
        if _kind(variable) == _facts(**{sign: True}):
            return all(_known(sympy.sympify(p), sign) is True for p in points)
    return False


def _check_bound_values(where: str, expr) -> None:
    """Raise ValueError for an integral or a derivative by a variable declared integer (SymPy
    built cos(2πk) as 1 under ∫₀¹ dk, and ∂sin(2πk)/∂k as 0), or a substitution of a value
    not known to be of the kind its variable is declared (Subs(frac(k), k, 1/2) was built
    as Subs(0, k, 1/2)): SymPy used the declaration where the binder reaches other values."""
    for node in sympy.preorder_traversal(expr):
        if isinstance(node, sympy.Derivative):
            for variable in node.variables:
                if isinstance(variable, sympy.Symbol) and variable.is_integer:
                    raise ValueError(
                        f"{where}: {node} differentiates by {variable}, declared integer "
                        "(SymPy used it as it built the function: sin(2πk) is 0); "
                        "differentiate by a symbol declared real=True or nothing"
                    )
        if isinstance(node, sympy.Integral):
            for limit in node.limits:
                if limit[0].is_integer:
                    raise ValueError(
                        f"{where}: {node} integrates over {limit[0]}, declared integer; "
                        "integrate over a symbol declared real=True or nothing"
                    )
        elif isinstance(node, sympy.Subs):
            for variable, value in zip(node.variables, node.point):
                for fact in ("integer", "real"):
                    if getattr(variable, f"is_{fact}") and _known(value, fact) is not True:
                        raise ValueError(
                            f"{where}: {node} substitutes {value} for {variable}, declared "
                            f"{fact}, and {value} is not known to be {fact}; substitute "
                            f"for a symbol declared as the value is"
                        )


def _known(value, fact: str):
    """SymPy's answer whether `value` has `fact`, asked as derive, not as the document:
    SymPy may evaluate √2·(√2 - 1) with floats of its own to tell (see documents._floats)."""
    from derive.documents._floats import unwatched  # derive.documents imports this module

    with unwatched():
        return getattr(value, f"is_{fact}")


def _check_parameters(where: str, definition) -> None:
    """Raise ValueError for a parameter declared with an assumption no argument is checked
    for (even, zero=False, extended_positive...): its body was built with it."""
    for param in definition.params:
        if _kind(param) not in _PARAMETER_KINDS:
            raise ValueError(
                f"{where}: definition {definition.name}'s parameter {param} is declared "
                f"{_declared_as(param)}; a parameter may be declared integer or real, with at "
                "most one "
                "sign (positive, nonnegative, negative, nonpositive, nonzero), or nothing"
            )


def _check_recurrence_start(where: str, definition) -> None:
    """Raise ValueError unless every step of a recurrence (start + 1, start + 2, ...) has the
    assumptions of its step parameter: the step's body was built with them."""
    if not definition.is_recurrence:
        return
    step = definition.params[0]
    sign = _index_sign(f"{where}: recurrence {definition.name}", step, bound=False)
    first = sympy.sympify(definition.start) + 1
    if sign not in (None, "positive", "nonnegative") or not getattr(
        first, f"is_{sign or 'integer'}"
    ):
        raise ValueError(
            f"{where}: recurrence {definition.name} takes steps from {definition.func}({first}) "
            f"on, but its step parameter {step} is declared {sign}; declare it integer=True alone"
        )


def _check_sizes(where: str, size: sympy.Symbol, low, values) -> None:
    """Raise ValueError if a size can take a value its assumptions exclude: every size from
    `low` on (all-size claims; four consecutive values catch parity and primality, the signs
    only grow true), and each value of its grid."""
    if not isinstance(size, sympy.Symbol):
        return
    if not sympy.sympify(low).is_Integer:
        raise ValueError(
            f"{where}: lows= gives size {size} the value {low}; a size's lowest value is an integer"
        )
    low = sympy.Integer(low)
    for value in values:
        if not sympy.sympify(value).is_Integer:
            raise ValueError(
                f"{where}: sizes= gives size {size} the value {value}; a grid value is an "
                "integer (the engine evaluates the claim at each)"
            )
    for value in (*(low + step for step in range(4)), *values):
        number = sympy.sympify(value)
        for fact, holds in _declared(size):
            if getattr(number, f"is_{fact}", None) is not holds:
                raise ValueError(
                    f"{where}: size {size} is declared {fact}={holds}, but it takes the value "
                    f"{value} (a grid value, or a size from {low} on in all-size claims); "
                    f"declare {size} with integer=True, positive=True"
                )


def _check_above_low(where: str, size: sympy.Symbol, low, values) -> None:
    """Raise ValueError if a claim's own sizes= names a value of `size` below the claim's
    lowest size: that value would be left out of the grid, and a claim false only there (at
    n = 0) would come out proved at the other sizes without a word about it."""
    below = [value for value in values if sympy.sympify(value) < low]
    if below:
        raise ValueError(
            f"{where}: sizes= gives {size} the value {below[0]}, below the claim's lowest "
            f"size {low} (sizes start at 1; lows={{{size}: {below[0]}}} lets the claim start "
            "lower)"
        )


_DOMAIN_KINDS = ("real", "positive", "nonnegative", "negative")


def _check_names(name: str, inputs, sizes, indices, definitions) -> None:
    """Raise ValueError if two things the document declares share a name: a scalar input and
    a tensor (a domain declared for the scalar y was taken for the entries of the tensor y),
    two symbols of one name with different assumptions (inputs x real and x positive, or an
    input named like a size: a counterexample printed 'x = x' at x = 0, x = 1, and points,
    domains and kernels name their values by name), or a definition named like one of them
    or like a SymPy function (a definition exp printed as SymPy's exp: 'exp(y) = exp(y)' was
    a refuted claim; helper 172)."""
    tensors = {b.label.name for b in inputs if isinstance(b, sympy.IndexedBase)}
    for item in inputs:
        if isinstance(item, sympy.Symbol) and item.name in tensors:
            raise ValueError(
                f"document {name}: {item.name} is both a scalar input and a tensor's name; "
                "rename one"
            )
    # Scalars apart from tensors: a tensor's entries print with their indices (k[t, d] beside
    # the index k, as soft_logic's keys have it).
    seen, labels = {}, {}
    scalars = [item for item in inputs if not isinstance(item, sympy.IndexedBase)]
    for kind, items, kept in (
        ("a tensor", [b.label for b in inputs if isinstance(b, sympy.IndexedBase)], labels),
        ("an input", scalars, seen),
        ("a size", sizes, seen),
        ("a free index", indices, seen),
    ):
        for held in items:
            other = kept.setdefault(held.name, (kind, held))
            if other[1] != held:
                first, second = (_declared_as(s) or "nothing" for s in (other[1], held))
                raise ValueError(
                    f"document {name}: {held.name} names two different symbols, {other[0]} "
                    f"declared {first} and {kind} declared {second}; give each its own name"
                )
    named = {**labels, **seen}
    for definition in definitions:
        if definition.name in named:
            raise ValueError(
                f"document {name}: the definition {definition.name} has the name of "
                f"{named[definition.name][0]}; give it its own name"
            )
        if isinstance(getattr(sympy, definition.name, None), sympy.FunctionClass):
            raise ValueError(
                f"document {name}: the definition {definition.name} has the name of SymPy's "
                f"function {definition.name}, and prints as it; give it its own name"
            )


def _check_domain(name: str, atom, domain) -> None:
    """Raise ValueError if a declared domain reaches outside what the atom's assumptions
    allow: SymPy would simplify with the assumption (|p| = p for a positive p) while the
    engine evaluates at points of the domain."""
    if not isinstance(domain, sympy.Interval):
        raise ValueError(f"document {name}: the domain of {atom} must be a sympy Interval")
    if not all(end.is_number for end in (domain.inf, domain.sup)):
        raise ValueError(
            f"document {name}: the domain of {atom}, {domain}, must have numbers (or ±oo) as "
            "ends: points are drawn from it"
        )
    for end in (domain.inf, domain.sup):
        if end.is_finite and end.has(sympy.CRootOf, sympy.RootSum):
            raise ValueError(
                f"document {name}: the domain of {atom} has the end {end}, a root derive "
                "cannot evaluate; write it in closed form or as a number"
            )
    holder = atom.label if isinstance(atom, sympy.IndexedBase) else atom
    known = {_facts(**({kind: True} if kind else {})) for kind in (None, *_DOMAIN_KINDS)}
    known |= {
        _facts(integer=True, **({kind: True} if kind != "real" else {})) for kind in _DOMAIN_KINDS
    }
    if _kind(holder) not in known:
        raise ValueError(
            f"document {name}: {atom} is declared {_declared_as(holder)}; with a domain, "
            "declare it "
            f"{', '.join(_DOMAIN_KINDS)} or nothing, which the domain is checked against"
        )
    allowed = [
        (holder.is_positive, sympy.Interval.open(0, sympy.oo), "positive"),
        (holder.is_nonnegative, sympy.Interval(0, sympy.oo), "nonnegative"),
        (holder.is_negative, sympy.Interval.open(-sympy.oo, 0), "negative"),
        (holder.is_real, sympy.Reals, "real"),
    ]
    for holds, values, assumption in allowed:
        if holds and domain.is_subset(values) is not True:
            raise ValueError(
                f"document {name}: {atom} is declared {assumption}, but its domain {domain} "
                f"reaches outside that"
            )


def _rational_ends(domain: sympy.Interval) -> sympy.Interval:
    """`domain` with an end that is a rational number not written as one (log(8)/log(2) is
    3) written as that number: the search tries such an end, and its neighbours, as the
    number it is. Only exact rewriting shows it (an algebraic end expanded; logs of positive
    numbers expanded): SymPy's simplify calls log(1 + e⁻¹⁰⁰⁰) - log(1 + e⁻¹⁰⁰¹) zero, and
    [that, 1] was taken for [0, 1] (helper 128)."""
    ends = [_exactly_rational(end) for end in (domain.inf, domain.sup)]
    if ends == [domain.inf, domain.sup]:
        return domain
    return sympy.Interval(*ends, domain.left_open, domain.right_open)


def _exactly_rational(end):
    """`end` as the rational it is exactly, where exact rewriting shows one; else `end`. No
    imaginary unit may be in it (a log's rewriting is exact only up to 2πi·k), and the
    rational must agree with `end` at 30 digits (which any such slip would fail)."""
    if end.is_Rational or end.is_finite is not True or end.has(sympy.I):
        return end
    try:
        if end.is_algebraic:
            rewritten = sympy.expand(end)
        elif all(log.args[0].is_positive for log in end.atoms(sympy.log)):
            rewritten = sympy.expand_log(end, force=True)  # log(ab) = log a + log b, a, b > 0
        else:
            return end
        agrees = rewritten.is_Rational and abs((end - rewritten).evalf(30)) < 1e-20
    except (ArithmeticError, TypeError, ValueError, RecursionError):
        return end
    return rewritten if agrees else end


def _check_definitions(where: str, definitions) -> None:
    """Raise ValueError for an entry that is not a definition, two definitions of one name
    (the later one would silently replace the earlier), or definitions that unfold into
    each other without end (other than a recurrence's step, which reaches its own name)."""
    names = {}
    for definition in definitions:
        if not isinstance(definition, Definition):
            raise ValueError(f"{where}: {definition!r} in definitions is not a define(...)")
        if definition not in _DECLARED:
            raise ValueError(
                f"{where}: definition {definition.name} was not built by define(...) or "
                "recurrence(...) (they infer its function's assumptions from its body)"
            )
        if definition.name in names:
            raise ValueError(f"{where}: two definitions are named {definition.name}")
        names[definition.name] = definition
    calls = {
        name: {
            str(f.func)
            for part in (d.body, d.initial)
            if part is not None
            for f in sympy.sympify(part).atoms(sympy.core.function.AppliedUndef)
            if str(f.func) in names and not (d.is_recurrence and str(f.func) == name)
        }
        for name, d in names.items()
    }
    done, path = set(), []

    def visit(name):
        if name in path:
            cycle = " → ".join([*path[path.index(name) :], name])
            raise ValueError(f"{where}: the definitions unfold into each other: {cycle}")
        if name in done:
            return
        path.append(name)
        for called in sorted(calls[name]):
            visit(called)
        path.pop()
        done.add(name)

    for name in sorted(names):
        visit(name)


def _flatten(claims) -> tuple[Claim, ...]:
    flat = []
    for item in claims:
        flat.extend(_flatten(item) if isinstance(item, (tuple, list)) else [item])
    return tuple(flat)


def document(
    name: str,
    title: str,
    source: Source,
    *,
    inputs: Iterable,
    definitions: Iterable[Definition],
    claims: Iterable,
    sizes: Mapping | None = None,
    indices: Mapping | None = None,
    domains: Mapping | None = None,
    gradients: Iterable = (),
    notes: Iterable[str] = (),
) -> Document:
    """Assemble a `Document`; claims may be given as nested tuples (chains)."""
    claims, definitions, inputs = _flatten(claims), tuple(definitions), tuple(inputs)
    gradients = _flatten(gradients)
    if not isinstance(source, Source):
        raise ValueError(f"document {name}: source must be Source(title, seed), got {source!r}")
    for item in claims:
        if not isinstance(item, Claim):
            raise ValueError(f"document {name}: {item!r} in claims is not a claim(...)")
    _check_definitions(f"document {name}", definitions)
    ids = [c.id for c in claims] + [g.id for g in gradients]
    duplicates = sorted({i for i in ids if ids.count(i) > 1})
    if duplicates:
        raise ValueError(f"document {name}: duplicate claim ids {', '.join(duplicates)}")
    for index, (lo, hi) in (indices or {}).items():
        _check_range(f"document {name}", index, lo, hi)
        _check_range_ends(f"document {name}", index, lo, hi, indices, inputs)
    declared = {*(sizes or {}), *(indices or {})}
    for item in (*inputs, *(domains or {})):
        declared.add(item.label if isinstance(item, sympy.IndexedBase) else item)
    for definition in definitions:
        _check_recurrence_start(f"document {name}", definition)
        _check_parameters(f"document {name}", definition)
        for expr in (definition.body, definition.initial):
            _check_summed(f"document {name}: definition {definition.name}", expr)
            where = f"document {name}: definition {definition.name}"
            _check_applications(where, expr, definitions)
            _check_bound_elsewhere(where, expr, declared | set(definition.params))
    for item in claims:
        # A size from its first value on (a claim's lows): n as 1 + (low - 1) + a nonnegative.
        within = {
            index: _ranged(index, sympy.sympify(lo), sympy.sympify(hi))
            for index, (lo, hi) in (indices or {}).items()
        }
        tops = {
            index: _topped(index, sympy.sympify(hi)) for index, (_, hi) in (indices or {}).items()
        }
        within |= {
            size: low - 1 + sympy.Dummy(size.name, integer=True, positive=True)
            for size, low in item.lows
            if size in (sizes or {}) and size.is_integer
        }
        for side in (item.lhs, item.rhs):
            _check_summed(f"document {name}: claim {item.id}", side)
            where = f"document {name}: claim {item.id}"
            _check_applications(where, side, definitions, within, tops)
            _check_bound_elsewhere(where, side, declared)
        lows, grid, exact = dict(item.lows), dict(item.sizes), dict(item.exact_sizes)
        for size in {*lows, *grid, *exact, *(sizes or {})}:
            values = (*grid.get(size, ()), *exact.get(size, ()))
            _check_sizes(f"document {name}: claim {item.id}", size, lows.get(size, 1), values)
            _check_above_low(f"document {name}: claim {item.id}", size, lows.get(size, 1), values)
    for item in gradients:
        if item.wrt not in inputs:
            raise ValueError(
                f"document {name}: gradients {item.id}: {item.wrt} is not one of the inputs "
                "(a gradient is taken by an input)"
            )
        _check_summed(f"document {name}: gradients {item.id}", item.of)
        _check_applications(f"document {name}: gradients {item.id}", item.of, definitions)
        _check_bound_elsewhere(f"document {name}: gradients {item.id}", item.of, declared)
        if getattr(item.wrt, "is_integer", False):
            raise ValueError(
                f"document {name}: gradients {item.id}: {item.wrt} is declared integer; a "
                "gradient is by an input declared real=True or nothing (SymPy uses the "
                "declaration as it builds: sin(2πk) is 0)"
            )
    for size, values in (sizes or {}).items():
        _check_sizes(f"document {name}", size, 1, values)
    for atom, domain in (domains or {}).items():
        holder = atom.label if isinstance(atom, sympy.IndexedBase) else atom
        if holder in {*(sizes or {}), *(indices or {})}:
            kind = "a size (its values are sizes= and a claim's lows=)"
            if holder in (indices or {}):
                kind = "a free index (its range is indices=)"
            raise ValueError(
                f"document {name}: {atom} is {kind}; a domain is for an input's values"
            )
        _check_domain(name, atom, domain)
    domains = {atom: _rational_ends(domain) for atom, domain in (domains or {}).items()}
    _check_names(name, inputs, tuple(sizes or {}), tuple(indices or {}), definitions)
    return Document(
        name=name,
        title=title,
        source=source,
        inputs=tuple(inputs),
        definitions=tuple(definitions),
        claims=claims,
        sizes=_pairs(sizes),
        indices=tuple((s, lo, hi) for s, (lo, hi) in (indices or {}).items()),
        domains=tuple((domains or {}).items()),
        gradients=gradients,
        notes=tuple(notes),
        path=_caller_location().rsplit(":", 1)[0],
        doubts=_doubts_since_last_document(),
    )


_BUILT = {"mark": corrections.doubt_mark()}


def _doubts_since_last_document() -> tuple[str, ...]:
    """SymPy's unconfirmed readings of numbers (corrections.doubted_since) since the previous
    document was assembled (or derive was imported): those its claims may have been built
    from. floor(2 - √(1 + e^(-10⁶))) = 1 is built as 1 = 1, with no floor left to see."""
    doubts = corrections.doubted_since(_BUILT["mark"])
    _BUILT["mark"] = corrections.doubt_mark()
    return doubts
