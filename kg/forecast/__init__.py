"""Forecasting over the graph that explains itself: who will do what to whom next.

- :mod:`kg.forecast.data`: benchmark folders and store events as integer arrays;
- :mod:`kg.forecast.history`: what is known before a day;
- :mod:`kg.forecast.evaluate`: the benchmark protocol (single-step, both directions,
  time-aware filter, exact random-tie expectation);
- :mod:`kg.forecast.baselines`: frequency and recurrency scorers (evaluator checks);
- :mod:`kg.forecast.rules`, :mod:`kg.forecast.model`: the explainable rule forecaster.

See ``docs/forecast.md``.
"""
