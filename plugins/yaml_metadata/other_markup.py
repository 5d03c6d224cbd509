"""Posts written as HTML or reStructuredText, checked for control characters as Markdown is.

Pelican's own readers would pass a vertical tab or an escape sequence through to the feeds
(XML cannot carry them: the build then stops with a traceback naming no file) and to the
console. These readers refuse them first, naming the file, line and fix, and then read the
post exactly as Pelican's readers do.
"""

from __future__ import annotations

import re

from pelican.readers import HTMLReader, RstReader

from plugins.author_text import describe_character, forbidden_characters

from .reader import FrontMatterError, refuse_control_characters


def _line_of(text, patterns, default=1):
    """The number of the first line of TEXT that a regex in PATTERNS matches, else DEFAULT."""
    for pattern in patterns:
        found = re.search(pattern, text, re.IGNORECASE | re.MULTILINE)
        if found:
            return text.count("\n", 0, found.start()) + 1
    return default


def _references(char):
    """Regexes for the ways a source can write CHAR without holding it: &#27; &#x1b; 0x1B ..."""
    code = ord(char)
    return (
        rf"&#0*{code};|&#x0*{code:x};",
        rf"unicode::.*(0x|U\+|\\x|\\u)0*{code:x}\b",
        rf"(0x|U\+|\\x|\\u)0*{code:x}\b",
    )


def refuse_made_characters(path, text, body, metadata, field_lines):
    """Raise FrontMatterError for a control character the reading made from a reference
    (&#11; in a <meta> value, a reStructuredText unicode:: substitution): in BODY (the HTML)
    or a METADATA value. FIELD_LINES(name) gives the regexes that find a field's line."""
    for name, value in metadata.items():
        values = value if isinstance(value, list | tuple) else [value]
        for item in values:
            item = getattr(item, "name", item)  # a Pelican Tag, Author or Category
            if not isinstance(item, str):
                continue
            for _, _, char in forbidden_characters(item):
                raise FrontMatterError(
                    path,
                    _line_of(text, [*_references(char), *field_lines(name)]),
                    f"'{name}' holds an invisible control character, {describe_character(char)}",
                    "Retype the value without it (a character reference such as &#27; or a "
                    "unicode:: substitution counts too).",
                )
    for _, _, char in forbidden_characters(body or ""):
        raise FrontMatterError(
            path,
            _line_of(text, _references(char)),
            f"the text makes an invisible control character, {describe_character(char)}, "
            "which feeds cannot carry",
            "Remove the character reference or substitution that writes it.",
        )


def _read_checked(source_path):
    with open(source_path, encoding="utf-8-sig") as handle:
        text = handle.read()
    refuse_control_characters(text, source_path)
    return text


class CheckedHTMLReader(HTMLReader):
    """Pelican's HTML reader, refusing control characters with the file, line and fix."""

    def read(self, filename):
        """Return (HTML, metadata) as Pelican's HTMLReader does, or raise FrontMatterError."""
        text = _read_checked(filename)
        body, metadata = super().read(filename)

        def field_lines(name):
            return (rf"<meta[^>]*name=[\"']?{re.escape(name)}\b", rf"<{re.escape(name)}\b")

        refuse_made_characters(filename, text, body, metadata, field_lines)
        return body, metadata


class CheckedRstReader(RstReader):
    """Pelican's reStructuredText reader, refusing control characters with the file, line and
    fix."""

    def read(self, source_path):
        """Return (HTML, metadata) as Pelican's RstReader does, or raise FrontMatterError."""
        text = _read_checked(source_path)
        body, metadata = super().read(source_path)

        def field_lines(name):
            # The title is the first line of text (underlined); other fields are :name: lines.
            return (rf"^:{re.escape(name)}:",) if name != "title" else (r"^\s*\w",)

        refuse_made_characters(source_path, text, body, metadata, field_lines)
        return body, metadata


# Extension -> reader, for every kind of post besides Markdown.
READERS = {
    **dict.fromkeys(CheckedHTMLReader.file_extensions, CheckedHTMLReader),
    **(
        dict.fromkeys(CheckedRstReader.file_extensions, CheckedRstReader)
        if RstReader.enabled
        else {}
    ),
}
