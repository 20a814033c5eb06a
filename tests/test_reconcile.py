"""kg reconcile: the same event reported by a curated report and an imported dataset gets linked."""

from __future__ import annotations

import datetime as dt

import pytest

from kg.cli import main
from kg.curated.build import build
from kg.ingest.base import import_file
from kg.ingest.icews import IcewsFormat
from kg.ingest.reconcile import RECONCILIATION_GRAPH, Proposal, propose, write_links

SVEST = "https://w3id.org/conflict-kg/id/event/isis-double-svest-attack-ahrar-al-sham-eastern-idlib-2017-05-22"
MEETING = "https://w3id.org/conflict-kg/id/event/ahrar-al-sham-meeting-eastern-idlib-2017-05-22"


@pytest.fixture
def graph(empty_kg, tmp_path):
    build(empty_kg)
    file = tmp_path / "icews.txt"
    file.write_text(
        "ISIL\tConduct_suicide,_car,_or_other_non-military_bombing\tAhrar_al-Sham\t2017-05-22\n"
        "NATO\tMake_statement\tIslamic_State\t2017-05-26\n"
        "Ahrar_al-Sham\tMake_statement\tCitizen_(Syria)\t2017-05-10\n",
        encoding="utf-8",
    )
    import_file(empty_kg, IcewsFormat(), file, now=dt.datetime(2017, 6, 1, tzinfo=dt.timezone.utc))
    return empty_kg


def icews_event(graph, agent_label: str) -> str:
    return graph.query(
        "SELECT ?e WHERE { ?e ckg:sourceId ?id ; ckg:agent ?a . ?a rdfs:label ?l FILTER(STR(?l) = ?name) }",
        params={"name": agent_label},
    ).scalar()


def test_same_event_is_proposed_with_evidence(graph):
    proposals = {(p.a, p.b): p for p in propose(graph)}
    icews = icews_event(graph, "Islamic State of Iraq and Syria")  # ISIL resolved to the curated actor
    pair = tuple(sorted((SVEST, icews)))
    assert pair in proposals
    proposal = proposals[pair]
    assert proposal.score == pytest.approx(0.7)  # same day, no point for the ICEWS record, all actors shared
    assert "same day" in proposal.evidence and "shared actors:" in proposal.evidence
    # the meeting on the same day shares an actor but is not hostile: halved, below the threshold
    assert tuple(sorted((MEETING, icews))) not in proposals
    # NATO's statement of 26 May matches nothing (no curated event that day with NATO)
    assert all("2017-05-26" not in p.evidence for p in proposals.values())


def test_window_and_threshold(graph):
    assert propose(graph, end=dt.date(2017, 5, 21)) == []
    assert len(propose(graph, min_score=0.0)) > len(propose(graph))


def test_links_written_and_replaced(graph):
    proposals = propose(graph)
    assert write_links(graph, proposals) == len(proposals) >= 1
    icews = icews_event(graph, "Islamic State of Iraq and Syria")
    assert graph.query("ASK { ?a ckg:sameEventAs ?b . ?b ckg:sameEventAs ?a }", params={"a": SVEST, "b": icews}).boolean
    rows = graph.query("SELECT ?score ?why WHERE { ?m a ckg:Match ; dcterms:references ?a , ?b ; ckg:matchScore ?score ; ckg:matchEvidence ?why }",
                       params={"a": SVEST, "b": icews}).records()
    assert len(rows) == 1 and float(rows[0]["score"]) == pytest.approx(0.7)
    # each dataset keeps its own claims: the curated quote and the ICEWS source id are on separate records
    assert graph.query("ASK { ?a ckg:quote ?q . ?b ckg:sourceId ?id FILTER NOT EXISTS { ?b ckg:quote ?q2 } }", params={"a": SVEST, "b": icews}).boolean
    write_links(graph, [])
    assert graph.query(f"ASK {{ GRAPH <{RECONCILIATION_GRAPH}> {{ ?s ?p ?o }} }}").boolean is False


def test_evidence_is_escaped(empty_kg):
    write_links(empty_kg, [Proposal("https://example.org/a", "https://example.org/b", 0.9, 'quote " and \\ backslash')])
    assert empty_kg.query("SELECT ?w WHERE { ?m ckg:matchEvidence ?w }").scalar() == 'quote " and \\ backslash'


def test_cli(runner, graph, tmp_path):
    store = str(tmp_path / "s")
    import kg

    disk = kg.open(store)
    disk.store.extend(graph.quads())
    disk.close()
    result = runner.invoke(main, ["--store", store, "reconcile", "--dry-run", "--format", "json"])
    assert result.exit_code == 0 and SVEST in result.output
    result = runner.invoke(main, ["--store", store, "reconcile"])
    assert result.exit_code == 0 and "link(s) written" in result.output
    bad = runner.invoke(main, ["--store", store, "reconcile", "--min-score", "2"])
    assert bad.exit_code == 2
