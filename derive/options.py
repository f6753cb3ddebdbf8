"""The command line's options and parameter types: seconds, the cache, --quiet/--verbose after
a subcommand, and the progress line. Only cli.py uses them.
"""

from __future__ import annotations

import math
import os
import sys
from dataclasses import dataclass, replace

import click

from derive.cache import DEFAULT_DIRECTORY
from derive.verify import DEFAULT_TIMEOUT

MAX_TIMEOUT = 86400.0  # a day: longer is a typo, and past the alarm clock's range


class Seconds(click.ParamType):
    """A finite number of seconds from 0.1 to MAX_TIMEOUT (not nan, not inf)."""

    name = "seconds"

    def convert(self, value, param, ctx):
        try:
            seconds = float(value)
        except (TypeError, ValueError):
            self.fail(f"{value!r} is not a number of seconds", param, ctx)
        if not (math.isfinite(seconds) and 0.1 <= seconds <= MAX_TIMEOUT):
            self.fail(f"{value} is not a number of seconds from 0.1 to {MAX_TIMEOUT:g}", param, ctx)
        return seconds


def timeout_option(help_text: str = "Seconds per claim (and at least 10 to load each document)."):
    return click.option(
        "--timeout", type=Seconds(), default=DEFAULT_TIMEOUT, show_default=True, help=help_text
    )


def cache_options(command):
    """--cache-dir and --no-cache: where decided claims are kept (see derive.cache)."""
    directory = click.option(
        "--cache-dir",
        type=click.Path(file_okay=False),
        default=lambda: os.environ.get("DERIVE_CACHE_DIR", DEFAULT_DIRECTORY),
        show_default=f"$DERIVE_CACHE_DIR or {DEFAULT_DIRECTORY}",
        help="Keep decided claims here; an unchanged claim is replayed, not decided again.",
    )
    bypass = click.option(
        "--no-cache", is_flag=True, help="Decide every claim; read and write no cache."
    )
    return directory(bypass(command))


@dataclass(frozen=True)
class Settings:
    quiet: bool
    verbose: bool


class Progress:
    """'[n/m] document: claim' on a terminal's stderr, overwritten in place."""

    def __init__(self, total: int, enabled: bool):
        self.total, self.done, self.enabled = total, 0, enabled and sys.stderr.isatty()

    def start(self, document: str, item) -> None:
        if self.enabled:
            line = f"[{self.done + 1}/{self.total}] {document}: {item.id}"
            click.echo(f"\r\033[K{line[:110]}", err=True, nl=False)

    def finish(self, *_) -> None:
        self.done += 1

    def close(self) -> None:
        if self.enabled:
            click.echo("\r\033[K", err=True, nl=False)


def _set_flag(context: click.Context, parameter: click.Parameter, value: bool) -> None:
    if value:
        context.obj = replace(context.find_object(Settings), **{parameter.name: True})


def verbosity(command):
    """Accept --quiet/--verbose after a subcommand too, acting as before it."""
    quiet = click.option(
        "--quiet",
        "-q",
        is_flag=True,
        expose_value=False,
        callback=_set_flag,
        help="Print only results and errors.",
    )
    verbose = click.option(
        "--verbose",
        "-v",
        is_flag=True,
        expose_value=False,
        callback=_set_flag,
        help="Print details for every claim.",
    )
    return quiet(verbose(command))
