"""The one emitter: Post -> Markdown text with YAML front matter, plus the tag hook.

Source text is text, not Markdown: `escape` backslash-escapes (or turns into entities)
exactly what the blog's Markdown (CommonMark with tables, footnotes and smart quotes and
dashes: plugins/yaml_metadata/engine.py) would otherwise interpret, and leaves everything
else alone so the Markdown stays readable.
"""

from __future__ import annotations

import dataclasses
import html
import re
import unicodedata
from collections.abc import Callable, Iterable

import yaml

from .html_to_markdown import html_to_markdown
from .records import BulletList, Post, Quote

Tagger = Callable[[str, str, list[str]], Iterable[str]]

# (pattern, replacement, characters one of which every match contains)
_INLINE = [
    (re.compile(r"\\"), r"\\\\", "\\"),
    (re.compile(r"([`*\[\]{])"), r"\\\1", "`*[]{"),
    # `_` only emphasises at a word's edge; snake_case needs no escape.
    (re.compile(r"(?<![^\W_])_|_(?![^\W_])"), r"\\_", "_"),
    (re.compile(r"&(?=#?\w+;)"), "&amp;", "&"),
    (re.compile(r"<(?=[A-Za-z/!?$])"), "&lt;", "<"),
    # smarty would make an en dash of `--`.
    (re.compile(r"--"), r"-\\-", "-"),
]
_LINE_START = [
    (re.compile(r"^([#>])"), r"\\\1"),
    (re.compile(r"^([-+*])(\s)"), r"\\\1\2"),
    (re.compile(r"^(\d+)([.)])(\s|$)"), r"\1\\\2\3"),
    (re.compile(r"^([-_=])(?=(\s*[-_=]){2,}\s*$)"), r"\\\1"),
    (re.compile(r"^~~~"), "&#126;~~"),
    (re.compile(r"^:(\s)"), r"\\:\1"),
]
_EVERY_LINE_START = [(re.compile(p.pattern, re.MULTILINE), r) for p, r in _LINE_START]


def escape(text: str) -> str:
    """Return Markdown that renders as exactly `text` (one paragraph, no markup)."""
    # Speed: `in` rules a pattern out far faster than running it over a long paragraph.
    for pattern, replacement, characters in _INLINE:
        if any(character in text for character in characters):
            text = pattern.sub(replacement, text)
    if "\n" in text:
        # Every line of a paragraph starts a line: CommonMark lets a list, heading or quote
        # interrupt a paragraph there.
        for pattern, replacement in _EVERY_LINE_START:
            text = pattern.sub(replacement, text)
        return text
    for pattern, replacement in _LINE_START:
        if pattern.match(text):
            text = pattern.sub(replacement, text, count=1)
    return text


def render_body(post: Post) -> str:
    """Return the post's body as Markdown, blocks separated by blank lines."""
    if post.markup == "html":
        return "\n\n".join(html_to_markdown(block.text) for block in post.body)
    parts = []
    for block in post.body:
        if isinstance(block, BulletList):
            items = enumerate(block.items, start=1)
            parts.append(
                "\n".join(
                    f"{n}. {escape(i)}" if block.ordered else f"- {escape(i)}" for n, i in items
                )
            )
        elif isinstance(block, Quote):
            parts.append(f"> {escape(block.text)}")
        else:
            parts.append(escape(block.text))
    return "\n\n".join(parts)


def body_html(post: Post) -> str:
    """Return the post's body as HTML, one element per block (what taggers read)."""
    if post.markup == "html":
        return "\n".join(block.text for block in post.body)
    parts = []
    for block in post.body:
        if isinstance(block, BulletList):
            tag = "ol" if block.ordered else "ul"
            items = "".join(f"<li>{html.escape(item, quote=False)}</li>" for item in block.items)
            parts.append(f"<{tag}>{items}</{tag}>")
        elif isinstance(block, Quote):
            parts.append(f"<blockquote><p>{html.escape(block.text, quote=False)}</p></blockquote>")
        else:
            parts.append(f"<p>{html.escape(block.text, quote=False)}</p>")
    return "\n".join(parts)


def apply_tagger(post: Post, tagger: Tagger | None) -> Post:
    """Return the post with the tags `tagger(title, body_html, tags)` gives (deduplicated)."""
    if tagger is None:
        return post
    tags = tagger(post.title, body_html(post), list(post.tags))
    seen, result = set(), []
    for tag in tags:
        tag = " ".join(str(tag).split())
        if tag and tag.casefold() not in seen:
            seen.add(tag.casefold())
            result.append(tag)
    return dataclasses.replace(post, tags=tuple(result))


def slugify(title: str, limit: int = 80) -> str:
    """Return an ASCII, lower-case, hyphenated slug for a title ('untitled' if none)."""
    # Not Pelican's slugify (which `make newpost` uses with the site's settings): every imported
    # post gets this slug written as `slug:`, and the import state is keyed by it, so it stays
    # ASCII, at most LIMIT characters and independent of settings a later build may change.
    text = re.sub(r"['’‘`]", "", title)
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    slug = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")
    if len(slug) > limit:
        slug = slug[:limit].rsplit("-", 1)[0]
    return slug or "untitled"


def format_date(value) -> str:
    """`YYYY-MM-DD HH:MM`, with the source's offset (`+01:00`) when it gave one."""
    text = value.strftime("%Y-%m-%d %H:%M")
    if value.tzinfo is not None:
        offset = value.strftime("%z")
        text += f"{offset[:3]}:{offset[3:5]}"
    return text


def front_matter(post: Post, slug: str) -> dict:
    """Return the post's front matter fields in the order an author reads them."""
    fields = {"title": post.title, "date": format_date(post.date)}
    if post.modified:
        fields["modified"] = format_date(post.modified)
    if post.author:
        fields["author"] = post.author
    if post.category:
        fields["category"] = post.category
    if post.tags:
        fields["tags"] = list(post.tags)
    fields["slug"] = slug
    if post.status:
        fields["status"] = post.status
    for name in ("source", "source_url", "original_url"):
        if getattr(post, name):
            fields[name] = getattr(post, name)
    if post.date_estimated:
        fields["date_estimated"] = True
    if post.note:
        fields["note"] = post.note
    return fields


class _Dumper(getattr(yaml, "CSafeDumper", yaml.SafeDumper)):
    """Block-style front matter with short lists on one line: `tags: [a, b]` (libyaml's
    emitter when present: the same text as PyYAML's, several times faster)."""


_Dumper.add_representer(
    list,
    lambda dumper, data: dumper.represent_sequence("tag:yaml.org,2002:seq", data, flow_style=True),
)


def emit(post: Post, slug: str) -> str:
    """Return the whole Markdown file for a post."""
    front = yaml.dump(
        front_matter(post, slug),
        Dumper=_Dumper,
        sort_keys=False,
        allow_unicode=True,
        width=1_000_000,
        default_flow_style=False,
    )
    return f"---\n{front}---\n\n{render_body(post)}\n"
