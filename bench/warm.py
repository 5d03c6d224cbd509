"""Time the devserver's rebuild: edit one post, rebuild in the same process, wait for its page.

Run as a child process by bench/run.py; prints one JSON line. The builds are the devserver's
own (scripts/devserver.py's Builder: its settings, its build cache, fresh settings per build,
the search index made after the reload), so every rebuild after the first is warm, as it is
for an author. Per edit it notes, from the moment the file is saved:
- edit_seconds: the edited post's page is first rewritten (the file watched every 2 ms): by
  the preview when the edit changed only the post's body (scripts/preview.py), else by the
  full rebuild; previewed says which;
- final_page_seconds: the full rebuild's page is in place (the last time the page changed);
- reload_seconds: the build returns, when the devserver tells the open browser to reload;
- rebuild_seconds: the search index of the edit is in place too (the whole rebuild);
- cpu_seconds: the CPU time of the rebuild, this process and its children (writers, Pagefind).
The devserver's watcher notices a save within its polling interval (livereload: 0.8 s, at
once with inotify); that wait is not in these figures: each rebuild starts as the file is saved.
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


class PageWatcher(threading.Thread):
    """Note when PAGE's file first differs from BEFORE, and when it last changed (seconds
    since START): the preview's page, then the full rebuild's."""

    def __init__(self, page, before, start):
        super().__init__(daemon=True)
        self.page, self.before, self.start_time = page, before, start
        self.seconds = None  # the first change
        self.last_seconds = None  # the last change
        self.stop = threading.Event()

    def stamp(self):
        try:  # a new file (the preview's rename, the writer's) has a new inode or mtime
            stat = self.page.stat()
            return (stat.st_ino, stat.st_mtime_ns)
        except FileNotFoundError:
            return None

    def run(self):
        # Polls until the rebuild has finished (then one last look).
        seen = self.before
        while True:
            finished = self.stop.is_set()
            now = self.stamp()
            if now is not None and now != seen:
                seen = now
                self.last_seconds = time.perf_counter() - self.start_time
                if self.seconds is None:
                    self.seconds = self.last_seconds
            if finished:
                return
            time.sleep(0.002)


def _cpu():
    times = os.times()
    return times.user + times.system + times.children_user + times.children_system


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("content")
    parser.add_argument("output")
    parser.add_argument("post", help="the Markdown file to edit")
    parser.add_argument("page", help="its output file, relative to OUTPUT")
    parser.add_argument("--conf", default=str(ROOT / "pelican.conf.py"))
    parser.add_argument("--cache", required=True)
    parser.add_argument("--edits", type=int, default=5)
    parser.add_argument(
        "--no-preview", action="store_true", help="every save the full way (as before previews)"
    )
    args = parser.parse_args(argv)

    os.chdir(ROOT)
    import logging

    from scripts.devserver import DEVSERVER_SETTINGS, Builder

    logging.basicConfig(level=logging.ERROR)
    builder = Builder(args.content, args.output, args.conf, cache=os.path.abspath(args.cache))
    builder.previews = not args.no_preview
    start = time.perf_counter()
    if not builder.build():
        raise SystemExit("the first build failed")
    builder.finish()
    first = time.perf_counter() - start

    post, page = Path(args.post), Path(args.output) / args.page
    original = post.read_text(encoding="utf-8")
    page_times, final_times, reload_times, rebuild_times, cpu_times = [], [], [], [], []
    previewed = []
    try:
        for number in range(args.edits):
            marker = f"Benchmark edit number {number} was here."
            before = (page.stat().st_ino, page.stat().st_mtime_ns)
            cpu = _cpu()
            start = time.perf_counter()
            post.write_text(original + f"\n{marker}\n", encoding="utf-8")
            # mtime granularity: make sure the cache sees a newer file even within one tick.
            stamp = time.time() + number + 1
            os.utime(post, (stamp, stamp))
            # The rebuild starts at once, as if the watcher fired the moment the file changed.
            watcher = PageWatcher(page, before, start)
            watcher.start()
            if not builder.build():
                raise SystemExit(f"the rebuild after edit {number} failed")
            reload_times.append(time.perf_counter() - start)
            builder.finish()
            rebuild_times.append(time.perf_counter() - start)
            cpu_times.append(_cpu() - cpu)
            watcher.stop.set()
            watcher.join()
            if watcher.seconds is None:
                raise SystemExit(f"the rebuild did not rewrite {page}")
            page_times.append(watcher.seconds)
            final_times.append(watcher.last_seconds)
            previewed.append(bool(builder.previewed))
            if marker not in page.read_text(encoding="utf-8"):
                raise SystemExit(f"the rebuilt page {page} does not show the edit")
    finally:
        post.write_text(original, encoding="utf-8")
    settings = {
        **DEVSERVER_SETTINGS,
        "PATH": os.path.abspath(args.content),
        "OUTPUT_PATH": os.path.abspath(args.output),
        "CACHE_PATH": os.path.abspath(args.cache),
    }
    print(
        json.dumps(
            {
                "first_build_seconds": first,
                "edit_seconds": page_times,
                "edit_median_seconds": statistics.median(page_times),
                "final_page_seconds": final_times,
                "final_page_median_seconds": statistics.median(final_times),
                "previewed": previewed,
                "reload_seconds": reload_times,
                "reload_median_seconds": statistics.median(reload_times),
                "rebuild_seconds": rebuild_times,
                "rebuild_median_seconds": statistics.median(rebuild_times),
                "cpu_seconds": cpu_times,
                "cpu_median_seconds": statistics.median(cpu_times),
                "settings": settings,
                "settings_source": "scripts/devserver.py (Builder, DEVSERVER_SETTINGS)",
            }
        )
    )


if __name__ == "__main__":
    sys.exit(main())
