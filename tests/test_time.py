"""Valid time, record time, windows with imprecise dates, Allen relations — in Python, SPARQL and the CLI."""

from __future__ import annotations

import datetime as dt
import itertools
from pathlib import Path

import pytest

import kg
from kg.base.errors import DataError, UsageError
from kg.base.temporal import Allen, Match, TimeSpan, Window
from kg.cli import main
from kg.curated.build import build

D = dt.date
CORRECTION = Path(__file__).parent / "data" / "correction"
X_EVENT = "https://w3id.org/conflict-kg/id/event/group-x-attacks-town-y-2017-06-01"
Z_EVENT = "https://w3id.org/conflict-kg/id/event/group-z-attacks-town-y-2017-06-01"


@pytest.fixture(scope="module")
def corrected():
    graph = kg.open(":memory:")
    build(graph, CORRECTION)
    return graph


# -- windows and precision ----------------------------------------------------------------

MAY = TimeSpan.parse("2017-05")


@pytest.mark.parametrize(
    "window,span,possibly,certainly",
    [
        (Window(D(2017, 5, 18), D(2017, 5, 25)), MAY, True, False),
        (Window(D(2017, 5, 1), D(2017, 5, 31)), MAY, True, True),
        (Window(D(2017, 5, 31), D(2017, 6, 30)), MAY, True, False),  # border: last day of the month
        (Window(D(2017, 6, 1), D(2017, 6, 30)), MAY, False, False),
        (Window(D(2017, 5, 23), D(2017, 5, 23)), TimeSpan.parse("2017-05-23"), True, True),
        (Window(D(2017, 5, 24), None), TimeSpan.parse("2017-05-18", "2017-05-23"), False, False),
        (Window(D(2017, 5, 23), None), TimeSpan.parse("2017-05-18", "2017-05-23"), True, True),  # day-precise overlap is certain
        (Window(None, D(2016, 12, 31)), TimeSpan.parse("2016-03-01", "2017-05-31", "approximate"), True, False),
    ],
)
def test_window_possibly_certainly(window, span, possibly, certainly):
    assert window.possibly(span) is possibly
    assert window.certainly(span) is certainly
    assert window.matches(span, "loose") is possibly and window.matches(span, Match.STRICT) is certainly


def test_window_rejects_reversed_bounds():
    with pytest.raises(UsageError, match="is before --from"):
        Window(D(2017, 6, 1), D(2017, 5, 1))


def test_precision_mode_in_events_lookup(seed_kg):
    window = {"start": D(2017, 5, 18), "end": D(2017, 5, 25)}
    loose = {e["event"].rsplit("/", 1)[1] for e in kg.events(seed_kg, **window)}
    strict = {e["event"].rsplit("/", 1)[1] for e in kg.events(seed_kg, mode="strict", **window)}
    # the month-precise withdrawal only possibly falls in the week; Trump's approximate statements neither
    assert "isis-withdrawal-southern-central-syria-2017-05" in loose - strict
    assert "trump-questions-value-of-nato" in loose - strict
    assert "isis-vbied-homs-zahraa-2017-05-23" in strict
    assert strict < loose


# -- Allen relations ----------------------------------------------------------------------

def span(a: str, b: str) -> TimeSpan:
    return TimeSpan.parse(a, b, "day")


ALLEN_CASES = [
    (span("2017-05-01", "2017-05-02"), span("2017-05-04", "2017-05-05"), Allen.BEFORE),
    (span("2017-05-01", "2017-05-02"), span("2017-05-03", "2017-05-05"), Allen.MEETS),
    (span("2017-05-01", "2017-05-03"), span("2017-05-03", "2017-05-05"), Allen.OVERLAPS),
    (span("2017-05-01", "2017-05-03"), span("2017-05-01", "2017-05-05"), Allen.STARTS),
    (span("2017-05-02", "2017-05-03"), span("2017-05-01", "2017-05-05"), Allen.DURING),
    (span("2017-05-03", "2017-05-05"), span("2017-05-01", "2017-05-05"), Allen.FINISHES),
    (span("2017-05-01", "2017-05-05"), span("2017-05-01", "2017-05-05"), Allen.EQUALS),
]


@pytest.mark.parametrize("a,b,relation", ALLEN_CASES)
def test_allen_relation_and_inverse(a, b, relation):
    assert Allen.relate(a, b) is relation
    assert Allen.relate(b, a) is relation.inverse
    assert sum(r.holds(a, b) for r in Allen) == 1


def test_allen_open_ended_state():
    membership = (D(2017, 5, 25), None)
    assert Allen.relate(TimeSpan.parse("2017-05-31"), membership) is Allen.DURING
    assert Allen.relate(TimeSpan.parse("2017-05-25"), membership) is Allen.STARTS


def test_allen_sparql_filters_agree_with_python():
    """Every relation's generated FILTER gives the same verdict as the Python function, on Oxigraph."""
    graph = kg.open(":memory:")
    days = [span("2017-05-01", "2017-05-02"), span("2017-05-03", "2017-05-05"), span("2017-05-02", "2017-05-04"),
            span("2017-05-01", "2017-05-05"), span("2017-05-04", "2017-05-05"), span("2017-05-02", "2017-05-02")]
    for a, b in itertools.product(days, repeat=2):
        for relation in Allen:
            expr = relation.sparql_filter(("?a0", "?a1"), ("?b0", "?b1"))
            ask = f"ASK {{ FILTER({expr}) }}"
            got = graph.query(ask, params={"a0": a.start, "a1": a.end, "b0": b.start, "b1": b.end}).boolean
            assert got is relation.holds(a, b), (relation, a, b)


def test_unknown_allen_relation():
    with pytest.raises(DataError, match="unknown Allen relation"):
        Allen.parse("sideways")


def test_events_in_relation_to_an_event(seed_kg):
    wave = "event:isis-attack-wave-western-syria-2017-05"
    during = {e["event"].rsplit("/", 1)[1] for e in kg.events(seed_kg, relation="during", to_event=wave)}
    assert during == {"ahrar-al-sham-meeting-eastern-idlib-2017-05-22", "isis-double-svest-attack-ahrar-al-sham-eastern-idlib-2017-05-22"}
    after = {e["event"].rsplit("/", 1)[1] for e in kg.events(seed_kg, relation="after", to_event=wave)}
    assert "nato-joins-anti-isis-coalition-2017-05-25" in after and not after & during
    during_membership = {e["event"].rsplit("/", 1)[1] for e in kg.events(seed_kg, relation="during", to_event="state:nato-member-of-anti-isis-coalition")}
    assert during_membership == {"isw-assessment-isis-capability-intent-2017-05-31", "isw-assessment-decision-aimed-at-trump-2017-05-31", "isw-assessment-measure-largely-symbolic-2017-05-31"}
    with pytest.raises(UsageError, match="go together"):
        kg.events(seed_kg, relation="during")
    with pytest.raises(UsageError, match="unknown event or state"):
        kg.events(seed_kg, relation="during", to_event="event:nope")


# -- bi-temporal --------------------------------------------------------------------------

def agents(graph, **options):
    return sorted(e["agents"] for e in kg.events(graph, **options))


def test_known_on_before_and_after_the_correction(corrected):
    assert agents(corrected, known_on=D(2017, 5, 31)) == []
    assert agents(corrected, known_on=D(2017, 6, 5)) == ["Group X"]
    assert agents(corrected, known_on=D(2017, 6, 10)) == ["Group Z"]  # retraction counts from its issue day
    assert agents(corrected, known_on=D(2017, 6, 15)) == ["Group Z"]
    assert agents(corrected) == ["Group X", "Group Z"]  # nothing is deleted: both facts stay, one retracted


def test_retraction_is_recorded_not_deleted(corrected):
    rows = corrected.query("""
        SELECT ?t ?g ?new WHERE { GRAPH ?g { ?old prov:invalidatedAtTime ?t } ?new prov:wasRevisionOf ?old }
    """, params={"old": X_EVENT}).records()
    assert rows == [{"t": "2017-06-10T00:00:00Z", "g": "https://w3id.org/conflict-kg/graph/source/report-b", "new": Z_EVENT}]
    assert corrected.query("ASK { ?e ckg:agent actor:group-x ; ckg:quote ?q }", params={"e": X_EVENT}).boolean


def test_as_of_and_known_on_compose(corrected, seed_kg):
    assert agents(corrected, as_of=D(2017, 6, 1), known_on=D(2017, 6, 2)) == ["Group X"]
    assert agents(corrected, as_of=D(2017, 6, 2), known_on=D(2017, 6, 2)) == []
    # what did we know on 30 May about 23 May? The report was issued on 31 May: nothing.
    assert kg.events(seed_kg, as_of=D(2017, 5, 23), known_on=D(2017, 5, 30)).records() == []
    on_23 = {e["event"].rsplit("/", 1)[1] for e in kg.events(seed_kg, as_of=D(2017, 5, 23), known_on=D(2017, 5, 31))}
    assert "isis-vbied-homs-zahraa-2017-05-23" in on_23 and "isis-attack-wave-western-syria-2017-05" in on_23
    assert "isis-double-svest-attack-ahrar-al-sham-eastern-idlib-2017-05-22" not in on_23


def test_snapshot_queries_and_shortcuts(corrected, seed_kg):
    query = "SELECT ?a WHERE { ?a ckg:attacked ?b }"
    before = kg.query(corrected, query, known_on=D(2017, 6, 5)).records()
    after = kg.query(corrected, query, known_on=D(2017, 6, 15)).records()
    assert [r["a"].rsplit("/", 1)[1] for r in before] == ["group-x"]
    assert [r["a"].rsplit("/", 1)[1] for r in after] == ["group-z"]
    # states: the membership holds on and after 25 May, not before
    ask = "ASK { ?m a ckg:Membership }"
    assert kg.query(seed_kg, ask, as_of=D(2017, 5, 24)).boolean is False
    assert kg.query(seed_kg, ask, as_of=D(2017, 5, 25)).boolean is True
    assert kg.query(seed_kg, ask, as_of=D(2030, 1, 1)).boolean is True  # open-ended: still holding
    # the store itself is untouched by snapshots
    assert corrected.query("ASK { actor:group-x ckg:attacked ?b }").boolean is False


def test_record_dates_are_days_not_instants(tmp_path):
    """A retraction at 23:30 on 9 June in UTC-05:00 is still 9 June: time zones never shift the day."""
    data = tmp_path / "data"
    import shutil

    shutil.copytree(CORRECTION, data)
    graph = kg.open(":memory:")
    build(graph, data)
    graph.update(f"""
        DELETE {{ GRAPH ?g {{ <{X_EVENT}> prov:invalidatedAtTime ?t }} }}
        INSERT {{ GRAPH ?g {{ <{X_EVENT}> prov:invalidatedAtTime "2017-06-09T23:30:00-05:00"^^xsd:dateTime }} }}
        WHERE {{ GRAPH ?g {{ <{X_EVENT}> prov:invalidatedAtTime ?t }} }}
    """)
    assert agents(graph, known_on=D(2017, 6, 9)) == []  # retracted that day; Group Z not reported yet
    assert agents(graph, known_on=D(2017, 6, 8)) == ["Group X"]


# -- timeline and diff --------------------------------------------------------------------

def test_timeline_lines_show_precision(seed_kg):
    lines = [e.line() for e in kg.timeline(seed_kg, actor="isis")]
    assert lines[0].startswith("2017-05 (month)  Withdrawal  Islamic State of Iraq and Syria")
    assert any(line.startswith("2017-05-23  Attack  Islamic State of Iraq and Syria -> Alawite community (Syria)  @ Zahraa District") for line in lines)
    dates = [e.start for e in kg.timeline(seed_kg)]
    assert dates == sorted(dates)
    membership = [e for e in kg.timeline(seed_kg, actor="nato") if e.kind == "state"]
    assert [(e.change, e.start) for e in membership] == [("starts", D(2017, 5, 25))]


def test_timeline_known_on(corrected):
    assert [e.agents for e in kg.timeline(corrected, known_on=D(2017, 6, 5))] == ["Group X"]


def test_diff(seed_kg):
    from kg.read.diff import network_diff

    week = network_diff(seed_kg, start=D(2017, 5, 18), end=D(2017, 5, 24))
    assert {(d["agentLabel"], d["targetLabel"]) for d in week.first_hostile_dyads} == {
        ("Islamic State of Iraq and Syria", "Ismaili community (Syria)"),
        ("Islamic State of Iraq and Syria", "Ahrar al-Sham"),
        ("Islamic State of Iraq and Syria", "Alawite community (Syria)"),
        ("pro-regime forces", "two bombers wearing SVESTs intercepted near the Sayyida Zeinab Shrine"),
    }
    later = network_diff(seed_kg, start=D(2017, 5, 25), end=D(2017, 5, 31))
    assert [s["label"] for s in later.new_states] == ["NATO membership in the Anti-ISIS Coalition"]
    assert later.first_hostile_dyads == []
    quiet = {a["label"] for a in later.went_quiet}
    assert "pro-regime forces" in quiet and "North Atlantic Treaty Organization" not in quiet
    assert "two bombers wearing SVESTs intercepted near the Sayyida Zeinab Shrine" in quiet
    with pytest.raises(UsageError):
        network_diff(seed_kg, start=D(2017, 6, 1), end=D(2017, 5, 1))


# -- CLI ----------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def correction_store(tmp_path_factory):
    location = str(tmp_path_factory.mktemp("corr") / "store")
    graph = kg.open(location)
    build(graph, CORRECTION)
    graph.close()
    return location


def test_cli_known_on(runner, correction_store):
    def run(*args):
        result = runner.invoke(main, ["--store", correction_store, *args])
        assert result.exit_code == 0, result.output
        return result.output

    assert "Group X" in run("events", "--known-on", "2017-06-05") and "Group Z" not in run("events", "--known-on", "2017-06-05")
    assert "Group Z" in run("events", "--known-on", "2017-06-15") and "Group X" not in run("events", "--known-on", "2017-06-15")
    assert "group-x" in run("query", "--known-on", "2017-06-05", "SELECT ?a WHERE { ?a ckg:attacked ?b }")
    assert "group-z" in run("query", "--known-on", "2017-06-15", "SELECT ?a WHERE { ?a ckg:attacked ?b }")
    assert run("timeline", "--known-on", "2017-06-05").startswith("2017-06-01  Attack  Group X -> residents of Town Y  @ Town Y")


def test_cli_time_commands(runner, tmp_path):
    store = str(tmp_path / "s")
    assert runner.invoke(main, ["--store", store, "build"]).exit_code == 0
    out = runner.invoke(main, ["--store", store, "timeline", "--actor", "isis", "--from", "2017-05-22", "--to", "2017-05-22"]).output
    assert "2017-05-22  Attack  Islamic State of Iraq and Syria -> Ahrar al-Sham" in out
    out = runner.invoke(main, ["--store", store, "diff", "--from", "2017-05-25", "--to", "2017-05-31"]).output
    assert "New states (1)" in out and "NATO membership in the Anti-ISIS Coalition" in out
    out = runner.invoke(main, ["--store", store, "events", "--as-of", "2017-05-22", "--format", "csv"]).output
    assert "isis-double-svest-attack" in out and "isis-vbied" not in out
    out = runner.invoke(main, ["--store", store, "events", "--relation", "during", "--to-event", "event:isis-attack-wave-western-syria-2017-05"]).output
    assert "(2 rows)" in out
    bad = runner.invoke(main, ["--store", store, "diff", "--from", "2017-05-25"])
    assert bad.exit_code == 2 and "Missing option '--to'" in bad.output
    bad = runner.invoke(main, ["--store", store, "events", "--known-on", "31/05/2017"])
    assert bad.exit_code == 2 and "is not a date" in bad.output
    bad = runner.invoke(main, ["--store", store, "events", "--relation", "during"])
    assert bad.exit_code == 2 and "go together" in bad.output


def test_snapshot_drops_the_shortcut_edges_of_hidden_imported_events(tmp_path):
    """As of a day before every imported event, no imported event and none of its shortcut edges remain."""
    graph = kg.open(":memory:")
    kg.import_dataset(graph, "icews", Path(__file__).parent / "data" / "icews" / "icews14-valid-head40.txt")
    # edges only: not what each derived graph states about itself (its licence)
    edges = "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?a ?p ?b } FILTER(STRSTARTS(STR(?g), STR(graph:derived)) && ?a != ?g) }"
    edges = edges.replace("graph:derived", "<https://w3id.org/conflict-kg/graph/derived>")
    assert graph.query(edges).scalar() > 0
    view = kg.snapshot(graph, as_of=dt.date(2000, 1, 1))
    assert kg.events(view).records() == []
    assert view.query(edges).scalar() == 0
    later = kg.snapshot(graph, as_of=dt.date(2014, 9, 20))
    assert later.query(edges).scalar() > 0
