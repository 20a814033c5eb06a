"""The benchmark protocol of temporal-KG forecasting, exactly (Gastinger et al., ECML PKDD 2023).

- **Single-step**: the queries of day t may use every fact dated before t (train, valid and the
  test facts of earlier days); the scorer sees them through :class:`kg.forecast.history.History`.
- **Both directions**: a fact (s, r, o, t) asks (s, r, ?, t) with answer o and (o, r⁻¹, ?, t)
  with answer s; r⁻¹ is relation id ``r + |R|``.
- **All entities** are ranked; an entity the scorer does not score has score 0.
- **Time-aware filter**: the other true answers of the same query on the same day are removed
  before ranking the answer, nothing else.
- **Ties**: with g entities scored above the answer and q tied with it, the headline is the exact
  expectation under uniformly random tie-breaking, E[1/rank] = (H(g+q+1) − H(g)) / (q+1) and
  E[hit@k] = clip((k − g) / (q+1), 0, 1); also the average rank 1 + g + q/2, the pessimistic
  1 + g + q and the optimistic 1 + g. Everything in float64.

>>> m = metrics(np.array([0.0]), np.array([2.0]))   # three-way tie for first place
>>> round(m["random"]["mrr"], 6) == round((1 + 1/2 + 1/3) / 3 * 100, 6), m["pessimistic"]["mrr"]
(True, 33.33333333333333)
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import numpy as np

from kg.base.progress import Tick
from kg.forecast.data import Dataset, Quads

PROTOCOLS = ("random", "average", "pessimistic", "optimistic")
KS = (1, 3, 10)


@dataclass(frozen=True)
class Queries:
    """The queries of one split: (entity, relation incl. inverses, answer, day), sorted by day.

    ``direction`` 0 asks the object, 1 the subject; ``filtered[i]`` are the other true answers
    of query i on its day (the time-aware filter)."""

    a: np.ndarray
    rel: np.ndarray
    x: np.ndarray
    days: np.ndarray
    direction: np.ndarray
    filtered: list[np.ndarray]

    def __len__(self) -> int:
        return int(self.a.shape[0])

    def by_day(self) -> Iterator[tuple[int, np.ndarray]]:
        """(day, indices of the queries of that day), days ascending."""
        if not len(self):
            return
        bounds = np.flatnonzero(np.diff(self.days)) + 1
        for chunk in np.split(np.arange(len(self)), bounds):
            yield int(self.days[chunk[0]]), chunk


def make_queries(quads: Quads, num_relations: int) -> Queries:
    """Both directions of every quadruple (duplicates counted as often as they occur), with the
    time-aware filter of each query."""
    a = np.concatenate([quads.s, quads.o])
    rel = np.concatenate([quads.r, quads.r + num_relations])
    x = np.concatenate([quads.o, quads.s])
    days = np.concatenate([quads.days, quads.days])
    direction = np.concatenate([np.zeros(len(quads), np.int8), np.ones(len(quads), np.int8)])
    order = np.lexsort((x, rel, a, days))
    a, rel, x, days, direction = a[order], rel[order], x[order], days[order], direction[order]
    # group by (day, a, rel): every answer of a group is filtered for the other queries of it
    key_change = np.flatnonzero((np.diff(days) != 0) | (np.diff(a) != 0) | (np.diff(rel) != 0)) + 1
    filtered: list[np.ndarray] = [np.empty(0, np.int64)] * len(a)
    for group in np.split(np.arange(len(a)), key_change):
        if len(group) == 1:
            continue
        answers = np.unique(x[group])
        for i in group:
            filtered[i] = answers[answers != x[i]]
    return Queries(a, rel, x, days, direction, filtered)


def rank_counts(scores: np.ndarray, answer: int, filtered: np.ndarray) -> tuple[int, int]:
    """(g, q): entities above the answer, and tied with it, among all entities except the answer
    and the filtered ones. ``scores`` is dense over all entities (float64)."""
    target = scores[answer]
    greater = int(np.count_nonzero(scores > target))
    equal = int(np.count_nonzero(scores == target)) - 1
    if filtered.size:
        fs = scores[filtered]
        greater -= int(np.count_nonzero(fs > target))
        equal -= int(np.count_nonzero(fs == target))
    return greater, equal


def _harmonic(n: np.ndarray) -> np.ndarray:
    """H(n) for integer arrays, exactly as a float64 cumulative sum."""
    top = int(n.max()) if n.size else 0
    table = np.concatenate([[0.0], np.cumsum(1.0 / np.arange(1, top + 1, dtype=np.float64))])
    return table[n.astype(np.int64)]


def metrics(g: np.ndarray, q: np.ndarray) -> dict[str, dict[str, float]]:
    """MRR and Hits@1/3/10 (percent) under each tie protocol, from per-query counts g and q."""
    g = np.asarray(g, dtype=np.float64)
    q = np.asarray(q, dtype=np.float64)
    out: dict[str, dict[str, float]] = {}
    if not g.size:
        return {p: {"mrr": 0.0, **{f"h{k}": 0.0 for k in KS}} for p in PROTOCOLS}
    rr = (_harmonic(g + q + 1) - _harmonic(g)) / (q + 1)
    out["random"] = {"mrr": 100 * float(rr.mean())}
    for k in KS:
        out["random"][f"h{k}"] = 100 * float(np.clip((k - g) / (q + 1), 0.0, 1.0).mean())
    for name, rank in (("average", 1 + g + q / 2), ("pessimistic", 1 + g + q), ("optimistic", 1 + g)):
        out[name] = {"mrr": 100 * float((1.0 / rank).mean())}
        for k in KS:
            out[name][f"h{k}"] = 100 * float((rank <= k).mean())
    return out


#: A scorer gets the day and the queries of that day (entity, relation incl. inverses) and returns
#: their dense scores, one row of |E| float64 per query, using only facts dated before the day.
DayScorer = Callable[[int, np.ndarray, np.ndarray], np.ndarray]


@dataclass
class Evaluation:
    """Per-query counts and the metrics of one split."""

    split: str
    g: np.ndarray
    q: np.ndarray
    direction: np.ndarray
    seconds: float

    @property
    def metrics(self) -> dict[str, dict[str, float]]:
        return metrics(self.g, self.q)

    def by_direction(self) -> dict[str, dict[str, float]]:
        return {
            name: metrics(self.g[self.direction == d], self.q[self.direction == d])["random"]
            for d, name in ((0, "object"), (1, "subject"))
        }

    @property
    def tie_spread(self) -> float:
        """Optimistic minus pessimistic MRR: how much ties could move the result."""
        m = self.metrics
        return m["optimistic"]["mrr"] - m["pessimistic"]["mrr"]


def evaluate(
    scorer: DayScorer, dataset: Dataset, split: str = "test", *, batch: int = 256, limit: np.ndarray | None = None,
    progress: Tick | None = None,
) -> Evaluation:
    """Run ``scorer`` over the queries of ``split`` day by day and count ranks per protocol.

    ``limit``: evaluate only these query indices (a deterministic subsample, for tuning);
    ``progress``: called with the number of queries scored after each batch.
    """
    queries = make_queries(dataset.splits[split], dataset.num_relations)
    keep = np.ones(len(queries), bool) if limit is None else np.isin(np.arange(len(queries)), limit)
    g = np.zeros(len(queries), np.int64)
    q = np.zeros(len(queries), np.int64)
    started = time.perf_counter()
    for day, idx in queries.by_day():
        idx = idx[keep[idx]]
        for start in range(0, len(idx), batch):
            part = idx[start : start + batch]
            scores = scorer(day, queries.a[part], queries.rel[part])
            for row, i in enumerate(part):
                g[i], q[i] = rank_counts(scores[row], int(queries.x[i]), queries.filtered[i])
            if progress is not None:
                progress(len(part))
    seconds = time.perf_counter() - started
    sel = np.flatnonzero(keep)
    return Evaluation(split, g[sel], q[sel], queries.direction[sel], seconds)
