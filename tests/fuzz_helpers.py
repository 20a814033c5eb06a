"""What every tests/test_fuzz_*.py file shares: the case budget, the count of cases run, the invariant.

The invariant of issue 13 (item 4), for every fuzzed input: either the command succeeds, or it
fails with one clear line (``Error: ...`` on stderr, exit 1 or 2, no traceback, not the catch-all
"run with --debug" line that marks an exception nobody planned for) and the store is unchanged.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from click.testing import CliRunner, Result
from hypothesis import HealthCheck, settings

import kg
from kg.cli import main

#: cases run per target; printed by the terminal-summary hook of tests/conftest.py
CASES: Counter[str] = Counter()

#: the catch-all of kg.cli.base.KGGroup: an exception that is not a KGError reached the CLI
UNPLANNED = "(run with --debug for the traceback)"

SUPPRESS = [HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.function_scoped_fixture,
            HealthCheck.filter_too_much, HealthCheck.large_base_example]


def cases(n: int) -> int:
    """``n`` examples under the ``ci`` profile (max_examples 100), ``20 n`` under ``long`` (2000)."""
    return max(1, n * settings.default.max_examples // 100)


def fuzz_settings(n: int) -> settings:
    return settings(max_examples=cases(n), suppress_health_check=SUPPRESS)


def dump_store(path: Path) -> list[str]:
    """Every quad of the folder store at ``path``, sorted (opened and closed again)."""
    graph = kg.open(str(path))
    try:
        return sorted(str(q) for q in graph.quads())
    finally:
        graph.close()


def one_line_error(result: Result, what: object) -> str:
    """Check a failed CliRunner result: exit 1/2, one ``Error:`` line on stderr, nothing unplanned."""
    assert result.exit_code in (1, 2), (what, result.exit_code, result.output[-2000:], result.exception)
    assert isinstance(result.exception, SystemExit), (what, repr(result.exception))
    err = result.stderr
    lines = err.splitlines()
    assert len(lines) == 1, (what, err[:3000])
    assert lines[0].startswith("Error: "), (what, err[:3000])
    assert "Traceback" not in result.output, (what, result.output[-3000:])
    assert UNPLANNED not in lines[0], (what, lines[0][:3000])
    return lines[0]


def check_cli(result: Result, what: object) -> str | None:
    """The invariant for one in-process CLI run: success, or one clear line. Returns the error line."""
    if result.exit_code == 0 and result.exception is None:
        assert "Traceback" not in result.output, (what, result.output[-3000:])
        return None
    return one_line_error(result, what)


def invoke(args: list[str], **kw: object) -> Result:
    return CliRunner().invoke(main, args, catch_exceptions=True, **kw)  # type: ignore[arg-type]
