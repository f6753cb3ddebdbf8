"""Each primitive's fdiff matches central differences; the registry names its file."""

import mpmath
import pytest
import sympy

from derive.notation.primitives import PRIMITIVES, elementary, lookup, stable_form

TOLERANCE = 1e-20
STEP = mpmath.mpf(10) ** -15
KINKS = {"relu": 0, "leaky_relu": 0, "leaky_relu_slope": 0}


def _points(entry):
    lo, hi = float(entry.domain.inf), float(entry.domain.sup)
    points = [lo + 0.25, -1.25, -0.5, 0.0, 0.75, 2.5, hi - 0.25]
    return [p for p in points if lo < p < hi and p != KINKS.get(entry.name)]


def _call(entry, x):
    return (
        entry.function(x, sympy.Rational(1, 10))
        if entry.function.nargs == {2}
        else entry.function(x)
    )


@pytest.mark.parametrize("name", sorted(PRIMITIVES))
def test_fdiff_matches_central_differences(name):
    entry, x = PRIMITIVES[name], sympy.Symbol("x", real=True)
    value = elementary(_call(entry, x))
    derivative = elementary(sympy.diff(_call(entry, x), x))
    f = sympy.lambdify(x, value, "mpmath")
    df = sympy.lambdify(x, derivative, "mpmath")
    with mpmath.workdps(50):
        for point in _points(entry):
            p = mpmath.mpf(point)
            central = (f(p + STEP) - f(p - STEP)) / (2 * STEP)
            assert abs(central - df(p)) < TOLERANCE * max(1, abs(df(p))), (name, point)


@pytest.mark.parametrize("name", sorted(PRIMITIVES))
def test_lowering_agrees_with_definition(name):
    entry, x = PRIMITIVES[name], sympy.Symbol("x", real=True)
    exact = sympy.lambdify(x, elementary(_call(entry, x)), "mpmath")
    stable = sympy.lambdify(x, elementary(stable_form(_call(entry, x))), "mpmath")
    with mpmath.workdps(30):
        for point in _points(entry):
            if name == "softplus" and point > 20:
                continue
            assert abs(exact(point) - stable(point)) < 1e-25


def test_unknown_primitive_names_the_registry():
    with pytest.raises(KeyError, match="derive/notation/primitives.py"):
        lookup("gelu")


def test_real_primitives_report_real_values():
    x = sympy.Symbol("x", real=True)
    assert all(_call(entry, x).is_real for entry in PRIMITIVES.values())
