"""PyTorch's backward formulas for unary functions (tools/autograd/derivatives.yaml, written
out in SymPy), each checked against the engine's own derivative: every one PROVED.

Left out on purpose: hardtanh, relu6 and hardswish, whose formulas pick a value at the kink
(PyTorch: 0 at x = ±1 for hardtanh) where the engine's derivative of Max/Min takes SymPy's
Heaviside(0) = 1/2 or the branch the Piecewise gives; a mismatch there is a difference of
conventions at a point where the function has no derivative, and is reported as such."""

import pytest
from sympy import (
    Abs,
    Derivative,
    Heaviside,
    Interval,
    Piecewise,
    Rational,
    Symbol,
    acos,
    acosh,
    asin,
    asinh,
    atan,
    atanh,
    cos,
    cosh,
    digamma,
    erf,
    erfc,
    exp,
    log,
    loggamma,
    pi,
    polygamma,
    sign,
    sin,
    sinh,
    sqrt,
    tan,
    tanh,
)
from sympy.codegen.cfunctions import expm1

from derive.declare import claim, document
from derive.model import PROVED, Source
from derive.notation.primitives import leaky_relu, relu, sigmoid, silu, softplus
from derive.verify import verify

x = Symbol("x", real=True)
p = Symbol("p", positive=True)
u = Symbol("u", real=True)  # in (-1, 1): the domain of asin, atanh, logit


def H(z):
    return Heaviside(z, 0)


def D(f, v=x):
    return Derivative(f, v)


cl = [
    ("abs", D(Abs(x)), sign(x)),
    ("acos", D(acos(u), u), -1 / sqrt(1 - u**2)),
    ("asin", D(asin(u), u), 1 / sqrt(1 - u**2)),
    ("atan", D(atan(x)), 1 / (1 + x**2)),
    ("acosh", D(acosh(1 + p), p), 1 / sqrt((1 + p) ** 2 - 1)),
    ("asinh", D(asinh(x)), 1 / sqrt(x**2 + 1)),
    ("atanh", D(atanh(u), u), 1 / (1 - u**2)),
    ("cos", D(cos(x)), -sin(x)),
    ("cosh", D(cosh(x)), sinh(x)),
    ("sinh", D(sinh(x)), cosh(x)),
    ("tan", D(tan(x)), 1 + tan(x) ** 2),
    ("tanh", D(tanh(x)), 1 - tanh(x) ** 2),
    ("exp", D(exp(x)), exp(x)),
    ("exp2", D(2**x), 2**x * log(2)),
    ("expm1", D(expm1(x)), expm1(x) + 1),
    ("log", D(log(p), p), 1 / p),
    ("log10", D(log(p, 10), p), 1 / (p * log(10))),
    ("log1p", D(log(1 + p), p), 1 / (1 + p)),
    ("log2", D(log(p, 2), p), 1 / (p * log(2))),
    ("reciprocal", D(1 / p, p), -((1 / p) ** 2)),
    ("rsqrt", D(1 / sqrt(p), p), -((1 / sqrt(p)) ** 3) / 2),
    ("sqrt", D(sqrt(p), p), 1 / (2 * sqrt(p))),
    ("sigmoid", D(sigmoid(x)), sigmoid(x) * (1 - sigmoid(x))),
    ("logsigmoid", D(log(sigmoid(x))), 1 - sigmoid(x)),
    ("softplus", D(softplus(x)), sigmoid(x)),
    ("silu", D(silu(x)), sigmoid(x) * (1 + x * (1 - sigmoid(x)))),
    (
        "mish",
        D(x * tanh(softplus(x))),
        tanh(softplus(x)) + x * sigmoid(x) * (1 - tanh(softplus(x)) ** 2),
    ),
    ("elu", D(Piecewise((x, x > 0), (exp(x) - 1, True))), Piecewise((1, x > 0), (exp(x), True))),
    (
        "selu-ish",
        D(Piecewise((2 * x, x > 0), (3 * (exp(x) - 1), True))),
        Piecewise((2, x > 0), (3 * exp(x), True)),
    ),
    (
        "celu",
        D(Piecewise((x, x > 0), (2 * (exp(x / 2) - 1), True))),
        Piecewise((1, x > 0), (exp(x / 2), True)),
    ),
    (
        "gelu tanh",
        D(x / 2 * (1 + tanh(sqrt(2 / pi) * (x + Rational(44715, 1000000) * x**3)))),
        (1 + tanh(sqrt(2 / pi) * (x + Rational(44715, 1000000) * x**3))) / 2
        + x
        / 2
        * (1 - tanh(sqrt(2 / pi) * (x + Rational(44715, 1000000) * x**3)) ** 2)
        * sqrt(2 / pi)
        * (1 + 3 * Rational(44715, 1000000) * x**2),
    ),
    (
        "gelu erf",
        D(x / 2 * (1 + erf(x / sqrt(2)))),
        (1 + erf(x / sqrt(2))) / 2 + x * exp(-(x**2) / 2) / sqrt(2 * pi),
    ),
    ("relu", D(relu(x)), H(x)),
    ("leaky", D(leaky_relu(x, Rational(1, 100))), Piecewise((1, x > 0), (Rational(1, 100), True))),
    ("sign", D(sign(x)), 0),
    ("sinc", D(sin(p) / p, p), cos(p) / p - sin(p) / p**2),
    ("erf", D(erf(x)), 2 / sqrt(pi) * exp(-(x**2))),
    ("erfc", D(erfc(x)), -2 / sqrt(pi) * exp(-(x**2))),
    ("lgamma", D(loggamma(p), p), digamma(p)),
    ("digamma", D(digamma(p), p), polygamma(1, p)),
    ("square", D(x**2), 2 * x),
    ("pow3", D(x**3), 3 * x**2),
    ("softsign", D(x / (1 + Abs(x))), 1 / (1 + Abs(x)) ** 2),
    ("tanhshrink", D(x - tanh(x)), tanh(x) ** 2),
    (
        "softshrink",
        D(
            Piecewise(
                (x - Rational(1, 2), x > Rational(1, 2)),
                (x + Rational(1, 2), x < -Rational(1, 2)),
                (0, True),
            )
        ),
        Piecewise((1, Abs(x) > Rational(1, 2)), (0, True)),
    ),
    (
        "hardshrink",
        D(Piecewise((x, Abs(x) > Rational(1, 2)), (0, True))),
        Piecewise((1, Abs(x) > Rational(1, 2)), (0, True)),
    ),
    ("logit", D(log(u / (1 - u)), u), 1 / (u * (1 - u))),
    ("atan2-ish", D(atan(x / p), x), p / (x**2 + p**2)),
    (
        "hardsigmoid",
        D(Piecewise((0, x <= -3), (1, x >= 3), (x / 6 + Rational(1, 2), True))),
        Piecewise((Rational(1, 6), (x > -3) & (x < 3)), (0, True)),
    ),
    ("xlogy", D(x * log(p), p), x / p),
]


@pytest.fixture(scope="module")
def verdicts():
    doc = document(
        "torch",
        "PyTorch backward formulas",
        Source("derivatives.yaml", "derivatives.yaml"),
        inputs=(x, p, u),
        definitions=(),
        claims=tuple(claim(name, "", "", lhs, rhs) for name, lhs, rhs in cl),
        domains={u: Interval.open(-1, 1)},
    )
    return {v.claim: v for v in verify(doc, jobs=2, timeout=30)}


@pytest.mark.parametrize("name", [c[0] for c in cl])
def test_pytorch_backward_formula_is_proved(verdicts, name):
    verdict = verdicts[name]
    assert verdict.status is PROVED, (verdict.status, verdict.scope, verdict.counterexample)
