"""Mark the first use of each glossary term in a post, and link its references to the law."""

from __future__ import annotations

import bisect
import dataclasses
import datetime as dt
import re
from dataclasses import dataclass
from html import unescape

from plugins.build_speed.keys import key
from plugins.collector import collector_paused
from plugins.themes.detect import _fold, words_regex
from plugins.themes.markup import (
    BLOCKS,
    Flat,
    escape_text,
    read_html,
    read_soup,
    start_tag,
)

GLOSSARY_PLACEHOLDER = "{glossary}"
_PLACEHOLDER_HREF = re.compile(r'href="\{glossary\}([a-z0-9-]*)"')
LEGISLATION = "https://www.legislation.gov.uk/"
# Besides headings, links and code (themes.markup.SKIP): quotations are someone else's words.
QUOTES = frozenset({"blockquote", "q", "cite", "abbr", "dfn"})
# Speed (a 4 MB post: 0.15 s to 0.04 s): the lookahead for the marks a quotation opens with
# lets the regex engine skip to them instead of trying every alternative at every character.
_QUOTED = re.compile(
    r"(?=[“\"‘'])(?:"
    r"“(?:(?!\n\n)[^”])*”"
    r'|"(?:(?!\n\n)[^"])*"'
    r"|(?<![\w])‘(?:(?!\n\n)[^‘’]|’(?=\w))*’(?!\w)"
    r"|(?<![\w'])'(?:(?!\n\n)[^'\n]|'(?=\w))*'(?!\w)"
    r")"
)
_SUFFIX = r"(?:s(?![\w])|’s|'s|s’|s')?"


def form_pattern(form):
    """The regex body for one way of writing a term (term_matcher adds the word boundaries).

    A form with a capital letter (HCPC, DfE, Ofsted, Social Work England) matches only as
    written; an all-lower-case one (safeguarding partners) in any case.
    """
    body = re.escape(form).replace(r"\ ", r"\s+").replace(r"\-", "[-‐‑ ]?")
    return body if any(c.isupper() for c in form) else f"(?i:{body})"


def term_forms(term):
    """The forms of TERM found in posts: the term, `also`, and a proper-name expansion."""
    forms = [term.term, *term.also]
    # "Health and Care Professions Council" is the HCPC wherever it is written; a common-noun
    # expansion ("child protection" for CP) is everywhere in this blog and marks nothing.
    if term.expansion and term.expansion[0].isupper():
        forms.append(term.expansion)
    return tuple(dict.fromkeys(forms))


@dataclass(frozen=True)
class TermMatch:
    """One use of a term in a text: where it is, and which term and form it is."""

    start: int
    end: int
    text: str
    term: object
    form: str


_WORD = re.compile(r"\w+")


@dataclass(frozen=True)
class TermMatcher:
    """Every form of every term, found by the word each form starts with."""

    # first word (as written, or case-folded for an all-lower-case form) ->
    # [(anchored regex, Term, form)], longest form first
    by_word: dict
    # Every whole word that could be a key of BY_WORD (any case, with or without a plural
    # "s"): a superset, so the words it skips are words BY_WORD has nothing for.
    candidates: re.Pattern
    # CANDIDATES without re.IGNORECASE, for the text folded as re.IGNORECASE compares (the
    # same words, found in half the time); None when a word is not ASCII (see _fold).
    folded: re.Pattern | None = None

    def finditer(self, text):
        """The uses of terms in TEXT, left to right, never overlapping; longest form first."""
        for start, end, found, term, form in self.spans(text):
            yield TermMatch(start, end, found, term, form)

    def spans(self, text):
        """finditer's uses as (start, end, text, term, form) tuples."""
        # Speed: a regex of every form tried at every position cost milliseconds a post;
        # looking up each word and trying only the forms starting with it costs a tenth, and
        # letting one regex skip to the words that could start a form (in C) a tenth again.
        # Tuples, not TermMatch objects (a 10 MB post has 100,000 uses: bench/size.py).
        by_word, cursor = self.by_word, 0
        if self.folded is not None:
            words = self.folded.finditer(_fold(text))
        else:
            words = self.candidates.finditer(text)
        for word in words:
            start = word.start()
            if start < cursor or (start and text[start - 1] == "-"):
                continue
            token = text[start : word.end()]
            candidates = by_word.get(token) or by_word.get(token.casefold())
            if candidates is None and token[-1:] == "s":  # "SCRs": the word is "SCR"
                candidates = by_word.get(token[:-1]) or by_word.get(token[:-1].casefold())
            if candidates is None:
                continue
            for regex, term, form in candidates:
                found = regex.match(text, start)
                if found:
                    cursor = found.end()
                    yield start, cursor, found.group(), term, form
                    break

    def search(self, text):
        return next(self.finditer(text), None)


def term_matcher(glossary):
    """A TermMatcher for GLOSSARY: 'serious case review' is tried before 'serious case'."""
    pairs = [(term, form) for term in glossary for form in term_forms(term)]
    pairs.sort(key=lambda pair: -len(pair[1]))
    by_word = {}
    for term, form in pairs:
        first = _WORD.match(form)
        if first is None:
            continue
        key = first.group() if any(c.isupper() for c in form) else first.group().casefold()
        # Whole words only; plural or possessive endings belong to the match ("SCRs").
        regex = re.compile(f"{form_pattern(form)}{_SUFFIX}(?![\\w-])")
        by_word.setdefault(key, []).append((regex, term, form))
    # A lower-case form's word may be written with capitals ("Serious case review"): the
    # matcher looks a word up as written, then case-folded; give both keys the same list.
    for key in list(by_word):
        folded = key.casefold()
        if folded != key and folded in by_word:
            merged = sorted(by_word[key] + by_word[folded], key=lambda c: -len(c[2]))
            by_word[key] = merged
    # The words, in any case and with a plural "s", as a trie: one pass of the regex engine.
    keys = {key.casefold() for key in by_word}
    words = words_regex(sorted(keys | {f"{key}s" for key in keys}), ()) if keys else "(?!)"
    folded = re.compile(r"(?<!\w)" + words) if all(key.isascii() for key in keys) else None
    return TermMatcher(by_word, re.compile(r"(?<!\w)" + words, re.IGNORECASE), folded)


def terms_used(text, matcher):
    """Slugs of the terms TEXT mentions anywhere, in order of first mention."""
    found = {}
    for _, _, _, term, _ in matcher.spans(text or ""):
        found.setdefault(term.slug, None)
    return tuple(found)


def _is_abbreviation(term, form):
    return bool(term.expansion) and form != term.expansion and " " not in form


def _word_end(matched):
    """The length of MATCHED without a possessive ending: 'HCPC' of 'HCPC's'."""
    for ending in ("’s", "'s", "’", "'"):
        if matched.endswith(ending):
            return len(matched) - len(ending)
    return len(matched)


def _texts_with_offsets(soup):
    """The document's text (a blank line between blocks) and each text node's offset in it."""
    from bs4 import NavigableString, Tag  # trees only: see themes/markup.py on bs4

    parts, offsets, at = [], {}, 0
    for element in soup.descendants:
        if isinstance(element, Tag):
            if element.name in BLOCKS:
                parts.append("\n\n")
                at += 2
        elif type(element) is NavigableString:
            offsets[id(element)] = at
            parts.append(str(element))
            at += len(element)
    return "".join(parts), offsets


def _quoted_ranges(text):
    return [(m.start(), m.end()) for m in _QUOTED.finditer(text)]


class _Quotations:
    """Whether a span of TEXT lies inside a quotation (_QUOTED): any(s < start and end <= e).

    Speed (bench/, a 10 MB post): the quotations are found only as far as the spans asked
    about reach (they are asked in order), and a span is checked against the last quotation
    opened before it only: quotations never overlap, so that one reaches furthest of them.
    """

    def __init__(self, text):
        self._found = _QUOTED.finditer(text)
        self._next = next(self._found, None)
        self._starts, self._ends = [], []  # the quotations found so far

    def holds(self, start, end):
        """Whether some quotation (s, e) has s < START and END <= e."""
        while self._next is not None and self._next.start() < start:
            self._starts.append(self._next.start())
            self._ends.append(self._next.end())
            self._next = next(self._found, None)
        before = bisect.bisect_left(self._starts, start)
        return before > 0 and end <= self._ends[before - 1]


def _in_quote(parent_names):
    return any(name in QUOTES for name in parent_names)


def mark_first_uses(html, glossary, matcher=None, css_class="term", href=None):
    """Return (HTML with each term's first use marked, slugs marked, slugs used anywhere).

    The first use outside headings, links, code and quotations (blockquote, q, or between
    quotation marks) becomes a link to the term's glossary entry whose accessible name says
    what it stands for; an abbreviation is also wrapped in <abbr title="expansion">. The
    words of the post are unchanged.
    """
    matcher = matcher or term_matcher(glossary)
    # Speed: most posts of a big site mention no term; no parse for them. Unescaped, so
    # "Children&rsquo;s" is seen as the text it shows.
    if not html or matcher.search(unescape(html)) is None:
        return html, (), ()
    page = read_html(html)
    marked, used, written = mark_page(page, matcher, css_class, href)
    if not marked:
        return html, (), used
    return written, marked, used


def mark_page(page, matcher, css_class="term", href=None, used=None):
    """mark_first_uses on HTML already read into PAGE (markup.read_html), which it changes.

    Returns (slugs marked, slugs used anywhere, the HTML with them marked or None). USED is
    terms_used(page.text, MATCHER) when the caller has it.
    """
    if used is None:
        used = terms_used(page.text, matcher)
    if not used:
        return (), (), None
    href = href or (lambda term: f"{GLOSSARY_PLACEHOLDER}{term.slug}")
    flat = isinstance(page, Flat)
    if flat:
        full, offsets = page.marked_text()
    else:
        full, offsets = _texts_with_offsets(page.soup)
    quoted = _Quotations(full)
    wanted = set(used)
    picks = []
    for index, node in enumerate(page.nodes):
        if not wanted:
            break
        if flat:
            if _in_quote(parent.name for parent in page.element_of(index).parents()):
                continue
            base = offsets[page.node_strings[index]]
        elif _in_quote(parent.name for parent in node.parents):
            continue
        else:
            base = offsets.get(id(node), 0)
        node_picks = []
        for found_start, found_end, found, term, form in matcher.spans(str(node)):
            if term.slug not in wanted:
                continue
            if quoted.holds(base + found_start, base + found_end):
                continue
            wanted.discard(term.slug)
            node_picks.append((found_start, found_start + _word_end(found), term, form))
        if node_picks:
            picks.append((index, node_picks))
    marked, replaced = [], {}
    for index, node_picks in picks:
        if flat:
            written, slugs = _marked_html(str(page.nodes[index]), node_picks, href, css_class)
            replaced[page.node_strings[index]] = written
            marked += slugs
        else:
            marked += _mark_node(page.soup, page.nodes[index], node_picks, href, css_class)
    if not marked:
        return (), used, None
    return tuple(marked), used, (page.splice(replaced) if flat else str(page.soup))


def _marked_html(text, picks, href, css_class):
    """(HTML, slugs): _mark_node's text node as str(soup) writes it, without a tree."""
    pieces, cursor, marked = [], 0, []
    for start, end, term, form in picks:
        pieces.append(escape_text(text[cursor:start]))
        shown = text[start:end]
        attributes = {"href": href(term), "class": css_class}
        if _is_abbreviation(term, form):
            attributes["aria-label"] = f"{shown}, {term.expansion}, in the glossary"
            inner = f"{start_tag('abbr', {'title': term.expansion})}{escape_text(shown)}</abbr>"
        else:
            attributes["aria-label"] = f"{shown}, in the glossary"
            inner = escape_text(shown)
        pieces.append(f"{start_tag('a', attributes)}{inner}</a>")
        cursor = end
        marked.append(term.slug)
    pieces.append(escape_text(text[cursor:]))
    return "".join(pieces), marked


def _mark_node(soup, node, picks, href, css_class):
    from bs4 import NavigableString  # trees only: see themes/markup.py on bs4

    text = str(node)
    pieces, cursor, marked = [], 0, []
    for start, end, term, form in picks:
        pieces.append(NavigableString(text[cursor:start]))
        shown = text[start:end]
        link = soup.new_tag("a", href=href(term))
        link["class"] = css_class
        if _is_abbreviation(term, form):
            link["aria-label"] = f"{shown}, {term.expansion}, in the glossary"
            abbr = soup.new_tag("abbr", title=term.expansion)
            abbr.string = shown
            link.append(abbr)
        else:
            link["aria-label"] = f"{shown}, in the glossary"
            link.string = shown
        pieces.append(link)
        cursor = end
        marked.append(term.slug)
    pieces.append(NavigableString(text[cursor:]))
    for piece in pieces:
        if not (isinstance(piece, NavigableString) and not piece):
            node.insert_before(piece)
    node.extract()
    return marked


# -- the law ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class LawRef:
    """One reference to the law in a post, and where it links."""

    text: str  # as written in the post
    label: str  # what it is, in full: "section 47 of the Children Act 1989"
    dated_url: str  # the text as it stood on the post's date ("" when none is recorded)
    current_url: str
    act: object = None
    guidance: object = None
    edition: object = None


def section_urls(act, number, day):
    """(text of section NUMBER of ACT on DAY, current text) on legislation.gov.uk."""
    base = f"{LEGISLATION}{act.legislation}/section/{number}"
    return f"{base}/{_version(act, day)}", base


def act_urls(act, day):
    """(ACT's contents as they stood on DAY, current contents) on legislation.gov.uk."""
    base = f"{LEGISLATION}{act.legislation}/contents"
    return f"{base}/{_version(act, day)}", base


def _version(act, day):
    # Before Royal Assent there is no point-in-time text; the Act as passed is closest.
    return "enacted" if day < act.enacted else day.isoformat()


@dataclass(frozen=True)
class LawMatcher:
    regex: re.Pattern
    acts: dict  # title, whitespace folded -> Act
    guidance: dict  # group name -> Guidance


def _words(text):
    return re.escape(text).replace(r"\ ", r"\s+")


def law_matcher(table):
    """One regex for every reference the law table knows, most specific first."""
    acts = {" ".join(act.title.split()): act for act in table.acts}
    titles = "|".join(_words(title) for title in sorted(acts, key=len, reverse=True))
    # "section 47", "s47", "s.47", "s 47" (not the "s" of "it's 47"), and the Act if named.
    parts = [
        r"(?P<section>(?:(?<![\w])(?i:section)\s+|(?<![\w'’])s\.?\s?)(?P<number>\d+[A-Z]{0,2})"
        rf"(?:\s+(?:of\s+)?(?:the\s+)?(?P<of>{titles}))?)(?![\w])"
    ]
    parts.append(rf"(?<![\w])(?P<act>{titles})(?![\w])")
    guidance = {}
    for index, item in enumerate(table.guidance):
        name = f"g{index}"
        guidance[name] = item
        names = "|".join(_words(n) for n in sorted(item.names, key=len, reverse=True))
        parts.append(
            rf"(?<![\w])(?P<{name}>(?:{names})(?:\s*\(?(?P<{name}y>(?:19|20)\d\d)\)?)?)(?![\w])"
        )
    # Speed (bench/: a third of the glossary's time was this regex tried at every character):
    # a lookahead for the characters a reference can begin with lets the regex engine skip
    # to them. "section" is matched in any case, and re.IGNORECASE reads "ſ" as "s".
    firsts = {"s", "S", "ſ"} | {title[0] for title in acts if title}
    firsts |= {name[0] for item in table.guidance for name in item.names if name}
    begins = "".join(re.escape(char) for char in sorted(firsts))
    regex = re.compile(f"(?=[{begins}])(?:{'|'.join(parts)})")
    return LawMatcher(regex, acts, guidance)


def _reference(match, table, day, matcher):
    """The LawRef for MATCH, or None for a section number the table does not know."""
    if match.group("section"):
        number = match.group("number")
        named = match.group("of")
        act = matcher.acts[" ".join(named.split())] if named else table.bare_act
        if act is None or (not named and act.section(number) is None):
            return None
        dated, current = section_urls(act, number, day)
        return LawRef(match.group(), f"section {number} of the {act.title}", dated, current, act)
    if match.group("act"):
        act = matcher.acts[" ".join(match.group("act").split())]
        dated, current = act_urls(act, day)
        return LawRef(match.group(), f"the {act.title}", dated, current, act)
    for name, item in matcher.guidance.items():
        if match.group(name):
            year = match.group(f"{name}y")
            edition = item.edition(int(year)) if year else item.in_force(day)
            label = f"{item.title} ({edition.year})" if edition else item.title
            dated = edition.url if edition else ""
            return LawRef(
                match.group(), label, dated, item.current_url, guidance=item, edition=edition
            )
    return None


def _when_text(day):
    return f"{day.day} {day:%B %Y}"


def link_law(html, table, day, matcher=None):
    """Return (HTML with the first reference to each law linked, the LawRefs found).

    Each reference links to the text as it stood on DAY (the post's date) and is followed by
    a second link to the current text. References in headings, links and code are left alone.
    """
    matcher = matcher or law_matcher(table)
    if not html or not matcher.regex.search(unescape(html)):
        return html, ()
    page = read_html(html)
    found, written = link_law_page(page, table, day, matcher)
    if not found:
        return html, ()
    return written, found


def link_law_page(page, table, day, matcher):
    """link_law on HTML already read into PAGE (markup.read_html), which it changes.

    Returns (the LawRefs linked, the HTML with them linked or None).
    """
    found, written, _ = _link_law_page(page, table, day, matcher)
    return found, written


def _link_law_page(page, table, day, matcher, scanned=None):
    """link_law_page's answer, and for a Flat page the HTML put for each string it replaced;
    the law regex's matches in each string from SCANNED (a Scanned) where it has them."""
    if isinstance(day, dt.datetime):
        day = day.date()
    seen, found, replaced = set(), [], {}
    flat = isinstance(page, Flat)
    for index, node in enumerate(page.nodes):
        text = str(node)
        picks = []
        matches = scanned.law_matches(text, matcher.regex) if scanned else None
        if matches is None:
            matches = matcher.regex.finditer(text)
        for match in matches:
            ref = _reference(match, table, day, matcher)
            if ref is None or ref.label in seen:
                continue
            seen.add(ref.label)
            picks.append((match.start(), match.end(), ref))
        if not picks:
            continue
        if flat:
            replaced[page.node_strings[index]] = _law_html(text, picks, day)
            found += [ref for _, _, ref in picks]
            continue
        from bs4 import NavigableString  # a tree: see themes/markup.py on bs4

        pieces, cursor = [], 0
        for start, end, ref in picks:
            pieces.append(NavigableString(text[cursor:start]))
            pieces += _law_links(page.soup, ref, day)
            cursor = end
            found.append(ref)
        pieces.append(NavigableString(text[cursor:]))
        for piece in pieces:
            if not (isinstance(piece, NavigableString) and not piece):
                node.insert_before(piece)
        node.extract()
    if not found:
        return (), None, replaced
    return tuple(found), (page.splice(replaced) if flat else str(page.soup)), replaced


def _law_html(text, picks, day):
    """The HTML of text node TEXT with each (start, end, LawRef) of PICKS linked (_law_links)."""
    pieces, cursor = [], 0
    for start, end, ref in picks:
        pieces.append(escape_text(text[cursor:start]))
        if ref.dated_url:
            attributes = {"href": ref.dated_url, "class": "law"}
            if ref.edition is not None:
                attributes["title"] = f"{ref.label}, the edition in force on {_when_text(day)}"
            else:
                attributes["title"] = f"{ref.label} as it stood on {_when_text(day)}"
            pieces.append(f"{start_tag('a', attributes)}{escape_text(ref.text)}</a>")
        else:
            pieces.append(escape_text(ref.text))
        what = "edition" if ref.guidance is not None else "text"
        label = f"{ref.guidance.title if ref.guidance else ref.label}: the current {what}"
        current = start_tag("a", {"href": ref.current_url, "aria-label": label})
        now = start_tag("span", {"class": "law-now", "data-pagefind-ignore": ""})
        pieces.append(f"{now} ({current}current {what}</a>)</span>")
        cursor = end
    pieces.append(escape_text(text[cursor:]))
    return "".join(pieces)


def _as_parsed(soup):
    """Make SOUP what a parse of its HTML (str(soup)) gives: the tree mark_first_uses read."""
    from bs4 import NavigableString  # trees only: see themes/markup.py on bs4

    # A parse reads text side by side as one string (the "s 47" of "see s 47" when the law
    # link is plain text; the text around a stray end tag) and a blank string as one space
    # or newline (outside <pre> and <textarea>). Nothing else in a tree of BeautifulSoup's
    # html.parser reads otherwise when written out and parsed again (the reference test).
    strings = [item for item in soup.descendants if type(item) is NavigableString]
    for string in strings:
        if string.parent is None:  # joined to the string before it already
            continue
        run = [string]
        while type(run[-1].next_sibling) is NavigableString:
            run.append(run[-1].next_sibling)
        text = "".join(run)
        parsed = text
        if not text.strip(_BLANKS) and not any(p.name in _PRESERVED for p in string.parents):
            parsed = "\n" if "\n" in text else " "
        if len(run) == 1 and parsed == text:
            continue
        string.insert_before(NavigableString(parsed))
        for part in run:
            part.extract()


# What BeautifulSoup counts as blank (ASCII_SPACES), and where it keeps blanks as they are.
_BLANKS = " \n\t\x0c\r"
_PRESERVED = frozenset({"pre", "textarea"})


def _law_links(soup, ref, day):
    from bs4 import NavigableString  # trees only: see themes/markup.py on bs4

    pieces = []
    if ref.dated_url:
        link = soup.new_tag("a", href=ref.dated_url)
        link["class"] = "law"
        if ref.edition is not None:
            link["title"] = f"{ref.label}, the edition in force on {_when_text(day)}"
        else:
            link["title"] = f"{ref.label} as it stood on {_when_text(day)}"
        link.string = ref.text
        pieces.append(link)
    else:
        pieces.append(NavigableString(ref.text))
    now = soup.new_tag("span")
    now["class"] = "law-now"
    now["data-pagefind-ignore"] = ""
    now.append(NavigableString(" ("))
    current = soup.new_tag("a", href=ref.current_url)
    what = "edition" if ref.guidance is not None else "text"
    current["aria-label"] = (
        f"{ref.guidance.title if ref.guidance else ref.label}: the current {what}"
    )
    current.string = f"current {what}"
    now.append(current)
    now.append(NavigableString(")"))
    pieces.append(now)
    return pieces


# -- URLs ------------------------------------------------------------------------------------


def as_pelican_links(html):
    """HTML with each href="{glossary}slug" made Pelican's href="{filename}/{glossary}#term-slug".

    The glossary plugin puts the glossary page in Pelican's generated_content under
    "{glossary}", so Pelican resolves these links per page written, as it does an author's.
    """
    if not html or GLOSSARY_PLACEHOLDER not in html:
        return html

    def replace(match):
        slug = match.group(1)
        fragment = f"#{anchor(slug)}" if slug else ""
        return f'href="{{filename}}/{GLOSSARY_PLACEHOLDER}{fragment}"'

    return _PLACEHOLDER_HREF.sub(replace, html)


def anchor(slug):
    """The id of a term's entry on the glossary page."""
    return f"term-{slug}"


def annotate_html(
    html, law, day, term_re, law_re, law_links=True, terms=True, css_class="term", scanned=None
):
    """(HTML, LawRefs, term slugs used): what link_law and then mark_first_uses give, or
    the uses alone when TERMS is off, from one parse of the post.

    Speed (a 2 MB post): each of the two parsed the HTML; here the law links go into the
    tree and the terms are looked for in that tree as it then stands, which is the tree a
    parse of its HTML gives (tests/glossary/test_one_parse.py checks it on every post).
    SCANNED (scan_ahead's, of this post before other links went in) spares the searches it
    made of the same strings and text.
    """
    with collector_paused():
        html, refs, page = _law_pass(html, law, day, law_re, law_links, scanned)
        # The quick look mark_first_uses takes before it parses, on the HTML as it now is.
        if not html or term_re.search(unescape(html)) is None:
            return html, refs, ()
        page = page or read_html(html)
        if scanned is not None:
            used = scanned.terms_used(page.text, term_re)
        else:
            used = terms_used(page.text, term_re)
        if not terms:
            return html, refs, used
        marked, used, written = mark_page(page, term_re, css_class, used=used)
        return (written if marked else html), refs, used


def _law_pass(html, law, day, law_re, law_links, scanned=None, page=None):
    """(HTML with its law links, the LawRefs, its page or None): annotate_html's first step.

    PAGE is HTML's page when the caller has read it (it is used up).
    """
    refs = ()
    if law_links and html and law_re.regex.search(unescape(html)):
        page = page or read_html(html)
        refs, linked, replaced = _link_law_page(page, law, day, law_re, scanned)
        if refs:
            html = linked
            if isinstance(page, Flat):
                # What _as_parsed makes of the tree: a parse of it (only the links are read).
                page = page.respliced(replaced) or read_html(html)
            else:
                _as_parsed(page.soup)
                page = read_soup(page.soup)
    return html, refs, page


# -- ahead of the links: the searches a long post's annotation can make before ----------------


@dataclass(frozen=True)
class Scanned:
    """What annotate_html searches for in a post's HTML that links put in it later (the
    themes') mostly leave as they were: where the law regex matches each linkable string,
    and the terms used in the text the terms are looked for in (scan_ahead)."""

    texts: frozenset  # every linkable string of the HTML scanned
    law: dict  # {string: (start of each law regex match in it, ...)}: the strings with any
    text_key: bytes | None = None  # the key of the text the terms were looked for in
    used: tuple = ()  # terms_used of that text

    def law_matches(self, text, regex):
        """REGEX's matches in TEXT (a linkable string) as finditer gives them, or None when
        the scan did not read TEXT."""
        if text not in self.texts:
            return None
        # The same match finditer found there: one regex, the same string, the same start.
        return [regex.match(text, start) for start in self.law.get(text, ())]

    def terms_used(self, text, matcher):
        """terms_used(TEXT, MATCHER): the scan's answer when it looked in the same text."""
        if self.text_key is not None and key(text) == self.text_key:
            return self.used
        return terms_used(text, matcher)


def scan_ahead(html, law, day, term_re, law_re, law_links=True):
    """A Scanned of a post's HTML: what annotate_html of it, with links put in later, takes
    from it (for a long post, worked out beside the build while its themes are found)."""
    # Speed (bench/size.py, a 10 MB post): the law regex over every string (0.2 s) and the
    # terms over the whole text (0.3 s) were searched after the topic links went in, with
    # the other core idle; a topic link changes only the few strings it goes in, and the
    # law links a post gets, and so the text, rarely (both checked, by string and by key).
    with collector_paused():
        page = read_html(html)
        texts = frozenset(str(node) for node in page.nodes)
        found = {}
        if law_links:
            for text in texts:
                starts = tuple(match.start() for match in law_re.regex.finditer(text))
                if starts:
                    found[text] = starts
        scanned = Scanned(texts, found)
        html, _, page = _law_pass(html, law, day, law_re, law_links, scanned, page)
        if not html or term_re.search(unescape(html)) is None:
            return scanned  # annotate_html looks for no term in it
        text = (page or read_html(html)).text
        return dataclasses.replace(scanned, text_key=key(text), used=terms_used(text, term_re))
