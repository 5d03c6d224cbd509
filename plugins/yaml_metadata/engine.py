"""The blog's one Markdown engine (markdown-it-py): its options in one settings table.

Every Markdown the project renders (posts, formatted fields, the themes' labelled sets, the
benchmarks) is rendered by `markdown_engine(settings)`. It renders what the blog used from
Python-Markdown (extra, smarty, toc) as readers saw it: CommonMark with tables, footnotes (in
Python-Markdown's markup), definition lists, raw HTML, smart quotes, dashes and ellipses by
smarty's rules, and heading ids made as toc made them (same slugs, same `_1` suffixes), so
old `#anchors` keep working. Pelican's `{filename}`, `{static}`, `|tag|`... links are left as
written. markdown-it works in time linear in the text, so long posts need no special care.
"""

from __future__ import annotations

import html
import re
import unicodedata
from functools import lru_cache

from plugins.build_speed.pool import split_map, split_parts
from plugins.collector import collector_paused
from plugins.settings_table import Setting, SettingsError, SettingsTable, boolean

# The extensions the blog's old MARKDOWN setting named, and the ones Pelican's default names:
# this engine does what they did (meta: front matter is YAML; codehilite never ran on the
# blog's code). Any other Python-Markdown extension or option is refused with the fix.
KNOWN_EXTENSIONS = {"extra", "smarty", "toc", "meta", "codehilite"}


def _markdown_check(value):
    """None when the MARKDOWN setting asks only for what this engine does, else what is wrong."""
    if not isinstance(value, dict):
        return "is not Pelican's Python-Markdown setting (a dict)"
    names = list(value.get("extensions") or []) + list(value.get("extension_configs") or {})
    unknown = sorted(
        {
            str(n)
            for n in names
            if str(n).removeprefix("markdown.extensions.") not in KNOWN_EXTENSIONS
        }
    )
    if unknown:
        return (
            f"asks Python-Markdown for {', '.join(unknown)}, which the blog's Markdown engine "
            "(markdown-it) does not run"
        )
    configs = value.get("extension_configs") or {}
    odd = sorted(
        str(n) for n, config in configs.items() if config and not str(n).endswith("codehilite")
    )
    if odd:
        return f"sets options of {', '.join(odd)}, which the blog's Markdown engine does not read"
    if value.get("output_format", "html5") not in ("html5", "html"):
        return "asks for XHTML output; the blog's Markdown engine writes HTML5"
    return None


class MarkdownSettingsError(SettingsError):
    """A Markdown setting the engine cannot honour; says the problem and the fix."""


TABLE = SettingsTable(
    "yaml_metadata",
    ("MARKDOWN_",),
    [
        Setting(
            "MARKDOWN_TYPOGRAPHY",
            True,
            boolean,
            'True or False (True makes "quotes" curly, -- an en dash, --- an em dash and ... '
            "an ellipsis, as the blog always has)",
        ),
        Setting(
            "MARKDOWN_HEADING_IDS",
            True,
            boolean,
            "True or False (True gives every heading an id made from its words, for #anchors)",
        ),
        Setting(
            "MARKDOWN",
            None,
            lambda value: None if value is None else _markdown_check(value),
            "nothing: delete the MARKDOWN line (posts are rendered by markdown-it, not "
            "Python-Markdown) and set MARKDOWN_TYPOGRAPHY and MARKDOWN_HEADING_IDS instead",
        ),
    ],
    error=MarkdownSettingsError,
)
SETTINGS = TABLE.defaults


def engine_options(settings=None):
    """(typography, heading ids) from SETTINGS (Pelican's dict); SettingsError on a bad one."""
    values = TABLE.resolve(dict(settings or {}))
    return values["MARKDOWN_TYPOGRAPHY"], values["MARKDOWN_HEADING_IDS"]


def markdown_engine(settings=None):
    """The engine for SETTINGS: an object whose convert(text) returns the HTML."""
    return _engine(*engine_options(settings))


@lru_cache(maxsize=4)
def _engine(typography, heading_ids):
    return MarkdownEngine(typography=typography, heading_ids=heading_ids)


class MarkdownEngine:
    """markdown-it set up as the blog renders Markdown; convert() is safe to call repeatedly."""

    def __init__(self, typography=True, heading_ids=True):
        from markdown_it import MarkdownIt
        from mdit_py_plugins.deflist import deflist_plugin
        from mdit_py_plugins.footnote import footnote_plugin

        md = MarkdownIt("commonmark", {"html": True, "xhtmlOut": False, "typographer": False})
        md.enable("table")
        md.use(footnote_plugin, inline=False).use(deflist_plugin)
        _footnote_markup(md)
        md.core.ruler.before("footnote_tail", "footnote_order", _footnote_order)
        md.normalizeLink = _pelican_links(md.normalizeLink)
        md.validateLink = _any_link
        if typography:
            md.core.ruler.before("text_join", "smarty", _smarty_rule)
        if heading_ids:
            md.core.ruler.after("text_join", "heading_ids", _heading_ids_rule)
        self.md = md

    def reset(self):
        """Nothing to reset: kept so that callers written for Python-Markdown still work."""
        return self

    def convert(self, text):
        """HTML for the Markdown TEXT (no final newline, as the blog's pages always had)."""
        # A token object per piece of the post: no collector pass while they are alive.
        with collector_paused():
            text = text or ""
            count = split_parts(len(text))
            cuts = markdown_cuts(text, count) if count > 1 else ()
            if len(cuts) > 1:
                # Speed (bench/size.py): a long post is rendered in runs of whole blocks side
                # by side (build_speed.pool.split_map, inside `splitting` only).
                parts = split_map(self.render_part, [text[begin:stop] for begin, stop in cuts])
                if parts is not None:
                    return number_headings("".join(parts)).rstrip("\n")
            return self.md.render(text).rstrip("\n")

    def render_part(self, text):
        """The HTML of TEXT, a run of markdown_cuts, with its headings' ids left to
        number_headings (a repeated heading's _1 counts the headings of the runs before)."""
        return self.md.render(text, {_SLUGS_ONLY: True})


# A text rendered in runs gives the same HTML as in one pass when no block runs on over a
# cut and nothing one run defines is used in another: each cut is a blank line followed by a
# line that starts a paragraph at the margin (a letter), which closes every list, quotation,
# table, paragraph and indented code before it; and a text holding what may run on over a
# blank line (a fence, an HTML block of kinds 1-5: comments, <script>, <pre>...), be
# defined for the whole text (a link reference "[x]: ...", footnotes), or join blocks on both
# sides of one (a definition list's ":" lines) is rendered in one pass.
# tests/robustness/test_markdown_split.py compares the runs with the one pass.
# (Each alternative starts with a character, so the regex engine skips to them in C: a
# tenth of the time a start of line "^" would take on a 10 MB post.)
_WHOLE_ONLY = re.compile(r"\]:|\[\^|```|~~~|\r|<[!?]|<(?i:script|pre|style|textarea)|\n[ \t>]*[:~]")
_DEFINITION_FIRST = re.compile(r"[ \t>]*[:~]")  # a definition list's ":" line first
_CUT = re.compile(r"\n\n+(?=[A-Za-z])")
# A heading's slug between two of these stands for its id until number_headings (NUL never
# reaches rendered HTML: markdown-it reads it as U+FFFD).
_SLUGS_ONLY, _MARK = "heading slugs only", "\x00"
_MARKED_SLUG = re.compile(f"{_MARK}([^{_MARK}]*){_MARK}")


def markdown_cuts(text, count):
    """[(begin, stop)]: TEXT in at most COUNT runs of whole blocks, about equally long; one
    run when it holds what only a reading of the whole text gets right (see above)."""
    if _WHOLE_ONLY.search(text) or _DEFINITION_FIRST.match(text):
        return [(0, len(text))]
    cuts, begin = [], 0
    for part in range(1, count):
        found = _CUT.search(text, max(begin, len(text) * part // count))
        if found is None:
            break
        cuts.append((begin, found.end()))
        begin = found.end()
    cuts.append((begin, len(text)))
    return cuts


def number_headings(html):
    """HTML with each heading's marked slug made its id, as one pass gives it (unique)."""
    used = set()
    return _MARKED_SLUG.sub(lambda found: unique(found.group(1), used), html)


# Pelican's own link syntax, `{filename}path`, `{static}path`, `|tag|name`...: resolved by
# Pelican after rendering, so the address must reach the HTML exactly as written.
PELICAN_LINK = re.compile(r"^(?:\{\w+\}|\|\w+\|)")


def _pelican_links(normalize):
    def normalize_link(url):
        return url if PELICAN_LINK.match(url) else normalize(url)

    return normalize_link


def _any_link(url):
    """True: every address becomes a link (see below)."""
    # Every address becomes a link, as Python-Markdown made it: safe_html is the one place
    # that decides which addresses are published (it removes javascript:, vbscript:, data:...
    # and tells the author, by file), so a refused link keeps its words and the author a note.
    return True


# Footnotes in the markup the blog's pages always had (Python-Markdown's): `fn:label` and
# `fnref:label` ids, a numbered reference, a back link after the note's last paragraph.


def _footnote_ref(self, tokens, idx, options, env):
    meta = tokens[idx].meta
    label, sub = html.escape(str(meta["label"])), meta.get("subId", 0)
    ref = f"fnref{sub + 1 if sub else ''}:{label}"
    return f'<sup id="{ref}"><a class="footnote-ref" href="#fn:{label}">{meta["id"] + 1}</a></sup>'


def _footnote_block_open(self, tokens, idx, options, env):
    return '<div class="footnote">\n<hr>\n<ol>\n'


def _footnote_block_close(self, tokens, idx, options, env):
    return "</ol>\n</div>\n"


def _footnote_open(self, tokens, idx, options, env):
    return f'<li id="fn:{html.escape(str(tokens[idx].meta["label"]))}">\n'


def _footnote_close(self, tokens, idx, options, env):
    return "</li>\n"


def _footnote_anchor(self, tokens, idx, options, env):
    meta = tokens[idx].meta
    label, sub = html.escape(str(meta["label"])), meta.get("subId", 0)
    space = "" if sub else "&#160;"
    return (
        f'{space}<a class="footnote-backref" href="#fnref{sub + 1 if sub else ""}:{label}" '
        f'title="Jump back to footnote {meta["id"] + 1} in the text">&#8617;</a>'
    )


def _footnote_order(state):
    """Number the notes in the order they are defined, and keep the ones never referred to.

    Python-Markdown did both; markdown-it's plugin numbers them as they are first referred to
    and drops a note nothing refers to, which would lose the author's words.
    """
    data = state.env.get("footnotes")
    if not data or not data.get("refs"):
        return
    old, notes, renumbered = data.get("list", {}), {}, {}
    for key, ident in data["refs"].items():  # in the order the notes are defined
        number = len(notes)
        if ident is not None and ident >= 0:
            notes[number], renumbered[ident] = old[ident], number
        else:
            notes[number] = {"label": key[1:], "count": 0}
        data["refs"][key] = number
    data["list"] = notes
    for token in state.tokens:
        for child in token.children or ():
            if child.type == "footnote_ref":
                child.meta["id"] = renumbered[child.meta["id"]]


def _footnote_markup(md):
    md.add_render_rule("footnote_ref", _footnote_ref)
    md.add_render_rule("footnote_block_open", _footnote_block_open)
    md.add_render_rule("footnote_block_close", _footnote_block_close)
    md.add_render_rule("footnote_open", _footnote_open)
    md.add_render_rule("footnote_close", _footnote_close)
    md.add_render_rule("footnote_anchor", _footnote_anchor)


# Typography by smarty's rules (the blog's quotes and dashes since its first post). Each rule
# runs over a run of text (text between two pieces of markup), in this order, each match
# becoming a fixed piece the later rules see as neither space, word nor punctuation (MASK).
# Code, raw HTML, entities and backslash escapes are such pieces too.
MASK = "\x02"
_PUNCT = r"""[!"#$%'()*+,\-./:;<=>?@\[\\\]^_`{|}~]"""
_AFTER_WORD = r"[^ \t\r\n\[{(\-\x02]"  # a character a closing quote can follow
_BEFORE_OPEN = r"(\s|&nbsp;|--|–|—|&[mn]dash;|&#8211;|&#8212;)"
LSQUO, RSQUO, LDQUO, RDQUO = "\u2018", "\u2019", "\u201c", "\u201d"
# (pattern, replacement, where it goes: "all" of the match, "after" its group 1 (the space or
# dash before an opening quote stays), or "first" character (a closing quote before a space)).
TYPOGRAPHY = [
    (r"(?<!-)---(?!-)", "\u2014", "all"),
    (r"(?<!-)--(?!-)", "\u2013", "all"),
    (rf"^'(?={_PUNCT}\B)", RSQUO, "all"),
    (rf'^"(?={_PUNCT}\B)', RDQUO, "all"),
    (r""""'(?=\w)""", LDQUO + LSQUO, "all"),
    (r"""'"(?=\w)""", LSQUO + LDQUO, "all"),
    (rf"""(?<={_AFTER_WORD})'\"""", RSQUO + RDQUO, "all"),
    (rf"""(?<={_AFTER_WORD})"'""", RDQUO + RSQUO, "all"),
    (r"(?<!\w)'(?=\d{2}s)", RSQUO, "all"),
    (rf"{_BEFORE_OPEN}'(?=\w)", LSQUO, "after"),
    (rf"(?<={_AFTER_WORD})'(?!\s|s\b|\d)", RSQUO, "all"),
    (r"'(\s|s\b)", RSQUO, "first"),
    (r"'", LSQUO, "all"),
    (rf'{_BEFORE_OPEN}"(?=\w)', LDQUO, "after"),
    (r'"(?=\s)', RDQUO, "all"),
    (rf'(?<={_AFTER_WORD})"', RDQUO, "all"),
    (r'"', LDQUO, "all"),
    (r"(?<!\.)\.{3}(?!\.)", "\u2026", "all"),
]
_TYPOGRAPHY = [(re.compile(p), r, w) for p, r, w in TYPOGRAPHY]
_HAS_TARGET = re.compile(r"""['"]|--|\.\.\.""")
# How far before its start a rule looks (`&#8211;'`); a match no nearer than this to the
# previous one cannot have been changed by it.
_BACK = 10


def _edit(match, replacement, where):
    if where == "after":
        return match.end(1), match.end(), replacement
    if where == "first":
        return match.start(), match.start() + 1, replacement
    return match.start(), match.end(), replacement


def educate(text):
    """[(start, end, replacement)] for TEXT by the rules above, in order (MASK: fixed pieces).

    As smarty did, each rule runs over the text left by the rules before it, and every
    match becomes a fixed piece that later matches of the same rule see: a match close
    after the previous one is checked again in its neighbourhood, so the work stays linear.
    """
    edits = []
    current = text
    for pattern, replacement, where in _TYPOGRAPHY:
        chars = None
        last_end = -_BACK
        found = []
        position = 0
        while True:
            match = pattern.search(current, position)
            if match is None:
                break
            if match.start() < last_end + _BACK and found:
                # Look again with the masks of this rule's earlier matches in place.
                if chars is None:
                    chars = list(current)
                low = max(0, match.start() - 2 * _BACK)
                window = "".join(chars[low : match.end() + 2 * _BACK])
                again = pattern.search(window, match.start() - low)
                if again is None or again.start() + low >= match.end():
                    position = match.end()
                    continue
                match = _Shifted(again, low)
            found.append(match)
            if chars is None:
                chars = list(current)
            for i in range(match.start(), match.end()):
                chars[i] = MASK
            last_end = match.end()
            position = match.end()
            edits.append(_edit(match, replacement, where))
        if found:
            current = "".join(chars)
    return edits


class _Shifted:
    """A match found in a window, with positions in the whole text."""

    def __init__(self, match, offset):
        self._match, self._offset = match, offset

    def start(self, group=0):
        return self._match.start(group) + self._offset

    def end(self, group=0):
        return self._match.end(group) + self._offset


def _runs(children):
    """Runs of text tokens (with soft breaks and fixed pieces) between pieces of markup, each
    with the text before it: a line break after a hard break, which smarty saw there."""
    run, before = [], ""
    for token in children:
        if token.type in ("text", "softbreak", "text_special", "html_inline"):
            run.append(token)
            continue
        if run:
            yield before, run
        run, before = [], "\n" if token.type == "hardbreak" else ""
    if run:
        yield before, run


def _smarty_rule(state):
    for block in state.tokens:
        if block.type != "inline" or not block.children:
            continue
        for before, run in _runs(block.children):
            pieces, spans = [before], []
            at = len(before)
            for token in run:
                if token.type == "text":
                    piece = token.content
                    spans.append((token, at))
                elif token.type == "softbreak":
                    piece = "\n"
                else:
                    piece = MASK
                pieces.append(piece)
                at += len(piece)
            text = "".join(pieces)
            if not _HAS_TARGET.search(text):
                continue
            edits = educate(text)
            if edits:
                _apply(spans, sorted(edits))


def _apply(spans, edits):
    """Put EDITS (sorted positions in the joined run) into the text tokens of SPANS."""
    next_edit = 0
    for token, start in spans:
        end = start + len(token.content)
        while next_edit < len(edits) and edits[next_edit][0] < start:
            next_edit += 1
        out, at = [], start
        while next_edit < len(edits) and edits[next_edit][0] < end:
            begin, stop, replacement = edits[next_edit]
            out.append(token.content[at - start : begin - start])
            out.append(replacement)
            at = min(stop, end)
            next_edit += 1
        if out:
            out.append(token.content[at - start :])
            token.content = "".join(out)


# Heading ids as Python-Markdown's toc made them: the heading's text (tags dropped, spaces
# collapsed, entities decoded), accents folded to ASCII, anything but letters, digits, spaces
# and hyphens removed, lower case, spaces and hyphens to one hyphen; a repeat gets _1, _2...
_TAG = re.compile(r"<!--.*?-->|</?[A-Za-z][^<>@ ]*(?: [^<>]*)?>", re.S)
_ID_COUNT = re.compile(r"^(.*)_([0-9]+)$")


def slugify(text):
    """The id toc gave a heading whose text is TEXT."""
    value = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    value = re.sub(r"[^\w\s-]", "", value).strip().lower()
    return re.sub(r"[-\s]+", "-", value)


def unique(slug, used):
    """SLUG, or SLUG_1, SLUG_2... (toc's order) when taken; adds the answer to USED."""
    if slug in used or not slug:
        match = _ID_COUNT.match(slug)
        base, count = (match.group(1), int(match.group(2))) if match else (slug, 0)
        count += 1
        while f"{base}_{count}" in used:
            count += 1
        slug = f"{base}_{count}"
    used.add(slug)
    return slug


def heading_text(html_text):
    """What toc read of a heading whose inner HTML is HTML_TEXT."""
    return html.unescape(" ".join(_TAG.sub("", html_text).split()))


def _heading_ids_rule(state):
    used = set()
    slugs_only = state.env.get(_SLUGS_ONLY)
    tokens = state.tokens
    renderer = state.md.renderer
    for index, token in enumerate(tokens):
        if token.type != "heading_open" or token.attrGet("id") is not None:
            continue
        inline = tokens[index + 1]
        children = [c for c in inline.children or () if c.type != "footnote_ref"]
        inner = renderer.renderInline(children, state.md.options, state.env)
        slug = slugify(heading_text(inner))
        token.attrSet("id", f"{_MARK}{slug}{_MARK}" if slugs_only else unique(slug, used))
