"""The datasets' codebook semantics (issue 19) on the real samples.

Every expected figure is computed here from the raw CSVs with the ``csv`` module and the
codebooks' definitions written out below (ACLED Codebook 2023, UCDP GED Codebook 23.1): never read
back from the store, never imported from ``kg``. The samples live beside the repository
(``../shared/datasets/acled-sample``, ``ucdp-ged-sample``); the tests skip without them.
"""

from __future__ import annotations

import csv
import datetime as dt
from collections import Counter, defaultdict
from pathlib import Path

import pytest

import kg
from kg.analysis.projection import actor_graph, relation_filter
from kg.base.errors import UsageError
from kg.contract.codebooks import actor_kinds_by_code, dataset_rules
from kg.contract.ontology import ensure_ontology
from kg.ingest.acled import AcledFormat
from kg.ingest.base import import_file
from kg.ingest.ucdp import UcdpFormat

from conftest import SHARED

ACLED = SHARED / "datasets" / "acled-sample" / "acled_old_deletion_dummy.csv"
UCDP = SHARED / "datasets" / "ucdp-ged-sample" / "ucdpged.csv"
T0 = dt.datetime(2022, 7, 1, 12, tzinfo=dt.timezone.utc)

# The ACLED codebook's reading, written out: sub-event type -> (sign, rule). Rules: "sides" mutual
# between actor1 (+assoc 1) and actor2 (+assoc 2); "a1>a2" / "a2>a1" directed; "riot" directed when
# actor2 is civilians (inter2 7), else sides; "none" no signed relation.
ACLED_RULES = {
    "Armed clash": (-1, "sides"), "Government regains territory": (-1, "sides"),
    "Non-state actor overtakes territory": (-1, "sides"),
    "Chemical weapon": (-1, "a1>a2"), "Air/drone strike": (-1, "a1>a2"), "Suicide bomb": (-1, "a1>a2"),
    "Shelling/artillery/missile attack": (-1, "a1>a2"), "Remote explosive/landmine/IED": (-1, "a1>a2"),
    "Grenade": (-1, "a1>a2"), "Sexual violence": (-1, "a1>a2"), "Attack": (-1, "a1>a2"),
    "Abduction/forced disappearance": (-1, "a1>a2"),
    "Peaceful protest": (0, "none"),  # a protest is not hostility between actors
    "Protest with intervention": (-1, "a2>a1"), "Excessive force against protesters": (-1, "a2>a1"),
    "Violent demonstration": (-1, "riot"), "Mob violence": (-1, "riot"),
    "Agreement": (1, "sides"), "Arrests": (-1, "a1>a2"), "Disrupted weapons use": (-1, "a1>a2"),
    "Looting/property destruction": (-1, "a1>a2"), "Change to group/activity": (0, "none"),
    "Headquarters or base established": (0, "none"), "Non-violent transfer of territory": (0, "none"),
    "Other": (0, "none"),
}
INTER_KINDS = {"1": "state-forces", "2": "rebel-group", "3": "political-militia", "4": "identity-militia",
               "5": "rioters", "6": "protesters", "7": "civilians", "8": "external-other-forces"}


def read(path: Path) -> list[dict[str, str]]:
    if not path.exists():
        pytest.skip(f"{path} not available")
    with path.open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def assoc(row: dict[str, str], column: str) -> list[str]:
    return [n.strip() for n in row.get(column, "").split(";") if n.strip()]


def hostile_pairs(row: dict[str, str]) -> set[tuple[str, str, str]]:
    """The hostile pairs of distinct actors an ACLED row gives: ('>', agent, target) or ('~', x, y)."""
    sign, rule = ACLED_RULES[row["sub_event_type"]]
    if sign >= 0:
        return set()
    if rule == "riot":
        rule = "a1>a2" if row["inter2"] == "7" else "sides"
    a1, a2 = row["actor1"], row["actor2"]
    if rule == "a1>a2":
        return {(">", a1, a2)} if a2 and a1 != a2 else set()
    if rule == "a2>a1":
        return {(">", a2, a1)} if a2 and a1 != a2 else set()
    side_a = {a1, *assoc(row, "assoc_actor_1")}
    side_b = {n for n in ([a2] if a2 else []) + assoc(row, "assoc_actor_2") if n not in side_a}
    return {("~", *sorted((x, y))) for x in side_a for y in side_b}


@pytest.fixture(scope="module")
def acled() -> tuple[kg.KnowledgeGraph, list[dict[str, str]]]:
    rows = read(ACLED)
    graph = kg.open(":memory:")
    ensure_ontology(graph)
    import_file(graph, AcledFormat(), ACLED, now=T0)
    return graph, rows


@pytest.fixture(scope="module")
def ucdp() -> tuple[kg.KnowledgeGraph, list[dict[str, str]]]:
    rows = read(UCDP)
    graph = kg.open(":memory:")
    ensure_ontology(graph)
    import_file(graph, UcdpFormat(), UCDP, now=T0)
    return graph, rows


# -- the mapping table, as data ---------------------------------------------------------------


def test_mapping_table_has_every_code_with_a_codebook_reference():
    acled, ucdp, cameo = dataset_rules("acled"), dataset_rules("ucdp"), dataset_rules("cameo")
    assert {r.label for r in acled.values()} == set(ACLED_RULES)  # the codebook's 25 sub-event types
    assert {(r.label, r.sign) for r in acled.values()} == {(label, s) for label, (s, _) in ACLED_RULES.items()}
    assert {r.parent_label for r in acled.values()} == {
        "Battles", "Explosions/Remote violence", "Violence against civilians", "Protests", "Riots", "Strategic developments"}
    assert all(r.source.startswith("ACLED Codebook (2023), '") and r.note for r in acled.values())
    assert {r.notation: (r.project_type, r.direction) for r in ucdp.values()} == {
        "1": ("armed-clash", "sides"), "2": ("armed-clash", "sides"), "3": ("attack", "agent-target")}
    assert all("UCDP GED Codebook" in r.source for r in ucdp.values())
    assert sorted(cameo) == [f"{n:02d}" for n in range(1, 21)]
    assert {c for c, r in cameo.items() if r.violent} == {"18", "19", "20"}
    assert all(r.direction == "agent-target" and "CAMEO" in r.source for r in cameo.values())
    assert {code: kind.slug for code, kind in actor_kinds_by_code().items()} == INTER_KINDS


def test_every_sample_code_is_in_the_table():
    rows = read(ACLED)
    labels = {r.label for r in dataset_rules("acled").values()}
    assert {r["sub_event_type"] for r in rows} <= labels


# -- ACLED: hostility, sides, dates, kinds ----------------------------------------------------


@pytest.mark.slow
def test_acled_hostile_events_follow_the_codebook(acled):
    graph, rows = acled
    hostile = [r for r in rows if ACLED_RULES[r["sub_event_type"]][0] < 0]
    by_sign = Counter(ACLED_RULES[r["sub_event_type"]][0] for r in rows)
    got = {int(r["s"]): r["n"] for r in graph.query(
        "SELECT ?s (COUNT(?e) AS ?n) WHERE { ?e ckg:sourceId ?id ; ckg:eventType/ckg:sign ?s } GROUP BY ?s").records()}
    assert got == dict(by_sign)
    assert got[-1] == len(hostile) == 4178  # was 8,760 with every protest and riot hostile
    protests = graph.query("""SELECT (COUNT(?e) AS ?n) WHERE { ?e ckg:eventType/ckg:sign -1 ;
        ckg:sourceEventType/skos:broader/skos:prefLabel "Protests"@en }""").scalar()
    assert protests == sum(r["event_type"] == "Protests" for r in hostile) == 174  # was 4,756
    syria_protesters = graph.query("""SELECT (COUNT(DISTINCT ?e) AS ?n) WHERE {
        ?e ckg:eventType/ckg:sign -1 ; ckg:agent|ckg:target|ckg:participant actor:protesters-syria }""").scalar()
    assert syria_protesters == sum("Protesters (Syria)" in (r["actor1"], r["actor2"]) for r in hostile) == 1
    violent = graph.query("""SELECT (COUNT(?e) AS ?n) WHERE { ?e ckg:sourceId ?id ; ckg:sourceEventType ?c .
        GRAPH <https://w3id.org/conflict-kg/graph/ontology> { ?c ckg:violent true } }""").scalar()
    violent_types = {"Battles", "Explosions/Remote violence", "Violence against civilians", "Riots"}
    assert violent == sum(r["event_type"] in violent_types or r["sub_event_type"] == "Excessive force against protesters"
                          for r in rows)


@pytest.mark.slow
def test_acled_sides_are_mutual_hostility_in_the_projection(acled):
    graph, rows = acled
    projected = actor_graph(graph, start=dt.date(2022, 1, 1), end=dt.date(2022, 6, 30))
    labels = {n: d["label"] for n, d in projected.nodes(data=True)}
    got: dict[str, set] = defaultdict(set)
    for a, b, d in projected.edges(data=True):
        if d["sign"] < 0:
            kind = ">" if d["directed"] else "~"
            pair = (labels[a], labels[b]) if d["directed"] else tuple(sorted((labels[a], labels[b])))
            got[d["event"].rsplit("acled-", 1)[1].upper()].add((kind, *pair))
    expected = {r["event_id_cnty"]: hostile_pairs(r) for r in rows}
    expected = {k: v for k, v in expected.items() if v}
    assert len(got) == len(expected)
    assert dict(got) == expected
    # the Severodonetsk clash of 14 June 2022: Russian and Ukrainian forces, mutual, drawn without direction
    (edge,) = [d for _, _, d in projected.edges(data=True) if d["event"].endswith("acled-ukr60541")]
    assert (edge["role"], edge["directed"], edge["sign"], edge["dataset_type"]) == ("side", False, -1, "acled/armed-clash")


@pytest.mark.slow
def test_acled_monthly_counts_are_acleds_own(acled):
    graph, rows = acled
    expected = Counter(r["event_date"][:7] for r in rows)
    got = {r["m"]: r["n"] for r in graph.query("""SELECT ?m (COUNT(?e) AS ?n) WHERE {
        ?e ckg:sourceId ?id ; ckg:startDate ?d . BIND(SUBSTR(STR(?d), 1, 7) AS ?m) } GROUP BY ?m""").records()}
    assert got == dict(expected)
    syria = Counter(r["event_date"][:7] for r in rows if r["country"] == "Syria")
    got = {r["m"]: r["n"] for r in graph.query("""SELECT ?m (COUNT(?e) AS ?n) WHERE {
        ?e ckg:sourceId ?id ; ckg:startDate ?d ; ckg:place/ckg:within* place:syria . BIND(SUBSTR(STR(?d), 1, 7) AS ?m) }
        GROUP BY ?m""").records()}
    assert got == dict(syria) == {"2022-01": 64, "2022-02": 48, "2022-03": 38, "2022-04": 47, "2022-05": 63, "2022-06": 47}
    # the primary date is event_date itself; time_precision 2 and 3 keep the possible range beside it
    assert graph.query("""SELECT (COUNT(?e) AS ?n) WHERE { ?e ckg:sourceId ?id ; ckg:startDate ?d ; ckg:endDate ?t
                          FILTER(?d != ?t) }""").scalar() == 0
    imprecise = [r for r in rows if r["time_precision"] in ("2", "3")]
    assert graph.query("""SELECT (COUNT(?e) AS ?n) WHERE { ?e ckg:earliestDate ?a ; ckg:latestDate ?b ; ckg:startDate ?d
                          FILTER(?a < ?d && ?d < ?b) }""").scalar() == len(imprecise) == 496
    # "possibly in the window": AFG63876 is dated 2022-01-01 "(month of)" and may be from late December 2021
    assert graph.query("""ASK { event:acled-afg63876 ckg:startDate "2022-01-01"^^xsd:date ;
                          ckg:earliestDate "2021-12-17"^^xsd:date ; ckg:overlapsMonth "2021-12"^^xsd:gYearMonth }""").boolean


@pytest.mark.slow
def test_acled_actor_kinds_are_the_most_frequent_inter_code(acled):
    graph, rows = acled
    codes: dict[str, Counter] = defaultdict(Counter)
    for r in rows:
        for actor, inter in (("actor1", "inter1"), ("actor2", "inter2")):
            if r[actor]:
                codes[r[actor]][r[inter]] += 1
    expected = Counter(INTER_KINDS[min(c.items(), key=lambda kv: (-kv[1], kv[0]))[0]] for c in codes.values())
    got = {r["k"].rsplit("/", 1)[1]: r["n"] for r in graph.query(
        "SELECT ?k (COUNT(DISTINCT ?a) AS ?n) WHERE { ?a ckg:actorKind ?k } GROUP BY ?k").records()}
    assert got == dict(expected)
    assert sum(got.values()) == len(codes) == 1146
    # Russia's army is coded 8 (external) in 405 rows and 1 in 4: external/other forces, still a state force
    assert graph.query("""ASK { actor:military-forces-of-russia-2000 a ckg:StateForce ;
                          ckg:actorKind <https://w3id.org/conflict-kg/id/concept/actor-kind/external-other-forces> }""").boolean


def test_relation_filter_accepts_project_and_dataset_types():
    assert "sourceEventType/skos:broader*" in relation_filter(["acled/battles"])
    assert "ckg:eventType" in relation_filter(["armed-clash"])
    with pytest.raises(UsageError, match="dataset type"):
        relation_filter(["Battles"])


# -- UCDP: sides, counts, civilians by country ------------------------------------------------


@pytest.mark.slow
def test_ucdp_actor_counts_are_events_not_death_records(ucdp):
    graph, rows = ucdp
    per_actor: Counter = Counter()
    for r in rows:
        for name in {r["side_a"], r["side_b"]}:
            per_actor[f"Civilians ({r['country']})" if name == "Civilians" else name] += 1
    got = {r["label"]: r["events"] for r in kg.actors(graph).records()}
    assert got["Government of Syria"] == per_actor["Government of Syria"] == 230  # was 460
    assert got["Syrian insurgents"] == per_actor["Syrian insurgents"] == 202
    assert got["Civilians (Syria)"] == per_actor["Civilians (Syria)"] == 10  # one global Civilians counted 1,320
    assert {k: v for k, v in got.items() if v} == dict(per_actor)
    assert "Civilians" not in got


@pytest.mark.slow
def test_ucdp_state_based_and_non_state_are_sides(ucdp):
    graph, rows = ucdp
    sides = Counter(r["type_of_violence"] for r in rows if r["type_of_violence"] in ("1", "2"))
    got = graph.query("""SELECT (COUNT(DISTINCT ?e) AS ?n) WHERE { ?e ckg:sideA ?a ; ckg:sideB ?b }""").scalar()
    assert got == sum(sides.values()) == 840
    projected = actor_graph(graph, relations=["ucdp/state-based"])
    mutual = {d["event"] for _, _, d in projected.edges(data=True) if d["role"] == "side" and d["sign"] == -1}
    assert len(mutual) == sides["1"] == 707


def _codebook_range(row: dict[str, str]) -> tuple[dt.date, dt.date]:
    """What an ACLED date possibly stands for, read from the codebook independently of the importer:
    precision 2 a week around the date (+/- 3 days), 3 the month of the date or +/- 15 days."""
    import calendar

    day = dt.date.fromisoformat(row["event_date"])
    if row["time_precision"] == "2":
        return day - dt.timedelta(days=3), day + dt.timedelta(days=3)
    if row["time_precision"] == "3":
        first, last = day.replace(day=1), day.replace(day=calendar.monthrange(day.year, day.month)[1])
        return min(first, day - dt.timedelta(days=15)), max(last, day + dt.timedelta(days=15))
    return day, day


@pytest.mark.parametrize("window", [(dt.date(2021, 12, 1), dt.date(2021, 12, 31)), (dt.date(2022, 3, 1), dt.date(2022, 3, 7)),
                                    (dt.date(2022, 6, 28), dt.date(2022, 7, 15))])
def test_possibly_and_certainly_in_a_window_follow_the_possible_range(acled, window):
    """kg events --from/--to: loose keeps what possibly falls in the window (ACLED's imprecise dates
    by their possible range), strict what certainly does; both computed from the CSV here."""
    graph, rows = acled
    start, end = window
    possibly, certainly = set(), set()
    for row in rows:
        first, last = _codebook_range(row)
        day = dt.date.fromisoformat(row["event_date"])
        if first <= end and last >= start:
            possibly.add(row["event_id_cnty"].lower())
        if (start <= day <= end) if row["time_precision"] in ("", "1") else (start <= first and last <= end):
            certainly.add(row["event_id_cnty"].lower())

    def ids(mode: str) -> set[str]:
        return {e["event"].rsplit("/acled-", 1)[1] for e in kg.events(graph, start=start, end=end, mode=mode)}

    assert ids("loose") == possibly
    assert ids("strict") == certainly
    assert possibly - certainly  # the windows are chosen so that imprecise dates matter
