"""The soundness fuzzer's grammar: small claims in the document vocabulary, with ground truth.

A `Spec` is a claim recipe. `spec.sides(DOC)` builds the two sides the engine is given (with
the document's definitions and recurrences); `spec.sides(REF)` builds the same claim with every
definition written out as a reader means it (see fuzz_oracle), so the oracle never goes through
the engine. A spec is built from a true identity (`Base`), then optionally scaled, extended, or
perturbed by a term that vanishes on the small sizes (`(n-1)(n-2)(n-3)`, `Σ_i δ(i, 4)`, ...), on
the sampling box (`relu(w - 3)`), or everywhere but a point. `false_from` is its ground truth:
None for a true claim, else the sizes from which it is false ({} for every size);
`false_below` adds sizes below a bound (a reversed range, empty as on paper); `witness` holds
values at which its falsity shows.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable

import sympy
from hypothesis import strategies as st
from sympy import (
    Abs,
    Function,
    IndexedBase,
    Max,
    Rational,
    Symbol,
    exp,
    log,
    sqrt,
    symbols,
)

from derive.declare import claim, define, document, recurrence
from derive.model import Source
from derive.notation.aggregates import SetSymbol
from derive.notation.primitives import relu, sigmoid

n, m = symbols("n m", integer=True, positive=True)
i, j, k, r, t = symbols("i j k r t", integer=True)
c, kappa, d0 = symbols("c κ0 d0", integer=True, positive=True)
iota = Symbol("ι0", integer=True)  # named like the engine's canonical bound indices
d0_ref = Symbol("d0", integer=True)  # the reader's d0: the range 0..n says it may be 0
x, y, z = (IndexedBase(name, real=True) for name in "xyz")
a = IndexedBase("a", positive=True)
U, V = (IndexedBase(name, real=True) for name in "UV")  # matrices' entries (see fuzz_claims)
w, v = symbols("w v", real=True)
p, q = symbols("p q", positive=True)
# The definitions' parameter: real, not positive, since a definition is applied to real
# arguments too and an argument must have its parameter's sign (declare.py).
s = symbols("s", real=True)
S = SetSymbol("S")
INPUTS = (x, y, z, a, U, V, w, v, p, q)
GRIDS = {n: (1, 2, 3), m: (1, 2)}
RANGES = {c: (1, n), iota: (1, n), kappa: (1, n), d0: (0, n)}
REF_INDEX = {d0: d0_ref}

sq = define("sq", (t,), x[t] ** 2)
g_def = define("g", (t,), x[t] + w)
L_def = define("L", (s,), log(s))  # L is applied to real arguments: not known to be real
r_def = define("r", (s,), sqrt(s))
fc = define("fc", (), x[c])  # a definition that reads the free index c
h = recurrence("h", (t,), start=1, initial=x[1], step=lambda prev: p * prev + x[t])
acc = recurrence("acc", (t,), start=0, initial=0, step=lambda prev: prev + y[t])
P = recurrence("P", (t,), start=0, initial=1, step=lambda prev: a[t] * prev)
DEFINITIONS = (sq, g_def, L_def, r_def, fc, h, acc, P)

# The reader's recurrences: (start, initial, step(previous, t)), evaluated by fuzz_oracle.
H_REF, ACC_REF, P_REF = Function("h_ref"), Function("acc_ref"), Function("P_ref")
REF_RECURRENCES = {
    H_REF: (1, x[1], lambda prev, u: p * prev + x[u]),
    ACC_REF: (0, sympy.S.Zero, lambda prev, u: prev + y[u]),
    P_REF: (0, sympy.S.One, lambda prev, u: a[u] * prev),
}


# Each definition as a reader writes it out in place.
REF_BODIES = {
    "sq": lambda e: x[e] ** 2,
    "g": lambda e: x[e] + w,
    "L": log,
    "r": sqrt,
    "fc": lambda: x[c],
    "h": H_REF,
    "acc": ACC_REF,
    "P": P_REF,
}


@dataclasses.dataclass(frozen=True)
class Env:
    """How a side is built: with the document's definitions, or written out (`ref`)."""

    ref: bool

    def app(self, definition, *args):
        return REF_BODIES[definition.name](*args) if self.ref else definition(*args)

    def index(self, symbol):
        return REF_INDEX.get(symbol, symbol) if self.ref else symbol


DOC, REF = Env(False), Env(True)


@dataclasses.dataclass(frozen=True)
class Base:
    """A true claim (or, with `false_from`, one false by construction)."""

    name: str
    sides: Callable
    relation: str = "=="
    lows: tuple = ()
    size: Symbol | None = None
    indices: tuple = ()
    tight: dict | None = None  # where an inequality holds with equality (None: unknown)
    false_from: dict | None = None
    witness: tuple = ()
    false_below: tuple = ()  # (size, bound): also false wherever size < bound
    grid: tuple = ()


@dataclasses.dataclass(frozen=True)
class Spec:
    """A generated claim with its ground truth (see the module docstring)."""

    name: str
    sides: Callable
    relation: str
    lows: tuple
    grid: tuple
    indices: tuple
    false_from: dict | None
    witness: tuple
    false_below: tuple = ()
    doc_grid: tuple = ()  # the document's own grid, where it differs from GRIDS

    @property
    def built_false(self) -> bool:
        return self.false_from is not None or bool(self.false_below)

    def false_at(self, sizes: dict) -> bool:
        """Whether the claim is false at `sizes` (for some value of its free indices)."""
        below = any(sizes.get(str(size), bound) < bound for size, bound in self.false_below)
        if self.false_from is None:
            return below
        return below or all(sizes.get(str(s), low) >= low for s, low in self.false_from.items())


def document_for(spec: Spec, number: int):
    """The one-claim document the engine decides."""
    lhs, rhs = spec.sides(DOC)
    statement = claim(
        f"fuzz-{number}",
        "fuzz",
        spec.name,
        lhs,
        rhs,
        relation=spec.relation,
        lows=dict(spec.lows),
        sizes=dict(spec.grid) or None,
    )
    return document(
        "fuzz",
        "soundness fuzzer",
        Source("fuzz", "fuzz.txt"),
        inputs=INPUTS,
        definitions=DEFINITIONS,
        claims=(statement,),
        sizes={**GRIDS, **dict(spec.doc_grid)},
        indices={index: RANGES[index] for index in spec.indices},
    )


# Summands: small expression trees in one index, built by `term`.
LEAVES = {
    "x": lambda env, e: x[e],
    "y": lambda env, e: y[e],
    "a": lambda env, e: a[e],
    "w": lambda env, e: w,
    "p": lambda env, e: p,
    "index": lambda env, e: e,
    "two": lambda env, e: sympy.Integer(2),
    "half": lambda env, e: Rational(1, 2),
    "sq": lambda env, e: env.app(sq, e),
    "g": lambda env, e: env.app(g_def, e),
    "log a": lambda env, e: log(a[e]),
}
UNARY = {
    "exp": exp,
    "abs": Abs,
    "relu": relu,
    "neg": lambda u: -u,
    "square": lambda u: u**2,
    "sigmoid": sigmoid,
    "max0": lambda u: Max(u, 0),
}
BINARY = {"add": sympy.Add, "mul": sympy.Mul, "max": Max, "sub": lambda u, e: u - e}


def summands():
    leaf = st.sampled_from(sorted(LEAVES)).map(lambda name: (name,))
    return st.recursive(
        leaf,
        lambda inner: st.one_of(
            st.tuples(st.sampled_from(sorted(UNARY)), inner),
            st.tuples(st.sampled_from(sorted(BINARY)), inner, inner),
        ),
        max_leaves=1,
    )


def term(tree, env: Env, index):
    """The summand `tree` at `index`."""
    head, *rest = tree
    if head in LEAVES:
        return LEAVES[head](env, index)
    if head in UNARY:
        return UNARY[head](term(rest[0], env, index))
    return BINARY[head](term(rest[0], env, index), term(rest[1], env, index))
