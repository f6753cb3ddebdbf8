"""Sized aggregates SymPy lacks: the sum over all subsets of an index range.

`SubsetSum(body, S, lo, hi)` is the sum of `body` over every subset S of {lo, ..., hi} (the
empty set included; `hi < lo` means only the empty set). Inside the body, `SetSum(f, i, S)`
is the sum of f over the members i of S and `Card(S)` is |S|. All three keep their bound
variable out of `free_symbols` and out of substitution, like SymPy's own `Sum`.
"""

from __future__ import annotations

import itertools

import sympy
from sympy import Expr, Symbol, sympify
from sympy.concrete.expr_with_limits import ExprWithLimits
from sympy.printing.pretty.stringpict import prettyForm

from derive.notation.corrections import captures


class SetSymbol(Symbol):
    """A set-valued bound variable; it only ever appears inside a `SubsetSum`."""


class SetSum(Expr):
    """Sum of `summand` over the members `i` of the set `S`."""

    def __new__(cls, summand, i, S):
        return Expr.__new__(cls, sympify(summand), i, S)

    summand = property(lambda self: self.args[0])
    index = property(lambda self: self.args[1])
    set = property(lambda self: self.args[2])

    @property
    def free_symbols(self):
        return (self.summand.free_symbols - {self.index}) | {self.set}

    def _eval_subs(self, old, new):
        if old == self.index:
            return self
        if captures([self.index], old, new, self.summand):  # renamed first, as a Sum's
            return rename_bound(self, {self.index})._subs(old, new)
        return None

    def _eval_is_real(self):
        return self.summand.is_real

    def _sympystr(self, printer):
        return f"Sum({printer._print(self.summand)}, {self.index} in {self.set})"

    def _latex(self, printer):
        return rf"\sum_{{{self.index} \in {self.set}}} {printer._print(self.summand)}"

    def _pretty(self, printer):
        return _prefixed(printer, f"Σ[{self.index}∈{self.set}]", self.summand)


class Card(Expr):
    """The number of elements |S| of the set `S`."""

    is_integer = True
    is_nonnegative = True

    def __new__(cls, S):
        return Expr.__new__(cls, S)

    def _sympystr(self, printer):
        return f"|{self.args[0]}|"

    def _pretty(self, printer):
        return prettyForm(f"|{self.args[0]}|")

    def _latex(self, printer):
        return rf"\left|{self.args[0]}\right|"


class SubsetSum(Expr):
    """Sum of `body` over every subset `S` of {lo, ..., hi}."""

    def __new__(cls, body, S, lo, hi):
        return Expr.__new__(cls, sympify(body), S, sympify(lo), sympify(hi))

    body = property(lambda self: self.args[0])
    set = property(lambda self: self.args[1])
    lo = property(lambda self: self.args[2])
    hi = property(lambda self: self.args[3])

    @property
    def free_symbols(self):
        inner = self.body.free_symbols - {self.set}
        return inner | self.lo.free_symbols | self.hi.free_symbols

    def _eval_subs(self, old, new):
        if old == self.set:
            return self
        return None

    def _eval_is_real(self):
        return self.body.is_real

    def _eval_is_positive(self):
        # The empty set is always a subset, so the family is never empty.
        return self.body.is_positive

    def _eval_derivative(self, s):
        return SubsetSum(self.body.diff(s), self.set, self.lo, self.hi)

    def doit(self, **hints):
        if not (self.hi - self.lo).is_Integer:
            return self
        # The width is a number; the ends may be symbolic.
        members = [self.lo + k for k in range(int(self.hi - self.lo) + 1)]
        terms = [
            restrict(self.body, self.set, subset)
            for size in range(len(members) + 1)
            for subset in itertools.combinations(members, size)
        ]
        total = sympy.Add(*terms)
        return total.doit(**hints) if hints.get("deep", True) else total

    def _sympystr(self, printer):
        return f"SubsetSum({printer._print(self.body)}, {self.set} ⊆ {{{self.lo}..{self.hi}}})"

    def _pretty(self, printer):
        lo, hi = printer._print(self.lo), printer._print(self.hi)
        return _prefixed(printer, f"Σ[{self.set}⊆{{{lo}..{hi}}}]", self.body)

    def _latex(self, printer):
        return (
            rf"\sum_{{{self.set} \subseteq \{{{printer._print(self.lo)}, \dots, "
            rf"{printer._print(self.hi)}\}}}} {printer._print(self.body)}"
        )


def _prefixed(printer, head: str, body):
    form = printer._print(body)
    form = prettyForm(*form.parens())
    return prettyForm(*form.left(head))


def restrict(body: Expr, S: SetSymbol, subset: tuple[int, ...]) -> Expr:
    """Return `body` with the set `S` replaced by the concrete `subset` of integers."""

    def expand_setsum(node):
        return sympy.Add(*(node.summand.subs(node.index, m) for m in subset))

    body = body.replace(lambda n: isinstance(n, SetSum) and n.set == S, expand_setsum)
    return body.replace(lambda n: isinstance(n, Card) and n.args[0] == S, lambda n: len(subset))


def add_element(body: Expr, S: SetSymbol, m: Expr) -> Expr:
    """Return `body` evaluated at S ∪ {m}, for an m that is not already in S."""
    body = body.replace(
        lambda n: isinstance(n, SetSum) and n.set == S,
        lambda n: n + n.summand.subs(n.index, m),
    )
    return body.replace(lambda n: isinstance(n, Card) and n.args[0] == S, lambda n: n + 1)


def expand_sum(node: sympy.Sum | sympy.Product, karr: bool = False) -> Expr:
    """Σ (or Π) over its outermost concrete range, as explicit terms.

    A reversed range (hi < lo) is empty, as a reader of a paper takes it: Σ is 0, Π is 1.
    With `karr`, it follows Karr's convention instead (Σ_{lo}^{hi} = -Σ_{hi+1}^{lo-1}), as
    SymPy's rewrites and the induction step do; the two agree wherever hi ≥ lo - 1, and
    proofs are only attempted where every range of the claim is such (see
    indexcalc.ranges_proper).

    Terms are made by xreplace: SymPy's own Sum.doit treats a summand whose index occurs only
    in a derivative's variable, like ∂f/∂x[k], as constant in k.
    """
    *inner, (index, lo, hi) = node.limits
    body = node.func(node.function, *inner) if inner else node.function
    is_sum = isinstance(node, sympy.Sum)
    if karr and int(hi - lo) < -1:
        rest = expand_sum(node.func(node.function, *inner, (index, hi + 1, lo - 1)))
        return -rest if is_sum else 1 / rest
    # The width is a number; the ends may be symbolic (a window Σ_{i=n}^{n+1}). An inner
    # binder of the same name (Σ_{i=1}^{n} Σ_{i=1}^{2} a_i) keeps its own index, and one
    # named like a symbol of the ends does not capture it: in Σ_k b_k Σ_{i=k}^{k+1} Σ_{k=1}^{2}
    # a_{i+k}, the terms at i = k + 0, k + 1 named the inner k (helper 138; as _written_out).
    body = rename_bound(body, {index} | lo.free_symbols | hi.free_symbols)
    put = substituted if _subs_binding(body, {index} | lo.free_symbols) else _replaced
    terms = [put(body, {index: lo + k}) for k in range(int(hi - lo) + 1)]
    return sympy.Add(*terms) if is_sum else sympy.Mul(*terms)


def bound_indices(expr) -> set:
    """Every symbol some binder in `expr` binds: the indices of Sums and Products, a SetSum's
    element, a SubsetSum's set.

    >>> i = sympy.Symbol("i", integer=True)
    >>> sorted(map(str, bound_indices(sympy.Sum(i, (i, 1, 3)) + i)))
    ['i']
    """
    found = set()
    for node in sympy.preorder_traversal(expr):
        if isinstance(node, (sympy.Sum, sympy.Product)):
            found |= {limit[0] for limit in node.limits}
        elif isinstance(node, SetSum):
            found.add(node.index)
        elif isinstance(node, SubsetSum):
            found.add(node.set)
    return found


def binds(node) -> set:
    """The symbols `node` itself binds (not those of binders inside it): a Sum's, Product's,
    Subs', Lambda's or array notation's variables, a SetSum's element, a SubsetSum's set."""
    if isinstance(node, SetSum):
        return {node.index}
    if isinstance(node, SubsetSum):
        return {node.set}
    try:
        return set(getattr(node, "bound_symbols", ()) or ())
    except (AttributeError, TypeError):  # a class attribute, not a node's property
        return set()


def rename_bound(expr: Expr, avoid: set) -> Expr:
    """Rename every bound variable in `avoid` (of a Sum, a Product, a SetSum, a table, an
    Integral or a Lambda) to a fresh Dummy with the same assumptions.

    SymPy renames nothing: substituting or differentiating with a symbol that a sum also
    binds (x[c] inside Σ_c) captures it and silently changes the meaning; so does one that
    an integral binds (F(s) := ∫₀¹ s·t dt at s = t is t/2, not ∫₀¹ t² dt). A Subs is not
    renamed: SymPy holds Subs(f(τ), τ, p) equal to Subs(f(s), s, p), so a renamed one may
    come back from SymPy's cache as the original (see `capturing`).
    """
    avoid = set(avoid)

    def fresh(index):
        return sympy.Dummy(index.name, **index.assumptions0)

    def rename(node):
        if isinstance(node, SetSum):
            index = fresh(node.index)
            return SetSum(node.summand.xreplace({node.index: index}), index, node.set)
        if isinstance(node, sympy.Lambda):
            new = {v: fresh(v) for v in node.variables if v in avoid}
            variables = tuple(new.get(v, v) for v in node.variables)
            return sympy.Lambda(variables, node.expr.xreplace(new))
        body, limits = node.function, []
        for index, *ends in node.limits:  # innermost first: a later range may name it freely
            if index in avoid:
                new = fresh(index)
                body = body.xreplace({index: new})
                limits = [(v, *(e.xreplace({index: new}) for e in es)) for v, *es in limits]
                index = new
            limits.append((index, *ends))
        return node.func(body, *limits)

    def renamed(node):
        # Sums and Products, array notation's tables and sums, integrals (ExprWithLimits),
        # set sums and lambdas.
        binders = (ExprWithLimits, SetSum, sympy.Lambda)
        return isinstance(node, binders) and bool(binds(node) & avoid)

    return expr.replace(renamed, rename) if avoid else expr


def capturing(expr: Expr, mapping: dict) -> str | None:
    """What in `expr` would capture, as `mapping` (parameter → argument) is substituted, a
    symbol an argument holds, that rename_bound cannot rename away; or None. A Subs binding
    it (renamed, SymPy holds the Subs equal to the one before), a derivative by it or by an
    entry of a tensor it holds (∂(s·t²)/∂t at s = t is 2t², where substituting gives
    ∂t³/∂t = 3t²), or a perturbation moving it: each only where a parameter occurs inside.
    A variable that is itself a parameter SymPy takes to the argument (a Subs there:
    ∂σ(u)/∂u at 2u), unless another argument holds it."""
    params = set(mapping)
    for node in sympy.preorder_traversal(expr):
        bound = moved_variables(node)
        if not bound:
            continue
        inside = _inner(node).free_symbols & params
        for variable in bound:
            if variable in params:
                # Taken to its own argument; the others' arguments go inside.
                others = {p: a for p, a in mapping.items() if p != variable and p in inside}
            else:
                others = {p: mapping[p] for p in inside}
            holding = set().union(*(sympy.sympify(a).free_symbols for a in others.values()))
            if _named_by(variable) & holding:
                return f"{node} binds {variable}"
    return None


def moved_variables(node) -> tuple:
    """The variables `node` binds that rename_bound does not rename: a Subs', a derivative's,
    a perturbation's moved inputs (as their symbols or tensors)."""
    if isinstance(node, sympy.Subs):
        return tuple(node.variables)
    if isinstance(node, sympy.Derivative):
        return tuple(v for v, _ in node.variable_count)
    pairs = getattr(node, "pairs", None)  # a perturbation (notation.perturb)
    if pairs is not None and getattr(node, "SIGN", None):
        return tuple(x for x, _ in pairs)
    return ()


def _inner(node):
    """What `node` binds its variables in: a Subs' or derivative's or perturbation's expr."""
    return node.expr


def _named_by(variable) -> set:
    """The symbols that name `variable`: itself, an entry's or a tensor's label."""
    if isinstance(variable, sympy.Indexed):
        return {variable.base.label}
    if isinstance(variable, sympy.IndexedBase):
        return {variable.label}
    return {variable} if isinstance(variable, sympy.Symbol) else set()


def call(function: sympy.Lambda, *args) -> Expr:
    """`function(*args)`, without capture (see substituted)."""
    return substituted(function.expr, dict(zip(function.variables, args)))


def _subs_binding(expr: Expr, symbols: set) -> bool:
    """Whether a Subs in `expr` binds one of `symbols`."""
    return any(symbols & set(node.variables) for node in expr.atoms(sympy.Subs))


def _replaced(expr: Expr, mapping: dict) -> Expr:
    return expr.xreplace(mapping)


def substituted(expr: Expr, mapping: dict) -> Expr:
    """`expr` with `mapping` (symbol → value) put in, renaming first the bound variables the
    values hold or the mapping replaces. A Subs binding one, which rename_bound cannot
    rename, is rebuilt with its variable renamed as the values go in (SymPy's substitution,
    as derive corrects it: corrections._subs_subs): v_c := Subs(x^j y^c, j, 2) at c = j is
    x² y^j, where replacing c gave x² y² (helper 138)."""
    moved = set().union(*(sympy.sympify(v).free_symbols for v in mapping.values()))
    # And those the mapping replaces: xreplace reaches a binder's own variable (a table's
    # entry i = 1 of Σ_{i=1}^{2} a_i gave Σ a_1 over (1, 1, 2), a crash; helper 175).
    body = rename_bound(expr, moved | set(mapping))
    # A Subs binding a symbol a value holds, or one that is replaced (Subs(y^k, k, 2) at
    # k = 1 stays y², where replacing k gave Subs(y, 1, 2) = y; helper 141).
    if not _subs_binding(body, moved | set(mapping)):
        return body.xreplace(mapping)
    # One value at a time, through stand-ins (SymPy's simultaneous substitution replaces
    # by xreplace at the end, which captures).
    stand_ins = {v: sympy.Dummy(v.name, **v.assumptions0) for v in mapping}
    body = body.xreplace(stand_ins)
    for variable, value in mapping.items():
        body = body.subs(stand_ins[variable], value)
    return body


class Padded(Expr):
    """base[e] on the window lo..hi and 0 outside it: Σ_{q=lo}^{hi} base[q] δ(q, e).

    It evaluates itself once e and the window are numbers, so instantiating costs one entry
    instead of a sum over the window; proofs see the sum (`as_sum`).
    """

    def __new__(cls, base, e, lo, hi):
        e, lo, hi = (sympify(v) for v in (e, lo, hi))
        if e.is_Integer and lo.is_Integer and hi.is_Integer:
            return base[e] if lo <= e <= hi else sympy.S.Zero
        return Expr.__new__(cls, base, e, lo, hi)

    def as_sum(self) -> sympy.Sum:
        base, e, lo, hi = self.args
        q = sympy.Dummy("q", integer=True)
        return sympy.Sum(base[q] * sympy.KroneckerDelta(q, e), (q, lo, hi))

    def _eval_derivative(self, s):
        return self.as_sum().diff(s)

    def _eval_is_real(self):
        return self.args[0][self.args[1]].is_real

    def _sympystr(self, printer):
        base, e, lo, hi = (printer._print(a) for a in self.args)
        return f"{base}[{e}]{{{lo}..{hi}}}"


def _runs_over_a_term(node) -> bool:
    """Whether Σ or Π `node` has a term by the documents' reading of its limits (the integers
    from ceiling(lo) to floor(hi)) wherever SymPy finds its limits not reversed: each range has
    an integer end (then hi ≥ lo leaves lo or hi itself in it)."""
    return node.has_reversed_limits is False and all(
        len(limit) == 3 and (limit[1].is_integer or limit[2].is_integer) for limit in node.limits
    )


def _only_over_a_term(answer):
    """SymPy's assumption handler `answer`, kept only for a Σ or Π that has a term."""

    def guarded(node):
        found = answer(node)
        return found if found is not True or _runs_over_a_term(node) else None

    return guarded


# SymPy reads Σ_{i=lo}^{hi} as lo, lo + 1, … ≤ hi, so once hi ≥ lo it takes the sign of its
# summand, and a Π of a zero factor as zero. A document's sum runs over the integers between
# its limits (README, Conventions), so Σ_{i=1/3}^{2/3} e^{a_i} is empty, 0, and a range can be
# empty (Π_{i=1}^{n-1} 0 is 1 at n = 1): sign(Σ_{i=n/3}^{n/3+1/3} e^{a_i}) was built as 1 and
# `= 1` PROVED, false at n = 1. Those answers stand only where the range has a term.
# SymPy also took a Π over a range empty at every size (Π_{i=n+1}^{n} 2, which is 1) for
# nonpositive: where its shuffled order of facts reached that answer first, sign(Π) was built
# as -1, Max(Π, 0) as 0 and |Π| as -Π, and `sign(Π) = -1` PROVED (helper 152).
# (SymPy reads the handlers from each class's _prop_handler, filled when the class was made.)
_GUARDED = (
    (sympy.Sum, ("positive", "negative")),
    (sympy.Product, ("zero", "extended_nonpositive")),
)
for _kind, _facts in _GUARDED:
    for _fact in _facts:
        _handler = _only_over_a_term(_kind._prop_handler[_fact])
        setattr(_kind, f"_eval_is_{_fact}", _handler)
        _kind._prop_handler[_fact] = _handler
