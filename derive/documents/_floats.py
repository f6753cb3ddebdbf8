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
import fractions
import functools
import importlib.util
import io
import math
import numbers
import os
import sys
import tokenize

import mpmath
import sympy
from sympy.core import function
from sympy.core.function import Function
from sympy.core.operations import AssocOp
from sympy.core.sympify import converter

from derive.engine.terms.context import exact_decimal

# SymPy's and mpmath's own files: where they are installed (a document's helper in a folder
# named sympy is the document's).
_LIBRARIES = tuple(
    os.path.dirname(os.path.abspath(module.__file__)) + os.sep for module in (sympy, mpmath)
)
_HERE = os.path.abspath(__file__)
# derive's notation (primitives, SymPy corrections) computes as SymPy does, for whoever calls:
# the document when it calls them itself, SymPy's own when SymPy does (a primitive's evalf
# while SymPy decides a fact of a float-free term).
_NOTATION = os.path.join(os.path.dirname(os.path.dirname(_HERE)), "notation") + os.sep
# SymPy's own computations whose floats become no term, where what they compute on holds no
# float: deciding an assumption (is √2 - 5 negative? at 2 bits; Interval(√2, 5) asks) and int()
# of an exact number (Mod(a, b) asks int(a/b); int() checks the rounding its floats made).
# Not Expr.round: its result is a term, and past 15 digits a wrong one (round(√2·10¹⁴) is
# 141421356237309; it is …310).
_INTERNAL = {  # function: (its file, the local it computes on)
    "_ask": (os.path.join(os.sep + "sympy", "core", "assumptions.py"), "obj"),
    "__int__": (os.path.join(os.sep + "sympy", "core", "expr.py"), "self"),
}
MAX_POWER = 4096  # a larger integer power of a literal is not carried exactly (see Lost)
# The files exact_literals compiled: code running from one of them is the document's (_math).
DOCUMENT_FILES: set[str] = set()


EXACT_BITS = 4096  # an exact value past this many bits is not carried (see Lost)


def _operations():
    """Python's arithmetic on a literal, with the exact result beside it where the other
    operand is exact too (another literal, an int, a bool, a Fraction, a NumPy integer)."""
    import operator

    exact_ops = {
        "add": operator.add,
        "sub": operator.sub,
        "mul": operator.mul,
        "truediv": operator.truediv,
        "floordiv": lambda a, b: sympy.floor(a / b),
        "mod": lambda a, b: a - b * sympy.floor(a / b),
    }
    methods = {}
    for name, exact in exact_ops.items():
        for reflected in (False, True):
            methods[f"__{'r' if reflected else ''}{name}__"] = _arithmetic(name, exact, reflected)
    return methods


def _exactly(number):
    """`number`'s exact value, or None (a float Python computed, a complex, anything else)."""
    if isinstance(number, Written):
        return number.exact
    if isinstance(number, numbers.Rational):  # int, bool, Fraction, NumPy integers
        return sympy.Rational(int(number.numerator), int(number.denominator))
    return None


def _arithmetic(name, exact, reflected):
    python = getattr(float, f"__{'r' if reflected else ''}{name}__")

    def operate(self, other):
        known = _exactly(other)
        if known is None:  # SymPy's reflected operation, or Python's on a float it computed
            if isinstance(other, complex):  # float's own operation leaves it to complex's
                result = getattr(complex, python.__name__)(complex(float(self)), other)
            else:
                result = python(float(self), other)
            marked = isinstance(other, Lost | LostComplex) or not self.carried()
            return _lost_result(name, reflected, self, other, result) if marked else result
        value = python(float(self), float(other))
        if not isinstance(value, float):
            return value
        try:
            pair = (known, self.exact) if reflected else (self.exact, known)
            result = exact(*pair)
        except ZeroDivisionError:
            return value
        return _kept(value, result)

    return operate


def _kept(value: float, exact):
    """A Written of `value` with `exact` beside it; a Lost float where the exact value is not
    a number SymPy holds exactly, or too large to carry on."""
    if not exact.is_Rational:
        return _lost(value)
    if max(abs(exact.p), exact.q).bit_length() > EXACT_BITS:
        return _lost(value, _gap(value, _fraction(exact)))
    return Written(value, exact)


def _fraction(rational) -> fractions.Fraction:
    """A SymPy Rational as Python's Fraction."""
    return fractions.Fraction(int(rational.p), int(rational.q))


def _lost(value, error=math.inf):
    """`value` (a Python float or complex) marked as no longer the number the document
    wrote, a float with `error`, a bound on how far it lies from that number: SymPy refuses
    it (see Lost)."""
    if isinstance(value, float):
        return Lost(value, error)
    if isinstance(value, complex):
        return LostComplex(value)
    return value


def _up(bound: float) -> float:
    """`bound`, rounded up past the float arithmetic that computed it."""
    return math.inf if not math.isfinite(bound) else math.nextafter(bound * (1 + 2**-50), math.inf)


def _gap(value: float, exact: fractions.Fraction) -> float:
    """A float no smaller than |value - exact| (never 0 where they differ: 10**-1400 gives the
    smallest subnormal, not 0)."""
    if not math.isfinite(value):
        return math.inf
    gap = abs(fractions.Fraction(value) - exact)
    bound = float(gap)
    return math.nextafter(bound, math.inf) if fractions.Fraction(bound) < gap else bound


def _with_error(number):
    """(double, error) of a number in a Lost float's arithmetic: a Lost float's bound, a
    literal's distance from the number written, 0 for a float Python computed (taken as
    computed); None for anything else."""
    if isinstance(number, Lost):
        return float(number), number.error
    if isinstance(number, Written):
        exact = _fraction(number.exact)
        return float(number), _gap(float(number), exact)
    if isinstance(number, numbers.Rational):  # int, bool, Fraction, NumPy integers
        try:
            double = float(number)
        except OverflowError:
            return None
        exact = fractions.Fraction(int(number.numerator), int(number.denominator))
        return double, _gap(double, exact)
    if isinstance(number, float | numbers.Real) and not isinstance(number, complex):
        return float(number), 0.0
    return None


def _error_of(name: str, a, b, result: float) -> float:
    """A bound on how far `result`, Python's a `name` b of the doubles, lies from the exact
    result of the numbers they stand for ((double, error) pairs a and b): the operands'
    errors carried through + - * /, and the result's own rounding; unknown (inf) for the
    other operations (a power, //, %)."""
    if a is None or b is None or not math.isfinite(result):
        return math.inf
    (x, ex), (y, ey) = a, b
    rounding = math.ulp(result)
    if name in ("add", "sub"):
        return _up(ex + ey + rounding)
    if name == "mul":
        return _up(abs(x) * ey + abs(y) * ex + ex * ey + rounding)
    if name == "truediv" and abs(y) > ey:
        return _up((abs(x) * ey + abs(y) * ex) / (abs(y) * (abs(y) - ey)) + rounding)
    return math.inf


def _lost_result(name: str, reflected: bool, number, other, result):
    """`result` of number `name` other (other `name` number if `reflected`) as a Lost float
    (or complex) with its error bound."""
    if not isinstance(result, float):
        return _lost(result)
    a, b = _with_error(number), _with_error(other)
    return _lost(result, _error_of(name, *((b, a) if reflected else (a, b)), result))


def _refuse(value):
    raise RoundedFloat(f"{_LOST} reached SymPy ({value!r}){_ADVICE}")


_LOST = (
    "a float that no longer holds the number written (an exact value past "
    f"{EXACT_BITS} bits, a power past {MAX_POWER}, a literal that no double holds meeting a "
    "float Python computed or a complex, or a math function's value that its double does not "
    "hold: math.exp(0.5) is not e^(1/2))"
)


def _tainting(kind, name):
    python = getattr(kind, name)
    operation = name.strip("_")
    reflected = operation.startswith("r") and operation[1:] in _TAINTED
    operation = operation[1:] if reflected else operation

    def operate(self, *others):
        result = python(self, *others)
        if result is NotImplemented or kind is LostComplex:
            return result if result is NotImplemented else _lost(result)
        if not others:  # -, +, abs, conjugate: the same distance
            return _lost(result, self.error)
        return _lost_result(operation, reflected, self, others[0], result)

    return operate


def _refusing(name):
    def refuse(self, *others):
        raise RoundedFloat(
            f"{name} of {_LOST} ({complex(self) if isinstance(self, complex) else float(self)!r}"
            ") would decide by its double, within its error" + _ADVICE
        )

    return refuse


def _deciding(name, decide):
    """A Lost float's `name`, taken from its double where that decides it whatever the
    number it stands for (within its error); refused otherwise."""
    refuse = _refusing(name)

    def method(self, *others):
        if others and _with_error(others[0]) is None:
            return NotImplemented  # not a number: SymPy's reflected operation, or Python's
        result = decide(self, *others)
        return refuse(self, *others) if result is None else result

    return method


def _order(compare):
    """An order or equality of a Lost float and a number, where their doubles lie further
    apart than both errors together (or both are exact)."""

    def decide(self, other):
        if other is self:  # the one number, whatever it is: min(lrs) == lrs[-1]
            return compare(0, 0)
        (a, ea), (b, eb) = _with_error(self), _with_error(other)
        apart = abs(a - b) > _up(ea + eb)
        return compare(a, b) if apart or ea + eb == 0 else None

    return decide


def _rounding(rounding):
    """A monotone rounding of a Lost float where it is the same at both ends of the interval
    its error allows (so the number it stands for rounds so too); round() to `ndigits`
    decimals as well (round(lr, 6)), giving the literal of those decimals."""

    def decide(self, ndigits=None):
        a, error = _with_error(self)
        low, high = math.nextafter(a - error, -math.inf), math.nextafter(a + error, math.inf)
        if not (math.isfinite(low) and math.isfinite(high)):
            return None
        if ndigits is None:
            return rounding(a) if rounding(low) == rounding(high) else None
        rounded = rounding(low, ndigits)
        if rounded != rounding(high, ndigits):
            return None
        return Written(rounded, sympy.Rational(repr(rounded)))

    return decide


def _truth(self):
    a, error = _with_error(self)
    return bool(a) if error == 0 else (True if abs(a) > error else None)


_DECIDED = {
    "__lt__": _order(lambda a, b: a < b),
    "__le__": _order(lambda a, b: a <= b),
    "__gt__": _order(lambda a, b: a > b),
    "__ge__": _order(lambda a, b: a >= b),
    "__eq__": _order(lambda a, b: a == b),
    "__ne__": _order(lambda a, b: a != b),
    "__bool__": _truth,
    "__floor__": _rounding(math.floor),
    "__ceil__": _rounding(math.ceil),
    "__trunc__": _rounding(math.trunc),
    "__int__": _rounding(int),
    "__round__": _rounding(round),
}


class Lost(float):
    """A float computed from literals whose exact value was not carried on: x·1e-200**7 is
    0.0 to Python, and SymPy would build it as 0. A Python float still, and its arithmetic
    results are Lost too; SymPy refuses it (RoundedFloat, naming the line). It carries
    `error`, a bound on how far it lies from the number its literals' exact arithmetic gives
    (floats Python computed taken as computed), through + - * /; an order, an equality, a
    truth value or a rounding it decides whatever that number is taken, and refused where
    the error leaves it open (a learning rate decayed by 0.999 until below 1e-3 is decided;
    1e-200**7 > 0, whose double is 0.0, is not)."""

    def __new__(cls, value=0.0, error=math.inf):
        lost = super().__new__(cls, value)
        lost.error = error if math.isfinite(value) else math.inf
        return lost

    def __reduce__(self):
        return Lost, (float(self), self.error)


class LostComplex(complex):
    """A complex computed from a literal that no double holds ((1 + 1e-20)·1j is 1j to
    Python): as Lost, with no error bound: whatever would decide by it is refused."""


_TAINTED = ("add", "sub", "mul", "truediv", "floordiv", "mod", "pow")
for _kind in (Lost, LostComplex):
    for _name in (*(f"__{n}__" for n in _TAINTED), *(f"__r{n}__" for n in _TAINTED)):
        if hasattr(_kind, _name):
            setattr(_kind, _name, _tainting(_kind, _name))
    for _name in ("__neg__", "__pos__", "__abs__", "conjugate"):
        setattr(_kind, _name, _tainting(_kind, _name))
    # Its parts stay marked (a Lost float's real part keeps its error); what its double would
    # decide (an order, an equality, a truth value, a rounding to an integer) is taken only
    # where the error cannot change it, and a hash is refused.
    if _kind is Lost:
        _kind.real = property(lambda self: Lost(float(self), self.error))
        _kind.imag = property(lambda self: Lost(0.0, 0.0))
    else:
        _kind.real = property(lambda self: Lost(complex.real.__get__(self)))
        _kind.imag = property(lambda self: Lost(complex.imag.__get__(self)))
    for _name in (
        "__lt__",
        "__le__",
        "__gt__",
        "__ge__",
        "__eq__",
        "__ne__",
        "__hash__",
        # Its double as an exact number (Fraction(x) and Fraction.from_float read it so),
        # its digits, whether it is an integer: refused, whatever the error.
        "as_integer_ratio",
        "hex",
        "is_integer",
        "__bool__",
        "__int__",
        "__floor__",
        "__ceil__",
        "__trunc__",
        "__round__",
        "__divmod__",
        "__rdivmod__",
    ):
        if not hasattr(_kind, _name):
            continue
        decide = _DECIDED.get(_name) if _kind is Lost else None
        setattr(_kind, _name, _refusing(_name) if decide is None else _deciding(_name, decide))
    converter[_kind] = _refuse


class Written(float):
    """A document's float literal: a Python float in every plain-Python use (NumPy, math,
    formatting, hashing; type(0.5) is this subclass, not float itself), and to SymPy the
    exact number written. Arithmetic with integers and other literals (+ − × ÷ // % ** by an
    integer, −, abs) keeps the exact result beside Python's float (1 + 1e-35 is the float
    1.0 to Python, 1 + 1/10³⁵ to SymPy); min, max and comparisons are Python's."""

    def __new__(cls, value=0.0, exact=None):
        written = super().__new__(cls, value)
        written.exact = exact if exact is not None else sympy.Rational(repr(float(written)))
        return written

    def __reduce__(self):
        return Written, (float(self), self.exact)

    def carried(self) -> bool:
        """Whether the float itself reads as the number written (0.1 does; 1 + 1e-35, the
        float 1.0, does not)."""
        return sympy.Rational(repr(float(self))) == self.exact

    def __pow__(self, other):
        value = float.__pow__(float(self), other)
        known = _exactly(other)
        integral = known is not None and known.is_Integer
        if value is NotImplemented or (integral and self.exact == 0 and known < 0):
            return value
        if integral and abs(known) > MAX_POWER and abs(self.exact) != 1:
            return _lost(value, self._power_error(int(known), value))  # 0.5**5000 is 0.0
        if not integral:  # a root or a float power: the number written's, as math.pow's
            return _root(self, other, value)
        return _kept(value, self.exact**known) if isinstance(value, float) else value

    def _power_error(self, n: int, value: float) -> float:
        """A bound on |value - exact**n| for Python's value = double**n: with r the relative
        distance of the double from the number written, |ln(exact/double)| <= r/(1 - r), so
        the n-th powers lie within a factor expm1(|n|·r/(1 - r)) of each other; plus the
        power's own rounding (C's pow, within an ulp)."""
        double = float(self)
        if double == 0 or value == 0 or not math.isfinite(value):
            return math.inf
        exact = _fraction(self.exact)
        r = _up(_gap(double, exact) / abs(double))
        if r >= 0.5:
            return math.inf
        growth = math.expm1(_up(abs(n) * r / (1 - r)))
        rounding = 2 * math.ulp(value)
        return _up(rounding + (abs(value) + rounding) * growth)

    def __rpow__(self, other):
        known = _exactly(other)
        exponent = self.exact
        small = abs(exponent) <= MAX_POWER or abs(known or 0) in (0, 1)
        if known is not None and exponent.is_Integer and not small:
            # 2**-5000.0 is 0.0 to Python: its exact value is not carried on (see Lost).
            return _lost(float(other) ** float(self))
        if known is not None and exponent.is_Integer:
            # An exact base (an int, a Fraction) to an integral literal: exact, as
            # 0.1**2.0 is (3**-2.0 is 1/9, not the double 0.1111111111111111).
            if known == 0 and exponent < 0:
                raise ZeroDivisionError("0.0 cannot be raised to a negative power")
            value = float(other) ** float(self)
            return _kept(value, known**exponent) if isinstance(value, float) else value
        plain = float(other) if isinstance(other, fractions.Fraction) else other
        value = float.__rpow__(float(self), plain)
        return value if value is NotImplemented else _root(other, self, value)

    def __neg__(self):
        return Written(-float(self), -self.exact)

    # Rounded to an integer by the exact value: math.floor(2 - 1e-20) is 1, as
    # (2 - 1e-20) // 1 is, not the double's 2.
    def __floor__(self):
        return int(sympy.floor(self.exact))

    def __ceil__(self):
        return int(sympy.ceiling(self.exact))

    def __trunc__(self):
        return int(self.exact)  # toward 0

    __int__ = __trunc__

    def __round__(self, ndigits=None):
        exact = _fraction(self.exact)
        if ndigits is None:
            return round(exact)  # half to even, as Python rounds
        rounded = round(exact, ndigits)
        return _kept(float(rounded), sympy.Rational(rounded.numerator, rounded.denominator))

    def __divmod__(self, other):
        return self // other, self % other

    def __rdivmod__(self, other):
        return other // self, other % self

    # Ordered by the exact values where both are known (min(1 + 1e-35, 1.0) is 1.0, the
    # smaller written number; a Decimal is exact too); == and hashing stay Python's, as dicts
    # and sets need. A marked float decides, or refuses, from its own side (0.0 < 1e-200**7
    # was False, from the doubles).
    def _order(self, other, python, exact):
        if isinstance(other, Lost | LostComplex):
            return NotImplemented
        known = _exactly(other)
        if known is None and isinstance(other, decimal.Decimal) and other.is_finite():
            known = _exact_decimal(other)
        return python(float(self), other) if known is None else exact(self.exact, known)

    def __eq__(self, other):
        if isinstance(other, Lost | LostComplex):
            return NotImplemented
        return float.__eq__(self, other)

    def __ne__(self, other):
        if isinstance(other, Lost | LostComplex):
            return NotImplemented
        return float.__ne__(self, other)

    __hash__ = float.__hash__

    def __bool__(self):  # by the number written: (1 + 1e-35) - 1 is not 0
        return bool(self.exact)

    def __lt__(self, other):
        return self._order(other, float.__lt__, lambda a, b: bool(a < b))

    def __le__(self, other):
        return self._order(other, float.__le__, lambda a, b: bool(a <= b))

    def __gt__(self, other):
        return self._order(other, float.__gt__, lambda a, b: bool(a > b))

    def __ge__(self, other):
        return self._order(other, float.__ge__, lambda a, b: bool(a >= b))

    def __pos__(self):
        return self

    def __abs__(self):
        return Written(abs(float(self)), abs(self.exact))


def _root(base, exponent, value):
    """`value`, Python's base**exponent for an exponent that may not be an integer, as
    math.pow gives it to a document (documents._math): the number written's power where
    rational, else a Lost float. Python's double was taken as computed, and
    x·1.0000000000000002**0.5 = x PROVED (helper 165)."""
    from derive.documents._math import marked_power  # it builds on this module

    return _lost(value) if isinstance(value, complex) else marked_power(base, exponent, value)


for _name, _method in _operations().items():
    setattr(Written, _name, _method)
converter[Written] = lambda written: written.exact


@functools.lru_cache(maxsize=4096)
def _exact(digits: str):
    return sympy.Rational(digits)


class WrittenInt(int):
    """An integer literal that is an operand of `/` or the base of `**` in a document: a
    Python int in every use, whose true quotients and negative powers are Written floats of
    the exact result (to Python, 1 / 3 is 0.333…, 1 + 2**-60 is 1.0, 1 / 10**17 is 1e-17,
    and the claims x·(1 + 2**-60) = x and x·(1 + 1/10**17) = x were built as 1.0·x = x and
    PROVED; helper 160). Its integer arithmetic keeps the type, so (2·3)/7 stays exact."""

    def __reduce__(self):
        return WrittenInt, (int(self),)


def _written_int_methods():
    """WrittenInt's arithmetic: an int result stays a WrittenInt; a true quotient or a
    negative power of exact operands is a Written float with the exact result beside it."""

    def keep(result):
        return WrittenInt(result) if type(result) is int else result

    def integral(name):
        python = getattr(int, name)
        return lambda self, *other: keep(python(self, *other))

    def quotient(reflected: bool):
        python = int.__rtruediv__ if reflected else int.__truediv__

        def divide(self, other):
            value = python(self, other)  # NotImplemented for a float: it divides exactly
            known = _exactly(other)
            if known is None or not isinstance(value, float):
                return value
            mine = sympy.Integer(int(self))
            return _kept(value, known / mine if reflected else mine / known)

        return divide

    def power(reflected: bool):
        python = int.__rpow__ if reflected else int.__pow__

        def raise_to(self, other, modulo=None):
            if modulo is not None or type(other) not in (int, WrittenInt):
                return python(self, other) if modulo is None else python(self, other, modulo)
            value = python(self, other)
            if type(value) is int:
                return WrittenInt(value)
            base, exponent = (other, self) if reflected else (self, other)
            if not isinstance(value, float) or abs(exponent) > MAX_POWER:
                return value
            return _kept(value, sympy.Integer(int(base)) ** int(exponent))

        return raise_to

    methods = {
        name: integral(name)
        for op in ("add", "sub", "mul", "floordiv", "mod")
        for name in (f"__{op}__", f"__r{op}__")
    }
    methods.update({name: integral(name) for name in ("__neg__", "__pos__", "__abs__")})
    methods["__truediv__"], methods["__rtruediv__"] = quotient(False), quotient(True)
    methods["__pow__"], methods["__rpow__"] = power(False), power(True)
    return methods


for _name, _method in _written_int_methods().items():
    setattr(WrittenInt, _name, _method)


def written_int(value: int) -> WrittenInt:
    """The integer literal `value` beside a `/` or as the base of `**` (see WrittenInt)."""
    return WrittenInt(value)


def written_literal(value: float, digits: str) -> Written:
    """The literal `digits` (as the document's source spells it) of the float `value`."""
    return Written(value, _exact(digits))


def exact_literals(source: bytes, filename: str):
    """The document's code with every finite float literal a `Written` float of the digits
    in the source, `__derive_written__(0.1, '0.1')`. Rewritten token by token, so that the
    code compiles as deep as Python compiles it (a sum of thousands of terms) and every line
    keeps its number (lines split where the tokenizer splits them, at newlines only); a BOM
    and a coding declaration are honoured; a match statement's `case` pattern keeps its
    literals (a pattern takes literals only). A nonzero literal whose exponent is beyond 400,
    or that is inf to Python (1e350), raises RoundedFloat: Python reads it as 0 or inf, and
    SymPy would build x/1e400 as 0."""
    DOCUMENT_FILES.add(filename)
    text = importlib.util.decode_source(source)
    lines = text.split("\n")
    edits = []  # (row, start column, end column, replacement)
    try:
        tokens = list(tokenize.generate_tokens(io.StringIO(text).readline))
    except tokenize.TokenError:
        compile(text, filename, "exec")  # the syntax error, with its line
        raise
    in_pattern, depth = False, 0
    for k, token in enumerate(tokens):
        if token.type == tokenize.NAME and token.string == "case" and _pattern_starts(tokens, k):
            in_pattern, depth = True, 0
        elif token.type == tokenize.NEWLINE:
            in_pattern = False  # a pattern ends with its `:`, within its logical line
        elif in_pattern and token.type == tokenize.OP:
            depth += token.string in "([{"
            depth -= token.string in ")]}"
            in_pattern = not (token.string == ":" and depth == 0)
        if token.type != tokenize.NUMBER or in_pattern:
            continue
        value = ast.literal_eval(token.string)
        digits = token.string.replace("_", "")
        imaginary = type(value) is complex  # 1e-20j: Python's complex, its repr read as written
        number = value.imag if imaginary else value
        if type(number) is int and _divided(tokens, k):
            call = f"__derive_int__({token.string})"
            edits.append((token.start[0], token.start[1], token.end[1], call))
            continue
        if type(number) is not float:
            continue
        mantissa, _, exponent = digits.lower().rstrip("j").partition("e")
        within = math.isfinite(number) and abs(int(exponent or 0)) <= 400
        if within and not imaginary:
            call = f"__derive_written__({token.string}, {digits!r})"
            edits.append((token.start[0], token.start[1], token.end[1], call))
        elif not within and any(d in "123456789" for d in mantissa):
            # Python reads it as inf or 0.0, and SymPy then builds x/1e400 as 0: refused.
            raise RoundedFloat(
                f"line {token.start[0]}: the float literal {token.string} is beyond what this "
                f"reader takes (|exponent| > 400, or past a double's range: {number!r} to "
                "Python): write it exactly, e.g. Integer(10)**400 for 1e400, "
                "Rational(1, 10**500) for 1e-500"
            )
    for row, begin, end_column, call in reversed(edits):
        line = lines[row - 1]
        lines[row - 1] = line[:begin] + call + line[end_column:]
    # dont_inherit: not this module's own `from __future__ import annotations` (a document's
    # dataclass would see its annotations as strings, and fail to load).
    return compile("\n".join(lines), filename, "exec", dont_inherit=True)


def _divided(tokens, k) -> bool:
    """Whether the integer literal tokens[k] is an operand of `/` or the base of `**`."""
    before = next((t for t in reversed(tokens[:k]) if t.type not in _SKIPPED), None)
    after = next((t for t in tokens[k + 1 :] if t.type not in _SKIPPED), None)
    return (before is not None and before.type == tokenize.OP and before.string == "/") or (
        after is not None and after.type == tokenize.OP and after.string in ("/", "**")
    )


_SKIPPED = (tokenize.NL, tokenize.COMMENT)


def _pattern_starts(tokens, k) -> bool:
    """Whether the `case` at tokens[k] begins a match pattern: the first token of its line,
    followed by something that can start a pattern (not `=`, `.`, `(`-call of a name…)."""
    previous = tokens[k - 1] if k else None
    first = previous is None or previous.type in (
        tokenize.NEWLINE,
        tokenize.NL,
        tokenize.INDENT,
        tokenize.DEDENT,
        tokenize.ENCODING,
    )
    following = tokens[k + 1] if k + 1 < len(tokens) else None
    if not first or following is None:
        return False
    if following.type == tokenize.OP:
        return following.string in ("(", "[", "{", "-", "*")
    return following.type in (tokenize.NAME, tokenize.NUMBER, tokenize.STRING)


class RoundedFloat(ArithmeticError):
    """SymPy rounded a float while a document was being built."""


def _decimal(number):
    """The exact value a number was written as: a literal's exact number, a float's decimal
    as the engine reads it (engine.terms.exact_decimal), a Decimal's digits; None for inf
    and nan."""
    if isinstance(number, Written):
        return number.exact
    if isinstance(number, decimal.Decimal):
        exact = _exact_decimal(number)
        return exact if exact.is_Rational else None
    if isinstance(number, float):
        if not math.isfinite(number):
            return None
        number = sympy.Float(number)
    return exact_decimal(number) if isinstance(number, sympy.Float) else sympy.sympify(number)


def _exact_decimal(number: decimal.Decimal):
    if number.is_finite():
        return sympy.Rational(str(number))
    return sympy.nan if number.is_nan() else sympy.oo if number > 0 else -sympy.oo


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
            if plain and _a_number(result) and _for_a_document():
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
            # The numbers written, not the literals themselves: SymPy caches a function by
            # its arguments, and 1.0 and 1 + 1e-35 are equal floats (exp(1 + 1e-35) after
            # exp(1.0) was the cached exp(1): `= E` PROVED).
            args = tuple(map(_as_written, args))
            result = construct(cls, *args, **options)
            # What remains to watch: floats made otherwise (a literal is exact by now).
            floats = any(isinstance(a, float | sympy.Float) for a in args)
            if floats and _a_number(result) and _for_a_document():
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
    # The cached constructors a document may call with a literal itself (sqrt(1 + 1e-35) is
    # Pow(1 + 1e-35, 1/2)): as above, the number written goes in, not the float.
    cached = {kind: kind.__dict__["__new__"] for kind in (sympy.Pow, AssocOp)}
    for kind, construct in cached.items():
        kind.__new__ = _exact_arguments(construct)
    # Rational(0.1) of a literal is the number written, not the float's binary value.
    rational_new = sympy.Rational.__dict__["__new__"]

    def rational(cls, p, q=None, gcd=None):
        if isinstance(p, Written) and q is None and gcd is None:
            return p.exact
        # Cached by its arguments, as the constructors above: Rational(1 + 1e-35, 3) after
        # Rational(1.0, 3) was 1/3.
        return rational_new(cls, _as_written(p), _as_written(q), gcd)

    sympy.Rational.__new__ = rational
    integer_new = sympy.Integer.__dict__["__new__"]

    def integer(cls, i):
        # int() of a literal: its exact value toward 0 (Integer(2 - 1e-20) is 1, as
        # int(2 - 1e-20) is), never a cached Integer(2.0).
        return integer_new(cls, int(i) if isinstance(i, Written) else i)

    sympy.Integer.__new__ = integer
    fraction_methods = _exact_fractions()
    comparisons = {name: sympy.Float.__dict__[name] for name in (*_COMPARISONS, "__eq__")}
    sympy.Float.__eq__ = _equal_as_written(comparisons["__eq__"])
    for name, (operator, relation) in _COMPARISONS.items():
        setattr(sympy.Float, name, _compared_as_written(comparisons[name], operator, relation))
    asking, differing = _ASSUMPTIONS._ask, _RELATIONAL._n2
    _ASSUMPTIONS._ask = _asked_as_written(asking)
    _RELATIONAL._n2 = _differed_as_written(differing)
    minmax = sympy.functions.elementary.miscellaneous.MinMaxBase
    connecting = minmax.__dict__["_is_connected"]
    minmax._is_connected = classmethod(_connected_as_written(connecting.__func__))
    rounding = sympy.Expr.__dict__["round"], sympy.Expr.__dict__["__round__"]
    sympy.Expr.round = sympy.Expr.__round__ = _checked_round(rounding[0])
    # A Decimal is sympified as the number it holds, not a 15-digit float of it.
    converters = converter
    decimals = converters.get(decimal.Decimal)
    converters[decimal.Decimal] = _exact_decimal
    try:
        yield
    finally:
        sympy.Rational.__new__ = rational_new
        sympy.Integer.__new__ = integer_new
        sympy.Expr.round, sympy.Expr.__round__ = rounding
        _ASSUMPTIONS._ask, _RELATIONAL._n2 = asking, differing
        minmax._is_connected = connecting
        for name, compare in comparisons.items():
            setattr(sympy.Float, name, compare)
        for name, method in fraction_methods.items():
            setattr(fractions.Fraction, name, method)
        if decimals is None:
            converters.pop(decimal.Decimal, None)
        else:
            converters[decimal.Decimal] = decimals
        for name, original in originals.items():
            setattr(sympy.Float, name, original)
        for kind, construct in (*constructors.items(), *cached.items()):
            kind.__new__ = construct


# SymPy's assumptions module (sympy.core.assumptions is also a function's name there), and
# its relational one (whose _n2 orders two numbers by their difference at 2 digits).
_ASSUMPTIONS = importlib.import_module("sympy.core.assumptions")
_RELATIONAL = importlib.import_module("sympy.core.relational")
_COMPARISONS = {  # Float's method: (its operator, SymPy's relation)
    "__lt__": ("<", sympy.Lt),
    "__le__": ("<=", sympy.Le),
    "__gt__": (">", sympy.Gt),
    "__ge__": (">=", sympy.Ge),
}


def _read_as_written(*terms) -> dict:
    """{float: the decimal it is read as} for each float in `terms` that is not that decimal
    (0.1 is 0.1000000000000000055…; 0.5 is 1/2, and inf has no decimal: both left out)."""
    read = {}
    for term in terms:
        for number in term.atoms(sympy.Float):
            written = _decimal(number)
            if written is not None and written != sympy.Rational(number):
                read[number] = written
    return read


def _compared_as_written(compare, operator: str, relation):
    """Float's comparison `compare`, raising RoundedFloat where, for a document, it decides
    otherwise than the decimal the float is read as would: SymPy compares the binary value
    (Max(Float('0.1'), 1/10 + 10⁻²⁰) was the float, read as 1/10)."""

    def method(self, other):
        result = compare(self, other)
        if not isinstance(result, sympy.logic.boolalg.BooleanAtom) or _UNWATCHED[0]:
            return result
        try:
            other = sympy.sympify(other, strict=True)
        except sympy.SympifyError:
            return result
        with unwatched():
            read = _read_as_written(self, other)
        if not read or not other.is_number or not _for_a_document():
            return result
        with unwatched():
            written = relation(self.xreplace(read), other.xreplace(read))
        if written is not result:
            raise RoundedFloat(
                f"SymPy compared {_written(self)} {operator} {other} by the float's binary value"
                f"{_ADVICE}"
            )
        return result

    return method


def _equal_as_written(equal):
    """Float's ==, raising RoundedFloat where, for a document, two floats are equal that are
    read as different decimals (Float('0.1', precision=5) is 13/128 = Float('0.1015625'):
    Max of the two was the first, read as 1/10)."""

    def method(self, other):
        result = equal(self, other)
        if result is not True or not isinstance(other, sympy.Float) or other is self:
            return result
        if _UNWATCHED[0]:
            return result
        with unwatched():
            different = _decimal(self) != _decimal(other)
        if different and _for_a_document():
            raise RoundedFloat(
                f"SymPy took {_written(self)} and {_written(other)} for one number by their "
                f"binary value{_ADVICE}"
            )
        return result

    return method


_SIGNS = tuple(
    f"{extended}{sign}"
    for extended in ("", "extended_")
    for sign in ("zero", "nonzero", "positive", "negative", "nonpositive", "nonnegative")
    if f"{extended}{sign}" != "extended_zero"
)


def _asked_as_written(asking):
    """SymPy's _ask (deciding a fact of a term), raising RoundedFloat where, for a document, a
    term holding a float that is not its decimal gets another answer than with each float
    read as its decimal: SymPy evaluates the binary value (sign(Float('0.7', precision=5) -
    log 2) was -1; read as 7/10 it is 1)."""

    def ask(fact, obj):
        answer = asking(fact, obj)
        if isinstance(obj, sympy.Number) or not isinstance(obj, sympy.Expr) or _UNWATCHED[0]:
            return answer
        with unwatched():
            read = _read_as_written(obj)
        if not read or not _for_a_document():
            return answer
        # The fact asked, and the signs SymPy deduced on the way (asked whether 0.7 - log 2 is
        # zero, it finds it negative too, and sign() reads that later).
        known = getattr(obj, "_assumptions", {})
        decided = {fact: answer, **{s: known.get(s) for s in _SIGNS if known.get(s) is not None}}
        with unwatched():
            written = obj.xreplace(read)
            for name, value in decided.items():
                if getattr(written, f"is_{name}") is not value:
                    raise RoundedFloat(
                        f"SymPy decided that {obj} is{'' if value else ' not'} {name} by a "
                        f"float's binary value{_ADVICE}"
                    )
        return answer

    return ask


def _differed_as_written(differing):
    """SymPy's _n2 (a - b at 2 digits, by whose sign Max, Min and >= order two numbers),
    raising RoundedFloat where, for a document, a float that is not its decimal gives the
    difference another sign than the decimals would (Max(Float('0.7', precision=5), log 2)
    was log 2: 11/16 < log 2 < 7/10)."""

    def difference(a, b):
        if _UNWATCHED[0]:
            return differing(a, b)
        with unwatched():  # the difference is for its sign only, checked below
            dif = differing(a, b)
            read = _read_as_written(a, b)
        if not read or not _for_a_document():
            return dif
        with unwatched():
            written = differing(a.xreplace(read), b.xreplace(read))
            signs = [None if d is None else (d > 0, d < 0) for d in (dif, written)]
        if signs[0] != signs[1]:
            raise RoundedFloat(f"SymPy ordered {a} and {b} by a float's binary value{_ADVICE}")
        return dif

    return difference


def _connected_as_written(connecting):
    """Max's and Min's _is_connected (which of two terms is the larger, found from their
    difference: Max(0.1·x, 0.3·x) asks for 0.1·x - 0.3·x), for a document with floats in the
    terms: computed as SymPy does, unwatched (the difference is for its sign only), and
    RoundedFloat where the floats read as decimals order the terms otherwise."""

    def connected(cls, x, y):
        floats = x.has(sympy.Float) or y.has(sympy.Float)
        if not floats or _UNWATCHED[0] or not _for_a_document():
            return connecting(cls, x, y)
        with unwatched():
            found = connecting(cls, x, y)
            read = _read_as_written(x, y)
            written = connecting(cls, x.xreplace(read), y.xreplace(read)) if read else found
        if written != found:
            raise RoundedFloat(f"SymPy ordered {x} and {y} by a float's binary value{_ADVICE}")
        return found

    return connected


def _checked_round(rounding):
    """Expr.round (and round()) of an exact number, for a document: its floats unwatched, and
    RoundedFloat where the result is farther than half a unit of its last place from the
    number: past 15 digits SymPy rounds from a float (round(√2·10¹⁴) is 141421356237309; it
    is …310)."""

    @functools.wraps(rounding)
    def checked(self, n=None):
        if self.has(sympy.Float) or not self.is_number or not _for_a_document():
            return rounding(self, n)
        with unwatched():  # its floats are checked by the result
            result = rounding(self, n)
        value = _decimal(result) if isinstance(result, sympy.Float) else result
        half = sympy.Rational(1, 2) / sympy.Integer(10) ** (n or 0)
        with unwatched():
            gap = None if value is None else abs(self - value) - half
            close = gap is not None and gap.is_nonpositive
            # A tie goes to the even digit, as SymPy's round says (and Python's): SymPy gave
            # …001 for (2·10²⁰ + 3)/2 (helper 123).
            if close is True and gap.is_zero is not False:
                close = gap.is_zero is True and (value * 10 ** (n or 0)).is_even is True
        if close is not True:
            raise RoundedFloat(f"SymPy rounded {self} to {_written(result)}{_ADVICE}")
        return result

    return checked


_FRACTION_DEFERS = (
    *(f"__{n}__" for n in ("add", "sub", "mul", "truediv", "floordiv", "mod", "divmod", "pow")),
    *("__lt__", "__le__", "__gt__", "__ge__"),
)


def _exact_fractions() -> dict:
    """Within kept_exact: a Fraction meets a literal as the literal meets a Fraction, exactly.
    Fraction's own operators read a float's double (Fraction(1, 10) + 0.2 was
    0.30000000000000004, and Fraction(1, 10) < 0.1 True), so with a literal on its right they
    leave the operation to the literal's reflected one (0.2 + Fraction(1, 10) is 3/10);
    Fraction(0.1) of a literal is 1/10, as Rational(0.1) is. Returns the methods replaced."""
    kind = fractions.Fraction
    originals = {name: kind.__dict__[name] for name in (*_FRACTION_DEFERS, "__new__")}

    def deferring(original):
        def method(self, other):
            return NotImplemented if isinstance(other, Written) else original(self, other)

        return method

    def powering(original):
        """Fraction's power: a float for an exponent that is no integer (helper 165:
        x·Fraction(10**16 + 1, 10**16)**Fraction(1, 2) = x PROVED), from a document a
        Written or Lost float as math.pow gives it."""

        def method(self, other, *modulo):
            if isinstance(other, Written):
                return NotImplemented
            value = original(self, other, *modulo)
            mine = sys._getframe(1).f_code.co_filename in DOCUMENT_FILES
            return _root(self, other, value) if mine and isinstance(value, float) else value

        return method

    for name in _FRACTION_DEFERS:
        setattr(kind, name, (powering if name == "__pow__" else deferring)(originals[name]))
    construct = originals["__new__"]

    def new(cls, numerator=0, denominator=None, **options):
        if isinstance(numerator, Written) and denominator is None and not options:
            exact = numerator.exact
            return construct(cls, int(exact.p), int(exact.q))
        return construct(cls, numerator, denominator, **options)

    kind.__new__ = new
    return originals


def _as_written(argument):
    """A literal's exact number (what SymPy would make of it); anything else unchanged."""
    return argument.exact if isinstance(argument, Written) else argument


def _exact_arguments(construct):
    """`construct` (a cached constructor) given each literal argument's exact number. With a
    float among its arguments or their terms, the constructor runs past SymPy's cache: the
    cache may hold a rounded result made where nothing watched (Pow(2.0, 0.5) of an earlier
    evalf, Mul(0.1, 3) of an earlier evaluation), and the watch is to see the rounding."""
    cached = getattr(construct, "__func__", construct)  # a staticmethod's function
    uncached = getattr(cached, "__wrapped__", cached)  # SymPy's cacheit keeps it here

    @functools.wraps(construct)
    def exact(cls, *args, **options):
        args = tuple(map(_as_written, args))
        run = uncached if any(map(_carries_float, args)) else construct
        return run(cls, *args, **options)

    return exact


def _carries_float(term) -> bool:
    """Whether `term` is a float or has one among its arguments (a coefficient that
    flattening computes with)."""
    if isinstance(term, float | sympy.Float):
        return True
    return isinstance(term, sympy.Basic) and any(isinstance(a, sympy.Float) for a in term.args)


def _a_number(result) -> bool:
    """Whether `result` is a number: a Number, or a complex one holding floats (acos(1.5) is
    0.962…·I, (-2.0)**0.5 is 1.414…·I), each float to be read as the decimal it is."""
    if isinstance(result, sympy.Number):
        return True
    return isinstance(result, sympy.Expr) and result.has(sympy.Float) and result.is_number


def _equal(exact, result) -> bool:
    """Whether the number `result` is exactly `exact`, each float in it read as the decimal it
    is (a number SymPy may not decide: no)."""
    if isinstance(result, sympy.Float):
        written = _decimal(result)
    else:
        floats = {f: _decimal(f) for f in result.atoms(sympy.Float)}
        written = None if None in floats.values() else result.xreplace(floats)
    if written is None:
        return False
    return exact == written or (sympy.sympify(exact) - written).is_zero is True


_UNWATCHED = [0]  # how many `unwatched` blocks are open


@contextlib.contextmanager
def unwatched():
    """Within: what SymPy computes counts as no document's (derive asking a fact of what the
    document built: is √2·(√2 - 1) real? SymPy evaluates it with floats of its own)."""
    _UNWATCHED[0] += 1
    try:
        yield
    finally:
        _UNWATCHED[0] -= 1


def _internal(frame) -> bool:
    """Whether `frame` is one of SymPy's own computations (_INTERNAL) on what holds no float."""
    code = frame.f_code
    path, subject = _INTERNAL.get(code.co_name, ("", ""))
    if not path or not code.co_filename.endswith(path):
        return False
    subject = frame.f_locals.get(subject)
    return isinstance(subject, sympy.Basic) and not subject.atoms(sympy.Float)


@functools.cache
def in_library(path: str) -> bool:
    """Whether the file `path` is SymPy's or mpmath's own."""
    return os.path.abspath(path).startswith(_LIBRARIES)


@functools.cache
def _passed_over(path: str) -> bool:
    """Whether the file `path` computes as SymPy does (SymPy's, mpmath's, derive's notation):
    the document is what called it."""
    return in_library(path) or os.path.abspath(path).startswith(_NOTATION)


def _for_a_document(watch: str = _HERE) -> bool:
    """Whether the innermost caller outside SymPy, mpmath and the watch (this one, or the
    file `watch`) is building the document: its code, a module it imports, or derive's
    declarations (claim() rebuilds an unevaluated Add); not a library module's import-time
    code (sympy.physics.units computes its constants as simplify imports it), nor derive
    asking a fact inside `unwatched`, nor SymPy's own computations on what holds no float
    (_INTERNAL). derive's notation is passed over as SymPy is (_NOTATION)."""
    if _UNWATCHED[0]:
        return False
    frame = sys._getframe(2)
    while frame is not None:
        path = frame.f_code.co_filename
        if path.startswith("<frozen") or _internal(frame):
            return False
        if path not in (_HERE, watch) and not _passed_over(path):
            return True
        frame = frame.f_back
    return False
