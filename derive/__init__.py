"""derive: check hand-written gradient derivations, and generate kernels from them.

Everything a document needs is importable from here, so a document has one import line
besides SymPy's:

    from derive import Source, claim, define, document, sigmoid

The names are loaded on first use: `import derive` alone imports nothing heavy (the pytest
plugin and the command line start fast).
"""

from __future__ import annotations

import importlib
import sys
import warnings

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
    "derive.notation.primitives": (
        "leaky_relu",
        "leaky_relu_slope",
        "relu",
        "sigmoid",
        "silu",
        "softplus",
    ),
    "derive.notation.aggregates": ("Card", "SetSum", "SetSymbol", "SubsetSum"),
    "derive.notation.arrays": (
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
    "derive.notation.tensors": (
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
    "derive.notation.sequences": ("Convolve", "Correlate", "Seq", "SeqOf"),
    "derive.notation.perturb": ("FirstOrder", "Increment"),
}
_HOME = {name: module for module, names in _VOCABULARY.items() for name in names}
__all__ = sorted(_HOME)


def __getattr__(name: str):
    if name not in _HOME:
        raise AttributeError(f"module 'derive' has no attribute {name!r}")
    importlib.import_module("derive.notation")  # SymPy corrected before a document builds
    value = getattr(importlib.import_module(_HOME[name]), name)
    globals()[name] = value  # the next lookup is a plain attribute
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})


class _CorrectSympy:
    """Loads derive's corrections to SymPy (derive/notation/corrections.py) as soon as SymPy
    itself is imported, so that no expression is built with SymPy's uncorrected facts:
    `import derive` and then SymPy, with the first name taken from derive only after some
    expressions were built (`derive.claim(...)` at the end), built `Eq(q**2, 2)` as False for
    an irrational q. A meta path finder that answers for "sympy" alone; it leaves once SymPy
    is loaded (a lookup alone, importlib.util.find_spec("sympy"), loads nothing)."""

    def find_spec(self, name, path=None, target=None):
        if name != "sympy" or "sympy" in sys.modules:
            return None
        for finder in sys.meta_path:
            if finder is self or isinstance(finder, _CorrectSympy):
                continue
            spec = getattr(finder, "find_spec", lambda *_: None)(name, path, target)
            if spec is not None and spec.loader is not None:
                break
        else:
            return None
        load = spec.loader.exec_module

        def exec_module(module):
            load(module)
            _stop_correcting()
            importlib.import_module("derive.notation")

        spec.loader.exec_module = exec_module  # this spec's own loader object
        return spec


def _stop_correcting() -> None:
    """Take the finder out (SymPy is imported, or a process that never builds a claim:
    the pytest plugin, which pytest loads in every run, leaves SymPy as it is)."""
    sys.meta_path[:] = [f for f in sys.meta_path if not isinstance(f, _CorrectSympy)]


if "sympy" in sys.modules:
    importlib.import_module("derive.notation")  # cheap: SymPy is loaded already
else:
    sys.meta_path.insert(0, _CorrectSympy())


class MovedWarning(FutureWarning):
    """An import path that moved; shown by default, since a document's author should see it."""


def _moved(old: str, new: str) -> None:
    """Make the module `old` the module `new`, warning once that the path moved."""
    warnings.warn(
        f"{old} has moved to {new}: import from {new}, or from derive itself "
        f"(`from derive import ...`); the old path will be removed",
        MovedWarning,
        stacklevel=3,
    )
    sys.modules[old] = importlib.import_module(new)
