"""Link the first mention of each of a post's themes to the theme's topic page."""

import bisect
import os
import re

from .detect import _fold, _patterns, _raw_matches, _settle, straighten
from .markup import BLOCKS, SKIP, Flat, escape_text, read_html, start_tag

PLACEHOLDER = "{topic}"
# Someone else's words are theirs: no topic link inside a quotation or a cited title.
QUOTED = frozenset({"blockquote", "q", "cite"})
# The accessible description every topic link points at (aria-describedby): the article
# template holds the element with this id, so a screen reader says where the link leads.
NOTE_ID = "topic-link-note"
# Opening mark -> closing mark. Straight quotes close themselves.
_QUOTE_PAIRS = {"“": "”", "‘": "’", '"': '"', "'": "'", "«": "»", "„": "“"}
_SINGLE_OPENERS = "‘'"
_MARKS = re.compile("[" + re.escape("".join(sorted({*_QUOTE_PAIRS, *_QUOTE_PAIRS.values()}))) + "]")
# Words a theme's name shares with any phrase without naming anything.
_STOP_WORDS = frozenset(
    ["a", "an", "and", "at", "by", "for", "from", "in", "of", "on", "or", "the", "to", "with"]
)
_POSSESSIVE = re.compile(r"(?<=s)'$|'s$|$")
# Joins text nodes for one matcher run; never in a phrase, a non-word character to regexes.
_JOINT = "\x00"


def _inside_compound(text, start, end):
    """True when TEXT[start:end] is glued by a hyphen to a word: "blame" in "blame-the-victim"."""
    before = text[max(0, start - 2) : start]
    after = text[end : end + 2]
    glued_before = len(before) == 2 and before[1] in "-‐‑" and before[0].isalnum()
    glued_after = len(after) == 2 and after[0] in "-‐‑" and after[1].isalnum()
    return glued_before or glued_after


def _linkable(node):
    """Whether text NODE may hold a link: plain, not blank, in no SKIP element (as read_html)."""
    from bs4 import NavigableString  # only trees are walked here (see markup.py on bs4)

    if type(node) is not NavigableString or not node.strip():
        return False
    return not any(parent.name in SKIP for parent in node.parents)


def add_crosslinks(html, themes, vocabulary, css_class="theme-link", href=None):
    """Return (HTML with the first mention of each theme linked, slugs linked).

    THEMES are the post's themes; a mention is a strong phrase of the theme (name, synonym
    or phrase) outside links, headings and code. HREF(theme) gives the link target; by
    default a "{topic}slug" placeholder, which the themes plugin hands to Pelican's own link
    resolution (as_pelican_links) so it becomes a URL when the page is written. The text
    is unchanged; HTML without a mention is returned as is.
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
    texts = [str(node) for node in page.nodes]
    # Speed (bench/, a 2 MB post): only each theme's first fitting mention is linked, so the
    # matcher runs over the nodes a stretch at a time and stops once every theme is linked.
    # Matches never span two nodes (see _JOINT), so a stretch gets the matches the whole
    # text gives its nodes; choose_links goes on from where the stretch before left off.
    flat = isinstance(page, Flat)
    context = _flat_contexts(page) if flat else None
    chooser = _Chooser(page.nodes, texts, wanted, vocabulary, context)
    first = 0
    while first < len(texts) and wanted:
        last, size = first, 0
        while last < len(texts) and size < _STRETCH:
            size += len(texts[last]) + len(_JOINT)
            last += 1
        chooser.choose(_candidates(texts, first, last, wanted, vocabulary))
        first = last
    picks = chooser.picks
    linked, replaced = [], {}
    for index, node_picks in sorted(picks.items()):
        if flat:
            written, slugs = linked_html(texts[index], node_picks, href, css_class)
            replaced[page.node_strings[index]] = written
            linked += slugs
        else:
            linked += link_text_node(page.soup, page.nodes[index], node_picks, href, css_class)
    if not linked:
        return html, ()
    return (page.splice(replaced) if flat else str(page.soup)), tuple(linked)


# Characters of linkable text the matcher reads at a time (link_page).
_STRETCH = 20_000


def _candidates(texts, first, last, wanted, vocabulary):
    """(node index, start, end, pattern) of strong mentions of WANTED themes in TEXTS[first:last].

    One run of the matcher over the nodes' text, not one per text node: the nodes are joined
    by a character no phrase matches across and that regexes see as a non-word character,
    like a text's end; so no match spans two nodes, and as overlaps are settled only between
    matches that share characters, each node gets the matches the matcher gives it alone, in
    the same order: first mention first.
    """
    patterns = _patterns(vocabulary)
    indexes = _mentioning(texts, first, last, _naming(patterns, wanted, vocabulary))
    starts, at = [], 0
    for index in indexes:
        starts.append(at)
        at += len(texts[index]) + len(_JOINT)
    joined = straighten(_JOINT.join(texts[index] for index in indexes))
    candidates = []
    for found_start, found_end, pattern in _settle(joined, patterns):
        if pattern.theme.slug not in wanted or pattern.weak:
            continue
        offset = bisect.bisect_right(starts, found_start) - 1
        # Offsets stay valid: straighten maps single characters to single characters.
        start = found_start - starts[offset]
        # Link the word, not its possessive ending: "Ofsted" of "Ofsted's".
        possessive = _POSSESSIVE.search(joined[found_start:found_end]).group()
        end = found_end - starts[offset] - len(possessive)
        candidates.append((indexes[offset], start, end, pattern))
    return candidates


def _naming(patterns, wanted, vocabulary):
    """The strong PATTERNS of the WANTED themes that name their theme: all a link may be on."""
    return vocabulary.cached(
        ("naming", frozenset(wanted)),
        lambda: tuple(
            pattern
            for pattern in patterns
            if pattern.weak is False
            and pattern.theme.slug in wanted
            and names_theme(pattern.phrase, pattern.theme, vocabulary)
        ),
    )


def _mentioning(texts, first, last, naming):
    """Indexes of the TEXTS[first:last] in which a pattern of NAMING matches, in order.

    Speed (bench/, a 10 MB post whose one theme is never linkable): a link can only go on a
    settled match of a NAMING pattern, and settling only takes matches away, so only the
    texts where such a pattern matches need settling with every pattern of the vocabulary;
    as no match spans two texts, each of them settles alone as it does among the others.
    NAMING is a plain tuple, so each pattern is looked for by its literals (a few searches
    of the text in C), not by a run of the regex of first words over every word.
    """
    if not naming:
        return []
    starts, at = [], 0
    for text in texts[first:last]:
        starts.append(at)
        at += len(text) + len(_JOINT)
    joined = straighten(_JOINT.join(texts[first:last]))
    indexes = set()
    for _, spans in _raw_matches(naming, joined, _fold(joined)):
        for start, _ in spans:
            indexes.add(first + bisect.bisect_right(starts, start) - 1)
    return sorted(indexes)


def choose_links(nodes, texts, candidates, wanted, vocabulary):
    """{node index: [(start, end, theme)]}: the mention of each theme to link, first fit first.

    CANDIDATES are (node index, start, end, pattern) of strong mentions in document order;
    WANTED ({slug: theme}) the themes still to link, emptied as they are. A mention is
    linked when it names its theme (names_theme), is not half a hyphenated word, is in
    nobody's quoted words and is not side by side with the topic link before it.
    """
    chooser = _Chooser(nodes, texts, wanted, vocabulary)
    chooser.choose(candidates)
    return chooser.picks


class _Chooser:
    """choose_links over candidates given a stretch at a time, in document order.

    CONTEXT(node index) gives _context's answer; by default _context of the tree's node.
    """

    def __init__(self, nodes, texts, wanted, vocabulary, context=None):
        self.nodes, self.texts, self.wanted, self.vocabulary = nodes, texts, wanted, vocabulary
        self.context = context or (lambda index: _context(self.nodes[index], self.blocks))
        # picks: as choose_links returns; contexts: node index -> _context; blocks: see
        # _context; last: (block, end offset) of the last pick, for links side by side.
        self.picks, self.contexts, self.blocks, self.last = {}, {}, {}, None

    def choose(self, candidates):
        """Pick from CANDIDATES (the next ones in document order), as choose_links does."""
        wanted, texts, contexts = self.wanted, self.texts, self.contexts
        for index, start, end, pattern in candidates:
            if not wanted:
                break
            theme = pattern.theme
            if theme.slug not in wanted or not names_theme(pattern.phrase, theme, self.vocabulary):
                continue
            if _inside_compound(texts[index], start, end):
                # Half a hyphenated word is no mention of the theme: a link on "blame" in
                # "blame-the-victim" reads oddly. A later mention may still link.
                continue
            context = contexts.get(index)
            if context is None:
                context = contexts[index] = self.context(index)
            block, offset, quoted = context
            if quoted or _overlaps(block.quotes, offset + start, offset + end):
                continue
            last = self.last
            if (
                last is not None
                and last[0] is block
                and not _WORD.search(block.text, last[1], offset + start)
            ):
                # Two topic links side by side read as one link, or as a list of links.
                continue
            self.picks.setdefault(index, []).append((start, end, wanted.pop(theme.slug)))
            self.last = (block, offset + end)


_WORD = re.compile(r"[^\W_]")


class _Block:
    """The text of one block element (paragraph, list item ...), its strings and quotations."""

    def __init__(self, element):
        self.offsets, parts, at = {}, [], 0
        for string in element.strings:
            self.offsets[id(string)] = at
            parts.append(string)
            at += len(string)
        # As written, not straightened: curly quotes tell an apostrophe from a closing quote.
        self.text = "".join(parts)
        self.quotes = quoted_spans(self.text)


def _context(node, blocks):
    """(block of NODE, NODE's offset in the block's text, whether it is in a quoting element).

    BLOCKS ({id(element): _Block}) keeps each block read once per post.
    """
    quoted, element = False, None
    for parent in node.parents:
        if parent.name in QUOTED:
            quoted = True
        if element is None and (parent.name in BLOCKS or parent.parent is None):
            element = parent
    block = blocks.get(id(element))
    if block is None:
        block = blocks[id(element)] = _Block(element)
    return block, block.offsets[id(node)], quoted


class _FlatBlock:
    """_Block of a Flat page's ELEMENT: the text of the strings it holds, its quotations."""

    def __init__(self, page, element):
        self.text = "".join(page.strings[element.first : element.last])
        self.quotes = quoted_spans(self.text)


def _flat_contexts(page):
    """_context for the nodes of a Flat PAGE, by node index."""
    starts, blocks = page.starts(), {}

    def context(index):
        string = page.node_strings[index]
        quoted, element = False, None
        for parent in page.parents[string].parents():
            if parent.name in QUOTED:
                quoted = True
            if element is None and (parent.name in BLOCKS or parent.parent is None):
                element = parent
        block = blocks.get(element)
        if block is None:
            block = blocks[element] = _FlatBlock(page, element)
        return block, starts[string] - starts[element.first], quoted

    return context


def _overlaps(spans, start, end):
    """Whether [START, END) shares a character with any (s, e) of SPANS."""
    return any(s < end and start < e for s, e in spans)


def quoted_spans(text):
    """(start, end) of each outermost quotation in TEXT, marks included, in order.

    Double quotes (“…”, "…", «…», „…“) and single ones (‘…’, '…'); an apostrophe is told
    from a closing single quote by the letter after it ("doesn’t"). A quotation left open
    runs to the end of TEXT (a quoted paragraph that goes on into the next one).
    """
    spans, stack = [], []  # stack: (closing mark, where the quotation opened)
    # Speed (bench/): only quotation marks open or close anything, so only they are visited.
    for mark in _MARKS.finditer(text):
        at, char = mark.start(), mark.group()
        depth = _closing_depth(text, at, char, stack)
        if depth is not None:
            opened = stack[depth][1]
            del stack[depth:]
            if not stack:
                spans.append((opened, at + 1))
            continue
        if char in _QUOTE_PAIRS and _opens(text, at, char):
            stack.append((_QUOTE_PAIRS[char], at))
    if stack:
        spans.append((stack[0][1], len(text)))
    return spans


def _closing_depth(text, at, char, stack):
    """Where in STACK the quotation CHAR at AT closes (the innermost it can), or None."""
    for depth in range(len(stack) - 1, -1, -1):
        if stack[depth][0] == char:
            if char in "’'" and at + 1 < len(text) and text[at + 1].isalnum():
                return None  # an apostrophe inside a word: "doesn’t"
            return depth
    return None


def _opens(text, at, char):
    """Whether the quotation mark CHAR at AT opens a quotation."""
    before = text[at - 1] if at else " "
    after = text[at + 1] if at + 1 < len(text) else " "
    if char in _SINGLE_OPENERS:
        # ‘ or ' opens only before a word and after none: not the ' of "parents' views".
        return not before.isalnum() and not after.isspace()
    return not after.isspace() or char == "“"


def _words(text):
    """The words of TEXT, folded: lower case, no possessive "'s", no wildcard "*"."""
    words = re.findall(r"[^\W\d_]+(?:'[^\W\d_]+)*", straighten(text).lower())
    return [word[:-2] if word.endswith("'s") else word for word in words]


def _main_word(phrase):
    """The word a phrase is about: "culture" of "culture of fear", else its last word."""
    words = _words(phrase)
    if "of" in words[1:]:
        return words[words.index("of", 1) - 1]
    return words[-1] if words else ""


def _kin(word, other):
    """Whether two folded words are the same word, inflections aside (learn, learning)."""
    if word == other:
        return True
    shared = len(os.path.commonprefix([word, other]))
    return shared >= 4 and shared >= 0.75 * min(len(word), len(other))


def names_theme(phrase, theme, vocabulary=None):
    """Whether a strong PHRASE of THEME names it, so a link on it says where it leads.

    The theme's name and synonyms do; another phrase does when its main word is a word of
    the name or a synonym ("culture of blame", "high caseloads"). Evidence that only
    suggests the theme does not: "spending on" (Caseloads), "Prime Minister" (Media and
    politics), "inspection report" (a report, not the Ofsted topic).
    """
    if vocabulary is None:
        return _names_theme(phrase, theme)
    return vocabulary.cached(
        ("names_theme", theme.slug, phrase), lambda: _names_theme(phrase, theme)
    )


def _names_theme(phrase, theme):
    labels = (theme.name, *theme.synonyms)
    if phrase in labels:
        return True
    main = _main_word(phrase)
    if not main or main in _STOP_WORDS:
        return False
    words = {word for label in labels for word in _words(label)} - _STOP_WORDS
    return any(_kin(main, word) for word in words)


def link_text_node(soup, node, picks, href, css_class="theme-link"):
    """Replace text NODE by its text with each (start, end, theme) of PICKS made a topic link.

    Returns the slugs linked, in order. The text itself is unchanged. Each link points its
    accessible description at NOTE_ID, which the article page holds ("leads to a topic").
    """
    from bs4 import NavigableString  # only trees are linked here (see markup.py on bs4)

    text = str(node)
    pieces, cursor, linked = [], 0, []
    for start, end, theme in picks:
        pieces.append(NavigableString(text[cursor:start]))
        link = soup.new_tag("a", href=href(theme), title=f"Topic: {theme.name}")
        link["class"] = css_class
        link["aria-describedby"] = NOTE_ID
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


def linked_html(text, picks, href, css_class="theme-link"):
    """(HTML, slugs): link_text_node's text node as str(soup) writes it, without a tree."""
    pieces, cursor, linked = [], 0, []
    for start, end, theme in picks:
        attributes = {"href": href(theme), "title": f"Topic: {theme.name}"}
        attributes["class"] = css_class
        attributes["aria-describedby"] = NOTE_ID
        pieces.append(escape_text(text[cursor:start]))
        pieces.append(f"{start_tag('a', attributes)}{escape_text(text[start:end])}</a>")
        cursor = end
        linked.append(theme.slug)
    pieces.append(escape_text(text[cursor:]))
    return "".join(pieces), linked


def as_pelican_links(html):
    """HTML with each href="{topic}slug" made Pelican's link href="{filename}/{topic}slug".

    The themes plugin puts every theme in Pelican's generated_content under "{topic}slug",
    so Pelican itself resolves these links per page written, as it does an author's links.
    """
    if not html or PLACEHOLDER not in html:
        return html
    return html.replace(f'href="{PLACEHOLDER}', f'href="{{filename}}/{PLACEHOLDER}')
