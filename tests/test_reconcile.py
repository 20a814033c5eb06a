"""kg reconcile: hard limits, generic actors without evidence, the actor mapping, a summary line.

``tests/data/reconcile/`` holds rows copied verbatim from the ACLED and UCDP GED samples (the
Severodonetsk, Vuhlehirsk and Bukumbirwa pairs and two false pairs of generic actors), the hand
labels of docs/reconcile.md, and the test over the whole samples skips when they are absent.
Expected scores are computed here from the CSV with the formula of docs/reconcile.md.
"""

from __future__ import annotations

import csv
import datetime as dt
import math
from pathlib import Path

import pytest

import kg
from kg.cli import main
from kg.curated.build import build
from kg.ingest.acled import AcledFormat
from kg.ingest.base import import_file
from kg.ingest.identity import apply_mapping
from kg.ingest.reconcile import RECONCILIATION_GRAPH, Proposal, reconcile, write_links
from kg.ingest.ucdp import UcdpFormat
from tests.conftest import SHARED

from codebook_dates import acled_range

DATA = Path(__file__).parent / "data"
PAIRS = DATA / "reconcile"
MAPPING = DATA / "identity" / "actor-identity.yaml"
ACLED_FULL = SHARED / "datasets" / "acled-sample" / "acled_old_deletion_dummy.csv"
UCDP_FULL = SHARED / "datasets" / "ucdp-ged-sample" / "ucdpged.csv"
T0 = dt.datetime(2023, 1, 1, tzinfo=dt.timezone.utc)


def read(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def km_between(a: dict[str, str], u: dict[str, str]) -> float:
    p1, l1, p2, l2 = map(math.radians, map(float, (a["latitude"], a["longitude"], u["latitude"], u["longitude"])))
    h = math.sin((p2 - p1) / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin((l2 - l1) / 2) ** 2
    return 2 * 6371.0 * math.asin(math.sqrt(h))


def gap(a: dict[str, str], u: dict[str, str]) -> int:
    (a0, a1), u0, u1 = acled_range(a), dt.date.fromisoformat(u["date_start"][:10]), dt.date.fromisoformat(u["date_end"][:10])
    return max(0, (u0 - a1).days, (a0 - u1).days)


def score(km: float, days_apart: int, shared: int, larger: int, same_violent: bool, km_limit: float, day_limit: int) -> float:
    return (0.35 * (1 - km / km_limit) + 0.25 * (1 - days_apart / (day_limit + 1))
            + 0.30 * (shared / larger if larger else 0) + 0.10 * same_violent)


def ids(graph, proposal: Proposal) -> tuple[str, str]:
    found = {graph.query("SELECT ?id WHERE { ?e ckg:sourceId ?id }", params={"e": e}).scalar() for e in (proposal.a, proposal.b)}
    acled = next(i for i in found if not i.isdigit())
    return acled, next(i for i in found if i != acled)


@pytest.fixture
def pairs(empty_kg):
    build(empty_kg)
    import_file(empty_kg, AcledFormat(), PAIRS / "acled-pairs.csv", now=T0)
    import_file(empty_kg, UcdpFormat(), PAIRS / "ucdp-pairs.csv", now=T0)
    return empty_kg


def test_hard_limits_generic_actors_and_mapping(pairs):
    acled = {r["event_id_cnty"]: r for r in read(PAIRS / "acled-pairs.csv")}
    ucdp = {r["id"]: r for r in read(PAIRS / "ucdp-pairs.csv")}
    sev_a, sev_u = acled["UKR60541"], ucdp["441165"]
    km, days_apart = km_between(sev_a, sev_u), gap(sev_a, sev_u)
    assert (round(km, 2), days_apart) == (1.61, 1)

    # without the mapping the two governments' forces are different actors: no actor evidence
    found = reconcile(pairs, km=10, days=1, min_score=0)
    by_ids = {ids(pairs, p): p for p in found.proposals}
    assert by_ids[("UKR60541", "441165")].score == pytest.approx(score(km, 1, 0, 2, True, 10, 1), abs=1e-9)
    # generic actors (Civilians (Brazil), Unidentified Gang (Brazil)) give no evidence and are named
    brazil = by_ids[("BRA53660", "467629")]
    assert brazil.details["shared"] == 0 and "generic actors ignored: Civilians (Brazil), Unidentified Gang (Brazil)" in brazil.evidence
    # hard limits: every candidate is within 10 km and 1 day; DRC25768 <-> 427624 is 13 km apart
    drc = km_between(acled["DRC25768"], ucdp["427624"])
    assert 10 < drc < 25 and ("DRC25768", "427624") not in by_ids
    assert all(p.details["km"] is None or p.details["km"] <= 10 for p in found.proposals)
    assert all(p.details["gap"] <= 1 for p in found.proposals)

    # with the mapping: Military Forces of Russia (2000-) = Government of Russia (Soviet Union), ...
    apply_mapping(pairs, MAPPING)
    found = reconcile(pairs, km=10, days=1, min_score=0.6)
    best = found.proposals[0]
    assert ids(pairs, best) == ("UKR60541", "441165")
    assert best.score == pytest.approx(score(km, 1, 2, 2, True, 10, 1), abs=1e-9) and round(best.score, 3) == 0.819
    assert "shared actors: russia-government-forces, ukraine-government-forces" in best.evidence
    assert [ids(pairs, p) for p in found.proposals] == [("UKR60541", "441165"), ("UKR60980", "441618")]
    assert found.summary() == f"{found.candidates} candidate(s) within 10 km / 1 day(s), 2 proposal(s) >= 0.6"

    # --km 25 --days 3: the acronyms ACLED writes before ':' match UCDP's (NDC-R, FPP/AP = FPP-AP)
    wide = {ids(pairs, p): p for p in reconcile(pairs, km=25, days=3, min_score=0).proposals}
    assert wide[("DRC25768", "427624")].details["shared"] == 2
    assert wide[("DRC25768", "427624")].score == pytest.approx(score(drc, 0, 2, 2, True, 25, 3), abs=1e-9)
    # the Severodonetsk pair ranks above every pair sharing no actor
    assert max(p.score for k, p in wide.items() if p.details["shared"] == 0) < wide[("UKR60541", "441165")].score


def test_nothing_to_propose_says_so(pairs):
    found = reconcile(pairs, km=1, days=0, min_score=0.6)
    assert found.proposals == [] and found.summary() == "0 candidate(s) within 1 km / 0 day(s), 0 proposal(s) >= 0.6"


def test_links_written_and_replaced(pairs):
    apply_mapping(pairs, MAPPING)
    proposals = reconcile(pairs).proposals
    assert write_links(pairs, proposals) == len(proposals) == 2
    a, b = proposals[0].a, proposals[0].b
    assert pairs.query("ASK { ?a ckg:sameEventAs ?b . ?b ckg:sameEventAs ?a }", params={"a": a, "b": b}).boolean
    rows = pairs.query("SELECT ?score ?why WHERE { ?m a ckg:Match ; dcterms:references ?a , ?b ; ckg:matchScore ?score ; ckg:matchEvidence ?why }",
                       params={"a": a, "b": b}).records()
    assert len(rows) == 1 and float(rows[0]["score"]) == pytest.approx(0.819)
    write_links(pairs, [])
    assert pairs.query(f"ASK {{ GRAPH <{RECONCILIATION_GRAPH}> {{ ?s ?p ?o }} }}").boolean is False


def test_evidence_is_escaped(empty_kg):
    write_links(empty_kg, [Proposal("https://example.org/a", "https://example.org/b", 0.9, 'quote " and \\ backslash')])
    assert empty_kg.query("SELECT ?w WHERE { ?m ckg:matchEvidence ?w }").scalar() == 'quote " and \\ backslash'


def test_cli(runner, tmp_path):
    store = str(tmp_path / "s")
    assert runner.invoke(main, ["--store", store, "build"]).exit_code == 0
    for fmt, path in (("acled", PAIRS / "acled-pairs.csv"), ("ucdp", PAIRS / "ucdp-pairs.csv")):
        assert runner.invoke(main, ["--store", store, "import", fmt, str(path), "-q"]).exit_code == 0
    result = runner.invoke(main, ["--store", store, "reconcile", "--dry-run", "--format", "json", "--actors", str(MAPPING)])
    assert result.exit_code == 0 and "acled-ukr60541" in result.output
    assert "2 proposal(s) >= 0.6" in result.output
    none = runner.invoke(main, ["--store", store, "reconcile", "--km", "0.5", "--days", "0"])
    assert none.exit_code == 0 and "0 proposal(s) >= 0.6" in none.output and "0 link(s) written" in none.output
    bad = runner.invoke(main, ["--store", store, "reconcile", "--min-score", "2"])
    assert bad.exit_code == 2


# -- the whole samples: hard limits against an independent computation, precision by hand labels ---

#: ACLED sub-event types whose hostility the codebook semantics changed (Protests, Riots): left out
#: of the comparison so the test holds before and after that change.
_UNSETTLED = {"Protests", "Riots"}
_NOT_HOSTILE = {"Peaceful protest", "Agreement", "Non-violent transfer of territory", "Change to group/activity",
                "Headquarters or base established", "Other"}


@pytest.mark.slow
@pytest.mark.skipif(not ACLED_FULL.exists() or not UCDP_FULL.exists(), reason="ACLED / UCDP samples not available")
def test_samples_candidates_and_precision():
    graph = kg.open(":memory:")
    build(graph)
    import_file(graph, AcledFormat(), ACLED_FULL, now=T0)
    import_file(graph, UcdpFormat(), UCDP_FULL, now=T0)
    apply_mapping(graph, MAPPING)
    acled, ucdp = read(ACLED_FULL), read(UCDP_FULL)

    # independent: precise points (ACLED geo_precision < 3, GED where_prec < 3) within 25 km / 3 days
    expected = set()
    for a in acled:
        if a["event_type"] in _UNSETTLED or a["sub_event_type"] in _NOT_HOSTILE or not a["latitude"] or a["geo_precision"] == "3":
            continue
        for u in ucdp:
            if u["latitude"] and int(u["where_prec"]) < 3 and gap(a, u) <= 3 and km_between(a, u) <= 25:
                expected.add((a["event_id_cnty"], u["id"], round(km_between(a, u), 1), gap(a, u)))
    found = reconcile(graph, km=25, days=3, min_score=0)
    events = {r["e"]: r["id"] for r in graph.query("SELECT ?e ?id WHERE { ?e ckg:sourceId ?id }").records()}
    unsettled = {a["event_id_cnty"] for a in acled if a["event_type"] in _UNSETTLED}
    got = set()
    for p in found.proposals:
        pair = sorted((events[p.a], events[p.b]), key=str.isdigit)
        assert p.details["gap"] <= 3 and (p.details["km"] is None or p.details["km"] <= 25)
        if p.details["km"] is not None and pair[0] not in unsettled:
            got.add((pair[0], pair[1], p.details["km"], p.details["gap"]))
    assert got == expected and len(expected) >= 10

    # the Severodonetsk pair ranks first at the defaults and at --km 25 --days 3
    for km, days in ((10, 1), (25, 3)):
        top = reconcile(graph, km=km, days=days, min_score=0).proposals[0]
        assert sorted((events[top.a], events[top.b]), key=str.isdigit) == ["UKR60541", "441165"]

    # precision by the hand labels (docs/reconcile.md): every proposal at the threshold is labelled
    labels = {(r["acled_id"], r["ucdp_id"]): r["label"] for r in read(PAIRS / "hand-labels.csv")}
    for km, days, threshold, precision in ((10, 1, 0.6, 1.0), (25, 3, 0.7, 0.75)):
        proposed = [tuple(sorted((events[p.a], events[p.b]), key=str.isdigit))
                    for p in reconcile(graph, km=km, days=days, min_score=threshold).proposals]
        assert all(pair in labels for pair in proposed), [p for p in proposed if p not in labels]
        true = sum(labels[pair] == "true" for pair in proposed)
        assert true / len(proposed) == precision
