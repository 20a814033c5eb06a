"""Length-1 temporal rules whose confidence depends on recency and frequency, learned by counting.

A rule reads ``r_h(X, Y, t) <- r_b(X, Y, u), u < t``: "X did r_b to Y before, so X does r_h to Y
on day t". Relations include inverses (r + |R|: Y did r to X), so the body may be the same
relation (recurrency, Gastinger et al. 2024), another one (TLogic's cyclic rules of length 1,
Liu et al. 2022) or the reverse direction (inverse rules). Following CountTRuCoLa (Gastinger,
Meilicke and Stuckenschmidt, 2025), a rule's confidence is not one number but a function of how
long ago the body last held (Δ = t − last u) and how often it held (n); here it is a table over
bins of Δ and n, learned by counting on the learning days:

- a *body instance* is a day t, an entity X that has at least one r_h fact on t (the query
  "X r_h ?" is asked that day), and a partner Y with r_b(X, Y) last Δ days ago, n times;
- it is *confirmed* when r_h(X, Y, t) holds.

confidence = (confirmed + m·prior) / (instances + m), where the prior is the rule's confidence
over all bins scaled by how the bin fares over all rules (shrinkage towards the rule, then the
bin). Everything is integer counting, deterministic, and every confidence keeps its support
counts for the explanation.

>>> delta_bin(np.array([1, 2, 7, 400])).tolist(), count_bin(np.array([1, 4, 100])).tolist()
([0, 1, 4, 12], [0, 2, 5])
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

import numpy as np

from kg.forecast.history import History, Rows

log = logging.getLogger(__name__)

#: lower edges of the Δ bins (days since the body last held)
DELTA_EDGES = np.array([1, 2, 3, 4, 6, 8, 11, 16, 24, 36, 61, 101, 181])
#: lower edges of the n bins (how many times the body held)
COUNT_EDGES = np.array([1, 2, 3, 5, 9, 17])
NB = len(DELTA_EDGES) * len(COUNT_EDGES)


def delta_bin(delta: np.ndarray) -> np.ndarray:
    return np.searchsorted(DELTA_EDGES, delta, side="right") - 1


def count_bin(count: np.ndarray) -> np.ndarray:
    return np.searchsorted(COUNT_EDGES, count, side="right") - 1


def bin_label(b: int) -> str:
    """``Δ 4-5 d, n 2`` for a bin index."""
    d, c = divmod(b, len(COUNT_EDGES))
    lo, hi = DELTA_EDGES[d], (DELTA_EDGES[d + 1] - 1 if d + 1 < len(DELTA_EDGES) else None)
    clo, chi = COUNT_EDGES[c], (COUNT_EDGES[c + 1] - 1 if c + 1 < len(COUNT_EDGES) else None)
    delta = f"{lo}" if hi == lo else (f"{lo}-{hi}" if hi else f"≥{lo}")
    count = f"{clo}" if chi == clo else (f"{clo}-{chi}" if chi else f"≥{clo}")
    return f"last {delta} d ago, {count}×"


@dataclass(frozen=True)
class PairState:
    """For one entity X before day t: each (partner Y, body relation r_b) with the day it last
    held, how often, and the feature index ``r_b * NB + bin``."""

    partner: np.ndarray
    rel: np.ndarray
    last: np.ndarray
    count: np.ndarray
    feature: np.ndarray
    rows: Rows

    def __len__(self) -> int:
        return int(self.partner.shape[0])


def pair_state(
    history: History, entity: int, day: int, *, since: int | None = None, cutoff: int | None = None
) -> PairState:
    """The (Y, r_b) pairs of ``entity`` before ``day`` (or before ``cutoff``, for a horizon day
    later than what is known), from its history rows (sorted by day); Δ is counted to ``day``."""
    rows = history.before(entity, day if cutoff is None else min(cutoff, day), since=since)
    r2 = 2 * history.num_relations
    key = (rows.tails * r2 + rows.rels)[::-1]
    uniq, first, counts = np.unique(key, return_index=True, return_counts=True)
    last = rows.days[::-1][first]
    partner, rel = np.divmod(uniq, r2)
    bins = delta_bin(day - last) * len(COUNT_EDGES) + count_bin(counts)
    return PairState(partner, rel, last, counts, rel * NB + bins, rows)


@dataclass
class RuleTable:
    """Counts per (body relation and bin, head relation): instances and confirmations."""

    num_relations: int
    instances: np.ndarray  # (2R * NB, 2R) float64
    confirmed: np.ndarray
    learning_days: tuple[int, int]
    units: int = 0
    #: per head relation: answers seen on the learning days, and those X had never met before
    answers: np.ndarray = field(default_factory=lambda: np.zeros(0))
    novel: np.ndarray = field(default_factory=lambda: np.zeros(0))

    def novelty(self, *, prior: float = 10.0) -> np.ndarray:
        """Per head relation, the smoothed share of answers that were new partners of X."""
        overall = (self.novel.sum() + 1.0) / (self.answers.sum() + 2.0)
        return (self.novel + prior * overall) / (self.answers + prior)

    def confidences(self, *, smoothing: float = 2.0, min_support: float = 0.0) -> np.ndarray:
        """Smoothed confidence per (feature, head) (float32, (2R·NB, 2R)); see the module doc."""
        r2 = 2 * self.num_relations
        inst = self.instances.reshape(r2, NB, r2)
        conf = self.confirmed.reshape(r2, NB, r2)
        rule_inst, rule_conf = inst.sum(axis=1), conf.sum(axis=1)  # (r_b, r_h)
        rule_rate = (rule_conf + 0.01) / (rule_inst + 1.0)
        bin_rate = (conf.sum(axis=(0, 2)) + 1.0) / (inst.sum(axis=(0, 2)) + 1.0)  # (NB,)
        overall = (conf.sum() + 1.0) / (inst.sum() + 1.0)
        prior = np.clip(rule_rate[:, None, :] * (bin_rate / overall)[None, :, None], 0.0, 0.95)
        out = (conf + smoothing * prior) / (inst + smoothing)
        if min_support > 0:
            out[rule_inst[:, None, :].repeat(NB, axis=1) < min_support] = 0.0
        return out.reshape(r2 * NB, r2).astype(np.float32)


def learn_rules(
    history: History, days: np.ndarray, *, budget: int = 40_000_000, seed: int = 0, window: int | None = None
) -> RuleTable:
    """Count rule instances and confirmations on the learning ``days`` (sorted day numbers).

    Each unit of work is (day t, entity X with facts on t); its cost is X's history length. When
    the total exceeds ``budget`` rows, units are sampled with a fixed ``seed`` (deterministic).
    """
    r2 = 2 * history.num_relations
    instances = np.zeros((r2 * NB, r2), np.float64)
    confirmed = np.zeros((r2 * NB, r2), np.float64)
    day_set = np.asarray(days)
    on_day = np.isin(history.days, day_set)
    unit_rows = np.flatnonzero(on_day)
    # units: distinct (entity, day) among rows dated on a learning day
    keys = history.heads[unit_rows] * (int(history.days.max()) + 1) + history.days[unit_rows]
    _, first = np.unique(keys, return_index=True)
    unit_entity = history.heads[unit_rows[first]]
    unit_day = history.days[unit_rows[first]]
    cost = np.array([history.end(int(e), int(d)) - int(history.ptr[e]) for e, d in zip(unit_entity, unit_day)])
    keep = np.ones(len(cost), bool)
    if cost.sum() > budget:
        rng = np.random.default_rng(seed)
        keep = rng.random(len(cost)) < budget / cost.sum()
    log.info("learning rules on %d of %d units (%d history rows)", keep.sum(), len(keep), cost[keep].sum())
    answers = np.zeros(r2, np.float64)
    novel = np.zeros(r2, np.float64)
    for entity, day in zip(unit_entity[keep].tolist(), unit_day[keep].tolist()):
        since = None if window is None else day - window
        state = pair_state(history, entity, day, since=since)
        lo = history.end(entity, day)
        hi = history.end(entity, day + 1)
        head_rels, head_tails = history.rels[lo:hi], history.tails[lo:hi]
        np.add.at(answers, head_rels, 1.0)
        np.add.at(novel, head_rels[~np.isin(head_tails, state.partner)], 1.0)
        if not len(state):
            continue
        hist = np.bincount(state.feature, minlength=r2 * NB)
        nz = np.flatnonzero(hist)
        for r_h in np.unique(head_rels).tolist():
            instances[nz, r_h] += hist[nz]
            hit = np.isin(state.partner, head_tails[head_rels == r_h])
            if hit.any():
                np.add.at(confirmed, (state.feature[hit], r_h), 1.0)
    return RuleTable(history.num_relations, instances, confirmed, (int(day_set.min()), int(day_set.max())),
                     int(keep.sum()), answers, novel)
