"""exp for vectorised float32 loops, derived here: exp(z) = 2**k * p(r), z = k ln2 + r.

Numba's pip builds cannot vectorise calls to exp (no SVML), so float32 kernels compute it
in plain arithmetic the compiler vectorises. Every constant is derived with SymPy: ln2 is
split Cody–Waite style into a head with few mantissa bits (so k*head is exact in float32)
and a tail; p is exp's Taylor polynomial of the least degree whose truncation error on
|r| <= ln2/2 is below float32's unit roundoff; z is clamped to the normal float32 range.
"""

from __future__ import annotations

import sympy

from derive.lowering import Block

UNIT_ROUNDOFF = sympy.Rational(1, 2**24)
HEAD_BITS = 9  # k < 2**8, so k * head fits float32's 24-bit mantissa exactly
LOWEST, HIGHEST = sympy.Integer(2) ** -126, (2 - sympy.Integer(2) ** -23) * 2**127

z, k, r, r_head = sympy.symbols("z_n k_n r_n r_head", real=True)


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


def vexp_blocks() -> tuple[Block, Block, Block]:
    """The reduction (clamped z -> k, r), the polynomial p(r), and plain exp for float64."""
    head, tail = _ln2_split()
    low = sympy.ceiling(sympy.log(LOWEST))
    high = sympy.floor(sympy.log(HIGHEST))
    clamped = sympy.Min(sympy.Max(z, low), high)
    inverse = (1 / sympy.log(2)).evalf(20)
    # Two outputs, so the head and the tail are subtracted one after the other.
    reduce = Block(
        "exp_reduce",
        (
            ("k_n", sympy.floor(clamped * inverse + sympy.Rational(1, 2))),
            ("r_head", clamped - k * head),
            ("r_n", r_head - k * tail),
        ),
    )
    taylor = sum(r**j / sympy.factorial(j) for j in range(_degree() + 1))
    poly = Block("exp_poly", (("p_n", sympy.horner(taylor, r)),), single=True)
    reduce = Block(reduce.name, reduce.outputs, single=True)
    return reduce, poly, Block("exp_plain", (("e_n", sympy.exp(z)),))
