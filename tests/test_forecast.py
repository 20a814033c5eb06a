"""The forecaster: rules learned by counting, explanations that add up, the SPARQL of an explanation
returning its events, the store path of the benchmark, and ``kg forecast``."""

from __future__ import annotations

import json

import numpy as np
import pytest

import kg
from kg.cli import main
from kg.forecast.data import Quads, import_into, load_folder, load_from_store
from kg.forecast.evaluate import evaluate
from kg.forecast.explain import explain
from kg.forecast.history import History
from kg.forecast.model import Forecaster, Params, noisy_or
from kg.forecast.rules import learn_rules, pair_state


def synthetic(days: int = 60, seed: int = 3) -> tuple[Quads, int, int]:
    """A small random TKG with structure: relation 1 follows relation 0 between the same pair."""
    rng = np.random.default_rng(seed)
    rows = []
    for t in range(days):
        for _ in range(6):
            s, o = rng.integers(0, 12, 2)
            if s == o:
                continue
            rows.append((s, 0, o, t))
            if rng.random() < 0.6:
                rows.append((s, 1, o, t + int(rng.integers(1, 4))))
            if rng.random() < 0.3:
                rows.append((o, 2, s, t + 1))
    a = np.array(sorted(set(rows), key=lambda r: (r[3], r)), dtype=np.int64)
    return Quads(a[:, 0], a[:, 1], a[:, 2], a[:, 3]), 12, 3


@pytest.fixture(scope="module")
def model():
    quads, n, r = synthetic()
    history = History(quads, n, r)
    table = learn_rules(history, np.arange(5, 40))
    return Forecaster(history, table, Params(w_same=0.05, w_pair=0.01, w_pop=0.1))


def test_rules_learn_the_planted_pattern(model):
    conf = model.table.confidences(smoothing=2.0)
    from kg.forecast.rules import NB

    r2 = 2 * model.history.num_relations
    by_rule = conf.reshape(r2, NB, r2).max(axis=1)
    # "X r0 Y recently => X r1 Y" is the strongest rule for head r1; its inverse reading holds for r2
    assert by_rule[:, 1].argmax() == 0
    assert by_rule[0, 1] > by_rule[2, 1]


def test_learning_is_deterministic_under_sampling(model):
    first = learn_rules(model.history, np.arange(5, 40), budget=500, seed=7)
    second = learn_rules(model.history, np.arange(5, 40), budget=500, seed=7)
    assert np.array_equal(first.confirmed, second.confirmed) and np.array_equal(first.instances, second.instances)


def test_noisy_or_decay_and_top():
    partner, conf = np.array([0, 0, 0]), np.array([0.5, 0.4, 0.2])
    assert noisy_or(partner, conf, 1, decay=0.0, top=5)[0] == pytest.approx(0.5)  # best rule only
    assert noisy_or(partner, conf, 1, decay=1.0, top=2)[0] == pytest.approx(1 - 0.5 * 0.6)
    assert noisy_or(partner, conf, 1, decay=0.5, top=3)[0] == pytest.approx(1 - 0.5 * 0.6**0.5 * 0.8**0.25)


@pytest.mark.parametrize("paths", [{"w_two": 0.0}, {"w_two": 0.2, "w_log": 0.01, "two_window": 20},
                                   {"w_two": 0.0, "w_log": 0.02, "w_rpath": 0.3, "w_pair": 0.0}],
                         ids=["linear", "path+log", "log-only-paths"])
def test_explanations_add_up(model, paths):
    model = Forecaster(model.history, model.table, model.params.with_(**paths))
    rng = np.random.default_rng(0)
    checked = 0
    kinds: set[str] = set()
    for _ in range(200):
        day, entity, rel = int(rng.integers(45, 60)), int(rng.integers(0, 12)), int(rng.integers(0, 6))
        scores = model.parts(day, entity, rel).total(model.params)
        for candidate in np.argsort(-scores)[:3].tolist():
            score, parts = explain(model, day, entity, rel, candidate)
            assert score == pytest.approx(scores[candidate], abs=1e-12)
            assert sum(p.contribution for p in parts) == pytest.approx(score, abs=1e-9)
            state = pair_state(model.history, entity, day)
            q = model.history.quads
            for part in parts:  # every supporting fact links the two (or one of them and the path's Z), before the day
                kinds.add(part.kind)
                ends = [{entity, candidate}]
                if part.kind in ("path", "path-scale", "rpath", "rpath-scale"):
                    z = int(part.detail["via"])  # type: ignore[call-overload]
                    ends = [{entity, z}, {z, candidate}]
                for f in part.facts:
                    assert {int(q.s[f]), int(q.o[f])} in ends and q.days[f] < day
            checked += 1
            del state
    assert checked > 300
    assert ("path" in kinds) == bool(model.params.w_two)
    assert ("path-scale" in kinds) == ("rule-scale" in kinds) == bool(model.params.w_log)


def test_log_scale_terms_are_the_order_of_magnitude_of_each_component(model):
    """total = Σ w_c·c + w_log·Σ log(1 + c/ε_c): a candidate with any evidence of a kind gains its
    order of magnitude, one with none gains nothing."""
    from kg.forecast.model import LOG_SCALES

    params = model.params.with_(w_log=0.01, two_window=2, w_rpath=0.2)
    parts = Forecaster(model.history, model.table, params).parts(50, 1, 0)
    assert parts.two.any() and not parts.two.all()
    expected = sum(np.log1p(getattr(parts, c) / scale) for c, scale in LOG_SCALES.items())
    linear = parts.total(params.with_(w_log=0.0))
    assert np.allclose(parts.total(params) - linear, 0.01 * expected)
    evidence = sum(getattr(parts, c) for c in LOG_SCALES)
    assert np.array_equal(parts.total(params) == linear, evidence == 0)


def test_tuning_cache_scores_like_the_model(bench_folder):
    """The tuning cache's validation MRR is the evaluator's on the model's own scorer, with every
    component on (so a weight chosen on the cache is the weight the model runs with)."""
    from kg.forecast.tune import _Cache

    dataset = load_folder(bench_folder)
    history = History(dataset.all_quads(), dataset.num_entities, dataset.num_relations)
    table = learn_rules(history, np.arange(3, 20))
    params = Params(w_two=0.1, w_log=0.01, w_rpath=0.2, w_any=0.05, w_rshare=0.1, two_window=10, rpath_window=20)
    model = Forecaster(history, table, params)
    full = evaluate(model.scorer(), dataset, "valid").metrics["random"]["mrr"]
    cache = _Cache(model, dataset, None)
    assert cache.mrr(params) == pytest.approx(full, abs=1e-4)
    cache.CHUNK = 7  # chunks that cut the queries of a day: the same figure
    assert len(cache.q) > 3 * cache.CHUNK and cache.mrr(params) == pytest.approx(full, abs=1e-4)
    assert _Cache(model, dataset, None).mrr(params.with_(w_log=0.0)) != pytest.approx(full, abs=1e-4)


def test_scorer_sees_only_the_past(model):
    """Scores of day t do not change when facts of day t and later are removed from the history."""
    q = model.history.quads
    keep = q.days < 50
    past = History(Quads(q.s[keep], q.r[keep], q.o[keep], q.days[keep]), 12, 3)
    alone = Forecaster(past, model.table, model.params)
    a, rel = np.array([1, 2, 3]), np.array([0, 4, 1])
    assert np.array_equal(alone.scorer()(50, a, rel), model.scorer()(50, a, rel))


# -- the store -----------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def bench_folder(tmp_path_factory):
    """A benchmark folder in the RE-GCN layout (day stamps from 1) made from the synthetic TKG."""
    quads, n, r = synthetic(days=30)
    folder = tmp_path_factory.mktemp("icews14-tiny")
    (folder / "entity2id.txt").write_text("".join(f"Actor_{i}_(Country{i % 3})\t{i}\n" for i in range(n)))
    names = ["Make_statement", "Consult", "Make_an_appeal_or_request"]
    (folder / "relation2id.txt").write_text("".join(f"{names[i]}\t{i}\n" for i in range(r)))
    bounds = {"train": (0, 20), "valid": (20, 25), "test": (25, 99)}
    for split, (lo, hi) in bounds.items():
        sel = (quads.days >= lo) & (quads.days < hi)
        lines = [f"{s}\t{rr}\t{o}\t{t + 1}\n" for s, rr, o, t in zip(quads.s[sel], quads.r[sel], quads.o[sel], quads.days[sel])]
        (folder / f"{split}.txt").write_text("".join(lines))
    return folder


def test_benchmark_from_the_store_equals_the_files(bench_folder):
    graph = kg.open(":memory:")
    import_into(graph, bench_folder)
    from_store = load_from_store(graph, bench_folder)
    from_files = load_folder(bench_folder)
    for split in ("train", "valid", "test"):
        a, b = from_store.splits[split], from_files.splits[split]
        key = lambda q: sorted(zip(q.s.tolist(), q.r.tolist(), q.o.tolist(), q.days.tolist()))  # noqa: E731
        assert key(a) == key(b) and len(a) == len(b)
    history = History(from_store.all_quads(), from_store.num_entities, from_store.num_relations)
    model = Forecaster(history, learn_rules(history, np.arange(2, 20)))
    first = evaluate(model.scorer(), from_store, "test").metrics
    second = evaluate(model.scorer(), from_store, "test").metrics
    assert first == second  # deterministic


@pytest.fixture(scope="module")
def seed_graph():
    graph = kg.open(":memory:")
    kg.build(graph)
    return graph


def test_forecast_rows_explain_themselves(seed_graph):
    rows = kg.forecasts(seed_graph, actor="isis", top=5)
    assert rows and [r["rank"] for r in rows] == list(range(1, len(rows) + 1))
    for row in rows:
        assert sum(row["contributions"]) == pytest.approx(row["score"], abs=1e-9)
        assert len(row["rules"]) == len(row["contributions"]) == len(row["explanation"])
        cited = {e["iri"] for item in row["explanation"] for e in item["events"]}
        assert cited <= set(row["events"])
        # --explain's SPARQL returns exactly the supporting events
        found = {str(r["event"]) for r in seed_graph.query(row["sparql"]).records()}
        assert found == set(row["events"]) and found
    rule = next(item for row in rows for item in row["explanation"] if item["kind"] == "rule")
    assert {"body", "head", "confidence", "support", "days_since_last", "times", "events"} <= set(rule)
    assert any(e.get("quote") for row in rows for item in row["explanation"] for e in item["events"])


def test_forecast_relation_and_horizon(seed_graph):
    rows = kg.forecasts(seed_graph, actor="isis", relation="Attack", horizon="7d", top=3)
    assert {r["relation_label"] for r in rows} == {"Attack"}
    assert (rows[0]["until"] - rows[0]["day"]).days == 6
    for row in rows:
        assert sum(row["contributions"]) == pytest.approx(row["score"], abs=1e-9)
        found = {str(r["event"]) for r in seed_graph.query(row["sparql"]).records()}
        assert found == set(row["events"])


def test_forecast_errors(seed_graph):
    with pytest.raises(kg.UsageError, match="unknown relation"):
        kg.forecasts(seed_graph, actor="isis", relation="no-such-type")
    with pytest.raises(kg.UsageError, match="horizon"):
        kg.forecasts(seed_graph, actor="isis", horizon="soon")
    with pytest.raises(kg.UsageError):
        kg.forecasts(seed_graph, actor="nobody-at-all")


def test_cli_forecast_formats_and_explain(runner, tmp_path):
    store = str(tmp_path / "store")
    assert runner.invoke(main, ["--store", store, "build"]).exit_code == 0
    args = ["--store", store, "forecast", "--actor", "isis", "--top", "3"]
    table = runner.invoke(main, args)
    assert table.exit_code == 0 and table.output.rstrip().endswith("(3 rows)")
    rows = json.loads(runner.invoke(main, [*args, "--format", "json"]).output)
    assert len(rows) == 3 and all(abs(sum(r["contributions"]) - r["score"]) < 1e-9 for r in rows)
    lines = runner.invoke(main, [*args, "--format", "jsonl"]).output.splitlines()
    assert [json.loads(line) for line in lines] == rows
    assert runner.invoke(main, [*args, "--format", "csv"]).output.startswith("rank,actor,direction,relation")
    explained = runner.invoke(main, [*args, "--explain"]).output
    assert explained.count("SELECT DISTINCT ?event") == 3
    missing = runner.invoke(main, ["--store", store, "forecast"])
    assert missing.exit_code == 2 and "--actor" in missing.output


def test_cli_evaluate(runner, tmp_path, bench_folder):
    out = runner.invoke(main, ["--store", str(tmp_path / "s"), "forecast", "evaluate", "--dataset", str(bench_folder),
                               "--tune-sample", "100", "--format", "json"])
    assert out.exit_code == 0, out.output
    rows = json.loads(out.output)
    assert {(r["split"], r["protocol"]) for r in rows} >= {("test", "random"), ("test", "pessimistic")}


def test_path_rule_explanations_and_their_sparql(bench_folder):
    """With the length-2 rule on, path contributions still add up and the SPARQL returns every
    event they read (an imported ICEWS-layout store)."""
    graph = kg.open(":memory:")
    import_into(graph, bench_folder)
    params = Params(w_two=0.3, w_any=0.1, two_window=10, w_log=0.01)
    rows = kg.forecasts(graph, actor="actor-1-country1", top=8, params=params)
    assert any(item["kind"] == "path" for row in rows for item in row["explanation"])
    assert any(item["kind"] == "path-scale" for row in rows for item in row["explanation"])
    _explanations_add_up_and_their_sparql_finds_them(graph, rows)


def _explanations_add_up_and_their_sparql_finds_them(graph, rows):
    """Each row's contributions add up to its score, and its SPARQL returns exactly its events."""
    for row in rows:
        assert sum(row["contributions"]) == pytest.approx(row["score"], abs=1e-9)
        found = {str(r["event"]) for r in graph.query(row["sparql"]).records()}
        assert found == set(row["events"])


@pytest.mark.parametrize(("w_two", "w_log"), [(0.3, 0.0), (0.0, 0.0), (0.0, 0.02)])
def test_relation_path_explanations_and_their_sparql(bench_folder, w_two, w_log):
    """The relation-specific length-2 rule (X met Z, Z r_h Y): its contributions add up, name Z, and the
    SPARQL returns exactly the events they read, with or without the relation-agnostic path rule."""
    graph = kg.open(":memory:")
    import_into(graph, bench_folder)
    params = Params(w_two=w_two, w_rpath=0.5, two_window=10, rpath_window=20, w_log=w_log)
    rows = kg.forecasts(graph, actor="actor-1-country1", top=8, params=params)
    kinds = {item["kind"] for row in rows for item in row["explanation"]}
    assert "rpath" in kinds and ("rpath-scale" in kinds) == ("path-scale" in kinds) == bool(w_log)
    _explanations_add_up_and_their_sparql_finds_them(graph, rows)


def test_whole_benchmark_run_is_deterministic(bench_folder):
    from kg.forecast.benchmark import run_benchmark

    dataset = load_folder(bench_folder)
    first = run_benchmark(dataset, tune_sample=200, budget=2_000, rounds=1)
    second = run_benchmark(dataset, tune_sample=200, budget=2_000, rounds=1)
    assert first["test"] == second["test"] and first["params"] == second["params"]
    assert first["queries"]["test"] == 2 * len(dataset.splits["test"])


def test_tuning_doubles_a_weight_best_at_the_top_of_its_grid(monkeypatch):
    """A weight whose best value is the top of its grid is doubled while validation MRR improves
    (the grid was too narrow); one best inside its grid is not; without ``extend`` neither is."""
    from kg.forecast import tune as module

    class Valid:  # validation MRR as a known function of the weights: w_pop best at 0.5, w_two at 0.1
        def __init__(self, *args: object) -> None:
            self.q: list[object] = []

        def mrr(self, p: Params) -> float:
            return 40.0 - abs(np.log2(max(p.w_pop, 1e-9) / 0.5)) - abs(p.w_two - 0.1)

    monkeypatch.setattr(module, "_Cache", Valid)
    monkeypatch.setattr(module, "subsample", lambda *args: None)

    def run(extend: int) -> tuple[Params, set[float]]:
        model = Forecaster.__new__(Forecaster)
        model.params = Params(w_pop=0.1, w_two=0.0)
        log = module.tune(model, None, grids={"w_pop": (0.0, 0.05, 0.1), "w_two": (0.0, 0.1, 0.2)}, extend=extend)  # type: ignore[arg-type]
        assert max(t["w_two"] for t, _ in log.trials) == 0.2  # best inside its grid: not extended
        return log.best, {t["w_pop"] for t, _ in log.trials}

    best, tried = run(3)
    assert best.w_pop == 0.4 and 0.8 in tried and 1.6 not in tried  # 0.2, 0.4 better; 0.8 worse: stop
    assert best.w_two == 0.1
    best, tried = run(0)
    assert best.w_pop == 0.1 and max(tried) == 0.1
