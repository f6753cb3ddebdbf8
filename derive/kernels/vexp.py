"""exp and log1p for vectorised loops, derived here: exp(z) = 2**(k-1) * p(r), z = k ln2 + r.

Numba's pip builds cannot vectorise calls to exp (no SVML), so float32 kernels compute it
in plain arithmetic the compiler vectorises. Every constant is derived with SymPy: ln2 is
split Cody–Waite style into a head with few mantissa bits (so k*head is exact in float32)
and a tail; p is twice exp's Taylor polynomial of the least degree whose truncation error on
|r| <= ln2/2 is below float32's unit roundoff. The factor 2 lets 2**(k-1) cover k = 128, so
results up to float32's largest value are exact to rounding; z is clamped to the range where
exp(z) is a normal float32, results below 2**-125.5 flush to 0, and a last select returns
inf above that range and NaN for NaN, as numpy.exp does.

log1p(w) on 0 <= w <= 1 (the stable softplus's log1p(exp(-|x|)), see
derive/notation/primitives.py) is 2 atanh(s) with s = w/(2 + w) <= 1/3, summed as its odd
series to the least term whose tail, relative to the sum, is below the unit roundoff of
float32 (float32 code) or float64 (float64 code). Every term is positive, so the sum has no
cancellation: it is exact to rounding at w = 0 and for tiny w. NaN stays NaN.
"""

from __future__ import annotations

import sympy

from derive.kernels.lowering import Block

UNIT_ROUNDOFF = sympy.Rational(1, 2**24)
HEAD_BITS = 9  # k < 2**8, so k * head fits float32's 24-bit mantissa exactly
LOWEST, HIGHEST = sympy.Integer(2) ** -126, (2 - sympy.Integer(2) ** -23) * 2**127

EXPONENT_BIAS = 127  # float32: 2**e has the bits (e + 127) << 23

z, k, r, r_head, p, s = sympy.symbols("z_n k_n r_n r_head p_n s_n", real=True)


def _degree() -> int:
    half = sympy.log(2) / 2
    degree = 1
    while (half ** (degree + 1) / sympy.factorial(degree + 1)).evalf() >= UNIT_ROUNDOFF:
        degree += 1
    return degree


def _ln2_split() -> tuple[sympy.Rational, sympy.Float]:
    scale = 2**HEAD_BITS
    head = sympy.Rational(sympy.floor(sympy.log(2) * scale), scale)
    return head, (sympy.log(2) - head).evalf(20)


def _atanh_terms(unit_roundoff) -> int:
    """The least J with the series' relative tail sum_{j>J} s**(2j)/(2j+1) below
    `unit_roundoff` at s = 1/3 (bounded by s**(2J+2) / ((2J+3)(1 - s**2)))."""
    s_max = sympy.Rational(1, 3)
    terms = 0
    while (s_max ** (2 * terms + 2) / ((2 * terms + 3) * (1 - s_max**2))) >= unit_roundoff:
        terms += 1
    return terms


def log1p_unit_blocks() -> tuple[Block, ...]:
    """log1p(w) for 0 <= w <= 1: float32 ("log1p_single") and float64 ("log1p_double")."""
    w, s_w, q = sympy.symbols("w s_w q_w", real=True)
    blocks = []
    for name, single, roundoff in (
        ("log1p_single", True, UNIT_ROUNDOFF),
        ("log1p_double", False, sympy.Rational(1, 2**53)),
    ):
        series = sum(q**j / (2 * j + 1) for j in range(_atanh_terms(roundoff) + 1))
        outputs = (
            ("s_w", w / (2 + w)),
            ("q_w", s_w * s_w),
            ("l_w", 2 * s_w * sympy.horner(series, q)),
        )
        blocks.append(Block(name, outputs, single=single))
    return tuple(blocks)


def bounds() -> tuple[sympy.Float, sympy.Float]:
    """The z for which exp(z) is float32's smallest normal and largest finite value."""
    return sympy.log(LOWEST).evalf(20), sympy.log(HIGHEST).evalf(20)


def vexp_blocks() -> tuple[Block, ...]:
    """The reduction (clamped z -> k, r, and the biased exponent j of 2**(k-1)), the
    polynomial p(r) = 2 exp(r), the scaling with numpy.exp's inf and NaN, and plain exp."""
    head, tail = _ln2_split()
    low, high = bounds()
    clamped = sympy.Min(sympy.Max(z, low), high)
    inverse = (1 / sympy.log(2)).evalf(20)
    # Two outputs, so the head and the tail are subtracted one after the other. k >= -126 on
    # the clamped range, so j >= 0; j = 0 is the bit pattern of 0.0 (the flush to zero).
    reduce = Block(
        "exp_reduce",
        (
            ("k_n", sympy.floor(clamped * inverse + sympy.Rational(1, 2))),
            ("r_head", clamped - k * head),
            ("r_n", r_head - k * tail),
            ("j_n", k - 1 + EXPONENT_BIAS),
        ),
        single=True,
    )
    taylor = sum(r**j / sympy.factorial(j) for j in range(_degree() + 1))
    poly = Block("exp_poly", (("p_n", sympy.horner(2 * taylor, r)),), single=True)
    # Clamping made z finite; what lies above the range (inf) or is NaN is restored here.
    # Unevaluated: SymPy's reals have no NaN, so it would fold the NaN branch (z) away.
    pieces = ((p * s, z <= high), (sympy.oo, z > high), (z, sympy.true))
    scaled = sympy.Piecewise(*pieces, evaluate=False)
    scale = Block("exp_scale", (("e_n", scaled),), single=True)
    return reduce, poly, scale, Block("exp_plain", (("e_n", sympy.exp(z)),))
