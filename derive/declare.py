"""The vocabulary document modules are written in: definitions, recurrences, claims, chains.

Every function here only builds frozen model objects (and records the caller's line, so a
report can point at the declaration); none of them checks or computes a claim.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Iterable, Mapping

import sympy

from derive.model import (
    PROVED,
    Claim,
    Definition,
    Document,
    Gradient,
    Source,
    Status,
)
from derive.notation.aggregates import SubsetSum
from derive.notation.partials import as_partials

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


def define(name: str, params: Iterable[sympy.Symbol], body, latex: str = "") -> Definition:
    """Declare the intermediate `name(params) := body`.

    Its assumptions (real, positive, ...) are inferred from the body, never declared, so a
    proof that relies on them relies on something SymPy established for every argument.
    """
    params, body = tuple(params), _whole_limits(sympy.sympify(body))
    func = sympy.Function(name, **_inferred_assumptions(_with_free_parameters(body, params)))
    return Definition(name, func, params, body, latex=latex)


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
    initial = _whole_limits(sympy.sympify(initial))
    free_initial = _with_free_parameters(initial, params)
    probe = sympy.Dummy("prev", **_inferred_assumptions(free_initial))
    assumptions = _inferred_assumptions(free_initial, _with_free_parameters(step(probe), params))
    func = sympy.Function(name, **assumptions)
    previous = func(params[0] - 1, *params[1:])
    return Definition(name, func, params, _whole_limits(step(previous)), start, initial, latex)


def _whole(bound: sympy.Expr, rounding) -> sympy.Expr:
    """`bound` if SymPy knows it is an integer (or ±oo), else rounding(bound)."""
    bound = sympy.sympify(bound)
    if bound.is_integer or bound.is_infinite:
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

    aggregate = lambda node: isinstance(node, (sympy.Sum, sympy.Product, SubsetSum))  # noqa: E731
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
    _location: str = "",
) -> Claim:
    """Declare the claim `lhs relation rhs` found in `section` at the verbatim `quote`."""
    return Claim(
        id=id,
        section=section,
        quote=quote,
        lhs=as_partials(_whole_limits(sympy.sympify(lhs))),
        rhs=as_partials(_whole_limits(sympy.sympify(rhs))),
        relation=relation,
        expect=expect,
        reading=reading,
        note=note,
        lows=tuple((lows or {}).items()),
        sizes=_pairs(sizes),
        exact_sizes=_pairs(exact_sizes),
        location=_location or _caller_location(),
    )


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
# Assumptions no range of more than one integer implies.
_POINTWISE = ("zero", "even", "odd", "prime", "composite")


def _check_range(where: str, index: sympy.Symbol, lo, hi, *, bound: bool = False) -> None:
    """Raise ValueError if `index` can take a value in lo..hi that its assumptions exclude:
    SymPy uses the assumption as it builds an expression (dropping δ(c, 0) for a positive c,
    |c| = -c for a nonpositive c) while the engine evaluates at every value of the range.
    A free index must be declared integer; a summed one (`bound`) may be real."""
    lo, hi = sympy.sympify(lo), sympy.sympify(hi)
    for assumption, (end, holds, beyond) in _RANGE_SIGNS.items():
        if getattr(index, f"is_{assumption}") and holds(lo, hi) is not True:
            value = lo if end == "starts" else hi if end == "ends" else f"{lo}..{hi}"
            raise ValueError(
                f"{where}: index {index} is declared {assumption}, but its range {end} "
                f"{'at ' if end != 'runs' else ''}{value}, which can reach {beyond}; declare "
                f"{index} with integer=True alone"
            )
    for assumption in _POINTWISE:
        if getattr(index, f"is_{assumption}"):
            raise ValueError(
                f"{where}: index {index} is declared {assumption}, which its range {lo}..{hi} "
                f"does not imply; declare {index} with integer=True alone"
            )
    if not bound and index.is_integer is not True:
        raise ValueError(f"{where}: index {index} must be declared integer=True")


def _aggregates(expr) -> list:
    """The Σ and Π nodes of `expr` (a SymPy expression or anything else: none)."""
    if not isinstance(expr, sympy.Basic):
        return []
    return [
        node
        for node in sympy.preorder_traversal(expr)
        if isinstance(node, (sympy.Sum, sympy.Product))
    ]


def _check_summed(where: str, expr) -> None:
    """_check_range for each index summed (or multiplied) over in `expr`."""
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


def _check_applications(where: str, expr, definitions) -> None:
    """Raise ValueError where a definition is applied to an argument that SymPy cannot show
    to be an integer for a parameter declared integer: unfolding t(n/2) of t(k) := Σ_{i=1}^{k}
    would put n/2 back into a limit that was read as an integer."""
    if not isinstance(expr, sympy.Basic):
        return
    params = {d.func: d.params for d in definitions}
    for node in sympy.preorder_traversal(expr):
        if getattr(node, "func", None) not in params:
            continue
        for param, argument in zip(params[node.func], node.args):
            if param.is_integer and sympy.sympify(argument).is_integer is not True:
                raise ValueError(
                    f"{where}: {node} gives {node.func}'s integer parameter {param} the value "
                    f"{argument}, which SymPy cannot show to be an integer (write floor(...) "
                    "or ceiling(...) if that is meant)"
                )


def _check_sizes(where: str, size: sympy.Symbol, low, values) -> None:
    """Raise ValueError if a size can take a value its assumptions exclude: every size from
    `low` on (all-size claims), and each value of its grid."""
    if not isinstance(size, sympy.Symbol):
        return
    for assumption in ("negative", "nonpositive", "zero", *_POINTWISE):
        if getattr(size, f"is_{assumption}"):
            raise ValueError(
                f"{where}: size {size} is declared {assumption}, which not every size from "
                f"{low} on is; declare {size} with integer=True, positive=True"
            )
    for value in (low, *values):
        number = sympy.sympify(value)
        for assumption in ("integer", "positive", "nonnegative", "nonzero"):
            if (
                getattr(size, f"is_{assumption}")
                and getattr(number, f"is_{assumption}") is not True
            ):
                raise ValueError(
                    f"{where}: size {size} is declared {assumption}, but it is given the value "
                    f"{value} (as a grid value or as the first size of all-size claims)"
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
    holder = atom.label if isinstance(atom, sympy.IndexedBase) else atom
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
    claims, definitions = _flatten(claims), tuple(definitions)
    gradients = _flatten(gradients)
    ids = [c.id for c in claims] + [g.id for g in gradients]
    duplicates = sorted({i for i in ids if ids.count(i) > 1})
    if duplicates:
        raise ValueError(f"document {name}: duplicate claim ids {', '.join(duplicates)}")
    for index, (lo, hi) in (indices or {}).items():
        _check_range(f"document {name}", index, lo, hi)
    for definition in definitions:
        for expr in (definition.body, definition.initial):
            _check_summed(f"document {name}: definition {definition.name}", expr)
            where = f"document {name}: definition {definition.name}"
            _check_applications(where, expr, definitions)
    for item in claims:
        for side in (item.lhs, item.rhs):
            _check_summed(f"document {name}: claim {item.id}", side)
            _check_applications(f"document {name}: claim {item.id}", side, definitions)
        lows, grid, exact = dict(item.lows), dict(item.sizes), dict(item.exact_sizes)
        for size in {*lows, *grid, *exact, *(sizes or {})}:
            values = (*grid.get(size, ()), *exact.get(size, ()))
            _check_sizes(f"document {name}: claim {item.id}", size, lows.get(size, 1), values)
    for item in gradients:
        _check_summed(f"document {name}: gradients {item.id}", item.of)
        _check_applications(f"document {name}: gradients {item.id}", item.of, definitions)
    for size, values in (sizes or {}).items():
        _check_sizes(f"document {name}", size, 1, values)
    for atom, domain in (domains or {}).items():
        _check_domain(name, atom, domain)
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
    )
