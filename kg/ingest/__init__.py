"""Importers of real conflict datasets into the same model as the curated reports.

``FORMATS`` names each format's class; :func:`kg.ingest.base.import_file` does the
streaming, all-or-nothing work for every one of them.
"""

from __future__ import annotations

from importlib import import_module
from typing import Any

from kg.errors import UsageError

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
