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
- Mod(p, q) with p/q a constant fraction was p - ⌊p/q⌋·q, without the shift by q where
  that is negative when SymPy could not tell its sign: Mod(-k, 2k) was -k (1 at k = 1),
  Mod(x, -2x) was x. Kept as written now.
- conjugate(loggamma(u)) was loggamma(conjugate(u)), wrong for a negative u (loggamma(-1/2)
  is 1.27 - iπ). Now only for a positive u.
- The orthogonal polynomials took out a minus sign, P_n(-x) → (-1)**n·P_n(x), for an
  unknown degree n; that parity holds for a degree 0, 1, 2, … only (P_{-2}(-x) = -P_{-2}(x),
  since P_{-n-1} = P_n). Kept as written unless n is known to be such a degree.
- atan, asin and acos of a rational were irrational, an argument not known to be nonzero
  (not 1 for acos) too: atan(|k - 20|) was positive, so sign(atan(|k - 20|)) was built as 1
  (it is 0 at k = 20). Now irrational only where the argument is known to be another
  rational; rational where it is 0 (1 for acos).
- Mul's is_integer had two rules on even factors that do not hold (helper 150): even
  numerators over odd denominators (greater than 1) were no integer, though 6/3 = 2, and
  even numerators over one even denominator were an integer once they held as many factors
  of 2 as it, its odd part ignored (2/6 = 1/3). So KroneckerDelta(6**n/3, 2) and
  Eq(n!/3, 2)-branches were built as 0, frac(2**n/6), sin(π·2**n/6) and Mod(2**n, 6) as 0,
  floor(2**n/6) as 2**n/6, and `Mod(2**n, 6) = 0` was PROVED. Its answer stands now only
  where a rule that holds gives it (_mul_is_integer); else unknown.
- Functions were finite (or algebraic, which implies it) at their poles (helper 150): log(u)
  for a u that may be 0 (finite unless u is known to be 0), log1p(u) likewise at u = -1 (and
  real where u ≥ -1), polygamma(n, z) for a z that may be 0, -1, -2, … (positive, negative,
  complex), and tan, cot, sec, csc of π times a rational multiple of a symbol (algebraic:
  tan(πo/2) for an odd o is zoo). So 1/log(y) (y ≥ 0) and 1/tan(πo/2) were nonzero, and
  KroneckerDelta(1/log(y), 0) = 0, |sign(1/tan(πk/2))| = 1 and Ne(1/log(y), 0) were built
  as true and PROVED. Those answers stand now only where the argument is known off the poles.
- exp(u) was nonzero (and positive) for any u not written as -oo, though atanh(-1),
  acoth(-1) and -loggamma(0) are -oo (adv155): KroneckerDelta(exp(atanh(x)), 0) = 0 was
  PROVED. And floor, ceiling were real (so finite, integer) for an argument only known
  extended real: cot(x), csc(x), csch(x), acsch(x) are zoo at 0, and
  KroneckerDelta(1/floor(cot(x)), 0) = 0 was PROVED. Those answers stand now only where u
  is certainly not -oo, and where the argument is real; and tan, cot, sec, csc, csch, acsch
  of a real argument are extended real only where it is certainly off their poles.
- acot, acoth and asec of an argument not extended real were not real (so nonzero), though
  their argument may be zoo, where they are 0, 0 and π/2 (adv156: log(x) for x ≤ 0 is zoo at
  0, and KroneckerDelta(acot(log(x)), 0) = 0 was PROVED). Not real now only of a finite
  argument.
- Facts that hold of a finite argument were given for an extended-real one (helper 158):
  sinh and cosh of it were real (so finite), sech and csch positive (so nonzero), Max(1, u)
  positive (so finite) and Min(-1, u) negative, though u = re(loggamma(x)) is oo at x = 0,
  where sech is 0, cosh and Max(1, u) oo: KroneckerDelta(sech(re(loggamma(x))), 0) = 0 and
  KroneckerDelta(1/Max(1, loggamma(x)), 0) = 0 were PROVED. Those answers stand now only
  where the arguments are certainly finite.
- Rewrites that hold on part of the domain were made everywhere (helper 158): log2(2**z) to
  z for a complex z (0 at z = 2πi/log 2); sinh, cosh (so csch, sech) of acoth(x) to forms in
  sqrt(x - 1)·sqrt(x + 1), of the wrong sign for -1 < x < 1 (sinh(acoth(0)) is i, the form
  -i); sin, cos, tan, cot (so csc, sec) of atan2(y, x) to forms in sqrt(x² + y²) for a
  complex x (cos(atan2(0, -i)) is 1, the form -1). Kept as written there now.
- floor(x) > c and floor(x) ≤ c, ceiling(x) < c and ceiling(x) ≥ c, for a number c, were
  rewritten as for a noninteger c (floor(x) > c as x ≥ ceiling(c)) where SymPy could not tell
  that c is an integer: with c = (1 + √2)(√2 - 1) = 1, Piecewise((1, floor(x) > c), (0,
  True)) = [x ≥ 1] was PROVED (helper 158). Kept as written now where c may be an integer.
- binomial(n, k) with an odd k was negative for any integer n not known nonnegative:
  sign(binomial(k, 3)) was built as -1 (it is 1 at k = 4). Now negative only for a
  negative n.
- gamma(x) of a noninteger x was positive exactly where floor(x) is even, which holds for
  a negative x only: |gamma(2k - 1/2)| was built as -gamma(2k - 1/2) (gamma(3/2) > 0). Now
  so only for a negative x.
- binomial(n, k) with a noninteger k was no integer (binomial(1/2, 1/2) is 1, and
  binomial(1/2, 3/2) is 0). Now unknown.
- floor, ceiling and frac of an argument not known real were not real, so nonzero
  (floor(i/2) is 0). Now unknown; of a real argument, SymPy's own answers stand.
- piecewise_fold pulled a Piecewise out of a Sum, Product or Integral (and derive's set
  sums), its condition too, though the condition named the variable bound there: the Sum
  constructor folds its summand, so Σ_i log Σ_j exp(Piecewise((s[i, j], j <= i), (-3,
  True))) was built with `i >= j` outside the inner sum, j free (a true causal
  log-partition REFUTED, a false padding claim PROVED at sizes). Now a node that binds a
  variable a condition inside it names is left as it is, and so is one of derive's arrays
  (folded out of a Table, a Piecewise has arrays as branches, which SymPy cannot take).
- A power of an irrational to an integer exponent was irrational (so no integer, nonzero
  and q² - 2 nonzero): (√2)² = 2, yet Eq(q**2, 2) was built as False and |q² - 2| > 0 was
  PROVED for q declared irrational (helper 95). Unknown now, except for the exponents 1
  and -1.
- A power of a noninteger (√2) to a positive integer exponent was neither even nor odd,
  though (√2)² is 2. Now so only for an integer base.
- A rational noninteger to a positive exponent was no integer, an exponent not known
  rational too: (3/2)**e is 2 at e = log 2 / log(3/2). Now so only for a rational exponent.
- zoo**o (which SymPy builds for 0**(-o)) was not algebraic, hence not zero, and 0**o
  algebraic, hence finite, for an integer o of unknown sign: at o = -1 they are 0 and zoo,
  and Piecewise((1, Eq(0**(-o), 0)), (0, True)) = 0 was PROVED (helper 95). Now unknown for
  a base not known finite, and for a zero base whose exponent may be negative.
- SymPy's reasoning about complex values held many values not real, or not imaginary,
  that can be (helper 96, 22 false claims PROVED): (-1)**I = e^(-π) was not real,
  2**z = i at z = iπ/(2 log 2) was not imaginary, I·atanh(x) was not real (it is 0 at
  x = 0), asin(I·z) not real (z = i), expm1(z) not real (expm1(iπ) = -2); so Eq(..., 0)
  was built as False, sign(im(...))² as 1. A power's and a product's "not real" and "not
  imaginary", and expm1's "not real", are unknown now.
- re, im and Abs of a transcendental were transcendental: re(iπ) = 0, |e^i| = 1. Unknown
  now (of an algebraic argument they stay algebraic).
- binomial(n, k) for a negative integer n was zoo wherever k was not known to be an
  integer: binomial(-1, x) is 1 at x = 0, and 1/binomial(-1, x) = 0 was PROVED. zoo now
  only where k is known to be no integer.
- Mod(p, q) was nonnegative (so real) for any positive q, p complex too: Mod(i, 2) is i,
  yet im(Mod(w, 2)) was built as 0 for w imaginary (helper 97). Now only for a real p.
- atan2(y, x) was not real wherever an argument was not known real, though
  atan2(i/2, i/2) = π/4 and atan2(0, i) = 0; its conjugate was atan2 of the conjugates, wrong
  across its cut (at y = 2i, x = 1). Unknown now, and the conjugate kept as written, unless
  both arguments are real.

- Eq(u, zoo) (or oo) was False wherever SymPy could not tell whether u is infinite: it
  compared arg(u) with arg(zoo), which is nan. 1/x is zoo at x = 0, tan(x) at π/2 and 0**o
  at o = -1, yet Piecewise((1, Eq(tan(x), zoo)), (0, True)) was built as 0. Kept as
  written now, so the claim holds zoo as built (and gets no proof).

- Subs(f, (q, p), (p, q)).doit() substituted one variable after the other, so the second
  replaced what the first put in: Subs(q²·p, (q, p), (p, q)) is p²·q, and doit gave q³
  (helper 105: SS(s, r) := Subs(q²·p, (q, p), (s, r)) applied at (p, q) was REFUTED,
  though true). Where a point holds a variable of the Subs, the variables are renamed to
  fresh ones first, so the substitution is simultaneous.

- Derivative(f(), x).subs(x, y), with y a symbol, renamed the variable (∂f/∂y) wherever y did
  not show in the expression, as in an undefined function's application, which is how a
  document's definition appears: for f := e^y + x, "∂f/∂x at x = y is e^y" was built as
  ∂f/∂y = e^y and PROVED (it is 1), and a true "∂q/∂x at x = y is 2y" (q := x² + y) was
  REFUTED (helper 131). Where the expression holds such an application, the substitution
  is a Subs now, as it was for a number.
- A substitution into a document's definition for a symbol that shows only in the
  definition's body was dropped: for f := x·y + x², `f().subs(x, 0)` was f() and
  `Derivative(f(), x).subs(y, 2)` was ∂f/∂x (SymPy sees no y in f()), so "∂f/∂x at y = 2 is
  y + 2x" was PROVED and the meant "2 + 2x" REFUTED (helper 132). A definition registers the
  symbols its body holds besides its parameters (`hide`); a substitution for one of them is
  a Subs now, and one for another expression holding them (x[1], y²) an input error.
- A substitution whose new value holds a symbol that a Sum, Product, Integral, Subs or
  Lambda (and derive's array sums and tables) binds captured it: Σ_{i=0}^{3} y at y = i was
  built as Σ_{i=0}^{3} i = 6 (it is 4i), ∫₀¹ y dx at y = x as 1/2, Subs(x·y, x, 2) at y = x
  as 4 (it is 2x). The bound variables it would capture are renamed to fresh dummies first
  (SymPy's own Derivative does so with a Subs). `.xreplace` replaces structurally, as
  SymPy's does: it still captures.
- Numbers within ~10⁻⁴³⁵ of an integer (helper 132): floor and ceiling (get_integer_part)
  took SymPy's `equals(0)`, which decides by evaluation, for exact where evalf could not tell
  the number from an integer, so floor(-e^(e⁻¹⁰⁰⁰)) was -1 (it is -2); int() took a number
  that `equals` said was not the integer i for one between i and 0 (int(e^(e⁻¹⁰⁰⁰)) was 0),
  so Mod(e^(e⁻¹⁰⁰⁰), 1) was built as e^(e⁻¹⁰⁰⁰); Mod of real numbers took "not known
  negative" for nonnegative (Mod(-e^(e⁻¹⁰⁰⁰), 1) was 1 - e^(e⁻¹⁰⁰⁰) < 0); and a sum with no
  significant digit (evalf's "about 0") reached atan, tanh, ... as a definite number
  (sign(atan(e^(e⁻¹⁰⁰⁰) - 1)) was -1). Each is checked with up to RECHECK_BITS now; where
  those cannot tell the number from the integer (an integer in disguise, or one nearer than
  2^-4096), SymPy's answer stands (leaving such floors as written made valid documents fail
  to load and true claims undecided: helper 136), but is recorded (`doubted_since`): the
  number is gone from what was built (floor(2 - √(1 + e^(-10⁶))) = 1, false, was built as
  1 = 1 and PROVED), so no claim of a document built with such a reading, or decided
  through one, is proved. A floor or Mod of a number that stays unevaluated has no value,
  and no claim holding it is proved (`unresolved`).
- evalf gave exactly 0 for a function whose argument rounds, at the working precision, to a
  zero of it: log(1 + e⁻¹⁰⁰⁰) and acos(1 - e⁻¹⁰⁰⁰) (SymPy's evalf_log skips its accurate
  path for a log of 1, and mpmath's acos(1) is 0). SymPy's facts read that 0 as exact:
  c = log(1 + e⁻¹⁰⁰⁰) - log(1 + e⁻¹⁰⁰¹) (about 3·10⁻⁴³⁵) was zero, so `c = 0`, `x·c = 0`
  and ∂(c·max(x, 0))/∂x = c·H(x) (either value at 0) were PROVED. Such a 0 is evaluated
  again at RECHECK_BITS (4096 bits), and its value there taken; where it is still 0 there
  (log(1 + e^(-10⁶)), or log(sin(1)² + cos(1)²), which is 0), SymPy's answer stands, and
  the engine proves no claim that holds one (`unresolved`). Functions that are 0 on an
  interval (relu, floor, Max, ...) are left alone: their 0 is their value there. (Returning
  a number of unknown sign instead, as evalf_add does for a sum it cannot tell from 0, was
  worse: mpmath's arguments take such a number as definite, and sign(sin(that)) was built
  as 1 for a true 0, helper 132.)

Each wraps SymPy's own method and only ever answers less (None where SymPy answered, an
unevaluated acot where SymPy rewrote it). Expressions built before this module loads keep
what SymPy gave them.
"""

from __future__ import annotations

import collections
import contextlib
import contextvars
import functools
import os
import sys

import mpmath
import sympy
from mpmath import libmp as mlib
from sympy.codegen import cfunctions
from sympy.concrete.expr_with_limits import AddWithLimits, ExprWithLimits
from sympy.core import evalf as evalf_module
from sympy.core import exprtools, function, relational
from sympy.core import random as sympy_random
from sympy.core.function import Application, AppliedUndef, WildFunction
from sympy.core.logic import fuzzy_and
from sympy.core.power import Pow
from sympy.functions.elementary import piecewise
from sympy.functions.elementary.trigonometric import _pi_coeff
from sympy.matrices.matrixbase import MatrixBase
from sympy.polys.polyerrors import BasePolynomialError
from sympy.utilities.iterables import is_sequence

_POW_IS_IMAGINARY = Pow._eval_is_imaginary
_IS_EQ = relational.is_eq
_SUBS_DOIT = sympy.Subs.doit
_POW_IS_RATIONAL = Pow._eval_is_rational
_POW_IS_EVEN = Pow._eval_is_even
_POW_IS_ODD = Pow._eval_is_odd
_POW_IS_INTEGER = Pow._eval_is_integer
_POW_IS_ALGEBRAIC = Pow._eval_is_algebraic
_MUL_IS_INTEGER = sympy.Mul._eval_is_integer
_EXP_IS_ZERO = sympy.exp._eval_is_zero
_ACOT_EVAL = sympy.acot.eval.__func__
_ACOTH_EVAL = sympy.acoth.eval.__func__
_ASEC_EVAL = sympy.asec.eval.__func__
_SIGN_POWER = sympy.sign._eval_power
_MOD_EVAL = sympy.Mod.eval.__func__
_LOGGAMMA_CONJUGATE = sympy.loggamma._eval_conjugate
_BINOMIAL_EVAL = sympy.binomial.eval.__func__
_ATAN2_CONJUGATE = sympy.atan2._eval_conjugate
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


def _is_eq(lhs, rhs, assumptions=None):
    """SymPy's is_eq, unknown where one side is infinite and the other may be."""
    for one, other in ((lhs, rhs), (rhs, lhs)):
        if getattr(one, "is_infinite", None) and getattr(other, "is_infinite", False) is None:
            return None
    return _IS_EQ(lhs, rhs, assumptions)


def _subs_doit(self, **hints):
    """Subs.doit with its substitutions simultaneous (see the module docstring); kept as it
    is where a variable shows in a definition's body: the engine's substitutions leave
    applications alone (it unfolds them first), and SymPy's doit asks an application whether
    it has the variable, which it has (see _has), and substituted into the derivative."""
    expr, variables, point = self.args
    if _building_here() and _by_the_document():
        _check_values(f"doit of {sympy.sstr(self)}", zip(variables, point))
    if any(_in_a_body(v, expr) for v in variables):
        return self
    if any(_entry_in_sum(v, expr) for v in variables):
        return self  # SymPy's substitution would not reach a[i] at i = 1 (see _limits_subs)
    if any(_entry_may_be_another(v, expr) for v in variables):
        return self
    held = set().union(*(sympy.sympify(p).free_symbols for p in point))
    if len(variables) > 1 and held & set(variables):
        fresh = {v: _stand_in(v) for v in variables}
        renamed = tuple(fresh.get(v, v) for v in variables)
        return _SUBS_DOIT(sympy.Subs(expr.xreplace(fresh), renamed, point), **hints)
    return _SUBS_DOIT(self, **hints)


def _stand_in(variable):
    """A fresh dummy for a Subs variable: a symbol's assumptions, an entry's realness."""
    if isinstance(variable, sympy.Symbol):
        return _fresh([variable])[variable]
    return sympy.Dummy(str(variable), real=True) if variable.is_real else sympy.Dummy()


def _in_a_body(variable, expr) -> bool:
    """Whether a definition's body that `expr` applies holds `variable` (free in `expr` as
    well or not: the engine's substitution would reach only the free ones)."""
    return any(variable in HIDDEN.get(a.func, ()) for a in _applied_in(expr))


# expr.atoms(AppliedUndef) of expressions asked about lately, by identity: id → (expr, its
# applications). _hides asks at every derivative SymPy builds and at every has() that finds
# nothing, so a derivative's recursion through a large expression walked each of its
# subexpressions again; a walk now ends where a subexpression is kept here (profiled, the
# kernel harness's symbolic gradient of the scan spent 26 of its 112 s in _hides, 0.5 s now).
_APPLICATIONS: dict = {}
_APPLICATIONS_KEPT = 1 << 16


def _applied_in(expr) -> frozenset:
    """expr.atoms(AppliedUndef), as a frozenset, remembered for the same object."""
    kept = _APPLICATIONS.get(id(expr))
    if kept is not None and kept[0] is expr:
        return kept[1]
    try:
        found = frozenset((expr,)) if isinstance(expr, AppliedUndef) else frozenset()
        for arg in expr.args:
            if isinstance(arg, sympy.Basic):
                found |= _applied_in(arg)
            else:  # walked as atoms walks it
                found |= {a for a in sympy.preorder_traversal(arg) if isinstance(a, AppliedUndef)}
    except RecursionError:  # deeper than Python's stack: atoms walks it without recursion
        found = frozenset(expr.atoms(AppliedUndef))
    if len(_APPLICATIONS) >= _APPLICATIONS_KEPT:
        _APPLICATIONS.clear()
    _APPLICATIONS[id(expr)] = (expr, found)
    return found


def _hides(variable, expr) -> bool:
    """Whether a definition's body that `expr` applies depends on `variable`: holds it, or for
    an entry x[1] any entry of x (SymPy sees an application as a constant in both)."""
    if not HIDDEN or not isinstance(expr, sympy.Basic):
        return False
    for application in _applied_in(expr):
        if isinstance(variable, AppliedUndef) and application != variable:
            # ∂L/∂p of L := -log(p()), ∂k(3)/∂k(2) of a recurrence: an application the body
            # applies (helper 165: diff(L(), p()) was 0).
            if variable.func in APPLIED.get(application.func, ()):
                return True
        hidden = HIDDEN.get(application.func, ())
        if variable in hidden:
            return True
        if isinstance(variable, sympy.Indexed) and any(
            h == variable.base or (isinstance(h, sympy.Indexed) and h.base == variable.base)
            for h in hidden
        ):
            return True
    return False


_HAS = sympy.Basic._has


def _has(self, iterargs, *patterns):
    """Basic._has (has, has_free), true too where a definition's body that `self` applies
    depends on a pattern (a symbol, a tensor entry, an application): SymPy decides by it what
    an expression is independent of (a limit, an antiderivative, a factor pulled out of a sum
    or an integral), and took an application for a constant (helper 166: simplify of Σ_k h()
    for h := k was n·h(), gruntz(g(), x, oo) was g())."""
    if _HAS(self, iterargs, *patterns):
        return True
    if not HIDDEN or not isinstance(self, sympy.Basic):
        return False
    return any(isinstance(p, sympy.Basic) and _hides(p, self) for p in patterns)


_INDEXED_SUBS = sympy.Indexed._eval_subs


def _indexed_subs(self, old, new):
    """Indexed._eval_subs; ValueError for a substitution of another entry of the same tensor
    that this one may be: a[c].subs(a[1], 0) left a[c] (SymPy compares the entries by their
    written indices), false at c = 1, and a[c] = a[c] was PROVED (helper 167)."""
    if _THROUGH_BODIES.get() and _may_be(self, old):
        raise _entry_error("subs", self, old, new)
    return _INDEXED_SUBS(self, old, new)


def _may_be(entry, other) -> bool:
    """Whether `other` is another entry of `entry`'s tensor that `entry` is at some values of
    its indices."""
    same = isinstance(other, sympy.Indexed) and other.base == entry.base and other != entry
    if not same or len(other.indices) != len(entry.indices):
        return False
    return all(sympy.Eq(a, b) is not sympy.false for a, b in zip(entry.indices, other.indices))


def _entry_error(operation: str, entry, old, new) -> ValueError:
    return ValueError(
        f"{sympy.sstr(entry)}.{operation}({sympy.sstr(old)}, {sympy.sstr(new)}): the entry "
        f"{sympy.sstr(entry)} is {sympy.sstr(old)} at some values of its index, which a "
        "substitution cannot tell; substitute for the whole tensor, or write the value "
        "with a KroneckerDelta"
    )


_DERIVATIVE_NEW = sympy.Derivative.__new__


def _derivative_new(cls, expr, *variables, **options):
    """Derivative.__new__, kept unevaluated where a definition's body that `expr` applies
    depends on a variable: SymPy took the application for a constant, and diff(L(), b),
    Derivative(f(), x).doit() were built as 0 (helper 164); the engine differentiates once
    it has unfolded the bodies."""
    if options.get("evaluate", False):
        wanted = [v for v in sympy.flatten(variables) if isinstance(v, sympy.Basic)]
        if any(_hides(v, sympy.sympify(expr)) for v in wanted if not v.is_Number):
            arrays = any(not isinstance(v, sympy.Basic | int) or _array(v) for v in variables)
            if arrays or cls is not sympy.Derivative:  # an ArrayDerivative
                # Matrix([f()]).diff(x), diff(f(), [x, y]): SymPy's array derivatives take no
                # unevaluated entry (helper 166: they crashed)
                raise ValueError(
                    f"an array derivative of {sympy.sstr(expr)}: a definition there depends on "
                    "a variable through its body; differentiate each entry, Derivative(e, x)"
                )
            options = {**options, "evaluate": False}
    return _DERIVATIVE_NEW(cls, expr, *variables, **options)


def _array(value) -> bool:
    """Whether `value` is a matrix or an array (a derivative's variable or its expression)."""
    return isinstance(value, sympy.MatrixBase | sympy.NDimArray)


def _kept_over_bodies(doit, variables):
    """A doit (of an Integral, a Sum, a Product or a Limit; also their simplification and
    factoring) that leaves the node as it is
    where a definition's body in it depends on a variable it binds: SymPy took the
    application for a constant, integrate(f(), (x, 0, 1)) was f() and Σ_i g() for
    g := a[i] was n·g() (helper 164). Kept, the node is read (or refused) as written."""

    def method(self, **hints):
        if any(_hides(v, self) for v in variables(self)):
            return self
        return doit(self, **hints)

    return method


def _refused_over_bodies(method, name: str, variables):
    """`method` (an Expr's series, Poly's constructor) refusing where a definition's body in
    the expression depends on a variable it works in: SymPy took the application for a
    constant there (series(h(), x) of h := 1/(1 - x) was h(), Poly(g()·x, x).diff(x) g():
    helper 165)."""

    def refusing(self, *arguments, **options):
        expr = self if isinstance(self, sympy.Basic) else sympy.sympify(arguments[0])
        for variable in variables(self, arguments, options):
            if isinstance(variable, sympy.Basic) and _hides(variable, expr):
                raise ValueError(
                    f"{name} in {variable} of {sympy.sstr(expr)}: a definition there depends on "
                    f"{variable} through its body, which SymPy does not see; apply it to the "
                    "body (f.body) instead"
                )
        return method(self, *arguments, **options)

    return refusing


def _series_variable(self, arguments, options) -> list:
    """The variable of Expr.series(x, ...) and its kin."""
    return [arguments[0] if arguments else options.get("x")]


def _arguments(self, arguments, options) -> list:
    """The symbols of Expr.as_leading_term(*symbols)."""
    return list(arguments)


def _second_argument(self, arguments, options) -> list:
    """The variable of Expr.taylor_term(n, x)."""
    return list(arguments[1:2])


def _generators(cls, arguments, options) -> list:
    """The generators of Poly(expr, *gens, gens=...)."""
    return [*sympy.flatten(arguments[1:]), *sympy.flatten([options.get("gens", ())])]


_LAMBDA_CALL = sympy.Lambda.__call__


def _lambda_call(self, *arguments):
    """Lambda.__call__, a Subs where a definition's body in it holds a variable (SymPy
    replaced the variables structurally, and Lambda(x, f())(2) was f(): helper 164)."""
    result = _LAMBDA_CALL(self, *arguments)  # SymPy's checks of the arguments
    if _building_here() and _by_the_document():
        _check_values(f"{sympy.sstr(self)}(...)", _paired(self.signature, arguments))
    if not any(_hides(v, self.expr) for v in self.variables):
        return result
    pairs = list(_paired(self.signature, arguments))  # Lambda(((y, z),), …)((1, 2)) too
    return sympy.Subs(self.expr, [v for v, _ in pairs], [a for _, a in pairs])


def _paired(signature, arguments):
    """(variable, argument) for a Lambda's (nested) signature and the arguments of a call
    that SymPy accepted."""
    for variable, argument in zip(signature, arguments):
        if isinstance(variable, sympy.Tuple | tuple):
            yield from _paired(variable, argument)
        else:
            yield variable, argument


def _entry_in_sum(entry, expr) -> bool:
    """Whether `entry` (x[1]) is a tensor entry that `expr` holds as another inside a sum, a
    product, an integral or a table, by an index those bind (x[i] in Σ_i)."""
    if not isinstance(entry, sympy.Indexed):
        return False
    for node in sympy.preorder_traversal(expr):
        if isinstance(node, ExprWithLimits):
            bound = {limit[0] for limit in node.limits}
            for other in node.function.atoms(sympy.Indexed):
                if other.base == entry.base and other.free_symbols & bound:
                    return True
    return False


def _entry_may_be_another(entry, expr) -> bool:
    """Whether `entry` is a tensor entry that another entry `expr` holds, or one a body it
    applies holds, may be at some values of their indices (u[5] and u[c] at c = 5): SymPy's
    substitution for one leaves the other, and 'identical' claimed Subs(u[5]·u[c], u[5], 3)
    = 3·u[c] for every size (helper 174's round; the evaluation past the grid caught it).
    Entries whose indices differ by a nonzero number somewhere (u[c], u[c + 1]) are apart."""
    if not isinstance(entry, sympy.Indexed):
        return False
    for other in expr.atoms(sympy.Indexed):
        if other.base != entry.base or other == entry:
            continue
        differences = [a - b for a, b in zip(other.indices, entry.indices, strict=False)]
        if len(other.indices) == len(entry.indices) and any(
            d.is_number and d != 0 for d in differences
        ):
            continue
        return True
    return _hides(entry, expr)


def _entry_may_meet(entry, expr) -> bool:
    """Whether `entry` has an index that is not a number (u[c], c a free index) and may be
    another entry `expr` holds, or one a body it applies holds (_entry_may_be_another): such
    a Subs gets no symbolic proof (Subs(u[c]·u[5], u[c], 3) = 3·u[5] was claimed by
    'identical' for every size). At concrete sizes the entry is a number and the
    substitution exact (terms.unfold._entries_given)."""
    if not isinstance(entry, sympy.Indexed) or all(i.is_Integer for i in entry.indices):
        return False
    return _entry_may_be_another(entry, expr)


def _pow_is_imaginary(self):
    answer = _POW_IS_IMAGINARY(self)
    if answer is False:
        return None  # 2**z is i at z = iπ/(2 log 2): see the module docstring
    if answer and self.exp.is_integer is None:
        if self.base.is_extended_real and self.exp.is_extended_real:
            return None  # an integer exponent makes a real base's power real
    return answer


def _pow_is_rational(self):
    answer = _POW_IS_RATIONAL(self)
    if answer is False and self.exp.is_integer and self.base.is_irrational:
        # An irrational's square may be rational ((√2)² = 2); only q and 1/q stay irrational.
        return answer if abs(self.exp) == 1 else None
    return answer


def _integer_base_only(method):
    """`method` (Pow's parity) where the base is known an integer; else only a True stands
    (a noninteger's square may be an even integer: (√2)² = 2)."""

    def answer(self):
        found = method(self)
        return found if found or self.base.is_integer else None

    return answer


def _pow_is_integer(self):
    answer = _POW_IS_INTEGER(self)
    if answer is False and self.exp.is_positive and self.exp.is_rational is not True:
        if self.base.is_rational and self.base.is_integer is False:
            return None  # (3/2)**e is 2 at e = log 2 / log(3/2)
    return answer


def _mul_is_integer(self):
    """SymPy's answer where one of these rules gives it too, else None (see the module
    docstring): integer factors alone; 1 over factors greater than 1; odd over even;
    even over 2; over a power of 2 with at least as many factors of 2 above; an even
    integer over more factors of 2 than it has."""
    answer = _MUL_IS_INTEGER(self)
    if answer is None:
        return None
    return answer if _mul_integer_by_parts(self) is answer else None


def _mul_integer_by_parts(self):
    """Whether the product is an integer, from its integer numerators and denominators (see
    _mul_is_integer), or None."""
    if self._eval_is_rational() is False:
        return False
    above, below, known = [], [], True  # |factors| other than 1, above and below the line
    for factor in self.args:
        if factor.is_integer:
            above += [factor] if abs(factor) is not sympy.S.One else []
        elif factor.is_Rational:
            above += [factor.p] if abs(factor.p) != 1 else []
            below.append(sympy.Integer(factor.q))
        elif factor.is_Pow and factor.exp.is_negative:
            known = known and bool(factor.base.is_integer and factor.exp.is_integer)
            below.append(1 / factor)
        else:
            return None
    if not below:
        return True if known else None
    if not above and all(relational.is_gt(d, sympy.S.One) for d in below):
        return False  # 1 over factors each greater than 1 lies between 0 and 1
    if not known:
        return None
    above = [sympy.Integer(a) if isinstance(a, int) else a for a in above]
    if all(a.is_odd for a in above) and any(d.is_even for d in below):
        return False
    if any(a.is_even for a in above) and below == [2]:
        return True
    twos = sympy.Add(*[a.as_base_exp()[1] for a in above if a.is_even])  # at least this many
    if len(below) == 1 and below[0].is_Integer:
        d = abs(int(below[0]))
        if d > 1 and d & (d - 1) == 0 and (twos - sympy.trailing(d)).is_nonnegative:
            return True  # over a power of 2 with as many factors of 2 above
    if len(above) == 1 and above[0].is_Integer and above[0].is_even:
        over = sympy.Add(*[d.as_base_exp()[1] for d in below if d.is_even])
        if (over - sympy.trailing(int(above[0]))).is_positive:
            return False  # more factors of 2 below than the even integer above has
    return None


def _off_pole(method, off):
    """`method`'s answer, True only where off(argument) says the argument is certainly off
    the function's poles (see the module docstring)."""

    @functools.wraps(method)
    def answered(self):
        answer = method(self)
        return answer if answer is not True or off(self) else None

    return answered


def _nonzero_argument(node) -> bool:
    return node.args[0].is_zero is False


def _argument_off_minus_one(node) -> bool:
    return (node.args[0] + 1).is_zero is False


def _no_polygamma_pole(node) -> bool:
    """Whether polygamma(n, z)'s z is certainly none of its poles 0, -1, -2, ...."""
    z = node.args[1]
    return fuzzy_and([z.is_integer, z.is_nonpositive]) is False


def _trig_off_poles(at_half: bool):
    """Whether a trig function with poles at π(k + 1/2) (at_half: tan, sec) or at πk (cot,
    csc) has an argument certainly off them, where it is π times a symbolic multiple."""

    def off(node) -> bool:
        coefficient = _pi_coeff(node.args[0])
        if coefficient is None:
            return True  # SymPy's answer came from elsewhere
        shifted = coefficient - sympy.S.Half if at_half else coefficient
        return shifted.is_integer is False

    return off


def _not_real_if_finite(method):
    """`method`'s answer to extended_real, False only where the argument is certainly finite:
    acot, acoth and asec of zoo are 0, 0 and π/2, real (see the module docstring)."""

    @functools.wraps(method)
    def answered(self):
        answer = method(self)
        return answer if answer is not False or _finite_argument(self) else None

    return answered


def _off_trig_poles(at_half: bool):
    """Whether tan or sec (at_half: poles at π(k + 1/2)), or cot or csc (poles at πk), has an
    argument certainly off its poles."""

    def off(node) -> bool:
        turns = node.args[0] / sympy.pi - (sympy.S.Half if at_half else 0)
        return turns.is_integer is False

    return off


def _pow_is_algebraic(self):
    if self.base.is_finite is not True:
        return None  # zoo**o is 0 at o = -1
    if self.base.is_zero and self.exp.is_nonnegative is not True:
        return None  # 0**o is zoo at o = -1
    return _POW_IS_ALGEBRAIC(self)


def _false_unknown(method):
    """`method`'s answer, with False unknown (None): see the module docstring."""

    def answer(self):
        found = method(self)
        return None if found is False else found

    return answer


def _real_dividend(method):
    """`method` (Mod's sign) where the dividend is known real; else unknown."""

    def answer(self):
        return method(self) if self.args[0].is_extended_real else None

    return answer


def _atan2_conjugate(self):
    y, x = self.args
    if y.is_extended_real and x.is_extended_real:
        return _ATAN2_CONJUGATE(self)
    return None  # conjugate(atan2(2i, 1)) is not atan2(-2i, 1)


def _binomial_eval(cls, n, k):
    found = _BINOMIAL_EVAL(cls, n, k)
    if found is sympy.zoo and k.is_integer is not False:
        return None  # binomial(-1, x) is 1 at x = 0
    return found


def _acot_eval(cls, arg):
    if not arg.is_Number and arg.could_extract_minus_sign() and arg.is_zero is not False:
        return None
    return _ACOT_EVAL(cls, arg)


def _acoth_eval(cls, arg):
    if not arg.is_Number and arg.is_zero is not False:
        if arg.could_extract_minus_sign() or arg.as_coefficient(sympy.I) is not None:
            return None
    return _ACOTH_EVAL(cls, arg)


def _asec_eval(cls, arg):
    """SymPy's asec(-csc(a)) computes π/2 + acsc(csc(a)) and drops it, returning π/2 -
    acsc(csc(a)): asec(csc(-1)) (csc(-1) is built as -csc(1)) came out π/2 - 1, not π/2 + 1,
    so F(-1) = π/2 - 1 with F(s) := asec(csc(s)) was PROVED (helper 118). asec(u) is
    π/2 - acsc(u), and acsc is odd."""
    if arg.is_Mul and len(arg.args) == 2 and arg.args[0] == -1:
        inner = arg.args[1]
        if isinstance(inner, sympy.csc) and inner.args[0].is_comparable:
            return sympy.pi / 2 + sympy.acsc(inner)
    return _ASEC_EVAL(cls, arg)


def _mod_eval(cls, p, q):
    ratio = p / q
    if ratio.is_Rational and not ratio.is_integer:  # SymPy's p - ⌊p/q⌋·q, shifted by q...
        rest = p - int(ratio) * q
        try:
            known = sympy.sympify(rest * q < 0) in (sympy.true, sympy.false)
        except TypeError:
            known = False
        if not known:  # ...where rest·q < 0, which it took as false when it cannot tell
            return None
    elif _real_numbers(p, q) and not ratio.is_Rational and ratio.is_integer is not True:
        return _number_mod(p, q, ratio)
    return _MOD_EVAL(cls, p, q)


def _real_numbers(*values) -> bool:
    return all(v.is_number and v.is_extended_real and v.is_finite for v in values)


def _number_mod(p, q, ratio):
    """Mod(p, q) for real numbers whose ratio is irrational (or unknown): p - trunc(p/q)·q,
    shifted by q where that has the sign opposite to q's, both decided at RECHECK_BITS;
    None (kept as written) where they cannot be (SymPy took "not known negative" for
    nonnegative: Mod(-e^(e⁻¹⁰⁰⁰), 1) was 1 - e^(e⁻¹⁰⁰⁰), about -10⁻⁴³⁵)."""
    try:
        rest = p - int(ratio) * q
    except TypeError:
        return None
    sign = _certain_sign(sympy.Mul(rest, q, evaluate=False))
    if sign == 0:  # not told from 0 at RECHECK_BITS (log(8) - 3·log(2)): SymPy's answer
        answer = _MOD_EVAL(sympy.Mod, p, q)
        _doubt(sympy.Mod(p, q, evaluate=False), answer)
        return answer
    if sign is None:
        return None
    return rest if sign > 0 else rest + q


def _loggamma_conjugate(self):
    if self.args[0].is_extended_positive:
        return _LOGGAMMA_CONJUGATE(self)
    return None


def _sign_power(self, other):
    if self.args[0].is_extended_real:
        return _SIGN_POWER(self, other)
    return None


def _parity_eval(cls, n, *rest):
    degree = n.is_integer and n.is_nonnegative
    if not n.is_Number and not degree and rest[-1].could_extract_minus_sign():
        return None
    return _PARITY_EVAL[cls](cls, n, *rest)


# The elementary functions, the steps and selectors of ML derivations, and the few special
# functions they use (erf for GELU; gamma, factorial and binomial for counting; lgamma and
# digamma as PyTorch has them), each
# scanned by the adversarial rounds for wrong rewrites at construction (see
# above for the ones corrected). Built for a document file, any other of SymPy's raises
# UncheckedFunction (documents/_functions.py); document() refuses one left in a claim.
FUNCTIONS = frozenset(
    {
        *(sympy.exp, sympy.log),
        *(sympy.sin, sympy.cos, sympy.tan, sympy.cot, sympy.sec, sympy.csc),
        *(sympy.asin, sympy.acos, sympy.atan, sympy.acot, sympy.asec, sympy.acsc, sympy.atan2),
        *(sympy.sinh, sympy.cosh, sympy.tanh, sympy.coth, sympy.sech, sympy.csch),
        *(sympy.asinh, sympy.acosh, sympy.atanh, sympy.acoth, sympy.asech, sympy.acsch),
        *(sympy.Abs, sympy.sign, sympy.re, sympy.im, sympy.arg, sympy.conjugate),
        *(sympy.Piecewise, sympy.Heaviside, sympy.DiracDelta, sympy.KroneckerDelta),
        *(sympy.floor, sympy.ceiling, sympy.frac, sympy.Mod),
        *(sympy.Max, sympy.Min),
        *(sympy.erf, sympy.erfc, sympy.gamma, sympy.factorial, sympy.binomial),
        *(sympy.loggamma, sympy.digamma, sympy.polygamma),  # PyTorch's lgamma and its kin
        *(cfunctions.expm1, cfunctions.log1p, cfunctions.exp2, cfunctions.log2),
    }
)


_BASES = frozenset(
    {
        Application,
        AppliedUndef,  # Function("f"): no rules of its own
        sympy.Function,
        WildFunction,
        getattr(function, "DefinedFunction", Application),
    }
)


class UncheckedFunction(ValueError):
    """A document uses a SymPy function whose construction derive has not checked."""


def unchecked(kind) -> bool:
    """Whether `kind` is, or inherits its rules from, SymPy's own function class outside
    FUNCTIONS: the first of SymPy's classes it derives from (itself, for SymPy's own) is not
    in FUNCTIONS or a base (Function). An undefined function, a document's subclass of
    Function or derive's notation is not; a subclass of elliptic_pi, or Function("f",
    bases=(gegenbauer,)), is (it builds by elliptic_pi's rules)."""
    for ancestor in kind.__mro__:
        if ancestor in FUNCTIONS or ancestor in _BASES:
            return False
        if issubclass(ancestor, sympy.logic.boolalg.BooleanFunction):
            return False  # And, Or, Not of a Piecewise's conditions
        if _sympys(ancestor):
            return True
    return False


def _sympys(kind) -> bool:
    """Whether `kind` is SymPy's own class, not one that says it is."""
    module = kind.__module__ or ""  # (None for Function("f"))
    home = sys.modules.get(module)
    return module.split(".")[0] == "sympy" and getattr(home, kind.__name__, None) is kind


def unchecked_message(kind, by_sympy: bool = False) -> str:
    """Why a claim may not use `kind`; `by_sympy`: SymPy built it, not the document."""
    sympys = next(a for a in kind.__mro__ if _sympys(a))
    name = f"SymPy's {kind.__name__}"
    if sympys is not kind:
        name = f"{kind.__name__}, a subclass of SymPy's {sympys.__name__}"
    built = " SymPy built it from one of the document's expressions." if by_sympy else ""
    return (
        f"{kind.__name__}: derive decides no claim with {name}, whose rules it has "
        "not checked (SymPy rewrites some special functions wrongly as it builds them, "
        f"before derive reads the claim).{built}"
    )


# SymPy's expressions that are no function, and that no strategy reads: a claim with one was
# UNDECIDED with a printer's error for a reason ("Unsupported by _Printer: Limit").
UNREAD = {
    sympy.Limit: "derive decides no claim with a limit (write the limit's value as the claim's "
    "side, or a claim about the function near the point)",
    sympy.Order: "derive decides no claim with an order term O(...)",
}


def unchecked_in(expr) -> str | None:
    """The message for a SymPy function outside FUNCTIONS in `expr`, or for an expression
    no strategy reads (UNREAD), or None."""
    for node in sympy.preorder_traversal(expr):
        if isinstance(node, Application) and unchecked(type(node)):
            return unchecked_message(type(node))
        for kind, why in UNREAD.items():
            if isinstance(node, kind):
                return f"{type(node).__name__}: {why}"
    return None


def _inverse_is_rational(zero_at):
    """Whether an inverse function (atan, asin, acos) that is 0 only at `zero_at` takes a
    rational value: only there, for a rational argument (the others are transcendental)."""

    def is_rational(self):
        (arg,) = self.args
        at_zero = (arg - zero_at).is_zero
        if at_zero:
            return True
        if arg.is_rational and at_zero is False:
            return False
        return None

    return is_rational


_INVERSES = ((sympy.atan, 0), (sympy.asin, 0), (sympy.acos, 1))


def _binomial_is_nonnegative(self):
    n, k = self.args
    if n.is_integer and k.is_integer:
        if n.is_nonnegative or k.is_negative or k.is_even:
            return True
        if k.is_odd and k.is_nonnegative and n.is_negative:
            return False  # (-1)^k C(k - n - 1, k), and C(k - n - 1, k) > 0
    return None


def _binomial_is_integer(self):
    n, k = self.args
    return True if n.is_integer and k.is_integer else None


def _round_is_real(self):
    # floor(i/2) is 0: of an argument not known real, unknown; and of one that may be
    # infinite (cot(x) is extended real, zoo at 0), unknown too: floor(cot(0)) is zoo.
    return True if self.args[0].is_real else None


def _not_minus_infinity(node) -> bool:
    """Whether exp(u)'s u is certainly not -oo (finite, or not negative)."""
    u = node.args[0]
    return u.is_finite is True or u.is_extended_nonnegative is True


def _exp_is_zero(self):
    answer = _EXP_IS_ZERO(self)
    return answer if answer is not False or _not_minus_infinity(self) else None


def _for_real_arguments(method):
    """`method` (a sign of floor or ceiling) where the argument is known real; else unknown
    (floor(z) of an imaginary z is neither negative nor nonnegative by SymPy's, so not real,
    though floor(i/2) is 0)."""

    def answer(self):
        return method(self) if self.args[0].is_extended_real else None

    return answer


def _finite_argument(node) -> bool:
    return node.args[0].is_finite is True


def _finite_arguments(node) -> bool:
    return all(a.is_finite is True for a in node.args)


def _kept_where(method, wrong):
    """The eval classmethod `method`, None (the node kept as written) where
    wrong(*arguments) says its rewrite may not hold there."""

    def evaluated(cls, *args):
        return None if wrong(*args) else method(cls, *args)

    return classmethod(evaluated)


def _complex_power_of_two(arg) -> bool:
    return arg.is_Pow and arg.base == 2 and arg.exp.is_extended_real is not True


def _acoth_inside_the_unit_interval(arg) -> bool:
    """An acoth(x) that may have -1 < x < 1 or a complex x: sinh and cosh of it rewrite to
    forms right only for real |x| > 1."""
    if not isinstance(arg, sympy.acoth):
        return False
    (x,) = arg.args
    return not ((x - 1).is_positive or (x + 1).is_negative)


def _atan2_of_complex(arg) -> bool:
    return isinstance(arg, sympy.atan2) and not all(a.is_extended_real for a in arg.args)


def _rounding_compared(method, relation):
    """floor's or ceiling's comparison `method`, kept as written for a number `other` that
    may be an integer: SymPy's rewrite (floor(x) > c as x ≥ ceiling(c)) holds for a
    noninteger c only."""

    def compared(self, other):
        other = sympy.sympify(other)
        if other.is_number and other.is_real and other.is_integer is None:
            return relation(self, other, evaluate=False)
        return method(self, other)

    return compared


_ROUNDING_COMPARISONS = (
    (sympy.floor, "__le__", sympy.Le),
    (sympy.floor, "__gt__", sympy.Gt),
    (sympy.ceiling, "__lt__", sympy.Lt),
    (sympy.ceiling, "__ge__", sympy.Ge),
)


def _install(kind, fact: str, method) -> None:
    """`method` as `kind`'s answer to is_`fact`, where SymPy's assumptions look for it."""
    setattr(kind, f"_eval_is_{fact}", method)
    kind._prop_handler[fact] = method


def _gamma_is_positive(self):
    (x,) = self.args
    if x.is_positive:
        return True
    if x.is_noninteger and x.is_negative:
        return sympy.floor(x).is_even
    return None


_DERIVATIVE_SUBS = sympy.Derivative._eval_subs


def _derivative_subs(self, old, new):
    """Derivative._eval_subs, a Subs where it would rename a variable of an expression that
    holds an undefined function's application (see the module docstring)."""
    renamed = old in self._wrt_variables and new != old and getattr(new, "_diff_wrt", False)
    if renamed and self.expr.has(AppliedUndef):
        return sympy.Subs(self, old, new)
    if old not in self._wrt_variables and _THROUGH_BODIES.get() and _in_body(old, self.expr):
        # SymPy's own test (a value holding a variable of differentiation, for a symbol the
        # expression holds, is put in after differentiating) sees no symbol in a body.
        brought = set(getattr(new, "free_symbols", ())) - set(old.free_symbols)
        if brought & set(self._wrt_variables) & held(self.expr):
            return sympy.Subs(self, old, new)
    return _DERIVATIVE_SUBS(self, old, new)


def _in_body(old, expr) -> bool:
    """Whether `old` is a symbol that `expr` holds only in a definition's body."""
    return isinstance(old, sympy.Symbol) and old not in expr.free_symbols and _in_a_body(old, expr)


# A definition's function → the symbols its body (its initial value, the bodies of the
# definitions it applies) holds besides its parameters. Each definition's function is its
# own (declare gives it a model.DEFINITION_KEY from its body): pooled under one name, another
# document's body kept a rename from a Subs that needed it (helper 135's test, run after
# other tests defining g, PROVED Subs(g() + 1, x, 2).subs(y, x) = 3).
HIDDEN: dict = {}


# A definition's function → the functions its bodies apply, through the bodies of those too
# (a recurrence's own function among them: k(t) applies k(t - 1)).
APPLIED: dict = {}


# A definition's function → its parameters and bodies, which xreplace, replace and
# evalf(subs=...) are checked against while a document builds its expressions.
BODIES: dict = {}


def hide(func, params, *bodies) -> None:
    """Register what the bodies of the definition `func(params)` hold besides `params`, and
    the definitions they apply."""
    held, applied = set(), set()
    for body in bodies:
        held |= set(body.free_symbols) - set(params)
        for node in body.atoms(AppliedUndef):
            applied |= {node.func, *APPLIED.get(node.func, ())}
            if node.func != func:
                held |= HIDDEN.get(node.func, frozenset())
    HIDDEN[func] = frozenset(held)
    APPLIED[func] = frozenset(applied)
    BODIES[func] = (tuple(params), bodies)


def held(expr) -> set:
    """The symbols `expr` depends on: its free symbols, and those the bodies of the
    definitions it applies hold besides their parameters."""
    found = set(getattr(expr, "free_symbols", ()))
    if HIDDEN and isinstance(expr, sympy.Basic):
        for node in expr.atoms(AppliedUndef):
            found |= HIDDEN.get(node.func, frozenset())
    return found


_APPLICATION_SUBS = Application._eval_subs
# Off while the engine works: it substitutes sizes, indices and points into a claim with its
# definitions folded, and the same values into each body as it unfolds it (a Subs around
# every application would stand in its way).
_THROUGH_BODIES = contextvars.ContextVar("through_bodies", default=True)


@contextlib.contextmanager
def engine_substitution():
    """Within: a substitution leaves a definition's application as SymPy does (the engine's
    own substitutions; see `_application_subs`)."""
    token = _THROUGH_BODIES.set(False)
    try:
        yield
    finally:
        _THROUGH_BODIES.reset(token)


def _application_subs(self, old, new):
    """Application._eval_subs; for a definition's application, a Subs where `old` is a
    symbol its body holds besides its parameters (SymPy, seeing none in the application,
    dropped the substitution), and ValueError where `old` is another expression that holds
    one: no Subs can stand for x[1] → 2 inside a body."""
    hidden = HIDDEN.get(self.func)
    applies = isinstance(old, AppliedUndef) and old != self
    if applies and new != old and _THROUGH_BODIES.get():
        if old.func in APPLIED.get(self.func, ()):  # helper 165: L().subs(p(), 1/4) was L()
            raise ValueError(
                f"{sympy.sstr(self)}.subs({sympy.sstr(old)}, {sympy.sstr(new)}): {self.func} "
                f"applies {old.func} in its definition's body, where a substitution cannot "
                "reach; substitute for the inputs it is computed from, or make it a parameter"
            )
    if hidden and new != old and _THROUGH_BODIES.get():
        if old in hidden:
            return sympy.Subs(self, old, new)
        held = old.free_symbols & hidden if isinstance(old, sympy.Basic) else set()
        if held:
            raise ValueError(
                f"{sympy.sstr(self)}.subs({sympy.sstr(old)}, {sympy.sstr(new)}): {self.func} holds "
                f"{sympy.sstr(sorted(held, key=str)[0])} only in its definition's body, where a "
                "substitution for an expression cannot reach; substitute for a symbol, or make "
                "it a parameter of the definition"
            )
    return _APPLICATION_SUBS(self, old, new)


# On while a document builds its expressions (documents.load). SymPy's structural
# operations that the document's own code calls (xreplace, replace, evalf(subs=...),
# coefficients, solvers, ...) are then checked against the bodies of the definitions an
# expression applies: SymPy sees an application as a constant in the symbols its body holds.
# The same operations called by SymPy or by derive stay SymPy's.
# A count, not a context variable: a thread the document starts, or a fresh context it runs
# code in, builds for the document too (helper 170: a ThreadPoolExecutor and
# contextvars.Context().run passed every check).
_BUILDING = [0]
_DIRECT = contextvars.ContextVar("direct", default=False)  # inside a document's own call
_VISITING = contextvars.ContextVar("visiting", default=frozenset())
_OWN = tuple(
    os.path.dirname(os.path.abspath(module.__file__)) + os.sep
    for module in (sympy, mpmath, sys.modules[__name__.split(".")[0]])
)


@contextlib.contextmanager
def building():
    """Within: a document builds its expressions (see _BUILDING)."""
    _BUILDING[0] += 1
    # The private _subs too, which a document may call (helper 170: Abs(p)._subs(p, -1)); only
    # while it is built, since the engine's substitutions call it at every node.
    plain, replace = sympy.Basic.__dict__["_subs"], sympy.Basic.__dict__["_xreplace"]
    sympy.Basic._subs = _for_documents(plain, _substituted("subs"))
    private = _substituted("_xreplace", lambda arguments: arguments[:1])
    sympy.Basic._xreplace = _for_documents(replace, private)
    try:
        yield
    finally:
        sympy.Basic._subs, sympy.Basic._xreplace = plain, replace
        _BUILDING[0] -= 1


def _building_here() -> bool:
    return _BUILDING[0] > 0 and _THROUGH_BODIES.get()


def _checked_here() -> bool:
    return bool(BODIES) and _building_here()


def _by_the_document(depth: int = 2) -> bool:
    """Whether the caller `depth` frames up (the caller of the method that asks) is the
    document's code or a module it imports, or code it runs from a string (eval, exec,
    sympify: helper 170); not SymPy's, mpmath's or derive's. Within an operation that the
    document called and that hands its parts to SymPy's code (a matrix's subs, rcall,
    applyfunc, N), so is SymPy's code (_DIRECT)."""
    if _DIRECT.get():
        return True
    name = sys._getframe(depth).f_code.co_filename
    if name.startswith("<"):
        return not name.startswith("<frozen")
    return not os.path.abspath(name).startswith(_OWN)


def _entry(method, depth: int = 2):
    """`method` (xreplace, rcall, applyfunc, N, a matrix's subs), checked on the parts it
    hands to SymPy's code where the document calls it while it is built (_DIRECT); `depth`:
    the frames up to the document's, from `entered` (3 under another wrapper)."""

    def entered(*arguments, **options):
        if not (_building_here() and _by_the_document(depth)) or _DIRECT.get():
            return method(*arguments, **options)
        token = _DIRECT.set(True)
        try:
            return method(*arguments, **options)
        finally:
            _DIRECT.reset(token)

    return entered


def _bodies_at(application, args=None) -> list:
    """The bodies of the definition `application` applies, at its arguments (or `args`)."""
    params, bodies = BODIES.get(application.func, ((), ()))
    at = dict(zip(params, application.args if args is None else args))
    with engine_substitution():
        return [body.xreplace(at) for body in bodies]


def _reached(operation: str, expr, what) -> ValueError:
    return ValueError(
        f"{operation} of {sympy.sstr(expr)}: {sympy.sstr(what)} reaches into the body of a "
        "definition it applies, which SymPy does not see into (it would leave the body as "
        "it is); use .subs(symbol, value), or apply it to the body (f.body)"
    )


def _touches(old, bodies) -> bool:
    """Whether `old` is, or holds, what the bodies hold free (an entry: its tensor)."""
    free = set().union(*(held(body) for body in bodies))
    if isinstance(old, sympy.Indexed):
        return any(body.has(old.base) for body in bodies)
    return bool(set(getattr(old, "free_symbols", ())) & free) or old in free


def _checked_xreplace(xreplace):
    """Basic.xreplace (Atom.xreplace); called by a document while it is built, its values
    checked (_check_values) and its reach into definitions' bodies (see
    _application_xreplace, _indexed_xreplace)."""

    entered = _entry(xreplace, depth=3)

    def checked(self, rule, *arguments, **options):
        if _building_here() and _by_the_document():
            _check_values(f"xreplace of {sympy.sstr(self)}", _pairs((rule,)))
        return entered(self, rule, *arguments, **options)

    return checked


_APPLICATION_XREPLACE = AppliedUndef._xreplace


def _application_xreplace(self, rule):
    """AppliedUndef._xreplace; in a document's own xreplace, for a definition's application
    whose bodies the rule would change other than through its arguments: a Subs where the
    keys are symbols its bodies hold, else ValueError (f().xreplace({x: 1}) of f := x² was
    f(), and `f at 1 = f` was PROVED)."""
    value, changed = _APPLICATION_XREPLACE(self, rule)
    visiting = _VISITING.get()
    direct = _DIRECT.get() and _checked_here()
    if self in rule or not direct or self.func not in BODIES or self.func in visiting:
        return value, changed
    bodies = _bodies_at(self)
    touched = {old: new for old, new in rule.items() if old != new and _touches(old, bodies)}
    if not touched:
        return value, changed
    token = _VISITING.set(visiting | {self.func})
    try:
        wanted = [body.xreplace(touched) for body in bodies]
        same = wanted == _bodies_at(self, [a.xreplace(rule) for a in self.args])
    finally:
        _VISITING.reset(token)
    if same:
        return value, changed
    hidden = HIDDEN.get(self.func, frozenset())
    for old in touched:
        if old not in hidden:
            raise _reached("xreplace", self, old)
    with engine_substitution():  # Subs renames its variables by xreplace
        return sympy.Subs(value, tuple(touched), tuple(touched.values())), True


_INDEXED_XREPLACE = sympy.Indexed._xreplace


def _indexed_xreplace(self, rule):
    """Indexed._xreplace; in a document's own xreplace, ValueError for another entry of the
    same tensor that this one may be (see _indexed_subs): a[c].xreplace({a[1]: 0}) was a[c]."""
    if self not in rule and _DIRECT.get() and _checked_here():
        for old, new in rule.items():
            if old != new and _may_be(self, old):
                raise _entry_error("xreplace", self, old, new)
    return _INDEXED_XREPLACE(self, rule)


_REPLACE = sympy.Basic.replace


def _replace(self, query, value, map=False, simultaneous=True, exact=None):
    """Basic.replace; called by a document while it is built, ValueError where the
    replacement would change the body of a definition the expression applies other than
    through its arguments (it leaves bodies as they are)."""
    if _building_here() and _by_the_document() and isinstance(query, sympy.Basic):
        if isinstance(value, sympy.Basic | int | float):
            _check_values(f"replace of {sympy.sstr(self)}", [(query, value)])
    result = _REPLACE(self, query, value, map=map, simultaneous=simultaneous, exact=exact)
    if _checked_here() and isinstance(self, sympy.Basic) and _by_the_document():
        options = {"simultaneous": simultaneous, "exact": exact}
        if _replace_reaches(self, query, value, options, frozenset()):
            raise _reached("replace", self, query)
    return result


def _replace_reaches(expr, query, value, options, visiting) -> bool:
    """Whether replace(query, value) would change a body that `expr` applies, at its
    arguments, other than through them; or a body those apply."""
    for application in expr.atoms(AppliedUndef):
        if application.func not in BODIES or application.func in visiting:
            continue
        args = [_REPLACE(a, query, value, **options) for a in application.args]
        bodies = _bodies_at(application)
        if [_REPLACE(b, query, value, **options) for b in bodies] != _bodies_at(application, args):
            return True
        inner = visiting | {application.func}
        if any(_replace_reaches(b, query, value, options, inner) for b in bodies):
            return True
    return False


# The facts a symbol's (an input's, a tensor's entry's) assumptions may give it that SymPy
# builds on (Abs(x) is x for a positive x, floor(k) is k for an integer k): a perturbation
# of an input and a document's substitution must keep them.
FACTS = (
    "real",
    "extended_real",
    "finite",
    "positive",
    "negative",
    "nonnegative",
    "nonpositive",
    "nonzero",
    "zero",
    "extended_positive",
    "extended_negative",
    "extended_nonnegative",
    "extended_nonpositive",
    "extended_nonzero",
    "integer",
    "rational",
    "irrational",
    "algebraic",
    "transcendental",
    "even",
    "odd",
    "prime",
    "composite",
    "noninteger",
    "imaginary",
    "polar",
    "complex",
    "hermitian",
    "antihermitian",
)


def _check_values(operation: str, pairs) -> None:
    """ValueError for a document's substitution of a value not known to have every fact its
    variable is declared with (helper 169: Abs(p).subs(p, -1) for a positive p was built as
    -1, since SymPy had built Abs(p) as p; Max(n, 1).subs(n, 0) as 0)."""
    for old, new in pairs:
        old, new = sympy.sympify(old), sympy.sympify(new)
        if not isinstance(old, sympy.Basic) or old.is_number or old == new:
            continue  # an expression too: |p + 1| was p + 1 (helper 170)
        for fact in FACTS:
            if getattr(old, f"is_{fact}") is True and getattr(new, f"is_{fact}", None) is not True:
                raise ValueError(
                    f"{operation}: {sympy.sstr(old)} is declared {fact}, and "
                    f"{sympy.sstr(new)} is not known to be {fact} (SymPy used the declaration "
                    "as it built the expression: |p| is p for a positive p); substitute a value "
                    "that keeps it, or declare the variable with fewer assumptions"
                )


def _pairs(arguments) -> list:
    """The (old, new) pairs of Basic.subs(*arguments)."""
    if len(arguments) == 2:
        return [tuple(arguments)]
    if len(arguments) != 1:
        return []
    sequence = arguments[0]
    if isinstance(sequence, dict | sympy.Dict):
        return list(sequence.items())
    if isinstance(sequence, set):
        return list(sequence)
    try:
        return [tuple(pair) for pair in sequence]
    except TypeError:
        return []


_SIGNS = ("positive", "negative", "nonnegative", "nonpositive", "nonzero", "zero", "even", "odd")


def _refuse_signed(name: str, variables) -> None:
    """ValueError for a variable among `variables` declared with a sign or a parity, which a
    document's Lambda, lambdify or imageset binds: SymPy used the declaration as it built the
    expression, and the function takes values without it (Lambda(p, Abs(p))(-1) and
    lambdify(p, Abs(p))(-1) for a positive p were -1; Lambda renames its variable to a
    dummy without the declaration)."""
    for variable in sympy.flatten([variables]):
        facts = [f for f in _SIGNS if getattr(variable, f"is_{f}", None) is True]
        if isinstance(variable, sympy.Symbol) and facts:
            raise ValueError(
                f"{name} of {sympy.sstr(variable)}: it is declared {facts[0]}, which SymPy "
                "used as it built the expression, and the function takes values without it; "
                "bind a symbol declared integer=True or real=True alone"
            )


def _substituted(name: str, rule_of=lambda arguments: arguments):
    """The check of a document's subs (`name`; a matrix's too, which substitutes into each
    entry from SymPy's code) or private _xreplace: its values against what they replace
    (_check_values). `rule_of`: the (old, new) arguments of Basic.subs from the call's."""

    def check(arguments, options):
        pairs = _pairs(rule_of(arguments[1:]))
        _check_values(f"{name} of {sympy.sstr(arguments[0])}", pairs)

    return check


_EVALF_METHOD = evalf_module.EvalfMixin.evalf


def _evalf_method(self, n=15, subs=None, *rest, **options):
    """EvalfMixin.evalf; called by a document while it is built, ValueError where subs=
    names what a definition's body holds (the value was the application's, unsubstituted)."""
    if subs and _building_here() and _by_the_document():
        _check_values(f"evalf(subs=...) of {sympy.sstr(self)}", list(dict(subs).items()))
    if subs and isinstance(self, sympy.Basic) and _checked_here() and _by_the_document():
        for old in subs:
            if any(_touches(old, _bodies_at(a)) for a in self.atoms(AppliedUndef)):
                raise _reached("evalf(subs=...)", self, old)
    return _EVALF_METHOD(self, n, subs, *rest, **options)


# declare's checks of a kept Σ, Π, ∫ or limit (set by declare): run on one the document
# evaluates while it is built (see _evaluated).
EVALUATION_CHECK = None


def _for_documents(function, check):
    """`function` (a SymPy method or function) calling check(arguments, options) first, which
    raises ValueError, when the document calls it while it is built; the original stays out
    of the document's reach (no __wrapped__)."""

    def checked(*arguments, **options):
        if _building_here() and _by_the_document():
            check(arguments, options)
        return function(*arguments, **options)

    functools.update_wrapper(checked, function)
    del checked.__wrapped__
    return checked


def _evaluated(name: str, node_of):
    """The check of a Σ's, Π's, ∫'s or limit's doit (integrate, summation, product, limit):
    the node it evaluates gets the checks a kept one gets (EVALUATION_CHECK): SymPy built its
    body with the bound variable's facts, and evaluating reaches values without them
    (∫_{-1}^{1} |t| dt for a positive t was 0)."""

    def check(arguments, options):
        node = node_of(arguments, options)
        if EVALUATION_CHECK is not None and isinstance(node, sympy.Basic):
            EVALUATION_CHECK(f"{name} of {sympy.sstr(node)}", node)

    return check


def _unevaluated(kind):
    """The unevaluated node a call of integrate(f, *limits), summation, product or
    limit(f, x, x0, dir) builds."""

    def node(arguments, options):
        try:
            if kind is sympy.Limit:
                return sympy.Limit(*arguments[:4])
            return kind(*arguments[:1], *arguments[1:])
        except Exception:  # noqa: BLE001 - SymPy's own call reports the bad arguments
            return None

    return node


def _forced(name: str):
    """The check of powdenest, expand_log, logcombine, powsimp, expand (force=True ignores
    the facts), refine (assumptions of its own) and nsimplify (guesses a number near a
    float): helper 171's powdenest(sqrt(x²), force=True) = x was PROVED."""

    def check(arguments, options):
        reason = None
        if options.get("force") or options.get("deep_force"):
            reason = "force=True ignores the facts it needs"
        elif name == "refine" and len(arguments) > 1 and arguments[1] is not True:
            reason = "its assumptions are not the document's declarations"
        elif name == "nsimplify" and arguments:
            first = arguments[0]
            if isinstance(first, float) or getattr(first, "has", lambda *_: False)(sympy.Float):
                reason = "it guesses a simple number near a float"
        if reason:
            raise ValueError(
                f"{name}: {reason}; write the value you mean (declare the symbols' facts)"
            )

    return check


_ORDER_CONTAINS = sympy.Order.contains


def _order_contains(self, expr):
    """Order.contains; unknown (None) where a definition's body in `expr` holds a variable of
    the order: SymPy took the application for a constant, and x + x²·q() + O(x²) dropped
    x²·q() for q := 1/x² (helper 171)."""
    if any(_hides(v, sympy.sympify(expr)) for v in self.variables):
        return None
    return _ORDER_CONTAINS(self, expr)


def _application_derivative(self, s):
    """A definition's application's _eval_derivative: unevaluated by a symbol its body
    depends on (SymPy's sums over the application's arguments, none: 0; helper 171 called
    it directly)."""
    if _hides(s, self):
        return _DERIVATIVE_NEW(sympy.Derivative, self, s, evaluate=False)
    return _FUNCTION_DERIVATIVE(self, s)


_FUNCTION_DERIVATIVE = sympy.Function._eval_derivative


def _applications(name: str):
    """The check of a method or function (coefficients, independence, solvers, gcds, ...) on
    an expression that applies a definition whose body holds symbols besides its parameters:
    SymPy reads such an application as a constant in them (helper 168: (x·g()).coeff(x) of
    g := x was g(), solve(g() - 2x + 1, x) was g()/2 + 1/2, gcd(x·q(), x²) of q := x² was x)."""

    def check(arguments, options):
        for expr in _expressions(arguments, options):
            for application in expr.atoms(AppliedUndef):
                hidden = HIDDEN.get(application.func)
                if hidden:
                    raise ValueError(
                        f"{name} of {sympy.sstr(expr)}: {application.func} holds "
                        f"{sympy.sstr(sorted(hidden, key=str)[0])} in its definition's "
                        f"body, where SymPy does not look (it takes {sympy.sstr(application)}"
                        " for a constant there); apply it to the body (f.body) instead"
                    )

    return check


def _expressions(arguments, options) -> list:
    """The SymPy expressions among the arguments, also inside lists and tuples."""
    found = []
    for value in (*arguments, *options.values()):
        items = value if isinstance(value, list | tuple | set) else [value]
        found += [v for v in items if isinstance(v, sympy.Basic)]
    return found


def _fresh(variables) -> dict:
    return {v: sympy.Dummy(v.name, **v.assumptions0) for v in variables}


def captures(bound, old, new, inner) -> set:
    """The variables in `bound` that substituting `new` for `old` in `inner`, the expression
    that binds them, would capture: those `new` holds, where `old` is free there."""
    taken = set(bound) & set(getattr(new, "free_symbols", ()))
    if not taken or not all(isinstance(v, sympy.Symbol) for v in taken):
        return set()
    if set(getattr(old, "free_symbols", ())) & set(bound):
        return set()  # old is (or holds) a bound variable: not the free one
    if not inner.has(old) and not (_THROUGH_BODIES.get() and _in_body(old, inner)):
        return set()
    if taken & (held(inner) - set(inner.free_symbols)):
        # A definition's body reads the variable freely: derive refuses such a binder
        # (see declare), and a renamed one would hide it.
        return set()
    return taken


_LIMITS_SUBS = ExprWithLimits._eval_subs


def _limits_subs(self, old, new):
    """ExprWithLimits._eval_subs, its variables that `new` holds renamed first (an end of
    an inner range lies in an outer variable's scope: all are looked at); a symbol that the
    summand holds only in a definition's body is substituted there (SymPy's own left it)."""
    if _THROUGH_BODIES.get() and _entry_in_sum(old, self):
        raise ValueError(
            f"{sympy.sstr(self)}.subs({sympy.sstr(old)}, {sympy.sstr(new)}): the sum's "
            f"entries of {sympy.sstr(old.base)} are {sympy.sstr(old)} only at some values of "
            "its index, which a substitution cannot reach; take the entry out of the sum "
            "(or write the sum out) first"
        )
    scope = sympy.Tuple(self.function, *(end for _, *ends in self.limits for end in ends))
    taken = captures([limit[0] for limit in self.limits], old, new, scope)
    if not taken:
        bound = {limit[0] for limit in self.limits}
        if old not in bound and _THROUGH_BODIES.get() and _in_body(old, self.function):
            return self.func(self.function._subs(old, new), *self.limits)
        return _LIMITS_SUBS(self, old, new)
    from derive.notation.aggregates import rename_bound  # loads after this module

    return rename_bound(self, taken)._subs(old, new)


_SUBS_NEW = sympy.Subs.__new__


def _subs_new(cls, expr, variables, point, **assumptions):
    """Subs.__new__, a Subs of a Subs merged as the nesting reads. SymPy merged
    Subs(Subs(e, y, u), u, 2) into Subs(e, (y, u), (u, 2)), which read at once (as derive's
    doit reads several pairs) is e at y = u: the outer u never reached the u the inner pair
    put in, and Subs(Subs(y², y, u), u, 2) = u² was PROVED (helper 142). The outer pairs
    are carried out in the inner points; an outer variable the inner Subs binds reaches
    nothing else."""
    if not isinstance(expr, sympy.Subs):
        return _SUBS_NEW(cls, expr, variables, point, **assumptions)
    variables = tuple(variables) if is_sequence(variables, sympy.Tuple) else (variables,)
    point = tuple(point) if is_sequence(point, sympy.Tuple) else (point,)
    if len(point) != len(variables):
        return _SUBS_NEW(cls, expr, variables, point, **assumptions)  # SymPy's error
    outer = list(zip(variables, map(sympy.sympify, point)))
    inner = expr.variables
    carried = [_carried(sympy.sympify(p), outer) for p in expr.point]
    rest = [(v, p) for v, p in outer if v not in inner]
    return _SUBS_NEW(
        cls,
        expr.expr,
        (*inner, *(v for v, _ in rest)),
        (*carried, *(p for _, p in rest)),
        **assumptions,
    )


def _subs_hashable_content(self):
    """Subs._hashable_content, by which == and hash (and SymPy's cache) tell two Subs apart:
    its arguments as written. SymPy's renamed each variable to a symbol named after its point,
    so two variables at one point merged: ∂f/∂x and ∂f/∂y at (x, y) = (1, 1), or ∂L/∂w at
    w = 0 and ∂L/∂b at b = 0 of a definition L, were one Subs, and ∂L/∂w|₀ - ∂L/∂b|₀ was built
    as 0 (helper 162). Two Subs that differ only by their variables' names are told apart now
    (a definition's body may hold either name, unseen)."""
    return self._args


def _carried(point, outer: list):
    """`point` with the `outer` pairs carried out; as a Subs where a pair's variable shows
    only in a definition's body that the point applies (while the engine works its
    substitution leaves applications alone, and Subs(Subs(y², y, g()), u, 2) with g := u
    read u²: helper 143)."""
    relevant = [(v, p) for v, p in outer if v in held(point)]
    if not relevant:
        return point
    if any(v not in point.free_symbols for v, _ in relevant):
        return sympy.Subs(point, *zip(*relevant))
    return point.subs(relevant, simultaneous=True)


_SUBS_SUBS = sympy.Subs._eval_subs


def _subs_subs(self, old, new):
    """Subs._eval_subs, its variables that `new` holds renamed first (built at once: SymPy
    holds a Subs equal to its renamed self, and its cache may give back either). For one of
    its own variables, only the points: SymPy renamed the variable in the expression, which
    a definition's body does not follow (Subs(f(), x, 0).subs(x, y), f := x + 2y, was f at
    y = 0), and reading its pairs one after another put the value into the later points only
    (Subs(x + 2y, (y, x), (x, 1)).subs(x, 5), 11 as derive reads the pairs at once, was 1 + 2x;
    helper 164)."""
    if old in self.variables:
        return sympy.Subs(self.expr, self.variables, [p._subs(old, new) for p in self.point])
    taken = captures(self.variables, old, new, self.expr)
    if not taken:
        return _SUBS_SUBS(self, old, new)
    fresh = _fresh(taken)
    return sympy.Subs(
        self.expr.xreplace(fresh)._subs(old, new),
        [fresh.get(v, v) for v in self.variables],
        [p._subs(old, new) for p in self.point],
    )


def _lambda_subs(self, old, new):
    """A Lambda's substitution, its variables that `new` holds renamed first."""
    taken = captures(self.variables, old, new, self.expr)
    if not taken:
        return None
    fresh = _fresh(taken)
    variables = tuple(fresh.get(v, v) for v in self.variables)
    return sympy.Lambda(variables, self.expr.xreplace(fresh)._subs(old, new))


_EVALF = evalf_module.evalf
RECHECK_BITS = 4096  # the precision an exact 0 of a function is evaluated again at
# Zero on an interval: an exact 0 of theirs is their value there, not a rounding.
FLAT = (
    sympy.Heaviside,
    sympy.sign,
    sympy.floor,
    sympy.ceiling,
    sympy.frac,
    sympy.KroneckerDelta,
    sympy.Piecewise,
    sympy.Max,
    sympy.Min,
    sympy.Mod,
)  # and derive's relu and leaky_relu_slope (primitives.py adds them)


def _evalf(x, prec, options):
    """SymPy's evalf, with a function's exact 0 checked (see the module docstring); a floor
    or ceiling whose integer part is not certain has no value (NotImplementedError: SymPy's
    evalf then leaves it as it is, where PrecisionExhausted crashed even its printing)."""
    try:
        result = _EVALF(x, prec, options)
    except evalf_module.PrecisionExhausted:
        if isinstance(x, _ROUNDING):
            raise NotImplementedError(f"the integer part of {x.args[0]} is not certain") from None
        raise
    if options.get("chop") or prec >= RECHECK_BITS:
        return result
    if _insignificant(result) and options.get("maxprec", 0) < RECHECK_BITS:
        # A sum that cancels to "about 0" (a power of two of no significance), which a
        # function evaluated next takes as definite (atan's evalf: sign(atan(e^(e⁻¹⁰⁰⁰) -
        # 1)) was built as -1): evaluated again with up to RECHECK_BITS.
        higher = _EVALF(x, prec, {**options, "maxprec": RECHECK_BITS})
        return result if _insignificant(higher) else higher
    if not _rounded_to_zero(x, result):
        return result
    maxprec = max(options.get("maxprec", RECHECK_BITS), RECHECK_BITS)
    higher = _EVALF(x, RECHECK_BITS, {**options, "maxprec": maxprec})
    if _rounded_to_zero(x, higher):
        # Still 0: SymPy's own answer stands (a value of no significance here passed on as
        # a definite one through mpmath's arguments: sign(sin(log(sin(1)² + cos(1)²))), 0,
        # was built as 1); the engine proves no claim that holds such a number (unresolved),
        # or that was built from it (doubted_since).
        _doubt(x, 0)
        return result
    return higher


# SymPy's answers that stood where RECHECK_BITS could not confirm them (see doubted_since).
_DOUBTS = {"count": 0}
_RECENT_DOUBTS: collections.deque = collections.deque(maxlen=3)


def _doubt(number, taken) -> None:
    """Record that SymPy's reading of `number` as `taken` stood unconfirmed: at RECHECK_BITS
    the number cannot be told from it (an integer in disguise, or one nearer than 2^-4096),
    and nothing of the number is left in what was built to show it."""
    _DOUBTS["count"] += 1
    _DOUBTS["cached"] = True
    _RECENT_DOUBTS.append(f"{sympy.sstr(number)[:120]} as {taken}")


def doubt_mark() -> int:
    """A mark to pass to doubted_since later. SymPy's cache is emptied first where it may
    hold a reading recorded before: built again from the cache, floor(2 - √(1 + e^(-10⁶)))
    would be 1 with nothing recorded (a second document, or a worker of the process that
    built it first)."""
    if _DOUBTS.get("cached"):
        _clear_caches()
        _DOUBTS["cached"] = False
    return _DOUBTS["count"]


def _clear_caches() -> None:
    """Empty SymPy's cache and derive's own (functools) caches, which keep what SymPy built
    too: an array's entry cached with floor(c) read as 1 came back later with nothing
    recorded (helper 144: in one process, a second claim through it was PROVED)."""
    sympy.core.cache.clear_cache()
    for name, module in list(sys.modules.items()):
        if name != "derive" and not name.startswith("derive."):
            continue
        for value in list(vars(module).values()):
            if getattr(value, "__module__", None) == name and callable(
                getattr(value, "cache_clear", None)
            ):
                value.cache_clear()


def doubted_since(mark: int) -> tuple[str, ...]:
    """The readings SymPy made unconfirmed since `mark` (the latest few, described); empty
    if none. A claim built from one may hold SymPy's answer where the number was, so that
    floor(2 - √(1 + e^(-10⁶))) = 1 is built as 1 = 1 (the floor is 0): it gets no proof."""
    count = _DOUBTS["count"] - mark
    if count <= 0:
        return ()
    return tuple(_RECENT_DOUBTS)[-min(count, len(_RECENT_DOUBTS)) :]


def _insignificant(result) -> bool:
    """Whether evalf's `result` is a nonzero value with no significant digit."""
    if not isinstance(result, tuple) or len(result) != 4 or result[:2] == (None, None):
        return False
    return evalf_module.complex_accuracy(result) < 1


_GET_INTEGER_PART = evalf_module.get_integer_part
_ROUNDING = (sympy.floor, sympy.ceiling)


def _get_integer_part(expr, no, options, return_ints=False):
    """SymPy's get_integer_part (floor for no = -1, ceiling for no = 1 of a number) with up
    to RECHECK_BITS, its answer checked there: where evalf could not tell the number from an
    integer, SymPy took `Expr.equals(0)`, which decides by evaluation, for exact (see the
    module docstring). PrecisionExhausted (the floor left as it is) where RECHECK_BITS show
    the answer wrong; where they cannot tell the number from the answer (an integer in
    disguise, 2·(cos(π/7) + cos(3π/7) + cos(5π/7)), or one nearer than 2^-4096), SymPy's
    answer stands (leaving those floors as written broke more than it mended: helper 136)."""
    maxprec = max(options.get("maxprec", RECHECK_BITS), RECHECK_BITS)
    answer = _GET_INTEGER_PART(expr, no, {**options, "maxprec": maxprec}, return_ints)
    if return_ints:
        whole = answer
    else:
        whole = tuple(0 if part is None else int(mlib.to_int(part)) for part in answer[:2])
    if expr.is_extended_real:
        parts = ((expr, whole[0]),)
    else:
        parts = zip((sympy.re(expr, evaluate=False), sympy.im(expr, evaluate=False)), whole)
    for part, n in parts:
        if not _integer_part_holds(part, n, no):
            raise evalf_module.PrecisionExhausted(f"the integer part of {expr} is not certain")
    return answer


def _integer_part_holds(part, n: int, no: int) -> bool:
    """Whether RECHECK_BITS leave `n` as floor(part) (no = -1) or ceiling(part) (no = 1):
    part - n in [0, 1) (in (-1, 0]), or part not told from n there."""
    sign = _certain_sign(sympy.Add(part, -n, evaluate=False))
    if sign == 0:
        if sympy.Add(part, -n) != 0:  # not n itself as SymPy writes it
            _doubt(part, f"an integer part {n}")
        return True
    if sign != -no:
        return False
    beyond = _certain_sign(sympy.Add(part, -n + no, evaluate=False))
    if beyond == 0:  # part may be n - no, whose integer part is not n
        _doubt(part, f"an integer part {n}")
    return beyond in (no, 0)


def _certain_sign(x) -> int | None:
    """The sign (-1, 0 or 1) of the real number `x` as evalf shows it with up to RECHECK_BITS:
    0 where it finds no significant digit, None where it fails or finds an imaginary part."""
    try:
        value = _EVALF(x, 64, {"maxprec": RECHECK_BITS})
    except (NotImplementedError, ValueError, TypeError, ArithmeticError):
        return None
    re_, im_ = value[0], value[1]
    if im_ not in (None, mlib.fzero):
        return None
    if re_ in (None, mlib.fzero) or evalf_module.complex_accuracy(value) < 2:
        return 0
    return mlib.mpf_sign(re_)


_EXPR_INT = sympy.Expr.__int__


def _expr_int(self) -> int:
    """Expr.__int__ (truncation toward 0), its answer i checked at RECHECK_BITS: where SymPy
    could not tell the number from i, it asked `equals(i)`, and where that said no took the
    number to lie nearer 0 than i, so int(e^(e⁻¹⁰⁰⁰)) was 0 and Mod(e^(e⁻¹⁰⁰⁰), 1) was built
    as e^(e⁻¹⁰⁰⁰) (see the module docstring). Where RECHECK_BITS cannot tell the number from
    i either, SymPy's answer stands."""
    i = _EXPR_INT(self)  # SymPy's own (its rounding is SymPy's, not a document's float)
    if isinstance(self, sympy.Number):
        return i
    step = _certain_sign(self)  # toward 0 from above (a positive number) or from below
    if step is None:
        return i
    if step == 0:
        _doubt(self, f"truncated to {i}")
        return i
    # i is right where the number lies between i and i + step (i itself included).
    below = _certain_sign(sympy.Add(self, -i, evaluate=False))
    if below == -step:
        return i - step
    beyond = _certain_sign(sympy.Add(self, -i - step, evaluate=False))
    if beyond == step:
        return i + step
    if 0 in (below, beyond):
        _doubt(self, f"truncated to {i}")
    return i


_TO_MPMATH = evalf_module.EvalfMixin._to_mpmath


def _to_mpmath(self, prec, allow_ints=True):
    """EvalfMixin._to_mpmath (a function's argument for mpmath), refused where evalf finds
    no significant digit, at RECHECK_BITS too: SymPy passed such a value (a power of two
    standing for "about 0") to mpmath as a definite number, so sign(atan(e^(e⁻¹⁰⁰⁰) - 1))
    was built as -1 and Heaviside(tanh(e^(e⁻¹⁰⁰⁰) - 1)) as 0 (both are 1)."""
    if (allow_ints and self.is_Integer) or hasattr(self, "_as_mpf_val"):
        return _TO_MPMATH(self, prec, allow_ints)
    try:
        result = evalf_module.evalf(self, prec, {})
    except NotImplementedError:
        return _TO_MPMATH(self, prec, allow_ints)
    if result is not sympy.zoo and evalf_module.complex_accuracy(result) < 1:
        result = evalf_module.evalf(self, prec, {"maxprec": RECHECK_BITS})
        if evalf_module.complex_accuracy(result) < 1:
            raise ValueError(f"cannot convert {self} to an mpmath number: no significant digit")
    return evalf_module.quad_to_mpmath(result)


def unresolved(expr) -> object | None:
    """A function in `expr` that evalf gives as exactly 0 still at RECHECK_BITS, not being 0
    on an interval (log(1 + e^(-10⁶)), or log(sin(1)² + cos(1)²), which is 0): SymPy's facts
    and rewrites take it for 0, rightly or not; or a floor or ceiling of a number that
    SymPy left as it is (its integer part not certain), a Mod of numbers alike; or a Subs for
    a sum's entry (x[1] in Σ_i x[i]) or for an entry of a symbolic index that may be another
    the Subs holds (u[c] beside u[5]); or None."""
    for node in sympy.preorder_traversal(expr):
        if isinstance(node, sympy.Subs) and any(
            _entry_in_sum(v, node.expr) or _entry_may_meet(v, node.expr) for v in node.variables
        ):
            return node  # kept as written (see _subs_doit): a sum made opaque would drop it
        if not isinstance(node, function.Function) or not node.is_number:
            continue
        if isinstance(node, (*_ROUNDING, sympy.Mod)) or _exactly_zero(node):
            return node
    return None


def unresolved_reason(node) -> str:
    """Why a claim holding `node` (found by `unresolved`) gets no symbolic proof."""
    if isinstance(node, sympy.Subs):
        return (
            f"no proof: the claim holds {node}, a substitution for an entry that another entry "
            "it holds (in a sum, a definition's body, or at another index) is at some values of "
            "the indices, which SymPy's rewrites cannot carry out"
        )
    if isinstance(node, (*_ROUNDING, sympy.Mod)):
        return (
            f"no proof: the claim holds {node}, which SymPy could not evaluate (its integer "
            "part is not certain even at 4096 bits)"
        )
    return (
        f"no proof: the claim holds {node}, which SymPy evaluates as exactly 0 even at 4096 "
        "bits, whether or not it is 0; its rewrites and facts would take it for 0"
    )


def _round_eval_evalf(self, prec):
    """A floor's or ceiling's _eval_evalf: none for a number, whose integer part evalf could
    not make certain (mpmath's floor of the rounded number is no answer)."""
    if self.args[0].is_number:
        return None
    return function.Function._eval_evalf(self, prec)


@functools.lru_cache(maxsize=4096)
def _exactly_zero(node) -> bool:
    try:
        value = _EVALF(node, RECHECK_BITS, {"maxprec": RECHECK_BITS})
    except (NotImplementedError, ValueError, TypeError, ArithmeticError):
        return False
    return _rounded_to_zero(node, value)


def _rounded_to_zero(x, result) -> bool:
    """Whether `result` is evalf's exact 0 for a function not known to be 0 on an interval."""
    if not isinstance(x, function.Function) or isinstance(x, FLAT):
        return False
    if not isinstance(result, tuple) or len(result) != 4:
        return False
    re, im = result[0], result[1]
    return (re is None or re == evalf_module.fzero) and (im is None or im == evalf_module.fzero)


_PIECEWISE_INTERVALS = piecewise.Piecewise._intervals


def _piecewise_intervals(self, sym, err_on_Eq=False):
    """Piecewise._intervals (a condition in `sym` as intervals of it), refused unless every
    condition that holds `sym` is linear in it: SymPy's inequality solving loses a
    condition's isolated points, and its simplify then drops the branch (helper 145:
    Piecewise((1, cos(u - 7/3) ≥ 1), (0, True)) was simplified to 0, and so were conditions
    (eᵘ - 3)² ≤ 0, exp(-(u³ - u - 1)²) ≥ 1 and (u³ - u - 1)² ≤ 0 at a cubic's root: false
    claims PROVED by simplify and by induction through it)."""
    for _, condition in self.args:
        for relation in condition.atoms(sympy.core.relational.Relational):
            if not _linear_in(relation.lhs - relation.rhs, sym):
                return False, f"a condition not linear in {sym}: {relation}"
    return _PIECEWISE_INTERVALS(self, sym, err_on_Eq=err_on_Eq)


def _linear_in(difference, sym) -> bool:
    """Whether `difference` is a·sym + b with numbers a, b (or does not hold sym)."""
    if sym not in difference.free_symbols:
        return True
    try:
        poly = sympy.Poly(difference, sym)
    except (BasePolynomialError, ValueError, TypeError):
        return False
    return poly.degree() <= 1 and all(c.is_number for c in poly.all_coeffs())


_PIECEWISE_FOLD = piecewise.piecewise_fold


def _piecewise_fold(expr, evaluate=True):
    """SymPy's piecewise_fold, except across a node binding a variable that a condition
    inside it names (see the module docstring): each such node is folded as a whole, an
    unknown, and put back; and nothing is folded where one of derive's arrays is (out of a
    Table, or a product with one, a Piecewise would have arrays as branches, which SymPy's
    Piecewise cannot hold)."""
    # Loaded here: aggregates and arrays load after this module.
    from derive.notation.aggregates import binds
    from derive.notation.arrays import _Printed

    if not isinstance(expr, sympy.Basic) or not expr.has(sympy.Piecewise):
        return _PIECEWISE_FOLD(expr, evaluate)
    if expr.has(_Printed):
        return expr
    masks = {}
    walk = sympy.preorder_traversal(expr)
    for node in walk:
        bound = binds(node)  # a binder's own variables: the check is done at binders only
        if bound and any(
            condition.free_symbols & bound
            for piece in node.atoms(sympy.Piecewise)
            for _, condition in piece.args
        ):
            masks[node] = sympy.Dummy()
            walk.skip()
    if not masks:
        return _PIECEWISE_FOLD(expr, evaluate)
    folded = _PIECEWISE_FOLD(expr.xreplace(masks), evaluate)
    return folded.xreplace({dummy: node for node, dummy in masks.items()})


def _install_piecewise_fold() -> None:
    """Every module that holds SymPy's piecewise_fold gets the corrected one: piecewise.py's
    own recursion, the Sum and Integral constructors (expr_with_limits), simplify, ..."""
    for module in list(sys.modules.values()):
        if getattr(module, "piecewise_fold", None) is _PIECEWISE_FOLD:
            module.piecewise_fold = _piecewise_fold


# SymPy derives facts in an order it shuffles with an unseeded generator, so where its facts
# disagree (a wrong handler beside right ones), which answer a node gets changed from run to
# run: a claim was PROVED in 6 runs of 10 (helper 152). The order is seeded before each
# document is built and each claim is decided (`same_order`), so a verdict is reproducible.
ASSUMPTIONS_SEED = 20261207


def same_order() -> None:
    """Seed the order in which SymPy derives facts (see ASSUMPTIONS_SEED)."""
    sympy_random._assumptions_rng.seed(ASSUMPTIONS_SEED)


# What a document may not call on an application of a definition whose body holds symbols
# besides its parameters (see _applications): methods, then functions.
_STRUCTURAL_METHODS = (
    (sympy.Expr, ("coeff", "as_coefficient", "as_independent", "is_constant")),
    (sympy.Expr, ("is_polynomial", "is_rational_function", "is_algebraic_expr", "as_poly")),
    (sympy.Sum, ("is_convergent", "is_absolutely_convergent", "euler_maclaurin")),
    (sympy.Product, ("is_convergent",)),
)
_STRUCTURAL_FUNCTIONS = (
    "solve",
    "solveset",
    "linsolve",
    "nonlinsolve",
    "roots",
    "real_roots",
    "nroots",
    "solve_univariate_inequality",
    "reduce_inequalities",
    "rsolve",
    "limit_seq",
    "gcd",
    "lcm",
    "gcd_list",
    "lcm_list",
    "cofactors",
    "sqf_part",
    "sqf",
    "sqf_list",
    "factor_list",
    "div",
    "rem",
    "quo",
    "degree",
    "LC",
    "LM",
    "LT",
    "discriminant",
    "resultant",
    "separatevars",
    "collect",
    "eval_sum",
    "minimum",
    "maximum",
    "function_range",
    "periodicity",
    "is_increasing",
    "is_decreasing",
    "is_monotonic",
    "is_strictly_increasing",
    "is_strictly_decreasing",
    "decompogen",
    "apart",
    "apart_list",
    "residue",
    "singularities",
    "continuous_domain",
    "is_convex",
    "stationary_points",
    "not_empty_in",
    "difference_delta",
    "pdiv",
    "prem",
    "pquo",
    "pexquo",
    "reduced",
    "degree_list",
    "total_degree",
    "groebner",
    "poly",
    "linear_eq_to_matrix",
    "linear_coeffs",
    "solve_linear_system",
    "solve_poly_system",
    "nsolve",
    "invert_real",
    "invert_complex",
)


def _install_everywhere(original, replacement) -> None:
    """`replacement` for the function `original` in every SymPy module that holds it."""
    for module in list(sys.modules.values()):
        if not getattr(module, "__name__", "").startswith("sympy"):
            continue
        for name, value in list(vars(module).items()):
            if value is original:
                setattr(module, name, replacement)


def _install_structural() -> None:
    for kind, names in _STRUCTURAL_METHODS:
        for name in names:
            method = getattr(kind, name)
            setattr(kind, name, _for_documents(method, _applications(name)))
    originals = {}
    for module in list(sys.modules.values()):
        for name in _STRUCTURAL_FUNCTIONS:
            found = getattr(module, name, None)
            if callable(found) and getattr(found, "__module__", "").startswith("sympy"):
                originals.setdefault(found, _for_documents(found, _applications(name)))
    for module in list(sys.modules.values()):
        if not getattr(module, "__name__", "").startswith("sympy"):
            continue
        for name in _STRUCTURAL_FUNCTIONS:
            found = getattr(module, name, None)
            if found in originals:
                setattr(module, name, originals[found])


def apply() -> None:
    """Install the corrections (once; idempotent)."""
    same_order()
    if Pow._prop_handler.get("imaginary") is _pow_is_imaginary:
        return
    _install_piecewise_fold()
    evalf_module.evalf = _evalf  # what evalf, its recursion and _to_mpmath call
    evalf_module.EvalfMixin._to_mpmath = _to_mpmath
    for module in list(sys.modules.values()):  # floor's and ceiling's module imported it
        if getattr(module, "get_integer_part", None) is _GET_INTEGER_PART:
            module.get_integer_part = _get_integer_part
    Pow._eval_is_imaginary = _pow_is_imaginary
    Pow._prop_handler["imaginary"] = _pow_is_imaginary  # what SymPy's assumptions call
    _install(Pow, "rational", _pow_is_rational)
    _install(Pow, "even", _integer_base_only(_POW_IS_EVEN))
    _install(Pow, "odd", _integer_base_only(_POW_IS_ODD))
    _install(Pow, "integer", _pow_is_integer)
    _install(Pow, "algebraic", _pow_is_algebraic)
    _install(sympy.Mul, "integer", _mul_is_integer)
    _install(sympy.log, "finite", _off_pole(sympy.log._eval_is_finite, _nonzero_argument))
    _install(sympy.exp, "zero", _exp_is_zero)
    positive = sympy.exp._eval_is_extended_positive
    _install(sympy.exp, "extended_positive", _off_pole(positive, _not_minus_infinity))
    for fact in ("finite", "real"):
        method = getattr(cfunctions.log1p, f"_eval_is_{fact}")
        _install(cfunctions.log1p, fact, _off_pole(method, _argument_off_minus_one))
    for fact in ("positive", "negative", "complex"):
        method = getattr(sympy.polygamma, f"_eval_is_{fact}")
        _install(sympy.polygamma, fact, _off_pole(method, _no_polygamma_pole))
    for kind, at_half in (
        (sympy.tan, True),
        (sympy.sec, True),
        (sympy.cot, False),
        (sympy.csc, False),
    ):
        method = _off_pole(kind._eval_is_algebraic, _trig_off_poles(at_half))
        _install(kind, "algebraic", method)
        method = _off_pole(kind._eval_is_extended_real, _off_trig_poles(at_half))
        _install(kind, "extended_real", method)
    for kind in (sympy.csch, sympy.acsch):  # zoo at 0
        method = _off_pole(kind._eval_is_extended_real, _nonzero_argument)
        _install(kind, "extended_real", method)
    for kind in (sympy.acot, sympy.acoth, sympy.asec):
        _install(kind, "extended_real", _not_real_if_finite(kind._eval_is_extended_real))
    for kind, facts in (
        (sympy.sinh, ("real", "positive", "negative")),
        (sympy.cosh, ("real", "positive", "nonnegative")),
        (sympy.csch, ("positive", "negative")),
        (sympy.sech, ("positive",)),
    ):
        for fact in facts:
            method = getattr(kind, f"_eval_is_{fact}")
            _install(kind, fact, _off_pole(method, _finite_argument))
    for kind, facts in ((sympy.Max, ("positive", "nonnegative")), (sympy.Min, ("negative",))):
        for fact in facts:
            method = getattr(kind, f"_eval_is_{fact}")
            _install(kind, fact, _off_pole(method, _finite_arguments))
    cfunctions.log2.eval = _kept_where(cfunctions.log2.eval.__func__, _complex_power_of_two)
    for kind in (sympy.sinh, sympy.cosh):
        kind.eval = _kept_where(kind.eval.__func__, _acoth_inside_the_unit_interval)
    for kind in (sympy.sin, sympy.cos, sympy.tan, sympy.cot):
        kind.eval = _kept_where(kind.eval.__func__, _atan2_of_complex)
    for kind, name, relation in _ROUNDING_COMPARISONS:
        setattr(kind, name, _rounding_compared(getattr(kind, name), relation))
    for kind in (Pow, sympy.Mul):
        _install(kind, "extended_real", _false_unknown(kind._eval_is_extended_real))
    _install(sympy.Mul, "imaginary", _false_unknown(sympy.Mul._eval_is_imaginary))
    _install(cfunctions.expm1, "real", _false_unknown(cfunctions.expm1._eval_is_real))
    for kind in (sympy.re, sympy.im, sympy.Abs):
        _install(kind, "algebraic", _false_unknown(kind._eval_is_algebraic))
    sympy.binomial.eval = classmethod(_binomial_eval)
    for fact in ("nonnegative", "nonpositive"):
        _install(sympy.Mod, fact, _real_dividend(getattr(sympy.Mod, f"_eval_is_{fact}")))
    _install(sympy.atan2, "extended_real", _false_unknown(sympy.atan2._eval_is_extended_real))
    sympy.atan2._eval_conjugate = _atan2_conjugate
    relational.is_eq = _is_eq  # what Eq and Ne call as they are built
    sympy.Subs.doit = _subs_doit
    sympy.Piecewise._intervals = _piecewise_intervals
    sympy.Subs.__new__ = _subs_new
    sympy.Subs._hashable_content = _subs_hashable_content
    sympy.Derivative.__new__ = _derivative_new
    sympy.Basic._has = _has
    sympy.Indexed._eval_subs = _indexed_subs
    sympy.Lambda.__call__ = _lambda_call
    bound = lambda node: [limit[0] for limit in node.limits]  # noqa: E731
    for kind in (sympy.Integral, sympy.Sum, sympy.Product):
        kind.doit = _kept_over_bodies(kind.doit, bound)
        kind._eval_simplify = _kept_over_bodies(kind._eval_simplify, bound)
    sympy.Limit.doit = _kept_over_bodies(sympy.Limit.doit, lambda node: [node.args[1]])
    # factor, factor_terms and simplify pull what shows none of the bound variables out of a
    # sum or an integral (helper 166: factor_terms(Σ_k y·h()·k) for h := k was y·h()·Σ_k k).
    AddWithLimits._eval_factor = _kept_over_bodies(AddWithLimits._eval_factor, bound)
    exprtools._factor_sum_int = _kept_over_bodies(exprtools._factor_sum_int, bound)
    leading = sympy.Expr.as_leading_term
    sympy.Expr.as_leading_term = _refused_over_bodies(leading, "a leading term", _arguments)
    taylor = sympy.Expr.taylor_term
    sympy.Expr.taylor_term = _refused_over_bodies(taylor, "a Taylor term", _second_argument)
    for name in ("series", "nseries", "lseries", "aseries"):
        method = getattr(sympy.Expr, name)
        setattr(sympy.Expr, name, _refused_over_bodies(method, "a series", _series_variable))
    sympy.Poly.__new__ = _refused_over_bodies(sympy.Poly.__new__, "a polynomial", _generators)
    sympy.Derivative._eval_subs = _derivative_subs
    AppliedUndef._eval_subs = _application_subs
    sympy.Basic.xreplace = _checked_xreplace(sympy.Basic.xreplace)
    sympy.Atom.xreplace = _checked_xreplace(sympy.Atom.xreplace)
    sympy.Basic.subs = _for_documents(sympy.Basic.subs, _substituted("subs"))
    MatrixBase.subs = _for_documents(_entry(MatrixBase.subs, depth=3), _substituted("subs"))
    MatrixBase.xreplace = _checked_xreplace(MatrixBase.xreplace)
    for kind, name in ((sympy.Basic, "rcall"), (MatrixBase, "applyfunc")):
        setattr(kind, name, _entry(getattr(kind, name)))
    sympy.Poly.__new__ = _for_documents(sympy.Poly.__new__, _applications("Poly"))
    own = lambda arguments, options: arguments[0]  # noqa: E731
    for kind in (sympy.Sum, sympy.Product, sympy.Integral, sympy.Limit):
        kind.doit = _for_documents(kind.doit, _evaluated("doit", own))
    for original, kind in (
        (sympy.integrate, sympy.Integral),
        (sympy.summation, sympy.Sum),
        (sympy.product, sympy.Product),
        (sympy.limit, sympy.Limit),
    ):
        name = original.__name__
        _install_everywhere(
            original, _for_documents(original, _evaluated(name, _unevaluated(kind)))
        )
    for original in (sympy.lambdify, sympy.imageset):
        signed = lambda a, o, name=original.__name__: _refuse_signed(name, a[:1])  # noqa: E731
        _install_everywhere(original, _for_documents(original, signed))
    for original in (
        sympy.powdenest,
        sympy.expand_log,
        sympy.logcombine,
        sympy.powsimp,
        sympy.expand,
        sympy.refine,
        sympy.nsimplify,
    ):
        _install_everywhere(original, _for_documents(original, _forced(original.__name__)))
    sympy.Expr.expand = _for_documents(sympy.Expr.expand, _forced("expand"))
    sympy.Order.contains = _order_contains
    AppliedUndef._eval_derivative = _application_derivative
    _install_everywhere(evalf_module.N, _entry(evalf_module.N))
    lambdas = lambda a, o: _refuse_signed("Lambda", a[1:2])  # noqa: E731
    sympy.Lambda.__new__ = _for_documents(sympy.Lambda.__new__, lambdas)
    _install_structural()
    AppliedUndef._xreplace = _application_xreplace
    sympy.Indexed._xreplace = _indexed_xreplace
    sympy.Basic.replace = _replace
    evalf_module.EvalfMixin.evalf = evalf_module.EvalfMixin.n = _evalf_method
    ExprWithLimits._eval_subs = _limits_subs
    sympy.Subs._eval_subs = _subs_subs
    sympy.Lambda._eval_subs = _lambda_subs
    sympy.acot.eval = classmethod(_acot_eval)
    sympy.acoth.eval = classmethod(_acoth_eval)
    sympy.asec.eval = classmethod(_asec_eval)
    sympy.sign._eval_power = _sign_power
    sympy.Mod.eval = classmethod(_mod_eval)
    sympy.loggamma._eval_conjugate = _loggamma_conjugate
    for kind in _PARITY:
        kind.eval = classmethod(_parity_eval)
    _install(sympy.binomial, "nonnegative", _binomial_is_nonnegative)
    _install(sympy.binomial, "integer", _binomial_is_integer)
    _install(sympy.gamma, "positive", _gamma_is_positive)
    for kind in _ROUNDING:
        kind._eval_evalf = _round_eval_evalf
    sympy.Expr.__int__ = _expr_int
    for kind in (sympy.floor, sympy.ceiling, sympy.frac):
        _install(kind, "real", _round_is_real)
        # floor and ceiling of a real are integers; frac of one is an integer where it is.
        facts = ("integer", "negative", "nonnegative", "positive", "nonpositive", "zero")
        for fact in (*facts, "imaginary"):
            method = getattr(kind, f"_eval_is_{fact}", None)
            if method is not None:
                _install(kind, fact, _for_real_arguments(method))
    for kind, zero_at in _INVERSES:
        _install(kind, "rational", _inverse_is_rational(zero_at))
    sympy.core.cache.clear_cache()  # constructions SymPy cached before


apply()
