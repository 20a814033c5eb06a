"""The whole benchmark run: learn rules on train, tune on valid, re-learn on train + valid, test.

Deterministic (fixed seeds for the learning sample and the tuning subsample); reports every tie
protocol, per-direction figures, stage times and peak memory. The test split is scored once, with
the parameters chosen on valid.
"""

from __future__ import annotations

import logging
import platform
import resource
import time
from typing import Any

import numpy as np

from kg.base.progress import Stages, no_progress
from kg.forecast.data import Dataset
from kg.forecast.evaluate import evaluate
from kg.forecast.history import History
from kg.forecast.model import Forecaster, Params
from kg.forecast.rules import learn_rules
from kg.forecast.tune import tune

log = logging.getLogger(__name__)


def _days(dataset: Dataset, splits: tuple[str, ...], skip: int) -> np.ndarray:
    days = np.unique(np.concatenate([dataset.splits[s].days for s in splits]))
    skip = min(skip, int(days.max() - days.min()) // 2)  # a short dataset keeps its later half
    return days[days >= days.min() + skip]


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


class _Clock:
    """Wall and CPU seconds per stage (the machine is shared: CPU time is the comparable figure)."""

    def __init__(self) -> None:
        self.wall: dict[str, float] = {}
        self.cpu: dict[str, float] = {}
        self._start = (0.0, 0.0)

    def start(self) -> None:
        self._start = (time.perf_counter(), time.process_time())

    def stop(self, stage: str) -> None:
        self.wall[stage] = time.perf_counter() - self._start[0]
        self.cpu[stage] = time.process_time() - self._start[1]


def run_benchmark(
    dataset: Dataset, *, tune_sample: int | None = 8000, budget: int = 40_000_000, seed: int = 0,
    start: Params | None = None, rounds: int = 3, skip_days: int = 30, progress: Stages = no_progress,
) -> dict[str, Any]:
    """Learn, tune on valid, test; returns figures and timings (see the module doc).

    ``progress`` reports the stages (learning rules, tuning, scoring valid and test queries).
    """
    clock = _Clock()
    clock.start()
    history = History(dataset.all_quads(), dataset.num_entities, dataset.num_relations)
    clock.stop("index")

    clock.start()
    with progress("learning rules on train", None):
        table = learn_rules(history, _days(dataset, ("train",), skip_days), budget=budget, seed=seed)
    clock.stop("learn_train")
    model = Forecaster(history, table, start or Params())

    clock.start()
    with progress("tuning on valid", None):
        tuned = tune(model, dataset, sample=tune_sample, rounds=rounds, seed=seed)
    clock.stop("tune_valid")
    clock.start()
    with progress("scoring valid", 2 * len(dataset.splits["valid"])) as tick:
        valid = evaluate(model.scorer(), dataset, "valid", progress=tick)
    clock.stop("valid")

    clock.start()
    with progress("learning rules on train+valid", None):
        model = Forecaster(history, learn_rules(history, _days(dataset, ("train", "valid"), skip_days), budget=budget,
                                                seed=seed), tuned.best)
    clock.stop("learn_train_valid")
    clock.start()
    with progress("scoring test", 2 * len(dataset.splits["test"])) as tick:
        test = evaluate(model.scorer(), dataset, "test", progress=tick)
    clock.stop("test")
    return {
        "dataset": dataset.name,
        "counts": {s: len(q) for s, q in dataset.splits.items()},
        "queries": {"valid": len(valid.g), "test": len(test.g)},
        "params": tuned.best.as_dict(),
        "tuning": {"trials": len(tuned.trials), "sample": tuned.queries, "best_valid_sample_mrr": tuned.best_mrr},
        "valid": valid.metrics,
        "test": test.metrics,
        "test_by_direction": test.by_direction(),
        "test_tie_spread": test.tie_spread,
        "seconds": {**clock.wall, "total": sum(clock.wall.values())},
        "cpu_seconds": {**clock.cpu, "total": sum(clock.cpu.values())},
        "peak_rss_mb": peak_rss_mb(),
        "machine": f"{platform.machine()}, {platform.processor() or platform.system()}, Python {platform.python_version()}",
    }
