"""How well does `kg draft --mentions` find re3d's typed spans and relations?

Runs the drafter's pipeline (the same code as `kg draft`, with the packaged registries as
gazetteer) over every document of re3d's development folder and scores its typed spans and
directed relations against the gold annotations, following the folder's README: annotations with
confidence >= 0.5; strict (exact span, same type) and overlap-relaxed (overlapping span, same type)
precision/recall/F1 per type and over the types the drafter emits; relations with direction, both
ends matched by the same rule. Figures and the machine are in bench/README-draft.md.

    .venv/bin/python bench/draft_re3d.py [--data DIR] [--show TITLE-PREFIX]

Data: $KG_SHARED_DIR/datasets/re3d-dev, else ../shared/datasets/re3d-dev beside the checkout.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from kg.draft.gazetteer import load_registry  # noqa: E402
from kg.draft.pipeline import analyse  # noqa: E402
from kg.draft.score import Relation, Span, score_relations, score_spans  # noqa: E402
from kg.draft.spans import RE3D_TYPES  # noqa: E402

EMITTED = set(RE3D_TYPES.values())
RELATIONS = {"FightingAgainst", "AlliesOf", "BelongsTo"}


def corpus_dir() -> Path:
    shared = os.environ.get("KG_SHARED_DIR")
    base = Path(shared) if shared else ROOT.parent / "shared"
    return base / "datasets" / "re3d-dev"


def _lines(path: Path) -> list[dict]:  # type: ignore[type-arg]
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", type=Path, default=corpus_dir())
    parser.add_argument("--show", metavar="TITLE", help="print the mentions of documents whose title starts so")
    args = parser.parse_args()
    if not (args.data / "README.md").exists():
        print(f"re3d development folder not found at {args.data}: set KG_SHARED_DIR", file=sys.stderr)
        return 2
    registry = load_registry(ROOT / "data")
    gold_spans: list[Span] = []
    pred_spans: list[Span] = []
    gold_rel: list[Relation] = []
    pred_rel: list[Relation] = []
    words = 0
    elapsed = 0.0
    for folder in sorted(p for p in args.data.iterdir() if (p / "documents.json").exists()):
        entities = _lines(folder / "entities.json")
        relations = _lines(folder / "relations.json")
        for doc in _lines(folder / "documents.json"):
            text = doc["text"]
            words += len(text.split())
            started = time.perf_counter()
            analysis = analyse(text, issued=dt.date(2017, 1, 1), registry=registry)
            elapsed += time.perf_counter() - started
            for e in entities:
                if e["documentId"] == doc["_id"] and e["confidence"] >= 0.5 and e["type"] in EMITTED:
                    gold_spans.append(Span(doc["_id"], e["begin"], e["end"], e["type"]))
            for r in relations:
                if r["documentId"] == doc["_id"] and r["confidence"] >= 0.5 and r["type"] in RELATIONS:
                    gold_rel.append(Relation(doc["_id"], Span(doc["_id"], r["sourceBegin"], r["sourceEnd"], ""),
                                             Span(doc["_id"], r["targetBegin"], r["targetEnd"], ""), r["type"]))
            for m in analysis.mentions:
                pred_spans.append(Span(doc["_id"], m.start, m.end, m.re3d_type))
            for kind, a, b in analysis.relations:
                pred_rel.append(Relation(doc["_id"], Span(doc["_id"], a.start, a.end, ""), Span(doc["_id"], b.start, b.end, ""), kind))
            if args.show and doc["title"].startswith(args.show):
                _show(text, analysis)
    print(f"re3d-dev: {len(gold_spans)} gold spans of the emitted types, {len(gold_rel)} gold relations "
          f"({', '.join(sorted(RELATIONS))}); {words} words drafted in {elapsed:.1f} s")
    for strict in (True, False):
        print("\nentities, " + ("strict (exact span and type)" if strict else "relaxed (overlap and type)"))
        for kind, prf in sorted(score_spans(gold_spans, pred_spans, strict=strict).items()):
            print(f"  {kind:18s} {prf.row()}")
    for strict in (True, False):
        print("\nrelations, " + ("strict ends" if strict else "relaxed ends"))
        for kind, prf in sorted(score_relations(gold_rel, pred_rel, strict=strict).items()):
            print(f"  {kind:18s} {prf.row()}")
    return 0


def _show(text: str, analysis) -> None:  # type: ignore[no-untyped-def]
    out, pos = [], 0
    for m in analysis.mentions:
        out += [text[pos:m.start], f"[{text[m.start:m.end]}|{m.re3d_type[:4]}]"]
        pos = m.end
    print("".join(out) + text[pos:])
    for kind, a, b in analysis.relations:
        print(f"  {kind}: {a.text} -> {b.text}")


if __name__ == "__main__":
    raise SystemExit(main())
