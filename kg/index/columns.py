"""The index's tables and their columns (the documented columns of ``kg export --format parquet``).

``events``: one row per event (an event of a campaign's parts, a retracted one, a correction:
all kept, with the columns that let a reader leave them out):

| column | type | meaning |
|---|---|---|
| ``event`` | string | the event's IRI |
| ``label`` | string | its label (``""`` if none) |
| ``class`` | string | project class (``Attack``, ``Meeting``...) |
| ``type`` | string | project event type (concept IRI, ``ckg:eventType``) |
| ``sign`` | int8 | -1 hostile, 0 neutral, +1 cooperative (the type's ``ckg:sign``) |
| ``dataset_type`` | string | the dataset's own type (concept IRI, ``ckg:sourceEventType``; ``""``) |
| ``start`` / ``end`` | date | first and last day (inclusive; ``end`` = ``start`` for a one-day event) |
| ``precision`` | string | ``day``, ``month``, ``year`` or ``approximate`` |
| ``earliest`` / ``latest`` | date | the possible range a dataset gives beside the date (null: none) |
| ``source`` | string | the source it was derived from (``prov:wasDerivedFrom``) |
| ``issued`` | date | the earliest issue date of its sources (record time; null: none) |
| ``recorded`` | string | the day it was first recorded in a re-import (``prov:generatedAtTime``; null) |
| ``invalidated`` | string | the day it was retracted (``prov:invalidatedAtTime``; null: standing) |
| ``has_parts`` | bool | a campaign with sub-events (analyses count its parts instead) |
| ``place`` / ``country`` | string | the place's IRI and the label of its country |
| ``fatalities`` | int64 | fatalities where the dataset gives them (null: not given) |
| ``agent`` ``target`` ``participant`` ``sideA`` ``sideB`` ``about`` | list of strings | actor IRIs by role |
| ``place_labels`` | list of strings | the labels of all its places, sorted (a place's IRI where it has no label) |
| ``quote`` | string | the quote from its source (``ckg:quote``; ``""``) |
| ``description`` | string | its description (``dcterms:description``, e.g. ACLED's notes; ``""``) |
| ``source_title`` | string | the title of its source (``dcterms:title``; ``""``) |
| ``parent`` | string | the campaign it is a part of (``sem:hasSubEvent``; ``""``) |
| ``dataset_type_label`` | string | the label of ``dataset_type`` (``skos:prefLabel``; ``""``) |

Where a property has several values, the text columns keep the least (as the views' SPARQL,
``MIN``).

``pairs``: the projection's actor pairs (``eid`` = row of ``events``, ``a``, ``b``, ``role``);
``actors``: ``actor``, ``label``, ``type`` (class; ``""`` for a resource in an event role that is
no actor, e.g. a place acted upon), ``wikidata``, ``description`` (``dcterms:description``),
``aliases`` (its ``skos:altLabel`` values, sorted), ``kind`` (the label of its ``ckg:actorKind``);
``concepts``: ``skos:broader`` pairs (for dataset-type relations).
"""

from __future__ import annotations

import pyarrow as pa

#: The roles an actor has in an event, as the ontology's property names.
ROLES = ("agent", "target", "participant", "sideA", "sideB", "about")

_LIST = pa.list_(pa.string())

EVENT_SCHEMA = pa.schema([
    ("event", pa.string()), ("label", pa.string()), ("class", pa.string()), ("type", pa.string()),
    ("sign", pa.int8()), ("dataset_type", pa.string()), ("start", pa.date32()), ("end", pa.date32()),
    ("precision", pa.string()), ("earliest", pa.date32()), ("latest", pa.date32()), ("source", pa.string()),
    ("issued", pa.date32()), ("recorded", pa.string()), ("invalidated", pa.string()), ("has_parts", pa.bool_()),
    ("place", pa.string()), ("country", pa.string()), ("fatalities", pa.int64()),
    *[(role, _LIST) for role in ROLES],
    ("place_labels", _LIST), ("quote", pa.string()), ("description", pa.string()), ("source_title", pa.string()),
    ("parent", pa.string()), ("dataset_type_label", pa.string()),
])
PAIR_SCHEMA = pa.schema([("eid", pa.int32()), ("a", pa.string()), ("b", pa.string()), ("role", pa.string())])
ACTOR_SCHEMA = pa.schema([("actor", pa.string()), ("label", pa.string()), ("type", pa.string()), ("wikidata", pa.string()),
                          ("description", pa.string()), ("aliases", _LIST), ("kind", pa.string())])
CONCEPT_SCHEMA = pa.schema([("concept", pa.string()), ("broader", pa.string())])
