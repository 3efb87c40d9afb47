#!/usr/bin/env bash
# The seller kit's checks (web/), run by `make test` one step at a time and by `make web`:
#   scripts/web.sh deps        Node.js >= 20.19 and npm (Debian's `nodejs` installed as root when
#                              missing, else fail with the command), then `npm ci` when
#                              web/package-lock.json changed since the last install (CI: always,
#                              on a clean clone)
#   scripts/web.sh generated   src/api/*.gen.ts match docs/openapi.yaml (`npm run generate`)
#   scripts/web.sh typecheck   tsc --noEmit
#   scripts/web.sh lint        eslint, no warning allowed
#   scripts/web.sh unit        Vitest: every story (Testing Library + axe), the service, the mocks
#                              validated against the contract
#   scripts/web.sh browser     the seller flow in Debian's chromium against the `make dev` stack
#                              (installed as root when missing, else fail with the command)
#   scripts/web.sh all         every step above, in order
set -euo pipefail
# shellcheck source=scripts/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
WEB="$ROOT/web"
NODE_INSTALL="apt-get update && apt-get install -y nodejs npm"
CHROMIUM_INSTALL="apt-get update && apt-get install -y --no-install-recommends chromium"

# apt_install PACKAGE... : as root only; otherwise the caller fails with the command to run.
apt_install() {
    ((EUID == 0)) || return 1
    log "installing Debian packages: $*"
    DEBIAN_FRONTEND=noninteractive apt-get update -qq &&
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@" >/dev/null
}

ensure_node() {
    if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
        apt_install nodejs npm || die "Node.js and npm are missing: run as root: $NODE_INSTALL"
    fi
    node -e 'const [a,b]=process.versions.node.split(".").map(Number); process.exit(a>20||(a===20&&b>=19)?0:1)' ||
        die "Node.js $(node --version) is too old: web/ needs >= 20.19"
}

ensure_chromium() {
    local bin=${CHROMIUM_BIN:-}
    if [[ -z "$bin" ]]; then
        bin=$(command -v chromium || true)
        if [[ -z "$bin" ]]; then
            apt_install chromium || die "Debian's chromium is missing: run as root: sudo sh -c '$CHROMIUM_INSTALL'"
            bin=$(command -v chromium)
        fi
    fi
    [[ -x "$bin" ]] || die "CHROMIUM_BIN=$bin is not an executable file"
    export CHROMIUM_BIN=$bin
}

deps() {
    ensure_node
    local stamp="$WEB/node_modules/.veza-lock.sha256" want
    want=$(sha256sum "$WEB/package-lock.json" | cut -d' ' -f1)
    if [[ -f "$stamp" && "$(cat "$stamp")" == "$want" ]]; then
        log "web/node_modules matches package-lock.json"
        return 0
    fi
    (cd "$WEB" && npm ci --no-audit --no-fund --loglevel=error)
    echo "$want" >"$stamp"
}

step() {
    case $1 in
        deps) deps ;;
        generated) (cd "$WEB" && npm run -s check:generated) ;;
        typecheck) (cd "$WEB" && npm run -s typecheck) ;;
        lint) (cd "$WEB" && npm run -s lint) ;;
        unit) (cd "$WEB" && npm run -s test) ;;
        browser) ensure_chromium && (cd "$WEB" && npm run -s test:browser) ;;
        all) for s in deps generated typecheck lint unit browser; do step "$s"; done ;;
        *) die "usage: scripts/web.sh deps|generated|typecheck|lint|unit|browser|all" ;;
    esac
}

step "${1:-all}"
