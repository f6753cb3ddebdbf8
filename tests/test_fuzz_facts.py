"""SymPy's facts against the values they speak of (slow campaign): a seeded sample of the
fact fuzzer (tests/fuzz_facts.py). A wrong fact that SymPy acts on while a document builds its
claims makes a false claim true as built, and no later check can see it."""

from __future__ import annotations

import os
import sys

import pytest

# The fuzzer lives beside this file; pytest's importlib mode puts no test folder on sys.path.
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import fuzz_facts  # noqa: E402

EXPRESSIONS = int(os.environ.get("DERIVE_FACT_EXPRESSIONS", "100"))
SEED = int(os.environ.get("DERIVE_FACT_SEED", "20261207"))
SECONDS = 300.0  # the sample stops here on a slow host (about 0.8 s per expression)


@pytest.mark.slow
def test_sympys_facts_hold_at_the_values_they_speak_of():
    findings = fuzz_facts.deduplicate(fuzz_facts.campaign(SEED, EXPRESSIONS, SECONDS))
    shown = [
        f"{f.kind} {f.function}.is_{f.fact} = {f.answer}: {f.expression} with {f.assumptions}"
        f" at {f.point} is {f.value}"
        for f in findings
    ]
    print(
        f"fact fuzzer: seed {SEED}, {fuzz_facts.STATS['drawn']} expressions drawn, "
        f"{fuzz_facts.STATS['checked_points']} points checked, {len(findings)} findings"
    )
    assert not findings, "\n".join(shown)
