"""The Markdown report for pull requests: pinned by a snapshot, with text that cannot break it."""

import os
import re
from dataclasses import replace

from derive.report import FORMATS
from derive.report.markdown import code, escape, math
from tests.sample_runs import LOAD_PROBLEM, sample_run

SNAPSHOTS = os.path.join(os.path.dirname(__file__), "snapshots")


def _render(runs, problems=()) -> str:
    return FORMATS["markdown"](runs, list(problems), {})


def _cells(row: str) -> list[str]:
    return re.split(r"(?<!\\)\|", row.strip())[1:-1]


def test_report_matches_snapshot():
    text = _render([sample_run()], [LOAD_PROBLEM])
    assert text == _render([sample_run()], [LOAD_PROBLEM])
    with open(os.path.join(SNAPSHOTS, "report.md"), encoding="utf-8") as handle:
        assert text == handle.read()


def test_table_has_one_row_per_document_and_a_total():
    runs = [sample_run(), replace(sample_run(), name="a|b_c")]
    rows = [line for line in _render(runs).splitlines() if line.startswith("|")]
    assert len(rows) == 2 + 2 + 1
    assert {len(_cells(row)) for row in rows} == {10}
    assert _cells(rows[3])[0].strip() == r"a\|b\_c"
    assert [c.strip() for c in _cells(rows[4])][-3:] == ["**12**", "**4**", "**3.0**"]


def test_lists_unexpected_claims_errata_folded_and_load_failures():
    text = _render([sample_run()], [LOAD_PROBLEM])
    shown = re.findall(r"^\*\*(✗|✓) `([^`]+)`", text, re.M)
    assert shown == [("✗", "eq. 3.2"), ("✗", "eq. 5"), ("✓", "eq. 3.3")]
    assert text.index("<details>") < text.index("`eq. 3.3`") < text.index("</details>")
    assert "- **counterexample** `b = 0, w = 1, x = 0, y = 0  →  lhs 1/2, rhs 0`" in text
    assert r"- **statement** $`\frac{\partial L}{\partial w} = w \left(p - y\right)`$" in text
    assert "- broken.py: line 3: NameError: name 'q' is not defined" in text


def test_several_latex_lines_of_a_part_are_a_sublist():
    run = sample_run()
    latex = (("statement", "a = b"), ("residual", r"\tau_{1} x"), ("residual", r"\tau_{1} = y"))
    run = replace(run, verdicts=(replace(run.verdicts[1], latex=latex),))
    text = _render([run])
    assert "- **residual**\n  - $`\\tau_{1} x`$\n  - $`\\tau_{1} = y`$\n" in text


def test_escapes_and_spans():
    assert escape("*a* | `b` <c> $d$") == r"\*a\* \| \`b\` \<c\> \$d\$"
    assert code("a ` b") == "``a ` b``" and code("`x") == "`` `x ``"
    assert math("x^{2}") == "$`x^{2}`$" and math("a`b") == "``a`b``"


def test_verify_writes_markdown_with_math_for_a_real_document(tmp_path):
    import textwrap

    from click.testing import CliRunner

    from cli import main
    from tests.sample_runs import LOGREG_COUNTEREXAMPLE, LOGREG_SOURCE

    document = tmp_path / "logreg.py"
    document.write_text(textwrap.dedent(LOGREG_SOURCE))
    result = CliRunner().invoke(main, ["verify", str(document), "--format", "markdown"])
    assert result.exit_code == 1, result.output
    rows = [line for line in result.stdout.splitlines() if line.startswith("| logreg |")]
    assert [[c.strip() for c in _cells(row)][:-1] for row in rows] == [
        ["logreg", "1", "0", "0", "2", "0", "0", "3", "1"]
    ]
    assert f"- **counterexample** `{LOGREG_COUNTEREXAMPLE}`" in result.stdout
    assert r"- **statement** $`\frac{d}{d w} \left(- y \log{\left(p \right)}" in result.stdout
