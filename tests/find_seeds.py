"""Where the seed texts of the bundled documents are: `$DERIVE_SEEDS`, else `shared/seeds`
beside this checkout, else beside the repository it was cloned from (a CI clone of main).
Run as a script, it prints the directory, or exits 1 when there is none."""

from __future__ import annotations

import os
import subprocess
import sys

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), ".."))


def _origin() -> str | None:
    """The local path this checkout was cloned from, if it was cloned from one."""
    try:
        url = subprocess.run(
            ["git", "-C", ROOT, "remote", "get-url", "origin"],
            capture_output=True,
            text=True,
            timeout=10,
        ).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return None
    url = url.removeprefix("file://")
    return url if url and os.path.isdir(url) else None


def find_seeds() -> str | None:
    candidates = [os.environ.get("DERIVE_SEEDS"), os.path.join(ROOT, "..", "shared", "seeds")]
    origin = _origin()
    if origin:
        candidates.append(os.path.join(origin, "..", "shared", "seeds"))
    for candidate in filter(None, candidates):
        if os.path.isdir(candidate):
            return os.path.abspath(candidate)
    return None


if __name__ == "__main__":
    found = find_seeds()
    if found is None:
        sys.exit(1)
    print(found)
