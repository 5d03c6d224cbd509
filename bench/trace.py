"""A cold build's timeline: per process, when each step ran, and where a core stood idle.

    python -m bench.trace CONTENT OUTPUT [--width 100] [-e BUILD_WORKERS=1]

Runs the build `make html` runs (pelican.conf.py, every plugin) in this process with a
timer around each signal receiver, each generator step, each pool item, each page write and
each command run (Pagefind), in every process (forked children inherit the timers and append
their steps to a file of their own). Then prints one row per process, a column per slice of
the build's wall time, and the steps of the main process. A benchmark tool, off unless run:
nothing in the build imports it.
"""

from __future__ import annotations

import argparse
import contextlib
import functools
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

_folder = None  # where each process appends its steps, one JSON line each: {pid}.jsonl


def _record(name, start, end, pid=None):
    pid = os.getpid() if pid is None else pid
    with open(os.path.join(_folder, f"{pid}.jsonl"), "a", encoding="utf-8") as handle:
        handle.write(json.dumps([name, start, end, os.getppid()]) + "\n")


class _TracedPopen(subprocess.Popen):
    """A command the build starts, drawn as a row of its own from its start to its end (not to
    when the build waits for it: Pagefind may run beside the page writers)."""

    def __init__(self, args, *rest, **kwargs):
        start = time.time()
        super().__init__(args, *rest, **kwargs)
        name = f"{Path(str(args[0] if isinstance(args, (list, tuple)) else args)).name}"
        threading.Thread(target=self._ended, args=(name, start), daemon=True).start()

    def _ended(self, name, start):
        with contextlib.suppress(ChildProcessError, OSError):
            os.waitid(os.P_PID, self.pid, os.WEXITED | os.WNOWAIT)  # ended, not yet reaped
        _record(name, start, time.time(), pid=self.pid)


def _timed(name, function):
    @functools.wraps(function)
    def wrapper(*args, **kwargs):
        start = time.time()
        try:
            return function(*args, **kwargs)
        finally:
            _record(name if isinstance(name, str) else name(args), start, time.time())

    return wrapper


def _receiver_name(receiver):
    module = getattr(receiver, "__module__", "") or ""
    return f"{module.removeprefix('plugins.')}.{getattr(receiver, '__name__', receiver)}"


def _install(plugins=()):
    """Put the timers in place (before Pelican loads any plugin); PLUGINS are imported first,
    so that the generators they define (topics, glossary, search...) are timed too."""
    import importlib

    import blinker
    from pelican import generators, readers

    for name in plugins:
        importlib.import_module(str(name))

    from plugins.build_speed import pool, writer

    send = blinker.base.Signal.send

    def timed_send(self, *args, **kwargs):
        # Each receiver on its own: the signals the build waits on most have several.
        results = []
        for receiver in self.receivers_for(args[0] if args else blinker.ANY):
            start = time.time()
            results.append((receiver, receiver(*args, **kwargs)))
            end = time.time()
            if end - start > 0.002:
                _record(f"{self.name}: {_receiver_name(receiver)}", start, end)
        return results

    blinker.base.Signal.send = timed_send
    del send
    readers.Readers.read_file = _timed("read posts", readers.Readers.read_file)
    for klass in _subclasses(generators.Generator):
        for method in ("generate_context", "generate_output"):
            if method in vars(klass):
                setattr(klass, method, _timed(f"{klass.__name__}.{method}", vars(klass)[method]))
    pool._one = _timed(lambda args: f"pool item ({args[0][1].__class__.__name__})", pool._one)
    writer.ParallelWriter._write = _timed(
        lambda args: "write pages" if len(args[1]) != 1 else "write one page",
        writer.ParallelWriter._write,
    )
    subprocess.run = _timed(lambda args: f"run {Path(str(args[0][0])).name}", subprocess.run)
    subprocess.Popen = _TracedPopen


def _subclasses(klass):
    found = []
    for child in klass.__subclasses__():
        found += [child, *_subclasses(child)]
    return found


def _segments(folder):
    """{pid: [(name, start, end)]}, and the build's start and end."""
    processes = {}
    for path in Path(folder).glob("*.jsonl"):
        steps = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
        processes[int(path.stem)] = sorted((n, s, e) for n, s, e, _ in steps)
    return processes


def _busy(steps, start, end):
    """Seconds of [START, END) that STEPS cover (steps may nest)."""
    covered, reach = 0.0, start
    for _, s, e in sorted(steps, key=lambda step: step[1]):
        s, e = max(s, reach), min(e, end)
        if e > s:
            covered += e - s
            reach = e
    return covered


def render(folder, main_pid, began, ended, width=100):
    """The timeline as text: a row per process (# busy, . idle), then the main process's steps."""
    processes = _segments(folder)
    span = max(ended - began, 1e-9)
    lines = [f"build {span:.2f}s wall; one column = {span / width:.2f}s; # = a step running"]
    labels = {main_pid: "main"}
    for pid in sorted(processes):
        if pid != main_pid:
            labels[pid] = f"child {pid}"
    for pid, label in labels.items():
        steps = processes.get(pid, [])
        row = []
        for column in range(width):
            s = began + span * column / width
            e = began + span * (column + 1) / width
            share = _busy(steps, s, e) / (e - s)
            row.append("#" if share > 0.66 else "+" if share > 0.33 else "-" if share else ".")
        busy = _busy(steps, began, ended)
        lines.append(f"{label:>12} |{''.join(row)}| {busy:6.2f}s in steps")
    lines.append("")
    lines.append("main process steps (longer than 50 ms), seconds from the start:")
    for name, s, e in sorted(processes.get(main_pid, []), key=lambda step: step[1]):
        if e - s >= float(os.environ.get("TRACE_MAIN_MIN", "0.05")):
            lines.append(f"  {s - began:7.2f} {e - began:7.2f} {e - s:6.2f}  {name}")
    lines.append("")
    lines.append("other processes' steps (longer than 0.3 s):")
    for pid, label in labels.items():
        for name, s, e in processes.get(pid, []) if pid != main_pid else ():
            if e - s >= float(os.environ.get("TRACE_OTHER_MIN", "0.3")):
                lines.append(f"  {s - began:7.2f} {e - began:7.2f} {e - s:6.2f}  {label}: {name}")
    return "\n".join(lines)


def main(argv=None):
    global _folder
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("content", type=Path)
    parser.add_argument("output", type=Path)
    parser.add_argument("--width", type=int, default=100)
    parser.add_argument("-e", dest="extra", action="append", default=[], help="a pelican -e")
    args = parser.parse_args(argv)
    _folder = tempfile.mkdtemp(prefix="trace-")
    try:
        from pelican.settings import read_settings

        settings = read_settings(str(ROOT / "pelican.conf.py"))
        _install(settings.get("PLUGINS") or ())
        from pelican import main as pelican_main

        from plugins.build_speed import site_folder

        # Cold: no build cache for this content, a new output folder.
        shutil.rmtree(site_folder(settings["CACHE_PATH"], args.content), ignore_errors=True)
        shutil.rmtree(args.output, ignore_errors=True)
        command = [str(args.content), "-o", str(args.output), "-s", str(ROOT / "pelican.conf.py")]
        command += ["--fatal", "errors", "-q"]
        if args.extra:
            command += ["-e", *args.extra]
        began = time.time()
        cpu = os.times()
        try:
            pelican_main(command)
        except SystemExit as stop:
            if stop.code:
                raise
        ended = time.time()
        after = os.times()
        print(render(_folder, os.getpid(), began, ended, args.width))
        own = after.user - cpu.user + after.system - cpu.system
        children = after.children_user - cpu.children_user
        children += after.children_system - cpu.children_system
        print(f"\nCPU: {own:.2f}s this process, {children:.2f}s its children (waited for)")
    finally:
        shutil.rmtree(_folder, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
