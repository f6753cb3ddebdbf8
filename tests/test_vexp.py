"""The vectorisable float32 exp and the unit-interval log1p: their derived constants, and their
accuracy where they are used."""

import mpmath
import numpy
import sympy

from derive.kernels.vexp import UNIT_ROUNDOFF, _atanh_terms, _degree, _ln2_split, bounds

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


def _log1p_unit(w):
    import numba
    from derive_kernels.selective_ssm_numba import _log1p_unit as series

    @numba.njit(error_model="numpy")
    def run(w, out):
        for n in range(w.size):
            out[n] = series(w[n])

    out = numpy.empty_like(w)
    run(w, out)
    return out


def test_log1p_series_has_the_least_terms_below_each_unit_roundoff():
    s, bound = sympy.Rational(1, 3), lambda j: s ** (2 * j + 2) / ((2 * j + 3) * (1 - s**2))
    for roundoff in (UNIT_ROUNDOFF, sympy.Rational(1, 2**53)):
        terms = _atanh_terms(roundoff)
        assert bound(terms) < roundoff <= bound(terms - 1)


def test_log1p_series_is_within_two_ulp_on_the_unit_interval_in_normal_numbers():
    grid = numpy.concatenate([numpy.linspace(0, 1, 100001), numpy.geomspace(1e-300, 1, 20001)])
    for dtype, ulp in ((numpy.float32, 2.0**-23), (numpy.float64, 2.0**-52)):
        w = grid.astype(dtype)
        w = w[w >= numpy.finfo(dtype).tiny]  # normal numbers: w/2 of a subnormal w rounds
        exact = numpy.log1p(w.astype(numpy.float64))
        if dtype == numpy.float64:
            exact = [mpmath.log1p(mpmath.mpf(float(v))) for v in w[::97]]
            w = w[::97]
            exact = numpy.array([float(e) for e in exact])
        error = numpy.abs(_log1p_unit(w).astype(numpy.float64) - exact) / exact
        assert numpy.max(error) < 2 * ulp, dtype


def test_log1p_series_keeps_zero_and_nan():
    for dtype in (numpy.float32, numpy.float64):
        out = _log1p_unit(numpy.array([0.0, numpy.nan, 1.0], dtype))
        assert out[0] == 0 and numpy.isnan(out[1]) and out.dtype == dtype
