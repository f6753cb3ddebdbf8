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
from sympy.printing.precedence import precedence_traditional

RELATIONS_LATEX = {"==": "=", "<=": r"\le", "<": "<", ">=": r"\ge", ">": ">"}
RELATIONS_MATHML = {"==": "=", "<=": "≤", "<": "&lt;", ">=": "≥", ">": "&gt;"}
# MathML Core has no `columnalign`; Chromium aligns table cells by CSS alone.
CASES_STYLE = "text-align: left"
# Nodes that print as a name or a bracket of their own and need no parentheses around them.
BARE = frozenset(
    ("Table", "Tabulated", "ArrayLiteral", "Seq", "SeqOf", "Correlate", "Convolve", "Inner", "Card")
)


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
    """SymPy's presentation printer, kept to MathML Core (what Chromium renders), with the
    notation of the bundled documents: products, cases, sets, arrays, sequences, tensors."""

    def __init__(self, settings=None):
        super().__init__(settings)
        raw = self.dom.createTextNode
        # SymPy writes text nodes unescaped (to keep its entities): a `<` from a relation or a
        # name must still not open a tag, so every text is decoded once and escaped once.
        self.dom.createTextNode = lambda data: raw(_escape_xml(str(data)))

    def _node(self, tag: str, *children, text: str | None = None, **attributes):
        node = self.dom.createElement(tag)
        if text is not None:
            node.appendChild(self.dom.createTextNode(text))
        for child in children:
            node.appendChild(child)
        for name, value in attributes.items():
            node.setAttribute(name, value)
        return node

    def _mo(self, text: str):
        return self._node("mo", text=text)

    def _mi(self, text: str):
        return self._node("mi", text=text)

    def _print_Exp1(self, expr):
        # An upright e; SymPy writes the double-struck ⅇ.
        return self._node("mi", text="e", mathvariant="normal")

    def mathml_tag(self, e):
        # Every derivative reads ∂, as in the text report (SymPy writes ⅆ for one variable).
        return "\u2202" if isinstance(e, sympy.Derivative) else super().mathml_tag(e)

    def _print_Symbol(self, sym, style="plain"):
        # SymPy spells Greek names as letters; ℓ is the one other letter the documents use.
        if sym.name == "ell":
            return self._mi("\u2113")
        return super()._print_Symbol(sym, style)

    def _print_AppliedUndef(self, expr):
        return self._call(expr.func.__name__, expr.args)

    def _call(self, name: str, args) -> object:
        # h_g and W_i read as subscripts, as SymPy prints symbols; the name keeps its case.
        head = self._print_Symbol(sympy.Symbol(name)) if "_" in name.strip("_") else self._mi(name)
        return self._node("mrow", head, self._fenced(args)) if args else self._node("mrow", head)

    def _fenced(self, args, open_: str = "(", close: str = ")"):
        """`args` separated by commas between two fences (MathML Core has no mfenced)."""
        return self._node("mrow", self._mo(open_), self._commas(args), self._mo(close))

    def _commas(self, args):
        row = self._node("mrow")
        for k, arg in enumerate(args):
            if k:
                row.appendChild(self._mo(","))
            row.appendChild(arg if hasattr(arg, "nodeType") else self._print(arg))
        return row

    def _big_operator(self, symbol: str, under, over, body):
        """`symbol` with limits under and over it (either may be None), then `body`."""
        if over is None:
            head = self._node("munder", self._mo(symbol), under)
        else:
            head = self._node("munderover", self._mo(symbol), under, over)
        return self._node("mrow", head, body)

    def _limits_operator(self, symbol: str, expr):
        """Σ or ∏ over every limit of `expr`, the outermost first (SymPy lists it last)."""
        body = self.parenthesize(expr.function, precedence_traditional(expr))
        for limit in expr.limits:
            if len(limit) == 3:
                index, lo, hi = limit
                under = self._node("mrow", self._print(index), self._mo("="), self._print(lo))
                body = self._big_operator(symbol, under, self._print(hi), body)
            else:
                body = self._big_operator(symbol, self._print(limit[0]), None, body)
        return body

    def _print_Sum(self, expr):
        return self._limits_operator("\u2211", expr)

    def _print_Product(self, expr):
        return self._limits_operator("\u220f", expr)

    def _print_ArraySum(self, expr):
        return self._limits_operator("\u2211", expr)

    def _print_Piecewise(self, expr):
        """Cases under one brace: `value  if condition`, the last one `otherwise`."""
        rows = []
        for value, condition in expr.args:
            if condition == sympy.true:
                when = self._node("mtext", text="otherwise")
            else:
                when = self._node("mrow", self._node("mtext", text="if\u00a0"))
                when.appendChild(self._print(condition))
            cells = (self._node("mtd", c, style=CASES_STYLE) for c in (self._print(value), when))
            rows.append(self._node("mtr", *cells))
        table = self._node("mtable", *rows, columnalign="left left")
        brace = self._node("mo", text="{", stretchy="true", symmetric="true")
        return self._node("mrow", brace, table)

    def _print_KroneckerDelta(self, expr):
        # A comma, since an index may be a sum: δ_{0,l-m}, not δ_{0l-m}.
        return self._node("msub", self._mi("\u03b4"), self._commas(expr.args[:2]))

    def _print_Indexed(self, expr):
        return self._node("msub", self._print(expr.base), self._commas(expr.indices))

    def _print_Determinant(self, expr):
        return self._call("det", expr.args)

    def _print_Adjugate(self, expr):
        return self._call("adj", expr.args)

    def _print_Tabulated(self, expr):
        return self._mi(expr.name)

    def _print_SeqOf(self, expr):
        return self._mi(expr.args[0].name)

    def _print_Seq(self, expr):
        declared = (expr.base.shape or [None])[0]
        label = self._print(expr.base.label)
        if isinstance(declared, sympy.Tuple) and tuple(declared) == tuple(expr.window):
            return label
        window = self._node("mrow", self._print(expr.args[1]), self._mo("\u2026"))
        window.appendChild(self._print(expr.args[2]))
        return self._node("msub", label, window)

    def _print_SetSum(self, expr):
        under = self._node("mrow", self._print(expr.index), self._mo("\u2208"))
        under.appendChild(self._print(expr.set))
        return self._big_operator("\u2211", under, None, self._wrapped(expr.summand))

    def _print_SubsetSum(self, expr):
        members = self._fenced((expr.lo, self._mo("\u2026"), expr.hi), "{", "}")
        under = self._node("mrow", self._print(expr.set), self._mo("\u2286"), members)
        return self._big_operator("\u2211", under, None, self._wrapped(expr.body))

    def _print_Card(self, expr):
        return self._node("mrow", self._mo("|"), self._print(expr.args[0]), self._mo("|"))

    def _print_Padded(self, expr):
        # base[e] on the window lo..hi and 0 outside it: x_e times the Iverson bracket.
        base, e, lo, hi = expr.args
        entry = self._node("msub", self._print(base), self._print(e))
        window = [self._print(lo), self._mo("\u2264"), self._print(e), self._mo("\u2264")]
        bracket = self._node("mrow", self._mo("["), *window, self._print(hi), self._mo("]"))
        return self._node("mrow", entry, bracket)

    def _print_Table(self, expr):
        row = self._node("mrow", self._mo("["), self._print(expr.function), self._mo("|"))
        for k, (index, lo, hi) in enumerate(expr.limits):
            if k:
                row.appendChild(self._mo(","))
            for part in (self._print(index), self._mo("="), self._print(lo), self._mo("\u2026")):
                row.appendChild(part)
            row.appendChild(self._print(hi))
        row.appendChild(self._mo("]"))
        return row

    def _print_ArrayLiteral(self, expr):
        return self._fenced(expr.values, "[", "]")

    def _infix(self, symbol: str, expr):
        row = self._node("mrow")
        for k, arg in enumerate(expr.args):
            if k:
                row.appendChild(self._mo(symbol))
            row.appendChild(self._wrapped(arg))
        return row

    def _print_Dot(self, expr):
        return self._infix("\u22c5", expr)

    def _print_Hadamard(self, expr):
        return self._infix("\u2299", expr)

    def _print_Outer(self, expr):
        return self._infix("\u2297", expr)

    def _print_Correlate(self, expr):
        return self._fenced([self._infix("\u22c6", expr)], "(", ")")

    def _print_Convolve(self, expr):
        return self._fenced([self._infix("\u2217", expr)], "(", ")")

    def _print_Inner(self, expr):
        return self._fenced(expr.args, "\u27e8", "\u27e9")

    def _print_Transposed(self, expr):
        return self._node("msup", self._wrapped(expr.args[0]), self._mi("\u22a4"))

    def _print_Diagonal(self, expr):
        return self._call("diag", expr.args)

    def _print_Stack(self, expr):
        return self._call("stack", expr.args)

    def _print_Concat(self, expr):
        return self._call("concat", expr.args)

    def _print_Entry(self, expr):
        X, indices = expr.args[0], expr.args[1:]
        return self._node("msub", self._wrapped(X), self._commas(indices))

    def _print_HasShape(self, expr):
        return self._node("mtext", text=sympy.sstr(expr))

    def _print_Trace(self, expr):
        return self._call("tr", expr.args)

    def _print_Perturbation(self, expr):
        """Δ or dΔ with the moves under it, x → x + Δx, then the perturbed expression."""
        moves = []
        for x, dx in expr.pairs:
            moved = self._node("mrow", self._print(x), self._mo("+"), self._print(dx))
            moves.append(self._node("mrow", self._print(x), self._mo("\u2192"), moved))
        head = self._node("msub", self._mi(expr.SIGN), self._commas(moves))
        return self._node("mrow", head, self._fenced([expr.expr]))

    def _print_ShapeCheck(self, expr):
        return self._print(expr.args[0])

    def _wrapped(self, expr):
        """`expr`, in parentheses unless it is an atom, an entry or a call."""
        if expr.is_Atom or isinstance(expr, (sympy.Indexed, sympy.Function)):
            return self._print(expr)
        if type(expr).__name__ in BARE:
            return self._print(expr)
        return self._fenced([expr])


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


def _escape_xml(text: str) -> str:
    """Text for a MathML node: entities decoded, then `<`, `>` and `&` escaped once.

    >>> _escape_xml("&#x2211; a<b")
    '∑ a&lt;b'
    """
    return html.escape(html.unescape(text), quote=False)


def _escape_latex(text: str) -> str:
    return "".join("\\" + c if c in "{}_^#&$%" else c for c in text)
