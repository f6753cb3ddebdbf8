"""Kernels from decided documents: lower ─► KernelSpecs ─► printer ─► template ─► generated/.

Per-document lowerings (`lowerings/`) bind a document's definitions to kernel arguments and
return `KernelSpec`s (`lowering`); `printing` turns every block into NumPy/Numba code,
`codegen` renders the templates and writes `generated/` atomically; `kernelcheck` and
`harnesses/` are the numeric half of `derive check`; `benchmarks/` measure the kernels against
their peers.

Imports: `derive.model`, `derive.notation`, `derive.engine` and this package only
(tests/test_architecture.py keeps it so).
"""
