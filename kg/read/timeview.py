"""Bi-temporal views: valid time (``as_of``) and record time (``known_on``) in SPARQL.

- ``as_of(valid=D)``: events whose days include D, states holding on D.
- ``known_on(R)``: facts derived from a source issued on or before R, and not
  retracted (``prov:invalidatedAtTime``) by R. Retractions are never deletions, so
  asking with an earlier R gives the earlier answer.

They compose: "what did we know on 1 June about 23 May" is ``as_of=23 May,
known_on=1 June``. Dates are ``xsd:date`` throughout: a retraction time is compared
by its calendar day, so time zones never enter the arithmetic.

>>> import kg, datetime as dt
>>> from kg.curated.build import build
>>> from kg.base.resources import default_data_dir
>>> graph = kg.open(":memory:"); _ = build(graph)
>>> view = snapshot(graph, as_of=dt.date(2017, 5, 23))
>>> sorted(r["e"].rsplit("/", 1)[1] for r in view.query("SELECT ?e WHERE { ?e a ckg:Attack }").records())
['isis-attack-wave-western-syria-2017-05', 'isis-vbied-homs-zahraa-2017-05-23']
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

import pyoxigraph as ox

from kg.base.errors import QueryError
from kg.base.temporal import Match, Window, months_overlapped
from kg.contract.shortcuts import derive_all
from kg.sparql.diagnose import check_query, explain
from kg.sparql.results import Result
from kg.store.graph import KnowledgeGraph

#: Far-future day standing for "still holding" (states without ``ckg:endDate``).
OPEN_END_LITERAL = '"9999-12-31"^^xsd:date'


def fact_dates(kg: KnowledgeGraph, fact: str = "?event", start: str = "?date", end: str = "?end") -> str:
    """SPARQL binding a fact's start and inclusive end (open states end far in the future)."""
    from kg.contract.classes import one_of

    state = one_of("?_stateClass", kg.subclasses("State"))
    return (
        f"{fact} ckg:startDate {start} . "
        f"OPTIONAL {{ {fact} ckg:endDate {end}0 }} "
        f"BIND(COALESCE({end}0, IF(EXISTS {{ {fact} a ?_stateClass {state} }}, {OPEN_END_LITERAL}, {start})) AS {end})"
    )


def known_on_expr(fact: str = "?event", known_on: str = "?knownOn") -> str:
    """SPARQL expression: the fact comes from a source issued by ``known_on``, was not first recorded
    later (``prov:generatedAtTime`` of a row new in a re-import) and is not retracted by then."""
    return (
        f"(EXISTS {{ {fact} prov:wasDerivedFrom ?_src . ?_src dcterms:issued ?_issued FILTER(?_issued <= {known_on}) }}"
        f" && NOT EXISTS {{ {fact} prov:generatedAtTime ?_seen FILTER(SUBSTR(STR(?_seen), 1, 10) > STR({known_on})) }}"
        f" && NOT EXISTS {{ {fact} prov:invalidatedAtTime ?_retracted"
        f" FILTER(SUBSTR(STR(?_retracted), 1, 10) <= STR({known_on})) }})"
    )


def window_expr(
    mode: Match = Match.LOOSE,
    *,
    window_start: str = "?from",
    window_end: str = "?to",
    start: str = "?date",
    end: str = "?end",
    precision: str = "?p",
    optional: bool = True,
    fact: str | None = None,
) -> str:
    """SPARQL expression: the fact ``start..end`` falls in the inclusive window.

    Loose: its days overlap the window. Strict: a day-precise fact overlaps it, an
    imprecise one lies wholly inside it. With ``optional``, unbound bounds are open.

    With ``fact``, a possible range the dataset gives beside the primary date
    (``ckg:earliestDate``/``ckg:latestDate``, e.g. ACLED's ``time_precision`` 2 and 3) counts
    too: loose keeps a fact that *possibly* overlaps the window, strict one whose whole possible
    range lies inside it. The range is read with ``EXISTS`` only when the dates alone fail, so
    facts without one cost nothing more.
    """

    def bound(var: str, test: str) -> str:
        return f"(!BOUND({var}) || {test})" if optional else f"({test})"

    def possibly(prop: str, test: str, *, negate: bool = False) -> str:
        condition = f"!(?_range {test})" if negate else f"?_range {test}"
        return f" || EXISTS {{ {fact} ckg:{prop} ?_range FILTER({condition}) }}" if fact else ""

    def surely(prop: str, test: str) -> str:
        return f" && NOT EXISTS {{ {fact} ckg:{prop} ?_range FILTER(?_range {test}) }}" if fact else ""

    # "a <= b" is written "!(a > b)" (the same test): Virtuoso 7.2 answers "<=" on xsd:date
    # wrongly in a FILTER (no rows), while ">" and ">=" hold.
    overlaps = (
        f"{bound(window_start, f'{end} >= {window_start}' + possibly('latestDate', f'>= {window_start}'))} && "
        f"{bound(window_end, f'!({start} > {window_end})' + possibly('earliestDate', f'> {window_end}', negate=True))}"
    )
    if mode is Match.LOOSE:
        return f"({overlaps})"
    inside = (
        f"{bound(window_start, f'{start} >= {window_start}' + surely('earliestDate', f'< {window_start}'))} && "
        f"{bound(window_end, f'!({end} > {window_end})' + surely('latestDate', f'> {window_end}'))}"
    )
    return f"IF({precision} = ckg:Day, {overlaps}, {inside})"


def window_filters(
    start: dt.date | None,
    end: dt.date | None,
    *,
    known_on: dt.date | None = None,
    mode: Match | str = Match.LOOSE,
    fact: str = "?event",
    fact_end: str = "?end",
) -> tuple[dict[str, Any], list[str]]:
    """Query parameters and ``FILTER``s keeping the facts of the :class:`~kg.base.temporal.Window`
    ``start..end`` (:func:`window_expr` over ``?date``..``fact_end``) as known on ``known_on``
    (:func:`known_on_expr` of ``fact``); nothing for open bounds.

    >>> params, filters = window_filters(dt.date(2017, 5, 1), None, known_on=dt.date(2017, 6, 1))
    >>> sorted(params), len(filters)
    (['from', 'knownOn'], 2)

    :raises UsageError: the window ends before it starts.
    """
    Window(start, end)
    params: dict[str, Any] = {k: v for k, v in (("from", start), ("to", end), ("knownOn", known_on)) if v}
    filters = []
    if start or end:
        filters.append(f"FILTER{window_expr(Match(mode), end=fact_end, fact=fact)}")
    if known_on:
        filters.append(f"FILTER{known_on_expr(fact)}")
    return params, filters


#: Windows up to this many days are found by a join on their days; longer or open-ended ones by a
#: scan of every fact's dates (the filters of :func:`window_expr` alone).
JOIN_DAYS_MAX = 400


def window_join(
    start: dt.date | None,
    end: dt.date | None,
    *,
    fact: str = "?event",
    date: str = "?date",
) -> str:
    """SPARQL pattern binding ``fact`` (and its start ``date``) to every fact that may overlap the
    inclusive window ``start..end``, by index joins rather than a scan of every date.

    Oxigraph, like most stores, has no index on date ranges, but finds facts by an exact
    date at once. So the pattern is a union of: the facts starting on each day of the
    window, and the facts with a month index (``ckg:overlapsMonth``: those lasting more than a
    day, or with a possible range beside their date) in a month of the window that start
    outside it. States still holding have no month: the callers look for them on their own
    (they are few). It selects candidates only: the caller keeps the exact test
    (:func:`window_expr`, which also applies the precision mode). Empty when the window is open
    or longer than :data:`JOIN_DAYS_MAX` days.

    >>> print(window_join(dt.date(2017, 5, 22), dt.date(2017, 5, 23)))
    { VALUES ?date { "2017-05-22"^^xsd:date "2017-05-23"^^xsd:date } ?event ckg:startDate ?date . } UNION { VALUES ?_month { "2017-05"^^xsd:gYearMonth } ?event ckg:overlapsMonth ?_month ; ckg:startDate ?date . FILTER(?date < "2017-05-22"^^xsd:date || ?date > "2017-05-23"^^xsd:date) }
    """
    if start is None or end is None or end < start or (end - start).days >= JOIN_DAYS_MAX:
        return ""
    days = " ".join(f'"{start + dt.timedelta(days=n)}"^^xsd:date' for n in range((end - start).days + 1))
    months = " ".join(f'"{month}"^^xsd:gYearMonth' for month in months_overlapped(start, end) or [f"{start:%Y-%m}"])
    first, last = f'"{start}"^^xsd:date', f'"{end}"^^xsd:date'
    branches = [
        f"VALUES {date} {{ {days} }} {fact} ckg:startDate {date} .",
        f"VALUES ?_month {{ {months} }} {fact} ckg:overlapsMonth ?_month ; ckg:startDate {date} . "
        f"FILTER({date} < {first} || {date} > {last})",
    ]
    return "{ " + " } UNION { ".join(branches) + " }"


def as_of_expr(mode: Match = Match.LOOSE, *, as_of: str = "?asOf") -> str:
    """SPARQL expression: the fact happened or held on the day bound to ``as_of``."""
    return window_expr(mode, window_start=as_of, window_end=as_of, optional=False)


_HIDDEN_FACTS = """
SELECT DISTINCT ?fact WHERE {
  ?fact a ?class . %(facts)s
  ?fact ckg:datePrecision ?p .
  %(dates)s
  FILTER(%(hidden)s)
}
"""


def snapshot(
    kg: KnowledgeGraph,
    *,
    as_of: dt.date | None = None,
    known_on: dt.date | None = None,
    mode: Match = Match.LOOSE,
) -> KnowledgeGraph:
    """An in-memory copy of ``kg`` showing only what held on ``as_of`` as known on ``known_on``.

    Source graphs issued after ``known_on`` are left out, facts retracted by then or not
    valid on ``as_of`` are dropped, and the shortcut edges are derived again from what
    remains. Any SPARQL query then answers for that moment (``kg query --as-of/--known-on``).
    The copy costs a pass over the store: fine for curated data and monthly slices.
    """
    view = KnowledgeGraph(ox.Store(), location=f"{kg.location} (snapshot as of {as_of}, known on {known_on})")
    if as_of is None and known_on is None:
        view.add_quads(kg.quads())
        return view
    params: dict[str, object] = {}
    hidden: list[str] = []
    if known_on is not None:
        params["knownOn"] = known_on
        hidden.append(f"!{known_on_expr('?fact')}")
        late = kg.query(
            "SELECT ?g WHERE { GRAPH ?g { ?s a ckg:Source ; dcterms:issued ?issued } FILTER(?issued > ?knownOn) }",
            params={"knownOn": known_on},
        ).records()
        late_graphs = {row["g"] for row in late}
    else:
        late_graphs = set()
    if as_of is not None:
        params["asOf"] = as_of
        hidden.append(f"!{as_of_expr(mode)}")
    from kg.contract.classes import one_of

    facts = one_of("?class", kg.subclasses("Event") + kg.subclasses("State"))
    query = _HIDDEN_FACTS % {"facts": facts, "dates": fact_dates(kg, "?fact", "?date", "?end"), "hidden": " || ".join(hidden)}
    gone = {row["fact"] for row in kg.query(query, params=params).records()}
    view.add_quads(
        quad for quad in kg.quads()
        if not (isinstance(quad.graph_name, ox.NamedNode) and quad.graph_name.value in late_graphs)
        and not _is_hidden(quad.subject, gone)
    )
    derive_all(view)  # the hidden facts' shortcut edges go too, curated and imported
    return view


def _is_hidden(subject: object, gone: set[str]) -> bool:
    if not isinstance(subject, ox.NamedNode):
        return False
    return subject.value.split("#", 1)[0] in gone


def query(
    kg: KnowledgeGraph,
    sparql: str,
    *,
    params: Mapping[str, Any] | None = None,
    as_of: dt.date | None = None,
    known_on: dt.date | None = None,
) -> Result:
    """Run ``sparql`` on ``kg``, or on its :func:`snapshot` when ``as_of``/``known_on`` is given.

    >>> import kg
    >>> graph = kg.open(":memory:"); _ = kg.build(graph)
    >>> kg.query(graph, "ASK { ?m a ckg:Membership }", as_of=dt.date(2017, 5, 24)).boolean
    False

    :raises QueryError: an update (not a query), an undeclared prefix, a syntax error (in one line
        naming the cause where the text shows it: :mod:`kg.sparql.diagnose`).
    """
    check_query(sparql)
    if as_of is not None or known_on is not None:
        kg = snapshot(kg, as_of=as_of, known_on=known_on)
    try:
        return kg.query(sparql, params=params)
    except QueryError as err:
        better = explain(sparql, str(err))
        if better is None:
            raise
        raise QueryError(better) from None
