"""The notation documents are written in: what a claim's symbols mean, never how it is decided.

Aggregates SymPy lacks (`aggregates`), arrays with NumPy semantics and their entries
(`arrays`, `array_entries`), matrix and sequence notation (`tensors`, `sequences`),
perturbations (`perturb`), partials with respect to intermediates (`partials`), the registry of
ML primitives (`primitives`) and the one-line text form of all of it (`text`).

Imports: `derive.model` and this package only (tests/test_architecture.py keeps it so).
"""
