"""One parse of a post's HTML: its plain text for detection and the text nodes links may go in."""

import re
from bisect import bisect_left
from dataclasses import dataclass
from functools import cache
from html import unescape
from itertools import accumulate

# BeautifulSoup is imported where a tree is made or read (read_tree, read_soup, and the rare
# character reference beyond the XML five): a post's plain markup is read without it, and
# importing it cost every build 0.17 s before its first post (soupsieve compiles its CSS
# regexes at import; bench/README.md).

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


@dataclass(frozen=True)
class Page:
    """A parsed post: the soup, its plain text, and its linkable text nodes in order."""

    soup: object  # a BeautifulSoup
    text: str
    nodes: tuple


def read_html(html):
    """Read HTML once: its text (a blank line after each block) and linkable text nodes.

    A Flat page (read_flat) when the markup is plain, else the Page of BeautifulSoup's tree.
    """
    # Speed (bench/): detection needs the text and cross-linking the nodes of the same HTML,
    # so one read serves both; and a post's HTML is nearly always plain markup, which is
    # read without building a tree (a tenth of the time, and no tree to serialise).
    return read_flat(html) or read_tree(html)


def read_tree(html):
    """Parse HTML with BeautifulSoup into a Page: the reference read_flat is checked against."""
    # The text is what appending "\n\n" to every BLOCKS element and calling get_text()
    # gives, without changing the soup the links go in.
    from bs4 import BeautifulSoup

    return read_soup(BeautifulSoup(html or "", "html.parser"))


def read_soup(soup):
    """The Page of a parsed SOUP as it stands now (after links were put in, say): no parse."""
    from bs4 import CData, NavigableString, Tag

    # The strings BeautifulSoup's get_text() keeps: no comments, scripts, styles or templates.
    text_types = (NavigableString, CData)
    parts, nodes = [], []
    # Depth-first, as get_text() reads: (children left, tag being read, inside SKIP).
    stack = [(iter(soup.contents), None, False)]
    while stack:
        children, name, skipped = stack[-1]
        for child in children:
            kind = type(child)
            if kind in text_types:
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


# -- the same reading without a tree --------------------------------------------------------
#
# A post's HTML (Markdown's, as safe_html passed it) is plain markup: tags whose attribute
# values are quoted, text whose only "&" start character references, no comments. For such
# markup what BeautifulSoup's html.parser builder makes of each tag can be replayed without
# building a tree: the text between two tags is one string (references decoded; a blank one
# becomes " " or "\n" outside <pre>), a start tag opens an element (a void one closes at
# once), an end tag closes up to the newest open element of its name or is ignored, and what
# is open at the end closes there. str(soup) writes each tag in one form (name and attribute
# names in lower case, attributes sorted, values escaped and quoted its way, void elements as
# <br/>), each string escaped (&, <, >), and the end tags of the elements as they closed.
# Anything else goes to BeautifulSoup (read_tree). tests/themes/test_flat_markup.py checks
# Flat against the tree on real, generated and random markup.

_SPACE = "[ \\t\\n\\r\\f]"
_ATTRIBUTE = rf"{_SPACE}+[a-zA-Z_:][-a-zA-Z0-9_:.]*(?:{_SPACE}*={_SPACE}*(?:\"[^\"]*\"|'[^']*'))?"
# One whole tag (captured, so split() keeps it): a start tag or a bare end tag.
_TAGS = re.compile(
    rf"(<(?:[a-zA-Z][a-zA-Z0-9]*(?:{_ATTRIBUTE})*{_SPACE}*/?|/[a-zA-Z][a-zA-Z0-9]*{_SPACE}*)>)"
)
_ATTRIBUTES = re.compile(
    rf"{_SPACE}+([a-zA-Z_:][-a-zA-Z0-9_:.]*)(?:{_SPACE}*={_SPACE}*(?:\"([^\"]*)\"|'([^']*)'))?"
)
_NAME = re.compile(r"</?([a-zA-Z][a-zA-Z0-9]*)")
# A character reference as html.parser hands it to BeautifulSoup; a bare "&" matches neither.
_REFERENCE = re.compile(r"&(?:([a-zA-Z][a-zA-Z0-9]*);|#([0-9]{1,8}|[xX][0-9a-fA-F]{1,8});)?")
# What BeautifulSoup's html.parser builder (bs4.builder.HTMLParserTreeBuilder) does with
# each tag, from its tables as bs4 4.15 has them; tests/themes/test_flat_markup.py checks
# they still are the installed bs4's.
# Elements that close themselves in BeautifulSoup's tree (so they only split text).
VOID_ELEMENTS = frozenset(
    [
        "area",
        "base",
        "basefont",
        "bgsound",
        "br",
        "col",
        "command",
        "embed",
        "frame",
        "hr",
        "image",
        "img",
        "input",
        "isindex",
        "keygen",
        "link",
        "menuitem",
        "meta",
        "nextid",
        "param",
        "source",
        "spacer",
        "track",
        "wbr",
    ]
)
# Attributes read as lists (class="a  b" is read as ["a", "b"]), by element ("*": any).
_LIST_ATTRIBUTES = {
    "*": {"class", "accesskey", "dropzone"},
    "a": {"rel", "rev"},
    "link": {"rel", "rev"},
    "td": {"headers"},
    "th": {"headers"},
    "form": {"accept-charset"},
    "object": {"archive"},
    "area": {"rel"},
    "icon": {"sizes"},
    "iframe": {"sandbox"},
    "output": {"for"},
}
# Elements whose strings BeautifulSoup types otherwise (Script, Stylesheet...).
_STRING_CONTAINERS = frozenset({"rt", "rp", "style", "script", "template"})
_NOT_WHITESPACE = re.compile(r"\S+")
# Elements html.parser reads as raw text, or whose strings BeautifulSoup types otherwise (so
# get_text() leaves them out) or keeps blank (<textarea>), in this Python or a newer one: a
# reader that replays the builder (read_flat, topics' passages) leaves them to BeautifulSoup.
RAW_TEXT_ELEMENTS = _STRING_CONTAINERS | {
    "iframe",
    "noembed",
    "noframes",
    "noscript",
    "plaintext",
    "textarea",
    "title",
    "xmp",
}
# read_flat also writes what it reads, and BeautifulSoup rewrites <meta charset> when writing.
_SPECIAL = RAW_TEXT_ELEMENTS | {"meta"}
_PRESERVE = frozenset({"pre", "textarea"})  # where the builder keeps blank strings as they are
_BLANKS = " \n\t\x0c\r"  # BeautifulSoup's ASCII_SPACES: a string of these only is blank
_START, _END = 0, 1
# Each tag as written -> what reading it means (_tag); shared by every post of a build.
_TAG_CACHE: dict = {}
_TAG_CACHE_SIZE = 50_000


class _Element:
    """An element as read: its name, parent, and the strings it holds (first, last + 1)."""

    __slots__ = ("name", "parent", "first", "last", "skipped")

    def __init__(self, name, parent, first, skipped):
        self.name, self.parent, self.first, self.last, self.skipped = (
            name,
            parent,
            first,
            first,
            skipped,
        )

    def parents(self):
        """This element and its ancestors, the root last."""
        element = self
        while element is not None:
            yield element
            element = element.parent


class Flat:
    """A post's HTML read without a tree: what Page gives, and the HTML BeautifulSoup writes.

    TEXT and NODES (the linkable strings' text) are Page's. Every string of the document is
    numbered in order (STRINGS, each in its element PARENTS[i]); NODE_STRINGS gives each
    node's number. splice() writes str(soup) of the tree with some strings replaced.
    """

    def __init__(self, strings, parents, nodes, text, out, slots, marks, root):
        self.strings, self.parents = strings, parents
        self.node_strings = nodes
        self.nodes = tuple(strings[i] for i in nodes)
        self.text, self._out, self._slots, self._marks = text, out, slots, marks
        self.root = root
        self.loose = False  # read_flat ignored an end tag (its HTML reads otherwise)
        self._starts = None

    def starts(self):
        """Where each string starts in all the strings end to end (and the end)."""
        if self._starts is None:
            self._starts = [0, *accumulate(len(s) for s in self.strings)]
        return self._starts

    def element_of(self, node):
        """The element node number NODE is in."""
        return self.parents[self.node_strings[node]]

    def marked_text(self):
        """(The text with a blank line at the START of each block, each string's offset)."""
        # What glossary.annotate reads quotations in (a paragraph's opening quote belongs to
        # it): MARKS holds, for each string, how many blank lines come before it.
        parts, offsets, at, before = [], [], 0, 0
        for string, marks in zip(self.strings, self._marks[:-1], strict=True):
            if marks != before:
                parts.append("\n\n" * (marks - before))
                at += 2 * (marks - before)
                before = marks
            offsets.append(at)
            parts.append(string)
            at += len(string)
        return "".join(parts), offsets

    def splice(self, replaced):
        """str(soup) of the tree, with string number I written as REPLACED[I] (HTML)."""
        out = list(self._out)
        for index, html in replaced.items():
            out[self._slots[index]] = html
        return "".join(out)

    def html(self):
        """str(soup) of the tree, nothing replaced."""
        return "".join(self._out)

    def respliced(self, replaced):
        """read_flat(self.splice(REPLACED)), reading only the replacements; None when one is
        not plain inline markup (a block, a tag left open or closed too often, a blank a read
        changes) or goes inside <pre>, or when SELF's HTML ignored an end tag: read the
        spliced HTML then. Uses SELF up (its elements move to the Flat returned).
        """
        # Speed (bench/size.py, a 10 MB post): the glossary marks terms in the post as its
        # law links leave it; reading that whole HTML again cost 0.16 s for a few links.
        if self.loose:  # strings an ignored end tag kept apart are read as one from the HTML
            return None
        order = sorted(replaced)
        subs = []
        for index in order:
            sub = read_flat(replaced[index])
            if sub is None or sub.html() != replaced[index] or _breaks_or_keeps(sub._out):
                return None
            if any(e.name in _PRESERVE for e in self.parents[index].parents()):
                return None
            subs.append(sub)
        strings, parents, marks, out, slots, text = [], [], [], [], [], []
        shifts = []  # (string index, strings added there), for the elements' first and last
        added_nodes = []  # the linkable strings of each replacement
        done = slot_done = at_text = 0
        old_text, old_slots = self.text, self._slots
        for index, sub in zip(order, subs, strict=True):
            # The strings, out pieces and text before this one, as they were.
            strings += self.strings[done:index]
            parents += self.parents[done:index]
            marks += self._marks[done:index]
            slot = old_slots[index]
            base = len(out) - slot_done
            slots += [s + base for s in old_slots[done:index]]
            out += self._out[slot_done:slot]
            # Where this string is in the text: after its strings and the blank lines so far.
            breaks = len(_BREAK.findall("".join(self._out[slot_done:slot])))
            text_at = at_text + sum(map(len, self.strings[done:index])) + 2 * breaks
            text.append(old_text[at_text:text_at])
            # The replacement's elements hang from this string's element.
            parent = self.parents[index]
            first = len(strings)
            for element in _elements_of(sub):  # parents before children
                element.first += first
                element.last += first
                if element.parent is sub.root:
                    element.parent = parent
                element.skipped = element.parent.skipped or element.name in SKIP
            sub_slot = len(out)
            own = []
            for number, string in enumerate(sub.strings):
                element = sub.parents[number]
                element = parent if element is sub.root else element
                if not element.skipped and string.strip():
                    own.append(first + number)
                parents.append(element)
                marks.append(self._marks[index])
                slots.append(sub._slots[number] + sub_slot)
            strings += sub.strings
            out += sub._out
            text.append(sub.text)
            shifts.append((index, len(sub.strings) - 1))
            added_nodes.append(own)
            done, slot_done = index + 1, slot + 1
            at_text = text_at + len(self.strings[index])
        strings += self.strings[done:]
        parents += self.parents[done:]
        marks += self._marks[done:]
        base = len(out) - slot_done
        slots += [s + base for s in old_slots[done:]]
        out += self._out[slot_done:]
        text.append(old_text[at_text:])
        _shift_elements(self.parents, self.root, shifts)
        # The linkable strings: the others moved along, the replacements' own in their place.
        moved, done, by = [], 0, 0
        old_nodes = self.node_strings
        for (index, count), own in zip(shifts, added_nodes, strict=True):
            cut = bisect_left(old_nodes, index, done)
            moved += [n + by for n in old_nodes[done:cut]] if by else old_nodes[done:cut]
            done = cut + 1 if cut < len(old_nodes) and old_nodes[cut] == index else cut
            moved += own
            by += count
        moved += [n + by for n in old_nodes[done:]] if by else old_nodes[done:]
        return Flat(strings, parents, tuple(moved), "".join(text), out, slots, marks, self.root)


# What ends a block in the text (a blank line): a block's end tag, a void block's tag.
_BREAK = re.compile(
    "</(?:{})>|<(?:{})(?:[ /][^>]*)?>".format(
        "|".join(sorted(BLOCKS, key=len, reverse=True)),
        "|".join(sorted(BLOCKS & VOID_ELEMENTS, key=len, reverse=True)),
    )
)


def _breaks_or_keeps(out):
    """Whether written pieces OUT hold a tag of a block or of an element keeping blanks."""
    for piece in out:
        if piece[:1] == "<":
            name = _NAME.match(piece).group(1)
            if name in BLOCKS or name in _PRESERVE:
                return True
    return False


def _elements_of(flat):
    """The elements FLAT's strings are in, and their ancestors (not the root), parents first."""
    found = {}
    for element in flat.parents:
        chain = []
        while element is not flat.root and id(element) not in found:
            chain.append(element)
            element = element.parent
        for element in reversed(chain):
            found[id(element)] = element
    return list(found.values())


def _shift_elements(parents, root, shifts):
    """Move the first and last of the elements of PARENTS (with ancestors and ROOT) by SHIFTS:
    (string index, strings added there), in order."""
    elements = set(parents)  # an element hashes as itself
    elements.add(root)
    added = elements
    while added:
        added = {e.parent for e in added if e.parent is not None} - elements
        elements |= added
    indices, moved = [index for index, _ in shifts], [0]
    for _, count in shifts:
        moved.append(moved[-1] + count)
    # A string after the index of a replaced one moves by the strings added there.
    first = indices[0]
    for element in elements:
        if element.last > first:
            element.last += moved[bisect_left(indices, element.last)]
            element.first += moved[bisect_left(indices, element.first)]


def escape_text(text):
    """TEXT as BeautifulSoup writes a string: &, < and > escaped."""
    if "&" in text:
        text = text.replace("&", "&amp;")
    if "<" in text:
        text = text.replace("<", "&lt;")
    if ">" in text:
        text = text.replace(">", "&gt;")
    return text


def start_tag(name, attributes, void=False):
    """<NAME ...> as BeautifulSoup writes it: attributes sorted, each value escaped and quoted."""
    written = [name]
    for key, value in sorted(attributes.items()):
        if isinstance(value, list):
            value = " ".join(value)
        value = escape_text(value)
        if '"' not in value:
            written.append(f'{key}="{value}"')
        elif "'" not in value:
            written.append(f"{key}='{value}'")
        else:
            written.append(f'{key}="{value.replace(chr(34), "&quot;")}"')
    return f"<{' '.join(written)}{'/' if void else ''}>"


def _tag(raw):
    """(kind, name, written, void, closes itself) for the tag RAW; None: not for read_flat."""
    name = _NAME.match(raw).group(1).lower()
    if raw[1] == "/":
        return None if name in VOID_ELEMENTS or name in _SPECIAL else (_END, name, f"</{name}>")
    if name in _SPECIAL:
        return None
    attributes = {}
    for match in _ATTRIBUTES.finditer(raw):
        key, double, single = match.groups()
        value = double if double is not None else single
        attributes[key.lower()] = unescape(value) if value else ""
    kinds = _LIST_ATTRIBUTES.get("*", ()), _LIST_ATTRIBUTES.get(name, ())
    for key in attributes:
        if key in kinds[0] or key in kinds[1]:
            attributes[key] = _NOT_WHITESPACE.findall(attributes[key])
    void = name in VOID_ELEMENTS
    return (_START, name, start_tag(name, attributes, void), void, raw.endswith("/>"))


# The references Markdown writes in nearly every post, as BeautifulSoup's table has them.
_XML_ENTITIES = {"amp": "&", "lt": "<", "gt": ">", "quot": '"', "apos": "'"}


@cache
def _entities():
    """BeautifulSoup's table of entity names (it builds it on first use, ~70 ms)."""
    from bs4.dammit import EntitySubstitution

    return EntitySubstitution.HTML_ENTITY_TO_CHARACTER


def decode_references(text):
    """TEXT with its character references replaced as BeautifulSoup does, or None if a "&"
    starts no reference html.parser would read the same way."""
    failed = False

    def replace(match):
        nonlocal failed
        name, number = match.groups()
        if name is not None:
            character = _XML_ENTITIES.get(name) or _entities().get(name)
            if character is not None:
                return character
        elif number is not None:
            code = int(number[1:], 16) if number[0] in "xX" else int(number)
            from bs4.dammit import UnicodeDammit

            return UnicodeDammit.numeric_character_reference(code)[0]
        failed = True
        return ""

    decoded = _REFERENCE.sub(replace, text)
    return None if failed else decoded


def read_flat(html):
    """The Flat reading of HTML, or None for markup it does not vouch for (see above)."""
    html = html or ""
    pieces = _TAGS.split(html)
    # pieces: text, tag, text, tag ... text
    if html.count("<") != len(pieces) // 2:
        return None  # a "<" that is not one of the tags above, or one inside a tag
    cache = _TAG_CACHE
    if len(cache) > _TAG_CACHE_SIZE:
        cache.clear()
    root = _Element("[document]", None, 0, False)
    top, stack, open_names = root, [root], {}
    strings, parents, nodes, text, out, slots, marks = [], [], [], [], [], [], []
    marked = 0  # blank lines so far at block starts (Flat.marked_text)
    preserved = 0  # open <pre> elements
    loose = False  # an end tag was ignored
    last = len(pieces) - 1
    for at in range(0, len(pieces), 2):
        data = pieces[at]
        if data:
            if "&" in data:
                data = decode_references(data)
                if data is None:
                    return None
            if not preserved and not data.strip(_BLANKS):
                data = "\n" if "\n" in data else " "
            parents.append(top)
            marks.append(marked)
            if not top.skipped and data.strip():
                nodes.append(len(strings))
            strings.append(data)
            text.append(data)
            slots.append(len(out))
            out.append(escape_text(data))
        if at == last:
            break
        raw = pieces[at + 1]
        info = cache.get(raw)
        if info is None:
            info = cache[raw] = _tag(raw) or ()
        if not info:
            return None
        if info[0] == _START:
            _, name, written, void, closes = info
            out.append(written)
            if name in BLOCKS:
                marked += 1
            if void:
                if name in BLOCKS:
                    text.append("\n\n")
                continue
            top = _Element(name, top, len(strings), top.skipped or name in SKIP)
            stack.append(top)
            open_names[name] = open_names.get(name, 0) + 1
            if name in _PRESERVE:
                preserved += 1
            if not closes:
                continue
        else:
            name = info[1]
        if not open_names.get(name):
            loose = True  # (respliced: the strings either side are one string written out)
            continue  # an end tag with nothing to close: BeautifulSoup ignores it
        while True:
            element = stack.pop()
            top = stack[-1]
            element.last = len(strings)
            closed = element.name
            open_names[closed] -= 1
            out.append(f"</{closed}>")
            if closed in BLOCKS:
                text.append("\n\n")
            if closed in _PRESERVE:
                preserved -= 1
            if closed == name:
                break
    while len(stack) > 1:
        element = stack.pop()
        element.last = len(strings)
        out.append(f"</{element.name}>")
        if element.name in BLOCKS:
            text.append("\n\n")
    root.last = len(strings)
    marks.append(marked)
    flat = Flat(strings, parents, tuple(nodes), "".join(text), out, slots, marks, root)
    flat.loose = loose
    return flat
