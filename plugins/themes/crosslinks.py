"""Link the first mention of each of a post's themes to the theme's topic page."""

import bisect
import os
import re
from urllib.parse import urljoin

from bs4 import BeautifulSoup, NavigableString

from .detect import _APOSTROPHES, _find, _finditer, _fold, _patterns
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
    if type(node) is not NavigableString or not node.strip():
        return False
    return not any(parent.name in SKIP for parent in node.parents)


def _nodes_with_mentions(texts, wanted, patterns):
    """Indexes, in order, of TEXTS where a strong phrase of a WANTED theme matches."""
    starts, at = [], 0
    for text in texts:
        starts.append(at)
        at += len(text) + len(_JOINT)
    joined = _JOINT.join(texts).translate(_APOSTROPHES)
    folded = _fold(joined)
    found = set()
    for pattern in patterns:
        if pattern.weak is False and pattern.theme.slug in wanted:
            for match in _finditer(pattern, joined, folded):
                found.add(bisect.bisect_right(starts, match.start()) - 1)
    return sorted(found)


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
    nodes = [node for node in soup.find_all(string=True) if _linkable(node)]
    if not nodes:
        return html, ()
    # Speed (bench/): the full matcher runs only on text nodes where one of the post's themes
    # has a strong phrase at all. Matches never span text nodes, so a node's links depend on
    # that node alone; and a node with no raw match of a wanted theme's strong phrase can
    # link nothing. One search over all the text (nodes joined by a character no phrase
    # matches across and that regexes see as a non-word character, like a text's end) finds
    # those nodes; the rest of the post is never matched. The links are the ones the full
    # matcher gives node by node, first mention first.
    texts = [str(node) for node in nodes]
    candidates = _nodes_with_mentions(texts, wanted, _patterns(vocabulary))
    picks = {}
    for index in candidates:
        if not wanted:
            break
        # Offsets stay valid: the translation maps single characters to single characters.
        found = _find(texts[index].translate(_APOSTROPHES), _patterns(vocabulary), False, [0])
        for theme, match in found:
            if theme.slug in wanted and not match.weak:
                # Link the word, not its possessive ending: "Ofsted" of "Ofsted's".
                end = match.end - len(_POSSESSIVE.search(match.text).group())
                if _inside_compound(texts[index], match.start, end):
                    # Half a hyphenated word is no mention of the theme: a link on "blame"
                    # in "blame-the-victim" reads oddly. A later mention may still link.
                    continue
                picks.setdefault(index, []).append((match.start, end, wanted.pop(theme.slug)))
    linked = []
    for index, node_picks in sorted(picks.items()):
        linked += link_text_node(soup, nodes[index], node_picks, href, css_class)
    if not linked:
        return html, ()
    return str(soup), tuple(linked)


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
