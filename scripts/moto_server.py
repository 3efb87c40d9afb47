"""moto's server (`moto_server`, same arguments), handling one request at a time.

moto's threaded server evaluates a write's condition and applies the write in separate steps
without a lock, so two concurrent conditional writes on one item can both succeed (seen with
10 concurrent `UpdateItem ... ConditionExpression`: 2 winners in 2 of 15 runs). DynamoDB makes
each item write atomic, and the project's race tests rely on that. Serializing requests through
one lock restores it; connections stay concurrent (HTTP/1.1 keep-alive), only the handling of
each request is exclusive. Loopback throughput stays far above what the tests need.
"""

import os
import threading

from moto import server

_lock = threading.Lock()
_dispatch = server.DomainDispatcherApplication.__call__


def _one_at_a_time(self, environ, start_response):
    with _lock:
        # moto's responses are fully built here (no streaming body), so the whole request
        # including its backend mutation runs under the lock.
        return _dispatch(self, environ, start_response)


server.DomainDispatcherApplication.__call__ = _one_at_a_time
# SIGINT/SIGTERM: leave at once. State is in memory only, and a full interpreter teardown of
# moto's many modules takes seconds on a loaded machine (the test harness waits for none of it).
server.signal_handler = lambda signum, frame: os._exit(0)

if __name__ == "__main__":
    server.main()
