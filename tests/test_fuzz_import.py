"""Issue 13 (4): every importer fed mutated rows of its own small fixture, through ``kg import``.

A case is a fixture cut to a few rows, then 1-4 mutations (wrong column counts, stray quotes,
NUL bytes, line separators, 1 MB fields, impossible dates and coordinates, a header broken),
written with or without CSV quoting, then maybe re-encoded (BOM, latin-1, cp1252, UTF-16,
UTF-32), truncated or spliced with random bytes. ``kg import`` runs in process (CliRunner) on
an Oxigraph folder; the invariant (tests/fuzz_helpers.py): the import succeeds, or it fails with
one ``FILE:LINE: COLUMN: PROBLEM``-style line and the store's quads are exactly as before.
With ``--skip-bad-rows`` the reject file must stay a three-column TSV.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

import kg
from kg.contract.ontology import ensure_ontology
from kg.ingest.gdelt import COLUMNS_V2

from fuzz_helpers import CASES, check_cli, dump_store, fuzz_settings, invoke

DATA = Path(__file__).parent / "data"


@dataclass(frozen=True)
class Fixture:
    fmt: str
    path: Path
    delimiter: str
    header: bool
    dates: tuple[str | int, ...]  # columns holding dates (names, or indexes in a headerless file)
    coords: tuple[str | int, ...]
    options: tuple[str, ...] = ()


FIXTURES = {
    "acled": Fixture("acled", DATA / "acled/acled-sample-30.csv", ",", True, ("event_date", "timestamp"), ("latitude", "longitude")),
    "ucdp": Fixture("ucdp", DATA / "ucdp/ucdp-ged-25.csv", ",", True, ("date_start", "date_end"), ("latitude", "longitude")),
    "gdelt": Fixture(
        "gdelt", DATA / "gdelt/gdelt2-raw.export.CSV", "\t", False,
        (COLUMNS_V2.index("SQLDATE"), COLUMNS_V2.index("DATEADDED")),
        (COLUMNS_V2.index("ActionGeo_Lat"), COLUMNS_V2.index("ActionGeo_Long")),
    ),
    "gdelt-header": Fixture(
        "gdelt", DATA / "gdelt/events2samp_gdelt2_from_pickle.csv", ",", True, ("SQLDATE", "DATEADDED"),
        ("ActionGeo_Lat", "ActionGeo_Long"),
    ),
    "icews": Fixture("icews", DATA / "icews/icews14-valid-head40.txt", "\t", False, (3,), ()),
    "icews-ids": Fixture("icews", DATA / "icews/ids/valid.txt", "\t", False, (3,), (), ("--epoch", "2014-01-01", "--time-unit", "hours")),
}

BAD_DATES = [
    "2017-02-30", "2017-13-01", "0000-00-00", "20170230", "99999999", "00000000", "2017-02-29T25:61:61",
    "9999-12-31", "0001-01-01", "-2017-01-01", "10000-01-01", "1e10", "-1", "NaN", "", "2017/05/23", "30 February 2017",
    "18446744073709551616", "2017-05-23\x00", "２０１７-０５-２３", "99999999999999", "20171332250000",
]
BAD_COORDS = [
    "91", "-90.0000001", "181", "-180.5", "NaN", "nan", "inf", "-inf", "1e309", "1e-400", "", "-0", "1,5", "0x10",
    "٣٥.٧", "35.7.1", " ", "+", "1_000", "9" * 400, "35.763369\x00", "Infinity",
]
WEIRD = ["\x00", "\u2028", "\u2029", "\x85", "\r", "\n", "\r\n", "\t", ",", '"', '""', "'", "\ufeff", "\u202e", "\\",
         "\x1b[31m", "\udcff"[:0] + "\ufffd", "ſ", "İ", "𝔸", "\x7f", "\x0b", "\x0c"]
HUGE = 1 << 20

op = st.tuples(
    st.sampled_from([
        "drop_field", "add_field", "dup_row", "empty_row", "blank_line", "rename_header", "dup_header", "drop_header",
        "date", "coord", "huge", "quote", "weird", "text", "empty_field",
    ]),
    st.integers(0, 1 << 16), st.integers(0, 1 << 16), st.integers(0, 1 << 16),
    st.text(max_size=20),
)
ENCODINGS = ["utf-8", "utf-8", "utf-8", "utf-8-sig", "latin-1", "cp1252", "utf-16", "utf-16-le", "utf-32"]


def _index(fixture: Fixture, header: list[str], column: str | int) -> int:
    return column if isinstance(column, int) else header.index(column)


def mutate(fixture: Fixture, keep: int, ops: list[tuple[str, int, int, int, str]]) -> list[list[str]]:
    with fixture.path.open(newline="", encoding="utf-8") as handle:
        rows = list(csv.reader(handle, delimiter=fixture.delimiter)) if fixture.delimiter == "," else [
            line.rstrip("\r\n").split("\t") for line in handle if line.strip()]
    header = rows[0] if fixture.header else []
    rows = (rows[:1] if fixture.header else []) + rows[int(fixture.header): int(fixture.header) + keep]
    body = int(fixture.header)
    for kind, a, b, c, text in ops:
        if len(rows) <= body:
            rows.append([""])
        r = body + a % (len(rows) - body)
        row = rows[r]
        col = b % max(1, len(row))
        if kind == "drop_field" and row:
            del row[col]
        elif kind == "add_field":
            row.insert(col, text)
        elif kind == "dup_row":
            rows.insert(r, list(row))
        elif kind == "empty_row":
            rows.insert(r, [])
        elif kind == "blank_line":
            rows.insert(r, [" "])
        elif kind == "rename_header" and fixture.header:
            rows[0][b % len(rows[0])] = text or "x"
        elif kind == "dup_header" and fixture.header:
            rows[0][b % len(rows[0])] = rows[0][c % len(rows[0])]
        elif kind == "drop_header" and fixture.header:
            del rows[0][b % len(rows[0])]
        elif kind == "date" and fixture.dates:
            i = _index(fixture, header, fixture.dates[b % len(fixture.dates)])
            if i < len(row):
                row[i] = BAD_DATES[c % len(BAD_DATES)]
        elif kind == "coord" and fixture.coords:
            i = _index(fixture, header, fixture.coords[b % len(fixture.coords)])
            if i < len(row):
                row[i] = BAD_COORDS[c % len(BAD_COORDS)]
        elif kind == "huge" and row:
            row[col] = (text or "A") * (HUGE // max(1, len(text or "A")))
        elif kind == "quote" and row:
            at = c % (len(row[col]) + 1)
            row[col] = row[col][:at] + '"' + row[col][at:]
        elif kind == "weird" and row:
            at = c % (len(row[col]) + 1)
            row[col] = row[col][:at] + WEIRD[a % len(WEIRD)] + row[col][at:]
        elif kind == "text" and row:
            row[col] = text
        elif kind == "empty_field" and row:
            row[col] = ""
    return rows


def serialize(rows: list[list[str]], delimiter: str, quoted: bool) -> str:
    if quoted:
        out = io.StringIO()
        csv.writer(out, delimiter=delimiter, lineterminator="\n").writerows(rows)
        return out.getvalue()
    return "".join(delimiter.join(row) + "\n" for row in rows)


def encode(text: str, encoding: str, newline: str, cut: float | None, splice: bytes, at: float) -> bytes:
    data = text.replace("\n", newline).encode(encoding, errors="replace")
    if splice:
        i = int(at * len(data))
        data = data[:i] + splice + data[i:]
    if cut is not None:
        data = data[: int(cut * len(data))]
    return data


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("fuzz-import") / "store"
    graph = kg.open(str(path))
    ensure_ontology(graph)
    graph.close()
    return path


@pytest.mark.slow
@pytest.mark.parametrize("name", list(FIXTURES))
def test_fuzzed_import_fails_in_one_line_and_leaves_the_store(name: str, store: Path, tmp_path_factory: pytest.TempPathFactory) -> None:
    fixture = FIXTURES[name]
    folder = tmp_path_factory.mktemp(f"fuzz-{name}")
    if fixture.options:  # id files need their entity2id/relation2id tables beside them
        for table in ("entity2id.txt", "relation2id.txt"):
            (folder / table).write_bytes((fixture.path.parent / table).read_bytes())

    @fuzz_settings(12)
    @given(
        keep=st.integers(1, 6), ops=st.lists(op, min_size=1, max_size=4), quoted=st.booleans(),
        encoding=st.sampled_from(ENCODINGS), newline=st.sampled_from(["\n", "\n", "\r\n", "\r"]),
        cut=st.none() | st.floats(0, 1), splice=st.binary(max_size=6), at=st.floats(0, 1), skip=st.booleans(),
    )
    def case(keep: int, ops: list[tuple[str, int, int, int, str]], quoted: bool, encoding: str, newline: str,
             cut: float | None, splice: bytes, at: float, skip: bool) -> None:
        CASES[f"import {name}"] += 1
        rows = mutate(fixture, keep, ops)
        data = encode(serialize(rows, fixture.delimiter, quoted), encoding, newline, cut, splice, at)
        target = folder / ("fuzz.txt" if fixture.fmt == "icews" else "fuzz.csv")
        target.write_bytes(data)
        rejects = target.with_name(target.name + ".rejects.tsv")
        rejects.unlink(missing_ok=True)
        before = dump_store(store)
        args = ["--store", str(store), "import", fixture.fmt, str(target), "--quiet", *fixture.options]
        result = invoke(args + (["--skip-bad-rows"] if skip else []))
        what = (name, [o[0] for o in ops], encoding, repr(newline), cut, splice, skip)
        error = check_cli(result, what)
        if error is not None:
            assert dump_store(store) == before, (what, error)
        elif rejects.exists():
            for line in rejects.read_text(encoding="utf-8").splitlines():
                assert line.count("\t") == 2, (what, line[:300])

    case()
