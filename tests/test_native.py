"""The compiled build runs the same code as the Python sources: same scores, same reasons.

When the package is compiled (the default build), the sources are copied without the compiled
files and the hand-labelled cases, both ways round, are scored by both in three profiles; any
drift between the two (a construct mypyc compiles differently) fails here.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from clearance import __version__
from clearance.cli import main
from clearance.match.scorer import Matcher
from clearance.native import PACKAGE, compiled_modules

CASES: list[dict[str, Any]] = yaml.safe_load(
    (Path(__file__).parent / "match" / "cases.yaml").read_text(encoding="utf-8")
)["cases"]
PROFILES = ("balanced", "strict", "ofac")

SCRIPT = """
import json, sys
from clearance.match.scorer import Matcher
from clearance.native import compiled_modules
assert not compiled_modules(), compiled_modules()
cases = json.load(sys.stdin)
out = []
for profile in {profiles!r}:
    matcher = Matcher(profile)
    for a, b, schema in cases:
        r = matcher.compare(a, b, schema)
        out.append([r.score, [[f.name, f.contribution, f.reason] for f in r.features]])
print(json.dumps(out))
"""


def _pairs() -> list[list[str]]:
    pairs = [[c["a"], c["b"], c.get("schema", "LegalEntity")] for c in CASES]
    return pairs + [[b, a, schema] for a, b, schema in pairs]


def test_default_build_is_compiled_where_it_can_be() -> None:
    # a build falls back to pure Python when compiling fails: with a C compiler at hand that
    # is a bug (a type error mypyc refuses, say), not the expected build
    if os.environ.get("CLEARANCE_PURE_PYTHON") or not (shutil.which("cc") or shutil.which("gcc")):
        pytest.skip("pure-Python build requested, or no C compiler")
    assert compiled_modules(), "the default build fell back to pure Python: see the install log"


def test_compiled_modules_have_their_sources() -> None:
    for name in compiled_modules():
        assert name.startswith("clearance.")
        assert (PACKAGE.parent / (name.replace(".", "/") + ".py")).exists()


def test_version_tells_the_build(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--version"]) == 0
    out = capsys.readouterr().out
    kind = f"{len(compiled_modules())} compiled modules" if compiled_modules() else "pure Python"
    assert out.strip() == f"clearance {__version__} ({kind})"


def test_compiled_modules_score_like_their_sources(tmp_path: Path) -> None:
    if not compiled_modules():
        pytest.skip("pure-Python install: nothing compiled to compare")
    shutil.copytree(
        PACKAGE,
        tmp_path / "clearance",
        ignore=shutil.ignore_patterns("*.so", "*.pyd", "__pycache__"),
    )
    pairs = _pairs()
    env = {**os.environ, "PYTHONPATH": str(tmp_path)}
    proc = subprocess.run(
        [sys.executable, "-c", SCRIPT.format(profiles=PROFILES)],
        input=json.dumps(pairs),
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    pure = json.loads(proc.stdout)
    compiled = []
    for profile in PROFILES:
        matcher = Matcher(profile)
        for a, b, schema in pairs:
            r = matcher.compare(a, b, schema)
            compiled.append([r.score, [[f.name, f.contribution, f.reason] for f in r.features]])
    assert len(compiled) == len(pure)
    for pair, mine, theirs in zip(pairs * len(PROFILES), compiled, pure, strict=True):
        assert mine == theirs, pair
