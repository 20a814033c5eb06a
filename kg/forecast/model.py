"""The explainable forecaster: learned temporal rules, recency, pair recency and popularity.

For a query "X r_h ? on day t" every candidate Y gets

    score(Y) = Σ_c w_c · c(Y) + w_log · Σ_c log(1 + c(Y)/ε_c)

over the components c below: each enters once as it is (how much evidence) and once on a log
scale (its order of magnitude), a mixture of the rules' evidence blended with their product
(a product of experts, Hinton 2002: a candidate with a little evidence of several kinds stands
out from one with none, however strong a single kind is elsewhere).

- ``rules``: the length-1 rules of :mod:`kg.forecast.rules` that fire for (X, Y) (one per body
  relation r_b that held between them, with its Δ/n bin), aggregated by a *decayed noisy-or*:
  sorted by confidence c₁ ≥ c₂ ≥ …, rules(Y) = 1 − Π_i (1 − c_i)^(D^(i−1)) over the top H
  (D = 0 keeps the best rule only, D = 1 is the plain noisy-or; CountTRuCoLa's top-H aggregation);
- ``same``: Σ 2^(−λ_same·(t−k)) over past (X, r_h, Y, k), the recurrency of Gastinger et al. 2024;
- ``pair``: Σ 2^(−λ_pair·(t−k)) over past facts between X and Y in any relation and direction;
- ``habit``, ``share`` and ``rshare``: ``same``, ``pair`` and ``rules`` divided by their sums
  over all Y (the share of X's decayed r_h facts, or of all its facts, that involved Y, and Y's
  share of the rule evidence: relative to how many partners X has);
- ``pop``: the share of r_h facts of the last ``pop_window`` days whose answer is Y (the ξ /
  z-rule popularity prior), times ν(r_h)^α, where ν(r_h) is the share of r_h answers on the
  learning days that were new partners of X (learned by counting; α = ``novelty``); ``any``: the
  same share over facts of any relation;
- ``two``: the length-2 path rule "X met Z and Z met Y in the last ``two_window`` days, so X r_h
  Y": the probability of reaching Y from X in two steps of a random walk over those facts,
  Σ_Z P(Z|X)·P(Y|Z) (it reaches answers X never met; TLogic's length-2 rules, relation-agnostic);
- ``rpath``: the same path with a relation-specific last step, "X met Z in the last ``two_window``
  days and Z r_h Y in the last ``rpath_window`` days, so X r_h Y": Σ_Z P(Z|X)·P(Y|Z, r_h), where
  P(Y|Z, r_h) is Y's share of Z's r_h facts of that window (an acyclic length-2 rule whose head
  relation is also its last body relation, as in TLogic's rules of length 2).

The log scale ε_c of each component (:data:`LOG_SCALES`) is about the smallest value it takes in
practice: one fact among a thousand of X's for the partner terms, one among ten thousand of a
relation's for popularity, the product of two such shares for the paths. ``any`` has no log term.

Every term is a sum of parts tied to rules and past events, so each prediction decomposes into
contributions that add up to its score (:mod:`kg.forecast.explain`). Hyperparameters are chosen
on the validation split only (:func:`kg.forecast.tune.tune`).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, replace

import numpy as np

from kg.forecast.evaluate import DayScorer
from kg.forecast.history import History, Rows
from kg.forecast.rules import PairState, RuleTable, pair_state

#: ε_c of the log-scale term of each component (see the module doc)
LOG_SCALES: dict[str, float] = {"rules": 1e-3, "same": 1e-3, "pair": 1e-3, "habit": 1e-3, "share": 1e-3,
                                "rshare": 1e-3, "pop": 1e-4, "two": 1e-5, "rpath": 1e-5}


@dataclass(frozen=True)
class Params:
    """The forecaster's hyperparameters (defaults: chosen on ICEWS14 valid, see docs/forecast.md)."""

    smoothing: float = 32.0
    decay: float = 0.75  # D
    top: int = 8  # H
    w_rule: float = 1.0
    w_same: float = 0.1
    lam_same: float = 0.02
    w_pair: float = 0.01
    lam_pair: float = 0.2
    w_pop: float = 0.8
    pop_window: int = 365
    novelty: float = 1.0  # α
    w_any: float = 0.0
    w_habit: float = 0.2
    w_share: float = 0.1
    w_rshare: float = 0.0
    w_two: float = 0.2
    two_window: int = 90
    w_rpath: float = 0.0
    rpath_window: int = 365
    w_log: float = 0.0

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
    any: np.ndarray
    two: np.ndarray
    rpath: np.ndarray

    def total(self, p: Params) -> np.ndarray:
        linear = (p.w_rule * self.rules + p.w_same * self.same + p.w_pair * self.pair + p.w_pop * self.pop
                  + p.w_any * self.any + p.w_two * self.two + p.w_habit * self.habit + p.w_share * self.share
                  + p.w_rshare * self.rshare + p.w_rpath * self.rpath)
        if not p.w_log:
            return linear
        return linear + p.w_log * sum(log_scale(getattr(self, c), c) for c in LOG_SCALES)

    @property
    def rshare(self) -> np.ndarray:
        return self.rules / max(float(self.rules.sum()), 1e-300)

    @property
    def habit(self) -> np.ndarray:
        return self.same / max(float(self.same.sum()), 1e-300)

    @property
    def share(self) -> np.ndarray:
        return self.pair / max(float(self.pair.sum()), 1e-300)


def log_scale(values: np.ndarray, component: str) -> np.ndarray:
    """log(1 + c/ε_c), the order of magnitude of a component's evidence (0 where it has none).

    >>> log_scale(np.array([0.0, 1e-3, 1.0]), "rules").round(3).tolist()
    [0.0, 0.693, 6.909]
    """
    values = np.asarray(values, np.float64)
    out = np.zeros_like(values)
    some = values != 0  # most entities have no evidence of a kind: log1p(0) = 0 without computing it
    out[some] = np.log1p(values[some] / LOG_SCALES[component])
    return out


def decayed(rows: Rows, day: int, lam: float, n: int, mask: np.ndarray | None = None) -> np.ndarray:
    """Σ 2^(−λ·(day − k)) per other entity over the ``rows`` (those selected by ``mask``), dense over n.

    >>> decayed(Rows(np.array([0, 0]), np.array([1, 1]), np.array([8, 9]), np.array([0, 1])), 10, 1.0, 2).tolist()
    [0.0, 0.75]
    """
    age = (day - rows.days).astype(np.float64)
    tails = rows.tails
    if mask is not None:
        tails, age = tails[mask], age[mask]
    return np.bincount(tails, weights=np.exp2(-lam * age), minlength=n)


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
        by_day = np.argsort(history.days, kind="stable")
        self._day_days, self._day_heads, self._day_tails = history.days[by_day], history.heads[by_day], history.tails[by_day]
        self._day_rels = history.rels[by_day]
        self._novelty = table.novelty() if table.answers.size else np.ones(r2)
        self._walk_key: tuple[int, int] | None = None
        self._walk: object = None
        self._rel_walk_key: tuple[int, int] | None = None
        self._rel_walk: object = None

    def _window(self, day: int, width: int) -> slice:
        return slice(int(np.searchsorted(self._day_days, day - width, side="left")),
                     int(np.searchsorted(self._day_days, day, side="left")))

    def popularity_any(self, day: int) -> np.ndarray:
        """Share of all facts of the ``pop_window`` days before ``day`` answered by each entity."""
        window = self._window(day, self.params.pop_window)
        counts = np.bincount(self._day_tails[window], minlength=self.history.num_entities).astype(np.float64)
        return counts / max(int(counts.sum()), 1)

    def walk(self, day: int) -> object:
        """The one-step random-walk matrix P (CSR) over the facts of the ``two_window`` days before ``day``."""
        key = (day, self.params.two_window)
        if self._walk_key != key:
            from scipy import sparse

            window = self._window(day, self.params.two_window)
            n = self.history.num_entities
            heads, tails = self._day_heads[window], self._day_tails[window]
            adjacency = sparse.csr_matrix((np.ones(len(heads)), (heads, tails)), shape=(n, n))
            degree = np.asarray(adjacency.sum(axis=1)).ravel()
            self._walk = sparse.diags(1.0 / np.maximum(degree, 1.0)) @ adjacency
            self._walk_key = key
        return self._walk

    def two_hop(self, entity: int, day: int) -> np.ndarray:
        """Σ_Z P(Z|entity)·P(Y|Z) for every Y, over the facts of the ``two_window`` days before ``day``."""
        if not (self.params.w_two or self.params.w_log):
            return np.zeros(self.history.num_entities)
        walk = self.walk(day)
        return np.asarray((walk[entity] @ walk).todense()).ravel()  # type: ignore[index]

    def rel_walk(self, day: int) -> object:
        """P(Y|Z, r) (CSR, row Z·2|R| + r): Y's share of Z's r facts of the ``rpath_window`` days before
        ``day``, for every relation r at once (one day's matrix is kept)."""
        key = (day, self.params.rpath_window)
        if self._rel_walk_key != key:
            from scipy import sparse

            window = self._window(day, self.params.rpath_window)
            n, r2 = self.history.num_entities, 2 * self.history.num_relations
            rows = self._day_heads[window] * r2 + self._day_rels[window]
            degree = np.bincount(rows, minlength=n * r2).astype(np.float64)
            self._rel_walk = sparse.csr_matrix((1.0 / degree[rows], (rows, self._day_tails[window])), shape=(n * r2, n))
            self._rel_walk_key = key
        return self._rel_walk

    def rel_path(self, entity: int, rel: int, day: int) -> np.ndarray:
        """Σ_Z P(Z|entity)·P(Y|Z, rel) for every Y (see the module doc)."""
        n = self.history.num_entities
        if not (self.params.w_rpath or self.params.w_log):
            return np.zeros(n)
        step = self.walk(day)[entity]  # type: ignore[index]
        if not step.nnz:
            return np.zeros(n)
        via = self.rel_walk(day)[step.indices * (2 * self.history.num_relations) + rel]  # type: ignore[index]
        return np.asarray(via.T @ step.data).ravel()

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
        scale = float(self._novelty[rel]) ** self.params.novelty if self.params.novelty else 1.0
        return counts * (scale / max(b - a, 1))

    def rule_evidence(self, state: PairState, rel: int) -> tuple[np.ndarray, np.ndarray]:
        """The rules part (dense over entities) for head ``rel`` given X's pair state, and the
        confidence of each state entry."""
        p = self.params
        conf = self.conf[state.feature, rel] if len(state) else np.empty(0, np.float32)
        return noisy_or(state.partner, conf, self.history.num_entities, decay=p.decay, top=p.top), conf

    def parts(self, day: int, entity: int, rel: int, *, state: PairState | None = None,
              pop: np.ndarray | None = None, cutoff: int | None = None, any_pop: np.ndarray | None = None,
              two: np.ndarray | None = None, rpath: np.ndarray | None = None) -> Parts:
        """The components of the scores of "entity rel ? on day", knowing the facts before ``cutoff``
        (default: before ``day``)."""
        p, n = self.params, self.history.num_entities
        state = state if state is not None else pair_state(self.history, entity, day, cutoff=cutoff)
        rules, conf = self.rule_evidence(state, rel)
        same = decayed(state.rows, day, p.lam_same, n, state.rows.rels == rel)
        pair = decayed(state.rows, day, p.lam_pair, n)
        known = day if cutoff is None else min(day, cutoff)
        pop = pop if pop is not None else self.popularity(rel, known)
        any_pop = any_pop if any_pop is not None else self.popularity_any(known)
        two = two if two is not None else self.two_hop(entity, known)
        rpath = rpath if rpath is not None else self.rel_path(entity, rel, known)
        return Parts(rules, same, pair, pop, state, conf, any_pop, two, rpath)

    def scorer(self) -> DayScorer:
        """The evaluator's view: dense scores of a day's queries (states and popularity cached per day)."""

        def score(day: int, a: np.ndarray, rel: np.ndarray) -> np.ndarray:
            states: dict[int, PairState] = {}
            twos: dict[int, np.ndarray] = {}
            pops: dict[int, np.ndarray] = {}
            any_pop = self.popularity_any(day)
            out = np.empty((len(a), self.history.num_entities), np.float64)
            for row, (entity, relation) in enumerate(zip(a.tolist(), rel.tolist())):
                if entity not in states:
                    states[entity] = pair_state(self.history, entity, day)
                    twos[entity] = self.two_hop(entity, day)
                if relation not in pops:
                    pops[relation] = self.popularity(relation, day)
                out[row] = self.parts(day, entity, relation, state=states[entity], pop=pops[relation], any_pop=any_pop,
                                      two=twos[entity]).total(self.params)
            return out

        return score
