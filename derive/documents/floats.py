"""Floats in a document: read as the decimals written, and never rounded on the way.

A claim's floats are read as the decimals written (README, Conventions), but SymPy computes
with floats as Python runs the document, before derive reads anything: x + 1 + 1e-35 was
built as x + 1.0 and `= x + 1` PROVED; x + 1e30 + 1 - 1e30 was built as x; 0.1x + 0.2x as
0.30000000000000004x and x/3.0 as 0.333333333333333x (true claims REFUTED); exp(1e-20) as
1.0. So a document file's float literals become `Written` floats before it runs
(`exact_literals`): Python floats to Python, and to SymPy the exact number written (0.1 is
1/10, 1 + 1e-35 is 1 + 1/10³⁵); and any float SymPy still rounds while the document is built
(a Float made otherwise: Float('0.1'), S('1e-35'), a helper module's) is an error that names
the line (`kept_exact`).
"""

from __future__ import annotations

import ast
import contextlib
import decimal
import functools
import importlib.util
import io
import math
import numbers
import os
import sys
import tokenize

import sympy
from sympy.core import function
from sympy.core.function import Function
from sympy.core.sympify import converter

_LIBRARIES = (os.sep + "sympy" + os.sep, os.sep + "mpmath" + os.sep)
_HERE = os.path.abspath(__file__)
MAX_POWER = 4096  # a larger integer power of a float is not checked exactly: it rounds


class Written(float):
    """A document's float literal: a Python float in every plain-Python use (NumPy, math,
    formatting, hashing), and to SymPy the exact number written; arithmetic with integers
    and other literals keeps that exact number beside Python's float (1 + 1e-35 is the float
    1.0 to Python, 1 + 1/10³⁵ to SymPy)."""

    def __new__(cls, value, exact):
        written = super().__new__(cls, value)
        written.exact = exact
        return written

    def __reduce__(self):
        return Written, (float(self), self.exact)

    def _with(self, other, operate, reflected=False):
        if isinstance(other, Written | int) and not isinstance(other, bool):
            pair = (other, self) if reflected else (self, other)
            value = operate(*(float(a) if isinstance(a, Written) else a for a in pair))
            exact = operate(
                *(a.exact if isinstance(a, Written) else sympy.Integer(a) for a in pair)
            )
            return Written(value, exact)
        if isinstance(other, float | complex):
            pair = (other, float(self)) if reflected else (float(self), other)
            return operate(*pair)  # a computed float: Python's arithmetic
        return NotImplemented  # SymPy's own (it sympifies this literal exactly)

    def __add__(self, other):
        return self._with(other, lambda a, b: a + b)

    def __radd__(self, other):
        return self._with(other, lambda a, b: a + b, True)

    def __sub__(self, other):
        return self._with(other, lambda a, b: a - b)

    def __rsub__(self, other):
        return self._with(other, lambda a, b: a - b, True)

    def __mul__(self, other):
        return self._with(other, lambda a, b: a * b)

    def __rmul__(self, other):
        return self._with(other, lambda a, b: a * b, True)

    def __truediv__(self, other):
        return self._with(other, lambda a, b: a / b)

    def __rtruediv__(self, other):
        return self._with(other, lambda a, b: a / b, True)

    def __pow__(self, other):
        if isinstance(other, int) and not isinstance(other, bool) and abs(other) <= MAX_POWER:
            return Written(float(self) ** other, self.exact**other)
        return self._with(other, lambda a, b: a**b) if isinstance(other, float) else NotImplemented

    def __neg__(self):
        return Written(-float(self), -self.exact)

    def __pos__(self):
        return self


converter[Written] = lambda written: written.exact


@functools.lru_cache(maxsize=4096)
def _exact(digits: str):
    return sympy.Rational(digits)


def written_literal(value: float, digits: str) -> Written:
    """The literal `digits` (as the document's source spells it) of the float `value`."""
    return Written(value, _exact(digits))


def exact_literals(source: bytes, filename: str):
    """The document's code with every finite float literal a `Written` float of the digits
    in the source, `__derive_written__(0.1, '0.1')`. Rewritten token by token, so that the
    code compiles as deep as Python compiles it (a sum of thousands of terms) and every line
    keeps its number; a BOM and a coding declaration are honoured; a `case` line keeps its
    literals (a pattern takes literals only)."""
    text = importlib.util.decode_source(source)
    lines = text.splitlines(keepends=True)
    edits = []  # (row, start column, end column, replacement)
    pattern_line = None
    try:
        tokens = list(tokenize.generate_tokens(io.StringIO(text).readline))
    except tokenize.TokenError:
        compile(text, filename, "exec")  # the syntax error, with its line
        raise
    for token in tokens:
        if token.type == tokenize.NAME and token.string == "case" and _starts_line(token, lines):
            pattern_line = token.start[0]
        if token.type != tokenize.NUMBER or token.start[0] == pattern_line:
            continue
        value = ast.literal_eval(token.string)
        if type(value) is float and math.isfinite(value):
            digits = token.string.replace("_", "")
            call = f"__derive_written__({token.string}, {digits!r})"
            edits.append((token.start[0], token.start[1], token.end[1], call))
    for row, begin, end_column, call in reversed(edits):
        line = lines[row - 1]
        lines[row - 1] = line[:begin] + call + line[end_column:]
    return compile("".join(lines), filename, "exec")


def _starts_line(token, lines) -> bool:
    return not lines[token.start[0] - 1][: token.start[1]].strip()


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
    "Rational(1, 10**35) for 1e-35, or the value meant (S(1)/3, exp(x), sqrt(2))"
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
    """Whether the innermost caller outside SymPy, mpmath and this watch is building the
    document: its code, a module it imports, or derive's declarations (claim() rebuilds an
    unevaluated Add); not a library module's import-time code (sympy.physics.units computes
    its constants as simplify imports it)."""
    frame = sys._getframe(2)
    while frame is not None:
        path = frame.f_code.co_filename
        if path.startswith("<frozen"):
            return False
        if path != _HERE and not any(library in path for library in _LIBRARIES):
            return True
        frame = frame.f_back
    return False
