"""Faults: a publish killed at any moment, a full disk, a read-only output, a missing theme file.

Publishing (scripts/publish.py, `make publish`) builds into OUTPUT.new and swaps it in. These
tests kill it with SIGKILL at several moments and check the published site is untouched and
the next publish works; the disk and read-only cases use a tiny tmpfs and a read-only bind
mount (they need root and are skipped without it).
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from robust_helpers import ROOT

SITE = ROOT / "tests" / "fixtures" / "site"
PELICAN = ROOT / ".venv" / "bin" / "pelican"
BOUND = 300
ENV = {**os.environ, "SITEURL": "https://blog.example.org", "COLUMNS": "1000"}


def publish_command(output, content=SITE):
    return [
        sys.executable,
        str(ROOT / "scripts" / "publish.py"),
        "--content",
        str(content),
        "--output",
        str(output),
        "-s",
        str(ROOT / "publish.conf.py"),
    ]


def publish(output, content=SITE):
    process = subprocess.run(
        publish_command(output, content),
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=BOUND,
        env=ENV,
    )
    return process, " ".join((process.stdout + process.stderr).split())


def snapshot(folder: Path) -> dict[str, bytes]:
    """Every file of a published site; Pagefind's bundle only as "present and whole" (it names
    its files by random hashes, so two builds of the same content differ there)."""
    files = {
        p.relative_to(folder).as_posix(): p.read_bytes()
        for p in folder.rglob("*")
        if p.is_file() and "pagefind" not in p.relative_to(folder).parts
    }
    entry = folder / "pagefind" / "pagefind-entry.json"
    files["pagefind (whole)"] = b"yes" if entry.is_file() and _bundle_whole(folder) else b"no"
    return files


def _bundle_whole(folder: Path) -> bool:
    import json

    entry = json.loads((folder / "pagefind" / "pagefind-entry.json").read_text())
    for language in entry["languages"].values():
        if not (folder / "pagefind" / f"pagefind.{language['hash']}.pf_meta").is_file():
            return False
    return (folder / "pagefind" / "pagefind.js").is_file()


def html_build(content, output, theme=None):
    command = [str(PELICAN), str(content), "-o", str(output), "-s", str(ROOT / "pelican.conf.py")]
    command += ["--fatal", "errors"]
    if theme:
        command += ["-e", f'THEME="{theme}"']
    process = subprocess.run(
        command, cwd=ROOT, capture_output=True, text=True, timeout=BOUND, env=ENV
    )
    return process, " ".join((process.stdout + process.stderr).split())


@contextlib.contextmanager
def mounted(target: Path, *options: str):
    """Mount a tmpfs (options 'size=...') or a read-only bind of TARGET; skip if we cannot."""
    target.mkdir(parents=True, exist_ok=True)
    if options[0] == "ro":
        commands = [
            ["mount", "--bind", str(target), str(target)],
            ["mount", "-o", "remount,ro,bind", str(target)],
        ]
    else:
        commands = [["mount", "-t", "tmpfs", "-o", ",".join(options), "tmpfs", str(target)]]
    done = 0
    try:
        for command in commands:
            result = subprocess.run(command, capture_output=True, text=True)
            if result.returncode != 0:
                pytest.skip(f"cannot mount here ({result.stderr.strip()}); needs root")
            done += 1
        yield target
    finally:
        if done:
            subprocess.run(["umount", str(target)], capture_output=True)


@pytest.fixture(scope="module")
def published(tmp_path_factory):
    """A site published once, and a snapshot of it."""
    output = tmp_path_factory.mktemp("published") / "out"
    process, log = publish(output)
    assert process.returncode == 0, log[-3000:]
    return output, snapshot(output)


@pytest.mark.slow
def test_a_publish_killed_at_any_moment_leaves_the_published_site_whole(published, tmp_path):
    first, before = published
    output = tmp_path / "out"
    shutil.copytree(first, output)
    started = time.monotonic()
    process, log = publish(output)
    assert process.returncode == 0, log
    duration = time.monotonic() - started
    assert snapshot(output) == before  # same content gives the same bytes
    killed = 0
    for fraction in (0.05, 0.2, 0.4, 0.6, 0.8, 0.95):
        # Its own session, so SIGKILL reaches Pelican and Pagefind too, as Ctrl-\ or an OOM
        # kill of the whole job would.
        child = subprocess.Popen(
            publish_command(output),
            cwd=ROOT,
            env=ENV,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        time.sleep(duration * fraction)
        with contextlib.suppress(ProcessLookupError):
            os.killpg(child.pid, signal.SIGKILL)
        killed += child.wait(timeout=BOUND) == -signal.SIGKILL
        # Killed before the swap: the old site; after it: the new one, which is identical.
        assert output.is_dir(), f"no site at all after a kill at {fraction:.0%}"
        assert snapshot(output) == before, f"killed at {fraction:.0%}"
    assert killed >= 4  # most kills landed mid-publish, not after it had finished
    process, log = publish(output)
    assert process.returncode == 0, log[-3000:]
    assert snapshot(output) == before
    assert not output.with_name("out.new").exists() and not output.with_name("out.old").exists()


def test_a_publish_killed_between_the_two_renames_is_repaired_by_the_next(published, tmp_path):
    # The swap is two renames; a kill between them leaves OUTPUT.old and no OUTPUT. The next
    # publish must put the old site back before anything else.
    first, before = published
    output = tmp_path / "out"
    shutil.copytree(first, output.with_name("out.old"))
    shutil.copytree(first, output.with_name("out.new"))
    (output.with_name("out.new") / "index.html").write_text("half-built")
    process, log = publish(output)
    assert process.returncode == 0, log[-3000:]
    assert snapshot(output) == before


def test_a_full_disk_stops_the_build_with_a_clear_message(tmp_path):
    with mounted(tmp_path / "disk", "size=300k") as disk:
        process, log = html_build(SITE, disk / "out")
    assert process.returncode != 0
    assert "No space left on device" in log and "free some disk space" in log, log[-3000:]
    assert "Traceback" not in log


@pytest.mark.slow
def test_a_full_disk_during_publish_keeps_the_published_site(published, tmp_path):
    first, before = published
    with mounted(tmp_path / "disk", "size=4m") as disk:
        output = disk / "out"
        shutil.copytree(first, output)
        # Leave less room than a second copy of the site needs.
        free = shutil.disk_usage(disk).free
        (disk / "filler").write_bytes(b"\0" * max(free - 400_000, 0))
        process, log = publish(output)
        assert process.returncode != 0
        assert "No space left on device" in log, log[-3000:]
        assert f"{output} is unchanged" in log
        assert snapshot(output) == before
        (disk / "filler").unlink()
        process, log = publish(output)
        assert process.returncode == 0, log[-3000:]
        assert snapshot(output) == before


def test_a_read_only_output_stops_the_build_with_a_clear_message(tmp_path):
    with mounted(tmp_path / "ro", "ro") as folder:
        process, log = html_build(SITE, folder / "out")
    assert process.returncode != 0
    assert "Read-only file system" in log and "make the output folder writable" in log, log[-3000:]
    assert "Traceback" not in log


def test_a_read_only_publish_target_keeps_the_published_site(published, tmp_path):
    first, before = published
    folder = tmp_path / "ro"
    shutil.copytree(first, folder / "out")
    with mounted(folder, "ro"):
        process, log = publish(folder / "out")
        assert process.returncode != 0
        assert "Read-only file system" in log, log[-3000:]
        assert snapshot(folder / "out") == before


def test_a_missing_theme_template_is_named(tmp_path):
    theme = tmp_path / "theme"
    shutil.copytree(ROOT / "theme", theme)
    (theme / "templates" / "_macros.html").unlink()
    process, log = html_build(SITE, tmp_path / "out", theme=theme)
    assert process.returncode != 0
    assert "the theme has no template '_macros.html'" in log, log[-3000:]
    assert "Traceback" not in log


@pytest.mark.slow
def test_a_missing_stylesheet_stops_publishing_and_names_it(published, tmp_path):
    first, before = published
    theme = tmp_path / "theme"
    shutil.copytree(ROOT / "theme", theme)
    (theme / "static" / "css" / "site.css").unlink()
    output = tmp_path / "out"
    shutil.copytree(first, output)
    process = subprocess.run(
        [*publish_command(output), "--", "-e", f'THEME="{theme}"'],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=BOUND,
        env=ENV,
    )
    log = " ".join((process.stdout + process.stderr).split())
    assert process.returncode != 0
    assert "site.css" in log, log[-3000:]
    assert snapshot(output) == before
