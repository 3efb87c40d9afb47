#!/usr/bin/env bash
# `make dev`: the local stack, in the foreground; Ctrl-C stops everything it started.
#
# Each service is one start_* function below, called in order from main; add the local Stripe
# server and `cargo lambda watch` as further start_* functions (export what the next ones need,
# then add a line to the summary).
#
# Settings come from the environment, then `.env` (see .env.example) for anything not set.
# DynamoDB: moto on 127.0.0.1:$DYNAMODB_PORT (default 8000), unless DYNAMODB_ENDPOINT is already
# set in your environment: then that server (DynamoDB Local, LocalStack, ...) is used as is.
set -euo pipefail
# shellcheck source=scripts/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$ROOT"

SUMMARY=()

start_dynamodb() {
    if [[ -n "${DYNAMODB_ENDPOINT:-}" ]]; then
        SUMMARY+=("DynamoDB        $DYNAMODB_ENDPOINT (yours: DYNAMODB_ENDPOINT was set)")
    else
        local port=${DYNAMODB_PORT:-8000}
        start_moto "$port" "$LOGS/moto-dev.log" ||
            die "moto could not start on port $port (set DYNAMODB_PORT to use another)"
        export DYNAMODB_ENDPOINT="http://127.0.0.1:$port"
        SUMMARY+=("DynamoDB (moto) $DYNAMODB_ENDPOINT   log: .local/moto-dev.log")
    fi
    # Tables exactly as template.yaml defines them; names from *_TABLE variables or defaults.
    local tables line
    tables=$(cargo run --quiet -p store --bin store-tables)
    while IFS= read -r line; do
        export "${line?}"
        SUMMARY+=("  table         $line")
    done <<<"$tables"
}

main() {
    local had_endpoint=${DYNAMODB_ENDPOINT:-}
    load_env_file "$ROOT/.env"
    # .env may name an endpoint for other tools; make dev runs its own unless yours was set.
    if [[ -z "$had_endpoint" ]]; then unset DYNAMODB_ENDPOINT; fi
    ensure_venv
    trap stop_started EXIT
    trap 'exit 130' INT TERM

    start_dynamodb

    printf '\nLocal stack is up:\n' >&2
    printf '  %s\n' "${SUMMARY[@]}" >&2
    if ((${#STARTED_PIDS[@]} == 0)); then
        log "nothing to keep running; done"
        return 0
    fi
    printf '\nCtrl-C stops it.\n' >&2
    # Returns when a service dies (then the EXIT trap stops the others) or on Ctrl-C.
    wait -n "${STARTED_PIDS[@]}" || die "a service stopped unexpectedly (see .local/)"
}

main "$@"
