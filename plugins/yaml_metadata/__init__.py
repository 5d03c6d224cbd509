"""Read Markdown posts whose metadata is YAML front matter between `---` lines; posts written
as HTML or reStructuredText are refused control characters as Markdown posts are."""

# The Markdown engine's settings table (MARKDOWN_*), for `make check` as for the build.
from .engine import TABLE as _TABLE

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


def post_readers():
    """{extension: reader class} for every kind of post the blog reads."""
    from .other_markup import READERS
    from .reader import YAMLMarkdownReader

    return {**READERS, **dict.fromkeys(YAMLMarkdownReader.file_extensions, YAMLMarkdownReader)}


def add_reader(readers):
    """Make our readers the readers for Markdown, HTML and reStructuredText posts."""
    for extension, reader_class in post_readers().items():
        readers.reader_classes[extension] = reader_class


def check_settings(pelican):
    """Fail at start, naming the setting and the fix, when a Markdown setting cannot work."""
    _TABLE.fill(pelican.settings)


def register():
    from pelican import signals

    signals.initialized.connect(check_settings)

    # readers_init fires when a generator builds its Readers, before any file is read.
    signals.readers_init.connect(add_reader)
