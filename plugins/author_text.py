"""Rules for author text that plugins, scripts and the importer share: controls, URLs, slugs.

Pure functions, no Pelican: the reader, `make check`, safe_html and the log filter all
decide the same way.
"""

from __future__ import annotations

import re
import unicodedata

# Characters a post may not hold: C0 controls other than tab, line feed and carriage return
# (a vertical tab is what Word's Shift+Enter pastes), DEL, C1 controls (U+009B starts a
# terminal escape sequence), and the two non-characters XML refuses. Feeds are XML, and none
# of these shows as anything a reader could see.
_FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufffe\uffff]")
# What a console must never receive raw: every control character (tab and line feed too,
# where one line is promised) and the bidirectional overrides that reorder what follows.
_UNPRINTABLE = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]")
_UNPRINTABLE_ONE_LINE = re.compile(_UNPRINTABLE.pattern[:-1] + "\n]")

_NAMES = {
    "\x0b": "a vertical tab, which Word's Shift+Enter pastes",
    "\x0c": "a form feed, a page break",
    "\x00": "a NUL character",
    "\x1b": "an escape character, which starts terminal escape sequences",
    "\x7f": "a DEL character",
}


def printable(text, one_line=False) -> str:
    """TEXT with control and direction characters written as visible escapes (\\x1b, \\u202e).

    For every message that shows author text on a console: an escape sequence in a title must
    not clear the screen, recolour or hide the lines after it.
    """
    pattern = _UNPRINTABLE_ONE_LINE if one_line else _UNPRINTABLE
    text = str(text)
    if not pattern.search(text):
        return text
    return pattern.sub(lambda m: m.group(0).encode("unicode_escape").decode("ascii"), text)


def numbered_matches(pattern, text, first=1):
    """Yield (line number, match) for each match of PATTERN in TEXT, its first line FIRST."""
    # One search of the whole text, each line counted once: a long post is not searched
    # line by line (a match that spans no line break is found just the same).
    line, start = first, 0
    for match in pattern.finditer(text):
        line += text.count("\n", start, match.start())
        start = match.start()
        yield line, match


def forbidden_characters(text):
    """Yield (line number, column, character) of each character a post may not hold."""
    if not _FORBIDDEN.search(text):
        return
    for line, match in numbered_matches(_FORBIDDEN, text):
        column = match.start() - (text.rfind("\n", 0, match.start()) + 1) + 1
        yield line, column, match.group(0)


def describe_character(char: str) -> str:
    """'U+000B (a vertical tab, ...)' for an error message."""
    name = _NAMES.get(char) or unicodedata.name(char, "a control character")
    return f"U+{ord(char):04X} ({name})"


# ---- URLs -------------------------------------------------------------------------------------

ALLOWED_SCHEMES = ("http", "https", "mailto")
SAFE_DATA = ("data:image/png", "data:image/jpeg", "data:image/gif", "data:image/webp")
_EDGES = "".join(chr(code) for code in range(0x21))  # browsers strip C0 controls and space
_INSIDE = re.compile("[\t\n\r]")  # ... and remove tab and newlines anywhere
_SCHEME = re.compile(r"([^/?#]*?):")


def url_scheme(url: str) -> str | None:
    """The scheme a browser would see in URL (decoded from HTML), lower case; None if relative.

    Anything before the first ':' that is not after a '/', '?' or '#' counts, valid scheme or
    not: a name a browser would not treat as a scheme is refused too, to be safe.
    """
    text = _INSIDE.sub("", str(url).strip(_EDGES))
    match = _SCHEME.match(text)
    return match.group(1).lower() if match else None


def allowed_url(url: str, data_images=True) -> bool:
    """True for http, https, mailto and relative addresses (and data: pictures if DATA_IMAGES)."""
    scheme = url_scheme(url)
    if scheme is None or scheme in ALLOWED_SCHEMES:
        return True
    plain = _INSIDE.sub("", str(url).strip(_EDGES)).lower()
    return data_images and plain.startswith(SAFE_DATA)


# ---- slugs ------------------------------------------------------------------------------------


def _segment_character(char: str) -> bool:
    """Letters and digits of any script (with their accents), '-', '_', '.' and '~'."""
    return char.isalnum() or char in "-_.~" or unicodedata.category(char).startswith("M")


def slug_problem(slug: str) -> str | None:
    """Why SLUG cannot be one URL segment, or None when it can.

    A slug with '/' or '\\' is left to plugins/safe_paths, which names every output path
    problem of the site at once (a slug that climbs out with '..', one that is too long).
    """
    if not slug:
        return "it is empty"
    if "/" in slug or "\\" in slug:
        return None
    if slug.startswith("."):
        return "it starts with '.', which makes a hidden file"
    bad = next((char for char in slug if not _segment_character(char)), None)
    if bad is not None:
        return f"it holds {printable(repr(bad), one_line=True)}, which a URL segment cannot hold"
    return None


# A site path (url, save_as): segments of the same characters, joined by '/'.
_PATH = re.compile(r"[\w.~%-]+(?:/[\w.~%-]+)*/?")


def path_problem(path: str) -> str | None:
    """Why PATH (a url or save_as field) is not a plain path inside the site, or None."""
    if not _PATH.fullmatch(path):
        bad = next((c for c in path if not (c.isalnum() or c in "-_.~%/")), None)
        if bad is not None:
            return f"it holds {printable(repr(bad), one_line=True)}, which a site path cannot hold"
        return "it is not a path inside the site (no leading '/', no '//')"
    if any(part.startswith(".") for part in path.split("/")):
        return "a part of it starts with '.' (a hidden file, or '..' that climbs out)"
    return None
