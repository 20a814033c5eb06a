"""Where the packaged ontology, curated data and saved queries live.

In a wheel they are installed inside the ``kg`` package (``kg/ontology``, ``kg/data``);
in a source checkout they are the top-level ``ontology/`` and ``data/`` folders.

>>> (ontology_dir() / "conflict.ttl").is_file()
True
"""

from __future__ import annotations

from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent.parent  # the kg package


def _locate(name: str) -> Path:
    for candidate in (_PACKAGE / name, _PACKAGE.parent / name):
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError(f"conflict-kg is installed without its {name}/ folder; reinstall the package")


def ontology_dir() -> Path:
    """The folder holding ``conflict.ttl``, ``shapes.ttl`` and ``context.jsonld``."""
    return _locate("ontology")


def default_data_dir() -> Path:
    """The curated seed data folder (``data/``)."""
    return _locate("data")


def queries_dir() -> Path:
    """The folder of saved SPARQL queries (``data/queries``)."""
    return default_data_dir() / "queries"
