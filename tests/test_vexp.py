"""The vectorisable float32 exp: its derived constants, and its accuracy where it is used."""

import numpy
import sympy

from derive.vexp import UNIT_ROUNDOFF, _degree, _ln2_split


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


def test_generated_float32_exp_is_within_two_ulp():
    from derive_kernels.selective_ssm_numba import _vexp

    z = numpy.linspace(-87, 88, 200001, dtype=numpy.float32)
    out, bits = numpy.empty_like(z), numpy.empty(z.size, numpy.int32)
    _vexp(z, out, bits, True)
    exact = numpy.exp(z.astype(numpy.float64))
    assert numpy.max(numpy.abs(out - exact) / exact) < 2 * 2.0**-23
