"""Privacy check: warn when a post could identify a child or a family (issue 16).

Not a build plugin: `make check` (scripts/check_content.py), the devserver's console
(scripts/devserver.py) and `make publish` (scripts/publish.py) call it, so a local build stays
as fast and as quiet as before. The core (core.py) is plain functions over text."""

from __future__ import annotations

import os
from pathlib import Path

from .core import ERROR, NOTE, WARNING, Finding, find_clues, judge
from .scan import check_files

__all__ = [
    "ERROR",
    "NOTE",
    "WARNING",
    "Finding",
    "check_files",
    "find_clues",
    "judge",
    "post_files",
    "publish_blockers",
    "saved_post_lines",
]


EXTENSIONS = (".md", ".markdown", ".mkd", ".mdown")


def _shown(path):
    """PATH as yaml_metadata.reader.shown_path writes it (relative to the current folder when
    inside it), without importing the reader, which imports Pelican."""
    text = str(path)
    relative = os.path.relpath(os.path.abspath(text))
    return os.path.abspath(text) if relative.startswith("..") else relative


def post_files(content):
    """Every Markdown post under CONTENT (articles and pages), in a stable order."""
    return sorted(
        path
        for path in Path(content).rglob("*")
        if path.suffix in EXTENSIONS and path.is_file() and not path.name.startswith(".")
    )


def publish_blockers(content):
    """The privacy errors in posts that `make publish` would publish (drafts are not)."""
    findings, statuses = check_files(post_files(content), shown=_shown)
    return [f for f in findings if f.severity == ERROR and statuses.get(f.path) != "draft"]


_DEVSERVER_CACHE = {}  # path -> clues, kept while the devserver runs


def saved_post_lines(content, saved):
    """Console lines ('warning: path, line N: privacy: ...') for the posts in SAVED, judged
    with every other post (so a detail repeated across posts is caught)."""
    findings, _statuses = check_files(post_files(content), shown=_shown, cache=_DEVSERVER_CACHE)
    wanted = {_shown(path) for path in saved}
    return [f"{f.severity}: {f}" for f in findings if f.path in wanted or _post_of(f) in wanted]


def _post_of(finding):
    for suffix in (".comments.yaml", ".comments.yml"):
        if finding.path.endswith(suffix):
            return finding.path[: -len(suffix)] + ".md"
    return None
