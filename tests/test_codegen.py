"""Generation: deterministic bytes, math from the document, atomic writes, a fresh golden."""

import dataclasses
import os
import subprocess
import sys

import pytest
import sympy
from click.testing import CliRunner

from cli import main
from derive.documents import BUNDLED
from derive.kernels import codegen

ROOT = os.path.join(os.path.dirname(__file__), "..")
GENERATED = os.path.join(ROOT, "generated")


KERNEL_DOCUMENTS = ("selective_ssm", "ggnn_readout", "nn_library", "soft_logic", "gatv2")


def test_generated_directory_is_fresh(load_document):
    files = codegen.render_files([load_document(n) for n in BUNDLED], everything=True)
    assert codegen.stale(files, GENERATED, prune=True) == []


def test_every_document_with_kernels_is_lowered(load_document):
    assert tuple(n for n in BUNDLED if codegen.has_kernels(load_document(n))) == KERNEL_DOCUMENTS


def test_generation_is_identical_under_two_hash_seeds(tmp_path):
    outputs = []
    for seed in ("1", "2"):
        out = tmp_path / seed
        env = {**os.environ, "PYTHONHASHSEED": seed}
        subprocess.run(
            [
                sys.executable,
                "-c",
                "from cli import main; main()",
                "-q",
                "generate",
                "--out",
                str(out),
            ],
            check=True,
            cwd=ROOT,
            env=env,
        )
        outputs.append({p.name: p.read_bytes() for p in sorted(out.iterdir())})
    assert outputs[0] == outputs[1] and outputs[0]


@pytest.mark.parametrize("document", KERNEL_DOCUMENTS)
def test_files_have_the_header_compile_and_end_with_one_newline(load_document, document):
    for name, text in codegen.render(load_document(document)).items():
        header = f"# GENERATED from derive/documents/{document}.py by `derive generate`."
        assert text.startswith(header + " Do not edit.\n")
        assert text.endswith("\n") and not text.endswith("\n\n")
        compile(text, name, "exec")


@pytest.mark.parametrize("document", KERNEL_DOCUMENTS)
def test_generated_code_passes_the_linter(tmp_path, load_document, document):
    ruff = pytest.importorskip("ruff", reason="ruff is part of the test extra")
    del ruff
    for name, text in codegen.render(load_document(document)).items():
        (tmp_path / name).write_text(text)
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "ruff",
            "check",
            "--no-cache",
            "--isolated",
            "--select",
            "E,F,W",
            "--line-length",
            "100",
            str(tmp_path),
        ],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout


def _with_definition(doc, name, transform):
    definitions = tuple(
        dataclasses.replace(d, body=transform(d.body)) if d.name == name else d
        for d in doc.definitions
    )
    return dataclasses.replace(doc, definitions=definitions)


@pytest.mark.parametrize("name", ["selective_ssm", "gatv2"])
def test_the_torch_wrappers_come_from_the_kind_records_and_lint_clean(
    name, tmp_path, load_document
):
    wrappers = {n: codegen.render_torch(load_document(n)) for n in KERNEL_DOCUMENTS}
    assert {n: list(f) for n, f in wrappers.items() if f} == {
        "selective_ssm": ["torch_selective_ssm.py"],
        "gatv2": ["torch_gatv2.py"],
    }
    (text,) = wrappers[name].values()
    header = f"# GENERATED from derive/documents/{name}.py by `derive generate`."
    assert text.startswith(header + " Do not edit.\n") and text.endswith("\n")
    (tmp_path / f"torch_{name}.py").write_text(text)
    command = [sys.executable, "-m", "ruff", "check", "--no-cache", "--isolated"]
    command += ["--select", "E,F,W,I", "--line-length", "100", str(tmp_path)]
    result = subprocess.run(command, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout


def test_changing_an_equation_changes_the_code_not_the_template(load_document):
    doc = load_document("selective_ssm")
    before = codegen.render(doc)
    doubled = _with_definition(
        doc, "Ā", lambda body: body.replace(sympy.exp, lambda a: sympy.exp(2 * a))
    )
    after = codegen.render(doubled)
    doubled_line = {  # Numba code types its constants (see printing.py)
        "selective_ssm.py": "z_n = 2*A_n*Delta",
        "selective_ssm_numba.py": "z_n = numpy.float32(2)*A_n*Delta",
    }
    for name in before:
        assert before[name] != after[name]
        assert doubled_line[name] in after[name] and doubled_line[name] not in before[name]


def test_a_failing_render_writes_nothing(tmp_path, load_document, monkeypatch):
    doc = load_document("selective_ssm")
    files = codegen.render_files([doc], everything=True)
    codegen.write(files, str(tmp_path), prune=True)
    snapshot = {p.name: p.read_text() for p in tmp_path.iterdir()}

    def broken(document):
        raise RuntimeError("render failed half way")

    monkeypatch.setattr(codegen, "render", broken)
    with pytest.raises(RuntimeError):
        codegen.render_files([doc], everything=True)
    assert {p.name: p.read_text() for p in tmp_path.iterdir()} == snapshot


def test_an_interrupted_write_leaves_no_partial_files(tmp_path, load_document, monkeypatch):
    files = codegen.render_files([load_document("selective_ssm")], everything=True)

    def interrupted(staged, removed):
        raise KeyboardInterrupt

    monkeypatch.setattr(codegen, "_swap", interrupted)
    with pytest.raises(KeyboardInterrupt):
        codegen.write(files, str(tmp_path), prune=True)
    assert list(tmp_path.iterdir()) == []


def test_generate_check_lists_stale_files(tmp_path):
    runner = CliRunner()
    assert runner.invoke(main, ["generate", "--out", str(tmp_path)]).exit_code == 0
    assert runner.invoke(main, ["generate", "--check", "--out", str(tmp_path)]).exit_code == 0
    (tmp_path / "selective_ssm.py").write_text("# edited by hand\n")
    result = runner.invoke(main, ["generate", "--check", "--out", str(tmp_path)])
    assert (
        result.exit_code == 1 and "stale:" in result.stdout and "selective_ssm.py" in result.stdout
    )


def test_unknown_definition_in_a_lowering_is_named(load_document):
    from derive.kernels.lowering import definition

    with pytest.raises(KeyError, match="has no definition 'nope'"):
        definition(load_document("selective_ssm"), "nope")
