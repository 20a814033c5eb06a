"""Curated YAML cannot blow up: an alias bomb is refused at once with one line, the store unchanged."""

from __future__ import annotations

import shutil
import time

from click.testing import CliRunner

import kg
from kg.base.resources import default_data_dir
from kg.cli import main


def _bomb(levels: int = 9) -> str:
    lines = ['a0: &a0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    lines += [f"a{i}: &a{i} [" + ",".join([f"*a{i - 1}"] * 9) + "]" for i in range(1, levels)]
    return "\n".join(lines) + "\n"


def test_alias_bomb_in_curated_data_is_refused_quickly(tmp_path):
    data = tmp_path / "data"
    shutil.copytree(default_data_dir(), data)
    store = tmp_path / "store"
    assert CliRunner().invoke(main, ["--store", str(store), "build"]).exit_code == 0
    before = kg.open(store, read_only=True)
    quads = sorted(str(q) for q in before.quads())
    before.close()
    (data / "actors.yaml").write_text(_bomb(), encoding="utf-8")  # 432 bytes; expanded: 9**9 strings
    started = time.monotonic()
    result = CliRunner().invoke(main, ["--store", str(store), "build", str(data)])
    assert time.monotonic() - started < 30
    assert result.exit_code == 1
    assert "actors.yaml:2: YAML aliases (*name) are not allowed" in result.output
    assert result.output.count("\n") == 1 and "Traceback" not in result.output
    after = kg.open(store, read_only=True)
    assert sorted(str(q) for q in after.quads()) == quads
