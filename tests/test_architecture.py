"""The package's shape: three pipelines whose imports run one way, notation → engine → kernels.

`derive.model` (the frozen data types every stage passes on) may be imported from anywhere; the
modules at the top (`declare`, `verify`, `report`, `cache`, `documents`, the CLI) may import
anything. Every import is counted, at module level or inside a function.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "derive"
LAYERS = ("notation", "engine", "kernels")
MOVED = ("aggregates", "arrays", "perturb", "primitives", "sequences", "tensors")


def _module(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imports(path: Path) -> set[str]:
    """Every derive module `path` imports, with `from derive.x import y` counted as derive.x.y
    where y is a module (so `from derive.notation import sequences` names sequences)."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            found |= {a.name for a in node.names if a.name.split(".")[0] == "derive"}
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            if node.module.split(".")[0] != "derive":
                continue
            for alias in node.names:
                candidate = f"{node.module}.{alias.name}"
                is_module = any(
                    (PACKAGE.parent / (candidate.replace(".", "/") + suffix)).exists()
                    for suffix in (".py", "/__init__.py")
                )
                found.add(candidate if is_module else node.module)
    return found


def _layer(module: str) -> str:
    parts = module.split(".")
    if len(parts) > 1 and parts[1] in LAYERS:
        return parts[1]
    return "model" if module == "derive.model" else "top"


ALLOWED = {
    "notation": {"model", "notation"},
    "engine": {"model", "notation", "engine"},
    "kernels": {"model", "notation", "engine", "kernels"},
}


def _sources():
    return sorted(PACKAGE.rglob("*.py"))


def test_the_three_pipelines_are_folders():
    for layer in LAYERS:
        assert (PACKAGE / layer / "__init__.py").is_file(), layer


@pytest.mark.parametrize("path", _sources(), ids=lambda p: str(p.relative_to(PACKAGE.parent)))
def test_imports_run_one_way(path):
    layer = _layer(_module(path))
    if layer == "top":
        return
    allowed = ALLOWED.get(layer, {"model"})
    wrong = sorted(m for m in _imports(path) if m != "derive" and _layer(m) not in allowed)
    assert not wrong, f"{_module(path)} ({layer}) imports {wrong}; it may import {sorted(allowed)}"


def test_model_imports_nothing_of_derive():
    assert not _imports(PACKAGE / "model.py")


def test_the_checker_sees_a_wrong_import(tmp_path):
    """The test above can fail: an engine module importing the report is caught."""
    source = tmp_path / "probe.py"
    source.write_text("from derive.report import show\nimport derive.kernels.codegen\n")
    assert {_layer(m) for m in _imports(source)} == {"top", "kernels"}
    assert not {"top", "kernels"} <= ALLOWED["engine"]


@pytest.mark.parametrize("name", MOVED)
def test_old_public_paths_warn_and_are_the_new_module(name):
    import importlib
    import sys

    sys.modules.pop(f"derive.{name}", None)
    with pytest.warns(FutureWarning, match=f"derive.notation.{name}"):
        old = importlib.import_module(f"derive.{name}")
    assert old is importlib.import_module(f"derive.notation.{name}")


def test_every_subpackage_is_installed():
    """pyproject lists packages by name: a folder missing from it is missing from a wheel."""
    import tomllib

    listed = set(
        tomllib.loads((PACKAGE.parent / "pyproject.toml").read_text())["tool"]["setuptools"][
            "packages"
        ]
    )
    folders = {_module(init) for init in PACKAGE.rglob("__init__.py")}
    assert folders - listed == set()
