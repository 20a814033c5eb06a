"""Licences and redistribution as data: what every named graph says about itself.

Every named graph ``G`` the project writes holds, inside ``G``, the statements a publisher needs:

- ``<G> dcterms:license <licence IRI>`` (for text that is not licensed at all, the rights
  statement ``<http://rightsstatements.org/vocab/InC/1.0/>``, "In Copyright", given both as
  ``dcterms:rights`` and as ``dcterms:license``, so that every graph has a ``dcterms:license``);
- ``<G> ckg:redistributable true|false`` (``xsd:boolean``): whether ``kg export`` and ``kg serve``
  may republish the graph without being asked to;
- ``dcterms:title``, and where known ``dcterms:rightsHolder`` and ``dcterms:source``.

The choices (see ``docs/data-contract.md``, "Licences"): project-authored data (the ontology,
the registries, curated facts with their short supporting quotes, derived edges) is CC BY 4.0;
an imported file's graph carries its dataset's terms (:data:`DATASET_TERMS`); the full text of a
curated report is in copyright and kept in a graph of its own that is not redistributable.

>>> [q.predicate.value for q in graph_statements("urn:g", PROJECT, title="x")][:2]
['http://purl.org/dc/terms/license', 'https://w3id.org/conflict-kg/ontology#redistributable']
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import pyoxigraph as ox

from kg.base.namespaces import CKG, DCTERMS, XSD

__all__ = [
    "CC_BY_4", "DATASET_TERMS", "IN_COPYRIGHT", "PROJECT", "Terms", "UNKNOWN", "graph_statements",
    "graph_statements_sparql",
]

#: Creative Commons Attribution 4.0 International.
CC_BY_4 = "https://creativecommons.org/licenses/by/4.0/"
#: RightsStatements.org "In Copyright": no licence is granted (the ISW report's full text).
IN_COPYRIGHT = "http://rightsstatements.org/vocab/InC/1.0/"


@dataclass(frozen=True)
class Terms:
    """The terms a named graph is published under."""

    licence: str | None  #: a licence IRI (``dcterms:license``); None: none known (fail closed)
    redistributable: bool  #: whether exports and the server may republish the graph by default
    rights_holder: str | None = None  #: who holds the rights (``dcterms:rightsHolder``, a name)
    source: str | None = None  #: where the data come from (``dcterms:source``, an IRI)
    rights: str | None = None  #: a rights statement IRI (``dcterms:rights``) when there is no licence

    def with_source(self, source: str | None) -> Terms:
        return replace(self, source=source)


#: Data written by the project: ontology, registries, curated facts, derived edges.
PROJECT = Terms(CC_BY_4, True, "conflict-kg contributors")
#: A graph nobody declared terms for: not redistributable.
UNKNOWN = Terms(None, False)

#: The terms of each dataset an importer reads, by the format's ``title``. Sources: the README of
#: each sample in the shared dataset folder (see ``docs/datasets.md``).
DATASET_TERMS: dict[str, Terms] = {
    # ACLED's Terms of Use forbid giving others direct access to the raw data: the rows stay in the
    # store; derived results (shortcut edges, counts) may be published with attribution.
    "ACLED": Terms(
        "https://acleddata.com/terms-of-use/", False,
        "Armed Conflict Location & Event Data (ACLED)", "https://acleddata.com/",
    ),
    # UCDP's download page lists a Creative Commons Attribution licence for its datasets.
    "UCDP GED": Terms(CC_BY_4, True, "Uppsala Conflict Data Program (UCDP), Uppsala University", "https://ucdp.uu.se/downloads/"),
    # "The entire GDELT database is 100% free and open" (gdeltproject.org/data.html), with citation.
    "GDELT": Terms(
        "https://www.gdeltproject.org/about.html#termsofuse", True, "The GDELT Project", "https://www.gdeltproject.org/",
    ),
    # ICEWS on Harvard Dataverse: no data licence is stated by the benchmark copies and the sample's
    # README says to consult the Dataverse terms before redistribution, so: not redistributable.
    "ICEWS": Terms(
        "https://doi.org/10.7910/DVN/28075", False,
        "Boschee et al., ICEWS Coded Event Data (Harvard Dataverse)", "https://doi.org/10.7910/DVN/28075",
    ),
}

_LICENSE = ox.NamedNode(str(DCTERMS.license))
_RIGHTS = ox.NamedNode(str(DCTERMS.rights))
_HOLDER = ox.NamedNode(str(DCTERMS.rightsHolder))
_SOURCE = ox.NamedNode(str(DCTERMS.source))
_TITLE = ox.NamedNode(str(DCTERMS.title))
_REDISTRIBUTABLE = ox.NamedNode(str(CKG.redistributable))
_BOOLEAN = ox.NamedNode(str(XSD.boolean))


def graph_statements(
    graph: str, terms: Terms, *, title: str | None = None, holders: tuple[str, ...] = (), into: str | None = None,
) -> list[ox.Quad]:
    """The quads ``graph`` states about itself, inside itself (or inside ``into``, a staging graph
    that will become ``graph``).

    ``holders`` are IRIs of rights holders (curated actors), written besides the name in ``terms``.
    """
    s = ox.NamedNode(graph)
    g = ox.NamedNode(into or graph)
    out: list[ox.Quad] = []
    # a graph with a rights statement and no licence (the report's full text) names the statement as
    # its dcterms:license too: harvesters (VoID, DCAT) read dcterms:license, and VoID says the same
    licence = terms.licence or terms.rights
    if licence:
        out.append(ox.Quad(s, _LICENSE, ox.NamedNode(licence), g))
    out.append(ox.Quad(s, _REDISTRIBUTABLE, ox.Literal("true" if terms.redistributable else "false", datatype=_BOOLEAN), g))
    if terms.rights:
        out.append(ox.Quad(s, _RIGHTS, ox.NamedNode(terms.rights), g))
    if title:
        out.append(ox.Quad(s, _TITLE, ox.Literal(title, language="en"), g))
    if terms.rights_holder:
        out.append(ox.Quad(s, _HOLDER, ox.Literal(terms.rights_holder), g))
    for holder in holders:
        out.append(ox.Quad(s, _HOLDER, ox.NamedNode(holder), g))
    if terms.source:
        out.append(ox.Quad(s, _SOURCE, ox.NamedNode(terms.source), g))
    return out


def graph_statements_sparql(graph: str, terms: Terms, *, title: str | None = None) -> str:
    """:func:`graph_statements` as triples for the ``GRAPH <graph> { ... }`` block of an ``INSERT DATA``."""
    return " ".join(f"{q.subject} {q.predicate} {q.object} ." for q in graph_statements(graph, terms, title=title))
