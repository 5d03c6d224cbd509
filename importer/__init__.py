"""Turn raw source posts (Blogger archive pages, news articles) into Markdown articles."""

import sys
from pathlib import Path

# plugins/ is a plugin path for Pelican, not a package; the importer borrows yaml_metadata's
# bounded YAML loading from it (so `python -m importer` needs it on the path too).
_PLUGINS = str(Path(__file__).resolve().parents[1] / "plugins")
if _PLUGINS not in sys.path:
    sys.path.append(_PLUGINS)

from .pipeline import ImportFailed, Report, import_sources, read_sources  # noqa: E402
from .records import Post, SourceError  # noqa: E402

__all__ = ["ImportFailed", "Post", "Report", "SourceError", "import_sources", "read_sources"]
