"""Time the devserver's rebuild: edit one post, rebuild in the same process, wait for its page.

Run as a child process by bench/run.py; prints one JSON line. The Pelican instance lives across
builds, as in `pelican -r` and scripts/devserver.py, with the content cache on (the devserver's
settings), so every rebuild after the first is warm.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

# What a devserver rebuild uses on top of pelican.conf.py, if scripts/devserver.py does not say.
DEFAULT_DEVSERVER_SETTINGS = {
    "CACHE_CONTENT": True,
    "LOAD_CONTENT_CACHE": True,
    "CHECK_MODIFIED_METHOD": "mtime",
}


def devserver_settings():
    """The overrides scripts/devserver.py applies, when it publishes them; else the defaults."""
    script = ROOT / "scripts" / "devserver.py"
    if script.is_file():
        import importlib.util

        spec = importlib.util.spec_from_file_location("_bench_devserver", script)
        module = importlib.util.module_from_spec(spec)
        try:
            spec.loader.exec_module(module)
        except Exception:  # a teammate's script mid-edit must not break the benchmark
            return dict(DEFAULT_DEVSERVER_SETTINGS), "bench default (devserver.py did not import)"
        for name in ("DEVSERVER_SETTINGS", "DEV_SETTINGS", "OVERRIDES"):
            value = getattr(module, name, None)
            if isinstance(value, dict):
                merged = {**DEFAULT_DEVSERVER_SETTINGS, **value}
                return merged, f"scripts/devserver.py {name}"
    return dict(DEFAULT_DEVSERVER_SETTINGS), "bench default"


class PageWatcher(threading.Thread):
    """Note when PAGE's modification time first differs from BEFORE (seconds since START)."""

    def __init__(self, page, before, start):
        super().__init__(daemon=True)
        self.page, self.before, self.start_time = page, before, start
        self.seconds = None
        self.stop = threading.Event()

    def changed(self):
        try:
            return self.page.stat().st_mtime_ns != self.before
        except FileNotFoundError:
            return False

    def run(self):
        # Polls until the page changes or the rebuild has finished (then one last look).
        while True:
            finished = self.stop.is_set()
            if self.changed():
                self.seconds = time.perf_counter() - self.start_time
                return
            if finished:
                return
            time.sleep(0.002)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("content")
    parser.add_argument("output")
    parser.add_argument("post", help="the Markdown file to edit")
    parser.add_argument("page", help="its output file, relative to OUTPUT")
    parser.add_argument("--conf", default=str(ROOT / "pelican.conf.py"))
    parser.add_argument("--cache", required=True)
    parser.add_argument("--edits", type=int, default=5)
    args = parser.parse_args(argv)

    os.chdir(ROOT)
    import logging

    from pelican import Pelican
    from pelican.settings import read_settings

    logging.basicConfig(level=logging.ERROR)
    overrides, source = devserver_settings()
    overrides = {
        **overrides,
        "PATH": os.path.abspath(args.content),
        "OUTPUT_PATH": os.path.abspath(args.output),
        "CACHE_PATH": os.path.abspath(args.cache),
    }
    settings = read_settings(args.conf, override=overrides)
    pelican = Pelican(settings)

    start = time.perf_counter()
    pelican.run()
    first = time.perf_counter() - start

    post, page = Path(args.post), Path(args.output) / args.page
    original = post.read_text(encoding="utf-8")
    page_times, rebuild_times = [], []
    try:
        for number in range(args.edits):
            marker = f"Benchmark edit number {number} was here."
            before = page.stat().st_mtime_ns
            start = time.perf_counter()
            post.write_text(original + f"\n{marker}\n", encoding="utf-8")
            # mtime granularity: make sure the cache sees a newer file even within one tick.
            stamp = time.time() + number + 1
            os.utime(post, (stamp, stamp))
            # The rebuild starts at once, as if the watcher fired the moment the file changed.
            watcher = PageWatcher(page, before, start)
            watcher.start()
            pelican.run()
            rebuild_times.append(time.perf_counter() - start)
            watcher.stop.set()
            watcher.join()
            if watcher.seconds is None:
                raise SystemExit(f"the rebuild did not rewrite {page}")
            page_times.append(watcher.seconds)
            if marker not in page.read_text(encoding="utf-8"):
                raise SystemExit(f"the rebuilt page {page} does not show the edit")
    finally:
        post.write_text(original, encoding="utf-8")
    print(
        json.dumps(
            {
                "first_build_seconds": first,
                "edit_seconds": page_times,
                "edit_median_seconds": statistics.median(page_times),
                "rebuild_seconds": rebuild_times,
                "rebuild_median_seconds": statistics.median(rebuild_times),
                "settings": {k: v for k, v in overrides.items() if k.isupper()},
                "settings_source": source,
            }
        )
    )


if __name__ == "__main__":
    sys.exit(main())
