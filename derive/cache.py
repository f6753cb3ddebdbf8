"""Decided claims, kept by content so that an unchanged claim is not decided twice.

A claim's key is a SHA-256 over everything its verdict can depend on:

- the engine: the source of every module of the `derive` package except the bundled
  documents, and the versions of Python, SymPy, mpmath and NumPy;
- the decision options (the claim timeout);
- the document's name and the claim's id (they seed the random points);
- the claim itself, every field but its location (a line moved is not a claim changed);
- every definition the claim reaches, directly or through other definitions;
- the document's declarations: inputs, sizes, index ranges and domains (they are the
  context of every claim, so editing one re-decides the whole document);
- nothing of the user's code: a claim that uses a class of the document's own (a Function
  subclass with its fdiff, say, or one SymPy's UndefinedFunction built with methods) is never
  cached, since what its methods compute may depend on any module, file, environment
  variable or clock (keying the files that define it, and then every user module loaded,
  still replayed false proofs).

So a change to one claim or one definition re-decides exactly the claims that depend on it.
A verdict is stored only when it is reproducible: a timeout depends on the machine's load and
an error on the run, so neither is kept. A replayed verdict carries its evidence as decided and
is marked `cached`; its location is the claim's current one.

The store is a directory of JSON files, one per key, each written to a temporary file and
renamed into place, so concurrent runs never read half a record; a record that cannot be read
is a miss.
"""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import json
import os
import re
import sys
import tempfile
from pathlib import Path

import mpmath
import numpy
import sympy

from derive.model import DEFINITION_KEY, Counterexample, Document, Status, Verdict

FORMAT = 1  # the record layout; a new layout makes every old record a miss
DEFAULT_DIRECTORY = ".derive-cache"
_PACKAGE = Path(__file__).resolve().parent
_DUMMY = re.compile(r"Dummy\('([^']*)'([^()]*?), dummy_index=\d+\)")


@functools.cache
def engine_version() -> str:
    """A digest of the engine's source and the libraries it computes with."""
    digest = hashlib.sha256()
    versions = (FORMAT, sys.version, sympy.__version__, mpmath.__version__, numpy.__version__)
    digest.update(repr(versions).encode())
    for path in sorted(_PACKAGE.rglob("*.py")):
        if "documents" in path.relative_to(_PACKAGE).parts:
            continue  # documents are inputs: their claims and definitions are in each key
        digest.update(str(path.relative_to(_PACKAGE)).encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


class Keys:
    """The cache keys of one document's claims under one decision option (the timeout)."""

    def __init__(self, doc: Document, timeout: float):
        self.head = [engine_version(), repr(float(timeout)), doc.name, repr(doc.doubts)]
        self.declarations = _text(doc.inputs, doc.sizes, doc.indices, doc.domains)
        self.definitions = {d.func.__name__: _definition_text(d) for d in doc.definitions}
        self.bodies = {d.func.__name__: (d.body, d.initial) for d in doc.definitions}
        self.classes = _foreign(doc.inputs, doc.domains)

    def of(self, item) -> str | None:
        """The key of `item`, a claim or gradient of the document:

        >>> from derive.declare import claim, define, document
        >>> from derive.model import Source
        >>> x = sympy.Symbol("x", real=True)
        >>> f, g = define("f", (), x + 1), define("g", (), x - 1)
        >>> c, d = claim("c", "§1", "f = f", f(), f()), claim("d", "§1", "g = g", g(), g())
        >>> def doc(*definitions):
        ...     return document("D", "D", Source("D", "s"), inputs=(x,),
        ...                     definitions=definitions, claims=(c, d))
        >>> before, after = doc(f, g), doc(f, define("g", (), x - 2))
        >>> [Keys(before, 30).of(i) == Keys(after, 30).of(i) for i in (c, d)]  # d reaches g
        [True, False]
        """
        text = _item_text(item)
        names = sorted(self._reached(text))
        values = [getattr(item, f.name) for f in dataclasses.fields(item)]
        if self.classes or _foreign(*values, *(self.bodies[name] for name in names)):
            return None  # behaviour the key cannot see: never replayed, never kept
        reached = [self.definitions[name] for name in names]
        parts = [*self.head, text, *reached, self.declarations]
        return hashlib.sha256("\x00".join(parts).encode()).hexdigest()

    def _reached(self, text: str) -> set[str]:
        """The definitions named in `text`, directly or through other definitions. A name is
        found in the printed form (SymPy's srepr), so a definition held unapplied inside
        notation is found too: the set can only be larger than what the engine unfolds."""
        found, pending = set(), [text]
        while pending:
            for name in _called(pending.pop(), self.definitions):
                if name not in found:
                    found.add(name)
                    pending.append(self.definitions[name])
        return found


def _foreign(*values) -> frozenset[type]:
    """The classes of the nodes in `values` that are not SymPy's, mpmath's or the engine's
    own: a document's Function subclass (with its fdiff, eval, assumptions), whose behaviour
    no printed form shows."""
    found = set()
    for value in values:
        if isinstance(value, (tuple, list)):
            found |= _foreign(*value)
        elif isinstance(value, sympy.Basic):
            found |= {type(node) for node in sympy.preorder_traversal(value)}
    return frozenset(cls for cls in found if not _genuine(cls))


# What a plain undefined function (sympy.Function("f", real=True)) holds: its name and
# assumptions, and SymPy's helpers; anything else (fdiff=lambda ...) is behaviour of its own.
_UNDEFINED = frozenset(vars(sympy.Function("_probe", real=True))) | {"__qualname__"}


def _genuine(cls) -> bool:
    """Whether `cls` is SymPy's, mpmath's or the engine's (covered by the engine's digest and
    the library versions): found under its own name in such a module, not merely claiming
    its name in __module__; or a plain undefined function with nothing but assumptions."""
    if cls.__module__ == "builtins":
        return True
    if issubclass(cls, sympy.core.function.AppliedUndef):
        extra = set(vars(cls)) - _UNDEFINED - {DEFINITION_KEY}
        return all(key.startswith("is_") and vars(cls)[key] in (True, False) for key in extra)
    module = sys.modules.get(cls.__module__ or "")
    if module is None or not _engine(cls.__module__):
        return False
    found = module
    for part in cls.__qualname__.split("."):
        found = getattr(found, part, None)
    return found is cls


def _engine(module: str) -> bool:
    """Whether `module` is SymPy's, mpmath's or the engine's (not a document)."""
    if module.split(".")[0] in ("sympy", "mpmath"):
        return True
    return module.startswith("derive.") and not module.startswith("derive.documents")


def _called(text: str, names) -> list[str]:
    return [n for n in names if re.search(rf"Function\({re.escape(repr(n))}[,)]", text)]


def _item_text(item) -> str:
    kind = type(item).__name__
    fields = [getattr(item, f.name) for f in dataclasses.fields(item) if f.name != "location"]
    return f"{kind}:{_text(*fields)}"


def _definition_text(d) -> str:
    return _text(d.name, d.params, d.body, d.start, d.initial, d.latex)


def _text(*values) -> str:
    """A canonical text of SymPy values: srepr (with assumptions) and the printed form (for
    what a class prints but does not hold in its arguments), dummies numbered by appearance."""
    out = []
    for value in values:
        if isinstance(value, Status):
            out.append(value.value)
        elif isinstance(value, (sympy.Basic, tuple, list)):
            out.append(sympy.srepr(value) + "|" + sympy.sstr(value))
        else:
            out.append(repr(value))
    return _numbered_dummies("\x01".join(out))


def _numbered_dummies(text: str) -> str:
    numbers: dict[str, int] = {}

    def number(match):
        key = match.group(0)
        numbers.setdefault(key, len(numbers))
        return f"Dummy('{match.group(1)}'{match.group(2)}, n={numbers[key]})"

    return _DUMMY.sub(number, text)


def storable(verdict: Verdict) -> bool:
    """Whether a verdict is the same on every run: not a timeout, not an error."""
    return not (verdict.error or verdict.internal or verdict.method == "timeout")


def to_record(key: str, verdict: Verdict) -> dict:
    body = dataclasses.asdict(verdict)
    body["status"], body["expected"] = verdict.status.value, verdict.expected.value
    return {"format": FORMAT, "key": key, "verdict": body}


def from_record(record: dict, key: str, item) -> Verdict | None:
    """The verdict in `record`, replayed for `item`; None if the record is not for `key` or
    does not hold a whole verdict (a record edited or damaged by hand is a miss)."""
    if record.get("format") != FORMAT or record.get("key") != key:
        return None
    try:
        return _verdict(record["verdict"], item)
    except (AttributeError, KeyError, TypeError, ValueError):
        return None


def _verdict(body: dict, item) -> Verdict:
    body = dict(body)
    body["status"], body["expected"] = Status(body["status"]), Status(body["expected"])
    found = body.get("counterexample")
    if found is not None:
        body["counterexample"] = Counterexample(
            **{k: _tuples(v) if k in ("sizes", "point") else v for k, v in found.items()}
        )
    for name in ("details", "latex", "mathml"):
        body[name] = _tuples(body[name])
    body.update(location=item.location, cached=True)
    return Verdict(**body)


def _tuples(value):
    return tuple(_tuples(v) for v in value) if isinstance(value, list) else value


class Store:
    """The cache directory: `get` and `put` records by key; safe under concurrent runs."""

    def __init__(self, directory: str | os.PathLike = DEFAULT_DIRECTORY):
        self.directory = Path(directory)

    def _path(self, key: str) -> Path:
        return self.directory / key[:2] / f"{key}.json"

    def get(self, key: str) -> dict | None:
        try:
            with open(self._path(key), encoding="utf-8") as handle:
                record = json.load(handle)
        except (OSError, ValueError):
            return None
        return record if isinstance(record, dict) else None

    def put(self, key: str, record: dict) -> None:
        """Write one record atomically; a cache that cannot be written is skipped silently
        (the verdict stands, it is only not kept)."""
        target = self._path(key)
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            handle, staged = tempfile.mkstemp(dir=target.parent, suffix=".tmp")
            try:
                with os.fdopen(handle, "w", encoding="utf-8") as out:
                    json.dump(record, out, ensure_ascii=False)
                os.replace(staged, target)
            finally:
                if os.path.exists(staged):
                    os.unlink(staged)
        except OSError:
            pass
