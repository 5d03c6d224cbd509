"""Split YAML front matter from a Markdown post, check it, and hand Pelican its metadata."""

from __future__ import annotations

import datetime as dt
import re

import yaml
from dateutil import tz
from pelican.readers import MarkdownReader
from pelican.utils import SafeDatetime, get_date

from plugins import post_model
from plugins.author_errors import AuthorError
from plugins.author_text import (
    allowed_url,
    describe_character,
    forbidden_characters,
    path_problem,
    printable,
    slug_problem,
)
from plugins.build_speed.pool import splitting

from .bounded import YAMLLimitError, check_yaml_bounds
from .engine import markdown_engine

FENCE = "---"
KNOWN_STATUSES = ("published", "draft", "hidden")
DATE_FORMATS = (
    "%Y-%m-%d",
    "%Y-%m-%d %H:%M",
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%dT%H:%M",
    "%Y-%m-%dT%H:%M:%S",
    # With the offset from UTC, as imported posts keep it: 2010-11-27 07:12-08:00.
    "%Y-%m-%d %H:%M%z",
    "%Y-%m-%d %H:%M:%S%z",
)
DATE_FIELDS = ("date", "modified")
LIST_FIELDS = ("tags", "authors", "themes_exclude")


class FrontMatterError(AuthorError):
    """A post's front matter cannot be used; the message names the file, line and fix."""


class _StringDatesLoader(yaml.SafeLoader):
    """SafeLoader that leaves dates as text, so that we can check them and say what is wrong."""


_StringDatesLoader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


# Speed (bench/, plugins/build_speed): libyaml's C parser reads front matter many times faster
# than the pure-Python one. Same resolvers and constructor, so the same values; bad YAML is
# parsed again by the Python loader so that errors keep their exact wording and line.
_FastStringDatesLoader = _StringDatesLoader
if getattr(yaml, "__with_libyaml__", False):

    class _FastStringDatesLoader(yaml.CSafeLoader):
        """_StringDatesLoader on libyaml."""

    _FastStringDatesLoader.yaml_implicit_resolvers = _StringDatesLoader.yaml_implicit_resolvers


def _load_yaml(front):
    """Parse FRONT with the fast loader; on bad YAML raise the Python loader's error."""
    check_yaml_bounds(front)
    try:
        return yaml.load(front, Loader=_FastStringDatesLoader)
    except yaml.YAMLError:
        return yaml.load(front, Loader=_StringDatesLoader)


def split_front_matter(text, path="<text>"):
    """Return (front matter or None, body, line number where the body starts)."""
    text = text.lstrip("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    lines = text.split("\n")
    if not lines or lines[0].strip() != FENCE:
        return None, text, 1
    for index, line in enumerate(lines[1:], start=1):
        if line.strip() in (FENCE, "..."):
            return "\n".join(lines[1:index]), "\n".join(lines[index + 1 :]), index + 2
    raise FrontMatterError(
        path,
        1,
        "the front matter that opens with '---' on line 1 is never closed",
        "Add a line with just '---' after the last field (title, date, tags...).",
    )


def _front_matter_line(error):
    mark = getattr(error, "problem_mark", None) or getattr(error, "context_mark", None)
    # The front matter starts on line 2 of the file, after the opening '---'.
    return mark.line + 2 if mark is not None else None


def _parse_date(name, value, path, line):
    if isinstance(value, (dt.date, dt.datetime)):
        return value
    text = str(value).strip()
    for fmt in DATE_FORMATS:
        try:
            return dt.datetime.strptime(text, fmt)
        except ValueError:
            continue
    if re.fullmatch(r"\d{4}-\d{1,2}-\d{1,2}( .*)?", text):
        problem = f"'{name}: {text}' is not a real date or time"
        fix = (
            "Check the day exists in that month (e.g. there is no 30 February) "
            "and write YYYY-MM-DD HH:MM."
        )
    else:
        problem = f"'{name}: {text}' is not a date this blog understands"
        fix = "Write it as YYYY-MM-DD or YYYY-MM-DD HH:MM, for example 2018-07-26 09:30."
    raise FrontMatterError(path, line, problem, fix)


def _field_lines(front):
    """Map each top-level field to the file line it is on."""
    lines = {}
    for offset, line in enumerate(front.split("\n")):
        match = re.match(r"([A-Za-z_][\w-]*)\s*:", line)
        if match:
            lines.setdefault(match.group(1).lower(), offset + 2)
    return lines


def parse_front_matter(front, path="<text>"):
    """Parse and check YAML front matter; return a dict of plain values with lower-case keys."""
    tab = next((n for n, line in enumerate(front.split("\n")) if "\t" in line), None)
    if tab is not None:
        raise FrontMatterError(
            path,
            tab + 2,
            "the front matter contains a tab character",
            "YAML needs spaces, not tabs: replace the tab with spaces.",
        )
    try:
        data = _load_yaml(front)
    except YAMLLimitError as error:
        raise FrontMatterError(
            path,
            _front_matter_line(error),
            f"the front matter is refused because {error.problem}",
            f"{error.fix}.",
        ) from None
    except yaml.YAMLError as error:
        problem = getattr(error, "problem", None) or str(error).splitlines()[0]
        raise FrontMatterError(
            path,
            _front_matter_line(error),
            f"the front matter is not valid YAML ({problem})",
            "Write one 'field: value' per line; put a value that contains ': ' or starts "
            "with a quote or bracket in double quotes.",
        ) from None
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise FrontMatterError(
            path,
            2,
            "the front matter is not a list of 'field: value' lines",
            "Write one 'field: value' per line between the two '---' lines.",
        )
    lines = _field_lines(front)
    result = {}
    for key, value in data.items():
        name = str(key).lower()
        line = lines.get(name)
        if name in DATE_FIELDS and value is not None:
            value = _parse_date(name, value, path, line)
        elif name in LIST_FIELDS:
            value = _as_list(name, value, path, line)
        elif name == "public_record":
            value = _public_record(value, path, line)
        elif name == post_model.ATTRIBUTE:
            # Pelican makes every field an attribute of the post; this one holds the build's
            # own data about the post (plugins/post_model.py).
            raise FrontMatterError(
                path,
                line,
                f"'{name}' is a name the build keeps for itself, not a front matter field",
                f"Remove the '{name}:' line, or rename it (e.g. 'note:').",
            )
        elif name == "status":
            value = str(value or "").strip().lower()
            if value not in KNOWN_STATUSES:
                raise FrontMatterError(
                    path,
                    line,
                    f"'status: {data[key]}' is not a status this blog knows",
                    f"Use one of: {', '.join(KNOWN_STATUSES)}.",
                )
        elif isinstance(value, (list, tuple)):
            value = [str(item) for item in value]
        elif value is not None and not isinstance(value, bool):
            value = str(value)
        _check_field(name, value, path, line)
        result[name] = value
    return result


# Fields whose value is a path inside the site, and fields whose value is an address a
# template publishes in an href or JSON-LD (source_url, and any other *_url).
PATH_FIELDS = ("url", "save_as")


def _check_field(name, value, path, line):
    """Refuse control characters in any text field, unsafe slugs, paths and addresses."""
    texts = value if isinstance(value, list) else [value]
    for text in texts:
        if not isinstance(text, str):
            continue
        for _, _, char in forbidden_characters(text):
            raise FrontMatterError(
                path,
                line,
                f"'{name}' holds an invisible control character, {describe_character(char)}",
                "Retype the value without it (an escape such as \\e or \\x1b in quotes "
                "counts too).",
            )
    if not isinstance(value, str):
        return
    shown = printable(value, one_line=True)
    if name == "slug" and (why := slug_problem(value)):
        raise FrontMatterError(
            path,
            line,
            f"'slug: {shown}' is not a URL name: {why}",
            "Use lower-case letters, digits and hyphens, e.g. 'slug: why-supervision-matters'.",
        )
    if name in PATH_FIELDS and (why := path_problem(value)):
        raise FrontMatterError(
            path,
            line,
            f"'{name}: {shown}' is not a path inside the site: {why}",
            f"Remove the '{name}:' line (the blog makes the address from the slug), or use "
            "letters, digits, hyphens and '/' only.",
        )
    if name.endswith("_url") and not allowed_url(value, data_images=False):
        raise FrontMatterError(
            path,
            line,
            f"'{name}: {shown}' is not a web address the blog publishes (only http, https, "
            "mailto and addresses on this site are)",
            f"Write the address as https://..., or remove the '{name}:' line.",
        )


def _as_list(name, value, path, line):
    if value is None:
        return []
    if isinstance(value, str):
        return [item.strip() for item in value.split(",") if item.strip()]
    if isinstance(value, (list, tuple)) and all(isinstance(v, (str, int, float)) for v in value):
        return [str(item).strip() for item in value if str(item).strip()]
    raise FrontMatterError(
        path,
        line,
        f"'{name}' must be a list of names",
        f"Write it as {name}: [First, Second] or as a comma-separated line.",
    )


def refuse_control_characters(text, path):
    """Raise FrontMatterError at the first character of TEXT that no post may hold."""
    for line, column, char in forbidden_characters(text.lstrip("\ufeff")):
        raise FrontMatterError(
            path,
            line,
            f"column {column} holds an invisible control character, "
            f"{describe_character(char)}, which feeds cannot carry",
            "Delete it, or type an ordinary line break or space in its place.",
        )


def _public_record(value, path, line):
    """'public_record:' as a list of {name or fact, source} (the privacy check honours it)."""
    fix = (
        "Write it as a list of entries with their source, e.g. public_record: [{name: Peter "
        "Connelly, source: Haringey serious case review 2009}]"
    )
    if value is None:
        return []
    if not isinstance(value, list):
        raise FrontMatterError(path, line, "'public_record' must be a list", fix)
    entries = []
    for item in value:
        if isinstance(item, dict):
            what = item.get("name") or item.get("fact")
            source = item.get("source")
        else:
            what, source = item, None
        if not isinstance(what, (str, int)) or not str(what).strip() or not source:
            raise FrontMatterError(
                path,
                line,
                f"the public_record entry '{what}' needs a name (or fact) and its source",
                fix,
            )
        key = "name" if isinstance(item, dict) and item.get("name") else "fact"
        entries.append({key: str(what).strip(), "source": str(source).strip()})
    return entries


_NATIVE_FIELD = re.compile(r"^[ ]{0,3}[A-Za-z0-9_-]+:")
_NATIVE_MORE = re.compile(r"^[ ]{4,}")


def native_body(text):
    """TEXT without Pelican's `Key: value` header (the lines up to the first blank one)."""
    lines = text.split("\n")
    for index, line in enumerate(lines):
        if not line.strip():
            return "\n".join(lines[index + 1 :])
        if not (_NATIVE_FIELD.match(line) or (index and _NATIVE_MORE.match(line))):
            return "\n".join(lines[index:])
    return ""


def pelican_date(value):
    """What Pelican's get_date(VALUE.isoformat()) gives for a date or time VALUE, without
    writing it out and parsing it again (dateutil's parser costs ~0.1 ms a post)."""
    offset = value.utcoffset() if isinstance(value, dt.datetime) else None
    # Parsed as before: a date alone, "+00:00" (dateutil takes it for the machine's own zone
    # when that is UTC) and an offset with seconds (refused).
    if (
        not isinstance(value, dt.datetime)
        or offset == dt.timedelta(0)
        or (offset is not None and offset.seconds % 60)
    ):
        return get_date(value.isoformat())
    zone = None if offset is None else tz.tzoffset(None, offset.total_seconds())
    return SafeDatetime(*value.timetuple()[:6], value.microsecond, tzinfo=zone)


def _empty(value):
    """True for a field left empty in the front matter (the reader skips it)."""
    return value is None or value == "" or value == []


def _formatted_text(value):
    """The Markdown a formatted field (e.g. summary) is converted from."""
    # Front matter is text with Markdown emphasis, never raw HTML: `<` stays text.
    return str(value).replace("<", "&lt;")


class YAMLMarkdownReader(MarkdownReader):
    """Pelican reader for Markdown with YAML front matter; plain Pelican metadata still works."""

    file_extensions = ["md", "markdown", "mkd", "mdown"]
    # Posts are rendered by markdown-it (engine.py); Python-Markdown reads only the fields
    # of posts written with Pelican's own `Key: value` header instead of YAML front matter.
    enabled = True

    def _front_and_body(self, source_path):
        """(front matter fields or None, body) of the post at SOURCE_PATH."""
        with open(source_path, encoding="utf-8-sig") as handle:
            text = handle.read()
        refuse_control_characters(text, source_path)
        front, body, _ = split_front_matter(text, source_path)
        return (None if front is None else parse_front_matter(front, source_path)), body

    def read(self, source_path):
        """Return (HTML, metadata) for one post, raising FrontMatterError on bad metadata."""
        fields, body = self._front_and_body(source_path)
        if fields is None:
            # Pelican's own `Key: value` header: Pelican reads the fields, the blog's engine
            # renders the body, so these posts look like every other.
            _, metadata = super().read(source_path)
            return self._markdown().convert(native_body(body)), metadata
        if not str(fields.get("title") or "").strip():
            raise FrontMatterError(
                source_path,
                2,
                "the post has no title",
                "Add a line 'title: Your title' to the front matter.",
            )
        self._source_path = source_path
        markdown = self._markdown()
        with splitting(self.settings):  # a long post rendered in runs side by side
            content = markdown.convert(body)
        metadata = {}
        for name, value in fields.items():
            if _empty(value):
                continue
            if name in DATE_FIELDS:
                metadata[name] = pelican_date(value)
            elif name in self.settings["FORMATTED_FIELDS"]:
                metadata[name] = self._markdown().convert(_formatted_text(value))
            elif name in ("tags", "authors"):
                metadata[name] = self.process_metadata(name, value)
            else:
                is_text = isinstance(value, str)
                metadata[name] = self.process_metadata(name, value) if is_text else value
        return content, metadata

    def _markdown(self):
        """The blog's Markdown engine for this reader's settings (engine.py)."""
        # One engine per reader: building one costs more than converting most posts.
        engine = getattr(self, "_yaml_md", None)
        if engine is None:
            engine = self._yaml_md = markdown_engine(self.settings)
        return engine
