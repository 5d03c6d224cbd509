"""The theme vocabulary: Theme records loaded and checked from content/themes.yaml."""

import re
import unicodedata
from dataclasses import dataclass, field, replace
from pathlib import Path

import yaml

from plugins.author_errors import EntryError
from plugins.slug_table import SlugTable, parsed_once
from plugins.yaml_metadata.bounded import compose_and_load, yaml_error_parts

_SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
_FIELDS = {
    "slug": "a short URL name, e.g. blame-culture",
    "name": "the heading shown to readers, e.g. Blame culture",
    "scope": "a one-line note on what belongs under the theme",
    "description": "one paragraph for the theme's topic page",
    "synonyms": "other names a tag or label may use for the theme",
    "phrases": "words and phrases that show a post is about the theme",
    "weak_phrases": "words that support the theme but do not signal it alone",
    "not_phrases": "phrases that look like the theme but are not (e.g. social care system)",
}
_LISTS = ("synonyms", "phrases", "weak_phrases", "not_phrases")


class VocabularyError(EntryError):
    """A malformed vocabulary (content/themes.yaml): file, entry, problem and fix."""


# The default of TOPIC_URL, the one setting every topic link, page and sitemap entry follows
# (its owner is the topics plugin's settings table, plugins/topics/settings.py).
DEFAULT_TOPIC_URL = "topics/{slug}/"


def topic_url(slug, url_format=DEFAULT_TOPIC_URL):
    """The URL of a theme's topic page, relative to SITEURL (URL_FORMAT is TOPIC_URL)."""
    return url_format.format(slug=slug)


@dataclass(frozen=True)
class Theme:
    """One theme of the blog: what it is called, what it covers and how to recognise it."""

    slug: str
    name: str
    description: str
    scope: str = ""
    synonyms: tuple[str, ...] = ()
    phrases: tuple[str, ...] = ()
    weak_phrases: tuple[str, ...] = ()
    not_phrases: tuple[str, ...] = ()
    # TOPIC_URL of the build (Vocabulary.with_topic_url); not part of what the theme is.
    url_format: str = field(default=DEFAULT_TOPIC_URL, repr=False, compare=False)

    @property
    def url(self):
        """The topic page's URL relative to SITEURL, as Pelican's article.url is."""
        return topic_url(self.slug, self.url_format)

    @property
    def labels(self):
        """Every name a tag may use for this theme: its name, slug and synonyms."""
        return (self.name, self.slug, *self.synonyms)

    def __str__(self):
        return self.name


def normalise_label(text):
    """Fold a tag or theme name for comparison: case, accents, quotes, dashes, spacing."""
    text = unicodedata.normalize("NFKD", str(text))
    text = "".join(c for c in text if not unicodedata.combining(c))
    text = text.replace("’", "'").replace("‘", "'").lower()
    text = re.sub(r"[\s_\-–—/&]+", " ", text)
    text = re.sub(r"[^\w' ]+", "", text)
    return text.replace("'", "").strip()


@dataclass(frozen=True)
class Vocabulary(SlugTable):
    """The themes in the order the YAML lists them, found by slug or by name or synonym."""

    ENTRIES = "themes"
    themes: tuple[Theme, ...]
    path: str = ""
    _by_slug: dict = field(default_factory=dict, repr=False, compare=False)
    _by_label: dict = field(default_factory=dict, repr=False, compare=False)
    _cache: dict = field(default_factory=dict, repr=False, compare=False)

    def __post_init__(self):
        super().__post_init__()
        for theme in self.themes:
            for label in theme.labels:
                self._by_label.setdefault(normalise_label(label), theme)

    def lookup(self, label):
        """The theme a tag or label names (by name, slug or synonym), or None."""
        return self._by_label.get(normalise_label(label))

    @property
    def slugs(self):
        return tuple(theme.slug for theme in self.themes)

    def cached(self, key, make):
        """make(), worked out once per Vocabulary object for KEY (compiled patterns, answers
        about its phrases); a fresh vocabulary (autoreload) starts with none."""
        try:
            return self._cache[key]
        except KeyError:
            value = self._cache[key] = make()
            return value

    def with_topic_url(self, url_format):
        """This vocabulary with every theme's url made from URL_FORMAT (the TOPIC_URL setting)."""
        if all(theme.url_format == url_format for theme in self.themes):
            return self
        themes = tuple(replace(theme, url_format=url_format) for theme in self.themes)
        return Vocabulary(themes, self.path)


def _entry_label(index, line, raw):
    label = f"entry {index + 1} (line {line})"
    if isinstance(raw, dict) and isinstance(raw.get("slug"), str):
        label += f" '{raw['slug']}'"
    return label


def _check_entry(path, label, raw):
    if not isinstance(raw, dict):
        raise VocabularyError(
            path,
            label,
            f"is a {type(raw).__name__}, not a theme",
            "write each theme as a mapping with slug:, name:, description: and phrases:",
        )
    unknown = sorted(set(raw) - set(_FIELDS))
    if unknown:
        known = ", ".join(_FIELDS)
        raise VocabularyError(
            path,
            label,
            f"has unknown field(s) {', '.join(map(str, unknown))}",
            f"use only these fields: {known} (check the spelling)",
        )
    for key in ("slug", "name", "description"):
        value = raw.get(key)
        if value is None or (isinstance(value, str) and not value.strip()):
            raise VocabularyError(path, label, f"has no {key}", f"add `{key}:` with {_FIELDS[key]}")
        if not isinstance(value, str):
            raise VocabularyError(
                path,
                label,
                f"{key} is a {type(value).__name__}, not text",
                f"write {key} as text: {_FIELDS[key]}",
            )
    if not _SLUG.match(raw["slug"]):
        raise VocabularyError(
            path,
            label,
            f"slug '{raw['slug']}' is not a URL name",
            "use lower-case letters, digits and single hyphens, e.g. blame-culture",
        )
    if raw.get("scope") is not None and not isinstance(raw["scope"], str):
        raise VocabularyError(path, label, "scope is not text", "write scope as one line")
    for key in _LISTS:
        value = raw.get(key)
        if value is None:
            continue
        if not isinstance(value, list):
            raise VocabularyError(
                path,
                label,
                f"{key} is a {type(value).__name__}, not a list",
                f"write {key} as a YAML list, e.g. {key}: [first phrase, second phrase]",
            )
        for position, phrase in enumerate(value, 1):
            if not isinstance(phrase, str) or not phrase.strip():
                shown = "an empty phrase" if phrase in ("", None) else repr(phrase)
                raise VocabularyError(
                    path,
                    label,
                    f"{key} item {position} is {shown}, not a phrase",
                    f"write each item of {key} as text; quote numbers and yes/no, e.g. '2020'",
                )


_FAST_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def parse_vocabulary(text, path="<themes.yaml>"):
    """Build a Vocabulary from YAML TEXT, raising VocabularyError on any malformed entry."""
    try:
        # Speed (bench/): libyaml reads the file several times faster. Only the scanner and
        # parser are C; the constructors are the same, so the data is the same.
        root, data = compose_and_load(text, yaml.SafeLoader, _FAST_LOADER)
    except yaml.YAMLError as error:
        fix = "check indentation and quote text containing ': ' or '#'"
        raise VocabularyError(path, *yaml_error_parts(error, fix)) from None
    fix_shape = "start the file with `themes:` followed by a list of `- slug: ...` entries"
    if not isinstance(data, dict) or "themes" not in data:
        raise VocabularyError(path, "", "has no `themes:` list", fix_shape)
    entries = data["themes"]
    if not isinstance(entries, list) or not entries:
        raise VocabularyError(path, "themes", "is not a non-empty list", fix_shape)
    themes_node = next(v for k, v in root.value if k.value == "themes")
    themes, seen_slugs, seen_labels = [], {}, {}
    for index, raw in enumerate(entries):
        line = themes_node.value[index].start_mark.line + 1
        label = _entry_label(index, line, raw)
        _check_entry(path, label, raw)
        slug = raw["slug"]
        if slug in seen_slugs:
            raise VocabularyError(
                path,
                label,
                f"slug '{slug}' is already used by {seen_slugs[slug]}",
                "give each theme its own slug, or merge the two entries",
            )
        seen_slugs[slug] = label
        theme = Theme(
            slug=slug,
            name=raw["name"].strip(),
            description=" ".join(raw["description"].split()),
            scope=(raw.get("scope") or "").strip(),
            **{key: tuple(p.strip() for p in raw.get(key) or ()) for key in _LISTS},
        )
        for name in theme.labels:
            key = normalise_label(name)
            owner = seen_labels.get(key)
            if owner and owner[0] != slug:
                raise VocabularyError(
                    path,
                    label,
                    f"name or synonym '{name}' also names theme '{owner[0]}'",
                    "a label may name only one theme; remove it from one of them",
                )
            seen_labels[key] = (slug, label)
        themes.append(theme)
    return Vocabulary(themes=tuple(themes), path=str(path))


def load_vocabulary(path):
    """Read and check the vocabulary at PATH; raise VocabularyError naming any bad entry."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise VocabularyError(
            path,
            "",
            "does not exist",
            "create it, or point THEMES_VOCABULARY at the project's content/themes.yaml",
        ) from None
    except UnicodeDecodeError as error:
        raise VocabularyError(
            path, f"byte {error.start}", "is not UTF-8 text", "save the file as UTF-8"
        ) from None
    return parsed_once("vocabulary", path, text, parse_vocabulary)
