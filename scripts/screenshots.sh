#!/usr/bin/env bash
# Screenshots of the app as a user sees it, under Xvfb: overview, residents choropleth, inspector,
# a zoomed compound. Usage: scripts/screenshots.sh OUT_DIR [BINARY]
# Needs: apt-get install xvfb xdotool imagemagick mesa-vulkan-drivers libgl1-mesa-dri
set -eu
out=${1:-out/shots}; bin=${2:-target/release/wangge}
mkdir -p "$out"
db="$out/demo.sqlite"; rm -f "$db"*
"$bin" demo --out "$db" >/dev/null
disp=:$((40 + RANDOM % 20))
Xvfb $disp -screen 0 1600x1000x24 >/dev/null 2>&1 & xpid=$!
sleep 1
export DISPLAY=$disp XDG_DATA_HOME="$out/xdg" XDG_CONFIG_HOME="$out/xdg"
"$bin" --db "$db" >"$out/app.log" 2>&1 & apid=$!
trap 'kill $apid $xpid 2>/dev/null' EXIT
sleep 6
shot() { import -window root "$out/$1.png"; }
shot overview
# Toolbar: buildings by residents.
xdotool mousemove 250 13 click 1; sleep 1.5; shot residents
xdotool mousemove 205 13 click 1; sleep 1
# Click a building of 南山公寓 for the inspector.
xdotool mousemove ${BUILDING_XY:-791 415} click 1; sleep 1.5; shot inspector
# Zoom into the north-west compound with the wheel.
xdotool mousemove 640 330; for _ in 1 2; do xdotool click 4; sleep 0.2; done; sleep 1.5; shot zoomed
ls "$out"/*.png
