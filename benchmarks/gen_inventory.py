"""Generate a seeded asset inventory for `clearance assets screen` benchmarks and tests.

    python benchmarks/gen_inventory.py OUT.csv --rows 1000000 --seed 7 [--ieee ../shared/data/ieee]

Columns: reference, mac, manufacturer, brand, model, description. MAC addresses are drawn from
the real IEEE registries (a random block, a random device part), with a few locally
administered, group and malformed ones; the other fields from a mix of makers on and off the
lists, written as inventories write them (case, legal forms, spacing), and from both makers'
model numbers. ``--every-block`` writes one row per registered block instead (the MAC check of
the tests: every block of a listed maker found, no other).
"""

from __future__ import annotations

import argparse
import csv
import random
import sys
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SHARED_IEEE = ROOT.parent / "shared" / "data" / "ieee"
HEADER = ("reference", "mac", "manufacturer", "brand", "model", "description")

#: (manufacturer spellings, brands, models): listed makers first, then makers on no list
MAKERS: list[tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...]]] = [
    (("Hikvision", "HIKVISION DIGITAL TECHNOLOGY CO.,LTD", "Hangzhou Hikvision"),
     ("Hikvision", "HiLook", "EZVIZ", "HiWatch"),
     ("DS-2CD2143G2-I", "DS-2CD2387G2-LU", "DS-7608NI-K2", "DS-2DE4425IW-DE", "DS-K1T671MF")),
    (("Dahua", "Dahua Technology", "Zhejiang Dahua Technology Co., Ltd."),
     ("Dahua", "Imou"),
     ("IPC-HFW2431S-S-S2", "DH-IPC-HDBW2431E-S", "DHI-NVR4108HS-4KS2")),
    (("Huawei", "Huawei Technologies Co., Ltd."), ("Huawei",),
     ("HG8245H", "EG8145V5", "CloudEngine S5735-L24T4X", "AR6140")),
    (("ZTE", "ZTE Corporation"), ("ZTE",), ("ZXHN F670L", "ZXA10 C300", "F660")),
    (("Hytera", "Hytera Communications"), ("Hytera",), ("PD785", "HP785", "MD785")),
    (("Axis Communications AB", "Axis"), ("AXIS",), ("P3245-LVE", "M3106-L Mk II", "Q6135-LE")),
    (("Bosch Security Systems",), ("Bosch",), ("NDE-3502-AL", "FLEXIDOME IP 5000i")),
    (("Hanwha Vision",), ("Wisenet",), ("XNV-6081Z", "QNV-6012R", "PNM-9000VQ")),
    (("Cisco Systems, Inc",), ("Cisco",), ("C9200L-24P-4G", "ISR4331/K9")),
    (("Apple, Inc.",), ("Apple",), ("MacBook Pro A2338", "iPhone 13")),
    (("Dell Inc.",), ("Dell",), ("PowerEdge R740", "Latitude 5420")),
    (("HP Inc.",), ("HP",), ("HP Z440", "LaserJet Pro M404dn")),
    (("Motorola Solutions",), ("MOTOTRBO",), ("DP4800e", "XPR 7550", "APX 6000")),
    (("Ubiquiti Inc",), ("UniFi",), ("UVC-G4-PRO", "U6-LR")),
    (("Synology Inc.",), ("Synology",), ("DS920+", "DS1621+")),
    (("Uniview",), ("Uniview",), ("IPC322LB-DSF28K-G", "NVR301-04LS3-P4")),
    (("Lenovo",), ("ThinkPad",), ("ThinkPad T14", "ThinkCentre M70q")),
    (("Samsung Electronics Co.,Ltd",), ("Samsung",), ("SM-G991B", "QM55R")),
    (("Intel Corporate",), ("Intel",), ("NUC11PAHi5",)),
    (("Juniper Networks",), ("Juniper",), ("EX2300-24P",)),
]  # fmt: skip
KINDS = ("camera", "recorder", "switch", "router", "radio", "laptop", "server", "printer")


def _registry(folder: Path) -> list[tuple[str, str]]:
    """(prefix, organisation) of every block of the registries in ``folder``."""
    sys.path.insert(0, str(ROOT / "src"))
    from clearance.sources.ieee import read_registry

    blocks: list[tuple[str, str]] = []
    for name in ("oui.csv", "mam.csv", "oui36.csv"):
        path = folder / name
        if path.is_file():
            blocks.extend((r.assignment, r.organization) for r in read_registry(path))
    return blocks


def _mac(prefix: str, rng: random.Random) -> str:
    digits = prefix + "".join(rng.choice("0123456789ABCDEF") for _ in range(12 - len(prefix)))
    sep = rng.choice([":", ":", "-", ""])
    text = sep.join(digits[i : i + 2] for i in range(0, 12, 2))
    return text.lower() if rng.random() < 0.3 else text


def _odd_mac(rng: random.Random) -> str:
    kind = rng.random()
    if kind < 0.4:  # locally administered
        first = (rng.randrange(256) | 0x02) & 0xFE
        return f"{first:02X}:" + ":".join(f"{rng.randrange(256):02X}" for _ in range(5))
    if kind < 0.6:
        return "01:00:5E:00:00:FB"
    if kind < 0.8:
        return "not recorded"
    return ""


def rows(count: int, seed: int, blocks: list[tuple[str, str]]) -> Iterator[tuple[str, ...]]:
    """``count`` inventory rows; the same seed always gives the same rows."""
    rng = random.Random(seed)
    for n in range(count):
        manufacturers, brands, models = rng.choice(MAKERS)
        mac = _mac(rng.choice(blocks)[0], rng) if blocks and rng.random() < 0.95 else _odd_mac(rng)
        model = rng.choice(models) if rng.random() < 0.8 else ""
        description = f"{rng.choice(KINDS)} {rng.choice(brands)} {model}".strip()
        yield (
            f"asset-{n}",
            mac,
            rng.choice(manufacturers) if rng.random() < 0.7 else "",
            rng.choice(brands) if rng.random() < 0.5 else "",
            model,
            description if rng.random() < 0.6 else "",
        )


def every_block(blocks: list[tuple[str, str]], seed: int) -> Iterator[tuple[str, ...]]:
    """One row per registered block: an address inside it, nothing else."""
    rng = random.Random(seed)
    for n, (prefix, _) in enumerate(blocks):
        yield (f"block-{n}", _mac(prefix, rng), "", "", "", "")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("out", type=Path)
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--ieee", type=Path, default=SHARED_IEEE)
    parser.add_argument("--every-block", action="store_true")
    args = parser.parse_args(argv)
    blocks = _registry(args.ieee)
    source = (
        every_block(blocks, args.seed) if args.every_block else rows(args.rows, args.seed, blocks)
    )
    with args.out.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(HEADER)
        written = 0
        for row in source:
            writer.writerow(row)
            written += 1
    print(f"wrote {written:,} rows to {args.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
