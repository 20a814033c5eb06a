"""Contributions that add up: one prediction of :class:`~kg.forecast.model.Forecaster` taken apart.

For "X r_h Y on day t" the score is Σ_c w_c·c + w_log·Σ_c log(1 + c/ε_c) over the components
of :mod:`kg.forecast.model`. The rules part is a decayed noisy-or; taken in order of confidence,
rule i adds s_i − s_{i−1} where s_i is the noisy-or of the first i rules, so the increments add
up to the part exactly. Each contribution names its rule (body, head, Δ/n bin, confidence with
its support counts, weight D^i), its recency or frequency weights, and the facts (indices into
the history's quadruples) that support it. A component's log-scale term is a contribution of its
own (kind ``<kind>-scale``) with the component's facts; for the path rules it is split over the
intermediates Z in proportion to their paths, like the linear term.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial

import numpy as np

from kg.forecast.model import LOG_SCALES, Forecaster
from kg.forecast.rules import NB, bin_label


@dataclass
class Contribution:
    """One term of a score: what fired, how it was weighed, and the facts behind it."""

    kind: str  # "rule", "recency", "pair", "habit", "share", "rshare", "popularity", "activity", "path", "rpath",
    #            and "<kind>-scale" for a log-scale term
    text: str
    contribution: float
    facts: list[int] = field(default_factory=list)
    detail: dict[str, object] = field(default_factory=dict)


def explain(
    model: Forecaster, day: int, entity: int, rel: int, candidate: int, *, cutoff: int | None = None,
    relation_name: Callable[[int], str] | None = None,
) -> tuple[float, list[Contribution]]:
    """The score of ``candidate`` for "entity rel ? on day" and its contributions (they sum to it)."""
    name = relation_name or (lambda r: f"r{r}")
    p = model.params
    parts = model.parts(day, entity, rel, cutoff=cutoff)
    state = parts.state
    out: list[Contribution] = []
    rows = state.rows
    pair_rows = rows.tails == candidate
    # the rules part, rule by rule
    mine = np.flatnonzero((state.partner == candidate) & (parts.conf > 0))
    mine = mine[np.argsort(-parts.conf[mine].astype(np.float64), kind="stable")][: p.top]
    log_sum, previous = 0.0, 0.0
    for i, k in enumerate(mine.tolist()):
        c = float(parts.conf[k])
        log_sum += np.log1p(-min(c, 1 - 1e-12)) * p.decay**i
        value = -float(np.expm1(log_sum))
        feature = int(state.feature[k])
        body, b = divmod(feature, NB)
        inst = float(model.table.instances[feature, rel])
        conf_n = float(model.table.confirmed[feature, rel])
        facts = rows.facts[pair_rows & (rows.rels == body)].tolist()
        out.append(Contribution(
            "rule",
            f"IF X {name(body)} Y ({bin_label(b)}) THEN X {name(rel)} Y",
            p.w_rule * (value - previous), facts,
            {"body": name(body), "head": name(rel), "bin": bin_label(b), "confidence": c,
             "support": [conf_n, inst], "days_since_last": int(day - state.last[k]), "times": int(state.count[k]),
             "aggregation_weight": p.decay**i, "noisy_or_before": previous, "noisy_or_after": value},
        ))
        previous = value
    if abs(previous - parts.rules[candidate]) > 1e-9:  # the same arithmetic as the model
        raise AssertionError("rule contributions do not add up")
    fired = pair_rows & np.isin(rows.rels, state.rel[mine] if len(mine) else [])  # the facts of the rules that fired
    scaled = partial(_scaled, p.w_log)
    age = (day - rows.days).astype(np.float64)
    same_rows = pair_rows & (rows.rels == rel)
    out.extend(scaled("rules", "rule", "the rule evidence", float(parts.rules[candidate]), rows.facts[fired].tolist()))
    out.extend(scaled("same", "recency", f"X's recent '{name(rel)}' facts with Y", float(parts.same[candidate]),
                      rows.facts[same_rows].tolist()))
    out.extend(scaled("pair", "pair", "X's recent facts with Y", float(parts.pair[candidate]), rows.facts[pair_rows].tolist()))
    if same_rows.any() and p.w_same:
        weights = np.exp2(-p.lam_same * age[same_rows])
        out.append(Contribution(
            "recency", f"X {name(rel)} Y before: {int(same_rows.sum())}×, last {int(age[same_rows].min())} d ago",
            p.w_same * float(weights.sum()), rows.facts[same_rows].tolist(),
            {"lambda": p.lam_same, "weights": weights.tolist(), "weight": p.w_same},
        ))
    if pair_rows.any() and p.w_pair:
        weights = np.exp2(-p.lam_pair * age[pair_rows])
        out.append(Contribution(
            "pair", f"X and Y in any relation before: {int(pair_rows.sum())}×, last {int(age[pair_rows].min())} d ago",
            p.w_pair * float(weights.sum()), rows.facts[pair_rows].tolist(),
            {"lambda": p.lam_pair, "weights": weights.tolist(), "weight": p.w_pair},
        ))
    for kind, value, weight, text in (
        ("habit", parts.habit[candidate], p.w_habit, f"share of X's decayed '{name(rel)}' facts that involved Y"),
        ("share", parts.share[candidate], p.w_share, "share of X's decayed facts of any relation that involved Y"),
        ("rshare", parts.rshare[candidate], p.w_rshare, "Y's share of the rule evidence over X's partners"),
    ):
        if value and weight:
            rows_used = {"habit": same_rows, "share": pair_rows, "rshare": fired}[kind]
            out.append(Contribution(kind, f"{text}: {float(value):.2%}", weight * float(value),
                                    rows.facts[rows_used].tolist(), {"share": float(value), "weight": weight}))
    for kind, rows_used, what in (
        ("habit", same_rows, f"the share of X's decayed '{name(rel)}' facts that involved Y"),
        ("share", pair_rows, "the share of X's decayed facts of any relation that involved Y"),
        ("rshare", fired, "Y's share of the rule evidence over X's partners"),
    ):
        out.extend(scaled(kind, kind, what, float(getattr(parts, kind)[candidate]), rows.facts[rows_used].tolist()))
    share = float(parts.pop[candidate])
    if share and p.w_pop:
        novelty = float(model.table.novelty()[rel]) if model.table.answers.size else 1.0
        scale = novelty**p.novelty if p.novelty else 1.0
        out.append(Contribution(
            "popularity", f"Y answered {share / scale:.2%} of '{name(rel)}' facts in the last {p.pop_window} d "
                          f"({novelty:.0%} of '{name(rel)}' answers are new partners)",
            p.w_pop * share, [], {"share": share / scale, "window_days": p.pop_window, "weight": p.w_pop,
                                  "novelty": novelty, "novelty_exponent": p.novelty},
        ))
    out.extend(scaled("pop", "popularity", f"Y's popularity in '{name(rel)}' (its share of answers, weighted for "
                                           "new partners as above)", share, []))
    any_share = float(parts.any[candidate])
    if any_share and p.w_any:
        out.append(Contribution(
            "activity", f"Y answered {any_share:.2%} of all facts in the last {p.pop_window} d",
            p.w_any * any_share, [], {"share": any_share, "window_days": p.pop_window, "weight": p.w_any},
        ))
    known = day if cutoff is None else min(day, cutoff)
    if (p.w_two or p.w_log) and parts.two[candidate]:
        out.extend(_split_by_path(_paths(model, entity, candidate, known), "two", float(parts.two[candidate]),
                                  p.w_two, p.w_log))
    if (p.w_rpath or p.w_log) and parts.rpath[candidate]:
        out.extend(_split_by_path(_rel_paths(model, entity, candidate, rel, known, name), "rpath",
                                  float(parts.rpath[candidate]), p.w_rpath, p.w_log))
    score = float(parts.total(p)[candidate])
    return score, out


def _scaled(w_log: float, component: str, kind: str, what: str, value: float, facts: list[int]) -> list[Contribution]:
    """The log-scale contribution of a component (none when w_log or the value is 0)."""
    if not (w_log and value):
        return []
    scale = LOG_SCALES[component]
    return [Contribution(f"{kind}-scale", f"order of magnitude of {what}: log(1 + {value:.3g}/{scale:g})",
                         w_log * float(np.log1p(value / scale)), facts, {"value": value, "epsilon": scale, "weight": w_log})]


def _split_by_path(paths: list[Contribution], component: str, total: float, weight: float,
                   w_log: float) -> list[Contribution]:
    """The linear path contributions (one per Z, weight 1 in ``paths``) scaled by ``weight``, and the
    component's log-scale term split over the same Z in proportion to their paths."""
    out = []
    scale = LOG_SCALES[component]
    magnitude = w_log * float(np.log1p(total / scale))
    for path in paths:
        share = path.contribution  # p_xz · p_zy
        if weight:
            out.append(Contribution(path.kind, path.text, weight * share, path.facts, {**path.detail, "weight": weight}))
        if w_log:
            via = f"Z={path.detail['via']}"
            what = ("the two-step paths X–Z–Y" if path.kind == "path"
                    else f"the paths 'X met Z, Z {path.detail.get('relation')} Y'")
            out.append(Contribution(
                f"{path.kind}-scale", f"order of magnitude of {what}, {share / total:.1%} of them through {via}: "
                                      f"log(1 + {total:.3g}/{scale:g})",
                magnitude * share / total, path.facts,
                {**path.detail, "value": total, "path_share": share / total, "epsilon": scale, "weight": w_log}))
    return out


def _paths(model: Forecaster, x: int, y: int, known: int) -> list[Contribution]:
    """The length-2 rule, one contribution per intermediate Z with weight 1 (p_xz · p_zy; they add up
    to two(Y))."""
    p = model.params
    walk = model.walk(known)
    row = walk[x]  # type: ignore[index]
    since = known - p.two_window
    x_rows = model.history.before(x, known, since=since)
    out = []
    for z, p_xz in zip(row.indices.tolist(), row.data.tolist()):
        p_zy = float(walk[z, y])  # type: ignore[index]
        if not p_zy:
            continue
        z_rows = model.history.before(z, known, since=since)
        facts = x_rows.facts[x_rows.tails == z].tolist() + z_rows.facts[z_rows.tails == y].tolist()
        out.append(Contribution(
            "path", f"X met Z={z} ({p_xz:.1%} of X's facts) and Z met Y ({p_zy:.1%} of Z's) in the last {p.two_window} d",
            p_xz * p_zy, facts, {"via": z, "p_xz": p_xz, "p_zy": p_zy, "window_days": p.two_window},
        ))
    return out


def _rel_paths(model: Forecaster, x: int, y: int, rel: int, known: int, name: Callable[[int], str]) -> list[Contribution]:
    """The length-2 rule with a relation-specific last step, one contribution per intermediate Z with
    weight 1 (p_xz · p_zy; they add up to rpath(Y))."""
    p = model.params
    row = model.walk(known)[x]  # type: ignore[index]
    rel_walk = model.rel_walk(known)
    r2 = 2 * model.history.num_relations
    x_rows = model.history.before(x, known, since=known - p.two_window)
    out = []
    for z, p_xz in zip(row.indices.tolist(), row.data.tolist()):
        p_zy = float(rel_walk[z * r2 + rel, y])  # type: ignore[index]
        if not p_zy:
            continue
        z_rows = model.history.before(z, known, since=known - p.rpath_window)
        facts = x_rows.facts[x_rows.tails == z].tolist() + z_rows.facts[(z_rows.tails == y) & (z_rows.rels == rel)].tolist()
        out.append(Contribution(
            "rpath", f"X met Z={z} ({p_xz:.1%} of X's facts, last {p.two_window} d) and Z {name(rel)} Y "
                     f"({p_zy:.1%} of Z's '{name(rel)}' facts, last {p.rpath_window} d)",
            p_xz * p_zy, facts,
            {"via": z, "relation": name(rel), "p_xz": p_xz, "p_zy": p_zy, "window_days": p.two_window,
             "relation_window_days": p.rpath_window},
        ))
    return out
