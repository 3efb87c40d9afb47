"""What the bench scripts share: percentiles, seller tokens, the API Gateway events, processes."""

import base64
import hashlib
import hmac
import json
import os
import queue
import signal
import subprocess
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
EVENTS = ROOT / "tests" / "events"


def percentile(values, fraction):
    """Nearest-rank percentile (no interpolation: every figure is one that was measured)."""
    ordered = sorted(values)
    rank = max(1, -(-len(ordered) * fraction // 1))
    return ordered[int(rank) - 1]


def seller_token(sub, secret):
    """An HS256 seller token like the web app's (same claims as harness::jwt::seller_token)."""

    def b64(raw):
        return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()

    header = b64(json.dumps({"alg": "HS256", "typ": "JWT"}).encode())
    claims = {"sub": sub, "roles": ["seller"], "email": f"{sub}@example.com", "country": "FR"}
    claims["exp"] = int(time.time()) + 3600
    payload = b64(json.dumps(claims).encode())
    signature = hmac.new(secret.encode(), f"{header}.{payload}".encode(), hashlib.sha256).digest()
    return f"{header}.{payload}.{b64(signature)}"


def seller_event(file, sub):
    """tests/events/FILE with a valid token for `sub` (signed with the functions' JWT_SECRET)."""
    text = (EVENTS / file).read_text()
    return json.loads(text.replace("__SELLER_JWT__", seller_token(sub, os.environ["JWT_SECRET"])))


def balance_event(sub):
    return seller_event("balance.json", sub)


def lambda_env(api_address, name):
    """The environment Lambda gives a function (the variables lambda_runtime reads)."""
    env = dict(os.environ)
    env.update(
        AWS_LAMBDA_RUNTIME_API=api_address,
        AWS_LAMBDA_FUNCTION_NAME=name,
        AWS_LAMBDA_FUNCTION_MEMORY_SIZE="128",
        AWS_LAMBDA_FUNCTION_VERSION="$LATEST",
        AWS_LAMBDA_LOG_GROUP_NAME=f"/aws/lambda/{name}",
        AWS_LAMBDA_LOG_STREAM_NAME="bench",
    )
    return env


def peak_rss_kb(pid):
    """The process's peak resident set (VmHWM), in KiB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
    return 0


def cpu_seconds(pid):
    """User + system CPU time the process has used so far."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def wait_first_poll(api, proc, timeout=30):
    """perf_counter() of the process's first /next, or an error if it exits or hangs first."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            return api.next_poll(timeout=0.05)
        except queue.Empty:
            if proc.poll() is not None:
                raise RuntimeError(f"exited with {proc.returncode} before polling")
    raise RuntimeError(f"no poll within {timeout} s")


def stop(proc, api):
    """Kills the function process and frees the runtime API of it."""
    if proc.poll() is None:
        proc.send_signal(signal.SIGKILL)
    proc.wait()
    api.release()
    api.drain()


def spawn(command, env, log):
    return subprocess.Popen(command, env=env, stdout=log, stderr=subprocess.STDOUT, cwd=ROOT)


def status_of(body):
    """The HTTP status of a lambda_http / API Gateway proxy answer."""
    try:
        return json.loads(body).get("statusCode")
    except ValueError:
        return None
