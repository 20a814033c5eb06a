"""Network analysis over time: projections of the graph to networkx and metrics on them.

:mod:`kg.analysis.projection` is the only place that turns RDF into networkx graphs;
:mod:`kg.analysis.span` says what a metric runs over (the analysed window, its sliding windows:
:class:`~kg.analysis.span.WindowGraph`, the shared options :class:`~kg.analysis.span.Scope` and
:class:`~kg.analysis.span.Series`); each metric lives in its own module and works on those graphs.
The time words are those of :mod:`kg.base.temporal`.
"""
