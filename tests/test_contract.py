"""The data contract has one writer: curated and imported facts have the same shape, and a
build, a first import and a re-import derive the same shortcut edges from the same facts."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pyoxigraph as ox
import pytest

import kg
from kg.base.errors import DataError
from kg.base.geo import coordinate, point
from kg.base.namespaces import DERIVED_GRAPH, graph_iri
from kg.base.resources import default_data_dir
from kg.base.temporal import Precision, TimeSpan
from kg.contract.emit import C, NameIndex, RowQuads, lit, resource_node
from kg.contract.model import Actor, Event, Place, Quote
from kg.contract.ontology import _ox, ensure_ontology
from kg.contract.rdfmap import actor_triples, event_triples, place_triples
from kg.curated.build import build
from kg.curated.load import load_curated
from kg.ingest.base import import_file

T0 = dt.datetime(2020, 1, 1, tzinfo=dt.timezone.utc)
T1 = dt.datetime(2020, 6, 1, tzinfo=dt.timezone.utc)
GRAPH = ox.NamedNode(str(graph_iri("import", "test")))


def _row() -> RowQuads:
    return RowQuads(GRAPH, NameIndex({}), set())


def _set(triples) -> set[tuple[str, str, str]]:  # type: ignore[no-untyped-def]
    return {(str(_ox(s)), str(_ox(p)), str(_ox(o))) for s, p, o in triples}


def _quads(out: RowQuads) -> set[tuple[str, str, str]]:
    return {(str(q.subject), str(q.predicate), str(q.object)) for q in out.quads}


# -- one shape --------------------------------------------------------------------------------


def test_actor_and_place_have_the_same_shape_curated_or_imported():
    out = _row()
    out.actor("Islamic State", kind="ArmedGroup")
    assert _quads(out) == _set(actor_triples(Actor(slug="islamic-state", kind="ArmedGroup", label="Islamic State")))
    out = _row()
    out.place([("City", "Homs")], lat=34.73, lon=36.72)
    assert _quads(out) == _set(place_triples(Place(slug="homs", kind="City", label="Homs", lat=34.73, lon=36.72)))


@pytest.mark.parametrize("span", [
    TimeSpan(dt.date(2017, 5, 23), dt.date(2017, 5, 23), Precision.DAY),
    TimeSpan(dt.date(2017, 5, 1), dt.date(2017, 5, 31), Precision.MONTH),
    TimeSpan(dt.date(2017, 4, 20), dt.date(2017, 6, 2), Precision.APPROXIMATE),
], ids=["day", "month", "range"])
def test_event_has_the_same_shape_curated_or_imported(span):
    quote = "ISIS attacked Homs."
    curated = _set(event_triples(Event(
        slug="e1", cls="Attack", concept="attack", label="ISIS attacks Homs", span=span, source="report",
        quote=Quote(quote, 0, len(quote)), agents=("islamic-state",), targets=("civilians",), places=("homs",),
    )))
    out = _row()
    out.event(
        "e1", cls="Attack", concept="attack", source=resource_node("source", "report"), start=span.start,
        end=span.end, precision=span.precision, label="ISIS attacks Homs", source_id="row-1",
        agents=[resource_node("actor", "islamic-state")], targets=[resource_node("actor", "civilians")],
        place=resource_node("place", "homs"),
    )
    imported = _quads(out)
    evidence = {C[name].value for name in ("quote", "quoteStart", "quoteEnd")}
    assert {t for t in curated if t[1].strip("<>") not in evidence} == {
        t for t in imported if t[1].strip("<>") != C["sourceId"].value
    }
    # valid time includes the OWL-Time entity, shared by every fact with these dates
    assert any(t[1] == "<http://www.w3.org/2006/time#hasTime>" for t in imported)


def test_time_entities_are_described_once_per_graph():
    out = _row()
    for slug in ("a", "b"):
        out.valid_time(resource_node("event", slug), dt.date(2017, 5, 18), dt.date(2017, 5, 23), Precision.DAY)
    entities = [q for q in out.quads if q.predicate.value == "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"]
    assert sorted(q.object.value.rsplit("#", 1)[1] for q in entities) == ["Instant", "Instant", "Interval", "ProperInterval"]


# -- one coordinate parser ----------------------------------------------------------------------


def test_one_coordinate_message():
    with pytest.raises(DataError) as info:
        coordinate(True, field="lat", axis="latitude")
    assert str(info.value) == "lat: True is not a latitude: write decimal degrees from -90 to 90 (WGS84, e.g. 34.73)"
    with pytest.raises(DataError, match="^ActionGeo_Long: 'nan' is not a longitude"):
        point("1", "nan", lat_field="ActionGeo_Lat", lon_field="ActionGeo_Long")
    with pytest.raises(DataError, match="^latitude: empty while longitude is given"):
        point(" ", "3", lat_field="latitude", lon_field="longitude")
    assert point(" 34.5", 36, lat_field="a", lon_field="b") == (34.5, 36.0)


# -- one shortcut derivation ----------------------------------------------------------------


class SeedEvents:
    """A test format: each line names a curated event, imported with exactly its curated facts."""

    name, title, licence = "seed", "Seed events", "test data"

    def __init__(self) -> None:
        self.events = load_curated(default_data_dir()).events

    def rows(self, path: Path):  # type: ignore[no-untyped-def]
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            yield number, {"slug": line.strip()}

    def map_row(self, row, out: RowQuads, source: ox.NamedNode) -> None:  # type: ignore[no-untyped-def]
        for s, p, o in event_triples(self.events[row["slug"]]):
            out.add(_ox(s), _ox(p), _ox(o))
        out.add(resource_node("event", row["slug"]), C["sourceId"], lit(row["slug"]))


def _edges(graph: kg.KnowledgeGraph, derived: str) -> set[tuple[str, str, str]]:
    # the edges only, not what the graph says about itself (its licence)
    rows = graph.query(f"SELECT ?s ?p ?o WHERE {{ GRAPH <{derived}> {{ ?s ?p ?o }} FILTER(?s != <{derived}>) }}").records()
    return {(r["s"], r["p"], r["o"]) for r in rows}


def test_build_first_import_and_reimport_derive_the_same_edges(tmp_path):
    built = kg.open(":memory:")
    build(built)
    from_build = _edges(built, str(DERIVED_GRAPH))
    assert (resource_node("actor", "nato").value, C["joined"].value,
            resource_node("actor", "anti-isis-coalition").value) in from_build
    assert len(from_build) > 10

    slugs = sorted(SeedEvents().events)
    file = tmp_path / "seed-events.txt"
    file.write_text("\n".join(slugs) + "\n", encoding="utf-8")
    derived = str(graph_iri("derived", "seed-copy"))

    first = kg.open(":memory:")
    ensure_ontology(first)
    import_file(first, SeedEvents(), file, source_id="seed-copy", now=T0, validate=False)  # its source is curated, not here
    assert _edges(first, derived) == from_build

    again = kg.open(":memory:")
    ensure_ontology(again)
    partial = tmp_path / "partial.txt"
    partial.write_text("\n".join(slugs[::2]) + "\n", encoding="utf-8")
    import_file(again, SeedEvents(), partial, source_id="seed-copy", now=T0, validate=False)
    assert _edges(again, derived) < from_build
    import_file(again, SeedEvents(), file, source_id="seed-copy", now=T1, validate=False)  # a re-import: staging, swap
    assert _edges(again, derived) == from_build
    # a newer export without an event retracts it, and its edges go with it
    attack = next(s for s in slugs if built.query(
        "ASK { ?e a ckg:Attack ; ckg:agent ?a ; ckg:target ?t }", params={"e": resource_node("event", s)}).boolean)
    file.write_text("\n".join(s for s in slugs if s != attack) + "\n", encoding="utf-8")
    import_file(again, SeedEvents(), file, source_id="seed-copy", now=T1 + dt.timedelta(days=1), validate=False)
    assert _edges(again, derived) <= from_build
    assert again.query("ASK { ?e prov:invalidatedAtTime ?t }", params={"e": resource_node("event", attack)}).boolean


def test_derive_all_drops_the_edges_of_facts_gone_from_a_copy(tmp_path):
    from kg.contract.shortcuts import derive_all
    from kg.ingest.icews import IcewsFormat

    graph = kg.open(":memory:")
    build(graph)
    report = import_file(graph, IcewsFormat(), Path(__file__).parent / "data" / "icews" / "icews14-valid-head40.txt", now=T0)
    derived = str(graph_iri("derived", report.source_id))
    before = (_edges(graph, str(DERIVED_GRAPH)), _edges(graph, derived))
    derive_all(graph)
    assert (_edges(graph, str(DERIVED_GRAPH)), _edges(graph, derived)) == before and before[1]
    graph.update("DELETE WHERE { GRAPH ?g { ?e a ckg:Attack ; ?p ?o } }")  # as a snapshot leaves facts out
    derive_all(graph)
    assert _edges(graph, derived) == set()
    assert {p for _, p, _ in _edges(graph, str(DERIVED_GRAPH))} == {p for _, p, _ in before[0]} - {C["attacked"].value}
