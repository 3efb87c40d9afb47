#!/usr/bin/env bash
# `make bench`: measures the functions from outside and writes docs/BENCHMARKS.md with a chart
# per section under docs/bench/. Numbers only: nothing here passes or fails on a timing.
#
# One release build (native to this machine, the Lambda profile of Cargo.toml, aws-lc without
# CPU-jitter entropy as in the arm64 build), one moto server, a bench-only virtualenv
# (.venv-bench: the Python peer's Lambda stack and matplotlib), then each section's script under
# scripts/bench/ writes its raw figures to .local/bench/*.json and report.py renders them.
# BENCH_STARTS (default 15) cold starts per subject, BENCH_REQUESTS (default 500) warm requests.
# The flash sale (bench/src/bin/flash-sale/): BENCH_FLASH_ORDERS (default 10000; e.g. 1000 for a
# quick run), BENCH_FLASH_DEADLINE_S (default 1.1 × the rate limit's bound, the goal: the run
# stops waiting then and reports what is unpaid), BENCH_FLASH_VARIANTS (default none; "slow" also
# measures the queue with Stripe answering in 300 ms, "inline patient gated" the design before the
# transfer queue and its levers).
set -euo pipefail
# shellcheck source=scripts/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$ROOT"

BENCH_VENV="$ROOT/.venv-bench"
RAW="$LOGS/bench"
BIN="$ROOT/target/release"
FUNCTIONS=(onboard callback balance webhook reconcile transfer)
export BENCH_STARTS=${BENCH_STARTS:-15} BENCH_REQUESTS=${BENCH_REQUESTS:-500}
export BENCH_FLASH_ORDERS=${BENCH_FLASH_ORDERS:-10000}
began=$SECONDS

ensure_venv
ensure_venv "$BENCH_VENV" "$ROOT/scripts/bench/requirements.txt"
trap stop_started EXIT
trap 'exit 130' INT TERM
rm -rf "$RAW" && mkdir -p "$RAW"

log "release build (native; functions, bench binaries, store-tables)"
packages=(--package bench --package store)
for f in "${FUNCTIONS[@]}"; do packages+=(--package "$f"); done
start=$SECONDS
# The host name of the arm64 setting in .cargo/config.toml: same aws-lc as the Lambda binaries.
AWS_LC_SYS_NO_JITTER_ENTROPY_x86_64_unknown_linux_gnu=1 \
    cargo build --release --locked "${packages[@]}"
echo "{\"release_build_s\": $((SECONDS - start))}" >"$RAW/build.json"

start_moto_anywhere "$RAW/moto.log"
while IFS= read -r line; do export "${line?}"; done < <("$BIN/store-tables")

# The functions' settings: local values, as make dev gives them (Stripe is never called at init).
export AWS_REGION=us-east-1 AWS_DEFAULT_REGION=us-east-1 AWS_ACCESS_KEY_ID=bench AWS_SECRET_ACCESS_KEY=bench
export AWS_EC2_METADATA_DISABLED=true AWS_LAMBDA_LOG_LEVEL=WARN
export STRIPE_CONNECT_SECRET=sk_test_stripe_local STRIPE_LIVEMODE=false
export STRIPE_API_BASE=http://127.0.0.1:9 STRIPE_WEBHOOK_SECRET=whsec_bench_platform_secret_0123456789
export STRIPE_CONNECT_WEBHOOK_SECRET=whsec_bench_connect_secret_0123456789
export JWT_ALGORITHM=HS256 JWT_SECRET=bench-jwt-secret-0123456789abcdef0123
export ONBOARDING_STATE_SECRET=bench-state-secret-0123456789abcdef0123
export PLATFORM_FEE_BPS=1000 DISPUTE_POLICY=reverse
export FRONTEND_URL=http://127.0.0.1:3000/sell PUBLIC_API_URL=http://127.0.0.1:9000
# As deployed, the webhook builds its SQS client at init (no call is made then): its cold start
# includes it.
export TRANSFER_QUEUE_URL=http://127.0.0.1:9/123456789012/bench-transfers SQS_ENDPOINT=http://127.0.0.1:9

# The flash sale is paced by the rate limit, not the CPU: it runs beside the two sections no CPU
# load can change (round trips are counts, package sizes are bytes), and the timed ones wait.
log "flash sale: $BENCH_FLASH_ORDERS orders of 3 sellers at Stripe's rate limit (queued, as deployed), in the background"
# One handler task per concurrent delivery, each with its connection to the local Stripe server.
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
start_bg "the flash sale" "$RAW/flash_sale.log" env BENCH_FLASH_LABEL="queued, as deployed" \
    BENCH_FLASH_DESIGN=queued "$BIN/flash-sale" "$RAW/flash_sale.json"
flash_sale=${STARTED_PIDS[-1]}

log "round trips (tests/metrics-proof/tests/round_trips.rs, debug build)"
cargo test --quiet --locked -p metrics-proof --test integration -- round_trips:: --nocapture 2>&1 |
    grep '^|' >"$RAW/round_trips.md"

PY="$BENCH_VENV/bin/python"
log "package sizes"
"$PY" scripts/bench/package.py "$BIN" "$RAW/package.json"

log "waiting for the flash sale to end before the timed sections"
wait "$flash_sale" || { tail -n 20 "$RAW/flash_sale.log" >&2; die "the flash sale failed (log: $RAW/flash_sale.log)"; }
tail -n 1 "$RAW/flash_sale.log" >&2

log "cold start: $BENCH_STARTS starts per subject"
"$PY" scripts/bench/cold_start.py "$BIN" "$PY" "$BENCH_STARTS" "$RAW/cold_start.json" "$RAW"

log "init breakdown: $BENCH_STARTS fresh processes"
"$PY" scripts/bench/init_breakdown.py "$BIN" "$BENCH_STARTS" "$RAW/init_breakdown.json"

log "warm latency: $BENCH_REQUESTS requests per route"
"$PY" scripts/bench/warm.py "$BIN" "$PY" "$BENCH_REQUESTS" "$RAW/warm.json" "$RAW"

for variant in ${BENCH_FLASH_VARIANTS:-}; do
    log "flash sale, variant: $variant"
    case $variant in
    # The design before the queue: the webhook pays the shares inside the delivery.
    inline) BENCH_FLASH_LABEL="inline (before the queue)" BENCH_FLASH_DESIGN=inline \
        "$BIN/flash-sale" "$RAW/flash_sale_$variant.json" ;;
    # Queued, Stripe answering each admitted call in 300 ms (the worker's in-flight sizing).
    slow) BENCH_FLASH_LABEL="queued, Stripe answering in 300 ms" BENCH_FLASH_DESIGN=queued \
        BENCH_FLASH_STRIPE_LATENCY_MS=300 "$BIN/flash-sale" "$RAW/flash_sale_$variant.json" ;;
    # Inline, the adapter riding out 429s longer (10 attempts, 250 ms doubling to 4 s), under the 25 s timeout.
    patient) BENCH_FLASH_LABEL="inline, patient 429 retries" BENCH_FLASH_DESIGN=inline \
        BENCH_FLASH_RETRY=10,250,4000 "$BIN/flash-sale" "$RAW/flash_sale_$variant.json" ;;
    # Inline, at most 100 Stripe calls in flight in the process, the same patient retries.
    gated) BENCH_FLASH_LABEL="inline, patient, 100 calls in flight" BENCH_FLASH_DESIGN=inline \
        BENCH_FLASH_RETRY=10,250,4000 BENCH_FLASH_STRIPE_CALLS=100 \
        "$BIN/flash-sale" "$RAW/flash_sale_$variant.json" ;;
    *) die "BENCH_FLASH_VARIANTS: unknown variant $variant (slow, inline, patient, gated)" ;;
    esac
done

log "report"
"$PY" scripts/bench/report.py "$RAW" "$((SECONDS - began))"
log "wrote docs/BENCHMARKS.md and docs/bench/*.png in $((SECONDS - began)) s"
