"""Exports of the whole dataset in standard RDF formats (see :mod:`kg.export.rdf`)."""

from kg.export.rdf import RdfExportFormat, export_rdf, write_rdf

__all__ = ["RdfExportFormat", "export_rdf", "write_rdf"]
