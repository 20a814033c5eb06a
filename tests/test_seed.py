"""The curated seed: everything the report says is in the graph, with dates, roles and quotes."""

from __future__ import annotations

import datetime as dt

import pytest

from kg.base.resources import default_data_dir
from kg.curated.load import load_curated

from conftest import SEED_TEXT

D = dt.date
EV = "https://w3id.org/conflict-kg/id/event/"


@pytest.fixture(scope="module")
def data():
    return load_curated(default_data_dir())


def test_source_text_is_the_seed_verbatim(data):
    source = data.sources["isw-syria-sitrep-2017-05-31"]
    if not SEED_TEXT.exists():
        pytest.skip(f"shared seed not available at {SEED_TEXT}")
    assert source.text == SEED_TEXT.read_text(encoding="utf-8")
    assert source.issued == D(2017, 5, 31)
    assert set(source.publishers) == {"isw", "syria-direct"}


def test_every_quote_is_verbatim_at_its_offsets(data):
    for item in list(data.events.values()) + list(data.states.values()):
        text = data.sources[item.source].text
        assert text[item.quote.start:item.quote.end] == item.quote.text, item.slug


def test_every_sentence_of_the_report_body_is_used(data):
    """Each sentence of the two analytic paragraphs supports at least one fact."""
    text = data.sources["isw-syria-sitrep-2017-05-31"].text
    body = text.splitlines()[1:3]
    quotes = {item.quote.text for item in list(data.events.values()) + list(data.states.values())}
    import re

    for paragraph in body:
        for sentence in re.split(r"(?<=[a-z\d”\"])\. (?=[A-Z])", paragraph):
            sentence = sentence if sentence.endswith(".") else sentence + "."
            assert any(sentence in quote or quote in sentence for quote in quotes), sentence


REQUIRED = [
    # (class, agent, target-or-participant, date, end, precision, place)
    ("Attack", "isis", "ismaili-community", D(2017, 5, 18), D(2017, 5, 18), "day", "eastern-hama"),
    ("Attack", "isis", "ahrar-al-sham", D(2017, 5, 22), D(2017, 5, 22), "day", "eastern-idlib"),
    ("Attack", "isis", "alawite-community", D(2017, 5, 23), D(2017, 5, 23), "day", "homs-zahraa-district"),
    ("Interception", "pro-regime-forces", "sayyida-zeinab-svest-bombers", D(2017, 5, 23), D(2017, 5, 23), "day", "sayyida-zeinab-shrine"),
    ("Joining", "nato", "anti-isis-coalition", D(2017, 5, 25), D(2017, 5, 25), "day", "brussels"),
]


@pytest.mark.parametrize("cls,agent,other,start,end,precision,place", REQUIRED)
def test_required_events(data, cls, agent, other, start, end, precision, place):
    matches = [
        e for e in data.events.values()
        if e.cls == cls and agent in e.agents and other in e.targets and place in e.places
    ]
    assert len(matches) == 1, f"expected one {cls} by {agent} on {other} at {place}"
    event = matches[0]
    assert (event.span.start, event.span.end, event.span.precision.value) == (start, end, precision)
    assert place in event.places


def test_wave_is_parent_of_the_four_attacks(seed_kg):
    rows = seed_kg.query("""
        SELECT ?sub WHERE { ?wave ckg:eventType concept:attack-campaign ; sem:hasSubEvent ?sub }
    """).records()
    subs = {r["sub"].removeprefix(EV) for r in rows}
    assert {
        "isis-ground-attack-eastern-hama-ismaili-towns-2017-05-18",
        "isis-double-svest-attack-ahrar-al-sham-eastern-idlib-2017-05-22",
        "isis-vbied-homs-zahraa-2017-05-23",
        "pro-regime-intercept-svest-bombers-sayyida-zeinab-2017-05-23",
    } <= subs


def test_weapons_and_types(data):
    vbied = data.events["isis-vbied-homs-zahraa-2017-05-23"]
    assert vbied.concept == "vehicle-bomb-attack" and vbied.weapon == "VBIED"
    svest = data.events["isis-double-svest-attack-ahrar-al-sham-eastern-idlib-2017-05-22"]
    assert svest.concept == "suicide-bombing"
    assert data.events["pro-regime-intercept-svest-bombers-sayyida-zeinab-2017-05-23"].concept == "interception"


def test_interception_maps_to_acled_disrupted_weapons_use(seed_kg):
    # broadMatch: ACLED's "Disrupted weapons use" also counts weapon seizures (issue 20)
    assert seed_kg.query("""
        ASK { concept:interception skos:broadMatch ?m . ?m skos:prefLabel ?l FILTER(STR(?l) = "Disrupted weapons use") }
    """).boolean


def test_membership_starts_on_summit_day_and_holds(seed_kg):
    rows = seed_kg.query("""
        SELECT ?start ?end ?by WHERE {
          ?m a ckg:Membership ; org:member actor:nato ; org:organization actor:anti-isis-coalition ;
             ckg:startDate ?start ; ckg:startedBy ?by . OPTIONAL { ?m ckg:endDate ?end } }
    """).records()
    assert rows == [{"start": D(2017, 5, 25), "by": EV + "nato-joins-anti-isis-coalition-2017-05-25"}]


def test_withdrawal_is_ongoing_movement(data):
    withdrawals = [e for e in data.events.values() if e.cls == "Withdrawal"]
    assert len(withdrawals) == 1
    w = withdrawals[0]
    assert w.agents == ("isis",) and w.destination == "eastern-syria"
    assert {"southern-syria", "central-syria"} <= set(w.places)


def test_statements_plans_and_assessments(data):
    by_class: dict[str, list] = {}
    for e in data.events.values():
        by_class.setdefault(e.cls, []).append(e)
    assert any("jens-stoltenberg" in e.agents for e in by_class["Statement"])
    plans = " ".join(e.quote.text for e in by_class["Plan"])
    for words in ("airspace management", "special forces teams", "terrorism intelligence cell"):
        assert words in plans
    assert len(by_class["Plan"]) >= 3
    hedges = {e.hedge for e in by_class["Assessment"]}
    assert {"likely", "largely"} <= hedges
    assert all(e.agents == ("isw",) and e.span.start == D(2017, 5, 31) for e in by_class["Assessment"])


def test_central_slugs_and_aliases(data):
    for slug in ("isis", "ahrar-al-sham", "pro-regime-forces", "nato", "anti-isis-coalition"):
        assert slug in data.actors
    assert {"ISIS", "ISIL", "Islamic State", "Daesh"} <= set(data.actors["isis"].aliases)
    assert data.actors["pro-regime-forces"].collective
    assert data.actors["nato"].wikidata == "Q7184"


def test_places_have_coordinates_and_admin_chain(data):
    chain, slug = [], "homs-zahraa-district"
    while slug:
        chain.append(slug)
        slug = data.places[slug].within
    assert chain[-1] == "syria" and "homs-city" in chain
    assert data.places["brussels"].within == "belgium"
    for place in data.places.values():
        assert -90 <= place.lat <= 90 and -180 <= place.lon <= 180


def test_within_is_followed_in_sparql(seed_kg):
    rows = seed_kg.query("""
        SELECT DISTINCT ?e WHERE { ?e ckg:place/ckg:within* place:syria ; a ckg:Attack }
    """).records()
    assert len(rows) >= 4
