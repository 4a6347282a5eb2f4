"""Candidate recall of the index: does it hand the matcher every entity that would pass?

    python benchmarks/bench_screen_recall.py HOME [--queries 600] [--workers 2]
    python benchmarks/bench_screen_recall.py HOME --cross-script [--queries 2400] [--exhaustive 60]

For a seeded sample of queries (perturbed names of listed people with birth year and
nationality, perturbed aliases of listed entities of every kind, unlisted people, the company
cases) every entity of the store is scored exhaustively with the matcher; recall is the share
of (query, entity) pairs at or above the threshold that the index also returned as candidates.
Also prints the candidate-set size. With ``--cross-script`` the queries are names in other
scripts than Latin, in every script the matcher reads: the native-script names the lists
publish (UN, PRC, DoD, OpenSanctions: the same person or company is often listed elsewhere in
Latin only, as Saddam Hussein is on the SDN list), the native tokens of the Wikidata
transliteration pairs (Arabic, Chinese, Russian, Korean, Japanese, Hebrew) and generated
people in their own scripts (Greek, Thai, Armenian, Georgian, Devanagari, Bengali...);
recall is printed per script. The exhaustive pass is slow (about 20 s of CPU a query):
``--exhaustive N`` runs it on N queries spread over the sample only. With ``--cross-script``
half the sample is listed people's Latin names written in six scripts
(``written_names.py``), each also scored against the entity it was made from: the share of
those passing the scorer that retrieval hands it is printed per script, on every query.
"""

from __future__ import annotations

import argparse
import dataclasses
import hashlib
import json
import random
import sys
import time
from multiprocessing import get_context
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.screen_eval import (
    company_cases,
    listed_person_queries,
    negative_queries,
    perturb,
)

import clearance
from bench_screen_data import SHARED, load_all
from clearance.index import IndexSearcher, SearchParams
from clearance.model import Entity, Query
from clearance.screen import Screener
from clearance.text.scripts import detect_script
from written_names import WIKIDATA, written_names

_STATE: dict[str, object] = {}


def _code_key() -> str:
    """A digest of the package's code and reference data: the matcher's scores depend on both."""
    root = Path(clearance.__file__).resolve().parent
    digest = hashlib.sha256()
    for path in sorted(p for p in root.rglob("*") if p.suffix in (".py", ".yaml")):
        digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


Targeted = tuple[Query, str]  # a query and the id of the entity it was derived from ("": none)


def alias_queries(entities: list[Entity], count: int, seed: int) -> list[Targeted]:
    """Perturbed non-primary names of random entities (companies, vessels, people)."""
    rng = random.Random(seed)
    pool = [e for e in entities if len(e.names) > 1]
    out: list[Targeted] = []
    for entity in rng.sample(pool, min(count, len(pool))):
        name = rng.choice(entity.names[1:]).value
        out.append((Query(name=perturb(name, rng)[0], schema=entity.schema), entity.id))
    return out


def build_queries(screener: Screener, total: int, seed: int) -> list[Targeted]:
    entities = [screener.index.entity(i) for i in range(screener.index.size)]
    rng = random.Random(seed)
    people = [(q, target) for q, target, _ in listed_person_queries(entities, seed)]
    negatives = list(negative_queries(SHARED / "eval" / "negatives_global_1k.csv"))
    negatives += list(negative_queries(SHARED / "eval" / "negatives_us_1k.csv"))
    cases = [(Query(name=c["query"], schema=c["schema"]), "") for c in company_cases()]
    share = max(total // 3, 1)
    queries = rng.sample(people, min(share, len(people)))
    queries += alias_queries(entities, share, seed)
    queries += [(q, "") for q in rng.sample(negatives, min(total - 2 * share, len(negatives)))]
    return queries + cases


def cross_script_queries(entities: list[Entity], total: int, seed: int) -> list[Targeted]:
    """Names in scripts other than Latin: listed people's Latin names written in six
    scripts (:mod:`written_names`, half of ``total``), and a sixth each of the listed names in
    their own script, Wikidata transliteration tokens and generated people in their own
    scripts (Greek, Thai, Armenian, Georgian, Devanagari, Bengali...)."""
    from bench_unlisted_people import people

    rng = random.Random(seed)
    out = [
        (Query(name=name, schema="Person"), target)
        for name, target in written_names(entities, max(total // 12, 1), seed)
    ]
    listed = [
        (Query(name=n.value, schema=e.schema), e.id)
        for e in entities
        for n in e.names
        if not n.value.isascii() and detect_script(n.value) not in ("Latn", "")
    ]
    share = max(total // 6, 1)
    out += rng.sample(listed, min(share, len(listed)))
    tokens: list[str] = []
    for lang in WIKIDATA:  # (their native tokens alone, as unlisted people)
        with open(SHARED / "eval" / "translit" / f"wd_{lang}_16", encoding="utf-8") as handle:
            rows = [line.split("\t") for line in handle]
        tokens += rng.sample(
            [r[1].replace(" ", "").strip() for r in rows if len(r) >= 2 and r[1].strip()], 60
        )
    out += [
        (Query(name=t, schema="Person"), "") for t in rng.sample(tokens, min(share, len(tokens)))
    ]
    generated = [name for _, form, name in people(share * 4, seed) if form == "native"]
    out += [(Query(name=n, schema="Person"), "") for n in generated[:share]]
    return out


def _init(home: str) -> None:
    from clearance.settings import Settings

    screener = Screener.open(Settings(home=Path(home)))
    prepared = [
        screener.scorer.prepare(screener.index.entity(i)) for i in range(screener.index.size)
    ]
    _STATE.update(screener=screener, prepared=prepared)


def _exhaustive(query: Query) -> list[int]:
    screener: Screener = _STATE["screener"]  # type: ignore[assignment]
    prepared: list[object] = _STATE["prepared"]  # type: ignore[assignment]
    cut = screener.scorer.threshold
    # score_above skips, by the name bound, pairs that cannot reach the threshold: exact, since
    # the bound never undercuts the score (tests/match/test_bounds.py), and ~10 times faster
    scorer = screener.scorer
    above = getattr(scorer, "score_above", None)
    if above is None:
        return [i for i, p in enumerate(prepared) if scorer.score(query, p).score >= cut]
    return [i for i, p in enumerate(prepared) if (r := above(query, p, cut)) and r.score >= cut]


def _targeted(item: tuple[Query, int]) -> bool:
    """Whether the query passes against the entity it was made from."""
    query, index = item
    screener: Screener = _STATE["screener"]  # type: ignore[assignment]
    prepared: list[object] = _STATE["prepared"]  # type: ignore[assignment]
    scorer = screener.scorer
    result = scorer.score_above(query, prepared[index], scorer.threshold)  # type: ignore[arg-type]
    return result is not None and result.score >= scorer.threshold


def targeted_recall(
    screener: Screener, targeted: list[Targeted], home: Path, workers: int
) -> dict[str, list[int]]:
    """Per script: [queries made from a listed entity, those that pass against it, those
    whose entity retrieval hands the scorer]. Cheap (one score a query), so it runs on every
    query of the sample."""
    index_of = {entity_id: i for i, entity_id in enumerate(screener.index.entity_ids)}
    items = [(q, index_of[t]) for q, t in targeted if t in index_of]
    with get_context("fork").Pool(workers, _init, (str(home),)) as pool:
        passed = pool.map(_targeted, items, chunksize=16)
    out: dict[str, list[int]] = {}
    for (query, index), ok in zip(items, passed, strict=True):
        tally = out.setdefault(detect_script(query.name) or "none", [0, 0, 0])
        tally[0] += 1
        if not ok:
            continue
        tally[1] += 1
        got = {c.index for c in screener.searcher.candidates([query.name], schema=query.schema)}
        if index in got:
            tally[2] += 1
        else:
            print(f"  missed (target): {query.name!r} -> {screener.index.entity(index).caption!r}")
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("home", type=Path)
    parser.add_argument("--queries", type=int, default=600)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--seed", type=int, default=5)
    parser.add_argument("--cross-script", action="store_true", help="queries in other scripts")
    parser.add_argument(
        "--exhaustive",
        type=int,
        default=0,
        metavar="N",
        help="score every entity for N of the queries only (spread over the sample); with "
        "--cross-script every query made from a listed entity is also scored against it",
    )
    parser.add_argument(
        "--param",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="a SearchParams field to try another value of (repeatable)",
    )
    args = parser.parse_args()
    settings = load_all(args.home, quiet=True)
    screener = Screener.open(settings)
    if args.param:
        fields = {f.name: f.type for f in dataclasses.fields(SearchParams)}
        overrides: dict[str, float] = {}
        for item in args.param:
            key, _, value = item.partition("=")
            if key not in fields:
                parser.error(f"no search parameter {key!r}")
            overrides[key] = int(value) if fields[key] == "int" else float(value)
        screener.searcher = IndexSearcher(screener.index, SearchParams(**overrides))
    if args.cross_script:
        entities = [screener.index.entity(i) for i in range(screener.index.size)]
        targeted = cross_script_queries(entities, args.queries, args.seed)
    else:
        targeted = build_queries(screener, args.queries, args.seed)
    if args.cross_script:
        by_script = targeted_recall(screener, targeted, settings.home, args.workers)
        total = [sum(t[k] for t in by_script.values()) for k in range(3)]
        print(
            f"queries made from a listed entity: {total[0]}; passing against it: {total[1]}; "
            f"handed to the scorer: {total[2]}/{total[1]} = {total[2] / max(total[1], 1):.4f}"
        )
        for script, (made, passing, handed) in sorted(by_script.items()):
            print(f"  {script}: {made} made, {handed}/{passing} passing found")
    if args.exhaustive and args.exhaustive < len(targeted):
        step = len(targeted) / args.exhaustive
        targeted = [targeted[int(k * step)] for k in range(args.exhaustive)]
    queries = [q for q, _ in targeted]
    started = time.perf_counter()
    # exhaustive scores of this store state, matcher and sample, from an earlier run
    kind = "cross" if args.cross_script else "mixed"
    size = f"{args.queries}-{args.exhaustive}" if args.exhaustive else str(args.queries)
    name = f"recall-{kind}-{screener.state_key}-{_code_key()}-{size}-{args.seed}.json"
    cache = settings.home / name
    if cache.is_file():
        truth = json.loads(cache.read_text())
    else:
        with get_context("fork").Pool(args.workers, _init, (str(settings.home),)) as pool:
            truth = pool.map(_exhaustive, queries, chunksize=8)
        cache.write_text(json.dumps(truth))
    exhaustive_s = time.perf_counter() - started
    pairs = found = target_pairs = target_found = 0
    sizes: list[int] = []
    missed: list[tuple[str, str]] = []
    by_script: dict[str, list[int]] = {}
    for (query, target), positives in zip(targeted, truth, strict=True):
        got = {
            c.index
            for c in screener.searcher.candidates(
                [query.name, *query.aliases], identifiers=query.identifiers, schema=query.schema
            )
        }
        sizes.append(len(got))
        pairs += len(positives)
        found += sum(1 for i in positives if i in got)
        tally = by_script.setdefault(detect_script(query.name) or "none", [0, 0, 0])
        tally[0] += 1
        tally[1] += len(positives)
        tally[2] += sum(1 for i in positives if i in got)
        for i in positives:
            entity_id = screener.index.entity_ids[i]
            if entity_id == target:
                target_pairs += 1
                target_found += i in got
                if i not in got:
                    print(f"  missed (target): {query.name!r} -> {entity_id}")
            elif i not in got:
                missed.append((query.name, screener.index.entity(i).caption))
    print(f"store: {screener.index.size:,} entities, {len(screener.index.name_entity):,} names")
    print(f"queries: {len(queries)}; exhaustive scoring took {exhaustive_s:.0f} s")
    print(
        f"candidate recall, all pairs at or above the threshold: {found}/{pairs} = "
        f"{found / max(pairs, 1):.4f}"
    )
    print(
        f"candidate recall, the entity each variant was made from (when it passes): "
        f"{target_found}/{target_pairs} = {target_found / max(target_pairs, 1):.4f}"
    )
    print(
        f"candidates per query: median {np.median(sizes):.0f}, mean {np.mean(sizes):.1f}, "
        f"max {max(sizes)}; exhaustive would score {screener.index.size:,}"
    )
    for script, (count, script_pairs, script_found) in sorted(by_script.items()):
        print(
            f"  {script}: {count} queries, {script_found}/{script_pairs} pairs found"
            + (f" = {script_found / script_pairs:.4f}" if script_pairs else "")
        )
    for name, caption in missed[:25]:
        print(f"  missed (other entity): {name!r} -> {caption!r}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
