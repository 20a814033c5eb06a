"""Hyperparameters on the validation split only: coordinate ascent over fixed grids.

Each parameter in turn takes the grid value that maximises validation MRR (random-tie
expectation) with the others fixed; two rounds. A weight best at the top of its grid is doubled
while that helps (the grid was too narrow for the dataset). The validation queries may be a fixed-seed
subsample (deterministic), which keeps ICEWS18 within its time budget. The test split is never
read here.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, cast

import numpy as np

from kg.forecast.data import Dataset
from kg.forecast.evaluate import make_queries
from kg.forecast.model import LOG_SCALES, Forecaster, Params, decayed

log = logging.getLogger(__name__)

GRIDS: dict[str, tuple[float, ...]] = {
    "w_pop": (0.0, 0.1, 0.2, 0.4, 0.8, 1.6),
    "pop_window": (7, 30, 90, 180, 365),
    "w_same": (0.0, 0.02, 0.05, 0.1, 0.2, 0.4),
    "lam_same": (0.005, 0.01, 0.02, 0.05, 0.1),
    "w_pair": (0.0, 0.0005, 0.001, 0.002, 0.005, 0.01),
    "lam_pair": (0.05, 0.1, 0.2, 0.5, 1.0),
    "decay": (0.25, 0.5, 0.75, 0.9, 1.0),
    "top": (2, 4, 8, 16),
    "smoothing": (8.0, 32.0, 128.0, 512.0),
    "novelty": (0.0, 0.5, 1.0, 2.0),
    "w_any": (0.0, 0.05, 0.1, 0.2, 0.4),
    "w_habit": (0.0, 0.05, 0.1, 0.2, 0.4),
    "w_share": (0.0, 0.05, 0.1, 0.2, 0.4),
    "w_rshare": (0.0, 0.05, 0.1, 0.2, 0.4, 0.8),
    "w_two": (0.0, 0.02, 0.05, 0.1, 0.2, 0.4),
    "two_window": (7, 14, 30, 90, 180, 365),
    "w_rpath": (0.0, 0.1, 0.2, 0.4, 0.8),
    "rpath_window": (30, 90, 365),
    "w_log": (0.0, 0.005, 0.01, 0.02, 0.04),
}


#: How many times a weight best at the top of its grid is doubled (:func:`tune`).
EXTEND = 3
#: Parameters besides the weights that may grow past their grid the same way (no natural bound).
OPEN_ENDED = ("novelty",)


@dataclass
class TuneLog:
    """What was tried: (params, validation MRR), the best, and the time spent."""

    trials: list[tuple[dict[str, float], float]] = field(default_factory=list)
    best: Params = field(default_factory=Params)
    best_mrr: float = 0.0
    seconds: float = 0.0
    queries: int = 0


def _nbytes(sparse: Any) -> int:
    """Bytes of a memoised sparse component: (entities, values) pairs in a dict or a list."""
    pairs = sparse.values() if isinstance(sparse, dict) else sparse
    return sum(nz.nbytes + values.nbytes for nz, values in pairs)


def subsample(dataset: Dataset, split: str, size: int | None, seed: int = 0) -> np.ndarray | None:
    """A fixed-seed sample of query indices of ``split`` (None: all)."""
    n = 2 * len(dataset.splits[split])
    if size is None or size >= n:
        return None
    return np.sort(np.random.default_rng(seed).choice(n, size=size, replace=False))


class _Cache:
    """Validation queries with their pair states and sparse components, so that a trial that only
    changes weights costs a weighted sum of cached sparse values, scored a chunk of queries at a
    time. Components are recomputed only for the parameters they depend on (rules: smoothing,
    decay, top; same: λ_same; pair: λ_pair; pop: window, novelty; paths: their windows)."""

    #: per-query sparse components that can be large (paths reach thousands of entities on ICEWS18):
    #: the memo keeps the three most recently used settings of each, and more while that component's
    #: settings take at most HEAVY_BYTES (ICEWS14 keeps every path window tried; ICEWS18 three)
    HEAVY = {"two": 3, "rpath": 3}
    HEAVY_BYTES = 400_000_000

    def __init__(self, model: Forecaster, dataset: Dataset, limit: np.ndarray | None) -> None:
        from kg.forecast.rules import pair_state

        self.model = model
        queries = make_queries(dataset.splits["valid"], dataset.num_relations)
        keep = np.arange(len(queries)) if limit is None else limit
        self.q = [(int(queries.days[i]), int(queries.a[i]), int(queries.rel[i]), int(queries.x[i]), queries.filtered[i])
                  for i in keep]
        states: dict[tuple[int, int], object] = {}
        self.states = []
        for day, a, _rel, _x, _f in self.q:
            if (day, a) not in states:
                states[day, a] = pair_state(model.history, a, day)
            self.states.append(states[day, a])
        self.idx = [np.unique(st.rows.tails) for st in self.states]  # type: ignore[attr-defined]
        self.memo: dict[tuple[object, ...], object] = {}
        # flat views for the chunked scoring of :meth:`mrr`: every query's partners, answers and filter
        self.partner_query = np.repeat(np.arange(len(self.q)), [len(i) for i in self.idx])
        self.partner_entity = np.concatenate(self.idx) if self.idx else np.zeros(0, np.int64)
        self.answers = np.array([x for _d, _a, _r, x, _f in self.q], np.int64)
        self.filter_query = np.repeat(np.arange(len(self.q)), [len(f) for *_, f in self.q])
        self.filter_entity = np.concatenate([f for *_, f in self.q]).astype(np.int64) if self.q else np.zeros(0, np.int64)

    def _component(self, name: str, p: Params) -> object:
        key = {"rules": (name, p.smoothing, p.decay, p.top), "same": (name, p.lam_same),
               "pair": (name, p.lam_pair), "pop": (name, p.pop_window, p.novelty), "any": (name, p.pop_window),
               "two": (name, p.two_window), "rpath": (name, p.two_window, p.rpath_window)}[name]
        if key in self.memo:
            self.memo[key] = self.memo.pop(key)  # most recently used last
        else:
            old, self.model.params = self.model.params, p.with_(w_two=1.0, w_rpath=1.0)
            try:
                if name in ("pop", "any"):
                    # sparse (nonzero entities, float32 shares): a popularity vector has a few hundred
                    # nonzeros among 23k entities, and a dense float32 copy per (relation, day) was 179 MB
                    # per (window, novelty) on ICEWS18, which the memo kept for every value tried
                    shares: dict[tuple[int, int], tuple[np.ndarray, np.ndarray]] = {}
                    for day, _a, rel, _x, _f in self.q:
                        k = (rel if name == "pop" else -1, day)
                        if k not in shares:
                            full = self.model.popularity(rel, day) if name == "pop" else self.model.popularity_any(day)
                            nz = np.flatnonzero(full)
                            shares[k] = (nz.astype(np.int32), full[nz].astype(np.float32))  # trials only
                    self.memo[key] = shares
                elif name == "two":
                    sparse_rows: dict[tuple[int, int], tuple[np.ndarray, np.ndarray]] = {}
                    for day, a, _rel, _x, _f in self.q:
                        if (a, day) not in sparse_rows:
                            walk = self.model.two_hop(a, day)
                            nz = np.flatnonzero(walk)
                            sparse_rows[a, day] = (nz.astype(np.int32), walk[nz].astype(np.float32))
                    self.memo[key] = sparse_rows
                elif name == "rpath":
                    per_query: list[tuple[np.ndarray, np.ndarray]] = []
                    for day, a, rel, _x, _f in self.q:
                        walk = self.model.rel_path(a, rel, day)
                        nz = np.flatnonzero(walk)
                        per_query.append((nz.astype(np.int32), walk[nz].astype(np.float32)))
                    self.memo[key] = per_query
                else:  # rules, same or pair, at X's partners
                    values: list[np.ndarray] = []
                    n = self.model.history.num_entities
                    for (day, _a, rel, _x, _f), state, idx in zip(self.q, self.states, self.idx):
                        rows = state.rows  # type: ignore[attr-defined]
                        if name == "rules":
                            dense = self.model.rule_evidence(state, rel)[0]  # type: ignore[arg-type]
                        elif name == "same":
                            dense = decayed(rows, day, p.lam_same, n, rows.rels == rel)
                        else:
                            dense = decayed(rows, day, p.lam_pair, n)
                        values.append(dense[idx])
                    self.memo[key] = np.concatenate(values)  # aligned with partner_entity
            finally:
                self.model.params = old
            if name in self.HEAVY:  # keep memory bounded: the least recently used is recomputed if needed
                mine = [k for k in self.memo if k[0] == name]
                sizes = [_nbytes(self.memo[k]) for k in mine]
                while len(mine) > self.HEAVY[name] and sum(sizes) > self.HEAVY_BYTES:
                    del self.memo[mine.pop(0)]
                    sizes.pop(0)
        return self.memo[key]

    #: queries scored at once by :meth:`mrr` (a dense chunk of 256 × 23k entities is 47 MB; its
    #: sparse entries, expanded per query, at most three times that)
    CHUNK = 256

    def mrr(self, p: Params) -> float:
        """Validation MRR (random ties) of ``p`` on the cached queries: the scores of
        :meth:`Parts.total <kg.forecast.model.Parts.total>`, summed for a chunk of queries at once."""
        from kg.forecast.evaluate import metrics

        nq, n = len(self.q), self.model.history.num_entities
        if not nq:
            return 0.0
        rules, same, pair = (cast(np.ndarray, self._component(c, p)) for c in ("rules", "same", "pair"))
        query = self.partner_query
        partner = [rules, same, pair]  # and X's shares of them (Parts.habit, .rshare, .share)
        partner += [v / np.maximum(np.bincount(query, weights=v, minlength=nq), 1e-300)[query] for v in (same, rules, pair)]
        names = ("rules", "same", "pair", "habit", "rshare", "share")
        weights = (p.w_rule, p.w_same, p.w_pair, p.w_habit, p.w_rshare, p.w_share)
        terms = np.zeros(len(query))
        logs = np.zeros(len(query))
        for w, column, label in zip(weights, partner, names):
            terms = terms + w * column
            if p.w_log:
                logs = logs + np.log1p(column / LOG_SCALES[label])
        if p.w_log:
            terms = terms + p.w_log * logs
        bounds = np.searchsorted(query, np.arange(0, nq + self.CHUNK, self.CHUNK).clip(max=nq))
        keyed: list[tuple[Any, Callable[[int], object], float, str | None]] = [
            (self._component("pop", p), lambda i: (self.q[i][2], self.q[i][0]), p.w_pop, "pop")]
        if p.w_any:
            keyed.append((self._component("any", p), lambda i: (-1, self.q[i][0]), p.w_any, None))
        if p.w_two or p.w_log:
            keyed.append((self._component("two", p), lambda i: (self.q[i][1], self.q[i][0]), p.w_two, "two"))
        if p.w_rpath or p.w_log:
            keyed.append((self._component("rpath", p), lambda i: i, p.w_rpath, "rpath"))

        g = np.zeros(nq, np.int64)
        q = np.zeros(nq, np.int64)
        for c, lo in enumerate(range(0, nq, self.CHUNK)):
            hi = min(lo + self.CHUNK, nq)
            a, b = bounds[c], bounds[c + 1]  # the partner terms, then each sparse component, of these queries
            cells = [(query[a:b] - lo) * n + self.partner_entity[a:b]]
            values = [terms[a:b]]
            for sparse, key_of, weight, name in keyed:
                done: dict[object, np.ndarray] = {}  # per chunk, so memory stays that of one chunk
                for i in range(lo, hi):
                    key = key_of(i)
                    nz, v = sparse[key]
                    if key not in done:
                        v = v.astype(np.float64)
                        done[key] = weight * v + p.w_log * np.log1p(v / LOG_SCALES[name]) if name and p.w_log else weight * v
                    cells.append((i - lo) * n + nz.astype(np.int64))
                    values.append(done[key])
            dense = np.bincount(np.concatenate(cells), weights=np.concatenate(values),
                                minlength=(hi - lo) * n).reshape(hi - lo, n)
            target = dense[np.arange(hi - lo), self.answers[lo:hi]]
            g[lo:hi] = np.count_nonzero(dense > target[:, None], axis=1)
            q[lo:hi] = np.count_nonzero(dense == target[:, None], axis=1) - 1
            a, b = np.searchsorted(self.filter_query, [lo, hi])
            fq = self.filter_query[a:b] - lo
            filtered = dense[fq, self.filter_entity[a:b]]
            g[lo:hi] -= np.bincount(fq, weights=filtered > target[fq], minlength=hi - lo).astype(np.int64)
            q[lo:hi] -= np.bincount(fq, weights=filtered == target[fq], minlength=hi - lo).astype(np.int64)
        return metrics(g, q)["random"]["mrr"]


def tune(
    forecaster: Forecaster, dataset: Dataset, *, start: Params | None = None, sample: int | None = 4000,
    rounds: int = 2, grids: dict[str, tuple[float, ...]] | None = None, seed: int = 0, extend: int = EXTEND,
) -> TuneLog:
    """Coordinate ascent of validation MRR; leaves the best parameters on the forecaster. A weight
    (``w_*``, or one of :data:`OPEN_ENDED`) whose best value is the top of its grid is doubled, up
    to ``extend`` times, while validation MRR improves: the fixed grid is then too narrow for this
    dataset."""
    started = time.perf_counter()
    limit = subsample(dataset, "valid", sample, seed)
    grids = grids or GRIDS
    cache = _Cache(forecaster, dataset, limit)
    result = TuneLog(queries=len(cache.q))
    seen: dict[Params, float] = {}

    def measure(params: Params) -> float:
        if params not in seen:
            seen[params] = cache.mrr(params)
            result.trials.append((params.as_dict(), seen[params]))
            log.info("valid MRR %.3f with %s", seen[params], params)
        return seen[params]

    best = start or forecaster.params
    best_mrr = measure(best)
    for _ in range(rounds):
        improved = False
        for name, grid in grids.items():
            for value in grid:
                candidate = best.with_(**{name: value})
                mrr = measure(candidate)
                if mrr > best_mrr + 1e-9:
                    best, best_mrr, improved = candidate, mrr, True
            # a weight best at the top of its grid: the grid was too narrow, so keep doubling it while that helps
            value = max(grid)
            for _ in range(extend if name.startswith("w_") or name in OPEN_ENDED else 0):
                if getattr(best, name) != value or value <= 0:
                    break
                value *= 2
                candidate = best.with_(**{name: value})
                mrr = measure(candidate)
                if mrr > best_mrr + 1e-9:
                    best, best_mrr, improved = candidate, mrr, True
        if not improved:
            break
    forecaster.params = best
    result.best, result.best_mrr = best, best_mrr
    result.seconds = time.perf_counter() - started
    return result
