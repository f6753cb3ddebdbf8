"""Corrections to SymPy (1.14) where it builds a claim wrongly, applied when derive's model
loads: before a document builds its expressions, since what SymPy rewrites while it builds
an expression never reaches derive (both sides of such a claim are equal as built).

- Pow._eval_is_imaginary read an exponent not known to be an integer as one known not to
  be one: (-1)**(k/2), k an integer, was imaginary, so re((-1)**(k/2)) was built as 0
  (it is 1 at k = 0) and `re((-1)**(k/2)) = 0` was PROVED. Unknown now.
- acot took out a minus sign, acot(-u) → -acot(u), which fails at u = 0 (acot(0) = π/2
  both ways round), so `acot(-x) = -acot(x)` was PROVED. Kept as written now where u may
  be 0.

Each wraps SymPy's own method and only ever answers less (None where SymPy answered, an
unevaluated acot where SymPy rewrote it). Expressions built before this module loads keep
what SymPy gave them.
"""

from __future__ import annotations

import sympy
from sympy.core.power import Pow

_POW_IS_IMAGINARY = Pow._eval_is_imaginary
_ACOT_EVAL = sympy.acot.eval.__func__


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


def apply() -> None:
    """Install the corrections (once; idempotent)."""
    if Pow._prop_handler.get("imaginary") is _pow_is_imaginary:
        return
    Pow._eval_is_imaginary = _pow_is_imaginary
    Pow._prop_handler["imaginary"] = _pow_is_imaginary  # what SymPy's assumptions call
    sympy.acot.eval = classmethod(_acot_eval)
    sympy.core.cache.clear_cache()  # constructions SymPy cached before


apply()
