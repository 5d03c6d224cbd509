"""Time the privacy check against a cold full build on N synthetic posts (issue 16's budget:
the check adds no more than 10% to a cold build).

Usage: python bench/privacy.py [--n 1000] [--rounds 3]
The check runs in a fresh process each round, as `make check` and `make publish` run it
(loading its word lists included); the build is `make html` with no build cache."""

from __future__ import annotations

import argparse
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

from bench.corpus import write_corpus  # noqa: E402

CHECK = (
    "from plugins.privacy_check import check_files, post_files; "
    "findings, _ = check_files(post_files({content!r})); print(len(findings))"
)


def timed(command, cwd=ROOT):
    """(wall seconds, CPU seconds of the command and its children)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run(command, cwd=cwd, check=True, capture_output=True)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=1000)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args(argv)
    work = Path(tempfile.mkdtemp(prefix="privacy-bench-"))
    try:
        content = write_corpus(work, args.n, themes_file=ROOT / "content" / "themes.yaml")["yaml"]
        script = CHECK.format(plugins=str(ROOT / "plugins"), content=str(content))
        checks, builds = [], []
        for _ in range(args.rounds):
            checks.append(timed([sys.executable, "-c", script]))
            shutil.rmtree(work / "output", ignore_errors=True)
            shutil.rmtree(ROOT / "cache" / "build", ignore_errors=True)
            make = ["make", "-s", "html", f"INPUTDIR={content}", f"OUTPUTDIR={work / 'output'}"]
            builds.append(timed(make))
        for what, index in (("wall", 0), ("CPU", 1)):
            check = statistics.median(t[index] for t in checks)
            build = statistics.median(t[index] for t in builds)
            print(
                f"N={args.n}, {what} time (median of {args.rounds}): privacy check {check:.2f}s, "
                f"cold build {build:.2f}s: the check adds {100 * check / build:.1f}%"
            )
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
