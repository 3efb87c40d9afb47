#!/usr/bin/env bash
# `make invoke-events` (and CI, from scripts/test.sh): proves every event file of tests/events/
# works with the built functions through cargo-lambda's local runtime, i.e. as Lambda would hand
# it to them: the local stack of `make dev` (scripts/dev.sh's start_stack) on free ports, then
# `cargo lambda invoke <function> --data-file <event>` per check below, asserting the status.
#
# The committed files hold placeholders, substituted into a copy right before an invocation:
# - `__SELLER_JWT__` (variant `token`): a fresh seller token (the mint-token tool);
# - `__STRIPE_SIGNATURE__` (variant `signed`): a fresh Stripe-Signature with the endpoint's
#   secret (the sign-event tool). Signatures expire after 300 s, so signed events are never
#   committed; variant `stale` signs 10 minutes in the past and must be refused. The same
#   sign-event output works with `sam local invoke <Function> -e` where Docker is available.
# Variant `as-is` invokes the committed file unchanged (placeholders are refused: 400/401).
#
# Uses DYNAMODB_ENDPOINT when set (make test's moto; fresh uniquely named tables), else its own
# moto. Logs: .local/invoke-events/.
set -euo pipefail
# shellcheck source=scripts/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
ensure_venv

# The stack's knobs (read by dev.sh when sourced): own ports, no .env, no rebuild on change.
API_PORT=$(free_port)
STRIPE_LOCAL_PORT=$(free_port)
export API_PORT STRIPE_LOCAL_PORT STRIPE_MODE=local DEV_NO_RELOAD=1
export DEV_LOG_DIR="$ROOT/.local/invoke-events"
if [[ -z "${DYNAMODB_ENDPOINT:-}" ]]; then DYNAMODB_PORT=$(free_port) && export DYNAMODB_PORT; fi
run_id="ev$(od -An -tx1 -N4 /dev/urandom | tr -d ' \n')"
for table in SELLER_ACCOUNTS PAYOUT_LEDGER WEBHOOK_EVENTS BALANCE_CACHE; do
    name=${table,,}
    export "${table}_TABLE=$run_id-${name//_/-}"
done

# shellcheck source=scripts/dev.sh
source "$ROOT/scripts/dev.sh"
export PATH="$VENV/bin:$PATH"

EVENTS="$ROOT/tests/events"
WORK="$DEV_LOG_DIR/events"
# file | function | variant | expected status | expected problem `code` (- for none). Order
# matters: onboard creates the account that balance then reads; the payment precedes its refund.
CHECKS=(
    "onboard.json                                 onboard  as-is  401 token_malformed"
    "onboard.json                                 onboard  token  200 -"
    "balance.json                                 balance  as-is  401 token_malformed"
    "balance.json                                 balance  token  200 -"
    "callback-return.json                         callback as-is  302 state_invalid"
    "callback-refresh.json                        callback as-is  302 state_invalid"
    "webhook-stripe-unsigned.json                 webhook  as-is  400 signature_invalid"
    "webhook-stripe-connect-unsigned.json         webhook  as-is  400 signature_invalid"
    "webhook-stripe-payment-intent-succeeded.json webhook  as-is  400 signature_invalid"
    "webhook-stripe-payment-intent-succeeded.json webhook  stale  400 signature_expired"
    "webhook-stripe-payment-intent-succeeded.json webhook  signed 200 -"
    "webhook-stripe-charge-refunded.json          webhook  signed 200 -"
    "webhook-stripe-connect-account-updated.json  webhook  as-is  400 signature_invalid"
    "webhook-stripe-connect-account-updated.json  webhook  signed 200 -"
    "payouts.json                                 balance  as-is  401 token_malformed"
    "payouts.json                                 balance  token  200 -"
    "reconcile-scheduled.json                     reconcile as-is report -"
    "transfer-sqs.json                            transfer as-is  failures malformed-1"
)

# prepare FILE VARIANT OUT: the event to invoke, written to OUT.
prepare() {
    local file=$1 variant=$2 out=$3 token
    case $variant in
        as-is) cp "$file" "$out" ;;
        token)
            token=$(cargo run --quiet --bin mint-token -- --sub usr_events_seller)
            sed "s/__SELLER_JWT__/$token/" "$file" >"$out"
            ;;
        signed) cargo run --quiet --bin sign-event -- "$file" >"$out" ;;
        stale) cargo run --quiet --bin sign-event -- --timestamp "$(($(date +%s) - 600))" "$file" >"$out" ;;
        *) die "unknown variant $variant" ;;
    esac
}

# "STATUS CODE" of the function's answer (cargo lambda invoke's JSON output on stdin): the
# statusCode and the problem's `code` (- when the body has none; for a redirect, the `code` query
# parameter of its Location, as the callback's failures land on the seller page). The reconciler
# (no HTTP) answers its run report: "report -" when the run had no errors; the transfer function
# (SQS) its partial batch response: "failures ID,..." (the messages to receive again, or -).
status_of() {
    "$VENV/bin/python" -c '
import json, sys
answer = json.load(sys.stdin)
if "catch_up" in answer:
    print("report", "-" if not answer.get("errors") else "errors")
    sys.exit(0)
if "batchItemFailures" in answer:
    ids = [f.get("itemIdentifier") for f in answer["batchItemFailures"]]
    print("failures", ",".join(ids) or "-")
    sys.exit(0)
from urllib.parse import parse_qs, urlsplit
location = (answer.get("headers") or {}).get("location")
try:
    if location:
        code = parse_qs(urlsplit(location).query).get("code", ["-"])[0]
    else:
        code = json.loads(answer.get("body") or "{}").get("code") or "-"
except ValueError:
    code = "-"
print(answer.get("statusCode"), code)'
}

# The payment event names a PaymentIntent and a Charge that must exist at (local) Stripe, as they
# would at Stripe: the webhook reads the charge's settlement before it writes the shares. Made
# here with the file's ids, amount and metadata, its own event not delivered.
seed_payment() {
    "$VENV/bin/python" - "$EVENTS/webhook-stripe-payment-intent-succeeded.json" \
        "$STRIPE_API_BASE/_control/payments" <<'PY'
import json, sys, urllib.request
event = json.loads(json.load(open(sys.argv[1]))["body"])
pi = event["data"]["object"]
body = {"payment_intent_id": pi["id"], "charge_id": pi["latest_charge"], "currency": pi["currency"],
        "amount": pi["amount_received"], "metadata": pi["metadata"], "deliver": False}
req = urllib.request.Request(sys.argv[2], data=json.dumps(body).encode(),
                             headers={"Content-Type": "application/json"}, method="POST")
urllib.request.urlopen(req, timeout=10).read()
PY
}

main() {
    trap stop_started EXIT
    trap 'exit 130' INT TERM
    local start=$SECONDS
    start_stack
    seed_payment
    log "stack up in $((SECONDS - start))s; invoking ${#CHECKS[@]} events"
    mkdir -p "$WORK"

    local failed=0 checked=() check file fn variant status code want out answer got n=0
    for check in "${CHECKS[@]}"; do
        read -r file fn variant status code <<<"$check"
        want="$status $code"
        [[ -f "$EVENTS/$file" ]] || die "tests/events/$file is missing"
        checked+=("$file")
        n=$((n + 1))
        out="$WORK/$n-$variant-$file"
        prepare "$EVENTS/$file" "$variant" "$out"
        got=error
        if answer=$(cargo lambda invoke "$fn" --invoke-address 127.0.0.1 --invoke-port "$API_PORT" \
            --data-file "$out" --output-format json 2>"$out.stderr"); then
            got=$(status_of <<<"$answer" 2>/dev/null || echo unreadable)
        fi
        if [[ "$got" == "$want" ]]; then
            printf '  ok    %-45s %-8s %-6s -> %s\n' "$file" "$fn" "$variant" "$got" >&2
        else
            printf '  FAIL  %-45s %-8s %-6s -> %s (expected %s)\n' "$file" "$fn" "$variant" "$got" "$want" >&2
            printf '%s\n' "$answer" | head -c 2000 >&2
            cat "$out.stderr" >&2
            failed=$((failed + 1))
        fi
    done

    # Every committed event is checked: a new file needs a line in CHECKS.
    local path
    for path in "$EVENTS"/*.json; do
        if [[ ! " ${checked[*]} " == *" ${path##*/} "* ]]; then
            printf '  FAIL  %s has no check in scripts/invoke-events.sh\n' "${path##*/}" >&2
            failed=$((failed + 1))
        fi
    done
    if ((failed)); then
        tail -n 40 "$LOGS/lambda-watch.log" >&2
        die "$failed event check(s) failed (logs: $(rel "$LOGS"))"
    fi
    log "all ${#CHECKS[@]} event checks passed ($((SECONDS - start))s)"
}

main "$@"
