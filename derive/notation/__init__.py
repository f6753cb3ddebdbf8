"""The notation documents are written in: what a claim's symbols mean, never how it is decided.

Aggregates SymPy lacks (`aggregates`), arrays with NumPy semantics and the one shape policy
(`arrays`), matrix and sequence notation (`tensors`, `sequences`), the one entry protocol for
arrays and matrix views (`array_entries`),
perturbations (`perturb`), partials with respect to intermediates (`partials`), the registry of
ML primitives (`primitives`) and the one-line text form of all of it (`text`).

Imports: `derive.model` and this package only (tests/test_architecture.py keeps it so).
"""

# SymPy's wrong rewrites corrected before any notation builds an expression (see the module).
from derive.notation import corrections  # noqa: F401, E402
