"""Build of clearance: the metadata is in pyproject.toml; this file adds the compiled modules.

The matcher, the name normalisation and the candidate search are plain, strictly typed Python,
compiled to C extensions with mypyc when the package is built (about 2.4x the speed of the
interpreted code on new name pairs, 1.4-1.5x on screening: see benchmarks/README.md). The
Python sources stay the reference: set ``CLEARANCE_PURE_PYTHON=1`` to install without
compiling, and a build without a C compiler, or one that fails, falls back to the pure-Python
package with a warning.

Editable installs place the compiled modules beside the sources, where they shadow the ``.py``
files: after editing one of the modules below, re-run the install (or
``CLEARANCE_PURE_PYTHON=1 pip install -e .`` while developing).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any

from setuptools import setup
from setuptools.command.build_ext import build_ext

#: modules on the hot path of matching and screening (each type-checks under mypy --strict)
COMPILED = [
    "clearance/text/spelling.py",
    "clearance/text/keys.py",
    "clearance/text/legal.py",
    "clearance/text/normalize.py",
    "clearance/text/scripts.py",
    "clearance/text/translit.py",
    "clearance/text/tables.py",
    "clearance/match/tokens.py",
    "clearance/match/skeletons.py",
    "clearance/match/syllables.py",
    "clearance/match/acronyms.py",
    "clearance/match/comparison.py",
    "clearance/match/align.py",
    "clearance/match/crossscript.py",
    "clearance/match/weights.py",
    "clearance/match/parts.py",
    "clearance/match/names.py",
    "clearance/match/explain.py",
    "clearance/match/result.py",
    "clearance/match/compiled.py",
    "clearance/match/readings.py",
    "clearance/match/scorer.py",
    "clearance/match/qualifiers.py",
    "clearance/match/profiles.py",
    "clearance/match/ofac.py",
    "clearance/index/search.py",
    "clearance/index/keys.py",
]


def _warn(message: str) -> None:
    print(f"clearance: {message}; installing the pure-Python modules", file=sys.stderr)


def _pure_python() -> list[Any]:
    """No extensions, and none left beside the sources by an earlier editable install: they
    would shadow the ``.py`` files, so the sources just edited would not be what runs."""
    src = Path(__file__).parent / "src"
    stale = [src / "clearance__mypyc", *(src / path.removesuffix(".py") for path in COMPILED)]
    for stem in stale:
        for built in stem.parent.glob(f"{stem.name}.*.so"):
            built.unlink()
    return []


class OptionalBuildExt(build_ext):
    """Compiles the extensions, or leaves them out entirely when any of them fails: the
    modules share one native library, so a partial build would not import."""

    def run(self) -> None:
        try:
            super().run()
        except Exception as exc:  # any compiler failure means: no extensions at all
            _warn(f"compiling the native modules failed ({exc})")
            for ext in self.extensions:
                path = self.get_ext_fullpath(ext.name)
                if os.path.exists(path):
                    os.remove(path)
            self.extensions = []


def _extensions() -> list[Any]:
    if os.environ.get("CLEARANCE_PURE_PYTHON", "").lower() in ("1", "true", "yes"):
        return _pure_python()
    try:
        from mypyc.build import mypycify
    except ImportError:
        _warn("mypyc is not available")
        return _pure_python()
    # the build environment has mypy but not the runtime dependencies: their imports are
    # typed as Any there, which changes nothing in the compiled code (the strict check of
    # the sources against the dependencies' own types is ``mypy``, run in development)
    options = ["--config-file", "", "--ignore-missing-imports", "--follow-imports=silent"]
    try:
        return list(
            mypycify(
                [*options, *(f"src/{path}" for path in COMPILED)],
                opt_level="3",
                group_name="clearance",
            )
        )
    except (Exception, SystemExit) as exc:  # a type error makes mypyc exit
        _warn(f"mypyc could not compile the modules ({exc})")
        return _pure_python()


setup(ext_modules=_extensions(), cmdclass={"build_ext": OptionalBuildExt})
