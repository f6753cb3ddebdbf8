"""Generating kernel modules: lower, print every block, render the templates, write atomically.

Rendering is pure: `render` returns file names and contents. `write` replaces only changed
files, each through a temporary file and `os.replace`, after every module rendered, with
interrupts held off while files are swapped, so `generated/` is never half-written or mixed.
"""

from __future__ import annotations

import errno
import os
import signal
import stat
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

import jinja2
import sympy

import derive.kernels.lowerings  # noqa: F401 - registers the lowerings
from derive.kernels.kinds import kind, kinds
from derive.kernels.lowering import LOWERINGS, KernelSpec, kernel_specs
from derive.kernels.printing import print_block
from derive.kernels.vexp import log1p_unit_blocks, vexp_blocks
from derive.model import Document

LINE_WIDTH = 99
PACKAGE = "derive_kernels"


def template_dirs() -> list[str]:
    """Where templates live: inside the installed package, or at the repository root."""
    package = Path(__file__).resolve().parents[1]  # derive/
    return [str(p) for p in (package / "templates", package.parent / "templates") if p.is_dir()]


def wrap(line: str, indent: int, width: int = LINE_WIDTH) -> list[str]:
    """Wrap `name = expression` inside parentheses at spaces between tokens."""
    if indent + len(line) <= width or " = " not in line:
        return [" " * indent + line]
    target, expression = line.split(" = ", 1)
    lines, current = [f"{' ' * indent}{target} = ("], " " * (indent + 4)
    for word in expression.split(" "):
        if len(current) + len(word) + 1 > width and current.strip():
            lines.append(current.rstrip())
            current = " " * (indent + 4)
        current += word + " "
    lines.append(current.rstrip())
    lines.append(" " * indent + ")")
    return lines


def _block(lines, indent: int) -> str:
    return "\n".join(part for line in lines for part in wrap(line, indent))


def environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(template_dirs()),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        autoescape=False,
    )
    env.filters["block"] = _block
    return env


@dataclass(frozen=True)
class PrintedKernel:
    """A kernel spec with each of its blocks printed for one target, and each block's inputs
    (the variables a template must load before the block runs)."""

    spec: KernelSpec
    code: dict
    inputs: dict

    def needs(self, blocks, name: str) -> bool:
        return any(name in self.inputs[block] for block in blocks)


def _printed(specs, numba: bool) -> tuple[list[PrintedKernel], list[list[str]], set[str]]:
    kernels, imports = [], {"numpy"} | ({"numba"} if numba else set())
    helpers: set[str] = set()
    for spec in specs:
        if numba and kind(spec.kind).threaded:
            imports.add("concurrent.futures")
        if numba and kind(spec.kind).gathers:
            imports |= {"llvmlite.ir", "numba.extending"}
            imports |= {"numba.core.cgutils", "numba.core.compiler"}
        if numba and kind(spec.kind).dense:
            imports |= {"contextlib", "ctypes", "pathlib", "threading"}
        if numba and kind(spec.kind).workspace:
            imports |= {"math", "os", "sys", "threading"}
        code, inputs = {}, {}
        for block in spec.blocks:
            printed = print_block(block.outputs, scalar=numba, single=block.single)
            code[block.name] = printed.lines
            inputs[block.name] = _inputs(block)
            imports |= set(printed.imports)
            helpers |= set(printed.helpers)
        kernels.append(PrintedKernel(spec, code, inputs))
    return kernels, _import_groups(imports), helpers


def _import_groups(imports) -> list[list[str]]:
    """The standard library's modules, then the others, each group sorted (as isort keeps
    them); empty groups left out."""
    stdlib = sorted(name for name in imports if name.split(".")[0] in sys.stdlib_module_names)
    return [group for group in (stdlib, sorted(set(imports) - set(stdlib))) if group]


def _inputs(block) -> frozenset:
    used = set().union(*(sympy.sympify(e).free_symbols for _, e in block.outputs))
    return frozenset(str(s) for s in used) - {name for name, _ in block.outputs}


def _vexp_code() -> dict:
    """The vectorisable exp and log1p of Numba modules (see vexp), printed once per module."""
    return {
        b.name: print_block(b.outputs, scalar=True, single=b.single).lines
        for b in (*vexp_blocks(), *log1p_unit_blocks())
    }


def _tidy(text: str) -> str:
    """Trailing spaces off; at most two blank lines in a row; none inside a function body
    (a macro that loads nothing leaves one), so bodies read as one block, except the one
    before a method of a class."""
    lines = [line.rstrip() for line in text.splitlines()]
    tidy, blanks = [], 0
    for position, line in enumerate(lines):
        following = next((n for n in lines[position + 1 :] if n), "")
        inside = following.startswith(" ") and tidy and tidy[-1].startswith(" ")
        inside = inside and not following.startswith(("    def ", "    @"))
        blanks = blanks + 1 if not line else 0
        if blanks <= 2 and not (not line and inside):
            tidy.append(line)
    return "\n".join(tidy).strip("\n") + "\n"


def render(doc: Document) -> dict[str, str]:
    """The generated modules of `doc`: {file name: content}, NumPy and Numba."""
    module = kernel_specs(doc)
    template = environment().get_template("module.py.j2")
    files = {}
    for numba in (False, True):
        kernels, imports, helpers = _printed(module.kernels, numba)
        threaded = numba and any(kind(spec.kind).threaded for spec in module.kernels)
        gathers = numba and any(kind(spec.kind).gathers for spec in module.kernels)
        dense = numba and any(kind(spec.kind).dense for spec in module.kernels)
        workspace = numba and any(kind(spec.kind).workspace for spec in module.kernels)
        text = template.render(
            module=module,
            kernels=kernels,
            numba=numba,
            imports=imports,
            vexp=_vexp_code(),
            helpers=helpers,
            threaded=threaded,
            gathers=gathers,
            dense=dense,
            workspace=workspace,
            templates={name: record.template for name, record in kinds().items()},
        )
        files[f"{module.document}{'_numba' if numba else ''}.py"] = _tidy(text)
    return files


def render_torch(doc: Document) -> dict[str, str]:
    """The torch wrapper modules of `doc`'s kernels whose kind has one: torch_<kernel>.py,
    the only generated modules that import torch ({file name: content})."""
    module, files = kernel_specs(doc), {}
    for spec in module.kernels:
        template = kind(spec.kind).torch
        if template:
            wrapper = environment().get_template(template)
            text = wrapper.render(module=module, kernels=[spec], kernel=spec, package=PACKAGE)
            files[f"torch_{spec.name}.py"] = _tidy(text)
    return files


def has_kernels(doc: Document) -> bool:
    return doc.name in LOWERINGS


def render_files(docs, *, everything: bool) -> dict[str, str]:
    """The generated files of `docs` that have kernels; with `everything`, also the package
    file, which lists every bundled document with kernels."""
    files = {}
    for doc in docs:
        if has_kernels(doc):
            files.update(render(doc))
            files.update(render_torch(doc))
    if everything:
        init = environment().get_template("package.py.j2")
        names = sorted(d.name for d in docs if has_kernels(d))
        wrappers = sorted(name[: -len(".py")] for name in files if name.startswith("torch_"))
        text = init.render(documents=names, wrappers=wrappers, package=PACKAGE)
        files["__init__.py"] = _tidy(text)
    return files


def stale(files: dict[str, str], directory: str, *, prune: bool) -> list[str]:
    """Files in `directory` that differ from `files` or are missing; with `prune`, also
    generated files that no document produces any more."""
    root = Path(directory)
    differ = [
        name
        for name, text in files.items()
        if not (root / name).is_file() or (root / name).read_text(encoding="utf-8") != text
    ]
    extra = []
    if prune and root.is_dir():
        extra = [p.name for p in root.glob("*.py") if p.name not in files]
    return sorted(differ + extra)


def check_kernels(docs, directory: str) -> list:
    """Run the numeric checks of every generated kernel of `docs` (see kernelcheck)."""
    from derive.kernels.kernelcheck import check_document

    return [
        c for doc in docs if has_kernels(doc) for c in check_document(kernel_specs(doc), directory)
    ]


def write(files: dict[str, str], directory: str, *, prune: bool) -> list[str]:
    """Write the changed files (with `prune`, drop stale extra ones); return what changed."""
    root = Path(directory)
    root.mkdir(parents=True, exist_ok=True)
    changed = stale(files, directory, prune=prune)
    staged = []
    try:
        for name in changed:
            if name in files:
                staged.append((_staged(root / name, files[name]), root / name))
        _swap(staged, [root / n for n in changed if n not in files])
    finally:
        for path, _ in staged:
            if os.path.exists(path):
                os.unlink(path)
    return changed


def _staged(target: Path, text: str) -> str:
    """`text` in a temporary file beside `target`, with the mode `target` has (or a new
    file's: 0666 under the umask), ready to be renamed over it."""
    handle, path = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            out.write(text)
        os.chmod(path, _mode_for(target))
    except BaseException:
        os.unlink(path)
        raise
    return path


def _mode_for(target: Path) -> int:
    try:
        return stat.S_IMODE(target.stat().st_mode)
    except FileNotFoundError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask


def _swap(staged, removed) -> None:
    """Move staged files into place and remove extra ones, with SIGINT held off."""
    blocked = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT, signal.SIGTERM})
    try:
        for path, target in staged:
            os.replace(path, target)
        for target in removed:
            target.unlink(missing_ok=True)  # another run may have pruned it first
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, blocked)


def write_text(path: str, text: str) -> None:
    """Write one file atomically (a temporary file in the same directory, then rename)."""
    target = Path(path)
    existing = next((p for p in (target.parent, *target.parent.parents) if p.exists()), None)
    if existing is not None and not existing.is_dir():  # mkdir would say "File exists"
        raise NotADirectoryError(errno.ENOTDIR, f"{existing} is a file, not a directory")
    target.parent.mkdir(parents=True, exist_ok=True)
    staged = _staged(target, text)
    try:
        os.replace(staged, target)
    finally:
        if os.path.exists(staged):
            os.unlink(staged)
