"""Old Blogger addresses keep working: a page at each imported post's old path, and _redirects.

A post imported from Blogger carries `original_url` (http://x.blogspot.com/2018/07/slug.html).
The build writes, at that old path, a small page that sends readers on to the new address (a
canonical link, an immediate meta refresh, a visible link, noindex), and one `_redirects` file
(the format Netlify and Cloudflare Pages read: `/old/path.html /new/path/ 301` per line), for
hosts that redirect properly. These pages come from the theme, not from post bodies, so the
safe_html plugin's removal of meta refresh from posts does not touch them.
"""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import urlsplit

from pelican import signals

from plugins.author_errors import AuthorError
from plugins.settings_table import Setting, SettingsError, SettingsTable, boolean, text

TEMPLATE = "old_address"
_SAFE_PATH = re.compile(
    r"/(?:[A-Za-z0-9_%-][A-Za-z0-9_.%-]*/)*[A-Za-z0-9_%-][A-Za-z0-9_.%-]*\.html"
)
_KEY = "OLD_ADDRESSES_FOUND"


class OldAddressError(AuthorError):
    """A setting or an original_url the plugin cannot use: says which and how to fix it."""


class OldAddressSettingsError(SettingsError, OldAddressError):
    """An OLD_ADDRESSES* setting that is unknown or has the wrong kind of value."""


TABLE = SettingsTable(
    "old_addresses",
    ("OLD_ADDRESSES",),
    [
        Setting(
            "OLD_ADDRESSES",
            True,
            boolean,
            "True or False (True writes a page at each imported post's old Blogger path that "
            "sends readers on)",
        ),
        Setting(
            "OLD_ADDRESSES_REDIRECTS",
            "_redirects",
            text,
            "the name of the redirects file in the Netlify / Cloudflare Pages format, such as "
            "'_redirects' ('' writes none)",
        ),
    ],
    error=OldAddressSettingsError,
)
SETTINGS = TABLE.defaults


def check_settings(settings) -> dict:
    """The OLD_ADDRESSES* settings with defaults, checked; unknown ones are refused."""
    return TABLE.resolve(settings)


def old_path(original_url) -> str | None:
    """The path part of a Blogger address, if it is one a static host can serve as a file."""
    path = urlsplit(str(original_url or "").strip()).path
    if not _SAFE_PATH.fullmatch(path) or ".." in path:
        return None
    return path


def redirect_lines(pairs) -> str:
    """The _redirects file for [(old path, new path)], sorted, one 301 per line."""
    lines = [f"{old} {new} 301" for old, new in sorted(set(pairs))]
    return "\n".join(lines) + "\n" if lines else ""


def _contents(generator):
    if hasattr(generator, "articles"):
        return [*generator.articles, *getattr(generator, "hidden_articles", [])]
    return [*generator.pages, *getattr(generator, "hidden_pages", [])]


def write_old_addresses(generator, writer):
    """Write the page at each old address and (re)write _redirects with all found so far."""
    settings = check_settings(generator.settings)
    if not settings["OLD_ADDRESSES"]:
        return
    found = generator.context.setdefault(_KEY, [])
    template = generator.get_template(TEMPLATE)
    own = {content.save_as for content in _contents(generator)}
    for content in _contents(generator):
        original = content.metadata.get("original_url")
        if not original:
            continue
        path = old_path(original)
        if path is None:
            raise OldAddressError(
                content.source_path,
                None,
                f"original_url '{original}' has no path ending in .html that the site could serve",
                "Fix: correct it or remove the line.",
            )
        save_as = path.lstrip("/")
        if save_as in own:
            continue  # the post itself lives there already
        writer.write_file(
            save_as,
            template,
            generator.context,
            relative_urls=generator.settings.get("RELATIVE_URLS"),
            content=content,
            old_url=original,
        )
        found.append((path, "/" + content.url))
    name = settings["OLD_ADDRESSES_REDIRECTS"]
    if name and found:
        target = Path(generator.output_path) / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(redirect_lines(found), encoding="utf-8")


def register():
    signals.article_writer_finalized.connect(write_old_addresses)
    signals.page_writer_finalized.connect(write_old_addresses)
