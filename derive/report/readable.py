"""Long expressions made readable: the document's definitions folded back in, repeated
subexpressions named once (τ1, τ2, …), a long sum one term a line; as text and as the
LaTeX and MathML a verdict carries."""

from __future__ import annotations

import sympy

from derive.notation.aggregates import bound_indices
from derive.report import mathprint, show

READABLE_CHARS = 100  # a longer derived side or residual gets its subexpressions named
INLINE_CHARS = 12  # a subexpression this short is written out, not named


def readable(expr, definitions=()) -> str:
    """`expr` on one line if short; else with the document's own definitions folded back in
    and each repeated subexpression named once (τ1, τ2, ...), one line per name:

        τ2*x[k] - τ2*Sum(x[j], (j, 1, n))/n
          where τ1 = Sum(x[j]**2, (j, 1, n))/n
                τ2 = 1/sqrt(epsilon + τ1)
    """
    return text(*named(expr, definitions))


def text(main, kept) -> str:
    """The text of `main` and its names, as `readable` prints them."""
    lines = _terms(main) + [f"  where {name} = {show(value)}" for name, value in kept[:1]]
    lines += [f"        {name} = {show(value)}" for name, value in kept[1:]]
    return "\n".join(lines)


def named(expr, definitions=()) -> tuple[sympy.Basic, list[tuple[sympy.Symbol, sympy.Basic]]]:
    """`expr` with its repeated subexpressions named (see `readable`), and the names; the
    bodies of the parameterless `definitions` are folded back into their names.

    >>> a, b, c = sympy.symbols("alpha beta gamma")
    >>> r = sympy.sqrt(a**2 + b**2 + c**2 + 1)
    >>> main, names = named(a / r + b / r**3 + c * sympy.log(r) + sympy.exp(a * b * c) / r)
    >>> main
    alpha/sqrt(τ1) + beta/τ1**(3/2) + gamma*log(sqrt(τ1)) + exp(alpha*beta*gamma)/sqrt(τ1)
    >>> names
    [(τ1, alpha**2 + beta**2 + gamma**2 + 1)]
    """
    if len(show(expr)) <= READABLE_CHARS:
        return expr, []
    folded = expr.xreplace({d.body: d.func() for d in definitions if not d.params and d.body.args})
    # A name for a term that uses a summed index would be read outside its sum: never one.
    bound = bound_indices(folded)
    names = sympy.numbered_symbols("τ", start=1, exclude=folded.free_symbols)
    named_terms, (main,) = sympy.cse(folded, symbols=names, ignore=tuple(bound))
    # A name for sqrt(n) only hides what it stands for: short values are written out.
    short = {name: value for name, value in named_terms if len(show(value)) <= INLINE_CHARS}
    for _ in range(len(short)):
        short = {name: value.xreplace(short) for name, value in short.items()}
    main = main.xreplace(short)
    kept = [(name, value.xreplace(short)) for name, value in named_terms if name not in short]
    renamed = dict(
        zip(
            (name for name, _ in kept),
            sympy.numbered_symbols("τ", start=1, exclude=folded.free_symbols),
        )
    )
    main = main.xreplace(renamed)
    return main, [(renamed[name], value.xreplace(renamed)) for name, value in kept]


def formulas(part: str, main, kept=()) -> dict:
    """The `latex` and `mathml` entries of a verdict for one part (statement, derived,
    residual): the main line, then one `τ = value` line per name."""
    rows = [main, *(sympy.Eq(name, value, evaluate=False) for name, value in kept)]
    return {
        "latex": tuple((part, mathprint.latex(row)) for row in rows),
        "mathml": tuple((part, mathprint.mathml(row)) for row in rows),
    }


def _terms(expr) -> list[str]:
    """A long sum one term a line: `a`, `+ b`, `- c`."""
    text = show(expr)
    if len(text) <= READABLE_CHARS or not isinstance(expr, sympy.Add):
        return [text]
    first, *rest = sympy.Add.make_args(expr)
    signed = [("- " + show(-t)) if t.could_extract_minus_sign() else "+ " + show(t) for t in rest]
    return [show(first), *signed]
