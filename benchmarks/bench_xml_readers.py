"""Speed of the UN, EU and UK XML readers against a bare lxml parse of the same file.

    python benchmarks/bench_xml_readers.py [--repeat N] [--scale N]

For each file it prints the time of ``Source.read`` (read -> map, the whole Dataset) and of
the baseline, ``lxml.etree.parse`` of the file plus one walk over every element (what any
lxml reader pays at least), then the ratio read / baseline. "cold" is the first read in the
process (it builds rigour's country-name index once, about 0.8 s); the others are the median
of ``--repeat`` warm reads. The EU and UK files here are 5-entry excerpts, so they are also
measured replicated ``--scale`` times (fresh ids) to show the throughput a full file gets.
Real files come from ../shared/data and are never copied into the repository.
"""

from __future__ import annotations

import argparse
import re
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from lxml import etree

from clearance.sources.base import Source
from clearance.sources.eu import EuSource
from clearance.sources.uk import UkSource
from clearance.sources.un import UnSource

DATA = Path(__file__).resolve().parent.parent.parent / "shared" / "data"


def timed(func: Callable[[], object], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        func()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def baseline(path: Path) -> None:
    for _ in etree.parse(str(path)).iter():
        pass


def replicate(path: Path, record: str, id_pattern: str, times: int, out: Path) -> Path:
    """``path`` with its ``<record>`` elements repeated ``times`` times, ids made unique."""
    text = path.read_text(encoding="utf-8")
    found = re.search(rf"<{record}[\s>]", text)
    assert found is not None, record
    start = found.start()
    end = text.rindex(f"</{record}>") + len(record) + 3
    body = text[start:end]
    copies = [re.sub(id_pattern, lambda m, i=i: f"{m.group(0)}{i}", body) for i in range(times)]
    out.write_text(text[:start] + "\n".join(copies) + text[end:], encoding="utf-8")
    return out


def measure(label: str, source: Source, path: Path, repeat: int) -> None:
    entities = len(source.read(path).entities)
    ours = timed(lambda: source.read(path), repeat)
    base = timed(lambda: baseline(path), repeat)
    size = path.stat().st_size / 1e6
    print(
        f"{label:<34} {entities:>6} entities {size:6.1f} MB  read {ours * 1000:7.1f} ms  "
        f"lxml parse {base * 1000:6.1f} ms  ratio {ours / base:4.1f}x  "
        f"{entities / ours:8.0f} entities/s"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--scale", type=int, default=1000)
    args = parser.parse_args()
    un_file = DATA / "un" / "consolidated-2026-02-27.xml"
    start = time.perf_counter()
    UnSource().read(un_file)
    print(
        f"UN 2026-02-27 cold (first read, builds the country index): "
        f"{(time.perf_counter() - start) * 1000:.0f} ms"
    )
    measure("UN 2026-02-27", UnSource(), un_file, args.repeat)
    measure("UN 2018-10-29", UnSource(), DATA / "un" / "consolidated-2018-10-29.xml", args.repeat)
    eu_file = DATA / "eu" / "fsf-excerpt-2026-08-05.xml"
    uk_file = DATA / "uk" / "uk-sanctions-list-excerpt-2026-09-10.xml"
    measure("EU excerpt", EuSource(), eu_file, args.repeat)
    measure("UK excerpt", UkSource(), uk_file, args.repeat)
    with tempfile.TemporaryDirectory() as folder:
        eu_big = replicate(
            eu_file, "sanctionEntity", r'logicalId="\d+', args.scale, Path(folder) / "eu.xml"
        )
        measure(f"EU excerpt x{args.scale}", EuSource(), eu_big, max(1, args.repeat // 2))
        uk_big = replicate(
            uk_file, "Designation", r"<UniqueID>[A-Z]+\d+", args.scale, Path(folder) / "uk.xml"
        )
        measure(f"UK excerpt x{args.scale}", UkSource(), uk_big, max(1, args.repeat // 2))


if __name__ == "__main__":
    main()
