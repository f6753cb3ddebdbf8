"""The bundled documents, and loading any document by name or from a file path.

A document module declares `DOCUMENT`. Loading one never stops the others: `load` either
returns the document or raises `LoadError` with a one-line reason naming it.
"""

from __future__ import annotations

import contextlib
import importlib
import importlib.util
import os
import sys
import threading
import traceback

import sympy

from derive.declare import ROOT as _ROOT
from derive.engine.deadline import Deadline, OutOfTime
from derive.model import Document

BUNDLED = ("selective_ssm", "ggnn_readout", "nn_library", "soft_logic", "gatv2")
LOAD_SECONDS = 10.0  # the least time a document gets to finish importing


class LoadError(Exception):
    """A document could not be loaded; the message is one line and names the document."""


class UnknownDocument(LoadError):
    """A name that is neither a bundled document nor an existing file."""


def source_file(document: Document) -> str:
    """The absolute path of the file `document` was declared in (its `path` is relative to
    the directory holding the `derive` package when the file lies under it)."""
    return os.path.join(_ROOT, document.path)


def is_path(spec: str) -> bool:
    return spec.endswith(".py") or os.sep in spec


def load(spec: str, seconds: float | None = None) -> Document:
    """Load the bundled document named `spec`, or the document module at path `spec`; with
    `seconds`, a module that has not finished importing by then is a LoadError."""
    if is_path(spec):
        return _load_path(spec, seconds)
    if spec not in BUNDLED:
        raise UnknownDocument(
            f"unknown document {spec!r}; valid names: {', '.join(BUNDLED)} (or a path to a .py file)"
        )
    filename = os.path.join(os.path.dirname(__file__), f"{spec}.py")
    return _checked(
        spec, filename, lambda: importlib.import_module(f"derive.documents.{spec}"), seconds
    )


def _load_path(path: str, seconds: float | None) -> Document:
    if os.path.isdir(path):
        raise UnknownDocument(f"{path}: is a directory; name a document's .py file")
    if not os.path.isfile(path):
        raise UnknownDocument(f"{path}: no such file")
    if not path.endswith(".py"):
        raise UnknownDocument(f"{path}: not a Python file; a document is a .py module")
    stem = os.path.splitext(os.path.basename(path))[0]
    spec = importlib.util.spec_from_file_location(f"derive_user_document_{stem}", path)

    def execute():
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        return module

    return _checked(path, os.path.abspath(path), execute, seconds)


def _deadline(seconds: float | None):
    """The import's deadline (an alarm, so only in the main thread), or no limit."""
    if seconds is None or threading.current_thread() is not threading.main_thread():
        return contextlib.nullcontext()
    return Deadline(seconds).guard()


class RoundedFloat(ArithmeticError):
    """SymPy rounded a float while a document was being built."""


def _decimal(number) -> sympy.Rational:
    """The exact decimal a number was written as (engine.terms.exact_decimal's reading)."""
    if isinstance(number, float) or (isinstance(number, sympy.Float) and number._prec <= 53):
        return sympy.Rational(repr(float(number)))
    return sympy.Rational(str(number)) if isinstance(number, sympy.Float) else number


def _written(number) -> str:
    """A number as a document would write it: a float as Python prints it."""
    return repr(float(number)) if isinstance(number, sympy.Float) else str(number)


_FLOAT_OPERATIONS = {  # name: (operator, whether the float is the right operand)
    "__add__": ("+", False),
    "__radd__": ("+", True),
    "__sub__": ("-", False),
    "__rsub__": ("-", True),
    "__mul__": ("*", False),
    "__rmul__": ("*", True),
    "__truediv__": ("/", False),
    "__rtruediv__": ("/", True),
}
_EXACT = {
    "+": lambda a, b: a + b,
    "-": lambda a, b: a - b,
    "*": lambda a, b: a * b,
    "/": lambda a, b: a / b if b else None,
}


@contextlib.contextmanager
def _floats_kept(filename: str):
    """Within: a float operation SymPy carries out for code in `filename` whose result is not
    the exact result of its operands' decimals raises RoundedFloat.

    A claim's floats are read as the decimals written (README, Conventions), but SymPy folds
    numbers as Python runs the document, before derive reads anything: x + 1 + 1e-35 was
    built as x + 1.0 and `= x + 1` PROVED; x + 1e30 + 1 - 1e30 was built as x; 0.1x + 0.2x
    as 0.30000000000000004x, and `= 0.3x` REFUTED. Only the operations the document's own
    lines cause are watched (the engine's evaluations are not).
    """
    originals = {name: getattr(sympy.Float, name) for name in _FLOAT_OPERATIONS}

    def watched(name):
        original, (operator, swapped) = originals[name], _FLOAT_OPERATIONS[name]

        def operation(number, other):
            result = original(number, other)
            plain = isinstance(other, (sympy.Number, float, int))
            if isinstance(result, sympy.Float) and plain and _by(filename):
                operands = (number, sympy.sympify(other))[:: -1 if swapped else 1]
                wanted = _EXACT[operator](*(_decimal(a) for a in operands))
                if wanted is not None and _decimal(result) != wanted:
                    left, right = (_written(a) for a in operands)
                    raise RoundedFloat(
                        f"SymPy rounded {left} {operator} {right} to {_written(result)} while "
                        "building the document (it folds numbers as Python runs the document; "
                        "derive reads a float as the decimal written); write such numbers "
                        "exactly, e.g. Rational(1, 10**35) or S('1e-35') for 1e-35"
                    )
            return result

        return operation

    for name in _FLOAT_OPERATIONS:
        setattr(sympy.Float, name, watched(name))
    try:
        yield
    finally:
        for name, original in originals.items():
            setattr(sympy.Float, name, original)


def _by(filename: str) -> bool:
    """Whether the innermost caller outside SymPy and mpmath is code in `filename`."""
    frame = sys._getframe(2)
    while frame is not None:
        path = frame.f_code.co_filename
        if os.sep + "sympy" + os.sep not in path and os.sep + "mpmath" + os.sep not in path:
            return os.path.abspath(path) == filename
        frame = frame.f_back
    return False


def _checked(name: str, filename: str, importer, seconds: float | None = None) -> Document:
    try:
        with _deadline(seconds), _floats_kept(filename):
            module = importer()
    except OutOfTime:
        raise LoadError(
            f"{name}: did not finish loading within {seconds:g} s (a loop at module level?)"
        ) from None
    except SyntaxError as problem:
        raise LoadError(f"{name}: syntax error at line {problem.lineno}: {problem.msg}") from None
    except Exception as problem:  # noqa: BLE001 - any failure of a document is reported
        where = _line_in(problem, filename)
        raise LoadError(f"{name}: {where}{type(problem).__name__}: {problem}") from None
    document = getattr(module, "DOCUMENT", None)
    if not isinstance(document, Document):
        raise LoadError(f"{name}: the module defines no DOCUMENT = document(...)")
    return document


def _line_in(problem: Exception, filename: str) -> str:
    """'line N: ' for the deepest frame of the failure inside the document's own file."""
    frames = [
        f
        for f in traceback.extract_tb(problem.__traceback__)
        if os.path.abspath(f.filename) == filename
    ]
    return f"line {frames[-1].lineno}: " if frames else ""
