#!/usr/bin/env bash
# The A1 landscape wall map of a synthetic district, made by Wangge and by QGIS from the same GeoPackage
# document in one run: wall-clock seconds and peak memory (max RSS) of each, end to end (process start to
# PDF written). Needs a release build (CLI only is enough) and QGIS with its Python bindings:
#   cargo build --release --no-default-features
#   apt-get install -y --no-install-recommends qgis python3-qgis
# Usage: scripts/bench-vs-qgis.sh [BUILDINGS (100000)] [RUNS (3)]
set -euo pipefail
cd "$(dirname "$0")/.."
n=${1:-100000}
runs=${2:-3}
bin=${WANGGE:-${CARGO_TARGET_DIR:-target}/release/wangge}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
"$bin" demo --district "$n" --out "$work/d.gpkg" >/dev/null
echo "district: $n buildings, $(du -h "$work/d.gpkg" | cut -f1) GeoPackage"
measure() { # label, command...
    local label=$1; shift
    for i in $(seq "$runs"); do
        /usr/bin/time -f "%e %M" -o "$work/time" "$@" >/dev/null 2>"$work/err" || { cat "$work/err"; exit 1; }
        read -r secs kib <"$work/time"
        echo "$label run $i: ${secs} s, $((kib / 1024)) MiB peak, $(du -k "$work/$label.pdf" | cut -f1) KiB PDF"
    done
}
export QT_QPA_PLATFORM=offscreen XDG_RUNTIME_DIR="$work"
measure wangge "$bin" export wall-map --db "$work/d.gpkg" --paper A1 --landscape --out "$work/wangge.pdf"
measure qgis /usr/bin/python3 scripts/qgis_wall_map.py "$work/d.gpkg" "$work/qgis.pdf"
QGIS_NO_NUMBERS=1 measure qgis-no-numbers /usr/bin/python3 scripts/qgis_wall_map.py "$work/d.gpkg" "$work/qgis-no-numbers.pdf"
