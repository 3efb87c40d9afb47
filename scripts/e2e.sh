#!/usr/bin/env bash
# `make e2e`: the end-to-end commerce test alone (tests/e2e). It starts the whole local stack the
# way `make dev` does (scripts/dev.sh on free ports, its own tables) and stops it however the test
# ends. To run it against a stack that is already up (your `make dev`):
#   E2E_API_URL=http://127.0.0.1:9000 E2E_STRIPE_URL=http://127.0.0.1:12111 make e2e
# (its JWT_SECRET and PLATFORM_FEE_BPS are read from .local/dev.env).
set -euo pipefail
# shellcheck source=scripts/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$ROOT"
ensure_venv
if cargo nextest --version >/dev/null 2>&1; then
    exec cargo nextest run -p e2e --no-fail-fast "$@"
fi
log "cargo-nextest not installed: falling back to cargo test"
exec cargo test -p e2e --no-fail-fast "$@"
