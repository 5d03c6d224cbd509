"""Readers' comments from the export -> a YAML file beside the post that an author may edit."""

from __future__ import annotations

import re

import yaml
from markdownify import MarkdownConverter

from .emit import format_date
from .html_to_markdown import parse, tidy

HEADER = """\
# Readers' comments on "{title}" from the original blog, shown read-only after the post.
# Edit or delete any comment (or this whole file); `show_comments: false` in the post's
# front matter hides them. Text is plain: [words](https://address) makes a link.
"""

_PLAIN = {
    "escape_asterisks": False,
    "escape_underscores": False,
    "escape_misc": False,
    "autolinks": False,
    "newline_style": "SPACES",
    "bullets": "-",
}


class _Plain(MarkdownConverter):
    """Comment HTML -> plain text with [text](address) links and nothing else."""

    def convert_img(self, el, text, parent_tags):
        return el.get("alt") or ""

    def convert_b(self, el, text, parent_tags):
        return text

    convert_strong = convert_i = convert_em = convert_b

    def convert_a(self, el, text, parent_tags):
        # Only web links survive; javascript: and the like keep just their words.
        if not (el.get("href") or "").startswith(("http://", "https://")):
            return text
        return super().convert_a(el, text, parent_tags)


def comment_text(html: str) -> str:
    """The comment as plain text with links kept as [text](address)."""
    soup = tidy(parse(html))
    text = _Plain(**_PLAIN).convert_soup(soup)
    text = "\n".join(line.rstrip() for line in text.split("\n"))
    return re.sub(r"\n{3,}", "\n\n", text).strip()


class _Dumper(getattr(yaml, "CSafeDumper", yaml.SafeDumper)):
    """Multi-line comment text as a literal block, so that an author edits it as written."""


def _str(dumper, data):
    style = "|" if "\n" in data else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", data, style=style)


_Dumper.add_representer(str, _str)


def comments_yaml(title: str, comments) -> str:
    """The comments file: a header that says what it is, then name, date and text of each."""
    items = [
        {
            "name": " ".join(c.name.split()),
            "date": format_date(c.date),
            "text": comment_text(c.html),
        }
        for c in comments
    ]
    body = yaml.dump(
        {"comments": items},
        Dumper=_Dumper,
        sort_keys=False,
        allow_unicode=True,
        width=100,
        default_flow_style=False,
    )
    return HEADER.format(title=title.replace("\n", " ")) + body
