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

import cmath
import contextlib
import fractions
import math
import numbers
import statistics
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


def _mean(xs):
    return sympy.Add(*xs) / len(xs)


def _median(xs, pick=None):
    xs, n = sorted(xs), len(xs)
    if n % 2:
        return xs[n // 2]
    low, high = xs[n // 2 - 1], xs[n // 2]
    return {None: (low + high) / 2, "low": low, "high": high}[pick]


def _variance(xs, centre=None, sample=True):
    centre = _mean(xs) if centre is None else centre
    return sympy.Add(*((x - centre) ** 2 for x in xs)) / (len(xs) - (1 if sample else 0))


def _harmonic_mean(xs):
    return 0 if any(x == 0 for x in xs) else len(xs) / sympy.Add(*(1 / x for x in xs))


def _covariance(xs, ys):
    mx, my = _mean(xs), _mean(ys)
    return sympy.Add(*((x - mx) * (y - my) for x, y in zip(xs, ys))) / (len(xs) - 1)


_CENTRED = ("pvariance", "variance", "pstdev", "stdev")  # their second argument: the mean
# statistics' functions of data (lists of numbers) at the numbers written; the others give
# floats SymPy refuses (quantiles, geometric_mean, correlation...).
_STATISTICS = {
    "mean": _mean,
    "fmean": _mean,
    "median": _median,
    "median_low": lambda xs: _median(xs, "low"),
    "median_high": lambda xs: _median(xs, "high"),
    "pvariance": lambda xs, mu=None: _variance(xs, mu, sample=False),
    "variance": lambda xs, xbar=None: _variance(xs, xbar),
    "pstdev": lambda xs, mu=None: sympy.sqrt(_variance(xs, mu, sample=False)),
    "stdev": lambda xs, xbar=None: sympy.sqrt(_variance(xs, xbar)),
    "harmonic_mean": _harmonic_mean,
    "covariance": _covariance,
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


def _flat(arguments) -> list:
    """`arguments` with their lists (fsum's, dist's data) opened."""
    return [a for arg in arguments for a in (arg if isinstance(arg, list) else [arg])]


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
    flat = _flat(exact)
    if any(e is None for e in flat):
        return _lost(result)
    sympy_function, mp_function = _FUNCTIONS[name]
    if name == "copysign":  # by the sign of the number written (-1e-200*1e-200 is -1e-400,
        # its double +0.0: helper 165), by the double's sign bit for a zero
        sign = flat[1] < 0 if flat[1] != 0 else math.copysign(1.0, arguments[1]) < 0
        return _kept(result, -abs(flat[0]) if sign else abs(flat[0]))
    if _evaluable(name, flat):
        with unwatched():
            value = sympy_function(*exact)
        if value.is_Rational:
            return _kept(result, value)
    if mp_function is None:
        return _lost(result)
    return _lost(result, _bound(mp_function, exact, result))


def marked_power(base, exponent, value):
    """`value`, Python's base**exponent (floats, ints, Fractions, literals), as math.pow's
    value a document gets (see _marked)."""
    if not isinstance(value, float):
        return value
    return _marked("pow", (base, exponent), value)


def _parts(name: str, arguments, result):
    """modf's (fractional, integral) and frexp's (mantissa, exponent) of the number written
    (frexp(2 - 1e-20) is (1 - 1/(2·10²⁰), 1), where the double's is (0.5, 2): helper 165)."""
    exact = _exact(arguments[0])
    if exact is None:
        return tuple(_lost(r) if isinstance(r, float) else r for r in result)
    if name == "modf":
        whole = sympy.Integer(int(exact))  # toward zero
        return _kept(result[0], exact - whole), _kept(result[1], whole)
    if exact == 0:
        return result
    size = abs(_fraction(exact))
    exponent = size.numerator.bit_length() - size.denominator.bit_length()
    while size >= 2**exponent:
        exponent += 1
    while size < fractions.Fraction(2) ** (exponent - 1):
        exponent -= 1
    mantissa = exact / sympy.Integer(2) ** exponent
    return _kept(float(_fraction(mantissa)), mantissa), exponent


def _marked_throughout(result):
    """`result` with every float and complex in it marked Lost, with no bound (cmath's values
    and the statistics _STATISTICS does not evaluate): a tuple (a named one too) or a list
    element by element."""
    if isinstance(result, float | complex) and not isinstance(result, Written | bool):
        return _lost(result)
    if isinstance(result, tuple | list):
        items = [_marked_throughout(item) for item in result]
        kind = type(result)
        return kind(*items) if hasattr(result, "_fields") else kind(items)
    return result


def _statistic(name: str, arguments, options, result):
    """`result`, statistics.`name` of the data in `arguments`, as _marked gives a math
    function's: the statistic of the numbers written, a Written float where rational."""
    evaluate = _STATISTICS.get(name)
    arity = 2 if name in _CENTRED or name == "covariance" else 1  # data (twice), or a centre
    extra = set(options) - {"mu", "xbar"} or len(arguments) + len(options) > arity
    if evaluate is None or not isinstance(result, float) or extra:  # fmean's weights...
        return _marked_throughout(result)
    exact = _tree((*arguments, *options.values()), _exact)
    flat = _flat(exact)
    if any(e is None for e in flat) or not math.isfinite(result):
        return _lost(result)
    with unwatched():
        value = evaluate(*exact)
        if value.is_Rational:
            return _kept(result, value)
        approximation = value.evalf(60)
    with mpmath.workprec(320):
        near = mpmath.mpf(approximation._mpf_)
        gap = abs(mpmath.mpf(result) - near) + abs(near) * mpmath.mpf(2) ** -180
    return _lost(result, _up(float(gap) + 2**-1074))


def _called(name: str, original):
    """math.`name` for a document's own calls (see the module's docstring), Python's for a
    caller whose file exact_literals did not compile."""
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


def _called_elsewhere(name: str, original, marking):
    """cmath's or statistics' `name` for a document's own calls: its data read once, into
    lists, and the result through `marking`."""

    def call(*arguments, **options):
        if sys._getframe(1).f_code.co_filename not in DOCUMENT_FILES:
            return original(*arguments, **options)
        arguments = tuple(a if isinstance(a, numbers.Number) else list(a) for a in arguments)
        return marking(name, arguments, options, original(*arguments, **options))

    call.__name__, call.__doc__, call.__wrapped__ = name, original.__doc__, original
    return call


# cmath's functions: every complex they give is marked (no bound): cmath.exp(1e-17).real is
# 1.0, and x·that = x was PROVED.
_CMATH = (
    "acos",
    "acosh",
    "asin",
    "asinh",
    "atan",
    "atanh",
    "cos",
    "cosh",
    "exp",
    "log",
    "log10",
    "phase",
    "polar",
    "rect",
    "sin",
    "sinh",
    "sqrt",
    "tan",
    "tanh",
)
# statistics' functions of data: _STATISTICS evaluates some; the others' floats are marked.
_STATISTICS_MARKED = (
    "correlation",
    "geometric_mean",
    "linear_regression",
    "median_grouped",
    "quantiles",
)


class _MarkedNormalDist(statistics.NormalDist):
    """statistics.NormalDist as a document gets it: every float it gives is marked (its mean
    from_samples([1, 1 + 1e-20]) was 1.0: helper 165)."""

    __slots__ = ()

    def __getattribute__(self, name):
        value = super().__getattribute__(name)
        if name.startswith("_"):
            return value
        if callable(value):
            return lambda *arguments, **options: _marked_throughout(value(*arguments, **options))
        return _marked_throughout(value)


@contextlib.contextmanager
def kept_math():
    """Within: the math, cmath and statistics functions a document file calls itself give the
    number its literals stand for (see the module's docstring)."""
    replaced = []  # (module, name, original)
    for name in _FUNCTIONS:
        if hasattr(math, name):
            replaced.append((math, name, _called(name, getattr(math, name))))
    for name in _CMATH:
        marking = lambda _name, _arguments, _options, result: _marked_throughout(result)  # noqa: E731
        replaced.append((cmath, name, _called_elsewhere(name, getattr(cmath, name), marking)))
    for name in (*_STATISTICS, *_STATISTICS_MARKED):
        function = getattr(statistics, name, None)
        if function is not None:
            replaced.append((statistics, name, _called_elsewhere(name, function, _statistic)))
    replaced.append((statistics, "NormalDist", _MarkedNormalDist))
    originals = [(module, name, getattr(module, name)) for module, name, _ in replaced]
    for module, name, call in replaced:
        setattr(module, name, call)
    try:
        yield
    finally:
        for module, name, original in originals:
            setattr(module, name, original)
