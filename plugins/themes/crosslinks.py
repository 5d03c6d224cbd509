"""Link the first mention of each of a post's themes to the theme's topic page."""

import os
import re
from urllib.parse import urljoin

from bs4 import BeautifulSoup, NavigableString

from .detect import _APOSTROPHES, _find, _patterns
from .vocabulary import topic_url

# Text inside these is never linked: links cannot nest, headings and code are not prose.
SKIP = {
    "a",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
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
PLACEHOLDER = "{topic}"
_POSSESSIVE = re.compile(r"(?<=s)'$|'s$|$")
_PLACEHOLDER_HREF = re.compile(r'href="\{topic\}([a-z0-9-]+)"')


def _linkable(node):
    if type(node) is not NavigableString or not node.strip():
        return False
    return not any(parent.name in SKIP for parent in node.parents)


def add_crosslinks(html, themes, vocabulary, css_class="theme-link", href=None):
    """Return (HTML with the first mention of each theme linked, slugs linked).

    THEMES are the post's themes; a mention is a strong phrase of the theme (name, synonym
    or phrase) outside links, headings and code. HREF(theme) gives the link target; by
    default a "{topic}slug" placeholder that resolve_placeholders turns into a URL when
    the page is written. The text is unchanged; HTML without a mention is returned as is.
    """
    wanted = {theme.slug: theme for theme in themes}
    if not html or not wanted:
        return html, ()
    href = href or (lambda theme: PLACEHOLDER + theme.slug)
    soup = BeautifulSoup(html, "html.parser")
    patterns = _patterns(vocabulary)
    linked = []
    for node in list(soup.find_all(string=True)):
        if not wanted:
            break
        if not _linkable(node):
            continue
        text = str(node)
        # Offsets stay valid: the translation maps single characters to single characters.
        found = _find(text.translate(_APOSTROPHES), patterns, False, [0])
        picks = []
        for theme, match in found:
            if theme.slug in wanted and not match.weak:
                # Link the word, not its possessive ending: "Ofsted" of "Ofsted's".
                end = match.end - len(_POSSESSIVE.search(match.text).group())
                picks.append((match.start, end, wanted.pop(theme.slug)))
        if not picks:
            continue
        pieces, cursor = [], 0
        for start, end, theme in picks:
            pieces.append(NavigableString(text[cursor:start]))
            link = soup.new_tag("a", href=href(theme), title=f"Topic: {theme.name}")
            link["class"] = css_class
            link.string = text[start:end]
            pieces.append(link)
            cursor = end
            linked.append(theme.slug)
        pieces.append(NavigableString(text[cursor:]))
        for piece in pieces:
            if not (isinstance(piece, NavigableString) and not piece):
                node.insert_before(piece)
        node.extract()
    if not linked:
        return html, ()
    return str(soup), tuple(linked)


def topic_href(theme_url, siteurl, relative):
    """The URL of a topic page from a page whose SITEURL is SITEURL, as Pelican joins links.

    Pelican's own intrasite links ({filename}, {tag}) use os.path.join in relative mode
    ("../../.." + "topics/x/") and urljoin with a trailing slash otherwise; mirror that.
    """
    siteurl = siteurl or ""
    if relative:
        return os.path.join(siteurl, theme_url).replace(os.sep, "/")
    if not siteurl.endswith("/"):
        siteurl += "/"
    return urljoin(siteurl, theme_url)


def resolve_placeholders(html, siteurl, relative):
    """Turn href="{topic}slug" placeholders into topic page URLs for a page at SITEURL."""
    if not html or PLACEHOLDER not in html:
        return html

    def replace(match):
        return f'href="{topic_href(topic_url(match.group(1)), siteurl, relative)}"'

    return _PLACEHOLDER_HREF.sub(replace, html)
