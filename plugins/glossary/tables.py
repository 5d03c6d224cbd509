"""The glossary and the law table: records loaded from YAML and checked, with clear errors."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from plugins.author_errors import EntryError
from plugins.slug_table import SlugTable, parsed_once
from plugins.yaml_metadata.bounded import compose_and_load, yaml_error_parts

_SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
_URL = re.compile(r"^https://[^\s<>\"']+$")
_LEGISLATION = re.compile(r"^[a-z]+/\d{4}/\d+$")
_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August")
_MONTHS += ("September", "October", "November", "December")


class TableError(EntryError):
    """A malformed glossary or law table: file, entry, problem and fix."""


@dataclass(frozen=True, order=True)
class When:
    """A date as precise as the table gives it: a year, a month or a day."""

    date: dt.date
    precision: str = "day"  # "year", "month" or "day"

    def __str__(self):
        if self.precision == "year":
            return f"{self.date.year}"
        return f"{_MONTHS[self.date.month - 1]} {self.date.year}"

    @property
    def long(self):
        """The date as precisely as known: '2 December 2019', 'December 2019' or '2019'."""
        if self.precision == "day":
            return f"{self.date.day} {self}"
        return str(self)


def parse_when(value):
    """A When from YAML's YYYY, YYYY-MM or YYYY-MM-DD; None for a value that is none of them."""
    if isinstance(value, dt.datetime):
        return When(value.date())
    if isinstance(value, dt.date):
        return When(value)
    if isinstance(value, int) and not isinstance(value, bool) and 1800 < value < 2200:
        return When(dt.date(value, 1, 1), "year")
    if isinstance(value, str):
        match = re.fullmatch(r"(\d{4})(?:-(\d{2}))?(?:-(\d{2}))?", value.strip())
        if match:
            year, month, day = match.groups()
            try:
                if day:
                    return When(dt.date(int(year), int(month), int(day)))
                if month:
                    return When(dt.date(int(year), int(month), 1), "month")
                return When(dt.date(int(year), 1, 1), "year")
            except ValueError:
                return None
    return None


@dataclass(frozen=True)
class Term:
    """One glossary entry: the word, what it stands for, what it means, and when it applied."""

    slug: str
    term: str
    definition: str
    source: str
    expansion: str = ""
    also: tuple[str, ...] = ()
    start: When | None = None
    until: When | None = None
    replaced_by: str = ""
    change: str = ""
    line: int = 0

    @property
    def forms(self):
        """Every way a post may write the term: the term, its expansion, its other forms."""
        forms = [self.term, *self.also]
        if self.expansion:
            forms.append(self.expansion)
        return tuple(dict.fromkeys(forms))

    @property
    def name(self):
        """How the glossary heads the entry: 'HCPC (Health and Care Professions Council)'."""
        if self.expansion and self.expansion != self.term:
            return f"{self.term} ({self.expansion})"
        return self.term


@dataclass(frozen=True)
class Glossary(SlugTable):
    """The glossary's terms in the file's order, found by slug."""

    ENTRIES = "terms"
    terms: tuple[Term, ...]
    path: str = ""
    _by_slug: dict = field(default_factory=dict, repr=False, compare=False)


@dataclass(frozen=True)
class Section:
    number: str
    heading: str


@dataclass(frozen=True)
class Change:
    """A later change to an Act a post may rely on: when, and what it did."""

    when: When
    text: str


@dataclass(frozen=True)
class Act:
    """An Act of Parliament on legislation.gov.uk, with the sections posts cite."""

    slug: str
    title: str
    legislation: str  # e.g. ukpga/1989/41
    enacted: dt.date
    sections: tuple[Section, ...] = ()
    bare_sections: bool = False  # "section 47" on its own means a section of this Act
    changes: tuple[Change, ...] = ()

    def section(self, number):
        return next((s for s in self.sections if s.number == str(number)), None)


@dataclass(frozen=True)
class Edition:
    """One edition of a piece of guidance: its year, publication date and address."""

    year: int
    published: When
    url: str = ""


@dataclass(frozen=True)
class Guidance:
    """Statutory guidance published in editions (Working Together to Safeguard Children)."""

    slug: str
    title: str
    names: tuple[str, ...]
    current_url: str
    editions: tuple[Edition, ...]

    def edition(self, year):
        return next((e for e in self.editions if e.year == year), None)

    def in_force(self, day):
        """The edition in force on DAY (the latest published on or before it), or None."""
        found = None
        for edition in self.editions:
            if edition.published.date <= day:
                found = edition
        return found

    def later(self, edition):
        """The editions published after EDITION."""
        return tuple(e for e in self.editions if e.published.date > edition.published.date)


@dataclass(frozen=True)
class LawTable:
    acts: tuple[Act, ...]
    guidance: tuple[Guidance, ...]
    path: str = ""

    @property
    def bare_act(self):
        return next((act for act in self.acts if act.bare_sections), None)


# -- reading YAML ----------------------------------------------------------------------------


class _Loader(yaml.SafeLoader):
    """A safe loader that keeps dates as written, so a date that cannot be is named here."""


_Loader.add_constructor("tag:yaml.org,2002:timestamp", lambda loader, node: node.value)


class _FastLoader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):
    """_Loader on libyaml's scanner and parser: the same constructors, so the same data."""


_FastLoader.add_constructor("tag:yaml.org,2002:timestamp", lambda loader, node: node.value)


def _read(path):
    path = Path(path)
    try:
        return path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise TableError(
            path, "", "does not exist", "create it, or point the setting at the project's file"
        ) from None
    except UnicodeDecodeError as error:
        raise TableError(
            path, f"byte {error.start}", "is not UTF-8 text", "save the file as UTF-8"
        ) from None


def _load(text, path, key, shape):
    """(list of entries under KEY, their line numbers); raises TableError on bad YAML."""
    try:
        # Speed (bench/): the pure-Python loader took 0.13 s of every build's start for the
        # glossary and law tables; libyaml reads them several times faster.
        root, data = compose_and_load(text, _Loader, _FastLoader)
    except yaml.YAMLError as error:
        fix = "check indentation and quote text containing ': ' or '#'"
        raise TableError(path, *yaml_error_parts(error, fix)) from None
    if not isinstance(data, dict) or not isinstance(data.get(key), list) or not data[key]:
        raise TableError(path, "", f"has no `{key}:` list", shape)
    node = next(v for k, v in root.value if k.value == key)
    return data, data[key], [item.start_mark.line + 1 for item in node.value]


def _label(index, line, raw, key="slug"):
    label = f"entry {index + 1} (line {line})"
    if isinstance(raw, dict) and isinstance(raw.get(key), str):
        label += f" '{raw[key]}'"
    return label


def _mapping(path, label, raw, fields, what):
    if not isinstance(raw, dict):
        raise TableError(
            path,
            label,
            f"is a {type(raw).__name__}, not {what}",
            f"write it as a mapping with "
            f"{', '.join(f'{k}:' for k, (needed, _) in fields.items() if needed)}",
        )
    unknown = sorted(map(str, set(raw) - set(fields)))
    if unknown:
        raise TableError(
            path,
            label,
            f"has unknown field(s) {', '.join(unknown)}",
            f"use only these fields: {', '.join(fields)} (check the spelling)",
        )
    for key, (needed, meaning) in fields.items():
        value = raw.get(key)
        if needed and (value is None or (isinstance(value, str) and not value.strip())):
            raise TableError(path, label, f"has no {key}", f"add `{key}:` with {meaning}")


def _text(path, label, raw, key, meaning):
    value = raw.get(key)
    if value is None:
        return ""
    if not isinstance(value, str):
        raise TableError(
            path,
            label,
            f"{key} is a {type(value).__name__}, not text",
            f"write {key} as text: {meaning} (quote it if it looks like a number or a date)",
        )
    return " ".join(value.split())


def _slug(path, label, raw):
    slug = raw["slug"]
    if not isinstance(slug, str) or not _SLUG.match(slug):
        raise TableError(
            path,
            label,
            f"slug {slug!r} is not a URL name",
            "use lower-case letters, digits and single hyphens, e.g. serious-case-review",
        )
    return slug


def _url(path, label, raw, key):
    value = raw.get(key)
    if value is None:
        return ""
    if not isinstance(value, str) or not _URL.match(value.strip()):
        raise TableError(
            path,
            label,
            f"{key} {value!r} is not a web address",
            f"write {key} as a full https:// address of the page the facts come from",
        )
    return value.strip()


def _when(path, label, raw, key):
    value = raw.get(key)
    if value is None:
        return None
    when = parse_when(value)
    if when is None:
        raise TableError(
            path,
            label,
            f"{key} {value!r} is not a date",
            f"write {key} as YYYY, YYYY-MM or YYYY-MM-DD of a real date, e.g. 2019-12-02",
        )
    return when


_TERM_FIELDS = {
    "slug": (True, "a short URL name for the entry's anchor, e.g. hcpc"),
    "term": (True, "the word or abbreviation as posts write it, e.g. HCPC"),
    "expansion": (False, "what an abbreviation stands for"),
    "also": (False, "other ways posts write it, e.g. [SCRs, serious case review]"),
    "definition": (True, "one paragraph saying what it is"),
    "from": (False, "when it began, YYYY or YYYY-MM or YYYY-MM-DD"),
    "until": (False, "when it ended, YYYY or YYYY-MM or YYYY-MM-DD"),
    "replaced_by": (False, "the slug of the entry that took its place"),
    "change": (False, "what changed, for the note on older posts"),
    "source": (True, "the https:// address the facts come from"),
}


def _term(path, label, raw, line):
    _mapping(path, label, raw, _TERM_FIELDS, "a glossary entry")
    slug = _slug(path, label, raw)
    values = {
        key: _text(path, label, raw, key, _TERM_FIELDS[key][1])
        for key in ("term", "expansion", "definition", "replaced_by", "change")
    }
    if "\n\n" in (raw.get("definition") or "").strip():
        raise TableError(
            path,
            label,
            "definition has more than one paragraph",
            "keep the definition to one paragraph (no blank line inside it)",
        )
    if re.fullmatch(r"[A-Z][A-Za-z]*[A-Z][A-Za-z]*", values["term"]) and not values["expansion"]:
        raise TableError(
            path,
            label,
            f"abbreviation '{values['term']}' has no expansion",
            "add `expansion:` with what it stands for, so readers and screen readers hear it",
        )
    also = raw.get("also") or []
    if not isinstance(also, list) or not all(isinstance(a, str) and a.strip() for a in also):
        raise TableError(
            path,
            label,
            "also is not a list of words",
            "write also as a YAML list of text, e.g. also: [SCRs, serious case review]",
        )
    start, until = _when(path, label, raw, "from"), _when(path, label, raw, "until")
    if start and until and until.date < start.date:
        raise TableError(
            path, label, f"until ({until.long}) is before from ({start.long})", "swap them"
        )
    if until and not values["change"]:
        raise TableError(
            path,
            label,
            "has `until:` but no `change:`",
            "add `change:` saying what happened, e.g. 'the HCPC's role passed to Social "
            "Work England'; older posts show it in their 'since this was written' note",
        )
    if values["change"] and not until:
        raise TableError(
            path, label, "has `change:` but no `until:`", "add `until:` with when it changed"
        )
    return Term(
        slug=slug,
        term=values["term"],
        expansion=values["expansion"],
        also=tuple(a.strip() for a in also),
        definition=values["definition"],
        start=start,
        until=until,
        replaced_by=values["replaced_by"],
        change=values["change"],
        source=_url(path, label, raw, "source"),
        line=line,
    )


def parse_glossary(text, path="<glossary.yaml>"):
    """A Glossary from YAML TEXT; raises TableError naming the first bad entry."""
    shape = "start the file with `terms:` followed by a list of `- slug: ...` entries"
    _, entries, lines = _load(text, path, "terms", shape)
    terms, seen, forms = [], {}, {}
    for index, (raw, line) in enumerate(zip(entries, lines, strict=True)):
        label = _label(index, line, raw)
        term = _term(path, label, raw, line)
        if term.slug in seen:
            raise TableError(
                path,
                label,
                f"slug '{term.slug}' is already used by {seen[term.slug]}",
                "give each entry its own slug, or merge the two entries",
            )
        seen[term.slug] = label
        for form in term.forms:
            key = form.casefold()
            if key in forms and forms[key][0] != term.slug:
                raise TableError(
                    path,
                    label,
                    f"'{form}' also names entry '{forms[key][0]}' ({forms[key][1]})",
                    "a word may stand for only one entry; remove it from one of them",
                )
            forms[key] = (term.slug, label)
        terms.append(term)
    for term in terms:
        if term.replaced_by and (term.replaced_by not in seen or term.replaced_by == term.slug):
            raise TableError(
                path,
                f"{seen[term.slug]}",
                f"replaced_by '{term.replaced_by}' is not another entry's slug",
                f"use the slug of the entry that took its place (one of: "
                f"{', '.join(sorted(seen)[:8])} ...), or remove replaced_by",
            )
    return Glossary(terms=tuple(terms), path=str(path))


def load_glossary(path):
    """Read and check the glossary at PATH."""
    return parsed_once("glossary", path, _read(path), parse_glossary)


_ACT_FIELDS = {
    "slug": (True, "a short name, e.g. children-act-1989"),
    "title": (True, "the Act's short title as posts write it, e.g. Children Act 1989"),
    "legislation": (True, "its legislation.gov.uk path: type/year/number, e.g. ukpga/1989/41"),
    "enacted": (True, "the date of Royal Assent, YYYY-MM-DD"),
    "sections": (False, "the sections posts cite, number: heading"),
    "bare_sections": (False, "true if 'section 47' alone means a section of this Act"),
    "changes": (False, "later changes posts may rely on: a list of {date:, text:}"),
}
_GUIDANCE_FIELDS = {
    "slug": (True, "a short name, e.g. working-together"),
    "title": (True, "the guidance's title, e.g. Working Together to Safeguard Children"),
    "names": (False, "shorter names posts use, e.g. [Working Together]"),
    "current": (True, "the https:// address of the current edition"),
    "editions": (True, "a list of {year:, published:, url:}"),
}


def _act(path, label, raw):
    _mapping(path, label, raw, _ACT_FIELDS, "an Act")
    slug = _slug(path, label, raw)
    title = _text(path, label, raw, "title", _ACT_FIELDS["title"][1])
    legislation = _text(path, label, raw, "legislation", _ACT_FIELDS["legislation"][1])
    if not _LEGISLATION.match(legislation):
        raise TableError(
            path,
            label,
            f"legislation '{legislation}' is not a legislation.gov.uk path",
            "write it as type/year/number, e.g. ukpga/1989/41 for the Children Act 1989",
        )
    enacted = _when(path, label, raw, "enacted")
    if enacted is None or enacted.precision != "day":
        raise TableError(
            path, label, "enacted is not a full date", "write the date of Royal Assent, YYYY-MM-DD"
        )
    sections = raw.get("sections") or {}
    if not isinstance(sections, dict) or not all(
        isinstance(k, int | str) and isinstance(v, str) for k, v in sections.items()
    ):
        raise TableError(
            path,
            label,
            "sections is not a mapping of section numbers to headings",
            "write each section as `47: Local authority's duty to investigate`",
        )
    bare = raw.get("bare_sections", False)
    if not isinstance(bare, bool):
        raise TableError(path, label, "bare_sections is not true or false", "write true or false")
    changes = []
    for position, item in enumerate(raw.get("changes") or [], 1):
        where = f"{label}, change {position}"
        if not isinstance(item, dict) or set(item) != {"date", "text"}:
            raise TableError(
                path,
                where,
                "is not a {date:, text:} pair",
                "write `- {date: 2019-09-29, text: ...}`",
            )
        when = _when(path, where, item, "date")
        text = _text(path, where, item, "text", "what changed")
        if not text:
            raise TableError(path, where, "has no text", "say what changed")
        changes.append(Change(when, text))
    return Act(
        slug=slug,
        title=title,
        legislation=legislation,
        enacted=enacted.date,
        sections=tuple(Section(str(k), " ".join(v.split())) for k, v in sections.items()),
        bare_sections=bare,
        changes=tuple(changes),
    )


def _guidance(path, label, raw):
    _mapping(path, label, raw, _GUIDANCE_FIELDS, "guidance")
    slug = _slug(path, label, raw)
    title = _text(path, label, raw, "title", _GUIDANCE_FIELDS["title"][1])
    names = raw.get("names") or []
    if not isinstance(names, list) or not all(isinstance(n, str) and n.strip() for n in names):
        raise TableError(path, label, "names is not a list of text", "write names: [Short name]")
    editions = raw.get("editions")
    if not isinstance(editions, list) or not editions:
        raise TableError(
            path, label, "editions is not a list", "write `- {year: 2018, published: 2018-07-04}`"
        )
    found = []
    for position, item in enumerate(editions, 1):
        where = f"{label}, edition {position}"
        if (
            not isinstance(item, dict)
            or not {"year", "published"} <= set(item)
            or set(item)
            - {
                "year",
                "published",
                "url",
            }
        ):
            raise TableError(
                path,
                where,
                "is not a {year:, published:, url:} entry",
                "write `- {year: 2018, published: 2018-07-04, url: https://...}` (url optional)",
            )
        year = item["year"]
        published = _when(path, where, item, "published")
        if not isinstance(year, int) or published is None or published.date.year != year:
            raise TableError(
                path,
                where,
                f"year {year!r} does not match published '{item['published']}'",
                "give the edition's year and the date it was published in that year",
            )
        if found and published.date <= found[-1].published.date:
            raise TableError(
                path, where, "is not later than the edition before it", "list editions oldest first"
            )
        found.append(Edition(year, published, _url(path, where, item, "url")))
    return Guidance(
        slug=slug,
        title=title,
        names=tuple(dict.fromkeys([title, *(n.strip() for n in names)])),
        current_url=_url(path, label, raw, "current"),
        editions=tuple(found),
    )


def parse_law(text, path="<law.yaml>"):
    """A LawTable from YAML TEXT; raises TableError naming the first bad entry."""
    shape = "start the file with `acts:` (a list of Acts) and `guidance:` (a list)"
    data, entries, lines = _load(text, path, "acts", shape)
    unknown = sorted(map(str, set(data) - {"acts", "guidance"}))
    if unknown:
        raise TableError(path, "", f"has unknown key(s) {', '.join(unknown)}", shape)
    acts, seen = [], set()
    for index, (raw, line) in enumerate(zip(entries, lines, strict=True)):
        label = _label(index, line, raw)
        act = _act(path, label, raw)
        if act.slug in seen:
            raise TableError(path, label, f"slug '{act.slug}' is used twice", "give each its own")
        seen.add(act.slug)
        acts.append(act)
    if sum(act.bare_sections for act in acts) > 1:
        raise TableError(
            path,
            "acts",
            "more than one Act has bare_sections: true",
            "'section 47' on its own can mean only one Act; keep bare_sections on one",
        )
    guidance = []
    if data.get("guidance"):
        _, items, glines = _load(text, path, "guidance", shape)
        for index, (raw, line) in enumerate(zip(items, glines, strict=True)):
            label = f"guidance {_label(index, line, raw)}"
            item = _guidance(path, label, raw)
            if item.slug in seen:
                raise TableError(path, label, f"slug '{item.slug}' is used twice", "rename one")
            seen.add(item.slug)
            guidance.append(item)
    return LawTable(acts=tuple(acts), guidance=tuple(guidance), path=str(path))


def load_law(path):
    """Read and check the law table at PATH."""
    return parsed_once("law", path, _read(path), parse_law)
