"""Helpers for the Blogger export tests: a local picture server, imports and builds."""

from __future__ import annotations

import contextlib
import functools
import http.server
import re
import shutil
import struct
import threading
import zlib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
# The importer borrows plugins/yaml_metadata (a Pelican plugin path, not a package).

from importer import images, import_sources  # noqa: E402
from tests.sitebuild import build_site  # noqa: E402

FIXTURES = ROOT / "tests" / "fixtures"
EXPORT = FIXTURES / "blogger-export" / "blog-07-03-2019.xml"
TAKEOUT = FIXTURES / "blogger-takeout"
PELICAN_EXPORT = (
    Path(__import__("pelican").__file__).parent / "tests" / "content" / "bloggerexport.xml"
)
# The pictures of the fixture export, by their path on Blogger's hosts.
PICTURES = {
    "/img/b/R29vZ2xl/AVvXsEh/s1600/team-meeting.jpg": (160, 90, (30, 110, 160)),
    "/-abcDEF/XYZ/AAAA/s1600/caseload-chart.png": (120, 80, (200, 120, 40)),
}


def png(width, height, rgb) -> bytes:
    """A small real PNG of one colour."""
    raw = b"".join(b"\x00" + bytes(rgb) * width for _ in range(height))

    def chunk(kind, data):
        crc = zlib.crc32(kind + data) & 0xFFFFFFFF
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", crc)

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(raw))
        + chunk(b"IEND", b"")
    )


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@contextlib.contextmanager
def picture_server(folder: Path):
    """Serve FOLDER on 127.0.0.1 (a free port); yield its base address."""
    for path, (width, height, rgb) in PICTURES.items():
        target = folder / path.lstrip("/")
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(png(width, height, rgb))
    handler = functools.partial(_Quiet, directory=str(folder))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        server.server_close()


def local_fetcher(base: str):
    """Download from the local server whatever Blogger's hosts would have served."""
    return lambda url: images.fetch(re.sub(r"^https?://[^/]+", base, url))


def import_fixture(tmp_path, base, export=EXPORT, **options):
    """Import EXPORT into tmp_path/content/articles; return (content folder, report)."""
    content = tmp_path / "content"
    (content / "articles").mkdir(parents=True, exist_ok=True)
    options.setdefault("site_url", "https://blog.example.org")
    report = import_sources(
        export, content / "articles", tagger=None, fetcher=local_fetcher(base), **options
    )
    return content, report


def build(content, output, *settings):
    """Build CONTENT with the project's settings (each "NAME=JSON"); the build must pass."""
    return build_site(content, output, extra_settings=dict(s.split("=", 1) for s in settings))


def copy_export(tmp_path, source=EXPORT, name="export.xml") -> Path:
    target = tmp_path / name
    shutil.copyfile(source, target)
    return target
