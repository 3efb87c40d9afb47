# shellcheck shell=bash
# Shared shell helpers for scripts/*.sh (sourced, not run). Bash only.
#
# Services started through `start_bg` are recorded in STARTED_PIDS and stopped by `stop_started`,
# which the calling script installs as its EXIT trap: Ctrl-C, a failing step or a normal end all
# stop everything the script started, and nothing else.

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
VENV="$ROOT/.venv"
# shellcheck disable=SC2034 # used by the scripts that source this file
LOGS="$ROOT/.local"
STARTED_PIDS=()

log() { printf '==> %s\n' "$*" >&2; }
die() { printf 'error: %s\n' "$*" >&2; exit 1; }

# rust-toolchain.toml pins the compiler by version (`channel`). rustup fetches a missing pinned
# toolchain by itself, except on a machine that cannot reach rustup's servers (CI here: only the
# package registries are reachable) whose one toolchain is `stable` at exactly that version: there
# the pinned name is made an alias of it, as such images do themselves. Anything else is left to
# rustup (which fetches it, or says why it cannot). Runs when this file is sourced, so before any
# cargo command of any script.
ensure_toolchain() {
    command -v rustup >/dev/null || return 0
    local want host home
    want=$(sed -n 's/^channel = "\(.*\)"$/\1/p' "$ROOT/rust-toolchain.toml")
    [[ -n "$want" ]] || return 0
    # Outside the repository, so that its toolchain file does not pick the toolchain.
    if (cd / && rustup toolchain list) | grep -q "^$want-"; then return 0; fi
    [[ "$(cd / && rustup run stable rustc --version 2>/dev/null)" == "rustc $want "* ]] || return 0
    host=$(cd / && rustup run stable rustc -vV | sed -n 's/^host: //p')
    home=${RUSTUP_HOME:-$HOME/.rustup}
    ln -s "$home/toolchains/stable-$host" "$home/toolchains/$want-$host" &&
        log "rust $want: the installed stable toolchain is $want; linked under that name"
}
ensure_toolchain

# ensure_venv [VENV REQUIREMENTS]: creates the virtualenv (default .venv) and installs the
# requirements file (default requirements-dev.txt) into it, unless the stamp says this exact
# file (and Python) was installed already: a second run costs nothing.
ensure_venv() {
    local venv=${1:-$VENV} req=${2:-$ROOT/requirements-dev.txt}
    local stamp="$venv/.requirements.sha256" want
    local python=${PYTHON:-python3}
    command -v "$python" >/dev/null || die "$python not found: install Python 3 (3.10+)"
    if [[ ! -x "$venv/bin/python" ]]; then
        log "creating ${venv#"$ROOT"/}"
        "$python" -m venv "$venv" ||
            die "python3 -m venv failed (on Debian/Ubuntu: apt-get install python3-venv)"
    fi
    want=$( { sha256sum "$req"; "$venv/bin/python" --version; } | sha256sum | cut -d' ' -f1)
    if [[ -f "$stamp" && "$(cat "$stamp")" == "$want" ]]; then
        return 0
    fi
    log "installing ${req#"$ROOT"/} into ${venv#"$ROOT"/}"
    local start=$SECONDS
    "$venv/bin/pip" install --disable-pip-version-check -q -r "$req"
    echo "$want" >"$stamp"
    log "installed in $((SECONDS - start))s"
}

# The dashboards proof (tests/metrics-proof) runs Debian's Prometheus: `make test` is never green
# without it. Uses $PROMETHEUS_BIN, else `prometheus` on PATH; when there is none, installs the
# Debian package as root, and otherwise fails with the exact command to run. Exports
# PROMETHEUS_BIN (the test's default is /usr/bin/prometheus; this finds it wherever it is).
PROMETHEUS_INSTALL="apt-get update && apt-get install -y prometheus"
ensure_prometheus() {
    local bin=${PROMETHEUS_BIN:-}
    if [[ -n "$bin" ]]; then
        [[ -x "$bin" ]] || die "PROMETHEUS_BIN=$bin is not an executable file"
        return 0
    fi
    if bin=$(command -v prometheus); then
        export PROMETHEUS_BIN="$bin"
        return 0
    fi
    if [[ "$(id -u)" != 0 ]]; then
        die "prometheus is not installed (the dashboards proof needs it); run: sudo sh -c '$PROMETHEUS_INSTALL'"
    fi
    command -v apt-get >/dev/null ||
        die "prometheus is not installed and there is no apt-get: install Prometheus and set PROMETHEUS_BIN"
    log "prometheus is not installed: $PROMETHEUS_INSTALL"
    DEBIAN_FRONTEND=noninteractive apt-get update &&
        DEBIAN_FRONTEND=noninteractive apt-get install -y prometheus ||
        die "installing prometheus failed; run: $PROMETHEUS_INSTALL"
    bin=$(command -v prometheus) || die "prometheus is still not on PATH after installing it"
    export PROMETHEUS_BIN="$bin"
    log "prometheus installed: $bin"
}

# A TCP port nobody listens on right now (the kernel's pick).
free_port() {
    "$VENV/bin/python" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# True once something accepts connections on 127.0.0.1:$1.
port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# start_bg NAME LOGFILE CMD...: runs CMD in the background, output to LOGFILE.
start_bg() {
    local name=$1 logfile=$2
    shift 2
    mkdir -p "$(dirname "$logfile")"
    "$@" >"$logfile" 2>&1 </dev/null &
    STARTED_PIDS+=($!)
    log "$name started (pid $!, log ${logfile#"$ROOT"/})"
}

# wait_port NAME PID PORT [TIMEOUT_S]: polls until PORT answers; fails early if PID died.
wait_port() {
    local name=$1 pid=$2 port=$3 deadline=$((SECONDS + ${4:-60}))
    until port_open "$port"; do
        kill -0 "$pid" 2>/dev/null || return 1
        ((SECONDS < deadline)) || { log "$name: no answer on port $port"; return 1; }
        sleep 0.1
    done
}

# start_moto PORT LOGFILE: moto's DynamoDB on 127.0.0.1:PORT; waits until it answers.
# scripts/moto_server.py is `moto_server` with atomic request handling (see its docstring).
start_moto() {
    local port=$1 logfile=$2
    port_open "$port" && { log "port $port is already in use"; return 1; }
    start_bg "moto (DynamoDB) on :$port" "$logfile" \
        "$VENV/bin/python" "$ROOT/scripts/moto_server.py" -H 127.0.0.1 -p "$port"
    wait_port moto "${STARTED_PIDS[-1]}" "$port" || { tail -n 20 "$logfile" >&2; return 1; }
}

# start_moto_anywhere LOGFILE: moto on a free port, exported as DYNAMODB_ENDPOINT. The kernel's
# free port may be taken before moto binds it: try a few.
start_moto_anywhere() {
    local logfile=$1 attempt port
    for attempt in 1 2 3; do
        port=$(free_port)
        start_moto "$port" "$logfile" && break
        stop_started
        ((attempt < 3)) || die "moto_server did not start (see ${logfile#"$ROOT"/})"
    done
    export DYNAMODB_ENDPOINT="http://127.0.0.1:$port"
}

stop_started() {
    local pid
    for pid in "${STARTED_PIDS[@]}"; do
        kill "$pid" 2>/dev/null || true
    done
    for pid in "${STARTED_PIDS[@]}"; do
        wait "$pid" 2>/dev/null || true
    done
    STARTED_PIDS=()
}

# Reads KEY=value lines of an env file, exporting only variables not already set (the caller's
# environment wins). Surrounding quotes are removed; nothing is evaluated.
load_env_file() {
    local file=$1 line key value
    [[ -f "$file" ]] || return 0
    while IFS= read -r line || [[ -n "$line" ]]; do
        [[ "$line" =~ ^[[:space:]]*(#|$) ]] && continue
        [[ "$line" =~ ^[[:space:]]*(export[[:space:]]+)?([A-Za-z_][A-Za-z0-9_]*)=(.*)$ ]] || continue
        key=${BASH_REMATCH[2]} value=${BASH_REMATCH[3]}
        [[ -n "${!key+x}" ]] && continue
        [[ "$value" =~ ^\"(.*)\"$ || "$value" =~ ^\'(.*)\'$ ]] && value=${BASH_REMATCH[1]}
        export "$key=$value"
    done <"$file"
}
