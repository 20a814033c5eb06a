"""Reference scorers for the evaluator (Gastinger et al., IJCAI 2024, "History repeats itself").

- :func:`frequency_scorer`: ψ1, the number of past (a, r, e) facts;
- :func:`recurrency_scorer`: ψΔ with one λ, Σ over past (a, r, e, k) of 2^(−λ(t−k)).

They are checks of the evaluator (the issue gives their ICEWS14 figures), not forecasters.
"""

from __future__ import annotations

import numpy as np

from kg.forecast.evaluate import DayScorer
from kg.forecast.history import History


def recurrency_scorer(history: History, *, lam: float | None) -> DayScorer:
    """Decayed recurrency with decay ``lam`` per day (base 2); ``lam=None`` counts (ψ1)."""

    def score(day: int, a: np.ndarray, rel: np.ndarray) -> np.ndarray:
        out = np.zeros((len(a), history.num_entities), np.float64)
        for row, (entity, relation) in enumerate(zip(a.tolist(), rel.tolist())):
            rows = history.before(entity, day)
            same = rows.rels == relation
            weights = None if lam is None else np.exp2(-lam * (day - rows.days[same]).astype(np.float64))
            out[row] = np.bincount(rows.tails[same], weights=weights, minlength=history.num_entities)
        return out

    return score


def frequency_scorer(history: History) -> DayScorer:
    """ψ1: the count of past (a, r, e) facts."""
    return recurrency_scorer(history, lam=None)
