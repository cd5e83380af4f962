"""Licences of every crate compiled into the Windows build.

Reads `cargo metadata` on stdin; writes STAGE/licences/crates.txt (name, version, SPDX licence,
repository) and copies each crate's own licence files (LICENSE-MIT, LICENSE-APACHE, COPYING, ...)
into STAGE/licences/crates/NAME-VERSION/.
"""
import json
import os
import shutil
import sys

stage = sys.argv[1]
meta = json.load(sys.stdin)
ids = {n["id"] for n in meta["resolve"]["nodes"]}
packages = sorted(
    (p for p in meta["packages"] if p["id"] in ids and p["name"] != "wangge"),
    key=lambda p: (p["name"], p["version"]),
)
lines = ["Crates compiled into wangge.exe, with their licences (SPDX); texts in crates/NAME-VERSION/.", ""]
for p in packages:
    name, version = p["name"], p["version"]
    lines.append("\t".join([f"{name} {version}", p.get("license") or "see crate", p.get("repository") or ""]))
    src = os.path.dirname(p["manifest_path"])
    files = [
        f
        for f in os.listdir(src)
        if f.upper().startswith(("LICENSE", "LICENCE", "COPYING", "NOTICE")) and os.path.isfile(os.path.join(src, f))
    ]
    if files:
        dest = os.path.join(stage, "licences", "crates", f"{name}-{version}")
        os.makedirs(dest, exist_ok=True)
        for f in files:
            shutil.copy(os.path.join(src, f), dest)
with open(os.path.join(stage, "licences", "crates.txt"), "w", encoding="utf-8") as out:
    out.write("\n".join(lines) + "\n")
