"""Warm latency: one process per subject, WARMUP untimed invocations, then REQUESTS timed ones.

Latency is event written -> response received on the loopback runtime API (moto's own time is
in it for the routes that read DynamoDB); CPU is the process's user+system time over the timed
requests divided by their number: the function's own work, waits on DynamoDB excluded.
Writes {route: {"ms": [...], "cpu_ms_per_request": x}} as JSON.

usage: warm.py BIN_DIR PEER_PYTHON REQUESTS OUT.json LOG_DIR
"""

import json
import sys
from pathlib import Path

from common import ROOT, balance_event, cpu_seconds, lambda_env, seller_event, spawn, status_of, stop, wait_first_poll
from runtime_api import RuntimeApi

WARMUP = 20
SELLER = "usr_bench_warm"


def routes(bin_dir, peer_python):
    """route label -> (command, event)"""
    peer = [peer_python, "-m", "awslambdaric", "handler.handler"]
    return {
        "floor (answers {} at once)": ([f"{bin_dir}/floor"], balance_event(SELLER)),
        "balance: GET /balance, no account (1 read)": ([f"{bin_dir}/balance"], balance_event(SELLER)),
        "balance: GET /payouts, empty history": ([f"{bin_dir}/balance"], seller_event("payouts.json", SELLER)),
        "python-peer: GET /balance, no account (1 read)": (peer, balance_event(SELLER)),
    }


def measure(api, command, env, event, requests, log):
    api.drain()
    proc = spawn(command, env, log)
    try:
        wait_first_poll(api, proc)
        for _ in range(WARMUP):
            api.invoke(event)
            wait_first_poll(api, proc)
        cpu_before = cpu_seconds(proc.pid)
        samples = []
        for _ in range(requests):
            seconds, kind, body = api.invoke(event)
            if kind != "response" or status_of(body) != 200:
                raise RuntimeError(f"answered {kind}: {body[:300]!r}")
            samples.append(seconds * 1000)
            wait_first_poll(api, proc)
        cpu_ms = (cpu_seconds(proc.pid) - cpu_before) * 1000 / requests
        return {"ms": samples, "cpu_ms_per_request": cpu_ms}
    finally:
        stop(proc, api)


def main():
    bin_dir, peer_python, requests, out, log_dir = sys.argv[1:6]
    api = RuntimeApi()
    results = {}
    for label, (command, event) in routes(bin_dir, peer_python).items():
        env = lambda_env(api.address, label.split(":")[0].split(" ")[0])
        env["PYTHONPATH"] = str(ROOT / "scripts" / "bench" / "python_peer")
        with open(Path(log_dir) / "warm.log", "ab") as log:
            results[label] = measure(api, command, env, event, int(requests), log)
        print(f"warm: {label} done", flush=True)
    Path(out).write_text(json.dumps(results, indent=1))


if __name__ == "__main__":
    main()
