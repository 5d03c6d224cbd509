"""Sanitise the HTML a post renders to, reading it with a real HTML parser.

The parser (the standard library's html.parser, the one BeautifulSoup's "html.parser" uses)
splits the fragment into tags, text, comments and declarations exactly as it reads them, with
each piece's place in the text. Only the pieces that need it are rewritten; every other byte
stays as the author wrote it, so a post's HTML is unchanged unless something was removed.

What is removed, and why:

* a URL-valued attribute whose address is not http, https, mailto, a relative address or a
  data: picture (javascript:, vbscript:, data:text/html ...): following or loading it could
  run code. The element and its words stay;
* on* event handler attributes (onclick, onerror ...): script, which the CSP blocks anyway;
* elements that send readers elsewhere or embed other documents: <meta http-equiv> (a
  refresh redirects on load), <base> (re-targets every relative link), <form>, <object>,
  <embed>, <iframe>, <frame>, <applet>, <portal>. Container elements lose only their tags:
  the words inside stay. SAFE_HTML_ALLOW_ELEMENTS lets a site keep some;
* elements whose content browsers read differently from this parser (<noscript>, <xmp>,
  <noembed>, <noframes>, <plaintext>, <textarea>, <title>): their tags go, so that what the
  browser reads is what was checked;
* comments, processing instructions and <!...> declarations: authors' private notes, and
  invisible anyway;
* a '<' the parser read as text (an unclosed tag at the end, `a < b`) is written as &lt;, so a
  browser cannot read a tag there that the parser did not check.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field
from html.parser import HTMLParser, attrfind_tolerant, tagfind_tolerant

from plugins.author_text import allowed_url

# Attributes whose value browsers follow or load as an address.
URL_ATTRIBUTES = frozenset(
    {
        "href",
        "src",
        "action",
        "formaction",
        "xlink:href",
        "poster",
        "background",
        "data",
        "cite",
        "longdesc",
        "ping",
        "manifest",
        "codebase",
        "archive",
        "dynsrc",
        "lowsrc",
        "icon",
        "profile",
        "usemap",
        "classid",
        "itemtype",
    }
)
LIST_URL_ATTRIBUTES = frozenset({"srcset", "imagesrcset"})  # "url 2x, url 640w"
# SVG animation can set an href to a script address (<set attributeName=href to=...>).
ANIMATION_ELEMENTS = frozenset({"set", "animate"})
ANIMATION_VALUES = frozenset({"to", "from", "values", "by"})

# Elements removed with their tags only (their words stay), unless a setting allows them.
CONTAINERS = frozenset({"form", "object", "iframe", "frame", "frameset", "applet", "portal"})
VOID = frozenset({"base", "embed", "meta", "param"})
DANGEROUS = CONTAINERS | VOID
# Elements whose content browsers parse as raw text: what is inside would not be what we
# checked. Their tags go; the parser has already read their content as ordinary HTML.
RAW_TEXT = frozenset({"noscript", "xmp", "noembed", "noframes", "plaintext", "textarea", "title"})
_SCRIPT_OPEN = re.compile(r"<(?=[A-Za-z!/?])")


@dataclass
class Removal:
    """One thing taken out of a post, for the warning."""

    kind: str  # "address", "handler" or "element"
    what: str  # the address, attribute or element


@dataclass
class _Event:
    kind: str
    start: int
    tag: str = ""
    attrs: list = field(default_factory=list)
    cdata: bool = False
    end: int = 0


class _Recorder(HTMLParser):
    """Records every piece the parser reads, with where it starts in the text."""

    def __init__(self, text):
        super().__init__(convert_charrefs=True)
        self.events: list[_Event] = []
        starts, at = [0], text.find("\n")
        while at >= 0:
            starts.append(at + 1)
            at = text.find("\n", at + 1)
        self._line_starts = starts

    def _at(self):
        line, column = self.getpos()
        return self._line_starts[line - 1] + column

    def handle_starttag(self, tag, attrs):
        self.events.append(_Event("start", self._at(), tag, attrs))

    def handle_startendtag(self, tag, attrs):
        self.events.append(_Event("start", self._at(), tag, attrs))

    def handle_endtag(self, tag):
        self.events.append(_Event("end", self._at(), tag))

    def handle_data(self, data):
        self.events.append(_Event("data", self._at(), cdata=self.cdata_elem is not None))

    def _other(self, data=None):
        self.events.append(_Event("other", self._at()))

    handle_comment = handle_decl = handle_pi = unknown_decl = _other

    def handle_charref(self, name):  # only without convert_charrefs; kept for safety
        self.events.append(_Event("data", self._at()))

    handle_entityref = handle_charref


def _parse(text):
    parser = _Recorder(text)
    parser.feed(text)
    parser.close()
    events = parser.events
    for event, following in zip(events, events[1:], strict=False):
        event.end = following.start
    if events:
        events[-1].end = len(text)
    return events


def _unsafe_address(name, tag, value):
    """The address in attribute NAME of TAG that is not allowed, or None."""
    if value is None:
        return None
    if name in URL_ATTRIBUTES or (tag in ANIMATION_ELEMENTS and name in ANIMATION_VALUES):
        return None if allowed_url(value) else value
    if name in LIST_URL_ATTRIBUTES:
        for candidate in value.split(","):
            address = (candidate.split() or [""])[0]
            if not allowed_url(address):
                return value
    return None


def _attribute_spans(raw):
    """(name, start, end) of each attribute in the start tag RAW, as html.parser reads it."""
    match = tagfind_tolerant.match(raw, 1)
    position = match.end() if match else 1
    spans = []
    while position < len(raw):
        found = attrfind_tolerant.match(raw, position)
        if not found or found.end() == position:
            break
        spans.append((found.group(1).lower(), found.start(1), found.end()))
        position = found.end()
    return spans


def _without(raw, drop):
    """Start tag RAW without the attributes at the indexes in DROP."""
    spans = _attribute_spans(raw)
    pieces, position = [], 0
    for index, (_, start, end) in enumerate(spans):
        if index in drop:
            pieces.append(raw[position:start])
            position = end
    pieces.append(raw[position:])
    text = "".join(pieces)
    return re.sub(r"\s+(/?>)$", r"\1", text) if text != raw else text


def sanitise(fragment, allow_elements=frozenset()):
    """Return FRAGMENT sanitised (see the module's docstring) and the Removals made."""
    if not fragment or "<" not in fragment:
        return fragment, []
    dangerous = DANGEROUS - set(allow_elements)
    if "<" not in _PLAIN_TAG.sub("", fragment):
        return _sanitise_plain(fragment, dangerous)
    removed: list[Removal] = []
    pieces = []
    events = _parse(fragment)
    for index, event in enumerate(events):
        raw = fragment[event.start : event.end]
        if event.kind == "data":
            if event.cdata:
                pieces.append(_SCRIPT_OPEN.sub("&lt;", raw))
            elif fragment.startswith("<!--", event.start) and all(
                e.kind == "data" for e in events[index:]
            ):
                break  # a comment never closed: an author's note to the end
            else:
                pieces.append(raw.replace("<", "&lt;"))
        elif event.kind == "other":
            continue
        elif _drops_element(event.tag, event.attrs, dangerous):
            if event.kind == "start" and event.tag not in RAW_TEXT:
                removed.append(Removal("element", f"<{event.tag}>"))
            continue
        elif event.kind == "end":
            pieces.append(raw)
        else:
            pieces.append(_clean_start_tag(event, raw, removed))
    return "".join(pieces), removed


def _drops_element(tag, attrs, dangerous):
    if tag in RAW_TEXT:
        return True
    if tag not in dangerous:
        return False
    return tag != "meta" or any(name == "http-equiv" for name, _ in attrs)


# Speed: Markdown writes every tag in one plain form (attribute values in double quotes,
# with <, > and " escaped). A fragment made only of such tags and text without '<' reads the
# same to any parser, so its tags can be found with a regular expression; anything else
# (comments, other quoting, a stray '<') goes through the parser above.
_PLAIN_ATTRIBUTE = r"""\s+[a-zA-Z_:][-a-zA-Z0-9_:.]*(?:\s*=\s*"[^"<>`]*")?"""
_PLAIN_TAG = re.compile(
    rf"<(?:/[a-zA-Z][a-zA-Z0-9:-]*\s*|[a-zA-Z][a-zA-Z0-9:-]*(?:{_PLAIN_ATTRIBUTE})*\s*/?)>"
)
_PLAIN_ATTRIBUTES = re.compile(r"""(\s+)([a-zA-Z_:][-a-zA-Z0-9_:.]*)(?:\s*=\s*"([^"]*)")?""")
_NAMED = "|".join(sorted(DANGEROUS | RAW_TEXT))
_PLAIN_NOTABLE = re.compile(
    rf"<(/?)(?:({_NAMED})\b([^>]*?)|([a-zA-Z][a-zA-Z0-9:-]*)(\s[^>]*?))/?>", re.IGNORECASE
)


def _sanitise_plain(fragment, dangerous):
    removed: list[Removal] = []
    pieces, position = [], 0
    for match in _PLAIN_NOTABLE.finditer(fragment):
        closing, named, named_attributes, tag, attributes = match.groups()
        tag, attributes = (named or tag).lower(), named_attributes or attributes
        pairs = [
            (m.group(2).lower(), None if m.group(3) is None else html.unescape(m.group(3)))
            for m in _PLAIN_ATTRIBUTES.finditer(attributes or "")
        ]
        if _drops_element(tag, pairs, dangerous):
            if not closing and tag not in RAW_TEXT:
                removed.append(Removal("element", f"<{tag}>"))
            pieces.append(fragment[position : match.start()])
            position = match.end()
            continue
        if closing or not attributes:
            continue
        event = _Event("start", match.start(), tag, pairs)
        raw = match.group(0)
        cleaned = _clean_start_tag(event, raw, removed)
        if cleaned != raw:
            pieces.append(fragment[position : match.start()])
            pieces.append(cleaned)
            position = match.end()
    if not pieces:
        return fragment, removed
    pieces.append(fragment[position:])
    return "".join(pieces), removed


def _clean_start_tag(event, raw, removed):
    drop = set()
    for index, (name, value) in enumerate(event.attrs):
        if name.startswith("on"):
            drop.add(index)
            removed.append(Removal("handler", name))
        elif (address := _unsafe_address(name, event.tag, value)) is not None:
            drop.add(index)
            removed.append(Removal("address", address))
    if not drop:
        return raw
    spans = _attribute_spans(raw)
    if len(spans) != len(event.attrs):  # never expected: rebuild the tag from what was read
        kept = [(n, v) for i, (n, v) in enumerate(event.attrs) if i not in drop]
        attributes = "".join(
            f" {n}" if v is None else f' {n}="{html.escape(v, quote=True)}"' for n, v in kept
        )
        return f"<{event.tag}{attributes}{'/>' if raw.endswith('/>') else '>'}"
    return _without(raw, drop)
