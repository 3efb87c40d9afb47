"""Cold starts: each subject started N times (round robin, so machine noise hits all alike).

Per start: init (process spawned -> first poll of the runtime API), the first invocation for the
subjects given an event (balance: an authenticated request that reads DynamoDB), and peak RSS.
Writes {subject: {"init_ms": [...], "first_ms": [...], "rss_kb": [...]}} as JSON.

usage: cold_start.py BIN_DIR PEER_PYTHON STARTS OUT.json LOG_DIR
"""

import json
import sys
import time
from pathlib import Path

from common import ROOT, balance_event, lambda_env, peak_rss_kb, spawn, status_of, stop, wait_first_poll
from runtime_api import RuntimeApi

FUNCTIONS = ["onboard", "callback", "balance", "webhook", "reconcile", "transfer"]
# A seller without an account: the balance answer is one consistent read (200 not_started).
SELLER = "usr_bench_cold"


def subjects(bin_dir, peer_python):
    """name -> (command, sends the balance event?)"""
    found = {"floor": ([f"{bin_dir}/floor"], True)}
    for name in FUNCTIONS:
        found[name] = ([f"{bin_dir}/{name}"], name == "balance")
    peer = ROOT / "scripts" / "bench" / "python_peer"
    found["python-peer"] = ([peer_python, "-m", "awslambdaric", "handler.handler"], True)
    return found, peer


def one_start(api, command, env, event, log):
    api.drain()
    started = time.perf_counter()
    proc = spawn(command, env, log)
    try:
        init_ms = (wait_first_poll(api, proc) - started) * 1000
        first_ms = None
        if event is not None:
            seconds, kind, body = api.invoke(event)
            if kind != "response" or status_of(body) != 200:
                raise RuntimeError(f"first invocation answered {kind}: {body[:300]!r}")
            first_ms = seconds * 1000
            wait_first_poll(api, proc)  # ready for the next one: the RSS includes the request
        return init_ms, first_ms, peak_rss_kb(proc.pid)
    finally:
        stop(proc, api)


def main():
    bin_dir, peer_python, starts, out, log_dir = sys.argv[1:6]
    found, peer_dir = subjects(bin_dir, peer_python)
    api = RuntimeApi()
    results = {name: {"init_ms": [], "first_ms": [], "rss_kb": []} for name in found}
    event = balance_event(SELLER)
    for round_ in range(int(starts)):
        for name, (command, sends) in found.items():
            env = lambda_env(api.address, name)
            if name == "python-peer":
                env["PYTHONPATH"] = str(peer_dir)
            with open(Path(log_dir) / f"cold-{name}.log", "ab") as log:
                init_ms, first_ms, rss = one_start(api, command, env, event if sends else None, log)
            row = results[name]
            row["init_ms"].append(init_ms)
            row["rss_kb"].append(rss)
            if first_ms is not None:
                row["first_ms"].append(first_ms)
        print(f"cold start: round {round_ + 1}/{starts}", flush=True)
    Path(out).write_text(json.dumps(results, indent=1))


if __name__ == "__main__":
    main()
