"""Fault injection for the command line and its files (issue 11): documents that never finish
importing, signals, concurrent and unwritable output, bad option values, and inputs that are
no document. Every case ends in a verdict or one line and its exit code, never a traceback,
and leaves no worker process behind. A new command or option is covered by adding it to the
lists below."""

import json
import multiprocessing
import os
import signal
import stat
import subprocess
import sys
import textwrap
import time

import pytest
from click.testing import CliRunner

import cli
from derive.kernels import codegen

ROOT = os.path.join(os.path.dirname(__file__), "..")

GOOD = '''
"""A claim that is proved."""
from sympy import exp, log, symbols
from derive.declare import claim, document
from derive.model import Source
from derive.notation.primitives import softplus

x = symbols("x", real=True)
DOCUMENT = document(
    "good", "good", Source("tests", "good.txt"), inputs=(x,), definitions=(),
    claims=(claim("fact", "1", "q", softplus(x), log(1 + exp(x))),),
)
'''

LOOPS = '''
"""Never finishes importing."""
while True:
    pass
'''

# Each claim keeps a worker busy for minutes: instantiated at n = 20000.
SLOW = '''
"""Slow claims."""
from sympy import IndexedBase, Sum, sin, symbols
from derive.declare import claim, document
from derive.model import Source

n = symbols("n", integer=True, positive=True)
i = symbols("i", integer=True)
x = IndexedBase("x", real=True)
DOCUMENT = document(
    "slow", "slow", Source("tests", "slow.txt"), inputs=(x,), definitions=(),
    sizes={n: (20000,)},
    claims=tuple(
        claim(f"c{k}", "", "", Sum(sin(x[i]) ** (i % 7 + k), (i, 1, n)), Sum(sin(x[i]), (i, 1, n)))
        for k in range(3)
    ),
)
'''

UNDECLARED = '''
"""A claim with an undeclared symbol."""
from sympy import symbols
from derive.declare import claim, document
from derive.model import Source

x, y = symbols("x y", real=True)
DOCUMENT = document(
    "undeclared", "undeclared", Source("tests", "u.txt"), inputs=(x,), definitions=(),
    claims=(claim("c", "1", "q", x, y),),
)
'''


def _write(tmp_path, name: str, text: str) -> str:
    path = tmp_path / name
    path.write_text(textwrap.dedent(text))
    return str(path)


def _run(*args):
    return CliRunner().invoke(cli.main, list(args), catch_exceptions=False)


def _one_line_error(result) -> str:
    errors = [line for line in result.stderr.splitlines() if line.strip()]
    assert "Traceback" not in result.output, result.output
    assert errors, result.output
    return errors[-1]


# Documents that are not documents, or never finish loading.


def test_a_document_that_never_finishes_importing_is_reported_and_the_rest_verified(
    tmp_path, monkeypatch
):
    monkeypatch.setattr(cli, "LOAD_SECONDS", 1.0)
    loops, good = _write(tmp_path, "loops.py", LOOPS), _write(tmp_path, "good.py", GOOD)
    result = _run("verify", loops, good, "--timeout", "0.5", "--format", "json")
    assert result.exit_code == 2, result.output
    data = json.loads(result.stdout)
    assert [d["name"] for d in data["documents"]] == ["good"]
    assert data["documents"][0]["claims"][0]["verdict"] == "PROVED"
    (error,) = data["errors"]
    assert "loops.py: did not finish loading within 1 s" in error
    assert data["summary"]["errors"] == 1


@pytest.mark.parametrize(
    "name, make, message",
    [
        ("notes.txt", lambda p: p.write_text("not python"), "not a Python file"),
        ("folder", lambda p: p.mkdir(), "is a directory"),
        ("missing.py", lambda p: None, "no such file"),
    ],
)
def test_what_is_no_document_is_one_usage_line(tmp_path, name, make, message):
    path = tmp_path / name
    make(path)
    result = _run("verify", str(path) + (os.sep if name == "folder" else ""))
    assert result.exit_code == 2, result.output
    assert message in _one_line_error(result)


def test_an_input_error_is_labelled_so_in_json(tmp_path):
    result = _run("verify", _write(tmp_path, "undeclared.py", UNDECLARED), "--format", "json")
    assert result.exit_code == 2, result.output
    (claim,) = json.loads(result.stdout)["documents"][0]["claims"]
    assert claim["scope"] == "input error" and claim["error"]


# Option values.


@pytest.mark.parametrize("command", [["verify"], ["check"], ["explain", "good.py", "fact"]])
@pytest.mark.parametrize("value", ["nan", "inf", "-inf", "1e9", "0", "-1", "abc"])
def test_timeouts_that_are_not_a_sane_number_of_seconds_are_usage_errors(command, value):
    result = _run(*command, "--timeout", value)
    assert result.exit_code == 2, result.output
    assert "--timeout" in result.output and "Traceback" not in result.output


# Output files: concurrent runs, modes, unwritable trees.


def _files():
    return {"a.py": "A = 1\n", "b.py": "B = 2\n"}


def _write_pruning(directory: str, rounds: int, barrier) -> None:
    for _ in range(rounds):
        barrier.wait()  # the stale file is there: both runs see it and prune it
        codegen.write(_files(), directory, prune=True)
        barrier.wait()


def test_two_generates_pruning_the_same_stale_file_both_succeed(tmp_path, monkeypatch):
    # Was FileNotFoundError in 190 of 200 tries: both runs unlinked the same stale file.
    # A real run spends its time rendering and writing between finding the stale file and
    # removing it; a pause after `stale` stands for that.
    found = codegen.stale

    def slow_stale(*args, **kwargs):
        names = found(*args, **kwargs)
        time.sleep(0.02)
        return names

    monkeypatch.setattr(codegen, "stale", slow_stale)
    rounds = 20
    context = multiprocessing.get_context("fork")
    barrier = context.Barrier(3)
    workers = [
        context.Process(target=_write_pruning, args=(str(tmp_path), rounds, barrier))
        for _ in range(2)
    ]
    for worker in workers:
        worker.start()
    try:
        for _ in range(rounds):
            (tmp_path / "stale.py").write_text("OLD = 0\n")
            barrier.wait()
            barrier.wait(timeout=30)
    except Exception:  # noqa: BLE001 - a worker died: its exit code says why
        barrier.abort()
    for worker in workers:
        worker.join(timeout=60)
    assert [w.exitcode for w in workers] == [0, 0]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.py", "b.py"]
    assert (tmp_path / "a.py").read_text() == "A = 1\n"


def test_generated_files_keep_their_mode_and_new_ones_follow_the_umask(tmp_path):
    # Were 0600 (mkstemp's mode), whatever they had been.
    existing = tmp_path / "a.py"
    existing.write_text("old\n")
    os.chmod(existing, 0o640)
    umask = os.umask(0o022)
    try:
        codegen.write(_files(), str(tmp_path), prune=False)
    finally:
        os.umask(umask)
    assert stat.S_IMODE(existing.stat().st_mode) == 0o640
    assert stat.S_IMODE((tmp_path / "b.py").stat().st_mode) == 0o644
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".tmp")]


def test_an_unwritable_output_is_one_line_and_exit_2(tmp_path, monkeypatch):
    def refuse(*args, **kwargs):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(codegen.tempfile, "mkstemp", refuse)
    result = _run("generate", "--out", str(tmp_path / "generated"))
    assert result.exit_code == 2, result.output
    assert "cannot write" in _one_line_error(result) and "Permission denied" in result.stderr
    monkeypatch.undo()
    blocked = tmp_path / "a-file"
    blocked.write_text("")
    result = _run("generate", "--out", str(blocked / "generated"))
    assert result.exit_code == 2 and "cannot write" in _one_line_error(result)
    # A report under a file names the file (mkdir said "File exists").
    with pytest.raises(NotADirectoryError, match="a-file is a file, not a directory"):
        codegen.write_text(str(blocked / "report" / "x.json"), "")


def test_generate_counts_what_it_wrote_and_what_it_removed(tmp_path):
    out = tmp_path / "generated"
    assert _run("generate", "--out", str(out)).exit_code == 0
    (out / "stale_kernel.py").write_text("OLD = 0\n")
    (out / "gatv2.py").write_text("# edited\n")
    result = _run("generate", "--out", str(out))
    total = len(codegen.render_files(cli._kernel_documents(()), everything=True))
    assert result.exit_code == 0, result.output
    assert f"wrote 1 of {total} files in {out}, removed 1 stale" in result.stderr


# Signals: the run stops with the shell's code and leaves no worker behind.


def _children(pid: int) -> list[int]:
    found = subprocess.run(["pgrep", "-P", str(pid)], capture_output=True, text=True)
    return [int(line) for line in found.stdout.split()]


def _alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as handle:
            return handle.read().split()[2] != "Z"
    except FileNotFoundError:
        return False


@pytest.mark.parametrize("signum, code", [(signal.SIGTERM, 143), (signal.SIGINT, 130)])
def test_a_signal_stops_the_run_and_every_worker(tmp_path, signum, code):
    slow = _write(tmp_path, "slow.py", SLOW)
    command = [sys.executable, os.path.join(ROOT, "cli.py"), "verify", slow, "--jobs", "2"]
    process = subprocess.Popen(
        command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True
    )
    deadline = time.monotonic() + 60
    workers = []
    while len(workers) < 2 and time.monotonic() < deadline:
        time.sleep(0.2)
        workers = _children(process.pid)
    assert len(workers) == 2, "the workers never started"
    if signum == signal.SIGINT:
        os.killpg(process.pid, signum)  # as Ctrl-C: the whole foreground group
    else:
        process.send_signal(signum)
    _, stderr = process.communicate(timeout=30)
    assert process.returncode == code, stderr
    assert b"Traceback" not in stderr
    time.sleep(0.5)
    assert not [w for w in workers if _alive(w)], "a worker outlived the run"
