"""Corrections to SymPy (1.14) where it builds a claim wrongly, applied when derive's model
loads: before a document builds its expressions, since what SymPy rewrites while it builds
an expression never reaches derive (both sides of such a claim are equal as built).

- Pow._eval_is_imaginary read an exponent not known to be an integer as one known not to
  be one: (-1)**(k/2), k an integer, was imaginary, so re((-1)**(k/2)) was built as 0
  (it is 1 at k = 0) and `re((-1)**(k/2)) = 0` was PROVED. Unknown now.
- acot took out a minus sign, acot(-u) → -acot(u), which fails at u = 0 (acot(0) = π/2
  both ways round), so `acot(-x) = -acot(x)` was PROVED. Kept as written now where u may
  be 0.

- acoth did the same, and took I·u to -I·acot(u): wrong at u = 0 (acoth(0) = iπ/2). Kept
  as written where u may be 0.
- sign(u)**2 (any even power) was 1 wherever u is not 0, u complex too (sign(i)² = -1).
  Now only for a real u.
- The orthogonal polynomials took out a minus sign, P_n(-x) → (-1)**n·P_n(x), for an
  unknown degree n; that parity holds for a degree 0, 1, 2, … only (P_{-2}(-x) = -P_{-2}(x),
  since P_{-n-1} = P_n). Kept as written unless n is known to be such a degree.

Each wraps SymPy's own method and only ever answers less (None where SymPy answered, an
unevaluated acot where SymPy rewrote it). Expressions built before this module loads keep
what SymPy gave them.
"""

from __future__ import annotations

import sympy
from sympy.core.power import Pow

_POW_IS_IMAGINARY = Pow._eval_is_imaginary
_ACOT_EVAL = sympy.acot.eval.__func__
_ACOTH_EVAL = sympy.acoth.eval.__func__
_SIGN_POWER = sympy.sign._eval_power
# Their eval(n, ..., x) takes out the minus sign of x as (-1)**n for an n that is no number.
_PARITY = (
    sympy.jacobi,
    sympy.gegenbauer,
    sympy.chebyshevt,
    sympy.chebyshevu,
    sympy.legendre,
    sympy.hermite,
    sympy.hermite_prob,
)
_PARITY_EVAL = {kind: kind.eval.__func__ for kind in _PARITY}


def _pow_is_imaginary(self):
    answer = _POW_IS_IMAGINARY(self)
    if answer and self.exp.is_integer is None:
        if self.base.is_extended_real and self.exp.is_extended_real:
            return None  # an integer exponent makes a real base's power real
    return answer


def _acot_eval(cls, arg):
    if not arg.is_Number and arg.could_extract_minus_sign() and arg.is_zero is not False:
        return None
    return _ACOT_EVAL(cls, arg)


def _acoth_eval(cls, arg):
    if not arg.is_Number and arg.is_zero is not False:
        if arg.could_extract_minus_sign() or arg.as_coefficient(sympy.I) is not None:
            return None
    return _ACOTH_EVAL(cls, arg)


def _sign_power(self, other):
    if self.args[0].is_extended_real:
        return _SIGN_POWER(self, other)
    return None


def _parity_eval(cls, n, *rest):
    degree = n.is_integer and n.is_nonnegative
    if not n.is_Number and not degree and rest[-1].could_extract_minus_sign():
        return None
    return _PARITY_EVAL[cls](cls, n, *rest)


def apply() -> None:
    """Install the corrections (once; idempotent)."""
    if Pow._prop_handler.get("imaginary") is _pow_is_imaginary:
        return
    Pow._eval_is_imaginary = _pow_is_imaginary
    Pow._prop_handler["imaginary"] = _pow_is_imaginary  # what SymPy's assumptions call
    sympy.acot.eval = classmethod(_acot_eval)
    sympy.acoth.eval = classmethod(_acoth_eval)
    sympy.sign._eval_power = _sign_power
    for kind in _PARITY:
        kind.eval = classmethod(_parity_eval)
    sympy.core.cache.clear_cache()  # constructions SymPy cached before


apply()
