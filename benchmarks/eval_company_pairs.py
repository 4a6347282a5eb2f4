"""Company names in their own script against their official English names: precision, recall.

    python benchmarks/eval_company_pairs.py [--baseline SRC] [--profile P] [--errors N]

The pairs are real: every (native legal name, English name) that the published lists give for
one organisation, built when the benchmark runs from

- the bundled statutory lists (DoD 1260H, NDAA 889, FCC Covered List: ``native_names``);
- the PRC counter-sanctions list (``../shared/data/cn``: its organisations' Chinese names);
- the UN Security Council list (``../shared/data/un``: entities' names in original script);
- OpenSanctions' Ukraine war sanctions targets (``../shared/data/opensanctions``: companies
  with a Cyrillic alias beside the Latin name).

The PRC list also gives Chinese names of foreign organisations (US defence contractors,
Japanese makers): those are the Chinese government's translations and transcriptions, not
the organisations' own names, and are reported apart ("foreign"), outside the targets.

Negatives are each native name against the English name of the most similar other organisation
(by the English names' token set ratio), so they are near misses: another research institute
of the same group, another "X Technology Co., Ltd.". A third of the pairs (by a hash of the
native name) is held out: the vocabulary tables were written and tuned looking at the other
two thirds only, and the held-out figures are the ones to quote.

With ``--baseline SRC`` the same pairs are also scored by the clearance sources under SRC (a
checkout of the previous build) in a subprocess, and both are printed with their ratio.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import json
import os
import re
import subprocess
import sys
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import yaml
from rapidfuzz import fuzz, process

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared" / "data"
STATUTORY = ROOT / "src" / "clearance" / "data" / "statutory"
ORG_SCHEMATA = ("Company", "Organization", "LegalEntity")
HELD_OUT_SHARE = 3  # of 10
_ENTITY = re.compile(r"<ENTITY>(.*?)</ENTITY>", re.S)
_TAG = "<{0}>([^<]*)</{0}>"


@dataclass(frozen=True, slots=True)
class Pair:
    native: str
    english: str
    label: bool
    source: str

    @property
    def held_out(self) -> bool:
        digest = hashlib.sha256(self.native.encode()).digest()
        return digest[0] % 10 < HELD_OUT_SHARE

    @property
    def language(self) -> str:
        return language(self.native)


def language(text: str) -> str:
    if re.search("[\u3040-\u30ff]", text) or "会社" in text:
        return "ja"
    if re.search("[\uac00-\ud7af]", text):
        return "ko"
    if re.search("[\u4e00-\u9fff]", text):
        return "zh"
    if re.search("[\u0400-\u04ff]", text):
        return "ru"
    if re.search("[\u0600-\u06ff]", text):
        return "ar"
    return "other"


def _mostly_native(text: str) -> bool:
    letters = [c for c in text if c.isalpha()]
    return bool(letters) and sum(not c.isascii() for c in letters) >= 0.8 * len(letters)


def statutory_pairs() -> Iterator[tuple[str, str, str]]:
    """Each legal name in its own script against the English name and every strong alias."""
    for path in sorted(STATUTORY.glob("*.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        for entry in data["entries"]:
            english = [entry["name"], *(entry.get("aliases") or ())]
            for native in entry.get("native_names") or ():
                for name in english:
                    if name.isascii() and name.strip(" .,").casefold() not in LEGAL_ONLY:
                        yield native["name"], name, path.stem


#: aliases of the curated lists that are a legal form alone (a name split at its comma)
LEGAL_ONLY = frozenset({"ltd", "co", "inc", "llc", "corp", "limited", "co ltd"})
#: countries whose organisations' Chinese names on the PRC list are their own legal names
CHINESE_COUNTRIES = ("CN", "TW", "HK", "MO")


def prc_pairs(own: bool = True) -> Iterator[tuple[str, str, str]]:
    """Organisations of the PRC counter-sanctions list with their Chinese names: with ``own``
    those of Chinese-speaking countries (the name is their own legal name), else the foreign
    ones (the name is a Chinese translation or transcription of theirs)."""
    path = SHARED / "cn" / "prc-countersanctions.csv"
    with open(path, encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            chinese = row["Country"].upper() in CHINESE_COUNTRIES
            named = row["Type"] in ORG_SCHEMATA and row["Chinese name"] and row["Name"]
            if named and chinese == own:
                yield row["Chinese name"].strip(), row["Name"].strip(), "cn-prc"


def prc_foreign_pairs() -> Iterator[tuple[str, str, str]]:
    for native, english, _ in prc_pairs(own=False):
        yield native, english, "cn-prc-foreign"


def un_pairs() -> Iterator[tuple[str, str, str]]:
    text = (SHARED / "un" / "consolidated-2026-02-27.xml").read_text(encoding="utf-8")
    for block in _ENTITY.findall(text):
        native = re.search(_TAG.format("NAME_ORIGINAL_SCRIPT"), block)
        name = re.search(_TAG.format("FIRST_NAME"), block)
        if native and name and _mostly_native(native[1]):
            yield " ".join(native[1].split()), name[1].strip(), "un-sc"


def targets_pairs() -> Iterator[tuple[str, str, str]]:
    path = SHARED / "opensanctions" / "ua_war_sanctions.targets.simple.csv"
    csv.field_size_limit(1 << 24)
    with open(path, encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            if row["schema"] not in ORG_SCHEMATA or not row["name"].isascii():
                continue
            for alias in row["aliases"].split(";"):
                if _mostly_native(alias) and re.search("[\u0400-\u04ff]", alias):
                    yield alias.strip(), row["name"].strip(), "ua-war"


def build_pairs() -> list[Pair]:
    seen: dict[tuple[str, str], str] = {}
    for builder in (statutory_pairs, prc_pairs, un_pairs, targets_pairs, prc_foreign_pairs):
        try:
            for native, english, source in builder():
                seen.setdefault((native, english), source)
        except FileNotFoundError as exc:
            print(f"skipped {builder.__name__}: {exc.filename} is absent", file=sys.stderr)
    positives = [Pair(n, e, True, s) for (n, e), s in seen.items()]
    natives_of: dict[str, set[str]] = defaultdict(set)
    for pair in positives:
        natives_of[pair.english.casefold()].add(pair.native)
    englishes = sorted(natives_of)
    negatives: list[Pair] = []
    for pair in positives:
        key = pair.english.casefold()
        for other, _, _ in process.extract(key, englishes, scorer=fuzz.token_set_ratio, limit=8):
            # another organisation: neither the same English name nor one of its native names,
            # nor a name that holds the other's words (a parent, a branch: related companies)
            related = fuzz.token_set_ratio(other, key) >= 100
            if other != key and not related and not natives_of[other] & natives_of[key]:
                negatives.append(Pair(pair.native, other, False, pair.source))
                break
    return positives + negatives


def score_pairs(pairs: list[Pair], profile: str) -> list[float]:
    from clearance.match.scorer import Matcher

    matcher = Matcher(profile)
    return [matcher.compare(p.native, p.english, "Company").score for p in pairs]


def _table(pairs: list[Pair], scores: list[float], threshold: float) -> dict[str, list[int]]:
    """(tp, fp, fn, tn) by part of the set (held-out / tuning) and language."""
    out: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0, 0])
    for pair, score in zip(pairs, scores, strict=True):
        part = "held-out" if pair.held_out else "tuning"
        if pair.source == "cn-prc-foreign":
            part = "foreign " + part
        hit = score >= threshold
        cell = 0 if pair.label and hit else 2 if pair.label else 1 if hit else 3
        keys = [part, f"{part} {pair.language}"]
        if pair.source != "cn-prc-foreign":
            keys.append("all")
        for key in keys:
            out[key][cell] += 1
    return out


def _pr(counts: list[int]) -> tuple[float, float]:
    tp, fp, fn, _ = counts
    return tp / max(tp + fp, 1), tp / max(tp + fn, 1)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--baseline", help="the src folder of the build to compare with")
    parser.add_argument("--profile", default="balanced")
    parser.add_argument("--errors", type=int, default=0, help="print N errors (tuning part)")
    parser.add_argument("--scores-only", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    pairs = build_pairs()
    if args.scores_only:
        json.dump(score_pairs(pairs, args.profile), sys.stdout)
        return
    from clearance.match.profiles import get_profile

    threshold = get_profile(args.profile).threshold
    scores = score_pairs(pairs, args.profile)
    base: list[float] | None = None
    if args.baseline:
        env = dict(os.environ, PYTHONPATH=str(Path(args.baseline).resolve()))
        cmd = [sys.executable, __file__, "--scores-only", "--profile", args.profile]
        base = json.loads(subprocess.run(cmd, env=env, check=True, capture_output=True).stdout)
    ours = _table(pairs, scores, threshold)
    theirs = _table(pairs, base, threshold) if base is not None else None
    positives = sum(p.label for p in pairs)
    print(
        f"{positives} positive and {len(pairs) - positives} negative pairs, profile "
        f"{args.profile} (threshold {threshold:.2f})"
    )
    print(
        f"{'part':<18}{'pairs':>6}  {'precision':>9} {'recall':>7}"
        + (f"  {'baseline P':>10} {'R':>6}  {'recall ratio':>12}" if theirs else "")
    )
    for key in sorted(ours, key=lambda k: (k != "all", k)):
        p, r = _pr(ours[key])
        line = f"{key:<18}{sum(ours[key]):>6}  {p:>9.3f} {r:>7.3f}"
        if theirs is not None:
            bp, br = _pr(theirs[key])
            line += f"  {bp:>10.3f} {br:>6.3f}  {r / br if br else float('inf'):>12.2f}"
        print(line)
    shown = 0
    for pair, score in zip(pairs, scores, strict=True):
        if shown >= args.errors or pair.held_out or pair.source == "cn-prc-foreign":
            continue
        if (score >= threshold) != pair.label:
            shown += 1
            kind = "FN" if pair.label else "FP"
            print(f"{kind} {score:.2f} [{pair.language}] {pair.native} | {pair.english}")


if __name__ == "__main__":
    main()
