"""verify(): verdicts per claim, timeouts, and internal errors instead of wrong verdicts."""

import dataclasses

import pytest
import sympy

from derive.engine.terms import context_of
from derive.model import NUMERIC, PROVED, REFUTED, UNDECIDED
from derive.verify import DERIVED_OPS, _shown, select, verify

SSM = "selective_ssm"


def test_size_generic_identities_are_proved_for_all_sizes(load_document):
    verdicts = verify(load_document(SSM), ["general.subsets[2]", "unroll.general"], jobs=2)
    assert [v.status for v in verdicts] == [PROVED, PROVED]
    assert all("induction on ell" in v.method for v in verdicts)
    scopes = {v.claim: v.scope for v in verdicts}
    assert scopes["general.subsets[2]"] == "all sizes: E ≥ 1, ell ≥ 2"


def test_exact_check_of_the_subset_identity_runs_to_ten_terms(load_document):
    # The exact checks stop before a size that would take them past their share of the claim's
    # time; with a limit far above what ten sizes take (about 8 s on a quiet machine, a few
    # times that under load) every size runs. Stopping early is the next test's subject.
    (verdict,) = verify(load_document(SSM), ["general.subsets[2]"], timeout=900)
    checks = [d for d in verdict.details if d.startswith("exact check at")]
    assert all(": proved in" in d for d in checks)
    assert [c.split(":")[0] for c in checks] == [
        f"exact check at E = 1, ell = {ell}" for ell in range(2, 12)
    ]
    assert not [d for d in verdict.details if d.startswith("exact checks stopped")]


def test_exact_checks_stop_before_the_verdicts_time_runs_out(load_document):
    """Under a claim time limit the informational exact checks cannot use up, the proof's
    verdict stands: they stop early and say so, and the claim is still PROVED."""
    (verdict,) = verify(load_document(SSM), ["general.subsets[2]"], timeout=12)
    assert verdict.status is PROVED
    stopped = [d for d in verdict.details if d.startswith("exact checks stopped before")]
    assert len(stopped) == 1


def test_reading_with_bias_outside_the_sum_is_refuted(load_document):
    (verdict,) = verify(load_document(SSM), ["back.expand[1]/once"])
    assert verdict.status is REFUTED and verdict.matches
    assert dict(verdict.counterexample.point)["B_Δ[1]"] == "1"


def test_engine_gradients_are_numeric_evidence(load_document):
    (verdict,) = verify(load_document(SSM), ["grad.y.A"])
    assert verdict.status is NUMERIC and "central differences" in verdict.scope


def test_timeout_gives_undecided_and_the_run_goes_on(load_document):
    verdicts = verify(load_document(SSM), ["general.subsets[2]", "fun-fact[1]"], timeout=0.5)
    found = {v.claim: v for v in verdicts}
    slow = found["general.subsets[2]"]
    assert slow.status is UNDECIDED and slow.scope == "timeout after 0.5 s"
    assert found["fun-fact[1]"].status is PROVED


def test_symbolic_proof_contradicted_by_evaluation_is_refuted_naming_the_strategy(
    load_document, monkeypatch
):
    # The probe is switched off, so only the confirming evaluation stands between the bogus
    # strategy and a PROVED verdict; the confirmed counterexample wins, and says who failed.
    monkeypatch.setattr("derive.engine.decide.generic_method", lambda *args: "a bogus rewrite")
    monkeypatch.setattr("derive.engine.decide._probe_separates", lambda job: False)
    (verdict,) = verify(load_document(SSM), ["back.expand[1]/once"])
    assert verdict.status is REFUTED and not verdict.internal and not verdict.error
    assert any("bogus rewrite" in d for d in verdict.details)


def test_disagreement_without_a_confirmed_counterexample_is_undecided(load_document, monkeypatch):
    monkeypatch.setattr("derive.engine.decide.generic_method", lambda *args: "a bogus rewrite")
    monkeypatch.setattr("derive.engine.decide._probe_separates", lambda job: False)
    monkeypatch.setattr("derive.engine.decide.confirm_point", lambda *args: None)
    monkeypatch.setattr("derive.engine.decide.find_counterexample", lambda *args: None)
    (verdict,) = verify(load_document(SSM), ["back.expand[1]/once"])
    assert verdict.status is UNDECIDED and not verdict.internal
    assert "bogus rewrite" in verdict.scope and "disagree" in verdict.scope


def test_unknown_claim_is_named(load_document):
    with pytest.raises(KeyError, match="no claim 'nope'"):
        select(load_document(SSM), ["nope"])


def test_a_refuted_claim_with_array_sides_is_explained_without_an_internal_error(load_document):
    # Found by the mutation campaign: the residual of array-valued sides sent SymPy's factor
    # into endless recursion, which the worker reported as an internal error.
    doc = load_document("soft_logic")
    claim = next(c for c in doc.claims if c.id == "switch.if[rows]")
    wrong = dataclasses.replace(
        claim, id="sinh", rhs=claim.rhs.replace(sympy.exp, sympy.sinh), expect=REFUTED
    )
    (verdict,) = verify(dataclasses.replace(doc, claims=(wrong,), gradients=()), jobs=1)
    assert verdict.status is REFUTED and not verdict.internal


def test_a_derived_side_too_long_to_read_is_summarised(load_document):
    definitions = context_of(load_document("nn_library")).definitions.values()
    x = sympy.Symbol("x")
    short, long = {}, {}
    _shown(short, "derived", x + 1, DERIVED_OPS, definitions)
    assert short["derived"] == "x + 1"
    assert short["latex"] == (("derived", "x + 1"),)
    _shown(long, "derived", sum(x**k for k in range(DERIVED_OPS)), DERIVED_OPS, definitions)
    assert long["derived"].endswith("operations with every definition unfolded; not shown)")
    assert "latex" not in long
