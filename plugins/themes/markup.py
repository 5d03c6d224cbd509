"""One parse of a post's HTML: its plain text for detection and the text nodes links may go in."""

import contextlib
import gc
from dataclasses import dataclass

from bs4 import BeautifulSoup, CData, NavigableString, Tag

HEADINGS = ("h1", "h2", "h3", "h4", "h5", "h6")

# Each of these ends with a blank line in the plain text, so sentences stay apart.
BLOCKS = frozenset(
    {
        "p",
        "li",
        *HEADINGS,
        "blockquote",
        "pre",
        "tr",
        "dt",
        "dd",
        "div",
        "section",
        "article",
        "figcaption",
        "br",
        "hr",
        "table",
        "ul",
        "ol",
    }
)

# Text inside these is never linked: links cannot nest, headings and code are not prose.
SKIP = frozenset(
    {
        "a",
        *HEADINGS,
        "code",
        "pre",
        "kbd",
        "samp",
        "script",
        "style",
        "title",
        "button",
        "label",
        "textarea",
        "select",
        "option",
        "svg",
        "math",
    }
)

# The strings BeautifulSoup's get_text() keeps: no comments, scripts, styles or templates.
_TEXT_TYPES = (NavigableString, CData)


@dataclass(frozen=True)
class Page:
    """A parsed post: the soup, its plain text, and its linkable text nodes in order."""

    soup: BeautifulSoup
    text: str
    nodes: tuple


def read_html(html):
    """Parse HTML once: its text (a blank line after each block) and linkable text nodes."""
    # Speed (bench/): detection needs the text and cross-linking the nodes of the same HTML,
    # so one parse and one walk serve both. The text is what appending "\n\n" to every BLOCKS
    # element and calling get_text() gives, without changing the soup the links go in.
    return read_soup(BeautifulSoup(html or "", "html.parser"))


def read_soup(soup):
    """The Page of a parsed SOUP as it stands now (after links were put in, say): no parse."""
    parts, nodes = [], []
    # Depth-first, as get_text() reads: (children left, tag being read, inside SKIP).
    stack = [(iter(soup.contents), None, False)]
    while stack:
        children, name, skipped = stack[-1]
        for child in children:
            kind = type(child)
            if kind in _TEXT_TYPES:
                parts.append(child)
                if kind is NavigableString and not skipped and child.strip():
                    nodes.append(child)
            elif isinstance(child, Tag):
                stack.append((iter(child.contents), child.name, skipped or child.name in SKIP))
                break
        else:
            stack.pop()
            if name in BLOCKS:
                parts.append("\n\n")
    return Page(soup, "".join(parts), tuple(nodes))


@contextlib.contextmanager
def collector_paused():
    """Python's cycle collector paused for the block, and on again after if it was on."""
    # Speed (a 2 MB post): a parsed post is a tree of many objects that point at each
    # other, and every full pass of the collector while it is alive walks all of it, never
    # finding anything to free. How many passes fall while one is alive depends on the heap
    # (a cold build of one 2 MB post made 11 full passes, a second of CPU; of an 8 MB post
    # 22, 7 s); paused, none do. The tree's cycles are freed by the first pass after.
    was_on = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_on:
            gc.enable()
