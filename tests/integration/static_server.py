"""A one-file HTTP server in its own process: ``python static_server.py FILE [HEADER: VALUE]...``.

Prints its port on the first line of stdout, then serves FILE's bytes with those headers on every
GET. Used where a test measures the client's memory with tracemalloc, which counts every thread
of its process: an in-process server's buffers would be counted as the client's.
"""

from __future__ import annotations

import sys
from contextlib import suppress
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path


def main() -> None:
    body = Path(sys.argv[1]).read_bytes()
    headers = [h.split(":", 1) for h in sys.argv[2:]]

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self.send_response(200)
            for name, value in headers:
                self.send_header(name.strip(), value.strip())
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            with suppress(OSError):  # the client hangs up once it has enough: the point of the test
                self.wfile.write(body)

        def log_message(self, format: str, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    print(server.server_address[1], flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
