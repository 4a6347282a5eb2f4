"""Which modules of the package run compiled, and whether any compiled one is out of date.

The hot modules (matching, normalisation, candidate search) are compiled with mypyc when the
package is built (see ``setup.py``); their Python sources stay beside them and are the same
code. An editable install keeps the compiled files next to the sources, where they shadow the
``.py`` files: after an edit they are stale until the install is run again.
"""

from __future__ import annotations

from importlib.machinery import EXTENSION_SUFFIXES
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent


def _compiled_files() -> dict[str, Path]:
    """Module name -> its compiled file, for every compiled module of the package."""
    out: dict[str, Path] = {}
    for path in PACKAGE.rglob("*.*"):
        # the first suffix that fits is the longest ("names.cpython-311-x86_64-linux-gnu.so")
        suffix = next((s for s in EXTENSION_SUFFIXES if path.name.endswith(s)), None)
        if suffix is not None:
            parts = path.relative_to(PACKAGE.parent).with_name(path.name[: -len(suffix)]).parts
            out[".".join(parts)] = path
    return out


def compiled_modules() -> list[str]:
    """The modules that run compiled, sorted (empty for a pure-Python install)."""
    return sorted(_compiled_files())


def stale_modules() -> list[str]:
    """Compiled modules whose Python source was changed after they were compiled."""
    stale = []
    for name, path in sorted(_compiled_files().items()):
        source = path.parent / (name.rsplit(".", 1)[-1] + ".py")
        if source.exists() and source.stat().st_mtime > path.stat().st_mtime:
            stale.append(name)
    return stale


def build_kind() -> str:
    count = len(_compiled_files())
    return f"{count} compiled modules" if count else "pure Python"
