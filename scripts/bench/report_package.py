"""Package section: binary and zip sizes per function against the 3.5 MB target."""

import json

from chart import bars

TARGET_MB = 3.5


def _mb(size):
    return size / 1_000_000


def render(raw, charts):
    path = raw / "package.json"
    head = "## 4. Package\n"
    if not path.exists():
        return head + "\nNot measured in this run.\n"
    data = json.loads(path.read_text())
    lines = [
        head,
        "Native (x86_64) release binaries of this run, and each zipped as `bootstrap` (deflate -9, as",
        "the Lambda zip is). The **arm64 zip** is Lambda's artifact, from the last `make package`",
        "(`target/lambda/*/bootstrap.zip`, built at the time shown; `make bench` does not cross-build).",
        f"Target: ≤ {TARGET_MB} MB zipped per function. MB = 10⁶ bytes.",
        "",
        "| binary | binary MB | zipped MB | arm64 zip MB (built) |",
        "|---|---:|---:|---|",
    ]
    labels, zips = [], []
    for name, row in data.items():
        arm = f"{_mb(row['arm64_zip']):.2f} ({row['arm64_zip_built']})" if "arm64_zip" in row else "– (run `make package`)"
        lines.append(f"| {name} | {_mb(row['binary']):.2f} | {_mb(row['zip']):.2f} | {arm} |")
        labels.append(name)
        zips.append(_mb(row["zip"]))
    lines += [
        "",
        "Not measured yet: the largest contributors (the release profile strips symbols, so a",
        "symbol-size summary needs a second, unstripped fat-LTO build, too slow for this run).",
        "",
        "![package](bench/package.png)",
        "",
    ]
    bars(charts / "package.png", "Native release binary, zipped", "MB", labels, zips)
    return "\n".join(lines)
