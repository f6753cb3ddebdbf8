"""The vectorisable float32 exp: its derived constants, and its accuracy where it is used."""

import numpy
import sympy

from derive.kernels.vexp import UNIT_ROUNDOFF, _degree, _ln2_split, bounds

FLUSH = -125.5 * numpy.log(2)  # below it, 2**(k-1) has the biased exponent 0: the result is 0


def test_head_of_ln2_times_any_exponent_is_exact_in_float32():
    head, tail = _ln2_split()
    assert all(
        float(numpy.float32(k) * numpy.float32(head)) == float(k * head) for k in range(-127, 128)
    )
    assert abs(float(head + tail) - float(sympy.log(2))) < 1e-18


def test_degree_is_the_least_below_unit_roundoff():
    half = sympy.log(2) / 2
    degree = _degree()
    assert half ** (degree + 1) / sympy.factorial(degree + 1) < UNIT_ROUNDOFF
    assert half**degree / sympy.factorial(degree) >= UNIT_ROUNDOFF


def _fast_exp(z):
    from derive_kernels.selective_ssm_numba import _vexp

    z = numpy.asarray(z, numpy.float32)
    out, bits = numpy.empty_like(z), numpy.empty(z.size, numpy.int32)
    _vexp(z, out, bits, True)
    return out


def test_generated_float32_exp_is_within_two_ulp():
    _, high = bounds()
    z = numpy.linspace(FLUSH + 1e-5, float(high) - 1e-5, 200001, dtype=numpy.float32)
    exact = numpy.exp(z.astype(numpy.float64))
    assert numpy.max(numpy.abs(_fast_exp(z) - exact) / exact) < 2 * 2.0**-23


def test_float32_exp_flushes_only_what_lies_below_2_to_the_minus_125():
    z = numpy.linspace(-104, FLUSH, 1001, dtype=numpy.float32)
    assert numpy.max(numpy.abs(_fast_exp(z) - numpy.exp(z.astype(numpy.float64)))) < 2.0**-125


def test_float32_exp_gives_inf_and_nan_as_numpy_exp_does():
    z = numpy.array([numpy.nan, numpy.inf, -numpy.inf, 88.8, 1e30, -1e30, 88.72, 0.0])
    with numpy.errstate(over="ignore"):
        expected = numpy.exp(z.astype(numpy.float32))
    out = _fast_exp(z)
    assert numpy.array_equal(numpy.isnan(out), numpy.isnan(expected))
    assert numpy.array_equal(out[1:6], expected[1:6])
    assert numpy.allclose(out[6:], expected[6:], rtol=2 * 2.0**-23, atol=0)
