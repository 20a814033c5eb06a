"""The explainable forecaster: learned temporal rules, recency, pair recency and popularity.

For a query "X r_h ? on day t" every candidate Y gets

    score(Y) = w_rule · rules(Y) + w_same · same(Y) + w_pair · pair(Y) + w_pop · pop(Y)

- ``rules``: the length-1 rules of :mod:`kg.forecast.rules` that fire for (X, Y) (one per body
  relation r_b that held between them, with its Δ/n bin), aggregated by a *decayed noisy-or*:
  sorted by confidence c₁ ≥ c₂ ≥ …, rules(Y) = 1 − Π_i (1 − c_i)^(D^(i−1)) over the top H
  (D = 0 keeps the best rule only, D = 1 is the plain noisy-or; CountTRuCoLa's top-H aggregation);
- ``same``: Σ 2^(−λ_same·(t−k)) over past (X, r_h, Y, k), the recurrency of Gastinger et al. 2024;
- ``pair``: Σ 2^(−λ_pair·(t−k)) over past facts between X and Y in any relation and direction;
- ``pop``: the share of r_h facts of the last ``pop_window`` days whose answer is Y (the ξ /
  z-rule popularity prior).

Every term is a sum of parts tied to rules and past events, so each prediction decomposes into
contributions that add up to its score (:mod:`kg.forecast.explain`). Hyperparameters are chosen
on the validation split only (:func:`kg.forecast.tune.tune`).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, replace

import numpy as np

from kg.forecast.evaluate import DayScorer
from kg.forecast.history import History
from kg.forecast.rules import PairState, RuleTable, pair_state


@dataclass(frozen=True)
class Params:
    """The forecaster's hyperparameters (defaults: chosen on ICEWS14 valid, see docs/forecast.md)."""

    smoothing: float = 32.0
    decay: float = 0.75  # D
    top: int = 8  # H
    w_rule: float = 1.0
    w_same: float = 0.2
    lam_same: float = 0.02
    w_pair: float = 0.01
    lam_pair: float = 1.0
    w_pop: float = 0.2
    pop_window: int = 90

    def with_(self, **changes: float) -> Params:
        return replace(self, **changes)  # type: ignore[arg-type]

    def as_dict(self) -> dict[str, float]:
        return asdict(self)


@dataclass(frozen=True)
class Parts:
    """The dense components of one query's scores, and what the rules part came from."""

    rules: np.ndarray
    same: np.ndarray
    pair: np.ndarray
    pop: np.ndarray
    state: PairState
    conf: np.ndarray  # confidence of each state entry under the head relation

    def total(self, p: Params) -> np.ndarray:
        return p.w_rule * self.rules + p.w_same * self.same + p.w_pair * self.pair + p.w_pop * self.pop


def noisy_or(partner: np.ndarray, conf: np.ndarray, n: int, *, decay: float, top: int) -> np.ndarray:
    """Per partner, 1 − Π (1 − c_i)^(decay^i) over its confidences sorted descending, i < top.

    >>> noisy_or(np.array([0, 0, 1]), np.array([0.5, 0.5, 0.2]), 2, decay=1.0, top=5).tolist()
    [0.75, 0.2]
    """
    keep = conf > 0
    partner, conf = partner[keep], conf[keep].astype(np.float64)
    order = np.lexsort((-conf, partner))
    partner, conf = partner[order], conf[order]
    starts = np.flatnonzero(np.r_[True, partner[1:] != partner[:-1]])
    rank = np.arange(len(partner)) - np.repeat(starts, np.diff(np.r_[starts, len(partner)]))
    use = rank < top
    logs = np.log1p(-np.minimum(conf[use], 1 - 1e-12)) * np.power(decay, rank[use])
    return -np.expm1(np.bincount(partner[use], weights=logs, minlength=n))


class Forecaster:
    """Rules learned on some days of a history, applied to any later day of the same history."""

    def __init__(self, history: History, table: RuleTable, params: Params | None = None) -> None:
        self.history = history
        self.table = table
        self.params = params or Params()
        self._conf_key: float | None = None
        self._conf = np.empty((0, 0), np.float32)
        r2 = 2 * history.num_relations
        order = np.lexsort((history.days, history.rels))
        self._pop_rels, self._pop_days = history.rels[order], history.days[order]
        self._pop_tails = history.tails[order]
        self._pop_ptr = np.searchsorted(self._pop_rels, np.arange(r2 + 1))

    @property
    def conf(self) -> np.ndarray:
        if self._conf_key != self.params.smoothing:
            self._conf = self.table.confidences(smoothing=self.params.smoothing)
            self._conf_key = self.params.smoothing
        return self._conf

    def popularity(self, rel: int, day: int) -> np.ndarray:
        """Share of the ``rel`` facts of the ``pop_window`` days before ``day`` answered by each entity."""
        lo, hi = int(self._pop_ptr[rel]), int(self._pop_ptr[rel + 1])
        days = self._pop_days[lo:hi]
        a = lo + int(np.searchsorted(days, day - self.params.pop_window, side="left"))
        b = lo + int(np.searchsorted(days, day, side="left"))
        counts = np.bincount(self._pop_tails[a:b], minlength=self.history.num_entities).astype(np.float64)
        return counts / max(b - a, 1)

    def parts(self, day: int, entity: int, rel: int, *, state: PairState | None = None,
              pop: np.ndarray | None = None, cutoff: int | None = None) -> Parts:
        """The components of the scores of "entity rel ? on day", knowing the facts before ``cutoff``
        (default: before ``day``)."""
        p, n = self.params, self.history.num_entities
        state = state if state is not None else pair_state(self.history, entity, day, cutoff=cutoff)
        conf = self.conf[state.feature, rel] if len(state) else np.empty(0, np.float32)
        rules = noisy_or(state.partner, conf, n, decay=p.decay, top=p.top)
        rows = state.rows
        age = (day - rows.days).astype(np.float64)
        same_rows = rows.rels == rel
        same = np.bincount(rows.tails[same_rows], weights=np.exp2(-p.lam_same * age[same_rows]), minlength=n)
        pair = np.bincount(rows.tails, weights=np.exp2(-p.lam_pair * age), minlength=n)
        pop = pop if pop is not None else self.popularity(rel, day if cutoff is None else min(day, cutoff))
        return Parts(rules, same, pair, pop, state, conf)

    def scorer(self) -> DayScorer:
        """The evaluator's view: dense scores of a day's queries (states and popularity cached per day)."""

        def score(day: int, a: np.ndarray, rel: np.ndarray) -> np.ndarray:
            states: dict[int, PairState] = {}
            pops: dict[int, np.ndarray] = {}
            out = np.empty((len(a), self.history.num_entities), np.float64)
            for row, (entity, relation) in enumerate(zip(a.tolist(), rel.tolist())):
                if entity not in states:
                    states[entity] = pair_state(self.history, entity, day)
                if relation not in pops:
                    pops[relation] = self.popularity(relation, day)
                out[row] = self.parts(day, entity, relation, state=states[entity], pop=pops[relation]).total(self.params)
            return out

        return score
