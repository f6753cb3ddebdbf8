"""Soundness: no mechanical mutant of a true claim is ever proved (slow campaign)."""

import collections
import dataclasses
import os

import pytest

from derive.documents import BUNDLED
from derive.engine.mutate import differs_somewhere, mutants_of
from derive.model import PROVED, PROVED_AT_SIZES
from derive.verify import stripped, verify

MINIMUM_MUTANTS = 200
MUTANT_TIMEOUT = 20.0
# Enough per document that five documents give well over MINIMUM_MUTANTS; 0 runs them all.
PER_DOCUMENT = int(os.environ.get("DERIVE_MUTANTS_PER_DOCUMENT", "80"))
JOBS = int(os.environ.get("DERIVE_SLOW_JOBS", "2"))  # worker processes at once


def _killable_mutants(doc):
    """Mutants the oracle can tell apart, taken round-robin over the claims (every claim's
    first mutant before any claim's second), up to PER_DOCUMENT."""
    per_claim = [[m for _, m in mutants_of(c)] for c in doc.claims if c.expect is PROVED]
    found = []
    for rank in range(max(map(len, per_claim), default=0)):
        for mutants in per_claim:
            if PER_DOCUMENT and len(found) >= PER_DOCUMENT:
                return found
            if rank < len(mutants) and differs_somewhere(doc, stripped(mutants[rank])):
                found.append(mutants[rank])
    return found


@pytest.mark.slow
def test_no_mutant_is_proved(load_document, mutation_tally):
    tallies, total = collections.Counter(), 0
    for name in BUNDLED:
        doc = load_document(name)
        mutants = _killable_mutants(doc)
        verdicts = verify(
            dataclasses.replace(doc, claims=tuple(mutants), gradients=()),
            jobs=JOBS,
            timeout=MUTANT_TIMEOUT,
        )
        proved = [v.claim for v in verdicts if v.status in (PROVED, PROVED_AT_SIZES)]
        assert not proved, f"{name}: mutants proved: {proved}"
        assert not [v.claim for v in verdicts if v.internal]
        tally = collections.Counter(v.status.value for v in verdicts)
        mutation_tally[name] = dict(tally, mutants=len(mutants))
        tallies.update(tally)
        total += len(mutants)
    mutation_tally["all documents"] = dict(tallies, mutants=total)
    assert total >= MINIMUM_MUTANTS
