"""Issue 13 (4): the curated YAML, fuzzed: mutated copies of data/ through ``kg build``, and raw text
through the loader.

Mutations: snippets inserted at a random line (anchors and aliases, a billion-laughs block,
1 MB scalars, 5,000-digit numbers, 100,000-deep flow nesting, tags such as ``!!python/object``,
``!!binary``, ``!!timestamp 2017-02-30``, duplicate and non-text keys, NUL and control
characters, document markers), values swapped for odd ones, lines deleted, duplicated,
re-indented, the file truncated or re-encoded (BOM, UTF-16, latin-1). The invariant: the build
succeeds, or it fails with one ``FILE:LINE: FIELD: PROBLEM`` line and the store is unchanged.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

import kg
from kg.base.errors import DataError
from kg.base.resources import default_data_dir
from kg.base.yamlio import load_yaml_text
from kg.curated.build import build

from fuzz_helpers import CASES, check_cli, dump_store, fuzz_settings, invoke

HUGE = "A" * (1 << 20)
DEEP = 100_000
SNIPPETS = [
    "x: &a [1, 2]", "y: *a", "<<: *a", "z: &b {k: v}\nw: {<<: *b}",
    "l0: &l0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n" + "\n".join(
        f"l{i}: &l{i} [" + ", ".join([f"*l{i - 1}"] * 9) + "]" for i in range(1, 9)),
    f"big: '{HUGE}'", f"big: {HUGE}", f"big: |\n  {HUGE}", f"n: {'9' * 5000}", f"n: 0x{'f' * 5000}", "n: 1e99999",
    f"deep: {'[' * DEEP}{']' * DEEP}", f"deep: {'{a: ' * 30000}1{'}' * 30000}", "deep: " + "[" * 80 + "]" * 80,
    "x: !!python/object/apply:os.system ['true']", "x: !!python/name:os.system", "x: !!binary aGVsbG8=",
    "x: !!set {a, b}", "x: !!timestamp 2017-02-30", "x: !!omap [a: 1]", "x: !custom 1", "x: !!float abc", "x: !!int 1_0x",
    "id: dup", "? [a, b]\n: 1", "? {a: 1}\n: 2", "1: x", "null: x", "~: x", "true: x", "x: \x00", "x: a\x1bb",
    "x: '\u2028'", "\tx: 1", "---", "...", "%YAML 1.1\n---", "%TAG ! tag:x,2000:\n---", "- a", "x: [a, b", "x: 'unclosed",
    'x: "\\ud800"', 'x: "\\x00"', "x: .nan", "x: .inf", "x: -.inf", "x: 0o777777777777777777777777777", "x: 190:20:30",
]
ODD_VALUES = [
    "", "~", "null", "[]", "{}", "[a, b]", "{a: 1}", "yes", "no", "0", "-1", "1e999", ".nan", "2017-02-30", "2017-13-01",
    "0000-00-00", "9999-99-99", "2017", "2017-05", "'2017-05-23'", "!!binary aGVsbG8=", "*nope", "&a x", HUGE,
    "'\x00'", "\u202eisis", "actor:isis", "event:", "place:nowhere", "-" * 10, "| \n", "'", '"', "' '",
]
ENCODINGS = ["utf-8", "utf-8", "utf-8", "utf-8", "utf-8-sig", "utf-16", "latin-1"]

op = st.tuples(
    st.sampled_from(["snippet", "value", "delete", "duplicate", "indent", "dedent", "char", "truncate"]),
    st.integers(0, 1 << 16), st.integers(0, 1 << 16),
)


def mutate(text: str, ops: list[tuple[str, int, int]]) -> str:
    lines = text.split("\n")
    for kind, a, b in ops:
        i = a % max(1, len(lines))
        line = lines[i] if lines else ""
        if kind == "snippet":
            indent = line[: len(line) - len(line.lstrip(" "))]
            lines.insert(i, "\n".join(indent + part for part in SNIPPETS[b % len(SNIPPETS)].split("\n")))
        elif kind == "value" and ":" in line:
            lines[i] = line.split(":", 1)[0] + ": " + ODD_VALUES[b % len(ODD_VALUES)]
        elif kind == "delete" and lines:
            del lines[i]
        elif kind == "duplicate" and lines:
            lines.insert(i, line)
        elif kind == "indent" and lines:
            lines[i] = "  " + line
        elif kind == "dedent" and lines:
            lines[i] = line[2:] if line.startswith("  ") else line.lstrip()
        elif kind == "char" and lines:
            at = b % (len(line) + 1)
            lines[i] = line[:at] + "\x00\t\r'\"#&*!|>%@`{}[],?:-\ufeff\u2028\x85"[a % 24] + line[at:]
        elif kind == "truncate":
            joined = "\n".join(lines)
            lines = joined[: b % (len(joined) + 1)].split("\n")
    return "\n".join(lines)


def files(root: Path) -> list[Path]:
    return sorted([root / "actors.yaml", root / "places.yaml", *(root / "events").glob("*.yaml"), *(root / "sources").glob("*.txt")])


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("fuzz-curated") / "store"
    graph = kg.open(str(path))
    build(graph)
    graph.close()
    return path


@pytest.mark.slow
def test_fuzzed_curated_folder_builds_or_fails_in_one_line(store: Path, tmp_path_factory: pytest.TempPathFactory) -> None:
    originals = files(default_data_dir())
    work = tmp_path_factory.mktemp("fuzz-data")

    @fuzz_settings(15)
    @given(which=st.integers(0, len(originals) - 1), ops=st.lists(op, min_size=1, max_size=3),
           encoding=st.sampled_from(ENCODINGS))
    def case(which: int, ops: list[tuple[str, int, int]], encoding: str) -> None:
        CASES["curated build (kg build)"] += 1
        root = work / "data"
        shutil.rmtree(root, ignore_errors=True)
        shutil.copytree(default_data_dir(), root, ignore=shutil.ignore_patterns("queries"))
        target = files(root)[which]
        target.write_bytes(mutate(target.read_text(encoding="utf-8"), ops).encode(encoding, errors="replace"))
        before = dump_store(store)
        result = invoke(["--store", str(store), "build", str(root)])
        what = (target.name, ops, encoding)
        if check_cli(result, what) is not None:
            assert dump_store(store) == before, what

    case()


ALPHABET = st.sampled_from(list("ab1 \n\t:-[]{},&*!|>'\"#%@`?~.\x00\x85\u2028\ufeff") + ["- ", ": ", "\n  ", "!!", "<<", "---"])


@fuzz_settings(300)
@given(st.one_of(
    st.lists(ALPHABET, max_size=60).map("".join),
    st.tuples(st.sampled_from(["actors.yaml", "places.yaml"]), st.lists(op, min_size=1, max_size=4)).map(
        lambda t: mutate((default_data_dir() / t[0]).read_text(encoding="utf-8"), t[1])),
))
def test_fuzzed_yaml_text_loads_or_fails_in_one_line(text: str) -> None:
    CASES["curated yaml text (loader)"] += 1
    try:
        load_yaml_text(text, path="fuzz.yaml")
    except DataError as err:
        assert len(str(err).splitlines()) == 1 and str(err).startswith("fuzz.yaml"), str(err)[:500]
