"""Package sizes: each native release binary, zipped as Lambda's bootstrap.zip would be, and the
arm64 zips of the last `make package` when target/lambda/ has them (not rebuilt here: the
cross build takes ~9 minutes on 2 cores).

usage: package.py BIN_DIR OUT.json
"""

import io
import json
import os
import sys
import time
import zipfile
from pathlib import Path

from common import ROOT

SUBJECTS = ["floor", "onboard", "callback", "balance", "webhook", "reconcile", "transfer"]


def zipped_size(binary):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.write(binary, "bootstrap")
    return buffer.tell()


def main():
    bin_dir, out = Path(sys.argv[1]), sys.argv[2]
    rows = {}
    for name in SUBJECTS:
        binary = bin_dir / name
        row = {"binary": binary.stat().st_size, "zip": zipped_size(binary)}
        arm = ROOT / "target" / "lambda" / name / "bootstrap.zip"
        if arm.exists():
            row["arm64_zip"] = arm.stat().st_size
            row["arm64_zip_built"] = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime(os.path.getmtime(arm)))
        rows[name] = row
    Path(out).write_text(json.dumps(rows, indent=1))


if __name__ == "__main__":
    main()
