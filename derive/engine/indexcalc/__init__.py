"""The index-calculus core: an expression as sums of products over index ranges with
Kronecker deltas (`terms`), deltas summed out where the range prover allows (`deltas`), bound
indices named canonically (`canonical`), and the normal form that decides equality (`normal`).

Every rewrite here is an identity: distributing products over sums, renaming and reordering
independent sums, summing a delta out only where its value provably lies in the summed range,
and replacing a system of deltas by its reduced row echelon form.
"""

from derive.engine.indexcalc.canonical import (
    MAX_PERMUTED,
    canonical_key,
    is_contradictory,
    position_name,
)
from derive.engine.indexcalc.deltas import (
    BOUND_ROUNDS,
    eliminate_deltas,
    is_nonnegative,
    linear_part,
    over_all_integers,
    settle,
    solve_delta,
    value_interval,
    within,
)
from derive.engine.indexcalc.normal import (
    BINDERS,
    index_residual,
    index_zero,
    named_arguments,
    normal_form,
    normal_terms,
)
from derive.engine.indexcalc.terms import (
    MAX_TERMS,
    Term,
    TooLarge,
    expand_terms,
)

__all__ = [
    "BINDERS",
    "BOUND_ROUNDS",
    "MAX_PERMUTED",
    "MAX_TERMS",
    "Term",
    "TooLarge",
    "canonical_key",
    "eliminate_deltas",
    "expand_terms",
    "index_residual",
    "index_zero",
    "is_contradictory",
    "is_nonnegative",
    "linear_part",
    "named_arguments",
    "normal_form",
    "normal_terms",
    "over_all_integers",
    "position_name",
    "settle",
    "solve_delta",
    "value_interval",
    "within",
]
