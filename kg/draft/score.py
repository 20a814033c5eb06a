"""Precision, recall and F1 of typed spans and directed relations (re3d's conventions).

Strict: same type and exact span. Relaxed: same type and overlapping spans, each gold and each
predicted span used at most once. A relation matches when its type agrees and both ends match by
the same rule (direction counts).

>>> gold = [Span("d", 0, 5, "Person"), Span("d", 10, 20, "Location")]
>>> pred = [Span("d", 0, 5, "Person"), Span("d", 12, 20, "Location"), Span("d", 30, 31, "Person")]
>>> score_spans(gold, pred, strict=True)["all"].f1, round(score_spans(gold, pred, strict=False)["all"].f1, 2)
(0.4, 0.8)
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class Span:
    doc: str
    start: int
    end: int
    type: str


@dataclass(frozen=True)
class Relation:
    doc: str
    source: Span
    target: Span
    type: str


@dataclass
class PRF:
    """Counts and the figures derived from them."""

    tp: int = 0
    gold: int = 0
    pred: int = 0

    @property
    def precision(self) -> float:
        return self.tp / self.pred if self.pred else 0.0

    @property
    def recall(self) -> float:
        return self.tp / self.gold if self.gold else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def row(self) -> str:
        return f"P {self.precision:.2f}  R {self.recall:.2f}  F1 {self.f1:.2f}  (tp {self.tp}, gold {self.gold}, pred {self.pred})"


def _same(a: Span, b: Span, strict: bool) -> bool:
    if a.doc != b.doc or a.type != b.type:
        return False
    return (a.start, a.end) == (b.start, b.end) if strict else a.start < b.end and b.start < a.end


def _match(gold: list[Span], pred: list[Span], strict: bool) -> list[tuple[Span, Span]]:
    """One-to-one matches, exact spans first, then the largest overlaps."""
    by_doc: dict[tuple[str, str], list[Span]] = defaultdict(list)
    for g in gold:
        by_doc[(g.doc, g.type)].append(g)
    used: set[Span] = set()
    pairs: list[tuple[Span, Span]] = []
    candidates = []
    for p in pred:
        for g in by_doc.get((p.doc, p.type), []):
            if _same(g, p, strict):
                overlap = min(g.end, p.end) - max(g.start, p.start)
                candidates.append((-(g.start == p.start and g.end == p.end), -overlap, g.start, p.start, g, p))
    candidates.sort(key=lambda c: c[:4])
    taken_pred: set[Span] = set()
    for *_, g, p in candidates:
        if g in used or p in taken_pred:
            continue
        used.add(g)
        taken_pred.add(p)
        pairs.append((g, p))
    return pairs


def score_spans(gold: Iterable[Span], pred: Iterable[Span], *, strict: bool) -> dict[str, PRF]:
    """Per-type and overall (``"all"``) counts."""
    gold, pred = list(set(gold)), list(set(pred))
    out: dict[str, PRF] = defaultdict(PRF)
    for g in gold:
        out[g.type].gold += 1
        out["all"].gold += 1
    for p in pred:
        out[p.type].pred += 1
        out["all"].pred += 1
    for g, _ in _match(gold, pred, strict):
        out[g.type].tp += 1
        out["all"].tp += 1
    return dict(out)


def score_relations(gold: Iterable[Relation], pred: Iterable[Relation], *, strict: bool) -> dict[str, PRF]:
    """Per-type and overall counts; both ends match by the span rule, direction counts."""
    gold, pred = list(set(gold)), list(set(pred))
    out: dict[str, PRF] = defaultdict(PRF)
    for g in gold:
        out[g.type].gold += 1
        out["all"].gold += 1
    for p in pred:
        out[p.type].pred += 1
        out["all"].pred += 1
    used: set[Relation] = set()
    for p in pred:
        for g in gold:
            if g in used or g.type != p.type or g.doc != p.doc:
                continue
            if _ends(g.source, p.source, strict) and _ends(g.target, p.target, strict):
                used.add(g)
                out[g.type].tp += 1
                out["all"].tp += 1
                break
    return dict(out)


def _ends(g: Span, p: Span, strict: bool) -> bool:
    """Relation ends: the entity rule without the type (re3d's relation ends carry no type)."""
    return (g.start, g.end) == (p.start, p.end) if strict else g.start < p.end and p.start < g.end


@dataclass
class FactScore:
    """Drafted facts against curated ones, matched by quote sentence and class."""

    events: PRF
    roles: PRF
    dates_exact: int
    matched: int
    misses: list[str]
    extras: list[str]
    wrong_dates: list[str]

    @property
    def date_accuracy(self) -> float:
        return self.dates_exact / self.matched if self.matched else 0.0


def score_facts(gold: list[dict], drafted: list[dict]) -> FactScore:  # type: ignore[type-arg]
    """Match records (events and states, as YAML mappings) one to one on (quote, class)."""
    def key(r: dict) -> tuple[str, str]:  # type: ignore[type-arg]
        return (" ".join(str(r.get("quote", "")).split()), str(r.get("class")))

    def span(r: dict) -> tuple[str, str, str]:  # type: ignore[type-arg]
        return (str(r.get("date")), str(r.get("end") or r.get("date")), str(r.get("precision")))

    def roles(r: dict) -> set[tuple[str, str]]:  # type: ignore[type-arg]
        if r.get("class") == "Membership":
            return {("agents", str(r.get("member"))), ("targets", str(r.get("organization")))}
        return {(role, str(a)) for role in ("agents", "targets") for a in r.get(role) or []}

    free = list(gold)
    pairs = []
    extras = []
    for d in drafted:
        g = next((g for g in free if key(g) == key(d)), None)
        if g is None:
            extras.append(f"{d.get('class')}: {d.get('id')}")
            continue
        free.remove(g)
        pairs.append((g, d))
    role_prf = PRF()
    exact = 0
    wrong = []
    for g, d in pairs:
        gr, dr = roles(g), roles(d)
        role_prf.tp += len(gr & dr)
        role_prf.gold += len(gr)
        role_prf.pred += len(dr)
        if span(g) == span(d):
            exact += 1
        else:
            wrong.append(f"{g.get('id')}: gold {span(g)}, drafted {span(d)}")
    events = PRF(tp=len(pairs), gold=len(gold), pred=len(drafted))
    return FactScore(events, role_prf, exact, len(pairs), [f"{g.get('class')}: {g.get('id')}" for g in free], extras, wrong)
