#!/usr/bin/env bash
# Builds wangge-<version>-windows-x86_64.zip: the exe, licence texts (font and crates), 使用说明.
set -euo pipefail
cd "$(dirname "$0")/../.."
. scripts/windows/env.sh
windows_toolchain
version=$(sed -n 's/^version = "\(.*\)"/\1/p' Cargo.toml | head -n 1)
name="wangge-$version-windows-x86_64"
target_dir="${CARGO_TARGET_DIR:-target}"
cargo build --locked --release --target x86_64-pc-windows-gnu
stage="out/$name"
rm -rf "$stage" && mkdir -p "$stage/licences"
cp "$target_dir/x86_64-pc-windows-gnu/release/wangge.exe" "$stage/wangge.exe"
cp assets/fonts/OFL.txt "$stage/licences/NotoSansSC-OFL.txt"
cp scripts/windows/使用说明.txt "$stage/使用说明.txt"
# Every crate linked into the Windows build: a list with SPDX licences, and each crate's own licence
# files (LICENSE-MIT, LICENSE-APACHE, COPYING, …) as shipped in its package.
cargo metadata --locked --format-version 1 --filter-platform x86_64-pc-windows-gnu \
    | python3 scripts/windows/licences.py "$stage"
python3 - "$stage" "out/$name.zip" <<'PY'
import os, sys, zipfile
stage, out = sys.argv[1], sys.argv[2]
base = os.path.basename(stage)
with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
    for root, _, files in os.walk(stage):
        for f in sorted(files):
            path = os.path.join(root, f)
            z.write(path, os.path.join(base, os.path.relpath(path, stage)))
PY
ls -l "out/$name.zip" "$stage/wangge.exe"
