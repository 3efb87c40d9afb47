"""Renders .local/bench/*.json into docs/BENCHMARKS.md and one PNG chart per section.

usage: report.py RAW_DIR TOTAL_SECONDS
Each section is one module (report_*.py) with `render(raw, charts) -> markdown`; a section whose
raw file is missing says so instead of showing numbers from another run.
"""

import datetime
import json
import os
import platform
import subprocess
import sys
from pathlib import Path

import report_cold
import report_latency
import report_package
import report_round_trips
import report_flash_sale
from common import ROOT

SECTIONS = [report_cold, report_round_trips, report_latency, report_package, report_flash_sale]


def machine():
    cpu = "unknown CPU"
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            cpu = line.split(":", 1)[1].strip()
            break
    rustc = subprocess.run(["rustc", "--version"], capture_output=True, text=True, cwd=ROOT).stdout.strip()
    commit = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True, cwd=ROOT
    ).stdout.strip()
    return f"{cpu}, {os.cpu_count()} cores, {platform.system()} {platform.release()}, {rustc}, commit {commit}"


def main():
    raw, total = Path(sys.argv[1]), sys.argv[2]
    charts = ROOT / "docs" / "bench"
    charts.mkdir(parents=True, exist_ok=True)
    build = json.loads((raw / "build.json").read_text()) if (raw / "build.json").exists() else {}
    now = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    parts = [
        "# Benchmarks",
        "",
        "Written by `make bench` (`scripts/bench.sh`); rerun it to refresh this page and the charts in",
        "[`docs/bench/`](bench/). Figures from one run on one machine: compare runs on the same machine,",
        "never a figure here with one from elsewhere. No test asserts a timing; the round-trip",
        "counts, which are deterministic, are asserted in tests as well.",
        "",
        f"- **Run:** {now}, {total} s in all (release build {build.get('release_build_s', '?')} s)",
        f"- **Machine:** {machine()}",
        "- **Binaries:** release profile of `Cargo.toml` (opt-level z, fat LTO, stripped), built for this",
        "  machine (x86_64), not the arm64 Lambda target: start-up figures are this machine's, the",
        "  ratios between subjects are what carries over. aws-lc is built without CPU-jitter entropy,",
        "  as for Lambda (`.cargo/config.toml`).",
        "- **Knobs:** `BENCH_STARTS` (cold starts per subject), `BENCH_REQUESTS` (warm requests per route),",
        "  `BENCH_FLASH_ORDERS`, `BENCH_FLASH_DEADLINE_S` and `BENCH_FLASH_VARIANTS` (the flash sale).",
        "",
    ]
    for section in SECTIONS:
        parts.append(section.render(raw, charts))
    (ROOT / "docs" / "BENCHMARKS.md").write_text("\n".join(parts).rstrip() + "\n")


if __name__ == "__main__":
    main()
