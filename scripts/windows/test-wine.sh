#!/usr/bin/env bash
# Runs the non-GUI tests (store, import/export, CLI, layers, demo) as Windows programs under Wine.
# Usage: scripts/windows/test-wine.sh            (installs mingw-w64, wine64 and the Rust target if missing)
set -euo pipefail
cd "$(dirname "$0")/../.."
. scripts/windows/env.sh
windows_toolchain
need_packages wine64 wine
# Debian puts wine64 under /usr/lib/wine; its `wine` wrapper runs 64-bit programs with it.
export PATH="$PATH:/usr/lib/wine"

# A private Wine prefix with the ProcessPrng stub that Rust's std needs on Wine 8.
export WINEPREFIX="${WINEPREFIX:-${CARGO_TARGET_DIR:-$PWD/target}/wine-prefix}"
export WINEDEBUG=-all WINEDLLOVERRIDES="bcryptprimitives=n,b;mscoree=;mshtml="
if [ ! -f "$WINEPREFIX/.wangge-ready" ]; then
    mkdir -p "$WINEPREFIX"
    wine wineboot --init >/dev/null 2>&1 || true
    x86_64-w64-mingw32-gcc -shared -O2 -o "$WINEPREFIX/drive_c/windows/system32/bcryptprimitives.dll" \
        scripts/windows/processprng-stub.c -ladvapi32
    touch "$WINEPREFIX/.wangge-ready"
fi

# A wineserver left from an earlier run (another checkout, a killed test) can drop its clients
# ("wine client error: recvmsg"): start from a fresh one. It is kept alive (-p) for the whole run,
# because a server that exits a few seconds after one test program can race the next program's
# start, which then dies before running a test (CI, stop 23: tests/export.rs).
wineserver -k 2>/dev/null || true
wineserver -p
trap 'wineserver -k 2>/dev/null || true' EXIT
export CARGO_TARGET_X86_64_PC_WINDOWS_GNU_RUNNER="$PWD/scripts/windows/wine-runner.sh"
# `cli` is left out: it writes the demo (a month of patrol tracks, ~96k points) six times, which took 25 min
# under Wine in a debug build; it runs on Linux.
# Without the `gui` feature: none of these tests needs the window, so eframe is not built for Windows here.
cargo test --locked --target x86_64-pc-windows-gnu --no-default-features --lib --test store --test export --test demo --test layers --test safety --test edits --test import_layers --test import_tables --test gpkg
