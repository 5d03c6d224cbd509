"""Sanitise the HTML that posts render to: no address that runs code, nothing that sends
readers elsewhere, no comments.

Decision (documented in README and tests/robustness): authors may write raw HTML in their
Markdown and it is theirs, but what could run code or take the reader away is never
published. sanitise.py reads each post's HTML with a real HTML parser and removes an address
that is not http, https, mailto, relative or a data: picture (the link's words stay), event
handler attributes, <meta http-equiv> (a refresh redirects), <base>, <form>, <object>,
<embed> and <iframe> (their words stay; SAFE_HTML_ALLOW_ELEMENTS keeps named ones), and
HTML comments (authors' private notes). The build warns, naming the post, so the author can
fix it. The site's Content-Security-Policy (theme/templates/base.html) is the second wall.
"""

from __future__ import annotations

import logging

from pelican import signals

from plugins.author_errors import author_message, labelled_fix, shown_path
from plugins.author_text import allowed_url, printable
from plugins.settings_table import Setting, SettingsError, SettingsTable

from .sanitise import DANGEROUS, Removal, sanitise

__all__ = [
    "DEFAULTS",
    "Removal",
    "clean",
    "is_unsafe_url",
    "neutralise_urls",
    "register",
    "sanitise",
    "strip_comments",
]

log = logging.getLogger(__name__)


class SafeHtmlSettingsError(SettingsError):
    """A SAFE_HTML_* setting is unknown or has the wrong form."""


def _element_names(value):
    if isinstance(value, str) or not isinstance(value, list | tuple | set | frozenset):
        return "is not a tuple of element names"
    unknown = [str(name) for name in value if str(name).lower() not in DANGEROUS]
    return f"names {', '.join(unknown)}, which this plugin never removes" if unknown else None


# Every setting of this plugin. Unknown SAFE_HTML_* names are refused when the build starts.
TABLE = SettingsTable(
    "safe_html",
    ("SAFE_HTML_",),
    [
        Setting(
            "SAFE_HTML_ALLOW_ELEMENTS",
            (),
            _element_names,
            "a tuple of the elements kept in posts although they embed or redirect, e.g. "
            "('iframe',), from: " + ", ".join(sorted(DANGEROUS)),
        ),
    ],
    error=SafeHtmlSettingsError,
)
SETTINGS = {name: (s.default, s.help) for name, s in TABLE.settings.items()}
DEFAULTS = TABLE.defaults


def safe_html_settings(settings):
    """The SAFE_HTML_* settings with defaults; SafeHtmlSettingsError on a bad one."""
    values = TABLE.resolve(settings)
    values["SAFE_HTML_ALLOW_ELEMENTS"] = frozenset(
        str(name).lower() for name in values["SAFE_HTML_ALLOW_ELEMENTS"]
    )
    return values


def is_unsafe_url(value: str) -> bool:
    """True when the URL VALUE (as written in HTML, entities and all) is not one we publish."""
    import html

    return not allowed_url(html.unescape(value))


def clean(fragment, allow_elements=frozenset()):
    """Return the sanitised FRAGMENT and the Removals made."""
    return sanitise(fragment, allow_elements)


def neutralise_urls(fragment):
    """Return FRAGMENT sanitised, and the addresses removed from it."""
    cleaned, removed = sanitise(fragment)
    return cleaned, [r.what for r in removed if r.kind == "address"]


def strip_comments(fragment):
    """Return FRAGMENT without HTML comments (and sanitised as clean() does)."""
    return sanitise(fragment)[0]


_WHY = {
    "address": (
        "removed the link to '{what}': only http, https, mailto and addresses on this site "
        "are published",
        "link to a web page (https://...) or remove the link",
    ),
    "handler": (
        "removed the '{what}' attribute: script in a post never runs",
        "remove the attribute",
    ),
    "element": (
        "removed {what}: a post may not redirect readers, re-target its links or embed other "
        "pages or forms (its words stay)",
        "remove it, or allow it by name in SAFE_HTML_ALLOW_ELEMENTS",
    ),
}


# The settings of this build, resolved when it starts (check_settings): (settings, elements).
_ALLOWED = [None, None]


def _allowed_elements(settings):
    """SAFE_HTML_ALLOW_ELEMENTS of SETTINGS, resolved once per build, not once per post."""
    if _ALLOWED[0] is not settings:
        return safe_html_settings(settings)["SAFE_HTML_ALLOW_ELEMENTS"]
    return _ALLOWED[1]


def clean_content(content):
    """Clean one article's or page's HTML (body and summary) and warn about what was removed."""
    allow = _allowed_elements(content.settings)
    content._content, removed = clean(content._content, allow)
    if "summary" in content.metadata:
        summary, more = clean(content.metadata["summary"], allow)
        content.metadata["summary"] = summary
        if hasattr(content, "_summary"):
            content._summary = summary
        removed += more
    if not removed:
        return
    source = shown_path(getattr(content, "source_path", None) or "?")
    for removal in dict.fromkeys((r.kind, r.what) for r in removed):
        problem, fix = _WHY[removal[0]]
        what = printable(removal[1], one_line=True)
        message = author_message(source, None, problem.format(what=what), labelled_fix(fix))
        log.warning("%s", message)


def check_settings(pelican):
    """Refuse an unknown or malformed SAFE_HTML_* setting before anything is read."""
    allowed = safe_html_settings(pelican.settings)["SAFE_HTML_ALLOW_ELEMENTS"]
    _ALLOWED[:] = [pelican.settings, allowed]


def register():
    # get_generators: sent at the start of every build, once every plugin is set up (the log
    # filter that turns this error into one line included), before any post is read.
    signals.get_generators.connect(check_settings)
    # content_object_init fires once each article or page is read, before any generator
    # builds summaries, feeds or pages from it, so every output sees the cleaned HTML.
    signals.content_object_init.connect(clean_content)
