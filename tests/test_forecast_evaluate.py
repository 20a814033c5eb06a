"""The forecasting evaluator on hand-computed cases, and its published checks on ICEWS14."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pytest

from kg.forecast.baselines import frequency_scorer, recurrency_scorer
from kg.forecast.data import Dataset, Quads, load_folder
from kg.forecast.evaluate import evaluate, make_queries, metrics, rank_counts
from kg.forecast.history import History

ROOT = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("KG_SHARED_DIR", ROOT.parent / "shared"))
ICEWS14 = SHARED / "datasets" / "icews14" / "cen-icews14s"


def quads(rows: list[tuple[int, int, int, int]]) -> Quads:
    a = np.array(rows, dtype=np.int64).reshape(-1, 4)
    return Quads(a[:, 0], a[:, 1], a[:, 2], a[:, 3])


def tiny(test: list[tuple[int, int, int, int]], train: list[tuple[int, int, int, int]] | None = None) -> Dataset:
    """Six entities (0..5), two relations; train on days 0..2, test from day 3."""
    train = train if train is not None else [(0, 0, 1, 0), (0, 0, 2, 1), (0, 0, 1, 2), (3, 1, 4, 2)]
    return Dataset(
        "tiny", [f"e{i}" for i in range(6)], ["r0", "r1"],
        {"train": quads(train), "valid": quads([]), "test": quads(test)},
    )


def constant(values: dict[tuple[int, int], dict[int, float]], n: int = 6):
    """A scorer returning fixed scores per (entity, relation)."""

    def score(day, a, rel):
        out = np.zeros((len(a), n))
        for row, key in enumerate(zip(a.tolist(), rel.tolist())):
            for e, v in values.get(key, {}).items():
                out[row, e] = v
        return out

    return score


def test_three_way_tie_expectations():
    m = metrics(np.array([0]), np.array([2]))
    assert m["random"]["mrr"] == pytest.approx(100 * (1 + 1 / 2 + 1 / 3) / 3, abs=1e-12)
    assert m["average"]["mrr"] == pytest.approx(100 / 2)  # rank 1 + 0 + 2/2
    assert m["pessimistic"]["mrr"] == pytest.approx(100 / 3)
    assert m["optimistic"]["mrr"] == pytest.approx(100.0)
    assert m["random"]["h1"] == pytest.approx(100 / 3) and m["random"]["h3"] == pytest.approx(100.0)
    assert m["average"]["h1"] == 0.0 and m["average"]["h3"] == 100.0


def test_hits_expectation_with_ties_straddling_k():
    # 9 above, 3 tied with the answer: positions 10..13, each with probability 1/4; hit@10 = 1/4
    m = metrics(np.array([9]), np.array([3]))
    assert m["random"]["h10"] == pytest.approx(25.0)
    assert m["random"]["mrr"] == pytest.approx(100 * (1 / 10 + 1 / 11 + 1 / 12 + 1 / 13) / 4)
    assert m["average"]["h10"] == 0.0  # average rank 11.5


def test_both_directions_and_duplicates_count():
    ds = tiny([(0, 0, 1, 3), (0, 0, 1, 3), (3, 1, 4, 4)])
    q = make_queries(ds.splits["test"], ds.num_relations)
    assert len(q) == 6  # 2 x |test|, the duplicate line counted twice
    assert sorted(zip(q.a.tolist(), q.rel.tolist(), q.x.tolist())) == sorted(
        [(0, 0, 1), (0, 0, 1), (1, 2, 0), (1, 2, 0), (3, 1, 4), (4, 3, 3)]
    )
    # the duplicate's own answer is not filtered (it is the same entity)
    assert all(f.size == 0 for f in q.filtered)


def test_time_aware_filter_same_day_only():
    # day 3: (0, r0, 1) and (0, r0, 2); day 4: (0, r0, 5). Scores put 2 and 5 above 1.
    ds = tiny([(0, 0, 1, 3), (0, 0, 2, 3), (0, 0, 5, 4)])
    scorer = constant({(0, 0): {1: 1.0, 2: 3.0, 5: 2.0}})
    ev = evaluate(scorer, ds, "test")
    q = make_queries(ds.splits["test"], ds.num_relations)
    by = {(int(q.days[i]), int(q.a[i]), int(q.x[i])): (int(ev.g[i]), int(ev.q[i])) for i in range(len(q))}
    # answer 1 on day 3: 2 is filtered (same day), 5 is not (true on day 4 only) -> one above
    assert by[3, 0, 1] == (1, 0)
    # answer 2 on day 3: 1 filtered, nothing above
    assert by[3, 0, 2] == (0, 0)
    # answer 5 on day 4: 2 is above and not filtered (it was true a day earlier)
    assert by[4, 0, 5] == (1, 0)


def test_zero_score_answer_among_all_entities():
    # answer 4 unscored; entities 1 and 2 scored; 5 filtered (same day); entity count 6
    ds = tiny([(0, 0, 4, 3), (0, 0, 5, 3)])
    scorer = constant({(0, 0): {1: 1.0, 2: 1.0}})
    g, q = rank_counts(scorer(3, np.array([0]), np.array([0]))[0], 4, np.array([5]))
    n, filtered = 6, 1
    assert (g, q) == (2, n - 1 - filtered - g)  # the rest (0, 3) tie at zero
    m = metrics(np.array([g]), np.array([q]))
    assert 100 / m["average"]["mrr"] == pytest.approx(1 + g + q / 2)
    del ds


def test_history_is_only_the_past():
    ds = tiny([(0, 0, 2, 3), (0, 0, 2, 4)])
    history = History(ds.all_quads(), ds.num_entities, ds.num_relations)
    assert history.before(0, 3).tails.tolist() == [1, 2, 1]
    assert history.before(0, 4).tails.tolist() == [1, 2, 1, 2]  # the test fact of day 3 is known on day 4
    ev = evaluate(frequency_scorer(history), ds, "test")
    # day 3, object query: counts 1 -> 2, 2 -> 1: answer 2 has one above; day 4: 2 ties with 1 (2 each)
    obj = make_queries(ds.splits["test"], ds.num_relations).direction == 0
    assert ev.g[obj].tolist() == [1, 0] and ev.q[obj].tolist() == [0, 1]


@pytest.mark.slow
@pytest.mark.skipif(not ICEWS14.exists(), reason="ICEWS14 (cen-icews14s) not beside the checkout")
def test_published_checks_on_icews14():
    """The frequency scorer gives 34.1 (random ties) / 32.3 (pessimistic); decayed recurrency
    with λ = 0.04 gives 35.6 (issue 15, measured independently with the same protocol)."""
    ds = load_folder(ICEWS14)
    assert [len(ds.splits[s]) for s in ("train", "valid", "test")] == [74_845, 8_514, 7_371]
    history = History(ds.all_quads(), ds.num_entities, ds.num_relations)
    freq = evaluate(frequency_scorer(history), ds, "test")
    assert len(freq.g) == 14_742
    assert freq.metrics["random"]["mrr"] == pytest.approx(34.1, abs=0.05)
    assert freq.metrics["pessimistic"]["mrr"] == pytest.approx(32.3, abs=0.05)
    decayed = evaluate(recurrency_scorer(history, lam=0.04), ds, "test")
    assert decayed.metrics["random"]["mrr"] == pytest.approx(35.6, abs=0.05)
