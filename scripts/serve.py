"""Serve a built site on 127.0.0.1:PORT, one thread per connection, with the site's 404 page.

Usage: python scripts/serve.py [OUTPUT] [--host 127.0.0.1] [--port 8000] [--check-port]

What `make serve` runs after `make html`. Pelican's own `pelican -l` serves one request at a
time (a browser's half-open connection stalls every other request), answers a missing address
with an empty reply, and exits 0 when the port is taken. This server answers each connection
in a thread of its own, gives up on a silent connection after a while, answers a missing
address with the site's own 404.html (status 404), and stops with one line and exit status 1
when the port is busy.
"""

from __future__ import annotations

import argparse
import errno
import functools
import http.server
import socket
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
NOT_FOUND_PAGE = "404.html"  # content/pages/404.md saves as this (pelican.conf.py's site)
IDLE_SECONDS = 30  # a connection that sends nothing for this long is closed


def bind_error_message(error, host, port, command="make serve"):
    """One line for a failure to listen on HOST:PORT, naming the port and how to choose another."""
    if error.errno == errno.EADDRINUSE:
        why = "is already in use (is another server running?). Stop it, or choose another port"
    elif error.errno == errno.EACCES:
        why = "is not open to this user (ports below 1024 need root). Choose another port"
    else:
        why = f"cannot be used ({error.strerror}). Choose another port"
    return f"Port {port} on {host} {why}: {command} PORT={port + 1 if port < 65535 else 8000}"


class SiteHandler(http.server.SimpleHTTPRequestHandler):
    """Static files from the site folder; a missing one gets the site's own 404 page."""

    timeout = IDLE_SECONDS  # the socket timeout for reading a request: frees the thread
    protocol_version = "HTTP/1.1"  # keep-alive, as a browser expects

    def send_error(self, code, message=None, explain=None):
        page = Path(self.directory) / NOT_FOUND_PAGE
        if code != 404 or not page.is_file():
            return super().send_error(code, message, explain)
        body = page.read_bytes()
        self.send_response(404, message)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)
        return None

    def end_headers(self):
        # A preview changes with every build: the browser asks again (a cheap 304 if unchanged)
        # rather than showing yesterday's stylesheet from its cache.
        self.send_header("Cache-Control", "no-cache")
        super().end_headers()

    def list_directory(self, path):
        # A folder without index.html is not a page of the site (Pelican's server lists it).
        self.send_error(404)

    def log_message(self, format, *args):
        pass  # a line per request buries the build's messages; misses are logged below

    def log_request(self, code="-", size="-"):
        code = getattr(code, "value", code)
        if isinstance(code, int) and code >= 400:
            sys.stderr.write(f"{code} {self.path}\n")


class SiteServer(http.server.ThreadingHTTPServer):
    """A threaded server whose threads never keep the process alive at Ctrl-C."""

    daemon_threads = True
    allow_reuse_address = True  # a restart right after Ctrl-C may reuse the port at once


def make_server(folder, host, port):
    """A server for FOLDER bound to HOST:PORT (0 picks a free port); raises OSError when busy."""
    handler = functools.partial(SiteHandler, directory=str(folder))
    return SiteServer((host, port), handler)


def port_is_free(host, port):
    """Raise OSError if nothing could listen on HOST:PORT now."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        probe.bind((host, port))
        probe.listen(1)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("output", nargs="?", default=str(ROOT / "output"))
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8000)
    parser.add_argument(
        "--check-port", action="store_true", help="only check the port is free (before a build)"
    )
    args = parser.parse_args(argv)
    try:
        if args.check_port:
            port_is_free(args.host, args.port)
            return 0
        server = make_server(args.output, args.host, args.port)
    except OSError as error:
        print(bind_error_message(error, args.host, args.port), file=sys.stderr)
        return 1
    if not Path(args.output, "index.html").is_file():
        print(f"{args.output} has no index.html: build the site first (make html).")
    host, port = server.server_address[:2]
    print(f"Serving {args.output} at http://{host}:{port}/ (Ctrl-C stops)", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
