"""A reject file keeps one line per bad row, whatever the bad row quotes (a regression the import fuzzer found)."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest

from kg.contract.ontology import ensure_ontology
from kg.ingest.base import import_file
from kg.ingest.icews import IcewsFormat

IDS = Path(__file__).parent / "data" / "icews" / "ids"
T0 = dt.datetime(2020, 1, 1, 12, tzinfo=dt.timezone.utc)


@pytest.mark.parametrize("control", ["\x0b", "\x0c", "\x1c", "\x85", "\u2028"])
def test_a_reject_quoting_a_line_breaking_character_stays_on_its_line(empty_kg, tmp_path, control):
    """An id with a character that ``str.splitlines`` breaks on is named ``<U+XXXX>`` in the reject."""
    ensure_ontology(empty_kg)
    folder = tmp_path / "ids"
    shutil.copytree(IDS, folder)
    good = (IDS / "valid.txt").read_text(encoding="utf-8").splitlines()
    bad_line = f"1{control}2\t0\t970\t6288\t-1"
    (folder / "valid.txt").write_text("\n".join([good[0], bad_line, *good[1:3]]) + "\n", encoding="utf-8", newline="\n")

    report = import_file(empty_kg, IcewsFormat(epoch="2014-01-01", time_unit="hours"), folder / "valid.txt",
                         skip_bad_rows=True, now=T0)

    assert (report.rows, report.imported, report.rejected) == (4, 3, 1)
    lines = report.reject_path.read_text(encoding="utf-8").splitlines()
    assert lines == ["line\tcolumn\tproblem", f"2\tsubject\tid 1<U+{ord(control):04X}>2 is not in entity2id.txt"]
