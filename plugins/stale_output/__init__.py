"""Local builds remove the files an earlier build wrote that no content produces any more.

`make html`, `make serve` and the devserver build into the same output folder again and
again (keeping it is what makes them fast), so a page whose source changed address (a draft
published, a tag renamed, a post deleted) would stay behind and be served. Each local build
records the files it wrote in OUTPUT_PATH/.build-files.json; the next one deletes the recorded
files it did not write again. Only files an earlier build of ours recorded are ever deleted,
only inside the output folder, never through a symlink. `make publish` starts from an empty
folder (DELETE_OUTPUT_DIRECTORY), so this does nothing there.
"""

import json
import logging
import os
import posixpath

from pelican import signals

from plugins.settings_table import Setting, SettingsTable, boolean

logger = logging.getLogger(__name__)

MANIFEST = ".build-files.json"
TABLE = SettingsTable(
    "stale_output",
    ("STALE_OUTPUT_",),
    [
        Setting(
            "STALE_OUTPUT_REMOVE",
            True,
            boolean,
            "True or False (True removes files an earlier local build wrote that this build no "
            "longer writes)",
        ),
    ],
)
SETTINGS = {name: (s.default, s.help) for name, s in TABLE.settings.items()}


def _written_by(writer, output, given=None):
    """The files WRITER wrote, relative to the folder OUTPUT ('/'-separated); GIVEN is the
    output folder as the build was told it (the writer's paths start with it)."""
    prefixes = {os.path.join(folder, "") for folder in (output, given) if folder}
    found = set()
    for path in getattr(writer, "_written_files", ()) or ():
        # Pelican's writer keeps absolute, normalised paths under the output folder: cutting
        # the prefix off is enough (resolving each of thousands of paths costs a second).
        prefix = next((p for p in prefixes if path.startswith(p)), None)
        if prefix is not None:
            relative = path[len(prefix) :]
        else:
            relative = os.path.relpath(os.path.realpath(path), output)
        if not relative.startswith(".."):
            found.add(relative.replace(os.sep, "/"))
    return found


def read_manifest(output):
    """The files the previous build in OUTPUT recorded (an empty set if none or unreadable)."""
    try:
        with open(os.path.join(output, MANIFEST), encoding="utf-8") as handle:
            data = json.load(handle)
    except (OSError, ValueError):
        return set()
    files = data.get("files") if isinstance(data, dict) else None
    return {item for item in files or () if isinstance(item, str)}


def write_manifest(output, files):
    """Record FILES as what this build wrote in OUTPUT (atomically: never a half-written list)."""
    path = os.path.join(output, MANIFEST)
    temporary = path + ".tmp"
    with open(temporary, "w", encoding="utf-8") as handle:
        json.dump({"files": sorted(files)}, handle, indent=0)
    os.replace(temporary, path)


def safe_target(output, relative):
    """The absolute path of RELATIVE inside OUTPUT if it may be deleted, else None."""
    if not relative or relative.startswith("/") or "\\" in relative or "\0" in relative:
        return None
    normal = posixpath.normpath(relative)
    if normal != relative or normal.startswith("../") or normal in (".", "..", MANIFEST):
        return None
    path = os.path.join(output, *normal.split("/"))
    parent = os.path.realpath(os.path.dirname(path))
    if os.path.commonpath([parent, output]) != output:  # a symlinked folder leads elsewhere
        return None
    if os.path.islink(path) or not os.path.isfile(path):
        return None
    return path


def remove_stale(output, previous, current):
    """Delete the files of PREVIOUS that are not in CURRENT from OUTPUT, and the folders that
    leaves empty; return the relative paths deleted."""
    output = os.path.realpath(output)
    removed = []
    for relative in sorted(previous - current):
        path = safe_target(output, relative)
        if path is None:
            continue
        os.remove(path)
        removed.append(relative)
        folder = os.path.dirname(path)
        while folder != output and os.path.commonpath([folder, output]) == output:
            try:
                os.rmdir(folder)  # only when empty
            except OSError:
                break
            folder = os.path.dirname(folder)
    return removed


class _Build:
    """The static files (images, extra/) of the current build, known before any is copied."""

    static = ()


class _Errors(logging.Handler):
    """Counts the errors logged during the current build."""

    count = 0

    def __init__(self):
        super().__init__(level=logging.ERROR)

    def emit(self, record):
        type(self).count += 1


def _count_errors():
    """Count this build's errors from now on (a post that could not be read is one)."""
    root = logging.getLogger()
    if not any(isinstance(handler, _Errors) for handler in root.handlers):
        root.addHandler(_Errors())
    _Errors.count = 0


class Pruner:
    """A generator with no content of its own: once the pages are written, it prunes."""

    # Pelican runs the generators plugins add after its own, in plugin order, and the static
    # generator last: by now every page is written (build_speed's WriteOut is listed before
    # this plugin; pages still queued count as written anyway), no static file is copied yet
    # (their paths are known), and the search index, made at `finalized`, sees no stale page.
    def __init__(self, context, settings, path, theme, output_path, **kwargs):
        self.settings, self.output_path = settings, output_path

    def generate_output(self, writer):
        prune(self.settings, self.output_path, writer, _Build.static)
        _Build.static = ()


def check_settings(pelican):
    """Fill in the default and reject a setting of the wrong kind, before anything is read."""
    _Build.static = ()
    _count_errors()
    TABLE.fill(pelican.settings)


def get_generators(pelican):
    """The generator that prunes the output once the pages are written."""
    return Pruner


def remember_static(generator):
    """Keep the paths the static files (images, extra/) are copied to."""
    _Build.static = tuple(item.save_as for item in generator.staticfiles if item.save_as)


def prune(settings, output_path, writer, static=()):
    """In a local build, delete what the previous build wrote and this one does not."""
    if not settings.get("STALE_OUTPUT_REMOVE") or settings.get("DELETE_OUTPUT_DIRECTORY"):
        return
    output = os.path.realpath(output_path)
    current = _written_by(writer, output, os.path.abspath(output_path))
    current |= {posixpath.normpath(name) for name, _args, _kwargs in getattr(writer, "_queued", ())}
    current |= {path.replace(os.sep, "/") for path in static}
    previous = read_manifest(output)
    if _Errors.count:
        # A post that could not be read wrote no page (the devserver goes on after an error):
        # keep its page from the last build until the post reads again, and keep it recorded.
        write_manifest(output, previous | current)
        return
    removed = remove_stale(output, previous, current)
    write_manifest(output, current)
    if removed:
        logger.info("Removed %d file(s) no content produces any more", len(removed))


def register():
    signals.initialized.connect(check_settings)
    signals.static_generator_finalized.connect(remember_static)
    signals.get_generators.connect(get_generators)
