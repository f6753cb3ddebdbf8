"""SymPy functions a document may use: those whose construction derive has checked
(notation/corrections.py's FUNCTIONS), watched while a document file runs.

SymPy rewrites some functions as it builds them, and for many of its special functions
wrongly somewhere: gegenbauer(1/2, 2, x) is built as 1, jacobi(3/2, 1, 2, x) as the
polynomial of degree 1, elliptic_pi(1/2, z, 0) as a closed form right only for |z| < π/2,
conjugate(loggamma(x)) as loggamma(x) (complex for x < 0). The rewritten claim is all derive
reads (both sides equal as built), so such a claim was PROVED. Within `kept_functions`,
building a SymPy function outside FUNCTIONS raises UncheckedFunction, even where SymPy
evaluates it away, whoever calls its constructor: the document, or SymPy on its behalf (a
class's own __new__, as betainc_regularized's; `expr.replace(f, gegenbauer)`; an allowed
function's rules evaluating through another, as polygamma(1, 1) through zeta(2)), except
SymPy's own polar bookkeeping (_PLUMBING) and Chebyshev polynomials of an integer degree
(_POLYNOMIALS) where SymPy builds them. The functions of derive's
notation and a document's own functions (Function("f"), subclasses of Function) are
allowed; a subclass of an unchecked function is not (see corrections.unchecked). A document built in-process is checked
by `document()` for the ones still in its expressions (corrections.unchecked_in).
"""

from __future__ import annotations

import contextlib
import os
import sys

from sympy import (
    chebyshevt,
    chebyshevu,
    exp_polar,
    periodic_argument,
    polar_lift,
    principal_branch,
)
from sympy.core import function

from derive.documents import _floats
from derive.notation.corrections import UncheckedFunction, unchecked, unchecked_message

_HERE = os.path.abspath(__file__)
# SymPy's bookkeeping of polar numbers, which its own code builds while it evaluates
# functions derive has checked (exp_polar inside its matrix and limit code): allowed where
# SymPy builds them, not in a document's own calls.
_PLUMBING = frozenset({exp_polar, polar_lift, periodic_argument, principal_branch})
# Chebyshev polynomials of an integer degree, which SymPy builds to evaluate cos and sin at
# rational multiples of π (cos(π/5) as chebyshevt(1, (1 + √5)/4)) and to expand cos(3x):
# of an integer degree each is built as its explicit polynomial (checked against
# cos(n·acos x) and sin((n + 1)·acos x)/sin(acos x) for degrees -6 to 12 in the tests), so
# cos(π/5) was an input error (helper 149). Allowed where SymPy builds them, with an integer
# degree only; a document's own call stays an input error.
_POLYNOMIALS = frozenset({chebyshevt, chebyshevu})


def _sympys_polynomial(kind, args) -> bool:
    """Whether SymPy builds a Chebyshev polynomial of an integer degree (see _POLYNOMIALS)."""
    if kind not in _POLYNOMIALS or not args:
        return False
    degree = args[0]  # SymPy passes a Python int (pi_coeff.p) or an Integer
    return isinstance(degree, int) or getattr(degree, "is_Integer", False) is True


def _by_the_document() -> bool:
    """Whether the function being built is called for by the document's code (or a module
    it imports, or derive's declarations), not by SymPy's or mpmath's own (SymPy builds
    exp_polar inside some of its matrix and limit code)."""
    frame = sys._getframe(2)  # the constructor's caller, or a watch around it
    while frame is not None and os.path.abspath(frame.f_code.co_filename) in (_HERE, _floats._HERE):
        frame = frame.f_back
    if frame is None or frame.f_code.co_filename.startswith("<frozen"):
        return False
    return not _floats.in_library(frame.f_code.co_filename)


@contextlib.contextmanager
def kept_functions():
    """Within: building a SymPy function outside FUNCTIONS for a document raises
    UncheckedFunction (see the module's docstring)."""
    kinds = [k for k in (function.Function, getattr(function, "DefinedFunction", None)) if k]
    constructors = {kind: kind.__dict__["__new__"] for kind in kinds}

    def watched(construct):
        def built(cls, *args, **options):
            if unchecked(cls):
                if _by_the_document():
                    raise UncheckedFunction(unchecked_message(cls))
                if cls not in _PLUMBING and not _sympys_polynomial(cls, args):
                    raise UncheckedFunction(unchecked_message(cls, by_sympy=True))
            return construct(cls, *args, **options)

        return built

    for kind, construct in constructors.items():
        kind.__new__ = watched(construct)
    try:
        yield
    finally:
        for kind, construct in constructors.items():
            kind.__new__ = construct
