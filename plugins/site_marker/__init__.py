"""Marks each output folder a build of ours made, so publish and uploads replace only those."""

import os
import shutil
from pathlib import Path

from pelican import signals

# The marker's name and text. A folder holding it was made by a build of this blog (empty or
# new when that build started), so `make publish` may replace it whole.
MARKER = ".blog-build"
TEXT = (
    "This folder holds a site built by the blog's own build (make html / make publish).\n"
    "`make publish` replaces it whole: keep nothing else in it.\n"
)


def is_marked(folder):
    """True when FOLDER is a real folder holding the marker file."""
    marker = Path(folder) / MARKER
    return Path(folder).is_dir() and marker.is_file() and not marker.is_symlink()


def is_markable(folder):
    """True when a build may mark FOLDER: missing, empty, or marked already."""
    folder = Path(folder)
    if not folder.exists() and not folder.is_symlink():
        return True
    return folder.is_dir() and (is_marked(folder) or not any(folder.iterdir()))


def mark(folder):
    """Create FOLDER if needed and put the marker in it."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    marker = folder / MARKER
    if not is_marked(folder) or marker.read_text(encoding="utf-8") != TEXT:
        temporary = folder / f"{MARKER}.{os.getpid()}.tmp"
        temporary.write_text(TEXT, encoding="utf-8")
        os.replace(temporary, marker)


def remove_marked(folder):
    """Delete the marked FOLDER whole, its marker last, so a kill half-way leaves it marked."""
    # shutil.rmtree deletes in directory order: killed after the marker went, the rest would
    # look like someone else's files, and the next publish would refuse to clear them.
    folder = Path(folder)
    for entry in folder.iterdir():
        if entry.name == MARKER:
            continue
        if entry.is_dir() and not entry.is_symlink():
            shutil.rmtree(entry)
        else:
            entry.unlink()
    (folder / MARKER).unlink(missing_ok=True)
    folder.rmdir()


def mark_output(pelican):
    """Mark the output folder when it is new, empty or ours; leave any other folder unmarked."""
    # initialized: before Pelican writes anything, so "empty" means empty of the user's files.
    output = pelican.settings.get("OUTPUT_PATH") or pelican.output_path
    if is_markable(output):
        mark(output)


def register():
    # initialized: settings are final and nothing has been written yet.
    signals.initialized.connect(mark_output)
