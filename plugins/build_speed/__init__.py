"""Build speed-ups that never change the output: page writing in BUILD_WORKERS processes."""

import logging

from pelican import signals

from plugins.collector import freeze_heap, thaw_heap

from .cache import (
    cache_folder,
    code_fingerprint,
    discard_unreadable,
    guard_pelican_cache,
    site_folder,
)
from .keys import hex_key, key
from .listed import index_taxonomy_lists
from .settings import SETTINGS, TABLE, BuildSettingsError
from .settings import check_settings as fill_settings
from .summary import summaries_once
from .templates import compile_ahead, compile_theme_templates, share_templates, start_build
from .writer import (
    ParallelWriter,
    WriteFailedError,
    WriteOut,
    group_by_output,
    newest_first,
    pages_writing,
)

__all__ = [
    "ORDER",
    "SETTINGS",
    "TABLE",
    "ParallelWriter",
    "PluginOrderError",
    "WriteFailedError",
    "WriteOut",
    "cache_folder",
    "check_order",
    "code_fingerprint",
    "group_by_output",
    "hex_key",
    "key",
    "newest_first",
    "plugin_names",
    "register",
    "site_folder",
    "writes_pages_later",
]

logger = logging.getLogger(__name__)

# Where this plugin must stand in PLUGINS, checked at start (check_order). WriteOut, the
# generator that writes the queued pages, runs in plugin order among the generators plugins
# add: "after" names the plugins whose generators write pages (so those are written with the
# rest, in BUILD_WORKERS processes, and announced in this one); "before" names stale_output,
# whose pruner must run once every page is written. Pages written at Pelican's own signals
# (old_addresses at article_writer_finalized) are queued whatever the order.
ORDER = {
    "after": ("plugins.topics", "plugins.glossary", "plugins.search"),
    "before": ("plugins.stale_output",),
}
NAME = "plugins.build_speed"


class PluginOrderError(BuildSettingsError):
    """PLUGINS lists this plugin on the wrong side of another; says the problem and the fix."""


def plugin_names(plugins):
    """The module names of PLUGINS (Pelican's setting: names or modules)."""
    return [str(getattr(plugin, "__name__", plugin)) for plugin in plugins]


def writes_pages_later(settings):
    """True when this plugin's writer writes the build's pages (it queues them, and sends
    `pages_writing` before it writes the first)."""
    return NAME in plugin_names(settings.get("PLUGINS") or ())


def check_order(plugins, name=NAME, order=None):
    """Raise PluginOrderError when PLUGINS breaks NAME's ORDER (plugins not listed are fine)."""
    order = ORDER if order is None else order
    names = plugin_names(plugins)
    if name not in names:
        return
    here = names.index(name)
    for other in order.get("after", ()):
        if other in names and names.index(other) > here:
            raise PluginOrderError(
                f"PLUGINS lists {name} before {other}, whose pages it writes",
                f"Fix: move '{name}' after '{other}' in PLUGINS (pelican.conf.py)",
            )
    for other in order.get("before", ()):
        if other in names and names.index(other) < here:
            raise PluginOrderError(
                f"PLUGINS lists {name} after {other}, which needs every page written first",
                f"Fix: move '{name}' before '{other}' in PLUGINS (pelican.conf.py)",
            )


def check_settings(pelican):
    """Fail at start on a bad setting or plugin order; fill in the defaults."""
    settings = pelican.settings
    check_order(settings.get("PLUGINS") or ())
    fill_settings(settings)
    # Pelican's "reader" layer keeps what the reader returned (the HTML and the metadata);
    # the "generator" layer pickles the post objects when it saves, after plugins have worked
    # on them (themes, moved tags...), and they come back next build as if read, with the
    # last build's context (Pelican 4.12 then writes wrong relative links). Plugins keep their
    # own results in the build memo (memo.py) instead.
    layer = settings.get("CONTENT_CACHING_LAYER", "reader")
    if settings.get("CACHE_CONTENT") and layer != "reader":
        raise BuildSettingsError(
            f"CONTENT_CACHING_LAYER is {layer!r}: that cache keeps posts as plugins left "
            "them, and they would come back stale",
            "Fix: set CONTENT_CACHING_LAYER = 'reader' (Pelican's default) in pelican.conf.py",
        )


def place_cache(pelican):
    """Point CACHE_PATH at this content and code's cache folder; discard unreadable files."""
    # get_generators: sent once every plugin's initialized receiver has filled in its
    # defaults (so the settings fingerprint is complete) and before any generator or
    # reader opens the cache. Returns no generator.
    settings = pelican.settings
    if not (settings.get("CACHE_CONTENT") or settings.get("LOAD_CONTENT_CACHE")):
        return
    if settings.get("BUILD_SPEED_KEYED_CACHE"):
        # The root is kept: `pelican --autoreload` sends this again, with the same settings,
        # for every rebuild.
        root = settings.setdefault("BUILD_SPEED_CACHE_ROOT", settings["CACHE_PATH"])
        settings["CACHE_PATH"] = str(cache_folder(root, settings))
    if settings.get("LOAD_CONTENT_CACHE"):
        # A cache file a full disk left empty or cut short is discarded with a note, not read.
        discard_unreadable(settings["CACHE_PATH"])
        guard_pelican_cache()


def get_writer(pelican):
    """Pelican's Writer with page writes queued for write-out in BUILD_WORKERS processes."""
    # Also with one process: the same writer (feeds pinned to the site's base) either way.
    return ParallelWriter


def get_generators(pelican):
    """The generator that writes out the queued pages after Pelican's generators queued them."""
    return WriteOut


# The attributes Pelican's generators keep their contents in (articles, pages, drafts, ...).
_CONTENT_LISTS = (
    "articles",
    "translations",
    "drafts",
    "drafts_translations",
    "hidden_articles",
    "hidden_translations",
    "pages",
    "hidden_pages",
    "draft_pages",
    "draft_translations",
)


def freeze_urls(generator):
    """Work out each article's (or page's) URL once, not at every link to it on every page."""
    # article_generator_finalized / page_generator_finalized: every post is read, so its slug,
    # date, status and category are final, and no page is written yet. Pelican formats
    # Content.url from the URL setting on each use (some forty uses per page written);
    # override_url is Pelican's own per-object URL, read first by Content.url.
    for name in _CONTENT_LISTS:
        for content in getattr(generator, name, None) or ():
            if not hasattr(content, "override_url"):
                content.override_url = content.url
            # The same for the file it is saved as (read ~8 times a post: checks, writer...).
            if not hasattr(content, "override_save_as"):
                content.override_save_as = content.save_as
        # Its summary, cut from the body once, not once for each page depth (summary.py).
        summaries_once(getattr(generator, name, None) or ())


def register():
    # get_generators: sent at the start of every build, once every plugin is set up (the log
    # filter that turns a stopping error into one line included), before anything is read.
    signals.get_generators.connect(check_settings)
    # article_generator_finalized / page_generator_finalized: every post (page) has been
    # read, and nothing has been written.
    signals.article_generator_finalized.connect(freeze_urls)
    signals.page_generator_finalized.connect(freeze_urls)
    # article_generator_finalized, again: the tag, category and author lists are made, and
    # only read after (listed.py).
    signals.article_generator_finalized.connect(index_taxonomy_lists)
    # get_writer / get_generators: pages are queued as generators write them, then written
    # out in two processes by WriteOut, which Pelican runs after its own generators.
    signals.get_writer.connect(get_writer)
    signals.get_generators.connect(get_generators)
    # get_generators, again: the moment to key the cache folder (see place_cache).
    signals.get_generators.connect(place_cache)
    # get_writer: all content is made and only the writing is left, so the heap is frozen
    # for the writing (collector.freeze_heap); the start of the next build in this process
    # thaws it (a process that ends after its build never walks it again, see thaw_heap).
    signals.get_writer.connect(freeze_heap)
    signals.get_generators.connect(thaw_heap)
    # get_generators, generator_init, pages_writing: the build's Jinja environments share
    # one cache of compiled templates, filled here before the page writers fork (templates.py).
    signals.get_generators.connect(start_build)
    signals.generator_init.connect(share_templates)
    pages_writing.connect(compile_theme_templates)
    # article_generator_preread: every environment is made, and the posts are about to be
    # read; the theme is compiled beside the reading, in a forked process.
    signals.article_generator_preread.connect(compile_ahead)
