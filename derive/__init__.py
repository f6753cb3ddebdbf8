"""derive: check hand-written gradient derivations, and generate kernels from them.

Everything a document needs is importable from here, so a document has one import line
besides SymPy's:

    from derive import Source, claim, define, document, sigmoid

The names are loaded on first use: `import derive` alone imports nothing heavy (the pytest
plugin and the command line start fast).
"""

from __future__ import annotations

import importlib

# name → the module that defines it; the one list of a document's vocabulary.
_VOCABULARY = {
    "derive.declare": ("chain", "claim", "define", "document", "gradients", "recurrence"),
    "derive.model": (
        "NUMERIC",
        "PROVED",
        "PROVED_AT_SIZES",
        "REFUTED",
        "UNDECIDED",
        "Source",
        "Status",
    ),
    "derive.primitives": ("leaky_relu", "leaky_relu_slope", "relu", "sigmoid", "silu", "softplus"),
    "derive.aggregates": ("Card", "SetSum", "SetSymbol", "SubsetSum"),
    "derive.arrays": (
        "ArrayLiteral",
        "ArraySum",
        "Concat",
        "Diagonal",
        "Dot",
        "Hadamard",
        "Outer",
        "Stack",
        "Table",
        "Transposed",
    ),
    "derive.tensors": (
        "Entry",
        "HasShape",
        "Inner",
        "adjugate",
        "det",
        "inverse",
        "matrix",
        "scalar",
        "tabulate",
        "vector",
    ),
    "derive.sequences": ("Convolve", "Correlate", "Seq", "SeqOf"),
    "derive.perturb": ("FirstOrder", "Increment"),
}
_HOME = {name: module for module, names in _VOCABULARY.items() for name in names}
__all__ = sorted(_HOME)


def __getattr__(name: str):
    if name not in _HOME:
        raise AttributeError(f"module 'derive' has no attribute {name!r}")
    value = getattr(importlib.import_module(_HOME[name]), name)
    globals()[name] = value  # the next lookup is a plain attribute
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})
