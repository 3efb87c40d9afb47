#!/usr/bin/env bash
# `make dev`: the local stack, in the foreground; Ctrl-C stops everything it started.
#
# Each service is one start_* function below, called in order from start_stack (export what the
# next ones need, then add a line to the summary):
# - DynamoDB: moto on 127.0.0.1:$DYNAMODB_PORT (default 8000), unless DYNAMODB_ENDPOINT is already
#   set in your environment: then that server (DynamoDB Local, LocalStack, ...) is used as is.
# - Stripe: our local Stripe server (tests/stripe-local) on 127.0.0.1:$STRIPE_LOCAL_PORT (12111),
#   forwarding signed webhook events to the two webhook routes; or real Stripe in test mode when
#   STRIPE_CONNECT_SECRET is a real sk_test_/rk_test_ key (STRIPE_MODE=local|stripe forces one).
# - The transfer queue: an SQS queue on the same moto (TRANSFER_QUEUE_URL, SQS_ENDPOINT), unless
#   TRANSFER_QUEUE_URL is already set.
# - The functions under `cargo lambda watch` on 127.0.0.1:$API_PORT (9000), the HTTP ones at API
#   Gateway's paths (Cargo.toml's [workspace.metadata.lambda.watch.router]), rebuilt when the code
#   changes (DEV_NO_RELOAD=1: not rebuilt; what tests use).
# - The transfer pump (scripts/transfer_pump.py): Lambda's SQS event source mapping, played
#   locally: the queue's messages to the transfer function, through cargo lambda watch.
# - The seller kit's demo page (web/) at FRONTEND_URL, default http://localhost:5173/sell
#   (DEV_WEB=0: not served; what the E2E test uses).
#
# Settings come from the environment, then `.env` (DEV_ENV_FILE names another file) for anything
# not set; whatever is still unset, or a placeholder of .env.example, gets a local dev value.
# Secrets are generated once into .local/dev-secrets.env (so tokens and links survive a restart).
# The functions' settings are written to $DEV_LOG_DIR/dev.env (default .local/), where the
# mint-token and sign-event tools read them. Logs go to $DEV_LOG_DIR too.
#
# scripts/invoke-events.sh sources this file and runs start_stack with its own ports.
set -euo pipefail
# shellcheck source=scripts/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$ROOT"

LOGS=${DEV_LOG_DIR:-$LOGS}
API_PORT=${API_PORT:-9000}
STRIPE_LOCAL_PORT=${STRIPE_LOCAL_PORT:-12111}
LOCAL_STRIPE_KEY=sk_test_stripe_local
SECRETS_FILE="$ROOT/.local/dev-secrets.env"
# Built up front in ONE cargo invocation without -p: the workspace's feature set, the one
# `cargo lambda watch` builds the functions with (`cargo run --bin NAME`), so nothing is compiled
# twice and every later `cargo run` starts at once.
BINARIES=(onboard callback balance webhook reconcile transfer stripe-local store-tables mint-token sign-event)
SUMMARY=()

rel() { printf '%s' "${1#"$ROOT"/}"; }

# A value copied from .env.example (or empty): not a real setting.
is_placeholder() {
    [[ -z "$1" || "$1" == *replace_me* || "$1" == *replace-with* || "$1" == *example.com* ]]
}

# dev_default VAR VALUE: VAR=VALUE unless VAR already holds a real setting.
dev_default() {
    if is_placeholder "${!1:-}"; then export "$1=$2"; fi
}

# dev_secret VAR [PREFIX]: like dev_default, with a random value kept in $SECRETS_FILE (mode 600).
dev_secret() {
    local var=$1 prefix=${2:-} value=""
    is_placeholder "${!var:-}" || return 0
    if [[ -f "$SECRETS_FILE" ]]; then
        value=$(sed -n "s/^$var=//p" "$SECRETS_FILE" | tail -n 1)
    fi
    if [[ -z "$value" ]]; then
        value="$prefix$(od -An -tx1 -N32 /dev/urandom | tr -d ' \n')"
        mkdir -p "$(dirname "$SECRETS_FILE")"
        (umask 077 && printf '%s=%s\n' "$var" "$value" >>"$SECRETS_FILE")
    fi
    export "$var=$value"
}

# Local Stripe server, or real Stripe test mode when a real test key is configured.
choose_stripe_mode() {
    local key=${STRIPE_CONNECT_SECRET:-}
    if [[ "$key" =~ ^(sk|rk)_live_ ]]; then
        die "STRIPE_CONNECT_SECRET is a live key: make dev runs with test keys only"
    fi
    local real=false
    if [[ "$key" =~ ^(sk|rk)_test_ ]] && ! is_placeholder "$key" && [[ "$key" != "$LOCAL_STRIPE_KEY" ]]; then
        real=true
    fi
    case ${STRIPE_MODE:-} in
        local) ;;
        stripe) $real || die "STRIPE_MODE=stripe needs a real test key in STRIPE_CONNECT_SECRET" ;;
        "") if $real; then STRIPE_MODE=stripe; else STRIPE_MODE=local; fi ;;
        *) die "STRIPE_MODE must be local or stripe, not '$STRIPE_MODE'" ;;
    esac
}

# Every setting of .env.example gets a usable local value (see the header).
configure() {
    choose_stripe_mode
    if [[ "$STRIPE_MODE" == local ]]; then
        export STRIPE_CONNECT_SECRET=$LOCAL_STRIPE_KEY STRIPE_LIVEMODE=false
        export STRIPE_API_BASE="http://127.0.0.1:$STRIPE_LOCAL_PORT"
    fi
    dev_secret STRIPE_WEBHOOK_SECRET whsec_
    dev_secret STRIPE_CONNECT_WEBHOOK_SECRET whsec_
    dev_default JWT_ALGORITHM HS256
    if [[ "$JWT_ALGORITHM" == HS256 ]]; then dev_secret JWT_SECRET; fi
    dev_secret ONBOARDING_STATE_SECRET
    dev_default FRONTEND_URL http://localhost:5173/sell
    dev_default PUBLIC_API_URL "http://127.0.0.1:$API_PORT"
    dev_default PLATFORM_FEE_BPS 1000
}

build_binaries() {
    local args=() bin
    for bin in "${BINARIES[@]}"; do args+=(--bin "$bin"); done
    log "building ${BINARIES[*]}"
    cargo build "${args[@]}"
}

start_dynamodb() {
    if [[ -n "${DYNAMODB_ENDPOINT:-}" ]]; then
        SUMMARY+=("DynamoDB        $DYNAMODB_ENDPOINT (yours: DYNAMODB_ENDPOINT was set)")
    else
        local port=${DYNAMODB_PORT:-8000}
        start_moto "$port" "$LOGS/moto-dev.log" ||
            die "moto could not start on port $port (set DYNAMODB_PORT to use another)"
        export DYNAMODB_ENDPOINT="http://127.0.0.1:$port"
        SUMMARY+=("DynamoDB (moto) $DYNAMODB_ENDPOINT   log: $(rel "$LOGS")/moto-dev.log")
    fi
    # Tables exactly as template.yaml defines them; names from *_TABLE variables or defaults.
    local tables line
    tables=$(cargo run --quiet --bin store-tables)
    while IFS= read -r line; do
        export "${line?}"
        SUMMARY+=("  table         $line")
    done <<<"$tables"
}

# The transfer queue on the same moto (it serves SQS too), unless TRANSFER_QUEUE_URL is set: the
# webhook sends succeeded payments there, and start_transfer_pump feeds them to the transfer
# function. Named per stack (several stacks may share one moto: make test's).
start_queue() {
    if [[ -n "${TRANSFER_QUEUE_URL:-}" ]]; then
        SUMMARY+=("Transfer queue  $TRANSFER_QUEUE_URL (yours: TRANSFER_QUEUE_URL was set)")
        return 0
    fi
    export SQS_ENDPOINT=${SQS_ENDPOINT:-$DYNAMODB_ENDPOINT}
    TRANSFER_QUEUE_URL=$("$VENV/bin/python" "$ROOT/scripts/transfer_pump.py" create \
        "$SQS_ENDPOINT" "veza-transfers-$$") || die "could not create the transfer queue on $SQS_ENDPOINT"
    export TRANSFER_QUEUE_URL
    SUMMARY+=("Transfer queue  $TRANSFER_QUEUE_URL (SQS on $SQS_ENDPOINT)")
}

# Lambda's SQS event source mapping, played locally: receive from the queue, invoke the transfer
# function through cargo lambda watch, delete what it finished (scripts/transfer_pump.py).
start_transfer_pump() {
    local logfile="$LOGS/transfer-pump.log" invoke="http://127.0.0.1:$API_PORT/2015-03-31/functions/transfer/invocations"
    # The function's first invocation (it is started then): an empty batch, nothing to retry.
    local got
    got=$("$VENV/bin/python" - "$invoke" <<'PY'
import sys, urllib.request
req = urllib.request.Request(sys.argv[1], data=b'{"Records":[]}', method="POST",
                             headers={"Content-Type": "application/json"})
try:
    print(urllib.request.urlopen(req, timeout=900).read().decode())
except Exception as e:
    print(f"failed: {e}")
PY
)
    [[ "$got" == *'"batchItemFailures":[]'* ]] ||
        { tail -n 30 "$LOGS/lambda-watch.log" >&2; die "the transfer function answered $got"; }
    start_bg "transfer pump" "$logfile" "$VENV/bin/python" "$ROOT/scripts/transfer_pump.py" pump \
        "$SQS_ENDPOINT" "$TRANSFER_QUEUE_URL" "$invoke"
    SUMMARY+=("Transfer pump   $(rel "$logfile")   (the queue -> the transfer function, as Lambda's event source mapping)")
}

start_stripe() {
    if [[ "$STRIPE_MODE" == stripe ]]; then
        SUMMARY+=("Stripe          real test mode: ${STRIPE_API_BASE:-https://api.stripe.com}")
        return 0
    fi
    local port=$STRIPE_LOCAL_PORT logfile="$LOGS/stripe-local.log"
    local hook="http://127.0.0.1:$API_PORT/api/v1/webhooks/stripe"
    port_open "$port" && die "port $port is already in use (set STRIPE_LOCAL_PORT to use another)"
    # Webhook secrets through the environment: a command line is visible to every local user.
    STRIPE_LOCAL_WEBHOOK_SECRETS=$STRIPE_WEBHOOK_SECRET \
        STRIPE_LOCAL_CONNECT_WEBHOOK_SECRETS=$STRIPE_CONNECT_WEBHOOK_SECRET \
        start_bg "stripe-local on :$port" "$logfile" cargo run --quiet --bin stripe-local -- \
        --port "$port" --api-key "$LOCAL_STRIPE_KEY" \
        --forward-to "$hook" --forward-connect-to "$hook/connect"
    wait_port stripe-local "${STARTED_PIDS[-1]}" "$port" 120 ||
        { tail -n 20 "$logfile" >&2; die "stripe-local did not start (see $(rel "$logfile"))"; }
    SUMMARY+=("Stripe (local)  $STRIPE_API_BASE   key $LOCAL_STRIPE_KEY, log: $(rel "$logfile")")
    SUMMARY+=("  webhooks   -> $hook (platform), $hook/connect (Connect)")
}

# first_answer METHOD URL LOG: the status of the first answer (000 if none), or `build-failed` as
# soon as LOG (cargo lambda watch's) reports that the function's command failed: the request
# would wait forever then. Python, since curl may be missing.
first_answer() {
    "$VENV/bin/python" - "$@" <<'PY'
import os, sys, threading, urllib.error, urllib.request
method, url, log = sys.argv[1:4]
start = os.path.getsize(log)
answer = []

class NoRedirect(urllib.request.HTTPRedirectHandler):
    # A redirect is the answer itself (the callback's), not something to follow.
    def redirect_request(self, *args, **kwargs):
        return None

opener = urllib.request.build_opener(NoRedirect)

def call():
    req = urllib.request.Request(url, method=method, data=b"" if method == "POST" else None)
    try:
        answer.append(opener.open(req, timeout=900).status)
    except urllib.error.HTTPError as e:
        answer.append(e.code)
    except Exception:
        answer.append("000")

request = threading.Thread(target=call, daemon=True)
request.start()
while request.is_alive():
    request.join(0.2)
    with open(log, "rb") as f:
        f.seek(start)
        if b"ERROR command exited" in f.read():
            print("build-failed")
            sys.exit(0)
print(answer[0])
PY
}

# warm_up METHOD PATH STATUS: the function's first request (it is built and started then),
# refused on purpose (no token; no state: the callback sends the browser to the error page; no
# signature): that answer proves it started with these settings.
warm_up() {
    local logfile="$LOGS/lambda-watch.log" got
    got=$(first_answer "$1" "http://127.0.0.1:$API_PORT$2" "$logfile")
    if [[ "$got" != "$3" ]]; then
        tail -n 30 "$logfile" >&2
        die "$1 $2 answered $got instead of $3 (see $(rel "$logfile"))"
    fi
}

start_functions() {
    local port=$API_PORT logfile="$LOGS/lambda-watch.log"
    # --disable-cors: preflights reach the functions, whose CORS policy is the template's.
    local flags=(--invoke-address 127.0.0.1 --invoke-port "$port" --disable-cors)
    if [[ "${DEV_NO_RELOAD:-}" == 1 ]]; then flags+=(--ignore-changes); fi
    port_open "$port" && die "port $port is already in use (set API_PORT to use another)"
    # The functions inherit this environment (the settings above).
    start_bg "cargo lambda watch on :$port" "$logfile" cargo lambda watch "${flags[@]}"
    wait_port "cargo lambda watch" "${STARTED_PIDS[-1]}" "$port" 120 ||
        { tail -n 20 "$logfile" >&2; die "cargo lambda watch did not start (see $(rel "$logfile"))"; }
    warm_up GET /api/v1/sell/balance 401
    warm_up GET /api/v1/sell/payouts 401
    warm_up POST /api/v1/sell/connect/onboard 401
    warm_up GET /api/v1/sell/connect/callback 302
    warm_up POST /api/v1/webhooks/stripe 400
    SUMMARY+=("API             http://127.0.0.1:$port   (cargo lambda watch, log: $(rel "$logfile"))")
    SUMMARY+=("  POST /api/v1/sell/connect/onboard    GET /api/v1/sell/connect/callback")
    SUMMARY+=("  GET  /api/v1/sell/balance            GET  /api/v1/sell/payouts")
    SUMMARY+=("  POST /api/v1/webhooks/stripe[/connect]")
}

# The seller kit's demo page (web/demo, served by vite) at FRONTEND_URL when that is a local
# http URL (default http://localhost:5173/sell), unless DEV_WEB=0; its "sign in" mints seller
# tokens with mint-token and $LOGS/dev.env. Installs web/node_modules first when needed.
start_web() {
    if [[ "${DEV_WEB:-1}" == 0 ]]; then return 0; fi
    if [[ ! "$FRONTEND_URL" =~ ^http://(localhost|127\.0\.0\.1):([0-9]+)/ ]]; then
        SUMMARY+=("Seller page     not served: FRONTEND_URL ($FRONTEND_URL) is not http://localhost:PORT/...")
        return 0
    fi
    local port=${BASH_REMATCH[2]} logfile="$LOGS/web.log"
    port_open "$port" && die "port $port (FRONTEND_URL) is already in use (set FRONTEND_URL, or DEV_WEB=0)"
    "$ROOT/scripts/web.sh" deps
    WEB_PORT=$port VEZA_API_URL=$PUBLIC_API_URL VEZA_DEV_ENV="$LOGS/dev.env" \
        start_bg "seller page on :$port" "$logfile" \
        node "$ROOT/web/node_modules/vite/bin/vite.js" --config "$ROOT/web/vite.config.ts"
    wait_port "seller page" "${STARTED_PIDS[-1]}" "$port" 60 ||
        { tail -n 20 "$logfile" >&2; die "the seller page did not start (see $(rel "$logfile"))"; }
    SUMMARY+=("Seller page     $FRONTEND_URL   (web/demo: sign in as a local seller; log: $(rel "$logfile"))")
}

# The settings the functions run with, for the tools (mode 600: it holds the dev secrets).
write_env_file() {
    local file="$LOGS/dev.env" var
    mkdir -p "$LOGS"
    rm -f "$file" # a file from before keeps its mode: start over, then create it mode 600
    (
        umask 077
        {
            echo "# Written by scripts/dev.sh: the settings of the local functions (dev values)."
            while IFS= read -r var; do
                if [[ -n "${!var:-}" ]]; then printf '%s=%s\n' "$var" "${!var}"; fi
            done < <(sed -n 's/^\([A-Z][A-Z0-9_]*\)=.*/\1/p' "$ROOT/.env.example")
        } >"$file"
    )
    SUMMARY+=("Settings        $(rel "$file")")
}

# Everything but the foreground wait (also what scripts/invoke-events.sh runs).
start_stack() {
    configure
    build_binaries
    start_dynamodb
    start_queue
    start_stripe
    start_functions
    start_transfer_pump
    write_env_file
}

print_example() {
    local api="http://127.0.0.1:$API_PORT" stripe="http://127.0.0.1:$STRIPE_LOCAL_PORT"
    local env_file bps=$PLATFORM_FEE_BPS shares="usr_alice:6000,usr_bob:4000" vars="API=$api"
    env_file=$(rel "$LOGS/dev.env")
    if [[ "$STRIPE_MODE" == local ]]; then vars+=" STRIPE=$stripe"; fi
    if [[ "$STRIPE_MODE" == stripe ]]; then
        cat >&2 <<EOF

Real Stripe (test mode). Forward Stripe's events to the local webhook routes with the Stripe CLI:
  stripe listen --forward-to $api/api/v1/webhooks/stripe --forward-connect-to $api/api/v1/webhooks/stripe/connect
then put the whsec_ secret it prints into .env as STRIPE_WEBHOOK_SECRET and
STRIPE_CONNECT_WEBHOOK_SECRET, and restart make dev.
EOF
    fi
    printf '\nTry it (in another terminal, from %s):\n' "$ROOT" >&2
    if [[ "$JWT_ALGORITHM" == HS256 ]]; then
        cat >&2 <<EOF
  # a seller token for usr_alice (HS256 with JWT_SECRET from $env_file)
  TOKEN=\$(cargo run -q --bin mint-token -- --env-file $env_file --sub usr_alice)
EOF
    else
        printf '  TOKEN=<a seller token from your identity provider (JWT_ALGORITHM=%s)>\n' "$JWT_ALGORITHM" >&2
    fi
    cat >&2 <<EOF
  $vars
  j() { python3 -c "import json, sys; print(json.load(sys.stdin)\$1)"; }
  # start onboarding: the answer has the Stripe account and its onboarding_url (open that in a
  # browser and finish onboarding there: Stripe sends you back through the callback)
  ONBOARD=\$(curl -s -X POST -H "authorization: Bearer \$TOKEN" \$API/api/v1/sell/connect/onboard); echo "\$ONBOARD"
EOF
    if [[ "$STRIPE_MODE" == local ]]; then
        cat >&2 <<EOF
  # ...or complete it without a browser, and wait until the webhook has processed it
  EVENT=\$(curl -s -X POST -d '{"complete":true}' \$STRIPE/_control/accounts/\$(echo "\$ONBOARD" | j '["stripe_account_id"]')/onboarding | j '["event_id"]')
  curl -s "\$STRIPE/_control/deliveries?event_id=\$EVENT&delivered=true&timeout_ms=20000" >/dev/null
  # a buyer pays order ord_1001: 60.00 EUR for usr_alice, 40.00 for usr_bob (not onboarded: held)
  EVENT=\$(curl -s -X POST \$STRIPE/_control/payments -d '{"order_id":"ord_1001","currency":"eur","amount":10000,"metadata":{"veza_order_id":"ord_1001","veza_shares":"$shares"}}' | j '["event_id"]')
  curl -s "\$STRIPE/_control/deliveries?event_id=\$EVENT&delivered=true&timeout_ms=20000" >/dev/null
EOF
    else
        cat >&2 <<EOF
  # a buyer pays order ord_1001: 60.00 EUR for usr_alice, 40.00 for usr_bob (not onboarded: held)
  stripe payment_intents create --amount=10000 --currency=eur --confirm=true --payment-method=pm_card_visa \\
    -d "payment_method_types[]=card" -d "metadata[veza_order_id]=ord_1001" -d "metadata[veza_shares]=$shares"
EOF
    fi
    cat >&2 <<EOF
  # usr_alice's balance: $((6000 - (6000 * bps + 5000) / 10000)) pending (6000 less the platform fee, PLATFORM_FEE_BPS=$bps): money
  # funded from a charge becomes available when the charge's funds do, two days later at Stripe
  curl -s -H "authorization: Bearer \$TOKEN" \$API/api/v1/sell/balance; echo
EOF
    if [[ "$STRIPE_MODE" == local ]]; then
        cat >&2 <<EOF
  # two days later on the local Stripe server's clock, once the cached balance is older than
  # BALANCE_CACHE_TTL_SECONDS (30 s by default): the same amount, available
  curl -s -X POST \$STRIPE/_control/clock -d '{"advance_seconds":172800}' >/dev/null; sleep 30
  curl -s -H "authorization: Bearer \$TOKEN" \$API/api/v1/sell/balance; echo
EOF
    fi
    cat >&2 <<EOF
  # one reconcile pass (what the schedule runs every 15 minutes): catch-up, re-drive, drift
  make reconcile
EOF
}

main() {
    local had_endpoint=${DYNAMODB_ENDPOINT:-}
    load_env_file "${DEV_ENV_FILE:-$ROOT/.env}"
    # .env may name an endpoint for other tools; make dev runs its own unless yours was set.
    if [[ -z "$had_endpoint" ]]; then unset DYNAMODB_ENDPOINT; fi
    ensure_venv
    # cargo finds the pinned cargo-lambda (requirements-dev.txt) as the `cargo lambda` subcommand.
    export PATH="$VENV/bin:$PATH"
    trap stop_started EXIT
    trap 'exit 130' INT TERM

    start_stack
    start_web

    printf '\nLocal stack is up:\n' >&2
    printf '  %s\n' "${SUMMARY[@]}" >&2
    print_example
    printf '\nCtrl-C stops it.\n' >&2
    # Returns when a service dies (then the EXIT trap stops the others) or on Ctrl-C.
    wait -n "${STARTED_PIDS[@]}" || die "a service stopped unexpectedly (see $(rel "$LOGS")/)"
}

if [[ "${BASH_SOURCE[0]}" == "$0" ]]; then
    main "$@"
fi
