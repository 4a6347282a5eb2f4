"""Running the command line in-process, through its real entry point."""

from __future__ import annotations

import pytest

from clearance.cli import main


def invoke(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    """``clearance ARGS``: its exit code, standard output and standard error."""
    capsys.readouterr()
    try:
        code = int(main(list(args)) or 0)
    except SystemExit as exc:
        code = int(exc.code or 0)
    out, err = capsys.readouterr()
    return code, out, err
