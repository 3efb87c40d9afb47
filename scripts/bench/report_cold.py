"""Cold start section: init, first response and peak RSS per subject, against floor and peer."""

import json

from chart import bars
from common import percentile

FUNCTIONS = ["onboard", "callback", "balance", "webhook", "reconcile", "transfer"]


def _fmt(values, fraction):
    return f"{percentile(values, fraction):.1f}" if values else "–"


def render(raw, charts):
    path = raw / "cold_start.json"
    head = "## 1. Cold start\n"
    if not path.exists():
        return head + "\nNot measured in this run.\n"
    data = json.loads(path.read_text())
    floor = percentile(data["floor"]["init_ms"], 0.5)
    peer = percentile(data["python-peer"]["init_ms"], 0.5)
    starts = len(data["floor"]["init_ms"])
    lines = [
        head,
        f"Each subject started {starts} times, round robin, against a minimal Lambda runtime API on",
        "loopback (`scripts/bench/runtime_api.py`). **Init** is process spawned → first",
        "`GET /invocation/next`; **first response** is the first invocation, event written → response",
        "received: for `balance`, the floor and the Python peer an authenticated `GET /api/v1/sell/balance`",
        "(HS256 seller token) for a seller without an account, i.e. token check + one consistent",
        "DynamoDB read on moto (moto's own time included) → 200 `not_started`; the other functions'",
        "first requests need Stripe and are not timed here. **Peak RSS** is `VmHWM` after that request.",
        "The floor is `bench/src/bin/floor.rs` (a `lambda_http` handler that builds nothing); the Python",
        "peer is `scripts/bench/python_peer/handler.py` (boto3 + stripe + Powertools under `awslambdaric`).",
        "",
        "| subject | init p50 ms | init p90 ms | init ÷ floor | peer ÷ init | first response p50 ms | p90 ms | peak RSS p50 MB |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    labels, medians = [], []
    for name in ["floor", *FUNCTIONS, "python-peer"]:
        row = data[name]
        init = percentile(row["init_ms"], 0.5)
        rss = percentile(row["rss_kb"], 0.5) / 1024
        lines.append(
            f"| {name} | {init:.1f} | {_fmt(row['init_ms'], 0.9)} | {init / floor:.1f}× | "
            f"{peer / init:.0f}× | {_fmt(row['first_ms'], 0.5)} | {_fmt(row['first_ms'], 0.9)} | {rss:.1f} |"
        )
        labels.append(name)
        medians.append(init)
    functions = [percentile(data[f]["init_ms"], 0.5) for f in FUNCTIONS]
    lines += [
        "",
        f"**Headline:** the functions init in {min(functions):.1f}–{max(functions):.1f} ms (median), "
        f"{min(functions) / floor:.1f}–{max(functions) / floor:.1f}× the floor ({floor:.1f} ms; target ≤ 2.5×) "
        f"and {peer / max(functions):.0f}–{peer / min(functions):.0f}× faster than the Python peer "
        f"({peer:.0f} ms; target ≥ 40×).",
        "",
        "![cold start](bench/cold_start.png)",
        "",
    ]
    lines.append(_breakdown(raw))
    bars(charts / "cold_start.png", "Init, median of cold starts (log scale)", "ms", labels, medians, log_scale=True)
    return "\n".join(lines)


def _breakdown(raw):
    path = raw / "init_breakdown.json"
    if not path.exists():
        return "### Init breakdown\n\nNot measured in this run.\n"
    data = json.loads(path.read_text())
    runs = len(next(iter(data.values())))
    lines = [
        "### Init breakdown (the balance function's `deps()`, piece by piece)",
        "",
        f"`bench/src/bin/init-breakdown.rs` builds what `functions/balance/src/main.rs` builds, in the same",
        f"order, timing each step; {runs} fresh processes, median and p90. The runtime's own start",
        "(process, first poll) is the floor above; the `extra:` rows are timed after the function's",
        "sequence, to split the DynamoDB client's cost. The native loader reads Debian's bundle and",
        "also each certificate file of `/etc/ssl/certs`; the one-bundle-file row is nearer to Lambda's",
        "Amazon Linux 2023, which keeps its roots in bundle files (not measured on Lambda).",
        "",
        "| piece | p50 ms | p90 ms |",
        "|---|---:|---:|",
    ]
    for piece, values in data.items():
        lines.append(f"| {piece} | {percentile(values, 0.5):.2f} | {percentile(values, 0.9):.2f} |")
    return "\n".join(lines) + "\n"
