#!/usr/bin/env bash
# Lints the crate for Windows, so that Windows-only code paths (console attach, file dialogs, paths) compile.
set -euo pipefail
cd "$(dirname "$0")/../.."
. scripts/windows/env.sh
windows_toolchain
cargo clippy --locked --target x86_64-pc-windows-gnu --all-targets -- -D warnings
