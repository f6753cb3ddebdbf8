"""Soundness under generated claims: nothing false comes out PROVED or PROVED_AT_SIZES.

The fuzzer (slow campaign, issue 9 §2) generates claims from the document vocabulary with
Hypothesis (tests/fuzz_specs.py), true ones and false ones whose falsity hides where a small
grid or a sampling box does not look, decides each with `verify_item`, and checks every proof
against exact evaluation at sizes the engine did not use (tests/fuzz_oracle.py) and against
the ground truth the generator built in. The late-mutant campaign takes true claims of the
bundled documents and multiplies a mutant's difference by a factor that vanishes on the grid,
like (n-1)(n-2)(n-3), so that the mutant differs only at sizes the grid leaves out.
"""

from __future__ import annotations

import collections
import dataclasses
import functools
import gc
import os
import random
import subprocess
import sys
import time
import traceback

import pytest
import sympy

# The fuzzer's helpers live beside this file; pytest's importlib mode puts no test folder on
# sys.path, so this module does (they import one another by name).
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from fuzz_grammar import document_for, m, n  # noqa: E402
from fuzz_oracle import (  # noqa: E402
    CHECK_SECONDS,
    CheckTimeout,
    Unevaluable,
    claimed_sizes,
    difference,
    false_proof,
    reference_entries,
    time_limit,
)
from fuzz_specs import generated  # noqa: E402

from derive.documents import BUNDLED  # noqa: E402
from derive.engine.mutate import differs_somewhere, mutants_of  # noqa: E402
from derive.engine.runner import Done, run_tasks  # noqa: E402
from derive.engine.terms import context_of, size_grid, sizes_in  # noqa: E402
from derive.model import PROVED, PROVED_AT_SIZES  # noqa: E402
from derive.notation.arrays import has_arrays  # noqa: E402
from derive.verify import stripped, verify, verify_item  # noqa: E402

CLAIMS = int(os.environ.get("DERIVE_FUZZ_CLAIMS", "2000"))
MINIMUM_CLAIMS = 2000
CLAIM_TIMEOUT = 4.0
CHUNK = 25  # claims per worker process
LOST_SHARE = 0.05  # at most, of the claims: in chunks whose worker died or timed out
# Worker processes at once; CI runs these campaigns on one core, beside the main suite.
JOBS = int(os.environ.get("DERIVE_SLOW_JOBS", "2"))
LATE_MUTANTS = int(os.environ.get("DERIVE_LATE_MUTANTS", "30"))
LABEL_CHECKS = 400
LATE_TIMEOUT = 15.0
FINDINGS = os.environ.get("DERIVE_FUZZ_FINDINGS", "")


def run_seed() -> int | None:
    """The fuzzer's seed: $DERIVE_FUZZ_SEED (an integer, or "fixed" for the derandomized
    claims), else one drawn from the last commit that changed the engine (derive/), so that
    each release that changes it is tried on claims no earlier one was, and every run of one
    engine on the same ones (the report prints the seed for a replay); the fixed claims where
    there is no git checkout."""
    given = os.environ.get("DERIVE_FUZZ_SEED", "").strip()
    if given:
        return None if given == "fixed" else int(given)
    try:
        head = subprocess.run(
            ["git", "log", "-1", "--format=%H", "--", "derive"],
            cwd=os.path.dirname(os.path.dirname(os.path.abspath(__file__))),
            capture_output=True,
            text=True,
            timeout=30,
            check=True,
        ).stdout.strip()
        return int(head[:8], 16)
    except (OSError, subprocess.SubprocessError, ValueError):
        return None


SHOWN = 10


def decide(spec, number: int) -> dict:
    """Decide one generated claim and check a proof of it; a plain record."""
    record = {"number": number, "name": spec.name, "built false": spec.built_false}
    start = time.perf_counter()
    try:
        doc = document_for(spec, number)
    except Exception as problem:  # noqa: BLE001 - a declaration the vocabulary rejects
        return {**record, "status": "REJECTED", "method": f"{type(problem).__name__}: {problem}"}
    try:
        verdict = verify_item(doc, doc.claims[0], CLAIM_TIMEOUT)
    except Exception:  # noqa: BLE001 - reported, and counted as a crash
        return {**record, "status": "CRASHED", "method": traceback.format_exc(limit=-3)}
    record.update(
        status=verdict.status.value,
        statement=verdict.statement,
        scope=verdict.scope,
        method=verdict.method,
        error=(verdict.error or "").strip().splitlines()[-1] if verdict.error else "",
        internal=verdict.internal,
    )
    if verdict.status in (PROVED, PROVED_AT_SIZES):
        try:
            with time_limit(CHECK_SECONDS):
                record["false proof"] = false_proof(spec, doc, verdict, number)
        except CheckTimeout:
            record["unchecked"] = True
    record["seconds"] = round(time.perf_counter() - start, 2)
    return record


def _decide_chunk(chunk) -> list:
    # In this forked worker only: Hypothesis's gc callback (inherited from the parent) would
    # swallow the engine's deadline alarm when it fires during a collection.
    gc.callbacks.clear()
    return [decide(spec, number) for number, spec in chunk]


def campaign(specs) -> list[dict]:
    """Decide every spec, CHUNK claims per forked worker, JOBS workers at once."""
    numbered = list(enumerate(specs))
    chunks = [numbered[k : k + CHUNK] for k in range(0, len(numbered), CHUNK)]
    tasks = [functools.partial(_decide_chunk, chunk) for chunk in chunks]
    budget = CHUNK * (CLAIM_TIMEOUT + CHECK_SECONDS + 10)
    records = []
    for chunk, result in zip(chunks, run_tasks(tasks, jobs=JOBS, timeout=budget)):
        if isinstance(result, Done):
            records.extend(result.value)
        else:
            records.extend({"number": k, "name": s.name, "status": "LOST"} for k, s in chunk)
    return records


def _tally(records) -> dict:
    tally = collections.Counter(r["status"] for r in records)
    tally["claims"] = len(records)
    tally["built false"] = sum(r.get("built false", False) for r in records)
    tally["false proofs"] = sum(bool(r.get("false proof")) for r in records)
    tally["proofs unchecked (time)"] = sum(r.get("unchecked", False) for r in records)
    tally["true claims refuted"] = sum(
        r["status"] == "REFUTED" and not r.get("built false") for r in records
    )
    tally["internal errors"] = sum(bool(r.get("internal")) for r in records)
    return dict(tally)


def _describe(record) -> str:
    return (
        f"#{record['number']} {record['status']} [{record['name']}]\n"
        f"    claim   {record.get('statement', '')}\n"
        f"    scope   {record.get('scope', '')}\n"
        f"    method  {record.get('method', '')}\n"
        f"    why     {record.get('false proof', '')}"
    )


def _report(title: str, records, tally) -> str:
    """The tally, then the shortest false proof of each template (SHOWN at most), then a few
    true claims that came out REFUTED (a wrong refutation, or a wrong label)."""
    lines = [f"{title}: " + ", ".join(f"{k} {v}" for k, v in sorted(tally.items()))]
    false = sorted((r for r in records if r.get("false proof")), key=lambda r: len(r["statement"]))
    shortest = {}
    for record in false:
        shortest.setdefault(record["name"].split(";")[0], record)
    shown = list(shortest.values())
    shown += [r for r in false if r not in shown]
    lines += [_describe(r) for r in shown[:SHOWN]]
    wrong = [r for r in records if r["status"] == "REFUTED" and not r.get("built false")]
    lines += [f"true claim refuted: #{r['number']} {r.get('statement', '')}" for r in wrong[:5]]
    odd = collections.Counter(
        f"{r['status']}: {str(r.get('error') or r.get('method'))[:160]}"
        for r in records
        if r["status"] in ("REJECTED", "CRASHED", "LOST") or r.get("internal") or r.get("error")
    )
    lines += [f"{count} × {reason}" for reason, count in odd.most_common(8)]
    return "\n".join(lines)


@pytest.mark.slow
def test_no_generated_claim_is_falsely_proved(mutation_tally):
    start, seed = time.perf_counter(), run_seed()
    specs = generated(CLAIMS, seed)
    records = campaign(specs)
    tally = _tally(records)
    tally["seconds"] = round(time.perf_counter() - start)
    mutation_tally["fuzzer (generated claims)"] = tally
    replay = f"DERIVE_FUZZ_SEED={'fixed' if seed is None else seed}"
    report = _report(f"soundness fuzzer ({replay})", records, tally)
    print(report)
    if FINDINGS:
        with open(FINDINGS, "w", encoding="utf-8") as handle:
            handle.write(report + "\n")
    # A chunk whose worker died or ran out of time is LOST: its claims were never checked,
    # so they count neither towards the campaign's size nor past a small share.
    decided = [r for r in records if r["status"] != "LOST"]
    assert len(decided) >= min(CLAIMS, MINIMUM_CLAIMS) * (1 - LOST_SHARE), report
    assert not tally["false proofs"], report
    # A crash of the tool on a claim the vocabulary accepts is a bug too (exit 3 for a user).
    assert not [r for r in records if r["status"] == "CRASHED" or r.get("internal")], report


@pytest.mark.slow
def test_generated_claims_carry_their_ground_truth():
    """The generator's labels, checked by reference evaluation alone: a claim built false
    fails at its witness point at every false size up to 5, one built true holds there."""
    wrong = []
    for number, spec in enumerate(generated(LABEL_CHECKS)):
        lows = dict(spec.lows)
        for size in range(1, 6):
            sizes = {s: max(size, lows.get(s, 1)) for s in (n, m)}
            try:
                entries = reference_entries(spec, sizes)
            except Unevaluable:
                continue
            found = difference(entries, spec.relation, dict(spec.witness), random.Random(number))
            if bool(found) != spec.false_at({str(s): e for s, e in sizes.items()}):
                wrong.append(f"#{number} {spec.name} at {sizes}: {found or 'holds'}")
    assert not wrong, "\n".join(wrong[:10])


def _late_mutant(doc, claim, scaled: bool):
    """A claim whose difference is its first killable mutant's, times Z = Π_g (s - g) over
    the grid values g of one of its sizes: true on the grid, false beyond it. Either
    `lhs = rhs + Z (mutant - rhs)`, or (`scaled`) `Z lhs = Z mutant`, the form that solving an
    induction hypothesis by dividing by Z once proved. None for a claim without sizes, with
    array sides, or without a killable mutant."""
    item = stripped(claim)
    if any(has_arrays(side) or getattr(side, "is_Matrix", False) for side in (item.lhs, item.rhs)):
        return None
    ctx = context_of(doc)
    sizes = sizes_in(ctx, sympy.Tuple(item.lhs, item.rhs))
    if not sizes:
        return None
    grid = sorted({s[sizes[0]] for s in size_grid(ctx, claim, sizes)})
    vanishing = sympy.Mul(*(sizes[0] - g for g in grid))
    for _, mutant in mutants_of(claim):
        mutant = stripped(mutant)
        if not differs_somewhere(doc, mutant):
            continue
        if scaled:
            lhs, rhs = vanishing * mutant.lhs, vanishing * mutant.rhs
        else:
            lhs = item.lhs + vanishing * (mutant.lhs - item.lhs)
            rhs = item.rhs + vanishing * (mutant.rhs - item.rhs)
        late = dataclasses.replace(mutant, id=f"{claim.id}~late", lhs=lhs, rhs=rhs)
        return late, {str(sizes[0]): grid}
    return None


@pytest.mark.slow
def test_no_late_mutant_is_proved(load_document, mutation_tally):
    """Late mutants (issue 9 §2) of a seeded sample of the bundled documents' true claims."""
    candidates = [
        (load_document(name), claim)
        for name in BUNDLED
        for claim in load_document(name).claims
        if claim.expect is PROVED
    ]
    random.Random("late mutants").shuffle(candidates)
    found = []
    for doc, claim in candidates:
        scaled = len(found) % 2 == 1
        mutant = _late_mutant(doc, claim, scaled) if len(found) < LATE_MUTANTS else None
        found += [(doc, *mutant)] if mutant else []
    proved, tally = [], collections.Counter()
    for doc in {id(d): d for d, _, _ in found}.values():
        mutants = [(m, grid) for d, m, grid in found if d is doc]
        replaced = dataclasses.replace(doc, claims=tuple(m for m, _ in mutants), gradients=())
        for verdict, (_, grid) in zip(verify(replaced, jobs=JOBS, timeout=LATE_TIMEOUT), mutants):
            tally[verdict.status.value] += 1
            if _proves_beyond(verdict, grid):
                proved.append(f"{doc.name} {verdict.claim}: {verdict.status.value} {verdict.scope}")
    mutation_tally["late mutants (sample)"] = dict(
        tally, mutants=len(found), claims=len(candidates)
    )
    assert found
    assert not proved, "\n".join(proved)


def _proves_beyond(verdict, grid: dict) -> bool:
    if verdict.status is PROVED:
        return True
    if verdict.status is not PROVED_AT_SIZES:
        return False
    return any(
        e not in grid.get(k, (e,)) for sizes in claimed_sizes(verdict) for k, e in sizes.items()
    )
