#!/usr/bin/env bash
# Release arm64 artifacts for the six Lambda functions: target/lambda/<fn>/bootstrap.zip.
# Prints each zip's size and fails when one is over the budget (MAX_ZIP_BYTES, default 5 MiB).
# The architecture aims at 4 MB; measured with opt-level z + fat LTO + strip: 4.2 MiB for the
# API functions, 4.5 MiB for the webhook (async-stripe's generated types and aws-lc dominate).
# The budget catches regressions; README "Performance" says what would reach 4 MB.
# Lambda's own limit is 50 MB zipped, far above it.
# Needs cargo-lambda and ziglang from the project venv (requirements-dev.txt).
set -euo pipefail
# shellcheck source=scripts/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$ROOT"

FUNCTIONS=(onboard callback balance webhook reconcile transfer)
MAX_ZIP_BYTES="${MAX_ZIP_BYTES:-5242880}"
VENV="${VENV:-.venv}"

if [[ ! -x "$VENV/bin/cargo-lambda" ]]; then
  echo "package: $VENV/bin/cargo-lambda is missing; install requirements-dev.txt into $VENV first" >&2
  exit 1
fi
# The venv first: cargo finds the `cargo-lambda` subcommand there, and cargo-lambda finds zig
# through the venv's python (`python3 -m ziglang`), so nothing is installed system-wide.
VENV="$(cd "$VENV" && pwd)"
export PATH="$VENV/bin:$PATH"
# The toolchain and the arm64 standard library come from rust-toolchain.toml (rustup installs
# what is missing), and aws-lc's build setting (no CPU-jitter entropy: ~50 ms less at every cold
# start) from .cargo/config.toml: `sam build` gets the same ones.

packages=()
for f in "${FUNCTIONS[@]}"; do packages+=(--package "$f"); done

start=$SECONDS
# Shares target/ with the host builds: the arm64 objects live in target/aarch64-unknown-linux-gnu/,
# so nothing the tests compiled is invalidated.
cargo lambda build --release --arm64 --output-format zip --locked "${packages[@]}"
echo "package: built ${#FUNCTIONS[@]} functions in $((SECONDS - start)) s"

status=0
printf '%-10s %12s %14s  %s\n' function "zip bytes" "binary bytes" path
for f in "${FUNCTIONS[@]}"; do
  zip="target/lambda/$f/bootstrap.zip"
  if [[ ! -f "$zip" ]]; then
    echo "package: $zip was not produced" >&2
    status=1
    continue
  fi
  size=$(stat -c %s "$zip")
  unzipped=$(python3 -c 'import sys, zipfile; print(sum(i.file_size for i in zipfile.ZipFile(sys.argv[1]).infolist()))' "$zip")
  printf '%-10s %12d %14d  %s\n' "$f" "$size" "$unzipped" "$zip"
  if (( size > MAX_ZIP_BYTES )); then
    echo "package: $zip is $size bytes, over the budget of $MAX_ZIP_BYTES bytes" >&2
    status=1
  fi
done
exit "$status"
