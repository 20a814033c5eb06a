"""Network analysis over time: projections of the graph to networkx and metrics on them.

:mod:`kg.analysis.projection` is the only place that turns RDF into networkx graphs;
each metric lives in its own module and works on those graphs.
"""
