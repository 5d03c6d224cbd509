"""Read Markdown posts whose metadata is YAML front matter between `---` lines."""

from pelican import signals

from .reader import (
    FrontMatterError,
    YAMLMarkdownReader,
    parse_front_matter,
    split_front_matter,
)

__all__ = [
    "FrontMatterError",
    "YAMLMarkdownReader",
    "parse_front_matter",
    "register",
    "split_front_matter",
]


def add_reader(readers):
    """Make YAMLMarkdownReader the reader for every Markdown extension."""
    for extension in YAMLMarkdownReader.file_extensions:
        readers.reader_classes[extension] = YAMLMarkdownReader


def register():
    # readers_init fires when a generator builds its Readers, before any file is read.
    signals.readers_init.connect(add_reader)
