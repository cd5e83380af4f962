#!/usr/bin/env bash
# Every print product of the demo on A0/A1/A3/A4, portrait and landscape, Chinese and English, plus a
# greyscale (and hatched) set, rendered to PNG (first two pages) for looking at. Needs poppler-utils.
# Usage: scripts/print-matrix.sh OUT_DIR [DPI (24)]
set -euo pipefail
out=${1:?usage: print-matrix.sh OUT_DIR [DPI]}
dpi=${2:-24}
bin=${WANGGE:-${CARGO_TARGET_DIR:-target}/debug/wangge}
mkdir -p "$out"
doc="$out/demo.gpkg"
[ -f "$doc" ] || "$bin" demo --out "$doc" >/dev/null
render() { # name, export args...
    local name=$1; shift
    "$bin" export "$@" --db "$doc" --out "$out/$name.pdf" >/dev/null
    pdftoppm -r "$dpi" -png -f 1 -l 2 "$out/$name.pdf" "$out/$name"
}
for product in wall-map atlas boards roster staffing coverage; do
    for paper in A0 A1 A3 A4; do
        for orient in portrait landscape; do
            for lang in zh en; do
                flag=(); [ "$orient" = landscape ] && flag=(--landscape)
                render "$product-$paper-$orient-$lang" "$product" --paper "$paper" "${flag[@]}" --lang "$lang"
            done
        done
    done
    render "$product-A1-landscape-zh-grey" "$product" --paper A1 --landscape --greyscale --hatch
    render "$product-A4-portrait-zh-grey" "$product" --paper A4 --greyscale
done
render poster-A1-on-A3 wall-map --paper A1 --landscape --tiles A3
echo "$(ls "$out"/*.pdf | wc -l) PDFs, $(ls "$out"/*.png | wc -l) pages rendered in $out"
