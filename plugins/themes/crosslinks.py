"""Link the first mention of each of a post's themes to the theme's topic page."""

import bisect
import os
import re
from urllib.parse import urljoin

from bs4 import NavigableString

from .detect import _patterns, _settle, straighten
from .markup import SKIP, read_html
from .vocabulary import topic_url

PLACEHOLDER = "{topic}"
_POSSESSIVE = re.compile(r"(?<=s)'$|'s$|$")
# Joins text nodes for one matcher run; never in a phrase, a non-word character to regexes.
_JOINT = "\x00"
_PLACEHOLDER_HREF = re.compile(r'href="\{topic\}([a-z0-9-]+)"')


def _inside_compound(text, start, end):
    """True when TEXT[start:end] is glued by a hyphen to a word: "blame" in "blame-the-victim"."""
    before = text[max(0, start - 2) : start]
    after = text[end : end + 2]
    glued_before = len(before) == 2 and before[1] in "-‐‑" and before[0].isalnum()
    glued_after = len(after) == 2 and after[0] in "-‐‑" and after[1].isalnum()
    return glued_before or glued_after


def _linkable(node):
    """Whether text NODE may hold a link: plain, not blank, in no SKIP element (as read_html)."""
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
    if not html or not themes:
        return html, ()
    return link_page(read_html(html), html, themes, vocabulary, css_class, href)


def link_page(page, html, themes, vocabulary, css_class="theme-link", href=None):
    """add_crosslinks for HTML already parsed into PAGE (markup.read_html), which it changes."""
    wanted = {theme.slug: theme for theme in themes}
    if not html or not wanted or not page.nodes:
        return html, ()
    href = href or (lambda theme: PLACEHOLDER + theme.slug)
    # Speed (bench/): one run of the matcher over all the linkable text, not one per text
    # node. The nodes are joined by a character no phrase matches across and that regexes
    # see as a non-word character, like a text's end; so no match spans two nodes, and as
    # overlaps are settled only between matches that share characters, each node gets the
    # matches the matcher gives it alone, in the same order: first mention first.
    texts = [str(node) for node in page.nodes]
    starts, at = [], 0
    for text in texts:
        starts.append(at)
        at += len(text) + len(_JOINT)
    joined = straighten(_JOINT.join(texts))
    picks = {}
    for found_start, found_end, pattern in _settle(joined, _patterns(vocabulary)):
        theme = pattern.theme
        if theme.slug not in wanted or pattern.weak:
            continue
        index = bisect.bisect_right(starts, found_start) - 1
        # Offsets stay valid: straighten maps single characters to single characters.
        start = found_start - starts[index]
        # Link the word, not its possessive ending: "Ofsted" of "Ofsted's".
        possessive = _POSSESSIVE.search(joined[found_start:found_end]).group()
        end = found_end - starts[index] - len(possessive)
        if _inside_compound(texts[index], start, end):
            # Half a hyphenated word is no mention of the theme: a link on "blame" in
            # "blame-the-victim" reads oddly. A later mention may still link.
            continue
        picks.setdefault(index, []).append((start, end, wanted.pop(theme.slug)))
        if not wanted:
            break
    linked = []
    for index, node_picks in sorted(picks.items()):
        linked += link_text_node(page.soup, page.nodes[index], node_picks, href, css_class)
    if not linked:
        return html, ()
    return str(page.soup), tuple(linked)


def link_text_node(soup, node, picks, href, css_class="theme-link"):
    """Replace text NODE by its text with each (start, end, theme) of PICKS made a topic link.

    Returns the slugs linked, in order. The text itself is unchanged.
    """
    text = str(node)
    pieces, cursor, linked = [], 0, []
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
    return linked


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
