"""Issue 19 on the real samples: --place, the event table, dataset types, month windows, saved
queries on dataset events, and errors that help.

Every expected value is computed here from the CSVs with the csv module (never read back from
the store). The tests skip when ../shared/datasets/acled-sample or ucdp-ged-sample is absent.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import xml.etree.ElementTree as ET
from collections import Counter
from pathlib import Path

import pytest

import kg
from kg.base.errors import QueryError, UsageError
from kg.cli import main
from kg.read.lookups import actor_iri, events
from kg.read.places import events_in_place, resolve_place

from codebook_dates import acled_range
from conftest import SHARED

ACLED = SHARED / "datasets" / "acled-sample" / "acled_old_deletion_dummy.csv"
UCDP = SHARED / "datasets" / "ucdp-ged-sample" / "ucdpged.csv"
EVENT = "https://w3id.org/conflict-kg/id/event/"

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not (ACLED.is_file() and UCDP.is_file()), reason="ACLED and UCDP samples not available"),
]


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def _acled_iri(row: dict[str, str]) -> str:
    return EVENT + "acled-" + row["event_id_cnty"].lower()


def _ucdp_iri(row: dict[str, str]) -> str:
    return EVENT + "ucdp-ged-" + row["id"]


def _day(text: str) -> dt.date:
    return dt.date.fromisoformat(text[:10])


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> str:
    folder = tmp_path_factory.mktemp("samples") / "store"
    graph = kg.open(str(folder))
    kg.import_dataset(graph, "acled", ACLED)
    kg.import_dataset(graph, "ucdp", UCDP)
    graph.close()
    return str(folder)


@pytest.fixture(scope="module")
def graph(store: str):
    g = kg.open(store, read_only=True)
    yield g
    g.close()


@pytest.fixture(scope="module")
def acled() -> list[dict[str, str]]:
    return _rows(ACLED)


@pytest.fixture(scope="module")
def ucdp() -> list[dict[str, str]]:
    return _rows(UCDP)


def test_place_by_label_iso_codes_and_id_gives_the_countrys_events(graph, acled, ucdp) -> None:
    expected = {_acled_iri(r) for r in acled if r["country"] == "Syria"} | {
        _ucdp_iri(r) for r in ucdp if r["country"] == "Syria"}
    assert len(expected) == 307 + 265
    for name in ("Syria", "syria", "place:syria", "SY", "SYR", "760"):
        assert events_in_place(graph, name) == expected, name


def test_iso_code_joins_the_country_names_of_both_datasets(graph, acled, ucdp) -> None:
    """ACLED's "Russia" and UCDP's "Russia (Soviet Union)" are both RU; Turkish forces abroad are not Turkey."""
    expected = {_acled_iri(r) for r in acled if r["country"] == "Russia"} | {
        _ucdp_iri(r) for r in ucdp if r["country"] == "Russia (Soviet Union)"}
    assert events_in_place(graph, "RU") == expected
    turkey = {_acled_iri(r) for r in acled if r["country"] == "Turkey"} | {
        _ucdp_iri(r) for r in ucdp if r["country"] == "Turkey"}
    abroad = {_acled_iri(r) for r in acled if r["country"] != "Turkey" and "Military Forces of Turkey" in r["actor1"] + r["actor2"]}
    assert events_in_place(graph, "TUR") == turkey and abroad and not abroad & turkey


def test_admin1_label_follows_within(graph, acled, ucdp) -> None:
    expected = {_acled_iri(r) for r in acled if r["country"] == "Syria" and r["admin1"] == "Aleppo"} | {
        _ucdp_iri(r) for r in ucdp if r["country"] == "Syria" and r["adm_1"] == "Aleppo governorate"}
    assert events_in_place(graph, "Aleppo") == expected


def test_unknown_place_suggests_near_names(graph) -> None:
    with pytest.raises(UsageError, match="did you mean 'Syria'"):
        resolve_place(graph, "Syriaa")


def test_event_rows_carry_dataset_type_fatalities_country_admin1_and_actors(graph, acled) -> None:
    syria = {_acled_iri(r): r for r in acled if r["country"] == "Syria"}
    rows = {r["event"]: r for r in events(graph, place="SY").records() if r["event"] in syria}
    assert set(rows) == set(syria)
    for iri, row in rows.items():
        source = syria[iri]
        assert row["dataset_type"] == source["sub_event_type"], iri
        assert row["fatalities"] == int(source["fatalities"]), iri
        assert (row["country"], row["admin1"]) == ("Syria", source["admin1"]), iri
        named = " ".join(row.get(k, "") for k in ("agents", "targets", "participants", "side_a", "side_b"))
        assert source["actor1"] in named, iri
    clashes = [i for i, r in syria.items() if r["sub_event_type"] == "Armed clash" and r["actor2"]]
    assert clashes and all(syria[i]["actor2"] in " ".join(
        rows[i].get(k, "") for k in ("agents", "targets", "participants", "side_a", "side_b")) for i in clashes)


def test_event_dataframe_has_the_columns(graph) -> None:
    pd = pytest.importorskip("pandas")
    frame = events(graph, place="SY", type="Armed clash").to_pandas()
    assert isinstance(frame, pd.DataFrame)
    assert {"dataset_type", "participants", "side_a", "side_b", "fatalities", "country", "admin1"} <= set(frame.columns)


@pytest.mark.parametrize(("name", "column", "value"), [
    ("Battles", "event_type", "Battles"),
    ("Armed clash", "sub_event_type", "Armed clash"),
    ("acled/attack", "sub_event_type", "Attack"),
    ("Peaceful protest", "sub_event_type", "Peaceful protest"),
])
def test_type_accepts_acled_types(graph, acled, name, column, value) -> None:
    expected = {_acled_iri(r) for r in acled if r[column] == value}
    found = {r["event"] for r in events(graph, type=name).records() if "/event/acled-" in r["event"]}
    assert found == expected


def test_type_accepts_ucdp_types_and_suggests(graph, ucdp) -> None:
    expected = {_ucdp_iri(r) for r in ucdp if r["type_of_violence"] == "1"}
    assert {r["event"] for r in events(graph, type="state-based").records()} == expected
    with pytest.raises(UsageError, match="Did you mean 'battles'"):
        events(graph, type="Battle")


def test_month_window_on_the_command_line(store, acled, ucdp) -> None:
    """kg events --place Syria --from 2022-03 --to 2022-03: ACLED's Syrian rows that possibly fall
    in March (38 dated in it, and those whose approximate date may reach into it) + UCDP's."""
    from click.testing import CliRunner

    march = (dt.date(2022, 3, 1), dt.date(2022, 3, 31))
    syrian = [r for r in acled if r["country"] == "Syria"]
    assert len([r for r in syrian if r["event_date"].startswith("2022-03")]) == 38
    possibly = {_acled_iri(r) for r in syrian
                if acled_range(r)[0] <= march[1] and acled_range(r)[1] >= march[0]}
    expected = possibly | {_ucdp_iri(r) for r in ucdp if r["country"] == "Syria"
                           and _day(r["date_start"]) <= march[1] and _day(r["date_end"]) >= march[0]}
    result = CliRunner().invoke(main, ["--store", store, "events", "--place", "Syria", "--from", "2022-03",
                                       "--to", "2022-03", "--format", "csv"])
    assert result.exit_code == 0, result.output
    found = {row["event"] for row in csv.DictReader(io.StringIO(result.output))}
    assert found == expected
    # strict: only the events surely inside March (an approximate date's whole range in it)
    strict = CliRunner().invoke(main, ["--store", store, "events", "--place", "Syria", "--from", "2022-03",
                                       "--to", "2022-03", "--precision", "strict", "--format", "csv"])
    assert strict.exit_code == 0, strict.output
    surely = {row["event"] for row in csv.DictReader(io.StringIO(strict.output)) if "/event/acled-" in row["event"]}
    assert surely == {_acled_iri(r) for r in syrian
                      if march[0] <= acled_range(r)[0] and acled_range(r)[1] <= march[1]}


def test_syria_only_gexf(store, acled, ucdp, tmp_path) -> None:
    from click.testing import CliRunner

    out = tmp_path / "syria.gexf"
    result = CliRunner().invoke(main, ["--store", store, "export", "--format", "gexf", "--place", "SY",
                                       "--from", "2022-01", "--to", "2022-06", "-o", str(out)])
    assert result.exit_code == 0, result.output
    ns = {"g": "http://www.gexf.net/1.2draft"}
    labels = {n.get("label") for n in ET.parse(out).getroot().iterfind(".//g:node", ns)}
    syrian = {r[k] for r in acled if r["country"] == "Syria" for k in ("actor1", "actor2", "assoc_actor_1", "assoc_actor_2")}
    syrian |= {r[k] for r in ucdp if r["country"] == "Syria" for k in ("side_a", "side_b")}
    syrian = {part.strip() for name in syrian for part in name.split(";") if part.strip()}
    assert "Military Forces of Turkey (2016-)" in labels and "QSD: Syrian Democratic Forces" in labels
    assert "Protesters (United States)" not in labels
    unknown = {label for label in labels if label not in syrian}
    assert len(unknown) <= len(labels) // 10, unknown  # curated aliases may rename a few (IS -> ISIS)


def test_analysis_scope_place(graph, acled) -> None:
    from kg.analysis.span import analysis_graph

    g = analysis_graph(graph, start=dt.date(2022, 1, 1), end=dt.date(2022, 6, 30), place="Syria")
    syrian_events = {_acled_iri(r) for r in acled if r["country"] == "Syria"}
    assert g.number_of_edges() and all(e in syrian_events or "/ucdp-" in e for _, _, e in g.edges(data="event"))


def test_actor_by_label_and_did_you_mean(graph) -> None:
    assert actor_iri(graph, "military forces of syria (2000-)").endswith("/actor/military-forces-of-syria-2000")
    with pytest.raises(UsageError, match=r"did you mean Islamic State \(Syria\) \(islamic-state-syria\)"):
        actor_iri(graph, "Islamic State Syria")


def test_saved_query_on_dataset_events_without_quotes(graph, acled) -> None:
    saved = kg.saved_query("who-attacked-whom")
    rows = kg.query(graph, saved.text, params=saved.bind({"start": "2022-03-01", "end": "2022-03-31"})).records()
    vac = [r for r in acled if r["event_type"] == "Violence against civilians" and r["event_date"].startswith("2022-03")]
    pairs = {(r["attacker"], r["target"]) for r in rows}
    assert vac and all((r["actor1"], r["actor2"]) in pairs for r in vac if r["time_precision"] == "1")
    with pytest.raises(QueryError, match=r"--param start=March: who-attacked-whom expects a date YYYY-MM-DD"):
        saved.bind({"start": "March"})


@pytest.mark.parametrize(("text", "message"), [
    ("SELECT ?x WHERE { ?x foo:bar ?y }", "unknown prefix 'foo:' (in foo:bar): declare it first, e.g. PREFIX foo:"),
    ("SELECT ?x (COUNT(*) AS ?n) WHERE { ?x ?p ?y } GROUP BY ?p", "?x is selected but not in GROUP BY (GROUP BY ?p)"),
    ("DROP GRAPH <http://example.org/g>", "DROP is a SPARQL update, and kg query only reads"),
])
def test_query_errors_in_one_line(store, text, message) -> None:
    from click.testing import CliRunner

    result = CliRunner().invoke(main, ["--store", store, "query", text])
    assert result.exit_code == 1
    assert result.output.count("\n") == 1 and message in result.output, result.output


def test_counts_by_month_match_the_csv(graph, acled) -> None:
    """--from 2022 (a year) covers every ACLED row; the table's country column counts them per country."""
    rows = [r for r in events(graph, start=dt.date(2022, 1, 1), end=dt.date(2022, 12, 31)).records()
            if "/event/acled-" in r["event"]]
    assert Counter(r["country"] for r in rows) == Counter(r["country"] for r in acled)


def test_actors_search_and_place(graph, acled) -> None:
    from kg.read.lookups import actors

    name = "Military Forces of Syria (2000-)"

    def names(r: dict[str, str]) -> set[str]:
        return {r["actor1"], r["actor2"]} | {n.strip() for k in ("assoc_actor_1", "assoc_actor_2") for n in r[k].split(";")}

    expected = sum(1 for r in acled if r["country"] == "Syria" and name in names(r))
    rows = {r["label"]: r["events"] for r in actors(graph, place="Syria").records()}
    assert rows[name] == expected
    assert "Protesters (United States)" not in rows
    found = {r["label"] for r in actors(graph, search="islamic state").records()}
    assert {"Islamic State (Syria)", "Islamic State (Iraq)"} <= found and all("islamic state" in f.lower() for f in found)
