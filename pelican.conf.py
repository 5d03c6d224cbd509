"""Pelican settings for local builds and previews; publish.conf.py layers production on top.

Every command passes `-s pelican.conf.py`: the dot in the name keeps Pelican from
picking it up as the default `pelicanconf.py`, and keeps it out of Python's imports.
"""

import logging
from pathlib import Path

_HERE = Path(__file__).resolve().parent

AUTHOR = "Chris Mills"
# The category `make newpost` writes into every new draft (Pelican also gives it to a post
# that names none and lies in no subfolder of the content folder).
DEFAULT_CATEGORY = "Reflections"
SITENAME = "Learning from Child Protection"
SITESUBTITLE = "Reflections on safety, blame and learning in child protection social work"
SITEDESCRIPTION = (
    "A reflective-practice blog about child protection social work: blame culture, "
    "regulation, serious case reviews, and how organisations learn."
)
SITEURL = ""
TIMEZONE = "Europe/London"
DEFAULT_LANG = "en-GB"
DEFAULT_DATE_FORMAT = "%-d %B %Y"

PATH = "content"
ARTICLE_PATHS = ["articles"]
PAGE_PATHS = ["pages"]
STATIC_PATHS = ["images", "extra"]
EXTRA_PATH_METADATA = {"extra/robots.txt": {"path": "robots.txt"}}

THEME = str(_HERE / "theme")
PLUGINS = [
    "plugins.console",  # one clean line per problem on the console: no tracebacks, no escapes
    "plugins.yaml_metadata",
    "plugins.safe_html",  # drops javascript:/data: URLs and HTML comments
    "plugins.safe_paths",  # stops the build if an output path escapes OUTPUT_PATH or two collide
    # reading_time and related_posts count the posts' words as written, beside the themes'
    # work: listed before themes, they start first (either order gives the same site).
    "plugins.reading_time",
    "plugins.related_posts",  # article.related: posts sharing rare themes; RELATED_POSTS_* settings
    "plugins.themes",  # theme vocabulary, detection and cross-links
    "plugins.topics",  # /topics/ and /topics/<slug>/ pages and feeds; TOPICS_*/TOPIC_* settings
    "plugins.glossary",  # /glossary/, law links, "since written" notes, /cpd/
    "plugins.post_navigation",  # article.older_post / newer_post for "Previous post / Next post"
    "plugins.imported_comments",  # readers' comments from the old blog
    "plugins.old_addresses",  # a page at each imported post's old Blogger path, and _redirects
    "plugins.content_checks",  # errors and warnings about posts, with the file, line and fix
    "plugins.drafts",  # production builds drop drafts; previews label scheduled posts
    "plugins.search",
    "plugins.sitemap",
    "plugins.build_speed",
    "plugins.site_marker",  # marks the output folders our builds make: publish replaces only those
    "plugins.stale_output",  # local builds delete pages no post makes any more
]

# Clean, date-based URLs that never change between builds: /2018/07/no-blame-culture/
ARTICLE_URL = "{date:%Y}/{date:%m}/{slug}/"
ARTICLE_SAVE_AS = "{date:%Y}/{date:%m}/{slug}/index.html"
DRAFT_URL = "drafts/{slug}/"
DRAFT_SAVE_AS = "drafts/{slug}/index.html"
PAGE_URL = "{slug}/"
PAGE_SAVE_AS = "{slug}/index.html"
CATEGORY_URL = "category/{slug}/"
CATEGORY_SAVE_AS = "category/{slug}/index.html"
CATEGORIES_URL = "categories/"
CATEGORIES_SAVE_AS = "categories/index.html"
TAG_URL = "tag/{slug}/"
TAG_SAVE_AS = "tag/{slug}/index.html"
TAGS_URL = "tags/"
TAGS_SAVE_AS = "tags/index.html"
AUTHOR_URL = "author/{slug}/"
AUTHOR_SAVE_AS = "author/{slug}/index.html"
AUTHORS_URL = "authors/"
AUTHORS_SAVE_AS = "authors/index.html"
ARCHIVES_URL = "archives/"
ARCHIVES_SAVE_AS = "archives/index.html"
YEAR_ARCHIVE_URL = "{date:%Y}/"
YEAR_ARCHIVE_SAVE_AS = "{date:%Y}/index.html"
DIRECT_TEMPLATES = ["index", "archives", "categories", "tags", "authors"]

DEFAULT_PAGINATION = 10
PAGINATION_PATTERNS = (
    (1, "{url}", "{save_as}"),
    (2, "{base_name}/page/{number}/", "{base_name}/page/{number}/index.html"),
)

# Feeds: the whole site, per category and per tag. Pelican writes absolute links
# from FEED_DOMAIN; in local builds that is the empty SITEURL, so links stay relative.
FEED_DOMAIN = SITEURL


class _LocalFeedsWarning(logging.Filter):
    """Drop Pelican's "Feeds generated without SITEURL" warning from local builds."""

    # Local feeds are previews and their relative links are intended; an author can do nothing
    # about the warning, and `make publish` sets SITEURL (publish.conf.py), so it never fires.
    def filter(self, record):
        return not str(record.msg).startswith("Feeds generated without SITEURL")


# Pelican warns while it reads this file's settings, before any plugin is loaded. Once per
# process: the devserver reads this file again for every rebuild.
_settings_log = logging.getLogger("pelican.settings")
if not any(type(f).__name__ == "_LocalFeedsWarning" for f in _settings_log.filters):
    _settings_log.addFilter(_LocalFeedsWarning())

FEED_ALL_ATOM = "feeds/all.atom.xml"
FEED_ALL_RSS = "feeds/all.rss.xml"
CATEGORY_FEED_ATOM = "feeds/category/{slug}.atom.xml"
TAG_FEED_ATOM = None
AUTHOR_FEED_ATOM = None
AUTHOR_FEED_RSS = None
TRANSLATION_FEED_ATOM = None
FEED_MAX_ITEMS = 20
RSS_FEED_SUMMARY_ONLY = False

SUMMARY_MAX_LENGTH = 55
SUMMARY_END_SUFFIX = "…"

# Markdown is rendered by markdown-it (plugins/yaml_metadata/engine.py), not Python-Markdown:
# no MARKDOWN setting. Tables, footnotes, definition lists and raw HTML are always on.
MARKDOWN_TYPOGRAPHY = True  # curly quotes, -- en dash, --- em dash, ... ellipsis
MARKDOWN_HEADING_IDS = True  # every heading gets an id from its words, for #anchors

# Pelican's Jinja defaults, plus no auto_reload: Pelican makes a new template environment for
# every build (the devserver's too), so checking each template file's time stamp again at every
# include, import and extends of every page (thousands per build) buys nothing.
JINJA_ENVIRONMENT = {
    "trim_blocks": True,
    "lstrip_blocks": True,
    "extensions": [],
    "auto_reload": False,
}

# Local previews use links relative to the page, so the output opens from any folder.
RELATIVE_URLS = True
DELETE_OUTPUT_DIRECTORY = False
# Reproducible output: no build timestamps, and the same content gives the same bytes.
OUTPUT_SOURCES = False

# Build cache: `make html` reads again only the posts whose file changed since the last build
# (Pelican's content cache), and the plugins reuse their per-post work and the search index.
# The build_speed plugin keeps it under cache/build/<content folder>/<fingerprint>/, the
# fingerprint of the settings, our plugins' code and the versions of Pelican, Python, Markdown,
# PyYAML, the HTML parser and Pagefind, so an edit or an upgrade of any of them starts afresh.
# The output is the same bytes with or without it (tests/bench/test_build_speed.py);
# `make publish` always builds without it.
CACHE_CONTENT = True
LOAD_CONTENT_CACHE = True
CHECK_MODIFIED_METHOD = "mtime"  # Pelican's default: a changed time stamp means read it again
GZIP_CACHE = False  # compressing the cache costs more time than the disk space is worth
CACHE_PATH = str(_HERE / "cache" / "build")
# The theme's templates compiled to code once and kept in cache/build/.templates/, as Python
# keeps bytecode: code, not content, so `make publish` uses it too. Each file is checked
# against its template's source and named by what else shapes the code (Jinja, Python, the
# template settings and filters), so an edit is compiled afresh (plugins/build_speed/templates.py).
BUILD_SPEED_TEMPLATE_CACHE = True

# The importer's bookkeeping lives beside the articles; it is not content.
IGNORE_FILES = [".#*", ".import-state.json"]
