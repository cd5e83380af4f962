#!/usr/bin/env bash
# Checks that a Wangge document is a GeoPackage GDAL (and so QGIS) reads without complaint, with the
# feature counts Wangge itself reports. Usage: scripts/check-gpkg.sh DB [WANGGE_BINARY]
set -euo pipefail

db="${1:?usage: check-gpkg.sh DB [WANGGE_BINARY]}"
wangge="${2:-${CARGO_TARGET_DIR:-target}/debug/wangge}"
fail() { echo "check-gpkg: $*" >&2; exit 1; }

out="$(ogrinfo -ro -al -so "$db" 2>&1; ogrinfo -ro "$db" 2>&1)"
if grep -E 'Warning|ERROR' <<<"$out"; then
    fail "GDAL warned or failed on $db"
fi

# Feature count of one layer, as GDAL sees it.
count() {
    local n
    n="$(ogrinfo -ro -so "$db" "$1" 2>&1 | sed -n 's/^Feature Count: //p')"
    [ -n "$n" ] || fail "layer $1 missing"
    echo "$n"
}
# A number GDAL computes with SQL (the R*Tree, tables Wangge does not count).
sql_count() {
    ogrinfo -ro -q "$db" -sql "$1" 2>&1 | sed -n 's/^ *[A-Za-z_()*]* (Integer[0-9]*) = //p'
}
expect() {
    [ "$2" = "$3" ] || fail "$1: GDAL counts $2, expected $3"
    echo "ok: $1 = $2"
}

info="$("$wangge" info --json --db "$db")"
field() { python3 -c "import json,sys; print(json.load(sys.stdin)['$1'])" <<<"$info"; }

expect boundary "$(count boundary)" 1
for layer in compounds buildings grids organisations; do
    expect "$layer" "$(count "$layer")" "$(field "$layer")"
done
# Roads are not in `info`: compare the layer with its table.
expect roads "$(count roads)" "$(sql_count 'SELECT count(*) FROM roads')"
expect patrol_points "$(count patrol_points)" "$(sql_count 'SELECT count(*) FROM patrol_points')"
expect plan_grids "$(count plan_grids)" "$(sql_count 'SELECT count(*) FROM plan_grids')"
expect cases "$(count cases)" "$(sql_count 'SELECT count(*) FROM cases')"
for layer in boundary compounds roads buildings grids organisations patrol_points plan_grids cases; do
    column="$(sql_count "SELECT count(*) FROM gpkg_geometry_columns WHERE table_name = '$layer'")"
    expect "$layer registered" "$column" 1
done
expect "R*Tree of buildings" "$(sql_count 'SELECT count(*) FROM rtree_buildings_footprint')" "$(field buildings)"
expect "R*Tree of organisations" "$(sql_count 'SELECT count(*) FROM rtree_organisations_position')" \
    "$(field organisations)"
expect "R*Tree of patrol points" "$(sql_count 'SELECT count(*) FROM rtree_patrol_points_position')" \
    "$(sql_count 'SELECT count(*) FROM patrol_points')"
expect "R*Tree of plan grids" "$(sql_count 'SELECT count(*) FROM rtree_plan_grids_outline')" \
    "$(sql_count 'SELECT count(*) FROM plan_grids')"
expect "R*Tree of cases" "$(sql_count 'SELECT count(*) FROM rtree_cases_position')" \
    "$(sql_count 'SELECT count(*) FROM cases')"

# GDAL's own validator, when the GDAL Python samples are installed (never downloaded).
validator=/usr/lib/python3/dist-packages/osgeo_utils/samples/validate_gpkg.py
if [ -f "$validator" ]; then
    python3 "$validator" "$db" || fail "validate_gpkg.py found problems in $db"
    echo "ok: validate_gpkg.py"
fi

# An edit through GDAL (as QGIS makes it) leaves a document Wangge still opens.
copy="$(mktemp --suffix=.gpkg)"
trap 'rm -f "$copy"' EXIT
cp "$db" "$copy"
ogrinfo -q "$copy" -update -sql "UPDATE buildings SET residents = 1 WHERE id = (SELECT min(id) FROM buildings)" \
    | grep -E 'Warning|ERROR' && fail "GDAL could not edit a copy"
"$wangge" info --json --db "$copy" >/dev/null || fail "Wangge cannot open a copy edited by GDAL"
echo "ok: GDAL edit, reopened by Wangge"
