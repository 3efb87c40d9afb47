#!/usr/bin/env bash
# `make test`: installs what a fresh machine lacks (.venv with requirements-dev.txt, Debian's
# prometheus as root; otherwise it fails with the command to run), starts ONE
# moto server for the whole run (DYNAMODB_ENDPOINT), then format check, clippy and every test.
# The EXIT trap stops moto whether the run passes, fails or is interrupted.
set -euo pipefail
# shellcheck source=scripts/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$ROOT"

# Every step runs even when an earlier one failed (one run shows every problem); the script
# fails at the end if any did.
FAILED=()
run() {
    local start=$SECONDS status=0
    log "$*"
    "$@" || status=$?
    if ((status == 0)); then
        log "ok: $1 ${2:-} ($((SECONDS - start))s)"
    else
        log "FAILED ($status): $* ($((SECONDS - start))s)"
        FAILED+=("$*")
    fi
}

# CI builds once from a clean clone: incremental caches (3.1 GB on a fresh debug build) only
# take disk there. A developer's repeated `make test` keeps them.
if [[ -n "${CI:-}" ]]; then
    export CARGO_INCREMENTAL=0
fi
# A run from a clean clone writes about 6.5 GB (target/ 5.2 GB with `make package`, .venv,
# web/node_modules): say so up front rather than fail mid-build on "No space left on device".
free_kb=$(df -Pk "$ROOT" | awk 'NR == 2 { print $4 }')
if ((free_kb < 8 * 1024 * 1024)); then
    log "warning: $((free_kb / 1024)) MB free on $ROOT; a clean run needs about 6.5 GB"
fi

ensure_venv
ensure_prometheus
trap stop_started EXIT
trap 'exit 130' INT TERM

start_moto_anywhere "$LOGS/moto-test.log"
log "DYNAMODB_ENDPOINT=$DYNAMODB_ENDPOINT"

run cargo fmt --all --check
# The API contract is a valid OpenAPI 3.1 document (its drift check runs in the Rust suites).
run "$VENV/bin/openapi-spec-validator" docs/openapi.yaml
run scripts/lint-template.sh
# The seller kit (web/, see scripts/web.sh): npm ci, generated files, types, lint, Vitest.
run scripts/web.sh deps
run scripts/web.sh generated
run scripts/web.sh typecheck
run scripts/web.sh lint
run scripts/web.sh unit
run cargo clippy --workspace --all-targets -- -D warnings
# Builds the four functions once (the e2e test's stack then starts in seconds) and invokes each
# tests/events file through cargo-lambda's local runtime.
run scripts/invoke-events.sh
if cargo nextest --version >/dev/null 2>&1; then
    run cargo nextest run --workspace --no-fail-fast
else
    log "cargo-nextest not installed: falling back to cargo test"
    run cargo test --workspace --no-fail-fast
fi
# The seller's flow in Debian's chromium against the `make dev` stack (its functions are built by
# now); screenshots in web/test-results/browser/.
run scripts/web.sh browser

if ((${#FAILED[@]})); then
    printf 'make test: failed steps:\n' >&2
    printf '  %s\n' "${FAILED[@]}" >&2
    exit 1
fi
log "make test: all steps passed"
