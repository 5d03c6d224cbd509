"""Readers' comments kept from the old blog: shown read-only after the post they belong to.

The importer writes them beside the post, `YYYY/slug.comments.yaml`; an author may edit or
delete any of them. Their text is untrusted: it is escaped, links get rel="nofollow ugc",
and only http(s) links are made, so no HTML from a comment reaches the page.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import yaml
from markupsafe import Markup, escape
from pelican import signals

from plugins import post_model
from plugins.author_errors import AuthorError
from plugins.settings_table import Setting, SettingsError, SettingsTable, boolean

SUFFIX = ".comments.yaml"
FRONT_MATTER_FIELD = "show_comments"  # `show_comments: false` hides one post's comments
_LINK = re.compile(
    r"\[([^\]\n]{1,300})\]\((https?://[^\s()<>]{1,2000})\)|(https?://[^\s<>]{1,2000})"
)
_DATE_FORMATS = ("%Y-%m-%d %H:%M%z", "%Y-%m-%d %H:%M", "%Y-%m-%d")


class CommentsError(AuthorError):
    """A comments file that cannot be shown: names the file, the line and the fix."""


class CommentsSettingsError(SettingsError, CommentsError):
    """An IMPORTED_COMMENTS* setting that is unknown or not True or False."""


TABLE = SettingsTable(
    "imported_comments",
    ("IMPORTED_COMMENTS",),
    [
        Setting(
            "IMPORTED_COMMENTS",
            True,
            boolean,
            "True or False (False hides the comments imported from the old blog on every post)",
        ),
    ],
    error=CommentsSettingsError,
)
SETTINGS = TABLE.defaults


def check_settings(settings) -> dict:
    """The IMPORTED_COMMENTS* settings, checked; unknown ones are refused."""
    return TABLE.resolve(settings)


def _link(match) -> str:
    text, url, bare = match.groups()
    url = url or bare
    trail = ""
    if bare:
        # A sentence's full stop or closing bracket is not part of the address.
        while url and url[-1] in ".,;:!?)'\"":
            url, trail = url[:-1], url[-1] + trail
    label = text if text is not None else url
    return f'<a href="{escape(url)}" rel="nofollow ugc">{escape(label)}</a>{escape(trail)}'


def render_text(text: str) -> Markup:
    """A comment's plain text as HTML paragraphs: everything escaped, links made safe."""
    paragraphs = []
    for block in re.split(r"\n\s*\n", str(text or "").strip()):
        if not block.strip():
            continue
        lines = []
        for line in block.split("\n"):
            parts, last = [], 0
            for match in _LINK.finditer(line):
                parts.append(str(escape(line[last : match.start()])))
                parts.append(_link(match))
                last = match.end()
            parts.append(str(escape(line[last:])))
            lines.append("".join(parts).strip())
        paragraphs.append("<p>" + "<br>\n".join(lines) + "</p>")
    return Markup("\n".join(paragraphs))


def _date(value, path, line):
    if isinstance(value, dt.datetime):
        return value
    if isinstance(value, dt.date):
        return dt.datetime(value.year, value.month, value.day)
    for fmt in _DATE_FORMATS:
        try:
            return dt.datetime.strptime(str(value).strip(), fmt)
        except ValueError:
            continue
    raise CommentsError(
        path, line, f"'date: {value}' is not a date", "Write it as YYYY-MM-DD HH:MM."
    )


def load_comments(path) -> list[dict]:
    """Read one comments file: [{name, date, html}], or raise CommentsError with the line."""
    from plugins.yaml_metadata.bounded import load_bounded

    path = Path(path)
    text = path.read_text(encoding="utf-8-sig")
    try:
        data = load_bounded(text)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        raise CommentsError(
            path,
            mark.line + 1 if mark else None,
            f"not valid YAML ({getattr(error, 'problem', None) or error})",
            "Keep each comment as `- name: …`, `date: …`, `text: |` and the text indented.",
        ) from None
    if data is None:
        return []
    items = data.get("comments") if isinstance(data, dict) else None
    if items is None:
        items = []
    if not isinstance(items, list):
        raise CommentsError(
            path, 1, "`comments:` is not a list", "Start each comment with `- name:`."
        )
    lines = [i + 1 for i, line in enumerate(text.split("\n")) if line.startswith("- ")]
    result = []
    for number, item in enumerate(items):
        line = lines[number] if number < len(lines) else None
        if not isinstance(item, dict) or not str(item.get("text") or "").strip():
            raise CommentsError(
                path, line, "a comment without text", "Give it `text:` or delete the comment."
            )
        date = _date(item.get("date"), path, line) if item.get("date") else None
        result.append(
            {
                "name": " ".join(str(item.get("name") or "Anonymous").split()),
                "date": date,
                "html": render_text(str(item["text"])),
            }
        )
    return result


def comments_file(source_path) -> Path:
    """Where a post's imported comments live: beside it, `slug.comments.yaml`."""
    source = Path(source_path)
    return source.with_name(source.stem + SUFFIX)


def shown(article, settings) -> bool:
    """Whether this post shows its imported comments (site setting, then front matter)."""
    if not settings["IMPORTED_COMMENTS"]:
        return False
    value = article.metadata.get(FRONT_MATTER_FIELD, True)
    if isinstance(value, str):
        return value.strip().lower() not in ("false", "no", "off", "hidden")
    return bool(value)


def attach(generator):
    """Give each article with a comments file article.blog.imported_comments."""
    settings = check_settings(generator.settings)
    for article in [*generator.articles, *generator.drafts]:
        model = post_model.of(article)
        model.imported_comments = []
        path = comments_file(article.source_path)
        if path.is_file() and shown(article, settings):
            model.imported_comments = load_comments(path)


def register():
    signals.article_generator_finalized.connect(attach)
