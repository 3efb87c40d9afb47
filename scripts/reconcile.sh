#!/usr/bin/env bash
# `make reconcile`: one reconcile pass against the running `make dev` stack, as the schedule runs
# it every 15 minutes on AWS: the scheduled event of tests/events/ through cargo-lambda's local
# runtime (`cargo lambda invoke reconcile`). Prints the run's report (events caught up, shares
# re-driven by outcome, stuck shares, drift).
set -euo pipefail
# shellcheck source=scripts/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$ROOT"
ensure_venv
export PATH="$VENV/bin:$PATH"
API_PORT=${API_PORT:-9000}
port_open "$API_PORT" || die "nothing listens on :$API_PORT: start the stack with make dev first (or set API_PORT)"
exec cargo lambda invoke reconcile --invoke-address 127.0.0.1 --invoke-port "$API_PORT" \
    --data-file tests/events/reconcile-scheduled.json --output-format json
