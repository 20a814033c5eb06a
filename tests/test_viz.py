"""The views as HTML (no browser): self-contained, escaped, deterministic; the data behind them; the CLI."""

from __future__ import annotations

import doctest
import importlib
import re
from pathlib import Path

import pyoxigraph as ox
import pytest

import kg
from kg.base.errors import UsageError
from kg.cli import main
from kg.contract.ontology import ensure_ontology
from viz import explore_view, network_view, timeline_view
from viz.data import collect
from viz.layout import centrality, precomputed_layout
from viz.render import VENDOR, _asset, safe_json
from viz.timeline import timeline_payload

DATA = Path(__file__).parent / "data" / "viz"
EXTERNAL = re.compile(r"""(?:src|href)\s*=\s*["']?\s*(?:https?:)?//|<link\b|@import|url\(\s*["']?(?:https?:)?//|<iframe|<object|<embed""", re.I)


@pytest.mark.parametrize("module", ["viz.data", "viz.layout", "viz.render", "viz.network", "viz.timeline"])
def test_doctests(module):
    result = doctest.testmod(importlib.import_module(module), optionflags=doctest.ELLIPSIS)
    assert result.failed == 0 and result.attempted > 0


@pytest.mark.parametrize("make", [network_view, timeline_view, explore_view])
def test_views_are_self_contained(seed_kg, make):
    html = make(seed_kg).to_string()
    # Leaflet's code (explore has the map) holds the text of a link to its home page, the attribution
    # prefix the page replaces: everything but that vendored bundle must name no address
    unvendored = html.replace(_asset(VENDOR["leaflet"]), "")
    assert not EXTERNAL.search(unvendored), EXTERNAL.search(unvendored)
    assert "<script src" not in html and "sourceMappingURL" not in html
    csp = html.replace("&#39;", "'")
    assert "default-src 'none'" in csp and "connect-src 'none'" in csp
    for script in re.findall(r"<script>(.*?)</script>", html, flags=re.S):
        assert script.strip()


def test_views_are_deterministic(seed_kg):
    assert network_view(seed_kg).to_string() == network_view(seed_kg).to_string()
    assert explore_view(seed_kg, collapse=True).to_string() == explore_view(seed_kg, collapse=True).to_string()


def test_seed_data_has_links_states_and_quotes(seed_kg):
    data = collect(seed_kg)
    slugs = {n["slug"] for n in data.nodes}
    assert {"isis", "ahrar-al-sham", "nato", "anti-isis-coalition"} <= slugs
    attack = next(e for e in data.events if e["iri"].endswith("isis-double-svest-attack-ahrar-al-sham-eastern-idlib-2017-05-22"))
    assert attack["places"] == ["Eastern Idlib"] and "double SVEST" in attack["quote"] and attack["sign"] == -1
    assert [(data.nodes[s["member"]]["slug"], data.nodes[s["organization"]]["slug"], s["date"], s["end"]) for s in data.states] == [
        ("nato", "anti-isis-coalition", "2017-05-25", None)]
    assert any(link["kind"] == "state" for link in data.links)
    assert (data.start, data.end) == ("2016-03-01", "2017-05-31")


def test_window_relations_and_neighbourhood(seed_kg):
    import datetime as dt

    early = collect(seed_kg, start=dt.date(2017, 5, 18), end=dt.date(2017, 5, 21))
    assert not early.states and {e["cls"] for e in early.events} >= {"Attack"}
    members = collect(seed_kg, relations=["Membership"])
    assert len(members.links) == 1 and members.links[0]["kind"] == "state" and not members.events
    attacks = collect(seed_kg, relations=["Attack"])
    assert {e["cls"] for e in attacks.events} == {"Attack"} and not attacks.states
    ego = collect(seed_kg, actors=["ahrar-al-sham"], hops=1)
    assert {n["slug"] for n in ego.nodes if n["inNetwork"]} == {"ahrar-al-sham", "isis"}
    wider = collect(seed_kg, actors=["ahrar-al-sham"], hops=2)
    assert {"alawite-community", "isw"} <= {n["slug"] for n in wider.nodes if n["inNetwork"]}


def test_errors_are_usage_errors(seed_kg):
    import datetime as dt

    with pytest.raises(UsageError, match="unknown actor"):
        network_view(seed_kg, actors=["nobody"])
    with pytest.raises(UsageError, match="before its start"):
        network_view(seed_kg, start=dt.date(2017, 6, 1), end=dt.date(2017, 5, 1))
    with pytest.raises(UsageError, match="size"):
        network_view(seed_kg, size_by="closeness")
    with pytest.raises(UsageError, match="hops"):
        collect(seed_kg, actors=["isis"], hops=-1)
    with pytest.raises(UsageError, match="no links of"):
        network_view(seed_kg, actors=["ahrar-al-sham"], relations=["Joining"])


def test_sizes_follow_the_chosen_centrality(seed_kg):
    data = collect(seed_kg)
    for measure in ("pagerank", "degree", "betweenness"):
        scores = centrality(data.graph, measure)
        assert set(scores) == set(data.graph.nodes) and max(scores.values()) > 0
    degree = centrality(data.graph, "degree")
    assert degree[next(n for n in degree if n.endswith("/nato"))] == max(degree.values())
    assert degree[next(n for n in degree if n.endswith("/ahrar-al-sham"))] == min(degree.values())


def test_large_views_get_a_seeded_layout_and_no_physics(seed_kg):
    data = collect(seed_kg)
    assert precomputed_layout(data.graph, seed=1) == precomputed_layout(data.graph, seed=1)
    html = network_view(seed_kg, layout_threshold=5).to_string()
    assert '"physics":false' in html.replace(" ", "") and '"x":' in html


def test_timeline_lanes(seed_kg):
    data = collect(seed_kg, timeline_actors=["nato", "isis"])
    payload = timeline_payload(data, actors=["nato", "isis"])
    assert [lane["label"] for lane in payload["lanes"]] == ["Islamic State of Iraq and Syria", "North Atlantic Treaty Organization"]
    by_type = timeline_payload(collect(seed_kg), lane_by="type")
    assert {lane["label"] for lane in by_type["lanes"]} >= {"Attack", "Membership", "Statement"}
    with pytest.raises(UsageError):
        timeline_payload(data, lane_by="colour")


def test_hostile_text_never_reaches_the_html_raw(tmp_path):
    graph = kg.open(":memory:")
    ensure_ontology(graph)
    graph.store.load(path=str(DATA / "hostile-labels.trig"), format=ox.RdfFormat.TRIG)
    html = explore_view(graph, title="<b>t</b>").to_string()
    assert "<img" not in html and "window.__xss" in html
    assert "<script>window" not in html and "</script><script>" not in html
    assert "<title>&lt;b&gt;t&lt;/b&gt;</title>" in html
    assert safe_json("</script>") == '"\\u003c/script\\u003e"'


@pytest.fixture(scope="module")
def built_store(tmp_path_factory) -> str:
    from click.testing import CliRunner

    location = str(tmp_path_factory.mktemp("viz-cli") / "store")
    assert CliRunner().invoke(main, ["--store", location, "build"]).exit_code == 0
    return location


def test_cli_writes_each_view(runner, built_store, tmp_path):
    out = tmp_path / "n.html"
    result = runner.invoke(main, ["--store", built_store, "viz", "network", "--from", "2017-05-18", "--to", "2017-05-31",
                                  "--relations", "Attack,Membership", "--size", "degree", "--collapse", "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert str(out) in result.output and "actors" in result.output and out.stat().st_size > 100_000
    result = runner.invoke(main, ["--store", built_store, "viz", "network", "--actor", "isis", "--hops", "2", "-o", str(out)])
    assert result.exit_code == 0, result.output
    result = runner.invoke(main, ["--store", built_store, "viz", "timeline", "--actor", "isis", "--lanes", "type", "-o", str(tmp_path / "t.html")])
    assert result.exit_code == 0 and "lanes" in result.output, result.output
    result = runner.invoke(main, ["--store", built_store, "viz", "explore", "-o", "-"])
    assert result.exit_code == 0 and result.output.startswith("<!DOCTYPE html>")


@pytest.mark.parametrize("args, message", [
    (["network", "--actor", "nobody"], "unknown actor"),
    (["network", "--relations", "Bogus"], "unknown relation"),
    (["network", "--from", "2017-13-01"], "not a date"),
    (["timeline", "--lanes", "colour"], "Invalid value"),
])
def test_cli_errors_are_one_line(runner, built_store, tmp_path, args, message):
    result = runner.invoke(main, ["--store", built_store, "viz", *args, "-o", str(tmp_path / "x.html")])
    assert result.exit_code == 2 and message in result.output and "Traceback" not in result.output
    assert not (tmp_path / "x.html").exists()


def test_viz_help(runner):
    for sub in ([], ["network"], ["timeline"], ["explore"]):
        result = runner.invoke(main, ["viz", *sub, "--help"])
        assert result.exit_code == 0 and "Example:" in result.output


def test_demo_writes_and_prints_the_views(runner, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("KG_STORE", raising=False)
    result = runner.invoke(main, ["demo", "--out", "out"])
    assert result.exit_code == 0, result.output
    for name in ("network", "timeline", "explore"):
        path = tmp_path / "out" / f"{name}.html"
        assert path.stat().st_size > 100_000 and f"view:    {path}" in result.output


@pytest.mark.parametrize("options", [{}, {"top": 5}, {"actors": ["isis"], "hops": 1}])
def test_network_only_data_is_the_linked_part_of_the_full_data(seed_kg, options):
    """The network view skips the timeline's role query: what it shows must not change."""
    full, lean = collect(seed_kg, **options), collect(seed_kg, network_only=True, **options)
    linked = {full.events[lk["ref"]]["iri"] for lk in full.links if lk["kind"] == "event"}
    assert linked and {e["iri"] for e in lean.events} == linked
    named = lambda data: sorted((data.events[e]["iri"], data.nodes[a]["iri"], role) for e, a, role in data.roles)  # noqa: E731
    assert named(lean) == [r for r in named(full) if r[0] in linked]
    links = lambda data: sorted((data.nodes[lk["from"]]["iri"], data.nodes[lk["to"]]["iri"], lk["role"]) for lk in data.links)  # noqa: E731
    assert links(lean) == links(full)
