"""Turn raw source posts (Blogger archive pages, news articles) into Markdown articles."""

from .pipeline import ImportFailed, Report, import_sources, read_sources
from .records import Post, SourceError

__all__ = ["ImportFailed", "Post", "Report", "SourceError", "import_sources", "read_sources"]
