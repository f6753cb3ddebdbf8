"""The cache of decided claims: it replays exactly what deciding gives, re-decides exactly what
changed, keeps nothing that depends on the run, and survives concurrent runs."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap

import pytest
from click.testing import CliRunner

from cli import main
from derive import cache
from derive.cache import Keys, Store
from derive.documents import load
from derive.verify import verify

DOCUMENT = """
from sympy import Derivative, IndexedBase, Sum, exp, log, symbols

from derive.declare import claim, define, document
from derive.model import NUMERIC, REFUTED, Source

n = symbols("n", integer=True, positive=True)
i = symbols("i", integer=True)
x, y = symbols("x y", real=True)
a = IndexedBase("a", real=True)
s = define("s", (), Sum(a[i], (i, 1, n)))
q = define("q", (), x * y {q_tail})

DOCUMENT = document(
    "cached",
    "Claims for the cache",
    Source("notes", "notes.md"),
    inputs=(x, y, a),
    definitions=(s, q),
    sizes={{n: (1, 2, 3)}},
    claims=(
        claim("square", "1", "(x+1)^2", (x + 1) ** 2, x**2 + 2 * x + 1),
        claim("sum", "1", "s = sum of a_i", s(), {sum_rhs}),
        claim("wrong", "1", "d q / d x = x", Derivative(q(), x), x, expect=REFUTED),
        claim(
            "softplus", "2", "log(1+e^x) <= 1 + |x|", log(1 + exp(x)), 1 + abs(x),
            relation="<=", expect=NUMERIC,
        ),
    ),
)
"""


def _write(tmp_path, name="doc.py", q_tail="", sum_rhs="Sum(a[i], (i, 1, n))"):
    path = tmp_path / name
    path.write_text(DOCUMENT.format(q_tail=q_tail, sum_rhs=sum_rhs))
    return str(path)


def _plain(verdicts):
    """Verdicts as the JSON report's claims, without what the cache may change."""
    return [
        {k: v for k, v in vars(verdict).items() if k not in ("seconds", "cached")}
        for verdict in verdicts
    ]


def test_a_cached_verdict_is_the_decided_one_marked_cached(tmp_path):
    doc = load(_write(tmp_path))
    store = Store(tmp_path / "cache")
    decided = verify(doc, cache=store)
    replayed = verify(doc, cache=store)
    assert not any(v.cached for v in decided) and all(v.cached for v in replayed)
    assert _plain(decided) == _plain(replayed)
    assert _plain(verify(doc)) == _plain(decided)  # without a cache: the same again
    wrong = next(v for v in replayed if v.claim == "wrong")
    assert wrong.counterexample is not None and wrong.latex and wrong.mathml


def test_a_change_re_decides_exactly_what_depends_on_it(tmp_path):
    before = load(_write(tmp_path, "a.py"))
    edited_claim = load(_write(tmp_path, "b.py", sum_rhs="a[1] + Sum(a[i], (i, 2, n))"))
    edited_definition = load(_write(tmp_path, "c.py", q_tail="+ y"))
    keys = {doc: Keys(doc, 30.0) for doc in (before, edited_claim, edited_definition)}

    def changed(doc):
        return [
            c.id for c, d in zip(before.claims, doc.claims) if keys[before].of(c) != keys[doc].of(d)
        ]

    assert changed(edited_claim) == ["sum"]
    assert changed(edited_definition) == ["wrong"]  # the one claim that reaches q


def test_a_moved_claim_keeps_its_key_and_gets_its_new_location(tmp_path):
    doc = load(_write(tmp_path))
    moved = load(_write(tmp_path, "moved.py"))
    store = Store(tmp_path / "cache")
    verify(doc, ["square"], cache=store)
    (replayed,) = verify(moved, ["square"], cache=store)
    assert replayed.cached and replayed.location.startswith(str(tmp_path / "moved.py"))


def test_keys_depend_on_the_timeout_and_are_the_same_in_every_process(tmp_path):
    path = _write(tmp_path)
    doc = load(path)
    assert Keys(doc, 30.0).of(doc.claims[0]) != Keys(doc, 60.0).of(doc.claims[0])
    program = textwrap.dedent(
        f"""
        from derive.cache import Keys
        from derive.documents import load
        doc = load({path!r})
        print([Keys(doc, 30.0).of(c) for c in doc.claims])
        """
    )
    runs = [
        subprocess.run([sys.executable, "-c", program], capture_output=True, text=True, check=True)
        for _ in range(2)
    ]
    assert runs[0].stdout == runs[1].stdout == f"{[Keys(doc, 30.0).of(c) for c in doc.claims]}\n"


def test_timeouts_and_errors_are_not_kept():
    verdict = verify(load("ggnn_readout"), ["question.on-product"])[0]
    assert cache.storable(verdict)
    for change in ({"method": "timeout"}, {"error": "input error"}, {"internal": True}):
        assert not cache.storable(type(verdict)(**{**vars(verdict), **change}))


def test_a_record_that_cannot_be_read_or_is_for_another_key_is_a_miss(tmp_path):
    doc = load(_write(tmp_path))
    store = Store(tmp_path / "cache")
    verify(doc, ["square"], cache=store)
    key = Keys(doc, 30.0).of(doc.claims[0])
    record = store.get(key)
    assert cache.from_record(record, key, doc.claims[0]).cached
    assert cache.from_record(record, "0" * 64, doc.claims[0]) is None
    assert cache.from_record({**record, "format": -1}, key, doc.claims[0]) is None
    damaged = [
        {**record, "verdict": {**record["verdict"], "status": "PROVEN"}},
        {**record, "verdict": {k: v for k, v in record["verdict"].items() if k != "claim"}},
        {**record, "verdict": {**record["verdict"], "unknown_field": 1}},
        {**record, "verdict": None},
    ]
    assert [cache.from_record(r, key, doc.claims[0]) for r in damaged] == [None] * 4
    store._path(key).write_text('{"format": 1, "key": ')  # half a record
    assert store.get(key) is None
    assert not verify(doc, ["square"], cache=store)[0].cached  # decided again, and kept
    assert verify(doc, ["square"], cache=store)[0].cached


def test_an_unwritable_cache_is_skipped(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("")
    doc = load(_write(tmp_path))
    verdicts = verify(doc, ["square"], cache=Store(blocker / "cache"))
    assert verdicts[0].status.value == "PROVED"


def test_concurrent_runs_share_one_cache(tmp_path):
    path = _write(tmp_path)
    directory = tmp_path / "cache"
    command = [sys.executable, "-m", "cli", "verify", path, "--format", "json", "-q"]
    command += ["--jobs", "1", "--cache-dir", str(directory)]
    runs = [subprocess.Popen(command, stdout=subprocess.PIPE, text=True) for _ in range(3)]
    outputs = [json.loads(run.communicate()[0]) for run in runs]
    assert [run.returncode for run in runs] == [0, 0, 0]
    claims = [[_without_times(c) for c in out["documents"][0]["claims"]] for out in outputs]
    assert claims[0] == claims[1] == claims[2]
    assert not list(directory.rglob("*.tmp"))  # no half-written record left behind
    assert len(list(directory.rglob("*.json"))) == 4


def _without_times(claim: dict) -> dict:
    return {k: v for k, v in claim.items() if k not in ("seconds", "cached")}


@pytest.mark.parametrize("fmt", ["json", "text"])
def test_the_cli_replays_marks_and_bypasses(tmp_path, fmt):
    path = _write(tmp_path)
    directory = tmp_path / "cache"
    runner = CliRunner()
    base = ["verify", path, "--jobs", "1", "--cache-dir", str(directory), "--format", fmt]
    first, second = (runner.invoke(main, base) for _ in range(2))
    assert first.exit_code == second.exit_code == 0
    if fmt == "json":
        claims = [json.loads(r.output)["documents"][0]["claims"] for r in (first, second)]
        assert [c["cached"] for c in claims[0]] == [False] * 4
        assert [c["cached"] for c in claims[1]] == [True] * 4
        assert [_without_times(c) for c in claims[0]] == [_without_times(c) for c in claims[1]]
    else:
        assert "4 from the cache" in second.output and "cached" in second.output
        assert "from the cache" not in first.output
    fresh = tmp_path / "fresh"
    bypass = runner.invoke(main, [*base[:-4], "--no-cache", "--cache-dir", str(fresh)])
    assert bypass.exit_code == 0 and "from the cache" not in bypass.output
    assert not fresh.exists()


def test_the_engine_version_covers_the_engine_but_not_the_documents(tmp_path, monkeypatch):
    package = tmp_path / "derive"
    (package / "documents").mkdir(parents=True)
    (package / "engine.py").write_text("A = 1\n")
    (package / "documents" / "doc.py").write_text("B = 1\n")
    monkeypatch.setattr(cache, "_PACKAGE", package)

    def version():
        cache.engine_version.cache_clear()
        return cache.engine_version()

    try:
        first = version()
        (package / "documents" / "doc.py").write_text("B = 2\n")
        assert version() == first
        (package / "engine.py").write_text("A = 2\n")
        assert version() != first
    finally:
        cache.engine_version.cache_clear()


def test_html_and_junit_mark_a_replayed_verdict(tmp_path):
    from derive.report import FORMATS
    from derive.verify import verify_document

    doc = load(_write(tmp_path))
    store = Store(tmp_path / "cache")
    verify_document(doc, ["square"], cache=store)
    run = verify_document(doc, ["square"], cache=store)
    assert "cached (decided in" in FORMATS["html"]([run], [], {})
    assert '<property name="cached" value="true"' in FORMATS["junit"]([run], [], {})


CUSTOM = """
from sympy import Derivative, Function, cos, sin, symbols

from derive import PROVED, Source, claim, document

x = symbols("x", real=True)


class wave(Function):
    def fdiff(self, argindex=1):
        return {derivative}(self.args[0])

    def _eval_evalf(self, prec):
        return sin(self.args[0])._eval_evalf(prec)


DOCUMENT = document(
    "custom", "A primitive of the document's own", Source("notes", "notes.md"),
    inputs=(x,), definitions=(),
    claims=(claim("d", "1", "wave' = cos", Derivative(wave(x), x), cos(x), expect=PROVED),),
)
"""


def test_a_claim_using_a_class_of_the_documents_own_is_never_cached(tmp_path):
    """What a document's own Function subclass computes (its fdiff) may depend on any module,
    file, environment variable or clock: a replayed PROVED for the old derivative would be a
    false proof, so such a claim is decided every time."""
    right, wrong = tmp_path / "right.py", tmp_path / "wrong.py"
    right.write_text(CUSTOM.format(derivative="cos"))
    wrong.write_text(CUSTOM.format(derivative="sin"))
    store = Store(tmp_path / "cache")
    (first,) = verify(load(str(right)), cache=store)
    (again,) = verify(load(str(right)), cache=store)
    (edited,) = verify(load(str(wrong)), cache=store)
    assert first.status.value == "PROVED" and not again.cached
    assert not edited.cached and edited.status.value != "PROVED"
    assert not list((tmp_path / "cache").rglob("*.json"))


def test_a_class_whose_source_cannot_be_read_is_never_cached(tmp_path):
    path = tmp_path / "gone.py"
    path.write_text(CUSTOM.format(derivative="cos"))
    doc = load(str(path))
    path.unlink()
    store = Store(tmp_path / "cache")
    assert Keys(doc, 30.0).of(doc.claims[0]) is None
    verify(doc, cache=store)
    assert not verify(doc, cache=store)[0].cached
    assert not list((tmp_path / "cache").rglob("*.json"))


HELPER = """
from sympy import Function, sin
import {consts}


class wave(Function):
    def fdiff(self, argindex=1):
        return {consts}.deriv(self.args[0])

    def _eval_evalf(self, prec):
        return sin(self.args[0])._eval_evalf(prec)
"""

HELPED = """
from sympy import Derivative, cos, symbols

from derive import Source, claim, document
from {helper} import wave

x = symbols("x", real=True)
DOCUMENT = document(
    "helped", "A primitive from a helper module", Source("notes", "notes.md"),
    inputs=(x,), definitions=(),
    claims=(claim("d", "1", "wave' = cos", Derivative(wave(x), x), cos(x)),),
)
"""


def _helped(tmp_path, monkeypatch, derivative: str, lazy: bool = False):
    """The document of HELPED, its class's fdiff calling consts.deriv in a module next to
    it, freshly imported (or imported when fdiff runs, with `lazy`)."""
    helper, consts = ("lazy_helper", "lazy_consts") if lazy else ("helper_mod", "consts_mod")
    module = f"from sympy import {derivative}\nderiv = {derivative}\n"
    (tmp_path / f"{consts}.py").write_text(module)
    text = HELPER.format(consts=consts)
    if lazy:
        text = text.replace(f"import {consts}\n", "").replace(
            "        return", f"        import {consts}\n\n        return"
        )
    (tmp_path / f"{helper}.py").write_text(text)
    (tmp_path / "helped.py").write_text(HELPED.format(helper=helper))
    monkeypatch.syspath_prepend(str(tmp_path))
    for name in (helper, consts):
        monkeypatch.delitem(sys.modules, name, raising=False)
    return load(str(tmp_path / "helped.py"))


@pytest.mark.parametrize(
    "header, fdiff",
    [
        ("import os\nK = int(os.environ.get('K', '1'))\n", "K * cos(x)"),
        ("", "__import__('math') and cos(x)"),
        ("", "helper_function(x)"),
    ],
)
def test_no_class_of_the_users_is_cached_however_it_is_built(tmp_path, header, fdiff):
    """Sixteenth adversarial round: keying the files of a class's methods (and then every
    user module loaded) still replayed false proofs: a helper that imports a module when
    called, __import__ in fdiff, an environment variable read at import, a class declaring
    __module__ = "sympy...", and one built by UndefinedFunction with fdiff=lambda."""
    documents = [
        CUSTOM.replace(
            "class wave", header + "def helper_function(x):\n    return cos(x)\n\n\nclass wave"
        ).replace("return {derivative}(self.args[0])", f"x = self.args[0]\n        return {fdiff}"),
        CUSTOM.format(derivative="cos").replace(
            "class wave(Function):\n", "class wave(Function):\n    __module__ = 'sympy.custom'\n"
        ),
        CUSTOM.format(derivative="cos").replace(
            "class wave(Function):",
            "from sympy.core.function import UndefinedFunction\n"
            "wave = UndefinedFunction('wave', bases=(Function,), fdiff=lambda self, i=1: "
            "cos(self.args[0]), _eval_evalf=lambda self, p: sin(self.args[0])._eval_evalf(p))\n"
            "class unused(Function):",
        ),
    ]
    for k, text in enumerate(documents):
        path = tmp_path / f"own{k}.py"
        path.write_text(text)
        doc = load(str(path))
        assert Keys(doc, 30.0).of(doc.claims[0]) is None, text
