"""A minimal Lambda runtime API on loopback, for timing functions from outside.

Only what a runtime client needs: `GET /2018-06-01/runtime/invocation/next` (blocks until the
bench hands it an event), `POST .../invocation/<id>/response|error` and `POST .../init/error`.
Each request is time-stamped on arrival, so a cold start is "process spawned -> first poll" and
an invocation is "event written -> response received", as Lambda's own service measures them.
Hand-written rather than a package: the emulators on PyPI wrap whole containers (Docker), and
this needs three routes and the arrival times.
"""

import json
import queue
import threading
import time
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

PREFIX = "/2018-06-01/runtime"
# An event of None releases a blocked poll without an invocation (the process is being stopped).
STOP = None


class RuntimeApi:
    """The server, its queue of events to hand out, and the time-stamped arrivals."""

    def __init__(self):
        self.events = queue.Queue()
        self.polls = queue.Queue()  # perf_counter() of each /next arrival
        self.results = queue.Queue()  # (perf_counter(), kind, request id, body bytes)
        self.sent = {}  # request id -> perf_counter() when its event was written
        self.waiting = 0  # polls blocked on the event queue
        api = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):  # one line per request would drown the bench output
                pass

            def handle(self):
                # A killed function leaves its poll's socket closed: nothing to report.
                try:
                    super().handle()
                except (BrokenPipeError, ConnectionResetError):
                    pass

            def do_GET(self):
                if self.path != f"{PREFIX}/invocation/next":
                    return self._reply(404, b"{}")
                api.polls.put(time.perf_counter())
                api.waiting += 1
                event = api.events.get()
                api.waiting -= 1
                if event is STOP:
                    return self._reply(410, b"{}")
                request_id = str(uuid.uuid4())
                body = json.dumps(event).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.send_header("Lambda-Runtime-Aws-Request-Id", request_id)
                self.send_header("Lambda-Runtime-Deadline-Ms", str(int(time.time() * 1000) + 30000))
                self.send_header(
                    "Lambda-Runtime-Invoked-Function-Arn",
                    "arn:aws:lambda:us-east-1:123456789012:function:bench",
                )
                self.send_header("Lambda-Runtime-Trace-Id", "Root=1-00000000-000000000000000000000000")
                self.end_headers()
                api.sent[request_id] = time.perf_counter()
                self.wfile.write(body)
                self.wfile.flush()

            def do_POST(self):
                arrived = time.perf_counter()
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                parts = self.path[len(PREFIX) :].strip("/").split("/")
                if parts[:2] == ["init", "error"]:
                    api.results.put((arrived, "init_error", None, body))
                elif len(parts) == 3 and parts[0] == "invocation":
                    api.results.put((arrived, parts[2], parts[1], body))
                else:
                    return self._reply(404, b"{}")
                self._reply(202, b'{"status":"OK"}')

            def _reply(self, status, body):
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.address = f"127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def next_poll(self, timeout):
        """perf_counter() of the next /next arrival; raises queue.Empty after `timeout` s."""
        return self.polls.get(timeout=timeout)

    def invoke(self, event, timeout=30):
        """Hands out `event` to the waiting poll; returns (seconds to the answer, kind, body)."""
        self.events.put(event)
        arrived, kind, request_id, body = self.results.get(timeout=timeout)
        started = self.sent.pop(request_id, arrived)
        return arrived - started, kind, body

    def drain(self):
        """Forgets the arrivals a stopped process left behind."""
        for q in (self.polls, self.results):
            while not q.empty():
                q.get_nowait()
        self.sent.clear()

    def release(self):
        """Unblocks the polls left waiting by a killed process, so their threads end."""
        for _ in range(self.waiting):
            self.events.put(STOP)
        deadline = time.monotonic() + 5
        while self.waiting and time.monotonic() < deadline:
            time.sleep(0.001)
