"""The `derive` command line: the only place that reads arguments, prints, or writes files."""

from __future__ import annotations

import os
import signal
import sys
import threading

import click

from derive import report
from derive.cache import Store
from derive.documents import (
    BUNDLED,
    LOAD_SECONDS,
    LoadError,
    UnknownDocument,
    load,
    source_file,
)
from derive.kernels import codegen
from derive.options import (
    Progress,
    Settings,
    cache_options,
    timeout_option,
    verbosity,
)
from derive.verify import DEFAULT_TIMEOUT, explain, verify_document

EXIT_HELP = """
Exit codes: 0 success; 1 a verdict differs from the document's expectation (with --strict,
also any UNDECIDED), or generated code is stale; 2 usage or input errors (an unknown
document or claim, a document that fails to load, a claim that uses an undeclared symbol);
3 internal errors: the engine contradicted itself or crashed (a traceback follows); 130 and
143 interrupted (SIGINT, SIGTERM), with every worker stopped.
"""


INTERRUPTED, TERMINATED = 130, 143  # the shell's codes for SIGINT and SIGTERM


def _say(text: str) -> None:
    click.echo(text, err=True)


@click.group(epilog=EXIT_HELP)
@click.option("--quiet", "-q", is_flag=True, help="Print only results and errors.")
@click.option("--verbose", "-v", is_flag=True, help="Print details for every claim.")
@click.pass_context
def main(context: click.Context, quiet: bool, verbose: bool) -> None:
    """derive: check hand-written gradient derivations, and generate kernels from them."""
    context.obj = Settings(quiet, verbose)
    _exit_on_signals(context)


def _exit_on_signals(context: click.Context) -> None:
    """Turn SIGINT and SIGTERM into an exit (130, 143) that unwinds: the worker pool kills
    its workers on the way out, and no file is left half-written."""
    if threading.current_thread() is not threading.main_thread():
        return

    def leave(signum, frame):
        _say(f"derive: {'interrupted' if signum == signal.SIGINT else 'terminated'}")
        raise SystemExit(INTERRUPTED if signum == signal.SIGINT else TERMINATED)

    previous = {s: signal.signal(s, leave) for s in (signal.SIGINT, signal.SIGTERM)}
    context.call_on_close(lambda: [signal.signal(s, h) for s, h in previous.items()])


def _load_all(specs, timeout: float = DEFAULT_TIMEOUT) -> tuple[list, list[str]]:
    """Load the named documents; unknown names are usage errors, broken ones (and those
    whose import runs past the time limit) are reported."""
    documents, problems = [], []
    for spec in specs or BUNDLED:
        try:
            documents.append(load(spec, seconds=max(timeout, LOAD_SECONDS)))
        except UnknownDocument as problem:
            raise click.UsageError(str(problem)) from None
        except LoadError as problem:
            problems.append(str(problem))
    return documents, problems


def _check_claims(documents, claims) -> None:
    known = {i for d in documents for i in d.claim_ids}
    unknown = [c for c in claims if c not in known]
    if unknown:
        valid = ", ".join(sorted(known)[:40])
        raise click.UsageError(f"no claim {unknown[0]!r} in the selected documents; valid: {valid}")


def _exit_code(runs, problems, strict: bool) -> int:
    verdicts = [v for run in runs for v in run.verdicts]
    if any(v.internal for v in verdicts):
        return 3
    if problems or any(v.error for v in verdicts):
        return 2
    undecided = strict and any(v.status.value == "UNDECIDED" for v in verdicts)
    return 1 if undecided or any(not v.matches for v in verdicts) else 0


def _report_errors(runs, problems) -> None:
    for problem in problems:
        _say(f"derive: error: {problem}")
    for verdict in (v for run in runs for v in run.verdicts if v.error):
        if verdict.internal:
            _say(f"derive: internal error in {verdict.document} {verdict.claim}:\n{verdict.error}")
        else:
            _say(f"derive: error: {verdict.document}: claim {verdict.claim}: {verdict.error}")


@main.command(epilog=EXIT_HELP)
@verbosity
@click.argument("documents", nargs=-1)
@click.option("--claim", "--step", "claims", multiple=True, help="Only this claim (repeatable).")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(list(report.FORMATS)),
    default="text",
    help="text for people, json for programs, markdown for pull requests, junit for CI "
    "systems, html for a self-contained report with rendered math.",
)
@click.option(
    "--out", type=click.Path(dir_okay=False), help="Write the report here, not to stdout."
)
@timeout_option()
@click.option(
    "--jobs",
    type=click.IntRange(min=1),
    default=os.cpu_count() or 1,
    show_default=True,
    help="Claims decided in parallel.",
)
@click.option("--strict", is_flag=True, help="Also fail when a claim is UNDECIDED.")
@cache_options
@click.pass_obj
def verify(
    settings: Settings, documents, claims, fmt, out, timeout, jobs, strict, cache_dir, no_cache
) -> None:
    """Verify DOCUMENTS (bundled names or paths to .py files; default: all bundled)."""
    loaded, problems = _load_all(documents, timeout)
    _check_claims(loaded, claims)
    total = sum(
        len(d.claim_ids) if not claims else len(set(claims) & set(d.claim_ids)) for d in loaded
    )
    progress = Progress(total, not settings.quiet)
    runs = [
        verify_document(
            d,
            [c for c in claims if c in d.claim_ids] or None,
            timeout=timeout,
            jobs=jobs,
            cache=None if no_cache else Store(cache_dir),
            on_start=lambda item, d=d: progress.start(d.name, item),
            on_done=progress.finish,
        )
        for d in loaded
    ]
    progress.close()
    if fmt == "text":
        rendered = report.render_text(runs, verbose=settings.verbose)
        if settings.quiet and not out:
            rendered = report.render_summaries(runs)
    else:
        rendered = report.FORMATS[fmt](runs, problems, _sources(loaded))
    if out:
        try:
            codegen.write_text(out, rendered)
        except OSError as problem:
            _say(f"derive: error: cannot write {out}: {problem.strerror or problem}")
            sys.exit(2)
        if not settings.quiet:
            click.echo(report.render_summaries(runs), nl=False)
            _say(f"wrote {out}")
    else:
        click.echo(rendered, nl=False)
    _report_errors(runs, problems)
    sys.exit(_exit_code(runs, problems, strict))


def _sources(documents) -> dict[str, str]:
    """Each document's source text by name, for reports that link claims to their lines;
    a source that cannot be read is left out (the report then links nothing)."""
    sources = {}
    for document in documents:
        try:
            with open(source_file(document), encoding="utf-8") as handle:
                sources[document.name] = handle.read()
        except (OSError, TypeError, UnicodeDecodeError):
            continue
    return sources


@main.command("list")
@verbosity
def list_documents() -> None:
    """List the bundled documents with their claim counts."""
    documents, problems = _load_all(())
    click.echo(report.render_list(documents), nl=False)
    _report_errors([], problems)
    sys.exit(2 if problems else 0)


def _load_one(spec: str, timeout: float):
    documents, problems = _load_all((spec,), timeout)
    if problems:
        _report_errors([], problems)
        sys.exit(2)
    return documents[0]


@main.command("explain", epilog=EXIT_HELP)
@verbosity
@click.argument("document")
@click.argument("claim")
@timeout_option()
def explain_claim(document: str, claim: str, timeout: float) -> None:
    """Explain one CLAIM of DOCUMENT: the statement, the derivation, the counterexample."""
    loaded = _load_one(document, timeout)
    _check_claims([loaded], (claim,))
    explanation = explain(loaded, claim, timeout=timeout)
    click.echo(report.render_explanation(explanation), nl=False)
    verdict = explanation.verdict
    sys.exit(3 if verdict.internal else 2 if verdict.error else 0)


def _kernel_documents(specs) -> list:
    """The named documents (default: every bundled one with kernels); others are errors."""
    documents, problems = _load_all(specs)
    if problems:
        _report_errors([], problems)
        sys.exit(2)
    with_kernels = [d for d in documents if codegen.has_kernels(d)]
    if specs and len(with_kernels) < len(documents):
        names = ", ".join(d.name for d in documents if not codegen.has_kernels(d))
        raise click.UsageError(f"no kernels are generated for: {names}")
    return with_kernels


@main.command(epilog=EXIT_HELP)
@verbosity
@click.argument("documents", nargs=-1)
@click.option("--check", is_flag=True, help="Write nothing; exit 1 listing stale files.")
@click.option("--out", default="generated", show_default=True, help="Directory to write.")
@click.pass_obj
def generate(settings: Settings, documents, check: bool, out: str) -> None:
    """Generate NumPy and Numba kernels; rewrite only files whose content changed."""
    selected = _kernel_documents(documents)
    files = codegen.render_files(selected, everything=not documents)
    changed = codegen.stale(files, out, prune=not documents)
    if check:
        for name in changed:
            click.echo(f"stale: {os.path.join(out, name)}")
        sys.exit(1 if changed else 0)
    try:
        codegen.write(files, out, prune=not documents)
    except OSError as problem:
        _say(f"derive: error: cannot write {out}: {problem.strerror or problem}")
        sys.exit(2)
    if not settings.quiet:
        written = sum(name in files for name in changed)
        removed = len(changed) - written
        pruned = f", removed {removed} stale" if removed else ""
        _say(
            f"wrote {written} of {len(files)} files in {out}{pruned}"
            if changed
            else f"{out} is up to date"
        )


@main.command(epilog=EXIT_HELP)
@verbosity
@click.option("--out", default="generated", show_default=True, help="The generated directory.")
@timeout_option()
@click.option("--jobs", type=click.IntRange(min=1), default=os.cpu_count() or 1, show_default=True)
@cache_options
@click.pass_obj
def check(
    settings: Settings, out: str, timeout: float, jobs: int, cache_dir: str, no_cache: bool
) -> None:
    """The CI gate: verdicts as expected, generated/ fresh, kernels numerically right."""
    documents, problems = _load_all((), timeout)
    cache = None if no_cache else Store(cache_dir)
    runs = [verify_document(d, timeout=timeout, jobs=jobs, cache=cache) for d in documents]
    stale = codegen.stale(codegen.render_files(documents, everything=True), out, prune=True)
    checks = codegen.check_kernels(documents, out) if not stale else []
    click.echo(report.render_check(runs, stale, checks), nl=False)
    _report_errors(runs, problems)
    verdicts_ok = _exit_code(runs, problems, strict=False) == 0
    sys.exit(0 if verdicts_ok and not stale and all(c.ok for c in checks) else 1)


@main.command(epilog=EXIT_HELP)
@verbosity
@click.argument("documents", nargs=-1)
@click.option("--quick", is_flag=True, help="Small sizes only (a smoke test for CI).")
@click.option("--out", default="results/bench", show_default=True, help="Results path stem.")
@click.pass_obj
def bench(settings: Settings, documents, quick: bool, out: str) -> None:
    """Time generated kernels against their peers; write OUT.json and OUT.md."""
    from derive.kernels.benchmarks import harness, output

    unknown = [d for d in documents if d not in harness.available()]
    if unknown:
        raise click.UsageError(
            f"no benchmark for {unknown[0]!r}; known: {', '.join(harness.available())}"
        )
    results = harness.run(documents or harness.available(), quick)
    click.echo(output.render_table(results), nl=False)
    try:
        codegen.write_text(f"{out}.json", output.render_json(results))
        codegen.write_text(f"{out}.md", output.render_markdown(results))
    except OSError as problem:
        _say(f"derive: error: cannot write {out}: {problem.strerror or problem}")
        sys.exit(2)
    if not settings.quiet:
        _say(f"wrote {out}.json and {out}.md")


if __name__ == "__main__":
    main()
