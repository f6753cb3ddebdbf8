"""The frozen data types that flow between stages: documents in, verdicts out.

Documents are declarations (`Document`, `Definition`, `Claim`, `Gradient`); the engine reads
them and returns `Verdict`s. Nothing here computes anything beyond validating its own fields.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field

import sympy


class Status(enum.Enum):
    """What the engine established about a claim; the names are the JSON names."""

    PROVED = "PROVED"
    PROVED_AT_SIZES = "PROVED_AT_SIZES"
    NUMERIC = "NUMERIC"
    REFUTED = "REFUTED"
    UNDECIDED = "UNDECIDED"


PROVED = Status.PROVED
PROVED_AT_SIZES = Status.PROVED_AT_SIZES
NUMERIC = Status.NUMERIC
REFUTED = Status.REFUTED
UNDECIDED = Status.UNDECIDED


@dataclass(frozen=True)
class Source:
    """Where a document comes from: its title, the seed file and an optional locator."""

    title: str
    seed: str
    where: str = ""


# The attribute of a definition's function that tells it from another definition of the
# same name and assumptions, which SymPy would hold equal (see declare._function).
DEFINITION_KEY = "_derive_definition"


@dataclass(frozen=True)
class Definition:
    """A named intermediate `name(params) := body`, opaque until the engine unfolds it.

    A recurrence also has `start` and `initial`: `name(start, ...) := initial`, and the body
    gives `name(t, ...)` for `t > start` in terms of `name(t - 1, ...)`.
    """

    name: str
    func: sympy.FunctionClass
    params: tuple[sympy.Symbol, ...]
    body: sympy.Expr
    start: int | None = None
    initial: sympy.Expr | None = None
    latex: str = ""

    def __call__(self, *args):
        return self.func(*args)

    @property
    def is_recurrence(self) -> bool:
        return self.start is not None


@dataclass(frozen=True)
class Claim:
    """One step of a document's proof: `lhs relation rhs`, located by a verbatim quote."""

    id: str
    section: str
    quote: str
    lhs: sympy.Basic
    rhs: sympy.Basic
    relation: str = "=="
    expect: Status = PROVED
    reading: str = ""
    note: str = ""
    lows: tuple[tuple[sympy.Symbol, int], ...] = ()
    sizes: tuple[tuple[sympy.Symbol, tuple[int, ...]], ...] = ()
    exact_sizes: tuple[tuple[sympy.Symbol, tuple[int, ...]], ...] = ()
    at_kinks: str = "derivative"
    location: str = ""

    def __post_init__(self):
        if self.relation not in RELATIONS:
            raise ValueError(f"claim {self.id}: relation must be one of {sorted(RELATIONS)}")
        if self.at_kinks not in AT_KINKS:
            raise ValueError(
                f"claim {self.id}: at_kinks={self.at_kinks!r}; use one of "
                + ", ".join(repr(k) for k in AT_KINKS)
            )


RELATIONS = {"==": "=", "<=": "≤", "<": "<", ">=": "≥", ">": ">"}
# What a derivative at a primitive's kink means in a claim: the derivative where it exists
# (the default), or the gradient autograd computes, the primitive's documented derivative
# there taken through the chain rule.
AT_KINKS = ("derivative", "autograd")


@dataclass(frozen=True)
class Gradient:
    """A gradient the engine derives itself (no formula from the document) and checks."""

    id: str
    of: sympy.Expr
    wrt: sympy.IndexedBase | sympy.Symbol
    sizes: tuple[tuple[sympy.Symbol, tuple[int, ...]], ...]
    note: str = ""
    location: str = ""


@dataclass(frozen=True)
class Document:
    """A source document: its symbols, forward equations and the claims of its proof."""

    name: str
    title: str
    source: Source
    inputs: tuple[sympy.Basic, ...]
    definitions: tuple[Definition, ...]
    claims: tuple[Claim, ...]
    sizes: tuple[tuple[sympy.Symbol, tuple[int, ...]], ...] = ()
    indices: tuple[tuple[sympy.Symbol, sympy.Expr, sympy.Expr], ...] = ()
    domains: tuple[tuple[sympy.Basic, sympy.Interval], ...] = ()
    gradients: tuple[Gradient, ...] = ()
    notes: tuple[str, ...] = ()
    path: str = ""
    # SymPy's readings of numbers that stood unconfirmed while the document was built
    # (corrections.doubted_since): its claims get no proof.
    doubts: tuple[str, ...] = ()

    def claim(self, claim_id: str) -> Claim:
        """Return the claim named `claim_id`, or raise KeyError listing the valid ids."""
        for claim in self.claims:
            if claim.id == claim_id:
                return claim
        raise KeyError(claim_id)

    @property
    def claim_ids(self) -> tuple[str, ...]:
        return tuple(c.id for c in self.claims) + tuple(g.id for g in self.gradients)


@dataclass(frozen=True)
class Counterexample:
    """A point that separates the two sides, re-checked with exact or 50-digit arithmetic."""

    sizes: tuple[tuple[str, int], ...]
    point: tuple[tuple[str, str], ...]
    lhs: str
    rhs: str
    entry: str = ""
    reason: str = ""


@dataclass(frozen=True)
class Verdict:
    """The engine's finding for one claim or derived gradient, as plain printable data."""

    document: str
    claim: str
    status: Status
    expected: Status
    statement: str
    scope: str
    method: str
    seconds: float
    quote: str = ""
    section: str = ""
    reading: str = ""
    location: str = ""
    counterexample: Counterexample | None = None
    derived: str = ""
    residual: str = ""
    details: tuple[str, ...] = field(default=())
    note: str = ""
    error: str = ""
    internal: bool = False
    # The statement, derived side and residual as mathematics: (part, text) pairs in order,
    # the part one of "statement", "derived", "residual" (see report.mathprint).
    latex: tuple[tuple[str, str], ...] = field(default=())
    mathml: tuple[tuple[str, str], ...] = field(default=())
    cached: bool = False  # replayed from the cache of decided claims (see derive.cache)

    @property
    def matches(self) -> bool:
        return self.status is self.expected and not self.error


@dataclass(frozen=True)
class DocumentRun:
    """The verdicts for one document, with what the report says around them."""

    name: str
    title: str
    source: Source
    verdicts: tuple[Verdict, ...]
    seconds: float
    conventions: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()
