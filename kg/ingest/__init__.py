"""Importers of real conflict datasets into the same model as the curated reports.

``FORMATS`` names each format's class; :func:`kg.ingest.base.import_file` does the
streaming, all-or-nothing work for every one of them.
"""

from __future__ import annotations

from importlib import import_module
from pathlib import Path
from typing import Any

from kg.base.errors import UsageError
from kg.base.progress import Tick
from kg.contract.ontology import ensure_ontology
from kg.ingest.base import ImportReport, import_file
from kg.store.graph import KnowledgeGraph

#: CLI name -> "module:Class" (imported on demand).
FORMATS = {
    "icews": "kg.ingest.icews:IcewsFormat",
    "acled": "kg.ingest.acled:AcledFormat",
    "ucdp": "kg.ingest.ucdp:UcdpFormat",
    "gdelt": "kg.ingest.gdelt:GdeltFormat",
}


def get_format(name: str, **options: Any) -> Any:
    """An instance of the format called ``name`` with its options (e.g. ICEWS ``epoch``)."""
    if name not in FORMATS:
        raise UsageError(f"unknown import format {name!r}: use one of {', '.join(FORMATS)}")
    module, _, cls = FORMATS[name].partition(":")
    try:
        factory = getattr(import_module(module), cls)
    except ModuleNotFoundError:
        raise UsageError(f"the {name} importer is not available in this version") from None
    return factory(**options)


def import_dataset(
    kg: KnowledgeGraph,
    fmt: str,
    path: str | Path,
    *,
    source_id: str | None = None,
    skip_bad_rows: bool = False,
    replace: bool = False,
    as_new: bool = False,
    progress: Tick | None = None,
    validate: bool = True,
    **format_options: Any,
) -> ImportReport:
    """Import one dataset file (``fmt``: ``acled``, ``ucdp``, ``gdelt`` or ``icews``) into its own
    named graph, all or nothing; the ontology is written first if the store lacks it. A file already
    in the store under another source id is refused unless ``replace`` (that source goes) or
    ``as_new`` (both stay), as ``kg import --replace/--as-new``. ``progress`` is called with
    each row mapped. The records are validated against the core SHACL profile before they are
    published (``validate=False`` skips it).

    >>> import kg
    >>> graph = kg.open(":memory:")
    >>> kg.import_dataset(graph, "nope", "x.csv")
    Traceback (most recent call last):
    kg.base.errors.UsageError: unknown import format 'nope': use one of icews, acled, ucdp, gdelt
    """
    importer = get_format(fmt, **format_options)
    ensure_ontology(kg)
    return import_file(
        kg, importer, Path(path), source_id=source_id, skip_bad_rows=skip_bad_rows, replace=replace, as_new=as_new,
        progress=progress, validate=validate,
    )
