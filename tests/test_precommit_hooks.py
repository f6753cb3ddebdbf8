"""The pre-commit hooks in .pre-commit-hooks.yaml run real derive commands on the right files."""

import os
import re

import pytest
from click.testing import CliRunner

from cli import main

ROOT = os.path.join(os.path.dirname(__file__), "..")


def _value(text: str):
    text = text.strip()
    if text in ("true", "false"):
        return text == "true"
    if text.startswith("[") and text.endswith("]"):
        return [item.strip() for item in text[1:-1].split(",")]
    return text


def _hooks() -> list[dict]:
    """The hooks file read as the flat list of flat mappings it is (no YAML library needed)."""
    hooks = []
    with open(os.path.join(ROOT, ".pre-commit-hooks.yaml"), encoding="utf-8") as handle:
        for line in handle:
            if not line.strip() or line.lstrip().startswith("#"):
                continue
            if line.startswith("- "):
                hooks.append({})
            key, _, value = line[2:].partition(":")
            hooks[-1][key.strip()] = _value(value)
    return hooks


HOOKS = {hook["id"]: hook for hook in _hooks()}


def test_hooks_are_the_two_documented_ones():
    assert sorted(HOOKS) == ["derive-check", "derive-verify"]
    assert all(hook["language"] == "python" and hook["name"] for hook in HOOKS.values())


@pytest.mark.parametrize("hook", sorted(HOOKS))
def test_each_entry_is_a_derive_command(hook):
    program, command = HOOKS[hook]["entry"].split()
    assert program == "derive"
    result = CliRunner().invoke(main, [command, "--help"])
    assert result.exit_code == 0, result.output


def test_verify_gets_changed_documents_and_check_gets_none():
    verify, check = HOOKS["derive-verify"], HOOKS["derive-check"]
    assert verify.get("pass_filenames", True) and check["pass_filenames"] is False

    def chosen(path):
        return re.search(verify["files"], path) and not re.search(verify["exclude"], path)

    assert chosen("documents/logreg.py") and chosen("derive/documents/gatv2.py")
    assert not chosen("derive/documents/__init__.py") and not chosen("tests/test_cli.py")


def test_readme_config_uses_these_hooks():
    with open(os.path.join(ROOT, "README.md"), encoding="utf-8") as handle:
        readme = handle.read()
    config = re.search(r"```yaml\n(.+?)```", readme.split("### pre-commit", 1)[1], re.S).group(1)
    assert set(re.findall(r"- id: (\S+)", config)) <= set(HOOKS)
