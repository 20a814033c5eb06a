"""Vendor the map's and the trend chart's JavaScript and data from npm into ``viz/static/vendor/``.

Leaflet (the map), topojson-client (decodes the basemap), world-atlas (Natural Earth 1:50m country
boundaries as TopoJSON: the basemap, no tile server), Vega, Vega-Lite and vega-interpreter (the
trend chart; the interpreter evaluates Vega expressions without ``eval``, so the page's CSP needs no
``'unsafe-eval'``). Each package is fetched with ``npm pack`` (the registry's ordinary client) at
the pinned version, its tarball checked against the pinned ``dist.shasum``, and the listed files
copied unchanged with the package's own licence file; each copied file is checked against its
pinned sha256 too. ``viz/render.py`` drops the trailing ``sourceMappingURL`` comment when it
inlines a script, and wraps vega-interpreter (an ES module importing from ``vega-util``) so that it
reads those names from the ``vega`` global.

    python scripts/vendor_viz.py            # the pinned versions; fails on any checksum change
    python scripts/vendor_viz.py --update   # after bumping a VERSION: print the new checksums
"""

from __future__ import annotations

import argparse
import hashlib
import json
import subprocess
import tarfile
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TARGET = ROOT / "viz" / "static" / "vendor"

#: package -> (version, licence, tarball dist.shasum, {file in the package: sha256}, licence files)
PACKAGES: dict[str, tuple[str, str, str, dict[str, str], tuple[str, ...]]] = {
    "leaflet": ("1.9.4", "BSD-2-Clause", "23fae724e282fa25745aff82ca4d394748db7d8d", {
        "dist/leaflet.js": "db49d009c841f5ca34a888c96511ae936fd9f5533e90d8b2c4d57596f4e5641a",
        "dist/leaflet.css": "a7837102824184820dfa198d1ebcd109ff6d0ff9a2672a074b9a1b4d147d04c6",
    }, ("LICENSE",)),
    "topojson-client": ("3.1.0", "ISC", "22e8b1ed08a2b922feeb4af6f53b6ef09a467b99", {
        "dist/topojson-client.min.js": "25cd02ae486cc5063e0215a4e4cfb15de83700c87ac48bac4d57dc6aaf3ebb89",
    }, ("LICENSE",)),
    "world-atlas": ("2.0.2", "ISC (data: Natural Earth, public domain)", "4bca4a578f3a413bd409c3f07f2054fe7375824f", {
        "countries-50m.json": "04342cdc1e3016bcd7db1630de95684d67b79fe3c8c460321e87aef469502394",
    }, ("LICENSE",)),
    "vega": ("6.3.0", "BSD-3-Clause", "8c11b4f76200e652124689f16f00cef7952e022a", {
        "build/vega.min.js": "463f3db6a40b20e9747b4ed38f37ed0add508838f9141b1cf8366784b07b30c8",
    }, ("LICENSE",)),
    "vega-lite": ("6.5.0", "BSD-3-Clause", "8f43425ab09de895bbfa66928c6b797d5c4cdcd1", {
        "build/vega-lite.min.js": "83e215e84e308ee8688fa6503ba0f1cf8a3c05c0d61df2841a0b92bf86809e00",
    }, ("LICENSE",)),
    "vega-interpreter": ("2.3.2", "BSD-3-Clause", "6374066a76844de22763937728acbc0261f2ebf1", {
        "build/vega-interpreter.js": "c0bdb735a63f9276f136e8d90d7fdf5d8e9df8031eb069048fc9975c876fd7f9",
    }, ("LICENSE",)),
}


def vendor(name: str, update: bool, tmp: Path) -> list[str]:
    version, licence, shasum, files, licences = PACKAGES[name]
    out = subprocess.run(["npm", "pack", f"{name}@{version}", "--json", "--silent"], cwd=tmp,
                         check=True, capture_output=True, text=True).stdout
    info = json.loads(out)[0]
    if info["shasum"] != shasum and not update:
        raise SystemExit(f"{info['filename']}: shasum {info['shasum']}, expected {shasum}")
    folder = tmp / name
    folder.mkdir()
    with tarfile.open(tmp / info["filename"]) as tar:
        tar.extractall(folder, filter="data")
    package = folder / "package"
    meta = json.loads((package / "package.json").read_text(encoding="utf-8"))
    if not licence.startswith(meta.get("license", "?")):
        raise SystemExit(f"{name}: licence changed to {meta.get('license')!r}: review before vendoring")
    target = TARGET / name
    target.mkdir(parents=True, exist_ok=True)
    rows = []
    for path, expected in files.items():
        data = (package / path).read_bytes()
        digest = hashlib.sha256(data).hexdigest()
        if expected and digest != expected and not update:
            raise SystemExit(f"{name}/{path}: sha256 {digest}, expected {expected}")
        (target / Path(path).name).write_bytes(data)
        rows.append(f"| `{name}/{Path(path).name}` | {name} | {version} | {licence} (`LICENSE`) | {info['shasum']} | {digest} |")
    for path in licences:
        (target / Path(path).name).write_bytes((package / path).read_bytes())
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--update", action="store_true", help="accept new checksums and print them")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        rows = [row for name in PACKAGES for row in vendor(name, args.update, Path(tmp))]
    print("| file | package | version | licence | npm `dist.shasum` of the tarball | sha256 of the file |")
    print("|---|---|---|---|---|---|")
    print("\n".join(rows))


if __name__ == "__main__":
    main()
