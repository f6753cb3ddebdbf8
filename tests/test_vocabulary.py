"""One public vocabulary: every name a document imports from a derive module is also
importable from `derive` itself, and `import derive` alone stays light."""

from __future__ import annotations

import ast
import pathlib
import re
import subprocess
import sys

import derive

ROOT = pathlib.Path(__file__).resolve().parent.parent
# Tools a document may use, not vocabulary.
INTERNAL = {"derive.engine.deadline", "derive.documents", "derive.engine.prove", "derive.verify"}


def _imported(source: str) -> set[tuple[str, str]]:
    names = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("derive."):
            if node.module not in INTERNAL:
                names |= {(node.module, alias.name) for alias in node.names}
    return names


def _document_sources() -> list[str]:
    documents = [p.read_text() for p in (ROOT / "derive" / "documents").glob("[!_]*.py")]
    vocabulary_page = (ROOT / "docs" / "vocabulary.md").read_text()
    examples = re.findall(r"```python\n(.*?)```", vocabulary_page, flags=re.S)
    return documents + examples


def test_every_name_a_document_imports_is_in_the_public_vocabulary():
    used = set().union(*map(_imported, _document_sources()))
    assert used, "no document imports found"
    for module, name in sorted(used):
        assert name in derive.__all__, f"{module}.{name} is not exported by derive"
        assert getattr(derive, name) is getattr(__import__(module, fromlist=[name]), name)


def test_a_document_needs_one_import_line(tmp_path):
    path = tmp_path / "one_import.py"
    path.write_text(
        "from sympy import Derivative, symbols\n"
        "from derive import REFUTED, Source, claim, define, document, sigmoid\n"
        "x, w = symbols('x w', real=True)\n"
        "p = define('p', (), sigmoid(w * x))\n"
        "DOCUMENT = document('one', 'One import', Source('notes', 'n.md'), inputs=(x, w),\n"
        "    definitions=(p,), claims=(\n"
        "        claim('d', '1', 'dp/dw', Derivative(p(), w), x * p() * (1 - p())),\n"
        "        claim('e', '1', 'dp/dw wrong', Derivative(p(), w), p(), expect=REFUTED)))\n"
    )
    from derive.documents import load
    from derive.verify import verify

    verdicts = verify(load(str(path)))
    assert [v.matches for v in verdicts] == [True, True]


def test_import_derive_alone_is_light_and_unknown_names_fail():
    program = "import sys, derive; print('sympy' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", program], capture_output=True, text=True)
    assert out.stdout.strip() == "False", out.stderr
    try:
        derive.no_such_name  # noqa: B018
    except AttributeError as problem:
        assert "no_such_name" in str(problem)
    else:
        raise AssertionError("an unknown name resolved")


def _run(program: str) -> str:
    out = subprocess.run([sys.executable, "-c", program], capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    return out.stdout.strip()


def test_sympy_is_corrected_whichever_is_imported_first():
    """SymPy builds Eq(q**2, 2) as False for an irrational q ((√2)² = 2); derive corrects it
    before a document builds anything. With `import derive` first and the first derive name
    taken only after the claims were built (`derive.claim(...)` at the end), SymPy was
    imported uncorrected and such a claim was PROVED in the user's own process."""
    build = "q = sympy.Symbol('q', irrational=True); print(sympy.Eq(q**2, 2))"
    assert _run(f"import derive, sympy; {build}") == "Eq(q**2, 2)"
    assert _run(f"import derive, sympy.core; import sympy; {build}") == "Eq(q**2, 2)"
    assert _run(f"import sympy, derive; {build}") == "Eq(q**2, 2)"
    # A lookup loads nothing: the finder stays until SymPy is imported (helper 103).
    lookup = "import importlib.util, derive; importlib.util.find_spec('sympy'); import sympy"
    assert _run(f"{lookup}; {build}") == "Eq(q**2, 2)"


def test_the_pytest_plugin_leaves_sympy_as_it_is():
    """pytest loads the plugin in every run where derive is installed: a project's own SymPy
    tests see SymPy's answers, not derive's corrections (--derive loads those)."""
    build = "q = sympy.Symbol('q', irrational=True); print(sympy.Eq(q**2, 2))"
    assert _run(f"import derive.pytest_plugin, sympy; {build}") == "False"
