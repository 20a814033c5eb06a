"""Every saved query in data/queries: its header, that it runs from the CLI, and its exact answer.

Expected answers are worked out by hand from the curated YAML (data/events, data/actors.yaml,
data/places.yaml) and from the fixtures tests/data/skirmishes and tests/data/correction; they are
not copied from a run of the query.
"""

from __future__ import annotations

import datetime as dt
import re
from itertools import combinations
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

import kg
from kg.base.resources import default_data_dir
from kg.cli import main
from kg.curated.build import build
from kg.sparql.saved import saved_queries, saved_query
from kg.store.graph import KnowledgeGraph

FIXTURES = Path(__file__).parent / "data"
NAMES = sorted(saved_queries())

D = dt.date
SITREP = "Syria SITREP Map: May 31, 2017"

# -- labels, copied from the YAML ----------------------------------------------------------

ISIS = "Islamic State of Iraq and Syria"
AHRAR = "Ahrar al-Sham"
ALAWITE = "Alawite community (Syria)"
ISMAILI = "Ismaili community (Syria)"
SHIA = "Shi'a community (Syria)"
PRO_REGIME = "pro-regime forces"
BOMBERS = "two bombers wearing SVESTs intercepted near the Sayyida Zeinab Shrine"
NATO = "North Atlantic Treaty Organization"
COALITION = "Anti-ISIS Coalition"
STOLTENBERG = "Jens Stoltenberg"
TRUMP = "Donald Trump"
PARTNERS = "local partner forces (of NATO and the Anti-ISIS Coalition)"
ISW = "Institute for the Study of War"
SYRIA_DIRECT = "Syria Direct"

WAVE = "ISIS wave of spectacular attacks in Western Syria before Ramadan"
HAMA = "ISIS major ground attack on two majority-Ismaili towns in Eastern Hama"
MEETING = "Meeting of Ahrar al-Sham in Eastern Idlib (targeted by ISIS)"
SVEST = "ISIS double SVEST-IED attack on a meeting of Ahrar al-Sham in Eastern Idlib"
VBIED = "ISIS VBIED attack on the Zahraa District of Homs City"
INTERCEPT = "Pro-regime forces intercept two SVEST bombers near the Sayyida Zeinab Shrine"
WITHDRAWAL = "ISIS continued withdrawal from Southern and Central Syria towards Eastern Syria"
SUMMIT = "NATO Summit in Brussels"
JOINS = "NATO leaders agree to formally join the Anti-ISIS Coalition"
SIGNAL = "Stoltenberg: the agreement sends a 'strong signal' of 'commitment to fight global terrorism'"
NO_COMBAT = "Stoltenberg: NATO will not 'engage in combat operations' against ISIS"
AIRSPACE = "NATO plans to expand its airspace management and aerial refuelling mission for coalition aircraft"
TRAINING = "NATO plans to expand the deployment of special forces teams to train local partner forces"
INTEL = "NATO plans to establish a terrorism intelligence cell on foreign fighters"
TRUMP_VALUE = "Donald Trump repeatedly questions the value of NATO"
TRUMP_CT = "Donald Trump stresses the need to expand NATO's counter-terrorism capabilities"
CAPABILITY = "ISW: the attack wave demonstrates ISIS retains the capability and intent to intensify operations in Western Syria"
AIMED = "ISW: NATO's decision likely aimed to meet the priorities of President Trump"
SYMBOLIC = "ISW: NATO's measure remains largely symbolic"

# every seed event: label -> (class, start, precision)
SEED_EVENTS = {
    WAVE: ("Attack", D(2017, 5, 18), "day"),
    HAMA: ("Attack", D(2017, 5, 18), "day"),
    MEETING: ("Meeting", D(2017, 5, 22), "day"),
    SVEST: ("Attack", D(2017, 5, 22), "day"),
    VBIED: ("Attack", D(2017, 5, 23), "day"),
    INTERCEPT: ("Interception", D(2017, 5, 23), "day"),
    WITHDRAWAL: ("Withdrawal", D(2017, 5, 1), "month"),
    SUMMIT: ("Meeting", D(2017, 5, 25), "day"),
    JOINS: ("Joining", D(2017, 5, 25), "day"),
    SIGNAL: ("Statement", D(2017, 5, 25), "day"),
    NO_COMBAT: ("Statement", D(2017, 5, 25), "day"),
    AIRSPACE: ("Plan", D(2017, 5, 25), "day"),
    TRAINING: ("Plan", D(2017, 5, 25), "day"),
    INTEL: ("Plan", D(2017, 5, 25), "day"),
    TRUMP_VALUE: ("Statement", D(2016, 3, 1), "approximate"),
    TRUMP_CT: ("Statement", D(2016, 3, 1), "approximate"),
    CAPABILITY: ("Assessment", D(2017, 5, 31), "day"),
    AIMED: ("Assessment", D(2017, 5, 31), "day"),
    SYMBOLIC: ("Assessment", D(2017, 5, 31), "day"),
}
BRUSSELS_SUB_EVENTS = [JOINS, SIGNAL, NO_COMBAT, AIRSPACE, TRAINING, INTEL]

# fixture tests/data/skirmishes
GROUP_R, GROUP_S, RESIDENTS_A = "Group R", "Group S", "residents of Town A"
RAID1 = "Group R raids Town A"
R_VS_S = "Group R attacks Group S in District B"
SHELLING = "Group S shells Group R in Town C"
RAID2 = "Group R raids Town A again"
ALLIANCE_DEAL = "Group R and Group S agree an alliance"
S_VS_R = "Group S attacks Group R in Town C"

# fixture tests/data/correction
X_ATTACK, Z_ATTACK = "Group X attacks Town Y", "Group Z attacks Town Y"
REPORT_A, REPORT_B = "Monitor daily report, 1 June 2017", "Monitor correction, 10 June 2017"
CORRECTION_TEXT = "Correction: the attack on Town Y on June 1 was carried out by Group Z, not Group X."


@pytest.fixture(scope="module")
def skirmishes_kg() -> KnowledgeGraph:
    graph = kg.open(":memory:")
    build(graph, FIXTURES / "skirmishes")
    return graph


@pytest.fixture(scope="module")
def correction_kg() -> KnowledgeGraph:
    graph = kg.open(":memory:")
    build(graph, FIXTURES / "correction")
    return graph


def run(graph: KnowledgeGraph, name: str, **params: str) -> list[dict[str, Any]]:
    query = saved_query(name)
    return graph.query(query.text, params=query.bind(params)).records()


def cols(rows: list[dict[str, Any]], *names: str) -> list[tuple[Any, ...]]:
    return [tuple(row.get(n) for n in names) for row in rows]


# -- every saved query: header and CLI -------------------------------------------------------


def test_at_least_fifteen_saved_queries():
    assert len(NAMES) >= 15


@pytest.mark.parametrize("name", NAMES)
def test_header(name):
    query = saved_query(name)
    assert query.title and query.description
    assert query.example.startswith(f"kg query --saved {name}")
    body = "\n".join(line for line in query.text.splitlines() if not line.startswith("#"))
    assert re.search(r"\bORDER BY\b", body), "a saved query orders its rows"
    for param in query.parameters:
        assert param.default is not None, f"# param {param.name} needs a default"
        assert param.description
        assert f"?{param.name}" in body, f"# param {param.name} is not used by the query"
    for given in re.findall(r"--param (\w+)=", query.example):
        assert given in {p.name for p in query.parameters}


@pytest.fixture(scope="module")
def disk_store(tmp_path_factory) -> str:
    location = str(tmp_path_factory.mktemp("saved") / "store")
    result = CliRunner().invoke(main, ["--store", location, "build"])
    assert result.exit_code == 0, result.output
    return location


@pytest.mark.parametrize("name", NAMES)
def test_cli_runs_saved_query(disk_store, name):
    result = CliRunner().invoke(main, ["--store", disk_store, "query", "--saved", name])
    assert result.exit_code == 0, result.output
    assert re.search(r"\(\d+ rows?\)$", result.output.strip())


def test_cli_runs_saved_query_with_param(disk_store):
    args = ["--store", disk_store, "query", "--saved", "colocated-events", "--param", "days=13", "--format", "csv"]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 0, result.output
    assert len(result.output.strip().splitlines()) == 1 + 17


# -- the five original queries ---------------------------------------------------------------


def test_who_attacked_whom_default_window(seed_kg):
    rows = run(seed_kg, "who-attacked-whom")
    assert cols(rows, "date", "attacker", "target", "where") == [
        (D(2017, 5, 18), ISIS, ISMAILI, "Eastern Hama"),
        (D(2017, 5, 22), ISIS, AHRAR, "Eastern Idlib"),
        (D(2017, 5, 23), ISIS, ALAWITE, "Zahraa District"),
        (D(2017, 5, 23), PRO_REGIME, BOMBERS, "Sayyida Zeinab Shrine"),
    ]
    assert {r["source"] for r in rows} == {SITREP} and {r["precision"] for r in rows} == {"day"}


def test_who_attacked_whom_narrow_windows(seed_kg):
    rows = run(seed_kg, "who-attacked-whom", start="2017-05-23", end="2017-05-23")
    assert cols(rows, "attacker", "target") == [(ISIS, ALAWITE), (PRO_REGIME, BOMBERS)]
    assert run(seed_kg, "who-attacked-whom", start="2017-05-24", end="2017-05-31") == []


def test_who_attacked_whom_fixture(skirmishes_kg):
    rows = run(skirmishes_kg, "who-attacked-whom", start="2017-01-01", end="2017-01-31")
    assert cols(rows, "date", "attacker", "target", "where") == [
        (D(2017, 1, 1), GROUP_R, RESIDENTS_A, "Town A"),
        (D(2017, 1, 3), GROUP_R, GROUP_S, "District B"),
        (D(2017, 1, 4), GROUP_S, GROUP_R, "Town C"),
        (D(2017, 1, 10), GROUP_R, RESIDENTS_A, "Town A"),
        (D(2017, 1, 27), GROUP_S, GROUP_R, "Town C"),
    ]


def test_actor_events_isis(seed_kg):
    rows = run(seed_kg, "actor-events")
    assert cols(rows, "date", "precision", "role", "type", "event") == [
        (D(2017, 5, 1), "month", "agent", "Withdrawal", WITHDRAWAL),
        (D(2017, 5, 18), "day", "agent", "Attack", HAMA),
        (D(2017, 5, 18), "day", "agent", "Attack", WAVE),
        (D(2017, 5, 22), "day", "agent", "Attack", SVEST),
        (D(2017, 5, 23), "day", "agent", "Attack", VBIED),
    ]


def test_actor_events_nato_roles(seed_kg):
    rows = run(seed_kg, "actor-events", actor="actor:nato")
    # all on 25 May, by label (code point order: "NATO S" < "NATO l")
    assert cols(rows, "role", "type", "event") == [
        ("agent", "Meeting", SUMMIT),
        ("agent", "Joining", JOINS),
        ("agent", "Plan", INTEL),
        ("agent", "Plan", AIRSPACE),
        ("agent", "Plan", TRAINING),
        ("participant", "Statement", NO_COMBAT),
        ("participant", "Statement", SIGNAL),
    ]


def test_actors_wikidata(seed_kg):
    wd = "http://www.wikidata.org/entity/"
    expected = [
        (ISIS, "ArmedGroup", wd + "Q2429253"), (AHRAR, "ArmedGroup", None), (PRO_REGIME, "StateForce", None),
        ("Syrian opposition forces", "ArmedGroup", None), (BOMBERS, "ArmedGroup", None),
        (PARTNERS, "ArmedGroup", None), ("foreign fighters", "ArmedGroup", None),
        ("United States", "NationState", wd + "Q30"), (NATO, "Organization", wd + "Q7184"),
        (COALITION, "Coalition", None), (ISW, "Organization", None), (SYRIA_DIRECT, "Organization", None),
        (STOLTENBERG, "Person", None), (TRUMP, "Person", wd + "Q22686"),
        (ALAWITE, "Community", None), (SHIA, "Community", None), (ISMAILI, "Community", None),
    ]
    rows = run(seed_kg, "actors-wikidata")
    assert cols(rows, "label", "type", "wikidata") == sorted(expected, key=lambda r: r[0])
    assert rows[0]["actor"] == "https://w3id.org/conflict-kg/id/actor/ahrar-al-sham"


def test_events_with_sources(seed_kg):
    rows = run(seed_kg, "events-with-sources")
    # ORDER BY ?date ?event: by start, then label
    expected = sorted(((start, prec, cls, label) for label, (cls, start, prec) in SEED_EVENTS.items()), key=lambda r: (r[0], r[3]))
    assert cols(rows, "date", "precision", "type", "event") == expected
    assert {r["source"] for r in rows} == {SITREP}
    raw = (default_data_dir() / "sources" / "isw-syria-sitrep-2017-05-31.txt").read_text(encoding="utf-8")
    text = raw.split("\n---\n", 1)[1]
    for row in rows:
        assert text[row["quoteStart"]:row["quoteEnd"]] == row["quote"]
    assert {r["quote"] for r in rows if r["event"] == SYMBOLIC} == {"The measure remains largely symbolic."}


def test_memberships_on_date(seed_kg):
    rows = run(seed_kg, "memberships-on-date")
    assert rows == [{"kind": "Membership", "member": NATO, "organization": COALITION, "since": D(2017, 5, 25), "source": SITREP}]
    assert run(seed_kg, "memberships-on-date", date="2017-05-24") == []


def test_memberships_on_date_alliance_that_ends(skirmishes_kg):
    rows = run(skirmishes_kg, "memberships-on-date", date="2017-01-20")
    assert cols(rows, "kind", "member", "organization", "since", "until") == [
        ("Alliance", GROUP_R, GROUP_S, D(2017, 1, 16), D(2017, 1, 27))
    ]
    assert len(run(skirmishes_kg, "memberships-on-date", date="2017-01-27")) == 1  # end is inclusive
    assert run(skirmishes_kg, "memberships-on-date", date="2017-01-28") == []


# -- events at or within a place ---------------------------------------------------------------


def test_events_in_place_syria(seed_kg):
    rows = run(seed_kg, "events-in-place")
    assert cols(rows, "date", "type") == [
        (D(2017, 5, 1), "Withdrawal"), (D(2017, 5, 18), "Attack"), (D(2017, 5, 18), "Attack"),
        (D(2017, 5, 22), "Attack"), (D(2017, 5, 22), "Meeting"), (D(2017, 5, 23), "Attack"),
        (D(2017, 5, 23), "Interception"), (D(2017, 5, 31), "Assessment"),
    ]
    assert [r["event"] for r in rows] == [WITHDRAWAL, HAMA, WAVE, SVEST, MEETING, VBIED, INTERCEPT, CAPABILITY]
    assert [set(r["at"].split("; ")) for r in rows] == [
        {"Southern Syria", "Central Syria"}, {"Eastern Hama"}, {"Western Syria"}, {"Eastern Idlib"},
        {"Eastern Idlib"}, {"Zahraa District"}, {"Sayyida Zeinab Shrine"}, {"Western Syria"},
    ]


def test_events_in_place_follows_hierarchy(seed_kg):
    # Zahraa District within Homs within Homs Governorate; the shrine within Sayyida Zaynab within Rif Dimashq
    assert cols(run(seed_kg, "events-in-place", place="place:homs-governorate"), "event", "at") == [(VBIED, "Zahraa District")]
    assert cols(run(seed_kg, "events-in-place", place="place:rif-dimashq-governorate"), "event") == [(INTERCEPT,)]
    assert run(seed_kg, "events-in-place", place="place:damascus") == []  # the shrine is not in Damascus city
    belgium = run(seed_kg, "events-in-place", place="place:belgium")
    assert sorted(r["event"] for r in belgium) == sorted([SUMMIT, *BRUSSELS_SUB_EVENTS])
    assert {r["at"] for r in belgium} == {"Brussels"}


def test_events_in_place_fixture(skirmishes_kg):
    assert cols(run(skirmishes_kg, "events-in-place", place="place:town-a"), "event", "at") == [
        (RAID1, "Town A"), (R_VS_S, "District B"), (RAID2, "Town A"),
    ]
    assert [r["event"] for r in run(skirmishes_kg, "events-in-place", place="place:province-p")] == [
        RAID1, R_VS_S, SHELLING, RAID2, S_VS_R,
    ]


# -- first and last activity -------------------------------------------------------------------


def test_actor_activity_span_seed(seed_kg):
    may = lambda day: D(2017, 5, day)  # noqa: E731
    assert cols(run(seed_kg, "actor-activity-span"), "actor", "first", "last", "events") == [
        (TRUMP, D(2016, 3, 1), may(31), 2),
        (ISIS, may(1), may(31), 4),  # withdrawal (May 2017), Hama, SVEST, VBIED; the wave is a container
        (ISMAILI, may(18), may(18), 1),
        (AHRAR, may(22), may(22), 2),  # its meeting and the attack on it
        (ALAWITE, may(23), may(23), 1),
        (SHIA, may(23), may(23), 1),  # participant of the interception
        (PRO_REGIME, may(23), may(23), 1),
        (BOMBERS, may(23), may(23), 1),
        (COALITION, may(25), may(25), 2),
        (STOLTENBERG, may(25), may(25), 2),
        (NATO, may(25), may(25), 6),  # joining, three plans, two statements as participant
        (PARTNERS, may(25), may(25), 1),
        (ISW, may(31), may(31), 3),
        (SYRIA_DIRECT, may(31), may(31), 3),
    ]


def test_actor_activity_span_fixtures(skirmishes_kg, correction_kg):
    assert cols(run(skirmishes_kg, "actor-activity-span"), "actor", "first", "last", "events") == [
        (GROUP_R, D(2017, 1, 1), D(2017, 1, 27), 6),
        (RESIDENTS_A, D(2017, 1, 1), D(2017, 1, 10), 2),
        (GROUP_S, D(2017, 1, 3), D(2017, 1, 27), 4),
    ]
    # the retracted attack no longer counts for Group X
    assert cols(run(correction_kg, "actor-activity-span"), "actor", "events") == [("Group Z", 1), ("residents of Town Y", 1)]


# -- events per ISO week ------------------------------------------------------------------------


def test_weekly_event_counts_seed(seed_kg):
    assert cols(run(seed_kg, "weekly-event-counts"), "actor", "week", "weekStart", "events") == [
        (AHRAR, "2017-W21", D(2017, 5, 22), 1),
        (ISW, "2017-W22", D(2017, 5, 29), 3),
        (ISIS, "2017-W20", D(2017, 5, 15), 1),  # Thu 18 May
        (ISIS, "2017-W21", D(2017, 5, 22), 2),  # Mon 22 and Tue 23 May
        (STOLTENBERG, "2017-W21", D(2017, 5, 22), 2),
        (NATO, "2017-W21", D(2017, 5, 22), 4),  # joining and three plans; the summit is a container
        (PRO_REGIME, "2017-W21", D(2017, 5, 22), 1),
    ]


def test_weekly_event_counts_across_weeks_and_year_end(skirmishes_kg):
    assert cols(run(skirmishes_kg, "weekly-event-counts"), "actor", "week", "weekStart", "events") == [
        (GROUP_R, "2016-W52", D(2016, 12, 26), 1),  # Sunday 1 January 2017 belongs to 2016-W52
        (GROUP_R, "2017-W01", D(2017, 1, 2), 1),
        (GROUP_R, "2017-W02", D(2017, 1, 9), 1),
        (GROUP_R, "2017-W03", D(2017, 1, 16), 1),
        (GROUP_S, "2017-W01", D(2017, 1, 2), 1),
        (GROUP_S, "2017-W03", D(2017, 1, 16), 1),
        (GROUP_S, "2017-W04", D(2017, 1, 23), 1),
    ]


# -- pairs of targets of the same attacker ---------------------------------------------------------


def test_shared_attacker_targets(seed_kg, skirmishes_kg):
    assert cols(run(seed_kg, "shared-attacker-targets"), "attacker", "target1", "target2", "attacks1", "attacks2") == [
        (ISIS, AHRAR, ALAWITE, 1, 1),
        (ISIS, AHRAR, ISMAILI, 1, 1),
        (ISIS, ALAWITE, ISMAILI, 1, 1),
    ]
    # Group S attacked only Group R, so only Group R's targets make a pair
    assert cols(run(skirmishes_kg, "shared-attacker-targets"), "attacker", "target1", "target2", "attacks1", "attacks2") == [
        (GROUP_R, GROUP_S, RESIDENTS_A, 1, 2),
    ]


# -- attacks on communities ----------------------------------------------------------------------


def test_community_attacks_by_type(seed_kg, skirmishes_kg):
    assert cols(run(seed_kg, "community-attacks-by-type"), "community", "eventType", "attacks", "first", "last") == [
        (ALAWITE, "vehicle-borne IED attack", 1, D(2017, 5, 23), D(2017, 5, 23)),
        (ISMAILI, "ground attack", 1, D(2017, 5, 18), D(2017, 5, 18)),
    ]
    assert cols(run(skirmishes_kg, "community-attacks-by-type"), "community", "eventType", "attacks", "first", "last") == [
        (RESIDENTS_A, "ground attack", 2, D(2017, 1, 1), D(2017, 1, 10)),
    ]


# -- record time ------------------------------------------------------------------------------


def test_events_known_on_seed(seed_kg):
    rows = run(seed_kg, "events-known-on")
    assert sorted(r["event"] for r in rows) == sorted(SEED_EVENTS)
    assert {(r["knownSince"], r["sources"]) for r in rows} == {(D(2017, 5, 31), SITREP)}
    assert run(seed_kg, "events-known-on", knownOn="2017-05-30") == []


@pytest.mark.parametrize("known_on,expected", [
    ("2017-05-31", []),
    ("2017-06-01", [(X_ATTACK, D(2017, 6, 1), REPORT_A)]),
    ("2017-06-05", [(X_ATTACK, D(2017, 6, 1), REPORT_A)]),
    ("2017-06-09", [(X_ATTACK, D(2017, 6, 1), REPORT_A)]),
    ("2017-06-10", [(Z_ATTACK, D(2017, 6, 10), REPORT_B)]),  # retracted on its day
    ("2017-06-15", [(Z_ATTACK, D(2017, 6, 10), REPORT_B)]),
])
def test_events_known_on_correction(correction_kg, known_on, expected):
    rows = run(correction_kg, "events-known-on", knownOn=known_on)
    assert cols(rows, "event", "knownSince", "sources") == expected
    assert all(r["date"] == D(2017, 6, 1) and r["type"] == "Attack" for r in rows)


def test_record_history_seed(seed_kg):
    rows = run(seed_kg, "record-history")
    facts = {r["fact"]: r for r in rows}
    assert len(rows) == 20 and set(facts) == set(SEED_EVENTS) | {"NATO membership in the Anti-ISIS Coalition"}
    assert {(r["recordedOn"], r["status"]) for r in rows} == {(D(2017, 5, 31), "current")}
    assert facts["NATO membership in the Anti-ISIS Coalition"]["type"] == "Membership"
    assert run(seed_kg, "record-history", show="retracted") == []
    assert len(run(seed_kg, "record-history", show="current")) == 20


def test_record_history_correction(correction_kg):
    retracted = {
        "recordedOn": D(2017, 6, 1), "type": "Attack", "fact": X_ATTACK, "status": "retracted",
        "retractedOn": D(2017, 6, 10), "retractedBy": REPORT_B, "reason": CORRECTION_TEXT, "replacedBy": Z_ATTACK,
    }
    current = {"recordedOn": D(2017, 6, 10), "type": "Attack", "fact": Z_ATTACK, "status": "current", "revises": X_ATTACK}
    assert run(correction_kg, "record-history") == [retracted, current]
    assert run(correction_kg, "record-history", show="retracted") == [retracted]
    assert run(correction_kg, "record-history", show="current") == [current]
    assert run(correction_kg, "record-history", show="superseded") == []


def test_record_history_revision_without_retraction():
    graph = kg.open(":memory:")
    build(graph, FIXTURES / "revision")
    assert cols(run(graph, "record-history"), "fact", "status", "retractedOn", "replacedBy", "revises") == [
        (X_ATTACK, "superseded", None, Z_ATTACK, None),
        (Z_ATTACK, "current", None, None, X_ATTACK),
    ]
    assert cols(run(graph, "record-history", show="superseded"), "fact") == [(X_ATTACK,)]
    # not retracted, so both are known after the second report
    assert cols(run(graph, "events-known-on", knownOn="2017-06-15"), "event") == [(X_ATTACK,), (Z_ATTACK,)]


# -- imprecise dates ----------------------------------------------------------------------------


def test_imprecise_dates(seed_kg, skirmishes_kg):
    # 2016-03-01..2017-05-31: 365 days to 2017-03-01, then 31 + 30 + 31 through May = 457 days
    assert cols(run(seed_kg, "imprecise-dates"), "from", "to", "days", "precision", "type", "event") == [
        (D(2016, 3, 1), D(2017, 5, 31), 457, "approximate", "Statement", TRUMP_VALUE),
        (D(2016, 3, 1), D(2017, 5, 31), 457, "approximate", "Statement", TRUMP_CT),
        (D(2017, 5, 1), D(2017, 5, 31), 31, "month", "Withdrawal", WITHDRAWAL),
    ]
    assert run(skirmishes_kg, "imprecise-dates") == []


# -- campaigns -------------------------------------------------------------------------------


def test_campaign_sub_events_wave(seed_kg):
    rows = run(seed_kg, "campaign-sub-events")
    assert cols(rows, "date", "type", "event", "agents", "targets", "places") == [
        (D(2017, 5, 18), "Attack", HAMA, ISIS, ISMAILI, "Eastern Hama"),
        (D(2017, 5, 22), "Attack", SVEST, ISIS, AHRAR, "Eastern Idlib"),
        (D(2017, 5, 23), "Attack", VBIED, ISIS, ALAWITE, "Zahraa District"),
        (D(2017, 5, 23), "Interception", INTERCEPT, PRO_REGIME, BOMBERS, "Sayyida Zeinab Shrine"),
    ]


def test_campaign_sub_events_summit(seed_kg):
    rows = run(seed_kg, "campaign-sub-events", campaign="event:nato-summit-brussels-2017-05-25")
    assert sorted(r["event"] for r in rows) == sorted(BRUSSELS_SUB_EVENTS)
    assert {r["places"] for r in rows} == {"Brussels"}
    assert run(seed_kg, "campaign-sub-events", campaign="event:isis-vbied-homs-zahraa-2017-05-23") == []


# -- states that changed -----------------------------------------------------------------------


def test_states_changed_seed(seed_kg):
    rows = run(seed_kg, "states-changed")
    assert cols(rows, "date", "change", "kind", "state", "because") == [
        (D(2017, 5, 25), "started", "Membership", "NATO membership in the Anti-ISIS Coalition", JOINS),
    ]
    assert set(rows[0]["parties"].split("; ")) == {NATO, COALITION}
    assert run(seed_kg, "states-changed", start="2017-05-26", end="2017-06-30") == []


def test_states_changed_alliance_that_ends(skirmishes_kg):
    alliance, hostility = "Alliance of Group R and Group S", "Hostility between Group R and Group S"
    rows = run(skirmishes_kg, "states-changed", start="2017-01-01", end="2017-01-31")
    assert cols(rows, "date", "change", "kind", "state", "because") == [
        (D(2017, 1, 16), "started", "Alliance", alliance, ALLIANCE_DEAL),
        (D(2017, 1, 27), "ended", "Alliance", alliance, S_VS_R),
        (D(2017, 1, 27), "started", "Hostility", hostility, S_VS_R),
    ]
    assert all(set(r["parties"].split("; ")) == {GROUP_R, GROUP_S} for r in rows)
    later = run(skirmishes_kg, "states-changed", start="2017-01-17", end="2017-01-27")
    assert cols(later, "change", "kind") == [("ended", "Alliance"), ("started", "Hostility")]
    assert run(skirmishes_kg, "states-changed", start="2017-01-28", end="2017-12-31") == []


# -- co-located events -------------------------------------------------------------------------


def test_colocated_events_seed(seed_kg):
    rows = run(seed_kg, "colocated-events")
    got = {(frozenset((r["event1"], r["event2"])), r["daysApart"], r["where"]) for r in rows}
    brussels = {(frozenset(pair), 0, "Brussels") for pair in combinations(BRUSSELS_SUB_EVENTS, 2)}
    assert len(rows) == 16
    assert got == brussels | {(frozenset((MEETING, SVEST)), 0, "Eastern Idlib")}
    # the summit is the container of the other Brussels events, so never paired with them
    assert all(SUMMIT not in (r["event1"], r["event2"]) for r in rows)


def test_colocated_events_days_parameter(seed_kg):
    assert len(run(seed_kg, "colocated-events", days="12")) == 16
    rows = run(seed_kg, "colocated-events", days="13")
    assert len(rows) == 17
    assert [r for r in rows if r["daysApart"] == 13] == [{
        "date1": D(2017, 5, 18), "event1": WAVE, "date2": D(2017, 5, 31), "event2": CAPABILITY,
        "daysApart": 13, "where": "Western Syria",
    }]


@pytest.mark.parametrize("days,expected", [
    ("0", []),
    ("3", [(RAID1, R_VS_S, 2, "Town A / District B")]),
    ("7", [(RAID1, R_VS_S, 2, "Town A / District B"), (R_VS_S, RAID2, 7, "District B / Town A")]),
    ("9", [(RAID1, R_VS_S, 2, "Town A / District B"), (RAID1, RAID2, 9, "Town A"), (R_VS_S, RAID2, 7, "District B / Town A")]),
    ("23", [
        (RAID1, R_VS_S, 2, "Town A / District B"), (RAID1, RAID2, 9, "Town A"),
        (R_VS_S, RAID2, 7, "District B / Town A"), (SHELLING, S_VS_R, 23, "Town C"),
    ]),
])
def test_colocated_events_fixture(skirmishes_kg, days, expected):
    # Town C is in the same province as Town A but neither is within the other: never a pair
    assert cols(run(skirmishes_kg, "colocated-events", days=days), "event1", "event2", "daysApart", "where") == expected


def test_colocated_events_ignore_retracted(correction_kg):
    assert run(correction_kg, "colocated-events") == []


# -- hostile dyads ---------------------------------------------------------------------------


def test_hostile_dyads(seed_kg, skirmishes_kg, correction_kg):
    assert cols(run(seed_kg, "hostile-dyads"), "agent", "target", "events", "first", "last") == [
        (ISIS, ISMAILI, 1, D(2017, 5, 18), D(2017, 5, 18)),
        (ISIS, AHRAR, 1, D(2017, 5, 22), D(2017, 5, 22)),
        (ISIS, ALAWITE, 1, D(2017, 5, 23), D(2017, 5, 23)),
        (PRO_REGIME, BOMBERS, 1, D(2017, 5, 23), D(2017, 5, 23)),
    ]
    assert cols(run(skirmishes_kg, "hostile-dyads"), "agent", "target", "events", "first", "last") == [
        (GROUP_R, RESIDENTS_A, 2, D(2017, 1, 1), D(2017, 1, 10)),
        (GROUP_R, GROUP_S, 1, D(2017, 1, 3), D(2017, 1, 3)),
        (GROUP_S, GROUP_R, 2, D(2017, 1, 4), D(2017, 1, 27)),
    ]
    assert cols(run(correction_kg, "hostile-dyads"), "agent", "target") == [("Group Z", "residents of Town Y")]
