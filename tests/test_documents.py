"""Every bundled document is well formed, quotes its seed verbatim, and can be refuted."""

import dataclasses

import pytest

from derive.engine.mutate import differs_somewhere, mutants_of
from derive.model import PROVED, REFUTED
from derive.verify import stripped, verify


def test_every_quote_is_verbatim_in_the_seed(bundled, seed_text):
    text = seed_text(bundled.source.seed)
    if text is None:
        pytest.skip(f"seed {bundled.source.seed} is not beside the checkout")
    missing = [c.id for c in bundled.claims if c.quote not in text]
    assert not missing


def test_claim_ids_are_unique_and_located(bundled):
    assert len(set(bundled.claim_ids)) == len(bundled.claim_ids)
    assert all(c.location.startswith("derive/documents/") for c in bundled.claims)


def test_documents_record_errata(bundled):
    assert any(c.expect is REFUTED for c in bundled.claims)


def test_mutated_copy_is_refuted_at_a_confirmed_point(bundled):
    for original in (c for c in bundled.claims if c.expect is PROVED):
        killable = [m for _, m in mutants_of(original) if differs_somewhere(bundled, stripped(m))]
        if killable:
            break
    mutated = dataclasses.replace(bundled, claims=(killable[0],), gradients=())
    (verdict,) = verify(mutated)
    assert verdict.status is REFUTED
    found = verdict.counterexample
    # Either the values differ at the point, or the shapes differ (computed exactly).
    assert found.lhs != found.rhs or "shape" in found.reason
