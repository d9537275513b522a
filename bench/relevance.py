"""Relevance of the matcher: does ``/search`` (and ``/reconcile``) find the entity a name names?

The relevance set is generated from the catalog's own names, never written by hand: for every
named entity (institution, person, program, place, topic, source) and each of its names in each
language (preferred and alternative), the queries a person would type:

- ``name``: the name in lower case;
- ``short``: the name without its parenthesised parts (when it has some);
- ``acronym``: an acronym the name gives in parentheses, or the name itself when it is one;
- ``translit``: a Cyrillic name transliterated to Latin by the ICAO scheme of Russian passports
  (:data:`ICAO`: not the catalog's own folding, so the matcher has to bridge two spellings).

A query whose folded form comes from names of two or more entities has no single right answer
and is left out (counted as ``ambiguous``). For each query the answer's ranked IRIs give the
rank of the expected entity: top-1 and top-3 shares, mean reciprocal rank (0 when not found),
and ``derived above named``: answers in which a derived node (partnership, role, claim) is
ranked above a named entity.

Run on the real catalog (``data/``, built into a scratch folder, answered through the Flask
test client): ``python -m bench.relevance`` (``--json PATH``, ``--var-dir DIR`` to reuse a
build). As a plug-in of ``python -m bench`` (:func:`measure`) it samples the synthetic
catalog's names, asks the running server over HTTP, and also times a batch of 10 reconciliation
queries (median; budget 50 ms at 10^6 triples).
"""

from __future__ import annotations

import argparse
import json
import logging
import statistics
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import requests

from museumkg.index.catalog_index import INDEX_FILE, CatalogIndex
from museumkg.index.match_tables import NAMED_KINDS
from museumkg.index.name_keys import is_acronym, short_form
from museumkg.textfold import latin

#: Russian (and Kazakh) letters in the ICAO 9303 transliteration (Russian passports since 2013).
ICAO = str.maketrans(
    {
        "а": "a", "б": "b", "в": "v", "г": "g", "д": "d", "е": "e", "ё": "e", "ж": "zh",
        "з": "z", "и": "i", "й": "i", "к": "k", "л": "l", "м": "m", "н": "n", "о": "o",
        "п": "p", "р": "r", "с": "s", "т": "t", "у": "u", "ф": "f", "х": "kh", "ц": "ts",
        "ч": "ch", "ш": "sh", "щ": "shch", "ъ": "ie", "ы": "y", "ь": "", "э": "e", "ю": "iu",
        "я": "ia", "ә": "a", "ғ": "g", "қ": "q", "ң": "n", "ө": "o", "ұ": "u", "ү": "u",
        "һ": "h", "і": "i",
    }
)  # fmt: skip
FORMS = ("name", "short", "acronym", "translit")
#: Queries per reconciliation batch (what OpenRefine sends is 10 by default).
BATCH = 10
RESULTS = Path(__file__).resolve().parent / "results" / "relevance.json"


@dataclass(frozen=True)
class Case:
    """One query of the relevance set and the entity it must find."""

    query: str
    form: str
    expected: str


def queries_of(text: str) -> list[tuple[str, str]]:
    """The ``(form, query)`` pairs a name gives (see the module docstring).

    >>> queries_of("Центр (ЦСИ)")
    [('name', 'центр (цси)'), ('short', 'центр'), ('acronym', 'цси'), ('translit', 'tsentr (tssi)')]
    """
    found = [("acronym" if is_acronym(text) else "name", text.lower())]
    short = short_form(text)
    if short and short != text:
        found.append(("short", short.lower()))
        for part in text.replace("[", "(").replace("]", ")").split("(")[1:]:
            inner = part.split(")")[0].strip()
            if is_acronym(inner):
                found.append(("acronym", inner.lower()))
    lowered = text.lower()
    if any("\u0400" <= c <= "\u04ff" for c in lowered):
        found.append(("translit", lowered.translate(ICAO)))
    return found


def relevance_set(index: CatalogIndex, *, sample: int | None = None) -> tuple[list[Case], int]:
    """The cases from every named entity's names, and how many queries were ambiguous.

    With ``sample``, about that many cases, taken evenly over the entities (synthetic catalogs).
    """
    by_key: dict[str, set[str]] = defaultdict(set)
    cases: dict[tuple[str, str], Case] = {}
    for row in index.iter_names(sorted(NAMED_KINDS)):
        for form, query in queries_of(row["text"]):
            key = latin(query)
            if len(key) < 2:
                continue
            by_key[key].add(row["iri"])
            cases.setdefault((key, row["iri"]), Case(query, form, row["iri"]))
    kept = [c for (key, _iri), c in cases.items() if len(by_key[key]) == 1]
    ambiguous = len(cases) - len(kept)
    if sample and len(kept) > sample:
        step = len(kept) / sample
        kept = [kept[int(i * step)] for i in range(sample)]
    return kept, ambiguous


#: An answer: the ranked (iri, named) pairs for a query.
Answer = list[tuple[str, bool]]


def score(cases: Sequence[Case], answers: Sequence[Answer]) -> dict[str, Any]:
    """Top-1, top-3 (per cent), MRR, derived-above-named count, and top-1 per query form."""
    top1 = top3 = derived_above = 0
    reciprocal = 0.0
    per_form: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    misses: list[dict[str, Any]] = []
    for case, answer in zip(cases, answers, strict=True):
        iris = [iri for iri, _named in answer]
        rank = iris.index(case.expected) + 1 if case.expected in iris else 0
        top1 += rank == 1
        top3 += 0 < rank <= 3
        reciprocal += 1 / rank if rank else 0.0
        named = [n for _iri, n in answer]
        if any(not a and b for i, a in enumerate(named) for b in named[i + 1 :]):
            derived_above += 1
        per_form[case.form][0] += rank == 1
        per_form[case.form][1] += 1
        if rank != 1 and len(misses) < 20:
            misses.append({"query": case.query, "expected": case.expected, "got": iris[:3]})
    n = len(cases) or 1
    return {
        "queries": len(cases),
        "top1_pct": round(100 * top1 / n, 2),
        "top3_pct": round(100 * top3 / n, 2),
        "mrr": round(reciprocal / n, 4),
        "derived_above_named": derived_above,
        "top1_pct_by_form": {f: round(100 * v[0] / v[1], 2) for f, v in sorted(per_form.items())},
        "misses": misses,
    }


#: How a runner asks: GET (path, params) or POST (path, form) -> (status, JSON body).
Get = Callable[[str, dict[str, str]], tuple[int, Any]]
Post = Callable[[str, dict[str, str]], tuple[int, Any]]


def search_answers(get: Get, cases: Sequence[Case]) -> list[Answer]:
    """``/search?format=json`` for each case: the first page's (iri, named)."""
    answers = []
    for case in cases:
        status, body = get("/search", {"q": case.query, "format": "json"})
        hits = body.get("hits", []) if status == 200 else []
        # ``named`` appeared with the matcher: before it, judge by kind
        answers.append(
            [(h["iri"], h.get("named", h["kind"] in NAMED_KINDS)) for h in hits]  # type: ignore[misc]
        )
    return answers


def reconcile_answers(get: Get, post: Post, cases: Sequence[Case]) -> list[Answer] | None:
    """``/reconcile`` in batches of :data:`BATCH`; ``None`` when the service is missing."""
    status, manifest = get("/reconcile", {})
    if status == 404:
        return None
    space = manifest["identifierSpace"]  # ids are IRIs without it
    answers: list[Answer] = []
    for start in range(0, len(cases), BATCH):
        batch = {f"q{i}": {"query": c.query} for i, c in enumerate(cases[start : start + BATCH])}
        status, body = post("/reconcile", {"queries": json.dumps(batch)})
        for key in batch:
            result = body.get(key, {}).get("result", []) if status == 200 else []
            # a service id starts with the entity's kind (``org/...``)
            answers.append(
                [(space + r["id"], r["id"].split("/", 1)[0] in NAMED_KINDS) for r in result]
            )
    return answers


def evaluate(get: Get, post: Post, cases: Sequence[Case], ambiguous: int) -> dict[str, Any]:
    """Both endpoints' figures on one relevance set."""
    found: dict[str, Any] = {"cases": len(cases), "ambiguous_left_out": ambiguous}
    found["search"] = score(cases, search_answers(get, cases))
    reconciled = reconcile_answers(get, post, cases)
    found["reconcile"] = None if reconciled is None else score(cases, reconciled)
    return found


def _http(base: str) -> tuple[Get, Post]:
    session = requests.Session()

    def get(path: str, params: dict[str, str]) -> tuple[int, Any]:
        response = session.get(base + path, params=params, timeout=60)
        return response.status_code, _json(response.text)

    def post(path: str, form: dict[str, str]) -> tuple[int, Any]:
        response = session.post(base + path, data=form, timeout=60)
        return response.status_code, _json(response.text)

    return get, post


def _json(text: str) -> Any:
    try:
        return json.loads(text)
    except ValueError:
        return {}


def batch_median_ms(post: Post, cases: Sequence[Case], reps: int) -> float | None:
    """Median time of one batch of :data:`BATCH` reconciliation queries (after a warm-up)."""
    if not cases:
        return None
    times = []
    for rep in range(reps + 1):
        chosen = [cases[(rep * BATCH + i) % len(cases)] for i in range(BATCH)]
        form = {"queries": json.dumps({f"q{i}": {"query": c.query} for i, c in enumerate(chosen)})}
        started = time.perf_counter()
        status, _body = post("/reconcile", form)
        if status != 200:
            return None
        if rep:
            times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


def measure(ctx: Any) -> list[dict[str, Any]]:
    """Plug-in of ``python -m bench``: relevance on the synthetic catalog, batch timing."""
    index = CatalogIndex(Path(ctx.store_dir) / INDEX_FILE)
    cases, ambiguous = relevance_set(index, sample=100 if ctx.quick else 1000)
    get, post = _http(ctx.museumkg_url)
    found = evaluate(get, post, cases, ambiguous)
    figures = []
    for endpoint in ("search", "reconcile"):
        result = found[endpoint]
        if result is None:
            ctx.note(f"relevance: /{endpoint} is missing")
            continue
        base = {"size_triples": ctx.size, "reference": None, "reference_value": None}
        figures += [
            {
                **base,
                "name": f"relevance /{endpoint}: top-1 misses",
                "value": round(100 - result["top1_pct"], 2),
                "unit": "%",
                "budget": 1.0,
                "budget_on": "value",
            },
            {
                **base,
                "name": f"relevance /{endpoint}: 1 - MRR",
                "value": round(1 - result["mrr"], 4),
                "unit": "",
                "budget": None,
                "budget_on": None,
            },
            {
                **base,
                "name": f"relevance /{endpoint}: derived above named",
                "value": result["derived_above_named"],
                "unit": "queries",
                "budget": 0,
                "budget_on": "value",
            },
        ]
    median = batch_median_ms(post, cases, ctx.reps)
    figures.append(
        {
            "name": "reconcile: batch of 10 queries (median)",
            "size_triples": ctx.size,
            "value": median,
            "unit": "ms",
            "reference": None,
            "reference_value": None,
            "budget": 50.0,
            "budget_on": "value",
        }
    )
    return figures


def _client_runner(var_dir: Path) -> tuple[Get, Post, CatalogIndex, Callable[[], None]]:
    from museumkg.config import Settings
    from museumkg.store import EmbeddedStore
    from museumkg.store.catalog import current_store_dir
    from webapp import create_app

    settings = Settings(var_dir=var_dir, check_owl=False)
    store_dir = current_store_dir(settings)
    if store_dir is None:
        raise SystemExit(f"no catalog in {var_dir}: build one first")
    store = EmbeddedStore(store_dir, read_only=True)
    app = create_app(store=store, settings=settings)
    logging.getLogger("museumkg.web").setLevel(logging.WARNING)  # no line per query
    client = app.test_client()

    def get(path: str, params: dict[str, str]) -> tuple[int, Any]:
        response = client.get(path, query_string=params)
        return response.status_code, _json(response.get_data(as_text=True))

    def post(path: str, form: dict[str, str]) -> tuple[int, Any]:
        response = client.post(path, data=form)
        return response.status_code, _json(response.get_data(as_text=True))

    def close() -> None:
        app.extensions["museumkg"].close()
        store.close()

    return get, post, CatalogIndex(store_dir / INDEX_FILE), close


def synthetic(size: int, quick: bool) -> list[dict[str, Any]]:
    """Generate and load a synthetic catalog of ``size`` triples, serve it, :func:`measure`."""
    from types import SimpleNamespace

    from bench.build_load import generate_and_load
    from bench.servers import museumkg_server

    with tempfile.TemporaryDirectory(prefix=f"museumkg-relevance-{size}-") as scratch:
        workdir = Path(scratch)
        var_dir = workdir / "var"
        print(f"generating and loading {size:,} triples ...", file=sys.stderr)
        loaded = generate_and_load(size, workdir, var_dir, 1, timeout=3600)
        if loaded.load.error:
            raise SystemExit(f"museumkg load {loaded.load.error}")
        base_iri = str(loaded.summary["base_iri"])
        with museumkg_server(var_dir, base_iri, workdir / "museumkg.log") as server:
            ctx = SimpleNamespace(
                size=size,
                store_dir=Path(str(loaded.summary["store_dir"])),
                quick=quick,
                reps=3 if quick else 15,
                museumkg_url=server.url,
                note=lambda text: print(f"note: {text}", file=sys.stderr),
            )
            return measure(ctx)


def main(argv: list[str] | None = None) -> int:
    """Build the real catalog (or reuse ``--var-dir``), score both endpoints, write JSON."""
    parser = argparse.ArgumentParser(prog="python -m bench.relevance", description=__doc__)
    parser.add_argument("--var-dir", type=Path, help="a var folder with a built catalog")
    parser.add_argument("--json", type=Path, default=RESULTS, help="where to write the figures")
    parser.add_argument(
        "--triples",
        type=int,
        nargs="*",
        default=[],
        help="also measure synthetic catalogs of these sizes (relevance on a sample, batch time)",
    )
    parser.add_argument("--quick", action="store_true", help="100 sampled queries, 3 batches")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="museumkg-relevance-") as scratch:
        var_dir = args.var_dir
        if var_dir is None:
            from museumkg.build.pipeline import build_catalog
            from museumkg.config import Settings

            var_dir = Path(scratch) / "var"
            print("building the catalog from data/ ...", file=sys.stderr)
            build_catalog(Settings(var_dir=var_dir, check_owl=False))
        get, post, index, close = _client_runner(var_dir)
        try:
            cases, ambiguous = relevance_set(index)
            found = {"date": datetime.now(UTC).isoformat(timespec="seconds")}
            found |= evaluate(get, post, cases, ambiguous)
            started = time.perf_counter()
            found["reconcile_batch_median_ms"] = batch_median_ms(post, cases, 15)
            found["seconds"] = round(time.perf_counter() - started, 1)
        finally:
            close()
    found["synthetic"] = {str(size): synthetic(size, args.quick) for size in args.triples}
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps(found, indent=2, ensure_ascii=False) + "\n", "utf-8")
    for endpoint in ("search", "reconcile"):
        result = found[endpoint]
        if result is None:
            print(f"/{endpoint}: missing")
            continue
        print(
            f"/{endpoint}: {result['queries']} queries, top-1 {result['top1_pct']} %, "
            f"top-3 {result['top3_pct']} %, MRR {result['mrr']}, "
            f"derived above named {result['derived_above_named']}, "
            f"top-1 by form {result['top1_pct_by_form']}"
        )
    print(f"({found['ambiguous_left_out']} ambiguous queries left out; JSON in {args.json})")
    print(
        f"reconcile, a batch of {BATCH} queries: median {found['reconcile_batch_median_ms']:.1f} ms"
    )
    for size, figures in found["synthetic"].items():
        for figure in figures:
            print(f"{int(size):,} triples: {figure['name']}: {figure['value']} {figure['unit']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
