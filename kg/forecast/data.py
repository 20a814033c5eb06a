"""Temporal KG quadruples as integer arrays: a benchmark folder, or the events of a store.

A benchmark folder (RE-GCN layout) holds ``train.txt``, ``valid.txt``, ``test.txt`` with
``subject<TAB>relation<TAB>object<TAB>time`` ids and the ``entity2id.txt`` / ``relation2id.txt``
that name them. Ids are always taken from the **same folder** as the quadruples (two copies of
ICEWS14 number their entities differently). Times become day numbers: hour stamps (multiples of
24, RE-Net/xERTE) are divided by 24; day stamps are kept.

:func:`load_folder` reads the files; :func:`load_from_store` reads the same facts back from a
store after ``kg import icews`` (one SPARQL query per split, ``ckg:sourceId`` of each event is the
row as names and date) and maps them to the folder's ids, so the benchmark runs on what the store
holds.

>>> import numpy as np
>>> q = Quads(np.array([0]), np.array([1]), np.array([2]), np.array([5]))
>>> len(q), q.days.tolist()
(1, [5])
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from kg.base.errors import DataError
from kg.base.progress import Stages, no_progress

if TYPE_CHECKING:
    from kg.store.graph import KnowledgeGraph

SPLITS = ("train", "valid", "test")
IntArray = np.ndarray


@dataclass(frozen=True)
class Quads:
    """Parallel arrays of subject, relation, object and day (int64)."""

    s: IntArray
    r: IntArray
    o: IntArray
    days: IntArray

    def __len__(self) -> int:
        return int(self.s.shape[0])

    @staticmethod
    def concat(parts: list[Quads]) -> Quads:
        return Quads(*(np.concatenate([getattr(p, f) for p in parts]) for f in ("s", "r", "o", "days")))


@dataclass
class Dataset:
    """A benchmark: names of entities and relations, and the quadruples of each split."""

    name: str
    entities: list[str]
    relations: list[str]
    splits: dict[str, Quads]
    #: day 0 as a calendar date, when known (for dates in explanations)
    epoch: dt.date | None = None
    hours: bool = False
    meta: dict[str, object] = field(default_factory=dict)

    @property
    def num_entities(self) -> int:
        return len(self.entities)

    @property
    def num_relations(self) -> int:
        return len(self.relations)

    def all_quads(self) -> Quads:
        return Quads.concat([self.splits[s] for s in SPLITS if s in self.splits])


def read_ids(path: Path) -> list[str]:
    """``name<TAB>id`` lines -> names indexed by id (ids must be 0..n-1)."""
    if not path.exists():
        raise DataError(f"missing {path.name}: a benchmark folder needs it beside the quadruples", path=str(path))
    pairs: dict[int, str] = {}
    with path.open(encoding="utf-8") as handle:
        for line in handle:
            if "\t" in line:
                name, ident = line.rstrip("\n").rsplit("\t", 1)
                pairs[int(ident)] = name.strip()
    if sorted(pairs) != list(range(len(pairs))):
        raise DataError("ids are not 0..n-1", path=str(path))
    return [pairs[i] for i in range(len(pairs))]


def _read_quads(path: Path) -> np.ndarray:
    if not path.exists():
        raise DataError(f"missing {path.name}", path=str(path))
    rows = np.loadtxt(path, dtype=np.int64, delimiter="\t", usecols=(0, 1, 2, 3), ndmin=2)
    return rows


def _epoch_for(folder: Path) -> dt.date | None:
    text = str(folder).lower()
    for key, year in (("icews05-15", 2005), ("icews0515", 2005), ("icews14", 2014), ("icews18", 2018)):
        if key in text:
            return dt.date(year, 1, 1)
    return None


def load_folder(folder: Path | str, *, epoch: dt.date | None = None) -> Dataset:
    """Read a benchmark folder (``train/valid/test.txt`` + id files of the same folder).

    :raises DataError: a file is missing or an id is out of range.
    """
    folder = Path(folder)
    entities = read_ids(folder / "entity2id.txt")
    relations = read_ids(folder / "relation2id.txt")
    raw = {split: _read_quads(folder / f"{split}.txt") for split in SPLITS}
    times = np.concatenate([a[:, 3] for a in raw.values()])
    hours = bool(times.max() > 1000 and not (times % 24).any())
    first = 0 if hours or times.min() == 0 else 1  # RE-GCN day files count from 1
    splits = {}
    for split, rows in raw.items():
        if rows.size and (rows[:, [0, 2]].max() >= len(entities) or rows[:, 1].max() >= len(relations)):
            raise DataError(f"{split}.txt has an id beyond the id files", path=str(folder))
        days = rows[:, 3] // 24 if hours else rows[:, 3] - first
        splits[split] = Quads(rows[:, 0].copy(), rows[:, 1].copy(), rows[:, 2].copy(), days.astype(np.int64))
    return Dataset(
        folder.name, entities, relations, splits, epoch=epoch or _epoch_for(folder), hours=hours,
        meta={"folder": str(folder), "first_time": first},
    )


def import_args(dataset: Dataset) -> dict[str, str]:
    """The ``kg import icews`` options that read this folder's id files (``epoch``, ``time_unit``)."""
    if dataset.epoch is None:
        raise DataError(f"no calendar epoch known for {dataset.name}: pass one (e.g. 2014-01-01)")
    unit = "hours" if dataset.hours else ("days-from-1" if dataset.meta.get("first_time") == 1 else "days")
    return {"epoch": dataset.epoch.isoformat(), "time_unit": unit}


def source_id(dataset: Dataset, split: str) -> str:
    """The store source id of one split of a benchmark folder (``icews-bench-cen-icews14s-test``)."""
    from kg.contract.emit import slugify

    return f"icews-bench-{slugify(dataset.name)}-{split}"


def load_from_store(graph: KnowledgeGraph, folder: Path | str, *, epoch: dt.date | None = None) -> Dataset:
    """The folder's benchmark as the store holds it (after :func:`import_into`): the events of each
    split's import graph, read once, mapped to the folder's ids.

    :raises DataError: a split is missing from the store or its events do not match the ids.
    """
    from kg.base.namespaces import graph_iri

    dataset = load_folder(folder, epoch=epoch)
    assert dataset.epoch is not None
    entity_ids = {name: i for i, name in enumerate(dataset.entities)}
    relation_ids = {name: i for i, name in enumerate(dataset.relations)}
    splits = {}
    for split in SPLITS:
        iri = graph_iri("import", source_id(dataset, split))
        result = graph.query(
            f"SELECT ?key WHERE {{ GRAPH <{iri}> {{ ?e ckg:sourceId ?key }} }}"
        )
        keys = [str(row["key"]) for row in result.records()]
        if not keys:
            raise DataError(f"the store has no events of {split} of {dataset.name}: import it first")
        rows = np.empty((len(keys), 4), dtype=np.int64)
        for i, key in enumerate(keys):
            subject, relation, obj, day = key.split("\t")
            try:
                rows[i] = (entity_ids[subject], relation_ids[relation], entity_ids[obj],
                           (dt.date.fromisoformat(day) - dataset.epoch).days)
            except KeyError as err:
                raise DataError(f"{split}: {err} is not in {dataset.name}'s id files") from None
        order = np.lexsort((rows[:, 2], rows[:, 1], rows[:, 0], rows[:, 3]))
        rows = rows[order]
        if len(rows) != len(dataset.splits[split]):
            raise DataError(f"{split}: the store holds {len(rows)} events, the file {len(dataset.splits[split])}")
        splits[split] = Quads(rows[:, 0].copy(), rows[:, 1].copy(), rows[:, 2].copy(), rows[:, 3].copy())
    return Dataset(dataset.name, dataset.entities, dataset.relations, splits, epoch=dataset.epoch,
                   hours=dataset.hours, meta={**dataset.meta, "from_store": True})


def import_into(
    graph: KnowledgeGraph, folder: Path | str, *, epoch: dt.date | None = None, progress: Stages = no_progress
) -> dict[str, int]:
    """``kg import icews`` of the three files of a benchmark folder, each split its own source id
    (re-importing an unchanged file is cheap). Returns rows imported per split; ``progress``
    shows one stage per file."""
    from kg.ingest import import_dataset

    dataset = load_folder(folder, epoch=epoch)
    options = import_args(dataset)
    counts = {}
    for split in SPLITS:
        with progress(f"importing {split}.txt", len(dataset.splits[split])) as tick:
            report = import_dataset(
                graph, "icews", Path(folder) / f"{split}.txt", source_id=source_id(dataset, split),
                epoch=options["epoch"], time_unit=options["time_unit"], progress=tick,
            )
        counts[split] = int(getattr(report, "imported", 0))
    return counts
