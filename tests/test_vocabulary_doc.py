"""docs/vocabulary.md holds: every Python example on the page runs, and every verdict of its
DOCUMENT is the one its `expect=` records, without an error.

An example is a complete document module (it defines DOCUMENT) or a snippet with asserts.
`<!-- shows: CLAIM | TEXT -->` after an example names text the claim's verdict must show
(its method and scope, or the details block `derive verify -v` prints), so what the page
says about an example is checked too.
"""

import os
import re

import pytest
from click.testing import CliRunner

from cli import main
from derive.model import Document
from derive.report import render_details
from derive.verify import verify

PAGE = os.path.join(os.path.dirname(__file__), "..", "docs", "vocabulary.md")
BLOCK = re.compile(r"```python\n(.*?)```", re.S)
SHOWS = re.compile(r"<!-- shows: (.+?) \| (.+?) -->")
HEADING = re.compile(r"^#+ (.+)$", re.M)


def _examples() -> list[tuple[str, str, list[tuple[str, str]]]]:
    """(title, source, [(claim id, text it shows)]) for each Python block, in page order."""
    with open(PAGE, encoding="utf-8") as handle:
        text = handle.read()
    blocks = list(BLOCK.finditer(text))
    examples = []
    for k, block in enumerate(blocks):
        after = text[block.end() : blocks[k + 1].start() if k + 1 < len(blocks) else len(text)]
        headings = HEADING.findall(text[: block.start()])
        title = f"{k + 1:02d} {headings[-1] if headings else 'top'}"
        examples.append((title, block.group(1), SHOWS.findall(after)))
    return examples


EXAMPLES = _examples()


def _run(source: str, title: str) -> dict:
    scope = {"__name__": f"vocabulary_example_{title.split()[0]}"}
    exec(compile(source, f"docs/vocabulary.md: {title}", "exec"), scope)
    return scope


def _shown(verdict) -> str:
    return f"{verdict.method}; {verdict.scope}\n" + "\n".join(render_details(verdict))


def test_the_page_has_examples():
    assert len(EXAMPLES) >= 20
    for title, source, _ in EXAMPLES:
        assert "DOCUMENT = document(" in source or "assert" in source, title


@pytest.mark.parametrize("title, source, shows", EXAMPLES, ids=[e[0] for e in EXAMPLES])
def test_example_runs_and_every_verdict_is_as_expected(title, source, shows):
    scope = _run(source, title)
    document = scope.get("DOCUMENT")
    if document is None:
        assert not shows, f"{title}: shows-comments need a DOCUMENT"
        return
    assert isinstance(document, Document), title
    verdicts = {v.claim: v for v in verify(document, jobs=1, timeout=30)}
    for v in verdicts.values():
        assert not v.error, f"{v.claim}: {v.error.strip().splitlines()[-1]}"
        assert v.matches, f"{v.claim}: {v.status.value}, expected {v.expected.value}: {v.scope}"
    for claim_id, text in shows:
        assert claim_id in verdicts, f"{title}: no claim {claim_id}"
        assert text in _shown(verdicts[claim_id]), (claim_id, text, _shown(verdicts[claim_id]))


def test_command_line_example(tmp_path):
    # The first example is the page's `derive verify` example: save it and run the CLI.
    path = tmp_path / "verdicts.py"
    path.write_text(EXAMPLES[0][1], encoding="utf-8")
    result = CliRunner().invoke(main, ["verify", "--jobs", "2", str(path)])
    assert result.exit_code == 0, result.output
    summary = result.stdout.rstrip().splitlines()[-1]
    assert summary.startswith(
        "verdicts: 1 proved, 1 proved at sizes, 1 numeric, 1 refuted, 1 undecided — 5 claims, "
        "all as expected"
    ), summary
    strict = CliRunner().invoke(main, ["verify", "--strict", "--claim", "opaque", str(path)])
    assert strict.exit_code == 1, strict.output
    explained = CliRunner().invoke(main, ["explain", str(path), "erratum"])
    assert explained.exit_code == 0, explained.output
    assert "Counterexample: x = 1  →  lhs 4, rhs 2" in explained.stdout
