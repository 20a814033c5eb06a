"""Places as researchers name them (``--place``): an id, a label or an ISO 3166 country code,
with everything inside it.

A place is given as

- its id: ``syria``, ``place:syria`` or the full IRI;
- a label or alias, any case: ``Syria``, ``Aleppo``, ``Rural Damascus`` (every place so named:
  ``Aleppo`` is the governorate and the city);
- an ISO 3166-1 code, alpha-2, alpha-3 or numeric (``SY``, ``SYR``, ``760``): the country places
  whose label is one of that country's names (:mod:`kg.read.countries`), so ACLED's ``Russia``
  and UCDP's ``Russia (Soviet Union)`` are both ``RU``.

The :class:`Area` it names holds those places and every place ``ckg:within`` them at any depth
(country > admin1 > district > location, as the importers and the curated registry chain
them). An event is in the area when its ``ckg:place`` is.

>>> import kg
>>> from kg.curated.build import build
>>> graph = kg.open(":memory:"); _ = build(graph)
>>> area = resolve_place(graph, "SY")
>>> area.roots, "https://w3id.org/conflict-kg/id/place/eastern-idlib" in area.places
(('https://w3id.org/conflict-kg/id/place/syria',), True)
>>> resolve_place(graph, "Homs").roots
('https://w3id.org/conflict-kg/id/place/homs-city', 'https://w3id.org/conflict-kg/id/place/homs-governorate')
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

import pyoxigraph as ox

from kg.base.errors import UsageError
from kg.base.namespaces import BASE, is_slug, resource_iri
from kg.contract.classes import iri_values, one_of
from kg.read.countries import COUNTRIES
from kg.store.graph import KnowledgeGraph

_PLACE_PREFIX = f"{BASE}id/place/"

_EXISTS = "ASK { ?place a ?class . %(classes)s }"

_BY_LABEL = """
SELECT DISTINCT ?place WHERE {
  VALUES ?name { %(names)s }
  ?place rdfs:label|skos:altLabel ?name ; a ?class . %(classes)s
}
"""

_LABELS = """
SELECT ?place ?name WHERE {
  VALUES ?class { %(classes)s }
  ?place a ?class ; rdfs:label|skos:altLabel ?name .
}
"""

_WITHIN = """
SELECT DISTINCT ?inner WHERE {
  VALUES ?outer { %(roots)s }
  ?inner ckg:within* ?outer .
}
"""

_EVENTS = """
SELECT DISTINCT ?event WHERE {
  VALUES ?at { %(places)s }
  ?event ckg:place ?at ; a ?class . %(classes)s
}
"""

_CHAINS = """
SELECT ?place ?ancestor ?class ?label ?parent WHERE {
  VALUES ?place { %(places)s }
  ?place ckg:within* ?ancestor .
  ?ancestor a ?class ; rdfs:label ?label .
  OPTIONAL { ?ancestor ckg:within ?parent }
}
"""

_COUNTRIES = """
SELECT ?c (SAMPLE(?l) AS ?label) WHERE { VALUES ?class { %(classes)s } ?c a ?class ; rdfs:label ?l } GROUP BY ?c
"""

_TREE = "SELECT ?inner ?outer WHERE { ?inner ckg:within ?outer }"

_ADMIN1 = """
SELECT ?admin ?label WHERE { VALUES ?country { %(countries)s } ?admin ckg:within ?country ; rdfs:label ?label }
"""

_BATCH = 1000
_FEW_PLACES = 300


@dataclass(frozen=True)
class Area:
    """The places a ``--place`` value names (``roots``) and every place within them (``places``)."""

    text: str
    roots: tuple[str, ...]
    places: frozenset[str]

    def values(self) -> str:
        """The places as a SPARQL ``VALUES`` list."""
        return " ".join(f"<{iri}>" for iri in sorted(self.places))

    def pattern(self, fact: str = "?event") -> str:
        """SPARQL binding ``fact`` once to every fact located in the area (a sub-select, so a fact
        at two places of the area is not counted twice); put it first, so the query starts from it."""
        return f"{{ SELECT DISTINCT {fact} WHERE {{ VALUES ?_at {{ {self.values()} }} {fact} ckg:place ?_at }} }}"


def resolve_place(kg: KnowledgeGraph, place: str) -> Area:
    """The :class:`Area` named by an id, a label or alias, or an ISO 3166-1 code.

    :raises UsageError: nothing in the store is called so (the message suggests near names).
    """
    text = " ".join(str(place).split())
    if not text:
        raise UsageError("--place is empty: give a place id, label or ISO code (e.g. Syria, SY, SYR)")
    classes = one_of("?class", kg.subclasses("Place"))
    roots: list[str] = []
    code = _iso(text) if text.isupper() or text.isdigit() else None
    if code is not None:
        roots = _countries(kg, code)
    if not roots:
        iri = _as_iri(text)
        if iri and kg.query(_EXISTS % {"classes": classes}, params={"place": iri}).boolean:
            roots = [iri]
    if not roots:  # the label as given, in usual cases, and with the words datasets add (UCDP: "Aleppo governorate")
        bases = {text, text.lower(), text.title(), text.capitalize()}
        names = bases | {f"{b} {w}" for b in bases for w in (*_ADMIN_WORDS_LIST, *(x.title() for x in _ADMIN_WORDS_LIST))}
        query = _BY_LABEL % {"names": " ".join(_literal(n) for n in sorted(names)), "classes": classes}
        roots = sorted(row["place"] for row in kg.query(query).records())
    if not roots:  # any case, accent or punctuation: a scan of the place names
        core = _core(text)
        roots = [iri for iri, name in _place_names(kg) if _core(name) == core]
    if not roots and code is None and (code := _iso(text)) is not None:
        roots = _countries(kg, code)
    if not roots:
        raise UsageError(_unknown(kg, text, code))
    roots = sorted(set(roots))
    inner = set(roots)
    for i in range(0, len(roots), _BATCH):
        values = " ".join(f"<{iri}>" for iri in roots[i : i + _BATCH])
        inner |= {row["inner"] for row in kg.query(_WITHIN % {"roots": values}).records()}
    return Area(text, tuple(roots), frozenset(inner))


def events_in_place(kg: KnowledgeGraph, place: str | Area) -> frozenset[str]:
    """The IRIs of every event located in the place or inside it.

    :raises UsageError: an unknown place.
    """
    area = place if isinstance(place, Area) else resolve_place(kg, place)
    classes = one_of("?class", kg.subclasses("Event"))
    found: set[str] = set()
    places = sorted(area.places)
    for i in range(0, len(places), _BATCH):
        values = " ".join(f"<{iri}>" for iri in places[i : i + _BATCH])
        found |= {row["event"] for row in kg.query(_EVENTS % {"places": values, "classes": classes}).records()}
    return frozenset(found)


def country_and_admin1(kg: KnowledgeGraph, places: Iterable[str]) -> dict[str, tuple[str, str]]:
    """For each place: the label of its country (the ``ckg:Country`` on its ``ckg:within`` chain)
    and of its first-level region (the place on the chain directly within that country); ``""``
    where there is none. A country's own row has an empty admin1.

    A few places: one query of their chains. Many: the store's whole ``ckg:within`` tree (a
    query of cost independent of their number), walked here.
    """
    wanted = sorted(set(places))
    if not wanted:
        return {}
    countries = {row["c"]: str(row["label"]) for row in kg.query(_COUNTRIES % {
        "classes": iri_values(kg.subclasses("Country"))}).records()}
    parents: dict[str, list[str]] = {}
    labels: dict[str, str] = {}
    if len(wanted) <= _FEW_PLACES:
        values = " ".join(f"<{iri}>" for iri in wanted)
        for row in kg.query(_CHAINS % {"places": values}).records():
            labels[row["ancestor"]] = str(row["label"])
            if row.get("parent"):
                parents.setdefault(row["ancestor"], []).append(row["parent"])
    else:
        for row in kg.query(_TREE).records():
            parents.setdefault(row["inner"], []).append(row["outer"])
        if countries:
            values = " ".join(f"<{iri}>" for iri in countries)
            labels = {row["admin"]: str(row["label"]) for row in kg.query(_ADMIN1 % {"countries": values}).records()}
    out: dict[str, tuple[str, str]] = {}
    for place in wanted:
        chain, seen, node = [place], {place}, place
        while node not in countries:
            up = sorted(p for p in parents.get(node, []) if p not in seen)
            if not up:
                break
            node = up[0]
            chain.append(node)
            seen.add(node)
        if node not in countries:
            out[place] = ("", "")
            continue
        admin = chain[-2] if len(chain) > 1 else ""
        out[place] = (countries[node], labels.get(admin, "") if admin else "")
    return out


def _as_iri(text: str) -> str | None:
    if text.startswith(_PLACE_PREFIX):
        return text
    slug = text.removeprefix("place:")
    return str(resource_iri("place", slug)) if is_slug(slug) else None


@lru_cache(maxsize=1)
def _iso_index() -> dict[str, tuple[str, tuple[str, ...]]]:
    """Every code (alpha-2, alpha-3, numeric) -> (alpha-2, the country's names)."""
    index: dict[str, tuple[str, tuple[str, ...]]] = {}
    for alpha2, alpha3, numeric, names in COUNTRIES:
        for code in (alpha2, alpha3, numeric):
            if code:
                index[code] = (alpha2, names)
    return index


def _iso(text: str) -> tuple[str, tuple[str, ...]] | None:
    """(alpha-2, names) of an ISO 3166-1 code in any case; None for anything else."""
    if re.fullmatch(r"[A-Za-z]{2,3}|\d{1,3}", text):
        key = text.zfill(3) if text.isdigit() else text.upper()
        return _iso_index().get(key)
    return None


def _countries(kg: KnowledgeGraph, code: tuple[str, tuple[str, ...]]) -> list[str]:
    """The country places whose label or alias is one of the code's names, with or without a
    parenthesised former name (UCDP: ``Myanmar (Burma)``)."""
    wanted = {_normal(name) for name in code[1]}
    return sorted({iri for iri, name in _place_names(kg, countries=True) if wanted & _variants(name)})


def _place_names(kg: KnowledgeGraph, *, countries: bool = False) -> list[tuple[str, str]]:
    """(place, label or alias) of every place (or country): a scan, for ISO codes (countries
    only), names in another case or spelling, and did-you-mean."""
    classes = kg.subclasses("Country" if countries else "Place")
    rows = kg.query(_LABELS % {"classes": iri_values(classes)}).records()
    return [(row["place"], str(row["name"])) for row in rows]


def _variants(name: str) -> set[str]:
    """``Russia (Soviet Union)`` -> {russia soviet union, russia, soviet union}."""
    out = {_normal(name)}
    match = re.fullmatch(r"\s*(.*?)\s*\((.*)\)\s*", name)
    if match:
        out |= {_normal(match.group(1)), _normal(match.group(2))}
    return out


def _normal(text: str) -> str:
    """Case, accents and punctuation folded: ``Côte d'Ivoire`` -> ``cote d ivoire``."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii").lower()
    return " ".join(re.sub(r"[^a-z0-9]+", " ", ascii_text.replace("&", " and ")).split())


#: Words datasets append to first- and second-level region names (UCDP: ``Aleppo governorate``).
_ADMIN_WORDS_LIST = ("governorate", "province", "district", "region", "state", "department", "oblast",
                     "prefecture", "county", "municipality", "division")
_ADMIN_WORDS = re.compile(rf"\s+({'|'.join(_ADMIN_WORDS_LIST)})$")


def _core(text: str) -> str:
    """:func:`_normal` without a trailing administrative word: ``Aleppo governorate`` -> ``aleppo``."""
    return _ADMIN_WORDS.sub("", _normal(text)) or _normal(text)


def _literal(text: str) -> str:
    """A plain literal in N-Triples syntax (escaped by the engine): never query syntax."""
    return str(ox.Literal(text))


def _unknown(kg: KnowledgeGraph, text: str, code: tuple[str, tuple[str, ...]] | None) -> str:
    if code is not None:
        return (f"no place for ISO code {text.upper()} ({code[1][0]}) in the store: "
                "import a dataset covering it, or give a place id or label (see kg query --saved events-in-place)")
    names = sorted({name for _, name in _place_names(kg)})
    by_normal = {_normal(n): n for n in names}
    close = difflib.get_close_matches(_normal(text), list(by_normal), n=3, cutoff=0.75)
    hint = f"; did you mean {', '.join(repr(by_normal[c]) for c in close)}?" if close else ""
    return f"unknown place {text!r}: give a place id (syria), a label (Aleppo) or an ISO 3166 code (SY, SYR){hint}"
