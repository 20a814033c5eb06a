"""The analytic event index: a columnar table of events beside the RDF store.

The RDF store stays the source of truth (and the only thing to back up). Beside it, the index
keeps what the analyses read, one row per event (:mod:`kg.index.columns`), as Arrow tables:
built from the store by one streaming scan (:mod:`kg.index.scan`), kept where
:mod:`kg.index.cache` says, and always in step with the store through the store's generation
stamp (:mod:`kg.store.generation`): a stale index is rebuilt before it is used.
:mod:`kg.index.table` holds the filters (windows, precision modes, record time, relations) that
answer exactly as the SPARQL path does; :func:`kg.analysis.projection.actor_graph` and the
metrics above it use the index whenever it is fresh. See ``docs/analytics.md``.
"""
