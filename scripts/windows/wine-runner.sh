#!/usr/bin/env bash
# cargo's runner for the Windows test programs. A Wine client sometimes loses its wineserver
# ("wine client error: recvmsg: Connection reset by peer") before the program has run at all; that
# says nothing about the program, so it is run once more on a fresh server. Any other failure stands.
set -uo pipefail
log=$(mktemp)
trap 'rm -f "$log"' EXIT
for attempt in 1 2; do
    wine "$@" 2>"$log"
    rc=$?
    cat "$log" >&2
    if [ "$rc" -eq 0 ] || ! grep -q "wine client error" "$log" || [ "$attempt" -eq 2 ]; then
        exit "$rc"
    fi
    echo "test-wine: Wine lost its server running $(basename "$1"); running it again on a fresh one" >&2
    wineserver -k 2>/dev/null || true
    wineserver -p
done
