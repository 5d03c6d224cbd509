"""Each plugin's settings in one table: (name, default, check, help), checked one way.

A plugin declares its settings once (`SettingsTable`) and calls `resolve(settings)` when
Pelican starts: missing settings get their defaults, every value is checked, and a name
with the plugin's prefix that the table does not hold is refused with a "did you mean".
Every refusal is a `SettingsError` (an `AuthorError` without a file) worded one way:

    NAME = VALUE is not ... . Fix: set NAME in pelican.conf.py to HELP (default DEFAULT).

A check is a function of the value that returns None when it is fine, or what is wrong with
it as the end of a sentence about the value ("is not True or False").
"""

from __future__ import annotations

import difflib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from plugins.author_errors import AuthorError


class SettingsError(AuthorError):
    """A plugin setting that is unknown or has a value the plugin cannot use."""

    def __init__(self, problem, fix):
        super().__init__(None, None, problem, fix)


@dataclass(frozen=True)
class Setting:
    """One setting: its name, its default, the check of its value and what it means."""

    name: str
    default: object
    check: Callable[[object], str | None]
    help: str


# Every plugin's table, by plugin name, as each plugin module declares it: `make check` checks
# the settings of every plugin in PLUGINS with them, as the build does when it starts.
TABLES = {}


def tables_for(plugins):
    """The tables of the plugins named in PLUGINS ("plugins.<name>"), importing them."""
    import importlib

    found = []
    for name in plugins:
        if isinstance(name, str) and name.startswith("plugins."):
            importlib.import_module(name)
            table = TABLES.get(name.removeprefix("plugins."))
            if table is not None:
                found.append(table)
    return found


class SettingsTable:
    """The settings of one plugin (PLUGIN names it in messages; PREFIXES are its own)."""

    def __init__(
        self,
        plugin,
        prefixes,
        settings,
        error=SettingsError,
        relations=None,
        internal=(),
        moved=None,
    ):
        self.plugin, self.prefixes = plugin, tuple(prefixes)
        # Names with the prefix that the plugin sets itself during a build (not the author's).
        self.internal = frozenset(internal)
        self.settings = {setting.name: setting for setting in settings}
        self.error = error  # the plugin's SettingsError subclass
        # relations(values) -> (name, problem) or None: a check that involves several values.
        self.relations = relations
        # {old name: the setting that replaced it}: refused with where it went.
        self.moved = dict(moved or {})
        TABLES[plugin] = self

    @property
    def defaults(self):
        """{name: default} of every setting."""
        return {name: setting.default for name, setting in self.settings.items()}

    def __iter__(self):
        return iter(self.settings)

    def __contains__(self, name):
        return name in self.settings

    def __getitem__(self, name):
        return self.settings[name]

    def unknown(self, settings):
        """Names in SETTINGS with one of the plugin's prefixes that the table does not hold."""
        return sorted(
            name
            for name in settings
            if name.startswith(self.prefixes)
            and name not in self.settings
            and name not in self.internal
        )

    def resolve(self, settings):
        """{name: value} of every setting, defaults filled in, checked; raises self.error."""
        for name, owner in self.moved.items():
            if name in settings:
                raise self.error(
                    f"{name} is no longer a setting", f"Fix: remove it and set {owner}"
                )
        unknown = self.unknown(settings)
        if unknown:
            raise self.error(*self.unknown_message(unknown))
        values = {name: settings.get(name, s.default) for name, s in self.settings.items()}
        for name, setting in self.settings.items():
            problem = setting.check(values[name])
            if problem:
                raise self.error(*self.value_message(name, values[name], problem))
        found = self.relations(values) if self.relations else None
        if found:
            name, problem = found
            raise self.error(*self.value_message(name, values[name], problem))
        return values

    def fill(self, settings):
        """Put every default missing from SETTINGS (Pelican's dict) into it, checked; return it."""
        settings.update(self.resolve(settings))
        return settings

    def value_message(self, name, value, problem):
        """(problem, fix) for NAME = VALUE that PROBLEM says is wrong."""
        setting = self.settings[name]
        return (
            f"{name} = {value!r} {problem}",
            f"Fix: set {name} in pelican.conf.py to {setting.help} (default {setting.default!r})",
        )

    def closest(self, name):
        """The known setting NAME is most likely a misspelling of, or None."""
        # Compared without the shared prefix, which would make every name look alike.
        prefix = next(p for p in self.prefixes if name.startswith(p))
        known = {n[len(prefix) :]: n for n in self.settings if n.startswith(prefix)}
        close = difflib.get_close_matches(name[len(prefix) :], list(known), n=1, cutoff=0.6)
        if close:
            return known[close[0]]
        # A setting named by its prefix alone (IMPORTED_COMMENTS): compare whole names.
        close = difflib.get_close_matches(name, list(self.settings), n=1, cutoff=0.85)
        return close[0] if close else None

    def unknown_message(self, unknown):
        """(problem, fix) for setting names the plugin does not know."""
        known = list(self.settings)
        problem = (
            f"unknown setting(s) {', '.join(unknown)}; the {self.plugin} plugin knows "
            f"{', '.join(known)}"
        )
        hints = []
        for name in unknown:
            close = self.closest(name)
            hints.append(f"did you mean {close} for {name}?" if close else f"remove {name}")
        return problem, f"Fix: {'; '.join(hints)} (check the spelling in pelican.conf.py)"


# Checks: each returns None for a good value, else what is wrong with it.


def boolean(value):
    """True or False (not 'yes', 1 or None)."""
    return None if isinstance(value, bool) else "is not True or False"


def whole(minimum=0):
    """A whole number of at least MINIMUM."""

    def check(value):
        if isinstance(value, bool) or not isinstance(value, int):
            return "is not a whole number"
        return None if value >= minimum else f"is less than {minimum}"

    return check


def number_between(low=0, high=None):
    """A number from LOW to HIGH (no upper limit when HIGH is None)."""

    def check(value):
        if isinstance(value, bool) or not isinstance(value, int | float):
            return "is not a number"
        if value < low or (high is not None and value > high):
            return f"is not between {low} and {high}" if high is not None else f"is below {low}"
        return None

    return check


def text(value):
    """Any text."""
    return None if isinstance(value, str) else "is not text"


def file_path(value):
    """The path of a file, as text or a Path."""
    return None if isinstance(value, str | Path) else "is not the path of a file"


def one_of(*choices, fold=False):
    """One of CHOICES (ignoring case when FOLD)."""

    def check(value):
        key = str(value).lower() if fold else value
        return None if key in choices else f"is not one of {', '.join(map(repr, choices))}"

    return check


def relative_path(slug=None, file=False, inside=False, empty=False):
    """A path relative to the site: with {slug} when SLUG names whose slug ('post'), ending in
    a file name when FILE, without '..' when INSIDE; '' allowed when EMPTY."""

    def check(value):
        if empty and value == "":
            return None
        if not isinstance(value, str) or not value or value.startswith("/"):
            return "is not a relative path (no leading slash)"
        if inside and ".." in value:
            return "is not a relative path inside the site"
        if slug and "{slug}" not in value:
            return f"has no {{slug}}, so every {slug} would share one file"
        if file and value.endswith("/"):
            return "names a folder, not a file"
        return None

    return check


def sequence_of_text(value):
    """A list or tuple of text."""
    if isinstance(value, str) or not isinstance(value, list | tuple):
        return "is not a list or tuple"
    return None if all(isinstance(item, str) for item in value) else "holds something not text"
