"""The actor mapping file (issue 19 point 6): validation, sameAs links, re-applied when it changes."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest

import kg
from kg.base.errors import DataError
from kg.curated.build import build
from kg.ingest.acled import AcledFormat
from kg.ingest.base import import_file
from kg.ingest.identity import apply_mapping, identity_map, is_generic
from kg.ingest.sources import remove_source, sources
from kg.ingest.ucdp import UcdpFormat

PAIRS = Path(__file__).parent / "data" / "reconcile"
MAPPING = Path(__file__).parent / "data" / "identity" / "actor-identity.yaml"
ACTOR = "https://w3id.org/conflict-kg/id/actor/"
T0 = dt.datetime(2023, 1, 1, tzinfo=dt.timezone.utc)


@pytest.fixture
def graph():
    store = kg.open(":memory:")
    build(store)
    import_file(store, AcledFormat(), PAIRS / "acled-pairs.csv", now=T0)
    return store


def test_links_and_reapplied_after_an_import(graph, tmp_path):
    mapping = tmp_path / "map.yaml"
    mapping.write_text(MAPPING.read_text(encoding="utf-8"), encoding="utf-8")
    report = apply_mapping(graph, mapping)
    links = identity_map(graph)
    assert links[ACTOR + "military-forces-of-russia-2000"] == ACTOR + "russia-government-forces"
    # UCDP side ids are not in the store yet: named in a warning, linked once imported
    assert any("ucdp: 118" in w for w in report.warnings)
    assert ACTOR + "government-of-ukraine" in links  # a UCDP name maps before its import
    import_file(graph, UcdpFormat(), PAIRS / "ucdp-pairs.csv", now=T0)
    assert identity_map(graph)[ACTOR + "government-of-russia-soviet-union"] == ACTOR + "russia-government-forces"
    # the file is a source of kind mapping; editing it is enough (checksum recorded)
    row = next(s for s in sources(graph) if s.kind == "mapping")
    assert (row.source, row.file) == ("actor-identity", str(mapping.resolve()))
    mapping.write_text(MAPPING.read_text(encoding="utf-8").replace('      - acled: "Military Forces of Russia (2000-)"\n', ""), encoding="utf-8")
    import_file(graph, UcdpFormat(), PAIRS / "ucdp-pairs.csv", source_id="ucdp-again", as_new=True, now=T0)
    assert ACTOR + "military-forces-of-russia-2000" not in identity_map(graph)
    remove_source(graph, "actor-identity")
    assert identity_map(graph) == {}


@pytest.mark.parametrize(("text", "message"), [
    ("same:\n  - id: civ\n    label: C\n    type: Community\n    members: [{acled: 'Civilians (Syria)'}, {acled: 'Civilians (Iraq)'}]\n",
     "group civ joins generic actors"),
    ("same:\n  - id: civ\n    label: C\n    type: Community\n    members: [{acled: 'Civilians (Syria)'}, {ucdp: Civilians}]\n",
     "across countries"),
    ("same:\n  - id: a\n    label: A\n    type: ArmedGroup\n    members: [{acled: X}]\n  - id: b\n    label: B\n    type: ArmedGroup\n    members: [{acled: X}]\n",
     "is in two groups (a and b)"),
    ("same:\n  - id: newthing\n    members: [{acled: X}]\n", "give it a label and a type"),
    ("same:\n  - id: isis\n    members: [{acled: 'Islamic State (Sahel)'}]\ndistinct:\n  - [{acled: 'Islamic State (Sahel)'}, {actor: isis}]\n",
     "declared distinct"),
    ("same:\n  - id: isis\n    members: [{wikidata: Q2429253}]\n", "unknown member"),
])
def test_refused_with_the_line(graph, tmp_path, text, message):
    mapping = tmp_path / "bad.yaml"
    mapping.write_text(text, encoding="utf-8")
    with pytest.raises(DataError, match=re.escape(message)) as err:
        apply_mapping(graph, mapping)
    assert str(err.value).startswith(f"{mapping}:")
    assert identity_map(graph) == {}


def test_csv_pairs(graph, tmp_path):
    mapping = tmp_path / "pairs.csv"
    mapping.write_text("left,right\nacled:Military Forces of Ukraine (2019-),ucdp:Government of Ukraine\n"
                       "acled:Islamic State (Syria),actor:isis\n", encoding="utf-8")
    apply_mapping(graph, mapping)
    links = identity_map(graph)
    assert links[ACTOR + "islamic-state-syria"] == ACTOR + "isis"
    assert links[ACTOR + "government-of-ukraine"] == ACTOR + "military-forces-of-ukraine-2019"


def test_generic_names():
    assert all(is_generic(n) for n in ("Civilians (Brazil)", "Protesters (Syria)", "Rioters (India)", "Unidentified Gang (Mexico)", "Civilians"))
    assert not any(is_generic(n) for n in ("IS", "Military Forces of Syria (2000-)", "PKK: Kurdistan Workers Party"))
    assert is_generic("Some Name", ["ACLED-inter:7"])
