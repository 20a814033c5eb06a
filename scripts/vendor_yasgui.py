"""Vendor YASGUI (``@zazuko/yasgui`` from npm) into ``kg/server/static/yasgui/`` for ``kg serve``'s query page.

Runs ``npm pack`` (the registry's ordinary client) in a temporary folder, checks the tarball's
``dist.shasum``, and copies the browser build unchanged: ``yasgui.min.js`` and ``yasgui.min.css``
(about 1 MB together; the source maps, the ESM build and the type declarations are left out).
The npm tarball carries no licence file, only ``"license": "MIT"`` in its ``package.json``: the
``LICENSE`` written here is the MIT text with the authors that ``package.json`` names. The
standalone build bundles its dependencies (CodeMirror, DataTables, jQuery, DOMPurify...): their
names are read from the build's source map, each must be listed in :data:`BUNDLED` with its
licence (the script stops on an unknown one), and they are written to ``THIRD-PARTY.md``.

    python scripts/vendor_yasgui.py                  # the pinned VERSION
    python scripts/vendor_yasgui.py --version 4.7.0  # update: then fix VERSION/SHASUM here
"""

from __future__ import annotations

import argparse
import hashlib
import json
import re
import subprocess
import tarfile
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TARGET = ROOT / "kg" / "server" / "static" / "yasgui"
PACKAGE = "@zazuko/yasgui"
VERSION = "4.6.2"
SHASUM = "ab8b79aac8dd85785fe926576f47015db32e8a56"  # npm view @zazuko/yasgui@4.6.2 dist.shasum
FILES = ("yasgui.min.js", "yasgui.min.css")

#: Packages bundled into yasgui.min.js (from its source map) and their licences (npm ``license`` field).
BUNDLED = {
    "@zazuko/yasqe, @zazuko/yasr, @zazuko/yasgui-utils (in the build as yasqe/, yasr/, utils/)": "MIT",
    "@fortawesome/free-solid-svg-icons": "CC-BY-4.0 (icons) / MIT (code)",
    "@json2csv/formatters": "MIT",
    "@json2csv/plainjs": "MIT",
    "@tarekraafat/autocomplete.js": "Apache-2.0",
    "autosuggest-highlight": "MIT",
    "base64-js": "MIT",
    "buffer": "MIT",
    "codemirror": "MIT",
    "column-resizer": "MIT",
    "datatables.net": "MIT",
    "decode-uri-component": "MIT",
    "dompurify": "MPL-2.0 OR Apache-2.0",
    "events": "MIT",
    "filter-obj": "MIT",
    "ieee754": "BSD-3-Clause",
    "jquery": "MIT",
    "jsuri": "MIT",
    "lodash-es": "MIT",
    "n3": "MIT",
    "papaparse": "MIT",
    "query-string": "MIT",
    "sortablejs": "MIT",
    "split-on-first": "MIT",
    "store": "MIT",
    "strict-uri-encode": "MIT",
}
_OWN = ("src/", "yasqe/", "yasr/", "utils/")

MIT = """MIT License

Copyright (c) {authors}

Permission is hereby granted, free of charge, to any person obtaining a copy
of this software and associated documentation files (the "Software"), to deal
in the Software without restriction, including without limitation the rights
to use, copy, modify, merge, publish, distribute, sublicense, and/or sell
copies of the Software, and to permit persons to whom the Software is
furnished to do so, subject to the following conditions:

The above copyright notice and this permission notice shall be included in all
copies or substantial portions of the Software.

THE SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND, EXPRESS OR
IMPLIED, INCLUDING BUT NOT LIMITED TO THE WARRANTIES OF MERCHANTABILITY,
FITNESS FOR A PARTICULAR PURPOSE AND NONINFRINGEMENT. IN NO EVENT SHALL THE
AUTHORS OR COPYRIGHT HOLDERS BE LIABLE FOR ANY CLAIM, DAMAGES OR OTHER
LIABILITY, WHETHER IN AN ACTION OF CONTRACT, TORT OR OTHERWISE, ARISING FROM,
OUT OF OR IN CONNECTION WITH THE SOFTWARE OR THE USE OR OTHER DEALINGS IN THE
SOFTWARE.
"""


def bundled_packages(source_map: dict) -> set[str]:
    """The npm packages named in a source map's ``sources`` (``node_modules/NAME/...``)."""
    found = set()
    for source in source_map["sources"]:
        match = re.search(r"node_modules/((?:@[^/]+/)?[^/]+)/", source)
        if match:
            found.add(match.group(1))
        elif not re.sub(r"^(\.\./)+", "", source).startswith(_OWN):
            raise SystemExit(f"unexpected source in the build: {source}")
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--version", default=VERSION)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        out = subprocess.run(["npm", "pack", f"{PACKAGE}@{args.version}", "--json", "--silent"], cwd=tmp,
                             check=True, capture_output=True, text=True).stdout
        info = json.loads(out)[0]
        if args.version == VERSION and info["shasum"] != SHASUM:
            raise SystemExit(f"{info['filename']}: shasum {info['shasum']}, expected {SHASUM}")
        with tarfile.open(Path(tmp) / info["filename"]) as tar:
            tar.extractall(tmp, filter="data")
        build = Path(tmp) / "package" / "build"
        meta = json.loads((Path(tmp) / "package" / "package.json").read_text(encoding="utf-8"))
        if meta.get("license") != "MIT":
            raise SystemExit(f"licence changed to {meta.get('license')!r}: review before vendoring")
        bundled = bundled_packages(json.loads((build / "yasgui.min.js.map").read_text(encoding="utf-8")))
        known = {name for key in BUNDLED for name in key.split(", ")}
        unknown = sorted(bundled - known)
        if unknown:
            raise SystemExit(f"bundled packages without a recorded licence: {unknown}; add them to BUNDLED")
        TARGET.mkdir(parents=True, exist_ok=True)
        rows = []
        for name in FILES:
            data = (build / name).read_bytes()
            (TARGET / name).write_bytes(data)
            rows.append(f"| `{name}` | {len(data):,} | {hashlib.sha256(data).hexdigest()} |")
    author = meta["author"].split("<")[0].strip() if isinstance(meta.get("author"), str) else "Triply"
    authors = ", ".join([author] + [c["name"] for c in meta.get("contributors", [])])
    (TARGET / "LICENSE").write_text(MIT.format(authors=authors), encoding="utf-8")
    (TARGET / "THIRD-PARTY.md").write_text(
        "# Packages bundled in yasgui.min.js\n\nRead from the build's source map by `scripts/vendor_yasgui.py`; "
        "licences as each package declares on npm.\n\n| package | licence |\n|---|---|\n"
        + "".join(f"| {name} | {licence} |\n" for name, licence in BUNDLED.items()),
        encoding="utf-8",
    )
    (TARGET / "README.md").write_text(
        f"# YASGUI, vendored\n\n`{PACKAGE}` {args.version} from npm (`npm pack`, tarball `dist.shasum` "
        f"{info['shasum']}), licence MIT ([LICENSE](LICENSE); the tarball ships no licence file, so this is the MIT "
        "text with the authors its `package.json` names), bundling the packages in [THIRD-PARTY.md](THIRD-PARTY.md). "
        "Files copied unchanged from `package/build/`; `kg serve` drops the trailing `sourceMappingURL` comment "
        "when it serves them. Written by `scripts/vendor_yasgui.py`; do not edit.\n\n"
        "| file | bytes | sha256 |\n|---|---|---|\n" + "\n".join(rows) + "\n",
        encoding="utf-8",
    )
    print(f"vendored {PACKAGE}@{args.version} into {TARGET.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
