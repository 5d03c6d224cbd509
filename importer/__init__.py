"""Turn raw source posts (Blogger archive pages, news articles) into Markdown articles."""

import sys
from pathlib import Path

# plugins/ is a plugin path for Pelican, not a package; the importer borrows its YAML loader
# and theme detector from it. (Until the project is an installable package.)
_PLUGINS = str(Path(__file__).resolve().parents[1] / "plugins")
if _PLUGINS not in sys.path:
    sys.path.insert(0, _PLUGINS)

from .pipeline import ImportFailed, Report, import_sources, read_sources  # noqa: E402
from .records import Post, SourceError  # noqa: E402

__all__ = ["ImportFailed", "Post", "Report", "SourceError", "import_sources", "read_sources"]
