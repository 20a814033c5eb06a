"""What is known before a day: every fact in both directions, indexed by its first entity.

A fact (s, r, o, t) is stored twice, as (s, r, o, t) and (o, r + |R|, s, t), so "the history of
entity a" is one contiguous block of rows sorted by day, and "a's facts before day t" is its
prefix up to a binary search. Scorers read history only through :meth:`History.before`, which
is what keeps the single-step protocol honest: nothing dated t or later is visible to day t.

>>> import numpy as np
>>> from kg.forecast.data import Quads
>>> h = History(Quads(np.array([0, 0]), np.array([0, 1]), np.array([1, 2]), np.array([3, 5])), 3, 2)
>>> h.before(0, 5).tails.tolist(), h.before(2, 9).rels.tolist()
([1], [3])
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from kg.forecast.data import Quads


@dataclass(frozen=True)
class Rows:
    """Some rows of the history: relation (incl. inverses), other entity, day, fact index."""

    rels: np.ndarray
    tails: np.ndarray
    days: np.ndarray
    facts: np.ndarray

    def __len__(self) -> int:
        return int(self.rels.shape[0])


class History:
    """All facts of a dataset in both directions, grouped by entity and sorted by day."""

    def __init__(self, quads: Quads, num_entities: int, num_relations: int) -> None:
        self.num_entities = num_entities
        self.num_relations = num_relations
        heads = np.concatenate([quads.s, quads.o])
        rels = np.concatenate([quads.r, quads.r + num_relations])
        tails = np.concatenate([quads.o, quads.s])
        days = np.concatenate([quads.days, quads.days])
        facts = np.concatenate([np.arange(len(quads)), np.arange(len(quads))])
        order = np.lexsort((rels, days, heads))
        self.heads = heads[order]
        self.rels = rels[order].astype(np.int64)
        self.tails = tails[order].astype(np.int64)
        self.days = days[order].astype(np.int64)
        self.facts = facts[order]
        self.ptr = np.searchsorted(self.heads, np.arange(num_entities + 1))
        self.quads = quads

    def end(self, entity: int, day: int) -> int:
        """Index just past the entity's last row dated before ``day``."""
        lo, hi = int(self.ptr[entity]), int(self.ptr[entity + 1])
        return lo + int(np.searchsorted(self.days[lo:hi], day, side="left"))

    def before(self, entity: int, day: int, *, since: int | None = None) -> Rows:
        """The entity's rows dated before ``day`` (and on or after ``since``): the only way a
        scorer reads the history."""
        lo, hi = int(self.ptr[entity]), self.end(entity, day)
        if since is not None:
            lo += int(np.searchsorted(self.days[lo:hi], since, side="left"))
        return Rows(self.rels[lo:hi], self.tails[lo:hi], self.days[lo:hi], self.facts[lo:hi])

    def days_before(self, day: int) -> int:
        """Number of facts dated before ``day`` (for statistics)."""
        return int(np.count_nonzero(self.quads.days < day))
