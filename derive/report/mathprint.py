"""Statements and derivations as mathematics: LaTeX for Markdown, MathML for HTML.

Both printers start from SymPy's and change only what a reader of a derivation needs: a
definition's name keeps its case and its accents (SymPy's MathML printer lowercases
function names), a definition without arguments reads as its name, and Euler's number is e.
Printing never fails: an expression either printer cannot handle is shown as its text form.
"""

from __future__ import annotations

import html

import sympy
from sympy.printing.latex import LatexPrinter
from sympy.printing.mathml import MathMLPresentationPrinter

RELATIONS_LATEX = {"==": "=", "<=": r"\le", "<": "<", ">=": r"\ge", ">": ">"}
RELATIONS_MATHML = {"==": "=", "<=": "≤", "<": "&lt;", ">=": "≥", ">": "&gt;"}


class _Latex(LatexPrinter):
    def _print_AppliedUndef(self, expr):
        name = expr.func.__name__
        if not expr.args:
            return self._name(name)
        return super()._print_Function(expr)

    @staticmethod
    def _name(name: str) -> str:
        return name if len(name) == 1 else rf"\operatorname{{{name}}}"


class _MathML(MathMLPresentationPrinter):
    def _print_AppliedUndef(self, expr):
        return self._call(expr.func.__name__, expr.args)

    def _call(self, name: str, args) -> object:
        row = self.dom.createElement("mrow")
        head = self.dom.createElement("mi")
        head.appendChild(self.dom.createTextNode(name))
        row.appendChild(head)
        if args:
            row.appendChild(self._fenced(args))
        return row

    def _fenced(self, args):
        row = self.dom.createElement("mrow")
        for text, items in (("(", None), (None, args), (")", None)):
            if items is None:
                mo = self.dom.createElement("mo")
                mo.appendChild(self.dom.createTextNode(text))
                row.appendChild(mo)
                continue
            for k, arg in enumerate(items):
                if k:
                    comma = self.dom.createElement("mo")
                    comma.appendChild(self.dom.createTextNode(","))
                    row.appendChild(comma)
                row.appendChild(self._print(arg))
        return row


def latex(expr) -> str:
    """`expr` in LaTeX, for `$…$` in Markdown:

    >>> latex(sympy.Symbol("x") ** 2)
    'x^{2}'
    """
    try:
        return _Latex().doprint(expr)
    except Exception:  # noqa: BLE001 - a printer gap must not cost the verdict its report
        return rf"\text{{{_escape_latex(sympy.sstr(expr))}}}"


def mathml(expr) -> str:
    """`expr` as presentation MathML, the content of a `<math>` element:

    >>> mathml(sympy.Symbol("x"))
    '<mi>x</mi>'
    """
    try:
        return _MathML().doprint(expr)
    except Exception:  # noqa: BLE001 - as for latex()
        return f"<mtext>{html.escape(sympy.sstr(expr))}</mtext>"


def relation_latex(lhs, relation: str, rhs) -> str:
    return f"{latex(lhs)} {RELATIONS_LATEX[relation]} {latex(rhs)}"


def relation_mathml(lhs, relation: str, rhs) -> str:
    return f"<mrow>{mathml(lhs)}<mo>{RELATIONS_MATHML[relation]}</mo>{mathml(rhs)}</mrow>"


def gradient_latex(of, wrt) -> str:
    r"""∂(of)/∂wrt, for a gradient the engine derives:

    >>> gradient_latex(sympy.Symbol("L"), sympy.Symbol("w"))
    '\\frac{\\partial}{\\partial w} L'
    """
    return rf"\frac{{\partial}}{{\partial {latex(wrt)}}} {latex(of)}"


def gradient_mathml(of, wrt) -> str:
    return (
        f"<mrow><mfrac><mo>∂</mo><mrow><mo>∂</mo>{mathml(wrt)}</mrow></mfrac>"
        f"<mrow><mo>(</mo>{mathml(of)}<mo>)</mo></mrow></mrow>"
    )


def _escape_latex(text: str) -> str:
    return "".join("\\" + c if c in "{}_^#&$%" else c for c in text)
