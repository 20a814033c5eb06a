"""The W3C SPARQL 1.1 Protocol (34) and Service Description (3) tests, replayed against a live
``kg serve`` on 127.0.0.1 over a scratch store with updates enabled by token."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from conftest import SHARED
from server_live import Live, live_server
from w3c_runner import (
    load_protocol_tests,
    load_service_description_tests,
    run_protocol_test,
    run_service_description_test,
)

PROTOCOL = SHARED / "w3c" / "protocol" / "manifest.ttl"
SERVICE_DESCRIPTION = SHARED / "w3c" / "service-description" / "manifest.ttl"
TOKEN = "w3c-test-token-0123"

pytestmark = pytest.mark.skipif(not PROTOCOL.exists(), reason=f"W3C manifests not found under {SHARED}")

PROTOCOL_TESTS = load_protocol_tests(PROTOCOL) if PROTOCOL.exists() else []
SD_TESTS = load_service_description_tests(SERVICE_DESCRIPTION) if SERVICE_DESCRIPTION.exists() else []


@pytest.fixture(scope="module")
def live(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Live]:
    store = tmp_path_factory.mktemp("w3c") / "store"
    # the W3C tests write graphs that state no licence: serve them (kg serve withholds such graphs by default)
    with live_server(store, "--max-concurrent", "2", "--include-restricted", env={"KG_UPDATE_TOKEN": TOKEN}) as server:
        yield server


def test_manifests_have_every_test() -> None:
    assert len(PROTOCOL_TESTS) == 34
    assert len(SD_TESTS) == 3


@pytest.mark.parametrize("test", PROTOCOL_TESTS, ids=[t.name for t in PROTOCOL_TESTS])
def test_protocol(live: Live, test) -> None:  # noqa: ANN001
    problems = run_protocol_test(live, test, TOKEN)
    assert not problems, f"{test.name} ({test.title}): " + "; ".join(problems)


@pytest.mark.parametrize("name", SD_TESTS)
def test_service_description(live: Live, name: str) -> None:
    problems = run_service_description_test(live, name)
    assert not problems, f"{name}: " + "; ".join(problems)


def test_data_files_exist() -> None:
    files = {f for t in PROTOCOL_TESTS for f, _ in t.graphs}
    assert {Path(f).name for f in files} == {"data1.nt", "data2.nt", "data3.nt"}
    assert all(Path(f).exists() for f in files)
