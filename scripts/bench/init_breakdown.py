"""Runs bench's init-breakdown binary RUNS times (a fresh process each) and keeps every sample.

usage: init_breakdown.py BIN_DIR RUNS OUT.json   -> {piece: [ms, ...]} in the binary's order
"""

import json
import subprocess
import sys
from pathlib import Path


def main():
    bin_dir, runs, out = sys.argv[1], int(sys.argv[2]), sys.argv[3]
    samples = {}
    for _ in range(runs):
        done = subprocess.run([f"{bin_dir}/init-breakdown"], capture_output=True, text=True, check=True)
        # The last line is the timings; the lines before are the function's own logs (metrics).
        for piece, ms in json.loads(done.stdout.strip().splitlines()[-1]).items():
            samples.setdefault(piece, []).append(ms)
    Path(out).write_text(json.dumps(samples, indent=1))


if __name__ == "__main__":
    main()
