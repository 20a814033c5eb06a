"""The newcomer's tour: build the seed graph, summarize it, run saved queries, write exports.

>>> import kg, tempfile, pathlib
>>> report = run_demo(kg.open(":memory:"), pathlib.Path(tempfile.mkdtemp()))
>>> report.events_by_class["Attack"] >= 4
True
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

from kg.contract.classes import one_of
from kg.curated.build import BuildReport, build
from kg.export.rdf import RdfExportFormat, write_rdf
from kg.sparql.results import Result
from kg.sparql.saved import saved_query
from kg.store.graph import KnowledgeGraph

DEMO_QUERIES: tuple[tuple[str, dict[str, str]], ...] = (
    ("who-attacked-whom", {"start": "2017-05-18", "end": "2017-05-25"}),
    ("memberships-on-date", {"date": "2017-05-31"}),
    ("events-with-sources", {}),
)

SUMMARY_QUERY = """
SELECT ?class (COUNT(DISTINCT ?event) AS ?n) (MIN(?start) AS ?first) (MAX(?end) AS ?last)
WHERE {
  ?event a ?class ; ckg:startDate ?start .
  %(events)s
  OPTIONAL { ?event ckg:endDate ?e }
  BIND(COALESCE(?e, ?start) AS ?end)
}
GROUP BY ?class ORDER BY DESC(?n) ?class
"""


@dataclass
class DemoReport:
    """What the demo built, found and wrote."""

    store: str
    build: BuildReport
    events_by_class: dict[str, int]
    first_date: dt.date | None
    last_date: dt.date | None
    queries: list[tuple[str, str, Result]] = field(default_factory=list)
    exports: list[Path] = field(default_factory=list)


def run_demo(kg: KnowledgeGraph, out_dir: Path) -> DemoReport:
    """Build the seed data into ``kg`` and write its exports into ``out_dir``."""
    built = build(kg)
    by_class: dict[str, int] = {}
    firsts, lasts = [], []
    for row in kg.query(SUMMARY_QUERY % {"events": one_of("?class", kg.subclasses("Event"))}).records():
        by_class[row["class"].rsplit("#", 1)[-1]] = row["n"]
        firsts.append(row["first"])
        lasts.append(row["last"])
    report = DemoReport(kg.location, built, by_class, min(firsts, default=None), max(lasts, default=None))
    for name, params in DEMO_QUERIES:
        saved = saved_query(name)
        report.queries.append((name, saved.title, kg.query(saved.text, params=saved.bind(params))))
    out_dir.mkdir(parents=True, exist_ok=True)
    for fmt in RdfExportFormat:
        report.exports.append(write_rdf(kg, out_dir / f"conflict-kg{fmt.extension}", fmt))
    return report
