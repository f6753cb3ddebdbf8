"""The `math` module's functions, as a document calls them: the number its literals stand for.

`math.exp(1e-17)` reads the double of 1e-17 and returns the double 1.0; a document that wrote
`x * math.exp(1e-17)` had the claim built as 1.0·x, and `= x` PROVED (as `math.fsum([1, 1e-20])`,
`math.sqrt(1 + 1e-20)` and `math.modf(1 + 1e-20)[0]`, whose fractional part is 1e-20, not 0).
While a document file runs (`kept_math`), a call it makes itself (its code, or a module beside
it that it imports) gets a float whose number is known: where the function's value at the
numbers written is rational (`math.sqrt(0.25)`, `math.fabs(0.1)`, `math.fsum([0.1, 0.2])`), a
Written float of it; elsewhere (`math.exp(0.5)`, and `math.exp(1e-17)`, whose double 1.0 is
not e^(1/10¹⁷)) a Lost float, with a bound on how far its double lies from that value: Python
compares it where the bound decides (`math.sqrt(2.0) > 1.4`), and SymPy refuses it, naming the
line (write `sympy.exp`, `sympy.sqrt`, which keep the number exact). Calls from elsewhere (SymPy,
NumPy, the standard library) get Python's floats as before.
"""

from __future__ import annotations

import contextlib
import math
import numbers
import sys

import mpmath
import sympy

from derive.documents._floats import (
    DOCUMENT_FILES,
    MAX_POWER,
    Lost,
    Written,
    _fraction,
    _kept,
    _lost,
    _up,
    unwatched,
)

# Evaluated exactly only for arguments of at most this many bits, exponents (pow's, exp2's,
# ldexp's) up to MAX_POWER and gamma's arguments up to _GAMMA_LIMIT: past those, a Lost float.
_EXACT_BITS = 256
_GAMMA_LIMIT = 200
_EXPONENTS = {"pow": 1, "exp2": 0, "ldexp": 1}  # the argument that is an exponent


def _log(x, base=None):
    return sympy.log(x) if base is None else sympy.log(x, base)


def _mp_log(x, base=None):
    return mpmath.log(x) if base is None else mpmath.log(x) / mpmath.log(base)


def _real_cbrt(x):
    return mpmath.sign(x) * mpmath.cbrt(abs(x))


def _sympy_cbrt(x):
    return sympy.real_root(x, 3)


# name: (its value at exact numbers in SymPy, the same in mpmath); each takes what math's does
# (math.log's base, pow's two numbers, hypot's coordinates).
_FUNCTIONS = {
    "exp": (sympy.exp, mpmath.exp),
    "exp2": (lambda x: sympy.Integer(2) ** x, lambda x: mpmath.power(2, x)),
    "expm1": (lambda x: sympy.exp(x) - 1, mpmath.expm1),
    "log": (_log, _mp_log),
    "log2": (lambda x: sympy.log(x, 2), lambda x: mpmath.log(x, 2)),
    "log10": (lambda x: sympy.log(x, 10), mpmath.log10),
    "log1p": (lambda x: sympy.log(1 + x), mpmath.log1p),
    "sqrt": (sympy.sqrt, mpmath.sqrt),
    "cbrt": (_sympy_cbrt, _real_cbrt),
    "sin": (sympy.sin, mpmath.sin),
    "cos": (sympy.cos, mpmath.cos),
    "tan": (sympy.tan, mpmath.tan),
    "asin": (sympy.asin, mpmath.asin),
    "acos": (sympy.acos, mpmath.acos),
    "atan": (sympy.atan, mpmath.atan),
    "atan2": (sympy.atan2, mpmath.atan2),
    "sinh": (sympy.sinh, mpmath.sinh),
    "cosh": (sympy.cosh, mpmath.cosh),
    "tanh": (sympy.tanh, mpmath.tanh),
    "asinh": (sympy.asinh, mpmath.asinh),
    "acosh": (sympy.acosh, mpmath.acosh),
    "atanh": (sympy.atanh, mpmath.atanh),
    "erf": (sympy.erf, mpmath.erf),
    "erfc": (sympy.erfc, mpmath.erfc),
    "gamma": (sympy.gamma, mpmath.gamma),
    "lgamma": (
        lambda x: sympy.log(sympy.Abs(sympy.gamma(x))),
        lambda x: mpmath.log(abs(mpmath.gamma(x))),
    ),
    "pow": (sympy.Pow, mpmath.power),
    "hypot": (
        lambda *xs: sympy.sqrt(sympy.Add(*(x**2 for x in xs))),
        lambda *xs: mpmath.sqrt(mpmath.fsum(x**2 for x in xs)),
    ),
    "dist": (
        lambda p, q: sympy.sqrt(sympy.Add(*((a - b) ** 2 for a, b in zip(p, q)))),
        lambda p, q: mpmath.sqrt(mpmath.fsum((a - b) ** 2 for a, b in zip(p, q))),
    ),
    "degrees": (lambda x: x * 180 / sympy.pi, lambda x: x * 180 / mpmath.pi),
    "radians": (lambda x: x * sympy.pi / 180, lambda x: x * mpmath.pi / 180),
    # Exact on doubles, but not on the numbers written: fabs(0.1) is 1/10, fsum([1, 1e-20])
    # is 1 + 1/10²⁰.
    "fabs": (sympy.Abs, abs),
    "fsum": (lambda xs: sympy.Add(*xs), mpmath.fsum),
    "prod": (
        lambda xs, start=1: sympy.Mul(start, *xs),
        lambda xs, start=1: mpmath.fprod([start, *xs]),
    ),
    "fmod": (lambda x, y: x - y * sympy.Integer(int(x / y)), None),
    "remainder": (lambda x, y: x - y * sympy.Integer(round(_fraction(x / y))), None),
    "ldexp": (lambda x, i: x * sympy.Integer(2) ** i, lambda x, i: mpmath.ldexp(x, int(i))),
    "copysign": (None, None),  # by its second argument's sign bit: see _marked
    "modf": (None, None),  # two parts each: see _parts
    "frexp": (None, None),
}
# Functions that take iterables: each is read once, into a list, before the call.
_ITERABLES = {"fsum": (0,), "prod": (0,), "dist": (0, 1)}


def _exact(argument):
    """The number `argument` stands for, as a SymPy Rational: a literal's written number, a
    float Python computed as its double (taken as computed); None for a Lost float, a complex
    or anything else."""
    if isinstance(argument, Lost) or isinstance(argument, bool | complex):
        return sympy.Integer(int(argument)) if isinstance(argument, bool) else None
    if isinstance(argument, Written):
        return argument.exact
    if isinstance(argument, numbers.Rational):
        return sympy.Rational(int(argument.numerator), int(argument.denominator))
    if isinstance(argument, numbers.Real) and math.isfinite(argument):
        return sympy.Rational(*float(argument).as_integer_ratio())
    return None


def _evaluable(name: str, exact) -> bool:
    """Whether SymPy may evaluate math.`name` at the numbers `exact` exactly, in little time."""
    if any(max(abs(e.p), e.q).bit_length() > _EXACT_BITS for e in exact):
        return False
    if name in _EXPONENTS and abs(exact[_EXPONENTS[name]]) > MAX_POWER:
        return False
    return name not in ("gamma", "lgamma") or abs(exact[0]) <= _GAMMA_LIMIT


def _bound(mp_function, exact, result: float) -> float:
    """A float no smaller than |result - f(exact)| for f the function mpmath computes: at two
    precisions, their difference (four times over) added to the gap as a margin."""
    values = []
    for bits in (160, 320):
        with mpmath.workprec(bits):
            arguments = _tree(exact, lambda r: mpmath.mpf(r.p) / r.q)
            values.append(mp_function(*arguments))
    low, high = values
    if not (mpmath.isfinite(high) and mpmath.im(high) == 0):
        return math.inf
    with mpmath.workprec(320):
        gap = (
            abs(mpmath.mpf(result) - high) + 4 * abs(high - low) + abs(high) * mpmath.mpf(2) ** -280
        )
    return _up(float(gap) + 2**-1074)


def _tree(arguments, convert):
    """`arguments` with each number converted, lists of numbers (fsum's, dist's) too."""
    return [
        [convert(a) for a in arg] if isinstance(arg, list) else convert(arg) for arg in arguments
    ]


def _marked(name: str, arguments, result):
    """`result`, the float math.`name` returned for `arguments`, as a Written float of the
    function's value at the numbers written where that is rational, else a Lost float with a
    bound on its distance from that value (no bound where one argument is unknown)."""
    if not isinstance(result, float) or not math.isfinite(result):
        return _lost(result) if isinstance(result, float) else result
    exact = _tree(arguments, _exact)
    flat = [e for arg in exact for e in (arg if isinstance(arg, list) else [arg])]
    if any(e is None for e in flat):
        return _lost(result)
    sympy_function, mp_function = _FUNCTIONS[name]
    if name == "copysign":
        return _kept(result, abs(flat[0]) * (1 if math.copysign(1.0, arguments[1]) > 0 else -1))
    if _evaluable(name, flat):
        with unwatched():
            value = sympy_function(*exact)
        if value.is_Rational:
            return _kept(result, value)
    if mp_function is None:
        return _lost(result)
    return _lost(result, _bound(mp_function, exact, result))


def _parts(name: str, arguments, result):
    """modf's (fractional, integral) and frexp's (mantissa, exponent) of the number written."""
    exact = _exact(arguments[0])
    if exact is None:
        return tuple(_lost(r) if isinstance(r, float) else r for r in result)
    if name == "modf":
        whole = sympy.Integer(int(exact))  # toward zero
        return _kept(result[0], exact - whole), _kept(result[1], whole)
    mantissa, exponent = result
    return _kept(mantissa, exact / sympy.Integer(2) ** exponent), exponent


def _called(name: str, original):
    """math.`name` for a document's own calls (see the module's docstring); Python's for the
    others, its caller's file is not one exact_literals compiled."""
    iterables = _ITERABLES.get(name, ())

    def call(*arguments, **options):
        if sys._getframe(1).f_code.co_filename not in DOCUMENT_FILES:
            return original(*arguments, **options)
        arguments = tuple(list(a) if k in iterables else a for k, a in enumerate(arguments))
        result = original(*arguments, **options)
        if options:  # prod's start=
            arguments = (*arguments, *options.values())
        if name in ("modf", "frexp"):
            return _parts(name, arguments, result)
        return _marked(name, arguments, result)

    call.__name__, call.__doc__, call.__wrapped__ = name, original.__doc__, original
    return call


@contextlib.contextmanager
def kept_math():
    """Within: the math functions a document file calls itself give the number its literals
    stand for (see the module's docstring)."""
    originals = {name: getattr(math, name) for name in _FUNCTIONS if hasattr(math, name)}
    for name, original in originals.items():
        setattr(math, name, _called(name, original))
    try:
        yield
    finally:
        for name, original in originals.items():
            setattr(math, name, original)
