"""Read SOURCES/manifest.yaml: what each source file's own text does not say."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import yaml

from plugins.yaml_metadata.bounded import YAMLLimitError, check_yaml_bounds

from .records import SourceError

KEYS = (
    "category",
    "author",
    "source",
    "source_url",
    "date",
    "date_estimated",
    "note",
    "titles",
)
CATEGORIES = ("Reflections", "News")
NAME = "manifest.yaml"


def _line(node) -> int:
    return node.start_mark.line + 1


def _date(value, where, line):
    if isinstance(value, dt.datetime):
        return value.replace(second=0, microsecond=0, tzinfo=None)
    if isinstance(value, dt.date):
        return value
    text = str(value).strip()
    for fmt in ("%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M"):
        try:
            return dt.datetime.strptime(text, fmt)
        except ValueError:
            pass
    raise SourceError(
        where,
        line,
        f"'date: {text}' is not a date",
        "write it as YYYY-MM-DD, e.g. date: 2018-07-26",
    )


def load_manifest(sources: Path, files: list[str]) -> dict[str, dict]:
    """Return {file name: checked entry}; an absent manifest means no entries."""
    path = Path(sources) / NAME
    if not path.exists():
        return {}
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except (OSError, UnicodeDecodeError) as error:
        raise SourceError(
            path, None, f"cannot read the manifest ({error})", "save it as UTF-8 text"
        ) from None
    try:
        check_yaml_bounds(text)
        root = yaml.compose(text, Loader=yaml.SafeLoader)
        data = yaml.safe_load(text)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        if isinstance(error, YAMLLimitError):
            raise SourceError(
                path,
                mark.line + 1,
                f"the manifest is refused because {error.problem}",
                error.fix[0].lower() + error.fix[1:],
            ) from None
        problem = getattr(error, "problem", None) or str(error).splitlines()[0]
        raise SourceError(
            path,
            mark.line + 1 if mark else None,
            f"the manifest is not valid YAML ({problem})",
            "write `FILE.txt:` then its keys indented by two spaces, one `key: value` per line",
        ) from None
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise SourceError(
            path,
            1,
            "the manifest is not a mapping of file names",
            "start each entry with `FILE.txt:`",
        )
    nodes = {key.value: (key, value) for key, value in root.value}
    result = {}
    for name, entry in data.items():
        key_node, value_node = nodes.get(str(name), (root, root))
        line = _line(key_node)
        if str(name) not in files:
            raise SourceError(
                path,
                line,
                f"the entry '{name}' names no .txt file in {sources}",
                "correct the file name or delete the entry",
            )
        if entry is None:
            entry = {}
        if not isinstance(entry, dict):
            raise SourceError(
                path,
                line,
                f"the entry '{name}' is not a list of `key: value` lines",
                f"indent its keys ({', '.join(KEYS)}) under `{name}:`",
            )
        lines = {k.value: _line(k) for k, _ in getattr(value_node, "value", [])}
        checked = {}
        for key, value in entry.items():
            where = lines.get(key, line)
            if key not in KEYS:
                raise SourceError(
                    path, where, f"'{key}' is not a manifest key", f"use one of: {', '.join(KEYS)}"
                )
            if value is None:
                continue
            if key == "date":
                value = _date(value, path, where)
            elif key == "date_estimated":
                if not isinstance(value, bool):
                    raise SourceError(
                        path,
                        where,
                        f"'date_estimated: {value}' is not true or false",
                        "write true or false",
                    )
            elif key == "titles":
                if not isinstance(value, list) or not all(
                    isinstance(item, str) and item.strip() for item in value
                ):
                    raise SourceError(
                        path,
                        where,
                        f"'titles' for {name} is not a list of titles",
                        "write one `- Title of a post` line per post, indented under `titles:`",
                    )
                value = tuple(" ".join(item.split()) for item in value)
            elif key == "category" and value not in CATEGORIES:
                raise SourceError(
                    path,
                    where,
                    f"'category: {value}' is not a category",
                    f"use one of: {', '.join(CATEGORIES)}",
                )
            elif key == "source_url" and not re.match(r"https?://\S+$", str(value)):
                raise SourceError(
                    path,
                    where,
                    f"'source_url: {value}' is not a web address",
                    "write the full https:// address",
                )
            else:
                value = " ".join(str(value).split())
            checked[key] = value
        result[str(name)] = checked
    return result
