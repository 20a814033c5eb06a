"""Issue 13 (4): ``kg query --saved NAME --param name=value``, fuzzed (in process, on a built folder).

Values: arbitrary text, impossible dates, IRIs that are not IRIs, prefixed names with odd
local parts, numbers past every width, 1 MB values, SPARQL and quote characters meant to
escape the VALUES block, control and line-separator characters; names: declared, unknown,
empty, not SPARQL variables; ``--param`` without ``=``. The invariant: the query runs, or
fails with one ``Error:`` line (exit 1 or 2); the store is unchanged.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

import kg
from kg.curated.build import build
from kg.sparql.saved import saved_queries

from fuzz_helpers import CASES, check_cli, dump_store, fuzz_settings, invoke

SAVED = saved_queries()
ODD = [
    "", " ", "2017-02-30", "2017-13-01", "0000-01-01", "99999-01-01", "2017-05-23T00:00:00", "-2017-05-23", "2017-5-3",
    "http://", "https://x y", "http://a/<b>", "urn:", "urn:\x00", "https://w3id.org/conflict-kg/id/actor/isis",
    "actor:", "actor:isis", "actor:../../x", "actor:a b", "nope:isis", "xsd:date", "_:b0", "?x", "$x", "<urn:x>",
    "1", "-1", "0", "9" * 5000, "-" + "9" * 5000, "1e999", "NaN", "1.5", "0x10", "١٢", "true",
    'x" } ; DROP ALL #', "x' } }", '"""', "\\", "\\u0022", "}", "{", "#", "\x00", "\u2028", "\x85", "\r\n", "\ud7ff",
    "A" * (1 << 20), "any", "retracted", "superseded", "current", "ANY", "any|current",
]
names = st.sampled_from(sorted({p.name for q in SAVED.values() for p in q.parameters}) + ["", "x", "1a", "a b", "?a", "a=b", "ſtart"])
values = st.sampled_from(ODD) | st.text(max_size=30)


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[str]]:
    path = tmp_path_factory.mktemp("fuzz-params") / "store"
    graph = kg.open(str(path))
    build(graph)
    graph.close()
    return path, dump_store(path)


@pytest.mark.slow
@fuzz_settings(60)
@given(saved=st.sampled_from(sorted(SAVED)), params=st.lists(st.tuples(names, values, st.booleans()), max_size=3),
       fmt=st.sampled_from(["table", "csv", "json", "tsv"]))
def test_fuzzed_params_run_or_fail_in_one_line(store: tuple[Path, list[str]], saved: str,
                                               params: list[tuple[str, str, bool]], fmt: str) -> None:
    CASES["kg query --saved --param"] += 1
    args = ["--store", str(store[0]), "query", "--saved", saved, "--format", fmt]
    for name, value, equals in params:
        args += ["--param", f"{name}={value}" if equals else name + value]
    check_cli(invoke(args), (saved, [(n, v[:80], e) for n, v, e in params]))


def test_store_unchanged_after_the_params(store: tuple[Path, list[str]]) -> None:
    assert dump_store(store[0]) == store[1]
