"""Sample Arabic feeds for an offline demo, and a tiny loopback server that serves them.

The files are written for Rasd (fictional outlets on ``.demo.invalid`` hosts, invented events in the
style of real coverage). Together they exercise the pipeline end to end:

* ``demo-syria.xml``  — RSS 2.0, UTF-8, times in +03:00.
* ``demo-gaza-atom.xml`` — Atom, UTF-8, times in +02:00.
* ``demo-levant-1256.xml`` — RSS 2.0 in windows-1256 with *no* XML declaration; the server sends it
  without a charset, so the fetcher must detect the encoding.

Between them: syndicated near-copies (titles suffixed "(سكاي نيوز عربية)", "(الأناضول)"), one exact
copy, calm background items on 12–18 Nov 2026 and an escalation cluster in Idlib governorate on
19 Nov 2026 between 06:10 and 08:50 UTC — eight items from three feeds, six distinct stories.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Iterator
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

DEMO_DIR = Path(__file__).resolve().parent

# Content-Type per file; the windows-1256 feed deliberately carries no charset.
CONTENT_TYPES: dict[str, str] = {
    "demo-syria.xml": "application/rss+xml; charset=utf-8",
    "demo-gaza-atom.xml": "application/atom+xml; charset=utf-8",
    "demo-levant-1256.xml": "application/rss+xml",
}


def demo_feed_files() -> list[Path]:
    """The bundled feed files, in a stable order."""
    return sorted(DEMO_DIR.glob("demo-*.xml"))


class _DemoHandler(SimpleHTTPRequestHandler):
    """Static files with our Content-Types and no request logging on stderr."""

    def guess_type(self, path: str | Any) -> str:
        name = Path(str(path)).name
        if name in CONTENT_TYPES:
            return CONTENT_TYPES[name]
        return "application/xml" if name.endswith(".xml") else str(super().guess_type(path))

    def log_message(self, format: str, *args: Any) -> None:
        return


@contextlib.contextmanager
def serve_demo_feeds(directory: Path | str | None = None) -> Iterator[str]:
    """Serve ``directory`` (default: the bundled files) on 127.0.0.1 at a free port; yield the base URL.

    The server thread is stopped and the socket closed on exit, even when the body raises.
    """
    root = Path(directory) if directory is not None else DEMO_DIR
    handler = partial(_DemoHandler, directory=str(root))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, name="rasd-demo-feeds", daemon=True)
    thread.start()
    try:
        host, port = server.server_address[:2]
        yield f"http://{host!s}:{port}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
