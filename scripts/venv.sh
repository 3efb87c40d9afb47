#!/usr/bin/env bash
# `make venv`: creates/updates .venv from requirements-dev.txt (idempotent).
set -euo pipefail
# shellcheck source=scripts/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
ensure_venv
