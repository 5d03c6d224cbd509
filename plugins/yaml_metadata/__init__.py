"""Read Markdown posts whose metadata is YAML front matter between `---` lines."""

__all__ = [
    "FrontMatterError",
    "YAMLMarkdownReader",
    "parse_front_matter",
    "register",
    "split_front_matter",
]


def __getattr__(name):
    # Lazy, so that tools that need only yaml_metadata.bounded (the privacy check in
    # `make publish`) do not pay for importing Pelican.
    if name in __all__ and name != "register":
        from . import reader

        return getattr(reader, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def add_reader(readers):
    """Make YAMLMarkdownReader the reader for every Markdown extension."""
    from .reader import YAMLMarkdownReader

    for extension in YAMLMarkdownReader.file_extensions:
        readers.reader_classes[extension] = YAMLMarkdownReader


def register():
    from pelican import signals

    # readers_init fires when a generator builds its Readers, before any file is read.
    signals.readers_init.connect(add_reader)
