"""The README's promises hold: CI runs its test command, and its example document verifies."""

import os
import re

from click.testing import CliRunner

from cli import main

ROOT = os.path.join(os.path.dirname(__file__), "..")


def _read(name: str) -> str:
    with open(os.path.join(ROOT, name), encoding="utf-8") as handle:
        return handle.read()


def _quickstart_commands() -> list[str]:
    section = _read("README.md").split("## Quickstart", 1)[1].split("\n## ", 1)[0]
    return re.findall(r"```sh\n(.+?)\n```", section)


def test_quickstart_has_two_commands_and_ci_runs_the_test_one():
    commands = _quickstart_commands()
    assert len(commands) == 2 and "derive verify" in commands[0]
    assert commands[1] in _read(".ci/run")


def test_example_document_verifies_as_described(tmp_path):
    text = _read("README.md").split("<!-- example-document -->", 1)[1]
    source = re.search(r"```python\n(.+?)```", text, re.S).group(1)
    path = tmp_path / "logreg.py"
    path.write_text(source)
    result = CliRunner().invoke(main, ["verify", str(path)])
    assert result.exit_code == 0, result.output
    assert "b = 0, w = 0, x = 1, y = 0  →  lhs 1/2, rhs 0" in result.stdout
    assert "derived   x*(-y + sigmoid(b + w*x))" in result.stdout
    summary = result.stdout.rstrip().splitlines()[-1]
    assert summary.startswith(
        "logreg: 1 proved, 0 proved at sizes, 0 numeric, 1 refuted, 0 undecided"
    )
    assert "2 claims, all as expected" in summary


def test_kernel_example_runs():
    numpy = __import__("numpy")
    section = _read("README.md").split("## Kernels", 1)[1].split("\n## ", 1)[0]
    example = re.search(r"```python\n(.+?)```", section, re.S).group(1)
    rng = numpy.random.default_rng(0)
    shapes = {
        "u": (1, 3, 5),
        "delta": (1, 3, 5),
        "z": (1, 3, 5),
        "dout": (1, 3, 5),
        "A": (3, 2),
        "B": (1, 2, 5),
        "C": (1, 2, 5),
        "D": (3,),
        "delta_bias": (3,),
    }
    scope = {k: rng.standard_normal(v).astype(numpy.float32) for k, v in shapes.items()}
    exec(example, scope)
    assert scope["out"].shape == (1, 3, 5) and scope["dA"].shape == (3, 2)


def test_gatv2_example_runs():
    numpy = __import__("numpy")
    section = _read("README.md").split("## Kernels", 1)[1].split("\n## ", 1)[0]
    blocks = re.findall(r"```python\n(.+?)```", section, re.S)
    example = next(b for b in blocks if "gatv2_forward" in b)
    rng = numpy.random.default_rng(0)
    shapes = {"x": (5, 3), "W_l": (4, 3), "W_r": (4, 3), "dout": (5, 4)}
    shapes |= {name: (4,) for name in ("b_l", "b_r", "att", "bias")}
    scope = {k: rng.standard_normal(v).astype(numpy.float32) for k, v in shapes.items()}
    scope["edge_index"] = numpy.array([[0, 1, 2, 3], [1, 2, 3, 1]])
    exec(example, scope)
    assert scope["out"].shape == (5, 4) and scope["dW_l"].shape == (4, 3)
    assert (scope["out"][[0, 4]] == scope["bias"]).all()  # no incoming edges: just the bias
