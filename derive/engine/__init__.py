"""The engine: decide each claim of a document, and say what was established.

Rewriting notation into index form (`desugar`), a document's terms (`terms`), the symbolic
normal forms (`prove`, `normal`, `regions`, `sumalgebra`, `bounds`) and the index-calculus
core (`indexcalc`), induction (`induction`),
counterexample search (`falsify`), seeded exact and 50-digit evaluation (`numeric`,
`confirm`), the strategies of one claim (`decide`), engine-derived gradients (`gradcheck`),
mutants for testing that it can say no (`mutate`), and time limits and worker processes
(`deadline`, `runner`).

Imports: `derive.model`, `derive.notation` and this package only
(tests/test_architecture.py keeps it so).
"""
