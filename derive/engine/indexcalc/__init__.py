"""The index-calculus core: an expression as sums of products over index ranges with
Kronecker deltas (`terms`), the range prover (`ranges`), deltas summed out where it allows
(`deltas`, on terms and on SymPy sums alike), bound indices named canonically and nested sums
put in order by one permutation search (`canonical`), and the normal form that decides equality
(`normal`).

Every rewrite here is an identity: distributing products over sums, renaming bound indices,
nesting sums in another valid order, summing a delta out only where its value provably lies in
the summed range, and replacing a system of deltas by its reduced row echelon form.
"""

from derive.engine.indexcalc.canonical import (
    MAX_PERMUTED,
    canonical_indices,
    canonical_key,
    index_orders,
    is_contradictory,
    is_valid_order,
    position_name,
)
from derive.engine.indexcalc.deltas import (
    collapse_deltas,
    eliminate_deltas,
    linear_part,
    over_all_integers,
    settle,
    solve_delta,
    unify_deltas,
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
from derive.engine.indexcalc.ranges import (
    BOUND_ROUNDS,
    at_least,
    extreme,
    interval,
    locate,
    nonnegative,
    ranges_proper,
)
from derive.engine.indexcalc.terms import (
    MAX_TERMS,
    Term,
    TooLarge,
    expand_terms,
    fresh_indices,
)

__all__ = [
    "BINDERS",
    "BOUND_ROUNDS",
    "MAX_PERMUTED",
    "MAX_TERMS",
    "Term",
    "TooLarge",
    "at_least",
    "canonical_indices",
    "canonical_key",
    "collapse_deltas",
    "eliminate_deltas",
    "expand_terms",
    "extreme",
    "fresh_indices",
    "index_orders",
    "index_residual",
    "index_zero",
    "interval",
    "is_contradictory",
    "is_valid_order",
    "linear_part",
    "locate",
    "named_arguments",
    "nonnegative",
    "normal_form",
    "normal_terms",
    "over_all_integers",
    "position_name",
    "ranges_proper",
    "settle",
    "solve_delta",
    "unify_deltas",
    "within",
]
