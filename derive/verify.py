"""Verification of a document: one verdict per claim and per engine-derived gradient.

`verify(document)` decides each item in its own worker process under the claim timeout, so
a claim stuck inside SymPy becomes UNDECIDED (timeout) and the run goes on. Verdicts are
plain data; turning them into text is `report`'s job.
"""

from __future__ import annotations

import dataclasses
import functools
import time
from collections.abc import Callable

import sympy

from derive.cache import Keys, Store, from_record, storable, to_record
from derive.engine.deadline import Deadline, OutOfTime
from derive.engine.decide import decide
from derive.engine.finding import Finding
from derive.engine.gradcheck import check_gradient
from derive.engine.indexcalc import TooLarge, index_residual, ranges_proper
from derive.engine.runner import Crashed, Done, run_tasks
from derive.engine.terms import (
    InputError,
    NotDerivable,
    check_bound_values,
    check_capture,
    check_declared,
    check_moves,
    concretize,
    context_of,
    desugared,
    evaluate_derivatives,
    exact_decimal,
    rationalized,
    reached_definitions,
    strip_shapes,
    unfold,
)
from derive.model import (
    NUMERIC,
    RELATIONS,
    UNDECIDED,
    Claim,
    Document,
    DocumentRun,
    Gradient,
    Verdict,
)
from derive.notation.arrays import has_arrays
from derive.notation.corrections import doubt_mark, engine_substitution, same_order
from derive.notation.primitives import PRIMITIVES, elementary
from derive.report import Explanation, mathprint, pretty, show
from derive.report.readable import formulas, named, text

DEFAULT_TIMEOUT = 30.0
SIMPLIFY_OPS = 300
DERIVED_OPS = 400  # a longer derived side is summarised, not printed
RESIDUAL_OPS = 40  # a residual this short is shown even when the claim itself is shorter


def select(doc: Document, ids=None) -> list:
    """The claims and gradients named by `ids` (all of them if None), in document order."""
    items = [*doc.claims, *doc.gradients]
    if not ids:
        return items
    unknown = [i for i in ids if i not in doc.claim_ids]
    if unknown:
        raise KeyError(f"{doc.name} has no claim {unknown[0]!r}")
    return [item for item in items if item.id in ids]


def verify(
    doc: Document,
    ids=None,
    *,
    timeout: float = DEFAULT_TIMEOUT,
    jobs: int = 1,
    on_start: Callable | None = None,
    on_done: Callable | None = None,
    cache: Store | None = None,
) -> tuple[Verdict, ...]:
    """Decide every selected item of `doc`, at most `jobs` at once, each within `timeout`;
    with a `cache`, replay the items it holds and keep the new verdicts it may hold."""
    items = select(doc, ids)
    ctx = context_of(doc)  # built once here, so every forked worker inherits it
    keys, verdicts = [None] * len(items), {}
    # A key does not see SymPy's readings made while the context was built: not cached.
    if cache and not ctx.doubts:
        keyer = Keys(doc, timeout)
        keys = [keyer.of(item) for item in items]
        verdicts = dict(_replayed(cache, keys, items))
    for k in verdicts:
        if on_start:
            on_start(items[k])
        if on_done:
            on_done(items[k], verdicts[k])
    pending = [k for k in range(len(items)) if k not in verdicts]
    tasks = [functools.partial(verify_item, doc, items[k], timeout) for k in pending]
    results = run_tasks(
        tasks,
        jobs=jobs,
        timeout=timeout,
        on_start=on_start and (lambda j: on_start(items[pending[j]])),
        on_done=on_done
        and (lambda j, r: on_done(items[pending[j]], _settle(doc, items[pending[j]], r, timeout))),
    )
    for k, result in zip(pending, results):
        verdicts[k] = _settle(doc, items[k], result, timeout)
        if cache and keys[k] and storable(verdicts[k]):
            cache.put(keys[k], to_record(keys[k], verdicts[k]))
    return tuple(verdicts[k] for k in range(len(items)))


def _replayed(cache: Store, keys, items):
    for k, (key, item) in enumerate(zip(keys, items)):
        record = key and cache.get(key)
        verdict = record and from_record(record, key, item)
        if verdict:
            yield k, verdict


def _settle(doc: Document, item, result, timeout: float) -> Verdict:
    if isinstance(result, Done):
        return result.value
    if isinstance(result, Crashed):
        return _verdict(doc, item, _UNKNOWN, result.seconds, error=result.traceback, internal=True)
    finding = Finding(UNDECIDED, f"timeout after {timeout:g} s", "timeout")
    return _verdict(doc, item, finding, result.seconds)


_UNKNOWN = Finding(UNDECIDED, "internal error", "none")
_INPUT = Finding(UNDECIDED, "input error", "none")


def verify_item(doc: Document, item, timeout: float) -> Verdict:
    """Decide one claim or gradient in this process; errors become verdicts."""
    with engine_substitution():
        return _verify_item(doc, item, timeout)


def _verify_item(doc: Document, item, timeout: float) -> Verdict:
    start = time.perf_counter()
    same_order()  # SymPy's order of facts, as for every claim (corrections.ASSUMPTIONS_SEED)
    ctx = context_of(doc)
    original, extra = item, {}
    mark = doubt_mark()  # rewriting the claim's notation can make SymPy read a number
    try:
        written = (original.of,) if isinstance(original, Gradient) else (original.lhs, original.rhs)
        bodies = [part for d in doc.definitions for part in _bodies(d)]
        as_written = sympy.Tuple(*written, *bodies)
        check_capture(ctx, as_written)
        check_bound_values(ctx, as_written)
        check_moves(as_written)
        item = stripped(item)
        if isinstance(item, Gradient):
            finding, extra["derived"] = check_gradient(ctx, item)
        else:
            check_declared(ctx, sympy.Tuple(item.lhs, item.rhs))
            with Deadline(timeout).guard() as deadline:
                finding = decide(ctx, item, deadline, since=mark)
            extra = _explanation(ctx, item, finding)
            notes = float_notes(original)
            if notes:
                finding = dataclasses.replace(finding, details=(*notes, *finding.details))
    except InputError as problem:
        return _verdict(doc, original, _INPUT, time.perf_counter() - start, error=str(problem))
    except OutOfTime:
        finding = Finding(UNDECIDED, f"timeout after {timeout:g} s", "timeout")
    # The statement shows the claim as declared; the engine worked on its desugared form.
    return _verdict(doc, original, finding, time.perf_counter() - start, **extra)


def _bodies(definition) -> tuple:
    """A definition's body, and a recurrence's initial value (helper 165: a perturbation
    there went unchecked)."""
    return (definition.body, definition.initial) if definition.is_recurrence else (definition.body,)


def stripped(item):
    """`item` with matrix and sequence notation desugared (derive.engine.desugar), the shapes of
    its tensors dropped (see terms.strip_shapes) and its floats read as exact decimals (see
    terms.rationalized)."""
    if isinstance(item, Gradient):
        return dataclasses.replace(item, of=strip_shapes(desugared(item.of)))
    lhs, rhs = (rationalized(strip_shapes(desugared(side))) for side in (item.lhs, item.rhs))
    return dataclasses.replace(item, lhs=lhs, rhs=rhs)


def float_notes(item) -> tuple[str, ...]:
    """One line per float in a claim: the exact decimal the engine reads it as, and the
    constant it may stand for."""
    if isinstance(item, Gradient):
        return ()
    notes = []
    for number in sorted(sympy.Tuple(item.lhs, item.rhs).atoms(sympy.Float), key=float):
        line = (
            f"the float {show(number)} is read as the exact decimal {show(exact_decimal(number))}"
        )
        constant = sympy.nsimplify(number, [sympy.pi, sympy.E], tolerance=1e-15)
        if not constant.is_Rational and not constant.has(sympy.Float):
            line += f" (≈ {show(constant)}: write that constant if it is meant)"
        notes.append(line)
    return tuple(notes)


def _explanation(ctx, claim: Claim, finding: Finding) -> dict:
    """The engine's own side (for derivative claims) and the residual of a refuted claim."""
    extra, lows = {}, dict(claim.lows)
    # Only the claim's own definitions are folded back: the verdict depends on nothing else.
    reached = reached_definitions(ctx, sympy.Tuple(claim.lhs, claim.rhs))
    try:
        with Deadline(4.0).slice(4.0):
            left, right = (evaluate_derivatives(ctx, side, lows) for side in (claim.lhs, claim.rhs))
            if claim.lhs.has(sympy.Derivative) or claim.rhs.has(sympy.Derivative):
                derived = left if claim.lhs.has(sympy.Derivative) else right
                if derived.has(sympy.Sum):
                    derived = _residual(ctx, derived, sympy.S.Zero, lows)
                _shown(extra, "derived", _simpler(derived), DERIVED_OPS, reached)
            found = finding.counterexample
            refuted = found is not None and not found.reason
            if (refuted or finding.status is NUMERIC) and claim.relation == "==":
                # What a refuted claim's sides differ by; for NUMERIC, what the proof
                # strategies could not reduce to 0.
                residual = _residual(ctx, left, right, lows)
                shown = max(sympy.count_ops(claim.lhs - claim.rhs), RESIDUAL_OPS)
                _shown(extra, "residual", residual, shown, reached)
    except (OutOfTime, NotDerivable, TooLarge, RecursionError):
        pass  # the explanation is an extra: the verdict stands without it
    except Exception:  # noqa: BLE001 - SymPy's simplify fails in many ways; the verdict stands
        pass
    return extra


def _shown(extra: dict, part: str, expr, most: int, definitions) -> None:
    """Add the text and math of `part` (derived, residual) to the verdict's `extra`. A derived
    side over `most` operations is summarised: fully unfolded, a layer's gradient runs to
    pages, and a person reads the claim's own terms and the counterexample instead. A longer
    residual is left out. The bodies of `definitions` are folded back into their names."""
    size = sympy.count_ops(expr)
    if size > most:
        if part == "derived":
            extra[part] = f"({size} operations with every definition unfolded; not shown)"
        return
    main, kept = named(expr, definitions)
    extra[part] = text(main, kept)
    for language, rows in formulas(part, main, kept).items():
        extra[language] = extra.get(language, ()) + rows


def _residual(ctx, left, right, lows):
    """lhs - rhs, simplified; sums are reduced by index calculus first (derive.engine.indexcalc)."""
    if has_arrays(left) or has_arrays(right):
        # Array nodes are non-commutative to SymPy: factor() recurses without end on them.
        raise ValueError("array-valued sides have no scalar residual")
    if not (left - right).has(sympy.Sum):
        return _simpler(elementary(left - right))
    sides = [concretize(ctx, unfold(ctx, side, lows), {}, lows) for side in (left, right)]
    if not all(ranges_proper(side, ctx.ranges, lows) for side in sides):
        # Index calculus counts by Karr's convention, which differs from the empty sums of
        # a range reversed by two or more: its residual could read 0 for a refuted claim.
        return sides[0] - sides[1]
    return index_residual(sides[0] - sides[1], ctx.ranges)


def _simpler(expr):
    if sympy.count_ops(expr) > SIMPLIFY_OPS or expr.has(sympy.Sum, sympy.Product):
        return expr  # simplify on large or summed expressions only uses up the time
    simpler = sympy.simplify(expr)
    return simpler if sympy.count_ops(simpler) <= sympy.count_ops(expr) else expr


def statement(item) -> str:
    if isinstance(item, Gradient):
        return f"∂({show(item.of)})/∂{item.wrt}, derived by the engine"
    return f"{show(item.lhs)} {RELATIONS[item.relation]} {show(item.rhs)}"


def statement_formulas(item) -> dict:
    """The `latex` and `mathml` entries of a verdict's statement, as declared."""
    if isinstance(item, Gradient):
        return {
            "latex": (("statement", mathprint.gradient_latex(item.of, item.wrt)),),
            "mathml": (("statement", mathprint.gradient_mathml(item.of, item.wrt)),),
        }
    return {
        "latex": (("statement", mathprint.relation_latex(item.lhs, item.relation, item.rhs)),),
        "mathml": (("statement", mathprint.relation_mathml(item.lhs, item.relation, item.rhs)),),
    }


def explain(doc: Document, claim_id: str, *, timeout: float = DEFAULT_TIMEOUT) -> Explanation:
    """Verify one claim and gather what a person needs to check it by hand."""
    verdict = verify(doc, [claim_id], timeout=timeout, jobs=1)[0]
    original = select(doc, [claim_id])[0]
    ctx, item = context_of(doc), stripped(original)
    if isinstance(item, Gradient):
        return Explanation(
            verdict, verdict.statement, _shown_definitions(ctx, item.of), verdict.derived, ""
        )
    relation = {"==": sympy.Eq, "<=": sympy.Le, "<": sympy.Lt, ">=": sympy.Ge, ">": sympy.Gt}
    stated = pretty(relation[item.relation](original.lhs, original.rhs, evaluate=False))
    difference = "" if verdict.status.name.startswith("PROVED") else verdict.residual
    # Both sides as they are: their difference is no expression where one is a matrix and
    # the other a scalar, or a Table (helper 149: a TypeError's traceback).
    sides = sympy.Tuple(item.lhs, item.rhs)
    return Explanation(verdict, stated, _shown_definitions(ctx, sides), verdict.derived, difference)


def _shown_definitions(ctx, expr) -> tuple[str, ...]:
    shown, declared = [], {d.func: d for d in ctx.doc.definitions}
    for d in (declared[r.func] for r in reached_definitions(ctx, expr)):
        head = f"{d.name}({', '.join(map(str, d.params))})"
        if d.is_recurrence:
            first = ", ".join([str(d.start), *map(str, d.params[1:])])
            shown.append(f"{d.name}({first}) := {show(d.initial)}")
        shown.append(f"{head} := {show(d.body)}")
    return tuple(shown)


def _verdict(doc, item, finding: Finding, seconds: float, **extra) -> Verdict:
    is_claim = isinstance(item, Claim)
    stated = statement_formulas(item)
    for language in stated:
        extra[language] = stated[language] + extra.get(language, ())
    return Verdict(
        document=doc.name,
        claim=item.id,
        status=finding.status,
        expected=item.expect if is_claim else NUMERIC,
        statement=statement(item),
        scope=finding.scope,
        method=finding.method,
        seconds=round(seconds, 3),
        quote=item.quote if is_claim else "",
        section=item.section if is_claim else "engine-derived gradients",
        reading=item.reading if is_claim else "",
        location=item.location,
        counterexample=finding.counterexample,
        details=finding.details,
        note=item.note,
        **extra,
    )


def conventions(doc: Document) -> tuple[str, ...]:
    """The declared non-smooth-point conventions of every primitive the document uses."""
    used = set()
    exprs = [d.body for d in doc.definitions] + [e for c in doc.claims for e in (c.lhs, c.rhs)]
    for expr in exprs:
        used |= {
            type(f).__name__ for f in expr.atoms(sympy.Function) if type(f).__name__ in PRIMITIVES
        }
    return tuple(f"{name}: {PRIMITIVES[name].convention}" for name in sorted(used))


def verify_document(doc: Document, ids=None, **options) -> DocumentRun:
    """Verify `doc` and wrap its verdicts with what the report needs."""
    start = time.perf_counter()
    verdicts = verify(doc, ids, **options)
    seconds = time.perf_counter() - start
    return DocumentRun(
        doc.name, doc.title, doc.source, verdicts, seconds, conventions(doc), doc.notes
    )
