"""Warm latency section: p50/p99 per route and the function's own CPU time per request."""

import json

from chart import bars
from common import percentile


def render(raw, charts):
    path = raw / "warm.json"
    head = "## 3. Warm latency\n"
    if not path.exists():
        return head + "\nNot measured in this run.\n"
    data = json.loads(path.read_text())
    count = len(next(iter(data.values()))["ms"])
    lines = [
        head,
        f"One process per route, 20 untimed invocations, then {count} timed ones in sequence through the",
        "loopback runtime API (the function's real binary, `lambda_http` included): event written →",
        "response received, moto's own time included for the routes that read DynamoDB. **CPU/request**",
        "is the process's user+system time over the timed requests ÷ their number (clock-tick",
        "resolution): the function's own work, waits on DynamoDB excluded. Not measured: routes that",
        "need Stripe (onboard, callback, webhook), which would time the local Stripe server too.",
        "",
        "| route | p50 ms | p99 ms | max ms | CPU/request ms |",
        "|---|---:|---:|---:|---:|",
    ]
    labels, p50s = [], []
    for label, row in data.items():
        ms = row["ms"]
        lines.append(
            f"| {label} | {percentile(ms, 0.5):.2f} | {percentile(ms, 0.99):.2f} | {max(ms):.2f} | "
            f"{row['cpu_ms_per_request']:.2f} |"
        )
        labels.append(label.split(":")[0] + (":" + label.split(":")[1].split(",")[0] if ":" in label else ""))
        p50s.append(percentile(ms, 0.5))
    lines += ["", "![warm latency](bench/warm_latency.png)", ""]
    bars(charts / "warm_latency.png", "Warm latency, p50", "ms", labels, p50s)
    return "\n".join(lines)
