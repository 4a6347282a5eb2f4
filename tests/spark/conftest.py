"""Spark in local mode (``local[2]``), one session per test module, and a store with an SDN
fixture, the bundled lists and an ownership file, so that results carry matches, legal
effects, warnings, errors and findings through ownership.

Spark needs a Java runtime: without one the Spark tests are skipped, except in CI (``CI`` set),
where they fail instead, so a missing runtime cannot pass unnoticed."""

from __future__ import annotations

import os
import shutil
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from clearance.cli import main
from clearance.settings import Settings
from clearance.sources.ofac import SdnSource
from tests.exposure.helpers import load_small

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"

#: links between the SDN fixture's parties and parties on no list (ownership findings)
LINKS = """owner,owned,share,as_of,source
us-ofac-sdn:1002,Northwind Holding Ltd,60,2024-01-01,registry extract
Northwind Holding Ltd,Northwind Components GmbH,100,,annual report 2024
us-ofac-sdn:1005,Northwind Components GmbH,10,,
"""


def _java() -> bool:
    home = os.environ.get("JAVA_HOME")
    return bool(shutil.which("java") or (home and Path(home, "bin", "java").is_file()))


@pytest.fixture(scope="module")
def spark() -> Iterator[object]:
    """A local Spark session on two cores for the test module."""
    if not _java():
        message = "Spark needs a Java runtime (java on PATH or JAVA_HOME)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    from pyspark.sql import SparkSession  # after the Java check: the module needs no JVM

    # the Python workers run this interpreter, where clearance and its dependencies are
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("PYSPARK_PYTHON", sys.executable)
        session = (
            SparkSession.builder.master("local[2]")
            .appName("clearance tests")
            .config("spark.ui.enabled", "false")
            .config("spark.ui.showConsoleProgress", "false")
            .config("spark.log.level", "ERROR")
            .config("spark.sql.shuffle.partitions", "4")
            .getOrCreate()
        )
        try:
            yield session
        finally:
            session.stop()


@pytest.fixture(scope="module")
def spark_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A home with the SDN fixture, the bundled lists and an ownership file, its index and
    graph persisted."""
    base = tmp_path_factory.mktemp("spark")
    home = base / "home"
    load_small(Settings(home=home), SdnSource(), FIXTURES / "ofac" / "sdn-csv")
    links = base / "links.csv"
    links.write_text(LINKS, encoding="utf-8")
    with pytest.MonkeyPatch.context() as patch:
        for key in [k for k in os.environ if k.startswith("CLEARANCE_")]:
            patch.delenv(key)
        patch.setenv("CLEARANCE_HOME", str(home))
        try:
            code = main(["ownership", "import", str(links)])
        except SystemExit as exc:
            code = exc.code
        assert not code
    return home
