"""CAMEO event codes: labels, Goldstein scores, and the project concept (and sign) of each root.

The code table (``ontology/cameo.tsv``) is GDELT's CAMEO table. ICEWS names event
types by their CAMEO description ("Use conventional military force"); :func:`code_for_label`
finds the code, tolerating ICEWS's shortened wording.

>>> table = CameoTable.load()
>>> table.label("190"), table.project_concept("1832")
('Use conventional military force, not specified below', 'attack')
>>> table.code_for_label("Use_conventional_military_force"), table.code_for_label("Make statement")
('190', '010')
>>> table.code_for_label("Threaten with military force"), table.code_for_label("Sing a song")
('13', None)
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from functools import lru_cache

from kg.base.resources import ontology_dir
from kg.contract.codebooks import dataset_rules

#: CAMEO root code -> (project event-type concept, ckg class), from the ``cameo:`` root concepts of the
#: ontology (``ckg:projectType``, ``ckg:projectClass``; CAMEO events are directed, source -> target).
#: Signs come from the concepts.
ROOT_CONCEPTS: dict[str, tuple[str, str]] = {
    code: (rule.project_type, rule.cls) for code, rule in sorted(dataset_rules("cameo").items()) if len(code) == 2
}

_NOISE = re.compile(r"\b(not specified below|not spec below|such as [^)]*|e g)\b")


def _normal(text: str) -> str:
    text = text.replace("_", " ").lower()
    text = re.sub(r"\([^)]*\)", " ", text)
    text = _NOISE.sub(" ", text)
    return " ".join(re.sub(r"[^a-z0-9]+", " ", text).split())


@dataclass(frozen=True)
class CameoTable:
    """CAMEO codes -> label and Goldstein score."""

    labels: dict[str, str]
    goldstein: dict[str, float]

    @classmethod
    def load(cls) -> CameoTable:
        return _load()

    def label(self, code: str) -> str:
        return self.labels[code]

    def root(self, code: str) -> str:
        return code[:2]

    def project_concept(self, code: str) -> str:
        return ROOT_CONCEPTS[self.root(code)][0]

    def event_class(self, code: str) -> str:
        return ROOT_CONCEPTS[self.root(code)][1]

    def is_code(self, code: str) -> bool:
        return code in self.labels

    def code_for_label(self, label: str) -> str | None:
        """The CAMEO code whose description matches ``label`` (exact after normalising, else best word overlap)."""
        return _by_label(self, _normal(label))


@lru_cache(maxsize=1)
def _load() -> CameoTable:
    labels: dict[str, str] = {}
    goldstein: dict[str, float] = {}
    with (ontology_dir() / "cameo.tsv").open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle, delimiter="\t"):
            labels[row["code"]] = row["label"]
            goldstein[row["code"]] = float(row["goldstein"])
    return CameoTable(labels, goldstein)


_INDEX: dict[str, str] = {}

#: When a description is not in the table (ICEWS uses a few CAMEO 1.1 wordings), its verb decides the root.
_VERB_ROOTS = (
    ("make an appeal", "02"), ("appeal", "02"), ("express intent", "03"), ("consult", "04"),
    ("demand", "10"), ("accuse", "11"), ("deny", "11"), ("find guilty", "11"), ("criticize", "11"),
    ("reject", "12"), ("refuse", "12"), ("threaten", "13"), ("engage in violent protest", "14"),
    ("engage in political dissent", "14"), ("ease political dissent", "08"), ("ease", "08"),
    ("impose restrictions", "17"), ("use chemical", "20"), ("use tactics of violent repression", "17"),
    ("reduce or stop", "16"), ("demonstrate", "14"), ("accede", "08"), ("conduct hunger strike", "14"),
    ("conduct strike", "14"), ("obstruct", "14"),
)


def _by_label(table: CameoTable, wanted: str) -> str | None:
    if not _INDEX:
        for code, label in sorted(table.labels.items(), key=lambda kv: (len(kv[0]), kv[0]), reverse=True):
            _INDEX[_normal(label)] = code  # shorter (more general) codes win ties
    if wanted in _INDEX:
        return _INDEX[wanted]
    for verb, root in _VERB_ROOTS:
        if wanted.startswith(verb):
            return root
    return None
