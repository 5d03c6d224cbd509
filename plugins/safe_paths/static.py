"""Refuse static files that would run script on the site's own origin.

Pictures and files in the static folders (images/, extra/) are copied as they are. A browser
runs the script in an HTML page, in an SVG picture opened on its own (<script>, onload=) or in
a JavaScript file a post loads with <script src>, and the Content-Security-Policy allows the
site's own files. So such files are refused unless SAFE_PATHS_ALLOW_STATIC names them.

Pure functions over the file system; no Pelican.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

from plugins.author_text import printable

from .tree import Finding, _shown

# Files a browser runs as pages or scripts whatever is in them.
ALWAYS = {
    ".html": "an HTML page",
    ".htm": "an HTML page",
    ".xhtml": "an XHTML page",
    ".xht": "an XHTML page",
    ".shtml": "an HTML page",
    ".mht": "a web archive",
    ".mhtml": "a web archive",
    ".js": "a JavaScript file",
    ".mjs": "a JavaScript file",
    ".svgz": "a compressed SVG picture (it cannot be checked for script)",
    ".swf": "a Flash file",
}
# Files that run script only when they hold it.
_SCRIPTABLE = re.compile(
    rb"<\s*script|\son[a-z]+\s*=|javascript\s*:|<\s*foreignobject|<\s*iframe|<\s*embed|"
    rb"<\s*object|xml-stylesheet|<\s*handler|http://www\.w3\.org/1999/xhtml",
    re.IGNORECASE,
)
INSPECTED = {".svg": "an SVG picture", ".xml": "an XML file", ".xsl": "an XSLT file"}
INSPECTED[".xslt"] = INSPECTED[".xsl"]


def static_problem(path: Path) -> str | None:
    """Why the file at PATH could run script in a browser, or None."""
    suffix = path.suffix.lower()
    if suffix in ALWAYS:
        return f"is {ALWAYS[suffix]}, which would run on the site as the site's own"
    if suffix in INSPECTED:
        try:
            data = path.read_bytes()
        except OSError:
            return None
        if _SCRIPTABLE.search(data):
            return (
                f"is {INSPECTED[suffix]} that holds script (script, on...= or a javascript: link)"
            )
    return None


def static_files(root, static_paths):
    """(content-relative path, Path) of every file under the STATIC_PATHS of ROOT."""
    root = Path(root)
    for entry in static_paths:
        base = root / entry
        if base.is_file():
            yield Path(entry).as_posix(), base
        elif base.is_dir():
            for folder, dirs, files in os.walk(base, followlinks=False):
                dirs.sort()
                for name in sorted(files):
                    path = Path(folder) / name
                    yield path.relative_to(root).as_posix(), path


def static_problems(root, static_paths, allowed=()) -> list[Finding]:
    """One line per static file that could run script or is a dot-file, unless ALLOWED names it."""
    problems = []
    allowed = {str(name).strip("/") for name in allowed}
    for relative, path in static_files(root, static_paths):
        if relative in allowed:
            continue
        named = printable(relative, one_line=True)
        why = static_problem(path)
        if why is None and any(part.startswith(".") for part in relative.split("/")):
            why = "is a hidden file (a name starting with '.'), which web servers read as settings"
        if why is not None:
            fix = (
                "remove it from the content folder, or if you trust it, add "
                f"'{named}' to SAFE_PATHS_ALLOW_STATIC in pelican.conf.py"
            )
            problems.append(Finding(_shown(path), why, fix))
    return problems
