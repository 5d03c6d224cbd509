"""Blogger's post HTML -> clean Markdown for the site's Python-Markdown (extra, smarty).

The conversion is markdownify's (a maintained converter on BeautifulSoup); this module only
tidies Blogger's HTML before it (presentational wrappers, jump breaks, runs of &nbsp;, embeds)
and fixes the few escapes markdownify writes that Python-Markdown does not undo.
"""

from __future__ import annotations

import re

from bs4 import BeautifulSoup, Comment, NavigableString
from markdownify import MarkdownConverter

# Text inside these is not for readers: it never reaches the page.
DROPPED = ("script", "style", "noscript", "template")
EMBEDS = ("iframe", "embed", "object", "video", "audio")
# Two lists in a row would be one list in Markdown: an HTML comment keeps them apart (the
# site drops comments from the page).
_LIST_BREAK = "\u2063LISTBREAK\u2063"
_NBSP_RUN = re.compile(r"[ \t\r\n]*\xa0[\xa0 \t\r\n]*")
# markdownify escapes these with a backslash; Python-Markdown leaves `\<`, `\&`, `\=`, `\~` as
# they are, so the reader would see the backslash. Entities (or nothing) say the same thing.
_UNDONE = {"<": "&lt;", "&": "&amp;", "=": "&#61;", "~": "~"}
_ESCAPE = re.compile(r"(?<!\\)((?:\\\\)*)\\([<&=~])")


class _Converter(MarkdownConverter):
    """markdownify as it is (its escapes already cover table pipes)."""


_OPTIONS = {
    "heading_style": "ATX",
    "bullets": "-",
    "newline_style": "SPACES",
    "escape_misc": True,
    "table_infer_header": True,
    "autolinks": False,
}


def tidy(soup: BeautifulSoup) -> BeautifulSoup:
    """Drop what carries no content (scripts, comments, jump-break anchors, &nbsp; runs)."""
    # One walk collects everything; the changes come after it, so the walk is not disturbed.
    dropped, comments, anchors, breaks, lists, embeds, spaces = [], [], [], [], [], [], []
    for node in soup.descendants:
        name = getattr(node, "name", None)
        if name is None:
            if isinstance(node, Comment):
                comments.append(node)
            elif "\xa0" in node:
                spaces.append(node)
        elif name in DROPPED:
            dropped.append(node)
        elif name == "a" and not node.get("href"):
            anchors.append(node)  # <a name="more"></a>: Blogger's "read more" break
        elif name == "br" and node.parent is not None and node.parent.name in ("ul", "ol"):
            breaks.append(node)  # Blogger's editor puts them between list items
        elif name in ("ul", "ol"):
            lists.append(node)
        elif name in EMBEDS:
            embeds.append(node)
    for node in dropped:
        node.decompose()
    for node in comments + breaks:
        node.extract()
    for anchor in anchors:
        anchor.unwrap()
    for listing in lists:
        for node in listing.next_siblings:
            if isinstance(node, NavigableString) and not node.strip():
                continue
            if getattr(node, "name", None) in ("ul", "ol"):
                listing.insert_after(soup.new_string(_LIST_BREAK))
            break
    for embed in embeds:
        _embed_as_link(soup, embed)
    for text in spaces:
        if text.parent is not None:
            text.replace_with(NavigableString(_NBSP_RUN.sub(_nbsp, str(text))))
    return soup


def _embed_as_link(soup, embed) -> None:
    """A video or frame becomes a link to what it showed (the page cannot embed it)."""
    if embed.parent is None:
        return
    src = embed.get("src") or embed.get("data") or ""
    if not src and embed.find("source"):
        src = embed.find("source").get("src", "")
    if src.startswith("//"):
        src = "https:" + src
    if src.startswith(("http://", "https://")):
        link = soup.new_tag("a", href=src)
        link.string = f"Embedded {embed.name}: {src}"
        paragraph = soup.new_tag("p")
        paragraph.append(link)
        embed.replace_with(paragraph)
    else:
        embed.unwrap()


def _nbsp(match: re.Match) -> str:
    # One &nbsp; between two words keeps them together; a run of them is only spacing.
    return "\xa0" if match.group(0) == "\xa0" else " "


def parse(html: str) -> BeautifulSoup:
    """Parse a post's HTML (lxml's parser: several times faster than Python's)."""
    return BeautifulSoup(f"<body>{html or ''}</body>", "lxml")


def inner_html(soup: BeautifulSoup) -> str:
    """The HTML inside the parsed body again."""
    body = soup.body
    return body.decode_contents() if body is not None else str(soup)


# Markdown already made from a tidied tree, by the HTML it stands for (see convert_tidied).
_READY: dict[str, str] = {}


def convert_tidied(soup: BeautifulSoup) -> str:
    """Return the HTML of an already tidied tree, remembering its Markdown for the emitter.

    The Blogger importer works on the parsed tree (links, pictures); converting that same
    tree here saves the emitter a second parse of the HTML it hands on."""
    markdown = _markdown(soup)
    for marker in soup.find_all(string=_LIST_BREAK):
        marker.extract()
    html = inner_html(soup)
    _READY[html] = markdown
    return html


def html_to_markdown(html: str) -> str:
    """Return Markdown that renders as the post's HTML, less presentational wrappers."""
    ready = _READY.pop(html, None)
    return ready if ready is not None else _markdown(tidy(parse(html)))


def _markdown(soup: BeautifulSoup) -> str:
    text = _Converter(**_OPTIONS).convert_soup(soup)
    text = _ESCAPE.sub(lambda m: m.group(1) + _UNDONE[m.group(2)], text)
    text = text.replace(_LIST_BREAK, "\n\n<!-- -->\n\n")
    lines = [line if line.strip() else "" for line in text.split("\n")]
    text = "\n".join(lines)
    text = re.sub(r"\n{3,}", "\n\n", text)
    # A line break at the end of a paragraph or of the post means nothing.
    text = re.sub(r"[ ]{2,}(?=\n\n|\Z)", "", text)
    return text.strip()


def text_nodes(html: str) -> list[str]:
    """Every non-blank text node a reader sees in the HTML (for no-loss checks)."""
    soup = tidy(parse(html))
    nodes = (s.replace(_LIST_BREAK, "") for s in soup.find_all(string=True))
    return [" ".join(s.split()) for s in nodes if s.strip()]
