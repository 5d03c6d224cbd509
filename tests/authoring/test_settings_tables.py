"""Every plugin declares its settings in one table; one helper fills, checks and words refusals."""

import importlib
from pathlib import Path

import pytest

from plugins.author_errors import AuthorError
from plugins.settings_table import SettingsError, SettingsTable

ROOT = Path(__file__).resolve().parents[2]

# plugin -> (module holding its TABLE, the function the plugin checks its settings with)
TABLES = {
    "build_speed": ("plugins.build_speed", None),
    "content_checks": ("plugins.content_checks.checks", None),
    "glossary": ("plugins.glossary.settings", "check_settings"),
    "imported_comments": ("plugins.imported_comments", "check_settings"),
    "old_addresses": ("plugins.old_addresses", "check_settings"),
    "reading_time": ("plugins.reading_time", None),
    "related_posts": ("plugins.related_posts.settings", "resolve"),
    "safe_html": ("plugins.safe_html", "safe_html_settings"),
    "safe_paths": ("plugins.safe_paths", "safe_paths_settings"),
    "search": ("plugins.search.index", "search_settings"),
    "sitemap": ("plugins.sitemap.sitemap", "sitemap_settings"),
    "stale_output": ("plugins.stale_output", None),
    "themes": ("plugins.themes.settings", "check_settings"),
    "topics": ("plugins.topics.settings", "resolve"),
}
# Plugins with no setting of their own.
WITHOUT_SETTINGS = {
    "console",
    "drafts",
    "post_navigation",
    "privacy_check",
    "site_marker",
    "yaml_metadata",
}


def table_of(plugin):
    module, _ = TABLES[plugin]
    table = importlib.import_module(module).TABLE
    assert isinstance(table, SettingsTable)
    return table


def checker_of(plugin):
    module, function = TABLES[plugin]
    table = table_of(plugin)
    return getattr(importlib.import_module(module), function) if function else table.resolve


def test_every_plugin_is_listed():
    folders = {p.name for p in (ROOT / "plugins").iterdir() if (p / "__init__.py").exists()}
    assert folders == set(TABLES) | WITHOUT_SETTINGS


@pytest.mark.parametrize("plugin", sorted(TABLES))
def test_the_defaults_pass_their_own_checks(plugin):
    table = table_of(plugin)
    assert checker_of(plugin)({}) is not None
    resolved = table.resolve({})
    assert set(resolved) == set(table.defaults)
    for setting in table.settings.values():
        assert setting.check(setting.default) is None, setting.name
        assert setting.help and setting.name.startswith(table.prefixes)


class Wrong:
    """A value no setting accepts."""

    def __repr__(self):
        return "<wrong>"


@pytest.mark.parametrize(
    ("plugin", "name"), [(p, n) for p in sorted(TABLES) for n in table_of(p).settings]
)
def test_a_wrong_type_is_refused_naming_the_setting_the_value_and_the_fix(plugin, name):
    table = table_of(plugin)
    with pytest.raises(SettingsError) as caught:
        checker_of(plugin)({name: Wrong()})
    error = caught.value
    assert isinstance(error, AuthorError) and isinstance(error, table.error)
    message = str(error)
    assert message.startswith(f"{name} = <wrong> "), message
    help_text = table[name].help
    assert f". Fix: set {name} in pelican.conf.py to {help_text} (default " in message


@pytest.mark.parametrize("plugin", sorted(TABLES))
def test_an_unknown_setting_is_refused_with_did_you_mean(plugin):
    table = table_of(plugin)
    real = next(iter(table.settings))
    typo = real + "X"
    with pytest.raises(SettingsError) as caught:
        checker_of(plugin)({typo: 1})
    message = str(caught.value)
    assert isinstance(caught.value, table.error)
    assert message.startswith(f"unknown setting(s) {typo}; the {table.plugin} plugin knows ")
    assert f"Fix: did you mean {real} for {typo}?" in message


def test_an_unknown_setting_like_no_other_is_to_be_removed():
    table = table_of("reading_time")
    with pytest.raises(SettingsError, match="Fix: remove READING_TIME_COLOUR "):
        table.resolve({"READING_TIME_COLOUR": "red"})


def test_a_name_the_plugin_sets_itself_is_not_refused():
    table = table_of("build_speed")
    assert "BUILD_SPEED_CACHE_ROOT" not in table.resolve({"BUILD_SPEED_CACHE_ROOT": "/tmp/x"})


def test_fill_puts_the_defaults_into_pelicans_settings_and_keeps_the_authors():
    settings = {"THEMES_DETECT": False, "SITENAME": "x"}
    table_of("themes").fill(settings)
    assert settings["THEMES_DETECT"] is False and settings["THEMES_THRESHOLD"] == 2.0


def test_a_setting_defined_twice_has_one_value():
    from plugins.related_posts import core
    from plugins.related_posts.settings import DEFAULTS

    assert DEFAULTS["RELATED_POSTS_KEYWORDS"] == core.DEFAULT_KEYWORDS
    assert core.keywords.__defaults__ == (core.DEFAULT_KEYWORDS,)


@pytest.mark.slow
@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        (
            "STALE_OUTPUT_REMOVE",
            '"yes"',
            "STALE_OUTPUT_REMOVE = 'yes' is not True or False. Fix: set STALE_OUTPUT_REMOVE in "
            "pelican.conf.py to True or False",
        ),
        (
            # BUILD_WORKERS is the one worker setting (it replaced BUILD_SPEED_WORKERS).
            "BUILD_WORKERS",
            "-1",
            "BUILD_WORKERS = -1 is less than 0. Fix: set BUILD_WORKERS",
        ),
        (
            "CONTENT_CHECKS_TITLE_MAXIMUM",
            "80",
            "unknown setting(s) CONTENT_CHECKS_TITLE_MAXIMUM; the content_checks plugin knows "
            "CONTENT_CHECKS_TITLE_MAX,",
        ),
    ],
)
def test_a_build_with_a_bad_setting_stops_with_one_line_and_no_traceback(
    tmp_path, name, value, message
):
    from authoring_helpers import FIXTURES, flat

    from tests.sitebuild import build_site

    cache = f'"{tmp_path / "cache"}"'
    settings = {name: value, "CACHE_PATH": cache}
    process = build_site(FIXTURES / "site", tmp_path / "out", extra_settings=settings, check=False)
    output = flat(process.log)
    assert process.exit_code != 0
    assert message in output
    assert "Traceback" not in output
