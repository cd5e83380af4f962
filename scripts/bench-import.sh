#!/usr/bin/env bash
# Import benchmark: 100,000 building footprints from GeoJSON into a document (with its spatial index
# and change log), against GDAL's `ogr2ogr -f GPKG` on the same file in the same run.
# Usage: scripts/bench-import.sh [N] (needs a release build: cargo build --release; and gdal-bin).
set -euo pipefail
cd "$(dirname "$0")/.."
N="${1:-100000}"
BIN="${CARGO_TARGET_DIR:-target}/release/wangge"
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT

python3 - "$N" "$WORK" <<'PY'
import json, math, sys
n, work = int(sys.argv[1]), sys.argv[2]
lon0, lat0 = 118.10, 24.48
side = math.ceil(math.sqrt(n))
dx, dy = 30 / (111320 * math.cos(math.radians(lat0))), 30 / 110540  # 30 m pitch
w, h = dx * 0.6, dy * 0.4
with open(f"{work}/buildings.geojson", "w", encoding="utf-8") as f:
    f.write('{"type":"FeatureCollection","features":[\n')
    for i in range(n):
        x, y = lon0 + (i % side) * dx, lat0 + (i // side) * dy
        ring = [[x, y], [x + w, y], [x + w, y + h], [x, y + h], [x, y]]
        props = {"name": f"{i // 50 + 1}号小区{i % 50 + 1}号楼", "floors": 6 + i % 20, "residents": 30 + i % 200}
        f.write(("," if i else "") + json.dumps({"type": "Feature", "properties": props,
                "geometry": {"type": "Polygon", "coordinates": [ring]}}, ensure_ascii=False) + "\n")
    f.write("]}\n")
x1, y1 = lon0 + side * dx + dx, lat0 + side * dy + dy
b = [[lon0 - dx, lat0 - dy], [x1, lat0 - dy], [x1, y1], [lon0 - dx, y1], [lon0 - dx, lat0 - dy]]
json.dump({"type": "Feature", "properties": {"name": "基准社区"}, "geometry": {"type": "Polygon", "coordinates": [b]}},
          open(f"{work}/boundary.geojson", "w"))
PY
ls -l "$WORK/buildings.geojson" | awk '{printf "GeoJSON: %.1f MB, '"$N"' buildings\n", $5/1048576}'

"$BIN" new --out "$WORK/doc.gpkg" --name 基准社区 --boundary "$WORK/boundary.geojson" >/dev/null
sync
t0=$(date +%s.%N)
/usr/bin/time -f "%M" -o "$WORK/rss" "$BIN" import buildings "$WORK/buildings.geojson" --db "$WORK/doc.gpkg" >/dev/null
t1=$(date +%s.%N)
ogr2ogr -f GPKG "$WORK/ogr.gpkg" "$WORK/buildings.geojson"
t2=$(date +%s.%N)
python3 - "$t0" "$t1" "$t2" "$(cat "$WORK/rss")" <<'PY'
import sys
t0, t1, t2, rss = map(float, sys.argv[1:])
ours, gdal = t1 - t0, t2 - t1
print(f"wangge import buildings: {ours:.2f} s (peak RSS {rss/1024:.0f} MB)")
print(f"ogr2ogr -f GPKG:         {gdal:.2f} s")
print(f"ratio: {ours/gdal:.2f} of ogr2ogr's time (target <= 0.33)")
PY
