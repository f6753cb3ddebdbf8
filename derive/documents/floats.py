"""Floats in a document: read as the decimals written, and never rounded on the way.

A claim's floats are read as the decimals written (README, Conventions), but SymPy computes
with floats as Python runs the document, before derive reads anything: x + 1 + 1e-35 was
built as x + 1.0 and `= x + 1` PROVED; x + 1e30 + 1 - 1e30 was built as x; 0.1x + 0.2x as
0.30000000000000004x and x/3.0 as 0.333333333333333x (true claims REFUTED); exp(1e-20) as
1.0. So a document file's float literals are made exact numbers before it runs
(`exact_literals`: 0.1 is Rational(1, 10), as written), and any float SymPy still rounds
while the document is built (a Float made otherwise: Float('0.1'), S('1e-35'), a helper
module's) is an error that names the line (`kept_exact`).
"""

from __future__ import annotations

import ast
import contextlib
import decimal
import math
import numbers
import os
import sys

import sympy
from sympy.core import function
from sympy.core.function import Function
from sympy.core.sympify import converter

import derive

_DERIVE = os.path.dirname(os.path.abspath(derive.__file__)) + os.sep
_DOCUMENTS = os.path.join(_DERIVE, "documents") + os.sep
_LIBRARIES = (os.sep + "sympy" + os.sep, os.sep + "mpmath" + os.sep)
_HERE = os.path.abspath(__file__)
MAX_POWER = 4096  # a larger integer power of a float is not checked exactly: it rounds


def exact_literals(source: str, filename: str):
    """The document's code with every float literal an exact Rational of the digits
    written (1e-35 is Rational('1e-35'), 0.1 is 1/10): SymPy never sees a float there."""
    tree = ast.parse(source, filename)

    class Exact(ast.NodeTransformer):
        def visit_Constant(self, node):
            if type(node.value) is not float:
                return node
            written = (ast.get_source_segment(source, node) or "").replace("_", "")
            try:
                sympy.Rational(written)
            except (TypeError, ValueError):
                written = repr(node.value)
            rational = ast.parse(f"__import__('sympy').Rational({written!r})", mode="eval")
            return ast.copy_location(rational.body, node)

    return compile(ast.fix_missing_locations(Exact().visit(tree)), filename, "exec")


class RoundedFloat(ArithmeticError):
    """SymPy rounded a float while a document was being built."""


def _decimal(number):
    """The exact value a number was written as: a float's shortest decimal (as
    engine.terms.exact_decimal reads it), None for a float beyond float range (inf, nan)."""
    if isinstance(number, float | sympy.Float):
        if not math.isfinite(float(number)) or (float(number) == 0 and not number == 0):
            return None if not isinstance(number, sympy.Float) else _long(number)
        if isinstance(number, float) or number._prec == 53:
            return sympy.Rational(repr(float(number)))
        return _long(number)
    if isinstance(number, decimal.Decimal):
        return sympy.Rational(str(number)) if number.is_finite() else None
    return sympy.sympify(number)


def _exact_decimal(number: decimal.Decimal):
    if number.is_finite():
        return sympy.Rational(str(number))
    return sympy.nan if number.is_nan() else sympy.oo if number > 0 else -sympy.oo


def _long(number):
    """A SymPy float outside double range, or of more digits, by its decimal digits."""
    text = str(number)
    return None if "inf" in text or "nan" in text else sympy.Rational(text)


def _written(number) -> str:
    """A number as a document would write it: a float as Python prints it."""
    if isinstance(number, sympy.Float) and math.isfinite(float(number)) and float(number):
        return repr(float(number))
    return str(number)


_OPERATIONS = {  # Float's method: (operator, whether the float is the right operand)
    "__add__": ("+", False),
    "__radd__": ("+", True),
    "__sub__": ("-", False),
    "__rsub__": ("-", True),
    "__mul__": ("*", False),
    "__rmul__": ("*", True),
    "__truediv__": ("/", False),
    "__rtruediv__": ("/", True),
    "__mod__": ("%", False),
    "__rmod__": ("%", True),
    "_eval_power": ("**", False),
}
_EXACT = {
    "+": lambda a, b: a + b,
    "-": lambda a, b: a - b,
    "*": lambda a, b: a * b,
    "/": lambda a, b: a / b if b else None,
    "%": lambda a, b: a % b if b else None,
    "**": lambda a, b: a**b if (a or b > 0) and abs(b) <= MAX_POWER else None,
}
_ADVICE = (
    " while building the document (it computes with floats as Python runs the document; "
    "derive reads a float as the decimal written): write such numbers exactly, e.g. "
    "Rational(1, 10**35) or S('1e-35') for 1e-35, or the value meant (1/3, exp(x), sqrt(2))"
)


@contextlib.contextmanager
def kept_exact():
    """Within: a float that SymPy rounds for code other than its own, mpmath's or derive's
    (the document, a helper it imports, a string it sympifies) raises RoundedFloat. Watched:
    + - * / and powers with a float, and functions SymPy evaluates at floats (exp(1e-20) is
    1.0): each result against the exact result for the decimals written."""
    originals = {name: getattr(sympy.Float, name) for name in _OPERATIONS}
    # Function's and, where SymPy has it, DefinedFunction's (exp, cos…) own constructors.
    kinds = [k for k in (Function, getattr(function, "DefinedFunction", None)) if k is not None]
    constructors = {kind: kind.__dict__["__new__"] for kind in kinds}

    def watched(name):
        original, (operator, swapped) = originals[name], _OPERATIONS[name]

        def operation(number, other):
            result = original(number, other)
            plain = isinstance(other, sympy.Number | numbers.Number)
            if plain and isinstance(result, sympy.Number) and _for_a_document():
                operands = (number, sympy.sympify(other))[:: -1 if swapped else 1]
                exact = [_decimal(a) for a in operands]
                wanted = None if None in exact else _EXACT[operator](*exact)
                if wanted is None or not _equal(wanted, result):
                    shown = f" {operator} ".join(_written(a) for a in operands)
                    raise RoundedFloat(f"SymPy rounded {shown} to {_written(result)}{_ADVICE}")
            return result

        return operation

    def evaluating(construct):
        def evaluated(cls, *args, **options):
            result = construct(cls, *args, **options)
            floats = any(isinstance(a, float | sympy.Float) for a in args)
            if floats and isinstance(result, sympy.Number) and _for_a_document():
                exact = [_decimal(a) for a in args]
                if None in exact or not _equal(construct(cls, *exact), result):
                    shown = f"{cls.__name__}({', '.join(_written(a) for a in args)})"
                    raise RoundedFloat(f"SymPy evaluated {shown} to {_written(result)}{_ADVICE}")
            return result

        return evaluated

    for name in _OPERATIONS:
        setattr(sympy.Float, name, watched(name))
    for kind, construct in constructors.items():
        kind.__new__ = evaluating(construct)
    # A Decimal is sympified as the number it holds, not a 15-digit float of it.
    converters = converter
    decimals = converters.get(decimal.Decimal)
    converters[decimal.Decimal] = _exact_decimal
    try:
        yield
    finally:
        if decimals is None:
            converters.pop(decimal.Decimal, None)
        else:
            converters[decimal.Decimal] = decimals
        for name, original in originals.items():
            setattr(sympy.Float, name, original)
        for kind, construct in constructors.items():
            kind.__new__ = construct


def _equal(exact, result) -> bool:
    """Whether the float `result` is exactly `exact` (a number SymPy may not decide: no)."""
    written = _decimal(result) if isinstance(result, sympy.Float) else result
    if written is None:
        return False
    return exact == written or (sympy.sympify(exact) - written).is_zero is True


def _for_a_document() -> bool:
    """Whether the innermost caller outside SymPy, mpmath and this watch is a document's code
    (anything but derive's own, bar its bundled documents, and a module's import-time code:
    sympy.physics.units computes its constants as simplify imports it)."""
    frame = sys._getframe(2)
    while frame is not None:
        path = frame.f_code.co_filename
        if path.startswith("<frozen"):
            return False  # a library module's own code, run as it is imported
        if path != _HERE and not any(library in path for library in _LIBRARIES):
            path = os.path.abspath(path)
            return path.startswith(_DOCUMENTS) or not path.startswith(_DERIVE)
        frame = frame.f_back
    return False
