"""Vendor the dashboard's JavaScript and CSS: pinned npm packages, fetched with ``npm pack`` and their
built files (and licences) copied into worker/api/static/vendor/. The result is committed, so a plain
``pip install`` serves the dashboard and /docs with no network; run this only to change a version.

    python tools/build_web.py
"""

from __future__ import annotations

import hashlib
import json
import shutil
import subprocess
import tarfile
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
VENDOR = REPO / "worker" / "api" / "static" / "vendor"

# package@version → {file in the package: name under vendor/<package>/}
PACKAGES: dict[str, dict[str, str]] = {
    "leaflet@1.9.4": {
        "package/dist/leaflet.js": "leaflet.js",
        "package/dist/leaflet.css": "leaflet.css",
        "package/dist/images/layers.png": "images/layers.png",
        "package/dist/images/layers-2x.png": "images/layers-2x.png",
        "package/dist/images/marker-icon.png": "images/marker-icon.png",
        "package/dist/images/marker-icon-2x.png": "images/marker-icon-2x.png",
        "package/dist/images/marker-shadow.png": "images/marker-shadow.png",
        "package/LICENSE": "LICENSE",
    },
    "uplot@1.6.32": {
        "package/dist/uPlot.iife.min.js": "uPlot.iife.min.js",
        "package/dist/uPlot.min.css": "uPlot.min.css",
        "package/LICENSE": "LICENSE",
    },
    "swagger-ui-dist@5.35.0": {
        "package/swagger-ui-bundle.js": "swagger-ui-bundle.js",
        "package/swagger-ui.css": "swagger-ui.css",
        "package/LICENSE": "LICENSE",
        "package/swagger-ui-bundle.js.LICENSE.txt": "swagger-ui-bundle.js.LICENSE.txt",
    },
}


def main() -> None:
    manifest: dict[str, dict[str, str]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        for spec, files in PACKAGES.items():
            name = spec.rsplit("@", 1)[0]
            out = subprocess.run(["npm", "pack", spec, "--silent"], cwd=tmp, check=True, capture_output=True,
                                 text=True).stdout.strip().splitlines()[-1]
            target = VENDOR / name
            if target.exists():
                shutil.rmtree(target)
            with tarfile.open(Path(tmp) / out) as tar:
                for member, dest in files.items():
                    data = tar.extractfile(member)
                    assert data is not None, member
                    path = target / dest
                    path.parent.mkdir(parents=True, exist_ok=True)
                    path.write_bytes(data.read())
            manifest[spec] = {dest: hashlib.sha256((target / dest).read_bytes()).hexdigest() for dest in files.values()}
    (VENDOR / "MANIFEST.json").write_text(json.dumps(manifest, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    print(json.dumps({spec: len(files) for spec, files in manifest.items()}))


if __name__ == "__main__":
    main()
