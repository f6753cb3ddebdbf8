"""What deciding one claim works on and produces: the claim being decided (a `Job`, with its
size grid, randomness and instances compiled once per size) and what the strategies
established (a `Finding`).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from derive.engine.deadline import Deadline
from derive.engine.numeric import compile_instance, rng_for
from derive.engine.terms import Context, instance
from derive.model import Claim, Counterexample, Status


@dataclass(frozen=True)
class Finding:
    """What the strategies established for one claim."""

    status: Status
    scope: str
    method: str
    counterexample: Counterexample | None = None
    details: tuple[str, ...] = ()
    sizes: tuple = ()  # a proof at sizes: the sizes (dicts) it holds at


@dataclass
class Job:
    """One claim being decided: its context, size grid, randomness and instance cache."""

    ctx: Context
    claim: Claim
    deadline: Deadline
    grid: list
    sizes: tuple
    cache: dict = field(default_factory=dict)
    notes: list = field(default_factory=list)
    tried: list = field(default_factory=list)  # the strategies that ran and proved nothing
    within: tuple = ()  # the symbols whose declared half-line domain the proof assumed

    def instance(self, sizes: dict):
        key = sizes_key(sizes)
        if key not in self.cache:
            self.cache[key] = compile_instance(
                instance(self.ctx, self.claim.lhs, self.claim.rhs, sizes), self.claim.relation
            )
        return self.cache[key]

    def rng(self, purpose: str):
        return rng_for(self.ctx.doc.name, self.claim.id, purpose)


def sizes_key(sizes: dict) -> tuple:
    return tuple(sorted((str(k), v) for k, v in sizes.items()))
